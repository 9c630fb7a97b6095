// Package pgtest starts throwaway PostgreSQL 15 servers for tests, so
// that PostgreSQL can serve as an oracle: the same SQL run on Eddy and on
// PostgreSQL must give the same answer wherever Eddy follows PostgreSQL.
//
// A server lives in a temporary directory:
//
//	<tmp>/pgtest-NNN/            owned by the server's user; also the unix socket dir
//	    data/                    the cluster (initdb -A trust -U postgres --locale=C)
//	    server.log               the postmaster's log, shown when start-up fails
//
// It listens on a free port of 127.0.0.1 only, with fsync off, TimeZone
// UTC and the C locale (bytewise text ordering, English messages), which
// matches Eddy's defaults. Start gives a test its own server; Shared gives
// each caller a fresh database on one server per test binary, which
// TestMain stops with StopShared.
//
// PostgreSQL refuses to run as root, so when the test runs as root the
// server runs as the system user "postgres" (created with useradd when
// missing). When the binaries are not installed the test is skipped, or
// fails when the CI environment variable is set.
package pgtest
