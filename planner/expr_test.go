package planner_test

import (
	"testing"

	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/functions"
	"github.com/eddy-db/eddy/sql/types"
)

func TestCmpOp(t *testing.T) {
	for _, tc := range []struct {
		op, flip, negate planner.CmpOp
		text             string
	}{
		{planner.EQ, planner.EQ, planner.NE, "="},
		{planner.NE, planner.NE, planner.EQ, "<>"},
		{planner.LT, planner.GT, planner.GE, "<"},
		{planner.LE, planner.GE, planner.GT, "<="},
		{planner.GT, planner.LT, planner.LE, ">"},
		{planner.GE, planner.LE, planner.LT, ">="},
	} {
		if got := tc.op.Flip(); got != tc.flip {
			t.Errorf("%s.Flip() = %s, want %s", tc.op, got, tc.flip)
		}
		if got := tc.op.Negate(); got != tc.negate {
			t.Errorf("%s.Negate() = %s, want %s", tc.op, got, tc.negate)
		}
		if tc.op.String() != tc.text {
			t.Errorf("String() = %q, want %q", tc.op.String(), tc.text)
		}
	}
}

func TestExprHelpers(t *testing.T) {
	x, y := col(0, "x", types.TInt4), col(1, "y", types.TInt4)
	random, _, err := functions.Resolve("random", nil)
	if err != nil {
		t.Fatal(err)
	}
	rnd := &planner.FuncCall{Fn: random, Typ: types.TFloat8}
	p := &planner.Param{Idx: 0, Typ: types.TInt4}
	outer := &planner.OuterRef{Depth: 1, Idx: 2, Typ: types.TInt4, Name: "o"}

	conds := planner.Conjuncts(and(cmp(planner.EQ, x, i4(1)), and(cmp(planner.LT, y, p), &planner.IsNull{Arg: x})))
	if len(conds) != 3 {
		t.Fatalf("Conjuncts flattened nested ANDs into %d terms, want 3", len(conds))
	}
	if got := planner.MakeAnd(conds).String(); got != "((x = 1) AND (y < $1) AND (x IS NULL))" {
		t.Errorf("MakeAnd = %s", got)
	}
	if planner.MakeAnd(nil) != nil || planner.Conjuncts(nil) != nil {
		t.Error("MakeAnd(nil) and Conjuncts(nil) should be nil")
	}

	for _, tc := range []struct {
		e        planner.Expr
		constant bool
		usesCols bool
	}{
		{i4(1), true, false},
		{p, true, false},
		{cmp(planner.EQ, p, i4(1)), true, false},
		{x, false, true},
		{outer, false, false},
		{rnd, false, false},
		{&planner.Coalesce{Args: []planner.Expr{p, y}, Typ: types.TInt4}, false, true},
	} {
		if got := planner.IsConstant(tc.e); got != tc.constant {
			t.Errorf("IsConstant(%s) = %v, want %v", tc.e, got, tc.constant)
		}
		if got := planner.UsesColumns(tc.e); got != tc.usesCols {
			t.Errorf("UsesColumns(%s) = %v, want %v", tc.e, got, tc.usesCols)
		}
	}

	shifted := planner.ShiftCols(cmp(planner.EQ, x, y), 3).(*planner.Compare)
	if shifted.L.(*planner.ColRef).Idx != 3 || shifted.R.(*planner.ColRef).Idx != 4 {
		t.Errorf("ShiftCols moved columns to %d, %d; want 3, 4", shifted.L.(*planner.ColRef).Idx, shifted.R.(*planner.ColRef).Idx)
	}
	if x.Idx != 0 {
		t.Error("ShiftCols changed its input")
	}

	// Fingerprints compare structure and positions, not names.
	same := col(0, "t.x", types.TInt4)
	if planner.Fingerprint(cmp(planner.GT, x, i4(1))) != planner.Fingerprint(cmp(planner.GT, same, i4(1))) {
		t.Error("Fingerprint depends on column names")
	}
	if planner.Fingerprint(cmp(planner.GT, x, i4(1))) == planner.Fingerprint(cmp(planner.GT, y, i4(1))) {
		t.Error("Fingerprint ignores column positions")
	}
	sq := &planner.Subquery{Plan: &planner.Values{}, Typ: types.TInt4}
	sq2 := &planner.Subquery{Plan: &planner.Values{}, Typ: types.TInt4}
	if planner.Fingerprint(sq) == planner.Fingerprint(sq2) {
		t.Error("two subqueries have one fingerprint")
	}

	// WithChildren rebuilds a CASE from Children's order.
	c := &planner.Case{Whens: []planner.When{{Cond: cmp(planner.GT, x, i4(0)), Val: y}}, Else: i4(7), Typ: types.TInt4}
	kids := planner.Children(c)
	if len(kids) != 3 {
		t.Fatalf("Children(CASE) has %d entries, want 3", len(kids))
	}
	rebuilt := planner.WithChildren(c, []planner.Expr{kids[0], i4(5), kids[2]})
	if got := rebuilt.String(); got != "CASE WHEN (x > 0) THEN 5 ELSE 7 END" {
		t.Errorf("WithChildren(CASE) = %s", got)
	}
	if c.Whens[0].Val != planner.Expr(y) {
		t.Error("WithChildren changed its input")
	}
}

func TestExprString(t *testing.T) {
	x := col(0, "x", types.TInt4)
	for _, tc := range []struct {
		e    planner.Expr
		want string
	}{
		{&planner.ColRef{Idx: 3, Typ: types.TInt4}, "$col3"},
		{&planner.Const{Val: types.Null, Typ: types.TInt4}, "NULL"},
		{&planner.Const{Val: types.NewString("a'b"), Typ: types.TText}, "'a''b'::text"},
		{&planner.Const{Val: types.NewFloat(1.5), Typ: types.TFloat8}, "1.5"},
		{&planner.IsDistinct{L: x, R: i4(1)}, "(x IS DISTINCT FROM 1)"},
		{&planner.IsDistinct{L: x, R: i4(1), Not: true}, "(x IS NOT DISTINCT FROM 1)"},
		{&planner.IsBool{Arg: x, Val: false, Not: true}, "(x IS NOT FALSE)"},
		{&planner.InList{Arg: x, List: []planner.Expr{i4(1), i4(2)}, Not: true}, "(x NOT IN (1, 2))"},
		{&planner.NullIf{L: x, R: i4(0)}, "nullif(x, 0)"},
		{&planner.Subscript{Arr: col(1, "arr", types.ArrayOf(types.Int4)), Idx: i4(1), Typ: types.TInt4}, "arr[1]"},
		{&planner.Subquery{Kind: planner.SubAll, Op: planner.LT, Arg: x, Plan: &planner.Values{}}, "(x < ALL(subquery))"},
		{&planner.Subquery{Kind: planner.SubArray, Plan: &planner.Values{}}, "ARRAY(subquery)"},
		{&planner.Cast{Arg: x, Typ: types.TText}, "x::text"},
	} {
		if got := tc.e.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
}
