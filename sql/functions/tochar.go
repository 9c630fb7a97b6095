package functions

import (
	"strconv"
	"strings"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// to_char, to_timestamp and to_date with PostgreSQL's template patterns.
// Date/time patterns: YYYY YYY YY Y Y,YYY IYYY MM MON Mon mon MONTH Month
// month DD DDD D ID DAY Day day DY Dy dy HH HH12 HH24 MI SS MS US FF1-6
// SSSS AM PM A.M. P.M. (and lower case) BC AD WW IW Q CC J TZ tz OF TZH
// TZM, with the FM (no padding) prefix and TH/th suffixes; "quoted text"
// is copied. Number patterns: 9 0 . D , G S MI PL SG PR V EEEE FM TH.

var monthNames = []string{"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"}
var dayNames = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}

type dchKey struct {
	name string
	id   dchID
}

type dchID uint8

const (
	dLiteral dchID = iota
	dYYYY
	dYcommaYYY
	dYYY
	dYY
	dY
	dIYYY
	dIYY
	dIY
	dI
	dMM
	dMONTH
	dMonth
	dmonth
	dMON
	dMon
	dmon
	dDD
	dDDD
	dIDDD
	dD
	dID
	dDAY
	dDay
	dday
	dDY
	dDy
	ddy
	dHH24
	dHH12
	dHH
	dMI
	dSSSS
	dSS
	dMS
	dUS
	dFF
	dAMupper
	dAMlower
	dAMdot
	dAMdotLower
	dBCupper
	dBClower
	dBCdot
	dBCdotLower
	dWW
	dIW
	dW
	dQ
	dCC
	dJ
	dTZH
	dTZM
	dTZ
	dtz
	dOF
	dRM
	drm
)

// dchKeys in matching order: longer patterns first.
var dchKeys = []dchKey{
	{"A.D.", dBCdot}, {"A.M.", dAMdot}, {"AD", dBCupper}, {"AM", dAMupper},
	{"B.C.", dBCdot}, {"BC", dBCupper},
	{"CC", dCC},
	{"DAY", dDAY}, {"DDD", dDDD}, {"DD", dDD}, {"DY", dDY}, {"Day", dDay}, {"Dy", dDy}, {"D", dD},
	{"FF1", dFF}, {"FF2", dFF}, {"FF3", dFF}, {"FF4", dFF}, {"FF5", dFF}, {"FF6", dFF},
	{"HH24", dHH24}, {"HH12", dHH12}, {"HH", dHH},
	{"IDDD", dIDDD}, {"ID", dID}, {"IW", dIW}, {"IYYY", dIYYY}, {"IYY", dIYY}, {"IY", dIY}, {"I", dI},
	{"J", dJ},
	{"MI", dMI}, {"MM", dMM}, {"MONTH", dMONTH}, {"MON", dMON}, {"MS", dMS}, {"Month", dMonth}, {"Mon", dMon},
	{"OF", dOF},
	{"P.M.", dAMdot}, {"PM", dAMupper},
	{"Q", dQ},
	{"RM", dRM},
	{"SSSSS", dSSSS}, {"SSSS", dSSSS}, {"SS", dSS},
	{"TZH", dTZH}, {"TZM", dTZM}, {"TZ", dTZ},
	{"US", dUS},
	{"WW", dWW}, {"W", dW},
	{"Y,YYY", dYcommaYYY}, {"YYYY", dYYYY}, {"YYY", dYYY}, {"YY", dYY}, {"Y", dY},
	{"a.d.", dBCdotLower}, {"a.m.", dAMdotLower}, {"ad", dBClower}, {"am", dAMlower},
	{"b.c.", dBCdotLower}, {"bc", dBClower},
	{"cc", dCC},
	{"day", dday}, {"ddd", dDDD}, {"dd", dDD}, {"dy", ddy}, {"d", dD},
	{"ff1", dFF}, {"ff2", dFF}, {"ff3", dFF}, {"ff4", dFF}, {"ff5", dFF}, {"ff6", dFF},
	{"hh24", dHH24}, {"hh12", dHH12}, {"hh", dHH},
	{"iddd", dIDDD}, {"id", dID}, {"iw", dIW}, {"iyyy", dIYYY}, {"iyy", dIYY}, {"iy", dIY}, {"i", dI},
	{"j", dJ},
	{"mi", dMI}, {"mm", dMM}, {"month", dmonth}, {"mon", dmon}, {"ms", dMS},
	{"of", dOF},
	{"p.m.", dAMdotLower}, {"pm", dAMlower},
	{"q", dQ},
	{"rm", drm},
	{"sssss", dSSSS}, {"ssss", dSSSS}, {"ss", dSS},
	{"tzh", dTZH}, {"tzm", dTZM}, {"tz", dtz},
	{"us", dUS},
	{"ww", dWW}, {"w", dW},
	{"y,yyy", dYcommaYYY}, {"yyyy", dYYYY}, {"yyy", dYYY}, {"yy", dYY}, {"y", dY},
}

type dchNode struct {
	id      dchID
	key     string
	literal string
	fm      bool // FM prefix: no padding
	th      int  // 1: TH suffix, 2: th suffix
}

