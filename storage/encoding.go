package storage

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
)

// Memcomparable encodings: the byte order (bytes.Compare) of two encodings
// equals the order of the values they encode, so Pebble's key order is the
// SQL order of the primary key. Every encoder appends to b and returns the
// extended slice; every decoder reads one value from the front of b and
// returns it with the unread rest. Decoders never panic on bad input: a
// truncated or malformed encoding is an error wrapping ErrCorrupt.
//
// Each encoder (except AppendUint32, used for table ids) takes a Dir. A
// descending encoding is the ascending one with every byte inverted, which
// reverses the byte order of encodings; decoders take the same Dir.
//
// Ascending layouts:
//
//	null marker      0x02 (NULL), 0x01 (not NULL): NULL sorts last
//	list end         0x00, below both markers: shorter lists sort first
//	uint32/uint64    big-endian
//	int32/int64      big-endian with the sign bit flipped
//	float64          IEEE bits; sign bit flipped if >= 0, all bits if < 0
//	bytes            0x00 escaped as 0x00 0xFF, terminated by 0x00 0x01
//	varint           header 0x80+n (v >= 0) or 0x7F-n (v < 0), then n bytes
//	decimal          class byte, then for non-zero finite values the
//	                 adjusted exponent (varint) and base-100 digit pairs
//	                 (1..100) ended by 0x00; negative values invert all
//	                 bytes after the class byte

// Dir is the direction of a key column: Asc or Desc.
type Dir uint8

// The two key directions.
const (
	// Asc orders encodings as the values ascend.
	Asc Dir = iota
	// Desc orders encodings as the values descend: every byte of the
	// ascending encoding is inverted.
	Desc
)

// ErrCorrupt is wrapped by every decoding error: the input is truncated or
// is not an encoding the encoders produce.
var ErrCorrupt = errors.New("storage: corrupt encoding")

func encCorrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

// Marker bytes (ascending).
const (
	encListEnd byte = 0x00
	encNotNull byte = 0x01
	encNull    byte = 0x02
)

// encInvert inverts every byte of b in place.
func encInvert(b []byte) {
	for i := range b {
		b[i] = ^b[i]
	}
}

// encMask is 0x00 for Asc and 0xFF for Desc: XOR with it converts between
// a byte and its encoding in that direction.
func encMask(dir Dir) byte {
	if dir == Desc {
		return 0xFF
	}
	return 0
}

// AppendNull appends the marker of a NULL value: it sorts after every
// not-NULL marker in ascending order and before them in descending order
// (PostgreSQL's default NULLS LAST for ASC, NULLS FIRST for DESC).
func AppendNull(b []byte, dir Dir) []byte { return append(b, encNull^encMask(dir)) }

// AppendNotNull appends the marker that precedes every non-NULL value of a
// nullable key column.
func AppendNotNull(b []byte, dir Dir) []byte { return append(b, encNotNull^encMask(dir)) }

// DecodeNull reads a marker written by AppendNull or AppendNotNull and
// reports whether it was the NULL marker.
func DecodeNull(b []byte, dir Dir) (isNull bool, rest []byte, err error) {
	if len(b) == 0 {
		return false, nil, encCorrupt("missing null marker")
	}
	switch b[0] ^ encMask(dir) {
	case encNull:
		return true, b[1:], nil
	case encNotNull:
		return false, b[1:], nil
	}
	return false, nil, encCorrupt("invalid null marker 0x%02x", b[0])
}

// AppendListEnd appends the marker that ends a list of values each of
// which starts with a null marker (AppendNull or AppendNotNull). The end
// marker sorts before both, so a list orders before every longer list it
// is a prefix of (in ascending order).
func AppendListEnd(b []byte, dir Dir) []byte { return append(b, encListEnd^encMask(dir)) }

// DecodeListEnd reports whether b starts with the list end marker and, if
// so, returns the bytes after it; otherwise it returns b unchanged.
func DecodeListEnd(b []byte, dir Dir) (end bool, rest []byte) {
	if len(b) > 0 && b[0]^encMask(dir) == encListEnd {
		return true, b[1:]
	}
	return false, b
}

// AppendByte appends one byte (a tag or a bool) in the given direction.
func AppendByte(b []byte, v byte, dir Dir) []byte { return append(b, v^encMask(dir)) }

