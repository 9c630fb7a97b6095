package functions

import (
	"github.com/eddy-db/eddy/sql/types"
)

// The functions behind casts and btree indexes, which the catalogs name
// (pg_cast.castfunc, pg_amproc.amproc) and SQL can call like any other.
//
// A cast that runs a function (types.CastFunction) has one named after
// its target type, as in PostgreSQL: int8(integer) for integer to bigint,
// "char"(text), timestamptz(date). A length coercion is named after its
// type and takes the modifier, plus whether the cast is explicit for the
// string types: varchar(character varying, integer, boolean),
// numeric(numeric, integer). Casts that convert alike share a function:
// bigint to every OID type is oid(bigint), every OID type to bigint
// int8(oid), and smallint to every OID type int4(smallint), since a
// smallint becomes an OID as the integer it widens to.
//
// A type with comparison operators has a btree comparison function, under
// PostgreSQL's name (btint4cmp, bttextcmp, date_cmp, ...): -1, 0 or 1 as
// its first argument sorts before, with or after the second.

func init() {
	for _, c := range types.Casts() {
		if c.Method == types.CastFunction && c == oidCast(c) {
			register(castFunc(c.From, c.To))
		}
	}
	for _, c := range btreeCompareFuncs {
		t := c.typ
		register(fn(c.name, ts(t, t), tInt4, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return types.NewInt(int64(types.Compare(a[0], a[1]))), nil
		}))
	}
}

// oidCast returns the cast whose function carries out c: c itself, or
// for a cast between an integer type and an OID type the one that
// converts alike.
func oidCast(c types.CastInfo) types.CastInfo {
	switch {
	case c.From.IsOIDLike() && c.To.IsInteger():
		c.From = types.TOid
	case c.To.IsOIDLike() && c.From.ID == types.Int2:
		c.To = types.TInt4
	case c.To.IsOIDLike() && c.From.IsInteger():
		c.To = types.TOid
	}
	return c
}

func castFunc(from, to types.Type) *Func {
	if from == to {
		explicitArg := to.IsString()
		args := ts(from, tInt4)
		if explicitArg {
			args = append(args, tBool)
		}
		return fn(to.TypName(), args, to, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return types.LengthCoerce(a[0], to.ID, int32(a[1].Int()), explicitArg && a[2].Bool())
		})
	}
	return fn(to.TypName(), ts(from), to, func(ctx *Context, a []types.Datum) (types.Datum, error) {
		return types.Cast(a[0], from, to, ctx.Env)
	})
}

// CastFunction returns the name and parameter types of the function that
// carries out a cast of method types.CastFunction.
func CastFunction(c types.CastInfo) (name string, args []types.Type) {
	c = oidCast(c)
	f := castFunc(c.From, c.To)
	return f.Name, f.Args
}

// btreeCompareFuncs are the comparison functions by type, with
// PostgreSQL's names.
var btreeCompareFuncs = []struct {
	typ  types.Type
	name string
}{
	{types.TBool, "btboolcmp"}, {types.TInt2, "btint2cmp"}, {types.TInt4, "btint4cmp"},
	{types.TInt8, "btint8cmp"}, {types.TFloat4, "btfloat4cmp"}, {types.TFloat8, "btfloat8cmp"},
	{types.TNumeric, "numeric_cmp"}, {types.TText, "bttextcmp"}, {types.TBpchar, "bpcharcmp"},
	{types.TName, "btnamecmp"}, {types.TChar, "btcharcmp"}, {types.TBytea, "byteacmp"},
	{types.TDate, "date_cmp"}, {types.TTime, "time_cmp"}, {types.TTimestamp, "timestamp_cmp"},
	{types.TTimestamptz, "timestamptz_cmp"}, {types.TInterval, "interval_cmp"}, {types.TOid, "btoidcmp"},
	{types.TOidVector, "btoidvectorcmp"}, {types.TUuid, "uuid_cmp"}, {types.TJsonb, "jsonb_cmp"},
	{AnyArray, "btarraycmp"},
}

// BtreeCompareFunction returns the name of the btree comparison function
// of a type (AnyArray for the arrays); false when it has none.
func BtreeCompareFunction(t types.Type) (string, bool) {
	for _, c := range btreeCompareFuncs {
		if c.typ == t {
			return c.name, true
		}
	}
	return "", false
}

// HasExactOverload reports whether a function has an overload whose
// parameters are the argument types themselves (no casts, no polymorphic
// parameters), the first choice of Resolve.
func HasExactOverload(name string, args []types.Type) bool {
	for _, f := range funcs[normName(name)] {
		ps := paramList{args: f.Args, variadic: f.Variadic}.expand(len(args))
		if ps != nil && exactMatch(ps, args) {
			return true
		}
	}
	return false
}
