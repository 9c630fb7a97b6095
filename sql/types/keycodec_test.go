package types

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/cockroachdb/apd/v3"
	"github.com/eddy-db/eddy/sql/sqlerr"
)

func codecDec(s string) Datum {
	d, _, err := apd.NewFromString(s)
	if err != nil {
		panic(err)
	}
	return NewDecimal(d)
}

func codecIv(months, days int32, micros int64) Datum {
	return NewInterval(IntervalValue{Months: months, Days: days, Micros: micros})
}

func codecArr(elems ...Datum) Datum { return NewArray(elems) }

var codecUUID = string([]byte{0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff})

// codecSamples lists, per type, values in ascending Compare order (NULL
// last); a few types hold values equal under Compare, next to each other.
var codecSamples = []struct {
	t    Type
	vals []Datum
}{
	{TBool, []Datum{NewBool(false), NewBool(true), Null}},
	{TInt2, []Datum{NewInt(math.MinInt16), NewInt(-1), NewInt(0), NewInt(1), NewInt(math.MaxInt16), Null}},
	{TInt4, []Datum{NewInt(math.MinInt32), NewInt(-256), NewInt(0), NewInt(255), NewInt(math.MaxInt32), Null}},
	{TInt8, []Datum{NewInt(math.MinInt64), NewInt(-1), NewInt(0), NewInt(1), NewInt(math.MaxInt64), Null}},
	{TOid, []Datum{NewInt(0), NewInt(1), NewInt(16384), NewInt(math.MaxUint32), Null}},
	{TRegclass, []Datum{NewInt(1259), NewInt(16384), Null}},
	{TFloat4, []Datum{NewFloat(math.Inf(-1)), NewFloat(-3.5), NewFloat(math.Copysign(0, -1)), NewFloat(0),
		NewFloat(1.5), NewFloat(math.MaxFloat32), NewFloat(math.Inf(1)), NewFloat(math.NaN()), Null}},
	{TFloat8, []Datum{NewFloat(math.Inf(-1)), NewFloat(-math.MaxFloat64), NewFloat(-1e-300), NewFloat(0),
		NewFloat(math.SmallestNonzeroFloat64), NewFloat(1), NewFloat(math.MaxFloat64), NewFloat(math.Inf(1)),
		NewFloat(math.NaN()), Null}},
	{TNumeric, []Datum{codecDec("-Infinity"), codecDec("-1E+100"), codecDec("-123.4500"), codecDec("-1"),
		codecDec("-0.001"), codecDec("-1E-100"), codecDec("0"), codecDec("0.00"), codecDec("-0"), codecDec("1E-100"),
		codecDec("0.5"), codecDec("1"), codecDec("1.0"), codecDec("1.00"), codecDec("1.5"), codecDec("1.50"),
		codecDec("10"), codecDec("12345678901234567890123456789.123456789"), codecDec("1E+100"),
		codecDec("Infinity"), codecDec("NaN"), Null}},
	{TText, []Datum{NewString(""), NewString("\x00"), NewString("\x00\xff"), NewString("a"), NewString("a\x00"),
		NewString("a\x00\xff\x00b"), NewString("ab"), NewString("héllo"), NewString("\xff"), Null}},
	{TVarchar, []Datum{NewString(""), NewString("x"), Null}},
	{TBpchar, []Datum{NewString("ab  "), NewString("b   "), Null}},
	{TName, []Datum{NewString("pg_class"), NewString("t"), Null}},
	{TChar, []Datum{NewString("r"), NewString("v"), Null}},
	{TBytea, []Datum{NewBytesString(""), NewBytesString("\x00"), NewBytesString("\x00\xff"), NewBytesString("\xff\xff"), Null}},
	{TUuid, []Datum{NewBytesString(string(make([]byte, 16))), NewBytesString(codecUUID),
		NewBytesString(string(bytes.Repeat([]byte{0xff}, 16))), Null}},
	{TDate, []Datum{NewDate(NegInfinityDays), NewDate(-1), NewDate(0), NewDate(19000), NewDate(InfinityDays), Null}},
	{TTime, []Datum{NewTime(0), NewTime(1), NewTime(86_400_000_000), Null}},
	{TTimestamp, []Datum{NewTimestamp(NegInfinityMicros), NewTimestamp(-1), NewTimestamp(0),
		NewTimestamp(1_700_000_000_000_000), NewTimestamp(InfinityMicros), Null}},
	{TTimestamptz, []Datum{NewTimestamptz(NegInfinityMicros), NewTimestamptz(0),
		NewTimestamptz(1_700_000_000_000_000), NewTimestamptz(InfinityMicros), Null}},
	{TInterval, []Datum{codecIv(math.MinInt32, math.MinInt32, math.MinInt64), codecIv(-1, -2, -3), codecIv(0, 0, 0),
		codecIv(0, 0, 86_400_000_000), codecIv(0, 1, 0), codecIv(0, 30, 0), codecIv(1, 0, 0),
		codecIv(math.MaxInt32, math.MaxInt32, math.MaxInt64), Null}},
	{TJsonb, []Datum{NewJSON(`"x"`), NewJSON(`[]`), NewJSON(`{"a": 1}`), Null}},
	{TJson, []Datum{NewJSON(`{"b":2, "a":1}`), Null}},
	{ArrayOf(Int4), []Datum{codecArr(), codecArr(NewInt(-1)), codecArr(NewInt(1)), codecArr(NewInt(1), NewInt(2)),
		codecArr(NewInt(1), NewInt(2), Null), codecArr(NewInt(1), Null), codecArr(Null), Null}},
	{ArrayOf(Text), []Datum{codecArr(), codecArr(NewString("")), codecArr(NewString("a")),
		codecArr(NewString("a"), NewString("b")), codecArr(NewString("a\x00"), Null), Null}},
	{ArrayOf(Numeric), []Datum{codecArr(codecDec("1.50"), codecDec("NaN")), codecArr(codecDec("2")), Null}},
	{ArrayOf(Interval), []Datum{codecArr(codecIv(0, 30, 0)), codecArr(codecIv(1, 0, 0)), Null}},
	{TRecord, []Datum{codecArr(), codecArr(NewInt(1), NewString("a"), Null), codecArr(NewInt(1), NewString("b")),
		codecArr(NewInt(2), codecArr(NewInt(1), NewString("x"))),
		codecArr(NewInt(2), codecArr(NewInt(1), NewString("x")), codecDec("1.5"), NewBool(true),
			codecIv(1, 2, 3), NewDate(5), NewFloat(2.5), NewBytesString("\x00"), NewJSON("{}"),
			NewTime(7), NewTimestamp(8), NewTimestamptz(9)),
		Null}},
}