// DecodeByte reads a byte written by AppendByte.
func DecodeByte(b []byte, dir Dir) (byte, []byte, error) {
	if len(b) < 1 {
		return 0, nil, encCorrupt("truncated byte")
	}
	return b[0] ^ encMask(dir), b[1:], nil
}

// AppendUint32 appends v as 4 big-endian bytes: the table-id prefix of
// every key.
func AppendUint32(b []byte, v uint32) []byte { return binary.BigEndian.AppendUint32(b, v) }

// DecodeUint32 reads a value written by AppendUint32.
func DecodeUint32(b []byte) (uint32, []byte, error) {
	if len(b) < 4 {
		return 0, nil, encCorrupt("truncated uint32")
	}
	return binary.BigEndian.Uint32(b), b[4:], nil
}

// AppendUint64 appends v as 8 big-endian bytes (inverted for Desc).
func AppendUint64(b []byte, v uint64, dir Dir) []byte {
	if dir == Desc {
		v = ^v
	}
	return binary.BigEndian.AppendUint64(b, v)
}

// DecodeUint64 reads a value written by AppendUint64.
func DecodeUint64(b []byte, dir Dir) (uint64, []byte, error) {
	if len(b) < 8 {
		return 0, nil, encCorrupt("truncated uint64")
	}
	v := binary.BigEndian.Uint64(b)
	if dir == Desc {
		v = ^v
	}
	return v, b[8:], nil
}

// AppendInt64 appends v as 8 bytes, big-endian with the sign bit flipped
// so that negative values order before positive ones.
func AppendInt64(b []byte, v int64, dir Dir) []byte {
	return AppendUint64(b, uint64(v)^(1<<63), dir)
}

// DecodeInt64 reads a value written by AppendInt64.
func DecodeInt64(b []byte, dir Dir) (int64, []byte, error) {
	u, rest, err := DecodeUint64(b, dir)
	if err != nil {
		return 0, nil, encCorrupt("truncated int64")
	}
	return int64(u ^ (1 << 63)), rest, nil
}

// AppendInt32 appends v as 4 bytes, big-endian with the sign bit flipped.
func AppendInt32(b []byte, v int32, dir Dir) []byte {
	u := uint32(v) ^ (1 << 31)
	if dir == Desc {
		u = ^u
	}
	return binary.BigEndian.AppendUint32(b, u)
}

// DecodeInt32 reads a value written by AppendInt32.
func DecodeInt32(b []byte, dir Dir) (int32, []byte, error) {
	if len(b) < 4 {
		return 0, nil, encCorrupt("truncated int32")
	}
	u := binary.BigEndian.Uint32(b)
	if dir == Desc {
		u = ^u
	}
	return int32(u ^ (1 << 31)), b[4:], nil
}

// canonicalNaN is the one NaN every NaN encodes as.
var canonicalNaN = math.Float64bits(math.NaN())

// AppendFloat64 appends v as 8 bytes ordered -Inf < negative < 0 <
// positive < +Inf < NaN. -0 is encoded as +0 and every NaN as the same
// NaN, so values that compare equal encode equal.
func AppendFloat64(b []byte, v float64, dir Dir) []byte {
	var u uint64
	switch {
	case v != v:
		u = canonicalNaN
	case v == 0:
		u = 0
	default:
		u = math.Float64bits(v)
	}
	if u&(1<<63) == 0 {
		u |= 1 << 63
	} else {
		u = ^u
	}
	return AppendUint64(b, u, dir)
}

// DecodeFloat64 reads a value written by AppendFloat64. NaN decodes as
// math.NaN(); zero as +0.
func DecodeFloat64(b []byte, dir Dir) (float64, []byte, error) {
	u, rest, err := DecodeUint64(b, dir)
	if err != nil {
		return 0, nil, encCorrupt("truncated float64")
	}
	if u&(1<<63) != 0 {
		u &^= 1 << 63
	} else {
		u = ^u
	}
	return math.Float64frombits(u), rest, nil
}

// Byte-string escapes (ascending).
const (
	encEscape     byte = 0x00
	encEscapedNul byte = 0xFF
	encTerminator byte = 0x01
)

// AppendBytes appends v escaped and terminated: each 0x00 becomes 0x00
// 0xFF and the end is 0x00 0x01, so a string orders before every longer
// string it is a prefix of (in ascending order).
func AppendBytes(b []byte, v []byte, dir Dir) []byte {
	start := len(b)
	for {
		i := bytes.IndexByte(v, 0)
		if i < 0 {
			break
		}
		b = append(b, v[:i]...)
		b = append(b, encEscape, encEscapedNul)
		v = v[i+1:]
	}
	b = append(b, v...)
	b = append(b, encEscape, encTerminator)
	if dir == Desc {
		encInvert(b[start:])
	}
	return b
}

