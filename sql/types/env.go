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
	// Names, when set, gives the reg* types (regclass, regtype, regproc,
	// regprocedure, regoperator, regnamespace, regrole) their names:
	// values print as the object's name and input accepts names. Without
	// it they print and read numeric OIDs (regtype still names the
	// built-in types).
	Names OIDNames
	// DateOrder is the field order DateStyle gives dates such as
	// 01/02/2026 (MDY by default).
	DateOrder DateOrder
}

// DateOrder is how numeric date fields are read: month-day-year,
// day-month-year or year-month-day.
type DateOrder uint8

const (
	DateOrderMDY DateOrder = iota
	DateOrderDMY
	DateOrderYMD
)

// OIDNames resolves the objects the reg* types refer to. Implementations
// are safe for concurrent use.
type OIDNames interface {
	// OIDName returns how a value of reg* type t prints: the name of the
	// object with that OID, schema-qualified when it is not visible on the
	// search path; false when there is no such object (the OID prints as
	// a number).
	OIDName(t ID, oid uint32) (string, bool)
	// OIDOf reads a name as t's input function does ('public.t'::regclass,
	// 'pg_catalog.trigger'::regtype); errors are PostgreSQL's (42P01
	// relation does not exist, 42704 type or schema does not exist, 42883
	// function does not exist).
	OIDOf(t ID, name string) (uint32, error)
}

// names returns env's name resolver, or nil.
func (e *Env) names() OIDNames {
	if e == nil {
		return nil
	}
	return e.Names
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