func parseDCH(format string) []dchNode {
	var out []dchNode
	lit := func(s string) {
		if n := len(out); n > 0 && out[n-1].id == dLiteral {
			out[n-1].literal += s
			return
		}
		out = append(out, dchNode{id: dLiteral, literal: s})
	}
	for i := 0; i < len(format); {
		// Modifiers before a pattern.
		fm := false
		for {
			if strings.HasPrefix(format[i:], "FM") || strings.HasPrefix(format[i:], "fm") {
				fm = true
				i += 2
				continue
			}
			if strings.HasPrefix(format[i:], "FX") || strings.HasPrefix(format[i:], "fx") ||
				strings.HasPrefix(format[i:], "TM") || strings.HasPrefix(format[i:], "tm") {
				i += 2
				continue
			}
			break
		}
		if i >= len(format) {
			break
		}
		matched := false
		for _, k := range dchKeys {
			if strings.HasPrefix(format[i:], k.name) {
				n := dchNode{id: k.id, key: k.name, fm: fm}
				i += len(k.name)
				switch {
				case strings.HasPrefix(format[i:], "TH"):
					n.th = 1
					i += 2
				case strings.HasPrefix(format[i:], "th"):
					n.th = 2
					i += 2
				}
				if strings.HasPrefix(format[i:], "SP") || strings.HasPrefix(format[i:], "sp") {
					i += 2
				}
				out = append(out, n)
				matched = true
				break
			}
		}
		if matched {
			continue
		}
		c := format[i]
		switch {
		case c == '"':
			j := i + 1
			var sb strings.Builder
			for j < len(format) && format[j] != '"' {
				if format[j] == '\\' && j+1 < len(format) {
					j++
				}
				sb.WriteByte(format[j])
				j++
			}
			lit(sb.String())
			i = j + 1
		case c == '\\' && i+1 < len(format) && format[i+1] == '"':
			lit(`"`)
			i += 2
		default:
			lit(format[i : i+1])
			i++
		}
	}
	return out
}

func ordinal(n int64, upper bool) string {
	suffix := "th"
	if m := n % 100; m < 11 || m > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	if upper {
		return strings.ToUpper(suffix)
	}
	return suffix
}

var romanMonths = []string{"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"}

// dchValue is what to_char formats: a broken-down time plus its zone.
type dchValue struct {
	t        tm
	interval bool   // from an interval: fields are not calendar values
	hasZone  bool   // timestamptz
	offset   int64  // seconds east
	abbr     string // zone abbreviation
}

// padNum prints v as C's "%0*d" does: zero-padded to width characters,
// the minus sign included in the width; FM means no padding.
func padNum(v int64, width int, fm bool) string {
	neg := v < 0
	if neg {
		v = -v
	}
	s := strconv.FormatInt(v, 10)
	if neg {
		width--
	}
	if !fm {
		for len(s) < width {
			s = "0" + s
		}
	}
	if neg {
		s = "-" + s
	}
	return s
}

// padSigned is padNum for fields PostgreSQL widens by one for negative
// (interval) values: HH, MI, SS, MM, YYYY.
func padSigned(v int64, width int, fm bool) string {
	if v < 0 {
		width++
	}
	return padNum(v, width, fm)
}

func padRight(s string, width int, fm bool) string {
	if fm {
		return s
	}
	for len(s) < width {
		s += " "
	}
	return s
}

func caseAs(s, key string) string {
	switch {
	case key == strings.ToUpper(key):
		return strings.ToUpper(s)
	case key == strings.ToLower(key):
		return strings.ToLower(s)
	}
	return s
}

var errIntervalFormat = sqlerr.New(sqlerr.InvalidDatetimeFormat, "invalid format specification for an interval value").
	WithHint("Intervals are not tied to specific calendar dates.")

