package pgwire

import (
	"context"
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

	"github.com/eddy-db/eddy/internal/poll"
	"github.com/eddy-db/eddy/sql"
)

// pgCode returns the SQLSTATE, severity and message of a server error.
func pgCode(err error) (code, severity, msg string) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code, pe.Severity, pe.Message
	}
	return "", "", ""
}

func TestPgSleep(t *testing.T) {
	addr, _ := testServer(t, Config{})
	ctx := context.Background()
	c := connect(t, addr)
	var isNull, nullArg bool
	var typ string
	if err := c.QueryRow(ctx, "SELECT pg_sleep(0.05) IS NULL, pg_sleep(NULL) IS NULL, pg_typeof(pg_sleep(-1))::text").Scan(&isNull, &nullArg, &typ); err != nil {
		t.Fatal(err)
	}
	if isNull || !nullArg || typ != "void" {
		t.Errorf("pg_sleep: IS NULL %v, of NULL IS NULL %v, type %q; want false, true, void", isNull, nullArg, typ)
	}
	// A void value is empty, not NULL, in both formats.
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeCacheStatement} {
		rows, err := c.Query(ctx, "SELECT pg_sleep(0), pg_sleep_for('1 millisecond'), pg_sleep_until(now())", mode)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			for i, v := range rows.RawValues() {
				if v == nil || len(v) != 0 {
					t.Errorf("mode %v column %d: %q, want an empty value", mode, i, v)
				}
			}
			if oid := rows.FieldDescriptions()[0].DataTypeOID; oid != 2278 {
				t.Errorf("mode %v: type oid %d, want 2278 (void)", mode, oid)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	if _, err := c.Exec(ctx, "SELECT pg_sleep(0.2)"); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Errorf("pg_sleep(0.2) returned after %v", d)
	}
}

