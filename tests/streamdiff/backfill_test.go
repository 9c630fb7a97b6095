package streamdiff

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/eddy-db/eddy/internal/pgtest"
	"github.com/eddy-db/eddy/tests/internal/eddytest"
)

// TestBackfillUnderWrites creates the views while another session keeps
// writing: whatever the interleaving, once the writes are done and
// flushed every view must equal its query, so no row written during a
// backfill is lost or counted twice.
func TestBackfillUnderWrites(t *testing.T) {
	seed := seed(t)
	n := 200
	if testing.Short() {
		n = 80
	}
	srv := eddytest.Start(t)
	r := &runner{t: t, seed: seed, sc: scenario{name: "backfill_under_writes", views: Views}, failed: map[string]int{}}
	r.eddy = connect(t, "eddy", srv.DSN)
	r.pg = connect(t, "postgres", pgtest.Shared(t).DSN)
	writer := connect(t, "eddy", srv.DSN)
	defer r.eddy.Close(context.Background())
	defer r.pg.Close(context.Background())
	defer writer.Close(context.Background())

	r.must(r.eddy, "eddy", "SET barrier_interval_ms = 10")
	for _, tbl := range Tables {
		r.must(r.eddy, "eddy", tbl.Eddy)
		r.must(r.pg, "postgres", tbl.Postgres)
	}

	// The writer applies the stream to PostgreSQL and, through its own
	// session, to Eddy; it reads the state from PostgreSQL, which only it
	// touches until it is done.
	gen := NewGenerator(seed)
	done := make(chan error, 1)
	var history []string
	var progress atomic.Int64 // statements the writer has run
	aborted := 0              // transactions Eddy aborted with 40001
	// quarter is closed once the writer has run a quarter of the stream, so
	// the views start over tables that hold rows.
	quarter := make(chan struct{})
	go func() {
		ctx := context.Background()
		for i := 1; i <= n; i++ {
			st, err := readState(ctx, r.pg)
			if err != nil {
				done <- err
				return
			}
			sql := gen.Next(st)
			// Eddy first: it may abort a transaction on a table a view
			// started reading (40001, retry); the transaction is then
			// rolled back on both sides.
			if res := Run(ctx, writer, sql); res.Err != nil {
				var pgErr *pgconn.PgError
				if !errors.As(res.Err, &pgErr) || pgErr.Code != "40001" {
					done <- fmt.Errorf("statement %d failed on eddy: %s\n    %s", i, ErrText(res.Err), sql)
					return
				}
				history = append(history, "-- 40001 on: "+sql, "ROLLBACK")
				aborted++
				for _, c := range []*pgconn.PgConn{writer, r.pg} {
					if res := Run(ctx, c, "ROLLBACK"); res.Err != nil {
						done <- fmt.Errorf("ROLLBACK after 40001: %s", ErrText(res.Err))
						return
					}
				}
				gen.Abort()
				continue
			}
			history = append(history, sql)
			if res := Run(ctx, r.pg, sql); res.Err != nil {
				done <- fmt.Errorf("statement %d failed on postgres, not on eddy: %s\n    %s", i, ErrText(res.Err), sql)
				return
			}
			progress.Store(int64(i))
			if i == n/4 {
				close(quarter)
			}
		}
		if gen.InTransaction() {
			history = append(history, "COMMIT")
			for _, c := range []*pgconn.PgConn{r.pg, writer} {
				if res := Run(ctx, c, "COMMIT"); res.Err != nil {
					done <- fmt.Errorf("COMMIT: %s", ErrText(res.Err))
					return
				}
			}
		}
		done <- nil
	}()

	// The views are created one after another while the writer runs.
	select {
	case <-quarter:
	case err := <-done:
		t.Fatalf("seed %d: %v", seed, err)
	}
	from := progress.Load()
	r.createViews()
	to := progress.Load()
	if err := <-done; err != nil {
		t.Fatalf("seed %d: %v", seed, err)
	}
	r.history = history
	r.flush()
	r.compare(len(history))
	t.Logf("seed %d: %d statements, %d views created while statements %d..%d ran, %d transactions aborted (40001), %d view comparisons; views that differed: %d",
		seed, len(history), len(r.views), from, to, aborted, r.compared, len(r.failed))
	if t.Failed() {
		t.Logf("reproduce with: go test ./tests/streamdiff -run TestBackfillUnderWrites -args -seed %d", seed)
	}
}

// readState reads the generator's State from conn.
func readState(ctx context.Context, conn *pgconn.PgConn) (State, error) {
	var st State
	res := Run(ctx, conn, "SELECT id FROM acc ORDER BY id")
	if res.Err != nil {
		return st, fmt.Errorf("read acc ids: %s", ErrText(res.Err))
	}
	for _, row := range res.Rows {
		id, err := strconv.Atoi(row[0])
		if err != nil {
			return st, fmt.Errorf("acc id %q: %v", row[0], err)
		}
		st.AccIDs = append(st.AccIDs, id)
	}
	res = Run(ctx, conn, "SELECT count(*) FROM tx")
	if res.Err != nil || len(res.Rows) != 1 {
		return st, fmt.Errorf("count tx: %v", res.Err)
	}
	st.TxRows, _ = strconv.Atoi(res.Rows[0][0])
	return st, nil
}
