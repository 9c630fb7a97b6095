package types

import (
	"math"
	"math/big"
	"strconv"
)

// appendFloat is float4out/float8out. With extra_float_digits > 0 it prints
// the shortest digits that read back to the same value (at float32
// precision for bits == 32), in %g layout: plain between 1e-4 and 1e15
// (1e6 for float4), otherwise d.ddde+XX. With extra_float_digits <= 0 it
// prints %.{15+extra}g (%.{6+extra}g for float4), as PostgreSQL does.
func appendFloat(b []byte, f float64, bits int, extra int) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "NaN"...)
	case math.IsInf(f, 1):
		return append(b, "Infinity"...)
	case math.IsInf(f, -1):
		return append(b, "-Infinity"...)
	}
	digits := 15
	if bits == 32 {
		digits = 6
		f = float64(float32(f))
	}
	if extra <= 0 {
		return strconv.AppendFloat(b, f, 'g', max(digits+extra, 1), bits)
	}
	// Shortest digits in exponent form, then laid out like %g.
	var scratch [32]byte
	e := strconv.AppendFloat(scratch[:0], f, 'e', -1, bits)
	if mayBeTie(f, bits) && isTie(f, bits, e) {
		e = shortestNonTie(scratch[:0], f, bits)
	}
	ePos := len(e) - 1
	for e[ePos] != 'e' {
		ePos--
	}
	exp := 0
	for i := ePos + 2; i < len(e); i++ {
		exp = exp*10 + int(e[i]-'0')
	}
	if e[ePos+1] == '-' {
		exp = -exp
	}
	if exp < -4 || exp >= digits {
		return append(b, e...)
	}
	mant := e[:ePos]
	if mant[0] == '-' {
		b = append(b, '-')
		mant = mant[1:]
	}
	// mant is "d" or "d.ddd": collect the digits.
	var dbuf [24]byte
	ds := append(dbuf[:0], mant[0])
	if len(mant) > 2 {
		ds = append(ds, mant[2:]...)
	}
	if exp < 0 {
		b = append(b, '0', '.')
		for i := 0; i < -exp-1; i++ {
			b = append(b, '0')
		}
		return append(b, ds...)
	}
	intLen := exp + 1
	if len(ds) <= intLen {
		b = append(b, ds...)
		for i := len(ds); i < intLen; i++ {
			b = append(b, '0')
		}
		return b
	}
	b = append(b, ds[:intLen]...)
	b = append(b, '.')
	return append(b, ds[intLen:]...)
}

// parseFloat is float4in/float8in: surrounding whitespace, the words NaN,
// Infinity and inf (signed, any case), and decimal numbers with an
// optional exponent. float4 input is rounded to float32 precision.
// Overflow and underflow to zero are 22003 errors.
func parseFloat(s string, t Type) (float64, error) {
	v := trimSpace(s)
	bits := 64
	if t.ID == Float4 {
		bits = 32
	}
	if f, ok := floatSpecial(v); ok {
		return f, nil
	}
	nonZero, ok := scanDecimal(v)
	if !ok {
		return 0, errSyntax(t, s)
	}
	f, err := strconv.ParseFloat(v, bits)
	if err != nil || (f == 0 && nonZero) {
		return 0, errFloatOutOfRange(t, v)
	}
	return f, nil
}

// floatSpecial recognises NaN and the infinities, case-insensitively.
func floatSpecial(v string) (float64, bool) {
	if len(v) < 3 || len(v) > 9 {
		return 0, false
	}
	var buf [9]byte
	for i := 0; i < len(v); i++ {
		c := v[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	switch string(buf[:len(v)]) {
	case "nan":
		return math.NaN(), true
	case "infinity", "+infinity", "inf", "+inf":
		return math.Inf(1), true
	case "-infinity", "-inf":
		return math.Inf(-1), true
	}
	return 0, false
}

// scanDecimal checks that v is [+-]digits[.digits][e[+-]digits] (with at
// least one mantissa digit) and reports whether a mantissa digit is
// non-zero.
func scanDecimal(v string) (nonZero, ok bool) {
	i := 0
	if i < len(v) && (v[i] == '+' || v[i] == '-') {
		i++
	}
	nd := 0
	for ; i < len(v) && v[i] >= '0' && v[i] <= '9'; i++ {
		nd++
		nonZero = nonZero || v[i] != '0'
	}
	if i < len(v) && v[i] == '.' {
		i++
		for ; i < len(v) && v[i] >= '0' && v[i] <= '9'; i++ {
			nd++
			nonZero = nonZero || v[i] != '0'
		}
	}
	if nd == 0 {
		return false, false
	}
	if i < len(v) && (v[i] == 'e' || v[i] == 'E') {
		i++
		if i < len(v) && (v[i] == '+' || v[i] == '-') {
			i++
		}
		ne := 0
		for ; i < len(v) && v[i] >= '0' && v[i] <= '9'; i++ {
			ne++
		}
		if ne == 0 {
			return false, false
		}
	}
	return nonZero, i == len(v)
}

// PostgreSQL's shortest float output (its Ryu) only accepts decimals
// strictly inside a value's rounding interval, while strconv also accepts
// one lying exactly halfway to a neighbour when the mantissa is even (it
// reads back correctly under round-half-even). Such ties need one digit
// more to print as PostgreSQL does: 416555584::float4 is -4.1655558e+08,
// not 4.165556e+08.

// mayBeTie is a cheap filter: a tie needs an even mantissa, and a decimal
// of at most 17 (float4: 9) digits can equal a midpoint between adjacent
// floats only when the float's spacing is at least about 1/4, far from
// the top of the range.
func mayBeTie(f float64, bits int) bool {
	a := math.Abs(f)
	if bits == 32 {
		return math.Float32bits(float32(f))&1 == 0 && a >= 1<<20 && a < 1e20
	}
	return math.Float64bits(f)&1 == 0 && a >= 1<<50 && a < 1e41
}

// isTie reports whether the decimal in e ("d.ddde±XX") lies exactly
// halfway between f and one of its neighbours.
func isTie(f float64, bits int, e []byte) bool {
	var dec big.Rat
	if _, ok := dec.SetString(string(e)); !ok {
		return false
	}
	var lo, hi float64
	if bits == 32 {
		f32 := float32(f)
		lo = float64(math.Nextafter32(f32, float32(math.Inf(-1))))
		hi = float64(math.Nextafter32(f32, float32(math.Inf(1))))
	} else {
		lo = math.Nextafter(f, math.Inf(-1))
		hi = math.Nextafter(f, math.Inf(1))
	}
	var v, n, mid big.Rat
	v.SetFloat64(f)
	for _, nb := range []float64{lo, hi} {
		if math.IsInf(nb, 0) {
			continue
		}
		n.SetFloat64(nb)
		mid.Add(&v, &n)
		mid.Quo(&mid, big.NewRat(2, 1))
		if mid.Cmp(&dec) == 0 {
			return true
		}
	}
	return false
}

// shortestNonTie returns the correctly rounded decimal with the fewest
// digits that reads back as f and is not a tie.
func shortestNonTie(buf []byte, f float64, bits int) []byte {
	maxDigits := 17
	if bits == 32 {
		maxDigits = 9
	}
	for p := 1; p <= maxDigits; p++ {
		e := strconv.AppendFloat(buf[:0], f, 'e', p-1, bits)
		back, err := strconv.ParseFloat(string(e), bits)
		if err == nil && back == f && !isTie(f, bits, e) {
			return e
		}
	}
	return strconv.AppendFloat(buf[:0], f, 'e', maxDigits-1, bits)
}