// codecKeyEqual reports whether b is what a key round trip of a should
// give: equal under Compare, with exact interval fields.
func codecKeyEqual(a, b Datum) bool {
	if a.k != b.k {
		return false
	}
	switch a.k {
	case KInterval:
		return a.Interval() == b.Interval()
	case KArray:
		ea, eb := a.Array(), b.Array()
		if len(ea) != len(eb) {
			return false
		}
		for i := range ea {
			if !codecKeyEqual(ea[i], eb[i]) {
				return false
			}
		}
		return true
	}
	return Compare(a, b) == 0
}

func codecDirName(desc bool) string {
	if desc {
		return "desc"
	}
	return "asc"
}

func TestKeyRoundTrip(t *testing.T) {
	junk := []byte{0x5A, 0x00}
	for _, s := range codecSamples {
		for _, desc := range []bool{false, true} {
			for _, d := range s.vals {
				enc := AppendKey([]byte{0xEE}, d, s.t, desc)
				got, rest, err := DecodeKey(append(enc[1:], junk...), s.t, desc)
				if err != nil {
					t.Errorf("%s %s %v: DecodeKey(%x): %v", s.t, codecDirName(desc), d, enc, err)
					continue
				}
				if !codecKeyEqual(d, got) || !bytes.Equal(rest, junk) {
					t.Errorf("%s %s: %#v round trips to %#v, rest %x", s.t, codecDirName(desc), d, got, rest)
				}
				// Every proper prefix of a key is corrupt.
				for n := 0; n < len(enc)-1; n++ {
					if _, _, err := DecodeKey(enc[1:1+n], s.t, desc); sqlerr.Code(err) != sqlerr.DataCorrupted {
						t.Errorf("%s %s %v: prefix %x: error %v, want XX001", s.t, codecDirName(desc), d, enc[1:1+n], err)
					}
				}
			}
		}
	}
}

