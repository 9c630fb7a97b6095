package functions

import (
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// Datum constructors and a renderer used by the tests. The renderer is the
// tests' own: it shows numerics with their exact scale, timestamps in ISO
// form and intervals by component, so expectations do not depend on the
// text formats of sql/types.

func i(v int64) types.Datum   { return types.NewInt(v) }
func f(v float64) types.Datum { return types.NewFloat(v) }
func s(v string) types.Datum  { return types.NewString(v) }
func b(v bool) types.Datum    { return types.NewBool(v) }

var null = types.Null

func n(v string) types.Datum {
	d, _, err := apd.NewFromString(v)
	if err != nil {
		panic(err)
	}
	return types.NewDecimal(d)
}

func date(v string) types.Datum {
	t, err := time.Parse("2006-01-02", v)
	if err != nil {
		panic(err)
	}
	return types.NewDate(t.Unix() / 86400)
}

func parseWall(v string) int64 {
	for _, layout := range []string{"2006-01-02 15:04:05.999999", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UnixMicro()
		}
	}
	panic("bad timestamp " + v)
}

func tsd(v string) types.Datum { return types.NewTimestamp(parseWall(v)) }

// tstz reads "2020-01-01 10:00:00+02" style input (offset in hours, or
// "Z").
func tstz(v string) types.Datum {
	for _, layout := range []string{"2006-01-02 15:04:05.999999Z07", "2006-01-02 15:04:05.999999Z07:00", "2006-01-02 15:04Z07", "2006-01-02Z07"} {
		if t, err := time.Parse(layout, v); err == nil {
			return types.NewTimestamptz(t.UnixMicro())
		}
	}
	panic("bad timestamptz " + v)
}

func iv(months, days int32, micros int64) types.Datum {
	return types.NewInterval(types.IntervalValue{Months: months, Days: days, Micros: micros})
}

func tod(h, m int64, sec float64) types.Datum {
	return types.NewTime((h*60+m)*60*1_000_000 + int64(math.Round(sec*1e6)))
}

func arr(ds ...types.Datum) types.Datum { return types.NewArray(ds) }

func js(v string) types.Datum { return types.NewJSON(v) }

func render(d types.Datum) string {
	switch d.Kind() {
	case types.KNull:
		return "NULL"
	case types.KBool:
		if d.Bool() {
			return "t"
		}
		return "f"
	case types.KInt:
		return strconv.FormatInt(d.Int(), 10)
	case types.KFloat:
		v := d.Float()
		switch {
		case math.IsInf(v, 1):
			return "Infinity"
		case math.IsInf(v, -1):
			return "-Infinity"
		case math.IsNaN(v):
			return "NaN"
		}
		if a := math.Abs(v); a == 0 || (a >= 1e-4 && a < 1e15) {
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
		return strconv.FormatFloat(v, 'g', -1, 64)
	case types.KDecimal:
		x := d.Decimal()
		switch x.Form {
		case apd.NaN, apd.NaNSignaling:
			return "NaN"
		case apd.Infinite:
			if x.Negative {
				return "-Infinity"
			}
			return "Infinity"
		}
		return x.Text('f')
	case types.KString, types.KJSON:
		return d.Str()
	case types.KBytes:
		return `\x` + hex.EncodeToString([]byte(d.BytesStr()))
	case types.KDate:
		switch d.Days() {
		case types.InfinityDays:
			return "infinity"
		case types.NegInfinityDays:
			return "-infinity"
		}
		y, m, dd := civilFromDays(d.Days())
		return ymd(y, m, dd)
	case types.KTime:
		return hms(d.Micros())
	case types.KTimestamp, types.KTimestamptz:
		switch d.Micros() {
		case types.InfinityMicros:
			return "infinity"
		case types.NegInfinityMicros:
			return "-infinity"
		}
		days, rem := floorDiv64(d.Micros(), usPerDay)
		y, m, dd := civilFromDays(days)
		out := ymd(y, m, dd) + " " + hms(rem)
		if d.Kind() == types.KTimestamptz {
			out += "Z"
		}
		return out
	case types.KInterval:
		v := d.Interval()
		return fmt.Sprintf("%dmon %dd %dus", v.Months, v.Days, v.Micros)
	case types.KArray:
		parts := []string{}
		for _, e := range d.Array() {
			parts = append(parts, render(e))
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	return "?"
}

func ymd(y, m, d int64) string {
	if y <= 0 {
		return fmt.Sprintf("%04d-%02d-%02d BC", 1-y, m, d)
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}

func hms(us int64) string {
	h := us / usPerHour
	us -= h * usPerHour
	m := us / usPerMin
	us -= m * usPerMin
	sec := us / usPerSec
	us -= sec * usPerSec
	out := fmt.Sprintf("%02d:%02d:%02d", h, m, sec)
	if us != 0 {
		out += strings.TrimRight(fmt.Sprintf(".%06d", us), "0")
	}
	return out
}

// call resolves name for the given argument types and evaluates it with
// the strictness rule, in UTC unless ctx says otherwise.
func call(ctx *Context, name string, argTypes []types.Type, args ...types.Datum) (types.Datum, error) {
	f, _, err := Resolve(name, argTypes)
	if err != nil {
		return types.Null, err
	}
	if ctx == nil {
		ctx = &Context{Env: types.DefaultEnv}
	}
	return f.Call(ctx, args)
}

// evalCase is one row of a table-driven function test: the call, then
// either the rendered result or the SQLSTATE of the error.
type evalCase struct {
	name string
	args []types.Type
	in   []types.Datum
	want string
	code string
}

func runCases(t *testing.T, ctx *Context, cases []evalCase) {
	t.Helper()
	for _, c := range cases {
		got, err := call(ctx, c.name, c.args, c.in...)
		label := fmt.Sprintf("%s(%s)", c.name, renderArgs(c.in))
		if c.code != "" {
			if err == nil {
				t.Errorf("%s = %s, want error %s", label, render(got), c.code)
			} else if code := sqlerr.Code(err); code != c.code {
				t.Errorf("%s: error %s %q, want %s", label, code, err, c.code)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", label, err)
			continue
		}
		if r := render(got); r != c.want {
			t.Errorf("%s = %s, want %s", label, r, c.want)
		}
	}
}

func renderArgs(ds []types.Datum) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = render(d)
	}
	return strings.Join(parts, ", ")
}

// Shorthands for argument type lists.
var (
	I2    = []types.Type{types.TInt2, types.TInt2}
	I4    = []types.Type{types.TInt4, types.TInt4}
	I8    = []types.Type{types.TInt8, types.TInt8}
	F4    = []types.Type{types.TFloat4, types.TFloat4}
	F8    = []types.Type{types.TFloat8, types.TFloat8}
	N2    = []types.Type{types.TNumeric, types.TNumeric}
	T1    = []types.Type{types.TText}
	T2    = []types.Type{types.TText, types.TText}
	T3    = []types.Type{types.TText, types.TText, types.TText}
	N1    = []types.Type{types.TNumeric}
	F81   = []types.Type{types.TFloat8}
	tys   = func(t ...types.Type) []types.Type { return t }
	tInt  = types.TInt4
	tTxt  = types.TText
	tNum  = types.TNumeric
	tUnk  = types.TUnknown
	tF8   = types.TFloat8
	tTsz  = types.TTimestamptz
	tTs   = types.TTimestamp
	tIv   = types.TInterval
	tDt   = types.TDate
	tJb   = types.TJsonb
	tTArr = types.ArrayOf(types.Text)
)
