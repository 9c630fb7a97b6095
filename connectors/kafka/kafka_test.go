package kafka

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// newCluster starts a one-broker kfake cluster on 127.0.0.1:0 with the
// given topics of `partitions` partitions and returns its address.
func newCluster(t testing.TB, partitions int32, topics ...string) (*kfake.Cluster, string) {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(partitions, topics...))
	if err != nil {
		t.Fatalf("kfake: %v", err)
	}
	t.Cleanup(c.Close)
	return c, c.ListenAddrs()[0]
}

// produce writes records synchronously, each to its own Partition.
func produce(t testing.TB, addr string, recs ...*kgo.Record) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatalf("produce: %v", err)
	}
}

func jsonRec(topic string, p int32, id int) *kgo.Record {
	return &kgo.Record{Topic: topic, Partition: p, Value: fmt.Appendf(nil, `{"id":%d,"v":"x%d"}`, id, id)}
}

func payload(name string, t types.Type) connectors.Column {
	return connectors.Column{Name: name, Type: t}
}

func include(name string, t types.Type, kind string) connectors.Column {
	return connectors.Column{Name: name, Type: t, Include: kind}
}

var idV = []connectors.Column{payload("id", types.TInt8), payload("v", types.TVarchar)}

func newSpec(addr, topic string, cols []connectors.Column, format string, with ...string) *connectors.Spec {
	s := &connectors.Spec{
		Name:    "src",
		Columns: cols,
		With:    map[string]string{"connector": "kafka", "topic": topic, "properties.bootstrap.server": addr},
		Format:  format,
		Encode:  "JSON",
		Stats:   &connectors.Stats{},
	}
	for i := 0; i+1 < len(with); i += 2 {
		s.With[with[i]] = with[i+1]
	}
	return s
}

func openReader(t testing.TB, spec *connectors.Spec, offset []byte) *Reader {
	t.Helper()
	r, err := Open(context.Background(), spec, offset)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { r.Close() })
	return r.(*Reader)
}

// render prints row i of c as "op v1 v2 ...", values in text form.
func render(c *chunk.Chunk, ts []types.Type, i int) string {
	var b strings.Builder
	b.WriteString(c.Ops[i].String())
	for j := range c.Cols {
		b.WriteByte(' ')
		if d := c.Cols[j].Get(i); d.IsNull() {
			b.WriteString("NULL")
		} else {
			b.WriteString(types.FormatText(d, ts[j], nil))
		}
	}
	return b.String()
}

// readRows calls Next until at least n rows have arrived (failing after
// 10 s) and returns them with the last offset and the chunk count.
func readRows(t testing.TB, r *Reader, n int) (rows []string, offset []byte, chunks int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for len(rows) < n {
		c, off, err := r.Next(ctx)
		if err != nil {
			t.Fatalf("Next after %d of %d rows: %v (status %s)", len(rows), n, err, r.Status())
		}
		if c.Len() == 0 || c.Len() > chunkRows {
			t.Fatalf("chunk of %d rows (cap %d)", c.Len(), chunkRows)
		}
		for i := 0; i < c.Len(); i++ {
			rows = append(rows, render(c, r.ts, i))
		}
		offset, chunks = off, chunks+1
	}
	return rows, offset, chunks
}

// expectNothing checks that Next returns no rows within d.
func expectNothing(t testing.TB, r *Reader, d time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	c, _, err := r.Next(ctx)
	if err == nil {
		t.Fatalf("unexpected rows:\n%s", c)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Next: %v, want a deadline", err)
	}
}

func setVar[T any](t testing.TB, p *T, v T) {
	old := *p
	*p = v
	t.Cleanup(func() { *p = old })
}

