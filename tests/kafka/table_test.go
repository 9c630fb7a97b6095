package kafka

import (
	"context"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/eddy-db/eddy/tests/internal/eddytest"
)

// Tables with a Kafka connector: CREATE TABLE ... WITH (connector =
// 'kafka') FORMAT PLAIN | UPSERT | DEBEZIUM ENCODE JSON | CSV stores the
// topic's rows by primary key.

func send(t *testing.T, cl *kgo.Client, recs ...*kgo.Record) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

func rec(topic string, part int32, key, value string) *kgo.Record {
	r := &kgo.Record{Topic: topic, Partition: part}
	if key != "" {
		r.Key = []byte(key)
	}
	if value != "" {
		r.Value = []byte(value)
	}
	return r
}

func kafkaWith(addr, topic string, extra ...string) string {
	w := fmt.Sprintf("connector = 'kafka', topic = '%s', properties.bootstrap.server = '%s', scan.startup.mode = 'earliest'", topic, addr)
	for _, e := range extra {
		w += ", " + e
	}
	return "WITH (" + w + ")"
}

var rowsText = eddytest.RowsText

// eventuallyRows polls a query until all its rows, as rowsText gives
// them, equal want.
func eventuallyRows(t *testing.T, c *pgx.Conn, sql, want string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var got string
	for time.Now().Before(deadline) {
		if got = rowsText(t, c, sql); got == want {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s:\ngot\n%s\nwant\n%s", sql, got, want)
}

func expectError(t *testing.T, c *pgx.Conn, sql, code, msg string) {
	t.Helper()
	_, err := c.Exec(context.Background(), sql)
	if err == nil || !strings.Contains(err.Error(), "SQLSTATE "+code) || !strings.Contains(err.Error(), msg) {
		t.Errorf("%s:\nerror %v, want SQLSTATE %s with %q", sql, err, code, msg)
	}
}

// TestKafkaTablePlain: a PLAIN JSON table keyed by id keeps the latest
// record of each id; a view over it follows; a record that does not
// decode and one whose key is NULL are skipped, counted and listed; DML
// works on the table too.
func TestKafkaTablePlain(t *testing.T) {
	addr := broker(t, "events", 3)
	cl := client(t, addr)
	produce(t, cl, "events", 0, 100)
	srv := eddytest.Start(t)
	c := connect(t, srv.DSN)
	exec(t, c, `CREATE TABLE ev (id BIGINT PRIMARY KEY, k INT, ts TIMESTAMPTZ) INCLUDE partition AS p `+
		kafkaWith(addr, "events")+` FORMAT PLAIN ENCODE JSON`)
	exec(t, c, `CREATE MATERIALIZED VIEW ev_k AS SELECT k, count(*) AS n, sum(id) AS s FROM ev GROUP BY k`)
	eventually(t, c, `SELECT count(*), sum(id)::text, count(DISTINCT p) FROM ev`, "100 4950 3")

	// Re-sent ids overwrite their rows: every k moves to 100 + id.
	var again []*kgo.Record
	for i := 0; i < 10; i++ {
		again = append(again, rec("events", int32(i%3), "", fmt.Sprintf(`{"id": %d, "k": %d}`, i, 100+i)))
	}
	// A record that is not JSON, and one without the key column.
	again = append(again, rec("events", 1, "", `{"id": `), rec("events", 2, "", `{"k": 5}`))
	send(t, cl, again...)
	eventually(t, c, `SELECT count(*), sum(k)::text FROM ev WHERE id < 10`, fmt.Sprintf("10 %d", 10*100+45))
	eventually(t, c, `SELECT count(*), sum(id)::text FROM ev`, "100 4950")
	exec(t, c, `FLUSH`)
	eventuallyRows(t, c, `SELECT k, n, s::text FROM ev_k WHERE k >= 100 ORDER BY k LIMIT 2`, "100 1 0\n101 1 1")
	eventually(t, c, `SELECT sum(n)::text, sum(s)::text FROM ev_k`, "100 4950")

	eventuallyRows(t, c, `SELECT source_name, materialized_view IS NULL, rows_read >= 110, error_count FROM rw_catalog.rw_source_stats`,
		"ev true true 2")
	eventuallyRows(t, c, `SELECT source_name, partition, "offset", error LIKE '%invalid JSON%' FROM rw_catalog.rw_source_errors WHERE partition IS NOT NULL`,
		"ev 1 36 true")
	eventuallyRows(t, c, `SELECT "offset" IS NULL, error FROM rw_catalog.rw_source_errors WHERE partition IS NULL`,
		`true null value in column "id" of relation "ev" violates not-null constraint`)

	// DML on the table, as in RisingWave; the connector's rows keep coming.
	exec(t, c, `DELETE FROM ev WHERE id >= 50`)
	exec(t, c, `INSERT INTO ev (id, k) VALUES (1000, 1)`)
	produce(t, cl, "events", 100, 110)
	eventually(t, c, `SELECT count(*), sum(id)::text FROM ev`, fmt.Sprintf("61 %d", 49*50/2+1000+(100+109)*10/2))
	exec(t, c, `FLUSH`)
	eventually(t, c, `SELECT sum(n)::text, sum(s)::text FROM ev_k`, fmt.Sprintf("61 %d", 49*50/2+1000+(100+109)*10/2))

	// Dropping the table stops its reader and forgets its statistics.
	exec(t, c, `DROP TABLE ev CASCADE`)
	eventually(t, c, `SELECT count(*) FROM rw_catalog.rw_source_stats`, "0")
}

// TestKafkaTableUpsert: FORMAT UPSERT ENCODE JSON: the Kafka key names
// the row (filling the key column a value leaves out, also as a bare
// scalar), a value replaces the row, a tombstone (no value) deletes it.
func TestKafkaTableUpsert(t *testing.T) {
	addr := broker(t, "users", 1)
	cl := client(t, addr)
	send(t, cl,
		rec("users", 0, `{"id": 1}`, `{"id": 1, "name": "ann", "age": 30}`),
		rec("users", 0, `{"id": 2}`, `{"id": 2, "name": "bob", "age": 40}`),
		rec("users", 0, `{"id": 1}`, `{"name": "anne", "age": 31}`),
		rec("users", 0, `3`, `{"name": "cy", "age": 50}`),
		rec("users", 0, `{"id": 2}`, ``),
	)
	srv := eddytest.Start(t)
	c := connect(t, srv.DSN)
	exec(t, c, `CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR, age INT) `+kafkaWith(addr, "users")+` FORMAT UPSERT ENCODE JSON`)
	exec(t, c, `CREATE MATERIALIZED VIEW ages AS SELECT count(*) AS n, sum(age) AS s FROM users`)
	eventuallyRows(t, c, `SELECT id, name, age FROM users ORDER BY id`, "1 anne 31\n3 cy 50")
	exec(t, c, `FLUSH`)
	eventually(t, c, `SELECT n, s FROM ages`, "2 81")

	send(t, cl,
		rec("users", 0, `{"id": 3}`, ``),
		rec("users", 0, `{"id": 4}`, `{"id": 4, "name": "di", "age": 20}`),
		rec("users", 0, `{"id": 9}`, ``), // deletes nothing
	)
	eventuallyRows(t, c, `SELECT id, name, age FROM users ORDER BY id`, "1 anne 31\n4 di 20")
	exec(t, c, `FLUSH`)
	eventually(t, c, `SELECT n, s FROM ages`, "2 51")
	eventually(t, c, `SELECT error_count FROM rw_catalog.rw_source_stats WHERE source_name = 'users'`, "0")

	// The key can also be the Kafka key itself, INCLUDEd as a column.
	exec(t, c, `CREATE TABLE raw_users (name VARCHAR, age INT, PRIMARY KEY (k)) INCLUDE key AS k `+kafkaWith(addr, "users")+` FORMAT UPSERT ENCODE JSON`)
	// (The tombstone of key {"id": 3} does not match the bare key 3.)
	eventuallyRows(t, c, `SELECT encode(k, 'escape'), name, age FROM raw_users ORDER BY 1`,
		"3 cy 50\n"+`{"id": 1} anne 31`+"\n"+`{"id": 4} di 20`)
}

// TestKafkaTableDebezium: FORMAT DEBEZIUM ENCODE JSON applies c and r as
// inserts, u as updates (also of the key) and d as deletes.
func TestKafkaTableDebezium(t *testing.T) {
	addr := broker(t, "cdc", 1)
	cl := client(t, addr)
	env := func(payload string) string { return `{"schema": {"type": "struct"}, "payload": ` + payload + `}` }
	send(t, cl,
		rec("cdc", 0, "", env(`{"before": null, "after": {"id": 1, "v": "a"}, "op": "r"}`)),
		rec("cdc", 0, "", env(`{"before": null, "after": {"id": 2, "v": "b"}, "op": "c"}`)),
		rec("cdc", 0, "", `{"before": null, "after": {"id": 3, "v": "c"}, "op": "c"}`),
		rec("cdc", 0, "", env(`{"before": {"id": 1, "v": "a"}, "after": {"id": 1, "v": "a2"}, "op": "u"}`)),
		rec("cdc", 0, "", env(`{"before": {"id": 2, "v": "b"}, "after": null, "op": "d"}`)),
		rec("cdc", 0, `{"id": 2}`, ""), // the tombstone after a delete
		rec("cdc", 0, "", env(`{"before": {"id": 3, "v": "c"}, "after": {"id": 30, "v": "c"}, "op": "u"}`)),
	)
	srv := eddytest.Start(t)
	c := connect(t, srv.DSN)
	exec(t, c, `CREATE TABLE items (id INT PRIMARY KEY, v VARCHAR) `+kafkaWith(addr, "cdc")+` FORMAT DEBEZIUM ENCODE JSON`)
	exec(t, c, `CREATE MATERIALIZED VIEW item_ids AS SELECT count(*) AS n, sum(id) AS s, min(v) AS lo, max(v) AS hi FROM items`)
	eventuallyRows(t, c, `SELECT id, v FROM items ORDER BY id`, "1 a2\n30 c")
	exec(t, c, `FLUSH`)
	eventually(t, c, `SELECT n, s, lo, hi FROM item_ids`, "2 31 a2 c")

	send(t, cl,
		rec("cdc", 0, "", env(`{"before": {"id": 1, "v": "a2"}, "after": null, "op": "d"}`)),
		rec("cdc", 0, "", env(`{"before": null, "after": {"id": 5, "v": "e"}, "op": "c"}`)),
	)
	eventuallyRows(t, c, `SELECT id, v FROM items ORDER BY id`, "5 e\n30 c")
	exec(t, c, `FLUSH`)
	eventually(t, c, `SELECT n, s, lo, hi FROM item_ids`, "2 35 c e")
	eventually(t, c, `SELECT error_count FROM rw_catalog.rw_source_stats WHERE source_name = 'items'`, "0")
}

// TestKafkaTableCSV: FORMAT PLAIN ENCODE CSV into a keyed table.
func TestKafkaTableCSV(t *testing.T) {
	addr := broker(t, "lines", 1)
	cl := client(t, addr)
	send(t, cl, rec("lines", 0, "", "1,alpha,1.5"), rec("lines", 0, "", "2,beta,2.5"), rec("lines", 0, "", "1,gamma,3"),
		rec("lines", 0, "", "x,bad,1"))
	srv := eddytest.Start(t)
	c := connect(t, srv.DSN)
	exec(t, c, `CREATE TABLE lines (id INT PRIMARY KEY, name VARCHAR, x DOUBLE PRECISION) `+kafkaWith(addr, "lines")+
		` FORMAT PLAIN ENCODE CSV (without_header = 'true', delimiter = ',')`)
	eventuallyRows(t, c, `SELECT id, name, x FROM lines ORDER BY id`, "1 gamma 3\n2 beta 2.5")
	eventually(t, c, `SELECT error_count, (SELECT "offset" FROM rw_catalog.rw_source_errors) FROM rw_catalog.rw_source_stats`, "1 3")
	eventually(t, c, `SHOW CREATE TABLE lines`, "public.lines CREATE TABLE lines (id integer, name character varying, x double precision, PRIMARY KEY (id)) "+
		kafkaWith(addr, "lines")+" FORMAT PLAIN ENCODE CSV (without_header = 'true', delimiter = ',')")
}

// TestKafkaTableWatermark: a record behind an APPEND ONLY table's
// watermark is dropped and counted, as it is for INSERTs. As with a
// multi-row INSERT (and RisingWave's watermark filter, per chunk), rows
// are checked against the watermark committed before the chunk they come
// in, so the late record is sent after the table took the others.
func TestKafkaTableWatermark(t *testing.T) {
	addr := broker(t, "ticks", 1)
	cl := client(t, addr)
	tick := func(id, sec int) *kgo.Record {
		return rec("ticks", 0, "", fmt.Sprintf(`{"id": %d, "ts": "2026-01-01T00:00:%02dZ"}`, id, sec))
	}
	send(t, cl, tick(1, 10), tick(2, 20))
	srv := eddytest.Start(t)
	c := connect(t, srv.DSN)
	exec(t, c, `CREATE TABLE ticks (id INT, ts TIMESTAMPTZ, WATERMARK FOR ts AS ts - INTERVAL '5 seconds') APPEND ONLY `+
		kafkaWith(addr, "ticks")+` FORMAT PLAIN ENCODE JSON`)
	exec(t, c, `CREATE MATERIALIZED VIEW per_10s AS
		SELECT window_start, count(*) AS n FROM TUMBLE(ticks, ts, INTERVAL '10 seconds') GROUP BY window_start`)
	eventuallyRows(t, c, `SELECT id FROM ticks ORDER BY id`, "1\n2")
	send(t, cl, tick(3, 12), tick(4, 16), tick(5, 31))
	eventuallyRows(t, c, `SELECT id FROM ticks ORDER BY id`, "1\n2\n4\n5")
	eventually(t, c, `SELECT late_events FROM rw_catalog.rw_late_events WHERE table_name = 'ticks'`, "1")
	exec(t, c, `FLUSH`)
	eventuallyRows(t, c, `SELECT extract(second FROM window_start)::int, n FROM per_10s ORDER BY 1`, "10 2\n20 1\n30 1")
}

// TestKafkaTableErrors: bad definitions fail at CREATE with RisingWave's
// conditions and leave nothing behind; SHOW CREATE TABLE hides secrets,
// and the statement it shows creates the table again.
func TestKafkaTableErrors(t *testing.T) {
	addr := broker(t, "events", 1)
	srv := eddytest.Start(t)
	c := connect(t, srv.DSN)
	for _, tc := range []struct{ sql, code, msg string }{
		{`CREATE TABLE bad (id INT, v INT) ` + kafkaWith(addr, "events") + ` FORMAT UPSERT ENCODE JSON`, "42P16",
			"Primary key must be specified when creating a table with FORMAT UPSERT ENCODE JSON"},
		{`CREATE TABLE bad (id INT, v INT) ` + kafkaWith(addr, "events") + ` FORMAT DEBEZIUM ENCODE JSON`, "42P16",
			"Primary key must be specified when creating a table with FORMAT DEBEZIUM ENCODE JSON"},
		{`CREATE TABLE bad (id INT PRIMARY KEY) ` + kafkaWith(addr, "nosuch") + ` FORMAT PLAIN ENCODE JSON`, "22023", `topic "nosuch" does not exist`},
		{`CREATE TABLE bad (id INT PRIMARY KEY) WITH (connector = 'kafka', properties.bootstrap.server = '` + addr + `') FORMAT PLAIN ENCODE JSON`, "22023", "topic"},
		{`CREATE TABLE bad (id INT PRIMARY KEY) ` + kafkaWith(addr, "events", "colour = 'red'") + ` FORMAT PLAIN ENCODE JSON`, "22023", `unknown option "colour"`},
		{`CREATE TABLE bad (id INT PRIMARY KEY) ` + kafkaWith("127.0.0.1:1", "events") + ` FORMAT PLAIN ENCODE JSON`, "08001", "cannot connect"},
		{`CREATE TABLE bad (id INT PRIMARY KEY) ` + kafkaWith(addr, "events") + ` FORMAT PLAIN ENCODE AVRO`, "22023", "schema.registry"},
		{`CREATE TABLE bad (id INT PRIMARY KEY DEFAULT 1) ` + kafkaWith(addr, "events") + ` FORMAT PLAIN ENCODE JSON`, "0A000", "DEFAULT"},
	} {
		expectError(t, c, tc.sql, tc.code, tc.msg)
	}
	eventually(t, c, `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'`, "0")

	exec(t, c, `CREATE TABLE sec (id INT PRIMARY KEY, v INT NOT NULL) ON CONFLICT DO NOTHING `+
		kafkaWith(addr, "events", "properties.sasl.password = 'hunter2'")+` FORMAT PLAIN ENCODE JSON`)
	def := rowsText(t, c, `SHOW CREATE TABLE sec`)
	if strings.Contains(def, "hunter2") || !strings.Contains(def, "properties.sasl.password = '[REDACTED]'") ||
		!strings.Contains(def, "v integer NOT NULL") || !strings.Contains(def, "ON CONFLICT DO NOTHING") {
		t.Fatalf("SHOW CREATE TABLE sec:\n%s", def)
	}
	exec(t, c, `DROP TABLE sec`)
	exec(t, c, strings.Replace(strings.TrimPrefix(def, "public.sec "), "'[REDACTED]'", "'hunter2'", 1))
	if again := rowsText(t, c, `SHOW CREATE TABLE sec`); again != def {
		t.Fatalf("SHOW CREATE TABLE after re-creating it:\n%s\nwant\n%s", again, def)
	}
}

// TestKafkaTablesSurviveKill kills the server with SIGKILL at random
// moments while a producer writes two topics: one read by an UPSERT table
// keyed by id, one by an append-style PLAIN table without a key (hidden
// row ids). The rows and the connector offsets commit together, so after
// each restart the upsert table equals the latest record of each key up
// to some point of every partition, the plain table holds each record at
// most once, and views over both agree with the tables; in the end both
// hold exactly what was produced.
func TestKafkaTablesSurviveKill(t *testing.T) {
	kc, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(3, "up", "log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(kc.Close)
	addr := kc.ListenAddrs()[0]
	cl := client(t, addr)
	dir := t.TempDir()
	p := eddytest.StartProcess(t, dir, "--barrier-interval-ms", "50")
	c := connect(t, p.DSN)
	exec(t, c, `CREATE TABLE up (id BIGINT PRIMARY KEY, v BIGINT) `+kafkaWith(addr, "up")+` FORMAT UPSERT ENCODE JSON`)
	exec(t, c, `CREATE TABLE log (id BIGINT, k INT, ts TIMESTAMPTZ) APPEND ONLY `+kafkaWith(addr, "log")+` FORMAT PLAIN ENCODE JSON`)
	exec(t, c, `CREATE MATERIALIZED VIEW up_tot AS SELECT count(*) AS n, coalesce(sum(v), 0) AS s FROM up`)
	exec(t, c, `CREATE MATERIALIZED VIEW log_tot AS SELECT count(*) AS n, coalesce(sum(id), 0) AS s FROM log`)
	exec(t, c, `CREATE MATERIALIZED VIEW log_ids AS SELECT id, count(*) AS copies FROM log GROUP BY id`)

	const keys = 60
	type upRec struct {
		id, v int64 // v 0: a tombstone
	}
	var upRecs [3][]upRec // per partition, in order
	seq := int64(0)
	rng := rand.New(rand.NewSource(7))  // kill times
	urng := rand.New(rand.NewSource(8)) // upsert records (another goroutine)
	// upserts makes a batch of records for the upsert topic: each key
	// always to the same partition, about one in six a tombstone.
	upserts := func(n int) []*kgo.Record {
		var recs []*kgo.Record
		for i := 0; i < n; i++ {
			id := urng.Int63n(keys)
			seq++
			r := rec("up", int32(id%3), fmt.Sprintf(`{"id": %d}`, id), "")
			v := int64(0)
			if urng.Intn(6) != 0 {
				v = seq
				r.Value = fmt.Appendf(nil, `{"id": %d, "v": %d}`, id, v)
			}
			upRecs[id%3] = append(upRecs[id%3], upRec{id, v})
			recs = append(recs, r)
		}
		return recs
	}
	// replay returns the rows (id -> v) that the first n records of
	// partition part leave.
	replay := func(part, n int) map[int64]int64 {
		m := map[int64]int64{}
		for _, r := range upRecs[part][:n] {
			if r.v == 0 {
				delete(m, r.id)
			} else {
				m[r.id] = r.v
			}
		}
		return m
	}
	equal := func(a, b map[int64]int64) bool {
		if len(a) != len(b) {
			return false
		}
		for k, v := range a {
			if w, ok := b[k]; !ok || w != v {
				return false
			}
		}
		return true
	}
	// check: each partition's records are applied up to some point, each
	// exactly once.
	check := func(round int) {
		t.Helper()
		ctx := context.Background()
		rows, err := c.Query(ctx, `SELECT id % 3, count(*), count(DISTINCT id), max(id) FROM log GROUP BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		var total int64
		for rows.Next() {
			var part, n, ids, hi int64
			if err := rows.Scan(&part, &n, &ids, &hi); err != nil {
				t.Fatal(err)
			}
			// Partition p holds ids p, p+3, p+6, ...: a prefix of n records.
			if n != ids || hi != part+3*(n-1) {
				t.Fatalf("round %d: partition %d of the plain table: %d rows, %d ids, largest %d: not each of its first records once", round, part, n, ids, hi)
			}
			total += n
		}
		rows.Close()
		got := [3]map[int64]int64{{}, {}, {}}
		rows, err = c.Query(ctx, `SELECT id, v FROM up`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id, v int64
			if err := rows.Scan(&id, &v); err != nil {
				t.Fatal(err)
			}
			got[id%3][id] = v
		}
		rows.Close()
		applied := 0
		for part := 0; part < 3; part++ {
			found := false
			for n := len(upRecs[part]); n >= 0 && !found; n-- {
				if equal(replay(part, n), got[part]) {
					found, applied = true, applied+n
				}
			}
			if !found {
				t.Fatalf("round %d: partition %d of the upsert table holds %v: the state after no prefix of its records", round, part, got[part])
			}
		}
		exec(t, c, `FLUSH`)
		var dups int64
		if err := c.QueryRow(ctx, `SELECT count(*) FROM log_ids WHERE copies <> 1`).Scan(&dups); err != nil {
			t.Fatal(err)
		}
		if dups != 0 {
			t.Fatalf("round %d: %d ids counted more than once by a view", round, dups)
		}
		t.Logf("round %d: %d plain records and %d of %d upsert records applied after the kill", round, total, applied, seq)
	}
	produced := 0
	for round := 0; round < 4; round++ {
		done := make(chan struct{})
		go func() {
			defer close(done)
			for i := 0; i < 5; i++ {
				produce(t, cl, "log", produced+i*200, produced+(i+1)*200)
				time.Sleep(20 * time.Millisecond)
			}
		}()
		upDone := make(chan struct{})
		go func() {
			defer close(upDone)
			for i := 0; i < 10; i++ {
				send(t, cl, upserts(50)...)
				time.Sleep(10 * time.Millisecond)
			}
		}()
		time.Sleep(time.Duration(20+rng.Intn(100)) * time.Millisecond)
		var before int64
		_ = c.QueryRow(context.Background(), `SELECT count(*) FROM log`).Scan(&before)
		p.Kill()
		t.Logf("round %d: killed with %d of at most %d plain records applied", round, before, produced+1000)
		<-done
		<-upDone
		produced += 1000
		p = eddytest.StartProcess(t, dir, "--barrier-interval-ms", "50")
		c = connect(t, p.DSN)
		check(round)
	}
	// Once everything is read, the tables hold exactly the records, and
	// the views agree with them.
	eventually(t, c, `SELECT count(*), count(DISTINCT id), sum(id)::text FROM log`, fmt.Sprintf("%d %d %d", produced, produced, produced*(produced-1)/2))
	want := map[int64]int64{}
	for part := 0; part < 3; part++ {
		for id, v := range replay(part, len(upRecs[part])) {
			want[id] = v
		}
	}
	var ids []int64
	var sum int64
	for id, v := range want {
		ids = append(ids, id)
		sum += v
	}
	sort.Slice(ids, func(a, b int) bool { return ids[a] < ids[b] })
	var lines []string
	for _, id := range ids {
		lines = append(lines, fmt.Sprintf("%d %d", id, want[id]))
	}
	eventuallyRows(t, c, `SELECT id, v FROM up ORDER BY id`, strings.Join(lines, "\n"))
	exec(t, c, `FLUSH`)
	eventually(t, c, `SELECT n, s::text FROM up_tot`, fmt.Sprintf("%d %d", len(want), sum))
	eventually(t, c, `SELECT n, s::text, (SELECT max(copies) FROM log_ids) FROM log_tot`, fmt.Sprintf("%d %d 1", produced, produced*(produced-1)/2))
}
