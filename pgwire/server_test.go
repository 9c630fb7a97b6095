package pgwire

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/eddy-db/eddy/sql"
)

// testServer runs an in-process server on a loopback port.
func testServer(t testing.TB, cfg Config) (addr string, eng *sql.Engine) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	eng, err := sql.Open(t.TempDir(), sql.Options{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Engine, cfg.Logger = eng, log
	srv := New(cfg)
	a, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = srv.Close()
		_ = eng.Close()
	})
	return a.String(), eng
}

func dsn(addr string) string { return "postgres://root@" + addr + "/dev?sslmode=disable" }

func connect(t testing.TB, addr string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(context.Background(), dsn(addr))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	return c
}

// rawStartup dials and completes the startup handshake by hand.
func rawStartup(t testing.TB, addr string) (net.Conn, *pgproto3.Frontend) {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	_ = nc.SetDeadline(time.Now().Add(10 * time.Second))
	fe := pgproto3.NewFrontend(nc, nc)
	fe.Send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30, Parameters: map[string]string{"user": "root", "database": "dev"}})
	if err := fe.Flush(); err != nil {
		t.Fatal(err)
	}
	for {
		msg, err := fe.Receive()
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := msg.(*pgproto3.ReadyForQuery); ok {
			return nc, fe
		}
	}
}

func TestStartupParameters(t *testing.T) {
	addr, _ := testServer(t, Config{})
	c := connect(t, addr)
	pc := c.PgConn()
	for name, want := range map[string]string{
		"server_version": "15.0 (Eddy 0.1.0)", "client_encoding": "UTF8", "standard_conforming_strings": "on",
		"DateStyle": "ISO, MDY", "integer_datetimes": "on", "TimeZone": "UTC", "IntervalStyle": "postgres",
		"session_authorization": "root", "is_superuser": "on",
	} {
		if got := pc.ParameterStatus(name); got != want {
			t.Errorf("ParameterStatus(%s) = %q, want %q", name, got, want)
		}
	}
	if pc.PID() == 0 {
		t.Error("no BackendKeyData")
	}
	// The empty query that pgx's Ping sends.
	if err := c.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestUnknownDatabase(t *testing.T) {
	addr, _ := testServer(t, Config{})
	_, err := pgx.Connect(context.Background(), "postgres://root@"+addr+"/nope?sslmode=disable")
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "3D000" || pe.Severity != "FATAL" {
		t.Fatalf("connect to unknown database: %v", err)
	}
}

func TestSSLRequestDeclined(t *testing.T) {
	addr, _ := testServer(t, Config{})
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	_ = nc.SetDeadline(time.Now().Add(5 * time.Second))
	req := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, 8), 80877103)
	if _, err := nc.Write(req); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 1)
	if _, err := io.ReadFull(nc, b); err != nil || b[0] != 'N' {
		t.Fatalf("SSLRequest answer %q, %v", b, err)
	}
	// The same connection continues with a plain startup (psql, psycopg2).
	fe := pgproto3.NewFrontend(nc, nc)
	fe.Send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30, Parameters: map[string]string{"user": "root", "database": "dev"}})
	_ = fe.Flush()
	for {
		msg, err := fe.Receive()
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := msg.(*pgproto3.ReadyForQuery); ok {
			return
		}
	}
}

func TestPasswordAuth(t *testing.T) {
	for _, method := range []string{AuthSCRAM, AuthPassword} {
		t.Run(method, func(t *testing.T) {
			addr, _ := testServer(t, Config{AuthMethod: method, Password: func(u string) (string, bool) {
				return "s3cret", u == "root"
			}})
			ctx := context.Background()
			c, err := pgx.Connect(ctx, "postgres://root:s3cret@"+addr+"/dev?sslmode=disable")
			if err != nil {
				t.Fatalf("right password: %v", err)
			}
			c.Close(ctx)
			for _, bad := range []string{"root:wrong", "nobody:s3cret"} {
				_, err := pgx.Connect(ctx, "postgres://"+bad+"@"+addr+"/dev?sslmode=disable")
				var pe *pgconn.PgError
				if !errors.As(err, &pe) || pe.Code != "28P01" {
					t.Errorf("%s: got %v, want 28P01", bad, err)
				}
			}
		})
	}
}

