package types

import (
	"math"
	"math/bits"
	"strconv"
	"strings"

	"github.com/eddy-db/eddy/sql/sqlerr"
)

// appendInterval is interval_out with IntervalStyle postgres:
// "1 year 2 mons 3 days 04:05:06.7", "-1 days +02:00:00", "00:00:00".
func appendInterval(b []byte, iv IntervalValue) []byte {
	year := int64(iv.Months / 12)
	mon := int64(iv.Months % 12)
	us := iv.Micros
	hour := us / usPerHour
	us -= hour * usPerHour
	mi := us / usPerMinute
	us -= mi * usPerMinute
	sec := us / usPerSec
	fsec := us - sec*usPerSec

	isZero, isBefore := true, false
	b = appendIntervalPart(b, year, "year", &isZero, &isBefore)
	b = appendIntervalPart(b, mon, "mon", &isZero, &isBefore)
	b = appendIntervalPart(b, int64(iv.Days), "day", &isZero, &isBefore)
	if isZero || hour != 0 || mi != 0 || sec != 0 || fsec != 0 {
		minus := hour < 0 || mi < 0 || sec < 0 || fsec < 0
		if !isZero {
			b = append(b, ' ')
		}
		if minus {
			b = append(b, '-')
		} else if isBefore {
			b = append(b, '+')
		}
		if hour < 0 {
			hour = -hour
		}
		if hour < 10 {
			b = append(b, '0')
		}
		b = strconv.AppendInt(b, hour, 10)
		b = append(b, ':')
		b = append2(b, absInt64(mi))
		b = append(b, ':')
		b = append2(b, absInt64(sec))
		b = appendFraction(b, absInt64(fsec))
	}
	return b
}

func absInt64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

func appendIntervalPart(b []byte, v int64, unit string, isZero, isBefore *bool) []byte {
	if v == 0 {
		return b
	}
	if !*isZero {
		b = append(b, ' ')
	}
	if *isBefore && v > 0 {
		b = append(b, '+')
	}
	b = strconv.AppendInt(b, v, 10)
	b = append(b, ' ')
	b = append(b, unit...)
	if v != 1 {
		b = append(b, 's')
	}
	*isBefore = v < 0
	*isZero = false
	return b
}

// Interval units, with PostgreSQL's field masks (each unit may appear
// once; a time field counts as hour, minute and second).
type ivUnit uint8

const (
	ivMicro ivUnit = iota
	ivMilli
	ivSecond
	ivMinute
	ivHour
	ivDay
	ivWeek
	ivMonth
	ivYear
	ivDecade
	ivCentury
	ivMillennium
	ivNone // no unit: a number here is an error
)

// intervalUnits maps unit words (cut to 10 characters, as PostgreSQL
// does) to units.
var intervalUnits = map[string]ivUnit{
	"microsecon": ivMicro, "microsecond": ivMicro, "us": ivMicro, "usec": ivMicro, "usecs": ivMicro, "useconds": ivMicro,
	"millisecon": ivMilli, "ms": ivMilli, "msec": ivMilli, "msecs": ivMilli, "mseconds": ivMilli,
	"s": ivSecond, "sec": ivSecond, "secs": ivSecond, "second": ivSecond, "seconds": ivSecond,
	"m": ivMinute, "min": ivMinute, "mins": ivMinute, "minute": ivMinute, "minutes": ivMinute,
	"h": ivHour, "hr": ivHour, "hrs": ivHour, "hour": ivHour, "hours": ivHour,
	"d": ivDay, "day": ivDay, "days": ivDay,
	"w": ivWeek, "week": ivWeek, "weeks": ivWeek,
	"mon": ivMonth, "mons": ivMonth, "month": ivMonth, "months": ivMonth,
	"y": ivYear, "yr": ivYear, "yrs": ivYear, "year": ivYear, "years": ivYear,
	"dec": ivDecade, "decs": ivDecade, "decade": ivDecade, "decades": ivDecade,
	"c": ivCentury, "cent": ivCentury, "century": ivCentury, "centuries": ivCentury,
	"mil": ivMillennium, "mils": ivMillennium, "millennium": ivMillennium, "millennia": ivMillennium,
}

// ivAcc accumulates an interval being parsed; errors are reported as
// overflow and turned into PostgreSQL's messages by the caller.
type ivAcc struct {
	months, days, us int64
	overflow         bool
}

func (a *ivAcc) addUS(v int64) {
	r, o := addOverflow(a.us, v)
	a.us = r
	a.overflow = a.overflow || o
}

func addOverflow(a, b int64) (int64, bool) {
	r := a + b
	return r, (a > 0 && b > 0 && r < 0) || (a < 0 && b < 0 && r >= 0)
}