func formatDCH(nodes []dchNode, v dchValue) (string, error) {
	var sb strings.Builder
	t := v.t
	year := t.year
	bc := year <= 0 && !v.interval
	if bc {
		year = 1 - year
	}
	hour12 := t.hour % 12
	if hour12 == 0 {
		hour12 = 12
	}
	for _, n := range nodes {
		var out string
		num := int64(-1)
		switch n.id {
		case dLiteral:
			sb.WriteString(n.literal)
			continue
		case dYYYY:
			num = year
			out = padSigned(year, 4, n.fm)
		case dYcommaYYY:
			out = padNum(year/1000, 1, n.fm) + "," + padNum(year%1000, 3, false)
		case dYYY:
			num = year % 1000
			out = padNum(num, 3, n.fm)
		case dYY:
			num = year % 100
			out = padNum(num, 2, n.fm)
		case dY:
			num = year % 10
			out = padNum(num, 1, n.fm)
		case dIYYY, dIYY, dIY, dI:
			iy, _ := isoWeek(t.days)
			if iy <= 0 {
				iy = 1 - iy
			}
			w, mod := 4, int64(1)<<62
			switch n.id {
			case dIYY:
				w, mod = 3, 1000
			case dIY:
				w, mod = 2, 100
			case dI:
				w, mod = 1, 10
			}
			num = iy % mod
			out = padNum(num, w, n.fm)
		case dMM:
			num = t.mon
			out = padSigned(t.mon, 2, n.fm)
		case dMONTH, dMonth, dmonth:
			if v.interval {
				return "", errIntervalFormat
			}
			out = padRight(caseAs(monthNames[t.mon-1], n.key), 9, n.fm)
		case dMON, dMon, dmon:
			if v.interval {
				return "", errIntervalFormat
			}
			out = caseAs(monthNames[t.mon-1][:3], n.key)
		case dRM, drm:
			if t.mon >= 1 && t.mon <= 12 {
				out = padRight(caseAs(romanMonths[t.mon-1], n.key), 4, n.fm)
			}
		case dDD:
			num = t.mday
			out = padNum(t.mday, 2, n.fm)
		case dDDD:
			num = t.days - daysFromCivil(t.year, 1, 1) + 1
			if v.interval {
				num = t.mday
			}
			out = padNum(num, 3, n.fm)
		case dIDDD:
			iy, w := isoWeek(t.days)
			_ = iy
			num = (w-1)*7 + isoDow(t.days)
			out = padNum(num, 3, n.fm)
		case dD:
			num = isoDow(t.days)%7 + 1
			out = padNum(num, 1, n.fm)
		case dID:
			num = isoDow(t.days)
			out = padNum(num, 1, n.fm)
		case dDAY, dDay, dday:
			if v.interval {
				return "", errIntervalFormat
			}
			out = padRight(caseAs(dayNames[isoDow(t.days)%7], n.key), 9, n.fm)
		case dDY, dDy, ddy:
			if v.interval {
				return "", errIntervalFormat
			}
			out = caseAs(dayNames[isoDow(t.days)%7][:3], n.key)
		case dHH24:
			num = t.hour
			out = padSigned(t.hour, 2, n.fm)
		case dHH12, dHH:
			num = hour12
			out = padSigned(hour12, 2, n.fm)
		case dMI:
			num = t.min
			out = padSigned(t.min, 2, n.fm)
		case dSS:
			num = t.sec
			out = padSigned(t.sec, 2, n.fm)
		case dSSSS:
			num = (t.hour*60+t.min)*60 + t.sec
			out = padNum(num, 1, n.fm)
		case dMS:
			num = t.usec / 1000
			out = padNum(num, 3, n.fm)
		case dUS:
			num = t.usec
			out = padNum(num, 6, n.fm)
		case dFF:
			digits := int(n.key[2] - '0')
			div := int64(1)
			for i := digits; i < 6; i++ {
				div *= 10
			}
			num = t.usec / div
			out = padNum(num, digits, n.fm)
		case dAMupper, dAMlower, dAMdot, dAMdotLower:
			out = pick(t.hour >= 12, n.id, dAMupper, dAMlower, dAMdot, "AM", "PM", "am", "pm", "A.M.", "P.M.", "a.m.", "p.m.")
		case dBCupper, dBClower, dBCdot, dBCdotLower:
			out = pick(bc, n.id, dBCupper, dBClower, dBCdot, "AD", "BC", "ad", "bc", "A.D.", "B.C.", "a.d.", "b.c.")
		case dWW:
			num = (t.days-daysFromCivil(t.year, 1, 1))/7 + 1
			out = padNum(num, 2, n.fm)
		case dIW:
			_, num = isoWeek(t.days)
			out = padNum(num, 2, n.fm)
		case dW:
			num = (t.mday-1)/7 + 1
			out = padNum(num, 1, n.fm)
		case dQ:
			if v.interval {
				continue
			}
			num = (t.mon-1)/3 + 1
			out = padNum(num, 1, n.fm)
		case dCC:
			if v.interval {
				num = year / 100
			} else if t.year > 0 {
				num = (t.year + 99) / 100
			} else {
				num = -((99 - (t.year - 1)) / 100)
			}
			out = padNum(num, 2, n.fm)
		case dJ:
			num = julianDay(t.days)
			out = strconv.FormatInt(num, 10)
		case dTZ, dtz:
			if v.hasZone {
				out = v.abbr
				if n.id == dtz {
					out = strings.ToLower(out)
				}
			}
		case dOF:
			if v.hasZone {
				out = string(appendOffset(nil, v.offset, false))
			}
		case dTZH:
			if v.hasZone {
				o := v.offset
				sign := "+"
				if o < 0 {
					sign, o = "-", -o
				}
				out = sign + padNum(o/3600, 2, n.fm)
			}
		case dTZM:
			if v.hasZone {
				o := v.offset
				if o < 0 {
					o = -o
				}
				out = padNum(o/60%60, 2, n.fm)
			}
		}
		sb.WriteString(out)
		if n.th != 0 && num >= 0 {
			sb.WriteString(ordinal(num, n.th == 1))
		}
	}
	return sb.String(), nil
}

