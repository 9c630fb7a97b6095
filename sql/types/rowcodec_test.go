package types

import (
	"bytes"
	"math"
	"testing"

	"github.com/cockroachdb/apd/v3"
	"github.com/eddy-db/eddy/sql/sqlerr"
)

// codecIdentical reports whether a and b hold exactly the same value:
// float bits, numeric digits and scale, interval fields.
func codecIdentical(a, b Datum) bool {
	if a.k != b.k {
		return false
	}
	switch a.k {
	case KDecimal:
		da, db := a.Decimal(), b.Decimal()
		if da.Form != db.Form || da.Negative != db.Negative {
			return false
		}
		return da.Form != apd.Finite || da.Exponent == db.Exponent && da.Coeff.Cmp(&db.Coeff) == 0
	case KArray:
		ea, eb := a.Array(), b.Array()
		if len(ea) != len(eb) {
			return false
		}
		for i := range ea {
			if !codecIdentical(ea[i], eb[i]) {
				return false
			}
		}
		return true
	}
	return a.i == b.i && a.j == b.j && a.s == b.s
}

func codecCheckRow(t *testing.T, name string, row Row, ts []Type) {
	t.Helper()
	enc := AppendRowValue([]byte{0xEE}, row, ts)
	if enc[0] != 0xEE {
		t.Fatalf("%s: prefix overwritten", name)
	}
	enc = enc[1:]
	got, err := DecodeRowValue(enc, ts, nil)
	if err != nil {
		t.Errorf("%s: DecodeRowValue(%x): %v", name, enc, err)
		return
	}
	if len(got) != len(row) {
		t.Errorf("%s: decoded %d columns, want %d", name, len(got), len(row))
		return
	}
	for i := range row {
		if !codecIdentical(row[i], got[i]) {
			t.Errorf("%s: column %d (%s): %#v decodes as %#v", name, i, ts[i], row[i], got[i])
		}
	}
	// Every proper prefix is corrupt.
	for n := 0; n < len(enc); n++ {
		if _, err := DecodeRowValue(enc[:n], ts, nil); sqlerr.Code(err) != sqlerr.DataCorrupted {
			t.Errorf("%s: prefix %x of %x: error %v, want XX001", name, enc[:n], enc, err)
		}
	}
}

