package stream_test

import (
	"testing"

	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/executor/state"
	"github.com/eddy-db/eddy/executor/stream"
	"github.com/eddy-db/eddy/sql/types"
)

// TestMaterializeDispatchCopies: every consumer gets its own copy of a
// chunk (compacted when rows are hidden), so that a consumer hiding rows
// changes neither the view's stream nor another consumer's chunk.
func TestMaterializeDispatchCopies(t *testing.T) {
	ctx := guardCtx(t)
	st := openStore(t)
	frag := stream.NewFragment(st)
	tb := state.New(st, 500, []types.Type{types.TInt8}, intInfo.Types)
	for _, hide := range []bool{false, true} {
		in := newReplay(intInfo, false)
		m := stream.NewMaterialize(in, tb, frag)
		c1, c2 := make(chan stream.Message, 4), make(chan stream.Message, 4)
		m.Attach(c1)
		m.Attach(c2)
		src := intChunk(1, 2, 3)
		if hide {
			src.Hide(1)
		}
		in.push(stream.Message{Chunk: src})
		out, err := m.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if out.Chunk != src {
			t.Fatalf("hide=%v: the operator's own output is not its input chunk", hide)
		}
		a, b := (<-c1).Chunk, (<-c2).Chunk
		if a == nil || b == nil || a == src || b == src || a == b {
			t.Fatalf("hide=%v: consumers got shared chunks", hide)
		}
		want := "+ 1\n+ 2\n+ 3\n"
		wantLen := 3
		if hide {
			want, wantLen = "+ 1\n+ 3\n", 2
		}
		for _, c := range []*chunk.Chunk{a, b} {
			if c.String() != want || c.Len() != wantLen || c.Vis != nil {
				t.Fatalf("hide=%v: consumer chunk %q len %d vis %v, want %q", hide, c.String(), c.Len(), c.Vis, want)
			}
		}
		a.Hide(0)
		a.Cols[0].I64[0] = 99
		if b.String() != want || src.String() != want {
			t.Fatalf("hide=%v: a consumer's change leaked: other %q, source %q", hide, b.String(), src.String())
		}
		m.Detach(c1)
		m.Detach(c2)
	}
}

// TestCloseClosesInputs: closing an operator closes its inputs.
func TestCloseClosesInputs(t *testing.T) {
	cases := []*ddCase{
		{Cmd: "filter", KV: map[string]string{"in": "int", "cond": "(c0 > 1)"}},
		{Cmd: "project", KV: map[string]string{"in": "int", "exprs": "(c0)"}},
		{Cmd: "tumble", KV: map[string]string{"in": "timestamp", "time": "0", "size": "1m"}},
		{Cmd: "union", KV: map[string]string{"in": "int", "n": "2"}},
		{Cmd: "agg", KV: map[string]string{"in": "int", "group": "0", "aggs": "(count(*))"}},
		{Cmd: "join", KV: map[string]string{"kind": "inner", "left": "int", "right": "int", "lkeys": "0", "rkeys": "0"}},
		{Cmd: "topn", KV: map[string]string{"in": "int", "order": "(c0)", "limit": "1"}},
		{Cmd: "materialize", KV: map[string]string{"in": "int"}},
	}
	for _, c := range cases {
		h := newHarness(t)
		spec, err := h.define(c)
		if err != nil {
			t.Fatal(err)
		}
		r, err := spec.start(openStore(t))
		if err != nil {
			t.Fatal(err)
		}
		r.close()
		for i, in := range r.inputs {
			in.mu.Lock()
			closed := in.closed
			in.mu.Unlock()
			if !closed {
				t.Errorf("%s: input %d not closed", c.Cmd, i)
			}
		}
	}
}