// pick chooses among the four spellings of a two-valued marker (AM/PM,
// AD/BC): upper, lower, dotted upper, dotted lower.
func pick(second bool, id, upper, lower, dotted dchID, u1, u2, l1, l2, d1, d2, dl1, dl2 string) string {
	a, b := dl1, dl2
	switch id {
	case upper:
		a, b = u1, u2
	case lower:
		a, b = l1, l2
	case dotted:
		a, b = d1, d2
	}
	if second {
		return b
	}
	return a
}

func tsDCHValue(us int64, loc *time.Location) dchValue {
	if loc == nil {
		return dchValue{t: splitTS(us)}
	}
	off := zoneOffset(us, loc)
	abbr := zoneAbbrev(us, loc)
	if abbr == "" {
		abbr = string(appendOffset(nil, off, false))
	}
	return dchValue{t: splitTS(us + off*usPerSec), hasZone: true, offset: off, abbr: abbr}
}

func intervalDCHValue(iv types.IntervalValue) dchValue {
	it := splitInterval(iv)
	return dchValue{interval: true, t: tm{
		year: it.year, mon: it.mon, mday: it.mday,
		hour: it.hour, min: it.min, sec: it.sec, usec: it.usec,
	}}
}

// Number formatting.

type numTok struct {
	kind byte // '9', '0', '.', ',', 'S', 'M' (MI), 'P' (PL), 'G' (SG), 'R' (PR), 'V', 'E' (EEEE), 'T' (TH/th), 'L' literal
	lit  string
	th   bool // upper-case TH
}

type numFormat struct {
	toks            []numTok
	fm              bool
	intPos, fracPos int
	vShift          int
	hasPoint, eeee  bool
	signTok         bool // S, MI, SG or PR present
	pr              bool
	floatingS       bool // S before the digits: the sign moves next to them
	firstZero       int  // index of the first '0' among the integer positions, or intPos
	lastFracZero    int  // number of fraction positions up to the last '0'
}

func parseNumFormat(f string) (*numFormat, error) {
	nf := &numFormat{}
	seenDigit, afterPoint, afterV := false, false, false
	firstZero := -1
	for i := 0; i < len(f); {
		up := strings.ToUpper(f[i:])
		switch {
		case strings.HasPrefix(up, "FM"):
			nf.fm = true
			i += 2
		case f[i] == '9' || f[i] == '0':
			nf.toks = append(nf.toks, numTok{kind: f[i]})
			seenDigit = true
			switch {
			case afterV:
				nf.vShift++
				nf.intPos++
				if f[i] == '0' && firstZero < 0 {
					firstZero = nf.intPos - 1
				}
			case afterPoint:
				nf.fracPos++
				if f[i] == '0' {
					nf.lastFracZero = nf.fracPos
				}
			default:
				nf.intPos++
				if f[i] == '0' && firstZero < 0 {
					firstZero = nf.intPos - 1
				}
			}
			i++
		case f[i] == '.' || f[i] == 'D' || f[i] == 'd':
			if nf.hasPoint {
				return nil, sqlerr.New(sqlerr.SyntaxError, "multiple decimal points")
			}
			nf.toks = append(nf.toks, numTok{kind: '.'})
			nf.hasPoint, afterPoint = true, true
			i++
		case f[i] == ',' || f[i] == 'G' || f[i] == 'g':
			nf.toks = append(nf.toks, numTok{kind: ','})
			i++
		case strings.HasPrefix(up, "MI"):
			nf.toks = append(nf.toks, numTok{kind: 'M'})
			nf.signTok = true
			i += 2
		case strings.HasPrefix(up, "PL"):
			nf.toks = append(nf.toks, numTok{kind: 'P'})
			i += 2
		case strings.HasPrefix(up, "SG"):
			nf.toks = append(nf.toks, numTok{kind: 'G'})
			nf.signTok = true
			i += 2
		case strings.HasPrefix(up, "PR"):
			nf.toks = append(nf.toks, numTok{kind: 'R'})
			nf.signTok, nf.pr = true, true
			i += 2
		case strings.HasPrefix(up, "EEEE"):
			nf.toks = append(nf.toks, numTok{kind: 'E'})
			nf.eeee = true
			i += 4
		case strings.HasPrefix(up, "TH"):
			nf.toks = append(nf.toks, numTok{kind: 'T', th: f[i] == 'T'})
			i += 2
		case f[i] == 'S' || f[i] == 's':
			nf.toks = append(nf.toks, numTok{kind: 'S'})
			nf.signTok = true
			nf.floatingS = !seenDigit
			i++
		case f[i] == 'V' || f[i] == 'v':
			afterV = true
			i++
		default:
			nf.toks = append(nf.toks, numTok{kind: 'L', lit: f[i : i+1]})
			i++
		}
	}
	if firstZero < 0 {
		firstZero = nf.intPos
	}
	nf.firstZero = firstZero
	return nf, nil
}

