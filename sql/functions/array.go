package functions

import (
	"strings"

	"github.com/eddy-db/eddy/sql/types"
)

// Array functions over one-dimensional arrays with lower bound 1 (and the
// vector types, whose lower bound is 0).

func vecDims(name string, t types.Type, bound func(n int64) int64) *Func {
	return fn(name, ts(t, tInt4), tInt4, func(_ *Context, a []types.Datum) (types.Datum, error) {
		n := int64(len(a[0].Array()))
		if a[1].Int() != 1 || n == 0 {
			return types.Null, nil
		}
		return types.NewInt(bound(n)), nil
	})
}

// stringToArray is string_to_array(s, delim[, nullStr]): a NULL delimiter
// splits into characters, an empty one yields the whole string.
func stringToArray(a []types.Datum) types.Datum {
	if a[0].IsNull() {
		return types.Null
	}
	src := a[0].Str()
	if src == "" {
		return types.NewArray([]types.Datum{})
	}
	var parts []string
	switch {
	case a[1].IsNull():
		for _, r := range src {
			parts = append(parts, string(r))
		}
	case a[1].Str() == "":
		parts = []string{src}
	default:
		parts = strings.Split(src, a[1].Str())
	}
	hasNull := len(a) > 2 && !a[2].IsNull()
	out := make([]types.Datum, len(parts))
	for i, p := range parts {
		if hasNull && p == a[2].Str() {
			out[i] = types.Null
		} else {
			out[i] = str(p)
		}
	}
	return types.NewArray(out)
}

func arrayToStringBind(argTypes []types.Type) EvalFunc {
	elem := argTypes[0].ElemType()
	return func(ctx *Context, a []types.Datum) (types.Datum, error) {
		if a[0].IsNull() || a[1].IsNull() {
			return types.Null, nil
		}
		sep := a[1].Str()
		nullStr, useNull := "", len(a) > 2 && !a[2].IsNull()
		if useNull {
			nullStr = a[2].Str()
		}
		var sb strings.Builder
		wrote := false
		for _, e := range a[0].Array() {
			if e.IsNull() && !useNull {
				continue
			}
			if wrote {
				sb.WriteString(sep)
			}
			if e.IsNull() {
				sb.WriteString(nullStr)
			} else {
				sb.WriteString(outputText(e, elem, envOf(ctx)))
			}
			wrote = true
		}
		return str(sb.String()), nil
	}
}

func arrayConcat(x, y []types.Datum) types.Datum {
	out := make([]types.Datum, 0, len(x)+len(y))
	out = append(append(out, x...), y...)
	return types.NewArray(out)
}

func arrayPosition(arr []types.Datum, v types.Datum, from int) types.Datum {
	for i := from; i < len(arr); i++ {
		e := arr[i]
		if (e.IsNull() && v.IsNull()) || (!e.IsNull() && !v.IsNull() && types.Compare(e, v) == 0) {
			return types.NewInt(int64(i + 1))
		}
	}
	return types.Null
}

