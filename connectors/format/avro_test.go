package format

import (
	"context"
	"errors"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// fakeRegistry starts an in-memory schema registry on loopback.
func fakeRegistry(t *testing.T, opts ...srfake.Option) *srfake.Registry {
	t.Helper()
	reg := srfake.New(opts...)
	t.Cleanup(reg.Close)
	return reg
}

func register(t *testing.T, reg *srfake.Registry, subject string, s sr.Schema) int {
	t.Helper()
	id, _, err := reg.RegisterSchema(subject, s)
	if err != nil {
		t.Fatalf("register %s: %v", subject, err)
	}
	return id
}

// frame prefixes a payload with the Confluent header (and, for
// protobuf, a message index).
func frame(id int, index []int, payload []byte) string {
	b, _ := new(sr.ConfluentHeader).AppendEncode(nil, id, index)
	return string(append(b, payload...))
}

func avroFrame(t *testing.T, id int, schema string, v any) string {
	t.Helper()
	payload, err := avro.Marshal(avro.MustParse(schema), v)
	if err != nil {
		t.Fatalf("avro.Marshal: %v", err)
	}
	return frame(id, nil, payload)
}

const eventSchema = `{"type": "record", "name": "Event", "namespace": "test", "fields": [
	{"name": "id", "type": "int"},
	{"name": "big", "type": "long"},
	{"name": "name", "type": ["null", "string"]},
	{"name": "v", "type": "double"},
	{"name": "f", "type": "float"},
	{"name": "ok", "type": "boolean"},
	{"name": "raw", "type": "bytes"},
	{"name": "ts_ms", "type": {"type": "long", "logicalType": "timestamp-millis"}},
	{"name": "ts_us", "type": {"type": "long", "logicalType": "timestamp-micros"}},
	{"name": "local_ts", "type": {"type": "long", "logicalType": "local-timestamp-micros"}},
	{"name": "day", "type": {"type": "int", "logicalType": "date"}},
	{"name": "tod", "type": {"type": "int", "logicalType": "time-millis"}},
	{"name": "amount", "type": {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}},
	{"name": "fixed_amount", "type": {"type": "fixed", "name": "Amt", "size": 8, "logicalType": "decimal", "precision": 18, "scale": 3}},
	{"name": "color", "type": {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN"]}},
	{"name": "uid", "type": {"type": "string", "logicalType": "uuid"}},
	{"name": "tags", "type": {"type": "array", "items": "string"}},
	{"name": "attrs", "type": {"type": "map", "values": "long"}},
	{"name": "inner", "type": ["null", {"type": "record", "name": "Inner", "fields": [
		{"name": "a", "type": "int"}, {"name": "b", "type": ["null", "string"]}]}]},
	{"name": "skipped", "type": {"type": "array", "items": "Inner"}},
	{"name": "last", "type": "string"}
]}`

func eventValue() map[string]any {
	return map[string]any{
		"id": 7, "big": int64(1) << 40, "name": "seven", "v": 1.5, "f": float32(0.25), "ok": true,
		"raw":          []byte{0xde, 0xad},
		"ts_ms":        time.Date(2024, 1, 2, 3, 4, 5, 123e6, time.UTC),
		"ts_us":        time.Date(2024, 1, 2, 3, 4, 5, 123456e3, time.UTC),
		"local_ts":     time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
		"day":          time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC),
		"tod":          13*time.Hour + 14*time.Minute + 15*time.Second + 16*time.Millisecond,
		"amount":       big.NewRat(-12345, 100),
		"fixed_amount": big.NewRat(1234567, 1000),
		"color":        "GREEN",
		"uid":          "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
		"tags":         []string{"a", "b"},
		"attrs":        map[string]any{"y": int64(2), "x": int64(1)},
		"inner":        map[string]any{"test.Inner": map[string]any{"a": 1, "b": "x"}},
		"skipped":      []any{map[string]any{"a": 2, "b": nil}, map[string]any{"a": 3, "b": "s"}},
		"last":         "end",
	}
}

func avroSpec(url string, cols []connectors.Column, opts ...string) *connectors.Spec {
	eo := map[string]string{"schema.registry": url}
	for i := 0; i+1 < len(opts); i += 2 {
		eo[opts[i]] = opts[i+1]
	}
	return &connectors.Spec{Columns: cols, Format: "PLAIN", Encode: "AVRO", EncodeOptions: eo}
}

