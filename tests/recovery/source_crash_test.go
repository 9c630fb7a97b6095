package recovery

import (
	"context"
	"math/rand"
	"testing"
	"time"

	"github.com/eddy-db/eddy/tests/internal/eddytest"
)

// TestSourceViewsSurviveKill kills the server with SIGKILL at random
// moments while views read a generated source (a sequence 1..total at a
// steady rate). The source is read from the position each view's last
// checkpoint recorded, so after every restart each view holds exactly a
// prefix 1..n of the sequence — count n and sum n(n+1)/2, no row lost
// (a gap) and none counted twice — and, in the end, all of it.
func TestSourceViewsSurviveKill(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	const total = 6000
	p := eddytest.StartProcess(t, dir, "--barrier-interval-ms", "50")
	c := connect(t, p.DSN)
	mustExec(t, c, `CREATE SOURCE seq (id BIGINT, v INT) WITH (connector = 'datagen',
		fields.id.kind = 'sequence', fields.id.start = '1', fields.id.end = '6000',
		fields.v.min = '0', fields.v.max = '9', datagen.rows.per.second = '4000')`)
	mustExec(t, c, `CREATE MATERIALIZED VIEW seq_total AS SELECT count(*) AS n, coalesce(sum(id), 0) AS s, coalesce(max(id), 0) AS hi FROM seq`)
	mustExec(t, c, `CREATE MATERIALIZED VIEW seq_by_v AS SELECT v, count(*) AS n FROM seq GROUP BY v`)
	check := func(round int) int64 {
		var n, s, hi, byV int64
		if err := c.QueryRow(ctx, `SELECT n, s, hi, (SELECT coalesce(sum(n), 0) FROM seq_by_v) FROM seq_total`).Scan(&n, &s, &hi, &byV); err != nil {
			t.Fatal(err)
		}
		if s != n*(n+1)/2 || hi != n {
			t.Fatalf("round %d: view holds %d rows with sum %d and max %d: not the prefix 1..%d (rows lost or doubled)", round, n, s, hi, n)
		}
		return n
	}
	rng := rand.New(rand.NewSource(11))
	var last int64
	for round := 0; round < 4; round++ {
		time.Sleep(time.Duration(150+rng.Intn(300)) * time.Millisecond)
		p.Kill()
		p = eddytest.StartProcess(t, dir, "--barrier-interval-ms", "50")
		c = connect(t, p.DSN)
		n := check(round)
		if n < last {
			t.Fatalf("round %d: view went back from %d to %d rows", round, last, n)
		}
		last = n
		t.Logf("round %d: the views hold rows 1..%d", round, n)
	}
	// The source goes on to its end.
	deadline := time.Now().Add(30 * time.Second)
	for {
		mustExec(t, c, `FLUSH`)
		if n := check(99); n == total {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("the views hold %d of %d rows after 30 s", n, total)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
