package slt

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Engines the testdata names in skipif/onlyif.
const (
	EngineEddy     = "eddy"
	EnginePostgres = "postgres"
)

// DefaultTimeout bounds one record when Runner.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// Runner runs parsed files against one server.
type Runner struct {
	// Engine names the server for skipif/onlyif ("eddy" or "postgres").
	Engine string
	// DSN is the libpq URL to connect to.
	DSN string
	// Timeout bounds each record (DefaultTimeout when zero). A record that
	// runs out of time fails, and the next one gets a new connection.
	Timeout time.Duration
}

// Failure is one record that did not behave as the file says.
type Failure struct {
	File string
	Line int
	SQL  string
	// Msg says in one line what went wrong; Detail, when not empty, shows
	// expected and actual results or errors.
	Msg    string
	Detail string
}

// Error formats the failure as file:line and message, the SQL indented,
// then the detail.
func (f Failure) Error() string {
	s := fmt.Sprintf("%s:%d: %s\n    %s", f.File, f.Line, f.Msg, strings.ReplaceAll(f.SQL, "\n", "\n    "))
	if f.Detail != "" {
		s += "\n" + f.Detail
	}
	return s
}

// Report is the outcome of running one file.
type Report struct {
	// Ran and Skipped count records (halt included in neither).
	Ran, Skipped int
	// Halted is set when a halt record ended the run.
	Halted   bool
	Failures []Failure
	// Actual holds, for each query record that returned rows, the result
	// lines as they would be written in the file (sorted per the record's
	// sort mode). Rewrite uses it.
	Actual map[*Record][]string
}

// Connect opens a connection for the runner, in the simple query
// protocol mode.
func (r *Runner) Connect(ctx context.Context) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(r.DSN)
	if err != nil {
		return nil, err
	}
	cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	return pgx.ConnectConfig(ctx, cfg)
}

// Run runs the records of f in order on one connection, stopping at a
// halt that applies to r.Engine. The returned error is set only when the
// server cannot be reached or ctx ends; record failures are in the
// report, which is never nil.
func (r *Runner) Run(ctx context.Context, f *File) (*Report, error) {
	rep := &Report{Actual: map[*Record][]string{}}
	timeout := r.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	var conn *pgx.Conn
	defer func() {
		if conn != nil {
			conn.Close(context.Background())
		}
	}()
	for _, rec := range f.Records {
		if rec.Skip(r.Engine) {
			if rec.Kind != Halt {
				rep.Skipped++
			}
			continue
		}
		if rec.Kind == Halt {
			rep.Halted = true
			break
		}
		if conn == nil || conn.IsClosed() {
			cctx, cancel := context.WithTimeout(ctx, timeout)
			c, err := r.Connect(cctx)
			cancel()
			if err != nil {
				return rep, fmt.Errorf("%s:%d: connect: %w", f.Name, rec.Line, err)
			}
			conn = c
		}
		rep.Ran++
		var msg, detail string
		for attempt := 0; ; attempt++ {
			rctx, cancel := context.WithTimeout(ctx, timeout)
			msg, detail = r.runRecord(rctx, conn.PgConn(), rec, rep)
			cancel()
			if msg == "" || attempt >= rec.Retry || conn.IsClosed() {
				break
			}
			select {
			case <-time.After(rec.Backoff):
			case <-ctx.Done():
			}
		}
		if msg != "" {
			rep.Failures = append(rep.Failures, Failure{File: f.Name, Line: rec.Line, SQL: rec.SQL, Msg: msg, Detail: detail})
		}
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
	}
	return rep, nil
}

