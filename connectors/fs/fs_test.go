package fs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/eddy-db/eddy/connectors"
	eformat "github.com/eddy-db/eddy/connectors/format"
	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

func spec(dir, encode string, cols []connectors.Column) *connectors.SinkSpec {
	return &connectors.SinkSpec{
		Name:       "s",
		ID:         7,
		Columns:    cols,
		With:       map[string]string{"connector": "fs", "fs.path": dir, "type": "append-only", "force_append_only": "true"},
		Format:     "PLAIN",
		Encode:     encode,
		AppendOnly: true,
	}
}

func parse(t *testing.T, s string, typ types.Type) types.Datum {
	t.Helper()
	d, err := types.ParseText(s, typ, types.DefaultEnv)
	if err != nil {
		t.Fatalf("parse %q as %s: %v", s, typ, err)
	}
	return d
}

func inserts(rows ...types.Row) []connectors.Change {
	out := make([]connectors.Change, len(rows))
	for i, r := range rows {
		out[i] = connectors.Change{Op: chunk.Insert, Row: r}
	}
	return out
}

func open(t *testing.T, sp *connectors.SinkSpec) *Writer {
	t.Helper()
	ctx := context.Background()
	if err := Validate(ctx, sp); err != nil {
		t.Fatal(err)
	}
	w, err := Open(ctx, sp)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w.(*Writer)
}

func delivered(t *testing.T, w connectors.SinkWriter) uint64 {
	t.Helper()
	e, err := w.Delivered(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestRegistered(t *testing.T) {
	c, err := connectors.LookupSink(&connectors.SinkSpec{With: map[string]string{"connector": "fs"}})
	if err != nil || c.Name != "fs" {
		t.Fatalf("LookupSink: %v %v", c, err)
	}
}

func TestJSONEpochs(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "out", "nested") // Validate creates it
	cols := []connectors.Column{{Name: "id", Type: types.TInt8}, {Name: "name", Type: types.TVarchar}, {Name: "amount", Type: types.TNumeric}}
	w := open(t, spec(dir, "JSON", cols))
	if e := delivered(t, w); e != 0 {
		t.Fatalf("delivered on an empty directory = %d", e)
	}
	r1 := types.Row{types.NewInt(1), types.NewString("a\nb"), parse(t, "12.50", types.TNumeric)}
	r2 := types.Row{types.NewInt(2), types.Null, parse(t, "NaN", types.TNumeric)}
	r3 := types.Row{types.NewInt(3), types.NewString("c"), types.Null}
	if err := w.Write(ctx, 3, inserts(r1, r2)); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(ctx, 5, nil); err != nil { // empty: no file
		t.Fatal(err)
	}
	if err := w.Write(ctx, 12, inserts(r3)); err != nil {
		t.Fatal(err)
	}
	want := []string{"s-00000000000000000003.jsonl", "s-00000000000000000012.jsonl"}
	if got := listDir(t, dir); !slices.Equal(got, want) {
		t.Fatalf("files %q, want %q", got, want)
	}
	if e := delivered(t, w); e != 12 {
		t.Fatalf("delivered = %d, want 12", e)
	}

	data, err := os.ReadFile(filepath.Join(dir, want[0]))
	if err != nil {
		t.Fatal(err)
	}
	wantData := `{"id":1,"name":"a\nb","amount":12.50}` + "\n" + `{"id":2,"name":null,"amount":"NaN"}` + "\n"
	if string(data) != wantData {
		t.Fatalf("epoch 3 file:\n%s\nwant\n%s", data, wantData)
	}
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		if !json.Valid([]byte(line)) {
			t.Fatalf("not JSON: %s", line)
		}
	}
	data, _ = os.ReadFile(filepath.Join(dir, want[1]))
	if got, want := string(data), string(eformat.AppendJSONRow(nil, cols, r3))+"\n"; got != want {
		t.Fatalf("epoch 12 file %q, want %q", got, want)
	}

	// A new writer (a restart) sees the same delivered epoch.
	w2, err := Open(ctx, spec(dir, "JSON", cols))
	if err != nil {
		t.Fatal(err)
	}
	if e := delivered(t, w2); e != 12 {
		t.Fatalf("delivered after reopening = %d", e)
	}
}