// AppendString is AppendBytes for a string.
func AppendString(b []byte, s string, dir Dir) []byte {
	start := len(b)
	for {
		i := indexZero(s)
		if i < 0 {
			break
		}
		b = append(b, s[:i]...)
		b = append(b, encEscape, encEscapedNul)
		s = s[i+1:]
	}
	b = append(b, s...)
	b = append(b, encEscape, encTerminator)
	if dir == Desc {
		encInvert(b[start:])
	}
	return b
}

func indexZero(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return i
		}
	}
	return -1
}

// DecodeBytes reads a value written by AppendBytes or AppendString,
// appends the unescaped bytes to dst and returns the extended dst. The
// result never aliases b unless dst does.
func DecodeBytes(b []byte, dir Dir, dst []byte) (val []byte, rest []byte, err error) {
	esc := encEscape ^ encMask(dir)
	for {
		i := bytes.IndexByte(b, esc)
		if i < 0 || i+1 >= len(b) {
			return nil, nil, encCorrupt("unterminated bytes")
		}
		seg := len(dst)
		dst = append(dst, b[:i]...)
		if dir == Desc {
			encInvert(dst[seg:])
		}
		switch b[i+1] ^ encMask(dir) {
		case encTerminator:
			return dst, b[i+2:], nil
		case encEscapedNul:
			dst = append(dst, 0)
			b = b[i+2:]
		default:
			return nil, nil, encCorrupt("invalid escape 0x%02x in bytes", b[i+1])
		}
	}
}

// AppendVarint appends v in an order-preserving variable-length form: a
// header byte, 0x80+n for v >= 0 or 0x7F-n for v < 0, then the low n bytes
// of v big-endian, n being the fewest bytes that hold v (0 for 0 and -1).
// Small magnitudes take one or two bytes; any int64 takes at most nine.
func AppendVarint(b []byte, v int64, dir Dir) []byte {
	start := len(b)
	if v >= 0 {
		n := (bits.Len64(uint64(v)) + 7) / 8
		b = append(b, byte(0x80+n))
		b = encAppendLow(b, uint64(v), n)
	} else {
		n := (bits.Len64(^uint64(v)) + 7) / 8
		b = append(b, byte(0x7F-n))
		b = encAppendLow(b, uint64(v), n)
	}
	if dir == Desc {
		encInvert(b[start:])
	}
	return b
}

// encAppendLow appends the low n bytes of u, big-endian.
func encAppendLow(b []byte, u uint64, n int) []byte {
	for i := n - 1; i >= 0; i-- {
		b = append(b, byte(u>>(8*i)))
	}
	return b
}

// DecodeVarint reads a value written by AppendVarint. Encodings that are
// not the shortest form are rejected, so every value has exactly one
// encoding.
func DecodeVarint(b []byte, dir Dir) (int64, []byte, error) {
	if len(b) == 0 {
		return 0, nil, encCorrupt("truncated varint")
	}
	m := encMask(dir)
	h := b[0] ^ m
	var n int
	neg := h < 0x80
	if neg {
		n = int(0x7F - h)
	} else {
		n = int(h - 0x80)
	}
	if n > 8 {
		return 0, nil, encCorrupt("invalid varint header 0x%02x", b[0])
	}
	if len(b) < 1+n {
		return 0, nil, encCorrupt("truncated varint")
	}
	var u uint64
	for i := 1; i <= n; i++ {
		u = u<<8 | uint64(b[i]^m)
	}
	if neg {
		if n < 8 {
			u |= ^uint64(0) << (8 * n)
		}
		if n > 0 && b[1]^m == 0xFF || int64(u) >= 0 {
			return 0, nil, encCorrupt("non-canonical varint")
		}
	} else if n > 0 && b[1]^m == 0 || int64(u) < 0 {
		return 0, nil, encCorrupt("non-canonical varint")
	}
	return int64(u), b[1+n:], nil
}

// DecimalClass is the class of a decimal in the memcomparable decimal
// encoding. The constants are in value order.
type DecimalClass uint8

