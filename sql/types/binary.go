package types

import (
	"encoding/binary"
	"math"

	"github.com/eddy-db/eddy/sql/sqlerr"
)

// AppendBinary appends d's PostgreSQL binary form (the type's send
// function) to b: big-endian integers and IEEE floats, numeric as
// base-10000 digits, dates as days and timestamps as µs since 2000-01-01
// (infinities as the extreme values), interval as µs/days/months, jsonb
// as version 1 + text, arrays with PostgreSQL's array header. d must not
// be NULL. The error is 22P03 (or 0A000) when d cannot be sent as t.
func AppendBinary(b []byte, d Datum, t Type) ([]byte, error) {
	if d.k != infos[t.ID].kind {
		if t.ID == Void {
			return b, nil
		}
		return b, sqlerr.New(sqlerr.InvalidBinaryRepresentation, "cannot send a %s value as type %s", kindType(d), t)
	}
	be := binary.BigEndian
	switch t.ID {
	case Bool:
		if d.i != 0 {
			return append(b, 1), nil
		}
		return append(b, 0), nil
	case Int2:
		return be.AppendUint16(b, uint16(d.i)), nil
	case Int4:
		return be.AppendUint32(b, uint32(d.i)), nil
	case Int8:
		return be.AppendUint64(b, uint64(d.i)), nil
	case Oid, Regclass, Regtype, Regproc, Regnamespace, Regrole, Regprocedure, Regoperator:
		return be.AppendUint32(b, uint32(d.i)), nil
	case Float4:
		return be.AppendUint32(b, math.Float32bits(float32(d.Float()))), nil
	case Float8:
		return be.AppendUint64(b, uint64(d.i)), nil
	case Numeric:
		dec := d.Decimal()
		if dec == nil {
			return b, errBinary(t)
		}
		return appendNumericBinary(b, dec), nil
	case Text, Varchar, Bpchar, Name, Unknown, Json, Bytea:
		return append(b, d.s...), nil
	case Char:
		if len(d.s) == 0 {
			return append(b, 0), nil
		}
		return append(b, d.s[0]), nil
	case Uuid:
		if len(d.s) != 16 {
			return b, errBinary(t)
		}
		return append(b, d.s...), nil
	case Date:
		v := d.i
		if v != InfinityDays && v != NegInfinityDays {
			v -= pgEpochDays
		}
		return be.AppendUint32(b, uint32(int32(v))), nil
	case Time:
		return be.AppendUint64(b, uint64(d.i)), nil
	case Timestamp, Timestamptz:
		v := d.i
		if v != InfinityMicros && v != NegInfinityMicros {
			v -= pgEpochMicros
		}
		return be.AppendUint64(b, uint64(v)), nil
	case Interval:
		iv := d.Interval()
		b = be.AppendUint64(b, uint64(iv.Micros))
		b = be.AppendUint32(b, uint32(iv.Days))
		return be.AppendUint32(b, uint32(iv.Months)), nil
	case Jsonb:
		b = append(b, 1)
		return append(b, d.s...), nil
	case Array:
		return appendArrayBinary(b, d.Array(), Type{ID: t.Elem, Mod: t.Mod}, 1)
	case Int2Vector, OidVector:
		return appendArrayBinary(b, d.Array(), t.ElemType(), 0)
	case Record:
		return appendRecordBinary(b, d.Array())
	}
	return b, sqlerr.NotSupported("binary output of type %s", t)
}

// appendArrayBinary is array_send for a one-dimensional array whose
// subscripts start at lower.
func appendArrayBinary(b []byte, elems []Datum, et Type, lower uint32) ([]byte, error) {
	be := binary.BigEndian
	ndim, hasNull := uint32(0), uint32(0)
	if len(elems) > 0 || lower == 0 {
		// Vectors (lower bound 0) have one dimension even when empty.
		ndim = 1
	}
	for _, e := range elems {
		if e.k == KNull {
			hasNull = 1
		}
	}
	b = be.AppendUint32(b, ndim)
	b = be.AppendUint32(b, hasNull)
	b = be.AppendUint32(b, infos[et.ID].oid)
	if ndim == 0 {
		return b, nil
	}
	b = be.AppendUint32(b, uint32(len(elems)))
	b = be.AppendUint32(b, lower)
	for _, e := range elems {
		if e.k == KNull {
			b = be.AppendUint32(b, math.MaxUint32)
			continue
		}
		at := len(b)
		b = append(b, 0, 0, 0, 0)
		var err error
		if b, err = AppendBinary(b, e, et); err != nil {
			return b, err
		}
		be.PutUint32(b[at:], uint32(len(b)-at-4))
	}
	return b, nil
}

