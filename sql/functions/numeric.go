package functions

import (
	"math"
	"strconv"

	"github.com/cockroachdb/apd/v3"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// numeric arithmetic on *apd.Decimal with PostgreSQL's result scales. A
// value's display scale is -Exponent (never negative: results with a
// positive exponent are rescaled to 0). NaN and ±Infinity follow
// PostgreSQL 14+.

const (
	minSigDigits    = 16    // NUMERIC_MIN_SIG_DIGITS
	maxDisplayScale = 1000  // NUMERIC_MAX_DISPLAY_SCALE
	maxResultScale  = 2000  // NUMERIC_MAX_RESULT_SCALE
	maxDscale       = 16383 // NUMERIC_DSCALE_MAX
	maxIntDigits    = 131072
)

var (
	// exactCtx does exact Add/Sub/Mul (precision 0 disables rounding).
	exactCtx = apd.Context{
		MaxExponent: apd.MaxExponent,
		MinExponent: apd.MinExponent,
		Traps:       apd.DefaultTraps,
	}
	decNaN  = &apd.Decimal{Form: apd.NaN}
	decPInf = &apd.Decimal{Form: apd.Infinite}
	decNInf = &apd.Decimal{Form: apd.Infinite, Negative: true}
	decZero = apd.New(0, 0)
	decOne  = apd.New(1, 0)
)

func isNaNDec(d *apd.Decimal) bool  { return d.Form == apd.NaN || d.Form == apd.NaNSignaling }
func isSpecial(d *apd.Decimal) bool { return d.Form != apd.Finite }

// decSign is -1, 0 or 1 (NaN counts as 0; callers test NaN first).
func decSign(d *apd.Decimal) int {
	if d.Form == apd.Infinite {
		if d.Negative {
			return -1
		}
		return 1
	}
	if isNaNDec(d) {
		return 0
	}
	return d.Sign()
}

func decInf(neg bool) *apd.Decimal {
	if neg {
		return decNInf
	}
	return decPInf
}

func dscale(d *apd.Decimal) int {
	if d.Form != apd.Finite || d.Exponent >= 0 {
		return 0
	}
	return int(-d.Exponent)
}

// finish normalises a finite result: no negative zero, no positive
// exponent, at most maxDscale fraction digits; values too large for
// PostgreSQL's numeric are an error.
func finish(d *apd.Decimal) (*apd.Decimal, error) {
	if d.Form != apd.Finite {
		return d, nil
	}
	negZero := d.Negative && d.Coeff.Sign() == 0
	if !negZero && d.Exponent <= 0 && -d.Exponent <= maxDscale {
		if int64(d.Exponent)+d.NumDigits() > maxIntDigits {
			return nil, errNumericRange
		}
		return d, nil
	}
	// Normalise a copy: d may be shared with an input datum.
	d = new(apd.Decimal).Set(d)
	if d.Coeff.Sign() == 0 {
		d.Negative = false
	}
	if d.Exponent > 0 {
		if d.Coeff.Sign() == 0 {
			d.Exponent = 0
		} else {
			if int64(d.Exponent)+d.NumDigits() > maxIntDigits {
				return nil, errNumericRange
			}
			var p apd.BigInt
			d.Coeff.Mul(&d.Coeff, pow10(int(d.Exponent), &p))
			d.Exponent = 0
		}
	}
	if int64(d.Exponent)+d.NumDigits() > maxIntDigits {
		return nil, errNumericRange
	}
	if -d.Exponent > maxDscale {
		roundScale(d, d, maxDscale)
	}
	return d, nil
}

// pow10Table holds 10^0 .. 10^127; entries are shared and never modified.
var pow10Table = func() [128]apd.BigInt {
	var t [128]apd.BigInt
	t[0].SetInt64(1)
	ten := apd.NewBigInt(10)
	for i := 1; i < len(t); i++ {
		t[i].Mul(&t[i-1], ten)
	}
	return t
}()

// pow10 returns 10^n, using tmp for large n. The result must only be
// read.
func pow10(n int, tmp *apd.BigInt) *apd.BigInt {
	if n < len(pow10Table) {
		return &pow10Table[n]
	}
	tmp.SetInt64(10)
	var e apd.BigInt
	e.SetInt64(int64(n))
	return tmp.Exp(tmp, &e, nil)
}

func decDatum(d *apd.Decimal, err error) (types.Datum, error) {
	if err != nil {
		return types.Null, err
	}
	d, err = finish(d)
	if err != nil {
		return types.Null, err
	}
	return types.NewDecimal(d), nil
}

func decFromInt(v int64) *apd.Decimal { return apd.New(v, 0) }

// decFromFloat converts like float8_numeric: 15 significant digits.
func decFromFloat(f float64) *apd.Decimal {
	switch {
	case math.IsNaN(f):
		return decNaN
	case math.IsInf(f, 1):
		return decPInf
	case math.IsInf(f, -1):
		return decNInf
	}
	d, _, err := apd.NewFromString(strconv.FormatFloat(f, 'g', 15, 64))
	if err != nil {
		return decNaN
	}
	d, _ = finish(d)
	return d
}

func decToFloat(d *apd.Decimal) float64 {
	switch {
	case isNaNDec(d):
		return math.NaN()
	case d.Form == apd.Infinite:
		if d.Negative {
			return math.Inf(-1)
		}
		return math.Inf(1)
	}
	f, err := d.Float64()
	if err != nil {
		if d.Negative {
			return math.Inf(-1)
		}
		return math.Inf(1)
	}
	return f
}

// roundScale sets d to x rounded half away from zero to scale digits
// after the point (scale may be negative); the result has exponent
// -scale (0 when scale < 0, as PostgreSQL never shows a negative scale).
func roundScale(d, x *apd.Decimal, scale int) {
	quantize(d, x, scale, apd.RoundHalfUp)
}

func truncScale(d, x *apd.Decimal, scale int) {
	quantize(d, x, scale, apd.RoundDown)
}

func quantize(d, x *apd.Decimal, scale int, mode apd.Rounder) {
	if x.Form != apd.Finite {
		d.Set(x)
		return
	}
	c := apd.Context{Precision: 0, MaxExponent: apd.MaxExponent, MinExponent: apd.MinExponent, Rounding: mode}
	exp := int32(-scale)
	// Quantize needs room for every digit of the result.
	digits := x.NumDigits() + int64(x.Exponent) - int64(exp)
	if digits < 1 {
		digits = 1
	}
	c.Precision = uint32(digits + 2)
	c.Quantize(d, x, exp)
	if scale < 0 {
		// Rescale to exponent 0: the coefficient gains -scale zeros.
		var p apd.BigInt
		d.Coeff.Mul(&d.Coeff, pow10(-scale, &p))
		d.Exponent = 0
	}
	if d.Coeff.Sign() == 0 {
		d.Negative = false
	}
}

// nbase describes a finite nonzero value in PostgreSQL's base-10000
// digits: the weight of the first digit and the first two digits.
func nbase(d *apd.Decimal) (weight int, first, second int) {
	var buf [24]byte
	var s string
	if d.Coeff.IsInt64() {
		v := d.Coeff.Int64()
		if v < 0 {
			v = -v
		}
		s = string(strconv.AppendInt(buf[:0], v, 10))
	} else {
		s = d.Coeff.String()
		if s[0] == '-' {
			s = s[1:]
		}
	}
	if s == "0" {
		return 0, 0, 0
	}
	p := int(d.Exponent) + len(s) - 1 // power of ten of the leading digit
	weight = floorDiv(p, 4)
	n := p - 4*weight + 1 // digits in the first group
	group := func(from, count int) int {
		v := 0
		for i := 0; i < count; i++ {
			v *= 10
			if j := from + i; j >= 0 && j < len(s) {
				v += int(s[j] - '0')
			}
		}
		return v
	}
	first = group(0, n)
	second = group(n, 4)
	return weight, first, second
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func clampScale(s int) int {
	if s < 0 {
		return 0
	}
	if s > maxDisplayScale {
		return maxDisplayScale
	}
	return s
}

// divScale is PostgreSQL's select_div_scale.
func divScale(x, y *apd.Decimal) int {
	w1, f1, _ := 0, 0, 0
	if x.Sign() != 0 {
		w1, f1, _ = nbase(x)
	}
	w2, f2 := 0, 0
	if y.Sign() != 0 {
		w2, f2, _ = nbase(y)
	}
	qweight := w1 - w2
	if f1 <= f2 {
		qweight--
	}
	rscale := minSigDigits - qweight*4
	rscale = max(rscale, dscale(x), dscale(y))
	return clampScale(rscale)
}

// divRound sets d to x/y rounded half away from zero to rscale digits
// (x, y finite, y nonzero), exactly.
func divRound(d, x, y *apd.Decimal, rscale int, trunc bool) {
	neg := x.Negative != y.Negative
	var num, den, tmp apd.BigInt
	num.Abs(&x.Coeff)
	den.Abs(&y.Coeff)
	shift := int(x.Exponent) - int(y.Exponent) + rscale
	if shift >= 0 {
		num.Mul(&num, pow10(shift, &tmp))
	} else {
		den.Mul(&den, pow10(-shift, &tmp))
	}
	var q, r apd.BigInt
	q.QuoRem(&num, &den, &r)
	if !trunc {
		r.Add(&r, &r)
		if r.Cmp(&den) >= 0 {
			q.Add(&q, apd.NewBigInt(1))
		}
	}
	d.Form = apd.Finite
	d.Coeff.Set(&q)
	d.Exponent = int32(-rscale)
	d.Negative = neg && q.Sign() != 0
}

func numAdd(x, y *apd.Decimal) (*apd.Decimal, error) {
	if isSpecial(x) || isSpecial(y) {
		switch {
		case isNaNDec(x) || isNaNDec(y):
			return decNaN, nil
		case x.Form == apd.Infinite && y.Form == apd.Infinite && x.Negative != y.Negative:
			return decNaN, nil
		case x.Form == apd.Infinite:
			return x, nil
		}
		return y, nil
	}
	d := new(apd.Decimal)
	_, err := exactCtx.Add(d, x, y)
	return d, err
}

func numNeg(x *apd.Decimal) *apd.Decimal {
	if isNaNDec(x) {
		return decNaN
	}
	d := new(apd.Decimal).Neg(x)
	if d.Form == apd.Finite && d.Coeff.Sign() == 0 {
		d.Negative = false
	}
	return d
}

func numSub(x, y *apd.Decimal) (*apd.Decimal, error) {
	return numAdd(x, numNeg(y))
}

func numMul(x, y *apd.Decimal) (*apd.Decimal, error) {
	if isSpecial(x) || isSpecial(y) {
		if isNaNDec(x) || isNaNDec(y) {
			return decNaN, nil
		}
		s := decSign(x) * decSign(y)
		if s == 0 {
			return decNaN, nil
		}
		return decInf(s < 0), nil
	}
	d := new(apd.Decimal)
	_, err := exactCtx.Mul(d, x, y)
	return d, err
}

func numDivSpecial(x, y *apd.Decimal) (*apd.Decimal, error) {
	if isNaNDec(x) || isNaNDec(y) {
		return decNaN, nil
	}
	if x.Form == apd.Infinite {
		if y.Form == apd.Infinite {
			return decNaN, nil
		}
		switch decSign(y) {
		case 0:
			return nil, errDivZero
		case 1:
			return x, nil
		}
		return numNeg(x), nil
	}
	// Finite / ±Infinity.
	return decZero, nil
}

func numDiv(x, y *apd.Decimal) (*apd.Decimal, error) {
	if isSpecial(x) || isSpecial(y) {
		return numDivSpecial(x, y)
	}
	if y.Sign() == 0 {
		return nil, errDivZero
	}
	d := new(apd.Decimal)
	divRound(d, x, y, divScale(x, y), false)
	return d, nil
}

// numDivTrunc is div(x, y): the truncated integer quotient.
func numDivTrunc(x, y *apd.Decimal) (*apd.Decimal, error) {
	if isSpecial(x) || isSpecial(y) {
		if isNaNDec(x) || isNaNDec(y) {
			return decNaN, nil
		}
		if x.Form == apd.Infinite {
			if y.Form == apd.Infinite {
				return decNaN, nil
			}
			if decSign(y) == 0 {
				return nil, errDivZero
			}
			return decInf(x.Negative != (decSign(y) < 0)), nil
		}
		return decZero, nil
	}
	if y.Sign() == 0 {
		return nil, errDivZero
	}
	d := new(apd.Decimal)
	divRound(d, x, y, 0, true)
	return d, nil
}

func numMod(x, y *apd.Decimal) (*apd.Decimal, error) {
	if isSpecial(x) || isSpecial(y) {
		if isNaNDec(x) || isNaNDec(y) {
			return decNaN, nil
		}
		if x.Form == apd.Infinite {
			if decSign(y) == 0 {
				return nil, errDivZero
			}
			return decNaN, nil
		}
		return x, nil
	}
	if y.Sign() == 0 {
		return nil, errDivZero
	}
	// x - trunc(x/y)*y, exactly, with scale max(scale(x), scale(y)).
	q := new(apd.Decimal)
	divRound(q, x, y, 0, true)
	p := new(apd.Decimal)
	if _, err := exactCtx.Mul(p, q, y); err != nil {
		return nil, err
	}
	d := new(apd.Decimal)
	if _, err := exactCtx.Sub(d, x, p); err != nil {
		return nil, err
	}
	if s := max(dscale(x), dscale(y)); dscale(d) < s {
		roundScale(d, d, s)
	}
	return d, nil
}

func numAbs(x *apd.Decimal) *apd.Decimal {
	if isNaNDec(x) {
		return decNaN
	}
	return new(apd.Decimal).Abs(x)
}

// estimateLnDweight is PostgreSQL's estimate_ln_dweight: the decimal
// weight of ln(x) for x > 0.
func estimateLnDweight(x *apd.Decimal) int {
	if x.Sign() <= 0 {
		return 0
	}
	lo, _, _ := apd.NewFromString("0.9")
	hi, _, _ := apd.NewFromString("1.1")
	if x.Cmp(lo) >= 0 && x.Cmp(hi) <= 0 {
		diff := new(apd.Decimal)
		_, _ = exactCtx.Sub(diff, x, decOne)
		if diff.Sign() == 0 {
			return 0
		}
		return int(diff.Exponent) + int(diff.NumDigits()) - 1
	}
	w, first, second := nbase(x)
	digits := float64(first)
	dweight := w * 4
	if second != 0 || hasMoreGroups(x, w) {
		digits = digits*10000 + float64(second)
		dweight -= 4
	}
	lnv := math.Log(digits) + float64(dweight)*2.302585092994046
	return int(math.Log10(math.Abs(lnv)))
}

// hasMoreGroups reports whether x has a nonzero base-10000 digit after the
// first one (PostgreSQL's ndigits > 1 for a normalised value).
func hasMoreGroups(x *apd.Decimal, weight int) bool {
	// Digits below 10^(4*weight) exist iff x is not a multiple of it.
	lowest := int(x.Exponent)
	if lowest >= 4*weight {
		return false
	}
	// Strip trailing zeros of the coefficient.
	s := x.Coeff.String()
	if s[0] == '-' {
		s = s[1:]
	}
	i := len(s)
	for i > 0 && s[i-1] == '0' {
		i--
		lowest++
	}
	return lowest < 4*weight
}

// highPrec returns a context able to hold a result with scale rscale whose
// integer part has up to intDigits digits, plus guard digits.
func highPrec(intDigits, rscale int) *apd.Context {
	p := max(intDigits, 1) + rscale + 12
	return &apd.Context{
		Precision:   uint32(p),
		MaxExponent: apd.MaxExponent,
		MinExponent: apd.MinExponent,
		Traps:       apd.DefaultTraps &^ (apd.Inexact | apd.Rounded | apd.Underflow | apd.Subnormal),
		Rounding:    apd.RoundHalfEven,
	}
}

func decWeight10(d *apd.Decimal) int {
	if d.Form != apd.Finite || d.Sign() == 0 {
		return 0
	}
	return int(d.Exponent) + int(d.NumDigits()) - 1
}

func numSqrt(x *apd.Decimal) (*apd.Decimal, error) {
	if isSpecial(x) {
		if isNaNDec(x) {
			return decNaN, nil
		}
		if x.Negative {
			return nil, sqlerr.New(codeInvalidPower, "cannot take square root of a negative number")
		}
		return x, nil
	}
	if x.Sign() < 0 {
		return nil, sqlerr.New(codeInvalidPower, "cannot take square root of a negative number")
	}
	w := 0
	if x.Sign() != 0 {
		w, _, _ = nbase(x)
	}
	sweight := (w+1)*4/2 - 1
	rscale := clampScale(max(minSigDigits-sweight, dscale(x)))
	d := new(apd.Decimal)
	sqrtRound(d, x, rscale)
	return d, nil
}

// sqrtRound sets d to sqrt(x) rounded half away from zero to rscale
// digits, exactly: with M = x*10^(2*rscale), the result r is the largest
// integer with (2r-1)^2 <= 4M, i.e. r = (isqrt(floor(4M)) + 1) / 2.
func sqrtRound(d, x *apd.Decimal, rscale int) {
	var a, tmp apd.BigInt
	a.Abs(&x.Coeff)
	a.Mul(&a, apd.NewBigInt(4))
	k := int(x.Exponent) + 2*rscale
	if k >= 0 {
		a.Mul(&a, pow10(k, &tmp))
	} else {
		a.Quo(&a, pow10(-k, &tmp))
	}
	var s apd.BigInt
	s.Sqrt(&a)
	s.Add(&s, apd.NewBigInt(1))
	s.Quo(&s, apd.NewBigInt(2))
	d.Form = apd.Finite
	d.Negative = false
	d.Coeff.Set(&s)
	d.Exponent = int32(-rscale)
}

func numExp(x *apd.Decimal) (*apd.Decimal, error) {
	if isSpecial(x) {
		if isNaNDec(x) {
			return decNaN, nil
		}
		if x.Negative {
			return decZero, nil
		}
		return x, nil
	}
	val := decToFloat(x) * 0.434294481903252
	val = math.Max(math.Min(val, maxResultScale), -maxResultScale)
	if val > maxIntDigits {
		return nil, errNumericRange
	}
	rscale := clampScale(max(minSigDigits-int(val), dscale(x)))
	c := highPrec(int(math.Max(val, 0))+1, rscale)
	r := new(apd.Decimal)
	if _, err := c.Exp(r, x); err != nil {
		return nil, errNumericRange
	}
	roundScale(r, r, rscale)
	return r, nil
}

func lnArgCheck(x *apd.Decimal) error {
	switch decSign(x) {
	case 0:
		return sqlerr.New(codeInvalidLog, "cannot take logarithm of zero")
	case -1:
		return sqlerr.New(codeInvalidLog, "cannot take logarithm of a negative number")
	}
	return nil
}

// lnAt returns ln(x) with at least rscale correct digits after the point.
func lnAt(x *apd.Decimal, rscale int) (*apd.Decimal, error) {
	w := estimateLnDweight(x)
	c := highPrec(max(w+1, 1), rscale+max(-w, 0))
	r := new(apd.Decimal)
	if _, err := c.Ln(r, x); err != nil {
		return nil, sqlerr.Wrap(err, sqlerr.NumericValueOutOfRange, "value overflows numeric format")
	}
	return r, nil
}

func numLn(x *apd.Decimal) (*apd.Decimal, error) {
	if isSpecial(x) {
		if isNaNDec(x) {
			return decNaN, nil
		}
		if x.Negative {
			return nil, lnArgCheck(x)
		}
		return x, nil
	}
	if err := lnArgCheck(x); err != nil {
		return nil, err
	}
	rscale := clampScale(max(minSigDigits-estimateLnDweight(x), dscale(x)))
	r, err := lnAt(x, rscale)
	if err != nil {
		return nil, err
	}
	roundScale(r, r, rscale)
	return r, nil
}

// numLog is log(base, x).
func numLog(base, x *apd.Decimal) (*apd.Decimal, error) {
	if isSpecial(base) || isSpecial(x) {
		if isNaNDec(base) || isNaNDec(x) {
			return decNaN, nil
		}
		if err := lnArgCheck(base); err != nil {
			return nil, err
		}
		if err := lnArgCheck(x); err != nil {
			return nil, err
		}
		if base.Form == apd.Infinite {
			if x.Form == apd.Infinite {
				return decNaN, nil
			}
			return decZero, nil
		}
		return decPInf, nil
	}
	if err := lnArgCheck(base); err != nil {
		return nil, err
	}
	if err := lnArgCheck(x); err != nil {
		return nil, err
	}
	wb, wx := estimateLnDweight(base), estimateLnDweight(x)
	rscale := clampScale(max(minSigDigits-(wx-wb), dscale(base), dscale(x)))
	// Enough digits of both logarithms for rscale digits of the quotient.
	extra := rscale + max(-wb, 0) + max(wx-wb, 0) + 8
	lb, err := lnAt(base, extra)
	if err != nil {
		return nil, err
	}
	lx, err := lnAt(x, extra)
	if err != nil {
		return nil, err
	}
	if lb.Sign() == 0 {
		return nil, errDivZero
	}
	c := highPrec(max(wx-wb+1, 1), rscale)
	r := new(apd.Decimal)
	if _, err := c.Quo(r, lx, lb); err != nil {
		return nil, errNumericRange
	}
	roundScale(r, r, rscale)
	return r, nil
}

func isIntegral(d *apd.Decimal) bool {
	if d.Form != apd.Finite {
		return false
	}
	if d.Exponent >= 0 || d.Sign() == 0 {
		return true
	}
	var f, i apd.Decimal
	d.Modf(&i, &f)
	return f.Sign() == 0
}

func isOddIntegral(d *apd.Decimal) bool {
	if !isIntegral(d) {
		return false
	}
	var i, f apd.Decimal
	d.Modf(&i, &f)
	if i.Exponent > 0 {
		return false
	}
	var q, r, tmp apd.BigInt
	q.Abs(&i.Coeff)
	q.Quo(&q, pow10(int(-i.Exponent), &tmp))
	r.Rem(&q, apd.NewBigInt(2))
	return r.Sign() != 0
}

func cmpAbsOne(d *apd.Decimal) int {
	a := new(apd.Decimal).Abs(d)
	return a.Cmp(decOne)
}

func numPow(x, y *apd.Decimal) (*apd.Decimal, error) {
	if isSpecial(x) || isSpecial(y) {
		return numPowSpecial(x, y)
	}
	if x.Sign() == 0 && y.Sign() < 0 {
		return nil, sqlerr.New(codeInvalidPower, "zero raised to a negative power is undefined")
	}
	if isIntegral(y) {
		if e, err := y.Int64(); err == nil && e >= math.MinInt32 && e <= math.MaxInt32 {
			rscale := clampScale(max(minSigDigits, dscale(x)))
			return powInt(x, e, rscale)
		}
	}
	if x.Sign() == 0 {
		d := new(apd.Decimal)
		d.SetFinite(0, -minSigDigits)
		return d, nil
	}
	neg := false
	base := x
	if x.Sign() < 0 {
		if !isIntegral(y) {
			return nil, sqlerr.New(codeInvalidPower, "a negative number raised to a non-integer power yields a complex result")
		}
		neg = isOddIntegral(y)
		base = new(apd.Decimal).Abs(x)
	}
	// Decimal weight of the result: log10(base) * y.
	lnb, err := lnAt(base, 30)
	if err != nil {
		return nil, err
	}
	val := decToFloat(lnb) * decToFloat(y) * 0.434294481903252
	if val > maxIntDigits {
		return nil, errNumericRange
	}
	if val < -maxResultScale {
		d := new(apd.Decimal)
		d.SetFinite(0, -int32(clampScale(max(minSigDigits, dscale(x), dscale(y)))))
		return d, nil
	}
	rscale := clampScale(max(minSigDigits-int(val), dscale(x), dscale(y)))
	c := highPrec(int(math.Max(val, 0))+1, rscale+max(int(-val), 0))
	r := new(apd.Decimal)
	if _, err := c.Pow(r, base, y); err != nil {
		return nil, errNumericRange
	}
	roundScale(r, r, rscale)
	if neg {
		r.Negative = r.Sign() != 0
	}
	return r, nil
}

// powInt computes x^e rounded to rscale digits.
func powInt(x *apd.Decimal, e int64, rscale int) (*apd.Decimal, error) {
	if e == 0 {
		d := new(apd.Decimal)
		d.SetFinite(1, 0)
		roundScale(d, d, rscale)
		return d, nil
	}
	ae := e
	if ae < 0 {
		ae = -ae
	}
	// Estimated decimal weight of |x|^ae.
	w := float64(ae) * math.Log10(math.Abs(decToFloatApprox(x)))
	if e < 0 {
		w = -w
	}
	if w > maxIntDigits {
		return nil, errNumericRange
	}
	if w < -float64(rscale)-2 {
		d := new(apd.Decimal)
		d.SetFinite(0, int32(-rscale))
		return d, nil
	}
	// Exact when the power is small enough; otherwise a high-precision
	// approximation.
	digits := x.NumDigits() * ae
	p := new(apd.Decimal)
	if digits <= 4000 {
		var coeff, tmp apd.BigInt
		coeff.Abs(&x.Coeff)
		coeff.Exp(&coeff, tmp.SetInt64(ae), nil)
		p.Coeff.Set(&coeff)
		p.Exponent = int32(int64(x.Exponent) * ae)
		p.Form = apd.Finite
		p.Negative = x.Negative && ae%2 == 1
		if e > 0 {
			roundScale(p, p, rscale)
			return p, nil
		}
		d := new(apd.Decimal)
		divRound(d, decOne, p, rscale, false)
		return d, nil
	}
	c := highPrec(int(math.Max(w, 0))+1, rscale+int(math.Max(-w, 0)))
	if _, err := c.Pow(p, x, decFromInt(e)); err != nil {
		return nil, errNumericRange
	}
	roundScale(p, p, rscale)
	return p, nil
}

// decToFloatApprox is x as a float64 for magnitude estimates, without
// overflowing for huge exponents (it keeps the sign of x).
func decToFloatApprox(x *apd.Decimal) float64 {
	f := decToFloat(x)
	if !isInf(f) && f != 0 {
		return f
	}
	// Use the leading digits and the exponent.
	s := x.Coeff.String()
	if len(s) > 17 {
		s = s[:17]
	}
	m, _ := strconv.ParseFloat(s, 64)
	exp := float64(x.Exponent) + float64(x.NumDigits()) - float64(len(s))
	v := math.Log10(m) + exp
	// Clamp into float range, preserving order of magnitude roughly.
	return math.Pow(10, math.Max(math.Min(v, 300), -300))
}

func numPowSpecial(x, y *apd.Decimal) (*apd.Decimal, error) {
	one := func() *apd.Decimal { return apd.New(1, 0) }
	if isNaNDec(x) {
		if !isSpecial(y) && y.Sign() == 0 {
			return one(), nil
		}
		return decNaN, nil
	}
	if isNaNDec(y) {
		if !isSpecial(x) && x.Cmp(decOne) == 0 {
			return one(), nil
		}
		return decNaN, nil
	}
	s1, s2 := decSign(x), decSign(y)
	if s1 == 0 && s2 < 0 {
		return nil, sqlerr.New(codeInvalidPower, "zero raised to a negative power is undefined")
	}
	if s1 < 0 && !isIntegral(y) && y.Form == apd.Finite {
		return nil, sqlerr.New(codeInvalidPower, "a negative number raised to a non-integer power yields a complex result")
	}
	if !isSpecial(x) && x.Cmp(decOne) == 0 {
		return one(), nil
	}
	if s2 == 0 {
		return one(), nil
	}
	if y.Form == apd.Infinite {
		gt := true
		if !isSpecial(x) {
			m1 := apd.New(-1, 0)
			if x.Cmp(m1) == 0 {
				return one(), nil
			}
			gt = cmpAbsOne(x) > 0
		}
		if gt == (s2 > 0) {
			return decPInf, nil
		}
		return decZero, nil
	}
	if !x.Negative {
		if s2 > 0 {
			return decPInf, nil
		}
		return decZero, nil
	}
	if s2 < 0 {
		return decZero, nil
	}
	if isOddIntegral(y) {
		return decNInf, nil
	}
	return decPInf, nil
}

// numRound is round(x, s).
func numRound(x *apd.Decimal, s int64, trunc bool) *apd.Decimal {
	if isSpecial(x) {
		return x
	}
	scale := int(max(min(s, maxResultScale), -maxResultScale))
	d := new(apd.Decimal)
	if trunc {
		truncScale(d, x, scale)
	} else {
		roundScale(d, x, scale)
	}
	return d
}

func numCeilFloor(x *apd.Decimal, ceil bool) *apd.Decimal {
	if isSpecial(x) {
		return x
	}
	d := new(apd.Decimal)
	mode := apd.RoundFloor
	if ceil {
		mode = apd.RoundCeiling
	}
	quantize(d, x, 0, mode)
	return d
}

func numSign(x *apd.Decimal) *apd.Decimal {
	if isNaNDec(x) {
		return decNaN
	}
	return apd.New(int64(decSign(x)), 0)
}

// Registration helpers.

func numBinary(name string, op func(x, y *apd.Decimal) (*apd.Decimal, error)) *Func {
	return fn(name, ts(tNumeric, tNumeric), tNumeric, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return decDatum(op(a[0].Decimal(), a[1].Decimal()))
	})
}

func numUnary(name string, op func(x *apd.Decimal) (*apd.Decimal, error)) *Func {
	return fn(name, ts(tNumeric), tNumeric, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return decDatum(op(a[0].Decimal()))
	})
}