func TestJSONAcrossPartitions(t *testing.T) {
	_, addr := newCluster(t, 3, "t")
	var recs []*kgo.Record
	for i := range 30 {
		recs = append(recs, jsonRec("t", int32(i%3), i))
	}
	produce(t, addr, recs...)
	spec := newSpec(addr, "t", idV, "PLAIN")
	r := openReader(t, spec, nil)
	rows, off, _ := readRows(t, r, 30)
	var want []string
	for i := range 30 {
		want = append(want, fmt.Sprintf("+ %d x%d", i, i))
	}
	slices.Sort(rows)
	slices.Sort(want)
	if !slices.Equal(rows, want) {
		t.Fatalf("rows %v\nwant %v", rows, want)
	}
	if got := string(off); got != "k1:t:0=10,1=10,2=10" {
		t.Fatalf("offset %s", got)
	}
	if n, errs, _ := spec.Stats.Snapshot(); n != 30 || errs != 0 {
		t.Fatalf("stats rows %d errors %d", n, errs)
	}
	if s := r.Status(); !strings.Contains(s, "consuming") || !strings.Contains(s, "3 partitions") {
		t.Fatalf("status %q", s)
	}
	expectNothing(t, r, 300*time.Millisecond)
}

// TestResume stops a reader mid-way and resumes from its last offset: the
// two readers together see every record exactly once.
func TestResume(t *testing.T) {
	setVar(t, &chunkRows, 16)
	_, addr := newCluster(t, 3, "t")
	var recs []*kgo.Record
	for i := range 300 {
		recs = append(recs, jsonRec("t", int32(i%3), i))
	}
	produce(t, addr, recs...)
	spec := newSpec(addr, "t", idV, "PLAIN")

	r1 := openReader(t, spec, nil)
	first, off, chunks := readRows(t, r1, 100)
	if chunks < 100/16 {
		t.Fatalf("%d chunks for 100 rows of at most 16", chunks)
	}
	r1.Close()
	pos, err := ParseOffset(off)
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, n := range pos.Next {
		if n != FromStart {
			sum += n
		}
	}
	if sum != int64(len(first)) {
		t.Fatalf("offset %s covers %d records, %d rows were returned", off, sum, len(first))
	}

	r2 := openReader(t, spec, off)
	rest, _, _ := readRows(t, r2, 300-len(first))
	expectNothing(t, r2, 300*time.Millisecond)
	all := append(first, rest...)
	slices.Sort(all)
	all = slices.Compact(all)
	if len(all) != 300 {
		t.Fatalf("%d distinct rows, want 300", len(all))
	}
}

// TestResumeMidPoll: Debezium updates give two rows per record, so a
// chunk fills before a poll's records are used up; the offset must cover
// only the records whose rows were returned.
func TestResumeMidPoll(t *testing.T) {
	setVar(t, &chunkRows, 5)
	_, addr := newCluster(t, 3, "t")
	var recs []*kgo.Record
	for i := range 60 {
		v := fmt.Sprintf(`{"before":{"id":%d,"v":"old"},"after":{"id":%d,"v":"new"},"op":"u"}`, i, i)
		recs = append(recs, &kgo.Record{Topic: "t", Partition: int32(i % 3), Value: []byte(v)})
	}
	produce(t, addr, recs...)
	spec := newSpec(addr, "t", idV, "DEBEZIUM")
	r1 := openReader(t, spec, nil)
	// Stop at a chunk after which some polled records are still pending.
	var first []string
	var off []byte
	for len(first) < 20 || len(r1.pending) == 0 {
		if len(first) >= 100 {
			t.Fatalf("no chunk left records pending")
		}
		var rows []string
		rows, off, _ = readRows(t, r1, 1)
		first = append(first, rows...)
	}
	r1.Close()
	r2 := openReader(t, spec, off)
	rest, _, _ := readRows(t, r2, 120-len(first))
	expectNothing(t, r2, 300*time.Millisecond)
	all := append(first, rest...)
	for i := 0; i < len(all); i += 2 {
		if !strings.HasPrefix(all[i], "U- ") || !strings.HasPrefix(all[i+1], "U+ ") || all[i][3:] != strings.Replace(all[i+1][3:], "new", "old", 1) {
			t.Fatalf("rows %d,%d are not an update pair: %q %q", i, i+1, all[i], all[i+1])
		}
	}
	slices.Sort(all)
	if len(slices.Compact(all)) != 120 {
		t.Fatalf("want 120 distinct rows, got %d", len(slices.Compact(all)))
	}
}

