package functions

import (
	"strings"

	"github.com/cockroachdb/apd/v3"

	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// Set-returning functions: generate_series and unnest, used in FROM.

// SeriesIter yields the values of one call of a set-returning function;
// ok is false after the last one.
type SeriesIter = func() (v types.Datum, ok bool, err error)

// SetFunc is a set-returning function. Like Func, registered entries are
// shared and read-only; ResolveSetFunc returns a copy whose Ret is
// concrete.
type SetFunc struct {
	Name    string
	Args    []types.Type
	Ret     types.Type
	RetFunc func(args []types.Type) types.Type
	// Fields, when set, are the output columns of a function returning
	// rows of several columns (pg_options_to_table): each value is then a
	// record (types.NewArray) with one datum per field, and Ret is record.
	Fields []types.Column
	// Start begins one call with arguments cast to the resolved types.
	// All set-returning functions here are strict: a NULL argument gives
	// no rows, and Start is not called.
	Start func(ctx *Context, args []types.Datum) (SeriesIter, error)
}

var setFuncs = map[string][]*SetFunc{}

// IsSetFunc reports whether name is a set-returning function.
func IsSetFunc(name string) bool {
	_, ok := setFuncs[normName(name)]
	return ok
}

// ResolveSetFunc chooses the overload of a set-returning function for the
// argument types as Resolve does.
func ResolveSetFunc(name string, args []types.Type) (*SetFunc, []types.Type, error) {
	name = normName(name)
	cands := setFuncs[name]
	params := make([]paramList, len(cands))
	for i, f := range cands {
		params[i] = paramList{args: f.Args}
	}
	idx, casts, err := choose(name, params, args, false)
	if err != nil {
		return nil, nil, err
	}
	g := *cands[idx]
	g.Ret = resultType(g.Ret, g.RetFunc, params[idx], args, casts)
	g.RetFunc = nil
	return &g, casts, nil
}

// Call starts f on args, applying strictness: any NULL argument yields
// an empty series.
func (f *SetFunc) Call(ctx *Context, args []types.Datum) (SeriesIter, error) {
	for _, a := range args {
		if a.IsNull() {
			return func() (types.Datum, bool, error) { return types.Null, false, nil }, nil
		}
	}
	return f.Start(ctx, args)
}

func init() {
	for _, t := range []types.Type{tInt4, tInt8} {
		start := seriesInt(t.ID == types.Int4)
		setFuncs["generate_series"] = append(setFuncs["generate_series"],
			&SetFunc{Name: "generate_series", Args: ts(t, t), Ret: t, Start: start},
			&SetFunc{Name: "generate_series", Args: ts(t, t, t), Ret: t, Start: start})
	}
	setFuncs["generate_series"] = append(setFuncs["generate_series"],
		&SetFunc{Name: "generate_series", Args: ts(tNumeric, tNumeric), Ret: tNumeric, Start: seriesNumeric},
		&SetFunc{Name: "generate_series", Args: ts(tNumeric, tNumeric, tNumeric), Ret: tNumeric, Start: seriesNumeric},
		&SetFunc{Name: "generate_series", Args: ts(tTS, tTS, tInterval), Ret: tTS, Start: seriesTimestamp(false)},
		&SetFunc{Name: "generate_series", Args: ts(tTSTZ, tTSTZ, tInterval), Ret: tTSTZ, Start: seriesTimestamp(true)})
	setFuncs["unnest"] = []*SetFunc{{Name: "unnest", Args: ts(AnyArray), Ret: AnyElement, Start: unnest}}
	setFuncs["pg_options_to_table"] = []*SetFunc{{Name: "pg_options_to_table", Args: ts(tTextArray), Ret: types.TRecord,
		Fields: []types.Column{{Name: "option_name", Type: tText}, {Name: "option_value", Type: tText}}, Start: optionsToTable}}
}

var errZeroStep = sqlerr.New(sqlerr.InvalidParameterValue, "step size cannot equal zero")

func seriesInt(int4 bool) func(*Context, []types.Datum) (SeriesIter, error) {
	lo, hi := int64(-1<<63), int64(1<<63-1)
	if int4 {
		lo, hi = -1<<31, 1<<31-1
	}
	return func(_ *Context, args []types.Datum) (SeriesIter, error) {
		cur, stop, step := args[0].Int(), args[1].Int(), int64(1)
		if len(args) == 3 {
			step = args[2].Int()
		}
		if step == 0 {
			return nil, errZeroStep
		}
		done := false
		return func() (types.Datum, bool, error) {
			if done || (step > 0 && cur > stop) || (step < 0 && cur < stop) {
				return types.Null, false, nil
			}
			v := cur
			// The series ends where the next value would overflow.
			next, ok := addInt64(cur, step)
			if !ok || next < lo || next > hi {
				done = true
			}
			cur = next
			return types.NewInt(v), true, nil
		}, nil
	}
}

func seriesNumeric(_ *Context, args []types.Datum) (SeriesIter, error) {
	cur, stop, step := args[0].Decimal(), args[1].Decimal(), decOne
	if len(args) == 3 {
		step = args[2].Decimal()
	}
	for _, c := range []struct {
		d    *apd.Decimal
		what string
	}{{cur, "start value"}, {stop, "stop value"}, {step, "step size"}} {
		if isNaNDec(c.d) {
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "%s cannot be NaN", c.what)
		}
		if c.d.Form == apd.Infinite {
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "%s cannot be infinity", c.what)
		}
	}
	sign := step.Sign()
	if sign == 0 {
		return nil, errZeroStep
	}
	// Every value is printed with the larger of the start's and the
	// step's scales, as PostgreSQL does.
	scale := max(dscale(cur), dscale(step))
	cur = roundNumericScale(cur, scale)
	return func() (types.Datum, bool, error) {
		c := cur.Cmp(stop)
		if (sign > 0 && c > 0) || (sign < 0 && c < 0) {
			return types.Null, false, nil
		}
		v := cur
		next := new(apd.Decimal)
		if _, err := exactCtx.Add(next, cur, step); err != nil {
			return types.Null, false, errNumericRange
		}
		cur = next
		return types.NewDecimal(v), true, nil
	}, nil
}

