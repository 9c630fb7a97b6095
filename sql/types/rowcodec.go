package types

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/cockroachdb/apd/v3"
	"github.com/eddy-db/eddy/sql/sqlerr"
)

// Compact row values (the value of a state-table key). Layout, version 1:
//
//	0x01              format version
//	uvarint n         number of stored columns
//	bitmap            ceil(n/8) bytes; bit i (byte i/8, bit i%8) set = column i is NULL
//	values            each non-NULL column in order, encoded by kind:
//
//	bool              1 byte, 0 or 1
//	int, date, time   zigzag varint
//	float             8 bytes, IEEE bits little-endian (exact: -0, NaN payloads kept)
//	timestamp(tz)     8 bytes little-endian
//	numeric           flags byte (form | negative<<2 | bigCoeff<<3); finite values
//	                  add a zigzag varint exponent and the coefficient, as a
//	                  uvarint or (bigCoeff) a uvarint length and big-endian bytes
//	string, bytes,
//	json              uvarint length, bytes
//	interval          zigzag varints months, days, micros
//	array             uvarint count, element NULL bitmap, non-NULL elements
//	record            uvarint count, then per field a kind byte and its value
//
// Trailing NULL columns are not stored (n stops at the last non-NULL
// column), and a decoder reads columns past n as NULL: a column added to
// the end of a table later reads as NULL from older values.

const rowFormatV1 = 1

// rowMaxDepth bounds the nesting of arrays inside records when decoding.
const rowMaxDepth = 32

// Decimal flag bits.
const (
	rowDecFormMask = 0x03 // apd.Form
	rowDecNegative = 0x04
	rowDecBigCoeff = 0x08
)

// AppendRowValue appends the compact, lossless encoding of row, whose
// column i has type ts[i], and returns the extended slice. Values keep
// everything: numeric digits and scale (1.50 stays 1.50), float bits,
// interval fields. It panics if len(row) != len(ts) or a non-NULL datum's
// kind is not its type's kind (a broken invariant).
func AppendRowValue(b []byte, row Row, ts []Type) []byte {
	if len(row) != len(ts) {
		panic(fmt.Sprintf("types: AppendRowValue: %d datums for %d types", len(row), len(ts)))
	}
	n := len(row)
	for n > 0 && row[n-1].k == KNull {
		n--
	}
	b = append(b, rowFormatV1)
	b = binary.AppendUvarint(b, uint64(n))
	bm := len(b)
	for range (n + 7) / 8 {
		b = append(b, 0)
	}
	for i, d := range row[:n] {
		if d.k == KNull {
			b[bm+i/8] |= 1 << (i % 8)
			continue
		}
		b = rowAppendValue(b, d, ts[i])
	}
	return b
}

func rowAppendValue(b []byte, d Datum, t Type) []byte {
	if t.ID == Record {
		return rowAppendRecord(b, d)
	}
	if d.k != t.Kind() {
		panic(fmt.Sprintf("types: AppendRowValue: datum of kind %d for type %s", d.k, t))
	}
	switch d.k {
	case KBool:
		if d.i != 0 {
			return append(b, 1)
		}
		return append(b, 0)
	case KInt, KDate, KTime:
		return binary.AppendVarint(b, d.i)
	case KFloat, KTimestamp, KTimestamptz:
		return binary.LittleEndian.AppendUint64(b, uint64(d.i))
	case KDecimal:
		return rowAppendDecimal(b, d.Decimal())
	case KString, KBytes, KJSON:
		b = binary.AppendUvarint(b, uint64(len(d.s)))
		return append(b, d.s...)
	case KInterval:
		iv := d.Interval()
		b = binary.AppendVarint(b, int64(iv.Months))
		b = binary.AppendVarint(b, int64(iv.Days))
		return binary.AppendVarint(b, iv.Micros)
	case KArray:
		elems := d.Array()
		et := t.ElemType()
		b = binary.AppendUvarint(b, uint64(len(elems)))
		bm := len(b)
		for range (len(elems) + 7) / 8 {
			b = append(b, 0)
		}
		for i, e := range elems {
			if e.k == KNull {
				b[bm+i/8] |= 1 << (i % 8)
				continue
			}
			b = rowAppendValue(b, e, et)
		}
		return b
	}
	panic(fmt.Sprintf("types: AppendRowValue: no value encoding for type %s", t))
}

func rowAppendDecimal(b []byte, dec *apd.Decimal) []byte {
	flags := byte(dec.Form) & rowDecFormMask
	if dec.Negative {
		flags |= rowDecNegative
	}
	if dec.Form != apd.Finite {
		return append(b, flags)
	}
	if !dec.Coeff.IsUint64() {
		flags |= rowDecBigCoeff
	}
	b = append(b, flags)
	b = binary.AppendVarint(b, int64(dec.Exponent))
	if flags&rowDecBigCoeff == 0 {
		return binary.AppendUvarint(b, dec.Coeff.Uint64())
	}
	mag := dec.Coeff.Bytes()
	b = binary.AppendUvarint(b, uint64(len(mag)))
	return append(b, mag...)
}