func TestStartupLatest(t *testing.T) {
	_, addr := newCluster(t, 3, "t")
	var recs []*kgo.Record
	for i := range 9 {
		recs = append(recs, jsonRec("t", int32(i%3), i))
	}
	produce(t, addr, recs...)
	r := openReader(t, newSpec(addr, "t", idV, "PLAIN", "scan.startup.mode", "latest"), nil)
	expectNothing(t, r, 1500*time.Millisecond)
	if got := string(r.Position().Encode()); got != "k1:t:0=3,1=3,2=3" {
		t.Fatalf("latest resolved to %s", got)
	}
	produce(t, addr, jsonRec("t", 0, 100), jsonRec("t", 2, 101))
	rows, off, _ := readRows(t, r, 2)
	slices.Sort(rows)
	if !slices.Equal(rows, []string{"+ 100 x100", "+ 101 x101"}) {
		t.Fatalf("rows %v", rows)
	}
	if string(off) != "k1:t:0=4,1=3,2=4" || string(r.Position().Encode()) != string(off) {
		t.Fatalf("offset %s, position %s", off, r.Position().Encode())
	}
}

func TestStartupTimestamp(t *testing.T) {
	_, addr := newCluster(t, 1, "t")
	base := time.UnixMilli(1_700_000_000_000)
	var recs []*kgo.Record
	for i := range 10 {
		rec := jsonRec("t", 0, i)
		rec.Timestamp = base.Add(time.Duration(i) * time.Second)
		recs = append(recs, rec)
	}
	produce(t, addr, recs...)
	ms := fmt.Sprint(base.Add(6 * time.Second).UnixMilli())
	r := openReader(t, newSpec(addr, "t", idV, "PLAIN", "scan.startup.timestamp.millis", ms), nil)
	rows, _, _ := readRows(t, r, 4)
	if !slices.Equal(rows, []string{"+ 6 x6", "+ 7 x7", "+ 8 x8", "+ 9 x9"}) {
		t.Fatalf("rows %v", rows)
	}
}

