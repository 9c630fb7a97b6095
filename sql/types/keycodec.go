package types

import (
	"fmt"

	"github.com/cockroachdb/apd/v3"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/storage"
)

// Memcomparable keys. A key column is a null marker followed, for a
// non-NULL value, by the value's encoding (storage's primitives):
//
//	bool                         one byte, 0 or 1
//	int2/4/8, oid, reg*, date,
//	time, timestamp, timestamptz 8-byte int64 (every integer width alike)
//	float4/8                     8-byte float64 (-0 = +0, one NaN, NaN last)
//	numeric                      decimal: class, exponent, digit pairs
//	text, varchar, bpchar, name,
//	"char", bytea, uuid, json(b) escaped bytes (json/jsonb: the text)
//	interval                     span (16 bytes), months, days, micros
//	array                        element keys, then a list-end marker
//	record                       per field: marker, kind byte, value
//
// Descending keys are the ascending bytes inverted.

// AppendKey appends d's memcomparable encoding as a value of type t, NULL
// included, and returns the extended slice. For two datums a and b of
// type t, bytes.Compare of their encodings equals Compare(a, b) (with NULL
// last) when desc is false and its negation (NULL first) when desc is
// true; concatenated column keys therefore order lexicographically.
//
// Equal values encode identically, which makes encodings usable as
// hash-join and GROUP BY keys: 1, 1.0 and 1.00 encode alike, as do -0
// and +0, every NaN, and every integer type's values. The one exception:
// intervals equal under Compare but with different fields ('1 mon' and
// '30 days') encode differently, ordered by their span, then by months,
// days and micros, so that decoding is exact (AppendEqualKey is the key
// that puts them in one group, as PostgreSQL does). Record fields are self-describing: two
// records whose fields at one position differ in kind order by kind
// (Compare orders mixed number kinds by value).
//
// It panics if d is not NULL and its kind is not t's kind (a broken
// invariant of the binder).
func AppendKey(b []byte, d Datum, t Type, desc bool) []byte {
	return keyAppend(b, d, t, keyDir(desc), false)
}

// AppendEqualKey appends an encoding of d as a value of type t under
// which two datums encode identically exactly when Compare finds them
// equal, intervals included ('1 mon', '30 days' and '720 hours' encode
// alike): the key of hash joins, GROUP BY, DISTINCT and set operations.
// It cannot be decoded.
func AppendEqualKey(b []byte, d Datum, t Type) []byte {
	return keyAppend(b, d, t, storage.Asc, true)
}

// DecodeKey decodes one value written by AppendKey with the same t and
// desc and returns it with the unread rest of b. Strings and bytes in the
// result never alias b. A numeric value comes back normalised: the
// decoded value equals the encoded one but has no trailing zeros (1.50
// decodes as 1.5, 100 as 1E+2). Every other value comes back exactly,
// except that -0 floats decode as +0 and NaNs as the one NaN. A truncated
// or malformed key is an *sqlerr.Error with code XX001 (data_corrupted).
func DecodeKey(b []byte, t Type, desc bool) (Datum, []byte, error) {
	d, rest, err := keyDecode(b, t, keyDir(desc), 0)
	if err != nil {
		return Null, nil, sqlerr.Wrap(err, sqlerr.DataCorrupted,
			fmt.Sprintf("corrupt key for type %s: %v", t, err))
	}
	return d, rest, nil
}

func keyDir(desc bool) storage.Dir {
	if desc {
		return storage.Desc
	}
	return storage.Asc
}

// keyMaxDepth bounds the nesting of arrays inside records when decoding,
// so corrupt input cannot recurse without limit.
const keyMaxDepth = 32

// keyAppend appends d's key; spanOnly: an interval is its span alone
// (AppendEqualKey).
func keyAppend(b []byte, d Datum, t Type, dir storage.Dir, spanOnly bool) []byte {
	if d.k == KNull {
		return storage.AppendNull(b, dir)
	}
	return keyAppendValue(storage.AppendNotNull(b, dir), d, t, dir, spanOnly)
}