// TestCancelWays stops SELECT pg_sleep(30) in the three ways a statement
// is cancelled, alone and inside a transaction block: the statement fails
// with 57014, the block becomes failed ('E') until ROLLBACK, and the
// session goes on.
func TestCancelWays(t *testing.T) {
	addr, _ := testServer(t, Config{})
	ctx := context.Background()
	other := connect(t, addr)
	for _, way := range []struct {
		name string
		msg  string
		// setup runs before the statement; cancel while it runs.
		setup  string
		cancel func(c *pgx.Conn)
	}{
		{name: "CancelRequest", msg: "canceling statement due to user request",
			cancel: func(c *pgx.Conn) { _ = c.PgConn().CancelRequest(ctx) }},
		{name: "statement_timeout", msg: "canceling statement due to statement timeout", setup: "SET statement_timeout = '100ms'"},
		{name: "pg_cancel_backend", msg: "canceling statement due to user request",
			cancel: func(c *pgx.Conn) {
				var ok bool
				if err := other.QueryRow(ctx, "SELECT pg_cancel_backend($1)", int32(c.PgConn().PID())).Scan(&ok); err != nil || !ok {
					t.Errorf("pg_cancel_backend: %v, %v", ok, err)
				}
			}},
	} {
		for _, block := range []bool{false, true} {
			name := way.name
			if block {
				name += "/in_block"
			}
			t.Run(name, func(t *testing.T) {
				c := connect(t, addr)
				if way.setup != "" {
					if _, err := c.Exec(ctx, way.setup); err != nil {
						t.Fatal(err)
					}
				}
				if block {
					if _, err := c.Exec(ctx, "BEGIN"); err != nil {
						t.Fatal(err)
					}
				}
				stop := func() {}
				if way.cancel != nil {
					// Again and again: a cancel sent before the statement
					// started is lost, as in PostgreSQL.
					stop = poll.Every(50*time.Millisecond, func() { way.cancel(c) })
				}
				start := time.Now()
				_, err := c.Exec(ctx, "SELECT pg_sleep(30)")
				stop()
				if code, _, msg := pgCode(err); code != "57014" || msg != way.msg {
					t.Fatalf("got %v, want 57014 %s", err, way.msg)
				}
				if d := time.Since(start); d > 10*time.Second {
					t.Errorf("the cancel took %v", d)
				}
				want := byte('I')
				if block {
					want = 'E'
				}
				if s := c.PgConn().TxStatus(); s != want {
					t.Errorf("TxStatus %c, want %c", s, want)
				}
				if block {
					_, err := c.Exec(ctx, "SELECT 1")
					if code, _, _ := pgCode(err); code != "25P02" {
						t.Errorf("in the failed block: %v, want 25P02", err)
					}
					if _, err := c.Exec(ctx, "ROLLBACK"); err != nil {
						t.Fatal(err)
					}
				}
				var n int
				if err := c.QueryRow(ctx, "SELECT 42").Scan(&n); err != nil || n != 42 {
					t.Fatalf("after the cancel: %d, %v", n, err)
				}
			})
		}
	}

	t.Run("statement_timeout_off", func(t *testing.T) {
		c := connect(t, addr)
		for _, q := range []string{"SET statement_timeout = 100", "SET statement_timeout = '0'"} {
			if _, err := c.Exec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := c.Exec(ctx, "SELECT pg_sleep(0.3)"); err != nil {
			t.Errorf("statement_timeout 0: %v", err)
		}
		if _, err := c.Exec(ctx, "SET statement_timeout = '1s'"); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Exec(ctx, "SELECT pg_sleep(0.3)"); err != nil {
			t.Errorf("statement_timeout 1s: %v", err)
		}
	})

	t.Run("no_such_backend", func(t *testing.T) {
		var notices []string
		cfg, _ := pgx.ParseConfig(dsn(addr))
		cfg.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) { notices = append(notices, n.Severity+" "+n.Message) }
		c, err := pgx.ConnectConfig(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(ctx)
		var ok bool
		if err := c.QueryRow(ctx, "SELECT pg_cancel_backend(999999)").Scan(&ok); err != nil || ok {
			t.Errorf("pg_cancel_backend of no backend: %v, %v; want false", ok, err)
		}
		if len(notices) != 1 || notices[0] != "WARNING PID 999999 is not a PostgreSQL backend process" {
			t.Errorf("notices %q", notices)
		}
		// A session cancelling itself fails its own statement.
		_, err = c.Exec(ctx, "SELECT pg_cancel_backend(pg_backend_pid())")
		if code, _, _ := pgCode(err); code != "57014" {
			t.Errorf("self-cancel: %v, want 57014", err)
		}
		_, err = c.Exec(ctx, "SELECT pg_terminate_backend(1, -1)")
		if code, _, _ := pgCode(err); code != "22023" {
			t.Errorf("negative timeout: %v, want 22023", err)
		}
	})
}

// TestCancelLongQueries cancels a scan, an aggregation, a join and a sort
// over a large input: each checks for cancellation as it goes.
func TestCancelLongQueries(t *testing.T) {
	addr, _ := testServer(t, Config{})
	ctx := context.Background()
	c := connect(t, addr)
	for _, q := range []string{"CREATE TABLE n (x INT)", "INSERT INTO n SELECT * FROM generate_series(1, 100)", "SET statement_timeout = '200ms'"} {
		if _, err := c.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{
		"SELECT count(*) FROM n a, n b, n c, n d, n e",
		"SELECT a.x, sum(b.x) FROM n a, n b, n c, n d GROUP BY a.x",
		"SELECT count(*) FROM n a JOIN n b ON a.x = b.x, n c, n d, n e",
		"SELECT a.x FROM n a, n b, n c, n d ORDER BY a.x + b.x LIMIT 1",
		"SELECT count(*) FROM generate_series(1, 1000000000)",
		// A join condition that rejects every pair: the nested loop emits
		// nothing while it runs.
		"SELECT count(*) FROM (SELECT a.x FROM n a, n b, n c) l JOIN (SELECT a.x FROM n a, n b) r ON l.x + r.x < 0",
	} {
		start := time.Now()
		_, err := c.Exec(ctx, q)
		if code, _, msg := pgCode(err); code != "57014" || !strings.Contains(msg, "statement timeout") {
			t.Errorf("%s: %v, want 57014", q, err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s: cancelled after %v", q, d)
		}
	}
}

// TestTerminateBackend ends sessions with pg_terminate_backend: an idle
// one and a busy one get FATAL 57P01 and their connection closes; the
// session that asked goes on.
func TestTerminateBackend(t *testing.T) {
	addr, eng := testServer(t, Config{})
	ctx := context.Background()
	admin := connect(t, addr)
	terminate := func(pid uint32, q string) {
		t.Helper()
		var ok bool
		if err := admin.QueryRow(ctx, q, int32(pid)).Scan(&ok); err != nil || !ok {
			t.Fatalf("%s: %v, %v", q, ok, err)
		}
	}

	t.Run("idle", func(t *testing.T) {
		nc, fe := rawStartup(t, addr)
		defer nc.Close()
		var pid uint32
		fe.Send(&pgproto3.Query{String: "SELECT pg_backend_pid()"})
		_ = fe.Flush()
		for {
			msg, err := fe.Receive()
			if err != nil {
				t.Fatal(err)
			}
			if d, ok := msg.(*pgproto3.DataRow); ok {
				pid = uint32(atoi(string(d.Values[0])))
			}
			if _, ok := msg.(*pgproto3.ReadyForQuery); ok {
				break
			}
		}
		before := len(eng.Sessions())
		terminate(pid, "SELECT pg_terminate_backend($1)")
		msg, err := fe.Receive()
		e, ok := msg.(*pgproto3.ErrorResponse)
		if err != nil || !ok || e.Code != "57P01" || e.Severity != "FATAL" || e.Message != "terminating connection due to administrator command" {
			t.Fatalf("got %#v, %v; want FATAL 57P01", msg, err)
		}
		if _, err := fe.Receive(); !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
			t.Errorf("after FATAL: %v, want the connection closed", err)
		}
		waitSessions(t, eng, before-1)
	})

	t.Run("busy", func(t *testing.T) {
		c := connect(t, addr)
		pid := c.PgConn().PID()
		// Repeated until the statement ends (the calls after the first may
		// find no session), from when the connection is watched for the
		// client going away (watchAfter).
		begin := time.Now()
		stop := poll.Every(50*time.Millisecond, func() {
			if time.Since(begin) > 2*watchAfter {
				_, _ = admin.Exec(ctx, "SELECT pg_terminate_backend($1)", int32(pid))
			}
		})
		_, err := c.Exec(ctx, "SELECT pg_sleep(30)")
		stop()
		if code, sev, _ := pgCode(err); code != "57P01" || sev != "FATAL" {
			t.Fatalf("got %v, want FATAL 57P01", err)
		}
		if !c.PgConn().IsClosed() {
			if err := c.Ping(ctx); err == nil {
				t.Error("the terminated connection still answers")
			}
		}
	})

	t.Run("wait", func(t *testing.T) {
		c := connect(t, addr)
		before := len(eng.Sessions())
		terminate(c.PgConn().PID(), "SELECT pg_terminate_backend($1, 5000)")
		// With a timeout, pg_terminate_backend returns once the session ended.
		if n := len(eng.Sessions()); n != before-1 {
			t.Errorf("%d sessions after pg_terminate_backend(pid, 5000), want %d", n, before-1)
		}
	})

	var n int
	if err := admin.QueryRow(ctx, "SELECT 1").Scan(&n); err != nil {
		t.Fatalf("the terminating session: %v", err)
	}
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

func waitSessions(t *testing.T, eng *sql.Engine, want int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(eng.Sessions()) != want {
		if time.Now().After(deadline) {
			t.Fatalf("%d sessions, want %d", len(eng.Sessions()), want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// rawSession is a hand-driven connection with its backend key.
type rawSession struct {
	t      *testing.T
	addr   string
	fe     *pgproto3.Frontend
	pid    uint32
	secret []byte
}

func rawConnect(t *testing.T, addr string) *rawSession {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	_ = nc.SetDeadline(time.Now().Add(30 * time.Second))
	r := &rawSession{t: t, addr: addr, fe: pgproto3.NewFrontend(nc, nc)}
	r.fe.Send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30, Parameters: map[string]string{"user": "root", "database": "dev"}})
	if err := r.fe.Flush(); err != nil {
		t.Fatal(err)
	}
	for {
		msg, err := r.fe.Receive()
		if err != nil {
			t.Fatal(err)
		}
		switch m := msg.(type) {
		case *pgproto3.BackendKeyData:
			r.pid, r.secret = m.ProcessID, append([]byte(nil), m.SecretKey...)
		case *pgproto3.ReadyForQuery:
			return r
		}
	}
}

// cancel sends a CancelRequest for the session on a new connection.
func (r *rawSession) cancel() {
	nc, err := net.Dial("tcp", r.addr)
	if err != nil {
		r.t.Error(err)
		return
	}
	defer nc.Close()
	fe := pgproto3.NewFrontend(nc, nc)
	fe.Send(&pgproto3.CancelRequest{ProcessID: r.pid, SecretKey: r.secret})
	_ = fe.Flush()
	_, _ = io.Copy(io.Discard, nc) // the server closes it
}

func (r *rawSession) send(msgs ...pgproto3.FrontendMessage) {
	for _, m := range msgs {
		r.fe.Send(m)
	}
	if err := r.fe.Flush(); err != nil {
		r.t.Fatal(err)
	}
}

// until receives messages up to one of type T and returns it, with the
// error responses seen on the way.
func until[T pgproto3.BackendMessage](r *rawSession) (T, []*pgproto3.ErrorResponse) {
	r.t.Helper()
	var errs []*pgproto3.ErrorResponse
	for {
		msg, err := r.fe.Receive()
		if err != nil {
			r.t.Fatal(err)
		}
		if e, ok := msg.(*pgproto3.ErrorResponse); ok {
			c := *e
			errs = append(errs, &c)
		}
		if m, ok := msg.(T); ok {
			return m, errs
		}
	}
}

// query runs a simple query and returns the first column of its rows.
func (r *rawSession) query(q string) ([]string, byte, []*pgproto3.ErrorResponse) {
	r.send(&pgproto3.Query{String: q})
	var vals []string
	var errs []*pgproto3.ErrorResponse
	for {
		msg, err := r.fe.Receive()
		if err != nil {
			r.t.Fatal(err)
		}
		switch m := msg.(type) {
		case *pgproto3.DataRow:
			vals = append(vals, string(m.Values[0]))
		case *pgproto3.ErrorResponse:
			c := *m
			errs = append(errs, &c)
		case *pgproto3.ReadyForQuery:
			return vals, m.TxStatus, errs
		}
	}
}

// TestCancelCopyIn cancels COPY FROM STDIN while the client holds back
// its data: the COPY fails at once with 57014, nothing of it is written,
// and what the client sends after is ignored.
func TestCancelCopyIn(t *testing.T) {
	addr, _ := testServer(t, Config{})
	for _, tc := range []struct {
		name  string
		block bool
		setup string
		msg   string
	}{
		{"CancelRequest", false, "", "canceling statement due to user request"},
		{"CancelRequest/in_block", true, "", "canceling statement due to user request"},
		{"statement_timeout", false, "SET statement_timeout = '100ms'", "canceling statement due to statement timeout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rawConnect(t, addr)
			table := "copy_" + strings.NewReplacer("/", "_").Replace(strings.ToLower(tc.name))
			for _, q := range []string{"CREATE TABLE " + table + " (a int, b text)", tc.setup} {
				if _, _, errs := r.query(q); len(errs) > 0 {
					t.Fatalf("%s: %s", q, errs[0].Message)
				}
			}
			if tc.block {
				r.query("BEGIN")
			}
			r.send(&pgproto3.Query{String: "COPY " + table + " FROM STDIN"})
			until[*pgproto3.CopyInResponse](r)
			r.send(&pgproto3.CopyData{Data: []byte("1\tone\n2\ttwo\n")})
			if tc.setup == "" {
				go func() {
					time.Sleep(50 * time.Millisecond)
					r.cancel()
				}()
			}
			rfq, errs := until[*pgproto3.ReadyForQuery](r)
			if len(errs) != 1 || errs[0].Code != "57014" || errs[0].Message != tc.msg {
				t.Fatalf("errors %+v, want one 57014 %s", errs, tc.msg)
			}
			want := byte('I')
			if tc.block {
				want = 'E'
			}
			if rfq.TxStatus != want {
				t.Errorf("status %c, want %c", rfq.TxStatus, want)
			}
			// The rest of the COPY is ignored.
			r.send(&pgproto3.CopyData{Data: []byte("3\tthree\n")}, &pgproto3.CopyDone{})
			if tc.block {
				r.query("ROLLBACK")
			}
			r.query("SET statement_timeout = 0")
			vals, st, errs := r.query("SELECT count(*) FROM " + table)
			if len(errs) > 0 || st != 'I' || len(vals) != 1 || vals[0] != "0" {
				t.Errorf("after the cancelled COPY: %v %c %+v, want 0 rows", vals, st, errs)
			}
		})
	}
}

// TestCancelViews cancels a CREATE MATERIALIZED VIEW during its backfill
// and a FLUSH while the views catch up: both fail with 57014, the
// cancelled view is not created (not even after a restart), and the view
// that was running stays right.
func TestCancelViews(t *testing.T) {
	dir := t.TempDir()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	start := func() (*pgx.Conn, func()) {
		eng, err := sql.Open(dir, sql.Options{Logger: log})
		if err != nil {
			t.Fatal(err)
		}
		srv := New(Config{Engine: eng, Logger: log})
		a, err := srv.Listen("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		c, err := pgx.Connect(context.Background(), dsn(a.String()))
		if err != nil {
			t.Fatal(err)
		}
		return c, func() {
			_ = c.Close(context.Background())
			_ = srv.Close()
			_ = eng.Close()
		}
	}
	ctx := context.Background()
	c, stop := start()
	defer func() { stop() }()
	exec := func(q string) {
		t.Helper()
		if _, err := c.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// same checks that a view holds what its query gives in batch.
	same := func(view, query string) {
		t.Helper()
		var n int
		q := "SELECT count(*) FROM ((SELECT * FROM " + view + " EXCEPT " + query + ") UNION ALL (" + query + " EXCEPT SELECT * FROM " + view + ")) d"
		if err := c.QueryRow(ctx, q).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s differs from its query in %d rows (%v)", view, n, err)
		}
	}
	const (
		byK  = "SELECT k, count(*) AS n, sum(v) AS s FROM big GROUP BY k"
		maxK = "SELECT k, max(v) AS m FROM big GROUP BY k"
	)
	exec("CREATE TABLE big (k int, v int)")
	exec("INSERT INTO big SELECT x % 1000, x FROM generate_series(1, 100000) x")
	exec("CREATE MATERIALIZED VIEW by_k AS " + byK)

	exec("SET statement_timeout = '5ms'")
	_, err := c.Exec(ctx, "CREATE MATERIALIZED VIEW max_k AS "+maxK)
	if code, _, msg := pgCode(err); code != "57014" || msg != "canceling statement due to statement timeout" {
		t.Fatalf("CREATE MATERIALIZED VIEW with a 5ms timeout: %v, want 57014", err)
	}
	exec("SET statement_timeout = 0")
	_, err = c.Exec(ctx, "SELECT * FROM max_k")
	if code, _, _ := pgCode(err); code != "42P01" {
		t.Errorf("the cancelled view: %v, want 42P01", err)
	}

	// FLUSH while by_k works through 100,000 new rows.
	cancelled := false
	for range 5 {
		exec("INSERT INTO big SELECT x % 1000, x FROM generate_series(1, 100000) x")
		exec("SET statement_timeout = '1ms'")
		_, err = c.Exec(ctx, "FLUSH")
		exec("SET statement_timeout = 0")
		if err == nil {
			continue
		}
		if code, _, _ := pgCode(err); code != "57014" {
			t.Fatalf("FLUSH with a 1ms timeout: %v, want 57014", err)
		}
		cancelled = true
		break
	}
	if !cancelled {
		t.Error("FLUSH never ran past a 1ms timeout")
	}
	exec("FLUSH")
	same("by_k", byK)
	exec("CREATE MATERIALIZED VIEW max_k AS " + maxK)
	same("max_k", maxK)

	stop()
	c, stop = start()
	same("by_k", byK)
	same("max_k", maxK)
	exec("INSERT INTO big VALUES (1, 10000000), (1001, 1)")
	exec("FLUSH")
	same("by_k", byK)
	same("max_k", maxK)
}

// TestCancelBetweenStatements sends a CancelRequest between two
// statements of a Query message: the next statement fails with 57014 at
// once, the rest do not run, and what the message did rolls back (in a
// block, the block fails). A cancel after the last statement, or sent
// while the session idles, reaches nothing.
func TestCancelBetweenStatements(t *testing.T) {
	var (
		mu     sync.Mutex
		target *rawSession
		before int // cancel before this statement (0: never)
	)
	arm := func(r *rawSession, next int) {
		mu.Lock()
		target, before = r, next
		mu.Unlock()
	}
	addr, _ := testServer(t, Config{betweenStatements: func(next int) {
		mu.Lock()
		r, n := target, before
		mu.Unlock()
		if r != nil && n == next {
			r.cancel() // returns once the server handled it
		}
	}})
	r := rawConnect(t, addr)
	mustQuery := func(q string, want ...string) {
		t.Helper()
		vals, _, errs := r.query(q)
		if len(errs) > 0 || strings.Join(vals, ",") != strings.Join(want, ",") {
			t.Fatalf("%s: %v %+v, want %v", q, vals, errs, want)
		}
	}
	mustQuery("CREATE TABLE bt (x int)")
	const canceled = "canceling statement due to user request"

	for _, tc := range []struct {
		name   string
		block  bool
		query  string
		before int
	}{
		{"before a sleep", false, "INSERT INTO bt VALUES (1); SELECT pg_sleep(5); INSERT INTO bt VALUES (2)", 1},
		{"before a SET", false, "INSERT INTO bt VALUES (1); SET application_name = 'x'", 1},
		{"before the third", false, "INSERT INTO bt VALUES (1); INSERT INTO bt VALUES (2); SELECT pg_sleep(5)", 2},
		{"in a block", true, "INSERT INTO bt VALUES (1); SELECT 1", 1},
	} {
		if tc.block {
			mustQuery("BEGIN")
		}
		arm(r, tc.before)
		start := time.Now()
		_, status, errs := r.query(tc.query)
		arm(nil, 0)
		if len(errs) != 1 || errs[0].Code != "57014" || errs[0].Message != canceled {
			t.Errorf("%s: errors %+v, want one 57014", tc.name, errs)
		}
		if d := time.Since(start); d > 4*time.Second {
			t.Errorf("%s: the query ran %v: the statements after the cancel ran", tc.name, d)
		}
		want := byte('I')
		if tc.block {
			want = 'E'
		}
		if status != want {
			t.Errorf("%s: status %c, want %c", tc.name, status, want)
		}
		if tc.block {
			mustQuery("ROLLBACK")
		}
		mustQuery("SELECT count(*) FROM bt", "0")
		mustQuery("SHOW application_name", "")
	}

	// After the last statement: nothing to cancel.
	arm(r, 2)
	vals, status, errs := r.query("SELECT 1; SELECT 2")
	arm(nil, 0)
	if len(errs) > 0 || status != 'I' || strings.Join(vals, ",") != "1,2" {
		t.Errorf("cancelled after the last statement: %v %c %+v, want 1,2 without error", vals, status, errs)
	}
	mustQuery("SELECT 3", "3")

	// While the session idles: dropped.
	r.cancel()
	mustQuery("SELECT 4; SELECT 5", "4", "5")

	// Sent while the first of two statements runs: the same outcome as
	// between them.
	go func() {
		time.Sleep(100 * time.Millisecond)
		r.cancel()
	}()
	start := time.Now()
	_, status, errs = r.query("SELECT pg_sleep(0.5); SELECT pg_sleep(5)")
	if len(errs) != 1 || errs[0].Code != "57014" || status != 'I' {
		t.Errorf("cancelled during the first statement: errors %+v, status %c; want one 57014", errs, status)
	}
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("cancelled during the first statement: the query ran %v", d)
	}
}
