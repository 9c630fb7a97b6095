package planner_test

import (
	"context"
	"fmt"
	"github.com/eddy-db/eddy/internal/sqltest"
	"sort"
	"strings"
	"testing"

	"github.com/eddy-db/eddy/executor"
	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/functions"
	"github.com/eddy-db/eddy/sql/types"
	"github.com/eddy-db/eddy/storage"
)

// schema and data are the tables the planner tests bind against; every
// optimized plan is also run over this data and must return what the
// plan before optimization returns.
var schema = []string{
	"CREATE TABLE t (id int PRIMARY KEY, v int, s text)",
	"CREATE TABLE u (id int PRIMARY KEY, tid int, w text)",
	"CREATE TABLE kv (k1 int, k2 text, k3 bigint, val float8, PRIMARY KEY (k1, k2, k3))",
	"CREATE TABLE a (id bigint PRIMARY KEY, x int, bid bigint)",
	"CREATE TABLE b (id bigint PRIMARY KEY, y int, name text)",
	"CREATE TABLE n (x int, y int)",
}

var data = map[string][]string{
	"t":  {"1 10 a", "2 20 b", "3 NULL c", "4 40 NULL", "5 10 a"},
	"u":  {"1 1 x", "2 1 y", "3 2 z", "4 NULL w", "5 9 q"},
	"kv": {"1 a 1 1.5", "1 a 2 2.5", "1 b 1 3.5", "2 a 1 4.5", "2 c 3 5.5", "3 a 1 6.5"},
	"a":  {"1 5 10", "2 6 20", "3 7 NULL", "4 8 30", "5 1 10"},
	"b":  {"10 1 p", "20 2 q", "40 4 r", "30 NULL s"},
	"n":  {"1 2 1", "NULL 3 2", "3 NULL 3", "1 1 4"},
}

