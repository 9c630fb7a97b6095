package clients

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/lib/pq"
)

// The steps of the scenario that runLibpqScenario shares with the other
// clients beyond the types table: the windowed view, parameters of every
// type, errors, cancelling.

// libpqStream creates the events table and the windowed view, inserts the
// events with parameters, waits with FLUSH and reads the view with a
// timestamptz parameter.
func libpqStream(t *testing.T, tg target, conn *sql.Conn, prefix string) {
	ctx := testContext(t)
	table, view, exec := setupStream(t, tg, prefix, func(q string, args ...any) error {
		_, err := conn.ExecContext(ctx, q, args...)
		return err
	})
	rows, err := conn.QueryContext(ctx, selectWindows(view), windowFrom)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cts, err := rows.ColumnTypes()
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"TIMESTAMPTZ", "TIMESTAMPTZ", "INT8", "INT8", "NUMERIC"} {
		if got := cts[i].DatabaseTypeName(); got != want {
			t.Errorf("view column %s: %s, want %s", cts[i].Name(), got, want)
		}
	}
	got := scanAll(t, rows, 5)
	minute := func(m int) time.Time { return windowFrom.Add(time.Duration(m) * time.Minute) }
	checkRows(t, "windows", []string{"window_start", "window_end", "n", "total", "revenue"}, got, [][]any{
		{minute(0), minute(1), int64(2), int64(7), []byte("3.75")},
		{minute(1), minute(2), int64(1), int64(5), nil},
		{minute(31), minute(32), int64(1), nil, []byte("10")},
	})

	e := events[4]
	exec(insertEvent(table), e.ID, e.TS, e.Amount, e.Price)
	exec(streamFlush(tg))
	var n, total int64
	var revenue string
	if err := conn.QueryRowContext(ctx, selectWindow(view), windowFrom).Scan(&n, &total, &revenue); err != nil {
		t.Fatal(err)
	}
	if n != 3 || total != 17 || revenue != "4.00" {
		t.Errorf("window 12:00 after one more event: %d %d %s, want 3 17 4.00", n, total, revenue)
	}
}

// libpqParamArgs are the parameters step's values as database/sql
// arguments (lib/pq sends them all as text).
func libpqParamArgs() []any {
	ints := make([]sql.NullInt64, len(paramIntArray))
	for i, v := range paramIntArray {
		if v != nil {
			ints[i] = sql.NullInt64{Int64: int64(*v), Valid: true}
		}
	}
	texts := make([]sql.NullString, len(paramTextArray))
	for i, v := range paramTextArray {
		if v != nil {
			texts[i] = sql.NullString{String: *v, Valid: true}
		}
	}
	return []any{true, -32768, 2147483647, minInt64, float32(1.5), -0.1, paramNumeric, paramText, paramVarchar,
		paramBytea, paramDate, "23:59:59.999999", paramTS, paramTSTZ, "1 year 2 mons 3 days 04:05:06.5",
		paramJSONB, paramUUID, pq.Array(ints), pq.Array(texts)}
}

// libpqParamValues are the driver values database/sql gives back: int64
// and float64 for all numbers but numeric, time.Time for dates and times
// (a time of day on year 0), the text form as []byte for numeric,
// interval, jsonb, uuid and arrays.
func libpqParamValues() []any {
	return []any{true, int64(-32768), int64(2147483647), minInt64, 1.5, -0.1, []byte(paramNumeric), paramText,
		paramVarchar, paramBytea, paramDate, time.Date(0, 1, 1, 23, 59, 59, 999_999_000, time.UTC), paramTS, paramTSTZ,
		[]byte("1 year 2 mons 3 days 04:05:06.5"), []byte(paramJSONB), []byte(paramUUID),
		[]byte("{1,NULL,-3}"), []byte(`{a,"b,c",NULL,"q\"uote"}`)}
}