func noErr(op func(x *apd.Decimal) *apd.Decimal) func(x *apd.Decimal) (*apd.Decimal, error) {
	return func(x *apd.Decimal) (*apd.Decimal, error) { return op(x), nil }
}

func numGCD(x, y *apd.Decimal, lcm bool) (*apd.Decimal, error) {
	if isSpecial(x) || isSpecial(y) {
		return decNaN, nil
	}
	// Work on integers scaled to the larger scale.
	s := max(dscale(x), dscale(y))
	var a, b, tmp apd.BigInt
	scaleTo := func(z *apd.BigInt, d *apd.Decimal) {
		z.Abs(&d.Coeff)
		if e := int(d.Exponent) + s; e > 0 {
			z.Mul(z, pow10(e, &tmp))
		}
	}
	scaleTo(&a, x)
	scaleTo(&b, y)
	var g apd.BigInt
	g.GCD(nil, nil, &a, &b)
	r := new(apd.Decimal)
	r.Form = apd.Finite
	r.Exponent = int32(-s)
	if !lcm {
		r.Coeff.Set(&g)
		return r, nil
	}
	if a.Sign() == 0 || b.Sign() == 0 {
		r.Coeff.SetInt64(0)
		return r, nil
	}
	var l apd.BigInt
	l.Quo(&a, &g)
	l.Mul(&l, &b)
	r.Coeff.Set(&l)
	return r, nil
}

