package postgres

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

func sinkSpec(db string, cols []connectors.Column, key []int, with map[string]string) *connectors.SinkSpec {
	w := map[string]string{
		"connector": "postgres", "host": "127.0.0.1", "port": strconv.Itoa(pgPort),
		"user": "postgres", "database": db, "table": "t",
	}
	for k, v := range with {
		if v == "" {
			delete(w, k)
		} else {
			w[k] = v
		}
	}
	return &connectors.SinkSpec{Name: "s", ID: 42, Columns: cols, Key: key, With: w}
}

func mustExec(t testing.TB, conn *pgx.Conn, sql string) {
	t.Helper()
	if _, err := conn.Exec(context.Background(), sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// query returns the rows of sql as lines of '|'-separated text values,
// NULL as "NULL".
func query(t testing.TB, conn *pgx.Conn, sql string) []string {
	t.Helper()
	rows, err := conn.Query(context.Background(), sql, pgx.QueryResultFormats{pgx.TextFormatCode})
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var fields []string
		for _, v := range rows.RawValues() {
			if v == nil {
				fields = append(fields, "NULL")
			} else {
				fields = append(fields, string(v))
			}
		}
		out = append(out, strings.Join(fields, "|"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func expectRows(t testing.TB, conn *pgx.Conn, sql string, want ...string) {
	t.Helper()
	got := query(t, conn, sql)
	if !slices.Equal(got, want) {
		t.Fatalf("%s:\n got  %q\n want %q", sql, got, want)
	}
}

func openWriter(t testing.TB, spec *connectors.SinkSpec) *Writer {
	t.Helper()
	ctx := context.Background()
	if err := Validate(ctx, spec); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	w, err := Open(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w.(*Writer)
}

func write(t testing.TB, w connectors.SinkWriter, epoch uint64, changes ...connectors.Change) {
	t.Helper()
	if err := w.Write(context.Background(), epoch, changes); err != nil {
		t.Fatalf("Write(%d): %v", epoch, err)
	}
}

func delivered(t *testing.T, w connectors.SinkWriter) uint64 {
	t.Helper()
	e, err := w.Delivered(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func ins(vals ...any) connectors.Change {
	return connectors.Change{Op: chunk.Insert, Row: row(vals...)}
}
func del(vals ...any) connectors.Change {
	return connectors.Change{Op: chunk.Delete, Row: row(vals...)}
}
func uDel(vals ...any) connectors.Change {
	return connectors.Change{Op: chunk.UpdateDelete, Row: row(vals...)}
}
func uIns(vals ...any) connectors.Change {
	return connectors.Change{Op: chunk.UpdateInsert, Row: row(vals...)}
}

// row builds a row from int, string and nil values.
func row(vals ...any) types.Row {
	r := make(types.Row, len(vals))
	for i, v := range vals {
		switch v := v.(type) {
		case int:
			r[i] = types.NewInt(int64(v))
		case string:
			r[i] = types.NewString(v)
		case types.Datum:
			r[i] = v
		case nil:
			r[i] = types.Null
		default:
			panic(v)
		}
	}
	return r
}

var kvCols = []connectors.Column{{Name: "id", Type: types.TInt8}, {Name: "name", Type: types.TVarchar}, {Name: "n", Type: types.TInt4}}

func TestRegistered(t *testing.T) {
	for _, name := range []string{"postgres", "jdbc"} {
		c, err := connectors.LookupSink(&connectors.SinkSpec{With: map[string]string{"connector": name}})
		if err != nil || c.Name != name {
			t.Fatalf("LookupSink(%s): %v %v", name, c, err)
		}
	}
}

func TestUpsert(t *testing.T) {
	conn, db := testDB(t)
	mustExec(t, conn, "CREATE TABLE t (id bigint PRIMARY KEY, name text, n int, extra text DEFAULT 'd')")
	spec := sinkSpec(db, kvCols, []int{0}, map[string]string{"type": "upsert"})
	w := openWriter(t, spec)
	if e := delivered(t, w); e != 0 {
		t.Fatalf("delivered = %d before any write", e)
	}
	write(t, w, 1, ins(1, "a", 10), ins(2, "b", 20), ins(3, "c", nil))
	expectRows(t, conn, "SELECT * FROM t ORDER BY id", "1|a|10|d", "2|b|20|d", "3|c|NULL|d")

	write(t, w, 2,
		uDel(2, "b", 20), uIns(2, "B", 21), // an update
		del(3, "c", nil),                 // a delete
		ins(4, "d", 40),                  // an insert
		ins(5, "e", 50), del(5, "e", 50), // inserted and deleted within the epoch
		ins(6, "f", 60), uDel(6, "f", 60), uIns(6, "F", 61), // inserted and updated within the epoch
		del(7, "never there", 0), // deleting a missing row is a no-op
	)
	want := []string{"1|a|10|d", "2|B|21|d", "4|d|40|d", "6|F|61|d"}
	expectRows(t, conn, "SELECT * FROM t ORDER BY id", want...)
	if e := delivered(t, w); e != 2 {
		t.Fatalf("delivered = %d, want 2", e)
	}
	expectRows(t, conn, "SELECT * FROM eddy_sink_progress", "42|s|2")

	// Epoch 2 again (a replay after a crash): skipped, even with other rows.
	write(t, w, 2, ins(9, "replayed", 9), del(1, "a", 10))
	write(t, w, 1, ins(9, "replayed", 9))
	expectRows(t, conn, "SELECT * FROM t ORDER BY id", want...)

	// Empty epochs cost nothing and deliver nothing.
	write(t, w, 3)
	if e := delivered(t, w); e != 2 {
		t.Fatalf("delivered = %d after an empty epoch", e)
	}

	// A restarted writer knows where it is.
	w2 := openWriter(t, spec)
	if e := delivered(t, w2); e != 2 {
		t.Fatalf("delivered after reopening = %d", e)
	}
	write(t, w2, 4, uDel(1, "a", 10), uIns(1, "a2", 11))
	expectRows(t, conn, "SELECT * FROM t ORDER BY id", "1|a2|11|d", "2|B|21|d", "4|d|40|d", "6|F|61|d")
	if e := delivered(t, w2); e != 4 {
		t.Fatalf("delivered = %d, want 4", e)
	}
}

// TestUpsertUpdateMovesKey: with a primary_key that is not the view's
// key an update can change the sink key; the old key's row is deleted.
func TestUpsertUpdateMovesKey(t *testing.T) {
	conn, db := testDB(t)
	mustExec(t, conn, "CREATE TABLE t (id bigint, name text PRIMARY KEY, n int)")
	w := openWriter(t, sinkSpec(db, kvCols, []int{0}, map[string]string{"primary_key": "name"}))
	write(t, w, 1, ins(1, "a", 1), ins(2, "b", 2))
	write(t, w, 2, uDel(1, "a", 1), uIns(1, "z", 1))
	expectRows(t, conn, "SELECT * FROM t ORDER BY name", "2|b|2", "1|z|1")
}

func TestCompositeKeyAllColumns(t *testing.T) {
	conn, db := testDB(t)
	mustExec(t, conn, "CREATE TABLE t (a int, b text, UNIQUE (b, a))")
	cols := []connectors.Column{{Name: "a", Type: types.TInt4}, {Name: "b", Type: types.TText}}
	w := openWriter(t, sinkSpec(db, cols, []int{0, 1}, nil)) // type defaults to upsert: the input retracts
	if !w.c.upsert {
		t.Fatal("type should default to upsert for a retract input")
	}
	write(t, w, 1, ins(1, "x"), ins(1, "y"), ins(2, "x"), ins(1, "x"))
	write(t, w, 2, del(1, "y"))
	expectRows(t, conn, "SELECT * FROM t ORDER BY a, b", "1|x", "2|x")
}

func TestAppendOnly(t *testing.T) {
	conn, db := testDB(t)
	mustExec(t, conn, "CREATE TABLE t (id bigint, name text, n int)")
	spec := sinkSpec(db, kvCols, nil, map[string]string{"type": "append-only", "force_append_only": "true"})
	spec.AppendOnly = true
	w := openWriter(t, spec)
	odd := "tab\there\nnewline \\backslash \\N \r 'quote' \"dq\" é"
	write(t, w, 1, ins(1, odd, 1), ins(1, "dup", 1), ins(2, nil, nil), ins(3, `\N`, 3))
	want := []string{"1|dup|1", "1|" + odd + "|1", "2|NULL|NULL", `3|\N|3`}
	expectRows(t, conn, "SELECT * FROM t ORDER BY id, name", want...)

	// A replay adds nothing; the next epoch appends.
	write(t, w, 1, ins(1, odd, 1), ins(1, "dup", 1), ins(2, nil, nil), ins(3, `\N`, 3))
	expectRows(t, conn, "SELECT count(*) FROM t", "4")
	write(t, w, 2, ins(4, "x", 4))
	expectRows(t, conn, "SELECT count(*) FROM t", "5")
	if e := delivered(t, w); e != 2 {
		t.Fatalf("delivered = %d", e)
	}

	// A delete never reaches an append-only table.
	err := w.Write(context.Background(), 3, []connectors.Change{ins(5, "y", 5), del(4, "x", 4)})
	if sqlerr.Code(err) != sqlerr.FeatureNotSupported {
		t.Fatalf("delete in append-only mode: %v", err)
	}
	expectRows(t, conn, "SELECT count(*) FROM t", "5")

	// Many rows: COPY streams them in several pieces.
	var many []connectors.Change
	for i := 0; i < 5000; i++ {
		many = append(many, ins(100+i, strings.Repeat("v", i%50), i))
	}
	write(t, w, 4, many...)
	expectRows(t, conn, "SELECT count(*), sum(n), sum(length(name)) FROM t WHERE id >= 100", "5000|12497500|122500")
}

// TestFailedEpochLeavesNothing: an epoch that fails half way (a row the
// table refuses) commits none of its rows nor its progress; after the
// cause is fixed the same epoch goes through.
func TestFailedEpochLeavesNothing(t *testing.T) {
	conn, db := testDB(t)
	mustExec(t, conn, "CREATE TABLE t (id bigint PRIMARY KEY, name text, n int CHECK (n < 100))")
	w := openWriter(t, sinkSpec(db, kvCols, []int{0}, map[string]string{"max_batch_rows": "2"}))
	write(t, w, 1, ins(1, "a", 1))
	err := w.Write(context.Background(), 2, []connectors.Change{ins(2, "b", 2), ins(3, "c", 3), del(1, "a", 1), ins(4, "d", 400)})
	if sqlerr.Code(err) != "23514" {
		t.Fatalf("check violation: %v (%s)", err, sqlerr.Code(err))
	}
	expectRows(t, conn, "SELECT id FROM t ORDER BY id", "1")
	if e := delivered(t, w); e != 1 {
		t.Fatalf("delivered = %d after a failed epoch", e)
	}
	mustExec(t, conn, "ALTER TABLE t DROP CONSTRAINT t_n_check")
	write(t, w, 2, ins(2, "b", 2), ins(3, "c", 3), del(1, "a", 1), ins(4, "d", 400))
	expectRows(t, conn, "SELECT id FROM t ORDER BY id", "2", "3", "4")
}

// TestReconnect: a connection the server ended is replaced on the next
// call.
func TestReconnect(t *testing.T) {
	conn, db := testDB(t)
	mustExec(t, conn, "CREATE TABLE t (id bigint PRIMARY KEY, name text, n int)")
	w := openWriter(t, sinkSpec(db, kvCols, []int{0}, nil))
	write(t, w, 1, ins(1, "a", 1))
	mustExec(t, conn, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'eddy'")
	err := w.Write(context.Background(), 2, []connectors.Change{ins(2, "b", 2)})
	if err == nil {
		t.Log("the write after the kill went through on the first try")
	} else if code := sqlerr.Code(err); code != "08006" && code != "57P01" {
		t.Fatalf("write on a killed connection: %v (%s)", err, code)
	}
	write(t, w, 2, ins(2, "b", 2))
	expectRows(t, conn, "SELECT id FROM t ORDER BY id", "1", "2")
	if e := delivered(t, w); e != 2 {
		t.Fatalf("delivered = %d", e)
	}
}

// TestProgressOfAnotherSink: a progress row left by another sink with the
// same id is not trusted.
func TestProgressOfAnotherSink(t *testing.T) {
	conn, db := testDB(t)
	mustExec(t, conn, "CREATE TABLE t (id bigint PRIMARY KEY, name text, n int)")
	mustExec(t, conn, "CREATE TABLE eddy_sink_progress (sink_id bigint PRIMARY KEY, sink_name text NOT NULL, epoch bigint NOT NULL)")
	mustExec(t, conn, "INSERT INTO eddy_sink_progress VALUES (42, 'old_sink', 1000)")
	w := openWriter(t, sinkSpec(db, kvCols, []int{0}, nil))
	if e := delivered(t, w); e != 0 {
		t.Fatalf("delivered = %d from another sink's row", e)
	}
	write(t, w, 5, ins(1, "a", 1))
	expectRows(t, conn, "SELECT * FROM eddy_sink_progress", "42|s|5")
	expectRows(t, conn, "SELECT id FROM t", "1")
}

func TestSchemaAndQuoting(t *testing.T) {
	conn, db := testDB(t)
	mustExec(t, conn, `CREATE SCHEMA "My Schema"`)
	mustExec(t, conn, `CREATE TABLE "My Schema"."Odd ""Table""" ("Id" bigint PRIMARY KEY, "select" text, "N" int)`)
	cols := []connectors.Column{{Name: "Id", Type: types.TInt8}, {Name: "select", Type: types.TText}, {Name: "N", Type: types.TInt4}}
	w := openWriter(t, sinkSpec(db, cols, []int{0}, map[string]string{"schema": "My Schema", "table": `Odd "Table"`}))
	write(t, w, 1, ins(1, "a", 1), ins(2, "b", 2))
	write(t, w, 2, del(1, "a", 1))
	expectRows(t, conn, `SELECT * FROM "My Schema"."Odd ""Table"""`, "2|b|2")
	expectRows(t, conn, `SELECT epoch FROM "My Schema".eddy_sink_progress`, "2")
}

func TestJDBC(t *testing.T) {
	conn, db := testDB(t)
	mustExec(t, conn, "CREATE SCHEMA app")
	mustExec(t, conn, "CREATE TABLE app.t (id bigint PRIMARY KEY, name text, n int)")
	spec := &connectors.SinkSpec{Name: "j", ID: 3, Columns: kvCols, Key: []int{0}, With: map[string]string{
		"connector":          "jdbc",
		"jdbc.url":           "jdbc:postgresql://127.0.0.1:" + strconv.Itoa(pgPort) + "/" + db + "?user=postgres&password=unused&sslmode=disable",
		"table.name":         "t",
		"schema.name":        "app",
		"type":               "upsert",
		"jdbc.query.timeout": "60",
		"jdbc.auto.commit":   "false",
	}}
	w := openWriter(t, spec)
	write(t, w, 1, ins(1, "a", 1), ins(2, "b", 2))
	write(t, w, 2, uDel(1, "a", 1), uIns(1, "A", 1))
	expectRows(t, conn, "SELECT * FROM app.t ORDER BY id", "1|A|1", "2|b|2")
	expectRows(t, conn, "SELECT * FROM app.eddy_sink_progress", "3|j|2")
	var timeout string
	if err := w.conn.QueryRow(context.Background(), "SHOW statement_timeout").Scan(&timeout); err != nil || timeout != "1min" {
		t.Fatalf("statement_timeout %q %v", timeout, err)
	}
}

func TestParseJDBC(t *testing.T) {
	for _, tc := range []struct {
		url, hosts, ports, db, user, password, sslmode, schema string
	}{
		{"jdbc:postgresql://db.example:6543/app?user=u&password=p%26w", "db.example", "6543", "app", "u", "p&w", "", ""},
		{"jdbc:postgresql://db/app", "db", "5432", "app", "", "", "", ""},
		{"jdbc:postgresql://h1:1,h2/app?ssl=true&currentSchema=s", "h1,h2", "1,5432", "app", "", "", "require", "s"},
		{"jdbc:postgresql://[::1]:7/app?sslmode=verify-full", "::1", "7", "app", "", "", "verify-full", ""},
		{"jdbc:postgresql:app", "localhost", "5432", "app", "", "", "", ""},
		{"jdbc:postgresql://me:p%40ss@db/app", "db", "5432", "app", "me", "p@ss", "", ""},
	} {
		ep, schema, err := parseJDBC(tc.url)
		if err != nil {
			t.Errorf("%s: %v", tc.url, err)
			continue
		}
		got := []string{ep.hosts, ep.ports, ep.database, ep.user, ep.password, ep.sslmode, schema}
		want := []string{tc.hosts, tc.ports, tc.db, tc.user, tc.password, tc.sslmode, tc.schema}
		if !slices.Equal(got, want) {
			t.Errorf("%s: got %q, want %q", tc.url, got, want)
		}
	}
	for _, tc := range []struct{ url, code, msg string }{
		{"jdbc:mysql://db/app", sqlerr.FeatureNotSupported, "mysql"},
		{"postgresql://db/app", sqlerr.InvalidParameterValue, "jdbc:"},
		{"jdbc:postgresql://db/", sqlerr.InvalidParameterValue, "no database"},
		{"jdbc:postgresql://db:x/app?password=secret", sqlerr.InvalidParameterValue, "port"},
		{"jdbc:postgresql://u:secret@/app?password=secret&x=1", sqlerr.InvalidParameterValue, "no host"},
	} {
		_, _, err := parseJDBC(tc.url)
		var e *sqlerr.Error
		if !errors.As(err, &e) || e.Code != tc.code || !strings.Contains(e.Message+e.Hint, tc.msg) || strings.Contains(e.Message, "secret") {
			t.Errorf("%s: %v", tc.url, err)
		}
	}
}

// TestOptionErrors needs no server.
func TestOptionErrors(t *testing.T) {
	ctx := context.Background()
	base := func() *connectors.SinkSpec {
		return &connectors.SinkSpec{Name: "s", Columns: kvCols, Key: []int{0}, With: map[string]string{
			"connector": "postgres", "host": "h", "user": "u", "database": "d", "table": "t"}}
	}
	for _, tc := range []struct {
		name string
		edit func(*connectors.SinkSpec)
		code string
		msg  string
	}{
		{"unknown option", func(s *connectors.SinkSpec) { s.With["tabel"] = "x" }, sqlerr.InvalidParameterValue, `unknown option "tabel"`},
		{"missing host", func(s *connectors.SinkSpec) { delete(s.With, "host") }, sqlerr.InvalidParameterValue, `missing option "host"`},
		{"missing table", func(s *connectors.SinkSpec) { delete(s.With, "table") }, sqlerr.InvalidParameterValue, `missing option "table"`},
		{"bad port", func(s *connectors.SinkSpec) { s.With["port"] = "70000" }, sqlerr.InvalidParameterValue, `"port"`},
		{"port not a number", func(s *connectors.SinkSpec) { s.With["port"] = "x" }, sqlerr.InvalidParameterValue, `"port"`},
		{"bad type", func(s *connectors.SinkSpec) { s.With["type"] = "retract" }, sqlerr.InvalidParameterValue, `"type"`},
		{"bad ssl_mode", func(s *connectors.SinkSpec) { s.With["ssl_mode"] = "maybe" }, sqlerr.InvalidParameterValue, `"ssl_mode"`},
		{"append-only over retract", func(s *connectors.SinkSpec) { s.With["type"] = "append-only" }, sqlerr.FeatureNotSupported, "force_append_only"},
		{"upsert without key", func(s *connectors.SinkSpec) { s.Key = nil }, sqlerr.InvalidParameterValue, "primary key"},
		{"unknown key column", func(s *connectors.SinkSpec) { s.With["primary_key"] = "id, nope" }, sqlerr.UndefinedColumn, `"nope"`},
		{"bad batch", func(s *connectors.SinkSpec) { s.With["max_batch_rows"] = "0" }, sqlerr.InvalidParameterValue, "max_batch_rows"},
		{"jdbc without url", func(s *connectors.SinkSpec) {
			s.With = map[string]string{"connector": "jdbc", "table.name": "t"}
		}, sqlerr.InvalidParameterValue, `missing option "jdbc.url"`},
		{"jdbc without table", func(s *connectors.SinkSpec) {
			s.With = map[string]string{"connector": "jdbc", "jdbc.url": "jdbc:postgresql://h/d"}
		}, sqlerr.InvalidParameterValue, `missing option "table.name"`},
		{"jdbc takes no host", func(s *connectors.SinkSpec) {
			s.With = map[string]string{"connector": "jdbc", "jdbc.url": "jdbc:postgresql://h/d", "table.name": "t", "host": "h"}
		}, sqlerr.InvalidParameterValue, `unknown option "host"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := base()
			tc.edit(s)
			err := Validate(ctx, s)
			var e *sqlerr.Error
			if !errors.As(err, &e) || e.Code != tc.code || !strings.Contains(e.Message+" "+e.Hint, tc.msg) {
				t.Fatalf("Validate: %v (want %s containing %q)", err, tc.code, tc.msg)
			}
		})
	}
	// The engine's options are accepted.
	s := base()
	s.With["force_append_only"] = "true"
	s.With["snapshot"] = "false"
	s.With["primary_key"] = "id"
	if _, err := parseConfig(s); err != nil {
		t.Fatal(err)
	}
}

func TestValidateTable(t *testing.T) {
	ctx := context.Background()
	conn, db := testDB(t)
	mustExec(t, conn, "CREATE TABLE nokey (id bigint, name text, n int)")
	mustExec(t, conn, "CREATE TABLE partial (id bigint, name text, n int)")
	mustExec(t, conn, "CREATE UNIQUE INDEX ON partial (id) WHERE n > 0")
	mustExec(t, conn, "CREATE TABLE wide (id bigint, name text, n int, PRIMARY KEY (id, n))")
	mustExec(t, conn, "CREATE TABLE missingcol (id bigint PRIMARY KEY, name text)")
	mustExec(t, conn, "CREATE TABLE badtype (id bigint PRIMARY KEY, name text, n bytea)")
	mustExec(t, conn, "CREATE TABLE required (id bigint PRIMARY KEY, name text, n int, must text NOT NULL)")
	mustExec(t, conn, "CREATE TABLE good (id numeric UNIQUE, name varchar(10), n bigint, "+
		"created timestamptz NOT NULL DEFAULT now(), serial_id bigserial, ident int GENERATED ALWAYS AS IDENTITY)")
	mustExec(t, conn, "CREATE VIEW v AS SELECT * FROM good")
	mustExec(t, conn, "CREATE TABLE deferred (id bigint, name text, n int, UNIQUE (id) DEFERRABLE INITIALLY DEFERRED)")

	for _, tc := range []struct {
		table string
		with  map[string]string
		code  string
		msg   string
	}{
		{"absent", nil, sqlerr.UndefinedTable, `relation "public.absent" does not exist`},
		{"absent", map[string]string{"schema": "nope"}, sqlerr.UndefinedTable, `"nope.absent"`},
		{"v", nil, sqlerr.WrongObjectType, "not a table"},
		{"nokey", nil, sqlerr.InvalidColumnReference, "no primary key or unique constraint on (id)"},
		{"partial", nil, sqlerr.InvalidColumnReference, "no primary key"},
		{"deferred", nil, sqlerr.InvalidColumnReference, "no primary key"},
		{"wide", nil, sqlerr.InvalidColumnReference, "no primary key"},
		{"missingcol", nil, sqlerr.UndefinedColumn, `column "n" of relation "public.missingcol" does not exist`},
		{"badtype", nil, sqlerr.DatatypeMismatch, `column "n" of relation "public.badtype" is of type bytea`},
		{"required", nil, sqlerr.NotNullViolation, `column "must"`},
		{"good", map[string]string{"database": "nope"}, "3D000", `database "nope" does not exist`},
	} {
		with := map[string]string{"table": tc.table}
		for k, v := range tc.with {
			with[k] = v
		}
		err := Validate(ctx, sinkSpec(db, kvCols, []int{0}, with))
		var e *sqlerr.Error
		if !errors.As(err, &e) || e.Code != tc.code || !strings.Contains(e.Message, tc.msg) {
			t.Errorf("%s %v: %v (%s), want %s containing %q", tc.table, tc.with, err, sqlerr.Code(err), tc.code, tc.msg)
		}
	}
	// Wider and string types, defaults, identity and serial columns are fine.
	if err := Validate(ctx, sinkSpec(db, kvCols, []int{0}, map[string]string{"table": "good"})); err != nil {
		t.Errorf("good: %v", err)
	}
	// A key matching the index exactly, in any order.
	if err := Validate(ctx, sinkSpec(db, kvCols, nil, map[string]string{"table": "wide", "primary_key": "n,id"})); err != nil {
		t.Errorf("wide with primary_key: %v", err)
	}
	// Append-only needs no key.
	spec := sinkSpec(db, kvCols, nil, map[string]string{"table": "nokey", "type": "append-only"})
	spec.AppendOnly = true
	if err := Validate(ctx, spec); err != nil {
		t.Errorf("append-only without key: %v", err)
	}

	// Nothing listens on this port.
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	err = Validate(ctx, sinkSpec(db, kvCols, []int{0}, map[string]string{"table": "good", "port": strconv.Itoa(port)}))
	var e *sqlerr.Error
	if !errors.As(err, &e) || e.Code != "08001" || !strings.Contains(e.Message, "cannot connect to PostgreSQL at 127.0.0.1:"+strconv.Itoa(port)) {
		t.Errorf("unreachable: %v (%s)", err, sqlerr.Code(err))
	}
	// Nor does Open fail: the writer connects when used, and says so.
	w, err := Open(ctx, sinkSpec(db, kvCols, []int{0}, map[string]string{"table": "good", "port": strconv.Itoa(port)}))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.Delivered(ctx); sqlerr.Code(err) != "08001" {
		t.Errorf("Delivered on an unreachable server: %v", err)
	}
}

// BenchmarkWrite measures one epoch of 10,000 rows: fresh inserts in
// append-only mode (COPY), and updates of existing keys in upsert mode
// (prepared statements, max_batch_rows per round trip).
func BenchmarkWrite(b *testing.B) {
	const n = 10000
	conn, db := testDB(b)
	for _, mode := range []string{"append-only", "upsert"} {
		b.Run(mode, func(b *testing.B) {
			table := strings.ReplaceAll(mode, "-", "_")
			// The function runs once per b.N tried: start afresh each time.
			mustExec(b, conn, "DROP TABLE IF EXISTS "+table)
			mustExec(b, conn, "CREATE TABLE "+table+" (id bigint PRIMARY KEY, name text, n int)")
			mustExec(b, conn, "DROP TABLE IF EXISTS eddy_sink_progress")
			spec := sinkSpec(db, kvCols, []int{0}, map[string]string{"table": table, "type": mode})
			spec.AppendOnly = mode == "append-only"
			spec.Name = table
			spec.ID = uint32(len(mode))
			w := openWriter(b, spec)
			changes := make([]connectors.Change, n)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for j := range changes {
					id := j
					if mode == "append-only" {
						id += i * n
					}
					changes[j] = ins(id, "name "+strconv.Itoa(j), i)
				}
				write(b, w, uint64(i+1), changes...)
			}
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
