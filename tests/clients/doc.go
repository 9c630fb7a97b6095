// Package clients holds Eddy's client compatibility tests: the same
// scenario run through the drivers and tools people point at a
// PostgreSQL-wire database, each checking what its client sees.
//
//	client    protocol as the client uses it               runs as
//	pgx       extended (cached statements, binary results)  Go test, in process
//	          and simple protocol; batch; COPY FROM/TO; SCRAM
//	lib/pq    database/sql, unnamed and named statements;   Go test, in process
//	          COPY FROM through pq.CopyIn
//	node pg   simple query and Parse/Bind/Execute, text     node/scenario.js
//	psycopg2  simple query, client-side parameters,         python/scenario.py
//	          BEGIN ... COMMIT around every statement
//	psql      simple query, \copy, error text on stderr     psql/*.sql, golden output
//
// The scenario: connect without warnings; create a table with a column of
// each basic type; insert rows with parameters, including NULLs and edge
// values; read them back with a parameterised WHERE and check each value
// and the Go, JavaScript or Python type the client gives it; run a failing
// statement, check its SQLSTATE and go on using the connection; roll back
// one transaction and commit another.
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
