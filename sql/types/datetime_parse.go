package types

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/eddy-db/eddy/sql/sqlerr"
)

// Date/time input follows PostgreSQL's ParseDateTime/DecodeDateTime in
// spirit: the string is split into fields (numbers, dates with - / .
// separators, h:m:s times, signed UTC offsets, words), then the fields
// fill in year, month, day, time and zone. Env.DateOrder (DateStyle's
// MDY, DMY or YMD) orders the numeric fields of a date.

type dtKind uint8

const (
	tkNumber     dtKind = iota // digits
	tkDate                     // 2026-11-22, 11/22/2026, 2026.11.22, 22-Nov-2026
	tkTime                     // 04:05, 04:05:06.789
	tkOffset                   // +02, -08:00, +0530
	tkWord                     // month/day names, BC, PM, zone names, special words
	tkSignedWord               // -infinity, +infinity
)

type dtToken struct {
	kind dtKind
	s    string
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }

// tokenizeDateTime splits s into date/time fields; ok is false for
// characters that cannot start a field.
func tokenizeDateTime(s string, buf []dtToken) ([]dtToken, bool) {
	toks := buf[:0]
	n := len(s)
	for i := 0; i < n; {
		c := s[i]
		switch {
		case isSpace(c) || c == ',':
			i++
		case isDigit(c):
			j := i
			for j < n && isDigit(s[j]) {
				j++
			}
			switch {
			case j < n && s[j] == ':':
				for j < n && (isDigit(s[j]) || s[j] == ':' || s[j] == '.') {
					j++
				}
				toks = append(toks, dtToken{tkTime, s[i:j]})
			case j+1 < n && (s[j] == '-' || s[j] == '/' || s[j] == '.') && (isDigit(s[j+1]) || isLetter(s[j+1])):
				j = scanDateParts(s, j, s[j])
				toks = append(toks, dtToken{tkDate, s[i:j]})
			default:
				toks = append(toks, dtToken{tkNumber, s[i:j]})
			}
			i = j
		case isLetter(c):
			j := i
			for j < n && isLetter(s[j]) {
				j++
			}
			word := s[i:j]
			switch {
			case j < n && (s[j] == '/' || s[j] == '_' || (isDigit(s[j]) && !(j-i == 1 && (c|0x20) == 't'))):
				// A zone name: America/New_York, EST5EDT, Etc/GMT+2.
				for j < n && (isLetter(s[j]) || isDigit(s[j]) || s[j] == '/' || s[j] == '_' || s[j] == '+' || s[j] == '-') {
					j++
				}
				toks = append(toks, dtToken{tkWord, s[i:j]})
			case j+1 < n && (s[j] == '-' || s[j] == '/' || s[j] == '.') && isDigit(s[j+1]) && monthNumber(word) > 0:
				j = scanDateParts(s, j, s[j])
				toks = append(toks, dtToken{tkDate, s[i:j]})
			default:
				toks = append(toks, dtToken{tkWord, word})
			}
			i = j
		case c == '+' || c == '-':
			j := i + 1
			switch {
			case j < n && isDigit(s[j]):
				for j < n && (isDigit(s[j]) || s[j] == ':') {
					j++
				}
				toks = append(toks, dtToken{tkOffset, s[i:j]})
			case j < n && isLetter(s[j]):
				for j < n && isLetter(s[j]) {
					j++
				}
				toks = append(toks, dtToken{tkSignedWord, s[i:j]})
			default:
				return nil, false
			}
			i = j
		default:
			return nil, false
		}
	}
	return toks, true
}

// scanDateParts continues a date field at s[j] == sep: separator, then an
// all-digit or all-letter part, repeated.
func scanDateParts(s string, j int, sep byte) int {
	for j+1 < len(s) && s[j] == sep && (isDigit(s[j+1]) || isLetter(s[j+1])) {
		j++
		if isDigit(s[j]) {
			for j < len(s) && isDigit(s[j]) {
				j++
			}
		} else {
			for j < len(s) && isLetter(s[j]) {
				j++
			}
		}
	}
	return j
}

