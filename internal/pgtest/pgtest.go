package pgtest

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
	"time"

	"github.com/jackc/pgx/v5"
)

// FallbackBinDir is where the PostgreSQL 15 binaries are looked for when
// pg_config is not on PATH or points at a directory without them.
const FallbackBinDir = "/usr/lib/postgresql/15/bin"

// PG is a running PostgreSQL server and one database on it.
type PG struct {
	// DSN is a libpq URL for the superuser postgres on Database.
	DSN string
	// Host is always 127.0.0.1.
	Host string
	// Port is the server's TCP port.
	Port int
	// Database is the database DSN connects to ("postgres" for Start,
	// a fresh one per caller for Shared).
	Database string

	srv *server // nil for the per-caller handles of the shared server
}

// server is one postmaster and its directory.
type server struct {
	dir  string // temporary directory, removed by stop
	data string // cluster directory
	bin  string // directory holding initdb, pg_ctl
	port int
	cred *syscall.Credential // user the server runs as; nil for the current user

	stopOnce sync.Once
}

// errMissing reports that the PostgreSQL binaries are not installed.
var errMissing = errors.New("pgtest: PostgreSQL binaries (initdb, pg_ctl) not found")

// Start runs a new PostgreSQL server for the test and returns it with
// DSN pointing at database postgres. The server is stopped and its
// directory removed when the test ends.
func Start(t testing.TB) *PG {
	t.Helper()
	srv, err := startServer(false)
	if err != nil {
		fail(t, err)
	}
	t.Cleanup(srv.stop)
	pg := srv.handle("postgres")
	pg.srv = srv
	return pg
}

// Stop stops a server returned by Start before the end of its test
// (idempotent). It does nothing on a handle returned by Shared.
func (p *PG) Stop() {
	if p.srv != nil {
		p.srv.stop()
	}
}

var (
	sharedMu  sync.Mutex
	shared    *server
	sharedErr error
	sharedSeq int
)

// Shared returns a fresh, empty database on the test binary's shared
// server, starting the server on first use. The database is dropped when
// the test ends; the server keeps running until StopShared, which the
// package's TestMain must call after m.Run. Safe for concurrent use.
func Shared(t testing.TB) *PG {
	t.Helper()
	sharedMu.Lock()
	if shared == nil && sharedErr == nil {
		shared, sharedErr = startServer(false)
	}
	srv, err := shared, sharedErr
	sharedSeq++
	seq := sharedSeq
	sharedMu.Unlock()
	if err != nil {
		fail(t, err)
	}

	name := dbName(t.Name(), seq)
	admin := srv.handle("postgres")
	if err := execAdmin(admin.DSN, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		// FORCE ends connections the test left open.
		if err := execAdmin(admin.DSN, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("pgtest: drop database %s: %v", name, err)
		}
	})
	return srv.handle(name)
}

// StopShared stops the shared server, if one was started, and removes
// its directory. A later Shared starts a new one.
func StopShared() {
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if shared != nil {
		shared.stop()
	}
	shared, sharedErr = nil, nil
}

// fail skips the test when PostgreSQL is not installed (fails it under
// CI) and fails it for any other start-up error.
func fail(t testing.TB, err error) {
	t.Helper()
	if errors.Is(err, errMissing) && os.Getenv("CI") == "" {
		t.Skip(err)
	}
	t.Fatal(err)
}

// dbName turns a test name into a valid, unique, unquoted identifier.
func dbName(test string, seq int) string {
	var b strings.Builder
	b.WriteString("t_")
	for _, r := range strings.ToLower(test) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	s := b.String()
	suffix := "_" + strconv.Itoa(seq)
	if len(s) > 63-len(suffix) {
		s = s[:63-len(suffix)]
	}
	return s + suffix
}

func execAdmin(dsn, stmt string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, stmt)
	return err
}

func (s *server) handle(db string) *PG {
	return &PG{
		DSN:      fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.port, db),
		Host:     "127.0.0.1",
		Port:     s.port,
		Database: db,
	}
}

