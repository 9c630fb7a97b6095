package parser

import (
	"testing"
)

func TestShow(t *testing.T) {
	tests := []struct {
		sql  string
		want Show
	}{
		{"SHOW TABLES", Show{What: "TABLES"}},
		{"show tables from public", Show{What: "TABLES", Schema: "public"}},
		{"SHOW TABLES LIKE 'x%'", Show{What: "TABLES", Like: "x%"}},
		{"SHOW TABLES FROM s ILIKE 'X%'", Show{What: "TABLES", Schema: "s", Like: "X%", ILike: true}},
		{"SHOW MATERIALIZED VIEWS", Show{What: "MATERIALIZED VIEWS"}},
		{"SHOW MATERIALIZED VIEWS FROM \"MySchema\"", Show{What: "MATERIALIZED VIEWS", Schema: "MySchema"}},
		{"SHOW VIEWS", Show{What: "VIEWS"}},
		{"SHOW SOURCES", Show{What: "SOURCES"}},
		{"SHOW SINKS", Show{What: "SINKS"}},
		{"SHOW SUBSCRIPTIONS", Show{What: "SUBSCRIPTIONS"}},
		{"SHOW FUNCTIONS", Show{What: "FUNCTIONS"}},
		{"SHOW INTERNAL TABLES", Show{What: "INTERNAL TABLES"}},
		{"SHOW JOBS", Show{What: "JOBS"}},
		{"SHOW DATABASES", Show{What: "DATABASES"}},
		{"SHOW SCHEMAS LIKE 'pub%'", Show{What: "SCHEMAS", Like: "pub%"}},
		{"SHOW PROCESSLIST", Show{What: "PROCESSLIST"}},
		{"SHOW CLUSTER", Show{What: "CLUSTER"}},
		{"SHOW CURSORS", Show{What: "CURSORS"}},
		{"SHOW SUBSCRIPTION CURSORS", Show{What: "SUBSCRIPTION CURSORS"}},
		{"SHOW PARAMETERS", Show{What: "PARAMETERS"}},
		{"SHOW COLUMNS FROM t", Show{What: "COLUMNS", Name: "t"}},
		{"SHOW COLUMNS FROM s.t LIKE 'a%'", Show{What: "COLUMNS", Name: "s.t", Like: "a%"}},
		{"SHOW INDEXES FROM mv", Show{What: "INDEXES", Name: "mv"}},
		{"SHOW CREATE TABLE t", Show{What: "CREATE TABLE", Name: "t"}},
		{"SHOW CREATE MATERIALIZED VIEW public.mv", Show{What: "CREATE MATERIALIZED VIEW", Name: "public.mv"}},
		{"SHOW CREATE VIEW v", Show{What: "CREATE VIEW", Name: "v"}},
		{"SHOW CREATE SOURCE s", Show{What: "CREATE SOURCE", Name: "s"}},
		{"SHOW CREATE SINK k", Show{What: "CREATE SINK", Name: "k"}},
		{"SHOW CREATE INDEX i", Show{What: "CREATE INDEX", Name: "i"}},
		{"SHOW search_path", Show{What: "VARIABLE", Name: "search_path"}},
		{"SHOW Search_Path", Show{What: "VARIABLE", Name: "search_path"}},
		{`SHOW "TimeZone"`, Show{What: "VARIABLE", Name: "TimeZone"}},
		{"SHOW TIME ZONE", Show{What: "VARIABLE", Name: "timezone"}},
		{"SHOW TRANSACTION ISOLATION LEVEL", Show{What: "VARIABLE", Name: "transaction_isolation"}},
		{"SHOW SESSION AUTHORIZATION", Show{What: "VARIABLE", Name: "session_authorization"}},
		{"SHOW ALL", Show{What: "VARIABLE", Name: "ALL"}},
		{"SHOW server_version", Show{What: "VARIABLE", Name: "server_version"}},
		{"SHOW rw_implicit_flush", Show{What: "VARIABLE", Name: "rw_implicit_flush"}},
		{"SHOW custom.setting", Show{What: "VARIABLE", Name: "custom.setting"}},
		{"SHOW TABLES WHERE name LIKE 't%'", Show{What: "TABLES", WhereText: "name LIKE 't%'"}},
	}
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) {
			n := eddyNode[*Show](t, tt.sql)
			w := tt.want
			eq(t, "What", n.What, w.What)
			eq(t, "Name", n.Name, w.Name)
			eq(t, "Schema", n.Schema, w.Schema)
			eq(t, "Like", n.Like, w.Like)
			eq(t, "ILike", n.ILike, w.ILike)
			eq(t, "WhereText", n.WhereText, w.WhereText)
			if (n.Where != nil) != (w.WhereText != "") {
				t.Errorf("Where: got %v, want an expression for %q", n.Where, w.WhereText)
			}
		})
	}
	n := eddyNode[*Show](t, "SHOW TABLES WHERE name LIKE 't%'")
	eq(t, "WHERE expression", deparseExpr(t, n.Where), "name LIKE 't%'")
}

