package types

import "time"

// Env carries the session settings that change how values are read and
// printed: the time zone (TimeZone), extra_float_digits and the
// interval style. A nil *Env means PostgreSQL's defaults with UTC.
type Env struct {
	// Loc is the session time zone: timestamptz values print in it and
	// timestamps without an offset are read in it.
	Loc *time.Location
	// ExtraFloatDigits is extra_float_digits (default 1: shortest exact
	// output, as PostgreSQL 12+ prints floats).
	ExtraFloatDigits int
}

// DefaultEnv is UTC with PostgreSQL's default settings.
var DefaultEnv = &Env{Loc: time.UTC, ExtraFloatDigits: 1}

// Location returns the session time zone (UTC for a nil Env).
func (e *Env) Location() *time.Location {
	if e == nil || e.Loc == nil {
		return time.UTC
	}
	return e.Loc
}