func mulOverflow(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, false
	}
	hi, lo := bits.Mul64(uint64(absInt64(a)), uint64(absInt64(b)))
	if hi != 0 || lo > math.MaxInt64 {
		return 0, true
	}
	r := int64(lo)
	if (a < 0) != (b < 0) {
		r = -r
	}
	return r, false
}

// addMicros adds val*scale + rint(fval*scale) µs (AdjustMicroseconds).
func (a *ivAcc) addMicros(val int64, fval float64, scale int64) {
	v, o := mulOverflow(val, scale)
	a.overflow = a.overflow || o
	a.addUS(v)
	a.addFracMicros(fval, scale)
}

// addFracMicros adds rint(frac*scale) µs (AdjustFractMicroseconds).
func (a *ivAcc) addFracMicros(frac float64, scale int64) {
	if frac == 0 {
		return
	}
	frac *= float64(scale)
	if math.Abs(frac) > 9e18 {
		a.overflow = true
		return
	}
	us := int64(frac)
	frac -= float64(us)
	a.addUS(us + int64(math.RoundToEven(frac)))
}

// addFracDays adds frac*scale days, the fraction of a day as µs
// (AdjustFractDays).
func (a *ivAcc) addFracDays(frac float64, scale int64) {
	if frac == 0 {
		return
	}
	frac *= float64(scale)
	d := int64(frac)
	a.days += d
	a.addFracMicros(frac-float64(d), usPerDay)
}

// addUnit adds val (with fraction fval, same sign) of unit u.
func (a *ivAcc) addUnit(u ivUnit, val int64, fval float64) {
	switch u {
	case ivMicro:
		a.addMicros(val, fval, 1)
	case ivMilli:
		a.addMicros(val, fval, 1000)
	case ivSecond:
		a.addMicros(val, fval, usPerSec)
	case ivMinute:
		a.addMicros(val, fval, usPerMinute)
	case ivHour:
		a.addMicros(val, fval, usPerHour)
	case ivDay:
		a.days += val
		a.addFracMicros(fval, usPerDay)
	case ivWeek:
		a.days += val * 7
		a.addFracDays(fval, 7)
	case ivMonth:
		a.months += val
		a.addFracDays(fval, 30)
	case ivYear, ivDecade, ivCentury, ivMillennium:
		scale := int64(1)
		switch u {
		case ivDecade:
			scale = 10
		case ivCentury:
			scale = 100
		case ivMillennium:
			scale = 1000
		}
		a.months += val * scale * 12
		a.months += int64(math.RoundToEven(fval * float64(scale) * 12))
	}
}

// result checks the accumulated fields against the interval's ranges.
func (a *ivAcc) result(s string) (IntervalValue, error) {
	if a.overflow {
		return IntervalValue{}, sqlerr.New(intervalFieldOverflow, "interval field value out of range: %s", quoteMsg(s))
	}
	if a.months > math.MaxInt32 || a.months < math.MinInt32 || a.days > math.MaxInt32 || a.days < math.MinInt32 {
		return IntervalValue{}, sqlerr.New(sqlerr.DatetimeFieldOverflow, "interval out of range")
	}
	return IntervalValue{Months: int32(a.months), Days: int32(a.days), Micros: a.us}, nil
}

// ivToken is one field of interval input.
type ivToken struct {
	kind byte // 'n' number, 't' time, 'y' year-month, 'w' word
	s    string
}

func tokenizeInterval(s string) ([]ivToken, bool) {
	var toks []ivToken
	n := len(s)
	for i := 0; i < n; {
		c := s[i]
		switch {
		case isSpace(c) || c == ',':
			i++
		case isDigit(c) || c == '.' || c == '+' || c == '-':
			j := i
			sign := ""
			if c == '+' || c == '-' {
				j++
				for j < n && s[j] == ' ' {
					j++
				}
				if j > i+1 {
					// "- 1 day": the sign belongs to the number.
					sign = s[i : i+1]
					i = j
				}
			}
			start := j
			for j < n && isDigit(s[j]) {
				j++
			}
			switch {
			case j < n && s[j] == ':' && j > start:
				for j < n && (isDigit(s[j]) || s[j] == ':' || s[j] == '.') {
					j++
				}
				toks = append(toks, ivToken{'t', sign + s[i:j]})
			case j+1 < n && s[j] == '-' && isDigit(s[j+1]) && j > start:
				j++
				for j < n && isDigit(s[j]) {
					j++
				}
				toks = append(toks, ivToken{'y', sign + s[i:j]})
			default:
				if j < n && s[j] == '.' {
					j++
					for j < n && isDigit(s[j]) {
						j++
					}
				}
				if j == start || (j == start+1 && s[start] == '.') {
					return nil, false
				}
				toks = append(toks, ivToken{'n', sign + s[i:j]})
			}
			i = j
		case isLetter(c):
			j := i
			for j < n && isLetter(s[j]) {
				j++
			}
			toks = append(toks, ivToken{'w', strings.ToLower(s[i:j])})
			i = j
		default:
			return nil, false
		}
	}
	return toks, true
}

