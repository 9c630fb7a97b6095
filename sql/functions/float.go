package functions

import (
	"math"

	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// Floating-point arithmetic with PostgreSQL's checks: a finite computation
// that overflows to infinity is "value out of range: overflow", one that
// underflows to zero is "... underflow"; x/0 is "division by zero".
// real (float4) arithmetic is done in float32.

func isInf(f float64) bool { return math.IsInf(f, 0) }

func checkFloat(r, a, b float64, zeroOK bool) error {
	if isInf(r) && !isInf(a) && !isInf(b) {
		return errFloatOverflow
	}
	if !zeroOK && r == 0 && a != 0 && b != 0 {
		return errFloatUnder
	}
	return nil
}

func float8Op(name string, op func(a, b float64) (float64, error)) *Func {
	return fn(name, ts(tFloat8, tFloat8), tFloat8, func(_ *Context, a []types.Datum) (types.Datum, error) {
		r, err := op(a[0].Float(), a[1].Float())
		if err != nil {
			return types.Null, err
		}
		return types.NewFloat(r), nil
	})
}

func float4Op(name string, op func(a, b float64) (float64, error)) *Func {
	return fn(name, ts(tFloat4, tFloat4), tFloat4, func(_ *Context, a []types.Datum) (types.Datum, error) {
		r, err := op(a[0].Float(), a[1].Float())
		if err != nil {
			return types.Null, err
		}
		return types.NewFloat(r), nil
	})
}

func fAdd(a, b float64) (float64, error) {
	r := a + b
	return r, checkFloat(r, a, b, true)
}
func fSub(a, b float64) (float64, error) {
	r := a - b
	return r, checkFloat(r, a, b, true)
}
func fMul(a, b float64) (float64, error) {
	r := a * b
	return r, checkFloat(r, a, b, false)
}
func fDiv(a, b float64) (float64, error) {
	if b == 0 && !math.IsNaN(a) {
		return 0, errDivZero
	}
	r := a / b
	if isInf(r) && !isInf(a) {
		return 0, errFloatOverflow
	}
	if r == 0 && a != 0 && !isInf(b) {
		return 0, errFloatUnder
	}
	return r, nil
}

// The float4 variants compute in float32 and report range errors against
// float32's limits.
func f4(op func(a, b float32) float32, zeroOK bool) func(a, b float64) (float64, error) {
	return func(a, b float64) (float64, error) {
		r := float64(op(float32(a), float32(b)))
		return r, checkFloat(r, a, b, zeroOK)
	}
}

func f4Div(a, b float64) (float64, error) {
	if b == 0 && !math.IsNaN(a) {
		return 0, errDivZero
	}
	r := float64(float32(a) / float32(b))
	if isInf(r) && !isInf(a) {
		return 0, errFloatOverflow
	}
	if r == 0 && a != 0 && !isInf(b) {
		return 0, errFloatUnder
	}
	return r, nil
}

func float8Unary(name string, op func(x float64) (float64, error)) *Func {
	return fn(name, ts(tFloat8), tFloat8, func(_ *Context, a []types.Datum) (types.Datum, error) {
		r, err := op(a[0].Float())
		if err != nil {
			return types.Null, err
		}
		return types.NewFloat(r), nil
	})
}

func float4Unary(name string, op func(x float64) (float64, error)) *Func {
	f := float8Unary(name, op)
	f.Args, f.Ret = ts(tFloat4), tFloat4
	return f
}

func pure(op func(float64) float64) func(float64) (float64, error) {
	return func(x float64) (float64, error) { return op(x), nil }
}

// dpow is PostgreSQL's float8 power: POSIX NaN rules, SQL errors for
// 0^negative and negative^fraction, range errors for finite overflow.
func dpow(x, y float64) (float64, error) {
	if math.IsNaN(x) {
		if math.IsNaN(y) || y != 0 {
			return math.NaN(), nil
		}
		return 1, nil
	}
	if math.IsNaN(y) {
		if x != 1 {
			return math.NaN(), nil
		}
		return 1, nil
	}
	if x == 0 && y < 0 {
		return 0, sqlerr.New(codeInvalidPower, "zero raised to a negative power is undefined")
	}
	if x < 0 && math.Floor(y) != y {
		return 0, sqlerr.New(codeInvalidPower, "a negative number raised to a non-integer power yields a complex result")
	}
	r := accuratePow(x, y)
	if !isInf(x) && !isInf(y) {
		if isInf(r) {
			return 0, errFloatOverflow
		}
		if r == 0 && x != 0 {
			return 0, errFloatUnder
		}
	}
	return r, nil
}

func dsqrt(x float64) (float64, error) {
	if x < 0 {
		return 0, sqlerr.New(codeInvalidPower, "cannot take square root of a negative number")
	}
	return math.Sqrt(x), nil
}

func dlog(f func(float64) float64) func(float64) (float64, error) {
	return func(x float64) (float64, error) {
		if x == 0 {
			return 0, sqlerr.New(codeInvalidLog, "cannot take logarithm of zero")
		}
		if x < 0 {
			return 0, sqlerr.New(codeInvalidLog, "cannot take logarithm of a negative number")
		}
		return f(x), nil
	}
}

func dexp(x float64) (float64, error) {
	r := accurateExp(x)
	if isInf(r) && !isInf(x) {
		return 0, errFloatOverflow
	}
	if r == 0 && !isInf(x) {
		return 0, errFloatUnder
	}
	return r, nil
}

func dsign(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

func inputRange(f func(float64) float64, lo, hi float64) func(float64) (float64, error) {
	return func(x float64) (float64, error) {
		if math.IsNaN(x) {
			return x, nil
		}
		if x < lo || x > hi {
			return 0, sqlerr.New(sqlerr.NumericValueOutOfRange, "input is out of range")
		}
		return f(x), nil
	}
}

func finiteInput(f func(float64) float64) func(float64) (float64, error) {
	return func(x float64) (float64, error) {
		if isInf(x) {
			return 0, sqlerr.New(sqlerr.NumericValueOutOfRange, "input is out of range")
		}
		return f(x), nil
	}
}

// mixedFloatOp is PostgreSQL's float48/float84 operators: a real and a
// double precision operand computed in double precision.
func mixedFloatOp(name string, op func(a, b float64) (float64, error), args ...types.Type) *Func {
	f := float8Op(name, op)
	f.Args = args
	return f
}

func init() {
	for _, op := range []struct {
		name string
		fn   func(a, b float64) (float64, error)
	}{{"+", fAdd}, {"-", fSub}, {"*", fMul}, {"/", fDiv}} {
		register(mixedFloatOp(op.name, op.fn, tFloat4, tFloat8), mixedFloatOp(op.name, op.fn, tFloat8, tFloat4))
	}
	register(
		float8Op("+", fAdd), float8Op("-", fSub), float8Op("*", fMul), float8Op("/", fDiv),
		float4Op("+", f4(func(a, b float32) float32 { return a + b }, true)),
		float4Op("-", f4(func(a, b float32) float32 { return a - b }, true)),
		float4Op("*", f4(func(a, b float32) float32 { return a * b }, false)),
		float4Op("/", f4Div),
		float8Op("^", dpow), float8Op("power", dpow), float8Op("pow", dpow),
		float8Unary("-", pure(func(x float64) float64 { return -x })),
		float8Unary("+", pure(func(x float64) float64 { return x })),
		float8Unary("@", pure(math.Abs)),
		float8Unary("abs", pure(math.Abs)),
		float4Unary("-", pure(func(x float64) float64 { return -x })),
		float4Unary("+", pure(func(x float64) float64 { return x })),
		float4Unary("@", pure(math.Abs)),
		float4Unary("abs", pure(math.Abs)),
		float8Unary("round", pure(math.RoundToEven)),
		float8Unary("ceil", pure(math.Ceil)),
		float8Unary("ceiling", pure(math.Ceil)),
		float8Unary("floor", pure(math.Floor)),
		float8Unary("trunc", pure(math.Trunc)),
		float8Unary("sign", pure(dsign)),
		float8Unary("sqrt", dsqrt),
		float8Unary("|/", dsqrt),
		float8Unary("cbrt", pure(math.Cbrt)),
		float8Unary("||/", pure(math.Cbrt)),
		float8Unary("exp", dexp),
		float8Unary("ln", dlog(accurateLog)),
		float8Unary("log", dlog(accurateLog10)),
		float8Unary("log10", dlog(accurateLog10)),
		float8Unary("degrees", pure(func(x float64) float64 { return x * (180 / math.Pi) })),
		float8Unary("radians", pure(func(x float64) float64 { return x * (math.Pi / 180) })),
		float8Unary("sin", finiteInput(math.Sin)),
		float8Unary("cos", finiteInput(math.Cos)),
		float8Unary("tan", finiteInput(math.Tan)),
		float8Unary("cot", finiteInput(func(x float64) float64 { return 1 / math.Tan(x) })),
		float8Unary("asin", inputRange(math.Asin, -1, 1)),
		float8Unary("acos", inputRange(math.Acos, -1, 1)),
		float8Unary("atan", pure(math.Atan)),
		float8Op("atan2", func(y, x float64) (float64, error) { return math.Atan2(y, x), nil }),
		float8Unary("sinh", pure(math.Sinh)),
		float8Unary("cosh", pure(math.Cosh)),
		float8Unary("tanh", pure(math.Tanh)),
		fn("pi", nil, tFloat8, func(*Context, []types.Datum) (types.Datum, error) {
			return types.NewFloat(math.Pi), nil
		}),
	)
}
