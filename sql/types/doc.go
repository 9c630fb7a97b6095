// Package types defines Eddy's SQL types and values.
//
// A Type is a PostgreSQL type (its OID is what clients see); a Datum is
// one value, a small struct with no per-value allocation for the common
// kinds:
//
//	Datum{k: KInt,         i: 42}
//	Datum{k: KFloat,       i: float64 bits}
//	Datum{k: KString,      s: "text"}
//	Datum{k: KTimestamptz, i: µs since 1970-01-01 UTC}
//	Datum{k: KInterval,    i: µs, j: months<<32 | days}
//	Datum{k: KDecimal,     p: *apd.Decimal}
//	Datum{k: KArray,       p: *[]Datum}
//
// Besides values the package owns everything that depends only on the
// type: comparison, the text and binary wire formats (PostgreSQL's), casts,
// and the two byte encodings used by storage: memcomparable keys (order of
// bytes = order of values) and compact row values.
package types