// splitNumber splits a signed decimal into its integer part (which must
// fit in int32, as in PostgreSQL) and its signed fraction.
func splitNumber(num string) (val int64, fval float64, ok, overflow bool) {
	neg := false
	body := num
	if body != "" && (body[0] == '+' || body[0] == '-') {
		neg = body[0] == '-'
		body = body[1:]
	}
	ip, fp := body, ""
	if k := strings.IndexByte(body, '.'); k >= 0 {
		ip, fp = body[:k], body[k:]
	}
	for i := 0; i < len(ip); i++ {
		val = val*10 + int64(ip[i]-'0')
		if val > math.MaxInt32+1 {
			return 0, 0, true, true
		}
	}
	if fp != "" && fp != "." {
		f, err := strconv.ParseFloat("0"+fp, 64)
		if err != nil {
			return 0, 0, false, false
		}
		fval = f
	}
	if neg {
		val, fval = -val, -fval
	}
	if val > math.MaxInt32 || val < math.MinInt32 {
		return 0, 0, true, true
	}
	return val, fval, true, false
}

// parseInterval is interval_in: PostgreSQL's verbose format ("1 year 2
// mons", "@ 1 minute ago", "1 day 02:00:00", "1.5 hours", "1-2") and ISO
// 8601 ("P1DT2H", "P0001-02-03T04:05:06").
func parseInterval(s string) (IntervalValue, error) {
	syntax := func() error { return errDatetimeSyntax(TInterval, s) }
	v := trimSpace(s)
	if v == "" {
		return IntervalValue{}, syntax()
	}
	if v[0] == 'P' {
		return parseISOInterval(v, s)
	}
	if v[0] == '@' {
		v = v[1:]
	}
	toks, ok := tokenizeInterval(v)
	if !ok || len(toks) == 0 {
		return IntervalValue{}, syntax()
	}
	var acc ivAcc
	var mask uint32
	setMask := func(m uint32) bool {
		if mask&m != 0 {
			return false
		}
		mask |= m
		return true
	}
	// A time field stands for hours, minutes and all kinds of seconds.
	const timeMask = 1<<ivHour | 1<<ivMinute | 1<<ivSecond | 1<<ivMilli | 1<<ivMicro
	// Fields are read right to left, as PostgreSQL does: a unit word gives
	// the unit of the numbers before it, a time field makes the number
	// before it days, a year-month field months, and a number with no unit
	// at the end is seconds. "ago" ends the input and leaves the number
	// before it without a unit.
	unit := ivSecond
	ago := false
	if last := toks[len(toks)-1]; last.kind == 'w' && last.s == "ago" {
		if len(toks) < 2 {
			return IntervalValue{}, syntax()
		}
		ago = true
		unit = ivNone
		toks = toks[:len(toks)-1]
	}
	for i := len(toks) - 1; i >= 0; i-- {
		tk := toks[i]
		switch tk.kind {
		case 'w':
			w := tk.s
			if len(w) > 10 {
				w = w[:10]
			}
			u, ok := intervalUnits[w]
			if !ok || i == 0 || toks[i-1].kind != 'n' {
				return IntervalValue{}, syntax()
			}
			unit = u
		case 'n':
			val, fval, ok, over := splitNumber(tk.s)
			if !ok {
				return IntervalValue{}, syntax()
			}
			if over {
				return IntervalValue{}, sqlerr.New(intervalFieldOverflow, "interval field value out of range: %s", quoteMsg(s))
			}
			if unit == ivNone {
				return IntervalValue{}, syntax()
			}
			m := uint32(1) << unit
			if unit == ivSecond && fval != 0 {
				m |= 1<<ivMilli | 1<<ivMicro
			}
			if !setMask(m) {
				return IntervalValue{}, syntax()
			}
			acc.addUnit(unit, val, fval)
		case 't':
			body := tk.s
			neg := false
			if body[0] == '+' || body[0] == '-' {
				neg = body[0] == '-'
				body = body[1:]
			}
			var f dtFields
			if err := f.decodeTime(body, s, TInterval, intervalFieldOverflow); err != nil {
				if body != tk.s {
					// A signed field that is not a valid time is bad syntax.
					return IntervalValue{}, syntax()
				}
				return IntervalValue{}, err
			}
			if !setMask(timeMask) {
				return IntervalValue{}, syntax()
			}
			hus, o1 := mulOverflow(f.hour, usPerHour)
			us, o2 := addOverflow(hus, (f.min*60+f.sec)*usPerSec+f.usec)
			if o1 || o2 {
				acc.overflow = true
			}
			if neg {
				us = -us
			}
			// PostgreSQL 15 stores a time field over the microseconds
			// gathered so far, so fractional days, weeks or months written
			// after a time field lose their sub-day part; so do we.
			acc.us = us
			unit = ivDay
		case 'y':
			// SQL's "years-months" counts as months.
			body := tk.s
			neg := false
			if body[0] == '+' || body[0] == '-' {
				neg = body[0] == '-'
				body = body[1:]
			}
			k := strings.IndexByte(body, '-')
			y, ok1 := atoiField(body[:k])
			m, ok2 := atoiField(body[k+1:])
			if !ok1 || !ok2 || m > 11 {
				return IntervalValue{}, sqlerr.New(intervalFieldOverflow, "interval field value out of range: %s", quoteMsg(s))
			}
			if !setMask(1 << ivMonth) {
				return IntervalValue{}, syntax()
			}
			unit = ivMonth
			months := y*12 + m
			if neg {
				months = -months
			}
			acc.months += months
		}
	}
	if ago {
		acc.months, acc.days = -acc.months, -acc.days
		if acc.us == math.MinInt64 {
			acc.overflow = true
		}
		acc.us = -acc.us
	}
	return acc.result(s)
}

