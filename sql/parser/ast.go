package parser

import (
	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// Statement is one statement of the string given to Parse.
//
// Exactly one of PG and Eddy is set. Location fields inside PostgreSQL
// nodes, whether in PG or inside an Eddy node, are byte offsets into SQL
// (not into the whole string given to Parse).
type Statement struct {
	// SQL is the statement's text from its first token to its last: no
	// trailing semicolon, no comments or whitespace around it.
	SQL    string
	Offset int            // byte offset of SQL within the string given to Parse
	PG     *pg_query.Node // a PostgreSQL statement (SelectStmt, InsertStmt, ...), or nil
	Eddy   Node           // an Eddy statement, or nil
	// AsOfProcTime lists the relations read with RisingWave's lookup-join
	// clause `rel FOR SYSTEM_TIME AS OF PROCTIME()` in this statement's
	// queries, by the Location of their RangeVar. PostgreSQL's grammar
	// lacks the clause: it is removed from the text it parses.
	AsOfProcTime []int32
}

// Node is a statement PostgreSQL's grammar lacks, parsed by Eddy's front
// parser: *CreateTable, *CreateSource, *CreateMaterializedView,
// *CreateSink, *Drop, *Show, *Describe, *Flush or *Explain.
type Node interface{ eddyNode() }

// Option is one `key = value` pair of a WITH (...) or ENCODE ... (...) list.
// Key is lower-cased, dotted keys kept as one key
// ("properties.bootstrap.server"); a quoted key part keeps its case. Value
// is the unquoted content of a string literal, or else the text of the
// value as written (numbers, identifiers, true/false, `secret s`).
type Option struct {
	Key   string
	Value string
}

// Options is an ordered list of options; keys are unique.
type Options []Option

// Get returns the value of key and whether it is present.
func (o Options) Get(key string) (string, bool) {
	for _, kv := range o {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return "", false
}

// Watermark is `WATERMARK FOR Column AS Expr` in a column list.
type Watermark struct {
	Column   string
	Expr     *pg_query.Node // the expression, parsed by PostgreSQL's grammar
	ExprText string         // the expression as written
}

// GeneratedColumn is RisingWave's `name type AS expr` column: a column
// computed from the others (e.g. `proc_time timestamptz AS proctime()`).
// The column itself stays in the column list without the `AS expr`.
type GeneratedColumn struct {
	Column   string
	Expr     *pg_query.Node
	ExprText string
}

// Include is `INCLUDE Kind ['Extra'] [Type] [AS Alias]`: a column filled
// from the message's metadata rather than its payload.
type Include struct {
	Kind  string // KEY, PARTITION, OFFSET, TIMESTAMP, HEADER, PAYLOAD, ... (upper case)
	Extra string // the inner field, e.g. the header name, or ""
	Type  string // the data type as written after Extra, or ""
	Alias string // the column name, or "" for the default
}

// CreateTable is every CREATE TABLE that is not CREATE TABLE ... AS: a
// table that stores rows, optionally fed by a connector.
type CreateTable struct {
	// Stmt is the statement with the RisingWave-only clauses removed, as
	// PostgreSQL's grammar parses it: name, IF NOT EXISTS, persistence,
	// column definitions (ColumnDef with their constraints: PRIMARY KEY,
	// NOT NULL, DEFAULT) and table constraints (PRIMARY KEY (a, b)).
	Stmt       *pg_query.CreateStmt
	Watermarks []Watermark
	Generated  []GeneratedColumn
	// Structs holds the fields of RisingWave's STRUCT<name type, ...>
	// column types, which PostgreSQL's grammar lacks: such a column's
	// TypeName is just "struct" (with its array bounds, if any), and its
	// fields are Structs[TypeName.Location]. A struct field of struct type
	// has its own entry.
	Structs    map[int32][]*pg_query.ColumnDef
	AppendOnly bool
	// OnConflict is "", "DO NOTHING", "DO UPDATE FULL" or
	// "DO UPDATE IF NOT NULL" (the RisingWave 1.x spellings OVERWRITE and
	// IGNORE map to DO UPDATE FULL and DO NOTHING).
	OnConflict    string
	Includes      []Include
	With          Options
	Format        string // FORMAT x, upper case, or ""
	Encode        string // ENCODE x, upper case, or ""
	EncodeOptions Options
}

// CreateSource is `CREATE SOURCE [IF NOT EXISTS] name [(columns)]
// [INCLUDE ...] WITH (...) [FORMAT ... ENCODE ... [(...)]]`.
type CreateSource struct {
	Name        string
	IfNotExists bool
	// Columns are the column definitions as PostgreSQL's grammar parses
	// them (a column's own PRIMARY KEY stays among its Constraints and is
	// also listed in PrimaryKey).
	Columns       []*pg_query.ColumnDef
	PrimaryKey    []string
	Watermarks    []Watermark
	Generated     []GeneratedColumn
	Structs       map[int32][]*pg_query.ColumnDef // as in CreateTable
	Includes      []Include
	With          Options
	Format        string
	Encode        string
	EncodeOptions Options
}

// CreateMaterializedView is `CREATE [OR REPLACE] MATERIALIZED VIEW
// [IF NOT EXISTS] name [(columns)] [WITH (...)] AS query
// [EMIT ON WINDOW CLOSE | EMIT IMMEDIATELY]`.
type CreateMaterializedView struct {
	Name        string
	IfNotExists bool
	OrReplace   bool
	Columns     []string       // the optional column name list, or nil
	Query       *pg_query.Node // a SelectStmt
	QueryText   string         // the query as written, for SHOW CREATE
	// EmitOnWindowClose is set by EMIT ON WINDOW CLOSE; EMIT IMMEDIATELY
	// is the default and leaves it false.
	EmitOnWindowClose bool
	With              Options
}

// CreateSink is `CREATE SINK [IF NOT EXISTS] name [INTO table [(columns)]]
// FROM relation | AS query [EMIT ...] [WITH (...)] [FORMAT ... ENCODE ...
// [(...)] [KEY ENCODE ...]]`. Exactly one of From and Query is set.
type CreateSink struct {
	Name              string
	IfNotExists       bool
	From              string         // FROM relation, or ""
	Query             *pg_query.Node // AS query (a SelectStmt), or nil
	QueryText         string
	Into              string   // INTO table, or ""
	IntoColumns       []string // INTO table (columns), or nil
	EmitOnWindowClose bool
	With              Options
	Format            string
	Encode            string
	EncodeOptions     Options
	KeyEncode         string // KEY ENCODE x, upper case, or ""
}

// Drop is the DROP of an object kind PostgreSQL lacks:
// `DROP SOURCE | SINK | SUBSCRIPTION [IF EXISTS] name [, ...] [CASCADE | RESTRICT]`.
type Drop struct {
	Kind     string // "SOURCE", "SINK" or "SUBSCRIPTION"
	Names    []string
	IfExists bool
	Cascade  bool
}

// Show is every SHOW statement.
//
// What is one of "TABLES", "INTERNAL TABLES", "MATERIALIZED VIEWS",
// "VIEWS", "SOURCES", "SINKS", "SUBSCRIPTIONS", "FUNCTIONS", "SECRETS",
// "CONNECTIONS" (these take FROM schema), "DATABASES", "SCHEMAS", "JOBS",
// "PROCESSLIST", "CLUSTER", "CURSORS", "SUBSCRIPTION CURSORS",
// "PARAMETERS", "COLUMNS", "INDEXES" (these two take FROM relation, in
// Name), "CREATE TABLE", "CREATE MATERIALIZED VIEW", "CREATE VIEW",
// "CREATE INDEX", "CREATE SOURCE", "CREATE SINK", "CREATE SUBSCRIPTION",
// "CREATE FUNCTION" (Name is the object), or "VARIABLE" (Name is the
// variable, named as PostgreSQL names it: `SHOW TIME ZONE` is "timezone",
// `SHOW TRANSACTION ISOLATION LEVEL` is "transaction_isolation",
// `SHOW SESSION AUTHORIZATION` is "session_authorization", `SHOW ALL` is
// "ALL").
type Show struct {
	What   string
	Name   string
	Schema string // SHOW TABLES FROM schema
	// Like is the pattern of `LIKE 'pattern'` or `ILIKE 'pattern'` (then
	// ILike is set).
	Like  string
	ILike bool
	// Where is the condition of `WHERE expr`, or nil.
	Where     *pg_query.Node
	WhereText string
}

// Describe is `DESCRIBE name` or `DESC name`.
type Describe struct {
	Name string
}

// Flush is `FLUSH`: wait until the changes made so far are committed and
// visible in every view.
type Flush struct{}

// Explain is every EXPLAIN statement.
type Explain struct {
	// Options are the options in upper case, each with its value after a
	// space: "ANALYZE", "VERBOSE", "FORMAT JSON", "COSTS FALSE".
	Options []string
	// Stmt is the explained statement, itself parsed by Parse's rules (so
	// EXPLAIN CREATE MATERIALIZED VIEW holds a *CreateMaterializedView).
	// Its SQL and Offset locate it in the string given to Parse.
	Stmt Statement
}

func (*CreateTable) eddyNode()            {}
func (*CreateSource) eddyNode()           {}
func (*CreateMaterializedView) eddyNode() {}
func (*CreateSink) eddyNode()             {}
func (*Drop) eddyNode()                   {}
func (*Show) eddyNode()                   {}
func (*Describe) eddyNode()               {}
func (*Flush) eddyNode()                  {}
func (*Explain) eddyNode()                {}

var (
	_ Node = (*CreateTable)(nil)
	_ Node = (*CreateSource)(nil)
	_ Node = (*CreateMaterializedView)(nil)
	_ Node = (*CreateSink)(nil)
	_ Node = (*Drop)(nil)
	_ Node = (*Show)(nil)
	_ Node = (*Describe)(nil)
	_ Node = (*Flush)(nil)
	_ Node = (*Explain)(nil)
)