// roundNumericScale returns d with exactly scale fraction digits (d has
// at most that many).
func roundNumericScale(d *apd.Decimal, scale int) *apd.Decimal {
	if dscale(d) == scale {
		return d
	}
	r := new(apd.Decimal)
	_, _ = exactCtx.Quantize(r, d, int32(-scale))
	return r
}

func seriesTimestamp(tz bool) func(*Context, []types.Datum) (SeriesIter, error) {
	return func(ctx *Context, args []types.Datum) (SeriesIter, error) {
		cur, stop, step := args[0].Micros(), args[1].Micros(), args[2].Interval()
		sign := types.Compare(args[2], types.NewInterval(types.IntervalValue{}))
		if sign == 0 {
			return nil, errZeroStep
		}
		loc := locOf(ctx)
		if !tz {
			loc = nil
		}
		done := false
		mk := types.NewTimestamp
		if tz {
			mk = types.NewTimestamptz
		}
		return func() (types.Datum, bool, error) {
			if done || (sign > 0 && cur > stop) || (sign < 0 && cur < stop) {
				return types.Null, false, nil
			}
			v := cur
			next, err := addInterval(cur, step, loc)
			if err != nil {
				done = true
			}
			cur = next
			return mk(v), true, nil
		}, nil
	}
}

func unnest(_ *Context, args []types.Datum) (SeriesIter, error) {
	elems := args[0].Array()
	i := 0
	return func() (types.Datum, bool, error) {
		if i >= len(elems) {
			return types.Null, false, nil
		}
		i++
		return elems[i-1], true, nil
	}, nil
}

// optionsToTable is pg_options_to_table(text[]): one (name, value) row per
// "name=value" element (value NULL when there is no "=").
func optionsToTable(_ *Context, args []types.Datum) (SeriesIter, error) {
	elems := args[0].Array()
	i := 0
	return func() (types.Datum, bool, error) {
		for i < len(elems) {
			e := elems[i]
			i++
			if e.IsNull() {
				continue
			}
			name, value, ok := strings.Cut(e.Str(), "=")
			v := types.Null
			if ok {
				v = types.NewString(value)
			}
			return types.NewArray([]types.Datum{types.NewString(name), v}), true, nil
		}
		return types.Null, false, nil
	}, nil
}
