package types

import (
	"encoding/hex"
	"math"
	"math/big"
	"testing"
	"time"

	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/jackc/pgx/v5/pgtype"
)

// TestBinaryGolden compares AppendBinary with the bytes PostgreSQL 15's
// send functions produce (SELECT numeric_send(1.50), ...), then decodes
// them back.
func TestBinaryGolden(t *testing.T) {
	cases := []struct {
		typ Type
		in  string
		hex string
	}{
		{TNumeric, "1.50", "000200000000000200011388"},
		{TNumeric, "0", "0000000000000000"},
		{TNumeric, "0.00", "0000000000000002"},
		{TNumeric, "-12345.678", "0003000140000003000109291a7c"},
		{TNumeric, "0.00001", "0001fffe0000000503e8"},
		{TNumeric, "0.0001", "0001ffff000000040001"},
		{TNumeric, "NaN", "00000000c0000000"},
		{TNumeric, "Infinity", "00000000d0000020"},
		{TNumeric, "-Infinity", "00000000f0000020"},
		{TNumeric, "10000", "00010001000000000001"},
		{TNumeric, "1e20", "00010005000000000001"},
		{TNumeric, "123456789.000", "0003000200000003000109291a85"},
		{TDate, "2026-11-22", "0000265e"},
		{TDate, "infinity", "7fffffff"},
		{TDate, "-infinity", "80000000"},
		{TDate, "0044-03-15 BC", "fff49d7b"},
		{TTimestamp, "2026-11-22 03:04:05.5", "000303d37fb23460"},
		{TTimestamptz, "2026-11-22 03:04:05.5+00", "000303d37fb23460"},
		{TTimestamp, "infinity", "7fffffffffffffff"},
		{TTimestamptz, "-infinity", "8000000000000000"},
		{TInterval, "1 year 2 mons 3 days 04:05:06.7", "000000036c966ee0000000030000000e"},
		{TTime, "04:05:06.789", "000000036c97ca88"},
		{TJsonb, `{"a":1}`, "017b2261223a20317d"},
		{TJson, `{"a":1}`, "7b2261223a317d"},
		{TUuid, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "a0eebc999c0b4ef8bb6d6bb9bd380a11"},
		{TChar, "a", "61"},
		{TChar, "", "00"},
		{TFloat4, "1.5", "3fc00000"},
		{TFloat8, "0.1", "3fb999999999999a"},
		{TInt2, "-2", "fffe"},
		{TInt4, "-2", "fffffffe"},
		{TInt8, "-2", "fffffffffffffffe"},
		{TBool, "true", "01"},
		{TBool, "false", "00"},
		{TOid, "4294967295", "ffffffff"},
		{TText, "hé", "68c3a9"},
		{TBytea, `\x0102`, "0102"},
		{ArrayOf(Int4), "{1,NULL,3}", "00000001000000010000001700000003000000010000000400000001ffffffff0000000400000003"},
		{ArrayOf(Int4), "{}", "000000000000000000000017"},
		{ArrayOf(Text), "{a,b}", "000000010000000000000019000000020000000100000001610000000162"},
		{TInt2Vector, "1 2", "0000000100000000000000150000000200000000000000020001000000020002"},
		{TInt2Vector, "", "0000000100000000000000150000000000000000"},
		{TOidVector, "23 25", "00000001000000000000001a000000020000000000000004000000170000000400000019"},
	}
	for _, c := range cases {
		d := mustParse(t, c.in, c.typ)
		b, err := AppendBinary([]byte{0xAA}, d, c.typ)
		if err != nil {
			t.Errorf("AppendBinary(%s %q): %v", c.typ, c.in, err)
			continue
		}
		if got := hex.EncodeToString(b[1:]); got != c.hex || b[0] != 0xAA {
			t.Errorf("AppendBinary(%s %q) = %s, want %s", c.typ, c.in, got, c.hex)
		}
		raw, _ := hex.DecodeString(c.hex)
		back, err := DecodeBinary(raw, c.typ)
		if err != nil {
			t.Errorf("DecodeBinary(%s %s): %v", c.typ, c.hex, err)
			continue
		}
		if got, want := FormatText(back, c.typ, nil), FormatText(d, c.typ, nil); got != want {
			t.Errorf("DecodeBinary(%s %s) = %q, want %q", c.typ, c.hex, got, want)
		}
	}
	// A record's fields carry their own type OIDs.
	rec := NewArray([]Datum{NewInt(1), NewString("a"), Null})
	b, err := AppendBinary(nil, rec, TRecord)
	if err != nil {
		t.Fatal(err)
	}
	// 3 fields: int8 (OID 20) 1, text (OID 25) "a", NULL.
	want := "00000003" + "00000014" + "00000008" + "0000000000000001" + "00000019" + "00000001" + "61" + "00000019" + "ffffffff"
	if got := hex.EncodeToString(b); got != want {
		t.Errorf("record binary = %s, want %s", got, want)
	}
	back, err := DecodeBinary(b, TRecord)
	if err != nil || FormatText(back, TRecord, nil) != "(1,a,)" {
		t.Errorf("record decode = %q, %v", FormatText(back, TRecord, nil), err)
	}
}

