package pgtest

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) {
	code := m.Run()
	StopShared()
	os.Exit(code)
}

func connect(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect %s: %v", dsn, err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func queryString(t *testing.T, conn *pgx.Conn, sql string) string {
	t.Helper()
	var s string
	if err := conn.QueryRow(context.Background(), sql).Scan(&s); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return s
}

func TestStart(t *testing.T) {
	pg := Start(t)
	if pg.Host != "127.0.0.1" || pg.Port == 0 || pg.Database != "postgres" {
		t.Fatalf("unexpected handle %+v", pg)
	}
	conn := connect(t, pg.DSN)
	settings := []struct{ sql, want string }{
		{"SHOW server_version_num", "15"}, // prefix
		{"SHOW TimeZone", "UTC"},
		{"SHOW lc_collate", "C.UTF-8"},
		{"SHOW fsync", "off"},
		{"SHOW listen_addresses", "127.0.0.1"},
		{"SELECT current_user", "postgres"},
		{"SELECT current_database()", "postgres"},
		{"SHOW server_encoding", "UTF8"},
	}
	for _, s := range settings {
		got := queryString(t, conn, s.sql)
		if s.sql == "SHOW server_version_num" {
			got = got[:2]
		}
		if got != s.want {
			t.Errorf("%s = %q, want %q", s.sql, got, s.want)
		}
	}
	// Text sorts bytewise, as on Eddy.
	if got := queryString(t, conn, "SELECT string_agg(x, ',' ORDER BY x) FROM (VALUES ('b'), ('B'), ('a')) v(x)"); got != "B,a,b" {
		t.Errorf("C collation order = %q, want B,a,b", got)
	}

	conn.Close(context.Background())
	pg.Stop()
	pg.Stop() // idempotent
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if c, err := pgx.Connect(ctx, pg.DSN); err == nil {
		c.Close(ctx)
		t.Fatal("connect after Stop succeeded")
	}
}

func TestSharedFreshDatabases(t *testing.T) {
	var dsns []string
	for _, name := range []string{"a", "b"} {
		t.Run(name, func(t *testing.T) {
			pg := Shared(t)
			if !strings.HasPrefix(pg.Database, "t_testsharedfreshdatabases_"+name+"_") {
				t.Errorf("database name %q does not derive from the test name", pg.Database)
			}
			dsns = append(dsns, pg.DSN)
			conn := connect(t, pg.DSN)
			if got := queryString(t, conn, "SELECT current_database()"); got != pg.Database {
				t.Errorf("current_database() = %q, want %q", got, pg.Database)
			}
			// Each caller's database starts empty: a table created by the
			// first subtest is not visible in the second.
			if got := queryString(t, conn, "SELECT count(*)::text FROM pg_tables WHERE schemaname = 'public'"); got != "0" {
				t.Errorf("fresh database has %s tables", got)
			}
			if _, err := conn.Exec(context.Background(), "CREATE TABLE t (a int)"); err != nil {
				t.Fatal(err)
			}
			// Shared handles do not own the server.
			pg.Stop()
			if got := queryString(t, conn, "SELECT 'alive'"); got != "alive" {
				t.Errorf("server stopped by a shared handle")
			}
		})
	}
	if len(dsns) != 2 || dsns[0] == dsns[1] {
		t.Fatalf("Shared DSNs %q are not distinct", dsns)
	}
	// Both callers used the same server.
	if strings.Split(dsns[0], "/")[2] != strings.Split(dsns[1], "/")[2] {
		t.Errorf("Shared started two servers: %q", dsns)
	}
}

func TestSharedDropsDatabase(t *testing.T) {
	var name string
	t.Run("inner", func(t *testing.T) {
		name = Shared(t).Database
	})
	admin := Shared(t)
	conn := connect(t, admin.DSN)
	var n int
	if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("database %s still exists after its test ended", name)
	}
}

func TestDBName(t *testing.T) {
	cases := []struct {
		test string
		seq  int
		want string
	}{
		{"TestSLT", 1, "t_testslt_1"},
		{"TestSLTPostgres/select.slt", 12, "t_testsltpostgres_select_slt_12"},
		{"Test-Ünï", 3, "t_test__n__3"},
		{strings.Repeat("x", 100), 7, "t_" + strings.Repeat("x", 59) + "_7"},
	}
	for _, c := range cases {
		got := dbName(c.test, c.seq)
		if got != c.want {
			t.Errorf("dbName(%q, %d) = %q, want %q", c.test, c.seq, got, c.want)
		}
		if len(got) > 63 {
			t.Errorf("dbName(%q) longer than 63 bytes", c.test)
		}
	}
}
