package functions

import "math"

// Double-double arithmetic (a value is hi+lo with |lo| <= ulp(hi)/2,
// about 106 bits) for float8 exp, ln, log10 and power: results computed
// this way and rounded once come out correctly rounded, as the C library
// under PostgreSQL (glibc) almost always does, where Go's math package may
// be one unit in the last place off.

type dd struct{ hi, lo float64 }

func twoSum(a, b float64) dd {
	s := a + b
	bb := s - a
	return dd{s, (a - (s - bb)) + (b - bb)}
}

func quickTwoSum(a, b float64) dd {
	s := a + b
	return dd{s, b - (s - a)}
}

func twoProd(a, b float64) dd {
	p := a * b
	return dd{p, math.FMA(a, b, -p)}
}

func ddAdd(x, y dd) dd {
	s := twoSum(x.hi, y.hi)
	t := twoSum(x.lo, y.lo)
	s.lo += t.hi
	s = quickTwoSum(s.hi, s.lo)
	s.lo += t.lo
	return quickTwoSum(s.hi, s.lo)
}

func ddMul(x, y dd) dd {
	p := twoProd(x.hi, y.hi)
	p.lo += x.hi*y.lo + x.lo*y.hi
	return quickTwoSum(p.hi, p.lo)
}

func ddMulF(x dd, f float64) dd {
	p := twoProd(x.hi, f)
	p.lo += x.lo * f
	return quickTwoSum(p.hi, p.lo)
}

func ddScale(x dd, e int) dd { return dd{math.Ldexp(x.hi, e), math.Ldexp(x.lo, e)} }

var (
	ddLn2     = dd{0.6931471805599453, 2.3190468138462996e-17}
	ddInvLn10 = dd{0.4342944819032518, 1.098319650216765e-17}
)

// ddExp returns e^x; x must be finite and within float64's exp range
// (callers check overflow first).
func ddExp(x dd) dd {
	k := math.Round(x.hi / ddLn2.hi)
	r := ddAdd(x, ddMulF(ddLn2, -k))
	// e^r = (e^(r/512))^512 with |r/512| < 7e-4: a short series for
	// e^s - 1, then nine squarings of (1 + m) kept as m = 2m + m².
	const squarings = 9
	s := ddScale(r, -squarings)
	m := s
	term := s
	for n := 2; n <= 11; n++ {
		term = ddMulF(ddMul(term, s), 1/float64(n))
		m = ddAdd(m, term)
		if math.Abs(term.hi) < 1e-36 {
			break
		}
	}
	for i := 0; i < squarings; i++ {
		m = ddAdd(ddScale(m, 1), ddMul(m, m))
	}
	return ddScale(ddAdd(dd{1, 0}, m), int(k))
}

// ddLog returns ln(x) for finite x > 0: Go's estimate refined by one
// Newton step y + x·e^-y - 1 in double-double.
func ddLog(x float64) dd {
	y := math.Log(x)
	t := ddMulF(ddExp(dd{-y, 0}), x)
	return ddAdd(dd{y, 0}, ddAdd(t, dd{-1, 0}))
}

func accurateExp(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || x > 709.78 || x < -745.2 || math.Abs(x) < 1e-300 {
		return math.Exp(x)
	}
	r := ddExp(dd{x, 0})
	if r.hi == 0 || math.IsInf(r.hi, 0) || math.Abs(r.hi) < 0x1p-1022 {
		return math.Exp(x) // subnormal results: no refinement
	}
	return r.hi + r.lo
}

func accurateLog(x float64) float64 {
	if !(x > 0) || math.IsInf(x, 0) || x < 0x1p-1022 {
		return math.Log(x)
	}
	r := ddLog(x)
	return r.hi + r.lo
}

func accurateLog10(x float64) float64 {
	if !(x > 0) || math.IsInf(x, 0) || x < 0x1p-1022 {
		return math.Log10(x)
	}
	// Exact powers of ten stay exact.
	if l := math.Log10(x); l == math.Trunc(l) && math.Pow(10, l) == x {
		return l
	}
	r := ddMul(ddLog(x), ddInvLn10)
	return r.hi + r.lo
}

// accuratePow is x^y for finite x > 0 (or x < 0 with integral y) and
// finite y, with a result in the normal float range; other cases use
// math.Pow.
func accuratePow(x, y float64) float64 {
	fallback := math.Pow(x, y)
	if math.IsNaN(fallback) || math.IsInf(fallback, 0) || fallback == 0 || math.Abs(fallback) < 0x1p-1000 ||
		math.Abs(fallback) > 0x1p1000 || x == 0 || math.IsInf(x, 0) || math.IsInf(y, 0) || y == 0 || y == 1 {
		return fallback
	}
	neg := false
	if x < 0 {
		neg = math.Mod(y, 2) != 0
		x = -x
	}
	t := ddMulF(ddLog(x), y)
	r := ddExp(t)
	v := r.hi + r.lo
	if neg {
		v = -v
	}
	return v
}
