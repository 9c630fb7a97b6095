package state_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/eddy-db/eddy/executor/state"
	"github.com/eddy-db/eddy/sql/types"
	"github.com/eddy-db/eddy/storage"
)

var (
	keyTypes = []types.Type{types.TInt8, types.TText}
	valTypes = []types.Type{types.TText, types.TInt4}
)

func openStore(t *testing.T) *storage.Store {
	t.Helper()
	st, err := storage.Open(t.TempDir(), storage.Options{CacheBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

func k(i int64, s string) types.Row {
	r := types.Row{types.NewInt(i), types.NewString(s)}
	if s == "" {
		r[1] = types.Null
	}
	return r
}

func v(s string, n int64) types.Row { return types.Row{types.NewString(s), types.NewInt(n)} }

func text(r types.Row, ts []types.Type) string {
	parts := make([]string, len(r))
	for i, d := range r {
		if d.IsNull() {
			parts[i] = "NULL"
		} else {
			parts[i] = types.FormatText(d, ts[i], nil)
		}
	}
	return strings.Join(parts, " ")
}

// dump loads the committed rows as "key: value" lines.
func dump(t *testing.T, tb *state.Table, r storage.Reader) string {
	t.Helper()
	var out []string
	err := tb.Load(r, func(key, val types.Row) error {
		out = append(out, text(key, keyTypes)+": "+text(val, valTypes))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, "\n")
}

// commit flushes the tables into one batch and commits it as epoch e.
func commit(t *testing.T, st *storage.Store, e uint64, tables ...*state.Table) {
	t.Helper()
	b := st.NewBatch()
	defer b.Close()
	for _, tb := range tables {
		if err := tb.Flush(b); err != nil {
			t.Fatal(err)
		}
		if tb.Dirty() != 0 {
			t.Fatalf("table %d: %d dirty keys after Flush", tb.ID, tb.Dirty())
		}
	}
	if err := st.CommitEpoch(e, b, nil); err != nil {
		t.Fatal(err)
	}
}

func TestTableEpochs(t *testing.T) {
	type step struct {
		put    []types.Row // key, value pairs
		del    []types.Row
		dirty  int
		commit bool
		want   string
	}
	steps := []step{
		{ // first epoch: rows come back in key order, NULL last
			put: []types.Row{
				k(2, "b"), v("two", 2),
				k(-1, "z"), v("minus", -1),
				k(2, "a"), v("two a", 20),
				k(2, ""), v("two null", 0),
				k(10, "a"), v("ten", 10),
			},
			dirty: 5, commit: true,
			want: "-1 z: minus -1\n2 a: two a 20\n2 b: two 2\n2 NULL: two null 0\n10 a: ten 10",
		},
		{ // last write wins within an epoch; deletes of committed rows
			put: []types.Row{
				k(2, "a"), v("first", 1),
				k(2, "a"), v("second", 2),
				k(3, "c"), v("gone", 3),
				k(4, "d"), v("back", 4),
			},
			del:   []types.Row{k(3, "c"), k(-1, "z"), k(99, "never")},
			dirty: 5, commit: true,
			want: "2 a: second 2\n2 b: two 2\n2 NULL: two null 0\n4 d: back 4\n10 a: ten 10",
		},
		{ // flushed changes are invisible until the batch commits
			put:   []types.Row{k(5, "e"), v("uncommitted", 5)},
			dirty: 1,
			want:  "2 a: second 2\n2 b: two 2\n2 NULL: two null 0\n4 d: back 4\n10 a: ten 10",
		},
	}
	st := openStore(t)
	tb := state.New(st, 7, keyTypes, valTypes)
	other := state.New(st, 8, keyTypes, valTypes)
	other.Put(k(1, "other"), v("other table", 1))
	commit(t, st, 1, other)
	for i, s := range steps {
		for j := 0; j+1 < len(s.put); j += 2 {
			tb.Put(s.put[j], s.put[j+1])
		}
		for _, key := range s.del {
			tb.Delete(key)
		}
		if tb.Dirty() != s.dirty {
			t.Fatalf("step %d: %d dirty keys, want %d", i, tb.Dirty(), s.dirty)
		}
		if s.commit {
			commit(t, st, uint64(i+2), tb)
		} else {
			b := st.NewBatch()
			if err := tb.Flush(b); err != nil {
				t.Fatal(err)
			}
			_ = b.Close()
		}
		if got := dump(t, tb, st); got != s.want {
			t.Fatalf("step %d: table holds\n%s\nwant\n%s", i, got, s.want)
		}
	}
	// Another table with its own id is not affected.
	if got := dump(t, other, st); got != "1 other: other table 1" {
		t.Fatalf("other table: %q", got)
	}
	// A fresh Table over the same id reads the same rows.
	if got := dump(t, state.New(st, 7, keyTypes, valTypes), st); !strings.HasPrefix(got, "2 a: second 2") {
		t.Fatalf("fresh table: %q", got)
	}
}

func TestTableDeleteThenPut(t *testing.T) {
	st := openStore(t)
	tb := state.New(st, 9, keyTypes, valTypes)
	tb.Put(k(1, "a"), v("x", 1))
	commit(t, st, 1, tb)
	tb.Delete(k(1, "a"))
	tb.Put(k(1, "a"), v("y", 2))
	tb.Put(k(2, "b"), v("z", 3))
	tb.Delete(k(2, "b"))
	if tb.Dirty() != 2 {
		t.Fatalf("%d dirty keys, want 2", tb.Dirty())
	}
	commit(t, st, 2, tb)
	if got := dump(t, tb, st); got != "1 a: y 2" {
		t.Fatalf("table holds %q", got)
	}
}

func TestTableEncoded(t *testing.T) {
	st := openStore(t)
	tb := state.New(st, 11, keyTypes, valTypes)
	key := tb.Key(nil, k(3, "c"))
	if !strings.HasPrefix(string(key), string(storage.TablePrefix(11))) {
		t.Fatalf("key %x lacks the table prefix", key)
	}
	tb.PutEncoded(key, v("enc", 3))
	tb.Put(k(4, "d"), v("plain", 4))
	commit(t, st, 1, tb)
	if got := dump(t, tb, st); got != "3 c: enc 3\n4 d: plain 4" {
		t.Fatalf("table holds %q", got)
	}
	tb.DeleteEncoded(tb.Key(nil, k(4, "d")))
	tb.Delete(k(3, "c"))
	commit(t, st, 2, tb)
	if got := dump(t, tb, st); got != "" {
		t.Fatalf("table holds %q, want nothing", got)
	}
}

func TestTableClear(t *testing.T) {
	st := openStore(t)
	tb := state.New(st, 12, keyTypes, valTypes)
	other := state.New(st, 13, keyTypes, valTypes)
	for i := int64(0); i < 5; i++ {
		tb.Put(k(i, "a"), v("r", i))
		other.Put(k(i, "a"), v("o", i))
	}
	commit(t, st, 1, tb, other)
	// A pending change is dropped by Clear.
	tb.Put(k(100, "pending"), v("p", 100))
	b := st.NewBatch()
	if err := tb.Clear(b); err != nil {
		t.Fatal(err)
	}
	if tb.Dirty() != 0 {
		t.Fatalf("%d dirty keys after Clear", tb.Dirty())
	}
	if err := st.CommitEpoch(2, b, nil); err != nil {
		t.Fatal(err)
	}
	_ = b.Close()
	if got := dump(t, tb, st); got != "" {
		t.Fatalf("cleared table holds %q", got)
	}
	if got := dump(t, other, st); strings.Count(got, "\n") != 4 {
		t.Fatalf("other table holds %q, want 5 rows", got)
	}
}

func TestTableLoad(t *testing.T) {
	st := openStore(t)
	tb := state.New(st, 14, keyTypes, valTypes)
	tb.Put(k(1, "a"), v("x", 1))
	tb.Put(k(2, "b"), v("y", 2))
	commit(t, st, 1, tb)
	// The rows passed to fn are fresh: keeping them is safe.
	var keys, vals []types.Row
	if err := tb.Load(st, func(key, val types.Row) error {
		keys, vals = append(keys, key), append(vals, val)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || keys[0][0].Int() != 1 || keys[1][0].Int() != 2 || vals[0][0].Str() != "x" || vals[1][0].Str() != "y" {
		t.Fatalf("kept rows %v %v", keys, vals)
	}
	// An error from fn stops the load and comes back.
	stop := errors.New("stop")
	n := 0
	err := tb.Load(st, func(types.Row, types.Row) error {
		n++
		return stop
	})
	if !errors.Is(err, stop) || n != 1 {
		t.Fatalf("Load returned %v after %d rows, want stop after 1", err, n)
	}
	// A snapshot sees the state as of when it was taken.
	snap := st.Snapshot()
	defer snap.Close()
	tb.Delete(k(1, "a"))
	commit(t, st, 2, tb)
	if got := dump(t, tb, snap); got != "1 a: x 1\n2 b: y 2" {
		t.Fatalf("snapshot holds %q", got)
	}
	if got := dump(t, tb, st); got != "2 b: y 2" {
		t.Fatalf("store holds %q", got)
	}
}