func TestErrorKeepsSessionUsable(t *testing.T) {
	addr, _ := testServer(t, Config{})
	c := connect(t, addr)
	ctx := context.Background()
	for _, q := range []struct{ sql, code string }{
		{"SELEC 1", "42601"}, {"SELECT * FROM nope", "42P01"}, {"SELECT 1/0", "22012"},
		{"SELECT 'x'::int", "22P02"}, {"CREATE INDEX i ON t (a)", "0A000"},
	} {
		_, err := c.Exec(ctx, q.sql)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != q.code {
			t.Errorf("%s: got %v, want %s", q.sql, err, q.code)
		}
		var one int
		if err := c.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
			t.Fatalf("session unusable after %q: %v", q.sql, err)
		}
	}
	_, err := c.Exec(ctx, "SELECT 1 +")
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Position != 11 {
		t.Errorf("syntax error position = %v, want 11", err)
	}
}

func TestOversizedMessage(t *testing.T) {
	addr, _ := testServer(t, Config{MaxMessageSize: 1 << 10})
	other := connect(t, addr)
	nc, fe := rawStartup(t, addr)
	defer nc.Close()
	fe.Send(&pgproto3.Query{String: "SELECT '" + strings.Repeat("x", 4096) + "'"})
	_ = fe.Flush()
	msg, err := fe.Receive()
	if err != nil {
		t.Fatal(err)
	}
	er, ok := msg.(*pgproto3.ErrorResponse)
	if !ok || er.Code != "08P01" || er.Severity != "FATAL" {
		t.Fatalf("oversized message: got %#v", msg)
	}
	if _, err := fe.Receive(); err == nil {
		t.Fatal("connection stayed open after a FATAL error")
	}
	var one int
	if err := other.QueryRow(context.Background(), "SELECT 1").Scan(&one); err != nil {
		t.Fatalf("other session broken: %v", err)
	}
}

func TestMalformedMessage(t *testing.T) {
	addr, _ := testServer(t, Config{})
	other := connect(t, addr)
	nc, _ := rawStartup(t, addr)
	defer nc.Close()
	// A Bind message whose body is shorter than its fields claim.
	body := []byte{'B', 0, 0, 0, 9, 0, 0, 0xff, 0xff, 0xff}
	if _, err := nc.Write(body); err != nil {
		t.Fatal(err)
	}
	buf, _ := io.ReadAll(nc)
	if !bytes.Contains(buf, []byte("08P01")) {
		t.Fatalf("malformed message: reply %q", buf)
	}
	var one int
	if err := other.QueryRow(context.Background(), "SELECT 1").Scan(&one); err != nil {
		t.Fatalf("other session broken: %v", err)
	}
}

func TestDisconnectMidQuery(t *testing.T) {
	addr, _ := testServer(t, Config{})
	ctx := context.Background()
	c := connect(t, addr)
	if _, err := c.Exec(ctx, "CREATE TABLE big (id INT PRIMARY KEY, pad TEXT)"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, "INSERT INTO big SELECT a.x * 1000 + b.x, 'padding padding padding' FROM "+
		"(VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)) a(x), (VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9),(10),(11),(12),(13),(14),(15),(16),(17),(18),(19)) b(x)"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			nc, fe := rawStartup(t, addr)
			fe.Send(&pgproto3.Query{String: "SELECT * FROM big a, big b"})
			_ = fe.Flush()
			_, _ = fe.Receive()
			nc.Close() // leave mid-result
		}()
	}
	wg.Wait()
	var n int
	if err := c.QueryRow(ctx, "SELECT count(*) FROM big").Scan(&n); err != nil || n != 200 {
		t.Fatalf("after disconnects: %d rows, %v", n, err)
	}
}