// TestBinaryRoundTrip sends and receives values of every type.
func TestBinaryRoundTrip(t *testing.T) {
	cases := []struct {
		typ Type
		in  string
	}{
		{TBool, "t"}, {TInt2, "-32768"}, {TInt4, "2147483647"}, {TInt8, "-9223372036854775808"},
		{TFloat4, "-3.4e38"}, {TFloat8, "5e-324"}, {TFloat8, "NaN"}, {TFloat8, "-Infinity"},
		{TNumeric, "-0.000000001"}, {TNumeric, "123456789012345678901234567890.0987654321"},
		{TNumeric, "1e100"}, {TNumeric, "99999999"}, {TNumeric, "0.1"}, {TNumeric, "12.3"}, {TNumeric, "1234.5678"},
		{TText, "héllo"}, {TVarchar, ""}, {TName, "pg_class"}, {TBpchar, "ab  "}, {TChar, "x"}, {TChar, `\351`},
		{TBytea, `\x00ff10`}, {TUuid, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
		{TDate, "4714-11-24 BC"}, {TDate, "5874897-12-31"},
		{TTime, "24:00:00"}, {TTime, "00:00:00.000001"},
		{TTimestamp, "294246-12-31 23:59:59.999999"}, {TTimestamp, "4714-11-24 00:00:00 BC"},
		{TTimestamptz, "1999-12-31 23:59:59.999999+00"},
		{TInterval, "-1 years -2 mons +3 days -04:05:06.000007"},
		{TJsonb, `{"a": [1, 2.50, null], "bb": "x"}`}, {TJson, ` [1,2] `},
		{TRegclass, "1259"},
		{ArrayOf(Float8), "{1.5,NULL,-Infinity}"}, {ArrayOf(Timestamptz), `{"2026-11-22 10:00:00+00"}`},
		{ArrayOf(Numeric), "{1.50,NaN}"}, {ArrayOf(Bool), "{}"},
	}
	for _, c := range cases {
		d := mustParse(t, c.in, c.typ)
		b, err := AppendBinary(nil, d, c.typ)
		if err != nil {
			t.Errorf("AppendBinary(%s %q): %v", c.typ, c.in, err)
			continue
		}
		back, err := DecodeBinary(b, c.typ)
		if err != nil {
			t.Errorf("DecodeBinary(%s %q): %v", c.typ, c.in, err)
			continue
		}
		if Compare(d, back) != 0 || FormatText(back, c.typ, nil) != FormatText(d, c.typ, nil) {
			t.Errorf("%s %q: round trip gives %q", c.typ, c.in, FormatText(back, c.typ, nil))
		}
	}
}

func TestDecodeBinaryErrors(t *testing.T) {
	h := func(s string) []byte {
		b, err := hex.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cases := []struct {
		typ  Type
		in   []byte
		code string
	}{
		{TInt4, h("000001"), "22P03"},
		{TInt8, h("00"), "22P03"},
		{TBool, nil, "22P03"},
		{TFloat8, h("00000000"), "22P03"},
		{TUuid, h("0102"), "22P03"},
		{TNumeric, h("0001000000000000"), "22P03"},                      // digit missing
		{TNumeric, h("00010000000000002710"), "22P03"},                  // digit 10000
		{TNumeric, h("0000000012340000"), "22P03"},                      // bad sign
		{TText, []byte{0xff}, "22021"},                                  // not UTF-8
		{TText, []byte{'a', 0, 'b'}, "22021"},                           // NUL
		{TDate, h("7ffffffe"), "22008"},                                 // beyond 5874897 AD
		{TTimestamp, h("7ffffffffffffffe"), "22008"},                    // beyond the range
		{TTime, h("ffffffffffffffff"), "22008"},                         // negative
		{TJsonb, h("027b7d"), "22P03"},                                  // version 2
		{TJsonb, h("017b"), "22P02"},                                    // bad JSON
		{TJson, []byte("{"), "22P02"},                                   //
		{varcharN(1), []byte("ab"), "22001"},                            // typmod
		{ArrayOf(Int4), h("00000001000000000000001900000001"), "42804"}, // text elements
		{ArrayOf(Int4), h("000000020000000000000017"), "0A000"},         // two dimensions
		{ArrayOf(Int4), h("0000000100000000000000170000000100000001000000040000"), "22P03"},
		{TName, []byte("0123456789012345678901234567890123456789012345678901234567890123"), "42622"},
	}
	for _, c := range cases {
		_, err := DecodeBinary(c.in, c.typ)
		if sqlerr.Code(err) != c.code {
			t.Errorf("DecodeBinary(%s, %x) = %v, want %s", c.typ, c.in, err, c.code)
		}
	}
	if _, err := AppendBinary(nil, NewString("x"), TInt4); sqlerr.Code(err) != sqlerr.InvalidBinaryRepresentation {
		t.Errorf("AppendBinary of a mismatched datum: %v", err)
	}
}

// TestBinaryPgx cross-checks the binary formats with pgx's decoders and
// encoders.
func TestBinaryPgx(t *testing.T) {
	m := pgtype.NewMap()
	enc := func(s string, typ Type) []byte {
		b, err := AppendBinary(nil, mustParse(t, s, typ), typ)
		if err != nil {
			t.Fatalf("AppendBinary(%q, %s): %v", s, typ, err)
		}
		return b
	}
	scan := func(s string, typ Type, dst any) {
		t.Helper()
		if err := m.Scan(typ.OID(), pgtype.BinaryFormatCode, enc(s, typ), dst); err != nil {
			t.Fatalf("pgx scan of %s %q: %v", typ, s, err)
		}
	}

	var i16 int16
	scan("-32768", TInt2, &i16)
	var i32 int32
	scan("123456", TInt4, &i32)
	var i64 int64
	scan("-9223372036854775808", TInt8, &i64)
	var f32 float32
	scan("0.1", TFloat4, &f32)
	var f64 float64
	scan("1e-300", TFloat8, &f64)
	var b bool
	scan("true", TBool, &b)
	var s string
	scan("héllo", TText, &s)
	var by []byte
	scan(`\x00ff`, TBytea, &by)
	if i16 != -32768 || i32 != 123456 || i64 != math.MinInt64 || f32 != 0.1 || f64 != 1e-300 || !b || s != "héllo" || hex.EncodeToString(by) != "00ff" {
		t.Errorf("scalars: %v %v %v %v %v %v %q %x", i16, i32, i64, f32, f64, b, s, by)
	}

	for _, c := range []struct {
		in       string
		int      string
		exp      int32
		nan      bool
		infinity pgtype.InfinityModifier
	}{
		{"1.50", "150", -2, false, pgtype.Finite},
		{"-12345.678", "-12345678", -3, false, pgtype.Finite},
		{"0.00001", "1", -5, false, pgtype.Finite},
		{"1e20", "1", 20, false, pgtype.Finite},
		{"123456789012345678901234567890.5", "1234567890123456789012345678905", -1, false, pgtype.Finite},
		{"NaN", "", 0, true, pgtype.Finite},
		{"-Infinity", "", 0, false, pgtype.NegativeInfinity},
	} {
		var n pgtype.Numeric
		scan(c.in, TNumeric, &n)
		if n.NaN != c.nan || n.InfinityModifier != c.infinity {
			t.Errorf("numeric %q: pgx got %+v", c.in, n)
			continue
		}
		if c.nan || c.infinity != pgtype.Finite {
			continue
		}
		// Compare values: int × 10^exp.
		want := new(big.Float).SetInt(mustBig(c.int))
		want.Mul(want, pow10Float(c.exp))
		got := new(big.Float).SetInt(n.Int)
		got.Mul(got, pow10Float(n.Exp))
		if got.Cmp(want) != 0 {
			t.Errorf("numeric %q: pgx got %s e%d", c.in, n.Int, n.Exp)
		}
	}

	var d pgtype.Date
	scan("2026-11-22", TDate, &d)
	if !d.Time.Equal(time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("date: %v", d.Time)
	}
	scan("-infinity", TDate, &d)
	if d.InfinityModifier != pgtype.NegativeInfinity {
		t.Errorf("date -infinity: %+v", d)
	}
	var ts pgtype.Timestamp
	scan("2026-11-22 03:04:05.123456", TTimestamp, &ts)
	if !ts.Time.Equal(time.Date(2026, 11, 22, 3, 4, 5, 123456000, time.UTC)) {
		t.Errorf("timestamp: %v", ts.Time)
	}
	var tstz pgtype.Timestamptz
	scan("2026-11-22 03:04:05.5-08", TTimestamptz, &tstz)
	if !tstz.Time.Equal(time.Date(2026, 11, 22, 11, 4, 5, 500000000, time.UTC)) {
		t.Errorf("timestamptz: %v", tstz.Time)
	}
	var iv pgtype.Interval
	scan("1 year 2 mons -3 days 04:05:06.7", TInterval, &iv)
	if iv.Months != 14 || iv.Days != -3 || iv.Microseconds != 14706700000 {
		t.Errorf("interval: %+v", iv)
	}
	var tm pgtype.Time
	scan("04:05:06.789", TTime, &tm)
	if tm.Microseconds != 14706789000 {
		t.Errorf("time: %+v", tm)
	}
	var u pgtype.UUID
	scan("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", TUuid, &u)
	if hex.EncodeToString(u.Bytes[:]) != "a0eebc999c0b4ef8bb6d6bb9bd380a11" {
		t.Errorf("uuid: %x", u.Bytes)
	}
	var js map[string]any
	scan(`{"b": [1, 2], "a": "x"}`, TJsonb, &js)
	if js["a"] != "x" || len(js["b"].([]any)) != 2 {
		t.Errorf("jsonb: %v", js)
	}
	var ints []pgtype.Int4
	scan("{1,NULL,3}", ArrayOf(Int4), &ints)
	if len(ints) != 3 || ints[0].Int32 != 1 || ints[1].Valid || ints[2].Int32 != 3 {
		t.Errorf("int4[]: %+v", ints)
	}
	var strs []string
	scan(`{"a b","",é}`, ArrayOf(Text), &strs)
	if len(strs) != 3 || strs[0] != "a b" || strs[1] != "" || strs[2] != "é" {
		t.Errorf("text[]: %q", strs)
	}

	// pgx's encodings decode to the same values.
	var num pgtype.Numeric
	if err := num.Scan("-12.340"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		typ  Type
		val  any
		want string
	}{
		{TInt2, int16(-5), "-5"},
		{TInt4, int32(7), "7"},
		{TInt8, int64(math.MaxInt64), "9223372036854775807"},
		{TFloat4, float32(1.1), "1.1"},
		{TFloat8, 0.30000000000000004, "0.30000000000000004"},
		{TBool, false, "f"},
		{TText, "héllo", "héllo"},
		{TBytea, []byte{1, 2}, `\x0102`},
		{TNumeric, num, "-12.340"},
		{TDate, pgtype.Date{Time: time.Date(44, 3, 15, 0, 0, 0, 0, time.UTC), Valid: true}, "0044-03-15"},
		{TDate, pgtype.Date{InfinityModifier: pgtype.Infinity, Valid: true}, "infinity"},
		{TTimestamp, pgtype.Timestamp{Time: time.Date(2026, 11, 22, 3, 4, 5, 6000, time.UTC), Valid: true}, "2026-11-22 03:04:05.000006"},
		{TTimestamptz, time.Date(2026, 11, 22, 3, 4, 5, 0, time.FixedZone("x", 3600)), "2026-11-22 02:04:05+00"},
		{TInterval, pgtype.Interval{Months: -13, Days: 2, Microseconds: -1, Valid: true}, "-1 years -1 mons +2 days -00:00:00.000001"},
		{TTime, pgtype.Time{Microseconds: 3600000000, Valid: true}, "01:00:00"},
		{TUuid, pgtype.UUID{Bytes: [16]byte{0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8, 0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38, 0x0a, 0x11}, Valid: true}, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
		{TJsonb, map[string]any{"bb": 1, "a": []any{true, nil}}, `{"a": [true, null], "bb": 1}`},
		{ArrayOf(Int4), []int32{1, 2, 3}, "{1,2,3}"},
		{ArrayOf(Text), []string{"a b", "NULL", `q"`}, `{"a b","NULL","q\""}`},
		{ArrayOf(Int8), []int64{}, "{}"},
	} {
		b, err := m.Encode(c.typ.OID(), pgtype.BinaryFormatCode, c.val, nil)
		if err != nil {
			t.Fatalf("pgx encode %s %v: %v", c.typ, c.val, err)
		}
		d, err := DecodeBinary(b, c.typ)
		if err != nil {
			t.Errorf("DecodeBinary of pgx %s %v: %v", c.typ, c.val, err)
			continue
		}
		if got := FormatText(d, c.typ, nil); got != c.want {
			t.Errorf("pgx %s %v decodes to %q, want %q", c.typ, c.val, got, c.want)
		}
	}
}

func mustBig(s string) *big.Int {
	b, ok := new(big.Int).SetString(s, 10)
	if !ok {
		panic(s)
	}
	return b
}

func pow10Float(e int32) *big.Float {
	r := new(big.Float).SetPrec(512).SetInt64(1)
	ten := new(big.Float).SetInt64(10)
	for ; e > 0; e-- {
		r.Mul(r, ten)
	}
	for ; e < 0; e++ {
		r.Quo(r, ten)
	}
	return r
}
