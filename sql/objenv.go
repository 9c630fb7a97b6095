package sql

import (
	"strings"

	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/types"
)

// A view, materialized view or sink keeps the TimeZone and DateStyle of
// the session that created it, as it keeps its search_path: the constants
// of its query ('2026-01-01 10:00'::timestamptz, '01/02/2026'::date) were
// read under them and mean the same whenever the query is bound again (at
// a restart, or when a view is queried from a session with other
// settings), and a materialized view's or sink's dataflow computes
// time-zone-dependent functions (date_trunc and extract on timestamptz,
// casts between timestamp and timestamptz) in the creating session's time
// zone, as RisingWave fixes it into a view's plan.

const (
	defaultTimeZone  = "UTC"
	defaultDateStyle = "ISO, MDY"
)

// storedValueSettings are the TimeZone and DateStyle a new view keeps:
// "" for the defaults.
func (s *Session) storedValueSettings() (tz, ds string) {
	if v := s.vars["timezone"]; v != defaultTimeZone {
		tz = v
	}
	if v := s.vars["datestyle"]; v != defaultDateStyle {
		ds = v
	}
	return tz, ds
}

// objectEnv is what the binder sees when it binds the stored query of o:
// the session, with o's search path and value settings.
func (s *Session) objectEnv(o *catalog.Object) sessionEnv {
	return sessionEnv{s: s, path: objectSearchPath(o), env: valueEnvOf(s.env, o)}
}

// valueEnvOf is base (nil: the defaults) with the time zone and date
// order o keeps.
func valueEnvOf(base *types.Env, o *catalog.Object) *types.Env {
	if base == nil {
		base = types.DefaultEnv
	}
	env := *base
	env.Loc, env.DateOrder = types.DefaultEnv.Loc, types.DateOrderMDY
	if o.TimeZone != "" {
		if loc, _, err := loadLocation(o.TimeZone); err == nil {
			env.Loc = loc
		}
	}
	if o.DateStyle != "" {
		env.DateOrder = dateOrderOf(o.DateStyle)
	}
	return &env
}

// dateOrderOf is the field order of a DateStyle value as checkDateStyle
// writes it ("ISO, DMY").
func dateOrderOf(v string) types.DateOrder {
	switch {
	case strings.HasSuffix(v, "DMY"):
		return types.DateOrderDMY
	case strings.HasSuffix(v, "YMD"):
		return types.DateOrderYMD
	}
	return types.DateOrderMDY
}
