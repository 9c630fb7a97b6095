package functions

import (
	"math"
	"math/bits"

	"github.com/eddy-db/eddy/sql/types"
)

// Integer arithmetic. smallint, integer and bigint values are all int64
// datums; each width has its own entries that range-check the result as
// PostgreSQL does (int4pl: "integer out of range").

func addInt64(a, b int64) (int64, bool) {
	r := a + b
	return r, (a^r)&(b^r) >= 0
}

func subInt64(a, b int64) (int64, bool) {
	r := a - b
	return r, (a^b)&(a^r) >= 0
}

func mulInt64(a, b int64) (int64, bool) {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	// Signed high word of the 128-bit product.
	shi := int64(hi) - (a>>63)&b - (b>>63)&a
	return int64(lo), shi == int64(lo)>>63
}

func inRange(v int64, width int) bool {
	switch width {
	case 16:
		return v >= math.MinInt16 && v <= math.MaxInt16
	case 32:
		return v >= math.MinInt32 && v <= math.MaxInt32
	}
	return true
}

func intType(width int) types.Type {
	switch width {
	case 16:
		return types.TInt2
	case 32:
		return types.TInt4
	}
	return types.TInt8
}

func intBinary(name string, width int, op func(a, b int64) (int64, bool)) *Func {
	t := intType(width)
	rangeErr := intRangeErr(width)
	return fn(name, ts(t, t), t, func(_ *Context, a []types.Datum) (types.Datum, error) {
		r, ok := op(a[0].Int(), a[1].Int())
		if !ok || !inRange(r, width) {
			return types.Null, rangeErr
		}
		return types.NewInt(r), nil
	})
}

func intDiv(width int) *Func {
	t := intType(width)
	rangeErr := intRangeErr(width)
	return fn("/", ts(t, t), t, func(_ *Context, a []types.Datum) (types.Datum, error) {
		x, y := a[0].Int(), a[1].Int()
		if y == 0 {
			return types.Null, errDivZero
		}
		if y == -1 {
			if x == math.MinInt64 {
				return types.Null, rangeErr
			}
			if r := -x; !inRange(r, width) {
				return types.Null, rangeErr
			}
			return types.NewInt(-x), nil
		}
		return types.NewInt(x / y), nil
	})
}

func intMod(name string, width int) *Func {
	t := intType(width)
	return fn(name, ts(t, t), t, func(_ *Context, a []types.Datum) (types.Datum, error) {
		x, y := a[0].Int(), a[1].Int()
		if y == 0 {
			return types.Null, errDivZero
		}
		if y == -1 {
			return types.NewInt(0), nil
		}
		return types.NewInt(x % y), nil
	})
}

func intUnary(name string, width int, op func(a int64) (int64, bool)) *Func {
	t := intType(width)
	rangeErr := intRangeErr(width)
	return fn(name, ts(t), t, func(_ *Context, a []types.Datum) (types.Datum, error) {
		r, ok := op(a[0].Int())
		if !ok || !inRange(r, width) {
			return types.Null, rangeErr
		}
		return types.NewInt(r), nil
	})
}

func negInt(a int64) (int64, bool) { return -a, a != math.MinInt64 }

func absInt(a int64) (int64, bool) {
	if a < 0 {
		return -a, a != math.MinInt64
	}
	return a, true
}

func intShift(name string, width int, left bool) *Func {
	t := intType(width)
	return fn(name, ts(t, tInt4), t, func(_ *Context, a []types.Datum) (types.Datum, error) {
		x, n := a[0].Int(), a[1].Int()
		var r int64
		switch width {
		case 16, 32:
			// C shifts a promoted int: the count is taken modulo 32.
			v, s := int32(x), uint(n)&31
			if left {
				v <<= s
			} else {
				v >>= s
			}
			if width == 16 {
				r = int64(int16(v))
			} else {
				r = int64(v)
			}
		default:
			s := uint(n) & 63
			if left {
				r = x << s
			} else {
				r = x >> s
			}
		}
		return types.NewInt(r), nil
	})
}

func gcdInt(a, b int64) (int64, bool) {
	// PostgreSQL: gcd(MinInt, 0) and gcd(MinInt, MinInt) overflow.
	if a == math.MinInt64 || b == math.MinInt64 {
		if a == 0 || b == 0 || (a == math.MinInt64 && b == math.MinInt64) {
			return 0, false
		}
	}
	for b != 0 {
		a, b = b, a%b
	}
	if a < 0 {
		if a == math.MinInt64 {
			return 0, false
		}
		a = -a
	}
	return a, true
}

func lcmInt(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	g, ok := gcdInt(a, b)
	if !ok {
		return 0, false
	}
	r, ok := mulInt64(a/g, b)
	if !ok {
		return 0, false
	}
	return absInt(r)
}

func init() {
	for _, w := range []int{16, 32, 64} {
		register(
			intBinary("+", w, addInt64),
			intBinary("-", w, subInt64),
			intBinary("*", w, mulInt64),
			intDiv(w),
			intMod("%", w),
			intMod("mod", w),
			intUnary("-", w, negInt),
			intUnary("+", w, func(a int64) (int64, bool) { return a, true }),
			intUnary("@", w, absInt),
			intUnary("abs", w, absInt),
			intBinary("&", w, func(a, b int64) (int64, bool) { return a & b, true }),
			intBinary("|", w, func(a, b int64) (int64, bool) { return a | b, true }),
			intBinary("#", w, func(a, b int64) (int64, bool) { return a ^ b, true }),
			intUnary("~", w, func(a int64) (int64, bool) { return ^a, true }),
			intShift("<<", w, true),
			intShift(">>", w, false),
		)
		if w != 16 {
			register(intBinary("gcd", w, gcdInt), intBinary("lcm", w, lcmInt))
		}
	}
}