// runRecord runs one record and returns why it failed: a one-line
// message and a detail (expected and actual), or two empty strings.
func (r *Runner) runRecord(ctx context.Context, conn *pgconn.PgConn, rec *Record, rep *Report) (msg, detail string) {
	results, err := execAll(ctx, conn, rec.SQL)
	if err != nil {
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) {
			return fmt.Sprintf("failed to run: %v", err), ""
		}
		if !rec.ExpectError {
			return "unexpected error", "actual: " + pgErr.Code + " " + pgErr.Message
		}
		if !rec.Error.Match(pgErr.Code, pgErr.Message) {
			return "error mismatch", fmt.Sprintf("expected: %s\nactual:   %s %s", rec.Error, pgErr.Code, pgErr.Message)
		}
		return "", ""
	}
	if rec.ExpectError {
		return "statement succeeded, expected an error", "expected: " + rec.Error.String()
	}
	var last *result
	if len(results) > 0 {
		last = &results[len(results)-1]
	}
	if rec.Kind == Statement {
		if rec.Count >= 0 {
			if last == nil {
				return fmt.Sprintf("expected %d affected rows, got no command", rec.Count), ""
			}
			if n := last.tag.RowsAffected(); n != rec.Count {
				return fmt.Sprintf("expected %d affected rows, got %d (%s)", rec.Count, n, last.tag), ""
			}
		}
		return "", ""
	}
	if last == nil || !last.hasRows {
		return "query returned no result set", ""
	}
	if last.columns != len(rec.Types) {
		return fmt.Sprintf("expected %d columns (%s), got %d", len(rec.Types), rec.Types, last.columns), ""
	}
	actual := FormatRows(last.rows, rec.Sort)
	rep.Actual[rec] = actual
	expected := normalize(rec.Expected, rec.Sort)
	if !slices.Equal(actual, expected) {
		return "result mismatch", fmt.Sprintf("expected:\n%s\nactual:\n%s", indent(expected), indent(actual))
	}
	return "", ""
}

// result is the outcome of one statement of a simple query.
type result struct {
	// hasRows is set when the statement returned a row description
	// (a query, even of no rows); columns is its width.
	hasRows bool
	columns int
	rows    [][][]byte
	tag     pgconn.CommandTag
}

// execAll runs sql through the simple query protocol and reads the
// results of all its statements; the error is the first one the server
// (or the connection) reported.
func execAll(ctx context.Context, conn *pgconn.PgConn, sql string) ([]result, error) {
	mrr := conn.Exec(ctx, sql)
	var out []result
	var firstErr error
	for mrr.NextResult() {
		rr := mrr.ResultReader()
		var res result
		if fd := rr.FieldDescriptions(); fd != nil {
			res.hasRows, res.columns = true, len(fd)
		}
		for rr.NextRow() {
			vals := rr.Values()
			row := make([][]byte, len(vals))
			for i, v := range vals {
				if v != nil {
					row[i] = append([]byte{}, v...)
				}
			}
			res.rows = append(res.rows, row)
		}
		var err error
		res.tag, err = rr.Close()
		if err != nil && firstErr == nil {
			firstErr = err
		}
		out = append(out, res)
	}
	if err := mrr.Close(); err != nil && firstErr == nil {
		firstErr = err
	}
	return out, firstErr
}

// FormatValue renders one text-format value as the files write it.
func FormatValue(v []byte) string {
	switch {
	case v == nil:
		return "NULL"
	case len(v) == 0:
		return "(empty)"
	}
	return strings.ReplaceAll(string(v), "\n", `\n`)
}

// FormatRows renders result rows as the lines of an expected block:
// sorted for RowSort, one sorted value per line for ValueSort.
func FormatRows(rows [][][]byte, mode SortMode) []string {
	out := []string{}
	for _, row := range rows {
		if mode == ValueSort {
			for _, v := range row {
				out = append(out, FormatValue(v))
			}
			continue
		}
		vals := make([]string, len(row))
		for i, v := range row {
			vals[i] = FormatValue(v)
		}
		out = append(out, strings.Join(vals, " "))
	}
	return normalize(out, mode)
}

// normalize trims trailing blanks off each line and sorts the lines
// unless mode is NoSort.
func normalize(lines []string, mode SortMode) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.TrimRight(l, " \t")
	}
	if mode != NoSort {
		slices.Sort(out)
	}
	return out
}

func indent(lines []string) string {
	if len(lines) == 0 {
		return "    (no rows)"
	}
	return "    " + strings.Join(lines, "\n    ")
}
