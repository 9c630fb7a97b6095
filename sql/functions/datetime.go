package functions

import (
	"math"
	"strconv"
	"time"

	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// Date, time and timestamp operators and functions.

// addMonthsDays adds an interval's months and days to a wall-clock
// timestamp: months first with the day clamped to the month's length
// (Jan 31 + 1 month = Feb 28/29), then days. loc, when not nil, marks a
// timestamptz: us is an instant whose fields are taken in loc.
func addInterval(us int64, iv types.IntervalValue, loc *time.Location) (int64, error) {
	if isInfTS(us) {
		return us, nil
	}
	if iv.Months != 0 {
		local := us
		if loc != nil {
			local = toLocal(us, loc)
		}
		t := splitTS(local)
		months := t.year*12 + (t.mon - 1) + int64(iv.Months)
		y, m := floorDiv64(months, 12)
		t.year, t.mon = y, m+1
		if dim := daysInMonth(t.year, t.mon); t.mday > dim {
			t.mday = dim
		}
		v, ok := joinTS(t)
		if !ok {
			return 0, errTSRange
		}
		if loc != nil {
			v = localToUTC(v, loc)
		}
		us = v
	}
	if iv.Days != 0 {
		local := us
		if loc != nil {
			local = toLocal(us, loc)
		}
		v, ok := addInt64(local, int64(iv.Days)*usPerDay)
		if !ok || !validTS(v) {
			return 0, errTSRange
		}
		if loc != nil {
			v = localToUTC(v, loc)
		}
		us = v
	}
	r, ok := addInt64(us, iv.Micros)
	if !ok || !validTS(r) {
		return 0, errTSRange
	}
	return r, nil
}

func tsDatum(us int64, err error) (types.Datum, error) {
	if err != nil {
		return types.Null, err
	}
	return types.NewTimestamp(us), nil
}

func tstzDatum(us int64, err error) (types.Datum, error) {
	if err != nil {
		return types.Null, err
	}
	return types.NewTimestamptz(us), nil
}

var errInfSub = sqlerr.New(codeDatetimeOverflow, "cannot subtract infinite timestamps")

// tsDiff is timestamp - timestamp: the µs difference, justified into days.
func tsDiff(a, b int64) (types.IntervalValue, error) {
	if isInfTS(a) || isInfTS(b) {
		return types.IntervalValue{}, errInfSub
	}
	d, ok := subInt64(a, b)
	if !ok {
		return types.IntervalValue{}, errIntervalRange
	}
	return justifyHours(types.IntervalValue{Micros: d})
}

// age is PostgreSQL's timestamp_age over broken-down times: a symbolic
// difference in years, months, days and time.
func age(t1, t2 tm, forward bool) (types.IntervalValue, error) {
	// forward: dt1 >= dt2.
	fsec := t1.usec - t2.usec
	sec := t1.sec - t2.sec
	mn := t1.min - t2.min
	hr := t1.hour - t2.hour
	mday := t1.mday - t2.mday
	mon := t1.mon - t2.mon
	year := t1.year - t2.year
	if !forward {
		fsec, sec, mn, hr, mday, mon, year = -fsec, -sec, -mn, -hr, -mday, -mon, -year
	}
	for fsec < 0 {
		fsec += usPerSec
		sec--
	}
	for sec < 0 {
		sec += 60
		mn--
	}
	for mn < 0 {
		mn += 60
		hr--
	}
	for hr < 0 {
		hr += 24
		mday--
	}
	for mday < 0 {
		if !forward {
			mday += daysInMonth(t1.year, t1.mon)
		} else {
			mday += daysInMonth(t2.year, t2.mon)
		}
		mon--
	}
	for mon < 0 {
		mon += 12
		year--
	}
	if !forward {
		fsec, sec, mn, hr, mday, mon, year = -fsec, -sec, -mn, -hr, -mday, -mon, -year
	}
	months := year*12 + mon
	if months < math.MinInt32 || months > math.MaxInt32 {
		return types.IntervalValue{}, errIntervalRange
	}
	return types.IntervalValue{
		Months: int32(months),
		Days:   int32(mday),
		Micros: ((hr*60+mn)*60+sec)*usPerSec + fsec,
	}, nil
}

func ageTS(a, b int64, loc *time.Location) (types.IntervalValue, error) {
	if isInfTS(a) || isInfTS(b) {
		return types.IntervalValue{}, errTSRange
	}
	la, lb := a, b
	if loc != nil {
		la, lb = toLocal(a, loc), toLocal(b, loc)
	}
	return age(splitTS(la), splitTS(lb), a >= b)
}

// todayMidnight returns the session's current date at 00:00 as a wall
// clock timestamp.
func todayMidnight(ctx *Context) int64 {
	local := toLocal(ctx.TxnTime, locOf(ctx))
	d, _ := floorDiv64(local, usPerDay)
	return d * usPerDay
}

func dateAddDays(d, n int64) (types.Datum, error) {
	if isInfDate(d) {
		return types.NewDate(d), nil
	}
	r := d + n
	if !validDate(r) {
		return types.Null, errDateRange
	}
	return types.NewDate(r), nil
}

// floatTimeOverflows is PostgreSQL's range check of hour, minute and a
// fractional second (24:00:00 allowed).
func floatTimeOverflows(h, m int64, s float64) bool {
	if h < 0 || h > 24 || m < 0 || m >= 60 || math.IsNaN(s) {
		return true
	}
	us := rint(s * usPerSec)
	if us < 0 || us > 60*usPerSec {
		return true
	}
	return float64(((h*60+m)*60)*usPerSec)+us > usPerDay
}

func fmtG(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func timeFieldErr(h, m int64, s float64) error {
	sec := fmtG(s)
	if s < 10 && s >= 0 {
		sec = "0" + sec
	}
	return sqlerr.New(codeDatetimeOverflow, "time field value out of range: %d:%02d:%s", h, m, sec)
}

// makeDate validates a date; negative years are BC when allowBC.
func makeDate(y, m, d int64, allowBC bool) (int64, error) {
	year := y
	bc := false
	if y < 0 && allowBC {
		bc, year = true, -y
	}
	astro := year
	if bc {
		astro = 1 - year
	}
	// PostgreSQL reports a BC date with the year already converted.
	fieldErr := sqlerr.New(codeDatetimeOverflow, "date field value out of range: %d-%02d-%02d", astro, m, d)
	if year <= 0 || m < 1 || m > 12 || d < 1 {
		return 0, fieldErr
	}
	if d > daysInMonth(astro, m) {
		return 0, fieldErr
	}
	if astro < -4713 || astro > 5874898 {
		return 0, sqlerr.New(codeDatetimeOverflow, "date out of range: %d-%02d-%02d", year, m, d)
	}
	days := daysFromCivil(astro, m, d)
	if !validDate(days) {
		return 0, sqlerr.New(codeDatetimeOverflow, "date out of range: %d-%02d-%02d", year, m, d)
	}
	return days, nil
}

func makeTimestamp(a []types.Datum) (int64, error) {
	y, m, d, h, mi, s := a[0].Int(), a[1].Int(), a[2].Int(), a[3].Int(), a[4].Int(), a[5].Float()
	days, err := makeDate(y, m, d, false)
	if err != nil {
		return 0, err
	}
	if floatTimeOverflows(h, mi, s) {
		return 0, timeFieldErr(h, mi, s)
	}
	tod := ((h*60+mi)*60)*usPerSec + int64(rint(s*usPerSec))
	us, ok := mulInt64(days, usPerDay)
	if ok {
		us, ok = addInt64(us, tod)
	}
	if !ok || !validTS(us) {
		return 0, sqlerr.New(codeDatetimeOverflow, "timestamp out of range: %d-%02d-%02d %d:%02d:%s", y, m, d, h, mi, fmtG(s))
	}
	return us, nil
}

// toTimestampFloat is to_timestamp(double precision): Unix seconds.
func toTimestampFloat(sec float64) (int64, error) {
	if math.IsNaN(sec) {
		return 0, sqlerr.New(codeDatetimeOverflow, "timestamp cannot be NaN")
	}
	if math.IsInf(sec, 1) {
		return types.InfinityMicros, nil
	}
	if math.IsInf(sec, -1) {
		return types.NegInfinityMicros, nil
	}
	outOfRange := sqlerr.New(codeDatetimeOverflow, "timestamp out of range: \"%s\"", fmtPGFloat(sec))
	if sec < float64(minDateDays)*86400 || sec >= float64(endTimestampDay)*86400 {
		return 0, outOfRange
	}
	// Round in PostgreSQL's epoch (2000-01-01) as it does.
	const pgEpochSec = 946684800
	us := rint((sec - pgEpochSec) * usPerSec)
	r := int64(us) + pgEpochSec*usPerSec
	if !validTS(r) {
		return 0, outOfRange
	}
	return r, nil
}

// fmtPGFloat prints a float as C's %g does (6 significant digits).
func fmtPGFloat(f float64) string {
	s := strconv.FormatFloat(f, 'g', 6, 64)
	// C prints exponents with at least two digits: 1e+20, not 1e+20 (same),
	// but Go writes 1e+06 as 1e+06 too; nothing to adjust.
	return s
}

// dateBin is date_bin(stride, source, origin) over µs values.
func dateBin(stride types.IntervalValue, src, origin int64) (int64, error) {
	if isInfTS(src) {
		return src, nil
	}
	if isInfTS(origin) {
		return 0, sqlerr.New(codeDatetimeOverflow, "origin out of range")
	}
	if stride.Months != 0 {
		return 0, sqlerr.New(sqlerr.FeatureNotSupported, "timestamps cannot be binned into intervals containing months or years")
	}
	strideUS, ok := mulInt64(int64(stride.Days), usPerDay)
	if ok {
		strideUS, ok = addInt64(strideUS, stride.Micros)
	}
	if !ok {
		return 0, errIntervalRange
	}
	if strideUS <= 0 {
		return 0, sqlerr.New(codeDatetimeOverflow, "stride must be greater than zero")
	}
	diff, ok := subInt64(src, origin)
	if !ok {
		return 0, errIntervalRange
	}
	mod := diff % strideUS
	r := origin + (diff - mod)
	if mod < 0 {
		r, ok = subInt64(r, strideUS)
		if !ok || !validTS(r) {
			return 0, errTSRange
		}
	}
	return r, nil
}

func zoneArg(name string) (*time.Location, error) { return parseZone(name) }

func intervalZone(iv types.IntervalValue) (*time.Location, error) {
	if iv.Months != 0 || iv.Days != 0 {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "interval time zone \"%s\" must not include months or days", "interval")
	}
	return time.FixedZone("", int(iv.Micros/usPerSec)), nil
}

func now(ctx *Context, _ []types.Datum) (types.Datum, error) {
	return types.NewTimestamptz(ctx.TxnTime), nil
}

func init() {
	register(
		// date ± integer, date - date.
		fn("+", ts(tDate, tInt4), tDate, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return dateAddDays(a[0].Days(), a[1].Int())
		}),
		fn("+", ts(tInt4, tDate), tDate, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return dateAddDays(a[1].Days(), a[0].Int())
		}),
		fn("-", ts(tDate, tInt4), tDate, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return dateAddDays(a[0].Days(), -a[1].Int())
		}),
		fn("-", ts(tDate, tDate), tInt4, func(_ *Context, a []types.Datum) (types.Datum, error) {
			x, y := a[0].Days(), a[1].Days()
			if isInfDate(x) || isInfDate(y) {
				return types.Null, sqlerr.New(codeDatetimeOverflow, "cannot subtract infinite dates")
			}
			return types.NewInt(x - y), nil
		}),
		// date ± interval -> timestamp; date + time -> timestamp.
		fn("+", ts(tDate, tInterval), tTS, func(_ *Context, a []types.Datum) (types.Datum, error) {
			us, err := dateToTS(a[0].Days())
			if err != nil {
				return types.Null, err
			}
			return tsDatum(addInterval(us, a[1].Interval(), nil))
		}),
		fn("+", ts(tInterval, tDate), tTS, func(_ *Context, a []types.Datum) (types.Datum, error) {
			us, err := dateToTS(a[1].Days())
			if err != nil {
				return types.Null, err
			}
			return tsDatum(addInterval(us, a[0].Interval(), nil))
		}),
		fn("-", ts(tDate, tInterval), tTS, func(_ *Context, a []types.Datum) (types.Datum, error) {
			us, err := dateToTS(a[0].Days())
			if err != nil {
				return types.Null, err
			}
			neg, err := intervalNeg(a[1].Interval())
			if err != nil {
				return types.Null, err
			}
			return tsDatum(addInterval(us, neg, nil))
		}),
		fn("+", ts(tDate, tTime), tTS, func(_ *Context, a []types.Datum) (types.Datum, error) {
			us, err := dateToTS(a[0].Days())
			if err != nil || isInfTS(us) {
				return tsDatum(us, err)
			}
			r, ok := addInt64(us, a[1].Micros())
			if !ok || !validTS(r) {
				return types.Null, errTSRange
			}
			return types.NewTimestamp(r), nil
		}),
		fn("+", ts(tTime, tDate), tTS, func(_ *Context, a []types.Datum) (types.Datum, error) {
			us, err := dateToTS(a[1].Days())
			if err != nil || isInfTS(us) {
				return tsDatum(us, err)
			}
			r, ok := addInt64(us, a[0].Micros())
			if !ok || !validTS(r) {
				return types.Null, errTSRange
			}
			return types.NewTimestamp(r), nil
		}),
		// timestamp ± interval, timestamp - timestamp.
		fn("+", ts(tTS, tInterval), tTS, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return tsDatum(addInterval(a[0].Micros(), a[1].Interval(), nil))
		}),
		fn("+", ts(tInterval, tTS), tTS, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return tsDatum(addInterval(a[1].Micros(), a[0].Interval(), nil))
		}),
		fn("-", ts(tTS, tInterval), tTS, func(_ *Context, a []types.Datum) (types.Datum, error) {
			neg, err := intervalNeg(a[1].Interval())
			if err != nil {
				return types.Null, err
			}
			return tsDatum(addInterval(a[0].Micros(), neg, nil))
		}),
		fn("-", ts(tTS, tTS), tInterval, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return ivDatum(tsDiff(a[0].Micros(), a[1].Micros()))
		}),
		// timestamptz ± interval (months and days in the session zone).
		fn("+", ts(tTSTZ, tInterval), tTSTZ, func(ctx *Context, a []types.Datum) (types.Datum, error) {
			return tstzDatum(addInterval(a[0].Micros(), a[1].Interval(), locOf(ctx)))
		}),
		fn("+", ts(tInterval, tTSTZ), tTSTZ, func(ctx *Context, a []types.Datum) (types.Datum, error) {
			return tstzDatum(addInterval(a[1].Micros(), a[0].Interval(), locOf(ctx)))
		}),
		fn("-", ts(tTSTZ, tInterval), tTSTZ, func(ctx *Context, a []types.Datum) (types.Datum, error) {
			neg, err := intervalNeg(a[1].Interval())
			if err != nil {
				return types.Null, err
			}
			return tstzDatum(addInterval(a[0].Micros(), neg, locOf(ctx)))
		}),
		fn("-", ts(tTSTZ, tTSTZ), tInterval, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return ivDatum(tsDiff(a[0].Micros(), a[1].Micros()))
		}),
		// time ± interval wraps around midnight; time - time.
		fn("+", ts(tTime, tInterval), tTime, func(_ *Context, a []types.Datum) (types.Datum, error) {
			_, r := floorDiv64(a[0].Micros()+a[1].Interval().Micros%usPerDay, usPerDay)
			return types.NewTime(r), nil
		}),
		fn("+", ts(tInterval, tTime), tTime, func(_ *Context, a []types.Datum) (types.Datum, error) {
			_, r := floorDiv64(a[1].Micros()+a[0].Interval().Micros%usPerDay, usPerDay)
			return types.NewTime(r), nil
		}),
		fn("-", ts(tTime, tInterval), tTime, func(_ *Context, a []types.Datum) (types.Datum, error) {
			_, r := floorDiv64(a[0].Micros()-a[1].Interval().Micros%usPerDay, usPerDay)
			return types.NewTime(r), nil
		}),
		fn("-", ts(tTime, tTime), tInterval, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return types.NewInterval(types.IntervalValue{Micros: a[0].Micros() - a[1].Micros()}), nil
		}),

		// Current time.
		&Func{Name: "now", Ret: tTSTZ, Eval: now},
		&Func{Name: "transaction_timestamp", Ret: tTSTZ, Eval: now},
		&Func{Name: "current_timestamp", Ret: tTSTZ, Eval: now},
		&Func{Name: "statement_timestamp", Ret: tTSTZ, Eval: func(ctx *Context, _ []types.Datum) (types.Datum, error) {
			if ctx.StmtTime != 0 {
				return types.NewTimestamptz(ctx.StmtTime), nil
			}
			return types.NewTimestamptz(ctx.TxnTime), nil
		}},
		&Func{Name: "clock_timestamp", Ret: tTSTZ, Volatile: true, Eval: func(*Context, []types.Datum) (types.Datum, error) {
			return types.NewTimestamptz(time.Now().UnixMicro()), nil
		}},
		&Func{Name: "current_date", Ret: tDate, Eval: func(ctx *Context, _ []types.Datum) (types.Datum, error) {
			return types.NewDate(todayMidnight(ctx) / usPerDay), nil
		}},
		&Func{Name: "localtimestamp", Ret: tTS, Eval: func(ctx *Context, _ []types.Datum) (types.Datum, error) {
			return types.NewTimestamp(toLocal(ctx.TxnTime, locOf(ctx))), nil
		}},

		// age.
		fn("age", ts(tTS, tTS), tInterval, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return ivDatum(ageTS(a[0].Micros(), a[1].Micros(), nil))
		}),
		fn("age", ts(tTSTZ, tTSTZ), tInterval, func(ctx *Context, a []types.Datum) (types.Datum, error) {
			return ivDatum(ageTS(a[0].Micros(), a[1].Micros(), locOf(ctx)))
		}),
		fn("age", ts(tTS), tInterval, func(ctx *Context, a []types.Datum) (types.Datum, error) {
			return ivDatum(ageTS(todayMidnight(ctx), a[0].Micros(), nil))
		}),
		fn("age", ts(tTSTZ), tInterval, func(ctx *Context, a []types.Datum) (types.Datum, error) {
			loc := locOf(ctx)
			return ivDatum(ageTS(localToUTC(todayMidnight(ctx), loc), a[0].Micros(), loc))
		}),

		// Constructors.
		fn("make_date", ts(tInt4, tInt4, tInt4), tDate, func(_ *Context, a []types.Datum) (types.Datum, error) {
			d, err := makeDate(a[0].Int(), a[1].Int(), a[2].Int(), true)
			if err != nil {
				return types.Null, err
			}
			return types.NewDate(d), nil
		}),
		fn("make_time", ts(tInt4, tInt4, tFloat8), tTime, func(_ *Context, a []types.Datum) (types.Datum, error) {
			h, m, s := a[0].Int(), a[1].Int(), a[2].Float()
			if floatTimeOverflows(h, m, s) {
				return types.Null, timeFieldErr(h, m, s)
			}
			return types.NewTime(((h*60+m)*60)*usPerSec + int64(rint(s*usPerSec))), nil
		}),
		fn("make_timestamp", ts(tInt4, tInt4, tInt4, tInt4, tInt4, tFloat8), tTS, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return tsDatum(makeTimestamp(a))
		}),
		fn("make_timestamptz", ts(tInt4, tInt4, tInt4, tInt4, tInt4, tFloat8), tTSTZ, func(ctx *Context, a []types.Datum) (types.Datum, error) {
			us, err := makeTimestamp(a)
			if err != nil {
				return types.Null, err
			}
			return types.NewTimestamptz(localToUTC(us, locOf(ctx))), nil
		}),
		fn("make_timestamptz", ts(tInt4, tInt4, tInt4, tInt4, tInt4, tFloat8, tText), tTSTZ, func(_ *Context, a []types.Datum) (types.Datum, error) {
			us, err := makeTimestamp(a)
			if err != nil {
				return types.Null, err
			}
			loc, err := zoneArg(a[6].Str())
			if err != nil {
				return types.Null, err
			}
			return types.NewTimestamptz(localToUTC(us, loc)), nil
		}),
		fn("to_timestamp", ts(tFloat8), tTSTZ, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return tstzDatum(toTimestampFloat(a[0].Float()))
		}),

		// date_bin.
		fn("date_bin", ts(tInterval, tTS, tTS), tTS, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return tsDatum(dateBin(a[0].Interval(), a[1].Micros(), a[2].Micros()))
		}),
		fn("date_bin", ts(tInterval, tTSTZ, tTSTZ), tTSTZ, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return tstzDatum(dateBin(a[0].Interval(), a[1].Micros(), a[2].Micros()))
		}),

		// AT TIME ZONE.
		fn("timezone", ts(tText, tTSTZ), tTS, func(_ *Context, a []types.Datum) (types.Datum, error) {
			loc, err := zoneArg(a[0].Str())
			if err != nil {
				return types.Null, err
			}
			return types.NewTimestamp(toLocal(a[1].Micros(), loc)), nil
		}),
		fn("timezone", ts(tText, tTS), tTSTZ, func(_ *Context, a []types.Datum) (types.Datum, error) {
			us := a[1].Micros()
			if isInfTS(us) {
				return types.NewTimestamptz(us), nil
			}
			loc, err := zoneArg(a[0].Str())
			if err != nil {
				return types.Null, err
			}
			r := localToUTC(us, loc)
			if !validTS(r) {
				return types.Null, errTSRange
			}
			return types.NewTimestamptz(r), nil
		}),
		fn("timezone", ts(tInterval, tTSTZ), tTS, func(_ *Context, a []types.Datum) (types.Datum, error) {
			loc, err := intervalZone(a[0].Interval())
			if err != nil {
				return types.Null, err
			}
			return types.NewTimestamp(toLocal(a[1].Micros(), loc)), nil
		}),
		fn("timezone", ts(tInterval, tTS), tTSTZ, func(_ *Context, a []types.Datum) (types.Datum, error) {
			loc, err := intervalZone(a[0].Interval())
			if err != nil {
				return types.Null, err
			}
			us := a[1].Micros()
			if isInfTS(us) {
				return types.NewTimestamptz(us), nil
			}
			return types.NewTimestamptz(localToUTC(us, loc)), nil
		}),

		fn("isfinite", ts(tDate), tBool, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return types.NewBool(!isInfDate(a[0].Days())), nil
		}),
		fn("isfinite", ts(tTS), tBool, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return types.NewBool(!isInfTS(a[0].Micros())), nil
		}),
		fn("isfinite", ts(tTSTZ), tBool, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return types.NewBool(!isInfTS(a[0].Micros())), nil
		}),
	)
}
