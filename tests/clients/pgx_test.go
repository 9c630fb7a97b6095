package clients

import (
	"context"
	"errors"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// pgxInsertArgs are the scenario rows as pgx parameters.
func pgxInsertArgs() [][]any {
	return [][]any{
		{int32(1), maxInt64, int16(32767), 3.5, float32(1.25),
			pgtype.Numeric{Int: big.NewInt(12345678900), Exp: -6, Valid: true},
			"hello", "plain text", true,
			time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC),
			time.Date(2024, 2, 29, 13, 45, 30, 123456000, time.UTC),
			tstz1,
			pgtype.Interval{Months: 14, Days: 3, Microseconds: interval1Micros, Valid: true},
			[]byte{0, 0xff, 0x10},
			jsonb1},
		{int32(2), minInt64, int16(-32768), -2.5e-10, float32(-0.75),
			pgtype.Numeric{Int: big.NewInt(-1), Exp: -3, Valid: true},
			varchar2, text2, false,
			time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC),
			time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC),
			tstz2,
			pgtype.Interval{Months: -1, Days: 15, Microseconds: -30_000_000, Valid: true},
			[]byte{},
			jsonb2},
		{int32(3), nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil},
	}
}

// pgxWantRows are the scenario rows as pgx's rows.Values returns them:
// the Go type pgx picks for each column type.
func pgxWantRows() [][]any {
	return [][]any{
		{int32(1), maxInt64, int16(32767), 3.5, float32(1.25),
			pgtype.Numeric{Int: big.NewInt(12345678900), Exp: -6, Valid: true},
			"hello", "plain text", true,
			time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC),
			time.Date(2024, 2, 29, 13, 45, 30, 123456000, time.UTC),
			time.Date(2024, 6, 1, 6, 30, 0, 0, time.UTC),
			pgtype.Interval{Months: 14, Days: 3, Microseconds: interval1Micros, Valid: true},
			[]byte{0, 0xff, 0x10},
			map[string]any{"a": float64(1), "b": []any{true, nil, "x"}}},
		{int32(2), minInt64, int16(-32768), -2.5e-10, float32(-0.75),
			pgtype.Numeric{Int: big.NewInt(-1), Exp: -3, Valid: true},
			varchar2, text2, false,
			time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC),
			time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC),
			time.Date(2000, 1, 1, 8, 0, 0, 0, time.UTC),
			pgtype.Interval{Months: -1, Days: 15, Microseconds: -30_000_000, Valid: true},
			[]byte{},
			map[string]any{"e": map[string]any{}, "k": "ü", "n": -1.5}},
		{int32(3), nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil},
	}
}

// typeOIDs are the type OIDs of the scenario columns.
var typeOIDs = []uint32{
	pgtype.Int4OID, pgtype.Int8OID, pgtype.Int2OID, pgtype.Float8OID, pgtype.Float4OID, pgtype.NumericOID,
	pgtype.VarcharOID, pgtype.TextOID, pgtype.BoolOID, pgtype.DateOID, pgtype.TimestampOID,
	pgtype.TimestamptzOID, pgtype.IntervalOID, pgtype.ByteaOID, pgtype.JSONBOID,
}

// noticeLog collects the notices and warnings a connection receives.
type noticeLog struct {
	mu  sync.Mutex
	got []string
}

func (n *noticeLog) add(_ *pgconn.PgConn, nt *pgconn.Notice) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.got = append(n.got, nt.Severity+" "+nt.Code+" "+nt.Message)
}

func (n *noticeLog) take() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	g := n.got
	n.got = nil
	return g
}

