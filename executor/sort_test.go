package executor

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/functions"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// item is a sort key with the position it started at, to see stability.
type item struct{ key, pos int }

func cmpItems(a, b item) int { return cmp.Compare(a.key, b.key) }

// TestSortStable compares sortStable with the standard library's stable
// sort on inputs around the run length, random, sorted, reversed and
// with many equal keys.
func TestSortStable(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, sortRun - 1, sortRun, sortRun + 1, 2*sortRun + 3, 100, 1000, 4097, 10007} {
		for _, shape := range []string{"random", "few keys", "sorted", "reversed"} {
			xs := make([]item, n)
			for i := range xs {
				k := r.IntN(1 << 20)
				switch shape {
				case "few keys":
					k = r.IntN(3)
				case "sorted":
					k = i / 2
				case "reversed":
					k = (n - i) / 2
				}
				xs[i] = item{key: k, pos: i}
			}
			want := slices.Clone(xs)
			slices.SortStableFunc(want, cmpItems)
			if err := sortStable(nil, xs, cmpItems); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(xs, want) {
				t.Errorf("%d %s: sortStable differs from a stable sort", n, shape)
			}
		}
	}
}

// TestSortStableCancel cancels a sort after some comparisons: it stops
// with 57014 within a few thousand more, far from the millions a full
// sort makes, as a deadline does with its own message.
func TestSortStableCancel(t *testing.T) {
	const n = 200000
	for _, tc := range []struct {
		name string
		err  *sqlerr.Error
	}{{"cancel", ErrCanceled}, {"timeout", ErrTimeout}} {
		for _, after := range []int{10, 1000, 3_000_000} {
			ctx, cancel := context.WithCancelCause(context.Background())
			r := rand.New(rand.NewPCG(3, 4))
			xs := make([]item, n)
			for i := range xs {
				xs[i] = item{key: r.IntN(n), pos: i}
			}
			calls, atCancel := 0, -1
			err := sortStable(&Context{Ctx: ctx}, xs, func(a, b item) int {
				calls++
				if calls == after {
					cancel(tc.err)
					atCancel = calls
				}
				return cmpItems(a, b)
			})
			cancel(nil)
			if err != tc.err {
				t.Fatalf("%s after %d comparisons: got %v, want %v", tc.name, after, err, tc.err)
			}
			if extra := calls - atCancel; extra > sortCheckEvery+sortRun*sortRun {
				t.Errorf("%s after %d comparisons: %d more comparisons before it stopped", tc.name, after, extra)
			}
		}
	}
}

// cancellingInput yields rows, then cancels the statement as its input
// ends: what follows (sorting, numbering, emitting) must see it.
type cancellingInput struct {
	rows   []types.Row
	pos    int
	cancel func()
}

func (c *cancellingInput) Open(*Context) error { c.pos = 0; return nil }

func (c *cancellingInput) Next() (types.Row, error) {
	if c.pos == len(c.rows) {
		c.cancel()
		return nil, nil
	}
	c.pos++
	return c.rows[c.pos-1], nil
}

func (c *cancellingInput) Close() {}

// TestSortOperatorsCancel: ORDER BY, window functions and ordered
// aggregates stop with 57014 when the statement is cancelled after their
// input was read, while they sort.
func TestSortOperatorsCancel(t *testing.T) {
	const n = 50000
	rows := make([]types.Row, n)
	for i := range rows {
		rows[i] = types.Row{types.NewInt(int64((i * 7919) % n))}
	}
	col := &planner.ColRef{Idx: 0, Typ: types.TInt4, Name: "x"}
	key := []planner.SortKey{{Idx: 0}}
	for _, tc := range []struct {
		name  string
		build func(in Node) Node
	}{
		{"sort", func(in Node) Node { return &sortNode{plan: &planner.Sort{Keys: key}, input: in} }},
		{"window", func(in Node) Node {
			return &windowNode{plan: &planner.Window{Func: "row_number", OrderExprs: []planner.Expr{col}, OrderBy: key}, input: in}
		}},
	} {
		ctx, cancel := context.WithCancelCause(context.Background())
		node := tc.build(&cancellingInput{rows: rows, cancel: func() { cancel(ErrCanceled) }})
		ec := &Context{Ctx: ctx, Fn: &functions.Context{Env: types.DefaultEnv}}
		if err := node.Open(ec); err != nil {
			t.Fatal(err)
		}
		var err error
		got := 0
		for ; got <= n; got++ {
			var r types.Row
			if r, err = node.Next(); err != nil || r == nil {
				break
			}
		}
		node.Close()
		if err != ErrCanceled {
			t.Errorf("%s: %d rows then %v; want 57014 before any row", tc.name, got, err)
		} else if got > 0 {
			t.Errorf("%s: %d rows before 57014; the sort did not look for the cancel", tc.name, got)
		}
	}
}

// TestSortEmitCancel: a cancel that comes while a sort emits its rows
// ends it within the executor's check interval.
func TestSortEmitCancel(t *testing.T) {
	const n = 10000
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	many := &planner.Virtual{Name: "many", Cols: []types.Column{{Name: "n", Type: types.TInt4}}, Rows: func() ([]types.Row, error) {
		out := make([]types.Row, n)
		for i := range out {
			out[i] = types.Row{types.NewInt(int64(n - i))}
		}
		return out, nil
	}}
	node, err := Build(&planner.Sort{Input: many, Keys: []planner.SortKey{{Idx: 0}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := node.Open(&Context{Ctx: ctx, Fn: &functions.Context{Env: types.DefaultEnv}}); err != nil {
		t.Fatal(err)
	}
	defer node.Close()
	if r, err := node.Next(); err != nil || r == nil {
		t.Fatalf("first row: %v, %v", r, err)
	}
	cancel()
	for got := 1; got < n; got++ {
		r, err := node.Next()
		if err != nil {
			if err != ErrCanceled || got > 300 {
				t.Errorf("after %d rows: %v; want 57014 within 257 rows", got, err)
			}
			return
		}
		if r == nil {
			break
		}
	}
	t.Error("the sort emitted every row after the cancel")
}

// BenchmarkSortRows sorts rows by an int and a text column: the standard
// library's stable sort (what ORDER BY used before) against sortStable
// without and with a live context to check, whose checks must cost
// nothing noticeable.
func BenchmarkSortRows(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		r := rand.New(rand.NewPCG(5, 6))
		base := make([]types.Row, n)
		for i := range base {
			base[i] = types.Row{types.NewInt(int64(r.IntN(n / 10))), types.NewString(fmt.Sprintf("v%08d", r.IntN(n)))}
		}
		keys := []planner.SortKey{{Idx: 0}, {Idx: 1, Desc: true}}
		rowCmp := func(a, b types.Row) int { return CompareSortKeys(a, b, keys) }
		ctx, cancel := context.WithCancel(context.Background())
		rows := make([]types.Row, n)
		for _, v := range []struct {
			name string
			sort func()
		}{
			{"SliceStable", func() {
				sort.SliceStable(rows, func(i, j int) bool { return CompareSortKeys(rows[i], rows[j], keys) < 0 })
			}},
			{"sortStable-unchecked", func() { _ = sortStable(nil, rows, rowCmp) }},
			{"sortStable-checked", func() { _ = sortStable(&Context{Ctx: ctx}, rows, rowCmp) }},
		} {
			b.Run(fmt.Sprintf("%s/n=%d", v.name, n), func(b *testing.B) {
				for b.Loop() {
					b.StopTimer()
					copy(rows, base)
					b.StartTimer()
					v.sort()
				}
			})
		}
		cancel()
	}
}