func TestRewriteAndCrashLeftovers(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cols := []connectors.Column{{Name: "v", Type: types.TText}}
	sp := spec(dir, "JSON", cols)
	w := open(t, sp)
	if err := w.Write(ctx, 2, inserts(types.Row{types.NewString("first")})); err != nil {
		t.Fatal(err)
	}
	// The same epoch again (after a failure) replaces the file.
	if err := w.Write(ctx, 2, inserts(types.Row{types.NewString("second")}, types.Row{types.NewString("third")})); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "s-00000000000000000002.jsonl"))
	if string(data) != "{\"v\":\"second\"}\n{\"v\":\"third\"}\n" {
		t.Fatalf("rewritten epoch: %q", data)
	}

	// A crash in the middle of epoch 9 leaves a partial temporary file;
	// files of other sinks (names sharing the prefix) and unrelated files
	// stay untouched.
	leftovers := map[string]string{
		".s-00000000000000000009.jsonl.tmp-123456": "{\"v\":\"par",
		".s-x-00000000000000000001.jsonl.tmp-1":    "other sink's temp file",
		"s-x-00000000000000000050.jsonl":           "{}\n",
		"s-00000000000000000070.parquet":           "other encoding",
		"s-123.jsonl":                              "not an epoch",
		"notes.txt":                                "hello",
	}
	for name, content := range leftovers {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if e := delivered(t, w); e != 2 {
		t.Fatalf("delivered with a stale temp file = %d, want 2", e)
	}
	w2, err := Open(ctx, sp)
	if err != nil {
		t.Fatal(err)
	}
	got := listDir(t, dir)
	want := []string{".s-x-00000000000000000001.jsonl.tmp-1", "notes.txt", "s-00000000000000000002.jsonl",
		"s-00000000000000000070.parquet", "s-123.jsonl", "s-x-00000000000000000050.jsonl"}
	if !slices.Equal(got, want) {
		t.Fatalf("after reopening: %q\nwant %q", got, want)
	}
	if e := delivered(t, w2); e != 2 {
		t.Fatalf("delivered = %d, want 2", e)
	}
	if err := w2.Write(ctx, 9, inserts(types.Row{types.NewString("nine")})); err != nil {
		t.Fatal(err)
	}
	if e := delivered(t, w2); e != 9 {
		t.Fatalf("delivered = %d, want 9", e)
	}
}

func TestRefusals(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cols := []connectors.Column{{Name: "v", Type: types.TInt4}}
	file := filepath.Join(dir, "file")
	os.WriteFile(file, []byte("x"), 0o644)

	for _, tc := range []struct {
		name string
		edit func(*connectors.SinkSpec)
		code string
		msg  string
	}{
		{"retract input", func(s *connectors.SinkSpec) { s.AppendOnly = false }, sqlerr.FeatureNotSupported, "force_append_only"},
		{"missing path", func(s *connectors.SinkSpec) { delete(s.With, "fs.path") }, sqlerr.InvalidParameterValue, `missing option "fs.path"`},
		{"relative path", func(s *connectors.SinkSpec) { s.With["fs.path"] = "out" }, sqlerr.InvalidParameterValue, "not an absolute path"},
		{"unknown option", func(s *connectors.SinkSpec) { s.With["fs.pathh"] = "x" }, sqlerr.InvalidParameterValue, `unknown option "fs.pathh"`},
		{"upsert type", func(s *connectors.SinkSpec) { s.With["type"] = "upsert" }, sqlerr.FeatureNotSupported, "upsert"},
		{"csv", func(s *connectors.SinkSpec) { s.Encode = "CSV" }, sqlerr.FeatureNotSupported, "ENCODE CSV"},
		{"no encode", func(s *connectors.SinkSpec) { s.Encode = "" }, sqlerr.InvalidParameterValue, "ENCODE JSON"},
		{"debezium", func(s *connectors.SinkSpec) { s.Format = "DEBEZIUM" }, sqlerr.FeatureNotSupported, "FORMAT DEBEZIUM"},
		{"encode option", func(s *connectors.SinkSpec) { s.EncodeOptions = map[string]string{"x": "y"} }, sqlerr.InvalidParameterValue, "ENCODE JSON option"},
		{"slash in name", func(s *connectors.SinkSpec) { s.Name = "a/b" }, sqlerr.InvalidParameterValue, "file name"},
		{"not a directory", func(s *connectors.SinkSpec) { s.With["fs.path"] = filepath.Join(file, "sub") }, sqlerr.InvalidParameterValue, "cannot write to directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sp := spec(dir, "JSON", cols)
			tc.edit(sp)
			err := Validate(ctx, sp)
			var e *sqlerr.Error
			if !errors.As(err, &e) || e.Code != tc.code || !strings.Contains(e.Message+" "+e.Hint, tc.msg) {
				t.Fatalf("Validate: %v (want %s containing %q)", err, tc.code, tc.msg)
			}
		})
	}

	// A delete reaching the writer is refused and writes nothing.
	w := open(t, spec(dir, "JSON", cols))
	changes := []connectors.Change{{Op: chunk.Insert, Row: types.Row{types.NewInt(1)}}, {Op: chunk.Delete, Row: types.Row{types.NewInt(1)}}}
	if err := w.Write(ctx, 1, changes); sqlerr.Code(err) != sqlerr.FeatureNotSupported {
		t.Fatalf("Write with a delete: %v", err)
	}
	if e := delivered(t, w); e != 0 {
		t.Fatalf("delivered = %d after a refused write", e)
	}
}

