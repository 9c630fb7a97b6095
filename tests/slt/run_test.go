package slt

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/eddy-db/eddy/internal/pgtest"
)

// runnerFile exercises every outcome of the runner. Records marked FAIL
// must be reported, with the line and message listed in TestRunner.
const runnerFile = `statement ok
CREATE TABLE t (a int, b text)

statement count 2
INSERT INTO t VALUES (1, 'x'), (2, NULL)

# FAIL: wrong count
statement count 5
INSERT INTO t VALUES (3, 'y'), (4, '')

query IT rowsort
SELECT * FROM t
----
4 (empty)
1 x
2 NULL
3 y

# FAIL: wrong value
query IT
SELECT * FROM t WHERE a = 1
----
1 z

# FAIL: wrong column count
query I
SELECT a, b FROM t WHERE a = 1
----
1 x

# FAIL: unexpected error
statement ok
SELECT nope

# FAIL: no error
statement error 42P01
SELECT 1

# FAIL: another error
statement error 42P01
SELECT nope FROM t

query error 22012 division
SELECT 1 / 0

onlyif other
statement ok
this is not SQL

skipif test
statement ok
this is not SQL either

# FAIL: no result set
query I
INSERT INTO t VALUES (5, 'z')

# FAIL: wrong order without rowsort
query I
SELECT a FROM t ORDER BY a DESC LIMIT 2
----
4
5

query T valuesort
SELECT b FROM t WHERE a < 3
----
NULL
x

# The server ends the connection; the runner reconnects.
statement error 57P01
SELECT pg_terminate_backend(pg_backend_pid())

query I
SELECT count(*) FROM t
----
5

# Several statements: the last result is compared.
query T
SELECT 1; SELECT 'last'
----
last

statement count 1
UPDATE t SET b = 'w' WHERE a = 1; DELETE FROM t WHERE a = 5

skipif other
halt

statement ok
this is never run
`

func TestRunner(t *testing.T) {
	pg := pgtest.Shared(t)
	f, err := Parse("runner.slt", []byte(runnerFile))
	if err != nil {
		t.Fatal(err)
	}
	r := &Runner{Engine: "test", DSN: pg.DSN}
	rep, err := r.Run(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		line int
		msg  string
		// detail holds substrings the detail must contain, in order.
		detail []string
	}{
		{8, "expected 5 affected rows, got 2 (INSERT 0 2)", nil},
		{20, "result mismatch", []string{"expected:\n    1 z\nactual:\n    1 x"}},
		{26, "expected 1 columns (I), got 2", nil},
		{32, "unexpected error", []string{`actual: 42703 column "nope" does not exist`}},
		{36, "statement succeeded, expected an error", []string{"expected: 42P01"}},
		{40, "error mismatch", []string{"expected: 42P01", `actual:   42703 column "nope" does not exist`}},
		{55, "query returned no result set", nil},
		{59, "result mismatch", []string{"expected:\n    4\n    5\nactual:\n    5\n    4"}},
	}
	if len(rep.Failures) != len(want) {
		for _, f := range rep.Failures {
			t.Log(f.Error())
		}
		t.Fatalf("got %d failures, want %d", len(rep.Failures), len(want))
	}
	for i, w := range want {
		f := rep.Failures[i]
		if f.File != "runner.slt" || f.Line != w.line || f.Msg != w.msg {
			t.Errorf("failure %d = %s:%d %q, want line %d %q", i, f.File, f.Line, f.Msg, w.line, w.msg)
		}
		rest := f.Detail
		for _, d := range w.detail {
			j := strings.Index(rest, d)
			if j < 0 {
				t.Errorf("failure %d detail %q lacks %q", i, f.Detail, d)
				break
			}
			rest = rest[j+len(d):]
		}
	}
	if rep.Ran != 17 || rep.Skipped != 2 || !rep.Halted {
		t.Errorf("ran %d, skipped %d, halted %v; want 17, 2, true", rep.Ran, rep.Skipped, rep.Halted)
	}
	// Actual rows are kept for every query that returned a result set,
	// sorted as the record says.
	var got []string
	for _, rec := range f.Records {
		if rows, ok := rep.Actual[rec]; ok {
			got = append(got, strings.Join(rows, "|"))
		}
	}
	wantActual := []string{"1 x|2 NULL|3 y|4 (empty)", "1 x", "5|4", "NULL|x", "5", "last"}
	if strings.Join(got, "; ") != strings.Join(wantActual, "; ") {
		t.Errorf("actual rows = %q, want %q", got, wantActual)
	}
	// The failure message names the file, the line and the SQL.
	msg := rep.Failures[1].Error()
	if !strings.HasPrefix(msg, "runner.slt:20: result mismatch\n    SELECT * FROM t WHERE a = 1\nexpected:") {
		t.Errorf("Failure.Error() = %q", msg)
	}
}

func TestRunnerTimeout(t *testing.T) {
	pg := pgtest.Shared(t)
	f, err := Parse("timeout.slt", []byte("query I\nSELECT 1 FROM pg_sleep(30)\n----\n1\n\nquery I\nSELECT 42\n----\n42\n"))
	if err != nil {
		t.Fatal(err)
	}
	r := &Runner{Engine: "test", DSN: pg.DSN, Timeout: 2 * time.Second}
	rep, err := r.Run(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	// The sleeping query fails; the next record runs on a new connection.
	if len(rep.Failures) != 1 || rep.Failures[0].Line != 1 || !strings.HasPrefix(rep.Failures[0].Msg, "failed to run") {
		t.Fatalf("failures = %v, want one 'failed to run' on line 1", rep.Failures)
	}
	if rep.Ran != 2 {
		t.Errorf("ran %d records, want 2", rep.Ran)
	}
}

func TestRunnerUnreachable(t *testing.T) {
	f, err := Parse("x.slt", []byte("statement ok\nSELECT 1\n"))
	if err != nil {
		t.Fatal(err)
	}
	// Port 1 on loopback refuses connections.
	r := &Runner{Engine: "test", DSN: "postgres://u@127.0.0.1:1/db?sslmode=disable&connect_timeout=5"}
	_, err = r.Run(context.Background(), f)
	if err == nil || !strings.HasPrefix(err.Error(), "x.slt:1: connect:") {
		t.Errorf("Run on a closed port: err = %v, want a connect error", err)
	}
}
