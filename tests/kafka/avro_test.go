package kafka

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bufbuild/protocompile"
	"github.com/hamba/avro/v2"
	"github.com/jackc/pgx/v5"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/eddy-db/eddy/tests/internal/eddytest"
)

// brokerTopics starts kfake with several topics.
func brokerTopics(t *testing.T, partitions int32, topics ...string) string {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(partitions, topics...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()[0]
}

// registry starts an in-memory Confluent schema registry on loopback.
func registry(t *testing.T, opts ...srfake.Option) *srfake.Registry {
	t.Helper()
	reg := srfake.New(opts...)
	t.Cleanup(reg.Close)
	return reg
}

func registerSchema(t *testing.T, reg *srfake.Registry, subject string, s sr.Schema) int {
	t.Helper()
	id, _, err := reg.RegisterSchema(subject, s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// confluent frames a payload as a schema registry serializer does.
func confluent(id int, index []int, payload []byte) []byte {
	b, _ := new(sr.ConfluentHeader).AppendEncode(nil, id, index)
	return append(b, payload...)
}

// expectCode runs statements that must fail with a SQLSTATE (and, when
// given, a message fragment).
func expectCode(t *testing.T, c *pgx.Conn, cases []struct{ sql, code, msg string }) {
	t.Helper()
	for _, tc := range cases {
		_, err := c.Exec(context.Background(), tc.sql)
		if err == nil || !strings.Contains(err.Error(), "SQLSTATE "+tc.code) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s:\nerror %v, want SQLSTATE %s containing %q", tc.sql, err, tc.code, tc.msg)
		}
	}
}

const readingSchema = `{"type": "record", "name": "Reading", "namespace": "iot", "fields": [
	{"name": "id", "type": "int"},
	{"name": "name", "type": ["null", "string"]},
	{"name": "v", "type": "double"},
	{"name": "ts", "type": {"type": "long", "logicalType": "timestamp-millis"}}
]}`

// The next version: id became a long.
const readingSchemaV2 = `{"type": "record", "name": "Reading", "namespace": "iot", "fields": [
	{"name": "id", "type": "long"},
	{"name": "name", "type": ["null", "string"]},
	{"name": "v", "type": "double"},
	{"name": "ts", "type": {"type": "long", "logicalType": "timestamp-millis"}}
]}`

func readings(t *testing.T, id int, schema string, from, to int) []*kgo.Record {
	t.Helper()
	s := avro.MustParse(schema)
	var recs []*kgo.Record
	for i := from; i < to; i++ {
		v := map[string]any{"id": i, "name": fmt.Sprintf("n%d", i%5), "v": float64(i) / 2,
			"ts": time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second)}
		if i%10 == 0 {
			v["name"] = nil
		}
		b, err := avro.Marshal(s, v)
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, &kgo.Record{Topic: "readings", Partition: int32(i % 3), Value: confluent(id, nil, b)})
	}
	return recs
}

