package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
)

// A throwaway PostgreSQL 15 server shared by the package's tests: started
// on first use in a temporary directory (also its unix socket directory),
// listening on a free loopback port, stopped by TestMain. Each test gets
// its own database. tests/internal/pgtest does the same for the
// end-to-end tests; it is internal to tests/, so this package keeps a
// small copy of the idea.

type pgServer struct {
	dir, bin string
	port     int
	cred     *syscall.Credential // the postgres user when running as root
}

var (
	pgOnce sync.Once
	pgSrv  *pgServer
	pgErr  error
	pgSeq  int
	pgMu   sync.Mutex
)

var errNoPostgres = errors.New("PostgreSQL binaries (initdb, pg_ctl) not found")

func TestMain(m *testing.M) {
	code := m.Run()
	if pgSrv != nil {
		pgSrv.stop()
	}
	os.Exit(code)
}

// testDB creates a fresh database on the shared server and returns a
// connection to it (closed when the test ends) and its name. It skips the
// test when PostgreSQL is not installed, unless CI is set.
func testDB(t testing.TB) (*pgx.Conn, string) {
	t.Helper()
	pgOnce.Do(func() { pgSrv, pgErr = startPostgres() })
	if pgErr != nil {
		if errors.Is(pgErr, errNoPostgres) && os.Getenv("CI") == "" {
			t.Skip(pgErr)
		}
		t.Fatal(pgErr)
	}
	pgMu.Lock()
	pgSeq++
	name := fmt.Sprintf("sink_test_%d", pgSeq)
	pgMu.Unlock()
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, pgSrv.dsn("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, pgSrv.dsn(name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn, name
}

func (s *pgServer) dsn(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.port, db)
}

func startPostgres() (*pgServer, error) {
	s := &pgServer{}
	for _, dir := range pgBinDirs() {
		if _, err := os.Stat(filepath.Join(dir, "pg_ctl")); err == nil {
			s.bin = dir
			break
		}
	}
	if s.bin == "" {
		return nil, errNoPostgres
	}
	if os.Geteuid() == 0 { // PostgreSQL refuses to run as root
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("running as root and there is no postgres user to run PostgreSQL as: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		s.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}
	}
	var err error
	if s.dir, err = os.MkdirTemp("", "eddy-pgsink-"); err != nil {
		return nil, err
	}
	if s.cred != nil {
		if err := os.Chown(s.dir, int(s.cred.Uid), int(s.cred.Gid)); err != nil {
			os.RemoveAll(s.dir)
			return nil, err
		}
	}
	data := filepath.Join(s.dir, "data")
	if out, err := s.run("initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
		"--locale=C", "--no-sync"); err != nil {
		os.RemoveAll(s.dir)
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	for attempt := 0; ; attempt++ {
		if s.port, err = freePort(); err != nil {
			os.RemoveAll(s.dir)
			return nil, err
		}
		opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "+
			"-c full_page_writes=off -c max_connections=50 -c lc_messages=C", s.port, s.dir)
		out, err := s.run("pg_ctl", "-D", data, "-l", filepath.Join(s.dir, "log"), "-w", "-t", "60", "-o", opts, "start")
		if err == nil {
			return s, nil
		}
		log, _ := os.ReadFile(filepath.Join(s.dir, "log"))
		if attempt < 3 && strings.Contains(string(log), "could not bind") {
			continue
		}
		s.stop()
		return nil, fmt.Errorf("pg_ctl start: %v\n%s\n%s", err, out, log)
	}
}

func pgBinDirs() []string {
	var dirs []string
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		dirs = append(dirs, strings.TrimSpace(string(out)))
	}
	return append(dirs, "/usr/lib/postgresql/15/bin")
}

func (s *pgServer) run(name string, args ...string) ([]byte, error) {
	cmd := exec.Command(filepath.Join(s.bin, name), args...)
	cmd.Dir = s.dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + s.dir, "LC_ALL=C", "TZ=UTC"}
	if s.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	}
	return cmd.CombinedOutput()
}

func (s *pgServer) stop() {
	s.run("pg_ctl", "-D", filepath.Join(s.dir, "data"), "-m", "immediate", "-w", "stop")
	os.RemoveAll(s.dir)
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
