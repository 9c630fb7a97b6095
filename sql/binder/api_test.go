package binder_test

import (
	"github.com/eddy-db/eddy/internal/sqltest"
	"testing"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/binder"
	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// exprNode parses "SELECT <expr>" and returns the expression's node.
func exprNode(t *testing.T, expr string) *pg.Node {
	t.Helper()
	tree, err := pg.Parse("SELECT " + expr)
	if err != nil {
		t.Fatal(err)
	}
	return tree.Stmts[0].Stmt.GetSelectStmt().TargetList[0].GetResTarget().Val
}

// Binder.Expr binds an expression over bare columns (watermarks,
// generated values).
func TestBindStandaloneExpr(t *testing.T) {
	env := sqltest.NewEnv(t)
	cols := []types.Column{{Name: "ts", Type: types.TTimestamp}, {Name: "n", Type: types.TInt8}}
	for _, tc := range []struct {
		expr, want string
		typ        types.Type
	}{
		{"ts - INTERVAL '5 seconds'", "(ts - '00:00:05'::interval)", types.TTimestamp},
		{"n * 2 + 1", "((n * 2) + 1)", types.TInt8},
		{"n = 3", "(n = 3)", types.TBool},
	} {
		e, err := binder.New(env, "", 0, nil).Expr(exprNode(t, tc.expr), cols)
		if err != nil {
			t.Errorf("%s: %v", tc.expr, err)
			continue
		}
		if e.String() != tc.want || e.Type() != tc.typ {
			t.Errorf("%s: bound to %s of type %s, want %s of type %s", tc.expr, e, e.Type(), tc.want, tc.typ)
		}
	}
	if _, err := binder.New(env, "", 0, nil).Expr(exprNode(t, "nosuch + 1"), cols); sqlerr.Code(err) != sqlerr.UndefinedColumn {
		t.Errorf("unknown column: %v", err)
	}
}

func TestDefaultExpr(t *testing.T) {
	env := sqltest.NewEnv(t)
	b := binder.New(env, "", 0, nil)
	for _, tc := range []struct {
		col  catalog.Column
		want string
	}{
		{catalog.Column{Name: "a", Type: types.TInt4}, "NULL"},
		{catalog.Column{Name: "a", Type: types.TInt4, Default: "40 + 2"}, "(40 + 2)"},
		{catalog.Column{Name: "a", Type: types.TInt8, Default: "7"}, "7"},
		{catalog.Column{Name: "a", Type: types.Type{ID: types.Varchar, Mod: 3 + 4}, Default: "'abc'"}, "'abc'::character varying(3)"},
		{catalog.Column{Name: "a", Type: types.Type{ID: types.Numeric, Mod: (5<<16 | 1) + 4}, Default: "1.25"}, "1.3"},
	} {
		e, err := b.DefaultExpr(tc.col)
		if err != nil {
			t.Errorf("DEFAULT %q: %v", tc.col.Default, err)
			continue
		}
		if e.String() != tc.want || e.Type() != tc.col.Type {
			t.Errorf("DEFAULT %q for %s: %s of type %s, want %s", tc.col.Default, tc.col.Type, e, e.Type(), tc.want)
		}
	}
	if _, err := b.DefaultExpr(catalog.Column{Name: "a", Type: types.TInt4, Default: "'x'"}); sqlerr.Code(err) != sqlerr.InvalidTextRepresentation {
		t.Errorf("DEFAULT 'x' for integer: %v", err)
	}
	if _, err := b.DefaultExpr(catalog.Column{Name: "a", Type: types.TDate, Default: "true"}); sqlerr.Code(err) != sqlerr.DatatypeMismatch {
		t.Errorf("DEFAULT true for date: %v", err)
	}
}

func TestFinishParams(t *testing.T) {
	b := binder.New(sqltest.NewEnv(t), "", 0, []types.Type{types.TUnknown, types.TInt8})
	b.Params = append(b.Params, types.TUnknown)
	b.FinishParams()
	if b.Params[0] != types.TText || b.Params[1] != types.TInt8 || b.Params[2] != types.TText {
		t.Errorf("FinishParams: %v", b.Params)
	}
}

func TestEvalCmp(t *testing.T) {
	for _, tc := range []struct {
		op   planner.CmpOp
		want [3]bool // for -1, 0, 1
	}{
		{planner.EQ, [3]bool{false, true, false}},
		{planner.NE, [3]bool{true, false, true}},
		{planner.LT, [3]bool{true, false, false}},
		{planner.LE, [3]bool{true, true, false}},
		{planner.GT, [3]bool{false, false, true}},
		{planner.GE, [3]bool{false, true, true}},
	} {
		for i, c := range []int{-1, 0, 1} {
			if got := binder.EvalCmp(tc.op, c); got != tc.want[i] {
				t.Errorf("EvalCmp(%s, %d) = %v", tc.op, c, got)
			}
		}
	}
}

func TestResolveTypeName(t *testing.T) {
	b := binder.New(sqltest.NewEnv(t), "", 0, nil)
	tn := func(sql string) *pg.TypeName {
		tree, err := pg.Parse("SELECT NULL::" + sql)
		if err != nil {
			t.Fatal(err)
		}
		return tree.Stmts[0].Stmt.GetSelectStmt().TargetList[0].GetResTarget().Val.GetTypeCast().TypeName
	}
	for sql, want := range map[string]string{
		"int":                         "integer",
		"varchar(20)":                 "character varying(20)",
		"char":                        "character(1)",
		"bpchar":                      "character",
		"numeric(12, 3)":              "numeric(12,3)",
		"decimal":                     "numeric",
		"timestamp(3) with time zone": "timestamp(3) with time zone",
		"double precision[]":          "double precision[]",
		"pg_catalog.int8":             "bigint",
		"jsonb":                       "jsonb",
	} {
		typ, err := b.ResolveTypeName(tn(sql))
		if err != nil || typ.String() != want {
			t.Errorf("ResolveTypeName(%s) = %s, %v; want %s", sql, typ, err, want)
		}
	}
	if _, err := b.ResolveTypeName(tn("myschema.mytype")); sqlerr.Code(err) != sqlerr.UndefinedObject {
		t.Errorf("myschema.mytype: %v", err)
	}
}
