package types

import (
	"encoding/binary"
	"math"
	"strconv"

	"github.com/cockroachdb/apd/v3"
	"github.com/eddy-db/eddy/sql/sqlerr"
)

// PostgreSQL's limits on the numeric format: at most 131072 digits before
// the decimal point and a display scale of at most 16383.
const (
	numericMaxIntDigits = 131072
	numericMaxDscale    = 0x3FFF
)

// Numeric values keep PostgreSQL's display scale in the exponent: a finite
// *apd.Decimal with Exponent -s prints with s fraction digits ("1.50" is
// coefficient 150, exponent -2). parseNumeric never produces a positive
// exponent; values with one print as integers.

func errNumericOverflowFormat() *sqlerr.Error {
	return sqlerr.New(sqlerr.NumericValueOutOfRange, "value overflows numeric format")
}

// parseNumeric is numeric_in: whitespace, NaN, [+-]Infinity/inf, and
// decimal numbers with an optional exponent; the display scale is the
// number of fraction digits written minus the exponent.
func parseNumeric(s string) (*apd.Decimal, error) {
	v := trimSpace(s)
	if f, ok := floatSpecial(v); ok {
		if math.IsNaN(f) {
			if len(v) != 3 {
				return nil, errSyntax(TNumeric, s)
			}
			return &apd.Decimal{Form: apd.NaN}, nil
		}
		return &apd.Decimal{Form: apd.Infinite, Negative: f < 0}, nil
	}
	d, ok, err := scanNumeric(v)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errSyntax(TNumeric, s)
	}
	return d, nil
}

// scanNumeric parses the finite form. ok is false on a syntax error.
func scanNumeric(v string) (*apd.Decimal, bool, error) {
	i := 0
	neg := false
	if i < len(v) && (v[i] == '+' || v[i] == '-') {
		neg = v[i] == '-'
		i++
	}
	var dbuf [40]byte
	digits := dbuf[:0]
	nd, frac := 0, 0
	for ; i < len(v) && v[i] >= '0' && v[i] <= '9'; i++ {
		nd++
		if len(digits) > 0 || v[i] != '0' {
			digits = append(digits, v[i])
		}
	}
	if i < len(v) && v[i] == '.' {
		i++
		for ; i < len(v) && v[i] >= '0' && v[i] <= '9'; i++ {
			nd++
			frac++
			if len(digits) > 0 || v[i] != '0' {
				digits = append(digits, v[i])
			}
		}
	}
	if nd == 0 {
		return nil, false, nil
	}
	var exp int64
	if i < len(v) && (v[i] == 'e' || v[i] == 'E') {
		i++
		eneg := false
		if i < len(v) && (v[i] == '+' || v[i] == '-') {
			eneg = v[i] == '-'
			i++
		}
		ne := 0
		for ; i < len(v) && v[i] >= '0' && v[i] <= '9'; i++ {
			ne++
			if exp < 1<<40 {
				exp = exp*10 + int64(v[i]-'0')
			}
		}
		if ne == 0 {
			return nil, false, nil
		}
		if exp >= math.MaxInt32/2 {
			return nil, false, errNumericOverflowFormat()
		}
		if eneg {
			exp = -exp
		}
	}
	if i != len(v) {
		return nil, false, nil
	}
	dscale := int64(frac) - exp
	if dscale < 0 {
		dscale = 0
	}
	if dscale > numericMaxDscale {
		return nil, false, errNumericOverflowFormat()
	}
	d := new(apd.Decimal)
	if len(digits) == 0 {
		d.Exponent = int32(-dscale)
		return d, true, nil
	}
	if int64(len(digits))-int64(frac)+exp > numericMaxIntDigits {
		return nil, false, errNumericOverflowFormat()
	}
	setCoeffDigits(&d.Coeff, digits)
	// value = digits × 10^(exp-frac); store it with exponent -dscale.
	// A positive exponent is folded into the coefficient (dscale is then 0);
	// otherwise the exponent is exactly -dscale.
	if e := exp - int64(frac); e > 0 {
		d.Coeff.Mul(&d.Coeff, pow10Big(e))
	}
	d.Exponent = int32(-dscale)
	d.Negative = neg
	return d, true, nil
}

