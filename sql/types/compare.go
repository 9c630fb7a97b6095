package types

import (
	"math"

	"github.com/cockroachdb/apd/v3"
	"strings"
)

// Compare orders two datums of the same type: -1, 0 or +1. NULL sorts
// after every value (PostgreSQL's default for ASC); NaN sorts after every
// other number and equals itself, as in PostgreSQL. Datums of different
// kinds (which the binder never produces) order by kind.
func Compare(a, b Datum) int {
	if a.k != b.k {
		if a.k == KNull {
			return 1
		}
		if b.k == KNull {
			return -1
		}
		// Mixed numeric kinds can meet in catalog code; compare by value.
		if isNum(a.k) && isNum(b.k) {
			return compareMixedNum(a, b)
		}
		return cmpInt(int64(a.k), int64(b.k))
	}
	switch a.k {
	case KNull:
		return 0
	case KBool, KInt, KDate, KTime, KTimestamp, KTimestamptz:
		return cmpInt(a.i, b.i)
	case KFloat:
		return cmpFloat(a.Float(), b.Float())
	case KDecimal:
		da, db := a.Decimal(), b.Decimal()
		an, bn := da.Form == apd.NaN || da.Form == apd.NaNSignaling, db.Form == apd.NaN || db.Form == apd.NaNSignaling
		switch {
		case an && bn:
			return 0
		case an:
			return 1
		case bn:
			return -1
		}
		return da.Cmp(db)
	case KString, KBytes, KJSON:
		return strings.Compare(a.s, b.s)
	case KInterval:
		return compareInterval(a.Interval(), b.Interval())
	case KArray:
		ea, eb := a.Array(), b.Array()
		for i := 0; i < len(ea) && i < len(eb); i++ {
			if c := Compare(ea[i], eb[i]); c != 0 {
				return c
			}
		}
		return cmpInt(int64(len(ea)), int64(len(eb)))
	}
	return 0
}

func isNum(k Kind) bool { return k == KInt || k == KFloat || k == KDecimal }

func compareMixedNum(a, b Datum) int {
	return cmpFloat(toFloat(a), toFloat(b))
}

func toFloat(d Datum) float64 {
	switch d.k {
	case KInt:
		return float64(d.i)
	case KFloat:
		return d.Float()
	case KDecimal:
		f, _ := d.Decimal().Float64()
		return f
	}
	return 0
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpFloat(a, b float64) int {
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

// IntervalSpan returns an interval as one 128-bit-safe comparable span in
// microseconds, counting a month as 30 days and a day as 24 hours, which is
// how PostgreSQL compares intervals. hi/lo form a signed 128-bit value.
func IntervalSpan(iv IntervalValue) (hi int64, lo uint64) {
	const usPerDay = 86_400_000_000
	days := int64(iv.Months)*30 + int64(iv.Days) // fits easily
	// days*usPerDay can overflow int64 for extreme intervals: do 128-bit math.
	mhi, mlo := mul64(days, usPerDay)
	return add128(mhi, mlo, iv.Micros)
}

func mul64(a int64, b int64) (hi int64, lo uint64) {
	neg := (a < 0) != (b < 0)
	ua, ub := abs64(a), abs64(b)
	h, l := mulU64(ua, ub)
	if neg {
		l = ^l + 1
		h = ^h
		if l == 0 {
			h++
		}
	}
	return int64(h), l
}

func abs64(a int64) uint64 {
	if a < 0 {
		return uint64(-a)
	}
	return uint64(a)
}

func mulU64(a, b uint64) (hi, lo uint64) {
	const mask32 = 1<<32 - 1
	a0, a1 := a&mask32, a>>32
	b0, b1 := b&mask32, b>>32
	w0 := a0 * b0
	t := a1*b0 + w0>>32
	w1 := t & mask32
	w2 := t >> 32
	w1 += a0 * b1
	hi = a1*b1 + w2 + w1>>32
	lo = a * b
	return
}

func add128(hi int64, lo uint64, v int64) (int64, uint64) {
	nlo := lo + uint64(v)
	carry := int64(0)
	if nlo < lo {
		carry = 1
	}
	ext := int64(0)
	if v < 0 {
		ext = -1
	}
	return hi + ext + carry, nlo
}

func compareInterval(a, b IntervalValue) int {
	ah, al := IntervalSpan(a)
	bh, bl := IntervalSpan(b)
	if ah != bh {
		return cmpInt(ah, bh)
	}
	switch {
	case al < bl:
		return -1
	case al > bl:
		return 1
	}
	return 0
}

// CompareRows compares two rows column by column over the given column
// indexes.
func CompareRows(a, b Row, cols []int) int {
	for _, c := range cols {
		if r := Compare(a[c], b[c]); r != 0 {
			return r
		}
	}
	return 0
}
