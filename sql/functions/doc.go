// Package functions is Eddy's library of built-in scalar functions,
// operators and aggregates, with PostgreSQL 15's names, overloads, result
// types, numeric scales and error codes.
//
// The binder looks a call up by name and argument types; the executor then
// calls the chosen entry once per row:
//
//	binder:    Resolve("+", [int4, numeric])  -> *Func{Ret: numeric}, casts [numeric, numeric]
//	           ResolveAggregate("sum", [int4]) -> *Aggregate{Ret: int8}, casts [int4]
//	executor:  f.Eval(ctx, [1, 2.5])          -> 3.5            (per row, no allocation for ints)
//	           acc := agg.New(); acc.Add(ctx, row)...; acc.Result(ctx)
//
// Operators and functions share one registry: operator names are the
// symbols ("+", "||", "~~", "->"), unary operators take one argument.
// Comparison, boolean logic, CASE, COALESCE, IN and casts are not here:
// the binder and executor handle them generically.
//
// Resolution follows PostgreSQL's func_select_candidate: an exact match
// wins; otherwise the candidates reachable through implicit casts are
// narrowed by exact matches, then preferred types, then the category of
// untyped literals. Polymorphic parameters (anyelement, anyarray,
// anynonarray, anycompatible, "any") are bound to concrete types per call:
// Resolve returns a *Func specialised for the call site, so per-site state
// such as a compiled LIKE or regular-expression pattern lives with it.
//
// Aggregates are strict unless Aggregate.KeepNulls says otherwise (the
// caller may skip rows with NULL arguments; the accumulators skip them
// anyway). count, sum, avg and the variance family also implement
// Retractor, so a streaming aggregation can take deleted rows back out.
//
// Values are types.Datum. A numeric is an *apd.Decimal whose exponent is
// minus PostgreSQL's display scale; results follow PostgreSQL's scale
// rules (1::numeric/3 is 0.33333333333333333333). A jsonb value is
// PostgreSQL's canonical jsonb text ({"a": 1, "b": [1, 2]}, keys ordered by
// length then bytes); a json value is its text as written.
package functions
