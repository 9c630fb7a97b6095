package functions

import (
	"context"
	"strings"

	"github.com/eddy-db/eddy/sql/types"
)

// Context is what a function may read while it runs. The executor owns
// it; functions never modify it. A nil *Context is not allowed.
type Context struct {
	// Env holds the session settings: time zone, float digits. Nil means
	// PostgreSQL's defaults in UTC.
	Env *types.Env
	// TxnTime is the transaction start in µs since 1970-01-01 UTC: what
	// now(), current_timestamp and transaction_timestamp() return.
	TxnTime int64
	// StmtTime is the statement start in µs since 1970-01-01 UTC, returned
	// by statement_timestamp(); zero means TxnTime.
	StmtTime int64
	// Ctx is the running statement's context: it ends when the statement
	// is cancelled or times out, and a function that waits (pg_sleep)
	// returns then with its cause. Nil means the statement cannot be
	// cancelled.
	Ctx context.Context
}

// EvalFunc computes one call of a scalar function.
type EvalFunc = func(ctx *Context, args []types.Datum) (types.Datum, error)

// Func is a scalar function or operator.
//
// Registered entries are shared and read-only. Resolve returns a copy bound
// to one call site: its Ret is the concrete result type for the resolved
// arguments (RetFunc is then nil) and its Eval may keep per-site caches.
// Eval is safe for concurrent use by several goroutines.
type Func struct {
	Name string
	// Args are the parameter types; they may be the polymorphic
	// pseudo-types Any, AnyElement, AnyArray, AnyNonArray, AnyCompatible.
	Args []types.Type
	// Variadic: the last parameter matches one or more arguments, as a
	// PostgreSQL VARIADIC parameter does (concat(a), concat(a, b, c)).
	Variadic bool
	// Ret is the result type (a pseudo-type for polymorphic functions in
	// the registry; always concrete on a Func returned by Resolve).
	Ret types.Type
	// RetFunc, when the result type depends on the argument types, maps
	// the resolved argument types to it; else nil.
	RetFunc func(args []types.Type) types.Type
	// Eval computes one call. args has one datum per argument, already
	// cast to the types Resolve returned. For a strict function (NullCall
	// false) none of them is NULL: the caller returns NULL instead of
	// calling Eval (see Call).
	Eval EvalFunc
	// NullCall is true when Eval handles NULL arguments itself (concat,
	// greatest). False means strict: any NULL argument gives NULL.
	NullCall bool
	// Volatile marks functions whose result may change between calls with
	// the same arguments (random(), clock_timestamp()): never constant-folded.
	Volatile bool

	// bind, when set, builds the evaluator for one call site from the
	// resolved argument types (polymorphic parameters, per-site caches).
	bind func(args []types.Type) EvalFunc
}

// Call evaluates f, applying the strictness rule: a strict function with a
// NULL argument returns NULL without running Eval.
func (f *Func) Call(ctx *Context, args []types.Datum) (types.Datum, error) {
	if !f.NullCall {
		for i := range args {
			if args[i].IsNull() {
				return types.Null, nil
			}
		}
	}
	return f.Eval(ctx, args)
}

// IsOperator reports whether f is an operator ("+", "||") rather than a
// function called by name.
func (f *Func) IsOperator() bool { return isOperatorName(f.Name) }

// Accumulator folds the rows of one group into an aggregate value. An
// Accumulator is used by one goroutine at a time.
type Accumulator interface {
	// Add folds one row's arguments in. args has one datum per aggregate
	// argument (none for count(*)); the slice may be reused after the
	// call, but the datums may be kept (min, max, array_agg keep values),
	// so string datums must not alias a buffer the caller reuses.
	// Built-in accumulators ignore rows whose arguments are NULL unless the
	// aggregate keeps NULLs.
	Add(ctx *Context, args []types.Datum) error
	// Result returns the aggregate of the rows added so far. It may be
	// called more than once, between Adds too; it does not change the
	// state.
	Result(ctx *Context) (types.Datum, error)
}

// Retractor is implemented by accumulators that can take back a row added
// before (streaming deletes and updates): Retract(row) after Add(row)
// leaves the state as if the row had never been added (exactly for
// integers, numerics and intervals; up to rounding for floating point).
// count, sum, avg and the variance family retract; min, max, bool_*,
// bit_*, string_agg, array_agg and json_agg do not.
type Retractor interface {
	Retract(ctx *Context, args []types.Datum) error
}

