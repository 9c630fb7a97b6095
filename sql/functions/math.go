package functions

import (
	"math"
	"math/rand/v2"

	"github.com/cockroachdb/apd/v3"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// greatestLeast picks the largest (or smallest) non-NULL argument; NULL
// only when all are NULL. The arguments share their common type.
func greatestLeast(name string, greatest bool) *Func {
	return &Func{
		Name:     name,
		Args:     ts(AnyCompatible),
		Variadic: true,
		Ret:      AnyCompatible,
		NullCall: true,
		Eval: func(_ *Context, a []types.Datum) (types.Datum, error) {
			best := types.Null
			for _, d := range a {
				if d.IsNull() {
					continue
				}
				if best.IsNull() {
					best = d
					continue
				}
				c := types.Compare(d, best)
				if (greatest && c > 0) || (!greatest && c < 0) {
					best = d
				}
			}
			return best, nil
		},
	}
}

func widthBucketFloat(_ *Context, a []types.Datum) (types.Datum, error) {
	op, b1, b2, count := a[0].Float(), a[1].Float(), a[2].Float(), a[3].Int()
	if count <= 0 {
		return types.Null, sqlerr.New(codeInvalidWidth, "count must be greater than zero")
	}
	if math.IsNaN(op) || math.IsNaN(b1) || math.IsNaN(b2) {
		return types.Null, sqlerr.New(codeInvalidWidth, "operand, lower bound, and upper bound cannot be NaN")
	}
	if isInf(b1) || isInf(b2) {
		return types.Null, sqlerr.New(codeInvalidWidth, "lower and upper bounds must be finite")
	}
	var r int64
	switch {
	case b1 < b2:
		switch {
		case op < b1:
			r = 0
		case op >= b2:
			r = count + 1
		default:
			var f float64
			if !isInf(b2 - b1) {
				f = float64(count) * ((op - b1) / (b2 - b1))
			} else {
				f = float64(count) * ((op/2 - b1/2) / (b2/2 - b1/2))
			}
			if f >= float64(count) {
				f = float64(count - 1)
			}
			r = int64(f) + 1
		}
	case b1 > b2:
		switch {
		case op > b1:
			r = 0
		case op <= b2:
			r = count + 1
		default:
			var f float64
			if !isInf(b1 - b2) {
				f = float64(count) * ((b1 - op) / (b1 - b2))
			} else {
				f = float64(count) * ((b1/2 - op/2) / (b1/2 - b2/2))
			}
			if f >= float64(count) {
				f = float64(count - 1)
			}
			r = int64(f) + 1
		}
	default:
		return types.Null, sqlerr.New(codeInvalidWidth, "lower bound cannot equal upper bound")
	}
	if r > math.MaxInt32 {
		return types.Null, errInt4Range
	}
	return types.NewInt(r), nil
}

func widthBucketNumeric(_ *Context, a []types.Datum) (types.Datum, error) {
	op, b1, b2, count := a[0].Decimal(), a[1].Decimal(), a[2].Decimal(), a[3].Int()
	if count <= 0 {
		return types.Null, sqlerr.New(codeInvalidWidth, "count must be greater than zero")
	}
	if isNaNDec(op) || isNaNDec(b1) || isNaNDec(b2) {
		return types.Null, sqlerr.New(codeInvalidWidth, "operand, lower bound, and upper bound cannot be NaN")
	}
	if isSpecial(b1) || isSpecial(b2) {
		return types.Null, sqlerr.New(codeInvalidWidth, "lower and upper bounds must be finite")
	}
	cmp := b1.Cmp(b2)
	if cmp == 0 {
		return types.Null, sqlerr.New(codeInvalidWidth, "lower bound cannot equal upper bound")
	}
	var r int64
	bucket := func(num, den *apd.Decimal) int64 {
		// floor(count * num / den) + 1, computed exactly.
		n := new(apd.Decimal)
		_, _ = exactCtx.Mul(n, num, decFromInt(count))
		q := new(apd.Decimal)
		divRound(q, n, den, 0, true)
		v, _ := q.Int64()
		if v >= count {
			v = count - 1
		}
		return v + 1
	}
	sub := func(x, y *apd.Decimal) *apd.Decimal {
		d := new(apd.Decimal)
		_, _ = exactCtx.Sub(d, x, y)
		return d
	}
	if cmp < 0 {
		switch {
		case op.Cmp(b1) < 0:
			r = 0
		case op.Cmp(b2) >= 0:
			r = count + 1
		default:
			r = bucket(sub(op, b1), sub(b2, b1))
		}
	} else {
		switch {
		case op.Cmp(b1) > 0:
			r = 0
		case op.Cmp(b2) <= 0:
			r = count + 1
		default:
			r = bucket(sub(b1, op), sub(b1, b2))
		}
	}
	if r > math.MaxInt32 {
		return types.Null, errInt4Range
	}
	return types.NewInt(r), nil
}

func init() {
	register(
		greatestLeast("greatest", true),
		greatestLeast("least", false),
		&Func{Name: "random", Ret: tFloat8, Volatile: true, Eval: func(*Context, []types.Datum) (types.Datum, error) {
			return types.NewFloat(rand.Float64()), nil
		}},
		fn("width_bucket", ts(tFloat8, tFloat8, tFloat8, tInt4), tInt4, widthBucketFloat),
		fn("width_bucket", ts(tNumeric, tNumeric, tNumeric, tInt4), tInt4, widthBucketNumeric),
	)
}