func TestRowValueRoundTrip(t *testing.T) {
	// Each sample value alone, and next to a NULL and an int.
	var wide Row
	var wideTypes []Type
	for _, s := range codecSamples {
		for _, d := range s.vals {
			codecCheckRow(t, s.t.String(), Row{d}, []Type{s.t})
			codecCheckRow(t, s.t.String()+" mixed", Row{Null, d, NewInt(-5)}, []Type{TText, s.t, TInt8})
		}
		wide = append(wide, s.vals[0], Null)
		wideTypes = append(wideTypes, s.t, s.t)
	}
	codecCheckRow(t, "wide", wide, wideTypes)
	codecCheckRow(t, "empty", Row{}, nil)

	// Exactness that keys do not keep.
	exact := Row{codecDec("1.50"), codecDec("-0"), codecDec("1E+5"), codecDec("sNaN"), codecDec("-Infinity"),
		codecDec("123456789012345678901234567890.000"), NewFloat(math.Copysign(0, -1)),
		NewFloat(math.Float64frombits(0x7FF8000000000ABC)), codecIv(1, -30, 5)}
	exactTypes := []Type{TNumeric, TNumeric, TNumeric, TNumeric, TNumeric, TNumeric, TFloat8, TFloat8, TInterval}
	codecCheckRow(t, "exact", exact, exactTypes)
	got, err := DecodeRowValue(AppendRowValue(nil, exact, exactTypes), exactTypes, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s := got[0].Decimal().String(); s != "1.50" {
		t.Errorf("1.50 decodes as %s", s)
	}
	if s := got[5].Decimal().String(); s != "123456789012345678901234567890.000" {
		t.Errorf("big numeric decodes as %s", s)
	}
	if !math.Signbit(got[6].Float()) {
		t.Errorf("-0 lost its sign")
	}
}

func TestRowValueExactBytes(t *testing.T) {
	tests := []struct {
		name string
		row  Row
		ts   []Type
		want []byte
	}{
		{"int null text bool", Row{NewInt(1), Null, NewString("ab"), NewBool(true)},
			[]Type{TInt8, TText, TText, TBool}, []byte{0x01, 0x04, 0b0010, 0x02, 0x02, 'a', 'b', 0x01}},
		{"trailing nulls dropped", Row{NewInt(-1), Null, Null}, []Type{TInt4, TInt4, TText}, []byte{0x01, 0x01, 0x00, 0x01}},
		{"all null", Row{Null, Null}, []Type{TInt4, TText}, []byte{0x01, 0x00}},
		{"numeric 1.50", Row{codecDec("1.50")}, []Type{TNumeric}, []byte{0x01, 0x01, 0x00, 0x00, 0x03, 0x96, 0x01}},
		{"numeric -Infinity flags", Row{codecDec("-Infinity")}, []Type{TNumeric}, []byte{0x01, 0x01, 0x00, 0x05}},
		{"float 1", Row{NewFloat(1)}, []Type{TFloat8}, []byte{0x01, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F}},
		{"timestamptz 1", Row{NewTimestamptz(1)}, []Type{TTimestamptz}, []byte{0x01, 0x01, 0x00, 1, 0, 0, 0, 0, 0, 0, 0}},
		{"interval", Row{codecIv(1, -1, 2)}, []Type{TInterval}, []byte{0x01, 0x01, 0x00, 0x02, 0x01, 0x04}},
		{"int4[] {1,NULL,2}", Row{codecArr(NewInt(1), Null, NewInt(2))}, []Type{ArrayOf(Int4)},
			[]byte{0x01, 0x01, 0x00, 0x03, 0b010, 0x02, 0x04}},
		{"record (1,NULL)", Row{codecArr(NewInt(1), Null)}, []Type{TRecord},
			[]byte{0x01, 0x01, 0x00, 0x02, byte(KInt), 0x02, byte(KNull)}},
		{"ninth column null", Row{NewInt(0), NewInt(0), NewInt(0), NewInt(0), NewInt(0), NewInt(0), NewInt(0), NewInt(0), Null, NewInt(0)},
			[]Type{TInt2, TInt2, TInt2, TInt2, TInt2, TInt2, TInt2, TInt2, TInt2, TInt2},
			[]byte{0x01, 0x0A, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
	}
	for _, tc := range tests {
		if got := AppendRowValue(nil, tc.row, tc.ts); !bytes.Equal(got, tc.want) {
			t.Errorf("%s: got %x, want %x", tc.name, got, tc.want)
		}
	}
}

func TestRowValueSchemaChanges(t *testing.T) {
	old := AppendRowValue(nil, Row{NewInt(7), NewString("x")}, []Type{TInt4, TText})
	// ALTER TABLE ADD COLUMN: the new columns read as NULL.
	grown := []Type{TInt4, TText, TFloat8, ArrayOf(Int4)}
	got, err := DecodeRowValue(old, grown, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := Row{NewInt(7), NewString("x"), Null, Null}
	for i := range want {
		if !codecIdentical(got[i], want[i]) {
			t.Errorf("grown schema column %d = %v, want %v", i, got[i], want[i])
		}
	}
	// A reused dst holding old values gets its extra columns set to NULL.
	dst := Row{NewInt(1), NewInt(2), NewInt(3), NewInt(4)}
	got, err = DecodeRowValue(old, grown, dst[:0])
	if err != nil || !got[2].IsNull() || !got[3].IsNull() {
		t.Errorf("reused dst: %v, %v; want NULL tail", got, err)
	}
	// Fewer types than stored columns: the leading columns decode.
	got, err = DecodeRowValue(old, []Type{TInt4}, nil)
	if err != nil || len(got) != 1 || got[0].Int() != 7 {
		t.Errorf("shrunk schema: %v, %v", got, err)
	}
	// A row whose trailing columns are NULL stores fewer columns and reads
	// back all of them.
	ts := []Type{TInt4, TText, TText}
	got, err = DecodeRowValue(AppendRowValue(nil, Row{NewInt(1), Null, Null}, ts), ts, nil)
	if err != nil || len(got) != 3 || got[0].Int() != 1 || !got[1].IsNull() || !got[2].IsNull() {
		t.Errorf("trailing NULLs: %v, %v", got, err)
	}
}

func TestRowValueReusesDst(t *testing.T) {
	ts := []Type{TInt8, TText}
	enc := AppendRowValue(nil, Row{NewInt(1), NewString("a")}, ts)
	dst := make(Row, 0, 4)
	got, err := DecodeRowValue(enc, ts, dst)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || &got[0] != &dst[:1][0] {
		t.Errorf("dst with capacity 4 not reused")
	}
	small := make(Row, 0, 1)
	got, err = DecodeRowValue(enc, ts, small)
	if err != nil || len(got) != 2 || got[1].Str() != "a" {
		t.Errorf("small dst: %v, %v", got, err)
	}
}

func TestRowValueNoAlias(t *testing.T) {
	ts := []Type{TText, TBytea, TJsonb, ArrayOf(Text), TNumeric}
	row := Row{NewString("hello"), NewBytesString("\x00\x01"), NewJSON(`{"a":1}`), codecArr(NewString("el")),
		codecDec("123456789012345678901234567890")}
	buf := AppendRowValue(nil, row, ts)
	got, err := DecodeRowValue(buf, ts, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range buf {
		buf[i] = 0xAA
	}
	for i := range row {
		if !codecIdentical(row[i], got[i]) {
			t.Errorf("column %d changed with the buffer: %v", i, got[i])
		}
	}
}

var (
	codecTypicalTypes = []Type{TInt8, TText, TFloat8, TTimestamptz}
	codecTypicalRow   = Row{NewInt(123456789), NewString("user_42@example.com"), NewFloat(3.14159),
		NewTimestamptz(1_700_000_000_000_000)}
)

func TestRowValueAllocs(t *testing.T) {
	buf := make([]byte, 0, 128)
	if n := testing.AllocsPerRun(100, func() {
		buf = AppendRowValue(buf[:0], codecTypicalRow, codecTypicalTypes)
	}); n != 0 {
		t.Errorf("AppendRowValue allocates %v times, want 0", n)
	}
	dst := make(Row, 0, 4)
	if n := testing.AllocsPerRun(100, func() {
		dst, _ = DecodeRowValue(buf, codecTypicalTypes, dst)
	}); n != 1 {
		t.Errorf("DecodeRowValue allocates %v times, want 1 (the strings)", n)
	}
	key := make([]byte, 0, 128)
	if n := testing.AllocsPerRun(100, func() {
		key = key[:0]
		for i, d := range codecTypicalRow {
			key = AppendKey(key, d, codecTypicalTypes[i], i%2 == 1)
		}
	}); n != 0 {
		t.Errorf("AppendKey allocates %v times, want 0", n)
	}
}

func TestRowValueCorrupt(t *testing.T) {
	tests := []struct {
		name string
		ts   []Type
		in   []byte
	}{
		{"empty", []Type{TInt4}, nil},
		{"unknown version", []Type{TInt4}, []byte{0x02, 0x00}},
		{"version 0", []Type{TInt4}, []byte{0x00, 0x00}},
		{"bad count varint", []Type{TInt4}, []byte{0x01, 0x80}},
		{"count beyond bitmap", []Type{TInt4}, []byte{0x01, 0x09, 0x00}},
		{"huge count", []Type{TInt4}, []byte{0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}},
		{"trailing bytes", []Type{TInt4}, []byte{0x01, 0x01, 0x00, 0x02, 0x00}},
		{"missing value", []Type{TInt4, TInt4}, []byte{0x01, 0x02, 0x00, 0x02}},
		{"bool 2", []Type{TBool}, []byte{0x01, 0x01, 0x00, 0x02}},
		{"string too long", []Type{TText}, []byte{0x01, 0x01, 0x00, 0x05, 'a'}},
		{"string length overflow", []Type{TText}, []byte{0x01, 0x01, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}},
		{"short float", []Type{TFloat8}, []byte{0x01, 0x01, 0x00, 1, 2, 3}},
		{"numeric bad flags", []Type{TNumeric}, []byte{0x01, 0x01, 0x00, 0x10}},
		{"numeric infinite with coeff flag", []Type{TNumeric}, []byte{0x01, 0x01, 0x00, 0x09}},
		{"numeric exponent overflow", []Type{TNumeric}, []byte{0x01, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x01}},
		{"interval days overflow", []Type{TInterval}, []byte{0x01, 0x01, 0x00, 0x00, 0x80, 0x80, 0x80, 0x80, 0x40, 0x00}},
		{"array count beyond bitmap", []Type{ArrayOf(Int4)}, []byte{0x01, 0x01, 0x00, 0x20, 0x00}},
		{"record bad kind", []Type{TRecord}, []byte{0x01, 0x01, 0x00, 0x01, 0x63}},
		{"record truncated", []Type{TRecord}, []byte{0x01, 0x01, 0x00, 0x02, byte(KInt), 0x02}},
		{"void value", []Type{TVoid}, []byte{0x01, 0x01, 0x00}},
	}
	for _, tc := range tests {
		if got, err := DecodeRowValue(tc.in, tc.ts, nil); sqlerr.Code(err) != sqlerr.DataCorrupted {
			t.Errorf("%s: DecodeRowValue(%x) = %v, %v; want XX001", tc.name, tc.in, got, err)
		}
	}
	// Records nested deeper than the limit are rejected.
	deep := []byte{0x01, 0x01, 0x00}
	for range rowMaxDepth + 2 {
		deep = append(deep, 0x01, byte(KArray))
	}
	deep = append(deep, 0x00)
	if _, err := DecodeRowValue(deep, []Type{TRecord}, nil); sqlerr.Code(err) != sqlerr.DataCorrupted {
		t.Errorf("deep record: %v, want XX001", err)
	}
}

func TestRowValuePanics(t *testing.T) {
	tests := []struct {
		name string
		row  Row
		ts   []Type
	}{
		{"length mismatch", Row{NewInt(1)}, []Type{TInt4, TInt4}},
		{"kind mismatch", Row{NewString("x")}, []Type{TInt4}},
	}
	for _, tc := range tests {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", tc.name)
				}
			}()
			AppendRowValue(nil, tc.row, tc.ts)
		}()
	}
}

var codecFuzzRowTypes = []Type{TBool, TInt2, TInt4, TInt8, TOid, TFloat4, TFloat8, TNumeric, TText, TVarchar,
	TBpchar, TName, TChar, TBytea, TUuid, TJsonb, TJson, TDate, TTime, TTimestamp, TTimestamptz, TInterval,
	ArrayOf(Int4), ArrayOf(Text), ArrayOf(Numeric), ArrayOf(Interval), ArrayOf(Float8), TRecord}

func codecFuzzRowTypesOf(sel []byte) []Type {
	ts := make([]Type, len(sel))
	for i, s := range sel {
		ts[i] = codecFuzzRowTypes[int(s)%len(codecFuzzRowTypes)]
	}
	return ts
}

func FuzzDecodeRowValue(f *testing.F) {
	for _, s := range codecSamples {
		sel := -1
		for i, t := range codecFuzzRowTypes {
			if t == s.t {
				sel = i
			}
		}
		if sel < 0 {
			continue
		}
		for _, d := range s.vals {
			f.Add([]byte{byte(sel), 2}, AppendRowValue(nil, Row{d, NewInt(9)}, []Type{s.t, TInt4}))
		}
	}
	f.Add([]byte{3, 8, 6, 20}, AppendRowValue(nil, codecTypicalRow, codecTypicalTypes))
	f.Add([]byte{}, []byte{0x01, 0x00})
	f.Add([]byte{27}, []byte{0x01, 0x01, 0x00, 0x01, byte(KArray), 0x01, byte(KDecimal), 0x00, 0x00, 0x01})
	f.Fuzz(func(t *testing.T, sel []byte, in []byte) {
		ts := codecFuzzRowTypesOf(sel)
		row, err := DecodeRowValue(in, ts, nil)
		if err != nil {
			if sqlerr.Code(err) != sqlerr.DataCorrupted {
				t.Fatalf("error %v has code %s, want XX001", err, sqlerr.Code(err))
			}
			return
		}
		if len(row) != len(ts) {
			t.Fatalf("decoded %d columns for %d types", len(row), len(ts))
		}
		enc := AppendRowValue(nil, row, ts)
		row2, err := DecodeRowValue(enc, ts, nil)
		if err != nil {
			t.Fatalf("re-encoded %x does not decode: %v", enc, err)
		}
		for i := range row {
			if !codecIdentical(row[i], row2[i]) {
				t.Fatalf("column %d (%s): %#v round trips to %#v", i, ts[i], row[i], row2[i])
			}
		}
		if !bytes.Equal(AppendRowValue(nil, row2, ts), enc) {
			t.Fatalf("encoding of %v is not stable", row)
		}
	})
}

func BenchmarkRowValueEncode(b *testing.B) {
	buf := make([]byte, 0, 128)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendRowValue(buf[:0], codecTypicalRow, codecTypicalTypes)
	}
}

func BenchmarkRowValueDecode(b *testing.B) {
	enc := AppendRowValue(nil, codecTypicalRow, codecTypicalTypes)
	dst := make(Row, 0, len(codecTypicalTypes))
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if dst, err = DecodeRowValue(enc, codecTypicalTypes, dst); err != nil {
			b.Fatal(err)
		}
	}
}