func TestDescribeFlush(t *testing.T) {
	eq(t, "DESCRIBE", eddyNode[*Describe](t, "DESCRIBE t").Name, "t")
	eq(t, "DESC", eddyNode[*Describe](t, "desc Public.MV").Name, "public.mv")
	eq(t, "DESCRIBE quoted", eddyNode[*Describe](t, `DESCRIBE "My Table"`).Name, "My Table")
	eddyNode[*Flush](t, "FLUSH")
	eddyNode[*Flush](t, "flush;")
}

func TestExplain(t *testing.T) {
	tests := []struct {
		sql       string
		options   []string
		innerSQL  string
		innerKind string
	}{
		{"EXPLAIN SELECT 1", nil, "SELECT 1", "SelectStmt"},
		{"EXPLAIN ANALYZE SELECT 1", []string{"ANALYZE"}, "SELECT 1", "SelectStmt"},
		{"EXPLAIN ANALYSE VERBOSE SELECT 1", []string{"ANALYZE", "VERBOSE"}, "SELECT 1", "SelectStmt"},
		{"EXPLAIN VERBOSE INSERT INTO t VALUES (1)", []string{"VERBOSE"}, "INSERT INTO t VALUES (1)", "InsertStmt"},
		{"EXPLAIN (VERBOSE, FORMAT JSON, COSTS false, analyze) SELECT 1", []string{"VERBOSE", "FORMAT JSON", "COSTS FALSE", "ANALYZE"}, "SELECT 1", "SelectStmt"},
		{"EXPLAIN (TRACE, TYPE logical) CREATE MATERIALIZED VIEW mv AS SELECT 1", []string{"TRACE", "TYPE LOGICAL"}, "CREATE MATERIALIZED VIEW mv AS SELECT 1", "*parser.CreateMaterializedView"},
		{"EXPLAIN (SELECT 1)", nil, "(SELECT 1)", "SelectStmt"},
		{"EXPLAIN CREATE SINK s AS SELECT 1 WITH (connector = 'blackhole')", nil, "CREATE SINK s AS SELECT 1 WITH (connector = 'blackhole')", "*parser.CreateSink"},
		{"EXPLAIN CREATE TABLE t (v int) APPEND ONLY", nil, "CREATE TABLE t (v int) APPEND ONLY", "*parser.CreateTable"},
		{"SELECT 0; EXPLAIN\nSELECT *\nFROM t;", nil, "SELECT *\nFROM t", "SelectStmt"},
	}
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) {
			stmts := parseAll(t, tt.sql)
			n, ok := stmts[len(stmts)-1].Eddy.(*Explain)
			if !ok {
				t.Fatalf("got %s, want *parser.Explain", kind(stmts[len(stmts)-1]))
			}
			eqSlice(t, "options", n.Options, tt.options)
			eq(t, "inner SQL", n.Stmt.SQL, tt.innerSQL)
			eq(t, "inner kind", kind(n.Stmt), tt.innerKind)
		})
	}
	// The inner statement's nodes are located in its own SQL.
	n := eddyNode[*Explain](t, "EXPLAIN (VERBOSE) SELECT abc FROM t")
	loc := n.Stmt.PG.GetSelectStmt().TargetList[0].GetResTarget().Location
	eq(t, "inner location", n.Stmt.SQL[loc:loc+3], "abc")
	eq(t, "inner offset", n.Stmt.Offset, 18)
}

