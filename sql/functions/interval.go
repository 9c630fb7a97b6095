package functions

import (
	"math"

	"github.com/eddy-db/eddy/sql/types"
)

// Interval arithmetic: months, days and µs are kept apart as in
// PostgreSQL; every component is range-checked ("interval out of range").

const (
	daysPerMonth = 30
	monthsPerYr  = 12
)

func add32(a, b int32) (int32, bool) {
	r := int64(a) + int64(b)
	return int32(r), r >= math.MinInt32 && r <= math.MaxInt32
}

func intervalAdd(a, b types.IntervalValue) (types.IntervalValue, error) {
	m, ok1 := add32(a.Months, b.Months)
	d, ok2 := add32(a.Days, b.Days)
	us, ok3 := addInt64(a.Micros, b.Micros)
	if !ok1 || !ok2 || !ok3 {
		return types.IntervalValue{}, errIntervalRange
	}
	return types.IntervalValue{Months: m, Days: d, Micros: us}, nil
}

func intervalNeg(a types.IntervalValue) (types.IntervalValue, error) {
	if a.Months == math.MinInt32 || a.Days == math.MinInt32 || a.Micros == math.MinInt64 {
		return types.IntervalValue{}, errIntervalRange
	}
	return types.IntervalValue{Months: -a.Months, Days: -a.Days, Micros: -a.Micros}, nil
}

func intervalSub(a, b types.IntervalValue) (types.IntervalValue, error) {
	nb, err := intervalNeg(b)
	if err != nil {
		// -b overflows only at the minimum: do the subtraction directly.
		m := int64(a.Months) - int64(b.Months)
		d := int64(a.Days) - int64(b.Days)
		us, ok := subInt64(a.Micros, b.Micros)
		if !ok || m < math.MinInt32 || m > math.MaxInt32 || d < math.MinInt32 || d > math.MaxInt32 {
			return types.IntervalValue{}, errIntervalRange
		}
		return types.IntervalValue{Months: int32(m), Days: int32(d), Micros: us}, nil
	}
	return intervalAdd(a, nb)
}

func fitsInt32(f float64) bool {
	return !math.IsNaN(f) && f >= math.MinInt32 && f < -float64(math.MinInt32)
}

func fitsInt64(f float64) bool {
	return !math.IsNaN(f) && f >= math.MinInt64 && f < -float64(math.MinInt64)
}

func tsRound(f float64) float64 { return rint(f*1e6) / 1e6 }

// intervalMul is PostgreSQL's interval_mul: fractional months cascade
// into days (30 per month) and fractional days into seconds.
func intervalMul(span types.IntervalValue, factor float64) (types.IntervalValue, error) {
	var r types.IntervalValue
	f := float64(span.Months) * factor
	if !fitsInt32(f) {
		return r, errIntervalRange
	}
	r.Months = int32(f)
	f = float64(span.Days) * factor
	if !fitsInt32(f) {
		return r, errIntervalRange
	}
	r.Days = int32(f)
	monthRemDays := tsRound((float64(span.Months)*factor - float64(r.Months)) * daysPerMonth)
	secRem := tsRound((float64(span.Days)*factor - float64(r.Days) + monthRemDays - math.Trunc(monthRemDays)) * 86400)
	if math.Abs(secRem) >= 86400 {
		d, ok := add32(r.Days, int32(secRem/86400))
		if !ok {
			return r, errIntervalRange
		}
		r.Days = d
		secRem -= math.Trunc(secRem/86400) * 86400
	}
	d, ok := add32(r.Days, int32(monthRemDays))
	if !ok {
		return r, errIntervalRange
	}
	r.Days = d
	f = rint(float64(span.Micros)*factor + secRem*usPerSec)
	if !fitsInt64(f) {
		return r, errIntervalRange
	}
	r.Micros = int64(f)
	return r, nil
}

// intervalDiv is PostgreSQL's interval_div.
func intervalDiv(span types.IntervalValue, factor float64) (types.IntervalValue, error) {
	var r types.IntervalValue
	if factor == 0 {
		return r, errDivZero
	}
	f := float64(span.Months) / factor
	if !fitsInt32(f) {
		return r, errIntervalRange
	}
	r.Months = int32(f)
	f = float64(span.Days) / factor
	if !fitsInt32(f) {
		return r, errIntervalRange
	}
	r.Days = int32(f)
	monthRemDays := tsRound((float64(span.Months)/factor - float64(r.Months)) * daysPerMonth)
	secRem := tsRound((float64(span.Days)/factor - float64(r.Days) + monthRemDays - math.Trunc(monthRemDays)) * 86400)
	if math.Abs(secRem) >= 86400 {
		r.Days += int32(secRem / 86400)
		secRem -= math.Trunc(secRem/86400) * 86400
	}
	r.Days += int32(monthRemDays)
	f = rint(float64(span.Micros)/factor + secRem*usPerSec)
	if !fitsInt64(f) {
		return r, errIntervalRange
	}
	r.Micros = int64(f)
	return r, nil
}

func justifyHours(span types.IntervalValue) (types.IntervalValue, error) {
	r := span
	whole := r.Micros / usPerDay
	r.Micros -= whole * usPerDay
	d := int64(r.Days) + whole
	if d < math.MinInt32 || d > math.MaxInt32 {
		return r, errIntervalRange
	}
	r.Days = int32(d)
	if r.Days > 0 && r.Micros < 0 {
		r.Micros += usPerDay
		r.Days--
	} else if r.Days < 0 && r.Micros > 0 {
		r.Micros -= usPerDay
		r.Days++
	}
	return r, nil
}

