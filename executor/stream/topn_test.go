package stream_test

import (
	"strings"
	"testing"

	"github.com/eddy-db/eddy/executor/chunk"
)

// TestTopNMoveBetweenGroups: a row whose group changes must be deleted
// from the old group before it is inserted into the new one, since a
// consumer keyed by the stream key (Materialize) applies the changes in
// order. Group 2 is made dirty before row 1 moves into it, so that its
// changes are computed first.
func TestTopNMoveBetweenGroups(t *testing.T) {
	h := newHarness(t)
	spec, err := h.define(&ddCase{Cmd: "topn", KV: map[string]string{"in": "int,int,int", "key": "0", "group": "1", "order": "(c2)", "limit": "1"}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := spec.start(openStore(t))
	if err != nil {
		t.Fatal(err)
	}
	defer r.close()
	out := r.op.Info()
	v := &view{rows: map[string]string{}}
	steps := [][]string{
		{"+ 1 0 5", "+ 2 2 9", "barrier"},
		{"+ 3 2 10", "U- 1 0 5", "U+ 1 2 1", "barrier"},
	}
	for i, lines := range steps {
		evs, err := parseInput(lines, nil, spec.ins)
		if err != nil {
			t.Fatal(err)
		}
		r.epoch++
		evs[len(evs)-1].msg.Barrier.Epoch = r.epoch
		pullEpoch(t, r, evs, r.epoch, func(c *chunk.Chunk) {
			if err := v.applyRows(c, out.Key, out.Types, func(int) bool { return true }); err != nil {
				t.Fatalf("group top-N emitted the insert of a row that moved to another group before its delete from the old group (step %d: %v; chunk:\n%s)", i, err, c)
			}
		})
	}
	want := "1 2 1"
	if got := strings.Join(sortedValues(v.rows), "\n"); got != want {
		t.Fatalf("view %q, want %q", got, want)
	}
}