// formatNumber renders d (finite) with a number template. digitsOf gives
// the rounded digits of |value| * 10^vShift with fracPos decimals.
func formatNumber(nf *numFormat, neg bool, intStr, fracStr string, expStr string) string {
	overflow := len(intStr) > nf.intPos
	isZeroInt := intStr == ""
	var body strings.Builder
	signAt := -1 // byte offset in body where a floating sign goes
	intIdx, fracIdx := 0, 0
	printedInt := false
	mark := func() {
		if signAt < 0 {
			signAt = body.Len()
		}
	}
	for _, t := range nf.toks {
		switch t.kind {
		case '9', '0':
			if fracIdx > 0 || (nf.hasPoint && intIdx >= nf.intPos) {
				// Fraction digit.
				if fracIdx < len(fracStr) {
					c := fracStr[fracIdx]
					if overflow {
						c = '#'
					}
					fracIdx++
					if nf.fm && !overflow && fracIdx > nf.lastFracZero && strings.Trim(fracStr[fracIdx-1:], "0") == "" {
						continue
					}
					mark()
					body.WriteByte(c)
				}
				continue
			}
			j := intIdx
			intIdx++
			k := nf.intPos - 1 - j // position from the right
			switch {
			case overflow:
				mark()
				body.WriteByte('#')
				printedInt = true
			case k < len(intStr):
				mark()
				body.WriteByte(intStr[len(intStr)-1-k])
				printedInt = true
			case j >= nf.firstZero || (isZeroInt && k == 0 && !nf.hasPoint):
				mark()
				body.WriteByte('0')
				printedInt = true
			default:
				if !nf.fm {
					body.WriteByte(' ')
				}
			}
		case '.':
			if nf.fm && nf.fracPos == 0 {
				continue
			}
			mark()
			body.WriteByte('.')
			intIdx = nf.intPos
		case ',':
			if printedInt {
				body.WriteByte(',')
			} else if !nf.fm {
				body.WriteByte(' ')
			}
		case 'S':
			if nf.floatingS {
				continue
			}
			if neg {
				body.WriteByte('-')
			} else {
				body.WriteByte('+')
			}
		case 'M':
			if neg {
				body.WriteByte('-')
			} else if !nf.fm {
				body.WriteByte(' ')
			}
		case 'P':
			if !neg {
				body.WriteByte('+')
			} else if !nf.fm {
				body.WriteByte(' ')
			}
		case 'G':
			if neg {
				body.WriteByte('-')
			} else {
				body.WriteByte('+')
			}
		case 'E':
			body.WriteString(expStr)
		case 'T':
			// Handled by the caller (needs the integer value).
			body.WriteString("\x00")
			_ = t
		case 'L':
			body.WriteString(t.lit)
		case 'R':
		}
	}
	out := body.String()
	if signAt < 0 {
		signAt = len(out)
	}
	if nf.fm && nf.intPos > 0 && !strings.ContainsAny(out, "0123456789#") {
		// FM never prints a number without digits: zero shows as "0".
		out = out[:signAt] + "0" + out[signAt:]
	}
	switch {
	case nf.pr:
		if neg {
			out = out[:signAt] + "<" + out[signAt:] + ">"
		} else if !nf.fm {
			out = out[:signAt] + " " + out[signAt:] + " "
		}
	case nf.floatingS:
		s := "+"
		if neg {
			s = "-"
		}
		out = out[:signAt] + s + out[signAt:]
	case !nf.signTok:
		if neg {
			out = out[:signAt] + "-" + out[signAt:]
		} else if !nf.fm {
			out = out[:signAt] + " " + out[signAt:]
		}
	}
	return out
}

// toCharNumeric formats a decimal (NaN/Infinity print as in PostgreSQL:
// the digit positions filled with '#').
func toCharDecimal(x *apd.Decimal, shared *numFormat, isFloat bool, fv float64) (string, error) {
	nfCopy := *shared // the parsed template is shared by a call site
	nf := &nfCopy
	if isSpecial(x) {
		var sb strings.Builder
		if !nf.fm && !nf.signTok {
			sb.WriteByte(' ')
		}
		for _, t := range nf.toks {
			switch t.kind {
			case '9', '0':
				sb.WriteByte('#')
			case '.':
				sb.WriteByte('.')
			case 'L':
				sb.WriteString(t.lit)
			}
		}
		return sb.String(), nil
	}
	neg := x.Negative
	var intStr, fracStr, expStr string
	if nf.eeee {
		// Scientific: one integer digit, fracPos decimals.
		ax := new(apd.Decimal).Abs(x)
		exp := 0
		if ax.Sign() != 0 {
			exp = int(ax.Exponent) + int(ax.NumDigits()) - 1
		}
		m := new(apd.Decimal).Set(ax)
		m.Exponent -= int32(exp)
		r := new(apd.Decimal)
		roundScale(r, m, nf.fracPos)
		if r.Cmp(apd.New(10, 0)) >= 0 {
			exp++
			m.Exponent--
			roundScale(r, m, nf.fracPos)
		}
		intStr, fracStr = splitDigits(r, nf.fracPos)
		if intStr == "" {
			intStr = "0"
		}
		sign := "+"
		if exp < 0 {
			sign, exp = "-", -exp
		}
		expStr = "e" + sign + padNum(int64(exp), 2, false)
		nf.intPos = max(nf.intPos, 1)
	} else {
		var r *apd.Decimal
		if isFloat {
			v := fv
			if neg {
				v = -v
			}
			for i := 0; i < nf.vShift; i++ {
				v *= 10
			}
			s := strconv.FormatFloat(v, 'f', nf.fracPos, 64)
			r, _, _ = apd.NewFromString(s)
		} else {
			ax := new(apd.Decimal).Abs(x)
			ax.Exponent += int32(nf.vShift)
			r = new(apd.Decimal)
			roundScale(r, ax, nf.fracPos)
		}
		intStr, fracStr = splitDigits(r, nf.fracPos)
		if r.Sign() == 0 && !isFloat {
			// numeric rounds to an unsigned zero; a float keeps its sign,
			// as C's printf does.
			neg = false
		}
	}
	out := formatNumber(nf, neg, intStr, fracStr, expStr)
	if strings.Contains(out, "\x00") {
		var iv int64
		if intStr != "" {
			iv, _ = strconv.ParseInt(intStr, 10, 64)
		}
		upper := false
		for _, t := range nf.toks {
			if t.kind == 'T' {
				upper = t.th
			}
		}
		suffix := ""
		if !neg && len(intStr) <= nf.intPos {
			suffix = ordinal(iv, upper)
		}
		out = strings.ReplaceAll(out, "\x00", suffix)
	}
	return out, nil
}