func TestIncludeColumns(t *testing.T) {
	_, addr := newCluster(t, 3, "t")
	ts := time.Date(2024, 5, 6, 7, 8, 9, 123000000, time.UTC)
	produce(t, addr,
		&kgo.Record{Topic: "t", Partition: 1, Key: []byte("k0"), Value: []byte(`{"id":0}`), Timestamp: ts},
		&kgo.Record{Topic: "t", Partition: 1, Key: []byte("k1"), Value: []byte(`{"id":1}`), Timestamp: ts},
		&kgo.Record{Topic: "t", Partition: 1, Value: []byte(`{"id":2}`), Timestamp: ts},
	)
	cols := []connectors.Column{
		payload("id", types.TInt4),
		include("k", types.TVarchar, "KEY"),
		include("p", types.TVarchar, "PARTITION"),
		include("o", types.TVarchar, "OFFSET"),
		include("ts", types.TTimestamptz, "TIMESTAMP"),
	}
	r := openReader(t, newSpec(addr, "t", cols, "PLAIN"), nil)
	rows, _, _ := readRows(t, r, 3)
	want := []string{
		"+ 0 k0 1 0 2024-05-06 07:08:09.123+00",
		"+ 1 k1 1 1 2024-05-06 07:08:09.123+00",
		"+ 2 NULL 1 2 2024-05-06 07:08:09.123+00",
	}
	if !slices.Equal(rows, want) {
		t.Fatalf("rows\n%s\nwant\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}

	cols2 := []connectors.Column{
		include("k", types.TBytea, "KEY"),
		include("p", types.TInt4, "PARTITION"),
		include("o", types.TInt8, "OFFSET"),
		include("ts", types.TTimestamp, "TIMESTAMP"),
		payload("id", types.TInt4),
	}
	r2 := openReader(t, newSpec(addr, "t", cols2, "PLAIN"), nil)
	rows, _, _ = readRows(t, r2, 3)
	if rows[1] != `+ \x6b31 1 1 2024-05-06 07:08:09.123 1` {
		t.Fatalf("row %q", rows[1])
	}
}

// TestMalformedSkipped: bad records are skipped and reported with their
// partition and offset; the records after them still arrive.
func TestMalformedSkipped(t *testing.T) {
	_, addr := newCluster(t, 3, "t")
	produce(t, addr,
		jsonRec("t", 2, 1),
		&kgo.Record{Topic: "t", Partition: 2, Value: []byte(`{"id":`)},
		&kgo.Record{Topic: "t", Partition: 2, Value: []byte(`{"id":"abc"}`)},
		jsonRec("t", 2, 2),
		jsonRec("t", 0, 3),
	)
	cols := append(slices.Clone(idV), include("k", types.TVarchar, "KEY"))
	spec := newSpec(addr, "t", cols, "PLAIN")
	produce(t, addr, &kgo.Record{Topic: "t", Partition: 0, Key: []byte{0xff, 0xfe}, Value: []byte(`{"id":4}`)}, jsonRec("t", 0, 5))
	r := openReader(t, spec, nil)
	rows, off, _ := readRows(t, r, 4)
	slices.Sort(rows)
	if !slices.Equal(rows, []string{"+ 1 x1 NULL", "+ 2 x2 NULL", "+ 3 x3 NULL", "+ 5 x5 NULL"}) {
		t.Fatalf("rows %v", rows)
	}
	if string(off) != "k1:t:0=3,1=-2,2=4" {
		t.Fatalf("offset %s", off)
	}
	n, errs, last := spec.Stats.Snapshot()
	if n != 4 || errs != 3 || len(last) != 3 {
		t.Fatalf("stats: rows %d errors %d last %v", n, errs, last)
	}
	got := map[string]string{}
	for _, e := range last {
		got[fmt.Sprintf("%d/%d", e.Partition, e.Offset)] = e.Message
	}
	for where, msg := range map[string]string{"2/1": "invalid JSON", "2/2": `column "id"`, "0/1": "record key"} {
		if !strings.Contains(got[where], msg) {
			t.Errorf("error at partition/offset %s: %q, want it to mention %q (all: %v)", where, got[where], msg, got)
		}
	}
}

func TestUpsert(t *testing.T) {
	_, addr := newCluster(t, 1, "t")
	produce(t, addr,
		&kgo.Record{Topic: "t", Key: []byte(`{"id":1}`), Value: []byte(`{"id":1,"v":"a"}`)},
		&kgo.Record{Topic: "t", Key: []byte(`{"id":1}`), Value: []byte(`{"id":1,"v":"b"}`)},
		&kgo.Record{Topic: "t", Key: []byte(`{"id":1}`)},
		&kgo.Record{Topic: "t", Key: []byte(`{"id":2}`), Value: []byte(`{"id":2,"v":"c"}`)},
	)
	spec := newSpec(addr, "t", idV, "UPSERT")
	if c, _ := connectors.Lookup(spec); c == nil || c.AppendOnly(spec) {
		t.Fatalf("UPSERT source must not be append-only")
	}
	r := openReader(t, spec, nil)
	rows, _, _ := readRows(t, r, 4)
	want := []string{"+ 1 a", "+ 1 b", "- 1 NULL", "+ 2 c"}
	if !slices.Equal(rows, want) {
		t.Fatalf("rows %v, want %v", rows, want)
	}
}

// TestUpsertPrimaryKey: with the table's primary key given, a scalar
// Kafka key fills the key column a value leaves out and identifies the
// row a tombstone deletes; without it the column stays NULL and the
// tombstone is an error.
func TestUpsertPrimaryKey(t *testing.T) {
	_, addr := newCluster(t, 1, "t")
	produce(t, addr,
		&kgo.Record{Topic: "t", Key: []byte(`7`), Value: []byte(`{"v":"x"}`)},
		&kgo.Record{Topic: "t", Key: []byte(`7`)},
	)
	spec := newSpec(addr, "t", idV, "UPSERT")
	spec.PrimaryKey = []int{0}
	if err := Validate(context.Background(), spec); err != nil {
		t.Fatal(err)
	}
	rows, _, _ := readRows(t, openReader(t, spec, nil), 2)
	if want := []string{"+ 7 x", "- 7 NULL"}; !slices.Equal(rows, want) {
		t.Fatalf("rows %v, want %v", rows, want)
	}
	if _, errs, _ := spec.Stats.Snapshot(); errs != 0 {
		t.Fatalf("%d errors", errs)
	}

	produce(t, addr, &kgo.Record{Topic: "t", Key: []byte(`8`), Value: []byte(`{"id":8,"v":"y"}`)})
	keyless := newSpec(addr, "t", idV, "UPSERT")
	rows, _, _ = readRows(t, openReader(t, keyless, nil), 2)
	if want := []string{"+ NULL x", "+ 8 y"}; !slices.Equal(rows, want) {
		t.Fatalf("rows without a primary key %v, want %v", rows, want)
	}
	if _, errs, _ := keyless.Stats.Snapshot(); errs != 1 {
		t.Fatalf("%d errors without a primary key, want 1", errs)
	}
}

func TestDebezium(t *testing.T) {
	_, addr := newCluster(t, 1, "t")
	env := func(payload string) []byte {
		return []byte(`{"schema":{"type":"struct"},"payload":` + payload + `}`)
	}
	produce(t, addr,
		&kgo.Record{Topic: "t", Value: env(`{"before":null,"after":{"id":1,"v":"a"},"op":"c"}`)},
		&kgo.Record{Topic: "t", Value: env(`{"before":{"id":1,"v":"a"},"after":{"id":1,"v":"b"},"op":"u"}`)},
		&kgo.Record{Topic: "t", Value: env(`{"before":{"id":1,"v":"b"},"after":null,"op":"d"}`)},
		&kgo.Record{Topic: "t", Key: []byte(`{"id":1}`)}, // tombstone after the delete
		&kgo.Record{Topic: "t", Value: []byte(`{"before":null,"after":{"id":2,"v":"r"},"op":"r"}`)},
	)
	spec := newSpec(addr, "t", idV, "DEBEZIUM")
	r := openReader(t, spec, nil)
	rows, off, _ := readRows(t, r, 5)
	want := []string{"+ 1 a", "U- 1 a", "U+ 1 b", "- 1 b", "+ 2 r"}
	if !slices.Equal(rows, want) {
		t.Fatalf("rows %v, want %v", rows, want)
	}
	if string(off) != "k1:t:0=5" {
		t.Fatalf("offset %s", off)
	}
	if _, errs, _ := spec.Stats.Snapshot(); errs != 0 {
		t.Fatalf("%d errors", errs)
	}
}

func TestCSV(t *testing.T) {
	_, addr := newCluster(t, 1, "t")
	produce(t, addr,
		&kgo.Record{Topic: "t", Value: []byte("id,v")},
		&kgo.Record{Topic: "t", Value: []byte(`1,"a,b"`)},
	)
	spec := newSpec(addr, "t", idV, "PLAIN")
	spec.Encode = "CSV"
	spec.EncodeOptions = map[string]string{"delimiter": ",", "without_header": "false"}
	r := openReader(t, spec, nil)
	rows, _, _ := readRows(t, r, 1)
	if rows[0] != "+ 1 a,b" {
		t.Fatalf("rows %v", rows)
	}
}

// TestNewPartitions: partitions added to the topic later are found and
// read from their start.
func TestNewPartitions(t *testing.T) {
	setVar(t, &discoverInterval, 200*time.Millisecond)
	_, addr := newCluster(t, 2, "t")
	produce(t, addr, jsonRec("t", 0, 0), jsonRec("t", 1, 1))
	r := openReader(t, newSpec(addr, "t", idV, "PLAIN", "scan.startup.mode", "latest"), nil)
	expectNothing(t, r, 500*time.Millisecond)

	cl, err := kgo.NewClient(kgo.SeedBrokers(addr))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if _, err := kadm.NewClient(cl).CreatePartitions(context.Background(), 1, "t"); err != nil {
		t.Fatalf("create partitions: %v", err)
	}
	produce(t, addr, jsonRec("t", 2, 2), jsonRec("t", 0, 3))
	rows, off, _ := readRows(t, r, 2)
	slices.Sort(rows)
	if !slices.Equal(rows, []string{"+ 2 x2", "+ 3 x3"}) {
		t.Fatalf("rows %v", rows)
	}
	if string(off) != "k1:t:0=2,1=1,2=1" {
		t.Fatalf("offset %s", off)
	}
}

// TestBrokerGoesAway: with the broker gone Next waits (no error but the
// caller's deadline) and Status says it is retrying.
func TestBrokerGoesAway(t *testing.T) {
	setVar(t, &retryInterval, 100*time.Millisecond)
	setVar(t, &discoverInterval, 100*time.Millisecond)
	setVar(t, &discoverTimeout, 500*time.Millisecond)
	c, addr := newCluster(t, 1, "t")
	produce(t, addr, jsonRec("t", 0, 1))
	r := openReader(t, newSpec(addr, "t", idV, "PLAIN"), nil)
	readRows(t, r, 1)
	c.Close()
	expectNothing(t, r, 2*time.Second)
	if s := r.Status(); !strings.Contains(s, "retrying") {
		t.Fatalf("status %q", s)
	}
}

func closedPort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestValidate(t *testing.T) {
	_, addr := newCluster(t, 3, "t")
	ctx := context.Background()
	if err := Validate(ctx, newSpec(addr, "t", idV, "PLAIN")); err != nil {
		t.Fatalf("valid source: %v", err)
	}
	dead := closedPort(t)
	for _, tc := range []struct {
		name string
		spec *connectors.Spec
		code string
		msgs []string
	}{
		{"missing topic on broker", newSpec(addr, "nope", idV, "PLAIN"), sqlerr.InvalidParameterValue, []string{`"nope"`, addr}},
		{"no topic option", func() *connectors.Spec { s := newSpec(addr, "t", idV, "PLAIN"); delete(s.With, "topic"); return s }(),
			sqlerr.InvalidParameterValue, []string{`"topic"`}},
		{"no bootstrap option", newSpec("", "t", idV, "PLAIN"), sqlerr.InvalidParameterValue, []string{"properties.bootstrap.server"}},
		{"unknown option", newSpec(addr, "t", idV, "PLAIN", "scan.startup.mod", "latest"), sqlerr.InvalidParameterValue, []string{`"scan.startup.mod"`}},
		{"bad startup mode", newSpec(addr, "t", idV, "PLAIN", "scan.startup.mode", "middle"), sqlerr.InvalidParameterValue, []string{"scan.startup.mode"}},
		{"bad timestamp", newSpec(addr, "t", idV, "PLAIN", "scan.startup.timestamp.millis", "x"), sqlerr.InvalidParameterValue, []string{"scan.startup.timestamp.millis"}},
		{"bad protocol", newSpec(addr, "t", idV, "PLAIN", "properties.security.protocol", "TLS"), sqlerr.InvalidParameterValue, []string{"security.protocol"}},
		{"sasl without user", newSpec(addr, "t", idV, "PLAIN", "properties.security.protocol", "SASL_PLAINTEXT"), sqlerr.InvalidParameterValue, []string{"sasl.username"}},
		{"gssapi", newSpec(addr, "t", idV, "PLAIN", "properties.security.protocol", "SASL_PLAINTEXT", "properties.sasl.mechanism", "GSSAPI",
			"properties.sasl.username", "u", "properties.sasl.password", "p"), sqlerr.FeatureNotSupported, []string{"GSSAPI"}},
		{"missing ca file", newSpec(addr, "t", idV, "PLAIN", "properties.security.protocol", "SSL", "properties.ssl.ca.location", "/nonexistent/ca.pem"),
			sqlerr.InvalidParameterValue, []string{"ssl.ca.location"}},
		{"avro without registry", func() *connectors.Spec { s := newSpec(addr, "t", idV, "PLAIN"); s.Encode = "AVRO"; return s }(),
			sqlerr.InvalidParameterValue, []string{"schema.registry"}},
		{"unreachable registry", func() *connectors.Spec {
			s := newSpec(addr, "t", idV, "PLAIN")
			s.Encode, s.EncodeOptions = "AVRO", map[string]string{"schema.registry": "http://" + dead}
			return s
		}(), unableToConnect, []string{"schema registry", dead}},
		{"bytes", func() *connectors.Spec { s := newSpec(addr, "t", idV, "PLAIN"); s.Encode = "BYTES"; return s }(),
			sqlerr.FeatureNotSupported, []string{"FORMAT PLAIN ENCODE BYTES"}},
		{"include header", newSpec(addr, "t", append(slices.Clone(idV), include("h", types.TBytea, "HEADER")), "PLAIN"),
			sqlerr.FeatureNotSupported, []string{"header"}},
		{"include offset as int4", newSpec(addr, "t", append(slices.Clone(idV), include("o", types.TInt4, "OFFSET")), "PLAIN"),
			sqlerr.DatatypeMismatch, []string{"offset", "integer"}},
		{"unreachable broker", newSpec(dead, "t", idV, "PLAIN"), unableToConnect, []string{dead}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			err := Validate(ctx, tc.spec)
			if err == nil {
				t.Fatalf("no error")
			}
			if sqlerr.Code(err) != tc.code {
				t.Fatalf("code %s, want %s: %v", sqlerr.Code(err), tc.code, err)
			}
			for _, m := range tc.msgs {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not mention %q", err, m)
				}
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("Validate took %v", d)
			}
		})
	}
	// properties.* are all accepted.
	if err := Validate(ctx, newSpec(addr, "t", idV, "PLAIN", "properties.fetch.max.bytes", "1000", "properties.client.id", "me",
		"scan.startup.mode", "LATEST")); err != nil {
		t.Fatalf("extra properties: %v", err)
	}
}