// TestKeySampleOrder checks every pair of sample values of each type.
func TestKeySampleOrder(t *testing.T) {
	for _, s := range codecSamples {
		for _, desc := range []bool{false, true} {
			for _, a := range s.vals {
				for _, b := range s.vals {
					codecCheckKeyOrder(t, s.t, a, b, desc)
				}
			}
		}
	}
}

func codecSign(c int) int {
	switch {
	case c < 0:
		return -1
	case c > 0:
		return 1
	}
	return 0
}

// codecIntervalTie reports whether a and b hold intervals (at any depth)
// that Compare calls equal although their fields differ: their keys differ.
func codecIntervalTie(a, b Datum) bool {
	if a.k == KInterval && b.k == KInterval {
		return Compare(a, b) == 0 && a.Interval() != b.Interval()
	}
	if a.k == KArray && b.k == KArray {
		ea, eb := a.Array(), b.Array()
		for i := 0; i < len(ea) && i < len(eb); i++ {
			if codecIntervalTie(ea[i], eb[i]) {
				return true
			}
			if Compare(ea[i], eb[i]) != 0 {
				return false
			}
		}
	}
	return false
}

func codecCheckKeyOrder(t *testing.T, typ Type, a, b Datum, desc bool) {
	t.Helper()
	want := Compare(a, b)
	if desc {
		want = -want
	}
	ka, kb := AppendKey(nil, a, typ, desc), AppendKey(nil, b, typ, desc)
	got := codecSign(bytes.Compare(ka, kb))
	if codecIntervalTie(a, b) {
		// Equal spans: the keys must still differ, ordered by the fields.
		if got == 0 {
			t.Errorf("%s %s: %v and %v have different fields but equal keys", typ, codecDirName(desc), a, b)
		}
		return
	}
	if got != want {
		t.Errorf("%s %s: Compare(%v, %v) gives %d but keys %x vs %x give %d",
			typ, codecDirName(desc), a, b, want, ka, kb, got)
	}
}

func TestKeyEqualValuesEncodeEqual(t *testing.T) {
	tests := []struct {
		name string
		t    Type
		a, b Datum
	}{
		{"numeric 1 = 1.0", TNumeric, codecDec("1"), codecDec("1.0")},
		{"numeric 1 = 1.00", TNumeric, codecDec("1"), codecDec("1.00")},
		{"numeric 100 = 1E+2", TNumeric, codecDec("100"), codecDec("1E+2")},
		{"numeric -1.5 = -1.500", TNumeric, codecDec("-1.5"), codecDec("-1.500")},
		{"numeric 0 = 0.000", TNumeric, codecDec("0"), codecDec("0.000")},
		{"numeric 0 = -0", TNumeric, codecDec("0"), codecDec("-0")},
		{"numeric NaN = sNaN", TNumeric, codecDec("NaN"), NewDecimal(&apd.Decimal{Form: apd.NaNSignaling})},
		{"float -0 = 0", TFloat8, NewFloat(math.Copysign(0, -1)), NewFloat(0)},
		{"float NaNs", TFloat8, NewFloat(math.NaN()), NewFloat(math.Float64frombits(0xFFF8000000000001))},
		{"int2 = int8", TInt2, NewInt(-7), NewInt(-7)},
		{"array of numerics", ArrayOf(Numeric), codecArr(codecDec("2.50")), codecArr(codecDec("2.5"))},
	}
	for _, tc := range tests {
		for _, desc := range []bool{false, true} {
			ka, kb := AppendKey(nil, tc.a, tc.t, desc), AppendKey(nil, tc.b, tc.t, desc)
			if !bytes.Equal(ka, kb) {
				t.Errorf("%s %s: %x != %x", tc.name, codecDirName(desc), ka, kb)
			}
		}
	}
	if ka, kb := AppendKey(nil, NewInt(300), TInt2, false), AppendKey(nil, NewInt(300), TInt8, false); !bytes.Equal(ka, kb) {
		t.Errorf("int2 and int8 keys of 300 differ: %x %x", ka, kb)
	}
}

