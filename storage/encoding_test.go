package storage

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

var encDirs = []Dir{Asc, Desc}

func encDirName(d Dir) string {
	if d == Desc {
		return "desc"
	}
	return "asc"
}

// encCheckOrder asserts that encs (encodings of values listed in ascending
// value order) are strictly ascending for Asc and strictly descending for
// Desc.
func encCheckOrder(t *testing.T, dir Dir, encs [][]byte, names []string) {
	t.Helper()
	for i := 1; i < len(encs); i++ {
		c := bytes.Compare(encs[i-1], encs[i])
		want := -1
		if dir == Desc {
			want = 1
		}
		if c != want {
			t.Errorf("%s: enc(%s)=%x vs enc(%s)=%x: bytes.Compare=%d, want %d",
				encDirName(dir), names[i-1], encs[i-1], names[i], encs[i], c, want)
		}
	}
}

// encCheckPrefixes asserts that every proper prefix of enc fails to decode
// with an error wrapping ErrCorrupt.
func encCheckPrefixes(t *testing.T, enc []byte, decode func([]byte) error) {
	t.Helper()
	for n := 0; n < len(enc); n++ {
		err := decode(enc[:n])
		if err == nil {
			t.Errorf("prefix %x of %x decoded without error", enc[:n], enc)
		} else if !errors.Is(err, ErrCorrupt) {
			t.Errorf("prefix %x: error %v does not wrap ErrCorrupt", enc[:n], err)
		}
	}
}

func TestEncodingExactBytes(t *testing.T) {
	tests := []struct {
		name string
		got  []byte
		want []byte
	}{
		{"uint32", AppendUint32(nil, 0x01020304), []byte{1, 2, 3, 4}},
		{"int64 0", AppendInt64(nil, 0, Asc), []byte{0x80, 0, 0, 0, 0, 0, 0, 0}},
		{"int64 1", AppendInt64(nil, 1, Asc), []byte{0x80, 0, 0, 0, 0, 0, 0, 1}},
		{"int64 -1", AppendInt64(nil, -1, Asc), []byte{0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}},
		{"int64 1 desc", AppendInt64(nil, 1, Desc), []byte{0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE}},
		{"int32 -2", AppendInt32(nil, -2, Asc), []byte{0x7F, 0xFF, 0xFF, 0xFE}},
		{"uint64 desc", AppendUint64(nil, 0x10, Desc), []byte{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xEF}},
		{"float 0", AppendFloat64(nil, 0, Asc), []byte{0x80, 0, 0, 0, 0, 0, 0, 0}},
		{"float -0", AppendFloat64(nil, math.Copysign(0, -1), Asc), []byte{0x80, 0, 0, 0, 0, 0, 0, 0}},
		{"float 1", AppendFloat64(nil, 1, Asc), []byte{0xBF, 0xF0, 0, 0, 0, 0, 0, 0}},
		{"float -1", AppendFloat64(nil, -1, Asc), []byte{0x40, 0x0F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}},
		{"bytes empty", AppendBytes(nil, nil, Asc), []byte{0x00, 0x01}},
		{"bytes a0b", AppendBytes(nil, []byte("a\x00b"), Asc), []byte{'a', 0x00, 0xFF, 'b', 0x00, 0x01}},
		{"bytes a0b desc", AppendBytes(nil, []byte("a\x00b"), Desc), []byte{^byte('a'), 0xFF, 0x00, ^byte('b'), 0xFF, 0xFE}},
		{"string a0b", AppendString(nil, "a\x00b", Asc), []byte{'a', 0x00, 0xFF, 'b', 0x00, 0x01}},
		{"string ff", AppendString(nil, "\xff", Asc), []byte{0xFF, 0x00, 0x01}},
		{"varint 0", AppendVarint(nil, 0, Asc), []byte{0x80}},
		{"varint 1", AppendVarint(nil, 1, Asc), []byte{0x81, 0x01}},
		{"varint 255", AppendVarint(nil, 255, Asc), []byte{0x81, 0xFF}},
		{"varint 256", AppendVarint(nil, 256, Asc), []byte{0x82, 0x01, 0x00}},
		{"varint -1", AppendVarint(nil, -1, Asc), []byte{0x7F}},
		{"varint -256", AppendVarint(nil, -256, Asc), []byte{0x7E, 0x00}},
		{"varint -257", AppendVarint(nil, -257, Asc), []byte{0x7D, 0xFE, 0xFF}},
		{"varint max", AppendVarint(nil, math.MaxInt64, Asc), []byte{0x88, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}},
		{"varint min", AppendVarint(nil, math.MinInt64, Asc), []byte{0x77, 0x80, 0, 0, 0, 0, 0, 0, 0}},
		{"varint 1 desc", AppendVarint(nil, 1, Desc), []byte{0x7E, 0xFE}},
		{"null", AppendNull(nil, Asc), []byte{0x02}},
		{"not null", AppendNotNull(nil, Asc), []byte{0x01}},
		{"null desc", AppendNull(nil, Desc), []byte{0xFD}},
		{"list end", AppendListEnd(nil, Asc), []byte{0x00}},
		{"byte desc", AppendByte(nil, 1, Desc), []byte{0xFE}},
		// 1 = +0.1 × 10^1: class 4, exponent varint 0x81 0x01, pair "10" -> 11, end.
		{"decimal 1", AppendDecimal(nil, DecimalPos, 1, []byte("1"), Asc), []byte{4, 0x81, 0x01, 11, 0}},
		{"decimal 1.00", AppendDecimal(nil, DecimalPos, 1, []byte("100"), Asc), []byte{4, 0x81, 0x01, 11, 0}},
		{"decimal 0.0123", AppendDecimal(nil, DecimalPos, 0, []byte("0123"), Asc), []byte{4, 0x7F, 13, 31, 0}},
		{"decimal -1", AppendDecimal(nil, DecimalNeg, 1, []byte("1"), Asc), []byte{2, 0x7E, 0xFE, 0xF4, 0xFF}},
		{"decimal 0 digits", AppendDecimal(nil, DecimalPos, 7, []byte("000"), Asc), []byte{3}},
		{"decimal nan desc", AppendDecimal(nil, DecimalNaN, 0, nil, Desc), []byte{^byte(6)}},
	}
	for _, tc := range tests {
		if !bytes.Equal(tc.got, tc.want) {
			t.Errorf("%s: got %x, want %x", tc.name, tc.got, tc.want)
		}
	}
}

