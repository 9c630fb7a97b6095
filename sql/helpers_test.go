package sql

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// quietLogger discards the engine's logs.
func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newEngine opens an engine on a store in t.TempDir().
func newEngine(t testing.TB) *Engine {
	t.Helper()
	e, err := Open(t.TempDir(), Options{Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	return e
}

// openAt opens an engine on dir with a session, for tests that close it
// (shut) and open the directory again.
func openAt(t testing.TB, dir string) (*Engine, *Session) {
	t.Helper()
	e, err := Open(dir, Options{Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	s, err := e.NewSession("root", "dev", nil)
	if err != nil {
		_ = e.Close()
		t.Fatal(err)
	}
	return e, s
}

// shut closes a session and its engine, which must close cleanly.
func shut(t testing.TB, e *Engine, s *Session) {
	t.Helper()
	s.Close()
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
}

func newSession(t testing.TB, e *Engine) *Session {
	t.Helper()
	s, err := e.NewSession("root", "dev", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// rowText collects result rows in text form ("v1 v2", NULL for NULL).
type rowText struct {
	cols []types.Column
	env  *types.Env
	rows []string
}

func (w *rowText) Row(r types.Row) error {
	parts := make([]string, len(r))
	for i, v := range r {
		if v.IsNull() {
			parts[i] = "NULL"
			continue
		}
		parts[i] = types.FormatText(v, w.cols[i].Type, w.env)
	}
	w.rows = append(w.rows, strings.Join(parts, " "))
	return nil
}

// run runs a query string as a simple-protocol Query message does: each
// statement in turn inside one implicit transaction, the first error
// ending it. It returns one line per result row, command tag, notice
// and error.
func run(t testing.TB, s *Session, query string) string {
	t.Helper()
	var out []string
	notices := func() {
		for _, n := range s.TakeNotices() {
			if n.Code == sqlerr.SuccessfulCompletion {
				out = append(out, n.Severity+": "+n.Message)
			} else {
				out = append(out, n.Severity+" "+n.Code+": "+n.Message)
			}
		}
	}
	fail := func(err error) {
		notices()
		e := sqlerr.As(err)
		out = append(out, "ERROR "+e.Code+": "+e.Message)
	}
	stmts, err := s.Parse(query)
	if err != nil {
		fail(err)
		return strings.Join(out, "\n")
	}
	ok := true
	for _, st := range stmts {
		// As pgwire does: after COMMIT or ROLLBACK the rest of the
		// message runs in a new implicit transaction, a block when the
		// message holds several statements.
		if len(stmts) > 1 {
			s.BeginImplicitBlock()
		} else {
			s.BeginImplicit()
		}
		p, err := s.CachedPrepare(query, st)
		if err != nil {
			fail(err)
			ok = false
			break
		}
		if p.CopyIn != nil {
			t.Fatalf("run: use copyIn for COPY FROM STDIN")
		}
		w := &rowText{cols: p.Columns, env: s.Env()}
		tag, _, err := s.Execute(context.Background(), &Portal{Prepared: p}, 0, w)
		out = append(out, w.rows...)
		if err != nil {
			fail(err)
			ok = false
			break
		}
		notices()
		out = append(out, tag)
	}
	if err := s.EndImplicit(ok); err != nil {
		fail(err)
	}
	notices()
	return strings.Join(out, "\n")
}

// mustRun runs a query string that must not fail and returns its output.
func mustRun(t testing.TB, s *Session, query string) string {
	t.Helper()
	out := run(t, s, query)
	if strings.Contains(out, "ERROR ") {
		t.Fatalf("%s:\n%s", query, out)
	}
	return out
}

// check runs a query string and compares its output.
func check(t testing.TB, s *Session, query, want string) {
	t.Helper()
	if got := run(t, s, query); got != want {
		t.Errorf("%s\ngot:\n%s\nwant:\n%s", query, got, want)
	}
}
