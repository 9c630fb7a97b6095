package recovery

import (
	"context"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/eddy-db/eddy/tests/internal/eddytest"
)

// views are the materialized views of the crash test, each with the
// batch query it must equal.
var crashViews = []struct{ name, query string }{
	{"v_agg", `SELECT k, count(*) AS n, sum(v) AS s, min(v) AS mn, max(v) AS mx, count(DISTINCT v % 7) AS d FROM orders GROUP BY k`},
	{"v_join", `SELECT o.id, o.v, c.name FROM orders o LEFT JOIN customers c ON o.k = c.id`},
	{"v_top", `SELECT id, v FROM orders ORDER BY v DESC, id LIMIT 5`},
	{"v_window", `SELECT window_start, k, count(*) AS n, sum(v) AS s FROM TUMBLE(events, ts, INTERVAL '10 seconds') GROUP BY window_start, k`},
	{"v_global", `SELECT count(*) AS n, sum(v) AS s FROM orders`},
	{"v_on_view", `SELECT count(*) AS groups, sum(n) AS rows FROM v_agg`},
}

// TestViewsSurviveKill keeps writing into tables while the server is
// killed with SIGKILL at random moments; after each restart every view
// must equal its query run in batch over what the tables hold — nothing
// lost, nothing applied twice.
func TestViewsSurviveKill(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	p := eddytest.StartProcess(t, dir, "--barrier-interval-ms", "50")
	c := connect(t, p.DSN)
	mustExec(t, c, `CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR)`)
	mustExec(t, c, `CREATE TABLE orders (id INT PRIMARY KEY, k INT, v INT)`)
	mustExec(t, c, `CREATE TABLE events (k INT, v INT, ts TIMESTAMPTZ) APPEND ONLY`)
	for i := 0; i < 10; i++ {
		mustExec(t, c, `INSERT INTO customers VALUES ($1, $2)`, i, fmt.Sprintf("c%d", i))
	}
	for _, v := range crashViews {
		mustExec(t, c, fmt.Sprintf(`CREATE MATERIALIZED VIEW %s AS %s`, v.name, v.query))
	}
	rng := rand.New(rand.NewSource(7))
	nextID := 0
	base := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	for round := 0; round < 4; round++ {
		// Writers run until the kill.
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for w := 0; w < 2; w++ {
			wg.Add(1)
			wc, err := pgx.Connect(ctx, p.DSN)
			if err != nil {
				t.Fatal(err)
			}
			seed := rng.Int63()
			start := nextID + w*100000
			go func() {
				defer wg.Done()
				defer wc.Close(context.Background())
				r := rand.New(rand.NewSource(seed))
				id := start
				for {
					select {
					case <-stop:
						return
					default:
					}
					var err error
					switch x := r.Intn(10); {
					case x < 5:
						id++
						_, err = wc.Exec(ctx, `INSERT INTO orders VALUES ($1, $2, $3)`, id, r.Intn(8), r.Intn(1000))
					case x < 7:
						_, err = wc.Exec(ctx, `UPDATE orders SET v = v + 1, k = $1 WHERE id = $2`, r.Intn(8), start+r.Intn(id-start+1))
					case x < 8:
						_, err = wc.Exec(ctx, `DELETE FROM orders WHERE id = $1`, start+r.Intn(id-start+1))
					default:
						ts := base.Add(time.Duration(r.Intn(600)) * time.Second)
						_, err = wc.Exec(ctx, `INSERT INTO events VALUES ($1, $2, $3)`, r.Intn(4), r.Intn(100), ts)
					}
					if err != nil {
						return // the server went away
					}
				}
			}()
		}
		time.Sleep(time.Duration(300+rng.Intn(700)) * time.Millisecond)
		p.Kill()
		close(stop)
		wg.Wait()
		nextID += 1000000

		p = eddytest.StartProcess(t, dir, "--barrier-interval-ms", "50")
		c = connect(t, p.DSN)
		mustExec(t, c, `FLUSH`)
		for _, v := range crashViews {
			got := rowsOf(t, c, "SELECT * FROM "+v.name)
			want := rowsOf(t, c, v.query)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("round %d: view %s differs from its query after a kill:\nview (%d rows): %.2000s\nquery (%d rows): %.2000s",
					round, v.name, len(got), strings.Join(got, "\n"), len(want), strings.Join(want, "\n"))
			}
		}
		var n int
		if err := c.QueryRow(ctx, `SELECT count(*) FROM orders`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		t.Logf("round %d: %d orders, views consistent", round, n)
	}
}

// rowsOf returns a query's rows as sorted text lines.
func rowsOf(t *testing.T, c *pgx.Conn, sql string) []string {
	t.Helper()
	res := c.PgConn().Exec(context.Background(), sql)
	rs, err := res.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	var out []string
	for _, r := range rs[len(rs)-1].Rows {
		var parts []string
		for _, v := range r {
			if v == nil {
				parts = append(parts, "NULL")
			} else {
				parts = append(parts, string(v))
			}
		}
		out = append(out, strings.Join(parts, "|"))
	}
	sort.Strings(out)
	return out
}
