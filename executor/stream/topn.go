package stream

import (
	"context"
	"sort"

	"github.com/eddy-db/eddy/executor"
	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/executor/state"
	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/types"
	"github.com/eddy-db/eddy/storage"
)

// TopNConfig configures a TopN.
type TopNConfig struct {
	Input Operator
	// Order sorts rows within a group (input columns); ties are broken by
	// the input's stream key so the result is deterministic.
	Order         []planner.SortKey
	Limit, Offset int64
	// GroupKey partitions the input (group top-N); empty = one group.
	GroupKey []int
	// Rank, when set (row_number, rank, dense_rank), appends the row's
	// rank within its group as an output column.
	Rank     string
	Info     Info
	Fragment *Fragment
	// Table persists every row, keyed by (group, order columns, stream key).
	Table *state.Table
}

// TopN keeps, per group, the rows ranked Offset+1 .. Offset+Limit by
// Order, and emits the changes of that set on each barrier.
type TopN struct {
	cfg    TopNConfig
	keys   []planner.SortKey // Order then the stream key
	ktypes []types.Type
	groups map[string]*topGroup
	dirty  []*topGroup
	queue  []Message
	kb     []byte
}

type topGroup struct {
	key     string
	rows    []types.Row          // every row of the group, sorted
	emitted map[string]types.Row // output rows by stream key
	dirty   bool
}

var _ Operator = (*TopN)(nil)

// NewTopN returns a top-N operator.
func NewTopN(cfg TopNConfig) *TopN {
	in := cfg.Input.Info()
	t := &TopN{cfg: cfg, groups: map[string]*topGroup{}}
	t.keys = append(t.keys, cfg.Order...)
	for _, k := range in.Key {
		t.keys = append(t.keys, planner.SortKey{Idx: k})
	}
	for _, k := range in.Key {
		t.ktypes = append(t.ktypes, in.Types[k])
	}
	return t
}

func (t *TopN) Info() Info { return t.cfg.Info }

func (t *TopN) Close() error { return t.cfg.Input.Close() }

func (t *TopN) groupOf(row types.Row) *topGroup {
	t.kb = t.kb[:0]
	in := t.cfg.Input.Info()
	for _, c := range t.cfg.GroupKey {
		t.kb = types.AppendKey(t.kb, row[c], in.Types[c], false)
	}
	g := t.groups[string(t.kb)]
	if g == nil {
		g = &topGroup{key: string(t.kb), emitted: map[string]types.Row{}}
		t.groups[string(t.kb)] = g
	}
	return g
}

func (t *TopN) streamKey(row types.Row) string {
	var b []byte
	for i, k := range t.cfg.Input.Info().Key {
		b = types.AppendKey(b, row[k], t.ktypes[i], false)
	}
	return string(b)
}

// stateKey is (group columns, order columns, stream key columns).
func (t *TopN) stateKey(row types.Row) types.Row {
	k := make(types.Row, 0, len(t.cfg.GroupKey)+len(t.keys))
	for _, c := range t.cfg.GroupKey {
		k = append(k, row[c])
	}
	for _, o := range t.keys {
		k = append(k, row[o.Idx])
	}
	return k
}

func (t *TopN) position(g *topGroup, row types.Row) int {
	return sort.Search(len(g.rows), func(i int) bool {
		return executor.CompareSortKeys(g.rows[i], row, t.keys) >= 0
	})
}

func (t *TopN) add(row types.Row) {
	g := t.groupOf(row)
	i := t.position(g, row)
	g.rows = append(g.rows, nil)
	copy(g.rows[i+1:], g.rows[i:])
	g.rows[i] = row
	t.mark(g)
	t.cfg.Table.Put(t.stateKey(row), row)
}

func (t *TopN) remove(row types.Row) {
	g := t.groupOf(row)
	i := t.position(g, row)
	if i < len(g.rows) && executor.CompareSortKeys(g.rows[i], row, t.keys) == 0 {
		g.rows = append(g.rows[:i], g.rows[i+1:]...)
	}
	t.mark(g)
	t.cfg.Table.Delete(t.stateKey(row))
}

