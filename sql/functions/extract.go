package functions

import (
	"math"
	"strings"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// extract / date_part / date_trunc. Field names are matched as
// PostgreSQL's DecodeUnits does: lower-cased, compared on their first 10
// characters, with its abbreviations and plurals ("hours", "ms", "mon").

type dtUnit uint8

const (
	uNone dtUnit = iota
	uMicrosecond
	uMillisecond
	uSecond
	uMinute
	uHour
	uDay
	uWeek
	uMonth
	uQuarter
	uYear
	uDecade
	uCentury
	uMillennium
	uTZ
	uTZHour
	uTZMinute
	uJulian
	uDow
	uIsodow
	uDoy
	uIsoyear
	uEpoch // a "reserved" word rather than a unit
)

var unitNames = map[string]dtUnit{
	"c": uCentury, "cent": uCentury, "centuries": uCentury, "century": uCentury,
	"d": uDay, "day": uDay, "days": uDay,
	"dec": uDecade, "decade": uDecade, "decades": uDecade, "decs": uDecade,
	"h": uHour, "hour": uHour, "hours": uHour, "hr": uHour, "hrs": uHour,
	"m": uMinute, "min": uMinute, "mins": uMinute, "minute": uMinute, "minutes": uMinute,
	"microsecon": uMicrosecond, "us": uMicrosecond, "usec": uMicrosecond, "useconds": uMicrosecond, "usecs": uMicrosecond,
	"mil": uMillennium, "millennia": uMillennium, "millennium": uMillennium, "mils": uMillennium,
	"millisecon": uMillisecond, "ms": uMillisecond, "msec": uMillisecond, "mseconds": uMillisecond, "msecs": uMillisecond,
	"mon": uMonth, "mons": uMonth, "month": uMonth, "months": uMonth,
	"qtr": uQuarter, "quarter": uQuarter,
	"s": uSecond, "sec": uSecond, "second": uSecond, "seconds": uSecond, "secs": uSecond,
	"timezone": uTZ, "timezone_h": uTZHour, "timezone_m": uTZMinute,
	"w": uWeek, "week": uWeek, "weeks": uWeek,
	"y": uYear, "year": uYear, "years": uYear, "yr": uYear, "yrs": uYear,
	// DecodeSpecial's units.
	"dow": uDow, "doy": uDoy, "isodow": uIsodow, "isoyear": uIsoyear,
	"j": uJulian, "jd": uJulian, "julian": uJulian,
	"epoch": uEpoch,
}

// specialUnits are the names PostgreSQL finds in its date-token table
// rather than its unit table: extract accepts them, date_trunc does not
// recognise them.
var specialUnits = map[string]bool{"dow": true, "doy": true, "isodow": true, "isoyear": true,
	"j": true, "jd": true, "julian": true, "epoch": true}

// decodeUnit returns the unit and the lower-cased name for messages.
func decodeUnit(s string) (dtUnit, string) {
	low := strings.ToLower(s)
	key := low
	if len(key) > 10 {
		key = key[:10]
	}
	return unitNames[key], low
}

// decodeTruncUnit is decodeUnit for date_trunc: only true units.
func decodeTruncUnit(s string) (dtUnit, string) {
	u, low := decodeUnit(s)
	key := low
	if len(key) > 10 {
		key = key[:10]
	}
	if specialUnits[key] {
		return uNone, low
	}
	return u, low
}

func unitNotRecognized(low string, t types.Type) error {
	return sqlerr.New(sqlerr.InvalidParameterValue, "unit \"%s\" not recognized for type %s", low, t)
}

func unitNotSupported(low string, t types.Type) error {
	return sqlerr.New(sqlerr.FeatureNotSupported, "unit \"%s\" not supported for type %s", low, t)
}

// fieldValue is one extracted field: an integer, or a value with a fixed
// number of decimals (µs-based fields), or ±Infinity, or NULL.
type fieldValue struct {
	null  bool
	inf   int // +1 / -1
	i     int64
	scale int // i / 10^scale
	num   *apd.Decimal
	f     float64 // the float8 result where PostgreSQL computes it apart
	hasF  bool
}

func (v fieldValue) numeric() types.Datum {
	switch {
	case v.null:
		return types.Null
	case v.inf != 0:
		return types.NewDecimal(decInf(v.inf < 0))
	case v.num != nil:
		return types.NewDecimal(v.num)
	}
	return types.NewDecimal(apd.New(v.i, int32(-v.scale)))
}

func (v fieldValue) float() types.Datum {
	switch {
	case v.null:
		return types.Null
	case v.inf != 0:
		return types.NewFloat(math.Inf(v.inf))
	case v.hasF:
		return types.NewFloat(v.f)
	case v.num != nil:
		return types.NewFloat(decToFloat(v.num))
	}
	if v.scale == 0 {
		return types.NewFloat(float64(v.i))
	}
	return types.NewFloat(float64(v.i) / math.Pow10(v.scale))
}

func intField(i int64) fieldValue { return fieldValue{i: i} }

func isoDow(days int64) int64 {
	_, dow := floorDiv64(days+4, 7) // 1970-01-01 was a Thursday
	if dow == 0 {
		return 7
	}
	return dow
}

// isoWeek returns the ISO 8601 year and week of a date.
func isoWeek(days int64) (year, week int64) {
	thursday := days - isoDow(days) + 4
	y, _, _ := civilFromDays(thursday)
	jan1 := daysFromCivil(y, 1, 1)
	return y, (thursday-jan1)/7 + 1
}

// yearFields computes year-like fields from an astronomical year.
func yearField(u dtUnit, y int64) int64 {
	switch u {
	case uYear:
		if y > 0 {
			return y
		}
		return y - 1
	case uDecade:
		if y >= 0 {
			return y / 10
		}
		return -((8 - (y - 1)) / 10)
	case uCentury:
		if y > 0 {
			return (y + 99) / 100
		}
		return -((99 - (y - 1)) / 100)
	case uMillennium:
		if y > 0 {
			return (y + 999) / 1000
		}
		return -((999 - (y - 1)) / 1000)
	}
	return 0
}

func julianDay(days int64) int64 { return days + unixEpochJD }

// timestampField extracts a field from a wall-clock timestamp. tzSec is
// the zone offset (seconds east) for timestamptz, and epochUS the
// instant for the epoch field.
func timestampField(u dtUnit, low string, local int64, epochUS int64, tz bool, tzSec int64, t types.Type) (fieldValue, error) {
	if isInfTS(local) {
		sign := 1
		if local == types.NegInfinityMicros {
			sign = -1
		}
		switch u {
		case uMicrosecond, uMillisecond, uSecond, uMinute, uHour, uDay, uMonth, uQuarter, uWeek,
			uDow, uIsodow, uDoy, uTZ, uTZHour, uTZMinute:
			if !tz && (u == uTZ || u == uTZHour || u == uTZMinute) {
				return fieldValue{}, unitNotSupported(low, t)
			}
			return fieldValue{null: true}, nil
		case uYear, uDecade, uCentury, uMillennium, uJulian, uIsoyear, uEpoch:
			return fieldValue{inf: sign}, nil
		case uNone:
			return fieldValue{}, unitNotRecognized(low, t)
		}
		return fieldValue{}, unitNotSupported(low, t)
	}
	f := splitTS(local)
	secUS := f.sec*usPerSec + f.usec
	switch u {
	case uMicrosecond:
		return intField(secUS), nil
	case uMillisecond:
		return fieldValue{i: secUS, scale: 3, f: float64(f.sec)*1000.0 + float64(f.usec)/1000.0, hasF: true}, nil
	case uSecond:
		return fieldValue{i: secUS, scale: 6, f: float64(f.sec) + float64(f.usec)/1000000.0, hasF: true}, nil
	case uMinute:
		return intField(f.min), nil
	case uHour:
		return intField(f.hour), nil
	case uDay:
		return intField(f.mday), nil
	case uMonth:
		return intField(f.mon), nil
	case uQuarter:
		return intField((f.mon-1)/3 + 1), nil
	case uWeek:
		_, w := isoWeek(f.days)
		return intField(w), nil
	case uYear, uDecade, uCentury, uMillennium:
		return intField(yearField(u, f.year)), nil
	case uJulian:
		jd := julianDay(f.days)
		tod := ((f.hour*60+f.min)*60+f.sec)*usPerSec + f.usec
		q, _ := numDiv(decFromInt(tod), decFromInt(usPerDay))
		n, _ := numAdd(decFromInt(jd), q)
		fl := float64(jd) + (float64((f.hour*60+f.min)*60+f.sec)+float64(f.usec)/1000000.0)/86400
		return fieldValue{num: n, f: fl, hasF: true}, nil
	case uIsoyear:
		y, _ := isoWeek(f.days)
		if y <= 0 {
			y--
		}
		return intField(y), nil
	case uDow:
		return intField(isoDow(f.days) % 7), nil
	case uIsodow:
		return intField(isoDow(f.days)), nil
	case uDoy:
		return intField(f.days - daysFromCivil(f.year, 1, 1) + 1), nil
	case uTZ, uTZHour, uTZMinute:
		if !tz {
			return fieldValue{}, unitNotSupported(low, t)
		}
		switch u {
		case uTZ:
			return intField(tzSec), nil
		case uTZHour:
			return intField(tzSec / 3600), nil
		}
		return intField((tzSec / 60) % 60), nil
	case uEpoch:
		return fieldValue{i: epochUS, scale: 6, f: float64(epochUS) / 1000000.0, hasF: true}, nil
	case uNone:
		return fieldValue{}, unitNotRecognized(low, t)
	}
	return fieldValue{}, unitNotSupported(low, t)
}

// dateField is extract(field FROM date) (PostgreSQL 14+): no time fields.
func dateField(u dtUnit, low string, days int64) (fieldValue, error) {
	if isInfDate(days) {
		sign := 1
		if days == types.NegInfinityDays {
			sign = -1
		}
		switch u {
		case uDay, uMonth, uQuarter, uWeek, uDow, uIsodow, uDoy:
			return fieldValue{null: true}, nil
		case uYear, uDecade, uCentury, uMillennium, uJulian, uIsoyear, uEpoch:
			return fieldValue{inf: sign}, nil
		case uNone:
			return fieldValue{}, unitNotRecognized(low, types.TDate)
		}
		return fieldValue{}, unitNotSupported(low, types.TDate)
	}
	y, m, d := civilFromDays(days)
	switch u {
	case uDay:
		return intField(d), nil
	case uMonth:
		return intField(m), nil
	case uQuarter:
		return intField((m-1)/3 + 1), nil
	case uWeek:
		_, w := isoWeek(days)
		return intField(w), nil
	case uDow:
		return intField(isoDow(days) % 7), nil
	case uIsodow:
		return intField(isoDow(days)), nil
	case uDoy:
		return intField(days - daysFromCivil(y, 1, 1) + 1), nil
	case uYear, uDecade, uCentury, uMillennium:
		return intField(yearField(u, y)), nil
	case uJulian:
		return intField(julianDay(days)), nil
	case uIsoyear:
		iy, _ := isoWeek(days)
		if iy <= 0 {
			iy--
		}
		return intField(iy), nil
	case uEpoch:
		return intField(days * 86400), nil
	case uNone:
		return fieldValue{}, unitNotRecognized(low, types.TDate)
	}
	return fieldValue{}, unitNotSupported(low, types.TDate)
}

func timeField(u dtUnit, low string, us int64) (fieldValue, error) {
	sec := us / usPerSec
	secUS := (sec%60)*usPerSec + us%usPerSec
	switch u {
	case uMicrosecond:
		return intField(secUS), nil
	case uMillisecond:
		return fieldValue{i: secUS, scale: 3, f: float64(secUS/usPerSec)*1000.0 + float64(secUS%usPerSec)/1000.0, hasF: true}, nil
	case uSecond:
		return fieldValue{i: secUS, scale: 6, f: float64(secUS/usPerSec) + float64(secUS%usPerSec)/1000000.0, hasF: true}, nil
	case uMinute:
		return intField((sec / 60) % 60), nil
	case uHour:
		return intField(sec / 3600), nil
	case uEpoch:
		return fieldValue{i: us, scale: 6, f: float64(us) / 1000000.0, hasF: true}, nil
	case uNone:
		return fieldValue{}, unitNotRecognized(low, types.TTime)
	}
	return fieldValue{}, unitNotSupported(low, types.TTime)
}

// intervalTM is PostgreSQL's interval2tm.
type intervalTM struct {
	year, mon, mday, hour, min, sec, usec int64
}

func splitInterval(iv types.IntervalValue) intervalTM {
	var t intervalTM
	t.year = int64(iv.Months) / 12
	t.mon = int64(iv.Months) % 12
	t.mday = int64(iv.Days)
	us := iv.Micros
	t.hour = us / usPerHour
	us -= t.hour * usPerHour
	t.min = us / usPerMin
	us -= t.min * usPerMin
	t.sec = us / usPerSec
	t.usec = us - t.sec*usPerSec
	return t
}

func intervalField(u dtUnit, low string, iv types.IntervalValue) (fieldValue, error) {
	t := splitInterval(iv)
	secUS := t.sec*usPerSec + t.usec
	switch u {
	case uMicrosecond:
		return intField(secUS), nil
	case uMillisecond:
		return fieldValue{i: secUS, scale: 3, f: float64(t.sec)*1000.0 + float64(t.usec)/1000.0, hasF: true}, nil
	case uSecond:
		return fieldValue{i: secUS, scale: 6, f: float64(t.sec) + float64(t.usec)/1000000.0, hasF: true}, nil
	case uMinute:
		return intField(t.min), nil
	case uHour:
		return intField(t.hour), nil
	case uDay:
		return intField(t.mday), nil
	case uMonth:
		return intField(t.mon), nil
	case uQuarter:
		return intField(t.mon/3 + 1), nil
	case uYear:
		return intField(t.year), nil
	case uDecade:
		return intField(t.year / 10), nil
	case uCentury:
		return intField(t.year / 100), nil
	case uMillennium:
		return intField(t.year / 1000), nil
	case uEpoch:
		m := int64(iv.Months)
		secsDM := (int64(4*365.25)*(m/12) + int64(4*daysPerMonth)*(m%12) + 4*int64(iv.Days)) * (86400 / 4)
		fl := float64(iv.Micros)/1000000.0 + 365.25*86400*float64(m/12) + float64(daysPerMonth*86400)*float64(m%12) + 86400*float64(iv.Days)
		if v, ok := mulInt64(secsDM, usPerSec); ok {
			if v, ok = addInt64(v, iv.Micros); ok {
				return fieldValue{i: v, scale: 6, f: fl, hasF: true}, nil
			}
		}
		n, _ := numAdd(apd.New(iv.Micros, -6), decFromInt(secsDM))
		return fieldValue{num: n, f: fl, hasF: true}, nil
	case uNone:
		return fieldValue{}, unitNotRecognized(low, types.TInterval)
	}
	return fieldValue{}, unitNotSupported(low, types.TInterval)
}

// Truncation.

func truncYear(u dtUnit, y int64) int64 {
	switch u {
	case uMillennium:
		if y > 0 {
			return ((y+999)/1000)*1000 - 999
		}
		return -((999-(y-1))/1000)*1000 + 1
	case uCentury:
		if y > 0 {
			return ((y+99)/100)*100 - 99
		}
		return -((99-(y-1))/100)*100 + 1
	case uDecade:
		if y > 0 {
			return (y / 10) * 10
		}
		return -((8 - (y - 1)) / 10) * 10
	}
	return y
}

// truncLocal truncates a wall-clock timestamp; dayOrMore reports whether
// the zone offset must be determined again (units of a day or more).
func truncLocal(u dtUnit, low string, us int64, t types.Type) (r int64, dayOrMore bool, err error) {
	f := splitTS(us)
	switch u {
	case uWeek:
		days := f.days - (isoDow(f.days) - 1)
		return days * usPerDay, true, nil
	case uMillennium, uCentury, uDecade, uYear, uQuarter, uMonth, uDay:
		y, m, d := f.year, f.mon, f.mday
		switch u {
		case uMillennium, uCentury, uDecade:
			y, m, d = truncYear(u, y), 1, 1
		case uYear:
			m, d = 1, 1
		case uQuarter:
			m, d = 3*((m-1)/3)+1, 1
		case uMonth:
			d = 1
		}
		days := daysFromCivil(y, m, d)
		if days < minDateDays {
			return 0, true, errTSRange
		}
		return days * usPerDay, true, nil
	case uHour:
		return us - f.tod%usPerHour, false, nil
	case uMinute:
		return us - f.tod%usPerMin, false, nil
	case uSecond:
		return us - f.usec, false, nil
	case uMillisecond:
		return us - f.usec%1000, false, nil
	case uMicrosecond:
		return us, false, nil
	case uNone, uEpoch:
		return 0, false, unitNotRecognized(low, t)
	}
	return 0, false, unitNotSupported(low, t)
}

func truncTimestamp(unit string, us int64) (int64, error) {
	u, low := decodeTruncUnit(unit)
	if u == uNone || u == uEpoch {
		return 0, unitNotRecognized(low, types.TTimestamp)
	}
	if isInfTS(us) {
		if !truncatable(u) {
			return 0, unitNotSupported(low, types.TTimestamp)
		}
		return us, nil
	}
	r, _, err := truncLocal(u, low, us, types.TTimestamp)
	return r, err
}

func truncatable(u dtUnit) bool {
	switch u {
	case uWeek, uMillennium, uCentury, uDecade, uYear, uQuarter, uMonth, uDay, uHour, uMinute,
		uSecond, uMillisecond, uMicrosecond:
		return true
	}
	return false
}

// truncTimestamptz truncates in loc: the fields are those of loc's wall
// clock; for units of a day or more the offset is determined again for
// the truncated time, for smaller ones the original offset is kept.
func truncTimestamptz(unit string, us int64, loc *time.Location) (int64, error) {
	u, low := decodeTruncUnit(unit)
	if u == uNone || u == uEpoch {
		return 0, unitNotRecognized(low, types.TTimestamptz)
	}
	if isInfTS(us) {
		if !truncatable(u) {
			return 0, unitNotSupported(low, types.TTimestamptz)
		}
		return us, nil
	}
	off := zoneOffset(us, loc) * usPerSec
	r, redo, err := truncLocal(u, low, us+off, types.TTimestamptz)
	if err != nil {
		return 0, err
	}
	if redo {
		return localToUTC(r, loc), nil
	}
	return r - off, nil
}

func truncInterval(unit string, iv types.IntervalValue) (types.IntervalValue, error) {
	u, low := decodeTruncUnit(unit)
	if u == uNone || u == uEpoch {
		return iv, unitNotRecognized(low, types.TInterval)
	}
	t := splitInterval(iv)
	switch u {
	case uMillennium:
		t.year = (t.year / 1000) * 1000
		fallthrough
	case uCentury:
		t.year = (t.year / 100) * 100
		fallthrough
	case uDecade:
		t.year = (t.year / 10) * 10
		fallthrough
	case uYear:
		t.mon = 0
		fallthrough
	case uQuarter:
		t.mon = 3 * (t.mon / 3)
		fallthrough
	case uMonth:
		t.mday = 0
		fallthrough
	case uDay:
		t.hour = 0
		fallthrough
	case uHour:
		t.min = 0
		fallthrough
	case uMinute:
		t.sec = 0
		fallthrough
	case uSecond:
		t.usec = 0
	case uMillisecond:
		t.usec = (t.usec / 1000) * 1000
	case uMicrosecond:
	default:
		e := sqlerr.New(sqlerr.FeatureNotSupported, "unit \"%s\" not supported for type %s", low, types.TInterval)
		if u == uWeek {
			e = e.WithDetail("Months usually have fractional weeks.")
		}
		return iv, e
	}
	return types.IntervalValue{
		Months: int32(t.year*12 + t.mon),
		Days:   int32(t.mday),
		Micros: ((t.hour*60+t.min)*60+t.sec)*usPerSec + t.usec,
	}, nil
}

func extractFunc(name string, arg types.Type, numeric bool, field func(ctx *Context, u dtUnit, low string, d types.Datum) (fieldValue, error)) *Func {
	ret := tFloat8
	if numeric {
		ret = tNumeric
	}
	return fn(name, ts(tText, arg), ret, func(ctx *Context, a []types.Datum) (types.Datum, error) {
		u, low := decodeUnit(a[0].Str())
		v, err := field(ctx, u, low, a[1])
		if err != nil {
			return types.Null, err
		}
		if numeric {
			return v.numeric(), nil
		}
		return v.float(), nil
	})
}

func tsFieldOf(_ *Context, u dtUnit, low string, d types.Datum) (fieldValue, error) {
	us := d.Micros()
	return timestampField(u, low, us, us, false, 0, types.TTimestamp)
}

func tstzFieldOf(ctx *Context, u dtUnit, low string, d types.Datum) (fieldValue, error) {
	us := d.Micros()
	if isInfTS(us) {
		return timestampField(u, low, us, us, true, 0, types.TTimestamptz)
	}
	off := zoneOffset(us, locOf(ctx))
	return timestampField(u, low, us+off*usPerSec, us, true, off, types.TTimestamptz)
}

func init() {
	for _, numeric := range []bool{false, true} {
		name := "date_part"
		if numeric {
			name = "extract"
		}
		register(
			extractFunc(name, tTS, numeric, tsFieldOf),
			extractFunc(name, tTSTZ, numeric, tstzFieldOf),
			extractFunc(name, tInterval, numeric, func(_ *Context, u dtUnit, low string, d types.Datum) (fieldValue, error) {
				return intervalField(u, low, d.Interval())
			}),
			extractFunc(name, tTime, numeric, func(_ *Context, u dtUnit, low string, d types.Datum) (fieldValue, error) {
				return timeField(u, low, d.Micros())
			}),
		)
	}
	register(
		// extract(field FROM date) has its own rules; date_part(text, date)
		// goes through timestamp as in PostgreSQL.
		extractFunc("extract", tDate, true, func(_ *Context, u dtUnit, low string, d types.Datum) (fieldValue, error) {
			return dateField(u, low, d.Days())
		}),
		extractFunc("date_part", tDate, false, func(_ *Context, u dtUnit, low string, d types.Datum) (fieldValue, error) {
			us, err := dateToTS(d.Days())
			if err != nil {
				return fieldValue{}, err
			}
			return timestampField(u, low, us, us, false, 0, types.TTimestamp)
		}),
		fn("date_trunc", ts(tText, tTS), tTS, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return tsDatum(truncTimestamp(a[0].Str(), a[1].Micros()))
		}),
		fn("date_trunc", ts(tText, tTSTZ), tTSTZ, func(ctx *Context, a []types.Datum) (types.Datum, error) {
			return tstzDatum(truncTimestamptz(a[0].Str(), a[1].Micros(), locOf(ctx)))
		}),
		fn("date_trunc", ts(tText, tTSTZ, tText), tTSTZ, func(_ *Context, a []types.Datum) (types.Datum, error) {
			loc, err := zoneArg(a[2].Str())
			if err != nil {
				return types.Null, err
			}
			return tstzDatum(truncTimestamptz(a[0].Str(), a[1].Micros(), loc))
		}),
		fn("date_trunc", ts(tText, tInterval), tInterval, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return ivDatum(truncInterval(a[0].Str(), a[1].Interval()))
		}),
	)
}