// A client that disconnects while its statement computes (sending
// nothing) gets the statement cancelled: its session ends long before the
// 10^8-row cross join could finish.
func TestDisconnectCancelsStatement(t *testing.T) {
	addr, eng := testServer(t, Config{})
	ctx := context.Background()
	c := connect(t, addr)
	if _, err := c.Exec(ctx, "CREATE TABLE n (x INT)"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, "INSERT INTO n SELECT * FROM generate_series(1, 10)"); err != nil {
		t.Fatal(err)
	}
	before := len(eng.Sessions())
	nc, fe := rawStartup(t, addr)
	fe.Send(&pgproto3.Query{String: "SELECT count(*) FROM n a, n b, n c, n d, n e, n f, n g, n h"})
	if err := fe.Flush(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * watchAfter) // the watcher is reading the socket by now
	nc.Close()
	deadline := time.Now().Add(30 * time.Second)
	for len(eng.Sessions()) > before {
		if time.Now().After(deadline) {
			t.Fatal("the statement of a disconnected client kept running")
		}
		time.Sleep(10 * time.Millisecond)
	}
	var one int
	if err := c.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		t.Fatal(err)
	}
}

func TestCancelRequest(t *testing.T) {
	addr, _ := testServer(t, Config{})
	ctx := context.Background()
	c := connect(t, addr)
	if _, err := c.Exec(ctx, "CREATE TABLE n (x INT)"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, "INSERT INTO n SELECT a.x FROM (VALUES (1),(2),(3),(4),(5),(6),(7),(8),(9),(10)) a(x)"); err != nil {
		t.Fatal(err)
	}
	// A 10^8-row cross join runs long enough to be cancelled by a
	// CancelRequest on another connection.
	time.AfterFunc(300*time.Millisecond, func() { _ = c.PgConn().CancelRequest(ctx) })
	_, err := c.Exec(ctx, "SELECT count(*) FROM n a, n b, n c, n d, n e, n f, n g, n h")
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "57014" {
		t.Fatalf("cancelled query: got %v, want 57014", err)
	}
	var one int
	if err := c.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		t.Fatalf("session unusable after cancel: %v", err)
	}
	c2 := connect(t, addr)
	if _, err := c2.Exec(ctx, "SET statement_timeout = 200"); err != nil {
		t.Fatal(err)
	}
	_, err = c2.Exec(ctx, "SELECT count(*) FROM n a, n b, n c, n d, n e, n f, n g, n h")
	if !errors.As(err, &pe) || pe.Code != "57014" || !strings.Contains(pe.Message, "timeout") {
		t.Fatalf("statement_timeout: got %v", err)
	}
	if err := c2.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		t.Fatalf("session unusable after timeout: %v", err)
	}
}

func TestTransactionStatus(t *testing.T) {
	addr, _ := testServer(t, Config{})
	nc, fe := rawStartup(t, addr)
	defer nc.Close()
	status := func(q string) byte {
		fe.Send(&pgproto3.Query{String: q})
		_ = fe.Flush()
		for {
			msg, err := fe.Receive()
			if err != nil {
				t.Fatal(err)
			}
			if r, ok := msg.(*pgproto3.ReadyForQuery); ok {
				return r.TxStatus
			}
		}
	}
	for _, step := range []struct {
		sql  string
		want byte
	}{
		{"CREATE TABLE tx (a INT)", 'I'}, {"BEGIN", 'T'}, {"INSERT INTO tx VALUES (1)", 'T'},
		{"SELECT 1/0", 'E'}, {"SELECT 1", 'E'}, {"ROLLBACK", 'I'}, {"SELECT count(*) FROM tx", 'I'},
	} {
		if got := status(step.sql); got != step.want {
			t.Fatalf("%s: status %c, want %c", step.sql, got, step.want)
		}
	}
}