func appendRecordBinary(b []byte, fields []Datum) ([]byte, error) {
	be := binary.BigEndian
	b = be.AppendUint32(b, uint32(len(fields)))
	for _, f := range fields {
		if f.k == KNull {
			b = be.AppendUint32(b, infos[Text].oid)
			b = be.AppendUint32(b, math.MaxUint32)
			continue
		}
		ft := kindType(f)
		b = be.AppendUint32(b, ft.OID())
		at := len(b)
		b = append(b, 0, 0, 0, 0)
		var err error
		if b, err = AppendBinary(b, f, ft); err != nil {
			return b, err
		}
		be.PutUint32(b[at:], uint32(len(b)-at-4))
	}
	return b, nil
}

// DecodeBinary reads PostgreSQL's binary form of a value of type t (the
// type's receive function) and applies t's typmod as ParseText does. The
// input is not retained. Errors: 22P03 for a malformed value, 22021 for
// text that is not UTF-8, 22008 for dates and timestamps out of range,
// 0A000 for multidimensional arrays.
func DecodeBinary(b []byte, t Type) (Datum, error) {
	be := binary.BigEndian
	need := func(n int) error {
		if len(b) != n {
			return errBinary(t)
		}
		return nil
	}
	switch t.ID {
	case Bool:
		if err := need(1); err != nil {
			return Null, err
		}
		return NewBool(b[0] != 0), nil
	case Int2:
		if err := need(2); err != nil {
			return Null, err
		}
		return NewInt(int64(int16(be.Uint16(b)))), nil
	case Int4:
		if err := need(4); err != nil {
			return Null, err
		}
		return NewInt(int64(int32(be.Uint32(b)))), nil
	case Int8:
		if err := need(8); err != nil {
			return Null, err
		}
		return NewInt(int64(be.Uint64(b))), nil
	case Oid, Regclass, Regtype, Regproc, Regnamespace, Regrole, Regprocedure, Regoperator:
		if err := need(4); err != nil {
			return Null, err
		}
		return NewInt(int64(be.Uint32(b))), nil
	case Float4:
		if err := need(4); err != nil {
			return Null, err
		}
		return NewFloat(float64(math.Float32frombits(be.Uint32(b)))), nil
	case Float8:
		if err := need(8); err != nil {
			return Null, err
		}
		return NewFloat(math.Float64frombits(be.Uint64(b))), nil
	case Numeric:
		dec, err := decodeNumericBinary(b)
		if err != nil {
			return Null, err
		}
		return ApplyTypmod(NewDecimal(dec), t)
	case Text, Unknown, Varchar, Bpchar:
		s := string(b)
		if err := checkText(s); err != nil {
			return Null, err
		}
		return ApplyTypmod(NewString(s), t)
	case Name:
		s := string(b)
		if err := checkText(s); err != nil {
			return Null, err
		}
		if len(s) > 63 {
			return Null, sqlerr.New("42622", "identifier too long").
				WithDetail("Identifier must be less than 64 characters.")
		}
		return NewString(s), nil
	case Char:
		if err := need(1); err != nil {
			return Null, err
		}
		if b[0] == 0 {
			return NewString(""), nil
		}
		return NewString(string(b)), nil
	case Bytea:
		return NewBytes(b), nil
	case Uuid:
		if err := need(16); err != nil {
			return Null, err
		}
		return NewBytes(b), nil
	case Date:
		if err := need(4); err != nil {
			return Null, err
		}
		v := int64(int32(be.Uint32(b)))
		if v != InfinityDays && v != NegInfinityDays {
			v += pgEpochDays
			if !validDate(v) {
				return Null, sqlerr.New(sqlerr.DatetimeFieldOverflow, "date out of range")
			}
		}
		return NewDate(v), nil
	case Time:
		if err := need(8); err != nil {
			return Null, err
		}
		v := int64(be.Uint64(b))
		if v < 0 || v > usPerDay {
			return Null, sqlerr.New(sqlerr.DatetimeFieldOverflow, "time out of range")
		}
		return ApplyTypmod(NewTime(v), t)
	case Timestamp, Timestamptz:
		if err := need(8); err != nil {
			return Null, err
		}
		v := int64(be.Uint64(b))
		if v != InfinityMicros && v != NegInfinityMicros {
			if v < minTimestamp-pgEpochMicros || v >= endTimestamp-pgEpochMicros {
				return Null, sqlerr.New(sqlerr.DatetimeFieldOverflow, "timestamp out of range")
			}
			v += pgEpochMicros
		}
		if t.ID == Timestamp {
			return ApplyTypmod(NewTimestamp(v), t)
		}
		return ApplyTypmod(NewTimestamptz(v), t)
	case Interval:
		if err := need(16); err != nil {
			return Null, err
		}
		return NewInterval(IntervalValue{
			Micros: int64(be.Uint64(b)),
			Days:   int32(be.Uint32(b[8:])),
			Months: int32(be.Uint32(b[12:])),
		}), nil
	case Json:
		s := string(b)
		if err := validateJSON(s); err != nil {
			return Null, err
		}
		return NewJSON(s), nil
	case Jsonb:
		if len(b) == 0 {
			return Null, errBinary(t)
		}
		if b[0] != 1 {
			return Null, sqlerr.New(sqlerr.InvalidBinaryRepresentation, "unsupported jsonb version number %d", b[0])
		}
		n, err := normalizeJSONB(string(b[1:]))
		if err != nil {
			return Null, err
		}
		return NewJSON(n), nil
	case Array:
		return decodeArrayBinary(b, t)
	case Int2Vector, OidVector:
		return decodeArrayBinary(b, t)
	case Record:
		return decodeRecordBinary(b)
	case Void:
		return Null, nil
	}
	return Null, sqlerr.NotSupported("binary input of type %s", t)
}

