package recovery

import (
	"context"
	"math/rand"
	"testing"
	"time"

	"github.com/eddy-db/eddy/tests/internal/eddytest"
)

// TestConnectorTablesSurviveKill kills the server with SIGKILL at random
// moments while tables are fed by a generator (a sequence 1..total at a
// steady rate): one keyed by the sequence, one without a key (hidden row
// ids). Each chunk of rows commits together with the generator's offset,
// so after every restart each table holds exactly a prefix 1..n of the
// sequence — no row lost, none stored twice — and so do the views over
// them (at their own, possibly earlier, point); in the end all of it.
func TestConnectorTablesSurviveKill(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	const total = 6000
	p := eddytest.StartProcess(t, dir, "--barrier-interval-ms", "50")
	c := connect(t, p.DSN)
	gen := `WITH (connector = 'datagen', fields.id.kind = 'sequence', fields.id.start = '1', fields.id.end = '6000',
		fields.v.min = '0', fields.v.max = '9', datagen.rows.per.second = '4000')`
	mustExec(t, c, `CREATE TABLE keyed (id BIGINT PRIMARY KEY, v INT) `+gen)
	mustExec(t, c, `CREATE TABLE plain (id BIGINT, v INT) `+gen)
	mustExec(t, c, `CREATE MATERIALIZED VIEW keyed_total AS SELECT count(*) AS n, coalesce(sum(id), 0) AS s, coalesce(max(id), 0) AS hi FROM keyed`)
	mustExec(t, c, `CREATE MATERIALIZED VIEW plain_total AS SELECT count(*) AS n, coalesce(sum(id), 0) AS s, coalesce(max(id), 0) AS hi FROM plain`)
	prefix := func(round int, what, sql string) int64 {
		var n, s, hi int64
		if err := c.QueryRow(ctx, sql).Scan(&n, &s, &hi); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		if s != n*(n+1)/2 || hi != n {
			t.Fatalf("round %d: %s holds %d rows with sum %d and max %d: not the prefix 1..%d (rows lost or doubled)", round, what, n, s, hi, n)
		}
		return n
	}
	check := func(round int) (int64, int64) {
		k := prefix(round, "table keyed", `SELECT count(*), coalesce(sum(id), 0), coalesce(max(id), 0) FROM keyed`)
		pl := prefix(round, "table plain", `SELECT count(*), coalesce(sum(id), 0), coalesce(max(id), 0) FROM plain`)
		mustExec(t, c, `FLUSH`)
		prefix(round, "view keyed_total", `SELECT n, s, hi FROM keyed_total`)
		prefix(round, "view plain_total", `SELECT n, s, hi FROM plain_total`)
		return k, pl
	}
	rng := rand.New(rand.NewSource(13))
	var lastK, lastP int64
	for round := 0; round < 4; round++ {
		time.Sleep(time.Duration(150+rng.Intn(300)) * time.Millisecond)
		p.Kill()
		p = eddytest.StartProcess(t, dir, "--barrier-interval-ms", "50")
		c = connect(t, p.DSN)
		k, pl := check(round)
		if k < lastK || pl < lastP {
			t.Fatalf("round %d: tables went back from %d/%d to %d/%d rows", round, lastK, lastP, k, pl)
		}
		lastK, lastP = k, pl
		t.Logf("round %d: the tables hold rows 1..%d and 1..%d", round, k, pl)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		k, pl := check(99)
		if k == total && pl == total {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("the tables hold %d and %d of %d rows after 30 s", k, pl, total)
		}
		time.Sleep(100 * time.Millisecond)
	}
	var n int64
	if err := c.QueryRow(ctx, `SELECT n FROM plain_total`).Scan(&n); err != nil || n != total {
		t.Fatalf("view plain_total: %d rows (%v), want %d", n, err, total)
	}
}
