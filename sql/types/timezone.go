package types

import (
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// zoneAbbrevs holds the time zone abbreviations of PostgreSQL's Default
// abbreviation set that date/time input accepts, as seconds east of UTC.
var zoneAbbrevs = map[string]int{
	"utc": 0, "ut": 0, "gmt": 0, "z": 0, "zulu": 0, "wet": 0,
	"west": 3600, "bst": 3600, "cet": 3600, "met": 3600, "wat": 3600,
	"cest": 7200, "mest": 7200, "eet": 7200, "sast": 7200, "ist": 7200,
	"eest": 10800, "msk": 10800, "eat": 10800,
	"hkt": 8 * 3600, "sgt": 8 * 3600, "awst": 8 * 3600, "pht": 8 * 3600,
	"jst": 9 * 3600, "kst": 9 * 3600,
	"acst": 9*3600 + 1800, "acdt": 10*3600 + 1800,
	"aest": 10 * 3600, "aedt": 11 * 3600,
	"nzst": 12 * 3600, "nzdt": 13 * 3600,
	"ast": -4 * 3600, "adt": -3 * 3600,
	"nst": -(3*3600 + 1800), "ndt": -(2*3600 + 1800),
	"art": -3 * 3600, "brt": -3 * 3600,
	"est": -5 * 3600, "edt": -4 * 3600,
	"cst": -6 * 3600, "cdt": -5 * 3600,
	"mst": -7 * 3600, "mdt": -6 * 3600,
	"pst": -8 * 3600, "pdt": -7 * 3600,
	"akst": -9 * 3600, "akdt": -8 * 3600,
	"hst": -10 * 3600,
}

// zoneAbbrevsDST are the abbreviations of zoneAbbrevs that name daylight
// saving time (PostgreSQL's abbreviation files mark them D).
var zoneAbbrevsDST = map[string]bool{
	"west": true, "bst": true, "cest": true, "mest": true, "eest": true, "acdt": true, "aedt": true,
	"nzdt": true, "adt": true, "ndt": true, "edt": true, "cdt": true, "mdt": true, "pdt": true, "akdt": true,
}

// ZoneAbbrev is a time zone abbreviation date/time input accepts.
type ZoneAbbrev struct {
	Abbrev string // upper case
	Offset int    // seconds east of UTC
	DST    bool   // daylight saving time
}

// ZoneAbbrevs lists the abbreviations date/time input accepts, by name
// (pg_timezone_abbrevs).
func ZoneAbbrevs() []ZoneAbbrev {
	out := make([]ZoneAbbrev, 0, len(zoneAbbrevs))
	for a, off := range zoneAbbrevs {
		out = append(out, ZoneAbbrev{Abbrev: strings.ToUpper(a), Offset: off, DST: zoneAbbrevsDST[a]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Abbrev < out[j].Abbrev })
	return out
}

var (
	zoneCache  sync.Map     // lower-case name -> *time.Location (nil if unknown)
	zoneMisses atomic.Int32 // unknown names cached so far
)

// maxZoneMisses bounds how many unknown names are remembered, so that
// input full of made-up zone names cannot grow the cache without limit.
const maxZoneMisses = 1024

// LoadZone resolves a time zone name as PostgreSQL's TimeZone setting and
// date/time input do: IANA names case-insensitively ("america/new_york"),
// the abbreviations of the Default set as fixed offsets ("PST"), and
// "UTC"/"Z". ok is false for an unknown name. Results are cached; safe for
// concurrent use.
func LoadZone(name string) (loc *time.Location, ok bool) {
	key := strings.ToLower(name)
	if v, hit := zoneCache.Load(key); hit {
		l := v.(*time.Location)
		return l, l != nil
	}
	l := loadZoneUncached(name, key)
	if l != nil || zoneMisses.Add(1) <= maxZoneMisses {
		zoneCache.Store(key, l)
	}
	return l, l != nil
}

func loadZoneUncached(name, key string) *time.Location {
	if key == "" || key == "local" || strings.Contains(key, "..") {
		return nil
	}
	if key == "utc" || key == "z" || key == "zulu" {
		return time.UTC
	}
	for _, cand := range []string{name, canonicalZoneName(key), strings.ToUpper(name)} {
		if l, err := time.LoadLocation(cand); err == nil {
			return l
		}
	}
	if off, ok := zoneAbbrevs[key]; ok {
		return time.FixedZone(strings.ToUpper(name), off)
	}
	return nil
}

// canonicalZoneName capitalises a lower-cased IANA name the way the tz
// database spells most names: "america/port_of_spain" -> "America/Port_Of_Spain"
// (close enough for the file lookup of the common zones), "etc/gmt+2" ->
// "Etc/GMT+2".
func canonicalZoneName(key string) string {
	b := []byte(key)
	up := true
	for i, c := range b {
		if up && c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
		up = c == '/' || c == '_' || c == '-'
	}
	s := string(b)
	// Common all-capital components.
	for _, w := range []string{"Gmt", "Utc", "Uct", "Est", "Mst", "Hst", "Edt", "Cst", "Cdt", "Mdt", "Pst", "Pdt"} {
		s = strings.ReplaceAll(s, w, strings.ToUpper(w))
	}
	return s
}
