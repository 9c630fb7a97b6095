// Package eddytest starts Eddy servers for end-to-end tests: in process
// (fast, for most tests) or as a child process built from ./cmd/eddy (for
// crash tests that kill -9 it). Both listen on 127.0.0.1 only.
package eddytest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/eddy-db/eddy/pgwire"
	"github.com/eddy-db/eddy/sql"
)

// Server is a running Eddy.
type Server struct {
	Host string
	Port int
	Dir  string
	// DSN is a libpq URL for user root on database dev.
	DSN string

	eng *sql.Engine
	srv *pgwire.Server
}

// Options change how Start configures the server.
type Options struct {
	// Dir is the data directory (default: a new temporary directory).
	Dir string
	// AuthMethod and Password turn on password authentication.
	AuthMethod string
	Password   string
	// Logs receives the server's log (default: discarded).
	Logs io.Writer
}

// Start runs Eddy in this process on a free loopback port; it stops at
// the end of the test.
func Start(t testing.TB, opts ...Options) *Server {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.Dir == "" {
		o.Dir = t.TempDir()
	}
	logs := o.Logs
	if logs == nil {
		logs = io.Discard
	}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	eng, err := sql.Open(o.Dir, sql.Options{Logger: log})
	if err != nil {
		t.Fatalf("open eddy: %v", err)
	}
	cfg := pgwire.Config{Engine: eng, Logger: log}
	if o.Password != "" {
		cfg.AuthMethod = o.AuthMethod
		if cfg.AuthMethod == "" {
			cfg.AuthMethod = pgwire.AuthSCRAM
		}
		pw := o.Password
		cfg.Password = func(string) (string, bool) { return pw, true }
	}
	srv := pgwire.New(cfg)
	addr, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		_ = eng.Close()
		t.Fatalf("listen: %v", err)
	}
	tcp := addr.(*net.TCPAddr)
	s := &Server{Host: "127.0.0.1", Port: tcp.Port, Dir: o.Dir, eng: eng, srv: srv}
	s.DSN = fmt.Sprintf("postgres://root@127.0.0.1:%d/dev?sslmode=disable", tcp.Port)
	t.Cleanup(s.Stop)
	return s
}

// Engine returns the in-process engine.
func (s *Server) Engine() *sql.Engine { return s.eng }

// Stop closes the server and its store (idempotent).
func (s *Server) Stop() {
	if s.srv != nil {
		_ = s.srv.Close()
		s.srv = nil
	}
	if s.eng != nil {
		_ = s.eng.Close()
		s.eng = nil
	}
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// Binary builds ./cmd/eddy once per test binary and returns its path.
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		_, file, _, _ := runtime.Caller(0)
		root := filepath.Join(filepath.Dir(file), "..", "..", "..")
		dir, err := os.MkdirTemp("", "eddy-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "eddy")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/eddy")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/eddy: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// Process is Eddy running as a child process.
type Process struct {
	Dir  string
	Port int
	DSN  string
	cmd  *exec.Cmd
	t    testing.TB
	logs *os.File
}

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// StartProcess runs the eddy binary on dir (created if needed) and waits
// until it accepts connections. The process is killed at the end of the
// test if still running.
func StartProcess(t testing.TB, dir string, args ...string) *Process {
	t.Helper()
	bin := Binary(t)
	port := FreePort(t)
	logs, err := os.CreateTemp(t.TempDir(), "eddy-log-")
	if err != nil {
		t.Fatal(err)
	}
	all := append([]string{"--listen", fmt.Sprintf("127.0.0.1:%d", port), "--data-dir", dir, "--log-level", "warn"}, args...)
	cmd := exec.Command(bin, all...)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &Process{Dir: dir, Port: port, cmd: cmd, t: t, logs: logs,
		DSN: fmt.Sprintf("postgres://root@127.0.0.1:%d/dev?sslmode=disable", port)}
	t.Cleanup(func() { p.Kill() })
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 200*time.Millisecond)
		if err == nil {
			c.Close()
			return p
		}
		if cmd.ProcessState != nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.Kill()
	out, _ := os.ReadFile(logs.Name())
	t.Fatalf("eddy did not start on port %d:\n%s", port, out)
	return nil
}

// Kill sends SIGKILL and waits for the process to exit.
func (p *Process) Kill() {
	if p.cmd.Process == nil || p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	_ = p.cmd.Wait()
}

// Stop sends SIGTERM and waits (up to ctx) for a clean exit.
func (p *Process) Stop(ctx context.Context) error {
	if p.cmd.ProcessState != nil {
		return nil
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		p.Kill()
		return ctx.Err()
	}
}

// Logs returns what the process printed so far.
func (p *Process) Logs() string {
	b, _ := os.ReadFile(p.logs.Name())
	return string(b)
}
