package postgres

import (
	"context"
	"net"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/eddy-db/eddy/internal/pgtest"
)

// The package's tests share a throwaway PostgreSQL 15 server
// (internal/pgtest): each test gets its own database on it.

// pgPort is the shared server's port (set by testDB).
var pgPort int

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.StopShared()
	os.Exit(code)
}

// testDB creates a fresh database on the shared server and returns a
// connection to it (closed when the test ends) and its name. It skips the
// test when PostgreSQL is not installed, unless CI is set.
func testDB(t testing.TB) (*pgx.Conn, string) {
	t.Helper()
	pg := pgtest.Shared(t)
	pgPort = pg.Port
	conn, err := pgx.Connect(context.Background(), pg.DSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn, pg.Database
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
