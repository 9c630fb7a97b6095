// Package slt runs sqllogictest files against a PostgreSQL-wire server:
// Eddy, or PostgreSQL 15 as an oracle. The files live in testdata/*.slt;
// TestSLT runs each against a fresh Eddy, TestSLTPostgres against a fresh
// database of a throwaway PostgreSQL. Rewrite the expected results from
// the actual ones with
//
//	go test ./tests/slt -run TestSLT -args -rewrite [-engine eddy|postgres]
//
// # Format
//
// A file is a sequence of records separated by blank lines, in the
// dialect RisingWave and CockroachDB use:
//
//	# a comment
//	statement ok
//	CREATE TABLE t (k int PRIMARY KEY, v text)
//
//	statement count 2
//	INSERT INTO t VALUES (1, 'a'), (2, NULL)
//
//	statement error 23502 null value in column "k"
//	INSERT INTO t VALUES (NULL, 'x')
//
//	query IT rowsort
//	SELECT k, v FROM t
//	----
//	1 a
//	2 NULL
//
//	query error 42703
//	SELECT nope FROM t
//
//	skipif postgres
//	onlyif eddy
//	halt
//
// The SQL of a record runs through the simple query protocol, so every
// value arrives as the text PostgreSQL's output functions print. It may
// span several lines and hold several statements; a query compares the
// rows of the last one.
//
// statement ok passes when the SQL runs without error; statement count N
// also checks the affected-row count of the last command tag.
//
// statement error and query error take a pattern: when its first word is
// a five-character SQLSTATE (digits and capitals, at least one digit) the
// error's code must equal it and the rest, if any, is a regular
// expression the error message must match; otherwise the whole pattern is
// a regular expression on the message. An empty pattern accepts any
// error.
//
// query takes one letter per result column (I int, T text, R float,
// B bool, D datetime; any letter is accepted and only their number is
// checked) and a sort mode: nosort (the default) compares rows in the
// order returned, rowsort sorts expected and actual rows before
// comparing, valuesort sorts all values and expects one value per line.
// Each expected row is the row's values joined by a single space, NULL
// printed as NULL, the empty string as (empty), and a newline inside a
// value as \n. Rows compare as whole lines with trailing blanks removed,
// so values containing spaces need no quoting.
//
// skipif <engine> and onlyif <engine> lines before a record (engines:
// eddy, postgres) skip it on, or run it only on, that engine; in the
// testdata each group of them follows a "# reason: ..." comment saying
// why the engines differ (TestConditionReasons checks it). halt ends the
// file.
//
// Each file runs on one connection, so session state (transactions,
// settings) carries from record to record; the runner reconnects only
// when the connection is lost.
package slt