func TestEncodingAppendKeepsPrefix(t *testing.T) {
	prefix := []byte{0xAA, 0xBB}
	for _, dir := range encDirs {
		for name, enc := range map[string][]byte{
			"int64":   AppendInt64(append([]byte(nil), prefix...), 5, dir),
			"bytes":   AppendBytes(append([]byte(nil), prefix...), []byte("x\x00"), dir),
			"string":  AppendString(append([]byte(nil), prefix...), "x\x00", dir),
			"varint":  AppendVarint(append([]byte(nil), prefix...), -300, dir),
			"decimal": AppendDecimal(append([]byte(nil), prefix...), DecimalNeg, 3, []byte("12"), dir),
			"float":   AppendFloat64(append([]byte(nil), prefix...), -2.5, dir),
		} {
			if !bytes.HasPrefix(enc, prefix) {
				t.Errorf("%s %s: prefix overwritten: %x", name, encDirName(dir), enc)
			}
		}
	}
}

var encInt64s = []int64{math.MinInt64, math.MinInt64 + 1, -1 << 32, -65537, -65536, -257, -256, -255, -2, -1,
	0, 1, 2, 127, 128, 255, 256, 65535, 65536, 1 << 40, math.MaxInt64 - 1, math.MaxInt64}

func TestEncodingInt64(t *testing.T) {
	for _, dir := range encDirs {
		var encs [][]byte
		var names []string
		for _, v := range encInt64s {
			enc := AppendInt64(nil, v, dir)
			got, rest, err := DecodeInt64(append(enc, 0x42), dir)
			if err != nil || got != v || !bytes.Equal(rest, []byte{0x42}) {
				t.Errorf("%s: DecodeInt64(%x) = %d, %x, %v; want %d", encDirName(dir), enc, got, rest, err, v)
			}
			encCheckPrefixes(t, enc, func(b []byte) error { _, _, err := DecodeInt64(b, dir); return err })
			encs = append(encs, enc)
			names = append(names, strconv.FormatInt(v, 10))
		}
		encCheckOrder(t, dir, encs, names)
	}
}