// splitDigits returns the integer digits (no leading zeros; "" for 0) and
// exactly frac fraction digits of a non-negative decimal.
func splitDigits(r *apd.Decimal, frac int) (string, string) {
	t := r.Text('f')
	t = strings.TrimPrefix(t, "-")
	ip, fp, _ := strings.Cut(t, ".")
	ip = strings.TrimLeft(ip, "0")
	for len(fp) < frac {
		fp += "0"
	}
	return ip, fp[:frac]
}

// Parsing (to_timestamp, to_date).

type parsedTS struct {
	year, mon, mday, hour, min, sec, usec int64
	pm, hasAMPM, bc                       bool
	hour12                                bool
	tzSet, tzNeg                          bool
	tzOff                                 int64
	doy                                   int64
	julian                                int64
}

func invalidValue(v, field string) *sqlerr.Error {
	return sqlerr.New(sqlerr.InvalidDatetimeFormat, "invalid value \"%s\" for \"%s\"", v, field)
}

// parseDateTime reads input s according to the format.
func parseDateTime(s, format string) (parsedTS, error) {
	p := parsedTS{mon: 1, mday: 1, year: 0}
	yearSet := false
	nodes := parseDCH(format)
	i := 0
	skipSpaces := func() {
		for i < len(s) && s[i] == ' ' {
			i++
		}
	}
	readInt := func(n dchNode, width int, field string) (int64, error) {
		skipSpaces()
		start := i
		if i < len(s) && (s[i] == '-' || s[i] == '+') && (field == "YYYY" || field == "TZH") {
			i++
		}
		digitsStart := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' && (i-digitsStart < width || n.fm || width <= 0) {
			i++
		}
		if i == digitsStart {
			end := i
			for end < len(s) && s[end] != ' ' && s[end] != '-' && s[end] != ':' && s[end] != '/' && s[end] != '.' {
				end++
			}
			return 0, invalidValue(s[start:end], field).WithDetail("Value must be an integer.")
		}
		v, err := strconv.ParseInt(s[start:i], 10, 64)
		if err != nil {
			return 0, invalidValue(s[start:i], field)
		}
		return v, nil
	}
	matchName := func(names []string, abbrev bool, field string) (int64, error) {
		skipSpaces()
		rest := strings.ToLower(s[i:])
		for idx, name := range names {
			ln := strings.ToLower(name)
			if !abbrev && strings.HasPrefix(rest, ln) {
				i += len(ln)
				return int64(idx), nil
			}
			if strings.HasPrefix(rest, ln[:3]) {
				i += 3
				return int64(idx), nil
			}
		}
		end := i
		for end < len(s) && s[end] != ' ' {
			end++
		}
		return 0, invalidValue(s[i:end], field).WithDetail("The given value did not match any of the allowed values for this field.")
	}
	for ni, n := range nodes {
		// Numbers read greedily when no separator follows in the format.
		nextIsNumber := ni+1 < len(nodes) && nodes[ni+1].id != dLiteral
		width := func(w int) int {
			if nextIsNumber {
				return w
			}
			return 0
		}
		var err error
		var v int64
		switch n.id {
		case dLiteral:
			for _, c := range []byte(n.literal) {
				if i < len(s) && (s[i] == c || (!isAlnum(c) && !isAlnum(s[i]))) {
					i++
				} else if c == ' ' {
					continue
				}
			}
			continue
		case dYYYY, dIYYY:
			v, err = readInt(n, width(4), "YYYY")
			p.year, yearSet = v, true
		case dYcommaYYY:
			var hi, lo int64
			if hi, err = readInt(n, 3, "Y,YYY"); err == nil {
				if i < len(s) && s[i] == ',' {
					i++
				}
				lo, err = readInt(n, 3, "Y,YYY")
			}
			p.year, yearSet = hi*1000+lo, true
		case dYYY, dIYY:
			v, err = readInt(n, width(3), "YYY")
			p.year, yearSet = adjustYear(v, 3), true
		case dYY, dIY:
			v, err = readInt(n, width(2), "YY")
			p.year, yearSet = adjustYear(v, 2), true
		case dY, dI:
			v, err = readInt(n, width(1), "Y")
			p.year, yearSet = adjustYear(v, 1), true
		case dMM:
			p.mon, err = readInt(n, width(2), "MM")
		case dMONTH, dMonth, dmonth:
			v, err = matchName(monthNames, false, n.key)
			p.mon = v + 1
		case dMON, dMon, dmon:
			v, err = matchName(monthNames, true, n.key)
			p.mon = v + 1
		case dDAY, dDay, dday:
			_, err = matchName(dayNames, false, n.key)
		case dDY, dDy, ddy:
			_, err = matchName(dayNames, true, n.key)
		case dDD:
			p.mday, err = readInt(n, width(2), "DD")
		case dDDD:
			p.doy, err = readInt(n, width(3), "DDD")
		case dD, dID:
			_, err = readInt(n, width(1), n.key)
		case dHH24:
			p.hour, err = readInt(n, width(2), "HH24")
		case dHH12, dHH:
			p.hour, err = readInt(n, width(2), n.key)
			p.hour12 = true
		case dMI:
			p.min, err = readInt(n, width(2), "MI")
		case dSS:
			p.sec, err = readInt(n, width(2), "SS")
		case dSSSS:
			v, err = readInt(n, 0, "SSSS")
			p.hour, p.min, p.sec = v/3600, v/60%60, v%60
		case dMS:
			start := i
			v, err = readInt(n, width(3), "MS")
			digits := i - start
			for ; digits < 3; digits++ {
				v *= 10
			}
			p.usec = v * 1000
		case dUS, dFF:
			start := i
			v, err = readInt(n, width(6), "US")
			digits := i - start
			for ; digits < 6; digits++ {
				v *= 10
			}
			p.usec = v
		case dAMupper, dAMlower, dAMdot, dAMdotLower:
			skipSpaces()
			rest := strings.ToUpper(s[i:])
			switch {
			case strings.HasPrefix(rest, "A.M."), strings.HasPrefix(rest, "P.M."):
				p.pm = rest[0] == 'P'
				i += 4
			case strings.HasPrefix(rest, "AM"), strings.HasPrefix(rest, "PM"):
				p.pm = rest[0] == 'P'
				i += 2
			default:
				return p, invalidValue(s[i:min(i+2, len(s))], n.key).WithDetail("The given value did not match any of the allowed values for this field.")
			}
			p.hasAMPM = true
		case dBCupper, dBClower, dBCdot, dBCdotLower:
			skipSpaces()
			rest := strings.ToUpper(s[i:])
			switch {
			case strings.HasPrefix(rest, "B.C."), strings.HasPrefix(rest, "A.D."):
				p.bc = rest[0] == 'B'
				i += 4
			case strings.HasPrefix(rest, "BC"), strings.HasPrefix(rest, "AD"):
				p.bc = rest[0] == 'B'
				i += 2
			}
		case dJ:
			p.julian, err = readInt(n, 0, "J")
		case dTZH:
			skipSpaces()
			sign := int64(1)
			if i < len(s) && (s[i] == '-' || s[i] == '+') {
				if s[i] == '-' {
					sign = -1
				}
				i++
			}
			v, err = readInt(n, 2, "TZH")
			p.tzSet = true
			p.tzNeg = sign < 0
			p.tzOff = sign * v * 3600
		case dTZM:
			v, err = readInt(n, 2, "TZM")
			if p.tzNeg {
				p.tzOff -= v * 60
			} else {
				p.tzOff += v * 60
			}
			p.tzSet = true
		case dTZ, dtz, dOF:
			return p, sqlerr.New(sqlerr.FeatureNotSupported, "formatting field \"%s\" is only supported in to_char", n.key)
		default:
			_, err = readInt(n, 0, n.key)
		}
		if err != nil {
			return p, err
		}
	}
	if p.bc && yearSet {
		p.year = 1 - p.year
	}
	if p.hour12 || p.hasAMPM {
		if p.hour < 1 || p.hour > 12 {
			return p, sqlerr.New(codeDatetimeOverflow, "hour \"%d\" is invalid for the 12-hour clock", p.hour).
				WithHint("Use the 24-hour clock, or give an hour between 1 and 12.")
		}
		if p.pm && p.hour < 12 {
			p.hour += 12
		} else if !p.pm && p.hour == 12 {
			p.hour = 0
		}
	}
	return p, nil
}

