package stream

import (
	"context"

	"github.com/eddy-db/eddy/executor"
	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/executor/state"
	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/types"
	"github.com/eddy-db/eddy/storage"
)

// HashJoinConfig configures a HashJoin.
type HashJoinConfig struct {
	Left, Right Operator
	Kind        planner.JoinKind
	// LeftKeys[i] = RightKeys[i] are the equality conditions (columns of
	// each side); KeyTypes their types.
	LeftKeys, RightKeys []int
	KeyTypes            []types.Type
	// Cond is the rest of the ON condition, over left ‖ right (nil = none).
	Cond     executor.EvalFunc
	Info     Info
	Fragment *Fragment
	// LeftTable and RightTable persist each side's rows keyed by
	// (join key, side stream key).
	LeftTable, RightTable *state.Table
}

// HashJoin joins two streams on equality keys, with retraction: every
// side keeps its rows by join key; a change on one side is matched
// against the other side's rows. Outer joins track how many matches each
// row has, so that a row losing its last match turns back into a
// NULL-padded row (and gaining its first match retracts that row).
type HashJoin struct {
	cfg   HashJoinConfig
	m     *Merger
	sides [2]*joinSide
	nl    int
	nr    int
	queue []Message
	kb    []byte
	row   types.Row
}

type joinSide struct {
	keys    []int
	skey    []int // stream key columns
	stypes  []types.Type
	buckets map[string]map[string]*joinRow
	table   *state.Table
	outer   bool // rows without a match appear NULL-padded
}

type joinRow struct {
	row    types.Row
	degree int64
}

var _ Operator = (*HashJoin)(nil)

// NewHashJoin returns a hash join.
func NewHashJoin(cfg HashJoinConfig) *HashJoin {
	j := &HashJoin{cfg: cfg, m: NewMerger([]Operator{cfg.Left, cfg.Right})}
	li, ri := cfg.Left.Info(), cfg.Right.Info()
	j.nl, j.nr = len(li.Types), len(ri.Types)
	mk := func(info Info, keys []int, t *state.Table, outer bool) *joinSide {
		s := &joinSide{keys: keys, skey: info.Key, buckets: map[string]map[string]*joinRow{}, table: t, outer: outer}
		for _, k := range info.Key {
			s.stypes = append(s.stypes, info.Types[k])
		}
		return s
	}
	k := cfg.Kind
	j.sides[0] = mk(li, cfg.LeftKeys, cfg.LeftTable, k == planner.LeftJoin || k == planner.FullJoin)
	j.sides[1] = mk(ri, cfg.RightKeys, cfg.RightTable, k == planner.RightJoin || k == planner.FullJoin)
	return j
}

func (j *HashJoin) Info() Info { return j.cfg.Info }

func (j *HashJoin) Close() error { return j.m.Close() }

// joinKey encodes a row's join key; ok is false when a key column is NULL
// (such rows never match).
func (j *HashJoin) joinKey(s *joinSide, row types.Row) (string, bool) {
	j.kb = j.kb[:0]
	ok := true
	for i, c := range s.keys {
		if row[c].IsNull() {
			ok = false
		}
		j.kb = types.AppendKey(j.kb, row[c], j.cfg.KeyTypes[i], false)
	}
	return string(j.kb), ok
}

func (s *joinSide) pk(row types.Row) string {
	var b []byte
	for i, c := range s.skey {
		b = types.AppendKey(b, row[c], s.stypes[i], false)
	}
	return string(b)
}

// stateKey is the row's key in the side's state table.
func (s *joinSide) stateKey(row types.Row) types.Row {
	k := make(types.Row, 0, len(s.keys)+len(s.skey))
	for _, c := range s.keys {
		k = append(k, row[c])
	}
	for _, c := range s.skey {
		k = append(k, row[c])
	}
	return k
}

func (j *HashJoin) concat(side int, mine, other types.Row) types.Row {
	out := make(types.Row, j.nl+j.nr)
	l, r := mine, other
	if side == 1 {
		l, r = other, mine
	}
	if l != nil {
		copy(out, l)
	}
	if r != nil {
		copy(out[j.nl:], r)
	}
	return out
}

func (j *HashJoin) matches(side int, mine, other types.Row) (bool, error) {
	if j.cfg.Cond == nil {
		return true, nil
	}
	v, err := j.cfg.Cond(j.concat(side, mine, other))
	if err != nil {
		return false, err
	}
	return !v.IsNull() && v.Bool(), nil
}