// connectPgx opens a pgx connection in the given mode, recording notices
// in log; it fails the test when connecting fails.
func connectPgx(t *testing.T, tg target, mode pgx.QueryExecMode, log *noticeLog) *pgx.Conn {
	t.Helper()
	ctx := testContext(t)
	cfg, err := pgx.ParseConfig(tg.DSN())
	if err != nil {
		t.Fatal(err)
	}
	cfg.DefaultQueryExecMode = mode
	if log != nil {
		cfg.OnNotice = log.add
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("connect %s: %v", tg.DSN(), err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// TestPgx runs the scenario through pgx in its default mode (cached
// prepared statements, binary parameters and results) and in the simple
// protocol mode (client-side parameters, text results).
func TestPgx(t *testing.T) {
	for _, tc := range []struct {
		name string
		mode pgx.QueryExecMode
		// formats are the result formats pgx asks for, per column.
		formats []int16
	}{
		{"extended", pgx.QueryExecModeCacheStatement, []int16{1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 0}},
		{"simple", pgx.QueryExecModeSimpleProtocol, []int16{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tg := startTarget(t, false)
			runPgxScenario(t, tg, tc.mode, "pgx_"+tc.name, tc.formats)
		})
	}
}

// TestPgxSCRAM logs in with SCRAM-SHA-256: the right password runs the
// scenario, a wrong or missing one is refused with SQLSTATE 28P01.
func TestPgxSCRAM(t *testing.T) {
	tg := startTarget(t, true)
	ctx := testContext(t)
	for _, pw := range []string{"wrong", ""} {
		bad := tg
		bad.Password = pw
		conn, err := pgx.Connect(ctx, bad.DSN())
		if err == nil {
			_ = conn.Close(ctx)
			t.Errorf("password %q: connected, want an authentication error", pw)
			continue
		}
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "28P01" {
			t.Errorf("password %q: got %v, want SQLSTATE 28P01", pw, err)
		} else if want := `password authentication failed for user "` + tg.User + `"`; pgErr.Message != want {
			t.Errorf("password %q: message %q, want %q", pw, pgErr.Message, want)
		}
	}
	runPgxScenario(t, tg, pgx.QueryExecModeCacheStatement, "pgx_scram",
		[]int16{1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 0})
}

// runPgxScenario runs the scenario on one pgx connection in the given
// mode, on a new table; formats are the result formats pgx asks for, per
// scenario column.
func runPgxScenario(t *testing.T, tg target, mode pgx.QueryExecMode, table string, formats []int16) {
	dropTables(t, tg, table, table+"_events")
	ctx := testContext(t)
	var notices noticeLog
	conn := connectPgx(t, tg, mode, &notices)
	pc := conn.PgConn()

	ok := t.Run("connect", func(t *testing.T) {
		for _, p := range []struct{ name, want string }{
			{"client_encoding", "UTF8"},
			{"standard_conforming_strings", "on"},
			{"DateStyle", "ISO, MDY"},
			{"IntervalStyle", "postgres"},
			{"integer_datetimes", "on"},
			{"server_encoding", "UTF8"},
		} {
			if got := pc.ParameterStatus(p.name); got != p.want {
				t.Errorf("ParameterStatus %s = %q, want %q", p.name, got, p.want)
			}
		}
		if v := pc.ParameterStatus("server_version"); !strings.HasPrefix(v, "15.") {
			t.Errorf("server_version = %q, want 15.x", v)
		}
		if pc.PID() == 0 {
			t.Errorf("no BackendKeyData: PID 0")
		}
		if err := conn.Ping(ctx); err != nil {
			t.Fatalf("ping: %v", err)
		}
		if n := notices.take(); len(n) != 0 {
			t.Errorf("notices while connecting: %q", n)
		}
	})
	if !ok {
		return
	}

	ok = t.Run("create", func(t *testing.T) {
		tag, err := conn.Exec(ctx, createTypesTable(table))
		if err != nil {
			t.Fatal(err)
		}
		if tag.String() != "CREATE TABLE" {
			t.Errorf("tag %q, want CREATE TABLE", tag)
		}
	})
	if !ok {
		return
	}

	ok = t.Run("insert", func(t *testing.T) {
		for _, args := range pgxInsertArgs() {
			tag, err := conn.Exec(ctx, insertTypes(table), args...)
			if err != nil {
				t.Fatalf("insert id %v: %v", args[0], err)
			}
			if tag.String() != "INSERT 0 1" {
				t.Errorf("insert id %v: tag %q, want INSERT 0 1", args[0], tag)
			}
		}
	})
	if !ok {
		return
	}

	t.Run("select", func(t *testing.T) {
		rows, err := conn.Query(ctx, "SELECT "+columnList()+" FROM "+table+" WHERE id >= $1 ORDER BY id", 1)
		if err != nil {
			t.Fatal(err)
		}
		fds := rows.FieldDescriptions()
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
		if tag := rows.CommandTag().String(); tag != "SELECT 3" {
			t.Errorf("tag %q, want SELECT 3", tag)
		}
		cols := make([]string, len(typesColumns))
		for i, c := range typesColumns {
			cols[i] = c.Name
		}
		if len(fds) != len(typesColumns) {
			t.Fatalf("%d result columns, want %d", len(fds), len(typesColumns))
		}
		for i, fd := range fds {
			if fd.Name != cols[i] || fd.DataTypeOID != typeOIDs[i] || fd.Format != formats[i] {
				t.Errorf("column %d: %s oid %d format %d, want %s oid %d format %d",
					i, fd.Name, fd.DataTypeOID, fd.Format, cols[i], typeOIDs[i], formats[i])
			}
		}
		checkRows(t, "rows.Values", cols, got, pgxWantRows())
	})

	t.Run("scan", func(t *testing.T) {
		var (
			id     int32
			i8     int64
			i2     int16
			f8     float64
			f4     float32
			num    pgtype.Numeric
			numF   float64
			vc, tx string
			b      bool
			d, ts  time.Time
			tz     time.Time
			iv     pgtype.Interval
			by     []byte
			js     map[string]any
		)
		err := conn.QueryRow(ctx, "SELECT id, c_bigint, c_smallint, c_double, c_real, c_numeric, c_numeric, c_varchar, c_text, c_bool, c_date, c_ts, c_tstz, c_interval, c_bytea, c_jsonb FROM "+table+" WHERE c_varchar = $1", varchar2).
			Scan(&id, &i8, &i2, &f8, &f4, &num, &numF, &vc, &tx, &b, &d, &ts, &tz, &iv, &by, &js)
		if err != nil {
			t.Fatal(err)
		}
		got := []any{id, i8, i2, f8, f4, num, numF, vc, tx, b, d, ts, tz, iv, by, js}
		want := []any{int32(2), minInt64, int16(-32768), -2.5e-10, float32(-0.75),
			pgtype.Numeric{Int: big.NewInt(-1), Exp: -3, Valid: true}, -0.001, varchar2, text2, false,
			time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC), tstz2,
			pgtype.Interval{Months: -1, Days: 15, Microseconds: -30_000_000, Valid: true}, []byte{},
			map[string]any{"e": map[string]any{}, "k": "ü", "n": -1.5}}
		for i := range want {
			if d := diffValue(got[i], want[i]); d != "" {
				t.Errorf("scan value %d: %s", i, d)
			}
		}

		// A timestamptz parameter in another zone names the same instant.
		var n int
		if err := conn.QueryRow(ctx, "SELECT id FROM "+table+" WHERE c_tstz = $1", tstz1.In(time.FixedZone("-03", -3*3600))).Scan(&n); err != nil {
			t.Fatal(err)
		} else if n != 1 {
			t.Errorf("WHERE c_tstz = $1: id %d, want 1", n)
		}

		// NULLs scan into nil pointers.
		var pi8 *int64
		var ptx *string
		var ptz *time.Time
		var pnum pgtype.Numeric
		if err := conn.QueryRow(ctx, "SELECT c_bigint, c_text, c_tstz, c_numeric FROM "+table+" WHERE id = $1", 3).Scan(&pi8, &ptx, &ptz, &pnum); err != nil {
			t.Fatal(err)
		}
		if pi8 != nil || ptx != nil || ptz != nil || pnum.Valid {
			t.Errorf("NULLs scanned as %v %v %v %v, want nil nil nil invalid", pi8, ptx, ptz, pnum)
		}
	})

	t.Run("error", func(t *testing.T) { pgxErrors(t, conn, table) })
	t.Run("stream", func(t *testing.T) { pgxStream(t, tg, conn, table) })
	t.Run("params", func(t *testing.T) { pgxParams(t, conn, mode) })
	t.Run("cancel", func(t *testing.T) { pgxCancel(t, tg, conn, mode) })
	if mode != pgx.QueryExecModeSimpleProtocol {
		t.Run("statement cache", func(t *testing.T) { pgxStatementCache(t, tg, table) })
	}

	t.Run("transaction", func(t *testing.T) {
		count := func(q pgxQuerier, id int) int {
			t.Helper()
			ids, err := pgxIDs(ctx, q, "SELECT id FROM "+table+" WHERE id = $1", id)
			if err != nil {
				t.Fatalf("look up id %d: %v", id, err)
			}
			return len(ids)
		}
		row := pgxInsertArgs()[2]
		for _, commit := range []bool{false, true} {
			id := 10
			if commit {
				id = 11
			}
			tx, err := conn.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			args := append([]any{int32(id)}, row[1:]...)
			if _, err := tx.Exec(ctx, insertTypes(table), args...); err != nil {
				t.Fatalf("insert in transaction: %v", err)
			}
			if s := pc.TxStatus(); s != 'T' {
				t.Errorf("in transaction: TxStatus %c, want T", s)
			}
			if n := count(tx, id); n != 1 {
				t.Errorf("in transaction: count id %d = %d, want 1 (own write)", id, n)
			}
			if commit {
				err = tx.Commit(ctx)
			} else {
				err = tx.Rollback(ctx)
			}
			if err != nil {
				t.Fatalf("end transaction (commit %v): %v", commit, err)
			}
			if s := pc.TxStatus(); s != 'I' {
				t.Errorf("after transaction: TxStatus %c, want I", s)
			}
			want := 0
			if commit {
				want = 1
			}
			if n := count(conn, id); n != want {
				t.Errorf("after commit=%v: count id %d = %d, want %d", commit, id, n, want)
			}
		}
	})

	if n := notices.take(); len(n) != 0 {
		t.Errorf("notices during the scenario: %q", n)
	}
}

// pgxQuerier is a connection or a transaction.
type pgxQuerier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// pgxIDs runs a query whose first column is an int and returns that
// column.
func pgxIDs(ctx context.Context, q pgxQuerier, sql string, args ...any) ([]int32, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (int32, error) {
		var id int32
		err := r.Scan(&id)
		return id, err
	})
}
