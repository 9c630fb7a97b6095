package sql

import (
	"context"
	"strings"
	"testing"

	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// Two sessions on one engine: what one commits the other sees.
func txnEnv(t *testing.T) (a, b *Session) {
	e := newEngine(t)
	a, b = newSession(t, e), newSession(t, e)
	mustRun(t, a, "CREATE TABLE t (id int PRIMARY KEY, v text)")
	return a, b
}

func TestImplicitTransactions(t *testing.T) {
	a, b := txnEnv(t)
	check(t, a, "INSERT INTO t VALUES (1, 'a')", "INSERT 0 1")
	if a.TxStatus() != 'I' {
		t.Errorf("TxStatus after an implicit transaction = %c", a.TxStatus())
	}
	check(t, b, "SELECT * FROM t", "1 a\nSELECT 1")

	// One Query message is one transaction: an error rolls back the
	// statements before it.
	check(t, a, "INSERT INTO t VALUES (2, 'b'); SELECT 1/0; INSERT INTO t VALUES (3, 'c')",
		"INSERT 0 1\nERROR 22012: division by zero")
	check(t, b, "SELECT id FROM t", "1\nSELECT 1")

	// Statements of one message see each other's writes.
	check(t, a, "INSERT INTO t VALUES (2, 'b'); SELECT count(*) FROM t; UPDATE t SET v = 'x' WHERE id = 2",
		"INSERT 0 1\n2\nSELECT 1\nUPDATE 1")
	check(t, b, "SELECT * FROM t ORDER BY id", "1 a\n2 x\nSELECT 2")
}

func TestExplicitTransactions(t *testing.T) {
	a, b := txnEnv(t)
	check(t, a, "BEGIN", "BEGIN")
	if a.TxStatus() != 'T' {
		t.Errorf("TxStatus in a transaction block = %c", a.TxStatus())
	}
	check(t, a, "INSERT INTO t VALUES (1, 'a')", "INSERT 0 1")
	check(t, a, "SELECT * FROM t", "1 a\nSELECT 1")
	check(t, b, "SELECT * FROM t", "SELECT 0")
	check(t, a, "COMMIT", "COMMIT")
	if a.TxStatus() != 'I' {
		t.Errorf("TxStatus after COMMIT = %c", a.TxStatus())
	}
	check(t, b, "SELECT * FROM t", "1 a\nSELECT 1")

	check(t, a, "START TRANSACTION; INSERT INTO t VALUES (2, 'b'); DELETE FROM t WHERE id = 1", "START TRANSACTION\nINSERT 0 1\nDELETE 1")
	check(t, a, "SELECT * FROM t", "2 b\nSELECT 1")
	check(t, a, "ROLLBACK", "ROLLBACK")
	check(t, a, "SELECT * FROM t", "1 a\nSELECT 1")

	// BEGIN inside a block and COMMIT/ROLLBACK outside one warn.
	check(t, a, "COMMIT", "WARNING 25P01: there is no transaction in progress\nCOMMIT")
	check(t, a, "ROLLBACK", "WARNING 25P01: there is no transaction in progress\nROLLBACK")
	check(t, a, "BEGIN; BEGIN", "BEGIN\nWARNING 25001: there is already a transaction in progress\nBEGIN")
	check(t, a, "END", "COMMIT")
	check(t, a, "BEGIN; INSERT INTO t VALUES (3, 'c'); COMMIT", "BEGIN\nINSERT 0 1\nCOMMIT")
	check(t, b, "SELECT id FROM t ORDER BY id", "1\n3\nSELECT 2")
}

func TestFailedTransaction(t *testing.T) {
	a, b := txnEnv(t)
	mustRun(t, a, "BEGIN; INSERT INTO t VALUES (1, 'a')")
	check(t, a, "SELECT * FROM nosuch", "ERROR 42P01: relation \"nosuch\" does not exist")
	if a.TxStatus() != 'E' {
		t.Errorf("TxStatus after an error in a block = %c", a.TxStatus())
	}
	const aborted = "ERROR 25P02: current transaction is aborted, commands ignored until end of transaction block"
	check(t, a, "SELECT 1", aborted)
	check(t, a, "INSERT INTO t VALUES (2, 'b')", aborted)
	check(t, a, "SET application_name = 'x'", aborted)
	// COMMIT of a failed block rolls it back.
	check(t, a, "COMMIT", "ROLLBACK")
	if a.TxStatus() != 'I' {
		t.Errorf("TxStatus after COMMIT of a failed block = %c", a.TxStatus())
	}
	check(t, b, "SELECT * FROM t", "SELECT 0")
	check(t, a, "SELECT 1", "1\nSELECT 1")

	mustRun(t, a, "BEGIN")
	check(t, a, "INSERT INTO t VALUES (1, NULL), (1, 'x'); UPDATE t SET id = NULL", "INSERT 0 2\nERROR 23502: null value in column \"id\" of relation \"t\" violates not-null constraint")
	check(t, a, "ROLLBACK", "ROLLBACK")
	check(t, a, "SELECT * FROM t", "SELECT 0")
}

func TestReadOnlyTransactions(t *testing.T) {
	a, _ := txnEnv(t)
	check(t, a, "BEGIN READ ONLY; SELECT count(*) FROM t", "BEGIN\n0\nSELECT 1")
	check(t, a, "INSERT INTO t VALUES (1, 'a')", "ERROR 25006: cannot execute INSERT in a read-only transaction")
	check(t, a, "ROLLBACK", "ROLLBACK")
	check(t, a, "BEGIN READ WRITE; INSERT INTO t VALUES (1, 'a'); COMMIT", "BEGIN\nINSERT 0 1\nCOMMIT")
	check(t, a, "SET default_transaction_read_only = on; BEGIN", "SET\nBEGIN")
	check(t, a, "DELETE FROM t", "ERROR 25006: cannot execute DELETE in a read-only transaction")
	check(t, a, "ROLLBACK; SET default_transaction_read_only = off; SELECT count(*) FROM t", "ROLLBACK\nSET\n1\nSELECT 1")
}

// DDL commits at once, also inside a transaction block, and a
// transaction that wrote into a table dropped meanwhile cannot commit.
func TestDDLInTransaction(t *testing.T) {
	a, b := txnEnv(t)
	mustRun(t, a, "BEGIN; CREATE TABLE u (x int)")
	check(t, b, "SELECT count(*) FROM u", "0\nSELECT 1")
	mustRun(t, a, "ROLLBACK")
	check(t, b, "SELECT count(*) FROM u", "0\nSELECT 1")

	mustRun(t, a, "BEGIN; INSERT INTO u VALUES (1)")
	mustRun(t, b, "DROP TABLE u")
	check(t, a, "COMMIT", "ERROR 42P01: relation \"u\" was dropped while the transaction wrote to it")
	if a.TxStatus() != 'I' {
		t.Errorf("TxStatus after a failed COMMIT = %c", a.TxStatus())
	}
}

// COMMIT or ROLLBACK in the middle of a Query message ends the block;
// the statements after it form a new implicit transaction, which the
// message's error still rolls back (as in PostgreSQL).
func TestTransactionControlInsideOneMessage(t *testing.T) {
	a, b := txnEnv(t)
	// BEGIN turns the message's implicit transaction into a block that
	// holds the statements before it too.
	check(t, a, "INSERT INTO t VALUES (1, 'a'); BEGIN; INSERT INTO t VALUES (2, 'b')", "INSERT 0 1\nBEGIN\nINSERT 0 1")
	check(t, b, "SELECT count(*) FROM t", "0\nSELECT 1")
	check(t, a, "ROLLBACK", "ROLLBACK")
	check(t, b, "SELECT count(*) FROM t", "0\nSELECT 1")

	run(t, a, "BEGIN; INSERT INTO t VALUES (5, 'e'); COMMIT; INSERT INTO t VALUES (6, 'f'); SELECT 1/0")
	if got := run(t, b, "SELECT id FROM t ORDER BY id"); got != "5\nSELECT 1" {
		t.Errorf("statements after COMMIT in one Query message each commit on their own instead of in one implicit transaction\ngot:\n%s\nwant:\n5\nSELECT 1", got)
	}
}

// COMMIT inside a message's implicit transaction commits what ran before
// it (with a warning), as PostgreSQL does.
func TestCommitOfImplicitTransaction(t *testing.T) {
	a, b := txnEnv(t)
	run(t, a, "INSERT INTO t VALUES (3, 'c'); COMMIT; INSERT INTO t VALUES (4, 'd'); SELECT 1/0")
	if got := run(t, b, "SELECT id FROM t ORDER BY id"); got != "3\nSELECT 1" {
		t.Errorf("COMMIT inside a Query message's implicit transaction does not commit the statements before it\ngot:\n%s\nwant:\n3\nSELECT 1", got)
	}
}

func TestSessionCloseRollsBack(t *testing.T) {
	e := newEngine(t)
	a, b := newSession(t, e), newSession(t, e)
	mustRun(t, a, "CREATE TABLE t (id int PRIMARY KEY); BEGIN; INSERT INTO t VALUES (1)")
	a.Close()
	check(t, b, "SELECT count(*) FROM t", "0\nSELECT 1")
	if got := len(e.Sessions()); got != 1 {
		t.Errorf("%d sessions after closing one of two", got)
	}
}

func TestParseCache(t *testing.T) {
	e := newEngine(t)
	s := newSession(t, e)
	const q = "SELECT 1; SELECT 2"
	first, err := s.Parse(q)
	if err != nil || len(first) != 2 {
		t.Fatalf("Parse = %v, %v", first, err)
	}
	again, err := s.Parse(q)
	if err != nil || &again[0] != &first[0] {
		t.Error("a repeated query string is parsed again")
	}
	if _, err := s.Parse("SELEC 1"); sqlerr.Code(err) != sqlerr.SyntaxError {
		t.Errorf("Parse of bad SQL: %v", err)
	}
	if _, ok := s.parsed["SELEC 1"]; ok {
		t.Error("a failed parse is cached")
	}
	long := "SELECT '" + strings.Repeat("x", 70<<10) + "'"
	if _, err := s.Parse(long); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.parsed[long]; ok {
		t.Error("a query string over 64 KiB is cached")
	}
	for i := 0; i < 300; i++ {
		if _, err := s.Parse("SELECT " + strings.Repeat("1+", i) + "1"); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(s.parsed); n > 256 {
		t.Errorf("the parse cache holds %d strings, want at most 256", n)
	}
}

func TestCachedPrepare(t *testing.T) {
	e := newEngine(t)
	s := newSession(t, e)
	mustRun(t, s, "CREATE TABLE t (id int PRIMARY KEY, v text)")
	stmt := func(q string) (*Prepared, error) {
		st, err := s.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		return s.CachedPrepare(q, st[0])
	}
	p1, err := stmt("SELECT * FROM t WHERE id = 1")
	if err != nil {
		t.Fatal(err)
	}
	if p2, _ := stmt("SELECT * FROM t WHERE id = 1"); p2 != p1 {
		t.Error("a repeated SELECT is bound again")
	}
	if got := strings.Join(planner.Explain(p1.plan), "\n"); got != "Project id, v\n└─PointGet t (id = 1)" {
		t.Errorf("cached plan is not optimized:\n%s", got)
	}
	// DML and utility statements are not cached.
	d1, _ := stmt("DELETE FROM t WHERE id = 1")
	if d2, _ := stmt("DELETE FROM t WHERE id = 1"); d2 == d1 {
		t.Error("a DELETE is cached")
	}
	// A catalog change invalidates the cache.
	mustRun(t, s, "CREATE TABLE u (x int)")
	if p3, _ := stmt("SELECT * FROM t WHERE id = 1"); p3 == p1 {
		t.Error("a cached plan survives a catalog change")
	}
	mustRun(t, s, "DROP TABLE t")
	if _, err := stmt("SELECT * FROM t WHERE id = 1"); sqlerr.Code(err) != sqlerr.UndefinedTable {
		t.Errorf("SELECT from a dropped table: %v", err)
	}
}

// Prepared statements re-bind when the catalog changes, and fail when the
// result columns would change.
func TestPreparedRevalidate(t *testing.T) {
	e := newEngine(t)
	s := newSession(t, e)
	mustRun(t, s, "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'a')")
	p, err := s.Prepare("SELECT v FROM t WHERE id = $1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.ParamTypes) != 1 || p.ParamTypes[0] != types.TInt4 {
		t.Errorf("ParamTypes = %v", p.ParamTypes)
	}
	exec := func() (string, error) {
		pt, err := s.Bind("", p, []types.Datum{types.NewInt(1)})
		if err != nil {
			return "", err
		}
		w := &rowText{cols: p.Columns, env: s.Env()}
		s.BeginImplicit()
		tag, _, err := s.Execute(context.Background(), pt, 0, w)
		_ = s.EndImplicit(err == nil)
		return strings.Join(append(w.rows, tag), "\n"), err
	}
	if got, err := exec(); err != nil || got != "a\nSELECT 1" {
		t.Fatalf("first run: %q, %v", got, err)
	}
	mustRun(t, s, "DROP TABLE t; CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'b')")
	if got, err := exec(); err != nil || got != "b\nSELECT 1" {
		t.Errorf("after re-creating the table: %q, %v", got, err)
	}
	mustRun(t, s, "DROP TABLE t; CREATE TABLE t (id int PRIMARY KEY, v int)")
	if _, err := exec(); sqlerr.Code(err) != sqlerr.FeatureNotSupported || err.Error() != "cached plan must not change result type" {
		t.Errorf("after changing the column type: %v", err)
	}
	if _, err := s.Bind("", p, nil); sqlerr.Code(err) != sqlerr.ProtocolViolation {
		t.Errorf("Bind with too few parameters: %v", err)
	}
	if _, err := s.Prepare("SELECT 1; SELECT 2", nil); sqlerr.Code(err) != sqlerr.SyntaxError {
		t.Errorf("Prepare of two statements: %v", err)
	}
	if ep, err := s.Prepare("", nil); err != nil || !ep.Empty {
		t.Errorf("Prepare of an empty string: %+v, %v", ep, err)
	}
}

func TestPortalSuspend(t *testing.T) {
	e := newEngine(t)
	s := newSession(t, e)
	mustRun(t, s, "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1), (2), (3)")
	p, err := s.Prepare("SELECT id FROM t ORDER BY id", nil)
	if err != nil {
		t.Fatal(err)
	}
	pt, err := s.Bind("c", p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Bind("c", p, nil); sqlerr.Code(err) != sqlerr.DuplicateCursor {
		t.Errorf("second portal named c: %v", err)
	}
	w := &rowText{cols: p.Columns}
	var tags []string
	for i := 0; i < 3; i++ {
		tag, suspended, err := s.Execute(context.Background(), pt, 2, w)
		if err != nil {
			t.Fatal(err)
		}
		if suspended {
			tag = "suspended"
		}
		tags = append(tags, tag)
	}
	if got := strings.Join(w.rows, ",") + " " + strings.Join(tags, ","); got != "1,2,3 suspended,SELECT 3,SELECT 3" {
		t.Errorf("got %s", got)
	}
	s.ClosePortal("c")
	if _, err := s.LookupPortal("c"); sqlerr.Code(err) != sqlerr.InvalidCursorName {
		t.Errorf("LookupPortal after close: %v", err)
	}
}

// Dropping a relation that a view reads is refused without CASCADE, also
// when the view reads it through another view.
func TestViewDependencies(t *testing.T) {
	e := newEngine(t)
	s := newSession(t, e)
	mustRun(t, s, "CREATE TABLE t (id int PRIMARY KEY, v int); CREATE VIEW v1 AS SELECT id, v FROM t WHERE v > 0; CREATE VIEW v2 AS SELECT id FROM v1")
	check(t, s, "DROP TABLE t", "ERROR 2BP01: cannot drop table t because other objects depend on it")
	got := run(t, s, "DROP VIEW v1")
	if got == "DROP VIEW" {
		check(t, s, "SELECT * FROM v2", "ERROR 42P01: relation \"v1\" does not exist")
		t.Errorf("a view over a view records the base tables as its dependencies, not the view it reads, so DROP VIEW v1 leaves v2 broken")
	}
	if got != "ERROR 2BP01: cannot drop view v1 because other objects depend on it" {
		t.Errorf("DROP VIEW v1: %s", got)
	}
	check(t, s, "DROP VIEW v1 CASCADE; SELECT count(*) FROM t", "DROP VIEW\n0\nSELECT 1")
}

// Tables and rows survive closing and reopening the engine, and hidden
// row ids never repeat: they are reserved in blocks stored before use.
func TestReopenKeepsCatalogAndRowIDs(t *testing.T) {
	dir := t.TempDir()
	e, s := openAt(t, dir)
	mustRun(t, s, "CREATE TABLE n (x int); INSERT INTO n VALUES (1), (2)")
	before := mustRun(t, s, "SELECT _row_id FROM n ORDER BY _row_id")
	shut(t, e, s)

	e, s = openAt(t, dir)
	defer shut(t, e, s)
	check(t, s, "SELECT x FROM n ORDER BY x", "1\n2\nSELECT 2")
	mustRun(t, s, "INSERT INTO n VALUES (3)")
	ids := strings.Split(mustRun(t, s, "SELECT _row_id FROM n ORDER BY _row_id"), "\n")
	old := strings.Split(before, "\n")
	if len(ids) != 4 || ids[0] != old[0] || ids[1] != old[1] {
		t.Fatalf("row ids after reopening: %q (before: %q)", ids, old)
	}
	if ids[2] == old[0] || ids[2] == old[1] {
		t.Errorf("a row id was used again after reopening: %q", ids)
	}
	// CREATE TABLE AS continues its ids after the rows it wrote.
	mustRun(t, s, "CREATE TABLE c AS SELECT x FROM n; INSERT INTO c VALUES (9)")
	check(t, s, "SELECT x, _row_id FROM c ORDER BY _row_id", "1 1\n2 2\n3 3\n9 4\nSELECT 4")
	// A table re-created under a dropped one's name starts empty.
	mustRun(t, s, "DROP TABLE n; CREATE TABLE n (x int)")
	check(t, s, "SELECT count(*) FROM n", "0\nSELECT 1")
}

// A cancel that arrives while a Query message runs but none of its
// statements does fails the next statement (the rest of the message does
// not run, and its implicit transaction rolls back); at the end of the
// message it is dropped, as is one that arrives while the session idles.
func TestCancelBetweenStatements(t *testing.T) {
	e := newEngine(t)
	s := newSession(t, e)
	mustRun(t, s, "CREATE TABLE t (id int PRIMARY KEY, v text)")
	exec := func(q string) error {
		t.Helper()
		stmts, err := s.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.CachedPrepare(q, stmts[0])
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = s.Execute(context.Background(), &Portal{Prepared: p}, 0, &rowText{cols: p.Columns, env: s.Env()})
		return err
	}
	canceled := func(err error) bool {
		return sqlerr.Code(err) == sqlerr.QueryCanceled && sqlerr.As(err).Message == "canceling statement due to user request"
	}

	s.StartQuery()
	s.BeginImplicitBlock()
	if err := exec("INSERT INTO t VALUES (1, 'a')"); err != nil {
		t.Fatal(err)
	}
	s.CancelRunning()
	if err := exec("SET application_name = 'x'"); !canceled(err) {
		t.Errorf("the statement after the cancel: %v, want 57014", err)
	}
	if err := s.EndImplicit(false); err != nil {
		t.Fatal(err)
	}
	s.EndQuery()
	check(t, s, "SELECT count(*) FROM t; SHOW application_name", "0\nSELECT 1\n\nSHOW")

	// Dropped at the end of the message.
	s.StartQuery()
	s.BeginImplicit()
	if err := exec("SELECT 1"); err != nil {
		t.Fatal(err)
	}
	s.CancelRunning()
	if err := s.EndImplicit(true); err != nil {
		t.Fatal(err)
	}
	s.EndQuery()
	// Dropped while idle.
	s.CancelRunning()
	s.StartQuery()
	s.BeginImplicit()
	if err := exec("SELECT 2"); err != nil {
		t.Errorf("a cancel from before the message reached it: %v", err)
	}
	if err := s.EndImplicit(true); err != nil {
		t.Fatal(err)
	}
	s.EndQuery()
}