func isAlnum(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// adjustYear maps a 1-3 digit year to the nearest year to 2020, as
// PostgreSQL does for YY and YYY.
func adjustYear(y int64, digits int) int64 {
	switch digits {
	case 1:
		return 2000 + y
	case 2:
		if y < 70 {
			return 2000 + y
		}
		return 1900 + y
	case 3:
		if y < 100 {
			return 2000 + y
		}
		return 1000 + y
	}
	return y
}

func dateFromParsed(p parsedTS, s string) (int64, error) {
	var days int64
	switch {
	case p.julian != 0:
		days = p.julian - unixEpochJD
	case p.doy != 0:
		days = daysFromCivil(p.year, 1, 1) + p.doy - 1
	default:
		if p.mon < 1 || p.mon > 12 || p.mday < 1 || p.mday > daysInMonth(p.year, p.mon) {
			return 0, sqlerr.New(codeDatetimeOverflow, "date/time field value out of range: \"%s\"", s)
		}
		days = daysFromCivil(p.year, p.mon, p.mday)
	}
	if !validDate(days) {
		return 0, sqlerr.New(codeDatetimeOverflow, "date out of range: \"%s\"", s)
	}
	return days, nil
}

func toTimestampText(ctx *Context, s, format string) (types.Datum, error) {
	p, err := parseDateTime(s, format)
	if err != nil {
		return types.Null, err
	}
	days, err := dateFromParsed(p, s)
	if err != nil {
		return types.Null, err
	}
	if p.hour > 24 || p.min > 59 || p.sec > 60 {
		return types.Null, sqlerr.New(codeDatetimeOverflow, "date/time field value out of range: \"%s\"", s)
	}
	local := days*usPerDay + ((p.hour*60+p.min)*60+p.sec)*usPerSec + p.usec
	if !validTS(local) {
		return types.Null, errTSRange
	}
	if p.tzSet {
		return types.NewTimestamptz(local - p.tzOff*usPerSec), nil
	}
	return types.NewTimestamptz(localToUTC(local, locOf(ctx))), nil
}

func init() {
	// The template is parsed once per call site while it stays the same.
	dch := func(arg types.Type, value func(ctx *Context, d types.Datum) (dchValue, bool)) *Func {
		return &Func{Name: "to_char", Args: ts(arg, tText), Ret: tText, bind: func([]types.Type) EvalFunc {
			memo := new(siteMemo[[]dchNode])
			parse := func(f string) ([]dchNode, error) { return parseDCH(f), nil }
			return func(ctx *Context, a []types.Datum) (types.Datum, error) {
				v, ok := value(ctx, a[0])
				if !ok {
					return types.Null, nil
				}
				nodes, _ := memo.get(a[1].Str(), parse)
				out, err := formatDCH(nodes, v)
				if err != nil {
					return types.Null, err
				}
				return str(out), nil
			}
		}}
	}
	num := func(arg types.Type, conv func(d types.Datum) (*apd.Decimal, bool, float64)) *Func {
		return &Func{Name: "to_char", Args: ts(arg, tText), Ret: tText, bind: func([]types.Type) EvalFunc {
			memo := new(siteMemo[*numFormat])
			return func(_ *Context, a []types.Datum) (types.Datum, error) {
				nf, err := memo.get(a[1].Str(), parseNumFormat)
				if err != nil {
					return types.Null, err
				}
				x, isFloat, fv := conv(a[0])
				out, err := toCharDecimal(x, nf, isFloat, fv)
				if err != nil {
					return types.Null, err
				}
				return str(out), nil
			}
		}}
	}
	intConv := func(d types.Datum) (*apd.Decimal, bool, float64) { return decFromInt(d.Int()), false, 0 }
	floatConv := func(d types.Datum) (*apd.Decimal, bool, float64) {
		f := d.Float()
		x := decFromFloat(f)
		if f < 0 {
			f = -f
		}
		return x, true, f
	}
	register(
		dch(tTS, func(_ *Context, d types.Datum) (dchValue, bool) {
			if isInfTS(d.Micros()) {
				return dchValue{}, false
			}
			return tsDCHValue(d.Micros(), nil), true
		}),
		dch(tTSTZ, func(ctx *Context, d types.Datum) (dchValue, bool) {
			if isInfTS(d.Micros()) {
				return dchValue{}, false
			}
			return tsDCHValue(d.Micros(), locOf(ctx)), true
		}),
		dch(tInterval, func(_ *Context, d types.Datum) (dchValue, bool) {
			return intervalDCHValue(d.Interval()), true
		}),
		num(tInt4, intConv),
		num(tInt8, intConv),
		num(tFloat4, floatConv),
		num(tFloat8, floatConv),
		num(tNumeric, func(d types.Datum) (*apd.Decimal, bool, float64) { return d.Decimal(), false, 0 }),
		fn("to_timestamp", ts(tText, tText), tTSTZ, func(ctx *Context, a []types.Datum) (types.Datum, error) {
			return toTimestampText(ctx, a[0].Str(), a[1].Str())
		}),
		fn("to_date", ts(tText, tText), tDate, func(_ *Context, a []types.Datum) (types.Datum, error) {
			p, err := parseDateTime(a[0].Str(), a[1].Str())
			if err != nil {
				return types.Null, err
			}
			days, err := dateFromParsed(p, a[0].Str())
			if err != nil {
				return types.Null, err
			}
			return types.NewDate(days), nil
		}),
	)
}