// binDir finds the directory holding initdb and pg_ctl.
func binDir() (string, error) {
	has := func(dir string) bool {
		for _, f := range []string{"initdb", "pg_ctl", "postgres"} {
			if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
				return false
			}
		}
		return true
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		if dir := strings.TrimSpace(string(out)); has(dir) {
			return dir, nil
		}
	}
	if has(FallbackBinDir) {
		return FallbackBinDir, nil
	}
	return "", errMissing
}

// serverUser returns the credential to run PostgreSQL with: nil unless
// the process is root, else the postgres system user (created if needed).
func serverUser() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		out, aerr := exec.Command("useradd", "--system", "--user-group", "--no-create-home",
			"--shell", "/usr/sbin/nologin", "postgres").CombinedOutput()
		if aerr != nil {
			return nil, fmt.Errorf("pgtest: useradd postgres: %v: %s", aerr, out)
		}
		if u, err = user.Lookup("postgres"); err != nil {
			return nil, fmt.Errorf("pgtest: user postgres: %v", err)
		}
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, err
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, err
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}, nil
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

// startServer runs initdb and pg_ctl start; on error nothing is left
// running or on disk.
func startServer(durable bool) (*server, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	cred, err := serverUser()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		return nil, err
	}
	s := &server{dir: dir, data: filepath.Join(dir, "data"), bin: bin, cred: cred}
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	if out, err := s.run("initdb", "-D", s.data, "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions"); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("pgtest: initdb: %v\n%s", err, out)
	}
	logFile := filepath.Join(dir, "server.log")
	// The port is free when chosen but may be taken before the postmaster
	// binds it; try a few.
	for attempt := 0; ; attempt++ {
		if s.port, err = freePort(); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		settings := []string{
			"-p", strconv.Itoa(s.port),
			"-k", dir,
			"-c", "listen_addresses=127.0.0.1",
			"-c", "max_connections=40",
			"-c", "TimeZone=UTC",
			"-c", "lc_messages=C",
		}
		if durable {
			settings = append(settings, "-c", "shared_buffers=256MB")
		} else {
			settings = append(settings, "-c", "fsync=off", "-c", "synchronous_commit=off",
				"-c", "full_page_writes=off", "-c", "shared_buffers=16MB")
		}
		opts := strings.Join(settings, " ")
		out, err := s.run("pg_ctl", "-D", s.data, "-l", logFile, "-w", "-t", "60", "-o", opts, "start")
		if err == nil {
			return s, nil
		}
		log, _ := os.ReadFile(logFile)
		if attempt < 3 && strings.Contains(string(log), "could not bind") {
			continue
		}
		// pg_ctl may have left a postmaster behind after a time-out.
		_, _ = s.run("pg_ctl", "-D", s.data, "-m", "immediate", "-w", "stop")
		os.RemoveAll(dir)
		return nil, fmt.Errorf("pgtest: pg_ctl start: %v\n%s\n%s", err, out, log)
	}
}

// run executes one of the PostgreSQL binaries as the server's user.
func (s *server) run(name string, args ...string) ([]byte, error) {
	cmd := exec.Command(filepath.Join(s.bin, name), args...)
	cmd.Dir = s.dir
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + s.dir,
		"LC_ALL=C",
		"LANG=C",
		"TZ=UTC",
	}
	if s.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	}
	return cmd.CombinedOutput()
}

// stop shuts the server down at once and removes its directory.
func (s *server) stop() {
	s.stopOnce.Do(func() {
		_, _ = s.run("pg_ctl", "-D", s.data, "-m", "immediate", "-w", "stop")
		_ = os.RemoveAll(s.dir)
	})
}

// Server is a PostgreSQL server started outside a test (benchmarks).
type Server struct {
	// DSN is a libpq URL for the superuser postgres on database postgres.
	DSN  string
	Port int
	// BinDir holds the PostgreSQL programs (pgbench among them).
	BinDir string
	srv    *server
}

// Launch starts a PostgreSQL server on a free loopback port. With
// durable set it keeps PostgreSQL's default durability (fsync and
// synchronous commit on), as a fair baseline for write benchmarks.
func Launch(durable bool) (*Server, error) {
	srv, err := startServer(durable)
	if err != nil {
		return nil, err
	}
	return &Server{DSN: fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", srv.port), Port: srv.port, BinDir: srv.bin, srv: srv}, nil
}

// Stop shuts the server down and removes its files.
func (s *Server) Stop() { s.srv.stop() }