func TestKeyNumericDecodesNormalised(t *testing.T) {
	tests := []struct {
		in       string
		neg      bool
		coeff    int64
		exponent int32
	}{
		{"1.50", false, 15, -1},
		{"1.00", false, 1, 0},
		{"100", false, 1, 2},
		{"-0.0120", true, 12, -3},
		{"0.000", false, 0, 0},
		{"-0", false, 0, 0},
	}
	for _, tc := range tests {
		d, _, err := DecodeKey(AppendKey(nil, codecDec(tc.in), TNumeric, false), TNumeric, false)
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		dec := d.Decimal()
		if dec.Form != apd.Finite || dec.Negative != tc.neg || dec.Coeff.Int64() != tc.coeff || dec.Exponent != tc.exponent {
			t.Errorf("%s decodes as %v (neg=%v coeff=%s exp=%d), want neg=%v coeff=%d exp=%d",
				tc.in, dec, dec.Negative, dec.Coeff.String(), dec.Exponent, tc.neg, tc.coeff, tc.exponent)
		}
	}
	big := "-98765432109876543210987654321.0123456789"
	d, _, err := DecodeKey(AppendKey(nil, codecDec(big), TNumeric, true), TNumeric, true)
	if err != nil || d.Decimal().String() != big {
		t.Errorf("big numeric decodes as %v, %v; want %s", d.Decimal(), err, big)
	}
}

func TestKeyExactBytes(t *testing.T) {
	tests := []struct {
		name string
		got  []byte
		want []byte
	}{
		{"null asc", AppendKey(nil, Null, TInt4, false), []byte{0x02}},
		{"null desc", AppendKey(nil, Null, TInt4, true), []byte{0xFD}},
		{"int4 1", AppendKey(nil, NewInt(1), TInt4, false), []byte{0x01, 0x80, 0, 0, 0, 0, 0, 0, 1}},
		{"bool true desc", AppendKey(nil, NewBool(true), TBool, true), []byte{0xFE, 0xFE}},
		{"text a\\0", AppendKey(nil, NewString("a\x00"), TText, false), []byte{0x01, 'a', 0x00, 0xFF, 0x00, 0x01}},
		{"numeric 1.0", AppendKey(nil, codecDec("1.0"), TNumeric, false), []byte{0x01, 4, 0x81, 0x01, 11, 0}},
		{"int4[] {1,NULL}", AppendKey(nil, codecArr(NewInt(1), Null), ArrayOf(Int4), false),
			[]byte{0x01, 0x01, 0x80, 0, 0, 0, 0, 0, 0, 1, 0x02, 0x00}},
		{"record (NULL)", AppendKey(nil, codecArr(Null), TRecord, false), []byte{0x01, 0x02, 0x00}},
	}
	for _, tc := range tests {
		if !bytes.Equal(tc.got, tc.want) {
			t.Errorf("%s: got %x, want %x", tc.name, tc.got, tc.want)
		}
	}
}

func TestKeyIntervalEqualSpans(t *testing.T) {
	// '30 days' and '1 mon' are equal intervals; their keys differ (so
	// that each decodes exactly) and order by months.
	days, mon := codecIv(0, 30, 0), codecIv(1, 0, 0)
	if Compare(days, mon) != 0 {
		t.Fatal("Compare('30 days', '1 mon') != 0")
	}
	kd, km := AppendKey(nil, days, TInterval, false), AppendKey(nil, mon, TInterval, false)
	if bytes.Compare(kd, km) != -1 {
		t.Errorf("want key('30 days') < key('1 mon'): %x %x", kd, km)
	}
	// Both sort before '1 mon 1 microsecond' and after '29 days 24:00:00 minus 1us'.
	if k := AppendKey(nil, codecIv(1, 0, 1), TInterval, false); bytes.Compare(km, k) != -1 {
		t.Errorf("key('1 mon') not below key('1 mon 1us')")
	}
	if k := AppendKey(nil, codecIv(0, 30, -1), TInterval, false); bytes.Compare(k, kd) != -1 {
		t.Errorf("key('30 days -1us') not below key('30 days')")
	}
}

