package planner_test

import (
	"github.com/eddy-db/eddy/internal/sqltest"
	"slices"
	"testing"

	"github.com/eddy-db/eddy/planner"
)

// TestStreamWindowCols pins which aggregation group columns the stream
// plan knows to be TUMBLE/HOP windows (the aggregation indexes its groups
// per window when the first one is).
func TestStreamWindowCols(t *testing.T) {
	env := sqltest.NewEnv(t, "CREATE TABLE ev (k int, v int, ts timestamptz)")
	for _, tc := range []struct {
		sql  string
		want []int // group positions that are windows
	}{
		{"SELECT window_start, k, count(*) FROM TUMBLE(ev, ts, INTERVAL '1 minute') GROUP BY window_start, k", []int{0}},
		{"SELECT k, window_end, sum(v) FROM HOP(ev, ts, INTERVAL '10 seconds', INTERVAL '1 minute') WHERE v > 0 GROUP BY k, window_end", []int{1}},
		{"SELECT ws, k, count(*) FROM (SELECT window_start AS ws, k FROM TUMBLE(ev, ts, INTERVAL '1 minute')) x GROUP BY ws, k", []int{0}},
		{"SELECT ts, k, count(*) FROM ev GROUP BY ts, k", nil},
		{"SELECT k, count(*) FROM ev GROUP BY k", nil},
	} {
		res, err := sqltest.Bind(env, tc.sql, nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.sql, err)
		}
		sp, err := planner.BuildStream(planner.Optimize(res.Plan), planner.StreamOptions{})
		if err != nil {
			t.Fatalf("%s: %v", tc.sql, err)
		}
		var agg *planner.StreamNode
		var find func(n *planner.StreamNode)
		find = func(n *planner.StreamNode) {
			if n.Op == planner.SAgg && agg == nil {
				agg = n
			}
			for _, in := range n.Inputs {
				find(in)
			}
		}
		find(sp)
		if agg == nil {
			t.Fatalf("%s: no aggregation in\n%v", tc.sql, sp.Explain())
		}
		if !slices.Equal(agg.WindowCols, tc.want) {
			t.Errorf("%s: window group columns %v, want %v", tc.sql, agg.WindowCols, tc.want)
		}
	}
}