func keyAppendValue(b []byte, d Datum, t Type, dir storage.Dir, spanOnly bool) []byte {
	if t.ID == Record {
		return keyAppendRecord(b, d, dir, spanOnly)
	}
	if d.k != t.Kind() {
		panic(fmt.Sprintf("types: AppendKey: datum of kind %d for type %s", d.k, t))
	}
	switch d.k {
	case KBool:
		var v byte
		if d.i != 0 {
			v = 1
		}
		return storage.AppendByte(b, v, dir)
	case KInt, KDate, KTime, KTimestamp, KTimestamptz:
		return storage.AppendInt64(b, d.i, dir)
	case KFloat:
		return storage.AppendFloat64(b, d.Float(), dir)
	case KDecimal:
		return keyAppendDecimal(b, d.Decimal(), dir)
	case KString, KBytes, KJSON:
		return storage.AppendString(b, d.s, dir)
	case KInterval:
		iv := d.Interval()
		hi, lo := IntervalSpan(iv)
		b = storage.AppendInt64(b, hi, dir)
		b = storage.AppendUint64(b, lo, dir)
		if spanOnly {
			return b
		}
		b = storage.AppendInt32(b, iv.Months, dir)
		b = storage.AppendInt32(b, iv.Days, dir)
		return storage.AppendInt64(b, iv.Micros, dir)
	case KArray:
		et := t.ElemType()
		for _, e := range d.Array() {
			b = keyAppend(b, e, et, dir, spanOnly)
		}
		return storage.AppendListEnd(b, dir)
	}
	panic(fmt.Sprintf("types: AppendKey: no key encoding for type %s", t))
}

// keyAppendDecimal appends a numeric value as ±0.digits × 10^exp.
func keyAppendDecimal(b []byte, dec *apd.Decimal, dir storage.Dir) []byte {
	switch dec.Form {
	case apd.NaN, apd.NaNSignaling:
		return storage.AppendDecimal(b, storage.DecimalNaN, 0, nil, dir)
	case apd.Infinite:
		if dec.Negative {
			return storage.AppendDecimal(b, storage.DecimalNegInf, 0, nil, dir)
		}
		return storage.AppendDecimal(b, storage.DecimalPosInf, 0, nil, dir)
	}
	if dec.Coeff.Sign() == 0 {
		return storage.AppendDecimal(b, storage.DecimalZero, 0, nil, dir)
	}
	var buf [40]byte
	digits := dec.Coeff.Append(buf[:0], 10)
	class := storage.DecimalPos
	if dec.Negative {
		class = storage.DecimalNeg
	}
	return storage.AppendDecimal(b, class, int64(dec.Exponent)+int64(len(digits)), digits, dir)
}

// keyAppendRecord encodes a record's fields self-describingly: each
// non-NULL field is its kind byte then its value as the kind's canonical
// type.
func keyAppendRecord(b []byte, d Datum, dir storage.Dir, spanOnly bool) []byte {
	if d.k != KArray {
		panic(fmt.Sprintf("types: AppendKey: datum of kind %d for type record", d.k))
	}
	for _, e := range d.Array() {
		if e.k == KNull {
			b = storage.AppendNull(b, dir)
			continue
		}
		b = storage.AppendNotNull(b, dir)
		b = storage.AppendByte(b, byte(e.k), dir)
		b = keyAppendValue(b, e, keyKindType(e.k), dir, spanOnly)
	}
	return storage.AppendListEnd(b, dir)
}

// keyKindType is the type a record field of kind k is encoded as.
func keyKindType(k Kind) Type {
	switch k {
	case KBool:
		return TBool
	case KInt:
		return TInt8
	case KFloat:
		return TFloat8
	case KDecimal:
		return TNumeric
	case KString:
		return TText
	case KBytes:
		return TBytea
	case KDate:
		return TDate
	case KTime:
		return TTime
	case KTimestamp:
		return TTimestamp
	case KTimestamptz:
		return TTimestamptz
	case KInterval:
		return TInterval
	case KJSON:
		return TJsonb
	case KArray:
		return TRecord
	}
	return TVoid
}

func keyDecode(b []byte, t Type, dir storage.Dir, depth int) (Datum, []byte, error) {
	isNull, b, err := storage.DecodeNull(b, dir)
	if err != nil {
		return Null, nil, err
	}
	if isNull {
		return Null, b, nil
	}
	return keyDecodeValue(b, t, dir, depth)
}