func TestAvroTypes(t *testing.T) {
	reg := fakeRegistry(t)
	id := register(t, reg, "events-value", sr.Schema{Schema: eventSchema, Type: sr.TypeAvro})
	cols := []connectors.Column{
		col("id", types.TInt4), col("BIG", types.TInt8), col("name", types.TVarchar), col("v", types.TFloat8),
		col("f", types.TFloat4), col("ok", types.TBool), col("raw", types.TBytea), col("ts_ms", types.TTimestamptz),
		col("ts_us", types.TTimestamptz), col("local_ts", types.TTimestamp), col("day", types.TDate),
		col("tod", types.TTime), col("amount", types.TNumeric), col("fixed_amount", types.TNumeric),
		col("color", types.TVarchar), col("uid", types.TUuid), col("tags", types.ArrayOf(types.Varchar)),
		col("attrs", types.TJsonb), col("inner", types.TJsonb), col("last", types.TText), col("missing", types.TInt4),
	}
	d := mustNew(t, avroSpec(reg.URL(), cols), nil)
	nulls := eventValue()
	nulls["name"], nulls["inner"] = nil, nil
	runCases(t, d, cols, []decodeCase{
		{name: "all types", rec: rec{value: avroFrame(t, id, eventSchema, eventValue())},
			want: "+ 7 1099511627776 seven 1.5 0.25 t \\xdead 2024-01-02 03:04:05.123+00 2024-01-02 03:04:05.123456+00 " +
				"2024-01-02 03:04:05 2024-02-29 13:14:15.016 -123.45 1234.567 GREEN a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11 " +
				`{a,b} {"x": 1, "y": 2} {"a": 1, "b": "x"} end NULL` + "\n"},
		{name: "nulls", rec: rec{value: avroFrame(t, id, eventSchema, nulls)},
			want: "+ 7 1099511627776 NULL 1.5 0.25 t \\xdead 2024-01-02 03:04:05.123+00 2024-01-02 03:04:05.123456+00 " +
				"2024-01-02 03:04:05 2024-02-29 13:14:15.016 -123.45 1234.567 GREEN a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11 " +
				`{a,b} {"x": 1, "y": 2} NULL end NULL` + "\n"},
		{name: "tombstone", rec: rec{nullValue: true}},
	})
}

func TestAvroErrors(t *testing.T) {
	reg := fakeRegistry(t)
	id := register(t, reg, "events-value", sr.Schema{Schema: eventSchema, Type: sr.TypeAvro})
	// A later version where id is a long and v a boolean: records of it
	// fail on those columns only.
	v2 := `{"type": "record", "name": "Event", "namespace": "test", "fields": [
		{"name": "id", "type": "long"}, {"name": "name", "type": "string"}]}`
	id2 := register(t, reg, "events-value", sr.Schema{Schema: v2, Type: sr.TypeAvro})
	v3 := `{"type": "record", "name": "Event", "namespace": "test", "fields": [{"name": "id", "type": "boolean"}]}`
	id3 := register(t, reg, "events-value", sr.Schema{Schema: v3, Type: sr.TypeAvro})
	cols := []connectors.Column{col("id", types.TInt4), col("name", types.TVarchar), col("v", types.TFloat8)}
	d := mustNew(t, avroSpec(reg.URL(), cols), nil)
	good := avroFrame(t, id, eventSchema, eventValue())
	runCases(t, d, cols, []decodeCase{
		{name: "good", rec: rec{value: good}, want: "+ 7 seven 1.5\n"},
		{name: "older fields missing", rec: rec{value: avroFrame(t, id2, v2, map[string]any{"id": int64(8), "name": "x"})},
			want: "+ 8 x NULL\n"},
		{name: "long out of range for integer", rec: rec{value: avroFrame(t, id2, v2, map[string]any{"id": int64(1) << 40, "name": "x"})},
			code: sqlerr.NumericValueOutOfRange},
		{name: "boolean for integer", rec: rec{value: avroFrame(t, id3, v3, map[string]any{"id": true})},
			code: sqlerr.DatatypeMismatch},
		{name: "truncated", rec: rec{value: good[:len(good)-3]}, code: sqlerr.InvalidBinaryRepresentation},
		{name: "truncated in header", rec: rec{value: good[:3]}, code: sqlerr.InvalidBinaryRepresentation},
		{name: "trailing bytes", rec: rec{value: good + "x"}, code: sqlerr.InvalidBinaryRepresentation},
		{name: "wrong magic byte", rec: rec{value: "\x01" + good[1:]}, code: sqlerr.InvalidBinaryRepresentation},
		{name: "JSON, not Avro", rec: rec{value: `{"id": 1}`}, code: sqlerr.InvalidBinaryRepresentation},
		{name: "unknown schema id", rec: rec{value: frame(999, nil, []byte{2})}, code: sqlerr.InvalidParameterValue},
		{name: "bad union branch", rec: rec{value: frame(id2, nil, []byte{2, 9})}, code: sqlerr.InvalidBinaryRepresentation},
		{name: "good after errors", rec: rec{value: good}, want: "+ 7 seven 1.5\n"},
	})
	// Errors name the column and the schema.
	_, err := d.Decode(nil, []byte(avroFrame(t, id3, v3, map[string]any{"id": true})), nil, chunk.New([]types.Type{types.TInt4, types.TVarchar, types.TFloat8}, 1))
	if err == nil || !strings.Contains(err.Error(), `column "id"`) || !strings.Contains(err.Error(), "boolean") {
		t.Errorf("error %v", err)
	}
}

