package clients

import (
	"context"
	"encoding/binary"
	"errors"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/eddy-db/eddy/internal/poll"
)

// The steps of the scenario that runPgxScenario shares with the other
// clients beyond the types table: the windowed view, parameters of every
// type, errors, cancelling.

// pgxStream creates the events table and the windowed view, inserts the
// events with parameters, waits with FLUSH and reads the view with a
// timestamptz parameter.
func pgxStream(t *testing.T, tg target, conn *pgx.Conn, prefix string) {
	ctx := testContext(t)
	table, view, exec := setupStream(t, tg, prefix, func(q string, args ...any) error {
		_, err := conn.Exec(ctx, q, args...)
		return err
	})

	rows, err := conn.Query(ctx, selectWindows(view), windowFrom)
	if err != nil {
		t.Fatal(err)
	}
	wantOIDs := []uint32{pgtype.TimestamptzOID, pgtype.TimestamptzOID, pgtype.Int8OID, pgtype.Int8OID, pgtype.NumericOID}
	for i, fd := range rows.FieldDescriptions() {
		if i < len(wantOIDs) && fd.DataTypeOID != wantOIDs[i] {
			t.Errorf("view column %s: oid %d, want %d", fd.Name, fd.DataTypeOID, wantOIDs[i])
		}
	}
	var got [][]any
	for rows.Next() {
		v, err := rows.Values()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	minute := func(m int) time.Time { return windowFrom.Add(time.Duration(m) * time.Minute) }
	num := func(v int64, exp int32) pgtype.Numeric {
		return pgtype.Numeric{Int: big.NewInt(v), Exp: exp, Valid: true}
	}
	checkRows(t, "windows", []string{"window_start", "window_end", "n", "total", "revenue"}, got, [][]any{
		{minute(0), minute(1), int64(2), int64(7), num(375, -2)},
		{minute(1), minute(2), int64(1), int64(5), nil},
		{minute(31), minute(32), int64(1), nil, num(1, 1)}, // pgx reads 10 as 1e1
	})

	e := events[4]
	exec(insertEvent(table), e.ID, e.TS, e.Amount, e.Price)
	exec(streamFlush(tg))
	var n, total int64
	var revenue pgtype.Numeric
	if err := conn.QueryRow(ctx, selectWindow(view), windowFrom).Scan(&n, &total, &revenue); err != nil {
		t.Fatal(err)
	}
	if n != 3 || total != 17 || diffValue(revenue, num(400, -2)) != "" {
		t.Errorf("window 12:00 after one more event: %d %d %s, want 3 17 4.00", n, total, show(revenue))
	}
}

// pgxParamArgs are the parameters step's values as pgx arguments.
func pgxParamArgs() []any {
	return []any{true, int16(-32768), int32(2147483647), minInt64, float32(1.5), -0.1, paramNumeric,
		paramText, paramVarchar, paramBytea, paramDate, pgtype.Time{Microseconds: paramTimeMicros, Valid: true},
		paramTS, paramTSTZ, pgtype.Interval{Months: 14, Days: 3, Microseconds: interval1Micros, Valid: true},
		paramJSONB, paramUUID, paramIntArray, paramTextArray}
}

// pgxParamValues are the values rows.Values gives back for them.
func pgxParamValues() []any {
	numeric, _ := new(big.Int).SetString("-12345678901234567890000123", 10)
	return []any{true, int16(-32768), int32(2147483647), minInt64, float32(1.5), -0.1,
		pgtype.Numeric{Int: numeric, Exp: -6, Valid: true}, paramText, paramVarchar, paramBytea, paramDate,
		pgtype.Time{Microseconds: paramTimeMicros, Valid: true}, paramTS, paramTSTZ,
		pgtype.Interval{Months: 14, Days: 3, Microseconds: interval1Micros, Valid: true},
		map[string]any{"a": []any{float64(1), "x", nil}, "b": map[string]any{"c": true}},
		[16]uint8{0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8, 0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38, 0x0a, 0x11},
		[]any{int32(1), nil, int32(-3)}, []any{"a", "b,c", nil, `q"uote`}}
}

// pgxParams sends a value of every type as a parameter and reads it back,
// then the same with every parameter NULL. In the extended protocol the
// results come in the formats pgx picks per type, then all in text, then
// all in binary.
func pgxParams(t *testing.T, conn *pgx.Conn, mode pgx.QueryExecMode) {
	ctx := testContext(t)
	// pgx asks for text for text-like types and binary for the others.
	picked := make([]int16, len(paramColumns))
	for i, c := range paramColumns {
		if mode == pgx.QueryExecModeSimpleProtocol {
			continue
		}
		switch c.Type {
		case "text", "varchar", "jsonb":
		default:
			picked[i] = 1
		}
	}
	all := func(f int16) []int16 {
		out := make([]int16, len(paramColumns))
		for i := range out {
			out[i] = f
		}
		return out
	}
	type variant struct {
		name    string
		opts    []any // options before the arguments
		formats []int16
	}
	variants := []variant{{"picked formats", nil, picked}}
	if mode != pgx.QueryExecModeSimpleProtocol {
		variants = append(variants,
			variant{"text results", []any{pgx.QueryResultFormats{pgx.TextFormatCode}}, all(0)},
			variant{"binary results", []any{pgx.QueryResultFormats{pgx.BinaryFormatCode}}, all(1)})
	}
	names := make([]string, len(paramColumns))
	for i, c := range paramColumns {
		names[i] = c.Name
	}
	nulls := make([]any, len(paramColumns))
	for _, v := range variants {
		for _, null := range []bool{false, true} {
			args, want := pgxParamArgs(), pgxParamValues()
			what := v.name
			if null {
				args, want, what = nulls, nulls, v.name+", NULLs"
			}
			rows, err := conn.Query(ctx, paramsQuery(), append(v.opts, args...)...)
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			var got [][]any
			for rows.Next() {
				vals, err := rows.Values()
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				got = append(got, vals)
			}
			if err := rows.Err(); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			for i, fd := range rows.FieldDescriptions() {
				if c := paramColumns[i]; fd.Name != c.Name || fd.DataTypeOID != c.OID || fd.Format != v.formats[i] {
					t.Errorf("%s: column %d is %s oid %d format %d, want %s oid %d format %d",
						what, i, fd.Name, fd.DataTypeOID, fd.Format, c.Name, c.OID, v.formats[i])
				}
			}
			checkRows(t, what, names, got, [][]any{want})
		}
	}
}

// pgxErrors runs statements that fail while they are planned (unknown
// table, unknown column) and while they run (division by zero), each
// followed by a query on the same connection.
func pgxErrors(t *testing.T, conn *pgx.Conn, table string) {
	ctx := testContext(t)
	for _, tc := range []struct {
		sql  string
		args []any
		code string
		msg  string
	}{
		{"SELECT * FROM no_such_table", nil, "42P01", errNoTable},
		{"SELECT no_such_column FROM " + table, nil, "42703", errNoColumn},
		{"SELECT 1 / $1::int", []any{0}, "22012", errDivision},
	} {
		_, err := conn.Exec(ctx, tc.sql, tc.args...)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != tc.code || pgErr.Message != tc.msg || pgErr.Severity != "ERROR" {
			t.Errorf("%s: got %v, want ERROR %s %s", tc.sql, err, tc.code, tc.msg)
		}
		var n int32
		if err := conn.QueryRow(ctx, "SELECT count(*)::int FROM "+table+" WHERE id <= $1", 3).Scan(&n); err != nil || n != 3 {
			t.Errorf("after %s: %d, %v; want 3", tc.sql, n, err)
		}
		if s := conn.PgConn().TxStatus(); s != 'I' {
			t.Errorf("after %s: TxStatus %c, want I", tc.sql, s)
		}
	}
}

// pgxCancel cancels SELECT pg_sleep(30) in the ways pgx offers:
// PgConn.CancelRequest from another goroutine, and a cancelled context on
// a connection whose context watcher sends a CancelRequest; then with
// statement_timeout. After each the connection goes on.
func pgxCancel(t *testing.T, tg target, conn *pgx.Conn, mode pgx.QueryExecMode) {
	ctx := testContext(t)
	check := func(what string, c *pgx.Conn, err error, msg string, start time.Time) {
		t.Helper()
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "57014" || pgErr.Message != msg {
			t.Errorf("%s: got %v, want 57014 %s", what, err, msg)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s: the statement ended after %v", what, d)
		}
		var n int
		if err := c.QueryRow(ctx, "SELECT 1").Scan(&n); err != nil || n != 1 {
			t.Errorf("after %s: %d, %v", what, n, err)
		}
	}

	start := time.Now()
	// Again and again: a cancel that reaches the server before the
	// statement started is lost, as on PostgreSQL.
	stop := poll.Every(50*time.Millisecond, func() { _ = conn.PgConn().CancelRequest(ctx) })
	_, err := conn.Exec(ctx, sleepQuery)
	stop()
	check("PgConn.CancelRequest", conn, err, errUserCancel, start)

	cfg, err := pgx.ParseConfig(tg.DSN())
	if err != nil {
		t.Fatal(err)
	}
	cfg.DefaultQueryExecMode = mode
	cfg.BuildContextWatcherHandler = func(pc *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: pc, CancelRequestDelay: 0, DeadlineDelay: 10 * time.Second}
	}
	cc, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close(ctx)
	qctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	start = time.Now()
	_, err = cc.Exec(qctx, sleepQuery)
	cancel()
	check("context cancel", cc, err, errUserCancel, start)

	start = time.Now()
	if _, err := conn.Exec(ctx, timeoutSetting); err != nil {
		t.Fatal(err)
	}
	_, err = conn.Exec(ctx, sleepQuery)
	check("statement_timeout", conn, err, errTimeout, start)
	if _, err := conn.Exec(ctx, "SET statement_timeout = 0"); err != nil {
		t.Fatal(err)
	}
}