func keyDecodeValue(b []byte, t Type, dir storage.Dir, depth int) (Datum, []byte, error) {
	if t.ID == Record {
		return keyDecodeRecord(b, dir, depth)
	}
	switch t.Kind() {
	case KBool:
		v, rest, err := storage.DecodeByte(b, dir)
		if err != nil {
			return Null, nil, err
		}
		if v > 1 {
			return Null, nil, fmt.Errorf("%w: invalid bool byte %d", storage.ErrCorrupt, v)
		}
		return NewBool(v == 1), rest, nil
	case KInt, KDate, KTime, KTimestamp, KTimestamptz:
		v, rest, err := storage.DecodeInt64(b, dir)
		if err != nil {
			return Null, nil, err
		}
		return Datum{k: t.Kind(), i: v}, rest, nil
	case KFloat:
		v, rest, err := storage.DecodeFloat64(b, dir)
		if err != nil {
			return Null, nil, err
		}
		return NewFloat(v), rest, nil
	case KDecimal:
		return keyDecodeDecimal(b, dir)
	case KString, KBytes, KJSON:
		var buf [64]byte
		v, rest, err := storage.DecodeBytes(b, dir, buf[:0])
		if err != nil {
			return Null, nil, err
		}
		return Datum{k: t.Kind(), s: string(v)}, rest, nil
	case KInterval:
		return keyDecodeInterval(b, dir)
	case KArray:
		if depth >= keyMaxDepth {
			return Null, nil, fmt.Errorf("%w: arrays nested too deeply", storage.ErrCorrupt)
		}
		et := t.ElemType()
		var elems []Datum
		for {
			end, rest := storage.DecodeListEnd(b, dir)
			if end {
				return NewArray(elems), rest, nil
			}
			e, rest, err := keyDecode(b, et, dir, depth+1)
			if err != nil {
				return Null, nil, err
			}
			elems = append(elems, e)
			b = rest
		}
	}
	return Null, nil, fmt.Errorf("%w: no key encoding for type %s", storage.ErrCorrupt, t)
}

func keyDecodeDecimal(b []byte, dir storage.Dir) (Datum, []byte, error) {
	var buf [40]byte
	class, exp, digits, rest, err := storage.DecodeDecimal(b, dir, buf[:0])
	if err != nil {
		return Null, nil, err
	}
	dec := new(apd.Decimal)
	switch class {
	case storage.DecimalNaN:
		dec.Form = apd.NaN
	case storage.DecimalNegInf:
		dec.Form, dec.Negative = apd.Infinite, true
	case storage.DecimalPosInf:
		dec.Form = apd.Infinite
	case storage.DecimalZero:
	default:
		e := exp - int64(len(digits))
		if e < -1<<31 || e > 1<<31-1 {
			return Null, nil, fmt.Errorf("%w: numeric exponent %d out of range", storage.ErrCorrupt, exp)
		}
		dec.Exponent = int32(e)
		dec.Negative = class == storage.DecimalNeg
		keySetCoeff(&dec.Coeff, digits)
	}
	return NewDecimal(dec), rest, nil
}

// keySetCoeff sets z to the non-negative integer spelled by the ASCII
// digits.
func keySetCoeff(z *apd.BigInt, digits []byte) {
	if len(digits) <= 19 {
		var v uint64
		for _, c := range digits {
			v = v*10 + uint64(c-'0')
		}
		z.SetUint64(v)
		return
	}
	z.SetString(string(digits), 10)
}

func keyDecodeInterval(b []byte, dir storage.Dir) (Datum, []byte, error) {
	hi, b, err := storage.DecodeInt64(b, dir)
	if err != nil {
		return Null, nil, err
	}
	lo, b, err := storage.DecodeUint64(b, dir)
	if err != nil {
		return Null, nil, err
	}
	var iv IntervalValue
	if iv.Months, b, err = storage.DecodeInt32(b, dir); err != nil {
		return Null, nil, err
	}
	if iv.Days, b, err = storage.DecodeInt32(b, dir); err != nil {
		return Null, nil, err
	}
	if iv.Micros, b, err = storage.DecodeInt64(b, dir); err != nil {
		return Null, nil, err
	}
	if h, l := IntervalSpan(iv); h != hi || l != lo {
		return Null, nil, fmt.Errorf("%w: interval span does not match its fields", storage.ErrCorrupt)
	}
	return NewInterval(iv), b, nil
}

func keyDecodeRecord(b []byte, dir storage.Dir, depth int) (Datum, []byte, error) {
	if depth >= keyMaxDepth {
		return Null, nil, fmt.Errorf("%w: records nested too deeply", storage.ErrCorrupt)
	}
	var fields []Datum
	for {
		end, rest := storage.DecodeListEnd(b, dir)
		if end {
			return NewArray(fields), rest, nil
		}
		isNull, rest, err := storage.DecodeNull(b, dir)
		if err != nil {
			return Null, nil, err
		}
		if isNull {
			fields = append(fields, Null)
			b = rest
			continue
		}
		k, rest, err := storage.DecodeByte(rest, dir)
		if err != nil {
			return Null, nil, err
		}
		ft := keyKindType(Kind(k))
		if Kind(k) == KNull || ft == TVoid {
			return Null, nil, fmt.Errorf("%w: invalid record field kind %d", storage.ErrCorrupt, k)
		}
		f, rest, err := keyDecodeValue(rest, ft, dir, depth+1)
		if err != nil {
			return Null, nil, err
		}
		fields = append(fields, f)
		b = rest
	}
}