func TestDrop(t *testing.T) {
	tests := []struct {
		sql  string
		want Drop
	}{
		{"DROP SOURCE s", Drop{Kind: "SOURCE", Names: []string{"s"}}},
		{"DROP SOURCE IF EXISTS s, public.t CASCADE", Drop{Kind: "SOURCE", Names: []string{"s", "public.t"}, IfExists: true, Cascade: true}},
		{"drop sink k restrict", Drop{Kind: "SINK", Names: []string{"k"}}},
		{`DROP SUBSCRIPTION "Sub"`, Drop{Kind: "SUBSCRIPTION", Names: []string{"Sub"}}},
	}
	for _, tt := range tests {
		n := eddyNode[*Drop](t, tt.sql)
		eq(t, tt.sql+" kind", n.Kind, tt.want.Kind)
		eqSlice(t, tt.sql+" names", n.Names, tt.want.Names)
		eq(t, tt.sql+" if exists", n.IfExists, tt.want.IfExists)
		eq(t, tt.sql+" cascade", n.Cascade, tt.want.Cascade)
	}
}

func TestNotSupported(t *testing.T) {
	tests := []struct{ sql, msg string }{
		{"CREATE SUBSCRIPTION sub FROM mv WITH (retention = '1D')", "feature not supported: CREATE SUBSCRIPTION"},
		{"DECLARE c SUBSCRIPTION CURSOR FOR sub", "feature not supported: DECLARE SUBSCRIPTION CURSOR"},
		{"CREATE CONNECTION c WITH (type = 'privatelink')", "feature not supported: CREATE CONNECTION"},
		{"CREATE SECRET s WITH (backend = 'meta') AS 'x'", "feature not supported: CREATE SECRET"},
		{"CREATE OR REPLACE TABLE t (v int)", "feature not supported: CREATE OR REPLACE TABLE"},
		{"CREATE TEMPORARY SOURCE s WITH (connector = 'kafka')", "feature not supported: CREATE TEMPORARY SOURCE"},
		{"ALTER SOURCE s ADD COLUMN c int", "feature not supported: ALTER SOURCE"},
		{"ALTER SINK k SET PARALLELISM = 2", "feature not supported: ALTER SINK"},
		{"ALTER SYSTEM SET barrier_interval_ms = 100", "feature not supported: ALTER SYSTEM"},
		{"ALTER TABLE t SET PARALLELISM TO 4", "feature not supported: ALTER TABLE ... SET PARALLELISM"},
		{"ALTER MATERIALIZED VIEW mv SET PARALLELISM = 2", "feature not supported: ALTER MATERIALIZED VIEW ... SET PARALLELISM"},
		{"ALTER TABLE t SET SOURCE_RATE_LIMIT = 10", "feature not supported: ALTER TABLE ... SET SOURCE_RATE_LIMIT"},
		{"ALTER MATERIALIZED VIEW a SWAP WITH b", "feature not supported: ALTER MATERIALIZED VIEW ... SWAP WITH"},
		{"DROP CONNECTION c", "feature not supported: DROP CONNECTION"},
		{"CANCEL JOBS 1, 2", "feature not supported: CANCEL"},
		{"RECOVER", "feature not supported: RECOVER"},
		{"WAIT", "feature not supported: WAIT"},
		{"DESCRIBE FRAGMENTS mv", "feature not supported: DESCRIBE FRAGMENTS"},
		{"CREATE TABLE t (v int) WITH VERSION COLUMN (v)", "feature not supported: CREATE TABLE ... WITH VERSION COLUMN"},
		{"CREATE TABLE t (v int) ENGINE = iceberg", "feature not supported: CREATE TABLE ... ENGINE"},
		{"CREATE TABLE t (v int) FROM pg_source TABLE 'public.t'", "feature not supported: CREATE TABLE ... FROM source"},
		{"CREATE SOURCE s (v int, UNIQUE (v)) WITH (connector = 'kafka')", "feature not supported: constraints other than PRIMARY KEY on a source"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.sql)
		e := sqlErr(t, err)
		eq(t, tt.sql+" code", e.Code, "0A000")
		eq(t, tt.sql+" message", e.Message, tt.msg)
	}
}