func init() {
	dims := func(name string, f func(n int64, dim int64) types.Datum) *Func {
		return fn(name, ts(AnyArray, tInt4), tInt4, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return f(int64(len(a[0].Array())), a[1].Int()), nil
		})
	}
	register(
		&Func{Name: "string_to_array", Args: ts(tText, tText), Ret: tTextArray, NullCall: true,
			Eval: func(_ *Context, a []types.Datum) (types.Datum, error) { return stringToArray(a), nil }},
		&Func{Name: "string_to_array", Args: ts(tText, tText, tText), Ret: tTextArray, NullCall: true,
			Eval: func(_ *Context, a []types.Datum) (types.Datum, error) { return stringToArray(a), nil }},
		&Func{Name: "array_to_string", Args: ts(AnyArray, tText), Ret: tText, bind: arrayToStringBind},
		&Func{Name: "array_to_string", Args: ts(AnyArray, tText, tText), Ret: tText, NullCall: true, bind: arrayToStringBind},
		dims("array_length", func(n, dim int64) types.Datum {
			if dim != 1 || n == 0 {
				return types.Null
			}
			return types.NewInt(n)
		}),
		dims("array_upper", func(n, dim int64) types.Datum {
			if dim != 1 || n == 0 {
				return types.Null
			}
			return types.NewInt(n)
		}),
		dims("array_lower", func(n, dim int64) types.Datum {
			if dim != 1 || n == 0 {
				return types.Null
			}
			return types.NewInt(1)
		}),
		// int2vector and oidvector subscripts start at 0.
		vecDims("array_upper", types.TInt2Vector, func(n int64) int64 { return n - 1 }),
		vecDims("array_upper", types.TOidVector, func(n int64) int64 { return n - 1 }),
		vecDims("array_lower", types.TInt2Vector, func(int64) int64 { return 0 }),
		vecDims("array_lower", types.TOidVector, func(int64) int64 { return 0 }),
		fn("cardinality", ts(AnyArray), tInt4, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return types.NewInt(int64(len(a[0].Array()))), nil
		}),
		&Func{Name: "array_append", Args: ts(AnyArray, AnyElement), Ret: AnyArray, NullCall: true,
			Eval: func(_ *Context, a []types.Datum) (types.Datum, error) {
				return arrayConcat(a[0].Array(), []types.Datum{a[1]}), nil
			}},
		&Func{Name: "array_prepend", Args: ts(AnyElement, AnyArray), Ret: AnyArray, NullCall: true,
			Eval: func(_ *Context, a []types.Datum) (types.Datum, error) {
				return arrayConcat([]types.Datum{a[0]}, a[1].Array()), nil
			}},
		&Func{Name: "array_cat", Args: ts(AnyArray, AnyArray), Ret: AnyArray, NullCall: true,
			Eval: func(_ *Context, a []types.Datum) (types.Datum, error) {
				if a[0].IsNull() && a[1].IsNull() {
					return types.Null, nil
				}
				return arrayConcat(a[0].Array(), a[1].Array()), nil
			}},
		&Func{Name: "||", Args: ts(AnyArray, AnyElement), Ret: AnyArray, NullCall: true,
			Eval: func(_ *Context, a []types.Datum) (types.Datum, error) {
				return arrayConcat(a[0].Array(), []types.Datum{a[1]}), nil
			}},
		&Func{Name: "||", Args: ts(AnyElement, AnyArray), Ret: AnyArray, NullCall: true,
			Eval: func(_ *Context, a []types.Datum) (types.Datum, error) {
				return arrayConcat([]types.Datum{a[0]}, a[1].Array()), nil
			}},
		&Func{Name: "||", Args: ts(AnyArray, AnyArray), Ret: AnyArray, NullCall: true,
			Eval: func(_ *Context, a []types.Datum) (types.Datum, error) {
				if a[0].IsNull() && a[1].IsNull() {
					return types.Null, nil
				}
				return arrayConcat(a[0].Array(), a[1].Array()), nil
			}},
		&Func{Name: "array_position", Args: ts(AnyArray, AnyElement), Ret: tInt4, NullCall: true,
			Eval: func(_ *Context, a []types.Datum) (types.Datum, error) {
				if a[0].IsNull() {
					return types.Null, nil
				}
				return arrayPosition(a[0].Array(), a[1], 0), nil
			}},
		&Func{Name: "array_remove", Args: ts(AnyArray, AnyElement), Ret: AnyArray, NullCall: true,
			Eval: func(_ *Context, a []types.Datum) (types.Datum, error) {
				if a[0].IsNull() {
					return types.Null, nil
				}
				out := []types.Datum{}
				for _, e := range a[0].Array() {
					same := (e.IsNull() && a[1].IsNull()) || (!e.IsNull() && !a[1].IsNull() && types.Compare(e, a[1]) == 0)
					if !same {
						out = append(out, e)
					}
				}
				return types.NewArray(out), nil
			}},
		&Func{Name: "@>", Args: ts(AnyArray, AnyArray), Ret: tBool, Eval: func(_ *Context, a []types.Datum) (types.Datum, error) {
			return types.NewBool(arrayContains(a[0].Array(), a[1].Array())), nil
		}},
		&Func{Name: "<@", Args: ts(AnyArray, AnyArray), Ret: tBool, Eval: func(_ *Context, a []types.Datum) (types.Datum, error) {
			return types.NewBool(arrayContains(a[1].Array(), a[0].Array())), nil
		}},
		&Func{Name: "&&", Args: ts(AnyArray, AnyArray), Ret: tBool, Eval: func(_ *Context, a []types.Datum) (types.Datum, error) {
			for _, y := range a[1].Array() {
				if !y.IsNull() && arrayHas(a[0].Array(), y) {
					return types.NewBool(true), nil
				}
			}
			return types.NewBool(false), nil
		}},
	)
}

func arrayHas(arr []types.Datum, v types.Datum) bool {
	for _, e := range arr {
		if !e.IsNull() && types.Compare(e, v) == 0 {
			return true
		}
	}
	return false
}

// arrayContains is @>: every non-NULL element of sub is in arr (a NULL
// element in sub is never contained).
func arrayContains(arr, sub []types.Datum) bool {
	for _, y := range sub {
		if y.IsNull() || !arrayHas(arr, y) {
			return false
		}
	}
	return true
}
