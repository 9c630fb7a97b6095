package stream

import (
	"context"
	"sync"

	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/executor/state"
	"github.com/eddy-db/eddy/sql/types"
)

// Materialize writes a view's changes into its table (keyed by the
// stream key) and passes every message on to the views built on it.
type Materialize struct {
	input    Operator
	table    *state.Table
	key      []int
	fragment *Fragment

	mu   sync.Mutex
	outs []chan<- Message
}

var _ Operator = (*Materialize)(nil)

// NewMaterialize returns the materialize operator of a view.
func NewMaterialize(input Operator, table *state.Table, fragment *Fragment) *Materialize {
	return &Materialize{input: input, table: table, key: input.Info().Key, fragment: fragment}
}

func (m *Materialize) Info() Info { return m.input.Info() }

func (m *Materialize) Close() error { return m.input.Close() }

// Attach adds a downstream consumer. It is called while the dataflow is
// paused (between barriers), so the consumer starts at an epoch boundary.
func (m *Materialize) Attach(c chan<- Message) {
	m.mu.Lock()
	m.outs = append(m.outs, c)
	m.mu.Unlock()
}

// Detach removes a downstream consumer.
func (m *Materialize) Detach(c chan<- Message) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, o := range m.outs {
		if o == c {
			m.outs = append(m.outs[:i], m.outs[i+1:]...)
			return
		}
	}
}

func (m *Materialize) Next(ctx context.Context) (Message, error) {
	msg, err := m.input.Next(ctx)
	if err != nil {
		return msg, err
	}
	switch {
	case msg.Chunk != nil:
		c := msg.Chunk
		var row types.Row
		key := make(types.Row, len(m.key))
		for i := 0; i < c.Len(); i++ {
			if !c.Visible(i) {
				continue
			}
			row = c.Row(i, row)
			for j, k := range m.key {
				key[j] = row[k]
			}
			if c.Ops[i].IsInsert() {
				m.table.Put(key, row)
			} else {
				m.table.Delete(key)
			}
		}
	case msg.Barrier != nil:
		if err := m.table.Flush(m.fragment.Batch(msg.Barrier.Epoch)); err != nil {
			return Message{}, err
		}
	}
	if err := m.dispatch(ctx, msg); err != nil {
		return Message{}, err
	}
	return msg, nil
}

// dispatch sends msg to every downstream view (a chunk is copied: the
// receivers may hide rows in it).
func (m *Materialize) dispatch(ctx context.Context, msg Message) error {
	m.mu.Lock()
	outs := append([]chan<- Message(nil), m.outs...)
	m.mu.Unlock()
	for _, o := range outs {
		out := msg
		if msg.Chunk != nil {
			out.Chunk = msg.Chunk.Compact()
			if out.Chunk == msg.Chunk {
				out.Chunk = cloneChunk(msg.Chunk)
			}
		}
		select {
		case o <- out:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

func cloneChunk(c *chunk.Chunk) *chunk.Chunk {
	out := &chunk.Chunk{Ops: append([]chunk.Op(nil), c.Ops...), Cols: make([]chunk.Vector, len(c.Cols))}
	for i, v := range c.Cols {
		nv := chunk.Vector{Kind: v.Kind, Nulls: append(chunk.Bitmap(nil), v.Nulls...)}
		nv.I64 = append([]int64(nil), v.I64...)
		nv.F64 = append([]float64(nil), v.F64...)
		nv.Str = append([]string(nil), v.Str...)
		nv.D = append([]types.Datum(nil), v.D...)
		out.Cols[i] = nv
	}
	return out
}