// setCoeffDigits sets z to the decimal digits ds (no sign, no leading
// zeros required).
func setCoeffDigits(z *apd.BigInt, ds []byte) {
	if len(ds) <= 19 {
		var u uint64
		for _, c := range ds {
			u = u*10 + uint64(c-'0')
		}
		z.SetUint64(u)
		return
	}
	z.SetString(string(ds), 10)
}

var pow10Small = func() [19]apd.BigInt {
	var t [19]apd.BigInt
	u := uint64(1)
	for i := range t {
		t[i].SetUint64(u)
		u *= 10
	}
	return t
}()

// pow10 returns 10^n (n >= 0) as a BigInt the caller must not modify.
func pow10Big(n int64) *apd.BigInt {
	if n < int64(len(pow10Small)) {
		return &pow10Small[n]
	}
	r := new(apd.BigInt)
	return r.Exp(apd.NewBigInt(10), apd.NewBigInt(n), nil)
}

// appendNumeric is numeric_out: plain notation with the display scale,
// NaN, Infinity, -Infinity; never a negative zero.
func appendNumeric(b []byte, d *apd.Decimal) []byte {
	if d == nil {
		return append(b, "NaN"...)
	}
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return append(b, "NaN"...)
	case apd.Infinite:
		if d.Negative {
			return append(b, "-Infinity"...)
		}
		return append(b, "Infinity"...)
	}
	var scratch [40]byte
	ds := d.Coeff.Append(scratch[:0], 10)
	if len(ds) > 0 && ds[0] == '-' {
		ds = ds[1:]
	}
	if d.Negative && !(len(ds) == 1 && ds[0] == '0') {
		b = append(b, '-')
	}
	e := int(d.Exponent)
	if e >= 0 {
		b = append(b, ds...)
		if !(len(ds) == 1 && ds[0] == '0') {
			for ; e > 0; e-- {
				b = append(b, '0')
			}
		}
		return b
	}
	frac := -e
	if len(ds) > frac {
		b = append(b, ds[:len(ds)-frac]...)
		b = append(b, '.')
		return append(b, ds[len(ds)-frac:]...)
	}
	b = append(b, '0', '.')
	for i := len(ds); i < frac; i++ {
		b = append(b, '0')
	}
	return append(b, ds...)
}

// roundNumeric rounds a finite d to scale fraction digits, half away from
// zero (PostgreSQL's round_var), and returns a new decimal with exponent
// -scale.
func roundNumeric(d *apd.Decimal, scale int32) *apd.Decimal {
	r := new(apd.Decimal)
	r.Negative = d.Negative
	r.Exponent = -scale
	switch {
	case d.Exponent == -scale:
		r.Coeff.Set(&d.Coeff)
	case d.Exponent > -scale:
		r.Coeff.Mul(&d.Coeff, pow10Big(int64(d.Exponent)+int64(scale)))
	default:
		shift := -int64(scale) - int64(d.Exponent)
		if shift > apd.NumDigits(&d.Coeff) {
			// |d| < 0.1 × 10^-scale: rounds to zero.
			r.Coeff.SetInt64(0)
			break
		}
		p := pow10Big(shift)
		var rem apd.BigInt
		r.Coeff.QuoRem(&d.Coeff, p, &rem)
		rem.Add(&rem, &rem)
		if rem.Cmp(p) >= 0 {
			r.Coeff.Add(&r.Coeff, apd.NewBigInt(1))
		}
	}
	if r.Coeff.Sign() == 0 {
		r.Negative = false
	}
	return r
}

// applyNumericTypmod is apply_typmod for numeric(p,s): round to s digits,
// then reject values with more than p-s integer digits (22003).
func applyNumericTypmod(d *apd.Decimal, p, s int) (*apd.Decimal, error) {
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return d, nil
	case apd.Infinite:
		return nil, sqlerr.New(sqlerr.NumericValueOutOfRange, "numeric field overflow").
			WithDetail("A field with precision %d, scale %d cannot hold an infinite value.", p, s)
	}
	if d.Exponent == int32(-s) && apd.NumDigits(&d.Coeff)-int64(s) <= int64(p-s) {
		return d, nil
	}
	r := roundNumeric(d, int32(s))
	if r.Coeff.Sign() != 0 && apd.NumDigits(&r.Coeff)-int64(s) > int64(p-s) {
		maxDigits := p - s
		if maxDigits == 0 {
			return nil, sqlerr.New(sqlerr.NumericValueOutOfRange, "numeric field overflow").
				WithDetail("A field with precision %d, scale %d must round to an absolute value less than 1.", p, s)
		}
		return nil, sqlerr.New(sqlerr.NumericValueOutOfRange, "numeric field overflow").
			WithDetail("A field with precision %d, scale %d must round to an absolute value less than 10^%d.", p, s, maxDigits)
	}
	return r, nil
}

