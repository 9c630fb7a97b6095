package parser

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/eddy-db/eddy/sql/sqlerr"
)

// parseAll parses sql, fails the test on error and checks the invariant
// every caller relies on: each statement's SQL is the slice of sql at its
// Offset.
func parseAll(t *testing.T, sql string) []Statement {
	t.Helper()
	stmts, err := Parse(sql)
	if err != nil {
		t.Fatalf("Parse(%q): %v", sql, err)
	}
	for _, st := range stmts {
		checkStatement(t, sql, st)
	}
	return stmts
}

func checkStatement(t *testing.T, sql string, st Statement) {
	t.Helper()
	if st.Offset < 0 || st.Offset+len(st.SQL) > len(sql) || sql[st.Offset:st.Offset+len(st.SQL)] != st.SQL {
		t.Fatalf("statement %q at offset %d is not a slice of %q", st.SQL, st.Offset, sql)
	}
	if (st.PG == nil) == (st.Eddy == nil) {
		t.Fatalf("statement %q: want exactly one of PG and Eddy, got PG=%v Eddy=%v", st.SQL, st.PG, st.Eddy)
	}
	if ex, ok := st.Eddy.(*Explain); ok {
		checkStatement(t, sql, ex.Stmt)
	}
}

// parseOne parses sql, which must hold exactly one statement.
func parseOne(t *testing.T, sql string) Statement {
	t.Helper()
	stmts := parseAll(t, sql)
	if len(stmts) != 1 {
		t.Fatalf("Parse(%q): got %d statements, want 1", sql, len(stmts))
	}
	return stmts[0]
}

// eddyNode parses sql and returns its Eddy node as a T.
func eddyNode[T Node](t *testing.T, sql string) T {
	t.Helper()
	st := parseOne(t, sql)
	n, ok := st.Eddy.(T)
	if !ok {
		t.Fatalf("Parse(%q): got %s, want %T", sql, kind(st), *new(T))
	}
	return n
}

// kind names what a statement parsed to: the Eddy node type
// ("*parser.CreateTable") or the PostgreSQL node ("SelectStmt").
func kind(st Statement) string {
	if st.Eddy != nil {
		return fmt.Sprintf("%T", st.Eddy)
	}
	if st.PG == nil {
		return "<nil>"
	}
	return strings.TrimPrefix(fmt.Sprintf("%T", st.PG.Node), "*pg_query.Node_")
}

// deparse renders a PostgreSQL statement node back to SQL.
func deparse(t *testing.T, n *pg_query.Node) string {
	t.Helper()
	v, err := pg_query.Parse("SELECT 1")
	if err != nil {
		t.Fatal(err)
	}
	s, err := pg_query.Deparse(&pg_query.ParseResult{Version: v.Version, Stmts: []*pg_query.RawStmt{{Stmt: n}}})
	if err != nil {
		t.Fatalf("deparse: %v", err)
	}
	return s
}

// deparseExpr renders an expression node back to SQL.
func deparseExpr(t *testing.T, e *pg_query.Node) string {
	t.Helper()
	if e == nil {
		t.Fatal("deparseExpr: nil expression")
	}
	sel := &pg_query.SelectStmt{TargetList: []*pg_query.Node{
		{Node: &pg_query.Node_ResTarget{ResTarget: &pg_query.ResTarget{Val: e}}},
	}}
	s := deparse(t, &pg_query.Node{Node: &pg_query.Node_SelectStmt{SelectStmt: sel}})
	return strings.TrimPrefix(s, "SELECT ")
}

// typeName renders a TypeName as its last name part plus array brackets
// ("int4", "varchar", "struct[]").
func typeName(tn *pg_query.TypeName) string {
	if tn == nil {
		return "<none>"
	}
	s := tn.Names[len(tn.Names)-1].GetString_().GetSval()
	for range tn.ArrayBounds {
		s += "[]"
	}
	return s
}

// columnDefs renders column definitions as "name type" plus their
// constraints (PK, NOT NULL, DEFAULT).
func columnDefs(cds []*pg_query.ColumnDef) []string {
	var out []string
	for _, cd := range cds {
		s := cd.Colname + " " + typeName(cd.TypeName)
		for _, c := range cd.Constraints {
			switch c.GetConstraint().Contype {
			case pg_query.ConstrType_CONSTR_PRIMARY:
				s += " PK"
			case pg_query.ConstrType_CONSTR_NOTNULL:
				s += " NOT NULL"
			case pg_query.ConstrType_CONSTR_DEFAULT:
				s += " DEFAULT"
			}
		}
		out = append(out, s)
	}
	return out
}

// tableColumns returns the column definitions of a CREATE TABLE.
func tableColumns(cs *pg_query.CreateStmt) []*pg_query.ColumnDef {
	var out []*pg_query.ColumnDef
	for _, e := range cs.TableElts {
		if cd := e.GetColumnDef(); cd != nil {
			out = append(out, cd)
		}
	}
	return out
}

// tablePrimaryKey returns the columns of a table-level PRIMARY KEY.
func tablePrimaryKey(cs *pg_query.CreateStmt) []string {
	var out []string
	for _, e := range cs.TableElts {
		if c := e.GetConstraint(); c != nil && c.Contype == pg_query.ConstrType_CONSTR_PRIMARY {
			for _, k := range c.Keys {
				out = append(out, k.GetString_().GetSval())
			}
		}
	}
	return out
}

// sqlErr returns err as a *sqlerr.Error or fails.
func sqlErr(t *testing.T, err error) *sqlerr.Error {
	t.Helper()
	var e *sqlerr.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *sqlerr.Error", err, err)
	}
	return e
}

func eq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}

func eqSlice[T comparable](t *testing.T, what string, got, want []T) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %v, want %v", what, got, want)
		return
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("%s: got %v, want %v", what, got, want)
			return
		}
	}
}