func TestEncodingInt32(t *testing.T) {
	vals := []int32{math.MinInt32, -65536, -1, 0, 1, 255, 256, math.MaxInt32}
	for _, dir := range encDirs {
		var encs [][]byte
		var names []string
		for _, v := range vals {
			enc := AppendInt32(nil, v, dir)
			got, rest, err := DecodeInt32(enc, dir)
			if err != nil || got != v || len(rest) != 0 {
				t.Errorf("%s: DecodeInt32(%x) = %d, %v; want %d", encDirName(dir), enc, got, err, v)
			}
			encCheckPrefixes(t, enc, func(b []byte) error { _, _, err := DecodeInt32(b, dir); return err })
			encs = append(encs, enc)
			names = append(names, strconv.Itoa(int(v)))
		}
		encCheckOrder(t, dir, encs, names)
	}
}

func TestEncodingUint(t *testing.T) {
	vals := []uint64{0, 1, 255, 256, 1 << 32, math.MaxUint64}
	for _, dir := range encDirs {
		var encs [][]byte
		var names []string
		for _, v := range vals {
			enc := AppendUint64(nil, v, dir)
			got, _, err := DecodeUint64(enc, dir)
			if err != nil || got != v {
				t.Errorf("DecodeUint64(%x) = %d, %v; want %d", enc, got, err, v)
			}
			encCheckPrefixes(t, enc, func(b []byte) error { _, _, err := DecodeUint64(b, dir); return err })
			encs = append(encs, enc)
			names = append(names, strconv.FormatUint(v, 10))
		}
		encCheckOrder(t, dir, encs, names)
	}
	var encs [][]byte
	var names []string
	for _, v := range []uint32{0, 1, 16384, math.MaxUint32} {
		enc := AppendUint32(nil, v)
		got, rest, err := DecodeUint32(append(enc, 9))
		if err != nil || got != v || !bytes.Equal(rest, []byte{9}) {
			t.Errorf("DecodeUint32(%x) = %d, %x, %v; want %d", enc, got, rest, err, v)
		}
		encCheckPrefixes(t, enc, func(b []byte) error { _, _, err := DecodeUint32(b); return err })
		encs = append(encs, enc)
		names = append(names, strconv.FormatUint(uint64(v), 10))
	}
	encCheckOrder(t, Asc, encs, names)
}

func TestEncodingFloat64(t *testing.T) {
	// Ascending value order; NaN last.
	vals := []float64{math.Inf(-1), -math.MaxFloat64, -1e300, -2.5, -1, -math.SmallestNonzeroFloat64, 0,
		math.SmallestNonzeroFloat64, 1e-300, 1, 2.5, 1e300, math.MaxFloat64, math.Inf(1), math.NaN()}
	for _, dir := range encDirs {
		var encs [][]byte
		var names []string
		for _, v := range vals {
			enc := AppendFloat64(nil, v, dir)
			got, _, err := DecodeFloat64(enc, dir)
			if err != nil || !(got == v || math.IsNaN(v) && math.IsNaN(got)) {
				t.Errorf("DecodeFloat64(%x) = %v, %v; want %v", enc, got, err, v)
			}
			encCheckPrefixes(t, enc, func(b []byte) error { _, _, err := DecodeFloat64(b, dir); return err })
			encs = append(encs, enc)
			names = append(names, strconv.FormatFloat(v, 'g', -1, 64))
		}
		encCheckOrder(t, dir, encs, names)

		// Equal values encode equal: -0 and +0, every NaN.
		negZero := AppendFloat64(nil, math.Copysign(0, -1), dir)
		if !bytes.Equal(negZero, AppendFloat64(nil, 0, dir)) {
			t.Errorf("%s: -0 and +0 encode differently", encDirName(dir))
		}
		z, _, _ := DecodeFloat64(negZero, dir)
		if math.Signbit(z) {
			t.Errorf("%s: -0 decoded with the sign bit set", encDirName(dir))
		}
		otherNaN := math.Float64frombits(0xFFF8000000000123)
		if !bytes.Equal(AppendFloat64(nil, otherNaN, dir), AppendFloat64(nil, math.NaN(), dir)) {
			t.Errorf("%s: NaNs encode differently", encDirName(dir))
		}
	}
}

