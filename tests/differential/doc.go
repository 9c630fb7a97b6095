// Package differential compares Eddy with PostgreSQL 15 on generated
// queries: the same schema and rows go into both, then a few hundred
// random SELECTs run on each and their results must agree.
//
//	seed ──► Generator ──► Setup(): CREATE TABLE + multi-row INSERTs ──► Eddy, PostgreSQL
//	              └──────► Next():  SELECT ───────────────────────────► Eddy, PostgreSQL
//	                                                                      │
//	                        Compare(query, eddy result, postgres result) ◄┘
//
// # Schema
//
//	items  (id int PK, grp smallint, qty int, big bigint, price numeric(12,3), score double,
//	        name varchar, note text, flag bool, d date, ts timestamp, tstz timestamptz, dur interval)
//	events (uid bigint, seq int, kind varchar, amount numeric(12,3), ratio double,
//	        at timestamptz, day date, ok bool, tag text,  PRIMARY KEY (uid, seq))
//	dims   (code varchar PK, label text, weight smallint, since date, span interval, rate numeric(12,3))
//	logs   (item_id int, uid bigint, lvl smallint, msg text, val double, t timestamp, amt numeric(12,3))
//	       no key; some rows repeated whole; val holds NaN and ±Infinity
//
// Queries join along edges that match overlapping values (items.id =
// logs.item_id, events.uid = logs.uid, items.grp = dims.weight,
// events.kind = dims.code, ...), so joins return rows without exploding.
// Nullable columns hold NULLs; text holds unicode, empty strings, quotes
// and LIKE wildcards. Doubles are multiples of 1/8 (sums exact in any
// order) with some decimal fractions; intervals keep their fields in
// range so that no two different texts denote equal intervals.
//
// # Queries
//
// The generator is typed: each expression has a PostgreSQL type, so
// every query is valid, and the values stay in ranges where no
// arithmetic overflows and no division is by zero, so a query fails
// only when it is written to (Query.ExpectError) and then must fail on
// both servers with one SQLSTATE. It covers projections with arithmetic,
// string, date and conditional expressions and casts; WHERE with
// comparisons, AND/OR/NOT, IS NULL, BETWEEN, IN, LIKE/ILIKE and point and
// range predicates on primary keys; GROUP BY with the usual aggregates,
// FILTER and HAVING; inner, outer, comma, USING, null-safe and band
// joins, with filters on one side inside ON; derived tables, VALUES
// lists, CTEs and EXISTS, IN and scalar subqueries, correlated or not,
// nested, and referring to grouping columns; set operations, with
// parenthesized top-N branches; DISTINCT and DISTINCT ON; ORDER BY every
// output column (plus, sometimes, other expressions) with NULLS
// FIRST/LAST, LIMIT, OFFSET and FETCH FIRST. It leaves out what
// legitimately differs: LIMIT without a total order, now(), random(),
// order-sensitive aggregates without ORDER BY, and what Eddy does not
// claim (window functions, LATERAL, arrays, SIMILAR TO, row
// constructors). Constants at the top of gen.go turn families of
// constructs off, to look past a known failure.
//
// # Comparison
//
// Results compare as multisets of rows, or in order when the query
// orders by all its output columns; values as text exactly, except
// doubles and values computed from aggregates of doubles, which compare
// numerically within a relative Tolerance. Column types (OIDs) must
// match; errors must match by SQLSTATE.
//
// # Running
//
//	go test ./tests/differential                                  # 400 queries, seed 1
//	go test ./tests/differential -run TestDifferential -args -n 5000 -seed 42
//	EDDY_DIFF_SEED=42 go test ./tests/differential
//	go test ./tests/differential -run TestDifferential -args -seed 42 -only 17   # one query, both results
//
// Every reported mismatch names the seed and the query's number. A query
// still running after -query-timeout (10s; PostgreSQL needs well under a
// second for any of them) is canceled, logged and skipped: the test
// guards against hangs but does not time anything.
package differential