func (t *TopN) mark(g *topGroup) {
	if !g.dirty {
		g.dirty = true
		t.dirty = append(t.dirty, g)
	}
}

func (t *TopN) Next(ctx context.Context) (Message, error) {
	for len(t.queue) == 0 {
		m, err := t.cfg.Input.Next(ctx)
		if err != nil {
			return m, err
		}
		switch {
		case m.Chunk != nil:
			c := m.Chunk
			for i := 0; i < c.Len(); i++ {
				if !c.Visible(i) {
					continue
				}
				row := c.Row(i, nil)
				if c.Ops[i].IsInsert() {
					t.add(row)
				} else {
					t.remove(row)
				}
			}
		case m.Barrier != nil:
			// Removals first: a row that moved to another group leaves
			// its old place before it appears in the new one.
			dels := chunk.New(t.cfg.Info.Types, 16)
			ins := chunk.New(t.cfg.Info.Types, 16)
			for _, g := range t.dirty {
				g.dirty = false
				t.diff(g, dels, ins)
			}
			t.dirty = t.dirty[:0]
			out := dels
			for i := 0; i < ins.Len(); i++ {
				out.AppendRow(ins.Ops[i], ins.Row(i, nil))
			}
			if out.Len() > 0 {
				t.queue = append(t.queue, Message{Chunk: out})
			}
			if err := t.cfg.Table.Flush(t.cfg.Fragment.Batch(m.Barrier.Epoch)); err != nil {
				return Message{}, err
			}
			t.queue = append(t.queue, m)
		case m.Watermark != nil:
			// Order and grouping columns may be anything: watermarks stop here.
		}
	}
	m := t.queue[0]
	t.queue = t.queue[1:]
	return m, nil
}

// top returns the group's output rows (with the rank column when asked).
func (t *TopN) top(g *topGroup) []types.Row {
	var out []types.Row
	if t.cfg.Rank == "" {
		end := t.cfg.Offset + t.cfg.Limit
		for i := t.cfg.Offset; i < end && i < int64(len(g.rows)); i++ {
			out = append(out, g.rows[i])
		}
		return out
	}
	var rank, dense int64
	for i, r := range g.rows {
		peer := i > 0 && executor.CompareSortKeys(g.rows[i-1], r, t.cfg.Order) == 0
		if !peer {
			rank = int64(i) + 1
			dense++
		}
		v := int64(i) + 1
		switch t.cfg.Rank {
		case "rank":
			v = rank
		case "dense_rank":
			v = dense
		}
		if v > t.cfg.Limit {
			break
		}
		out = append(out, append(r.Copy(), types.NewInt(v)))
	}
	return out
}

// diff emits what changed in a group's output since the last barrier:
// removals into dels, additions and updates into ins.
func (t *TopN) diff(g *topGroup, dels, ins *chunk.Chunk) {
	now := t.top(g)
	next := make(map[string]types.Row, len(now))
	for _, r := range now {
		next[t.streamKey(r)] = r
	}
	for k, old := range g.emitted {
		nr, ok := next[k]
		switch {
		case !ok:
			dels.AppendRow(chunk.Delete, old)
		case !rowsEqual(old, nr):
			ins.AppendRow(chunk.UpdateDelete, old)
			ins.AppendRow(chunk.UpdateInsert, nr)
		}
	}
	for k, nr := range next {
		if _, ok := g.emitted[k]; !ok {
			ins.AppendRow(chunk.Insert, nr)
		}
	}
	g.emitted = next
	if len(g.rows) == 0 {
		delete(t.groups, g.key)
	}
}

// Restore loads every row and the output it produced.
func (t *TopN) Restore(r storage.Reader) error {
	err := t.cfg.Table.Load(r, func(_, val types.Row) error {
		g := t.groupOf(val)
		g.rows = append(g.rows, val) // the table is in key order: sorted
		return nil
	})
	if err != nil {
		return err
	}
	for _, g := range t.groups {
		sort.SliceStable(g.rows, func(a, b int) bool { return executor.CompareSortKeys(g.rows[a], g.rows[b], t.keys) < 0 })
		for _, row := range t.top(g) {
			g.emitted[t.streamKey(row)] = row
		}
	}
	return nil
}