// TestKafkaAvroSource: Confluent-framed Avro records reach a view
// through CREATE SOURCE ... ENCODE AVRO (schema.registry = ...); a
// truncated record and one whose value does not fit its column are
// skipped, counted and listed; a source without columns takes them from
// the registry; bad definitions fail at CREATE.
func TestKafkaAvroSource(t *testing.T) {
	addr := brokerTopics(t, 3, "readings", "unregistered")
	reg := registry(t)
	id := registerSchema(t, reg, "readings-value", sr.Schema{Schema: readingSchema, Type: sr.TypeAvro})
	cl := client(t, addr)
	send(t, cl, readings(t, id, readingSchema, 0, 100)...)

	srv := eddytest.Start(t)
	c := connect(t, srv.DSN)
	with := fmt.Sprintf(`WITH (connector = 'kafka', topic = 'readings', properties.bootstrap.server = '%s')`, addr)
	exec(t, c, `CREATE SOURCE readings (id INT, name VARCHAR, v DOUBLE PRECISION, ts TIMESTAMPTZ) `+with+
		fmt.Sprintf(` FORMAT PLAIN ENCODE AVRO (schema.registry = '%s')`, reg.URL()))
	exec(t, c, `CREATE MATERIALIZED VIEW totals AS
		SELECT count(*) AS n, sum(id) AS s, sum(v) AS sv, count(name) AS named, max(ts) AS last FROM readings`)
	eventually(t, c, `SELECT n, s::text, sv::text, named, last::text FROM totals`, "100 4950 2475 90 2026-11-22 00:01:39+00")

	// A truncated record, then a record of the next schema version whose
	// id does not fit an integer, between good ones.
	good := readings(t, id, readingSchema, 100, 101)[0]
	truncated := &kgo.Record{Topic: "readings", Partition: 1, Value: good.Value[:len(good.Value)-4]}
	id2 := registerSchema(t, reg, "readings-value", sr.Schema{Schema: readingSchemaV2, Type: sr.TypeAvro})
	big, err := avro.Marshal(avro.MustParse(readingSchemaV2), map[string]any{"id": int64(1) << 40, "name": "big", "v": 1.0, "ts": time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	tooBig := &kgo.Record{Topic: "readings", Partition: 2, Value: confluent(id2, nil, big)}
	send(t, cl, truncated, tooBig)
	send(t, cl, readings(t, id2, readingSchemaV2, 100, 110)...)
	eventually(t, c, `SELECT n, s::text FROM totals`, fmt.Sprintf("110 %d", 109*110/2))
	eventually(t, c, `SELECT error_count FROM rw_catalog.rw_source_stats WHERE materialized_view = 'totals'`, "2")
	eventually(t, c, `SELECT partition, "offset", error LIKE '%truncated%' FROM rw_catalog.rw_source_errors
		WHERE materialized_view = 'totals' ORDER BY partition`, "1 33 true 2 33 false")
	eventually(t, c, `SELECT error FROM rw_catalog.rw_source_errors WHERE materialized_view = 'totals' AND partition = 2`,
		`column "id": integer out of range`)

	// Without columns: the latest schema's fields, id now a bigint; a
	// watermark may use them.
	exec(t, c, `CREATE SOURCE derived (WATERMARK FOR ts AS ts - INTERVAL '5 seconds') `+with+
		fmt.Sprintf(` FORMAT PLAIN ENCODE AVRO (schema.registry = '%s')`, reg.URL()))
	eventually(t, c, `SELECT definition LIKE 'CREATE SOURCE derived (id bigint, name character varying, v double precision, ts timestamp with time zone, WATERMARK FOR ts AS %'
		FROM rw_catalog.rw_sources WHERE name = 'derived'`, "true")
	exec(t, c, `CREATE MATERIALIZED VIEW derived_totals AS SELECT count(*) AS n, max(id) AS m FROM derived`)
	eventually(t, c, `SELECT n, m::text FROM derived_totals`, fmt.Sprintf("111 %d", int64(1)<<40))

	src := func(cols, encode string) string {
		return fmt.Sprintf(`CREATE SOURCE bad %s %s FORMAT PLAIN ENCODE %s`, cols, with, encode)
	}
	expectCode(t, c, []struct{ sql, code, msg string }{
		{src("(id INT)", `AVRO (schema.registry = 'http://127.0.0.1:1')`), "08001", "cannot connect to schema registry http://127.0.0.1:1"},
		{strings.Replace(src("(id INT)", fmt.Sprintf(`AVRO (schema.registry = '%s')`, reg.URL())), "'readings'", "'unregistered'", 1),
			"22023", `schema not found: subject "unregistered-value"`},
		{src("(id INT)", fmt.Sprintf(`AVRO (schema.registry = '%s', colour = 'red')`, reg.URL())), "22023", `unknown option "colour"`},
		{src("(id INT)", `AVRO`), "22023", `missing option "schema.registry"`},
		{src("(id INT)", fmt.Sprintf(`AVRO (schema.registry = '%s', schema.registry.name.strategy = 'record_name_strategy')`, reg.URL())), "0A000", "record_name_strategy"},
		{src("(id INT, nope INT)", fmt.Sprintf(`AVRO (schema.registry = '%s')`, reg.URL())), "42703", `column "nope" is not a field`},
		{src("(id BOOLEAN)", fmt.Sprintf(`AVRO (schema.registry = '%s')`, reg.URL())), "42804", "cannot be read as type boolean"},
		{src("", `AVRO (schema.registry = 'http://127.0.0.1:1')`), "08001", "cannot connect to schema registry"},
		{src("(id INT)", fmt.Sprintf(`PROTOBUF (schema.registry = '%s', message = 'iot.Reading')`, reg.URL())), "22023", "not PROTOBUF"},
	})
	eventually(t, c, `SELECT count(*) FROM rw_catalog.rw_sources WHERE name = 'bad'`, "0")
}

// TestKafkaAvroRegistryAuth: basic auth reaches the registry; SHOW CREATE
// SOURCE and the catalog hide the password; a wrong password fails at
// CREATE with 28000.
func TestKafkaAvroRegistryAuth(t *testing.T) {
	addr := brokerTopics(t, 1, "readings")
	reg := registry(t, srfake.WithAuth("Basic cmVhZGVyOmh1bnRlcjI=")) // reader:hunter2
	id := registerSchema(t, reg, "readings-value", sr.Schema{Schema: readingSchema, Type: sr.TypeAvro})
	cl := client(t, addr)
	recs := readings(t, id, readingSchema, 0, 10)
	for _, r := range recs {
		r.Partition = 0
	}
	send(t, cl, recs...)
	srv := eddytest.Start(t)
	c := connect(t, srv.DSN)
	create := func(name, password string) string {
		return fmt.Sprintf(`CREATE SOURCE %s (id INT) WITH (connector = 'kafka', topic = 'readings', properties.bootstrap.server = '%s')
			FORMAT PLAIN ENCODE AVRO (schema.registry = '%s', schema.registry.username = 'reader', schema.registry.password = '%s')`,
			name, addr, reg.URL(), password)
	}
	exec(t, c, create("secured", "hunter2"))
	exec(t, c, `CREATE MATERIALIZED VIEW n AS SELECT count(*) AS n FROM secured`)
	eventually(t, c, `SELECT n FROM n`, "10")
	expectHidden(t, c, "hunter2", "schema.registry.password", `SHOW CREATE SOURCE secured`, `SELECT definition FROM rw_catalog.rw_sources`)
	expectCode(t, c, []struct{ sql, code, msg string }{
		{create("wrong", "guess"), "28000", "rejected the credentials"},
	})
}

const ordersProto = `syntax = "proto3";
package shop;

import "google/protobuf/timestamp.proto";

message Header { string source = 1; }

message Order {
  enum Status { NEW = 0; PAID = 1; SHIPPED = 2; }
  int64 id = 1;
  string customer = 2;
  double amount = 3;
  Status status = 4;
  google.protobuf.Timestamp placed = 5;
  repeated string items = 6;
}
`

// TestKafkaProtobufSource: Confluent-framed protobuf records (message
// index included) reach a view; a truncated record is skipped and
// listed; a message the schema lacks fails at CREATE.
func TestKafkaProtobufSource(t *testing.T) {
	addr := brokerTopics(t, 2, "orders")
	reg := registry(t)
	id := registerSchema(t, reg, "orders-value", sr.Schema{Schema: ordersProto, Type: sr.TypeProtobuf})
	comp := protocompile.Compiler{Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
		Accessor: protocompile.SourceAccessorFromMap(map[string]string{"orders.proto": ordersProto})})}
	files, err := comp.Compile(context.Background(), "orders.proto")
	if err != nil {
		t.Fatal(err)
	}
	md := files[0].Messages().ByName("Order")
	order := func(i int) *kgo.Record {
		m := dynamicpb.NewMessage(md)
		js := fmt.Sprintf(`{"id": %d, "customer": "c%d", "amount": %d.25, "status": "%s", "placed": "2026-11-22T00:00:%02dZ", "items": ["a", "b"]}`,
			i, i%4, i, []string{"NEW", "PAID", "SHIPPED"}[i%3], i%60)
		if err := protojson.Unmarshal([]byte(js), m); err != nil {
			t.Fatal(err)
		}
		b, err := proto.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return &kgo.Record{Topic: "orders", Partition: int32(i % 2), Value: confluent(id, []int{int(md.Index())}, b)}
	}
	var recs []*kgo.Record
	for i := range 40 {
		recs = append(recs, order(i))
	}
	cl := client(t, addr)
	send(t, cl, recs...)

	srv := eddytest.Start(t)
	c := connect(t, srv.DSN)
	with := fmt.Sprintf(`WITH (connector = 'kafka', topic = 'orders', properties.bootstrap.server = '%s')`, addr)
	exec(t, c, `CREATE SOURCE orders (id BIGINT, customer VARCHAR, amount NUMERIC, status VARCHAR, placed TIMESTAMPTZ, items VARCHAR[]) `+with+
		fmt.Sprintf(` FORMAT PLAIN ENCODE PROTOBUF (message = 'shop.Order', schema.registry = '%s')`, reg.URL()))
	exec(t, c, `CREATE MATERIALIZED VIEW by_status AS
		SELECT status, count(*) AS n, sum(amount) AS total, max(placed) AS last, sum(array_length(items, 1)) AS items
		FROM orders GROUP BY status`)
	eventually(t, c, `SELECT status, n, total::text, last::text, items FROM by_status ORDER BY status`,
		"NEW 14 276.50 2026-11-22 00:00:39+00 28 PAID 13 250.25 2026-11-22 00:00:37+00 26 SHIPPED 13 263.25 2026-11-22 00:00:38+00 26")

	bad := order(40)
	// Cut inside a field: a string whose length runs past the end (field
	// order in the encoding is not fixed, so a plain cut may fall between
	// fields).
	bad.Value = append(bad.Value, 0x12, 0x7f, 'x')
	send(t, cl, bad, order(41))
	eventually(t, c, `SELECT sum(n)::text FROM by_status`, "41")
	eventually(t, c, `SELECT partition, "offset", error LIKE 'invalid protobuf message "shop.Order"%' FROM rw_catalog.rw_source_errors
		WHERE materialized_view = 'by_status'`, "0 20 true")

	exec(t, c, `CREATE SOURCE derived `+with+fmt.Sprintf(` FORMAT PLAIN ENCODE PROTOBUF (message = 'shop.Order', schema.registry = '%s')`, reg.URL()))
	eventually(t, c, `SELECT definition LIKE 'CREATE SOURCE derived (id bigint, customer character varying, amount double precision, status character varying, placed timestamp with time zone, items character varying[])%'
		FROM rw_catalog.rw_sources WHERE name = 'derived'`, "true")

	expectCode(t, c, []struct{ sql, code, msg string }{
		{`CREATE SOURCE bad (id BIGINT) ` + with + fmt.Sprintf(` FORMAT PLAIN ENCODE PROTOBUF (message = 'shop.Nope', schema.registry = '%s')`, reg.URL()),
			"22023", `message "shop.Nope" is not defined`},
		{`CREATE SOURCE bad (id BIGINT) ` + with + fmt.Sprintf(` FORMAT PLAIN ENCODE PROTOBUF (schema.registry = '%s')`, reg.URL()),
			"22023", `missing option "message"`},
		{`CREATE SOURCE bad (id BIGINT) ` + with + ` FORMAT PLAIN ENCODE PROTOBUF (message = 'shop.Order', schema.registry = 'http://127.0.0.1:1')`,
			"08001", "cannot connect to schema registry"},
	})
}
