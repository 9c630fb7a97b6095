package functions

import (
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// Calendar arithmetic on Eddy's time values: dates are days since
// 1970-01-01, timestamps µs since 1970-01-01 (wall clock for timestamp,
// UTC for timestamptz). Years are astronomical (1 BC = 0) internally.

const (
	usPerSec  = 1_000_000
	usPerMin  = 60 * usPerSec
	usPerHour = 60 * usPerMin
	usPerDay  = 24 * usPerHour

	// Valid ranges, as sql/types defines them: dates from 4714-11-24 BC up
	// to 5874898-01-01, timestamps up to 294247-01-01 (exclusive).
	minDateDays     = -2440588
	endDateDays     = 2145042906
	minTimestamp    = minDateDays * usPerDay
	endTimestampDay = 106741034
	endTimestamp    = endTimestampDay * usPerDay

	unixEpochJD = 2440588 // Julian day of 1970-01-01
)

func isInfTS(us int64) bool { return us == types.InfinityMicros || us == types.NegInfinityMicros }

func isInfDate(d int64) bool { return d == types.InfinityDays || d == types.NegInfinityDays }

func validTS(us int64) bool { return us >= minTimestamp && us < endTimestamp }

func validDate(d int64) bool { return d >= minDateDays && d < endDateDays }

func floorDiv64(a, b int64) (q, r int64) {
	q, r = a/b, a%b
	if r != 0 && (r < 0) != (b < 0) {
		q--
		r += b
	}
	return q, r
}

// daysFromCivil returns the days since 1970-01-01 of a proleptic Gregorian
// date (astronomical year).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era, _ := floorDiv64(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int64) (y, m, d int64) {
	z += 719468
	era, _ := floorDiv64(z, 146097)
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

// tm is a broken-down timestamp (PostgreSQL's pg_tm plus fsec).
type tm struct {
	year, mon, mday int64 // astronomical year
	hour, min, sec  int64
	usec            int64 // fraction of the second, 0..999999
	days            int64 // days since 1970-01-01 of the date part
	tod             int64 // µs since midnight
}

func splitTS(us int64) tm {
	days, rem := floorDiv64(us, usPerDay)
	var t tm
	t.days = days
	t.year, t.mon, t.mday = civilFromDays(days)
	t.tod = rem
	t.hour = rem / usPerHour
	rem -= t.hour * usPerHour
	t.min = rem / usPerMin
	rem -= t.min * usPerMin
	t.sec = rem / usPerSec
	t.usec = rem - t.sec*usPerSec
	return t
}

// joinTS builds µs from fields; ok is false if out of range. Fields may be
// out of their usual ranges only as far as the callers allow (day within
// the month).
func joinTS(t tm) (int64, bool) {
	if t.year < -4713-1 || t.year > 294248 {
		return 0, false
	}
	days := daysFromCivil(t.year, t.mon, t.mday)
	us, ok := mulInt64(days, usPerDay)
	if !ok {
		return 0, false
	}
	tod := ((t.hour*60+t.min)*60+t.sec)*usPerSec + t.usec
	us, ok = addInt64(us, tod)
	if !ok || !validTS(us) {
		return 0, false
	}
	return us, true
}

// Zones.

// zoneOffset returns loc's offset east of UTC in seconds at instant us.
func zoneOffset(us int64, loc *time.Location) int64 {
	if loc == time.UTC {
		return 0
	}
	sec, _ := floorDiv64(us, usPerSec)
	_, off := time.Unix(sec, 0).In(loc).Zone()
	return int64(off)
}

func zoneAbbrev(us int64, loc *time.Location) string {
	sec, _ := floorDiv64(us, usPerSec)
	name, _ := time.Unix(sec, 0).In(loc).Zone()
	return name
}

// localToUTC converts a wall-clock time in loc (µs as if UTC) to an
// instant with PostgreSQL's DetermineTimeZoneOffset rule: a time skipped
// by a forward transition takes the offset before it, a time repeated by
// a backward transition the offset after it.
func localToUTC(local int64, loc *time.Location) int64 {
	if loc == time.UTC {
		return local
	}
	return local - localOffset(local, loc)*usPerSec
}

// localOffset returns the offset (seconds east) that applies to a wall
// clock time in loc.
func localOffset(local int64, loc *time.Location) int64 {
	sec, _ := floorDiv64(local, usPerSec)
	// The zone in force a day before, and the next transition after it.
	t0 := time.Unix(sec-86400, 0).In(loc)
	_, before := t0.Zone()
	_, end := t0.ZoneBounds()
	if end.IsZero() {
		return int64(before)
	}
	_, after := end.In(loc).Zone()
	boundary := end.Unix()
	beforeTime := sec - int64(before)
	afterTime := sec - int64(after)
	switch {
	case beforeTime < boundary && afterTime < boundary:
		return int64(before)
	case beforeTime >= boundary && afterTime >= boundary:
		return int64(after)
	case beforeTime > afterTime:
		return int64(before)
	}
	return int64(after)
}

// toLocal returns the wall-clock µs of an instant in loc.
func toLocal(us int64, loc *time.Location) int64 {
	if loc == time.UTC || isInfTS(us) {
		return us
	}
	return us + zoneOffset(us, loc)*usPerSec
}

var zoneCache sync.Map // lower-case name -> *time.Location

var zoneAbbrevs = map[string]int{
	"utc": 0, "gmt": 0, "z": 0, "zulu": 0, "ut": 0, "wet": 0,
	"west": 3600, "bst": 3600, "cet": 3600, "met": 3600, "cest": 7200, "mest": 7200,
	"eet": 7200, "eest": 10800, "msk": 10800, "ist": 7200, "jst": 32400, "kst": 32400,
	"hkt": 28800, "sgt": 28800, "awst": 28800, "acst": 34200, "aest": 36000, "aedt": 39600,
	"nzst": 43200, "nzdt": 46800,
	"est": -18000, "edt": -14400, "cst": -21600, "cdt": -18000, "mst": -25200, "mdt": -21600,
	"pst": -28800, "pdt": -25200, "akst": -32400, "akdt": -28800, "hst": -36000,
	"ast": -14400, "adt": -10800, "nst": -12600, "ndt": -9000,
}

var (
	zoneNamesOnce sync.Once
	zoneNames     map[string]string // lower-case -> canonical file name
)

func zoneDirNames() map[string]string {
	zoneNamesOnce.Do(func() {
		zoneNames = map[string]string{}
		for _, dir := range []string{"/usr/share/zoneinfo", "/usr/share/lib/zoneinfo", "/usr/lib/locale/TZ"} {
			if _, err := os.Stat(dir); err != nil {
				continue
			}
			_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return nil
				}
				rel, _ := filepath.Rel(dir, path)
				if strings.HasPrefix(rel, "posix/") || strings.HasPrefix(rel, "right/") || strings.Contains(rel, ".") {
					return nil
				}
				zoneNames[strings.ToLower(rel)] = rel
				return nil
			})
			break
		}
	})
	return zoneNames
}

