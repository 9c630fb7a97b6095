package functions

import (
	"testing"

	"github.com/eddy-db/eddy/sql/types"
)

// TestCastFunctions: every cast that runs a function has one in the
// registry, under the name pg_cast shows, giving what the cast gives.
// The expectations are PostgreSQL 15's answers.
func TestCastFunctions(t *testing.T) {
	for _, c := range types.Casts() {
		if c.Method != types.CastFunction {
			continue
		}
		name, args := CastFunction(c)
		if !HasExactOverload(name, args) {
			t.Errorf("cast %s -> %s: no function %s(%s)", c.From, c.To, name, ArgString(args, false))
		}
	}
	runCases(t, nil, []evalCase{
		{"int8", tys(tInt), []types.Datum{i(4)}, "4", ""},
		{"int4", tys(types.TInt8), []types.Datum{i(1 << 40)}, "", "22003"},
		{"int4", tys(types.TBool), []types.Datum{b(true)}, "1", ""},
		{"char", tys(tInt), []types.Datum{i(65)}, "A", ""},
		{"numeric", tys(tF8), []types.Datum{f(1.5)}, "1.5", ""},
		{"text", tys(types.TBool), []types.Datum{b(false)}, "false", ""},
		{"date", tys(tTs), []types.Datum{tsd("2020-01-02 10:00")}, "2020-01-02", ""},
		{"oid", tys(types.TInt8), []types.Datum{i(-1)}, "", "22003"},
		{"int8", tys(types.TOid), []types.Datum{i(4294967295)}, "4294967295", ""},
		// Length coercions: the modifier is PostgreSQL's typmod.
		{"varchar", tys(types.TVarchar, tInt, types.TBool), []types.Datum{s("abcdef"), i(3 + 4), b(true)}, "abc", ""},
		{"varchar", tys(types.TVarchar, tInt, types.TBool), []types.Datum{s("abcdef"), i(3 + 4), b(false)}, "", "22001"},
		{"numeric", tys(tNum, tInt), []types.Datum{n("1.2345"), i(10<<16 | 2 + 4)}, "1.23", ""},
		{"timestamp", tys(tTs, tInt), []types.Datum{tsd("2020-01-01 00:00:00.6"), i(0)}, "2020-01-01 00:00:01", ""},
	})
	// Casts between integers and the OID types share oid's functions.
	for _, c := range []struct {
		from, to types.Type
		name     string
		args     []types.Type
	}{
		{types.TInt8, types.TRegclass, "oid", tys(types.TInt8)},
		{types.TRegtype, types.TInt8, "int8", tys(types.TOid)},
		{types.TInt2, types.TRegproc, "int4", tys(types.TInt2)},
		{types.TInt4, types.TInt8, "int8", tys(tInt)},
		{types.TText, types.TRegclass, "regclass", tys(tTxt)},
	} {
		name, args := CastFunction(types.CastInfo{From: c.from, To: c.to, Method: types.CastFunction})
		if name != c.name || ArgString(args, false) != ArgString(c.args, false) {
			t.Errorf("cast %s -> %s: function %s(%s), want %s(%s)", c.from, c.to, name, ArgString(args, false),
				c.name, ArgString(c.args, false))
		}
	}
	if HasExactOverload("regclass", tys(types.TInt8)) {
		t.Errorf("regclass(bigint) is registered; bigint to regclass is oid(bigint)")
	}
}

func TestBtreeCompareFunctions(t *testing.T) {
	runCases(t, nil, []evalCase{
		{"btint4cmp", I4, []types.Datum{i(1), i(2)}, "-1", ""},
		{"bttextcmp", T2, []types.Datum{s("b"), s("a")}, "1", ""},
		{"numeric_cmp", N2, []types.Datum{n("1.0"), n("1")}, "0", ""},
		{"btfloat8cmp", F8, []types.Datum{f(0), f(-0.0)}, "0", ""},
		{"date_cmp", tys(tDt, tDt), []types.Datum{date("2020-01-01"), date("2019-12-31")}, "1", ""},
		{"btarraycmp", tys(types.ArrayOf(types.Int4), types.ArrayOf(types.Int4)),
			[]types.Datum{types.NewArray([]types.Datum{i(1)}), types.NewArray([]types.Datum{i(1), i(0)})}, "-1", ""},
		{"btint4cmp", I4, []types.Datum{i(1), null}, "NULL", ""},
	})
	if name, ok := BtreeCompareFunction(types.TTimestamptz); !ok || name != "timestamptz_cmp" {
		t.Errorf("comparison function of timestamptz: %q, %v", name, ok)
	}
	if _, ok := BtreeCompareFunction(types.TJson); ok {
		t.Errorf("json has a comparison function")
	}
}