// TestAvroRegistryDown: a registry that cannot be reached is not the
// record's fault: the error wraps ErrUnavailable and nothing is cached.
func TestAvroRegistryDown(t *testing.T) {
	reg := fakeRegistry(t)
	id := register(t, reg, "events-value", sr.Schema{Schema: eventSchema, Type: sr.TypeAvro})
	down := true
	reg.Intercept(func(w http.ResponseWriter, r *http.Request) bool {
		if down {
			w.WriteHeader(http.StatusServiceUnavailable)
			return true
		}
		return false
	})
	cols := []connectors.Column{col("id", types.TInt4)}
	d := mustNew(t, avroSpec(reg.URL(), cols), nil)
	value := []byte(avroFrame(t, id, eventSchema, eventValue()))
	c := chunk.New([]types.Type{types.TInt4}, 1)
	if _, err := d.Decode(nil, value, nil, c); !errors.Is(err, ErrUnavailable) || sqlerr.Code(err) != "08001" {
		t.Fatalf("registry down: %v (%s)", err, sqlerr.Code(err))
	}
	down = false
	if n, err := d.Decode(nil, value, nil, c); err != nil || n != 1 {
		t.Fatalf("registry back: %d rows, %v", n, err)
	}
}

func TestAvroBasicAuth(t *testing.T) {
	reg := fakeRegistry(t, srfake.WithAuth("Basic dXNlcjpzZWNyZXQ=")) // user:secret
	id := register(t, reg, "events-value", sr.Schema{Schema: eventSchema, Type: sr.TypeAvro})
	cols := []connectors.Column{col("id", types.TInt4)}
	value := []byte(avroFrame(t, id, eventSchema, eventValue()))
	c := chunk.New([]types.Type{types.TInt4}, 2)
	d := mustNew(t, avroSpec(reg.URL(), cols, "schema.registry.username", "user", "schema.registry.password", "secret"), nil)
	if _, err := d.Decode(nil, value, nil, c); err != nil {
		t.Fatal(err)
	}
	d = mustNew(t, avroSpec(reg.URL(), cols, "schema.registry.username", "user", "schema.registry.password", "wrong"), nil)
	if _, err := d.Decode(nil, value, nil, c); sqlerr.Code(err) != sqlerr.InvalidAuthorizationSpec || !errors.Is(err, ErrUnavailable) {
		t.Fatalf("wrong password: %v", err)
	}
}