func rowAppendRecord(b []byte, d Datum) []byte {
	if d.k != KArray {
		panic(fmt.Sprintf("types: AppendRowValue: datum of kind %d for type record", d.k))
	}
	fields := d.Array()
	b = binary.AppendUvarint(b, uint64(len(fields)))
	for _, f := range fields {
		b = append(b, byte(f.k))
		if f.k != KNull {
			b = rowAppendValue(b, f, keyKindType(f.k))
		}
	}
	return b
}

// DecodeRowValue decodes a value written by AppendRowValue into dst,
// resized to len(ts), and returns it; dst's backing array is reused when
// its capacity suffices. Columns the value does not store (added after it
// was written) decode as NULL; stored columns beyond len(ts) are ignored.
// Decoded strings and bytes never alias b, which may be reused: all of a
// row's strings share one copy of b. A truncated or malformed value is an
// *sqlerr.Error with code XX001 (data_corrupted); dst's contents are then
// unspecified.
func DecodeRowValue(b []byte, ts []Type, dst Row) (Row, error) {
	if cap(dst) >= len(ts) {
		dst = dst[:len(ts)]
	} else {
		dst = make(Row, len(ts))
	}
	if len(b) == 0 {
		return dst, rowCorrupt("empty row value")
	}
	if b[0] != rowFormatV1 {
		return dst, rowCorrupt("unknown row value format %d", b[0])
	}
	n, w := binary.Uvarint(b[1:])
	if w <= 0 {
		return dst, rowCorrupt("bad column count")
	}
	pos := 1 + w
	if n > uint64(len(b)-pos)*8 {
		return dst, rowCorrupt("column count %d exceeds value size", n)
	}
	nb := int((n + 7) / 8)
	bitmap := b[pos : pos+nb]
	r := rowDecoder{b: b, pos: pos + nb}
	m := len(ts)
	if uint64(m) > n {
		m = int(n)
	}
	for i := range m {
		if bitmap[i/8]&(1<<(i%8)) != 0 {
			dst[i] = Null
			continue
		}
		d, err := r.value(ts[i], 0)
		if err != nil {
			return dst, err
		}
		dst[i] = d
	}
	for i := m; i < len(ts); i++ {
		dst[i] = Null
	}
	if uint64(len(ts)) >= n && r.pos != len(b) {
		return dst, rowCorrupt("%d trailing bytes", len(b)-r.pos)
	}
	return dst, nil
}

func rowCorrupt(format string, args ...any) error {
	return sqlerr.New(sqlerr.DataCorrupted, "corrupt row value: "+format, args...)
}

// rowDecoder reads values from b starting at pos.
type rowDecoder struct {
	b   []byte
	pos int
	// str is a copy of b made on the first string decoded; every decoded
	// string is a substring of it, so a row costs one allocation for all
	// its strings and none of them aliases b.
	str string
}

func (r *rowDecoder) uvarint() (uint64, error) {
	v, w := binary.Uvarint(r.b[r.pos:])
	if w <= 0 {
		return 0, rowCorrupt("bad varint at offset %d", r.pos)
	}
	r.pos += w
	return v, nil
}

func (r *rowDecoder) varint() (int64, error) {
	v, w := binary.Varint(r.b[r.pos:])
	if w <= 0 {
		return 0, rowCorrupt("bad varint at offset %d", r.pos)
	}
	r.pos += w
	return v, nil
}

func (r *rowDecoder) varint32() (int32, error) {
	v, err := r.varint()
	if err != nil {
		return 0, err
	}
	if v < math.MinInt32 || v > math.MaxInt32 {
		return 0, rowCorrupt("value %d out of int32 range", v)
	}
	return int32(v), nil
}

func (r *rowDecoder) fixed64() (uint64, error) {
	if len(r.b)-r.pos < 8 {
		return 0, rowCorrupt("truncated 8-byte value")
	}
	v := binary.LittleEndian.Uint64(r.b[r.pos:])
	r.pos += 8
	return v, nil
}

// span returns the bounds in b of the next length-prefixed value.
func (r *rowDecoder) span() (start, end int, err error) {
	l, err := r.uvarint()
	if err != nil {
		return 0, 0, err
	}
	if l > uint64(len(r.b)-r.pos) {
		return 0, 0, rowCorrupt("length %d exceeds value size", l)
	}
	start = r.pos
	r.pos += int(l)
	return start, r.pos, nil
}

