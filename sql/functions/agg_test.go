package functions

import (
	"math"
	"testing"

	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// runAgg folds rows (one datum per argument each) into a fresh
// accumulator, skipping rows with NULL arguments for strict aggregates as
// the executor does, and returns the result.
func runAgg(t *testing.T, name string, argTypes []types.Type, rows [][]types.Datum, skipNulls bool) (types.Datum, error) {
	t.Helper()
	a, _, err := ResolveAggregate(name, argTypes)
	if err != nil {
		t.Fatalf("ResolveAggregate(%s): %v", name, err)
	}
	ctx := &Context{Env: types.DefaultEnv}
	acc := a.New()
rows:
	for _, r := range rows {
		if skipNulls && !a.KeepNulls {
			for _, d := range r {
				if d.IsNull() {
					continue rows
				}
			}
		}
		if err := acc.Add(ctx, r); err != nil {
			return types.Null, err
		}
	}
	return acc.Result(ctx)
}

func col(ds ...types.Datum) [][]types.Datum {
	out := make([][]types.Datum, len(ds))
	for i, d := range ds {
		out[i] = []types.Datum{d}
	}
	return out
}

// Expected values checked against PostgreSQL 15.
func TestAggregates(t *testing.T) {
	i8 := types.TInt8
	f4 := types.TFloat4
	for _, c := range []struct {
		name string
		args []types.Type
		rows [][]types.Datum
		want string
		code string
	}{
		{"count", nil, [][]types.Datum{{}, {}, {}}, "3", ""},
		{"count", tys(tInt), col(i(1), null, i(4)), "2", ""},
		{"sum", tys(tInt), col(i(1), null, i(4)), "5", ""},
		{"avg", tys(tInt), col(i(1), null, i(4)), "2.5000000000000000", ""},
		{"min", tys(tInt), col(i(1), null, i(4)), "1", ""},
		{"max", tys(tInt), col(i(1), null, i(4)), "4", ""},
		{"max", tys(tTxt), col(s("b"), s("a"), s("c")), "c", ""},
		{"min", tys(tTxt), col(s("b"), s("a"), s("c")), "a", ""},
		// Empty input: count is 0, everything else NULL.
		{"count", nil, nil, "0", ""},
		{"count", tys(tInt), nil, "0", ""},
		{"sum", tys(tInt), nil, "NULL", ""},
		{"avg", tys(tNum), nil, "NULL", ""},
		{"min", tys(tInt), nil, "NULL", ""},
		{"bool_and", tys(types.TBool), nil, "NULL", ""},
		{"string_agg", tys(tTxt, tTxt), nil, "NULL", ""},
		{"array_agg", tys(tInt), nil, "NULL", ""},
		{"stddev", tys(tInt), nil, "NULL", ""},
		{"jsonb_agg", tys(tInt), nil, "NULL", ""},
		{"sum", tys(tInt), col(null, null), "NULL", ""},
		// Precision and ranges.
		{"sum", tys(i8), col(i(math.MaxInt64), i(math.MaxInt64)), "18446744073709551614", ""},
		{"avg", tys(i8), col(i(math.MaxInt64), i(math.MaxInt64)), "9223372036854775807", ""},
		{"sum", tys(tInt), col(i(math.MaxInt32), i(math.MaxInt32)), "4294967294", ""},
		{"sum", tys(i8), col(i(math.MinInt64), i(-1)), "-9223372036854775809", ""},
		{"avg", tys(i8), col(i(1), i(2), i(2)), "1.6666666666666667", ""},
		{"sum", tys(tNum), col(n("1.5"), n("2.25"), n("4.0")), "7.75", ""},
		{"avg", tys(tNum), col(n("1.5"), n("2.25"), n("4.0")), "2.5833333333333333", ""},
		{"stddev", tys(tNum), col(n("1.5"), n("2.25"), n("4.0")), "1.2829003598617210", ""},
		{"variance", tys(tNum), col(n("1.5"), n("2.25"), n("4.0")), "1.6458333333333333", ""},
		{"stddev_pop", tys(tNum), col(n("1.5"), n("2.25"), n("4.0")), "1.04748375749804455964", ""},
		{"var_pop", tys(tNum), col(n("1.5"), n("2.25"), n("4.0")), "1.09722222222222222222", ""},
		{"stddev", tys(tInt), col(i(1), i(2), i(4)), "1.5275252316519467", ""},
		{"variance", tys(tInt), col(i(1), i(2), i(4)), "2.3333333333333333", ""},
		{"var_samp", tys(i8), col(i(1), i(2), i(4), i(8)), "9.5833333333333333", ""},
		{"stddev_samp", tys(i8), col(i(1), i(2), i(4), i(8)), "3.0956959368344517", ""},
		{"stddev", tys(tInt), col(i(1), i(1)), "0", ""},
		{"stddev", tys(tInt), col(i(5)), "NULL", ""},
		{"stddev_pop", tys(tInt), col(i(5)), "0", ""},
		{"sum", tys(tF8), col(f(1.5), f(2.25), f(4.0)), "7.75", ""},
		{"avg", tys(tF8), col(f(1.5), f(2.25), f(4.0)), "2.5833333333333335", ""},
		{"stddev", tys(tF8), col(f(1.5), f(2.25), f(4.0)), "1.282900359861721", ""},
		{"var_pop", tys(tF8), col(f(1.5), f(2.25), f(4.0)), "1.097222222222222", ""},
		{"stddev", tys(tF8), col(f(1), f(2), f(4)), "1.5275252316519468", ""},
		{"variance", tys(tF8), col(f(1), f(2), f(4)), "2.3333333333333335", ""},
		{"sum", tys(tF8), col(f(1e308), f(1e308)), "", sqlerr.NumericValueOutOfRange},
		{"sum", tys(f4), col(f(float64(float32(0.1))), f(float64(float32(0.2)))), "0.30000001192092896", ""},
		{"avg", tys(f4), col(f(float64(float32(0.1))), f(float64(float32(0.2)))), "0.15000000223517418", ""},
		{"sum", tys(tNum), col(n("NaN"), n("1")), "NaN", ""},
		{"sum", tys(tNum), col(n("Infinity"), n("1")), "Infinity", ""},
		{"sum", tys(tNum), col(n("Infinity"), n("-Infinity")), "NaN", ""},
		{"sum", tys(tIv), col(iv(0, 1, 0), iv(0, 0, 7_200_000_000), iv(1, 0, 0)), "1mon 1d 7200000000us", ""},
		{"avg", tys(tIv), col(iv(0, 1, 0), iv(0, 0, 7_200_000_000), iv(1, 0, 0)), "0mon 10d 31200000000us", ""},
		{"avg", tys(tIv), col(iv(1, 0, 0), iv(0, 1, 0)), "0mon 15d 43200000000us", ""},
		{"bool_and", tys(types.TBool), col(b(true), null, b(false)), "f", ""},
		{"bool_or", tys(types.TBool), col(b(true), null, b(false)), "t", ""},
		{"every", tys(types.TBool), col(b(true), b(true)), "t", ""},
		{"bit_and", tys(tInt), col(i(12), i(10), i(6)), "0", ""},
		{"bit_or", tys(tInt), col(i(12), i(10), i(6)), "14", ""},
		{"bit_xor", tys(tInt), col(i(12), i(10), i(6)), "0", ""},
		{"string_agg", tys(tTxt, tTxt), [][]types.Datum{{s("a"), s(",")}, {s("b"), null}, {s("c"), s("-")}, {null, s("+")}}, "ab-c", ""},
		{"array_agg", tys(tInt), col(i(1), null, i(3)), "{1,NULL,3}", ""},
		{"jsonb_agg", tys(tInt), col(i(1), null), "[1, null]", ""},
		{"json_agg", tys(tInt), col(i(1), null), "[1, null]", ""},
	} {
		for _, skip := range []bool{false, true} {
			got, err := runAgg(t, c.name, c.args, c.rows, skip)
			label := c.name + "(" + typeList(c.args) + ")"
			if c.code != "" {
				if sqlerr.Code(err) != c.code {
					t.Errorf("%s: got %s %v, want error %s", label, render(got), err, c.code)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s: %v", label, err)
				continue
			}
			if r := render(got); r != c.want {
				t.Errorf("%s (caller skips NULLs: %v) = %s, want %s", label, skip, r, c.want)
			}
		}
	}
}

func TestAggregateRetract(t *testing.T) {
	ctx := &Context{}
	for _, c := range []struct {
		name     string
		args     []types.Type
		add, del []types.Datum
		want     string
	}{
		{"count", tys(tInt), []types.Datum{i(1), i(2), null}, []types.Datum{i(2)}, "1"},
		{"sum", tys(tInt), []types.Datum{i(1), i(2), i(3)}, []types.Datum{i(2)}, "4"},
		{"sum", tys(tInt), []types.Datum{i(1)}, []types.Datum{i(1)}, "NULL"},
		{"sum", tys(types.TInt8), []types.Datum{i(math.MaxInt64), i(math.MaxInt64), i(math.MinInt64)}, []types.Datum{i(math.MaxInt64), i(math.MinInt64)}, "9223372036854775807"},
		{"avg", tys(tInt), []types.Datum{i(1), i(2), i(6)}, []types.Datum{i(6)}, "1.5000000000000000"},
		{"sum", tys(tNum), []types.Datum{n("1.5"), n("NaN"), n("2")}, []types.Datum{n("NaN")}, "3.5"},
		{"avg", tys(tF8), []types.Datum{f(1), f(2), f(6)}, []types.Datum{f(6)}, "1.5"},
		{"var_pop", tys(tInt), []types.Datum{i(1), i(2), i(4), i(100)}, []types.Datum{i(100)}, "1.5555555555555556"},
		{"sum", tys(tIv), []types.Datum{iv(1, 0, 0), iv(0, 2, 0)}, []types.Datum{iv(1, 0, 0)}, "0mon 2d 0us"},
	} {
		a, _, err := ResolveAggregate(c.name, c.args)
		if err != nil {
			t.Fatal(err)
		}
		acc := a.New()
		r, ok := acc.(Retractor)
		if !ok {
			t.Errorf("%s accumulator cannot retract", c.name)
			continue
		}
		for _, d := range c.add {
			if err := acc.Add(ctx, []types.Datum{d}); err != nil {
				t.Fatal(err)
			}
		}
		for _, d := range c.del {
			if err := r.Retract(ctx, []types.Datum{d}); err != nil {
				t.Fatal(err)
			}
		}
		got, _ := acc.Result(ctx)
		// Result may be called repeatedly without changing the state.
		again, _ := acc.Result(ctx)
		if render(got) != c.want || render(again) != c.want {
			t.Errorf("%s after retract = %s (then %s), want %s", c.name, render(got), render(again), c.want)
		}
	}
}
