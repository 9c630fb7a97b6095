package types

import (
	"math"
	"unsafe"

	"github.com/cockroachdb/apd/v3"
)

// Kind is the physical representation a Datum uses. Several SQL types
// share a kind (int2/int4/int8/oid are KInt; text/varchar/name are
// KString); the Type says how to print, cast and range-check the value.
type Kind uint8

// The kinds of Datum.
const (
	KNull Kind = iota
	KBool
	KInt
	KFloat
	KDecimal
	KString
	KBytes
	KDate        // days since 1970-01-01
	KTime        // microseconds since midnight
	KTimestamp   // microseconds since 1970-01-01 00:00:00 (wall clock, no zone)
	KTimestamptz // microseconds since 1970-01-01 00:00:00 UTC
	KInterval
	KJSON  // normalised JSON text
	KArray // elements in order; one dimension, lower bound 1
)

// Infinity timestamps and dates use the extreme int64 values, as
// PostgreSQL does.
const (
	InfinityMicros    = math.MaxInt64
	NegInfinityMicros = math.MinInt64
	InfinityDays      = math.MaxInt32
	NegInfinityDays   = math.MinInt32
)

// IntervalValue is PostgreSQL's interval: months, days and microseconds kept
// apart (a month is not a fixed number of days).
type IntervalValue struct {
	Months int32
	Days   int32
	Micros int64
}

// Datum is one SQL value. It is a small value type: copy it freely. The
// zero Datum is NULL.
//
// Layout: k says which field holds the value. i holds bools (0/1),
// integers, float bits, days, microseconds and an interval's micros; j
// holds an interval's months<<32|days; s holds strings, bytes and JSON
// text; p points to an *apd.Decimal or a *[]Datum.
type Datum struct {
	k Kind
	i int64
	j int64
	s string
	p unsafe.Pointer
}

// Null is the NULL datum.
var Null = Datum{}

// Row is a tuple of datums.
type Row []Datum

// Copy returns a copy of r that shares no backing array with it.
func (r Row) Copy() Row {
	c := make(Row, len(r))
	copy(c, r)
	return c
}

// Constructors.

func NewBool(b bool) Datum {
	if b {
		return Datum{k: KBool, i: 1}
	}
	return Datum{k: KBool}
}
func NewInt(v int64) Datum          { return Datum{k: KInt, i: v} }
func NewFloat(v float64) Datum      { return Datum{k: KFloat, i: int64(math.Float64bits(v))} }
func NewString(s string) Datum      { return Datum{k: KString, s: s} }
func NewBytes(b []byte) Datum       { return Datum{k: KBytes, s: string(b)} }
func NewBytesString(s string) Datum { return Datum{k: KBytes, s: s} }
func NewDate(days int64) Datum      { return Datum{k: KDate, i: days} }
func NewTime(micros int64) Datum    { return Datum{k: KTime, i: micros} }
func NewTimestamp(us int64) Datum   { return Datum{k: KTimestamp, i: us} }
func NewTimestamptz(us int64) Datum { return Datum{k: KTimestamptz, i: us} }
func NewJSON(text string) Datum     { return Datum{k: KJSON, s: text} }

// NewDecimal returns a numeric datum. The datum keeps d: do not modify it
// afterwards.
func NewDecimal(d *apd.Decimal) Datum { return Datum{k: KDecimal, p: unsafe.Pointer(d)} }

// NewInterval returns an interval datum.
func NewInterval(iv IntervalValue) Datum {
	return Datum{k: KInterval, i: iv.Micros, j: int64(iv.Months)<<32 | int64(uint32(iv.Days))}
}

// NewArray returns an array datum. The datum keeps elems.
func NewArray(elems []Datum) Datum {
	return Datum{k: KArray, p: unsafe.Pointer(&elems)}
}

// Accessors. Each panics-free: calling the wrong one returns a zero value.

func (d Datum) Kind() Kind     { return d.k }
func (d Datum) IsNull() bool   { return d.k == KNull }
func (d Datum) Bool() bool     { return d.i != 0 }
func (d Datum) Int() int64     { return d.i }
func (d Datum) Float() float64 { return math.Float64frombits(uint64(d.i)) }
func (d Datum) Str() string    { return d.s }
func (d Datum) BytesStr() string {
	return d.s
}

// Days returns a date's days since 1970-01-01.
func (d Datum) Days() int64 { return d.i }

// Micros returns a timestamp's microseconds since 1970-01-01, or a time's
// microseconds since midnight.
func (d Datum) Micros() int64 { return d.i }

// Decimal returns a numeric datum's value. Do not modify it.
func (d Datum) Decimal() *apd.Decimal {
	if d.k != KDecimal {
		return nil
	}
	return (*apd.Decimal)(d.p)
}

// Interval returns an interval datum's value.
func (d Datum) Interval() IntervalValue {
	return IntervalValue{Months: int32(d.j >> 32), Days: int32(uint32(d.j)), Micros: d.i}
}

// Array returns an array datum's elements. Do not modify them.
func (d Datum) Array() []Datum {
	if d.k != KArray || d.p == nil {
		return nil
	}
	return *(*[]Datum)(d.p)
}
