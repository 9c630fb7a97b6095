package recovery

import (
	"context"
	"fmt"
	"math/rand"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/eddy-db/eddy/tests/internal/eddytest"
)

var connect = eddytest.Connect

// TestKillRestart writes through every write path (INSERT, multi-row
// INSERT, COPY, UPDATE, DELETE, a committed and a rolled-back
// transaction, DDL), kills the server with SIGKILL, restarts it on the
// same data directory and checks that exactly the committed state is
// there — twice, with more writes in between.
func TestKillRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	want := map[int64]string{} // id -> name, the committed state

	p := eddytest.StartProcess(t, dir)
	c := connect(t, p.DSN)
	mustExec(t, c, `CREATE TABLE kv (id BIGINT PRIMARY KEY, name VARCHAR, v DOUBLE PRECISION, ts TIMESTAMPTZ)`)
	mustExec(t, c, `CREATE TABLE log (msg TEXT)`) // hidden row id
	mustExec(t, c, `CREATE TABLE dropped (x INT)`)
	mustExec(t, c, `INSERT INTO dropped VALUES (1)`)
	mustExec(t, c, `DROP TABLE dropped`)

	rng := rand.New(rand.NewSource(1))
	round := func(base int64) {
		for i := int64(0); i < 50; i++ {
			id := base + i
			name := fmt.Sprintf("n%d", rng.Intn(1000))
			mustExec(t, c, `INSERT INTO kv VALUES ($1, $2, $3, '2026-11-22 10:00:00+00')`, id, name, float64(id)/2)
			want[id] = name
		}
		// A multi-row insert and COPY.
		mustExec(t, c, fmt.Sprintf(`INSERT INTO kv VALUES (%d, 'm1', 1, NULL), (%d, 'm2', 2, NULL)`, base+100, base+101))
		want[base+100], want[base+101] = "m1", "m2"
		rows := [][]any{}
		for i := int64(200); i < 300; i++ {
			rows = append(rows, []any{base + i, "copy", 1.0, nil})
			want[base+i] = "copy"
		}
		if _, err := c.CopyFrom(ctx, pgx.Identifier{"kv"}, []string{"id", "name", "v", "ts"}, pgx.CopyFromRows(rows)); err != nil {
			t.Fatalf("copy: %v", err)
		}
		mustExec(t, c, `UPDATE kv SET name = 'upd' WHERE id >= $1 AND id < $2`, base, base+10)
		for i := base; i < base+10; i++ {
			want[i] = "upd"
		}
		mustExec(t, c, `DELETE FROM kv WHERE id >= $1 AND id < $2`, base+10, base+20)
		for i := base + 10; i < base+20; i++ {
			delete(want, i)
		}
		// Rolled back: must not survive. Committed: must.
		tx, err := c.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO kv VALUES ($1, 'rolled back', 0, NULL)`, base+900); err != nil {
			t.Fatal(err)
		}
		if err := tx.Rollback(ctx); err != nil {
			t.Fatal(err)
		}
		tx, err = c.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO kv VALUES ($1, 'tx', 0, NULL)`, base+901); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		want[base+901] = "tx"
		mustExec(t, c, `INSERT INTO log VALUES ($1)`, fmt.Sprintf("round %d", base))
	}

	check := func(rounds int) {
		t.Helper()
		got := map[int64]string{}
		rs, err := c.Query(ctx, `SELECT id, name FROM kv`)
		if err != nil {
			t.Fatal(err)
		}
		for rs.Next() {
			var id int64
			var name string
			if err := rs.Scan(&id, &name); err != nil {
				t.Fatal(err)
			}
			got[id] = name
		}
		if err := rs.Err(); err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("after restart: %d rows, want %d", len(got), len(want))
		}
		for id, name := range want {
			if got[id] != name {
				t.Fatalf("after restart: id %d = %q, want %q", id, got[id], name)
			}
		}
		var n int
		if err := c.QueryRow(ctx, `SELECT count(*) FROM log`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != rounds {
			t.Fatalf("log has %d rows, want %d", n, rounds)
		}
		if _, err := c.Exec(ctx, `SELECT * FROM dropped`); err == nil {
			t.Fatal("dropped table came back after restart")
		}
	}

	for r := 1; r <= 3; r++ {
		round(int64(r) * 10000)
		p.Kill()
		p = eddytest.StartProcess(t, dir)
		c = connect(t, p.DSN)
		check(r)
	}
	// New hidden row ids after restarts never collide with old ones.
	mustExec(t, c, `INSERT INTO log VALUES ('after')`)
	var distinct int
	if err := c.QueryRow(ctx, `SELECT count(DISTINCT _row_id) FROM log`).Scan(&distinct); err != nil {
		t.Fatal(err)
	}
	if distinct != 4 {
		t.Fatalf("log has %d distinct row ids, want 4", distinct)
	}
}

func mustExec(t *testing.T, c *pgx.Conn, sql string, args ...any) {
	t.Helper()
	if _, err := c.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}
