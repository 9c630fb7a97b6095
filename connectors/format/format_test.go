package format

import (
	"strings"
	"testing"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

func col(name string, t types.Type) connectors.Column { return connectors.Column{Name: name, Type: t} }

func incl(name string, t types.Type, kind string) connectors.Column {
	return connectors.Column{Name: name, Type: t, Include: kind}
}

type rec struct {
	key, value string
	nullKey    bool
	nullValue  bool
}

func (r rec) bytes() (k, v []byte) {
	if !r.nullKey && r.key != "" {
		k = []byte(r.key)
	}
	if !r.nullValue {
		v = []byte(r.value)
	}
	return k, v
}

// decodeCase decodes one record into a fresh chunk and checks the rows
// (in chunk text form) or the error code.
type decodeCase struct {
	name string
	rec  rec
	meta types.Row
	want string // rows, one per line
	code string // expected SQLSTATE when the record is rejected
}

func runCases(t *testing.T, d Decoder, cols []connectors.Column, cases []decodeCase) {
	t.Helper()
	ts := make([]types.Type, len(cols))
	for i, c := range cols {
		ts[i] = c.Type
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := chunk.New(ts, 4)
			k, v := tc.rec.bytes()
			n, err := d.Decode(k, v, tc.meta, c)
			if tc.code != "" {
				if err == nil {
					t.Fatalf("want error %s, got rows:\n%s", tc.code, c)
				}
				if got := sqlerr.Code(err); got != tc.code {
					t.Fatalf("want error %s, got %s: %v", tc.code, got, err)
				}
				if c.Len() != 0 || n != 0 {
					t.Fatalf("error %v but %d rows appended:\n%s", err, c.Len(), c)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if n != c.Len() {
				t.Fatalf("Decode returned %d, chunk has %d rows", n, c.Len())
			}
			if got := render(c, ts); got != tc.want {
				t.Fatalf("rows:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// render prints a chunk's rows like chunk.String, each value in its
// column type's text form.
func render(c *chunk.Chunk, ts []types.Type) string {
	var b strings.Builder
	for i := range c.Ops {
		b.WriteString(c.Ops[i].String())
		for j := range c.Cols {
			b.WriteByte(' ')
			if d := c.Cols[j].Get(i); d.IsNull() {
				b.WriteString("NULL")
			} else {
				b.WriteString(types.FormatText(d, ts[j], nil))
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func mustNew(t testing.TB, spec *connectors.Spec, pk []int) Decoder {
	t.Helper()
	d, err := New(spec, pk)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return d
}

func TestPlainJSON(t *testing.T) {
	cols := []connectors.Column{
		col("id", types.TInt4),
		col("name", types.TVarchar),
		col("price", types.TFloat8),
		col("ok", types.TBool),
		col("ts", types.TTimestamptz),
		col("amount", types.TNumeric),
		col("doc", types.TJsonb),
	}
	d := mustNew(t, &connectors.Spec{Columns: cols, Format: "PLAIN", Encode: "JSON"}, nil)
	runCases(t, d, cols, []decodeCase{
		{name: "all types",
			rec:  rec{value: `{"id":1,"name":"a","price":1.5,"ok":true,"ts":"2024-01-02T03:04:05Z","amount":12.345678901234567890,"doc":{"b":1,"a":[1,2]}}`},
			want: "+ 1 a 1.5 t 2024-01-02 03:04:05+00 12.345678901234567890 {\"a\": [1, 2], \"b\": 1}\n"},
		{name: "missing and null fields",
			rec:  rec{value: `{"id":2,"name":null}`},
			want: "+ 2 NULL NULL NULL NULL NULL NULL\n"},
		{name: "case-insensitive names",
			rec:  rec{value: `{"ID":3,"Name":"x","PRICE":2}`},
			want: "+ 3 x 2 NULL NULL NULL NULL\n"},
		{name: "strings for numbers and bools",
			rec:  rec{value: `{"id":"42","price":"NaN","ok":"yes","amount":"1.50"}`},
			want: "+ 42 NULL NaN t NULL 1.50 NULL\n"},
		{name: "integral numbers with fraction or exponent",
			rec:  rec{value: `{"id":1e3}`},
			want: "+ 1000 NULL NULL NULL NULL NULL NULL\n"},
		{name: "epoch seconds", rec: rec{value: `{"id":1,"ts":1700000000}`},
			want: "+ 1 NULL NULL NULL 2023-11-14 22:13:20+00 NULL NULL\n"},
		{name: "epoch millis", rec: rec{value: `{"id":1,"ts":1700000000123}`},
			want: "+ 1 NULL NULL NULL 2023-11-14 22:13:20.123+00 NULL NULL\n"},
		{name: "epoch micros", rec: rec{value: `{"id":1,"ts":1700000000123456}`},
			want: "+ 1 NULL NULL NULL 2023-11-14 22:13:20.123456+00 NULL NULL\n"},
		{name: "epoch nanos", rec: rec{value: `{"id":1,"ts":1700000000123456789}`},
			want: "+ 1 NULL NULL NULL 2023-11-14 22:13:20.123456+00 NULL NULL\n"},
		{name: "varchar from number, bool and object",
			rec:  rec{value: `{"name":12.50}`},
			want: "+ NULL 12.50 NULL NULL NULL NULL NULL\n"},
		{name: "varchar from object", rec: rec{value: `{"name":{"x":[true]}}`},
			want: "+ NULL {\"x\":[true]} NULL NULL NULL NULL NULL\n"},
		{name: "jsonb scalar", rec: rec{value: `{"doc":"s"}`},
			want: "+ NULL NULL NULL NULL NULL NULL \"s\"\n"},
		{name: "unicode escapes", rec: rec{value: `{"name":"caf\u00e9 \"q\""}`},
			want: "+ NULL café \"q\" NULL NULL NULL NULL NULL\n"},
		{name: "tombstone", rec: rec{nullValue: true}, want: ""},

		{name: "int from word", rec: rec{value: `{"id":"abc"}`}, code: sqlerr.InvalidTextRepresentation},
		{name: "int from fraction", rec: rec{value: `{"id":1.5}`}, code: sqlerr.InvalidTextRepresentation},
		{name: "int out of range", rec: rec{value: `{"id":99999999999}`}, code: sqlerr.NumericValueOutOfRange},
		{name: "int from bool", rec: rec{value: `{"id":true}`}, code: sqlerr.InvalidTextRepresentation},
		{name: "bool from number", rec: rec{value: `{"ok":1}`}, code: sqlerr.InvalidTextRepresentation},
		{name: "float from object", rec: rec{value: `{"price":{}}`}, code: sqlerr.InvalidTextRepresentation},
		{name: "bad timestamp", rec: rec{value: `{"ts":"not a time"}`}, code: sqlerr.InvalidDatetimeFormat},
		{name: "bad numeric", rec: rec{value: `{"amount":"1.2.3"}`}, code: sqlerr.InvalidTextRepresentation},
		{name: "not JSON", rec: rec{value: `hello`}, code: sqlerr.InvalidJSONText},
		{name: "truncated", rec: rec{value: `{"id":1,"name":"ab`}, code: sqlerr.InvalidJSONText},
		{name: "truncated after colon", rec: rec{value: `{"id":`}, code: sqlerr.InvalidJSONText},
		{name: "trailing garbage", rec: rec{value: `{"id":1}}`}, code: sqlerr.InvalidJSONText},
		{name: "array", rec: rec{value: `[{"id":1}]`}, code: sqlerr.InvalidJSONText},
		{name: "scalar", rec: rec{value: `"x"`}, code: sqlerr.InvalidJSONText},
		{name: "bad value after good ones", rec: rec{value: `{"id":1,"name":"a","doc":{},"ok":"maybe"}`}, code: sqlerr.InvalidTextRepresentation},
	})
}

func TestPlainJSONTypes(t *testing.T) {
	cols := []connectors.Column{
		col("s", types.TInt2),
		col("v", types.Type{ID: types.Varchar, Mod: 3 + 4}),
		col("d", types.TDate),
		col("b", types.TBytea),
		col("a", types.ArrayOf(types.Int4)),
		col("i", types.TInterval),
		col("r", types.TFloat4),
		col("t", types.TTimestamp),
	}
	d := mustNew(t, &connectors.Spec{Columns: cols, Encode: "json"}, nil)
	runCases(t, d, cols, []decodeCase{
		{name: "values",
			rec:  rec{value: `{"s":-5,"v":"abc","d":19000,"b":"\\x0102","a":[1,null,3],"i":"1 day 2 hours","r":0.1,"t":"2024-05-06 07:08:09"}`},
			want: "+ -5 abc 2022-01-08 \\x0102 {1,NULL,3} 1 day 02:00:00 0.1 2024-05-06 07:08:09\n"},
		{name: "date string and array text", rec: rec{value: `{"d":"2024-02-29","a":"{4,5}","t":1700000000}`},
			want: "+ NULL NULL 2024-02-29 NULL {4,5} NULL NULL 2023-11-14 22:13:20\n"},
		{name: "smallint overflow", rec: rec{value: `{"s":40000}`}, code: sqlerr.NumericValueOutOfRange},
		{name: "varchar too long", rec: rec{value: `{"v":"abcd"}`}, code: sqlerr.StringDataRightTruncation},
		{name: "bad array element", rec: rec{value: `{"a":[1,"x"]}`}, code: sqlerr.InvalidTextRepresentation},
		{name: "bad bytea", rec: rec{value: `{"b":"\\xZZ"}`}, code: sqlerr.InvalidParameterValue},
		{name: "float4 overflow", rec: rec{value: `{"r":1e300}`}, code: sqlerr.NumericValueOutOfRange},
		{name: "date from fraction", rec: rec{value: `{"d":1.5}`}, code: sqlerr.InvalidTextRepresentation},
		{name: "interval from number", rec: rec{value: `{"i":5}`}, code: sqlerr.InvalidTextRepresentation},
	})
}

func TestExactNameWins(t *testing.T) {
	cols := []connectors.Column{col("Name", types.TText), col("other", types.TText)}
	d := mustNew(t, &connectors.Spec{Columns: cols, Encode: "JSON"}, nil)
	runCases(t, d, cols, []decodeCase{
		{name: "exact after folded", rec: rec{value: `{"name":"folded","Name":"exact","OTHER":"o"}`}, want: "+ exact o\n"},
		{name: "first folded", rec: rec{value: `{"NAME":"first","name":"second"}`}, want: "+ first NULL\n"},
	})
}

func TestIncludeColumns(t *testing.T) {
	cols := []connectors.Column{
		incl("k", types.TBytea, "KEY"),
		col("id", types.TInt8),
		incl("p", types.TVarchar, "PARTITION"),
	}
	d := mustNew(t, &connectors.Spec{Columns: cols, Encode: "JSON"}, nil)
	meta := types.Row{types.NewBytesString("key1"), types.NewInt(99), types.NewString("2")}
	runCases(t, d, cols, []decodeCase{
		{name: "meta copied, payload from value", rec: rec{key: "key1", value: `{"id":7,"k":"ignored","p":"ignored"}`}, meta: meta,
			want: "+ \\x6b657931 7 2\n"},
		{name: "no meta", rec: rec{value: `{"id":8}`}, want: "+ NULL 8 NULL\n"},
	})
}

func TestUpsertJSON(t *testing.T) {
	cols := []connectors.Column{col("id", types.TInt4), col("v", types.TText)}
	spec := &connectors.Spec{Columns: cols, Format: "UPSERT", Encode: "JSON"}
	t.Run("no primary key", func(t *testing.T) {
		runCases(t, mustNew(t, spec, nil), cols, []decodeCase{
			{name: "value", rec: rec{key: `{"id":1}`, value: `{"id":1,"v":"a"}`}, want: "+ 1 a\n"},
			{name: "tombstone", rec: rec{key: `{"id":1}`, nullValue: true}, want: "- 1 NULL\n"},
			{name: "tombstone key case-insensitive", rec: rec{key: `{"ID":2}`, nullValue: true}, want: "- 2 NULL\n"},
			{name: "tombstone without key", rec: rec{nullValue: true}, code: sqlerr.InvalidParameterValue},
			{name: "tombstone scalar key", rec: rec{key: `1`, nullValue: true}, code: sqlerr.InvalidParameterValue},
			{name: "tombstone bad key", rec: rec{key: `{"id":`, nullValue: true}, code: sqlerr.InvalidJSONText},
			{name: "tombstone key without columns", rec: rec{key: `{"x":1}`, nullValue: true}, code: sqlerr.InvalidParameterValue},
			{name: "bad value", rec: rec{key: `{"id":1}`, value: `{"id":"x"}`}, code: sqlerr.InvalidTextRepresentation},
		})
	})
	t.Run("primary key", func(t *testing.T) {
		runCases(t, mustNew(t, spec, []int{0}), cols, []decodeCase{
			{name: "value", rec: rec{key: `{"id":1}`, value: `{"id":1,"v":"a"}`}, want: "+ 1 a\n"},
			{name: "key column from key", rec: rec{key: `{"id":5}`, value: `{"v":"b"}`}, want: "+ 5 b\n"},
			{name: "scalar key", rec: rec{key: `7`, nullValue: true}, want: "- 7 NULL\n"},
			{name: "tombstone ignores non-key fields", rec: rec{key: `{"id":3,"v":"zz"}`, nullValue: true}, want: "- 3 NULL\n"},
			{name: "no key anywhere", rec: rec{value: `{"v":"b"}`}, code: sqlerr.NotNullViolation},
			{name: "tombstone key misses pk", rec: rec{key: `{"v":"x"}`, nullValue: true}, code: sqlerr.InvalidParameterValue},
		})
	})
	t.Run("include key", func(t *testing.T) {
		cols := []connectors.Column{incl("k", types.TVarchar, "KEY"), col("v", types.TText)}
		spec := &connectors.Spec{Columns: cols, Format: "UPSERT", Encode: "JSON"}
		runCases(t, mustNew(t, spec, []int{0}), cols, []decodeCase{
			{name: "value", rec: rec{key: "user1", value: `{"v":"a"}`}, meta: types.Row{types.NewString("user1"), types.Null},
				want: "+ user1 a\n"},
			{name: "tombstone, key not JSON", rec: rec{key: "user1", nullValue: true}, meta: types.Row{types.NewString("user1"), types.Null},
				want: "- user1 NULL\n"},
		})
		runCases(t, mustNew(t, spec, nil), cols, []decodeCase{
			{name: "tombstone, no pk", rec: rec{key: "user1", nullValue: true}, meta: types.Row{types.NewString("user1"), types.Null},
				want: "- user1 NULL\n"},
		})
	})
}

const dbzSchema = `"schema":{"type":"struct","fields":[]}`

func TestDebeziumJSON(t *testing.T) {
	cols := []connectors.Column{col("id", types.TInt4), col("name", types.TText), col("data", types.TBytea)}
	spec := &connectors.Spec{Columns: cols, Format: "DEBEZIUM", Encode: "JSON"}
	d := mustNew(t, spec, nil)
	if d.MaxRows() != 2 {
		t.Fatalf("MaxRows = %d", d.MaxRows())
	}
	runCases(t, d, cols, []decodeCase{
		{name: "create with schema", rec: rec{value: `{` + dbzSchema + `,"payload":{"before":null,"after":{"id":1,"name":"a","data":"AQI="},"op":"c","ts_ms":1}}`},
			want: "+ 1 a \\x0102\n"},
		{name: "read snapshot", rec: rec{value: `{"before":null,"after":{"id":2,"name":"b"},"op":"r"}`}, want: "+ 2 b NULL\n"},
		{name: "update", rec: rec{value: `{"before":{"id":1,"name":"a"},"after":{"id":1,"name":"z"},"op":"u"}`},
			want: "U- 1 a NULL\nU+ 1 z NULL\n"},
		{name: "delete", rec: rec{value: `{` + dbzSchema + `,"payload":{"before":{"id":1,"name":"z"},"after":null,"op":"d"}}`},
			want: "- 1 z NULL\n"},
		{name: "tombstone", rec: rec{key: `{"id":1}`, nullValue: true}, want: ""},
		{name: "null payload", rec: rec{value: `{` + dbzSchema + `,"payload":null}`}, want: ""},
		{name: "update without before", rec: rec{value: `{"before":null,"after":{"id":1},"op":"u"}`}, code: sqlerr.InvalidParameterValue},
		{name: "delete without before", rec: rec{value: `{"before":null,"after":null,"op":"d"}`}, code: sqlerr.InvalidParameterValue},
		{name: "create without after", rec: rec{value: `{"after":null,"op":"c"}`}, code: sqlerr.InvalidParameterValue},
		{name: "unknown op", rec: rec{value: `{"after":{"id":1},"op":"t"}`}, code: sqlerr.InvalidParameterValue},
		{name: "no op", rec: rec{value: `{"after":{"id":1}}`}, code: sqlerr.InvalidParameterValue},
		{name: "bad base64", rec: rec{value: `{"after":{"id":1,"data":"!!"},"op":"c"}`}, code: sqlerr.InvalidTextRepresentation},
		{name: "bad after value in update", rec: rec{value: `{"before":{"id":1},"after":{"id":"x"},"op":"u"}`}, code: sqlerr.InvalidTextRepresentation},
		{name: "truncated", rec: rec{value: `{"before":{"id":1},"after":{"id":2`}, code: sqlerr.InvalidJSONText},
	})
	t.Run("primary key", func(t *testing.T) {
		runCases(t, mustNew(t, spec, []int{0}), cols, []decodeCase{
			{name: "update without before is an upsert", rec: rec{value: `{"before":null,"after":{"id":1,"name":"n"},"op":"u"}`},
				want: "+ 1 n NULL\n"},
			{name: "delete without before uses the key", rec: rec{key: `{` + dbzSchema + `,"payload":{"id":4}}`, value: `{"before":null,"op":"d"}`},
				want: "- 4 NULL NULL\n"},
			{name: "delete without before or key", rec: rec{value: `{"before":null,"op":"d"}`}, code: sqlerr.InvalidParameterValue},
		})
	})
}

func TestPlainCSV(t *testing.T) {
	cols := []connectors.Column{col("id", types.TInt4), col("name", types.TText), col("price", types.TNumeric)}
	spec := &connectors.Spec{Columns: cols, Encode: "CSV", EncodeOptions: map[string]string{"delimiter": ",", "without_header": "false"}}
	runCases(t, mustNew(t, spec, nil), cols, []decodeCase{
		{name: "plain", rec: rec{value: "1,abc,2.50"}, want: "+ 1 abc 2.50\n"},
		{name: "newline", rec: rec{value: "1,abc,2.50\r\n"}, want: "+ 1 abc 2.50\n"},
		{name: "quoted", rec: rec{value: `2,"a, ""b""",3`}, want: "+ 2 a, \"b\" 3\n"},
		{name: "empty vs quoted empty", rec: rec{value: `3,"",`}, want: "+ 3  NULL\n"},
		{name: "fewer fields", rec: rec{value: "4"}, want: "+ 4 NULL NULL\n"},
		{name: "header", rec: rec{value: "id,Name,price"}, want: ""},
		{name: "empty record", rec: rec{value: ""}, want: ""},
		{name: "bad int", rec: rec{value: "x,abc,1"}, code: sqlerr.InvalidTextRepresentation},
		{name: "too many fields", rec: rec{value: "1,a,2,3"}, code: sqlerr.BadCopyFileFormat},
		{name: "unterminated quote", rec: rec{value: `1,"abc`}, code: sqlerr.BadCopyFileFormat},
		{name: "text after quote", rec: rec{value: `1,"a"b,2`}, code: sqlerr.BadCopyFileFormat},
		{name: "two lines", rec: rec{value: "1,a,2\n3,b,4"}, code: sqlerr.BadCopyFileFormat},
	})
	spec2 := &connectors.Spec{Columns: cols, Encode: "CSV", EncodeOptions: map[string]string{"delimiter": `\t`, "without_header": "true"}}
	runCases(t, mustNew(t, spec2, nil), cols, []decodeCase{
		{name: "tab", rec: rec{value: "5\tx y\t1e2"}, want: "+ 5 x y 100\n"},
		{name: "header is data", rec: rec{value: "id\tname\tprice"}, code: sqlerr.InvalidTextRepresentation},
	})
}

func TestNewErrors(t *testing.T) {
	cols := []connectors.Column{col("id", types.TInt4)}
	for _, tc := range []struct {
		format, encode string
		opts           map[string]string
		code           string
		msg            string
	}{
		{"PLAIN", "AVRO", nil, sqlerr.InvalidParameterValue, `missing option "schema.registry"`},
		{"PLAIN", "PROTOBUF", map[string]string{"schema.registry": "http://x"}, sqlerr.InvalidParameterValue, `missing option "message"`},
		{"DEBEZIUM", "AVRO", nil, sqlerr.FeatureNotSupported, "FORMAT DEBEZIUM ENCODE AVRO"},
		{"", "BYTES", nil, sqlerr.FeatureNotSupported, "FORMAT PLAIN ENCODE BYTES"},
		{"UPSERT", "AVRO", nil, sqlerr.FeatureNotSupported, "FORMAT UPSERT ENCODE AVRO"},
		{"UPSERT", "CSV", nil, sqlerr.FeatureNotSupported, "FORMAT UPSERT ENCODE CSV"},
		{"MAXWELL", "JSON", nil, sqlerr.FeatureNotSupported, "FORMAT MAXWELL ENCODE JSON"},
		{"PLAIN", "", nil, sqlerr.InvalidParameterValue, "ENCODE"},
		{"PLAIN", "JSON", map[string]string{"schema.registry": "http://x"}, sqlerr.InvalidParameterValue, "schema.registry"},
		{"PLAIN", "CSV", map[string]string{"delimiter": ";;"}, sqlerr.InvalidParameterValue, "delimiter"},
		{"PLAIN", "CSV", map[string]string{"without_header": "maybe"}, sqlerr.InvalidParameterValue, "without_header"},
		{"PLAIN", "CSV", map[string]string{"quote": "'"}, sqlerr.InvalidParameterValue, "quote"},
	} {
		_, err := New(&connectors.Spec{Columns: cols, Format: tc.format, Encode: tc.encode, EncodeOptions: tc.opts}, nil)
		if err == nil {
			t.Errorf("FORMAT %s ENCODE %s %v: no error", tc.format, tc.encode, tc.opts)
			continue
		}
		if sqlerr.Code(err) != tc.code || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("FORMAT %s ENCODE %s %v: got %s %v, want %s containing %q", tc.format, tc.encode, tc.opts, sqlerr.Code(err), err, tc.code, tc.msg)
		}
	}
	_, err := New(&connectors.Spec{Columns: []connectors.Column{col("r", types.TRecord)}, Encode: "JSON"}, nil)
	if sqlerr.Code(err) != sqlerr.FeatureNotSupported {
		t.Errorf("record column: %v", err)
	}
}

func TestAppendOnly(t *testing.T) {
	for f, want := range map[string]bool{"": true, "PLAIN": true, "plain": true, "UPSERT": false, "DEBEZIUM": false} {
		if got := AppendOnly(&connectors.Spec{Format: f}); got != want {
			t.Errorf("AppendOnly(%q) = %v", f, got)
		}
	}
}

// TestDecodeIntoSharedChunk checks that rejected records leave a chunk
// that already holds rows untouched, across decoders.
func TestDecodeIntoSharedChunk(t *testing.T) {
	cols := []connectors.Column{col("id", types.TInt4), col("name", types.TText)}
	ts := []types.Type{types.TInt4, types.TText}
	d := mustNew(t, &connectors.Spec{Columns: cols, Format: "DEBEZIUM", Encode: "JSON"}, nil)
	c := chunk.New(ts, 8)
	inputs := []string{
		`{"after":{"id":1,"name":"a"},"op":"c"}`,
		`{"before":{"id":1,"name":"a"},"after":{"id":"bad"},"op":"u"}`,
		`{"before":{"id":1,"name":"a"},"after":{"id":1,"name":"b"},"op":"u"}`,
		`{"before":{"id":1`,
		`{"before":{"id":1,"name":"b"},"op":"d"}`,
	}
	errs := 0
	for _, in := range inputs {
		if _, err := d.Decode(nil, []byte(in), nil, c); err != nil {
			errs++
		}
	}
	want := "+ 1 a\nU- 1 a\nU+ 1 b\n- 1 b\n"
	if got := render(c, ts); got != want || errs != 2 {
		t.Fatalf("errors %d, rows:\n%s\nwant:\n%s", errs, got, want)
	}
	for i := range c.Cols {
		if c.Cols[i].Len() != c.Len() {
			t.Fatalf("column %d has %d values for %d rows", i, c.Cols[i].Len(), c.Len())
		}
	}
}

// TestFastTimestamp checks the RFC 3339 fast path against PostgreSQL's
// parser (types.ParseText) on the inputs it accepts.
func TestFastTimestamp(t *testing.T) {
	inputs := []string{
		"2024-01-02T03:04:05Z",
		"2024-01-02T03:04:05.1Z",
		"2024-01-02T03:04:05.123456Z",
		"2024-01-02T03:04:05.123456789Z", // more than microseconds: slow path
		"2024-01-02T03:04:05+02:00",
		"2024-01-02T03:04:05.5-07:30",
		"1969-12-31T23:59:59.999999Z",
		"0001-01-01T00:00:00Z",
		"0000-01-01T00:00:00Z",
		"9999-12-31T23:59:59Z",
		"2024-02-30T00:00:00Z",
		"2024-01-02T24:00:00Z",
		"2024-01-02T03:04:60Z",
		"2024-01-02 03:04:05Z",
		"2024-01-02T03:04:05",
		"2024-01-02T03:04:05+15:59",
		"2024-01-02T03:04:05+20:00",
		"2024-01-02T03:04:05-23:59",
		"2024-01-02T03:04:05+01:30:15",
		"2024-01-02T03:04:05.Z",
		"2024-01-02T03:04:05,5Z",
		"12024-01-02T03:04:05Z",
		"2024-01-02T03:04:05+01:75",
	}
	if _, ok := fastTimestamp([]byte("2024-01-02T03:04:05.123+02:00"), types.TTimestamptz); !ok {
		t.Fatal("the fast path rejects a plain RFC 3339 timestamp")
	}
	for _, typ := range []types.Type{types.TTimestamptz, types.TTimestamp} {
		for _, s := range inputs {
			fast, ok := fastTimestamp([]byte(s), typ)
			slow, err := types.ParseText(s, typ, types.DefaultEnv)
			if !ok {
				continue
			}
			if err != nil {
				t.Errorf("%s %q: fast path accepts, ParseText says %v", typ, s, err)
				continue
			}
			if fast.Kind() != slow.Kind() || fast.Micros() != slow.Micros() {
				t.Errorf("%s %q: fast %s, ParseText %s", typ, s, types.FormatText(fast, typ, nil), types.FormatText(slow, typ, nil))
			}
		}
	}
}

func BenchmarkDecodeJSON(b *testing.B) {
	cols := []connectors.Column{
		col("id", types.TInt8), col("name", types.TVarchar), col("price", types.TFloat8),
		col("active", types.TBool), col("ts", types.TTimestamptz),
	}
	d := mustNew(b, &connectors.Spec{Columns: cols, Encode: "JSON"}, nil)
	ts := []types.Type{types.TInt8, types.TVarchar, types.TFloat8, types.TBool, types.TTimestamptz}
	value := []byte(`{"id":12345,"name":"user-345","price":12.34,"active":true,"ts":"2024-01-02T03:04:05.123Z"}`)
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
