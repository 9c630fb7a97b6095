package types

import (
	"time"
)

// Time units in microseconds, and the epochs that relate Eddy's values
// (days and µs since 1970-01-01) to PostgreSQL's binary ones (since
// 2000-01-01).
const (
	usPerSec    = 1_000_000
	usPerMinute = 60 * usPerSec
	usPerHour   = 60 * usPerMinute
	usPerDay    = 24 * usPerHour

	pgEpochDays   = 10957                  // 2000-01-01 in days since 1970-01-01
	pgEpochMicros = pgEpochDays * usPerDay // 2000-01-01 in µs since 1970-01-01
)

// Range of valid values, as in PostgreSQL: dates from 4714-11-24 BC (Julian
// day 0) up to but excluding 5874898-01-01; timestamps from 4714-11-24 BC
// up to but excluding 294247-01-01 (PostgreSQL allows 294277, but µs since
// 1970 in an int64 end in 294247).
const (
	minDateDays     = -2440588               // 4714-11-24 BC
	endDateDays     = 2145042906             // 5874898-01-01
	minTimestamp    = minDateDays * usPerDay // 4714-11-24 00:00:00 BC
	endTimestampDay = 106751982              // 294247-01-01
	endTimestamp    = endTimestampDay * usPerDay
)

// daysFromCivil returns the days since 1970-01-01 of a proleptic Gregorian
// date; y is the astronomical year (1 BC = 0).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12 // March = 0
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int64) (y, m, d int64) {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

func isLeap(y int64) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysInMonth(y, m int64) int64 {
	switch m {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// floorDiv returns a/b rounded towards negative infinity, and the
// non-negative remainder.
func floorDiv(a, b int64) (q, r int64) {
	q, r = a/b, a%b
	if r < 0 {
		q--
		r += b
	}
	return q, r
}

func append2(b []byte, v int64) []byte {
	return append(b, byte('0'+v/10), byte('0'+v%10))
}

// appendYMD prints a date as YYYY-MM-DD (at least four year digits), years
// <= 0 as their BC year; the caller appends " BC".
func appendYMD(b []byte, y, m, d int64) []byte {
	if y <= 0 {
		y = 1 - y
	}
	if y < 1000 {
		b = append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10))
	} else {
		var buf [20]byte
		i := len(buf)
		for y > 0 {
			i--
			buf[i] = byte('0' + y%10)
			y /= 10
		}
		b = append(b, buf[i:]...)
	}
	b = append(b, '-')
	b = append2(b, m)
	b = append(b, '-')
	return append2(b, d)
}

// appendHMS prints a time of day in µs (0 to 24:00:00) as HH:MM:SS with
// the fraction trimmed of trailing zeros.
func appendHMS(b []byte, us int64) []byte {
	h := us / usPerHour
	us -= h * usPerHour
	mi := us / usPerMinute
	us -= mi * usPerMinute
	s := us / usPerSec
	us -= s * usPerSec
	b = append2(b, h)
	b = append(b, ':')
	b = append2(b, mi)
	b = append(b, ':')
	b = append2(b, s)
	return appendFraction(b, us)
}

// appendFraction appends ".ffffff" without trailing zeros, nothing for 0.
func appendFraction(b []byte, us int64) []byte {
	if us == 0 {
		return b
	}
	var f [7]byte
	f[0] = '.'
	for i := 6; i >= 1; i-- {
		f[i] = byte('0' + us%10)
		us /= 10
	}
	n := 7
	for f[n-1] == '0' {
		n--
	}
	return append(b, f[:n]...)
}

// appendDate is date_out.
func appendDate(b []byte, days int64) []byte {
	switch days {
	case InfinityDays:
		return append(b, "infinity"...)
	case NegInfinityDays:
		return append(b, "-infinity"...)
	}
	y, m, d := civilFromDays(days)
	b = appendYMD(b, y, m, d)
	if y <= 0 {
		b = append(b, " BC"...)
	}
	return b
}

// appendTimeOfDay is time_out.
func appendTimeOfDay(b []byte, us int64) []byte {
	if us < 0 || us > usPerDay {
		_, us = floorDiv(us, usPerDay)
	}
	return appendHMS(b, us)
}

// appendTimestamp is timestamp_out.
func appendTimestamp(b []byte, us int64) []byte {
	switch us {
	case InfinityMicros:
		return append(b, "infinity"...)
	case NegInfinityMicros:
		return append(b, "-infinity"...)
	}
	days, tod := floorDiv(us, usPerDay)
	y, m, d := civilFromDays(days)
	b = appendYMD(b, y, m, d)
	b = append(b, ' ')
	b = appendHMS(b, tod)
	if y <= 0 {
		b = append(b, " BC"...)
	}
	return b
}

// appendTimestamptz is timestamptz_out: the local time in loc followed by
// the UTC offset (+00, +05:30, -03:30:52).
func appendTimestamptz(b []byte, us int64, loc *time.Location) []byte {
	switch us {
	case InfinityMicros:
		return append(b, "infinity"...)
	case NegInfinityMicros:
		return append(b, "-infinity"...)
	}
	off := zoneOffset(us, loc)
	days, tod := floorDiv(us+int64(off)*usPerSec, usPerDay)
	y, m, d := civilFromDays(days)
	b = appendYMD(b, y, m, d)
	b = append(b, ' ')
	b = appendHMS(b, tod)
	b = appendOffset(b, off)
	if y <= 0 {
		b = append(b, " BC"...)
	}
	return b
}

// appendOffset prints a UTC offset in seconds east as +HH, +HH:MM or
// +HH:MM:SS.
func appendOffset(b []byte, off int) []byte {
	if off < 0 {
		b = append(b, '-')
		off = -off
	} else {
		b = append(b, '+')
	}
	h, mi, s := off/3600, off/60%60, off%60
	if h >= 100 {
		b = append(b, byte('0'+h/100))
		h %= 100
	}
	b = append2(b, int64(h))
	if mi != 0 || s != 0 {
		b = append(b, ':')
		b = append2(b, int64(mi))
	}
	if s != 0 {
		b = append(b, ':')
		b = append2(b, int64(s))
	}
	return b
}

// zoneOffset returns loc's UTC offset in seconds at the instant us (µs
// since 1970 UTC).
func zoneOffset(us int64, loc *time.Location) int {
	if loc == time.UTC || loc == nil {
		return 0
	}
	sec, _ := floorDiv(us, usPerSec)
	_, off := time.Unix(sec, 0).In(loc).Zone()
	return off
}

// localToUTC converts a wall-clock time in loc (µs since 1970 as if UTC) to
// an instant. A time skipped by a forward transition takes the offset in
// force before it; a time repeated by a backward transition takes the one
// in force after it, as PostgreSQL does.
func localToUTC(local int64, loc *time.Location) int64 {
	if loc == time.UTC || loc == nil {
		return local
	}
	before := int64(zoneOffset(local-usPerDay, loc)) * usPerSec
	after := int64(zoneOffset(local+usPerDay, loc)) * usPerSec
	if before == after {
		return local - before
	}
	utcBefore := local - before
	utcAfter := local - after
	okBefore := int64(zoneOffset(utcBefore, loc))*usPerSec == before
	okAfter := int64(zoneOffset(utcAfter, loc))*usPerSec == after
	switch {
	case okAfter:
		return utcAfter
	case okBefore:
		return utcBefore
	}
	return utcBefore
}

// dateToTimestamp converts days to µs, 22008 outside the timestamp range.
func dateToTimestamp(days int64) (int64, bool) {
	switch days {
	case InfinityDays:
		return InfinityMicros, true
	case NegInfinityDays:
		return NegInfinityMicros, true
	}
	if days < minDateDays || days >= endTimestampDay {
		return 0, false
	}
	return days * usPerDay, true
}

// timestampToDate returns the day of a timestamp (infinities preserved).
func timestampToDate(us int64) int64 {
	switch us {
	case InfinityMicros:
		return InfinityDays
	case NegInfinityMicros:
		return NegInfinityDays
	}
	d, _ := floorDiv(us, usPerDay)
	return d
}

// validTimestamp reports whether us is a finite timestamp in range or an
// infinity.
func validTimestamp(us int64) bool {
	return us == InfinityMicros || us == NegInfinityMicros || (us >= minTimestamp && us < endTimestamp)
}

// validDate reports whether days is in range or an infinity.
func validDate(days int64) bool {
	return days == InfinityDays || days == NegInfinityDays || (days >= minDateDays && days < endDateDays)
}

// roundMicros rounds a µs value to prec fractional digits (0..6), half
// away from zero, as timestamp(p) and time(p) do (timestamps relative to
// 2000-01-01).
func roundMicros(us int64, prec int32) int64 {
	if prec >= 6 || prec < 0 {
		return us
	}
	scale := int64(1)
	for i := prec; i < 6; i++ {
		scale *= 10
	}
	half := scale / 2
	if us >= 0 {
		return (us + half) / scale * scale
	}
	return -((-us + half) / scale * scale)
}
