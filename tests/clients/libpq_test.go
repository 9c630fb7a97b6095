package clients

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/lib/pq"
)

// libpqInsertArgs are the scenario rows as database/sql arguments: lib/pq
// sends every parameter in text format.
func libpqInsertArgs() [][]any {
	return [][]any{
		{1, maxInt64, 32767, 3.5, float32(1.25), "12345.678900", "hello", "plain text", true,
			time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), time.Date(2024, 2, 29, 13, 45, 30, 123456000, time.UTC),
			tstz1, "1 year 2 mons 3 days 04:05:06.5", []byte{0, 0xff, 0x10}, jsonb1},
		{2, minInt64, -32768, -2.5e-10, float32(-0.75), "-0.001", varchar2, text2, false,
			time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC),
			tstz2, "-1 mons +15 days -00:00:30", []byte{}, jsonb2},
		{3, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil},
	}
}

// libpqWantRows are the scenario rows as lib/pq hands them to
// database/sql: int64 for every integer, float64 for both floats,
// time.Time for dates and timestamps, the text form as []byte for numeric,
// interval and jsonb.
func libpqWantRows() [][]any {
	return [][]any{
		{int64(1), maxInt64, int64(32767), 3.5, 1.25, []byte("12345.678900"), "hello", "plain text", true,
			time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), time.Date(2024, 2, 29, 13, 45, 30, 123456000, time.UTC),
			tstz1, []byte("1 year 2 mons 3 days 04:05:06.5"), []byte{0, 0xff, 0x10}, []byte(jsonb1)},
		{int64(2), minInt64, int64(-32768), -2.5e-10, -0.75, []byte("-0.001"), varchar2, text2, false,
			time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC),
			tstz2, []byte("-1 mons +15 days -00:00:30"), []byte{}, []byte(jsonb2)},
		{int64(3), nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil},
	}
}

// libpqTypeNames are the scenario columns' ColumnType.DatabaseTypeName.
var libpqTypeNames = []string{"INT4", "INT8", "INT2", "FLOAT8", "FLOAT4", "NUMERIC", "VARCHAR", "TEXT", "BOOL",
	"DATE", "TIMESTAMP", "TIMESTAMPTZ", "INTERVAL", "BYTEA", "JSONB"}

// pqNotices collects the notices lib/pq reports.
type pqNotices struct {
	mu  sync.Mutex
	got []string
}

func (n *pqNotices) add(e *pq.Error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.got = append(n.got, fmt.Sprintf("%s %s %s", e.Severity, e.Code, e.Message))
}

func (n *pqNotices) take() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	g := n.got
	n.got = nil
	return g
}

