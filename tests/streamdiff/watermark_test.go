package streamdiff

import (
	"context"
	"strings"
	"testing"

	"github.com/eddy-db/eddy/tests/internal/eddytest"
)

// TestWatermarkCommitOrder commits, on a table with a watermark, a
// transaction whose row is older than rows another session committed
// meanwhile: the table and every view over it must agree on whether the
// row is there.
func TestWatermarkCommitOrder(t *testing.T) {
	srv := eddytest.Start(t)
	a := connect(t, "eddy", srv.DSN)
	b := connect(t, "eddy", srv.DSN)
	defer a.Close(context.Background())
	defer b.Close(context.Background())
	ctx := context.Background()
	steps := []struct {
		session string
		sql     string
	}{
		{"a", "CREATE TABLE ev (id int, ts timestamp, WATERMARK FOR ts AS ts - INTERVAL '5 seconds') APPEND ONLY"},
		{"a", "CREATE MATERIALIZED VIEW v_rows AS SELECT id, ts FROM ev"},
		{"a", "CREATE MATERIALIZED VIEW v_windows AS SELECT window_start, count(*) AS n FROM TUMBLE(ev, ts, INTERVAL '1 minute') GROUP BY window_start"},
		{"a", "BEGIN"},
		{"a", "INSERT INTO ev VALUES (1, '2024-01-01 00:00:10')"},
		{"b", "INSERT INTO ev VALUES (2, '2024-01-01 00:05:00')"},
		{"b", "FLUSH"},
		{"a", "COMMIT"},
		{"b", "FLUSH"},
		{"b", "CREATE MATERIALIZED VIEW v_rows_later AS SELECT id, ts FROM ev"},
	}
	for _, s := range steps {
		conn := a
		if s.session == "b" {
			conn = b
		}
		if res := Run(ctx, conn, s.sql); res.Err != nil {
			t.Fatalf("session %s: %s: %s", s.session, s.sql, ErrText(res.Err))
		}
	}
	for _, c := range []struct{ view, query string }{
		{"v_rows", "SELECT id, ts FROM ev"},
		{"v_rows_later", "SELECT id, ts FROM ev"},
		{"v_windows", "SELECT window_start, count(*) AS n FROM TUMBLE(ev, ts, INTERVAL '1 minute') GROUP BY window_start"},
	} {
		if d := Diff("view", Run(ctx, b, "SELECT * FROM "+c.view), "table", Run(ctx, b, c.query)); d != "" {
			t.Errorf("%s differs from its query over the table: %s", c.view, indent(d))
		}
	}
	for _, q := range []string{"SELECT id, ts FROM ev", "SELECT table_name, materialized_view, late_events FROM rw_catalog.rw_late_events"} {
		res := Run(ctx, b, q)
		var rows []string
		for _, r := range res.Rows {
			rows = append(rows, FormatRow(r))
		}
		t.Logf("%s: %s", q, strings.Join(rows, "; "))
	}
}