// libpqTypeNames are the parameters step's ColumnType.DatabaseTypeName.
var libpqParamTypeNames = []string{"BOOL", "INT2", "INT4", "INT8", "FLOAT4", "FLOAT8", "NUMERIC", "TEXT", "VARCHAR",
	"BYTEA", "DATE", "TIME", "TIMESTAMP", "TIMESTAMPTZ", "INTERVAL", "JSONB", "UUID", "_INT4", "_TEXT"}

// libpqParams sends a value of every type as a parameter and reads it
// back, then the same with every parameter NULL.
func libpqParams(t *testing.T, conn *sql.Conn) {
	ctx := testContext(t)
	names := make([]string, len(paramColumns))
	for i, c := range paramColumns {
		names[i] = c.Name
	}
	nulls := make([]any, len(paramColumns))
	for _, null := range []bool{false, true} {
		args, want, what := libpqParamArgs(), libpqParamValues(), "values"
		if null {
			args, want, what = nulls, nulls, "NULLs"
		}
		rows, err := conn.QueryContext(ctx, paramsQuery(), args...)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		cts, err := rows.ColumnTypes()
		if err != nil {
			t.Fatal(err)
		}
		for i, ct := range cts {
			if ct.Name() != names[i] || ct.DatabaseTypeName() != libpqParamTypeNames[i] {
				t.Errorf("%s: column %d is %s %s, want %s %s", what, i, ct.Name(), ct.DatabaseTypeName(), names[i], libpqParamTypeNames[i])
			}
		}
		got := scanAll(t, rows, len(cts))
		rows.Close()
		checkRows(t, what, names, got, [][]any{want})
	}
}

// libpqErrors runs statements that fail while they are planned and while
// they run, each followed by a query on the same connection.
func libpqErrors(t *testing.T, conn *sql.Conn, table string) {
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
		_, err := conn.ExecContext(ctx, tc.sql, tc.args...)
		var pqErr *pq.Error
		if !errors.As(err, &pqErr) || string(pqErr.Code) != tc.code || pqErr.Message != tc.msg || pqErr.Severity != "ERROR" {
			t.Errorf("%s: got %v, want ERROR %s %s", tc.sql, err, tc.code, tc.msg)
		}
		if ids := libpqIDs(t, ctx, conn, "SELECT id FROM "+table+" WHERE id <= $1 ORDER BY id", 3); len(ids) != 3 {
			t.Errorf("after %s: ids %v, want [1 2 3]", tc.sql, ids)
		}
	}
}

// libpqCancel cancels SELECT pg_sleep(30) the way lib/pq does: when the
// query's context ends, lib/pq sends a CancelRequest and then drops the
// connection, so database/sql goes on with a new one. Then with
// statement_timeout, which keeps the connection.
func libpqCancel(t *testing.T, tg target, conn *sql.Conn) {
	ctx := testContext(t)
	db, err := sql.Open("postgres", tg.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	qctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	start := time.Now()
	_, err = db.ExecContext(qctx, sleepQuery)
	cancel()
	var pqErr *pq.Error
	if !errors.As(err, &pqErr) || pqErr.Code != "57014" || pqErr.Message != errUserCancel {
		t.Errorf("context cancel: got %v, want 57014 %s", err, errUserCancel)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("context cancel: the statement ended after %v", d)
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT 1").Scan(&n); err != nil || n != 1 {
		t.Errorf("after the cancel: %d, %v", n, err)
	}

	if _, err := conn.ExecContext(ctx, timeoutSetting); err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	_, err = conn.ExecContext(ctx, sleepQuery)
	if !errors.As(err, &pqErr) || pqErr.Code != "57014" || pqErr.Message != errTimeout {
		t.Errorf("statement_timeout: got %v, want 57014 %s", err, errTimeout)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("statement_timeout: the statement ended after %v", d)
	}
	if _, err := conn.ExecContext(ctx, "SET statement_timeout = 0"); err != nil {
		t.Fatalf("after the timeout: %v", err)
	}
}