var encStrings = []string{"", "\x00", "\x00\x00", "\x00\x01", "\x00\xff", "\x01", "a", "a\x00", "a\x00\x00", "a\x00b",
	"a\x01", "aa", "ab", "b", "\xfe", "\xff", "\xff\x00", "\xff\xff"}

func TestEncodingBytes(t *testing.T) {
	for _, dir := range encDirs {
		var encs [][]byte
		for _, s := range encStrings {
			enc := AppendBytes(nil, []byte(s), dir)
			if !bytes.Equal(enc, AppendString(nil, s, dir)) {
				t.Errorf("AppendBytes and AppendString differ for %q", s)
			}
			got, rest, err := DecodeBytes(append(enc, 0x07), dir, nil)
			if err != nil || string(got) != s || !bytes.Equal(rest, []byte{0x07}) {
				t.Errorf("%s: DecodeBytes(%x) = %q, %x, %v; want %q", encDirName(dir), enc, got, rest, err, s)
			}
			// The decoded bytes are appended to dst.
			got, _, _ = DecodeBytes(enc, dir, []byte("pre"))
			if string(got) != "pre"+s {
				t.Errorf("DecodeBytes with dst = %q, want %q", got, "pre"+s)
			}
			encCheckPrefixes(t, enc, func(b []byte) error { _, _, err := DecodeBytes(b, dir, nil); return err })
			encs = append(encs, enc)
		}
		encCheckOrder(t, dir, encs, encStrings)
	}
}

func TestEncodingBytesNoAlias(t *testing.T) {
	enc := AppendString(nil, "hello", Asc)
	got, _, err := DecodeBytes(enc, Asc, nil)
	if err != nil {
		t.Fatal(err)
	}
	enc[0] = 'X'
	if string(got) != "hello" {
		t.Errorf("decoded bytes alias the input: %q", got)
	}
}

func TestEncodingVarint(t *testing.T) {
	for _, dir := range encDirs {
		var encs [][]byte
		var names []string
		for _, v := range encInt64s {
			enc := AppendVarint(nil, v, dir)
			got, rest, err := DecodeVarint(append(enc, 0x33), dir)
			if err != nil || got != v || !bytes.Equal(rest, []byte{0x33}) {
				t.Errorf("%s: DecodeVarint(%x) = %d, %x, %v; want %d", encDirName(dir), enc, got, rest, err, v)
			}
			encCheckPrefixes(t, enc, func(b []byte) error { _, _, err := DecodeVarint(b, dir); return err })
			encs = append(encs, enc)
			names = append(names, strconv.FormatInt(v, 10))
		}
		encCheckOrder(t, dir, encs, names)
	}
}