func init() {
	register(
		numBinary("+", numAdd), numBinary("-", numSub), numBinary("*", numMul),
		numBinary("/", numDiv), numBinary("%", numMod), numBinary("mod", numMod),
		numBinary("div", numDivTrunc),
		numBinary("^", numPow), numBinary("power", numPow), numBinary("pow", numPow),
		numBinary("log", numLog),
		numBinary("gcd", func(x, y *apd.Decimal) (*apd.Decimal, error) { return numGCD(x, y, false) }),
		numBinary("lcm", func(x, y *apd.Decimal) (*apd.Decimal, error) { return numGCD(x, y, true) }),
		numUnary("-", noErr(numNeg)),
		numUnary("+", noErr(func(x *apd.Decimal) *apd.Decimal { return x })),
		numUnary("@", noErr(numAbs)),
		numUnary("abs", noErr(numAbs)),
		numUnary("sqrt", numSqrt),
		numUnary("|/", numSqrt),
		numUnary("exp", numExp),
		numUnary("ln", numLn),
		numUnary("log", func(x *apd.Decimal) (*apd.Decimal, error) { return numLog(apd.New(10, 0), x) }),
		numUnary("log10", func(x *apd.Decimal) (*apd.Decimal, error) { return numLog(apd.New(10, 0), x) }),
		numUnary("ceil", noErr(func(x *apd.Decimal) *apd.Decimal { return numCeilFloor(x, true) })),
		numUnary("ceiling", noErr(func(x *apd.Decimal) *apd.Decimal { return numCeilFloor(x, true) })),
		numUnary("floor", noErr(func(x *apd.Decimal) *apd.Decimal { return numCeilFloor(x, false) })),
		numUnary("sign", noErr(numSign)),
		numUnary("round", noErr(func(x *apd.Decimal) *apd.Decimal { return numRound(x, 0, false) })),
		numUnary("trunc", noErr(func(x *apd.Decimal) *apd.Decimal { return numRound(x, 0, true) })),
		fn("round", ts(tNumeric, tInt4), tNumeric, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return decDatum(numRound(a[0].Decimal(), a[1].Int(), false), nil)
		}),
		fn("trunc", ts(tNumeric, tInt4), tNumeric, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return decDatum(numRound(a[0].Decimal(), a[1].Int(), true), nil)
		}),
		fn("scale", ts(tNumeric), tInt4, func(_ *Context, a []types.Datum) (types.Datum, error) {
			if isSpecial(a[0].Decimal()) {
				return types.Null, nil
			}
			return types.NewInt(int64(dscale(a[0].Decimal()))), nil
		}),
		fn("trim_scale", ts(tNumeric), tNumeric, func(_ *Context, a []types.Datum) (types.Datum, error) {
			x := a[0].Decimal()
			if isSpecial(x) {
				return types.NewDecimal(x), nil
			}
			d := new(apd.Decimal)
			d.Reduce(x)
			return decDatum(d, nil)
		}),
		fn("min_scale", ts(tNumeric), tInt4, func(_ *Context, a []types.Datum) (types.Datum, error) {
			x := a[0].Decimal()
			if isSpecial(x) {
				return types.Null, nil
			}
			d := new(apd.Decimal)
			d.Reduce(x)
			return types.NewInt(int64(dscale(d))), nil
		}),
	)
}