func justifyDays(span types.IntervalValue) (types.IntervalValue, error) {
	r := span
	whole := r.Days / daysPerMonth
	r.Days -= whole * daysPerMonth
	m, ok := add32(r.Months, whole)
	if !ok {
		return r, errIntervalRange
	}
	r.Months = m
	if r.Months > 0 && r.Days < 0 {
		r.Days += daysPerMonth
		r.Months--
	} else if r.Months < 0 && r.Days > 0 {
		r.Days -= daysPerMonth
		r.Months++
	}
	return r, nil
}

func justifyInterval(span types.IntervalValue) (types.IntervalValue, error) {
	r := span
	if (r.Days > 0 && r.Micros > 0) || (r.Days < 0 && r.Micros < 0) {
		whole := r.Days / daysPerMonth
		r.Days -= whole * daysPerMonth
		m, ok := add32(r.Months, whole)
		if !ok {
			return r, errIntervalRange
		}
		r.Months = m
	}
	wholeDay := r.Micros / usPerDay
	r.Micros -= wholeDay * usPerDay
	days := int64(r.Days) + wholeDay
	wholeMonth := days / daysPerMonth
	days -= wholeMonth * daysPerMonth
	m := int64(r.Months) + wholeMonth
	if m < math.MinInt32 || m > math.MaxInt32 {
		return r, errIntervalRange
	}
	r.Months, r.Days = int32(m), int32(days)
	if r.Months > 0 && (r.Days < 0 || (r.Days == 0 && r.Micros < 0)) {
		r.Days += daysPerMonth
		r.Months--
	} else if r.Months < 0 && (r.Days > 0 || (r.Days == 0 && r.Micros > 0)) {
		r.Days -= daysPerMonth
		r.Months++
	}
	if r.Days > 0 && r.Micros < 0 {
		r.Micros += usPerDay
		r.Days--
	} else if r.Days < 0 && r.Micros > 0 {
		r.Micros -= usPerDay
		r.Days++
	}
	return r, nil
}

// makeInterval is make_interval(years, months, weeks, days, hours, mins, secs).
func makeInterval(years, months, weeks, days, hours, mins int64, secs float64) (types.IntervalValue, error) {
	var r types.IntervalValue
	if math.IsNaN(secs) || math.IsInf(secs, 0) {
		return r, errIntervalRange
	}
	m := years*monthsPerYr + months
	d := weeks*7 + days
	if m < math.MinInt32 || m > math.MaxInt32 || d < math.MinInt32 || d > math.MaxInt32 {
		return r, errIntervalRange
	}
	s := rint(secs * usPerSec)
	if !fitsInt64(s) {
		return r, errIntervalRange
	}
	us, ok := mulInt64(hours, usPerHour)
	if ok {
		var t int64
		t, ok = mulInt64(mins, usPerMin)
		if ok {
			us, ok = addInt64(us, t)
		}
		if ok {
			us, ok = addInt64(us, int64(s))
		}
	}
	if !ok {
		return r, errIntervalRange
	}
	return types.IntervalValue{Months: int32(m), Days: int32(d), Micros: us}, nil
}

func ivDatum(iv types.IntervalValue, err error) (types.Datum, error) {
	if err != nil {
		return types.Null, err
	}
	return types.NewInterval(iv), nil
}

func init() {
	ivOp := func(name string, op func(a, b types.IntervalValue) (types.IntervalValue, error)) *Func {
		return fn(name, ts(tInterval, tInterval), tInterval, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return ivDatum(op(a[0].Interval(), a[1].Interval()))
		})
	}
	ivUnary := func(name string, op func(a types.IntervalValue) (types.IntervalValue, error)) *Func {
		return fn(name, ts(tInterval), tInterval, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return ivDatum(op(a[0].Interval()))
		})
	}
	register(
		ivOp("+", intervalAdd),
		ivOp("-", intervalSub),
		ivUnary("-", intervalNeg),
		ivUnary("+", func(a types.IntervalValue) (types.IntervalValue, error) { return a, nil }),
		ivUnary("justify_hours", justifyHours),
		ivUnary("justify_days", justifyDays),
		ivUnary("justify_interval", justifyInterval),
		fn("*", ts(tInterval, tFloat8), tInterval, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return ivDatum(intervalMul(a[0].Interval(), a[1].Float()))
		}),
		fn("*", ts(tFloat8, tInterval), tInterval, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return ivDatum(intervalMul(a[1].Interval(), a[0].Float()))
		}),
		fn("/", ts(tInterval, tFloat8), tInterval, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return ivDatum(intervalDiv(a[0].Interval(), a[1].Float()))
		}),
		fn("isfinite", ts(tInterval), tBool, func(*Context, []types.Datum) (types.Datum, error) {
			return types.NewBool(true), nil
		}),
	)
	// make_interval with 0 to 7 leading arguments (the rest default to 0).
	full := ts(tInt4, tInt4, tInt4, tInt4, tInt4, tInt4, tFloat8)
	for n := 0; n <= 7; n++ {
		register(fn("make_interval", full[:n], tInterval, func(_ *Context, a []types.Datum) (types.Datum, error) {
			var v [6]int64
			secs := 0.0
			for i, d := range a {
				if i == 6 {
					secs = d.Float()
				} else {
					v[i] = d.Int()
				}
			}
			return ivDatum(makeInterval(v[0], v[1], v[2], v[3], v[4], v[5], secs))
		}))
	}
}