func (r *rowDecoder) substr(start, end int) string {
	if start == end {
		return ""
	}
	if r.str == "" {
		r.str = string(r.b)
	}
	return r.str[start:end]
}

func (r *rowDecoder) value(t Type, depth int) (Datum, error) {
	if t.ID == Record {
		return r.record(depth)
	}
	k := t.Kind()
	switch k {
	case KBool:
		if r.pos >= len(r.b) {
			return Null, rowCorrupt("truncated bool")
		}
		v := r.b[r.pos]
		if v > 1 {
			return Null, rowCorrupt("invalid bool byte %d", v)
		}
		r.pos++
		return NewBool(v == 1), nil
	case KInt, KDate, KTime:
		v, err := r.varint()
		if err != nil {
			return Null, err
		}
		return Datum{k: k, i: v}, nil
	case KFloat, KTimestamp, KTimestamptz:
		v, err := r.fixed64()
		if err != nil {
			return Null, err
		}
		return Datum{k: k, i: int64(v)}, nil
	case KDecimal:
		return r.decimal()
	case KString, KBytes, KJSON:
		start, end, err := r.span()
		if err != nil {
			return Null, err
		}
		return Datum{k: k, s: r.substr(start, end)}, nil
	case KInterval:
		var iv IntervalValue
		var err error
		if iv.Months, err = r.varint32(); err != nil {
			return Null, err
		}
		if iv.Days, err = r.varint32(); err != nil {
			return Null, err
		}
		if iv.Micros, err = r.varint(); err != nil {
			return Null, err
		}
		return NewInterval(iv), nil
	case KArray:
		return r.array(t.ElemType(), depth)
	}
	return Null, rowCorrupt("no value encoding for type %s", t)
}

func (r *rowDecoder) decimal() (Datum, error) {
	if r.pos >= len(r.b) {
		return Null, rowCorrupt("truncated numeric")
	}
	flags := r.b[r.pos]
	r.pos++
	if flags&^(rowDecFormMask|rowDecNegative|rowDecBigCoeff) != 0 {
		return Null, rowCorrupt("invalid numeric flags 0x%02x", flags)
	}
	dec := new(apd.Decimal)
	dec.Form = apd.Form(flags & rowDecFormMask)
	dec.Negative = flags&rowDecNegative != 0
	if dec.Form != apd.Finite {
		if flags&rowDecBigCoeff != 0 {
			return Null, rowCorrupt("invalid numeric flags 0x%02x", flags)
		}
		return NewDecimal(dec), nil
	}
	e, err := r.varint32()
	if err != nil {
		return Null, err
	}
	dec.Exponent = e
	if flags&rowDecBigCoeff == 0 {
		c, err := r.uvarint()
		if err != nil {
			return Null, err
		}
		dec.Coeff.SetUint64(c)
		return NewDecimal(dec), nil
	}
	start, end, err := r.span()
	if err != nil {
		return Null, err
	}
	dec.Coeff.SetBytes(r.b[start:end])
	return NewDecimal(dec), nil
}

func (r *rowDecoder) array(et Type, depth int) (Datum, error) {
	if depth >= rowMaxDepth {
		return Null, rowCorrupt("arrays nested too deeply")
	}
	n, err := r.uvarint()
	if err != nil {
		return Null, err
	}
	if n > uint64(len(r.b)-r.pos)*8 {
		return Null, rowCorrupt("array length %d exceeds value size", n)
	}
	nb := int((n + 7) / 8)
	bitmap := r.b[r.pos : r.pos+nb]
	r.pos += nb
	elems := make([]Datum, n)
	for i := range elems {
		if bitmap[i/8]&(1<<(i%8)) != 0 {
			continue
		}
		if elems[i], err = r.value(et, depth+1); err != nil {
			return Null, err
		}
	}
	return NewArray(elems), nil
}

func (r *rowDecoder) record(depth int) (Datum, error) {
	if depth >= rowMaxDepth {
		return Null, rowCorrupt("records nested too deeply")
	}
	n, err := r.uvarint()
	if err != nil {
		return Null, err
	}
	// Every field takes at least its kind byte.
	if n > uint64(len(r.b)-r.pos) {
		return Null, rowCorrupt("record length %d exceeds value size", n)
	}
	fields := make([]Datum, n)
	for i := range fields {
		if r.pos >= len(r.b) {
			return Null, rowCorrupt("truncated record")
		}
		k := Kind(r.b[r.pos])
		r.pos++
		if k == KNull {
			continue
		}
		ft := keyKindType(k)
		if ft == TVoid {
			return Null, rowCorrupt("invalid record field kind %d", k)
		}
		if fields[i], err = r.value(ft, depth+1); err != nil {
			return Null, err
		}
	}
	return NewArray(fields), nil
}