var monthNames = map[string]int64{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
	"apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
	"aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
	"oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}

var dayNames = map[string]bool{
	"sun": true, "sunday": true, "mon": true, "monday": true, "tue": true, "tues": true,
	"tuesday": true, "wed": true, "wednes": true, "wednesday": true, "thu": true,
	"thur": true, "thurs": true, "thursday": true, "fri": true, "friday": true,
	"sat": true, "saturday": true,
}

// monthNumber returns 1..12 for a month name or abbreviation, else 0.
func monthNumber(w string) int64 {
	if len(w) < 3 || len(w) > 9 {
		return 0
	}
	return monthNames[strings.ToLower(w)]
}

// dtFields collects the decoded parts of a date/time string.
type dtFields struct {
	year, mon, mday    int64
	hasY, hasM, hasD   bool
	monByName          bool
	monFromNumber      bool
	year2              bool // the year was written with one or two digits
	hour, min, sec     int64
	usec               int64
	hasTime            bool
	ampm               byte // 0, 'a' or 'p'
	bc, hasEra         bool
	tzOff              int // seconds east of UTC
	hasTZ              bool
	tzLoc              *time.Location
	special            string
	expectTimeAfterTag bool
	order              DateOrder
}

// parseDateTime is the input function of date, time, timestamp and
// timestamptz.
func parseDateTime(s string, t Type, env *Env) (Datum, error) {
	var buf [16]dtToken
	toks, ok := tokenizeDateTime(s, buf[:])
	if !ok || len(toks) == 0 {
		return Null, errDatetimeSyntax(t, s)
	}
	var f dtFields
	if env != nil {
		f.order = env.DateOrder
	}
	if err := f.decode(toks, s, t); err != nil {
		return Null, err
	}
	if f.special != "" {
		return specialDateTime(f.special, s, t)
	}
	if t.ID == Time {
		if !f.hasTime {
			return Null, errDatetimeSyntax(t, s)
		}
		us, err := f.timeOfDay(s, true)
		if err != nil {
			return Null, err
		}
		return NewTime(us), nil
	}
	if !(f.hasY && f.hasM && f.hasD) {
		return Null, errDatetimeSyntax(t, s)
	}
	days, err := f.days(s)
	if err != nil {
		return Null, err
	}
	if t.ID == Date {
		if days < minDateDays || days >= endDateDays {
			return Null, sqlerr.New(sqlerr.DatetimeFieldOverflow, "date out of range: %s", quoteMsg(s))
		}
		return NewDate(days), nil
	}
	tod, err := f.timeOfDay(s, false)
	if err != nil {
		return Null, err
	}
	outOfRange := func() error {
		return sqlerr.New(sqlerr.DatetimeFieldOverflow, "timestamp out of range: %s", quoteMsg(s))
	}
	if days < minDateDays-1 || days > endTimestampDay+1 {
		return Null, outOfRange()
	}
	us := days*usPerDay + tod
	if t.ID == Timestamptz {
		switch {
		case f.hasTZ:
			us -= int64(f.tzOff) * usPerSec
		case f.tzLoc != nil:
			us = localToUTC(us, f.tzLoc)
		default:
			us = localToUTC(us, env.Location())
		}
	}
	if us < minTimestamp || us >= endTimestamp {
		return Null, outOfRange()
	}
	if t.ID == Timestamptz {
		return NewTimestamptz(us), nil
	}
	return NewTimestamp(us), nil
}

// specialDateTime handles epoch, infinity, -infinity and allballs.
func specialDateTime(word, s string, t Type) (Datum, error) {
	switch word {
	case "now", "today", "tomorrow", "yesterday":
		return Null, sqlerr.New(sqlerr.FeatureNotSupported, "date/time value %s must be evaluated when the statement runs", quoteMsg(word))
	}
	if t.ID == Time {
		if word == "allballs" {
			return NewTime(0), nil
		}
		return Null, errDatetimeSyntax(t, s)
	}
	var days, us int64
	switch word {
	case "epoch":
		days, us = 0, 0
	case "infinity", "+infinity":
		days, us = InfinityDays, InfinityMicros
	case "-infinity":
		days, us = NegInfinityDays, NegInfinityMicros
	default:
		return Null, errDatetimeSyntax(t, s)
	}
	switch t.ID {
	case Date:
		return NewDate(days), nil
	case Timestamp:
		return NewTimestamp(us), nil
	}
	return NewTimestamptz(us), nil
}

func (f *dtFields) decode(toks []dtToken, s string, t Type) error {
	syntax := func() error { return errDatetimeSyntax(t, s) }
	for i, tk := range toks {
		switch tk.kind {
		case tkDate:
			if f.hasY || f.hasM || f.hasD {
				return syntax()
			}
			if err := f.decodeDate(tk.s, s, t); err != nil {
				return err
			}
		case tkNumber:
			if err := f.decodeNumber(tk.s, s, t); err != nil {
				return err
			}
		case tkTime:
			if f.hasTime {
				return syntax()
			}
			f.expectTimeAfterTag = false
			if err := f.decodeTime(tk.s, s, t, sqlerr.DatetimeFieldOverflow); err != nil {
				return err
			}
		case tkOffset:
			if f.hasTZ || f.tzLoc != nil {
				return syntax()
			}
			off, err := parseOffset(tk.s, s, t)
			if err != nil {
				return err
			}
			f.tzOff, f.hasTZ = off, true
		case tkSignedWord:
			w := strings.ToLower(tk.s)
			if w != "-infinity" && w != "+infinity" || f.special != "" {
				return syntax()
			}
			f.special = w
		case tkWord:
			w := strings.ToLower(tk.s)
			if err := f.decodeWord(w, tk.s, i, toks, s, t); err != nil {
				return err
			}
		}
	}
	if f.special != "" && (f.hasY || f.hasM || f.hasD || f.hasTime || f.ampm != 0 || f.hasEra) {
		// A special word may only come with a time zone.
		return syntax()
	}
	return nil
}

func (f *dtFields) decodeWord(w, orig string, i int, toks []dtToken, s string, t Type) error {
	syntax := func() error { return errDatetimeSyntax(t, s) }
	if m := monthNumber(w); m > 0 {
		if f.monByName {
			return syntax()
		}
		if f.hasM {
			// "22 Nov 2026": the number taken as a month was the day.
			if !f.monFromNumber || f.hasD {
				return syntax()
			}
			f.mday, f.hasD = f.mon, true
		}
		f.mon, f.hasM, f.monByName = m, true, true
		return nil
	}
	if dayNames[w] {
		return nil
	}
	switch w {
	case "am", "pm":
		if f.ampm != 0 {
			return syntax()
		}
		f.ampm = w[0]
		return nil
	case "bc", "ad":
		if f.hasEra {
			return syntax()
		}
		f.hasEra, f.bc = true, w == "bc"
		return nil
	case "t":
		if i+1 >= len(toks) || (toks[i+1].kind != tkTime && toks[i+1].kind != tkNumber) {
			return syntax()
		}
		f.expectTimeAfterTag = true
		return nil
	case "epoch", "infinity", "now", "today", "tomorrow", "yesterday":
		if f.special != "" {
			return syntax()
		}
		f.special = w
		return nil
	case "allballs":
		if f.hasTime {
			return syntax()
		}
		f.hasTime = true
		f.hasTZ = true
		return nil
	}
	if f.hasTZ || f.tzLoc != nil {
		return syntax()
	}
	if off, ok := zoneAbbrevs[w]; ok {
		f.tzOff, f.hasTZ = off, true
		return nil
	}
	loc, ok := LoadZone(orig)
	if !ok {
		if strings.ContainsAny(w, "/_0123456789") {
			return sqlerr.New(sqlerr.InvalidParameterValue, "time zone %s not recognized", quoteMsg(w))
		}
		return syntax()
	}
	f.tzLoc = loc
	return nil
}

// decodeDate reads a separated date field.
func (f *dtFields) decodeDate(field, s string, t Type) error {
	sep := byte(0)
	for i := 0; i < len(field); i++ {
		if !isDigit(field[i]) && !isLetter(field[i]) {
			sep = field[i]
			break
		}
	}
	var pbuf [3]string
	parts, ok := splitN(field, sep, pbuf[:])
	if !ok || len(parts) != 3 {
		return errDatetimeSyntax(t, s)
	}
	alpha := -1
	for i, p := range parts {
		if isLetter(p[0]) {
			if alpha >= 0 {
				return errDatetimeSyntax(t, s)
			}
			alpha = i
		}
	}
	// The numeric parts fill year, month and day in turn: a part of
	// three or more digits is a year, otherwise DateOrder decides, and a
	// month name makes the order unambiguous (Nov-22-2026, 22-Nov-2026,
	// 2026-Nov-22).
	const hasYear, hasMonth, hasDay = 1, 2, 4
	var ys, ms, ds string
	have := 0
	if alpha >= 0 {
		ms, have = parts[alpha], hasMonth
	}
	for i, p := range parts {
		if i == alpha {
			continue
		}
		switch have {
		case 0:
			switch {
			case len(p) >= 3 || f.order == DateOrderYMD:
				ys, have = p, hasYear
			case f.order == DateOrderDMY:
				ds, have = p, hasDay
			default:
				ms, have = p, hasMonth
			}
		case hasYear:
			ms, have = p, hasYear|hasMonth
		case hasMonth:
			if alpha >= 0 && (len(p) >= 3 || f.order == DateOrderYMD) {
				ys, have = p, hasYear|hasMonth
			} else {
				ds, have = p, hasMonth|hasDay
			}
		case hasDay:
			ms, have = p, hasMonth|hasDay
		case hasYear | hasMonth:
			if alpha >= 0 && len(p) >= 3 && len(ys) <= 2 {
				// 22-Nov-2026 in YMD: the first number was the day.
				ds, ys = ys, p
			} else {
				ds = p
			}
			have = hasYear | hasMonth | hasDay
		case hasMonth | hasDay:
			ys, have = p, hasYear|hasMonth|hasDay
		}
	}
	if alpha >= 0 {
		f.mon = monthNumber(ms)
		if f.mon == 0 {
			return errDatetimeSyntax(t, s)
		}
		f.monByName = true
	} else {
		v, ok := atoiField(ms)
		if !ok {
			return errFieldOutOfRange(s)
		}
		f.mon = v
	}
	d, ok1 := atoiField(ds)
	y, ok2 := atoiField(ys)
	if !ok1 || !ok2 {
		return errFieldOutOfRange(s)
	}
	f.mday, f.year = d, y
	f.year2 = len(ys) <= 2
	f.hasY, f.hasM, f.hasD = true, true, true
	return nil
}

// decodeNumber places a bare number: a concatenated date (YYYYMMDD,
// YYMMDD) or time (HHMMSS, HHMM), or one of year, month, day.
func (f *dtFields) decodeNumber(num, s string, t Type) error {
	v, ok := atoiField(num)
	if !ok {
		return errFieldOutOfRange(s)
	}
	dateDone := f.hasY && f.hasM && f.hasD
	noDate := !f.hasY && !f.hasM && !f.hasD
	switch {
	case f.expectTimeAfterTag || (dateDone && !f.hasTime) || (t.ID == Time && noDate && !f.hasTime && (len(num) == 4 || len(num) == 6)):
		f.expectTimeAfterTag = false
		switch len(num) {
		case 6:
			f.hour, f.min, f.sec = v/10000, v/100%100, v%100
		case 4:
			f.hour, f.min = v/100, v%100
		default:
			return errDatetimeSyntax(t, s)
		}
		f.hasTime = true
		if t.ID != Time {
			// PostgreSQL does not range-check a concatenated time in a
			// timestamp: "2026-11-22 235961" is 23:59:61, a minute later.
			return nil
		}
		return f.checkTime(s, sqlerr.DatetimeFieldOverflow)
	case noDate && len(num) == 8:
		f.year, f.mon, f.mday = v/10000, v/100%100, v%100
		f.hasY, f.hasM, f.hasD = true, true, true
		return nil
	case noDate && len(num) == 6 && !f.monByName:
		f.year, f.mon, f.mday = v/10000, v/100%100, v%100
		f.year2 = true
		f.hasY, f.hasM, f.hasD = true, true, true
		return nil
	}
	switch {
	case f.monByName:
		switch {
		case !f.hasD && len(num) <= 2:
			f.mday, f.hasD = v, true
		case !f.hasY:
			f.year, f.hasY, f.year2 = v, true, len(num) <= 2
		default:
			return errDatetimeSyntax(t, s)
		}
	case !f.hasY && len(num) >= 3:
		f.year, f.hasY = v, true
	case !f.hasM:
		f.mon, f.hasM, f.monFromNumber = v, true, true
	case !f.hasD:
		f.mday, f.hasD = v, true
	case !f.hasY:
		f.year, f.hasY, f.year2 = v, true, len(num) <= 2
	default:
		return errDatetimeSyntax(t, s)
	}
	return nil
}

// atoiField parses up to 9 digits.
func atoiField(d string) (int64, bool) {
	if len(d) == 0 || len(d) > 9 {
		return 0, false
	}
	var v int64
	for i := 0; i < len(d); i++ {
		if !isDigit(d[i]) {
			return 0, false
		}
		v = v*10 + int64(d[i]-'0')
	}
	return v, true
}

// decodeTime reads h:m, h:m:s or h:m:s.f; with a fraction and two parts
// it is m:s.f. rangeCode is the SQLSTATE for values
// out of range.
func (f *dtFields) decodeTime(field, s string, t Type, rangeCode string) error {
	var pbuf [3]string
	parts, ok := splitN(field, ':', pbuf[:])
	if !ok || len(parts) < 2 {
		return errDatetimeSyntax(t, s)
	}
	last := parts[len(parts)-1]
	frac := ""
	if k := strings.IndexByte(last, '.'); k >= 0 {
		frac = last[k+1:]
		parts[len(parts)-1] = last[:k]
		if strings.IndexByte(frac, '.') >= 0 {
			return errDatetimeSyntax(t, s)
		}
	}
	for _, p := range parts[:len(parts)-1] {
		if strings.IndexByte(p, '.') >= 0 {
			return errDatetimeSyntax(t, s)
		}
	}
	var vals [3]int64
	for i, p := range parts {
		v, ok := atoiField(p)
		if !ok && i == 0 && len(p) == 10 && strings.Trim(p, "0123456789") == "" {
			// Interval hours may use the whole int32 range.
			v, _ = strconv.ParseInt(p, 10, 64)
			ok = v <= math.MaxInt32
		}
		if !ok {
			if len(p) > 9 && strings.Trim(p, "0123456789") == "" {
				msg := "date/time field value out of range: %s"
				if t.ID == Interval {
					msg = "interval field value out of range: %s"
				}
				return sqlerr.New(rangeCode, msg, quoteMsg(s))
			}
			return errDatetimeSyntax(t, s)
		}
		vals[i] = v
	}
	if len(parts) == 2 {
		if frac != "" {
			// mm:ss.fff
			f.min, f.sec = vals[0], vals[1]
		} else {
			f.hour, f.min = vals[0], vals[1]
		}
	} else {
		f.hour, f.min, f.sec = vals[0], vals[1], vals[2]
	}
	us, ok := parseFraction(frac)
	if !ok {
		return errDatetimeSyntax(t, s)
	}
	f.usec = us
	f.hasTime = true
	if t.ID == Interval {
		if f.min > 59 || f.sec > 60 {
			return sqlerr.New(rangeCode, "interval field value out of range: %s", quoteMsg(s))
		}
		return nil
	}
	return f.checkTime(s, rangeCode)
}

// parseFraction turns the digits after a decimal point into µs, rounding
// like PostgreSQL's rint(strtod(".ddd") * 1e6).
func parseFraction(frac string) (int64, bool) {
	if frac == "" {
		return 0, true
	}
	for i := 0; i < len(frac); i++ {
		if !isDigit(frac[i]) {
			return 0, false
		}
	}
	if len(frac) <= 6 {
		var v int64
		for i := 0; i < 6; i++ {
			v *= 10
			if i < len(frac) {
				v += int64(frac[i] - '0')
			}
		}
		return v, true
	}
	x, err := strconv.ParseFloat("0."+frac, 64)
	if err != nil {
		return 0, false
	}
	return int64(math.RoundToEven(x * 1e6)), true
}

func (f *dtFields) checkTime(s, code string) error {
	if f.hour < 0 || f.hour > 24 || f.min < 0 || f.min > 59 || f.sec < 0 || f.sec > 60 ||
		f.usec < 0 || f.usec > usPerSec ||
		(f.hour == 24 && (f.min > 0 || f.sec > 0 || f.usec > 0)) {
		return sqlerr.New(code, "date/time field value out of range: %s", quoteMsg(s))
	}
	return nil
}

// timeOfDay returns the time fields as µs since midnight, applying AM/PM.
// For the time type a value of exactly 24:00:00 is kept.
func (f *dtFields) timeOfDay(s string, isTime bool) (int64, error) {
	h := f.hour
	switch f.ampm {
	case 'a':
		if h > 12 {
			return 0, errFieldOutOfRange(s)
		}
		if h == 12 {
			h = 0
		}
	case 'p':
		if h > 12 {
			return 0, errFieldOutOfRange(s)
		}
		if h != 12 {
			h += 12
		}
	}
	us := ((h*60+f.min)*60+f.sec)*usPerSec + f.usec
	if isTime && us > usPerDay {
		return 0, errFieldOutOfRange(s)
	}
	return us, nil
}

// days validates the date fields and returns days since 1970-01-01.
func (f *dtFields) days(s string) (int64, error) {
	y := f.year
	if f.bc {
		if y <= 0 {
			return 0, errFieldOutOfRange(s)
		}
		y = 1 - y
	} else if f.year2 && !f.hasEra {
		if y < 70 {
			y += 2000
		} else if y < 100 {
			y += 1900
		}
	} else if y <= 0 {
		return 0, errFieldOutOfRange(s)
	}
	if f.mon < 1 || f.mon > 12 || f.mday < 1 || f.mday > daysInMonth(y, f.mon) {
		return 0, errFieldOutOfRange(s)
	}
	return daysFromCivil(y, f.mon, f.mday), nil
}

// parseOffset reads a numeric UTC offset: +HH, +HH:MM, +HH:MM:SS, +HHMM,
// +HHMMSS. It returns seconds east of UTC.
func parseOffset(field, s string, t Type) (int, error) {
	sign := 1
	if field[0] == '-' {
		sign = -1
	}
	body := field[1:]
	var h, m, sec int64
	if strings.IndexByte(body, ':') >= 0 {
		var pbuf [3]string
		parts, ok := splitN(body, ':', pbuf[:])
		if !ok {
			return 0, errDatetimeSyntax(t, s)
		}
		var vals [3]int64
		for i, p := range parts {
			if vals[i], ok = atoiField(p); !ok {
				return 0, errDatetimeSyntax(t, s)
			}
		}
		h, m, sec = vals[0], vals[1], vals[2]
	} else {
		v, ok := atoiField(body)
		if !ok {
			return 0, errDatetimeSyntax(t, s)
		}
		switch len(body) {
		case 1, 2:
			h = v
		case 3, 4:
			h, m = v/100, v%100
		case 5, 6:
			h, m, sec = v/10000, v/100%100, v%100
		default:
			return 0, errDatetimeSyntax(t, s)
		}
	}
	if h > 15 || m >= 60 || sec >= 60 {
		return 0, sqlerr.New(sqlerr.InvalidTimeZoneDisplacement, "time zone displacement out of range: %s", quoteMsg(s))
	}
	return sign * int(h*3600+m*60+sec), nil
}

// splitN splits s at sep into buf; ok is false if there are more parts
// than buf holds.
func splitN(s string, sep byte, buf []string) ([]string, bool) {
	n := 0
	for {
		if n == len(buf) {
			return nil, false
		}
		k := strings.IndexByte(s, sep)
		if k < 0 {
			buf[n] = s
			return buf[:n+1], true
		}
		buf[n] = s[:k]
		n++
		s = s[k+1:]
	}
}