func TestEncodingVarintRejects(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
	}{
		{"empty", nil},
		{"header too long positive", []byte{0x89, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
		{"header too long negative", []byte{0x76, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
		{"non-minimal positive", []byte{0x82, 0x00, 0x05}},
		{"non-minimal negative", []byte{0x7D, 0xFF, 0x05}},
		{"positive overflows int64", []byte{0x88, 0x80, 0, 0, 0, 0, 0, 0, 0}},
		{"negative overflows int64", []byte{0x77, 0x7F, 0, 0, 0, 0, 0, 0, 0}},
		{"truncated", []byte{0x82, 0x01}},
	}
	for _, tc := range tests {
		if _, _, err := DecodeVarint(tc.in, Asc); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: DecodeVarint(%x) error = %v, want ErrCorrupt", tc.name, tc.in, err)
		}
	}
}

type encDecimal struct {
	class  DecimalClass
	exp    int64
	digits string
}

func (d encDecimal) String() string {
	return strconv.Itoa(int(d.class)) + ":" + d.digits + "e" + strconv.FormatInt(d.exp, 10)
}

// Decimals in ascending value order (±0.digits × 10^exp).
var encDecimals = []encDecimal{
	{DecimalNegInf, 0, ""},
	{DecimalNeg, 1000, "1"},
	{DecimalNeg, 300, "123"},
	{DecimalNeg, 2, "99"},   // -99
	{DecimalNeg, 2, "12"},   // -12
	{DecimalNeg, 2, "1"},    // -10
	{DecimalNeg, 1, "15"},   // -1.5
	{DecimalNeg, 1, "1001"}, // -1.001
	{DecimalNeg, 1, "1"},    // -1
	{DecimalNeg, 0, "5"},    // -0.5
	{DecimalNeg, -5, "1"},
	{DecimalNeg, -300, "7"},
	{DecimalZero, 0, ""},
	{DecimalPos, -300, "7"},
	{DecimalPos, -5, "1"},
	{DecimalPos, -1, "123"}, // 0.0123
	{DecimalPos, 0, "5"},    // 0.5
	{DecimalPos, 1, "1"},    // 1
	{DecimalPos, 1, "1001"}, // 1.001
	{DecimalPos, 1, "101"},  // 1.01
	{DecimalPos, 1, "15"},   // 1.5
	{DecimalPos, 1, "9"},    // 9
	{DecimalPos, 2, "1"},    // 10
	{DecimalPos, 2, "12"},   // 12
	{DecimalPos, 2, "99"},   // 99
	{DecimalPos, 3, "1"},    // 100
	{DecimalPos, 20, "12345678901234567890123"},
	{DecimalPos, 20, "12345678901234567890124"},
	{DecimalPos, 20, "1234567890123456789013"},
	{DecimalPos, 1 << 40, "1"},
	{DecimalPosInf, 0, ""},
	{DecimalNaN, 0, ""},
}

func TestEncodingDecimal(t *testing.T) {
	for _, dir := range encDirs {
		var encs [][]byte
		var names []string
		for _, d := range encDecimals {
			enc := AppendDecimal(nil, d.class, d.exp, []byte(d.digits), dir)
			class, exp, digits, rest, err := DecodeDecimal(append(enc, 0x05), dir, nil)
			if err != nil || class != d.class || string(digits) != d.digits || exp != d.exp && d.digits != "" ||
				!bytes.Equal(rest, []byte{0x05}) {
				t.Errorf("%s: DecodeDecimal(%x) = %d %d %q %x %v; want %v", encDirName(dir), enc, class, exp, digits, rest, err, d)
			}
			encCheckPrefixes(t, enc, func(b []byte) error { _, _, _, _, err := DecodeDecimal(b, dir, nil); return err })
			encs = append(encs, enc)
			names = append(names, d.String())
		}
		encCheckOrder(t, dir, encs, names)
	}
}

func TestEncodingDecimalNormalises(t *testing.T) {
	tests := []struct {
		name       string
		a, b       encDecimal
		wantDigits string
		wantExp    int64
	}{
		{"trailing zeros", encDecimal{DecimalPos, 1, "1000"}, encDecimal{DecimalPos, 1, "1"}, "1", 1},
		{"leading zeros", encDecimal{DecimalPos, 4, "0012"}, encDecimal{DecimalPos, 2, "12"}, "12", 2},
		{"negative", encDecimal{DecimalNeg, 3, "05500"}, encDecimal{DecimalNeg, 2, "55"}, "55", 2},
	}
	for _, tc := range tests {
		ea := AppendDecimal(nil, tc.a.class, tc.a.exp, []byte(tc.a.digits), Asc)
		eb := AppendDecimal(nil, tc.b.class, tc.b.exp, []byte(tc.b.digits), Asc)
		if !bytes.Equal(ea, eb) {
			t.Errorf("%s: %x != %x", tc.name, ea, eb)
		}
		_, exp, digits, _, err := DecodeDecimal(ea, Asc, nil)
		if err != nil || string(digits) != tc.wantDigits || exp != tc.wantExp {
			t.Errorf("%s: decoded %q e%d %v, want %q e%d", tc.name, digits, exp, err, tc.wantDigits, tc.wantExp)
		}
	}
	if got := AppendDecimal(nil, DecimalNeg, 9, []byte("000"), Asc); !bytes.Equal(got, []byte{byte(DecimalZero)}) {
		t.Errorf("all-zero digits: %x, want zero class", got)
	}
}

func TestEncodingDecimalRejects(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
	}{
		{"bad class", []byte{7}},
		{"class zero", []byte{0}},
		{"digit pair over 100", []byte{4, 0x81, 0x01, 101, 0}},
		{"leading zero digit", []byte{4, 0x81, 0x01, 2, 0}},
		{"no digits", []byte{4, 0x81, 0x01, 0}},
		{"unterminated", []byte{4, 0x81, 0x01, 11}},
	}
	for _, tc := range tests {
		if _, _, _, _, err := DecodeDecimal(tc.in, Asc, nil); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: error = %v, want ErrCorrupt", tc.name, err)
		}
	}
}