func TestAvroReferences(t *testing.T) {
	reg := fakeRegistry(t)
	register(t, reg, "inner", sr.Schema{Type: sr.TypeAvro,
		Schema: `{"type": "record", "name": "Inner", "namespace": "test", "fields": [{"name": "a", "type": "int"}]}`})
	outer := `{"type": "record", "name": "Outer", "namespace": "test", "fields": [
		{"name": "id", "type": "int"}, {"name": "in", "type": "test.Inner"}, {"name": "tail", "type": "string"}]}`
	id := register(t, reg, "t-value", sr.Schema{Type: sr.TypeAvro, Schema: outer,
		References: []sr.SchemaReference{{Name: "test.Inner", Subject: "inner", Version: 1}}})
	cols := []connectors.Column{col("id", types.TInt4), col("in", types.TJsonb), col("tail", types.TText)}
	d := mustNew(t, avroSpec(reg.URL(), cols), nil)
	payload := []byte{4, 6, 2, 'z'} // id 2, in {a: 3}, tail "z"
	runCases(t, d, cols, []decodeCase{
		{name: "referenced record", rec: rec{value: frame(id, nil, payload)}, want: "+ 2 {\"a\": 3} z\n"},
	})
}

func TestAvroValidateAndColumns(t *testing.T) {
	reg := fakeRegistry(t)
	register(t, reg, "events-value", sr.Schema{Schema: eventSchema, Type: sr.TypeAvro})
	ctx := context.Background()
	spec := avroSpec(reg.URL(), nil)
	cols, err := Columns(ctx, spec, "events")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cols {
		got = append(got, c.Name+" "+c.Type.String())
	}
	want := "id integer, big bigint, name character varying, v double precision, f real, ok boolean, raw bytea, " +
		"ts_ms timestamp with time zone, ts_us timestamp with time zone, local_ts timestamp without time zone, day date, " +
		"tod time without time zone, amount numeric, fixed_amount numeric, color character varying, uid character varying, " +
		"tags character varying[], attrs jsonb, inner jsonb, skipped jsonb, last character varying"
	if g := strings.Join(got, ", "); g != want {
		t.Errorf("columns:\n%s\nwant:\n%s", g, want)
	}
	spec.Columns = cols
	if err := Validate(ctx, spec, "events"); err != nil {
		t.Errorf("derived columns do not validate: %v", err)
	}
	for _, tc := range []struct {
		name  string
		cols  []connectors.Column
		topic string
		code  string
	}{
		{"fits", []connectors.Column{col("ID", types.TInt8), col("name", types.TText), incl("k", types.TBytea, "KEY")}, "events", ""},
		{"no such field", []connectors.Column{col("nope", types.TInt4)}, "events", sqlerr.UndefinedColumn},
		{"wrong type", []connectors.Column{col("ok", types.TInt4)}, "events", sqlerr.DatatypeMismatch},
		{"no subject", []connectors.Column{col("id", types.TInt4)}, "other", sqlerr.InvalidParameterValue},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(ctx, avroSpec(reg.URL(), tc.cols), tc.topic)
			if got := "" + codeOf(err); got != tc.code {
				t.Fatalf("error %v, want code %q", err, tc.code)
			}
			if tc.topic == "other" && !strings.Contains(err.Error(), "schema not found") {
				t.Fatalf("error %v", err)
			}
		})
	}
	err = Validate(ctx, avroSpec("http://127.0.0.1:1", []connectors.Column{col("id", types.TInt4)}), "events")
	if codeOf(err) != "08001" || !strings.Contains(err.Error(), "cannot connect to schema registry http://127.0.0.1:1") {
		t.Errorf("unreachable registry: %v", err)
	}
}

func codeOf(err error) string {
	if err == nil {
		return ""
	}
	return sqlerr.Code(err)
}

