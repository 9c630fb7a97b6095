package kafka

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/eddy-db/eddy/tests/internal/eddytest"
)

// cluster starts a broker with the given topics (partitions each).
func cluster(t *testing.T, partitions int32, topics ...string) string {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(partitions, topics...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()[0]
}

// message is one record of a sink topic as a read_committed consumer
// sees it.
type message struct {
	Key, Value string
	Partition  int32
}

// consumeCommitted reads a topic from the start with isolation level
// read_committed until want records arrived (or a timeout), then a little
// longer to catch extra ones.
func consumeCommitted(t *testing.T, addr, topic string, want int) []message {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.ConsumeTopics(topic), kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var out []message
	deadline := time.Now().Add(30 * time.Second)
	extra := time.Time{}
	for time.Now().Before(deadline) {
		if len(out) >= want {
			if extra.IsZero() {
				extra = time.Now().Add(300 * time.Millisecond)
			} else if time.Now().After(extra) {
				break
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		fs := cl.PollFetches(ctx)
		cancel()
		fs.EachRecord(func(r *kgo.Record) {
			m := message{Key: string(r.Key), Partition: r.Partition}
			if r.Value != nil {
				m.Value = string(r.Value)
			} else {
				m.Value = "<tombstone>"
			}
			out = append(out, m)
		})
	}
	if len(out) < want {
		t.Fatalf("topic %s: %d records, want %d: %v", topic, len(out), want, out)
	}
	return out
}

// perKey groups messages by key, in order (a key's messages share a
// partition, so their order is the order they were written in).
func perKey(ms []message) map[string][]string {
	out := map[string][]string{}
	for _, m := range ms {
		out[m.Key] = append(out[m.Key], m.Value)
	}
	return out
}

func expectSQLState(t *testing.T, c *pgx.Conn, code, sql string) {
	t.Helper()
	_, err := c.Exec(context.Background(), sql)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != code {
		t.Fatalf("%s: got %v, want SQLSTATE %s", sql, err, code)
	}
}

// TestKafkaSinkFormats: a view's changes over three checkpoints reach
// PLAIN (force_append_only), UPSERT and DEBEZIUM sinks and a CREATE SINK
// ... AS SELECT, each change once and in order per key.
func TestKafkaSinkFormats(t *testing.T) {
	addr := cluster(t, 2, "plain", "upsert", "dbz", "query")
	srv := eddytest.Start(t)
	c := connect(t, srv.DSN)
	exec(t, c, `CREATE TABLE t (id INT PRIMARY KEY, g VARCHAR, n INT)`)
	exec(t, c, `INSERT INTO t VALUES (1, 'a', 10), (2, 'b', 20)`)
	exec(t, c, `CREATE MATERIALIZED VIEW totals AS SELECT g, count(*) AS c, sum(n) AS s FROM t GROUP BY g`)
	with := func(topic string) string {
		return fmt.Sprintf(`WITH (connector = 'kafka', topic = '%s', properties.bootstrap.server = '%s')`, topic, addr)
	}
	exec(t, c, `CREATE SINK s_plain FROM totals `+with("plain")+` FORMAT PLAIN ENCODE JSON (force_append_only = 'true')`)
	exec(t, c, `CREATE SINK s_upsert FROM totals `+with("upsert")+` FORMAT UPSERT ENCODE JSON`)
	exec(t, c, `CREATE SINK s_dbz FROM totals `+with("dbz")+` FORMAT DEBEZIUM ENCODE JSON`)
	exec(t, c, `CREATE SINK s_query AS SELECT id, n * 2 AS twice FROM t WHERE n > 0 `+with("query")+` FORMAT UPSERT ENCODE JSON`)
	exec(t, c, `FLUSH`)
	exec(t, c, `UPDATE t SET n = 11 WHERE id = 1`)
	exec(t, c, `FLUSH`)
	exec(t, c, `DELETE FROM t WHERE id = 2`)
	exec(t, c, `FLUSH`)

	// PLAIN: inserts and the new side of updates; the delete is dropped.
	plain := perKey(consumeCommitted(t, addr, "plain", 3))
	if got := fmt.Sprint(plain[`{"g":"a"}`]); got != `[{"g":"a","c":1,"s":10} {"g":"a","c":1,"s":11}]` {
		t.Errorf("plain a: %s", got)
	}
	if got := fmt.Sprint(plain[`{"g":"b"}`]); got != `[{"g":"b","c":1,"s":20}]` {
		t.Errorf("plain b: %s", got)
	}
	// UPSERT: the key is the view's key; the delete is a tombstone.
	up := perKey(consumeCommitted(t, addr, "upsert", 4))
	if got := fmt.Sprint(up[`{"g":"a"}`]); got != `[{"g":"a","c":1,"s":10} {"g":"a","c":1,"s":11}]` {
		t.Errorf("upsert a: %s", got)
	}
	if got := fmt.Sprint(up[`{"g":"b"}`]); got != `[{"g":"b","c":1,"s":20} <tombstone>]` {
		t.Errorf("upsert b: %s", got)
	}
	// DEBEZIUM: c, u (before and after), d and its tombstone.
	type payload struct {
		Before, After map[string]any
		Op            string
		Source        map[string]string
	}
	var ops []string
	for _, m := range consumeCommitted(t, addr, "dbz", 5) {
		if m.Value == "<tombstone>" {
			ops = append(ops, "tombstone")
			continue
		}
		var ev struct {
			Schema  map[string]any
			Payload payload
		}
		if err := json.Unmarshal([]byte(m.Value), &ev); err != nil {
			t.Fatalf("debezium value %s: %v", m.Value, err)
		}
		if ev.Schema["name"] != "dev.s_dbz.Envelope" || ev.Payload.Source["table"] != "s_dbz" {
			t.Errorf("debezium schema/source: %s", m.Value)
		}
		ops = append(ops, fmt.Sprintf("%s %v %v", ev.Payload.Op, ev.Payload.Before["s"], ev.Payload.After["s"]))
	}
	sort.Strings(ops)
	if got := strings.Join(ops, "; "); got != "c <nil> 10; c <nil> 20; d 20 <nil>; tombstone; u 10 11" {
		t.Errorf("debezium ops: %s", got)
	}
	q := perKey(consumeCommitted(t, addr, "query", 4))
	if got := fmt.Sprint(q[`{"id":1}`], q[`{"id":2}`]); got != `[{"id":1,"twice":20} {"id":1,"twice":22}] [{"id":2,"twice":40} <tombstone>]` {
		t.Errorf("AS SELECT sink: %s", got)
	}

	eventually(t, c, `SELECT sink_name, status, pending_epochs, rows_delivered > 0 FROM rw_catalog.rw_sink_status ORDER BY 1`,
		"s_dbz running 0 true s_plain running 0 true s_query running 0 true s_upsert running 0 true")
	eventually(t, c, `SELECT name, connector, sink_type FROM rw_catalog.rw_sinks ORDER BY 1`,
		"s_dbz kafka debezium s_plain kafka append-only s_query kafka upsert s_upsert kafka upsert")
	eventually(t, c, `SHOW SINKS`, "s_dbz s_plain s_query s_upsert")

	// Dropping what a sink reads needs CASCADE; DROP SINK stops it.
	expectSQLState(t, c, "2BP01", `DROP MATERIALIZED VIEW totals`)
	exec(t, c, `DROP SINK s_plain`)
	exec(t, c, `DROP MATERIALIZED VIEW totals CASCADE`)
	eventually(t, c, `SELECT count(*) FROM rw_catalog.rw_sinks`, "1")
}

// TestKafkaSinkErrors: bad definitions fail at CREATE with a SQLSTATE and
// leave nothing behind; secrets are not shown back.
func TestKafkaSinkErrors(t *testing.T) {
	addr := cluster(t, 1, "out")
	srv := eddytest.Start(t)
	c := connect(t, srv.DSN)
	exec(t, c, `CREATE TABLE t (id INT PRIMARY KEY, g VARCHAR)`)
	exec(t, c, `CREATE MATERIALIZED VIEW v AS SELECT g, count(*) AS c FROM t GROUP BY g`)
	w := fmt.Sprintf(`connector = 'kafka', topic = 'out', properties.bootstrap.server = '%s'`, addr)
	for _, tc := range []struct{ code, sql string }{
		// A view with updates cannot be written as PLAIN without force_append_only.
		{"22023", `CREATE SINK e FROM v WITH (` + w + `) FORMAT PLAIN ENCODE JSON`},
		{"22023", `CREATE SINK e AS SELECT c FROM v WITH (` + w + `) FORMAT UPSERT ENCODE JSON`},
		{"42703", `CREATE SINK e FROM v WITH (` + w + `, primary_key = 'nope') FORMAT UPSERT ENCODE JSON`},
		{"22023", `CREATE SINK e FROM v WITH (` + w + `, no_such_option = '1') FORMAT UPSERT ENCODE JSON`},
		{"22023", `CREATE SINK e FROM v WITH (` + w + `) FORMAT UPSERT ENCODE JSON (bogus = 'x')`},
		{"22023", `CREATE SINK e FROM v WITH (` + w + `)`},
		{"0A000", `CREATE SINK e FROM v WITH (` + w + `) FORMAT UPSERT ENCODE AVRO`},
		{"22023", `CREATE SINK e FROM v WITH (` + w + `, properties.partitions = 'many') FORMAT UPSERT ENCODE JSON`},
		{"08001", fmt.Sprintf(`CREATE SINK e FROM v WITH (connector = 'kafka', topic = 'out', properties.bootstrap.server = '127.0.0.1:%d') FORMAT UPSERT ENCODE JSON`, eddytest.FreePort(t))},
		{"22023", `CREATE SINK e FROM v WITH (connector = 'nope') FORMAT UPSERT ENCODE JSON`},
		{"42P01", `CREATE SINK e FROM nope WITH (` + w + `) FORMAT UPSERT ENCODE JSON`},
		{"0A000", `CREATE SINK e INTO t FROM v`},
	} {
		expectSQLState(t, c, tc.code, tc.sql)
	}
	eventually(t, c, `SELECT count(*) FROM rw_catalog.rw_sinks`, "0")
	exec(t, c, `CREATE SINK ok FROM v WITH (`+w+`, properties.sasl.password = 'hunter2') FORMAT UPSERT ENCODE JSON`)
	var def string
	if err := c.QueryRow(context.Background(), `SELECT definition FROM rw_catalog.rw_sinks`).Scan(&def); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(def, "hunter2") || !strings.Contains(def, "[REDACTED]") {
		t.Fatalf("definition shows the secret: %s", def)
	}
	expectSQLState(t, c, "42P07", `CREATE SINK ok FROM v WITH (`+w+`) FORMAT UPSERT ENCODE JSON`)
	exec(t, c, `CREATE SINK IF NOT EXISTS ok FROM v WITH (`+w+`) FORMAT UPSERT ENCODE JSON`)

	// A missing topic is created (with properties.partitions partitions).
	exec(t, c, fmt.Sprintf(`CREATE SINK fresh FROM v WITH (connector = 'kafka', topic = 'fresh', properties.bootstrap.server = '%s',
		properties.partitions = '3') FORMAT UPSERT ENCODE JSON`, addr))
	exec(t, c, `INSERT INTO t VALUES (1, 'x')`)
	if got := consumeCommitted(t, addr, "fresh", 1); got[0].Value != `{"g":"x","c":1}` {
		t.Fatalf("fresh topic: %v", got)
	}
	cl := client(t, addr)
	tds, err := kadm.NewClient(cl).ListTopics(context.Background(), "fresh")
	if err != nil || len(tds["fresh"].Partitions) != 3 {
		t.Fatalf("topic fresh: %v %v", tds, err)
	}
}

// TestKafkaSinkSurvivesKill kills the server with SIGKILL while a source
// keeps growing and two sinks write it out: a PLAIN sink of the source's
// rows and an UPSERT sink of a count view. After each restart and in the
// end, a read_committed consumer sees every source row exactly once, and
// each key's counts strictly increasing (a replayed checkpoint would
// repeat one) up to the batch result.
func TestKafkaSinkSurvivesKill(t *testing.T) {
	addr := cluster(t, 3, "events", "rows_out", "counts_out")
	cl := client(t, addr)
	dir := t.TempDir()
	p := eddytest.StartProcess(t, dir, "--barrier-interval-ms", "50")
	c := connect(t, p.DSN)
	createSource(t, c, addr)
	exec(t, c, `CREATE MATERIALIZED VIEW counts AS SELECT k, count(*) AS n FROM events GROUP BY k`)
	exec(t, c, fmt.Sprintf(`CREATE SINK rows_out AS SELECT id, k FROM events
		WITH (connector = 'kafka', topic = 'rows_out', properties.bootstrap.server = '%s') FORMAT PLAIN ENCODE JSON`, addr))
	exec(t, c, fmt.Sprintf(`CREATE SINK counts_out FROM counts
		WITH (connector = 'kafka', topic = 'counts_out', properties.bootstrap.server = '%s') FORMAT UPSERT ENCODE JSON`, addr))
	rng := rand.New(rand.NewSource(7))
	produced := 0
	for round := 0; round < 4; round++ {
		p, c = killWhileProducing(t, p, dir, cl, produced, time.Duration(50+rng.Intn(200))*time.Millisecond)
		produced += 1000
	}
	eventually(t, c, `SELECT sum(n)::bigint FROM counts`, fmt.Sprint(produced))

	rows := consumeCommitted(t, addr, "rows_out", produced)
	seen := map[int]int{}
	for _, m := range rows {
		var r struct{ ID, K int }
		if err := json.Unmarshal([]byte(m.Value), &r); err != nil {
			t.Fatalf("%s: %v", m.Value, err)
		}
		seen[r.ID]++
	}
	for id := 0; id < produced; id++ {
		if seen[id] != 1 {
			t.Fatalf("id %d written %d times (%d records for %d ids)", id, seen[id], len(rows), produced)
		}
	}
	if len(rows) != produced {
		t.Fatalf("%d records for %d ids", len(rows), produced)
	}

	want := map[int]int{}
	for id := 0; id < produced; id++ {
		want[id%7]++
	}
	counts := consumeCommitted(t, addr, "counts_out", 7)
	last := map[string]int{}
	for _, m := range counts {
		var r struct{ K, N int }
		if err := json.Unmarshal([]byte(m.Value), &r); err != nil {
			t.Fatalf("%s: %v", m.Value, err)
		}
		if r.N <= last[m.Key] {
			t.Fatalf("key %s: count %d after %d: a change was written twice", m.Key, r.N, last[m.Key])
		}
		last[m.Key] = r.N
	}
	for k, n := range want {
		if got := last[fmt.Sprintf(`{"k":%d}`, k)]; got != n {
			t.Fatalf("key %d: last count %d, want %d", k, got, n)
		}
	}
}

// TestKafkaSinkBrokerOutage: while the broker is gone the sink shows
// "retrying" and the error in rw_sink_status, the views go on, and when a
// broker is back at the address the waiting checkpoints are delivered.
func TestKafkaSinkBrokerOutage(t *testing.T) {
	port := eddytest.FreePort(t)
	start := func() *kfake.Cluster {
		c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.Ports(port), kfake.SeedTopics(1, "out"))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	first := start()
	addr := first.ListenAddrs()[0]
	srv := eddytest.Start(t)
	c := connect(t, srv.DSN)
	exec(t, c, `CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR)`)
	exec(t, c, fmt.Sprintf(`CREATE SINK s FROM t WITH (connector = 'kafka', topic = 'out', properties.bootstrap.server = '%s',
		properties.message.timeout.ms = '1000') FORMAT UPSERT ENCODE JSON`, addr))
	exec(t, c, `INSERT INTO t VALUES (1, 'before')`)
	exec(t, c, `FLUSH`)
	consumeCommitted(t, addr, "out", 1)
	first.Close()

	exec(t, c, `INSERT INTO t VALUES (2, 'during')`)
	exec(t, c, `FLUSH`)
	eventually(t, c, `SELECT status, last_error IS NOT NULL, pending_epochs > 0 FROM rw_catalog.rw_sink_status`, "retrying true true")
	eventually(t, c, `SELECT count(*) FROM t`, "2")

	second := start()
	defer second.Close()
	eventually(t, c, `SELECT status, pending_epochs FROM rw_catalog.rw_sink_status`, "running 0")
	got := consumeCommitted(t, addr, "out", 1)
	if got[len(got)-1].Value != `{"id":2,"v":"during"}` {
		t.Fatalf("after the outage: %v", got)
	}
}

// TestKafkaSinkFreshDataDir: a sink created with the same name and id as
// an earlier one (a new data directory against the same broker) does not
// take the earlier sink's progress for its own: its first checkpoints are
// written, not skipped.
func TestKafkaSinkFreshDataDir(t *testing.T) {
	addr := cluster(t, 1, "out")
	setup := func(srv *eddytest.Server) *pgx.Conn {
		c := connect(t, srv.DSN)
		exec(t, c, `CREATE TABLE t (id INT PRIMARY KEY)`)
		exec(t, c, fmt.Sprintf(`CREATE SINK s FROM t WITH (connector = 'kafka', topic = 'out', properties.bootstrap.server = '%s') FORMAT UPSERT ENCODE JSON`, addr))
		return c
	}
	first := eddytest.Start(t)
	c := setup(first)
	for i := 0; i < 20; i++ {
		exec(t, c, fmt.Sprintf(`INSERT INTO t VALUES (%d)`, i))
		exec(t, c, `FLUSH`)
	}
	consumeCommitted(t, addr, "out", 20)
	c.Close(context.Background())
	first.Stop()

	second := eddytest.Start(t)
	c = setup(second)
	exec(t, c, `INSERT INTO t VALUES (100)`)
	exec(t, c, `FLUSH`)
	got := consumeCommitted(t, addr, "out", 21)
	if got[len(got)-1].Value != `{"id":100}` {
		t.Fatalf("the new sink's row is missing: %v", got[len(got)-3:])
	}
}

// TestKafkaSourceBrokerOutage: while the broker is gone a source's status
// in rw_source_stats says it is retrying and why; when a broker is back
// at the address it consumes again.
func TestKafkaSourceBrokerOutage(t *testing.T) {
	port := eddytest.FreePort(t)
	start := func() *kfake.Cluster {
		c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.Ports(port), kfake.SeedTopics(3, "events"))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	first := start()
	addr := first.ListenAddrs()[0]
	produce(t, client(t, addr), "events", 0, 30)
	srv := eddytest.Start(t)
	c := connect(t, srv.DSN)
	createSource(t, c, addr)
	exec(t, c, `CREATE MATERIALIZED VIEW n AS SELECT count(*) AS n FROM events`)
	eventually(t, c, `SELECT n FROM n`, "30")
	eventually(t, c, `SELECT status FROM rw_catalog.rw_source_stats`, `consuming topic "events" (3 partitions)`)
	first.Close()
	eventually(t, c, `SELECT status LIKE 'retrying: %' FROM rw_catalog.rw_source_stats`, "true")
	second := start()
	defer second.Close()
	eventually(t, c, `SELECT status FROM rw_catalog.rw_source_stats`, `consuming topic "events" (3 partitions)`)
}