// fixture is the schema loaded into a store.
type fixture struct {
	env   *sqltest.Env
	store *storage.Store
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	env := sqltest.NewEnv(t, schema...)
	st, err := storage.Open(t.TempDir(), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	b := st.NewBatch()
	defer b.Close()
	for name, rows := range data {
		o := env.Object(name)
		codec := executor.CodecFor(o)
		for _, line := range rows {
			r := sqltest.ParseRow(t, line, o.ColumnTypes())
			if err := b.Set(codec.Key(nil, r), codec.Value(nil, r)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := st.Apply(b); err != nil {
		t.Fatal(err)
	}
	return &fixture{env: env, store: st}
}

// run executes a plan over the fixture's store.
func (f *fixture) run(p planner.Plan, params []types.Datum) ([]types.Row, error) {
	n, err := executor.Build(p)
	if err != nil {
		return nil, err
	}
	ec := &executor.Context{Ctx: context.Background(), Reader: f.store, Params: params,
		Fn: &functions.Context{Env: types.DefaultEnv, TxnTime: 1700000000000000}}
	if err := n.Open(ec); err != nil {
		n.Close()
		return nil, err
	}
	defer n.Close()
	var out []types.Row
	for {
		r, err := n.Next()
		if err != nil {
			return nil, err
		}
		if r == nil {
			return out, nil
		}
		out = append(out, r)
	}
}

// explainAll is planner.Explain followed by the plans of the subqueries
// in the plan's expressions.
func explainAll(p planner.Plan) string {
	var sb strings.Builder
	var emit func(p planner.Plan, indent string)
	emit = func(p planner.Plan, indent string) {
		for _, l := range planner.Explain(p) {
			sb.WriteString(indent + l + "\n")
		}
		for i, sq := range subqueries(p) {
			kind := [...]string{"scalar", "exists", "any", "all", "array"}[sq.Kind]
			if sq.Correlated {
				kind += ", correlated"
			}
			sb.WriteString(fmt.Sprintf("%ssubquery %d (%s):\n", indent, i+1, kind))
			emit(sq.Plan, indent+"  ")
		}
	}
	emit(p, "")
	return sb.String()
}

// subqueries lists the subqueries in the expressions of p's nodes, in
// plan order (not those nested in other subqueries).
func subqueries(p planner.Plan) []*planner.Subquery {
	var out []*planner.Subquery
	var walk func(p planner.Plan)
	add := func(es ...planner.Expr) {
		for _, e := range es {
			planner.Walk(e, func(x planner.Expr) bool {
				if sq, ok := x.(*planner.Subquery); ok {
					out = append(out, sq)
				}
				return true
			})
		}
	}
	walk = func(p planner.Plan) {
		switch x := p.(type) {
		case *planner.Scan:
			add(x.Eq...)
			if x.Lo != nil {
				add(x.Lo.Val)
			}
			if x.Hi != nil {
				add(x.Hi.Val)
			}
		case *planner.Filter:
			add(x.Cond)
		case *planner.Project:
			add(x.Exprs...)
		case *planner.Join:
			add(x.LeftKeys...)
			add(x.RightKeys...)
			add(x.Cond)
		case *planner.Agg:
			add(x.GroupBy...)
			for _, a := range x.Aggs {
				add(a.Args...)
				add(a.Filter)
				add(a.OrderExprs...)
			}
		case *planner.Values:
			for _, r := range x.Rows {
				add(r...)
			}
		case *planner.Update:
			add(x.Set...)
		}
		for _, c := range p.Children() {
			walk(c)
		}
	}
	walk(p)
	return out
}

func sortedRows(rows []types.Row, cols []types.Column) []string {
	ts := make([]types.Type, len(cols))
	for i, c := range cols {
		ts[i] = c.Type
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = sqltest.FormatRow(r, ts)
	}
	sort.Strings(out)
	return out
}

// TestOptimize runs testdata/optimize: each `optimize` command binds a
// statement, optimizes it and prints the EXPLAIN of the result (with the
// plans of its subqueries). A SELECT is also run before and after
// optimization over the fixture's data: both must return the same rows.
// `optimize params=5,x` gives parameter values (parsed as the types the
// binder inferred).
func TestOptimize(t *testing.T) {
	f := newFixture(t)
	sqltest.RunFile(t, "testdata/optimize", func(t *testing.T, c *sqltest.Case) string {
		if c.Cmd != "optimize" {
			t.Fatalf("%s: unknown command %s", c.Pos, c.Cmd)
		}
		res, err := sqltest.Bind(f.env, c.Input, nil)
		if err != nil {
			return sqltest.FormatError(err)
		}
		before := explainAll(res.Plan)
		opt := planner.Optimize(res.Plan)
		if after := explainAll(res.Plan); after != before {
			t.Errorf("%s: Optimize changed its input plan:\nbefore:\n%s\nafter:\n%s", c.Pos, before, after)
		}
		out := explainAll(opt)
		if again := explainAll(planner.Optimize(opt)); again != out {
			t.Errorf("%s: Optimize is not idempotent:\nonce:\n%s\ntwice:\n%s", c.Pos, out, again)
		}
		if _, isSelect := res.Plan.(*planner.Project); !isSelect && len(res.Cols) == 0 {
			return out
		}
		var params []types.Datum
		if p, ok := c.Arg("params"); ok {
			for i, v := range strings.Split(p, ",") {
				d, err := types.ParseText(v, res.Params[i], types.DefaultEnv)
				if err != nil {
					t.Fatalf("%s: param %d: %v", c.Pos, i+1, err)
				}
				params = append(params, d)
			}
		}
		want, err := f.run(res.Plan, params)
		if err != nil {
			t.Fatalf("%s: running the unoptimized plan: %v", c.Pos, err)
		}
		got, err := f.run(opt, params)
		if err != nil {
			t.Fatalf("%s: running the optimized plan: %v", c.Pos, err)
		}
		w, g := sortedRows(want, res.Cols), sortedRows(got, res.Cols)
		if strings.Join(w, "\n") != strings.Join(g, "\n") {
			t.Errorf("%s: optimized plan returns\n%s\nwant (unoptimized)\n%s", c.Pos, strings.Join(g, "\n"), strings.Join(w, "\n"))
		}
		return out + fmt.Sprintf("(%d rows)", len(got))
	})
}

// TestReadsStorageOnce pins which plans read storage at most once (and so
// may run on the store without a snapshot).
func TestReadsStorageOnce(t *testing.T) {
	env := sqltest.NewEnv(t, schema...)
	for _, tc := range []struct {
		sql  string
		want bool
	}{
		{"SELECT 1", true},
		{"VALUES (1), (2)", true},
		{"SELECT * FROM t", true},
		{"SELECT * FROM t WHERE id = 1", true},
		{"SELECT v, count(*) FROM t GROUP BY v ORDER BY 2 LIMIT 3", true},
		{"SELECT * FROM t, u", false},
		{"SELECT * FROM t WHERE id = 1 UNION SELECT * FROM t WHERE id = 2", false},
		{"SELECT (SELECT 1)", true},
		{"SELECT (SELECT max(v) FROM t)", false},
		{"SELECT * FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.tid = t.id)", false},
		// A correlated subquery reruns per row even over no table.
		{"SELECT (SELECT t.v) FROM t", false},
		{"SELECT * FROM t WHERE id IN (SELECT 1)", false},
		{"INSERT INTO t VALUES (1, 2, 'x')", true},
		{"INSERT INTO t SELECT * FROM t", true},
		{"UPDATE t SET v = 1 WHERE id = 2", true},
	} {
		res, err := sqltest.Bind(env, tc.sql, nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.sql, err)
		}
		for _, p := range []planner.Plan{res.Plan, planner.Optimize(res.Plan)} {
			if got := planner.ReadsStorageOnce(p); got != tc.want {
				t.Errorf("ReadsStorageOnce(%s) = %v, want %v\n%s", tc.sql, got, tc.want, explainAll(p))
			}
		}
	}
}

// A subquery in an aggregate's ORDER BY runs too: the statement reads
// storage twice and needs a snapshot.
func TestReadsStorageOnceAggregateOrderBy(t *testing.T) {
	env := sqltest.NewEnv(t, schema...)
	res, err := sqltest.Bind(env, "SELECT string_agg(s, ',' ORDER BY (SELECT max(w) FROM u)) FROM t", nil)
	if err != nil {
		t.Fatal(err)
	}
	if planner.ReadsStorageOnce(res.Plan) {
		t.Error("ReadsStorageOnce does not look at aggregate ORDER BY expressions, so a subquery there is not counted")
	}
}
