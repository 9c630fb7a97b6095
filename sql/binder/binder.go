// Package binder turns pg_query parse trees into typed logical plans
// (planner.Plan) and expressions (planner.Expr): it resolves names
// against the catalog, infers and checks types, inserts casts, resolves
// functions and operators, infers parameter types, and reports errors with
// PostgreSQL's SQLSTATE codes and statement positions.
//
// Scopes: each FROM clause builds a scope listing the columns of its
// input row (table alias, name, type); column references resolve there,
// then in the enclosing queries' scopes (a correlated reference becomes an
// OuterRef). Aggregation splits binding in two: expressions are bound
// over the input scope, then rewritten over the Agg node's output
// (group keys, then aggregates).
package binder

import (
	"fmt"
	"unicode/utf8"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/functions"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// Relation is what a name in FROM resolves to: a stored relation, a
// virtual one computed by the session, or a view to expand.
type Relation struct {
	Obj     *catalog.Object
	Virtual *planner.Virtual
	// ViewQuery is the parsed SELECT of a (non-materialized) view.
	ViewQuery *pg.Node
	// Env, when set, is the environment ViewQuery binds in (its names
	// resolve as they did when the view was created).
	Env Env
}

// Env is what the binder needs from the session.
type Env interface {
	// Relation resolves schema.name (schema "" = search path) or returns
	// a 42P01 error.
	Relation(schema, name string) (*Relation, error)
	// SessionFunc returns a function whose value comes from the session
	// (version(), current_setting(), ...), if name is one.
	SessionFunc(name string, args []types.Type) (*functions.Func, bool)
	// TypesEnv returns the session's value settings (time zone ...).
	TypesEnv() *types.Env
}

// Binder binds one statement. It is not safe for concurrent use.
type Binder struct {
	env Env
	// Params are the parameter types: given by the client (Parse) or
	// inferred while binding. Unknown entries become text at the end.
	Params []types.Type
	// sql and offset locate the statement in the client's string, for
	// error positions.
	sql    string
	offset int
	ctes   []map[string]*cte
	// setOpBranch is set while binding a branch of a set operation (read
	// and cleared by the branch's select list).
	setOpBranch bool
	// Deps are the catalog objects the statement reads (views included,
	// although their queries are expanded).
	Deps map[uint32]bool
	// Streaming: the query defines a materialized view (or sink), which
	// may read sources as streams.
	Streaming bool
	// Uses, when not nil, collects what the statement's own text reads
	// of catalog relations: every relation it names (by id) and the
	// columns it references there (by name; * references every visible
	// column, JOIN USING both joined columns). The query of a view it
	// reads is expanded without adding to Uses: the view is what the
	// statement names. information_schema's view_table_usage and
	// view_column_usage show what a view's query uses.
	Uses map[uint32]map[string]bool
	// viewDepth counts the views being expanded (Uses records at 0).
	viewDepth int
}

// use records that the statement names relation obj (see Uses).
func (b *Binder) use(obj uint32) {
	if b.Uses == nil || b.viewDepth > 0 {
		return
	}
	if b.Uses[obj] == nil {
		b.Uses[obj] = map[string]bool{}
	}
}

// useCol records a reference to a column of a catalog relation (see
// Uses); derived columns have no relation and are not recorded.
func (b *Binder) useCol(c scopeCol) {
	if c.obj == 0 || b.Uses == nil || b.viewDepth > 0 {
		return
	}
	b.use(c.obj)
	b.Uses[c.obj][c.attr] = true
}

type cte struct {
	name    string
	query   *pg.Node
	colName []string
}

// New returns a binder for a statement whose text starts at byte offset
// within sql (the whole string the client sent). params are the types the
// client declared (nil or Unknown entries are inferred).
func New(env Env, sql string, offset int, params []types.Type) *Binder {
	p := make([]types.Type, len(params))
	copy(p, params)
	return &Binder{env: env, Params: p, sql: sql, offset: offset}
}

// FinishParams gives every parameter whose type is still unknown the type
// text, as PostgreSQL does for parameters used only in untyped contexts.
func (b *Binder) FinishParams() {
	for i, t := range b.Params {
		if t.ID == types.Unknown {
			b.Params[i] = types.TText
		}
	}
}

// pos converts a pg_query location (a byte offset in the statement, -1 if
// none) into a 1-based character position in the client's string.
func (b *Binder) pos(loc int32) int {
	if loc < 0 {
		return 0
	}
	n := b.offset + int(loc)
	if n > len(b.sql) {
		n = len(b.sql)
	}
	return utf8.RuneCountInString(b.sql[:n]) + 1
}

func (b *Binder) errAt(loc int32, code, format string, args ...any) *sqlerr.Error {
	return sqlerr.New(code, format, args...).WithPosition(b.pos(loc))
}

// scopeCol is one column visible in a scope.
type scopeCol struct {
	table  string // alias or table name ("" for derived columns)
	name   string
	typ    types.Type
	hidden bool // left out of *; still resolvable by name
	// using marks a column merged by JOIN USING: unqualified references
	// resolve to it instead of being ambiguous.
	using bool
	// obj is the catalog relation the column is read from (0 for
	// derived columns) and attr its name there (an alias may rename it).
	obj  uint32
	attr string
}

// scope is the set of columns an expression can reference.
type scope struct {
	cols   []scopeCol
	parent *scope
	// correlated is set when an expression bound in this scope (or a
	// child) referenced a column of parent.
	correlated bool
	// agg, when set, collects aggregate calls (the select list and HAVING
	// of an aggregating query).
	agg *aggState
	// tables lists the relation names/aliases in this scope (for
	// "missing FROM-clause entry" errors).
	tables []string
	// sub marks the boundary of a subquery used as an expression: the
	// executor pushes one outer row when it crosses it, so an outer
	// reference's depth counts these boundaries.
	sub bool
	// clause names the clause being bound, for "not allowed in" errors.
	clause string
	// hasFrom: the query block has a FROM clause.
	hasFrom bool
	// setFuncs: set-returning functions may be called here (the select
	// list and ORDER BY of a query block); they bind to SetCalls that
	// become a ProjectSet node.
	setFuncs bool
}

// sibling returns an empty scope at the same level as s (same parent,
// same boundary), for clauses that see s's parent but not s.
func (s *scope) sibling() *scope { return &scope{parent: s.parent, sub: s.sub} }

func (s *scope) types() []types.Type {
	out := make([]types.Type, len(s.cols))
	for i, c := range s.cols {
		out[i] = c.typ
	}
	return out
}

func (s *scope) columns() []types.Column {
	out := make([]types.Column, len(s.cols))
	for i, c := range s.cols {
		out[i] = types.Column{Name: c.name, Type: c.typ}
	}
	return out
}

// aggState collects the aggregates (and window functions) of a query
// block's select list.
type aggState struct {
	calls []*aggRef
	wins  []*winRef
	// inAgg is set while binding an aggregate's arguments (nested
	// aggregates are an error).
	inAgg bool
}

// aggRef stands for an aggregate result while the select list is bound
// over the input scope; rewriteAgg replaces it with a column of the Agg
// node.
type aggRef struct {
	call planner.AggCall
	idx  int
}

func (a *aggRef) Type() types.Type { return a.call.Typ }
func (a *aggRef) String() string   { return fmt.Sprintf("agg#%d", a.idx) }

// winRef stands for a window function's result until the Window nodes
// are built over the (aggregated) input.
type winRef struct {
	fn        string
	partition []planner.Expr
	orderBy   []planner.Expr
	keys      []planner.SortKey
	idx       int
}

func (w *winRef) Type() types.Type { return types.TInt8 }
func (w *winRef) String() string   { return fmt.Sprintf("win#%d", w.idx) }

// Result is a bound query: its plan and output column names.
type Result struct {
	Plan  planner.Plan
	Names []string
	// Deps are the ids of the catalog objects the query reads (filled by
	// the caller from Binder.Deps when it needs them).
	Deps []uint32
}
