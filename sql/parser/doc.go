// Package parser turns SQL text into statements: PostgreSQL's own grammar
// (pg_query, the parser of PostgreSQL itself) for everything PostgreSQL
// knows, and a small front parser for the streaming statements of
// RisingWave's dialect that PostgreSQL lacks.
//
//	query string
//	     │  pg_query.Scan: PostgreSQL's tokens (quotes, dollar quotes, comments)
//	     ▼
//	split at top-level ';'  ──►  one token list per statement
//	     │
//	     ├─ CREATE TABLE / SOURCE / SINK / MATERIALIZED VIEW, SHOW, DESCRIBE,
//	     │  FLUSH, EXPLAIN, DROP SOURCE | SINK | SUBSCRIPTION
//	     │      front parser: own clauses (WITH (...), FORMAT ... ENCODE ...,
//	     │      INCLUDE, WATERMARK, `col type AS expr`, STRUCT<...>,
//	     │      EMIT ON WINDOW CLOSE, ...) ──► Statement.Eddy
//	     │      embedded pieces (column definitions, queries, expressions)
//	     │      ──► pg_query.Parse
//	     │
//	     └─ everything else (queries, DML, other DDL, SET, BEGIN, ...)
//	            pg_query.Parse ──► Statement.PG
//
// Queries anywhere may use RisingWave's lookup join, `rel FOR SYSTEM_TIME
// AS OF PROCTIME()`: the clause is taken out before PostgreSQL's grammar
// sees the query and the relation recorded in Statement.AsOfProcTime.
//
// Pieces handed to pg_query keep their byte offsets: the text given to it
// is the statement with the clauses Eddy parses itself overwritten by
// spaces (and, where PostgreSQL needs one, a keyword such as SELECT written
// into the blank), so the Location fields of PostgreSQL nodes are byte
// offsets into Statement.SQL and every error position, whichever parser
// found the error, is translated to a 1-based character position in the
// string given to Parse, as PostgreSQL reports it.
//
// Names. Every name in an Eddy node is the normalized form of a possibly
// qualified SQL name: each part folded to lower case unless it was
// double-quoted, truncated to 63 bytes, parts joined with "."
// ("public.t").
//
// Errors are *sqlerr.Error: 42601 syntax_error with PostgreSQL's messages
// (`syntax error at or near "FROMM"`, `syntax error at end of input`,
// `unterminated quoted string at or near "'abc"`), 0A000 for RisingWave
// statements Eddy does not implement (CREATE SUBSCRIPTION, ALTER ... SET
// PARALLELISM, ...), 54001 for statements nested too deeply for pg_query
// (checked on the tokens first: its C code would overflow its stack).
package parser
