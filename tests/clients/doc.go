// Package clients holds Eddy's client compatibility tests: the same
// scenario run through the drivers and tools people point at a
// PostgreSQL-wire database, each checking what its client sees.
//
//	client    protocol as the client uses it               runs as
//	pgx       extended (cached statements, binary results)  Go test, in process
//	          and simple protocol; batch; COPY FROM/TO; SCRAM
//	lib/pq    database/sql, unnamed and named statements;   Go test, in process
//	          COPY FROM through pq.CopyIn
//	node pg   simple query and Parse/Bind/Execute, text;    node/scenario.js
//	          COPY FROM/TO through pg-copy-streams
//	psycopg2  simple query, client-side parameters,         python/scenario.py
//	          BEGIN ... COMMIT around every statement;
//	          copy_expert and copy_from
//	psql      simple query, \copy, error text on stderr     psql/*.sql, golden output;
//	          on a terminal: Ctrl-C, tab completion, \x,    TestPsqlCancel and the
//	          \timing, \copy FROM STDIN typed at ">>"       psql_interactive_test.go
//	                                                       tests (a pty, ptySession)
//
// The scenario, the same for every client:
//
//   - connect without warnings (checking the reported parameters);
//   - create a table with a column of each basic type; insert rows with
//     parameters, including NULLs and edge values; read them back with a
//     parameterised WHERE and check each value and the Go, JavaScript or
//     Python type the client gives it (pgx in binary and in text);
//   - errors: an unknown table (42P01), an unknown column (42703), division
//     by zero while the statement runs (22012), each followed by a query
//     on the same connection;
//   - the windowed view: an events table, a materialized view counting and
//     summing per one-minute TUMBLE window of a timestamptz column, rows
//     inserted with parameters, FLUSH, the view read with a timestamptz
//     parameter, one more row, FLUSH, the window read again;
//   - a value of every type (bool, int2/4/8, float4/8, numeric, text,
//     varchar, bytea, date, time, timestamp, timestamptz, interval, jsonb,
//     uuid, int and text arrays) sent as a parameter and read back, then
//     the same with every parameter NULL; pgx reads them in the formats it
//     picks, all in text and all in binary;
//   - cancelling SELECT pg_sleep(30) with the client's own mechanism
//     (pgx: PgConn.CancelRequest and a cancelled context; lib/pq: a
//     cancelled context; node: client.cancel; psycopg2: conn.cancel(); psql:
//     Ctrl-C), then with statement_timeout, and going on after each;
//   - roll back one transaction and commit another;
//   - psql on a terminal also: TAB completing table, materialized view,
//     schema-qualified and column names (psql's catalog queries) and
//     listing the names that share a prefix, \x and \x auto, \timing,
//     \copy FROM STDIN with rows typed at its prompt (and a bad one,
//     shown with its CONTEXT line), \copy (SELECT ...) TO STDOUT;
//   - pgx also: its statement cache (one Parse for many runs), a statement
//     prepared by name, batches, COPY FROM and COPY TO;
//   - node and psycopg2 also: COPY FROM STDIN in text (sent in pieces that
//     cut lines and characters) and CSV, with NULLs, escaped tabs,
//     newlines and backslashes, quoted CSV values; a COPY failing on a
//     bad value (and in node one the client abandons, CopyFail), with the
//     context naming the line; COPY (SELECT ...) TO STDOUT in text and
//     CSV.
//
// PostgreSQL has no TUMBLE and no FLUSH: against it the view is a plain
// view grouping by date_bin, which gives the same rows (streamSQL).
//
// Every test starts its own in-process Eddy on a loopback port. To check
// the expectations themselves against PostgreSQL 15, set
//
//	EDDY_CLIENTS_TARGET=postgres:postgres://root@127.0.0.1:55432/dev
//
// and, for the password tests, EDDY_CLIENTS_PASSWORD_TARGET=postgres:DSN
// naming a superuser whose password pg_hba.conf checks with
// scram-sha-256 (for instance `CREATE ROLE scram LOGIN SUPERUSER PASSWORD
// 'x'` and `host all scram 127.0.0.1/32 scram-sha-256` before the trust
// lines). The expected outputs of the scripts (node/expected.txt,
// python/expected.txt, psql/*.out, psql/*.err, psql/copy_out.csv) are
// rewritten from such a PostgreSQL with go test -update; the Go drivers'
// expectations are written in the tests. Tests of a client that is not
// installed are skipped, except when the CI environment variable is set,
// where they fail.
package clients