func TestRegistered(t *testing.T) {
	spec := newSpec("127.0.0.1:1", "t", idV, "")
	c, err := connectors.Lookup(spec)
	if err != nil || c.Name != "kafka" {
		t.Fatalf("lookup: %v %v", c, err)
	}
	if !c.AppendOnly(spec) {
		t.Fatal("FORMAT PLAIN must be append-only")
	}
	spec.Format = "DEBEZIUM"
	if c.AppendOnly(spec) {
		t.Fatal("FORMAT DEBEZIUM must not be append-only")
	}
}

func TestOpenErrors(t *testing.T) {
	spec := newSpec("127.0.0.1:1", "t", idV, "PLAIN")
	for _, off := range []string{"garbage", "k1:other:0=1", "k1:t:0=x", "k1:t:-1=3", "k1:t:0=1,0=2", "k1:t:0=-5"} {
		if _, err := Open(context.Background(), spec, []byte(off)); err == nil {
			t.Errorf("Open with offset %q: no error", off)
		}
	}
}

func TestOffsetRoundTrip(t *testing.T) {
	for _, p := range []Position{
		{Topic: "t", Next: map[int32]int64{}},
		{Topic: "a.b-c_d", Next: map[int32]int64{2: 7, 0: FromStart, 10: 1 << 40}},
	} {
		enc := p.Encode()
		q, err := ParseOffset(enc)
		if err != nil {
			t.Fatalf("%s: %v", enc, err)
		}
		if q.Topic != p.Topic || len(q.Next) != len(p.Next) {
			t.Fatalf("%s: got %+v", enc, q)
		}
		for k, v := range p.Next {
			if q.Next[k] != v {
				t.Fatalf("%s: partition %d = %d", enc, k, q.Next[k])
			}
		}
	}
	if got := string(Position{Topic: "t", Next: map[int32]int64{2: 7, 0: -2, 1: 0}}.Encode()); got != "k1:t:0=-2,1=0,2=7" {
		t.Fatalf("encoding %s", got)
	}
}