func TestEncodingDecimalPanicsOnNonDigits(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("AppendDecimal accepted non-digit bytes")
		}
	}()
	AppendDecimal(nil, DecimalPos, 1, []byte("1x"), Asc)
}

func TestEncodingMarkers(t *testing.T) {
	for _, dir := range encDirs {
		end := AppendListEnd(nil, dir)
		notNull := AppendNotNull(nil, dir)
		null := AppendNull(nil, dir)
		// Ascending: end < not null < null; descending reverses.
		encCheckOrder(t, dir, [][]byte{end, notNull, null}, []string{"end", "not null", "null"})

		isNull, rest, err := DecodeNull(append(null, 0x09), dir)
		if err != nil || !isNull || !bytes.Equal(rest, []byte{0x09}) {
			t.Errorf("%s: DecodeNull(null) = %v %x %v", encDirName(dir), isNull, rest, err)
		}
		isNull, _, err = DecodeNull(notNull, dir)
		if err != nil || isNull {
			t.Errorf("%s: DecodeNull(not null) = %v %v", encDirName(dir), isNull, err)
		}
		if _, _, err := DecodeNull(end, dir); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: DecodeNull(end) error = %v", encDirName(dir), err)
		}
		if _, _, err := DecodeNull(nil, dir); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: DecodeNull(empty) error = %v", encDirName(dir), err)
		}
		if ok, rest := DecodeListEnd(append(end, 0x01), dir); !ok || !bytes.Equal(rest, []byte{0x01}) {
			t.Errorf("%s: DecodeListEnd(end) = %v %x", encDirName(dir), ok, rest)
		}
		if ok, rest := DecodeListEnd(notNull, dir); ok || !bytes.Equal(rest, notNull) {
			t.Errorf("%s: DecodeListEnd(not null) = %v %x", encDirName(dir), ok, rest)
		}
		if ok, _ := DecodeListEnd(nil, dir); ok {
			t.Errorf("%s: DecodeListEnd(empty) = true", encDirName(dir))
		}
		v, rest, err := DecodeByte(AppendByte(nil, 0x5A, dir), dir)
		if err != nil || v != 0x5A || len(rest) != 0 {
			t.Errorf("%s: DecodeByte = %x %x %v", encDirName(dir), v, rest, err)
		}
		if _, _, err := DecodeByte(nil, dir); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: DecodeByte(empty) error = %v", encDirName(dir), err)
		}
	}
}