// Aggregate is an aggregate function.
//
// Registered entries are shared and read-only; ResolveAggregate returns a
// copy bound to the call whose Ret is concrete (RetFunc nil).
type Aggregate struct {
	Name string
	// Args are the parameter types (possibly polymorphic pseudo-types).
	// count(*) has none.
	Args []types.Type
	Ret  types.Type
	// RetFunc maps resolved argument types to the result type when it
	// depends on them, else nil.
	RetFunc func(args []types.Type) types.Type
	// New returns an empty accumulator for one group.
	New func() Accumulator
	// KeepNulls is true when rows with NULL arguments must reach the
	// accumulator (array_agg). Otherwise the aggregate is strict: the
	// caller may skip such rows, and the accumulator ignores them too.
	KeepNulls bool

	bind func(args []types.Type) func() Accumulator
}

// The polymorphic pseudo-types usable as parameter types. They are never
// the type of a value: Resolve replaces them by concrete types.
var (
	// Any matches an argument of any type, independently of the others
	// (PostgreSQL's "any").
	Any = pseudo(pAny)
	// AnyElement matches any type; all AnyElement and AnyNonArray
	// arguments, and the elements of AnyArray arguments, share one type.
	AnyElement = pseudo(pAnyElement)
	// AnyArray matches any array type.
	AnyArray = pseudo(pAnyArray)
	// AnyNonArray is AnyElement restricted to non-array types.
	AnyNonArray = pseudo(pAnyNonArray)
	// AnyCompatible matches any type; all AnyCompatible arguments are cast
	// to their common type (as in CASE or UNION).
	AnyCompatible = pseudo(pAnyCompatible)
)

const (
	pAny int32 = iota + 1
	pAnyElement
	pAnyArray
	pAnyNonArray
	pAnyCompatible
)

func pseudo(p int32) types.Type { return types.Type{ID: types.Void, Mod: p} }

// IsPolymorphic reports whether t is one of the pseudo-types above.
func IsPolymorphic(t types.Type) bool { return t.ID == types.Void && t.Mod != 0 }

// TypeString names a parameter type as PostgreSQL prints it: a concrete
// type by its SQL name, a pseudo-type as "anyelement", "\"any\"", ...
func TypeString(t types.Type) string {
	if IsPolymorphic(t) {
		switch t.Mod {
		case pAny:
			return `"any"`
		case pAnyElement:
			return "anyelement"
		case pAnyArray:
			return "anyarray"
		case pAnyNonArray:
			return "anynonarray"
		case pAnyCompatible:
			return "anycompatible"
		}
	}
	return types.Type{ID: t.ID, Elem: t.Elem}.String()
}

var (
	funcs = map[string][]*Func{}
	aggs  = map[string][]*Aggregate{}
)

// register adds functions to the registry; it runs from init functions
// only, before any lookup.
func register(fs ...*Func) {
	for _, f := range fs {
		if f.Eval == nil && f.bind == nil {
			panic("functions: " + f.Name + " has no evaluator")
		}
		funcs[f.Name] = append(funcs[f.Name], f)
	}
}

func registerAgg(as ...*Aggregate) {
	for _, a := range as {
		aggs[a.Name] = append(aggs[a.Name], a)
	}
}

// IsAggregate reports whether name is an aggregate function.
func IsAggregate(name string) bool {
	_, ok := aggs[normName(name)]
	return ok
}

// Exists reports whether a scalar function or operator of that name
// exists with any argument types.
func Exists(name string) bool {
	_, ok := funcs[normName(name)]
	return ok
}

// Overloads returns the registered overloads of a scalar function or
// operator (for catalogs and messages). The entries must not be modified.
func Overloads(name string) []*Func { return funcs[normName(name)] }

func normName(name string) string {
	if strings.HasPrefix(name, "pg_catalog.") {
		return name[len("pg_catalog."):]
	}
	return name
}

func isOperatorName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if !strings.ContainsRune("+-*/<>=~!@#%^&|`?", rune(name[i])) {
			return false
		}
	}
	return true
}

// Small constructors used by the registration tables.

func fn(name string, args []types.Type, ret types.Type, eval EvalFunc) *Func {
	return &Func{Name: name, Args: args, Ret: ret, Eval: eval}
}

func ts(t ...types.Type) []types.Type { return t }

var (
	tInt2      = types.TInt2
	tInt4      = types.TInt4
	tInt8      = types.TInt8
	tFloat4    = types.TFloat4
	tFloat8    = types.TFloat8
	tNumeric   = types.TNumeric
	tText      = types.TText
	tBool      = types.TBool
	tBytea     = types.TBytea
	tDate      = types.TDate
	tTime      = types.TTime
	tTS        = types.TTimestamp
	tTSTZ      = types.TTimestamptz
	tInterval  = types.TInterval
	tJSONB     = types.TJsonb
	tJSON      = types.TJson
	tUUID      = types.TUuid
	tTextArray = types.ArrayOf(types.Text)
	tBpchar    = types.TBpchar
)
