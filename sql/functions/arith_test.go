package functions

import (
	"math"
	"testing"

	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

const (
	rangeErr  = sqlerr.NumericValueOutOfRange
	divErr    = sqlerr.DivisionByZero
	powerErr  = codeInvalidPower
	logErr    = codeInvalidLog
	paramErr  = sqlerr.InvalidParameterValue
	dtErr     = sqlerr.DatetimeFieldOverflow
	notSupErr = sqlerr.FeatureNotSupported
)

// Expected values checked against PostgreSQL 15.
func TestIntegerArithmetic(t *testing.T) {
	runCases(t, nil, []evalCase{
		{"+", I4, []types.Datum{i(1), i(2)}, "3", ""},
		{"+", I4, []types.Datum{i(math.MaxInt32), i(1)}, "", rangeErr},
		{"+", I2, []types.Datum{i(32767), i(1)}, "", rangeErr},
		{"+", I8, []types.Datum{i(math.MaxInt64), i(1)}, "", rangeErr},
		{"-", I8, []types.Datum{i(math.MinInt64), i(1)}, "", rangeErr},
		{"-", I4, []types.Datum{i(-5), i(7)}, "-12", ""},
		{"*", I8, []types.Datum{i(math.MaxInt64), i(2)}, "", rangeErr},
		{"*", I8, []types.Datum{i(math.MinInt64), i(-1)}, "", rangeErr},
		{"*", I8, []types.Datum{i(3037000499), i(3037000499)}, "9223372030926249001", ""},
		{"*", I8, []types.Datum{i(-4611686018427387904), i(2)}, "-9223372036854775808", ""},
		{"*", I4, []types.Datum{i(65536), i(32768)}, "", rangeErr},
		{"*", I2, []types.Datum{i(-181), i(181)}, "-32761", ""},
		{"/", I4, []types.Datum{i(-7), i(2)}, "-3", ""},
		{"/", I4, []types.Datum{i(7), i(0)}, "", divErr},
		{"/", I4, []types.Datum{i(math.MinInt32), i(-1)}, "", rangeErr},
		{"/", I8, []types.Datum{i(math.MinInt64), i(-1)}, "", rangeErr},
		{"/", I2, []types.Datum{i(-32768), i(-1)}, "", rangeErr},
		{"%", I4, []types.Datum{i(-7), i(2)}, "-1", ""},
		{"%", I4, []types.Datum{i(7), i(-2)}, "1", ""},
		{"%", I4, []types.Datum{i(math.MinInt32), i(-1)}, "0", ""},
		{"%", I4, []types.Datum{i(1), i(0)}, "", divErr},
		{"mod", I4, []types.Datum{i(-7), i(3)}, "-1", ""},
		{"-", tys(tInt), []types.Datum{i(math.MinInt32)}, "", rangeErr},
		{"-", tys(types.TInt8), []types.Datum{i(5)}, "-5", ""},
		{"@", tys(tInt), []types.Datum{i(-5)}, "5", ""},
		{"abs", tys(types.TInt2), []types.Datum{i(-32768)}, "", rangeErr},
		{"&", I4, []types.Datum{i(7), i(3)}, "3", ""},
		{"|", I4, []types.Datum{i(7), i(8)}, "15", ""},
		{"#", I4, []types.Datum{i(7), i(2)}, "5", ""},
		{"~", tys(tInt), []types.Datum{i(5)}, "-6", ""},
		{"<<", I4, []types.Datum{i(1), i(4)}, "16", ""},
		{">>", I4, []types.Datum{i(-16), i(2)}, "-4", ""},
		{"<<", tys(types.TInt2, tInt), []types.Datum{i(1), i(15)}, "-32768", ""},
		{"gcd", I4, []types.Datum{i(12), i(18)}, "6", ""},
		{"lcm", I4, []types.Datum{i(4), i(6)}, "12", ""},
		{"gcd", I4, []types.Datum{i(math.MinInt32), i(0)}, "", rangeErr},
		// Mixed widths go through resolution.
		{"+", tys(tInt, types.TInt8), []types.Datum{i(math.MaxInt32), i(1)}, "2147483648", ""},
		{"+", tys(types.TInt2, types.TInt2), []types.Datum{i(1), i(2)}, "3", ""},
	})
}

func TestFloatArithmetic(t *testing.T) {
	runCases(t, nil, []evalCase{
		{"+", F8, []types.Datum{f(1.5), f(2.25)}, "3.75", ""},
		{"/", F8, []types.Datum{f(1), f(0)}, "", divErr},
		{"/", F8, []types.Datum{f(0), f(0)}, "", divErr},
		{"/", F8, []types.Datum{f(math.NaN()), f(0)}, "NaN", ""},
		{"*", F8, []types.Datum{f(1e308), f(10)}, "", rangeErr},
		{"*", F8, []types.Datum{f(1e-308), f(1e-10)}, "1e-318", ""},
		{"*", F8, []types.Datum{f(1e-300), f(1e-300)}, "", rangeErr},
		{"+", F8, []types.Datum{f(math.Inf(1)), f(1)}, "Infinity", ""},
		{"+", F4, []types.Datum{f(3.4e38), f(3.4e38)}, "", rangeErr},
		{"+", F4, []types.Datum{f(float64(float32(0.1))), f(float64(float32(0.2)))}, "0.30000001192092896", ""},
		{"^", F8, []types.Datum{f(2), f(0.5)}, "1.4142135623730951", ""},
		{"^", F8, []types.Datum{f(-8), f(1.0 / 3)}, "", powerErr},
		{"^", F8, []types.Datum{f(0), f(-1)}, "", powerErr},
		{"^", F8, []types.Datum{f(10), f(-400)}, "", rangeErr},
		{"^", F8, []types.Datum{f(math.NaN()), f(0)}, "1", ""},
		{"^", tys(tInt, tInt), []types.Datum{f(2), f(3)}, "8", ""},
		{"round", F81, []types.Datum{f(2.5)}, "2", ""},
		{"round", F81, []types.Datum{f(3.5)}, "4", ""},
		{"trunc", F81, []types.Datum{f(-2.7)}, "-2", ""},
		{"ceil", F81, []types.Datum{f(-2.5)}, "-2", ""},
		{"floor", F81, []types.Datum{f(-2.5)}, "-3", ""},
		{"sign", F81, []types.Datum{f(-3)}, "-1", ""},
		{"cbrt", F81, []types.Datum{f(27)}, "3", ""},
		{"sqrt", F81, []types.Datum{f(-1)}, "", powerErr},
		{"ln", F81, []types.Datum{f(0)}, "", logErr},
		{"ln", F81, []types.Datum{f(-1)}, "", logErr},
		{"log", F81, []types.Datum{f(1000)}, "3", ""},
		{"exp", F81, []types.Datum{f(1000)}, "", rangeErr},
		{"asin", F81, []types.Datum{f(2)}, "", rangeErr},
		{"pi", nil, nil, "3.141592653589793", ""},
		// Correctly rounded like the C library PostgreSQL uses.
		{"exp", F81, []types.Datum{f(1)}, "2.718281828459045", ""},
		{"exp", F81, []types.Datum{f(12.345)}, "229808.1248612461", ""},
		{"exp", F81, []types.Datum{f(-7.5)}, "0.0005530843701478336", ""},
		{"ln", F81, []types.Datum{f(123.456)}, "4.815884817283264", ""},
		{"log", F81, []types.Datum{f(620.2816747347895)}, "2.7925889507939834", ""},
		{"^", F8, []types.Datum{f(5.0430614327265175), f(2.8723973096867255)}, "104.33189555974847", ""},
		{"^", F8, []types.Datum{f(0.34584529752641086), f(-1.3100811049871237)}, "4.01885320158209", ""},
		{"^", F8, []types.Datum{f(1.05), f(30)}, "4.321942375150668", ""},
		{"^", F8, []types.Datum{f(-2), f(3)}, "-8", ""},
		{"width_bucket", tys(tF8, tF8, tF8, tInt), []types.Datum{f(5.35), f(0.024), f(10.06), i(5)}, "3", ""},
		{"width_bucket", tys(tF8, tF8, tF8, tInt), []types.Datum{f(-1), f(0), f(10), i(5)}, "0", ""},
		{"width_bucket", tys(tF8, tF8, tF8, tInt), []types.Datum{f(10), f(0), f(10), i(5)}, "6", ""},
		{"width_bucket", tys(tF8, tF8, tF8, tInt), []types.Datum{f(1), f(0), f(10), i(0)}, "", codeInvalidWidth},
		{"width_bucket", tys(tNum, tNum, tNum, tInt), []types.Datum{n("5.35"), n("0.024"), n("10.06"), i(5)}, "3", ""},
	})
}

func TestNumericArithmetic(t *testing.T) {
	runCases(t, nil, []evalCase{
		{"+", N2, []types.Datum{n("1.5"), n("2.25")}, "3.75", ""},
		{"*", N2, []types.Datum{n("1.50"), n("2.25")}, "3.3750", ""},
		{"-", N2, []types.Datum{n("2.50"), n("2.5")}, "0.00", ""},
		{"*", N2, []types.Datum{n("1.000000000000000000000001"), n("3")}, "3.000000000000000000000003", ""},
		{"*", N2, []types.Datum{n("-1"), n("0")}, "0", ""},
		{"/", N2, []types.Datum{n("1"), n("3")}, "0.33333333333333333333", ""},
		{"/", N2, []types.Datum{n("10"), n("4")}, "2.5000000000000000", ""},
		{"/", N2, []types.Datum{n("10.0"), n("3")}, "3.3333333333333333", ""},
		{"/", N2, []types.Datum{n("100"), n("7")}, "14.2857142857142857", ""},
		{"/", N2, []types.Datum{n("1e10"), n("3")}, "3333333333.33333333", ""},
		{"/", N2, []types.Datum{n("0.001"), n("7")}, "0.00014285714285714286", ""},
		{"/", N2, []types.Datum{n("123456789.123"), n("0.0001")}, "1234567891230.00000000", ""},
		{"/", N2, []types.Datum{n("-2"), n("3")}, "-0.66666666666666666667", ""},
		{"/", N2, []types.Datum{n("5"), n("0.0")}, "", divErr},
		{"/", tys(tInt, tNum), []types.Datum{n("1"), n("3.0")}, "0.33333333333333333333", ""},
		{"%", N2, []types.Datum{n("7.5"), n("2")}, "1.5", ""},
		{"%", N2, []types.Datum{n("-7.5"), n("2")}, "-1.5", ""},
		{"%", N2, []types.Datum{n("7.5"), n("-2")}, "1.5", ""},
		{"%", N2, []types.Datum{n("1"), n("0")}, "", divErr},
		{"div", N2, []types.Datum{n("7.5"), n("2")}, "3", ""},
		{"div", N2, []types.Datum{n("-7.5"), n("2")}, "-3", ""},
		{"^", N2, []types.Datum{n("2"), n("3")}, "8.0000000000000000", ""},
		{"^", N2, []types.Datum{n("2"), n("10")}, "1024.0000000000000000", ""},
		{"^", N2, []types.Datum{n("2"), n("100")}, "1267650600228229401496703205376.0000000000000000", ""},
		{"^", N2, []types.Datum{n("0.1"), n("10")}, "0.0000000001000000", ""},
		{"^", N2, []types.Datum{n("2.55"), n("3")}, "16.5813750000000000", ""},
		{"^", N2, []types.Datum{n("12345.678"), n("2")}, "152415765.2796840000000000", ""},
		{"^", N2, []types.Datum{n("2"), n("-1")}, "0.5000000000000000", ""},
		{"^", N2, []types.Datum{n("0"), n("0")}, "1.0000000000000000", ""},
		{"^", N2, []types.Datum{n("-2"), n("3")}, "-8.0000000000000000", ""},
		{"^", N2, []types.Datum{n("10"), n("-20")}, "0.0000000000000000", ""},
		{"^", N2, []types.Datum{n("2"), n("0.5")}, "1.4142135623730950", ""},
		{"^", N2, []types.Datum{n("10"), n("2.5")}, "316.22776601683793", ""},
		{"^", N2, []types.Datum{n("0.001"), n("2.5")}, "0.00000003162277660168379", ""},
		{"^", N2, []types.Datum{n("-8"), n("0.3333")}, "", powerErr},
		{"^", N2, []types.Datum{n("0"), n("-1")}, "", powerErr},
		{"-", N1, []types.Datum{n("1.50")}, "-1.50", ""},
		{"abs", N1, []types.Datum{n("-3.20")}, "3.20", ""},
		{"round", N1, []types.Datum{n("2.5")}, "3", ""},
		{"round", N1, []types.Datum{n("-2.5")}, "-3", ""},
		{"round", tys(tNum, tInt), []types.Datum{n("2.345"), i(2)}, "2.35", ""},
		{"round", tys(tNum, tInt), []types.Datum{n("1.5"), i(3)}, "1.500", ""},
		{"round", tys(tNum, tInt), []types.Datum{n("1234.5678"), i(-2)}, "1200", ""},
		{"trunc", N1, []types.Datum{n("-2.7")}, "-2", ""},
		{"trunc", tys(tNum, tInt), []types.Datum{n("2.789"), i(1)}, "2.7", ""},
		{"ceil", N1, []types.Datum{n("-2.5")}, "-2", ""},
		{"ceil", N1, []types.Datum{n("2.1")}, "3", ""},
		{"floor", N1, []types.Datum{n("-2.5")}, "-3", ""},
		{"sign", N1, []types.Datum{n("-3.2")}, "-1", ""},
		{"sqrt", N1, []types.Datum{n("2")}, "1.414213562373095", ""},
		{"sqrt", N1, []types.Datum{n("16")}, "4.000000000000000", ""},
		{"sqrt", N1, []types.Datum{n("100")}, "10.000000000000000", ""},
		{"sqrt", N1, []types.Datum{n("0.0001")}, "0.01000000000000000", ""},
		{"sqrt", N1, []types.Datum{n("2.0000")}, "1.414213562373095", ""},
		{"sqrt", N1, []types.Datum{n("123456789")}, "11111.11106055556", ""},
		{"sqrt", N1, []types.Datum{n("-1")}, "", powerErr},
		{"exp", N1, []types.Datum{n("1")}, "2.7182818284590452", ""},
		{"exp", N1, []types.Datum{n("0")}, "1.0000000000000000", ""},
		{"exp", N1, []types.Datum{n("10")}, "22026.465794806717", ""},
		{"exp", N1, []types.Datum{n("-10")}, "0.00004539992976248485", ""},
		{"ln", N1, []types.Datum{n("10")}, "2.3025850929940457", ""},
		{"ln", N1, []types.Datum{n("2")}, "0.6931471805599453", ""},
		{"ln", N1, []types.Datum{n("1.05")}, "0.048790164169432003", ""},
		{"ln", N1, []types.Datum{n("0")}, "", logErr},
		{"log", N1, []types.Datum{n("100")}, "2.0000000000000000", ""},
		{"log", N1, []types.Datum{n("1000")}, "3.0000000000000000", ""},
		{"log", N1, []types.Datum{n("0.5")}, "-0.3010299956639812", ""},
		{"log", N2, []types.Datum{n("2"), n("8")}, "3.0000000000000000", ""},
		{"log", N2, []types.Datum{n("3"), n("81")}, "4.0000000000000000", ""},
		{"log", N2, []types.Datum{n("1"), n("8")}, "", divErr},
		{"gcd", N2, []types.Datum{n("1.5"), n("0.25")}, "0.25", ""},
		{"lcm", N2, []types.Datum{n("1.5"), n("0.25")}, "1.50", ""},
		{"scale", N1, []types.Datum{n("1.500")}, "3", ""},
		{"trim_scale", N1, []types.Datum{n("1.500")}, "1.5", ""},
		{"min_scale", N1, []types.Datum{n("1.500")}, "1", ""},
		// NaN and infinities (PostgreSQL 14+).
		{"+", N2, []types.Datum{n("NaN"), n("1")}, "NaN", ""},
		{"-", N2, []types.Datum{n("Infinity"), n("Infinity")}, "NaN", ""},
		{"*", N2, []types.Datum{n("Infinity"), n("0")}, "NaN", ""},
		{"*", N2, []types.Datum{n("-Infinity"), n("2")}, "-Infinity", ""},
		{"/", N2, []types.Datum{n("1"), n("Infinity")}, "0", ""},
		{"/", N2, []types.Datum{n("Infinity"), n("0")}, "", divErr},
		{"sqrt", N1, []types.Datum{n("Infinity")}, "Infinity", ""},
		{"exp", N1, []types.Datum{n("-Infinity")}, "0", ""},
		// Mixed types resolve to numeric or float8.
		{"+", tys(tInt, tNum), []types.Datum{n("1"), n("2.5")}, "3.5", ""},
		{"+", tys(tInt, tF8), []types.Datum{f(1), f(2.5)}, "3.5", ""},
		{"greatest", tys(tInt, tNum, tUnk), []types.Datum{n("1"), n("2.5"), null}, "2.5", ""},
		{"least", tys(tUnk, tUnk), []types.Datum{s("b"), s("a")}, "a", ""},
		{"greatest", tys(tInt, tInt), []types.Datum{null, null}, "NULL", ""},
	})
}

func TestRandomIsVolatile(t *testing.T) {
	f, _, err := Resolve("random", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Volatile {
		t.Error("random() is not volatile")
	}
	v, _ := f.Eval(&Context{}, nil)
	if x := v.Float(); x < 0 || x >= 1 {
		t.Errorf("random() = %v", x)
	}
}