func TestKeyCorrupt(t *testing.T) {
	span := func(iv IntervalValue) []byte {
		b := AppendKey(nil, NewInterval(iv), TInterval, false)
		b[len(b)-1] ^= 1 // micros no longer match the span
		return b
	}
	tests := []struct {
		name string
		t    Type
		in   []byte
	}{
		{"empty", TInt4, nil},
		{"bad marker", TInt4, []byte{0x07, 0x80, 0, 0, 0, 0, 0, 0, 1}},
		{"list end as marker", TInt4, []byte{0x00}},
		{"bool 2", TBool, []byte{0x01, 0x02}},
		{"interval span mismatch", TInterval, span(IntervalValue{Months: 1, Days: 2, Micros: 4})},
		{"unterminated text", TText, []byte{0x01, 'a', 'b'}},
		{"bad escape", TText, []byte{0x01, 'a', 0x00, 0x05}},
		{"numeric bad class", TNumeric, []byte{0x01, 0x09}},
		{"numeric exponent overflow", TNumeric, []byte{0x01, 4, 0x88, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 11, 0}},
		{"array without end", ArrayOf(Int4), []byte{0x01, 0x02}},
		{"record bad field kind", TRecord, []byte{0x01, 0x01, 0x63, 0x00}},
		{"record null kind", TRecord, []byte{0x01, 0x01, 0x00, 0x00}},
		{"void value", TVoid, []byte{0x01, 0x00}},
	}
	for _, tc := range tests {
		d, rest, err := DecodeKey(tc.in, tc.t, false)
		if sqlerr.Code(err) != sqlerr.DataCorrupted {
			t.Errorf("%s: DecodeKey(%x) = %v, %x, %v; want XX001", tc.name, tc.in, d, rest, err)
		}
	}
	// Records nested deeper than the limit are rejected, not recursed into.
	deep := []byte{0x01}
	for range keyMaxDepth + 2 {
		deep = append(deep, 0x01, byte(KArray))
	}
	if _, _, err := DecodeKey(deep, TRecord, false); sqlerr.Code(err) != sqlerr.DataCorrupted {
		t.Errorf("deep record: %v, want XX001", err)
	}
}

func TestKeyPanicsOnKindMismatch(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("AppendKey accepted a text datum for an int4 column")
		}
	}()
	AppendKey(nil, NewString("1"), TInt4, false)
}

// codecRandDatum returns a random datum of type t (NULL one time in ten),
// drawn from small domains so that ties and shared prefixes are common.
func codecRandDatum(rng *rand.Rand, t Type) Datum {
	if rng.IntN(10) == 0 {
		return Null
	}
	pick := func(vals ...int64) int64 { return vals[rng.IntN(len(vals))] }
	str := func() string {
		alphabet := []byte{0x00, 0x01, 'a', 'b', 0xFE, 0xFF}
		b := make([]byte, rng.IntN(5))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(b)
	}
	switch t.ID {
	case Bool:
		return NewBool(rng.IntN(2) == 1)
	case Int2:
		return NewInt(rng.Int64N(1<<16) - 1<<15)
	case Int4:
		if rng.IntN(3) == 0 {
			return NewInt(pick(math.MinInt32, math.MaxInt32, -1, 0, 1))
		}
		return NewInt(rng.Int64N(1<<32) - 1<<31)
	case Int8:
		if rng.IntN(3) == 0 {
			return NewInt(pick(math.MinInt64, math.MaxInt64, -1, 0, 1))
		}
		return NewInt(int64(rng.Uint64()))
	case Oid:
		return NewInt(rng.Int64N(1 << 32))
	case Float4, Float8:
		specials := []float64{math.Inf(-1), math.Inf(1), math.NaN(), 0, math.Copysign(0, -1), 1, -1}
		if rng.IntN(3) == 0 {
			return NewFloat(specials[rng.IntN(len(specials))])
		}
		f := math.Float64frombits(rng.Uint64())
		if t.ID == Float4 {
			f = float64(float32(f))
		}
		return NewFloat(f)
	case Numeric:
		switch rng.IntN(12) {
		case 0:
			return codecDec("NaN")
		case 1:
			return codecDec("Infinity")
		case 2:
			return codecDec("-Infinity")
		}
		dec := new(apd.Decimal)
		if rng.IntN(4) == 0 {
			// Up to about 40 digits.
			dec.Coeff.SetUint64(rng.Uint64())
			var hi apd.BigInt
			hi.SetUint64(rng.Uint64())
			var scale apd.BigInt
			scale.SetString("100000000000000000000", 10)
			hi.Mul(&hi, &scale)
			dec.Coeff.Add(&dec.Coeff, &hi)
		} else {
			dec.Coeff.SetInt64(rng.Int64N(1000))
		}
		// Multiply by a power of ten and lower the exponent to match:
		// same value, different scale.
		dec.Exponent = int32(rng.IntN(9) - 4)
		if z := rng.IntN(3); z > 0 {
			var p apd.BigInt
			p.SetInt64(int64(math.Pow10(z)))
			dec.Coeff.Mul(&dec.Coeff, &p)
			dec.Exponent -= int32(z)
		}
		dec.Negative = rng.IntN(2) == 0
		return NewDecimal(dec)
	case Text, Varchar, Bpchar, Name:
		return NewString(str())
	case Bytea:
		return NewBytesString(str())
	case Uuid:
		b := make([]byte, 16)
		for i := range b {
			b[i] = byte(pick(0x00, 0x01, 0x7F, 0xFF))
		}
		return NewBytesString(string(b))
	case Jsonb:
		return NewJSON(str())
	case Date:
		if rng.IntN(5) == 0 {
			return NewDate(pick(InfinityDays, NegInfinityDays))
		}
		return NewDate(rng.Int64N(200000) - 100000)
	case Time:
		return NewTime(rng.Int64N(86_400_000_001))
	case Timestamp, Timestamptz:
		v := rng.Int64N(1<<53) - 1<<52
		if rng.IntN(5) == 0 {
			v = pick(InfinityMicros, NegInfinityMicros)
		}
		return Datum{k: t.Kind(), i: v}
	case Interval:
		if rng.IntN(8) == 0 {
			return codecIv(int32(pick(math.MinInt32, math.MaxInt32)), int32(pick(math.MinInt32, math.MaxInt32)),
				pick(math.MinInt64, math.MaxInt64))
		}
		const day = 86_400_000_000
		return codecIv(int32(rng.IntN(5)-2), int32(rng.IntN(121)-60), (rng.Int64N(5)-2)*day+rng.Int64N(3)-1)
	case Array:
		elems := make([]Datum, rng.IntN(4))
		for i := range elems {
			elems[i] = codecRandDatum(rng, t.ElemType())
		}
		return NewArray(elems)
	case Record:
		// Fields of fixed kinds per position (int8, text, numeric).
		ft := []Type{TInt8, TText, TNumeric}
		fields := make([]Datum, rng.IntN(4))
		for i := range fields {
			fields[i] = codecRandDatum(rng, ft[i])
			if fields[i].k == KInt {
				fields[i] = NewInt(fields[i].i % 3)
			}
		}
		return NewArray(fields)
	}
	panic(fmt.Sprintf("no generator for %s", t))
}

