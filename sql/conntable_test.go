package sql

import (
	"testing"
	"time"
)

// waitFor runs query until its text result is want (or fails after 10 s).
func waitFor(t *testing.T, s *Session, query, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	var got string
	for time.Now().Before(deadline) {
		if got = run(t, s, query); got == want {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s:\ngot  %q\nwant %q", query, got, want)
}

// TestConnectorTableRestart: a table's ingest loop commits the
// connector's offset with the rows; a reopened engine resumes after it
// (the generator's rows are neither repeated nor lost), and DROP TABLE
// stops the loop and removes the offset.
func TestConnectorTableRestart(t *testing.T) {
	dir := t.TempDir()
	e, s := openAt(t, dir)
	mustRun(t, s, `CREATE TABLE seq (id BIGINT) WITH (connector = 'datagen', fields.id.kind = 'sequence',
		fields.id.start = '1', fields.id.end = '200', datagen.rows.per.second = '400')`)
	waitFor(t, s, "SELECT count(*) > 0 FROM seq", "t\nSELECT 1")
	shut(t, e, s)

	e, s = openAt(t, dir)
	defer shut(t, e, s)
	waitFor(t, s, "SELECT count(*), count(DISTINCT id), sum(id), max(id) FROM seq", "200 200 20100 200\nSELECT 1")
	o, ok := e.Catalog.Lookup("public", "seq")
	if !ok {
		t.Fatal("table seq is gone")
	}
	name := ingestOffsetName(o.ID)
	if off, err := e.Store.Offset(name); err != nil || off == nil {
		t.Fatalf("offset %s: %x, %v", name, off, err)
	}
	check(t, s, "DROP TABLE seq", "DROP TABLE")
	if off, err := e.Store.Offset(name); err != nil || off != nil {
		t.Fatalf("offset %s after DROP TABLE: %x, %v", name, off, err)
	}
	e.ingest.mu.Lock()
	n := len(e.ingest.loops)
	e.ingest.mu.Unlock()
	if n != 0 {
		t.Fatalf("%d ingest loops after DROP TABLE", n)
	}
}
