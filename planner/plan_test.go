package planner_test

import (
	"github.com/eddy-db/eddy/internal/sqltest"
	"strings"
	"testing"

	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/functions"
	"github.com/eddy-db/eddy/sql/types"
)

// Helpers to build plans by hand, for the node kinds and fields the
// binder never produces (semi and anti joins, reverse scans).

func col(idx int, name string, t types.Type) *planner.ColRef {
	return &planner.ColRef{Idx: idx, Typ: t, Name: name}
}

func i4(v int64) *planner.Const { return &planner.Const{Val: types.NewInt(v), Typ: types.TInt4} }

func cmp(op planner.CmpOp, l, r planner.Expr) *planner.Compare {
	return &planner.Compare{Op: op, L: l, R: r}
}

func and(es ...planner.Expr) planner.Expr { return planner.MakeAnd(es) }

func explainText(p planner.Plan) string { return strings.Join(planner.Explain(p), "\n") }

func TestOptimizeSemiAntiJoins(t *testing.T) {
	env := sqltest.NewEnv(t, schema...)
	a, b := &planner.Scan{Table: env.Object("a")}, &planner.Scan{Table: env.Object("b")}
	// a: id 0, x 1, bid 2; b (after a's 3 columns): id 3, y 4, name 5.
	ax, abid := col(1, "a.x", types.TInt4), col(2, "a.bid", types.TInt8)
	bid, by := col(3, "b.id", types.TInt8), col(4, "b.y", types.TInt4)
	for _, tc := range []struct {
		name string
		plan planner.Plan
		want string
	}{
		{
			// WHERE over a semi join reads only the left side: it goes
			// there. In ON, the equality is a key, a right-only condition
			// goes right and a left-only one stays in the join.
			name: "semi",
			plan: &planner.Filter{Cond: cmp(planner.GT, ax, i4(5)), Input: &planner.Join{Kind: planner.SemiJoin, Left: a, Right: b,
				Cond: and(cmp(planner.EQ, abid, bid), cmp(planner.GT, by, i4(1)), cmp(planner.LT, ax, i4(8)))}},
			want: `HashSemiJoin on a.bid = b.id filter (a.x < 8)
└─Filter (a.x > 5)
  └─FullScan a
└─Filter (b.y > 1)
  └─FullScan b`,
		},
		{
			name: "anti",
			plan: &planner.Filter{Cond: cmp(planner.EQ, col(0, "a.id", types.TInt8), &planner.Const{Val: types.NewInt(2), Typ: types.TInt8}),
				Input: &planner.Join{Kind: planner.AntiJoin, Left: a, Right: b,
					Cond: and(cmp(planner.EQ, bid, abid), cmp(planner.GT, ax, i4(1)))}},
			want: `HashAntiJoin on a.bid = b.id filter (a.x > 1)
└─PointGet a (id = 2)
└─FullScan b`,
		},
		{
			// Nothing moves out of a right join: WHERE on the preserved
			// right side stays above it, ON conditions stay in it.
			name: "right",
			plan: &planner.Filter{Cond: cmp(planner.GT, by, i4(1)), Input: &planner.Join{Kind: planner.RightJoin, Left: a, Right: b,
				Cond: and(cmp(planner.EQ, abid, bid), cmp(planner.GT, ax, i4(1)), cmp(planner.GT, by, i4(2)))}},
			want: `Filter (b.y > 1)
└─HashRightJoin on a.bid = b.id filter ((a.x > 1) AND (b.y > 2))
  └─FullScan a
  └─FullScan b`,
		},
		{
			name: "full",
			plan: &planner.Filter{Cond: cmp(planner.GT, ax, i4(1)), Input: &planner.Join{Kind: planner.FullJoin, Left: a, Right: b,
				Cond: and(cmp(planner.EQ, abid, bid), cmp(planner.GT, ax, i4(3)))}},
			want: `Filter (a.x > 1)
└─HashFullJoin on a.bid = b.id filter (a.x > 3)
  └─FullScan a
  └─FullScan b`,
		},
		{
			// An equality whose sides both read one input is no key.
			name: "no cross key",
			plan: &planner.Join{Kind: planner.InnerJoin, Left: a, Right: b,
				Cond: and(cmp(planner.EQ, ax, col(0, "a.id", types.TInt8)), cmp(planner.EQ, by, col(5, "b.name", types.TText)))},
			want: `NestedLoopInnerJoin
└─Filter (a.x = a.id)
  └─FullScan a
└─Filter (b.y = b.name)
  └─FullScan b`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := explainText(planner.Optimize(tc.plan)); got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

func TestDescribe(t *testing.T) {
	env := sqltest.NewEnv(t, schema...)
	tt, kv := env.Object("t"), env.Object("kv")
	scanT := &planner.Scan{Table: tt}
	tcols := scanT.Columns()
	count, _, err := functions.ResolveAggregate("count", nil)
	if err != nil {
		t.Fatal(err)
	}
	sum, _, err := functions.ResolveAggregate("sum", []types.Type{types.TInt4})
	if err != nil {
		t.Fatal(err)
	}
	text := func(s string) *planner.Const { return &planner.Const{Val: types.NewString(s), Typ: types.TText} }
	for _, tc := range []struct {
		plan planner.Plan
		want string
	}{
		{scanT, "FullScan t"},
		{&planner.Scan{Table: tt, Alias: "x", Reverse: true}, "FullScan t AS x reverse"},
		{&planner.Scan{Table: tt, Alias: "t"}, "FullScan t"},
		{&planner.Scan{Table: tt, Eq: []planner.Expr{i4(1)}}, "PointGet t (id = 1)"},
		{&planner.Scan{Table: tt, Lo: &planner.Bound{Val: i4(1)}, Hi: &planner.Bound{Val: i4(9), Inclusive: true}, Reverse: true},
			"RangeScan t (id > 1 AND id <= 9) reverse"},
		{&planner.Scan{Table: kv, Eq: []planner.Expr{i4(1), text("it's")}, Hi: &planner.Bound{Val: &planner.Param{Idx: 0, Typ: types.TInt8}}},
			"RangeScan kv (k1 = 1 AND k2 = 'it''s'::text AND k3 < $1)"},
		{&planner.Scan{Table: kv, Lo: &planner.Bound{Val: i4(4), Inclusive: true}}, "RangeScan kv (k1 >= 4)"},
		{&planner.Virtual{Name: "pg_class"}, "SystemScan pg_class"},
		{&planner.Values{Rows: [][]planner.Expr{{i4(1)}, {i4(2)}, {i4(3)}}}, "Values (3 rows)"},
		{&planner.Sort{Input: scanT, Keys: []planner.SortKey{{Idx: 0}, {Idx: 1, Desc: true, NullsFirst: true}, {Idx: 2, Desc: true}, {Idx: 0, NullsFirst: true}}},
			"Sort [id, v DESC, s DESC NULLS LAST, id NULLS FIRST]"},
		{&planner.Limit{Input: scanT, Limit: i4(10)}, "Limit 10"},
		{&planner.Limit{Input: scanT, Offset: i4(5)}, "Limit offset 5"},
		{&planner.Limit{Input: scanT, Limit: &planner.Param{Idx: 1, Typ: types.TInt8}, Offset: i4(5)}, "Limit $2 offset 5"},
		{&planner.Distinct{Input: scanT}, "Distinct"},
		{&planner.Distinct{Input: scanT, On: []int{0, 2}}, "Distinct on [0 2]"},
		{&planner.SetOp{Kind: planner.Intersect, All: true, Left: scanT, Right: scanT, Cols: tcols}, "Intersect All"},
		{&planner.SetOp{Kind: planner.Except, Left: scanT, Right: scanT, Cols: tcols}, "Except"},
		{&planner.Agg{Input: scanT, Aggs: []planner.AggCall{{Agg: count}}}, "HashAgg aggs [count(*)]"},
		{&planner.Agg{Input: scanT, GroupBy: []planner.Expr{col(2, "s", types.TText)},
			Aggs: []planner.AggCall{{Agg: count, Args: []planner.Expr{col(1, "v", types.TInt4)}, Distinct: true}, {Agg: sum, Args: []planner.Expr{col(1, "v", types.TInt4)}}}},
			"HashAgg group by [s] aggs [count(DISTINCT v), sum(v)]"},
		{&planner.Join{Kind: planner.AntiJoin, Left: scanT, Right: scanT}, "NestedLoopAntiJoin"},
		{&planner.Join{Kind: planner.SemiJoin, Left: scanT, Right: scanT, LeftKeys: []planner.Expr{col(0, "id", types.TInt4)},
			RightKeys: []planner.Expr{col(1, "v", types.TInt4)}, Cond: cmp(planner.NE, col(1, "v", types.TInt4), col(3, "id", types.TInt4))},
			"HashSemiJoin on id = v filter (v <> id)"},
		{&planner.Insert{Table: tt, Input: scanT}, "Insert into t"},
		{&planner.Update{Table: tt, Input: scanT}, "Update t"},
		{&planner.Delete{Table: tt, Input: scanT}, "Delete from t"},
	} {
		if got := tc.plan.Describe(); got != tc.want {
			t.Errorf("Describe() = %q, want %q", got, tc.want)
		}
	}
}

func TestExplainIndentation(t *testing.T) {
	env := sqltest.NewEnv(t, schema...)
	a, b := &planner.Scan{Table: env.Object("a")}, &planner.Scan{Table: env.Object("b")}
	p := &planner.Limit{Limit: i4(1), Input: &planner.Join{Kind: planner.LeftJoin, Left: &planner.Filter{Input: a, Cond: cmp(planner.GT, col(1, "x", types.TInt4), i4(0))}, Right: b}}
	want := []string{
		"Limit 1",
		"└─NestedLoopLeftJoin",
		"  └─Filter (x > 0)",
		"    └─FullScan a",
		"  └─FullScan b",
	}
	if got := planner.Explain(p); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Explain:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestJoinColumns(t *testing.T) {
	env := sqltest.NewEnv(t, schema...)
	a, b := &planner.Scan{Table: env.Object("a")}, &planner.Scan{Table: env.Object("b")}
	for _, tc := range []struct {
		kind planner.JoinKind
		want string
	}{
		{planner.InnerJoin, "id x bid id y name"},
		{planner.LeftJoin, "id x bid id y name"},
		{planner.RightJoin, "id x bid id y name"},
		{planner.FullJoin, "id x bid id y name"},
		{planner.SemiJoin, "id x bid"},
		{planner.AntiJoin, "id x bid"},
	} {
		var names []string
		for _, c := range (&planner.Join{Kind: tc.kind, Left: a, Right: b}).Columns() {
			names = append(names, c.Name)
		}
		if got := strings.Join(names, " "); got != tc.want {
			t.Errorf("%v join columns = %s, want %s", tc.kind, got, tc.want)
		}
	}
}

func TestScanKeyKind(t *testing.T) {
	env := sqltest.NewEnv(t, schema...)
	kv := env.Object("kv")
	for _, tc := range []struct {
		scan          *planner.Scan
		point, range_ bool
	}{
		{&planner.Scan{Table: kv}, false, false},
		{&planner.Scan{Table: kv, Eq: []planner.Expr{i4(1)}}, false, true},
		{&planner.Scan{Table: kv, Lo: &planner.Bound{Val: i4(1)}}, false, true},
		{&planner.Scan{Table: kv, Hi: &planner.Bound{Val: i4(1)}}, false, true},
		{&planner.Scan{Table: kv, Eq: []planner.Expr{i4(1), i4(2), i4(3)}}, true, true},
	} {
		if got := tc.scan.IsPoint(); got != tc.point {
			t.Errorf("%s: IsPoint = %v, want %v", tc.scan.Describe(), got, tc.point)
		}
		if got := tc.scan.IsRange(); got != tc.range_ {
			t.Errorf("%s: IsRange = %v, want %v", tc.scan.Describe(), got, tc.range_)
		}
	}
}