func TestEncodingPrefixEnd(t *testing.T) {
	tests := []struct {
		in, want []byte
	}{
		{nil, nil},
		{[]byte{}, nil},
		{[]byte{0xFF}, nil},
		{[]byte{0xFF, 0xFF}, nil},
		{[]byte{0x00}, []byte{0x01}},
		{[]byte{0x01, 0x02}, []byte{0x01, 0x03}},
		{[]byte{0x01, 0xFF}, []byte{0x02}},
		{[]byte{0x01, 0xFE, 0xFF, 0xFF}, []byte{0x01, 0xFF}},
		{[]byte{0, 0, 0x40, 0}, []byte{0, 0, 0x40, 1}},
	}
	for _, tc := range tests {
		in := append([]byte(nil), tc.in...)
		got := PrefixEnd(in)
		if !bytes.Equal(got, tc.want) || (got == nil) != (tc.want == nil) {
			t.Errorf("PrefixEnd(%x) = %x, want %x", tc.in, got, tc.want)
		}
		if !bytes.Equal(in, tc.in) {
			t.Errorf("PrefixEnd modified its input: %x", in)
		}
	}
	// Every key with the prefix sorts below PrefixEnd, and the prefix's
	// neighbour above does not.
	prefix := AppendUint32(nil, 16384)
	end := PrefixEnd(prefix)
	for _, suffix := range [][]byte{nil, {0}, {0xFF, 0xFF, 0xFF}, AppendInt64(nil, math.MaxInt64, Asc)} {
		key := append(append([]byte(nil), prefix...), suffix...)
		if bytes.Compare(key, end) >= 0 {
			t.Errorf("key %x not below PrefixEnd %x", key, end)
		}
	}
	if next := AppendUint32(nil, 16385); bytes.Compare(next, end) < 0 {
		t.Errorf("next table prefix %x below PrefixEnd %x", next, end)
	}
}

// TestEncodingRandomOrder checks on random pairs that byte order equals
// value order for every encoder with a direction.
func TestEncodingRandomOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	sign := func(c int) int {
		switch {
		case c < 0:
			return -1
		case c > 0:
			return 1
		}
		return 0
	}
	randInt := func() int64 {
		switch rng.IntN(3) {
		case 0:
			return rng.Int64N(600) - 300
		case 1:
			return int64(rng.Uint64())
		}
		return rng.Int64N(1<<40) - 1<<39
	}
	randFloat := func() float64 {
		specials := []float64{math.Inf(1), math.Inf(-1), math.NaN(), 0, math.Copysign(0, -1)}
		if rng.IntN(5) == 0 {
			return specials[rng.IntN(len(specials))]
		}
		return math.Float64frombits(rng.Uint64())
	}
	cmpFloat := func(a, b float64) int {
		an, bn := math.IsNaN(a), math.IsNaN(b)
		switch {
		case an && bn:
			return 0
		case an:
			return 1
		case bn:
			return -1
		case a < b:
			return -1
		case a > b:
			return 1
		}
		return 0
	}
	randBytes := func() []byte {
		alphabet := []byte{0x00, 0x01, 'a', 0xFE, 0xFF}
		b := make([]byte, rng.IntN(5))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return b
	}
	for _, dir := range encDirs {
		want := func(c int) int {
			if dir == Desc {
				return -c
			}
			return c
		}
		for range 2000 {
			a, b := randInt(), randInt()
			vc := 0
			if a < b {
				vc = -1
			} else if a > b {
				vc = 1
			}
			if got := sign(bytes.Compare(AppendInt64(nil, a, dir), AppendInt64(nil, b, dir))); got != want(vc) {
				t.Fatalf("%s int64 %d vs %d: %d", encDirName(dir), a, b, got)
			}
			if got := sign(bytes.Compare(AppendVarint(nil, a, dir), AppendVarint(nil, b, dir))); got != want(vc) {
				t.Fatalf("%s varint %d vs %d: %d", encDirName(dir), a, b, got)
			}
			fa, fb := randFloat(), randFloat()
			if got := sign(bytes.Compare(AppendFloat64(nil, fa, dir), AppendFloat64(nil, fb, dir))); got != want(cmpFloat(fa, fb)) {
				t.Fatalf("%s float %v vs %v: %d", encDirName(dir), fa, fb, got)
			}
			ba, bb := randBytes(), randBytes()
			if got := sign(bytes.Compare(AppendBytes(nil, ba, dir), AppendBytes(nil, bb, dir))); got != want(bytes.Compare(ba, bb)) {
				t.Fatalf("%s bytes %x vs %x: %d", encDirName(dir), ba, bb, got)
			}
		}
	}
}