func (j *HashJoin) Next(ctx context.Context) (Message, error) {
	for len(j.queue) == 0 {
		side, m, err := j.m.Next(ctx)
		if err != nil {
			return m, err
		}
		switch {
		case m.Chunk != nil:
			out := chunk.New(j.cfg.Info.Types, m.Chunk.Len())
			if err := j.consume(side, m.Chunk, out); err != nil {
				return Message{}, err
			}
			if out.Len() > 0 {
				j.queue = append(j.queue, Message{Chunk: out})
			}
		case m.Barrier != nil:
			b := j.cfg.Fragment.Batch(m.Barrier.Epoch)
			if err := j.sides[0].table.Flush(b); err != nil {
				return Message{}, err
			}
			if err := j.sides[1].table.Flush(b); err != nil {
				return Message{}, err
			}
			j.queue = append(j.queue, m)
		case m.Watermark != nil:
			// Watermarks do not pass a join: its output order in time
			// is not bounded by either input's.
		}
	}
	m := j.queue[0]
	j.queue = j.queue[1:]
	return m, nil
}

func (j *HashJoin) consume(side int, c *chunk.Chunk, out *chunk.Chunk) error {
	for i := 0; i < c.Len(); i++ {
		if !c.Visible(i) {
			continue
		}
		row := c.Row(i, nil)
		var err error
		if c.Ops[i].IsInsert() {
			err = j.insert(side, row, out)
		} else {
			err = j.delete(side, row, out)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (j *HashJoin) insert(side int, row types.Row, out *chunk.Chunk) error {
	me, other := j.sides[side], j.sides[1-side]
	key, ok := j.joinKey(me, row)
	jr := &joinRow{row: row}
	if ok {
		for _, o := range other.buckets[key] {
			hit, err := j.matches(side, row, o.row)
			if err != nil {
				return err
			}
			if !hit {
				continue
			}
			if o.degree == 0 && other.outer {
				out.AppendRow(chunk.Delete, j.concat(1-side, o.row, nil))
			}
			o.degree++
			jr.degree++
			out.AppendRow(chunk.Insert, j.concat(side, row, o.row))
		}
	}
	if jr.degree == 0 && me.outer {
		out.AppendRow(chunk.Insert, j.concat(side, row, nil))
	}
	b := me.buckets[key]
	if b == nil {
		b = map[string]*joinRow{}
		me.buckets[key] = b
	}
	b[me.pk(row)] = jr
	me.table.Put(me.stateKey(row), row)
	return nil
}

func (j *HashJoin) delete(side int, row types.Row, out *chunk.Chunk) error {
	me, other := j.sides[side], j.sides[1-side]
	key, ok := j.joinKey(me, row)
	b := me.buckets[key]
	pk := me.pk(row)
	jr := b[pk]
	if jr == nil {
		return nil // not present (cannot happen for a consistent input)
	}
	// Match against the stored row: it is what the earlier output used.
	stored := jr.row
	if ok {
		for _, o := range other.buckets[key] {
			hit, err := j.matches(side, stored, o.row)
			if err != nil {
				return err
			}
			if !hit {
				continue
			}
			out.AppendRow(chunk.Delete, j.concat(side, stored, o.row))
			o.degree--
			if o.degree == 0 && other.outer {
				out.AppendRow(chunk.Insert, j.concat(1-side, o.row, nil))
			}
		}
	}
	if jr.degree == 0 && me.outer {
		out.AppendRow(chunk.Delete, j.concat(side, stored, nil))
	}
	delete(b, pk)
	if len(b) == 0 {
		delete(me.buckets, key)
	}
	me.table.Delete(me.stateKey(stored))
	return nil
}

// Restore loads both sides' rows and recomputes match counts.
func (j *HashJoin) Restore(r storage.Reader) error {
	for si, s := range j.sides {
		err := s.table.Load(r, func(_, val types.Row) error {
			key, _ := j.joinKey(s, val)
			b := s.buckets[key]
			if b == nil {
				b = map[string]*joinRow{}
				s.buckets[key] = b
			}
			b[s.pk(val)] = &joinRow{row: val}
			return nil
		})
		if err != nil {
			return err
		}
		_ = si
	}
	l, r2 := j.sides[0], j.sides[1]
	for key, lb := range l.buckets {
		rb := r2.buckets[key]
		if len(rb) == 0 {
			continue
		}
		for _, lr := range lb {
			if _, ok := j.joinKey(l, lr.row); !ok {
				continue
			}
			for _, rr := range rb {
				hit, err := j.matches(0, lr.row, rr.row)
				if err != nil {
					return err
				}
				if hit {
					lr.degree++
					rr.degree++
				}
			}
		}
	}
	return nil
}