// TestParquetTypes writes every type and reads the file back with
// parquet-go, checking the schema (order, physical and logical types) and
// every value.
func TestParquetTypes(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	type col struct {
		name     string
		typ      types.Type
		text     string // the value, as PostgreSQL text
		physical parquet.Kind
		logical  string // the logical type as parquet-go prints it; "" = none
	}
	cols := []col{
		{"z_bool", types.TBool, "true", parquet.Boolean, ""},
		{"i2", types.TInt2, "-32768", parquet.Int32, "INT(16,true)"},
		{"i4", types.TInt4, "2147483647", parquet.Int32, "INT(32,true)"},
		{"i8", types.TInt8, "-9223372036854775808", parquet.Int64, "INT(64,true)"},
		{"f4", types.TFloat4, "1.5", parquet.Float, ""},
		{"f8", types.TFloat8, "-0.1", parquet.Double, ""},
		{"num", types.TNumeric, "123456789012345678901234567890.000000000000000000001", parquet.ByteArray, "STRING"},
		{"vc", types.Type{ID: types.Varchar, Mod: 14}, "héllo", parquet.ByteArray, "STRING"},
		{"txt", types.TText, "", parquet.ByteArray, "STRING"},
		{"bp", types.Type{ID: types.Bpchar, Mod: 7}, "ab   ", parquet.ByteArray, "STRING"},
		{"by", types.TBytea, `\x00ff10`, parquet.ByteArray, ""},
		{"u", types.TUuid, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", parquet.FixedLenByteArray, "UUID"},
		{"d", types.TDate, "2026-11-22", parquet.Int32, "DATE"},
		{"tm", types.TTime, "09:30:00.25", parquet.Int64, "TIME(isAdjustedToUTC=false,unit=MICROS)"},
		{"ts", types.TTimestamp, "2026-11-22 09:30:00.000001", parquet.Int64, "TIMESTAMP(isAdjustedToUTC=false,unit=MICROS)"},
		{"tstz", types.TTimestamptz, "2026-11-22 09:30:00+02", parquet.Int64, "TIMESTAMP(isAdjustedToUTC=true,unit=MICROS)"},
		{"j", types.TJsonb, `{"a": [1, 2]}`, parquet.ByteArray, "JSON"},
		{"iv", types.TInterval, "1 mon 2 days 03:00:00", parquet.ByteArray, "STRING"},
		{"arr", types.ArrayOf(types.Int4), "{1,NULL,3}", parquet.ByteArray, "STRING"},
	}
	var scols []connectors.Column
	var full, nulls types.Row
	for _, c := range cols {
		scols = append(scols, connectors.Column{Name: c.name, Type: c.typ})
		full = append(full, parse(t, c.text, c.typ))
		nulls = append(nulls, types.Null)
	}
	special := full.Copy() // non-finite values
	special[4] = types.NewFloat(float64(float32(math.Inf(-1))))
	special[5] = types.NewFloat(math.NaN())
	special[6] = parse(t, "-Infinity", types.TNumeric)
	special[12] = parse(t, "infinity", types.TDate)
	special[14] = parse(t, "-infinity", types.TTimestamp)

	w := open(t, spec(dir, "PARQUET", scols))
	if err := w.Write(ctx, 4, inserts(full, nulls, special)); err != nil {
		t.Fatal(err)
	}
	if e := delivered(t, w); e != 4 {
		t.Fatalf("delivered = %d", e)
	}
	f, err := os.Open(filepath.Join(dir, "s-00000000000000000004.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	fields := pf.Schema().Fields()
	if len(fields) != len(cols) {
		t.Fatalf("%d fields, want %d", len(fields), len(cols))
	}
	for i, c := range cols {
		fl := fields[i]
		if fl.Name() != c.name || !fl.Optional() || !fl.Leaf() {
			t.Errorf("field %d: %s optional=%v, want optional %s", i, fl.Name(), fl.Optional(), c.name)
			continue
		}
		if k := fl.Type().Kind(); k != c.physical {
			t.Errorf("%s: physical %s, want %s", c.name, k, c.physical)
		}
		var logical string
		if lt := fl.Type().LogicalType(); lt != nil {
			logical = lt.String()
		}
		if logical != c.logical {
			t.Errorf("%s: logical type %q, want %q", c.name, logical, c.logical)
		}
	}
	if n := pf.NumRows(); n != 3 {
		t.Fatalf("%d rows", n)
	}

	rows := make([]parquet.Row, 3)
	r := parquet.NewReader(f)
	n, err := r.ReadRows(rows)
	if err != nil && err != io.EOF || n != 3 {
		t.Fatalf("ReadRows: %d %v", n, err)
	}
	check := func(row parquet.Row, src types.Row) {
		t.Helper()
		for i, c := range cols {
			v := row[i]
			if v.Column() != i {
				t.Fatalf("value %d is of column %d", i, v.Column())
			}
			d := src[i]
			if d.IsNull() {
				if !v.IsNull() {
					t.Errorf("%s: %v, want NULL", c.name, v)
				}
				continue
			}
			if v.IsNull() {
				t.Errorf("%s: NULL, want %v", c.name, types.FormatText(d, c.typ, nil))
				continue
			}
			var ok bool
			switch c.typ.ID {
			case types.Bool:
				ok = v.Boolean() == d.Bool()
			case types.Int2, types.Int4:
				ok = int64(v.Int32()) == d.Int()
			case types.Int8:
				ok = v.Int64() == d.Int()
			case types.Float4:
				ok = v.Float() == float32(d.Float())
			case types.Float8:
				ok = v.Double() == d.Float() || math.IsNaN(v.Double()) && math.IsNaN(d.Float())
			case types.Bytea, types.Uuid:
				ok = bytes.Equal(v.ByteArray(), []byte(d.BytesStr()))
			case types.Date:
				ok = int64(v.Int32()) == d.Days()
			case types.Time, types.Timestamp, types.Timestamptz:
				ok = v.Int64() == d.Micros()
			case types.Json, types.Jsonb:
				ok = string(v.ByteArray()) == d.Str()
			default: // the PostgreSQL text form
				ok = string(v.ByteArray()) == types.FormatText(d, c.typ, nil)
			}
			if !ok {
				t.Errorf("%s: read %v, wrote %s", c.name, v, types.FormatText(d, c.typ, nil))
			}
		}
	}
	check(rows[0], full)
	check(rows[1], nulls)
	check(rows[2], special)

	// Spot checks of the conversions against known values.
	if got := string(rows[0][6].ByteArray()); got != "123456789012345678901234567890.000000000000000000001" {
		t.Errorf("numeric %q", got)
	}
	if got := string(rows[2][6].ByteArray()); got != "-Infinity" {
		t.Errorf("numeric -Infinity: %q", got)
	}
	if got := rows[0][15].Int64(); got != 1795332600000000 { // 2026-11-22 07:30:00 UTC
		t.Errorf("timestamptz micros %d", got)
	}
	if got := rows[0][13].Int64(); got != (9*3600+30*60)*1e6+250000 {
		t.Errorf("time micros %d", got)
	}
	if got := rows[0][12].Int32(); got != 20779 {
		t.Errorf("date days %d", got)
	}
	if got := string(rows[0][17].ByteArray()); got != "1 mon 2 days 03:00:00" {
		t.Errorf("interval %q", got)
	}
	if got := string(rows[0][18].ByteArray()); got != "{1,NULL,3}" {
		t.Errorf("array %q", got)
	}
}

// TestParquetManyRows crosses the writer's batch size.
func TestParquetManyRows(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cols := []connectors.Column{{Name: "id", Type: types.TInt8}, {Name: "s", Type: types.TText}}
	w := open(t, spec(dir, "PARQUET", cols))
	const n = 2*parquetBatch + 17
	var rows []types.Row
	for i := 0; i < n; i++ {
		s := types.Null
		if i%3 != 0 {
			s = types.NewString(strings.Repeat("x", i%5))
		}
		rows = append(rows, types.Row{types.NewInt(int64(i)), s})
	}
	if err := w.Write(ctx, 1, inserts(rows...)); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, "s-00000000000000000001.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type rec struct {
		ID int64   `parquet:"id,optional"`
		S  *string `parquet:"s,optional"`
	}
	got, err := parquet.Read[rec](f, mustSize(t, f))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != n {
		t.Fatalf("%d rows, want %d", len(got), n)
	}
	for i, g := range got {
		if g.ID != int64(i) || (g.S == nil) != (i%3 == 0) || g.S != nil && *g.S != strings.Repeat("x", i%5) {
			t.Fatalf("row %d: %+v", i, g)
		}
	}
}

func mustSize(t *testing.T, f *os.File) int64 {
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}