// parseISOInterval reads ISO 8601 durations: the designator form
// P[nY][nM][nW][nD][T[nH][nM][nS]] (numbers may be signed and fractional)
// and the alternative form PYYYY-MM-DDTHH:MM:SS.
func parseISOInterval(v, s string) (IntervalValue, error) {
	syntax := func() (IntervalValue, error) { return IntervalValue{}, errDatetimeSyntax(TInterval, s) }
	var acc ivAcc
	str := v[1:]
	if str == "" {
		return syntax()
	}
	datePart := true
	for len(str) > 0 {
		if str[0] == 'T' {
			if !datePart {
				return syntax()
			}
			datePart = false
			str = str[1:]
			continue
		}
		// The number.
		j := 0
		if str[j] == '+' || str[j] == '-' {
			j++
		}
		ds := j
		for j < len(str) && isDigit(str[j]) {
			j++
		}
		if j < len(str) && str[j] == '.' {
			j++
			for j < len(str) && isDigit(str[j]) {
				j++
			}
		}
		if j == ds {
			return syntax()
		}
		num := str[:j]
		if j == len(str) || str[j] == '-' || str[j] == ':' {
			return parseISOAlternative(v, s, datePart, str, &acc)
		}
		val, fval, ok, over := splitNumber(num)
		if !ok {
			return syntax()
		}
		if over {
			acc.overflow = true
		}
		unit := str[j]
		str = str[j+1:]
		if datePart {
			switch unit {
			case 'Y':
				acc.addUnit(ivYear, val, fval)
			case 'M':
				acc.addUnit(ivMonth, val, fval)
			case 'W':
				acc.addUnit(ivWeek, val, fval)
			case 'D':
				acc.addUnit(ivDay, val, fval)
			default:
				return syntax()
			}
		} else {
			switch unit {
			case 'H':
				acc.addUnit(ivHour, val, fval)
			case 'M':
				acc.addUnit(ivMinute, val, fval)
			case 'S':
				acc.addUnit(ivSecond, val, fval)
			default:
				return syntax()
			}
		}
	}
	return acc.result(s)
}

// parseISOAlternative reads the rest of an ISO 8601 duration in the
// alternative extended form, YYYY-MM-DD[THH:MM:SS] or (after T)
// HH:MM:SS.
func parseISOAlternative(v, s string, datePart bool, str string, acc *ivAcc) (IntervalValue, error) {
	syntax := func() (IntervalValue, error) { return IntervalValue{}, errDatetimeSyntax(TInterval, s) }
	if datePart {
		datePart, timePart, hasT := strings.Cut(str, "T")
		parts := strings.Split(datePart, "-")
		if len(parts) != 3 {
			return syntax()
		}
		var vals [3]int64
		for i, p := range parts {
			x, ok := atoiField(p)
			if !ok {
				return syntax()
			}
			vals[i] = x
		}
		acc.months += vals[0]*12 + vals[1]
		acc.days += vals[2]
		if !hasT {
			return acc.result(s)
		}
		str = timePart
	}
	var f dtFields
	if err := f.decodeTime(str, s, TInterval, intervalFieldOverflow); err != nil {
		return syntax()
	}
	acc.addUS(((f.hour*60+f.min)*60+f.sec)*usPerSec + f.usec)
	return acc.result(s)
}