func decodeArrayBinary(b []byte, t Type) (Datum, error) {
	be := binary.BigEndian
	et, lower := Type{ID: t.Elem, Mod: t.Mod}, int32(1)
	if t.IsVector() {
		et, lower = t.ElemType(), 0
	}
	if len(b) < 12 {
		return Null, errBinary(t)
	}
	ndim := int32(be.Uint32(b))
	flags := be.Uint32(b[4:])
	elemOID := be.Uint32(b[8:])
	b = b[12:]
	if ndim < 0 || flags > 1 {
		return Null, sqlerr.New(sqlerr.InvalidBinaryRepresentation, "invalid array flags")
	}
	if ndim > 1 {
		return Null, sqlerr.NotSupported("multidimensional arrays")
	}
	if elemOID != infos[et.ID].oid {
		return Null, sqlerr.New(sqlerr.DatatypeMismatch, "binary data has array element type %d instead of expected %d", elemOID, infos[et.ID].oid)
	}
	if ndim == 0 {
		if len(b) != 0 {
			return Null, errBinary(t)
		}
		return NewArray([]Datum{}), nil
	}
	if len(b) < 8 {
		return Null, errBinary(t)
	}
	n := int32(be.Uint32(b))
	lb := int32(be.Uint32(b[4:]))
	b = b[8:]
	if n < 0 || int(n) > len(b)/4 {
		return Null, errBinary(t)
	}
	if lb != lower && n > 0 {
		return Null, sqlerr.NotSupported("arrays with lower bound other than %d", lower)
	}
	elems := make([]Datum, n)
	for i := range elems {
		if len(b) < 4 {
			return Null, errBinary(t)
		}
		l := int32(be.Uint32(b))
		b = b[4:]
		if l == -1 {
			continue
		}
		if l < 0 || int(l) > len(b) {
			return Null, errBinary(t)
		}
		e, err := DecodeBinary(b[:l], et)
		if err != nil {
			return Null, err
		}
		elems[i] = e
		b = b[l:]
	}
	if len(b) != 0 {
		return Null, errBinary(t)
	}
	return NewArray(elems), nil
}

func decodeRecordBinary(b []byte) (Datum, error) {
	be := binary.BigEndian
	if len(b) < 4 {
		return Null, errBinary(TRecord)
	}
	n := int32(be.Uint32(b))
	b = b[4:]
	if n < 0 || int(n) > len(b)/8 {
		return Null, errBinary(TRecord)
	}
	fields := make([]Datum, n)
	for i := range fields {
		if len(b) < 8 {
			return Null, errBinary(TRecord)
		}
		ft, ok := FromOID(be.Uint32(b))
		if !ok {
			return Null, sqlerr.NotSupported("record field of type OID %d", be.Uint32(b))
		}
		l := int32(be.Uint32(b[4:]))
		b = b[8:]
		if l == -1 {
			continue
		}
		if l < 0 || int(l) > len(b) {
			return Null, errBinary(TRecord)
		}
		f, err := DecodeBinary(b[:l], ft)
		if err != nil {
			return Null, err
		}
		fields[i] = f
		b = b[l:]
	}
	if len(b) != 0 {
		return Null, errBinary(TRecord)
	}
	return NewArray(fields), nil
}