var codecPropertyTypes = []Type{TBool, TInt2, TInt4, TInt8, TOid, TFloat4, TFloat8, TNumeric, TText, TVarchar,
	TBpchar, TName, TBytea, TUuid, TJsonb, TDate, TTime, TTimestamp, TTimestamptz, TInterval,
	ArrayOf(Int4), ArrayOf(Text), ArrayOf(Numeric), ArrayOf(Interval), TRecord}

// TestKeyOrderProperty checks on random pairs of each type that the byte
// order of keys equals Compare, ascending and descending, and that every
// key decodes back.
func TestKeyOrderProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for _, typ := range codecPropertyTypes {
		for range 1500 {
			a, b := codecRandDatum(rng, typ), codecRandDatum(rng, typ)
			for _, desc := range []bool{false, true} {
				codecCheckKeyOrder(t, typ, a, b, desc)
				got, rest, err := DecodeKey(AppendKey(nil, a, typ, desc), typ, desc)
				if err != nil || len(rest) != 0 || !codecKeyEqual(a, got) {
					t.Fatalf("%s %s: %v round trips to %v, rest %x, %v", typ, codecDirName(desc), a, got, rest, err)
				}
			}
		}
	}
}

// TestKeyMultiColumn checks that concatenated column keys, in mixed
// directions, order rows lexicographically and decode column by column.
func TestKeyMultiColumn(t *testing.T) {
	ints := []Datum{NewInt(-1), NewInt(0), NewInt(1), Null}
	texts := []Datum{NewString(""), NewString("a"), NewString("a\x00"), NewString("b"), Null}
	floats := []Datum{NewFloat(math.Copysign(0, -1)), NewFloat(1), NewFloat(math.NaN()), Null}
	types := []Type{TInt4, TText, TFloat8}
	var rows []Row
	for _, i := range ints {
		for _, s := range texts {
			for _, f := range floats {
				rows = append(rows, Row{i, s, f})
			}
		}
	}
	for _, dirs := range [][]bool{{false, false, false}, {false, true, false}, {true, false, true}, {true, true, true}} {
		keys := make([][]byte, len(rows))
		for r, row := range rows {
			key := []byte{0, 0, 0x40, 0} // a table prefix
			for c, d := range row {
				key = AppendKey(key, d, types[c], dirs[c])
			}
			keys[r] = key

			rest := key[4:]
			for c := range row {
				var got Datum
				var err error
				got, rest, err = DecodeKey(rest, types[c], dirs[c])
				if err != nil || Compare(got, row[c]) != 0 {
					t.Fatalf("dirs %v row %v column %d decodes as %v, %v", dirs, row, c, got, err)
				}
			}
			if len(rest) != 0 {
				t.Fatalf("row %v: %d bytes left", row, len(rest))
			}
		}
		for i := range rows {
			for j := range rows {
				want := 0
				for c := range types {
					if cmp := Compare(rows[i][c], rows[j][c]); cmp != 0 {
						want = cmp
						if dirs[c] {
							want = -cmp
						}
						break
					}
				}
				if got := codecSign(bytes.Compare(keys[i], keys[j])); got != want {
					t.Fatalf("dirs %v: rows %v vs %v: keys compare %d, want %d", dirs, rows[i], rows[j], got, want)
				}
			}
		}
	}
}

