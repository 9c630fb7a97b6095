// Package kafka tests Kafka sources end to end: a kfake broker on
// loopback, an Eddy server, CREATE SOURCE ... WITH (connector = 'kafka')
// and materialized views over it.
package kafka

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/eddy-db/eddy/tests/internal/eddytest"
)

func broker(t *testing.T, topic string, partitions int32) string {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(partitions, topic))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()[0]
}

// producer writes JSON events {"id": i, "k": i % 7, "ts": ...} for ids
// from..to-1, spread over the partitions.
func produce(t *testing.T, cl *kgo.Client, topic string, from, to int, extra ...*kgo.Record) {
	t.Helper()
	var recs []*kgo.Record
	for i := from; i < to; i++ {
		ts := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second)
		recs = append(recs, &kgo.Record{Topic: topic, Partition: int32(i % 3),
			Value: fmt.Appendf(nil, `{"id": %d, "k": %d, "ts": "%s"}`, i, i%7, ts.Format(time.RFC3339))})
	}
	recs = append(recs, extra...)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

func client(t *testing.T, addr string) *kgo.Client {
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

var (
	connect = eddytest.Connect
	exec    = eddytest.Exec
)

// eventually polls a query until its single text row equals want.
func eventually(t *testing.T, c *pgx.Conn, sql, want string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var got string
	for time.Now().Before(deadline) {
		rows, err := c.Query(context.Background(), sql)
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		var parts []string
		for rows.Next() {
			vals, _ := rows.Values()
			for _, v := range vals {
				parts = append(parts, fmt.Sprint(v))
			}
		}
		rows.Close()
		if got = strings.Join(parts, " "); got == want {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s: got %q, want %q", sql, got, want)
}

func createSource(t *testing.T, c *pgx.Conn, addr string) {
	exec(t, c, fmt.Sprintf(`CREATE SOURCE events (id BIGINT, k INT, ts TIMESTAMPTZ)
		INCLUDE partition AS p INCLUDE offset AS o
		WITH (connector = 'kafka', topic = 'events', properties.bootstrap.server = '%s',
		      scan.startup.mode = 'earliest') FORMAT PLAIN ENCODE JSON`, addr))
}

// TestKafkaJSONSource: rows of all partitions reach the views; a record
// that does not parse is skipped, counted and listed with its partition
// and offset; a bad definition fails at CREATE.
func TestKafkaJSONSource(t *testing.T) {
	addr := broker(t, "events", 3)
	cl := client(t, addr)
	produce(t, cl, "events", 0, 300)
	srv := eddytest.Start(t)
	c := connect(t, srv.DSN)
	createSource(t, c, addr)
	exec(t, c, `CREATE MATERIALIZED VIEW totals AS SELECT count(*) AS n, sum(id) AS s, count(DISTINCT p) AS parts FROM events`)
	exec(t, c, `CREATE MATERIALIZED VIEW per_minute AS
		SELECT window_start, count(*) AS n FROM TUMBLE(events, ts, INTERVAL '1 minute') GROUP BY window_start`)
	eventually(t, c, `SELECT n, s::text, parts FROM totals`, "300 44850 3")
	eventually(t, c, `SELECT count(*), sum(n)::text FROM per_minute`, "5 300")

	// A malformed record between good ones.
	produce(t, cl, "events", 300, 310, &kgo.Record{Topic: "events", Partition: 1, Value: []byte(`{"id": "not a number"`)})
	produce(t, cl, "events", 310, 320)
	eventually(t, c, `SELECT n, s::text FROM totals`, fmt.Sprintf("320 %d", 319*320/2))
	eventually(t, c, `SELECT error_count FROM rw_catalog.rw_source_stats WHERE materialized_view = 'totals'`, "1")
	eventually(t, c, `SELECT partition, "offset" FROM rw_catalog.rw_source_errors WHERE materialized_view = 'totals'`, "1 103")

	for _, tc := range []struct{ sql, code string }{
		{fmt.Sprintf(`CREATE SOURCE s2 (id INT) WITH (connector = 'kafka', topic = 'nosuch', properties.bootstrap.server = '%s') FORMAT PLAIN ENCODE JSON`, addr), "22023"},
		{`CREATE SOURCE s2 (id INT) WITH (connector = 'kafka', topic = 'events', properties.bootstrap.server = '127.0.0.1:1') FORMAT PLAIN ENCODE JSON`, "08001"},
		{fmt.Sprintf(`CREATE SOURCE s2 (id INT) WITH (connector = 'kafka', properties.bootstrap.server = '%s') FORMAT PLAIN ENCODE JSON`, addr), "22023"},
		{fmt.Sprintf(`CREATE SOURCE s2 (id INT) WITH (connector = 'kafka', topic = 'events', properties.bootstrap.server = '%s', colour = 'red') FORMAT PLAIN ENCODE JSON`, addr), "22023"},
		{fmt.Sprintf(`CREATE SOURCE s2 (id INT) WITH (connector = 'kafka', topic = 'events', properties.bootstrap.server = '%s') FORMAT PLAIN ENCODE BYTES`, addr), "0A000"},
	} {
		_, err := c.Exec(context.Background(), tc.sql)
		if err == nil || !strings.Contains(err.Error(), "SQLSTATE "+tc.code) {
			t.Errorf("%s: error %v, want SQLSTATE %s", tc.sql, err, tc.code)
		}
	}
	eventually(t, c, `SELECT count(*) FROM rw_catalog.rw_sources WHERE name = 's2'`, "0")
}

// TestKafkaSecretsHidden: a password given in the properties is not shown
// back by SHOW CREATE SOURCE or the catalog.
func TestKafkaSecretsHidden(t *testing.T) {
	addr := broker(t, "events", 1)
	srv := eddytest.Start(t)
	c := connect(t, srv.DSN)
	// kfake without SASL: the source is created with PLAINTEXT; the
	// password option is still stored and must stay hidden.
	exec(t, c, fmt.Sprintf(`CREATE SOURCE sec (id INT) WITH (connector = 'kafka', topic = 'events',
		properties.bootstrap.server = '%s', properties.sasl.password = 'hunter2') FORMAT PLAIN ENCODE JSON`, addr))
	expectHidden(t, c, "hunter2", "properties.sasl.password", `SHOW CREATE SOURCE sec`, `SELECT definition FROM rw_catalog.rw_sources`)
}

// TestKafkaSourceSurvivesKill kills the server with SIGKILL at random
// moments while it consumes a topic that keeps growing; after each
// restart the view holds exactly a set of ids with no duplicate (count =
// distinct count), and in the end every produced id exactly once.
func TestKafkaSourceSurvivesKill(t *testing.T) {
	addr := broker(t, "events", 3)
	cl := client(t, addr)
	dir := t.TempDir()
	p := eddytest.StartProcess(t, dir, "--barrier-interval-ms", "50")
	c := connect(t, p.DSN)
	createSource(t, c, addr)
	exec(t, c, `CREATE MATERIALIZED VIEW ids AS SELECT id, count(*) AS copies FROM events GROUP BY id`)
	exec(t, c, `CREATE MATERIALIZED VIEW totals AS SELECT count(*) AS n, sum(id) AS s FROM events`)
	rng := rand.New(rand.NewSource(5))
	produced := 0
	for round := 0; round < 4; round++ {
		p, c = killWhileProducing(t, p, dir, cl, produced, time.Duration(50+rng.Intn(150))*time.Millisecond)
		produced += 1000
		var dups, n, total, sum int64
		if err := c.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM ids WHERE copies <> 1), (SELECT count(*) FROM ids), n, coalesce(s, 0) FROM totals`).Scan(&dups, &n, &total, &sum); err != nil {
			t.Fatal(err)
		}
		if dups != 0 || n != total {
			t.Fatalf("round %d: %d ids counted more than once; %d ids, %d rows", round, dups, n, total)
		}
		t.Logf("round %d: %d of %d records in the views after the kill", round, total, produced)
	}
	eventually(t, c, `SELECT n, s::text, (SELECT max(copies) FROM ids) FROM totals`, fmt.Sprintf("%d %d 1", produced, produced*(produced-1)/2))
}

// killWhileProducing produces ids from..from+999 into "events" while it
// kills the server with SIGKILL after wait, then restarts it on dir.
func killWhileProducing(t *testing.T, p *eddytest.Process, dir string, cl *kgo.Client, from int, wait time.Duration) (*eddytest.Process, *pgx.Conn) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 5; i++ {
			produce(t, cl, "events", from+i*200, from+(i+1)*200)
			time.Sleep(20 * time.Millisecond)
		}
	}()
	time.Sleep(wait)
	p.Kill()
	<-done
	p = eddytest.StartProcess(t, dir, "--barrier-interval-ms", "50")
	return p, connect(t, p.DSN)
}

// expectHidden checks that queries show an option's name but never its
// secret value.
func expectHidden(t *testing.T, c *pgx.Conn, secret, option string, queries ...string) {
	t.Helper()
	for _, q := range queries {
		if text := rowsText(t, c, q); strings.Contains(text, secret) || !strings.Contains(text, option) {
			t.Errorf("%s shows:\n%s", q, text)
		}
	}
}
