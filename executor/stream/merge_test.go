package stream_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/executor/stream"
	"github.com/eddy-db/eddy/sql/types"
)

var intInfo = stream.Info{Types: []types.Type{types.TInt8}, Key: []int{0}, Kind: stream.Retract}

func intChunk(vals ...int64) *chunk.Chunk {
	c := chunk.New(intInfo.Types, len(vals))
	for _, v := range vals {
		c.AppendRow(chunk.Insert, types.Row{types.NewInt(v)})
	}
	return c
}

func chunkMsg(vals ...int64) stream.Message { return stream.Message{Chunk: intChunk(vals...)} }

func barrierMsg(epoch uint64) stream.Message {
	return stream.Message{Barrier: &stream.Barrier{Epoch: epoch}}
}

// guardCtx is a context that ends a hung test instead of letting it hang
// until the test binary's timeout; no assertion depends on it.
func guardCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// describe renders a merger result as "input:message".
func describe(i int, m stream.Message) string {
	switch {
	case m.Chunk != nil:
		return string(rune('0'+i)) + ":" + m.Chunk.String()
	case m.Barrier != nil:
		return "barrier"
	case m.Watermark != nil:
		return string(rune('0'+i)) + ":watermark"
	}
	return "?"
}

// TestMergerHoldsInputAfterBarrier: once input 0 has delivered barrier 1,
// its next chunk (already waiting in the merger) must not come out before
// input 1 has delivered barrier 1 as well.
func TestMergerHoldsInputAfterBarrier(t *testing.T) {
	ctx := guardCtx(t)
	left, right := newReplay(intInfo, true), newReplay(intInfo, true)
	left.calls = make(chan int, 16)
	m := stream.NewMerger([]stream.Operator{left, right})
	defer m.Close()

	left.push(chunkMsg(1), barrierMsg(1), chunkMsg(2))
	i, msg, err := m.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := describe(i, msg); got != "0:+ 1\n" {
		t.Fatalf("first message %q, want 0:+ 1", got)
	}
	// Wait until the merger's reader of input 0 has taken all three
	// messages (it asks for a fourth): chunk 2 is then inside the merger.
	for n := range left.calls {
		if n == 3 {
			break
		}
	}
	right.push(chunkMsg(3), barrierMsg(1))
	var got []string
	for len(got) < 3 {
		i, msg, err := m.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, describe(i, msg))
	}
	want := []string{"1:+ 3\n", "barrier", "0:+ 2\n"}
	for k := range want {
		if got[k] != want[k] {
			t.Fatalf("messages %q, want %q", got, want)
		}
	}
}

// TestMergerBarrierFields: the aligned barrier carries every input's
// offsets and the strongest mutation, and the index -1.
func TestMergerBarrierFields(t *testing.T) {
	ctx := guardCtx(t)
	a, b := newReplay(intInfo, true), newReplay(intInfo, true)
	m := stream.NewMerger([]stream.Operator{a, b})
	defer m.Close()
	a.push(stream.Message{Barrier: &stream.Barrier{Epoch: 7, Offsets: map[string][]byte{"a": []byte("1")}}})
	b.push(stream.Message{Barrier: &stream.Barrier{Epoch: 7, Mutation: stream.Stop, Offsets: map[string][]byte{"b": []byte("2")}}})
	i, msg, err := m.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if i != -1 || msg.Barrier == nil {
		t.Fatalf("got input %d message %+v, want the aligned barrier", i, msg)
	}
	br := msg.Barrier
	if br.Epoch != 7 || br.Mutation != stream.Stop || string(br.Offsets["a"]) != "1" || string(br.Offsets["b"]) != "2" || len(br.Offsets) != 2 {
		t.Fatalf("barrier %+v", br)
	}
	// After a Stop barrier the inputs end: the merger is stopped.
	if _, _, err := m.Next(ctx); !errors.Is(err, stream.ErrStopped) {
		t.Fatalf("after stop: err %v, want ErrStopped", err)
	}
}

// failing is an input whose Next fails.
type failing struct{ err error }

func (f failing) Info() stream.Info                            { return intInfo }
func (f failing) Next(context.Context) (stream.Message, error) { return stream.Message{}, f.err }
func (f failing) Close() error                                 { return nil }

// TestMergerInputError: an input's error comes out of Next.
func TestMergerInputError(t *testing.T) {
	ctx := guardCtx(t)
	boom := errors.New("boom")
	ok := newReplay(intInfo, true)
	m := stream.NewMerger([]stream.Operator{ok, failing{boom}})
	defer m.Close()
	if _, _, err := m.Next(ctx); !errors.Is(err, boom) {
		t.Fatalf("err %v, want boom", err)
	}
}

// TestUnionStop: a Stop barrier goes through a union once, then Next
// reports ErrStopped.
func TestUnionStop(t *testing.T) {
	ctx := guardCtx(t)
	a, b := newReplay(intInfo, true), newReplay(intInfo, true)
	u := stream.NewUnion([]stream.Operator{a, b}, intInfo)
	defer u.Close()
	a.push(chunkMsg(1), stream.Message{Barrier: &stream.Barrier{Epoch: 1, Mutation: stream.Stop}})
	b.push(stream.Message{Barrier: &stream.Barrier{Epoch: 1, Mutation: stream.Stop}})
	var got []string
	for {
		m, err := u.Next(ctx)
		if errors.Is(err, stream.ErrStopped) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, describe(0, m))
	}
	if len(got) != 2 || got[0] != "0:+ 1\n" || got[1] != "barrier" {
		t.Fatalf("got %q", got)
	}
}