func codecFuzzKeyType(sel uint8) Type {
	all := append([]Type{TJson, TRegclass, TChar}, codecPropertyTypes...)
	return all[int(sel)%len(all)]
}

func FuzzDecodeKey(f *testing.F) {
	all := append([]Type{TJson, TRegclass, TChar}, codecPropertyTypes...)
	for i, typ := range all {
		for _, s := range codecSamples {
			if s.t != typ {
				continue
			}
			for _, d := range s.vals {
				f.Add(uint8(i), false, AppendKey(nil, d, typ, false))
				f.Add(uint8(i), true, AppendKey(nil, d, typ, true))
			}
		}
	}
	f.Add(uint8(0), false, []byte{})
	f.Add(uint8(7), false, []byte{0x01, 4, 0x88, 0x7F, 0xFF, 0xFF, 0xFF, 0x01, 0x00})
	f.Fuzz(func(t *testing.T, sel uint8, desc bool, in []byte) {
		typ := codecFuzzKeyType(sel)
		d, rest, err := DecodeKey(in, typ, desc)
		if err != nil {
			if sqlerr.Code(err) != sqlerr.DataCorrupted {
				t.Fatalf("%s: error %v has code %s, want XX001", typ, err, sqlerr.Code(err))
			}
			return
		}
		if len(rest) > len(in) {
			t.Fatalf("rest longer than input")
		}
		enc := AppendKey(nil, d, typ, desc)
		d2, rest2, err := DecodeKey(enc, typ, desc)
		if err != nil || len(rest2) != 0 || !codecKeyEqual(d, d2) {
			t.Fatalf("%s: %v re-encoded as %x decodes as %v, rest %x, %v", typ, d, enc, d2, rest2, err)
		}
		if !bytes.Equal(AppendKey(nil, d2, typ, desc), enc) {
			t.Fatalf("%s: encoding of %v is not stable", typ, d)
		}
	})
}

func BenchmarkKeyEncode(b *testing.B) {
	types := []Type{TInt8, TText, TFloat8, TTimestamptz}
	row := Row{NewInt(123456789), NewString("user_42@example.com"), NewFloat(3.14159), NewTimestamptz(1_700_000_000_000_000)}
	buf := make([]byte, 0, 128)
	b.ReportAllocs()
	for b.Loop() {
		buf = buf[:0]
		for i, d := range row {
			buf = AppendKey(buf, d, types[i], false)
		}
	}
}

func BenchmarkKeyDecode(b *testing.B) {
	types := []Type{TInt8, TText, TFloat8, TTimestamptz}
	row := Row{NewInt(123456789), NewString("user_42@example.com"), NewFloat(3.14159), NewTimestamptz(1_700_000_000_000_000)}
	var key []byte
	for i, d := range row {
		key = AppendKey(key, d, types[i], false)
	}
	b.ReportAllocs()
	for b.Loop() {
		rest := key
		for _, typ := range types {
			var err error
			if _, rest, err = DecodeKey(rest, typ, false); err != nil {
				b.Fatal(err)
			}
		}
	}
}
