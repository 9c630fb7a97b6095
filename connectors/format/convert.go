package format

import (
	"context"
	"errors"
	"math"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// This file holds what the schema-registry encodings (AVRO, PROTOBUF)
// share: the cache of compiled schemas by id, conversions from a field's
// natural SQL type to its column's type, and JSON text for nested values.

// schemaCache compiles each schema id once. Failures that are the
// schema's own (not found, unreadable, not fitting the columns) are
// remembered for a while too, so that a topic full of them does not turn
// into a request per record; failures to reach the registry are not.
type schemaCache[P any] struct {
	reg     *registry
	compile func(ctx context.Context, id uint32, s sr.Schema) (P, error)
	ok      map[uint32]P
	failed  map[uint32]schemaFailure
}

type schemaFailure struct {
	err error
	at  time.Time
}

// Remembered failures are bounded in number (ids are read from records,
// which may be garbage) and in time (a registry replica may lag behind
// the one a producer registered with).
const (
	maxFailedSchemas = 256
	failedSchemaTTL  = time.Minute
)

func newSchemaCache[P any](reg *registry, compile func(context.Context, uint32, sr.Schema) (P, error)) schemaCache[P] {
	return schemaCache[P]{reg: reg, compile: compile, ok: map[uint32]P{}, failed: map[uint32]schemaFailure{}}
}

// get returns the compiled schema id, fetching it on first use (within
// registryTimeout).
func (c *schemaCache[P]) get(id uint32) (P, error) {
	if p, ok := c.ok[id]; ok {
		return p, nil
	}
	var zero P
	if f, ok := c.failed[id]; ok && time.Since(f.at) < failedSchemaTTL {
		return zero, f.err
	}
	ctx, cancel := context.WithTimeout(context.Background(), registryTimeout)
	defer cancel()
	s, err := c.reg.schemaByID(ctx, int(id))
	var p P
	if err == nil {
		p, err = c.compile(ctx, id, s)
	}
	if err != nil {
		if !errors.Is(err, ErrUnavailable) {
			if len(c.failed) >= maxFailedSchemas {
				clear(c.failed)
			}
			c.failed[id] = schemaFailure{err, time.Now()}
		}
		return zero, err
	}
	delete(c.failed, id)
	c.ok[id] = p
	return p, nil
}

// converter returns how a value of a field's natural type becomes a value
// of its column's type, or nil when no conversion is needed. As in an
// INSERT, the casts PostgreSQL applies on assignment are allowed (bigint
// to integer with a range check, integer to double, date to timestamptz,
// anything to a string type); a string is read with the column type's
// text input, as the JSON decoder reads strings. The column's typmod
// applies as on assignment (varchar(n) rejects longer values). Other
// pairs are 42804.
func converter(from, to types.Type, what string) (func(types.Datum) (types.Datum, error), error) {
	if from.ID == to.ID && from.Elem == to.Elem {
		if to.Mod == 0 || to.Mod == from.Mod {
			return nil, nil
		}
		return func(d types.Datum) (types.Datum, error) { return types.ApplyTypmod(d, to) }, nil
	}
	bare := types.Type{ID: to.ID, Elem: to.Elem}
	if ctx, ok := types.CastContextOf(from, to); ok && ctx != types.CastExplicit {
		return func(d types.Datum) (types.Datum, error) {
			v, err := types.Cast(d, from, bare, env)
			if err != nil || to.Mod == 0 {
				return v, err
			}
			return types.ApplyTypmod(v, to)
		}, nil
	}
	if from.IsString() && to.ID != types.Record {
		return func(d types.Datum) (types.Datum, error) { return types.ParseText(d.Str(), to, env) }, nil
	}
	return nil, sqlerr.New(sqlerr.DatatypeMismatch, "%s cannot be read as type %s", what, to)
}

// Ranges PostgreSQL accepts (see sql/types): dates from 4714-11-24 BC up
// to 5874898-01-01, timestamps up to 294247-01-01 in µs since 1970.
const (
	minDateDays  = -2440588
	endDateDays  = 2145042906
	minTimestamp = minDateDays * 86400 * 1000000
	endTimestamp = 106751982 * 86400 * 1000000
	usPerDay     = 86400 * 1000000
)

func dateDatum(days int64) (types.Datum, error) {
	if days < minDateDays || days >= endDateDays {
		return types.Null, sqlerr.New(sqlerr.DatetimeFieldOverflow, "date out of range: %d days since 1970-01-01", days)
	}
	return types.NewDate(days), nil
}

// timestampDatum converts v units of unit µs (1000 for millis, 1 for
// micros; -1000 for nanos) since 1970-01-01 to a timestamp[tz].
func timestampDatum(v, unit int64, tz bool) (types.Datum, error) {
	var us int64
	switch {
	case unit < 0:
		us = v / -unit
		if v%-unit < 0 {
			us--
		}
	case v < minTimestamp/unit || v >= endTimestamp/unit:
		return types.Null, sqlerr.New(sqlerr.DatetimeFieldOverflow, "timestamp out of range: %d", v)
	default:
		us = v * unit
	}
	if us < minTimestamp || us >= endTimestamp {
		return types.Null, sqlerr.New(sqlerr.DatetimeFieldOverflow, "timestamp out of range: %d", v)
	}
	if tz {
		return types.NewTimestamptz(us), nil
	}
	return types.NewTimestamp(us), nil
}

func timeDatum(us int64) (types.Datum, error) {
	if us < 0 || us > usPerDay {
		return types.Null, sqlerr.New(sqlerr.DatetimeFieldOverflow, "time out of range: %d µs after midnight", us)
	}
	return types.NewTime(us), nil
}

// appendJSONValue appends d, of type t, as JSON the way PostgreSQL's
// to_jsonb writes it: numbers as numbers (NaN and infinities as strings),
// booleans, NULL as null, everything else as the JSON string of its text
// form (bytea as "\\x...").
func appendJSONValue(b []byte, d types.Datum, t types.Type) []byte {
	if d.IsNull() {
		return append(b, "null"...)
	}
	switch {
	case t.ID == types.Bool:
		return strconv.AppendBool(b, d.Bool())
	case t.IsInteger():
		return strconv.AppendInt(b, d.Int(), 10)
	case t.ID == types.Float4 || t.ID == types.Float8:
		f := d.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			break
		}
		bits := 64
		if t.ID == types.Float4 {
			bits = 32
		}
		return strconv.AppendFloat(b, f, 'g', -1, bits)
	case t.ID == types.Numeric:
		if dec := d.Decimal(); dec.Form == 0 {
			return types.AppendText(b, d, t, env)
		}
	case t.ID == types.Json || t.ID == types.Jsonb:
		return append(b, d.Str()...)
	case t.IsString():
		return AppendJSONString(b, d.Str())
	}
	var scratch [64]byte
	return AppendJSONString(b, string(types.AppendText(scratch[:0], d, t, env)))
}