// pgxStatementCache runs one parameterised query many times on a new
// connection that counts the messages pgx sends: pgx parses it once (its
// statement cache) and each run only binds new values. A statement
// prepared by name runs as well.
func pgxStatementCache(t *testing.T, tg target, table string) {
	ctx := testContext(t)
	cfg, err := pgx.ParseConfig(tg.DSN())
	if err != nil {
		t.Fatal(err)
	}
	var sent *msgCounter
	dial := cfg.DialFunc
	cfg.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		nc, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		sent = &msgCounter{Conn: nc, counts: map[byte]int{}}
		return sent, nil
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	q := "SELECT c_text FROM " + table + " WHERE id = $1 AND c_bool = $2"
	parses, binds := sent.count('P'), sent.count('B')
	const runs = 20
	for i := range runs {
		var s string
		id, flag := int32(1), true
		if i%2 == 1 {
			id, flag = 2, false
		}
		if err := conn.QueryRow(ctx, q, id, flag).Scan(&s); err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		if want := map[int32]string{1: "plain text", 2: text2}[id]; s != want {
			t.Errorf("run %d: %q, want %q", i, s, want)
		}
	}
	if p, b := sent.count('P')-parses, sent.count('B')-binds; p != 1 || b != runs {
		t.Errorf("%d runs sent %d Parse and %d Bind messages, want 1 and %d", runs, p, b, runs)
	}
	if _, err := conn.Prepare(ctx, "by_varchar", "SELECT id FROM "+table+" WHERE c_varchar = $1"); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		var id int32
		if err := conn.QueryRow(ctx, "by_varchar", varchar2).Scan(&id); err != nil || id != 2 {
			t.Errorf("prepared by name: %d, %v", id, err)
		}
	}
	if err := conn.Deallocate(ctx, "by_varchar"); err != nil {
		t.Errorf("deallocate: %v", err)
	}
}

// msgCounter counts the protocol messages a client writes, by type.
type msgCounter struct {
	net.Conn
	mu      sync.Mutex
	started bool // the startup message (which has no type byte) was seen
	buf     []byte
	counts  map[byte]int
}

func (c *msgCounter) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.buf = append(c.buf, p...)
	for {
		if !c.started {
			if len(c.buf) < 4 || len(c.buf) < int(binary.BigEndian.Uint32(c.buf)) {
				break
			}
			c.buf, c.started = c.buf[binary.BigEndian.Uint32(c.buf):], true
			continue
		}
		if len(c.buf) < 5 || len(c.buf) < 1+int(binary.BigEndian.Uint32(c.buf[1:])) {
			break
		}
		c.counts[c.buf[0]]++
		c.buf = c.buf[1+binary.BigEndian.Uint32(c.buf[1:]):]
	}
	c.mu.Unlock()
	return c.Conn.Write(p)
}

func (c *msgCounter) count(t byte) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[t]
}