// numericToInt converts to an integer type: rounds half away from zero;
// NaN and infinity are 0A000, values outside t's range 22003.
func numericToInt(d *apd.Decimal, t Type) (int64, error) {
	name := infos[t.ID].sqlName
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return 0, sqlerr.New(sqlerr.FeatureNotSupported, "cannot convert NaN to %s", name)
	case apd.Infinite:
		return 0, sqlerr.New(sqlerr.FeatureNotSupported, "cannot convert infinity to %s", name)
	}
	r := d
	if d.Exponent != 0 {
		r = roundNumeric(d, 0)
	}
	if !r.Coeff.IsInt64() {
		if r.Negative && r.Coeff.Cmp(pow10Int64Min) == 0 && t.ID == Int8 {
			return math.MinInt64, nil
		}
		return 0, errIntOutOfRange(t)
	}
	v := r.Coeff.Int64()
	if r.Negative {
		v = -v
	}
	if !intFits(v, t) {
		return 0, errIntOutOfRange(t)
	}
	return v, nil
}

var pow10Int64Min = func() *apd.BigInt {
	b := new(apd.BigInt)
	b.SetString("9223372036854775808", 10)
	return b
}()

// intFits reports whether v is within the range of integer type t.
func intFits(v int64, t Type) bool {
	switch t.ID {
	case Int2:
		return v >= math.MinInt16 && v <= math.MaxInt16
	case Int4:
		return v >= math.MinInt32 && v <= math.MaxInt32
	}
	return true
}

// floatToNumeric is float8_numeric/float4_numeric: the value printed with
// 15 (float4: 6) significant digits, then read as numeric.
func floatToNumeric(f float64, bits int) *apd.Decimal {
	switch {
	case math.IsNaN(f):
		return &apd.Decimal{Form: apd.NaN}
	case math.IsInf(f, 0):
		return &apd.Decimal{Form: apd.Infinite, Negative: f < 0}
	}
	prec := 15
	if bits == 32 {
		prec = 6
	}
	var scratch [32]byte
	s := strconv.AppendFloat(scratch[:0], f, 'g', prec, 64)
	d, _, _ := scanNumeric(string(s))
	if d == nil {
		return new(apd.Decimal)
	}
	return d
}

// numericToFloat is numeric_float8/numeric_float4: the printed value read
// by the float input function (so out-of-range values are 22003).
func numericToFloat(d *apd.Decimal, t Type) (float64, error) {
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return math.NaN(), nil
	case apd.Infinite:
		if d.Negative {
			return math.Inf(-1), nil
		}
		return math.Inf(1), nil
	}
	var scratch [64]byte
	return parseFloat(string(appendNumeric(scratch[:0], d)), t)
}

// Numeric's binary sign words.
const (
	numericPos  = 0x0000
	numericNeg  = 0x4000
	numericNaN  = 0xC000
	numericPInf = 0xD000
	numericNInf = 0xF000
)