func TestRegistryOptions(t *testing.T) {
	cols := []connectors.Column{col("id", types.TInt4)}
	for _, tc := range []struct {
		encode string
		opts   map[string]string
		code   string
	}{
		{"AVRO", map[string]string{"schema.registry": "http://a:8081,http://b:8081"}, ""},
		{"AVRO", map[string]string{"schema.registry": "a:8081", "schema.registry.name.strategy": "topic_name_strategy"}, ""},
		{"AVRO", map[string]string{}, sqlerr.InvalidParameterValue},
		{"AVRO", map[string]string{"schema.registry": "ftp://x"}, sqlerr.InvalidParameterValue},
		{"AVRO", map[string]string{"schema.registry": "http://a", "colour": "red"}, sqlerr.InvalidParameterValue},
		{"AVRO", map[string]string{"schema.registry": "http://a", "schema.registry.username": "u"}, sqlerr.InvalidParameterValue},
		{"AVRO", map[string]string{"schema.registry": "http://a", "schema.registry.name.strategy": "record_name_strategy"}, sqlerr.FeatureNotSupported},
		{"AVRO", map[string]string{"schema.registry": "http://a", "schema.registry.name.strategy": "bogus"}, sqlerr.InvalidParameterValue},
		{"AVRO", map[string]string{"schema.location": "file:///x.avsc"}, sqlerr.FeatureNotSupported},
		{"PROTOBUF", map[string]string{"schema.registry": "http://a", "message": "p.M"}, ""},
		{"PROTOBUF", map[string]string{"schema.registry": "http://a"}, sqlerr.InvalidParameterValue},
	} {
		_, err := New(&connectors.Spec{Columns: cols, Format: "PLAIN", Encode: tc.encode, EncodeOptions: tc.opts}, nil)
		if codeOf(err) != tc.code {
			t.Errorf("%s %v: error %v, want code %q", tc.encode, tc.opts, err, tc.code)
		}
	}
	_, err := New(&connectors.Spec{Columns: cols, Format: "UPSERT", Encode: "AVRO",
		EncodeOptions: map[string]string{"schema.registry": "http://a"}}, nil)
	if codeOf(err) != sqlerr.FeatureNotSupported {
		t.Errorf("UPSERT AVRO: %v", err)
	}
}

// BenchmarkDecodeAvro decodes the record BenchmarkDecodeJSON does, as
// Confluent-framed Avro.
func BenchmarkDecodeAvro(b *testing.B) {
	schema := `{"type": "record", "name": "R", "fields": [{"name": "id", "type": "long"}, {"name": "name", "type": "string"},
		{"name": "price", "type": "double"}, {"name": "active", "type": "boolean"},
		{"name": "ts", "type": {"type": "long", "logicalType": "timestamp-millis"}}]}`
	reg := srfake.New()
	defer reg.Close()
	id, _, err := reg.RegisterSchema("t-value", sr.Schema{Schema: schema, Type: sr.TypeAvro})
	if err != nil {
		b.Fatal(err)
	}
	cols := []connectors.Column{
		col("id", types.TInt8), col("name", types.TVarchar), col("price", types.TFloat8),
		col("active", types.TBool), col("ts", types.TTimestamptz),
	}
	d := mustNew(b, avroSpec(reg.URL(), cols), nil)
	payload, err := avro.Marshal(avro.MustParse(schema), map[string]any{"id": int64(12345), "name": "user-345", "price": 12.34,
		"active": true, "ts": time.Date(2024, 1, 2, 3, 4, 5, 123e6, time.UTC)})
	if err != nil {
		b.Fatal(err)
	}
	value := []byte(frame(id, nil, payload))
	ts := []types.Type{types.TInt8, types.TVarchar, types.TFloat8, types.TBool, types.TTimestamptz}
	c := chunk.New(ts, 2048)
	for b.Loop() {
		if c.Len() == 2048 {
			c = chunk.New(ts, 2048)
		}
		if _, err := d.Decode(nil, value, nil, c); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzDecodeAvro: any payload after a known schema id decodes or fails
// cleanly (no panic, no rows on error).
func FuzzDecodeAvro(f *testing.F) {
	reg := srfake.New()
	defer reg.Close()
	id, _, err := reg.RegisterSchema("events-value", sr.Schema{Schema: eventSchema, Type: sr.TypeAvro})
	if err != nil {
		f.Fatal(err)
	}
	cols := []connectors.Column{col("id", types.TInt4), col("name", types.TVarchar), col("amount", types.TNumeric),
		col("tags", types.ArrayOf(types.Varchar)), col("attrs", types.TJsonb), col("inner", types.TText), col("day", types.TDate)}
	d, err := New(avroSpec(reg.URL(), cols), nil)
	if err != nil {
		f.Fatal(err)
	}
	payload, err := avro.Marshal(avro.MustParse(eventSchema), eventValue())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(payload)
	f.Add([]byte{})
	f.Add([]byte{0x80, 0x80, 0x80})
	ts := make([]types.Type, len(cols))
	for i, c := range cols {
		ts[i] = c.Type
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		c := chunk.New(ts, 1)
		n, err := d.Decode(nil, []byte(frame(id, nil, payload)), nil, c)
		if err != nil && (n != 0 || c.Len() != 0) {
			t.Fatalf("error %v with %d rows", err, c.Len())
		}
	})
}