// TestEncodingConcatenated checks that values decode one after another and
// that a composite key orders by its first differing column.
func TestEncodingConcatenated(t *testing.T) {
	key := AppendUint32(nil, 7)
	key = AppendNotNull(key, Asc)
	key = AppendString(key, "ab\x00", Asc)
	key = AppendNull(key, Desc)
	key = AppendNotNull(key, Desc)
	key = AppendInt64(key, -3, Desc)

	id, rest, err := DecodeUint32(key)
	if err != nil || id != 7 {
		t.Fatalf("table id %d %v", id, err)
	}
	isNull, rest, _ := DecodeNull(rest, Asc)
	s, rest, err := DecodeBytes(rest, Asc, nil)
	if isNull || err != nil || string(s) != "ab\x00" {
		t.Fatalf("string %q %v", s, err)
	}
	if isNull, rest, _ = DecodeNull(rest, Desc); !isNull {
		t.Fatal("want NULL")
	}
	isNull, rest, _ = DecodeNull(rest, Desc)
	v, rest, err := DecodeInt64(rest, Desc)
	if isNull || err != nil || v != -3 || len(rest) != 0 {
		t.Fatalf("int %d %v rest %x", v, err, rest)
	}

	// ("a", 5) < ("a", 6) < ("a\x00", 1) < ("b", 0).
	mk := func(s string, i int64) []byte { return AppendInt64(AppendString(nil, s, Asc), i, Asc) }
	encCheckOrder(t, Asc, [][]byte{mk("a", 5), mk("a", 6), mk("a\x00", 1), mk("b", 0)},
		[]string{"(a,5)", "(a,6)", "(a\\0,1)", "(b,0)"})
}

func FuzzEncodingDecode(f *testing.F) {
	f.Add([]byte{0x81, 0x01})
	f.Add(AppendString(nil, "a\x00b", Desc))
	f.Add(AppendDecimal(nil, DecimalNeg, -7, []byte("314"), Asc))
	f.Add([]byte{0xFF, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, dir := range encDirs {
			if v, _, err := DecodeVarint(b, dir); err == nil {
				enc := AppendVarint(nil, v, dir)
				if !bytes.HasPrefix(b, enc) {
					t.Errorf("varint %d: canonical encoding %x is not a prefix of %x", v, enc, b)
				}
			}
			if s, rest, err := DecodeBytes(b, dir, nil); err == nil {
				enc := AppendBytes(nil, s, dir)
				if !bytes.Equal(append(enc, rest...), b) {
					t.Errorf("bytes %q: re-encoding %x differs from input %x", s, enc, b)
				}
			}
			if class, exp, digits, _, err := DecodeDecimal(b, dir, nil); err == nil {
				enc := AppendDecimal(nil, class, exp, digits, dir)
				c2, e2, d2, rest, err := DecodeDecimal(enc, dir, nil)
				if err != nil || c2 != class || string(d2) != string(digits) || len(digits) > 0 && e2 != exp || len(rest) != 0 {
					t.Errorf("decimal %d %q e%d does not round trip: %d %q e%d %v", class, digits, exp, c2, d2, e2, err)
				}
			}
			if f, _, err := DecodeFloat64(b, dir); err == nil {
				g, _, _ := DecodeFloat64(AppendFloat64(nil, f, dir), dir)
				if !(f == g || math.IsNaN(f) && math.IsNaN(g)) {
					t.Errorf("float %v round trips to %v", f, g)
				}
			}
		}
	})
}