// openLibpq opens a database/sql pool on lib/pq and pins one connection.
func openLibpq(t *testing.T, tg target, notices *pqNotices) *sql.Conn {
	t.Helper()
	ctx := testContext(t)
	c, err := pq.NewConnector(tg.DSN())
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(pq.ConnectorWithNoticeHandler(c, notices.add))
	t.Cleanup(func() { _ = db.Close() })
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatalf("connect %s: %v", tg.DSN(), err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// TestLibpq runs the scenario through lib/pq and database/sql, with trust
// and with SCRAM authentication.
func TestLibpq(t *testing.T) {
	for _, tc := range []struct {
		name     string
		password bool
	}{{"trust", false}, {"scram", true}} {
		t.Run(tc.name, func(t *testing.T) {
			tg := startTarget(t, tc.password)
			runLibpqScenario(t, tg, "libpq_"+tc.name)
		})
	}
}

// runLibpqScenario runs the scenario on one lib/pq connection, on a new
// table.
func runLibpqScenario(t *testing.T, tg target, table string) {
	dropTables(t, tg, table, table+"_events")
	ctx := testContext(t)
	var notices pqNotices
	conn := openLibpq(t, tg, &notices)
	cols := make([]string, len(typesColumns))
	for i, c := range typesColumns {
		cols[i] = c.Name
	}

	ok := t.Run("connect", func(t *testing.T) {
		if err := conn.PingContext(ctx); err != nil {
			t.Fatalf("ping: %v", err)
		}
		if n := notices.take(); len(n) != 0 {
			t.Errorf("notices while connecting: %q", n)
		}
	})
	if !ok {
		return
	}

	ok = t.Run("create and insert", func(t *testing.T) {
		if _, err := conn.ExecContext(ctx, createTypesTable(table)); err != nil {
			t.Fatal(err)
		}
		// Rows 1 and 2 through a named prepared statement, row 3
		// through the unnamed statement.
		stmt, err := conn.PrepareContext(ctx, insertTypes(table))
		if err != nil {
			t.Fatal(err)
		}
		args := libpqInsertArgs()
		for _, a := range args[:2] {
			res, err := stmt.ExecContext(ctx, a...)
			if err != nil {
				t.Fatalf("insert id %v: %v", a[0], err)
			}
			if n, err := res.RowsAffected(); err != nil || n != 1 {
				t.Errorf("insert id %v: %d rows affected (%v), want 1", a[0], n, err)
			}
		}
		if err := stmt.Close(); err != nil {
			t.Errorf("close statement: %v", err)
		}
		res, err := conn.ExecContext(ctx, insertTypes(table), args[2]...)
		if err != nil {
			t.Fatalf("insert id 3: %v", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			t.Errorf("insert id 3: %d rows affected (%v), want 1", n, err)
		}
	})
	if !ok {
		return
	}

	t.Run("select", func(t *testing.T) {
		rows, err := conn.QueryContext(ctx, "SELECT "+columnList()+" FROM "+table+" WHERE id >= $1 ORDER BY id", 1)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		cts, err := rows.ColumnTypes()
		if err != nil {
			t.Fatal(err)
		}
		for i, ct := range cts {
			if i >= len(cols) || ct.Name() != cols[i] || ct.DatabaseTypeName() != libpqTypeNames[i] {
				t.Errorf("column %d: %s %s, want %s %s", i, ct.Name(), ct.DatabaseTypeName(), cols[min(i, len(cols)-1)], libpqTypeNames[min(i, len(cols)-1)])
			}
		}
		got := scanAll(t, rows, len(cts))
		checkRows(t, "rows", cols, got, libpqWantRows())

		// A prepared query with a text parameter, read twice.
		stmt, err := conn.PrepareContext(ctx, "SELECT id, c_text FROM "+table+" WHERE c_varchar = $1")
		if err != nil {
			t.Fatal(err)
		}
		defer stmt.Close()
		for range 2 {
			var id int
			var text string
			if err := stmt.QueryRowContext(ctx, varchar2).Scan(&id, &text); err != nil {
				t.Fatal(err)
			}
			if id != 2 || text != text2 {
				t.Errorf("WHERE c_varchar = $1: %d %q, want 2 %q", id, text, text2)
			}
		}
		var id int
		if err := conn.QueryRowContext(ctx, "SELECT id FROM "+table+" WHERE c_tstz = $1", tstz2.In(time.FixedZone("+09", 9*3600))).Scan(&id); err != nil {
			t.Fatal(err)
		} else if id != 2 {
			t.Errorf("WHERE c_tstz = $1: id %d, want 2", id)
		}
	})

	t.Run("error", func(t *testing.T) { libpqErrors(t, conn, table) })
	t.Run("stream", func(t *testing.T) { libpqStream(t, tg, conn, table) })
	t.Run("params", func(t *testing.T) { libpqParams(t, conn) })
	t.Run("cancel", func(t *testing.T) { libpqCancel(t, tg, conn) })

	t.Run("transaction", func(t *testing.T) {
		row := libpqInsertArgs()[1]
		for _, commit := range []bool{false, true} {
			id := 10
			if commit {
				id = 11
			}
			tx, err := conn.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tx.ExecContext(ctx, insertTypes(table), append([]any{id}, row[1:]...)...); err != nil {
				t.Fatalf("insert in transaction: %v", err)
			}
			var got int
			if err := tx.QueryRowContext(ctx, "SELECT id FROM "+table+" WHERE id = $1", id).Scan(&got); err != nil {
				t.Errorf("in transaction: own write id %d: %v", id, err)
			}
			if commit {
				err = tx.Commit()
			} else {
				err = tx.Rollback()
			}
			if err != nil {
				t.Fatalf("end transaction (commit %v): %v", commit, err)
			}
			ids := libpqIDs(t, ctx, conn, "SELECT id FROM "+table+" WHERE id = $1", id)
			if want := commit; (len(ids) == 1) != want || len(ids) > 1 {
				t.Errorf("after commit=%v: ids %v", commit, ids)
			}
		}
	})

	if n := notices.take(); len(n) != 0 {
		t.Errorf("notices during the scenario: %q", n)
	}
}

// TestLibpqCopyIn loads rows with pq.CopyIn inside a transaction and
// reads them back.
func TestLibpqCopyIn(t *testing.T) {
	tg := startTarget(t, false)
	const table = "libpq_copy"
	dropTables(t, tg, table)
	ctx := testContext(t)
	var notices pqNotices
	conn := openLibpq(t, tg, &notices)
	if _, err := conn.ExecContext(ctx, "CREATE TABLE "+table+" (id int PRIMARY KEY, name text, amount numeric, at timestamptz, raw bytea)"); err != nil {
		t.Fatal(err)
	}
	const n = 1000
	row := func(i int) []any {
		var name any = fmt.Sprintf("row %d, \"quoted\"\ttab\\", i)
		if i%10 == 0 {
			name = nil
		}
		return []any{i, name, fmt.Sprintf("%d.%03d", i, i%1000), time.Date(2023, 3, 26, 0, 59, 0, 0, time.FixedZone("+01", 3600)).Add(time.Duration(i) * time.Minute),
			[]byte{byte(i), byte(i >> 8), 0}}
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	stmt, err := tx.PrepareContext(ctx, pq.CopyIn(table, "id", "name", "amount", "at", "raw"))
	if err != nil {
		t.Fatalf("prepare COPY: %v", err)
	}
	for i := range n {
		if _, err := stmt.ExecContext(ctx, row(i)...); err != nil {
			t.Fatalf("copy row %d: %v", i, err)
		}
	}
	res, err := stmt.ExecContext(ctx)
	if err != nil {
		t.Fatalf("end COPY: %v", err)
	}
	if got, err := res.RowsAffected(); err != nil || got != n {
		t.Errorf("COPY affected %d rows (%v), want %d", got, err, n)
	}
	if err := stmt.Close(); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}

	rows, err := conn.QueryContext(ctx, "SELECT id, name, amount, at, raw FROM "+table+" ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := scanAll(t, rows, 5)
	want := make([][]any, n)
	for i := range want {
		r := row(i)
		want[i] = []any{int64(i), r[1], []byte(r[2].(string)), r[3], r[4]}
	}
	checkRows(t, "copied rows", []string{"id", "name", "amount", "at", "raw"}, got, want)
	if n := notices.take(); len(n) != 0 {
		t.Errorf("notices: %q", n)
	}
}

// scanAll reads every row of rows as driver values.
func scanAll(t *testing.T, rows *sql.Rows, ncol int) [][]any {
	t.Helper()
	var got [][]any
	for rows.Next() {
		vals := make([]any, ncol)
		ptrs := make([]any, ncol)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		got = append(got, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

// libpqIDs runs a query whose first column is an int and returns that
// column.
func libpqIDs(t *testing.T, ctx context.Context, conn *sql.Conn, query string, args ...any) []int {
	t.Helper()
	rows, err := conn.QueryContext(ctx, query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var ids []int
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return ids
}