// parseZone resolves a time zone as AT TIME ZONE does: an abbreviation
// (EST, UTC), a zone name (America/New_York, any letter case), or a POSIX
// offset ("+05", "UTC+3": hours west of Greenwich).
func parseZone(name string) (*time.Location, error) {
	key := strings.ToLower(strings.TrimSpace(name))
	if l, ok := zoneCache.Load(key); ok {
		return l.(*time.Location), nil
	}
	loc := lookupZone(name, key)
	if loc == nil {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "time zone \"%s\" not recognized", name)
	}
	zoneCache.Store(key, loc)
	return loc, nil
}

func lookupZone(name, key string) *time.Location {
	if off, ok := zoneAbbrevs[key]; ok {
		if off == 0 {
			return time.UTC
		}
		return time.FixedZone(strings.ToUpper(key), off)
	}
	if off, ok := parsePosixOffset(key); ok {
		return time.FixedZone(name, off)
	}
	if key == "localtime" || key == "" {
		return nil
	}
	if l, err := time.LoadLocation(name); err == nil {
		return l
	}
	if canon, ok := zoneDirNames()[key]; ok {
		if l, err := time.LoadLocation(canon); err == nil {
			return l
		}
	}
	return nil
}

// parsePosixOffset reads "[name]±hh[:mm[:ss]]" with POSIX's sign (positive
// is west) and returns seconds east of UTC.
func parsePosixOffset(s string) (int, bool) {
	i := 0
	for i < len(s) && s[i] >= 'a' && s[i] <= 'z' {
		i++
	}
	if i > 0 && i < 3 {
		return 0, false
	}
	rest := s[i:]
	if rest == "" {
		return 0, false
	}
	sign := 1
	switch rest[0] {
	case '+':
		rest = rest[1:]
	case '-':
		sign = -1
		rest = rest[1:]
	}
	parts := strings.Split(rest, ":")
	if len(parts) > 3 {
		return 0, false
	}
	total := 0
	mult := 3600
	for _, p := range parts {
		if p == "" || len(p) > 2 {
			return 0, false
		}
		n, err := strconv.Atoi(p)
		if err != nil {
			return 0, false
		}
		total += n * mult
		mult /= 60
	}
	if total > 15*3600+59*60+59 {
		return 0, false
	}
	return -sign * total, true
}

func locOf(ctx *Context) *time.Location { return envOf(ctx).Location() }

// dateToTS converts days to µs (22008 outside the timestamp range).
func dateToTS(days int64) (int64, error) {
	switch days {
	case types.InfinityDays:
		return types.InfinityMicros, nil
	case types.NegInfinityDays:
		return types.NegInfinityMicros, nil
	}
	if days < minDateDays || days >= endTimestampDay {
		return 0, errTSRange
	}
	return days * usPerDay, nil
}

func tsToDate(us int64) int64 {
	switch us {
	case types.InfinityMicros:
		return types.InfinityDays
	case types.NegInfinityMicros:
		return types.NegInfinityDays
	}
	d, _ := floorDiv64(us, usPerDay)
	return d
}

// rint rounds half to even, like C's rint in the default mode.
func rint(f float64) float64 { return math.RoundToEven(f) }