// appendNumericBinary is numeric_send: ndigits, weight, sign, dscale (all
// 16-bit) then ndigits base-10000 digits, most significant first, with
// leading and trailing zero digits stripped.
func appendNumericBinary(b []byte, d *apd.Decimal) []byte {
	header := func(b []byte, ndigits, weight int, sign, dscale uint16) []byte {
		b = binary.BigEndian.AppendUint16(b, uint16(ndigits))
		b = binary.BigEndian.AppendUint16(b, uint16(int16(weight)))
		b = binary.BigEndian.AppendUint16(b, sign)
		return binary.BigEndian.AppendUint16(b, dscale)
	}
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return header(b, 0, 0, numericNaN, 0)
	case apd.Infinite:
		// PostgreSQL sends the dscale bits of its short header, 32.
		if d.Negative {
			return header(b, 0, 0, numericNInf, 32)
		}
		return header(b, 0, 0, numericPInf, 32)
	}
	dscale := 0
	if d.Exponent < 0 {
		dscale = int(-d.Exponent)
	}
	if d.Coeff.Sign() == 0 {
		return header(b, 0, 0, numericPos, uint16(dscale))
	}
	var scratch [48]byte
	ds := d.Coeff.Append(scratch[:0], 10)
	if ds[0] == '-' {
		ds = ds[1:]
	}
	e := int(d.Exponent)
	point := len(ds) + e // decimal point position within ds (may be outside)
	padL := ((-point)%4 + 4) % 4
	total := padL + len(ds)
	if e > 0 {
		total += e
	}
	point += padL
	if total < point {
		total = point
	}
	total = (total + 3) / 4 * 4
	digitAt := func(i int) int { // i-th digit of the padded string
		i -= padL
		if i < 0 || i >= len(ds) {
			return 0
		}
		return int(ds[i] - '0')
	}
	ngroups := total / 4
	weight := point/4 - 1
	first, last := 0, ngroups-1
	group := func(g int) int {
		return digitAt(4*g)*1000 + digitAt(4*g+1)*100 + digitAt(4*g+2)*10 + digitAt(4*g+3)
	}
	for first <= last && group(first) == 0 {
		first++
	}
	for last >= first && group(last) == 0 {
		last--
	}
	sign := uint16(numericPos)
	if d.Negative {
		sign = numericNeg
	}
	b = header(b, last-first+1, weight-first, sign, uint16(dscale))
	for g := first; g <= last; g++ {
		b = binary.BigEndian.AppendUint16(b, uint16(group(g)))
	}
	return b
}

// decodeNumericBinary is numeric_recv; digits beyond dscale are
// truncated away, as PostgreSQL does.
func decodeNumericBinary(b []byte) (*apd.Decimal, error) {
	if len(b) < 8 {
		return nil, errBinary(TNumeric)
	}
	ndigits := int(binary.BigEndian.Uint16(b))
	weight := int(int16(binary.BigEndian.Uint16(b[2:])))
	sign := binary.BigEndian.Uint16(b[4:])
	dscale := int(binary.BigEndian.Uint16(b[6:]))
	if ndigits > 0x7fff || len(b) != 8+2*ndigits {
		return nil, errBinary(TNumeric)
	}
	switch sign {
	case numericNaN:
		return &apd.Decimal{Form: apd.NaN}, nil
	case numericPInf:
		return &apd.Decimal{Form: apd.Infinite}, nil
	case numericNInf:
		return &apd.Decimal{Form: apd.Infinite, Negative: true}, nil
	case numericPos, numericNeg:
	default:
		return nil, sqlerr.New(sqlerr.InvalidBinaryRepresentation, "invalid sign in external \"numeric\" value")
	}
	if dscale > numericMaxDscale {
		return nil, sqlerr.New(sqlerr.InvalidBinaryRepresentation, "invalid scale in external \"numeric\" value")
	}
	ds := make([]byte, 0, 4*ndigits)
	for i := 0; i < ndigits; i++ {
		g := binary.BigEndian.Uint16(b[8+2*i:])
		if g >= 10000 {
			return nil, sqlerr.New(sqlerr.InvalidBinaryRepresentation, "invalid digit in external \"numeric\" value")
		}
		ds = append(ds, byte('0'+g/1000), byte('0'+g/100%10), byte('0'+g/10%10), byte('0'+g%10))
	}
	// value = ds × 10^(4*(weight-ndigits+1))
	e := 4 * (weight - ndigits + 1)
	if e < -dscale {
		cut := -dscale - e
		if cut >= len(ds) {
			ds = ds[:0]
		} else {
			ds = ds[:len(ds)-cut]
		}
		e = -dscale
	}
	for len(ds) > 0 && ds[0] == '0' {
		ds = ds[1:]
	}
	d := &apd.Decimal{Exponent: int32(-dscale)}
	if len(ds) == 0 {
		return d, nil
	}
	if len(ds)+e > numericMaxIntDigits {
		return nil, errNumericOverflowFormat()
	}
	setCoeffDigits(&d.Coeff, ds)
	if e > -dscale {
		d.Coeff.Mul(&d.Coeff, pow10Big(int64(e+dscale)))
	}
	d.Negative = sign == numericNeg
	return d, nil
}