// The decimal classes, in value order; NaN sorts after everything (as
// PostgreSQL's numeric NaN does).
const (
	DecimalNegInf DecimalClass = iota + 1
	DecimalNeg
	DecimalZero
	DecimalPos
	DecimalPosInf
	DecimalNaN
)

// AppendDecimal appends a decimal. For DecimalNeg and DecimalPos the value
// is ±0.d1d2d3... × 10^exp, digits being the ASCII decimal digits d1d2d3...
// of its magnitude; leading and trailing zeros are dropped first (leading
// ones adjusting exp), so every representation of a number (1, 1.0, 1.00)
// encodes identically, and all-zero digits encode as DecimalZero. For the
// other classes exp and digits are ignored. It panics if digits holds a
// byte that is not an ASCII digit.
func AppendDecimal(b []byte, class DecimalClass, exp int64, digits []byte, dir Dir) []byte {
	if class == DecimalNeg || class == DecimalPos {
		for len(digits) > 0 && digits[len(digits)-1] == '0' {
			digits = digits[:len(digits)-1]
		}
		for len(digits) > 0 && digits[0] == '0' {
			digits = digits[1:]
			exp--
		}
		if len(digits) == 0 {
			class = DecimalZero
		}
	}
	start := len(b)
	b = append(b, byte(class))
	if class == DecimalNeg || class == DecimalPos {
		body := len(b)
		b = AppendVarint(b, exp, Asc)
		for i := 0; i < len(digits); i += 2 {
			hi := digits[i] - '0'
			var lo byte
			if i+1 < len(digits) {
				lo = digits[i+1] - '0'
			}
			if hi > 9 || lo > 9 {
				panic(fmt.Sprintf("storage: AppendDecimal: digits %q are not decimal", digits))
			}
			b = append(b, hi*10+lo+1)
		}
		b = append(b, 0)
		if class == DecimalNeg {
			encInvert(b[body:])
		}
	}
	if dir == Desc {
		encInvert(b[start:])
	}
	return b
}

// DecodeDecimal reads a value written by AppendDecimal. For DecimalNeg and
// DecimalPos it appends the magnitude's digits (ASCII, no leading or
// trailing zero) to dst and returns them with the exponent exp such that
// the value is ±0.digits × 10^exp.
func DecodeDecimal(b []byte, dir Dir, dst []byte) (class DecimalClass, exp int64, digits []byte, rest []byte, err error) {
	if len(b) == 0 {
		return 0, 0, nil, nil, encCorrupt("truncated decimal")
	}
	class = DecimalClass(b[0] ^ encMask(dir))
	b = b[1:]
	switch class {
	case DecimalNegInf, DecimalZero, DecimalPosInf, DecimalNaN:
		return class, 0, dst, b, nil
	case DecimalNeg, DecimalPos:
	default:
		return 0, 0, nil, nil, encCorrupt("invalid decimal class %d", class)
	}
	bodyDir := dir
	if class == DecimalNeg {
		bodyDir ^= 1
	}
	exp, b, err = DecodeVarint(b, bodyDir)
	if err != nil {
		return 0, 0, nil, nil, err
	}
	m := encMask(bodyDir)
	start := len(dst)
	for i := 0; ; i++ {
		if i >= len(b) {
			return 0, 0, nil, nil, encCorrupt("unterminated decimal digits")
		}
		p := b[i] ^ m
		if p == 0 {
			b = b[i+1:]
			break
		}
		if p > 100 {
			return 0, 0, nil, nil, encCorrupt("invalid decimal digit pair %d", p)
		}
		p--
		dst = append(dst, '0'+p/10, '0'+p%10)
	}
	for len(dst) > start && dst[len(dst)-1] == '0' {
		dst = dst[:len(dst)-1]
	}
	if len(dst) == start || dst[start] == '0' {
		return 0, 0, nil, nil, encCorrupt("non-canonical decimal digits")
	}
	return class, exp, dst, b, nil
}

// PrefixEnd returns the smallest key that is greater than every key
// starting with prefix, the exclusive upper bound of a prefix scan. It
// returns nil when there is none (prefix is empty or all 0xFF bytes): the
// scan then has no upper bound. The result never aliases prefix.
func PrefixEnd(prefix []byte) []byte {
	for i := len(prefix) - 1; i >= 0; i-- {
		if prefix[i] != 0xFF {
			end := make([]byte, i+1)
			copy(end, prefix)
			end[i]++
			return end
		}
	}
	return nil
}
