package clients

import (
	"bytes"
	"context"
	"flag"
	"net"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

var update = flag.Bool("update", false, "rewrite the golden files with what the target prints (use with a PostgreSQL target)")

const (
	// targetEnv, when set to postgres:DSN, points the tests at that server
	// instead of an in-process Eddy.
	targetEnv = "EDDY_CLIENTS_TARGET"
	// passwordTargetEnv is the same for the tests that log in with a
	// password; the DSN must carry a user whose password is checked with
	// SCRAM-SHA-256.
	passwordTargetEnv = "EDDY_CLIENTS_PASSWORD_TARGET"

	// testPassword is the password of the in-process Eddy started for
	// the password tests.
	testPassword = "s3cret-pässword"
)

// target is the server a test's clients connect to.
type target struct {
	Host     string
	Port     int
	User     string
	Database string
	Password string
	// Postgres is true when the target is a real PostgreSQL named by
	// targetEnv or passwordTargetEnv.
	Postgres bool
}

// DSN is a libpq URL with sslmode=disable.
func (tg target) DSN() string {
	u := url.URL{
		Scheme:   "postgres",
		Host:     net.JoinHostPort(tg.Host, strconv.Itoa(tg.Port)),
		Path:     "/" + tg.Database,
		RawQuery: "sslmode=disable",
	}
	if tg.Password != "" {
		u.User = url.UserPassword(tg.User, tg.Password)
	} else {
		u.User = url.User(tg.User)
	}
	return u.String()
}

// startTarget returns the server for one test: a new in-process Eddy
// (trust authentication, or SCRAM when withPassword), or the PostgreSQL
// named by the environment. It skips the test when a password target is
// needed and the environment names none.
func startTarget(t *testing.T, withPassword bool) target {
	t.Helper()
	env := targetEnv
	if withPassword {
		env = passwordTargetEnv
	}
	if v := os.Getenv(env); v != "" {
		dsn, ok := strings.CutPrefix(v, "postgres:")
		if !ok {
			t.Fatalf("%s=%q: want postgres:DSN", env, v)
		}
		cfg, err := pgx.ParseConfig(dsn)
		if err != nil {
			t.Fatalf("%s: %v", env, err)
		}
		if withPassword && cfg.Password == "" {
			t.Fatalf("%s: the DSN has no password", env)
		}
		return target{Host: cfg.Host, Port: int(cfg.Port), User: cfg.User, Database: cfg.Database,
			Password: cfg.Password, Postgres: true}
	}
	if *update {
		t.Fatalf("-update rewrites the expected outputs: run it against PostgreSQL (%s)", env)
	}
	if withPassword && os.Getenv(targetEnv) != "" {
		t.Skipf("%s is set but %s is not", targetEnv, passwordTargetEnv)
	}
	pw := ""
	if withPassword {
		pw = testPassword
	}
	host, port := startEddy(t, pw)
	return target{Host: host, Port: port, User: "root", Database: "dev", Password: pw}
}

// dropTables removes tables (and the views over them) a previous run left
// on a shared PostgreSQL target; on a fresh Eddy there is nothing to drop.
func dropTables(t *testing.T, tg target, tables ...string) {
	t.Helper()
	if !tg.Postgres {
		return
	}
	ctx := testContext(t)
	conn, err := pgx.Connect(ctx, tg.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, tb := range tables {
		if _, err := conn.Exec(ctx, "DROP TABLE IF EXISTS "+tb+" CASCADE"); err != nil {
			t.Fatal(err)
		}
	}
}

// testContext bounds a test's client calls so that a server that stops
// answering fails the test instead of hanging it.
func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// inCI reports whether the tests run in continuous integration, where a
// missing client is an error rather than a reason to skip.
func inCI() bool { return os.Getenv("CI") != "" }

// needTool returns the path of an executable, or skips the test (fails it
// in CI) when it is not installed.
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		missing(t, "%s is not installed: %v", name, err)
	}
	return p
}

// missing skips the test, or fails it in CI.
func missing(t *testing.T, format string, args ...any) {
	t.Helper()
	if inCI() {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// result is what an external client printed and how it exited.
type result struct {
	Stdout, Stderr string
	Code           int
}

// run runs an external client in dir with extra environment variables and
// returns its output and exit code; failing to start it fails the test.
func run(t *testing.T, dir string, env []string, name string, args ...string) result {
	t.Helper()
	ctx := testContext(t)
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{Stdout: out.String(), Stderr: errb.String()}
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("run %s: %v", name, err)
		}
		r.Code = ee.ExitCode()
	}
	return r
}

// cleanEnv is the environment without the libpq variables (PGHOST,
// PGPORT, PGPASSWORD, PGOPTIONS ...) that would change where or how a
// client connects.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PG") || strings.HasPrefix(kv, "TZ=") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// quoteArgs renders a command line for failure messages.
func quoteArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = strconv.Quote(a)
	}
	return strings.Join(q, " ")
}
