package stream

import (
	"context"

	"github.com/eddy-db/eddy/executor"
	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/types"
)

// Chan is an operator that reads messages another goroutine sends: the
// boundary between fragments (sources, inputs of multi-input operators).
type Chan struct {
	C    <-chan Message
	info Info
}

// NewChan returns an operator reading c.
func NewChan(c <-chan Message, info Info) *Chan { return &Chan{C: c, info: info} }

func (c *Chan) Info() Info { return c.info }

func (c *Chan) Next(ctx context.Context) (Message, error) {
	select {
	case m, ok := <-c.C:
		if !ok {
			return Message{}, ErrStopped
		}
		return m, nil
	case <-ctx.Done():
		return Message{}, ctx.Err()
	}
}

func (c *Chan) Close() error { return nil }

// Filter keeps the rows for which Cond is true. An update whose U- and
// U+ rows fall on different sides of the condition becomes a delete or
// an insert.
type Filter struct {
	input Operator
	cond  executor.EvalFunc
	row   types.Row
}

var _ Operator = (*Filter)(nil)

// NewFilter returns a filter over input.
func NewFilter(input Operator, cond executor.EvalFunc) *Filter {
	return &Filter{input: input, cond: cond}
}

func (f *Filter) Info() Info { return f.input.Info() }

func (f *Filter) Next(ctx context.Context) (Message, error) {
	for {
		m, err := f.input.Next(ctx)
		if err != nil || m.Chunk == nil {
			return m, err
		}
		c := m.Chunk
		for i := 0; i < c.Len(); i++ {
			if !c.Visible(i) {
				continue
			}
			f.row = c.Row(i, f.row)
			v, err := f.cond(f.row)
			if err != nil {
				return Message{}, err
			}
			if v.IsNull() || !v.Bool() {
				c.Hide(i)
			}
		}
		fixUpdates(c)
		if c.VisibleCount() > 0 {
			return m, nil
		}
	}
}

// fixUpdates turns half-visible U-/U+ pairs into a plain delete or insert.
func fixUpdates(c *chunk.Chunk) {
	for i := 0; i+1 < c.Len(); i++ {
		if c.Ops[i] != chunk.UpdateDelete || c.Ops[i+1] != chunk.UpdateInsert {
			continue
		}
		dv, iv := c.Visible(i), c.Visible(i+1)
		switch {
		case dv && !iv:
			c.Ops[i] = chunk.Delete
		case !dv && iv:
			c.Ops[i+1] = chunk.Insert
		}
		i++
	}
}

func (f *Filter) Close() error { return f.input.Close() }

// Project computes new columns from each row.
type Project struct {
	input Operator
	exprs []executor.EvalFunc
	info  Info
	row   types.Row
}

var _ Operator = (*Project)(nil)

// NewProject returns a projection of input with the given output info.
func NewProject(input Operator, exprs []executor.EvalFunc, info Info) *Project {
	return &Project{input: input, exprs: exprs, info: info}
}

func (p *Project) Info() Info { return p.info }

func (p *Project) Next(ctx context.Context) (Message, error) {
	m, err := p.input.Next(ctx)
	if err != nil {
		return m, err
	}
	if m.Watermark != nil {
		// A watermark passes through when its column is projected as is;
		// the caller rewrites the column index (see WatermarkMap).
		return m, nil
	}
	if m.Chunk == nil {
		return m, nil
	}
	in := m.Chunk
	out := chunk.New(p.info.Types, in.VisibleCount())
	vals := make(types.Row, len(p.exprs))
	for i := 0; i < in.Len(); i++ {
		if !in.Visible(i) {
			continue
		}
		p.row = in.Row(i, p.row)
		for j, f := range p.exprs {
			v, err := f(p.row)
			if err != nil {
				return Message{}, err
			}
			vals[j] = v
		}
		out.AppendRow(in.Ops[i], vals)
	}
	return Message{Chunk: out}, nil
}

func (p *Project) Close() error { return p.input.Close() }

// WatermarkMap rewrites the column of watermarks flowing through an
// operator that moves columns (projections), dropping the watermarks of
// columns it does not output.
type WatermarkMap struct {
	input Operator
	to    map[int][]int // input column -> output columns
}

// NewWatermarkMap wraps input (whose watermarks are on input columns).
func NewWatermarkMap(input Operator, to map[int][]int) *WatermarkMap {
	return &WatermarkMap{input: input, to: to}
}

func (w *WatermarkMap) Info() Info { return w.input.Info() }

func (w *WatermarkMap) Next(ctx context.Context) (Message, error) {
	for {
		m, err := w.input.Next(ctx)
		if err != nil || m.Watermark == nil {
			return m, err
		}
		outs := w.to[m.Watermark.Col]
		if len(outs) == 0 {
			continue
		}
		// One watermark per output column; extra ones are rare (the same
		// column projected twice) and carry the same value.
		return Message{Watermark: &Watermark{Col: outs[0], Val: m.Watermark.Val}}, nil
	}
}

func (w *WatermarkMap) Close() error { return w.input.Close() }

// Hop assigns each row to its time windows, appending window_start and
// window_end.
type Hop struct {
	input     Operator
	pendingWM *Watermark
	h         *planner.Hop
	info      Info
	row       types.Row
	windows   []int64
}

var _ Operator = (*Hop)(nil)

// NewHop returns a HOP/TUMBLE operator over input.
func NewHop(input Operator, h *planner.Hop, info Info) *Hop {
	return &Hop{input: input, h: h, info: info}
}

func (o *Hop) Info() Info { return o.info }

func (o *Hop) Next(ctx context.Context) (Message, error) {
	if w := o.pendingWM; w != nil {
		o.pendingWM = nil
		return Message{Watermark: w}, nil
	}
	for {
		m, err := o.input.Next(ctx)
		if err != nil {
			return m, err
		}
		if m.Watermark != nil {
			if m.Watermark.Col == o.h.TimeCol && !m.Watermark.Val.IsNull() {
				// The window start of the watermark's window is a
				// watermark for window_start: windows starting earlier
				// are complete for rows at or after the watermark.
				ws := timeLike(m.Watermark.Val, o.h.WindowStart(m.Watermark.Val.Micros()))
				if !o.h.Tumble {
					ws = timeLike(m.Watermark.Val, o.h.Windows(m.Watermark.Val.Micros(), o.windows[:0])[0])
				}
				// window_start's watermark now; window_end's (one window
				// later) with the next call.
				n := len(o.info.Types) - 2
				we := timeLike(ws, ws.Micros()+o.h.Size)
				o.pendingWM = &Watermark{Col: n + 1, Val: we}
				return Message{Watermark: &Watermark{Col: n, Val: ws}}, nil
			}
			return m, nil
		}
		if m.Chunk == nil {
			return m, nil
		}
		if o.h.Tumble {
			return Message{Chunk: o.tumble(m.Chunk)}, nil
		}
		in := m.Chunk
		out := chunk.New(o.info.Types, in.VisibleCount())
		for i := 0; i < in.Len(); i++ {
			if !in.Visible(i) {
				continue
			}
			o.row = in.Row(i, o.row)
			ts := o.row[o.h.TimeCol]
			n := len(o.row)
			row := append(o.row, types.Null, types.Null)
			op := in.Ops[i]
			if ts.IsNull() {
				if o.h.Tumble {
					out.AppendRow(op, row)
				}
				continue
			}
			if o.h.Tumble {
				o.windows = append(o.windows[:0], o.h.WindowStart(ts.Micros()))
			} else {
				o.windows = o.h.Windows(ts.Micros(), o.windows)
				// Updates fan out to several windows: they become a
				// delete and an insert per window.
				if op == chunk.UpdateDelete {
					op = chunk.Delete
				} else if op == chunk.UpdateInsert {
					op = chunk.Insert
				}
			}
			for _, ws := range o.windows {
				row[n] = timeLike(ts, ws)
				row[n+1] = timeLike(ts, ws+o.h.Size)
				out.AppendRow(op, row)
			}
		}
		if out.Len() > 0 {
			return Message{Chunk: out}, nil
		}
	}
}

// tumble adds window_start and window_end to a chunk: the input's
// columns, ops and visibility are reused as they are.
func (o *Hop) tumble(in *chunk.Chunk) *chunk.Chunk {
	tv := &in.Cols[o.h.TimeCol]
	n := in.Len()
	both := make([]int64, 2*n)
	ws := chunk.Vector{Kind: tv.Kind, I64: both[:n:n]}
	we := chunk.Vector{Kind: tv.Kind, I64: both[n:]}
	for i := 0; i < n; i++ {
		if tv.IsNull(i) {
			continue
		}
		s := o.h.WindowStart(tv.I64[i])
		ws.I64[i], we.I64[i] = s, s+o.h.Size
	}
	if len(tv.Nulls) > 0 {
		ws.Nulls = append(chunk.Bitmap(nil), tv.Nulls...)
		we.Nulls = append(chunk.Bitmap(nil), tv.Nulls...)
	}
	out := &chunk.Chunk{Ops: in.Ops, Vis: in.Vis, Cols: make([]chunk.Vector, 0, len(in.Cols)+2)}
	out.Cols = append(append(out.Cols, in.Cols...), ws, we)
	return out
}

func timeLike(d types.Datum, us int64) types.Datum {
	if d.Kind() == types.KTimestamptz {
		return types.NewTimestamptz(us)
	}
	return types.NewTimestamp(us)
}

func (o *Hop) Close() error { return o.input.Close() }

// ProjectSet expands each row by set-returning calls (executor.SetCalls),
// appending one column per call and the row's ordinal within its
// expansion. The calls are deterministic, so a delete expands to exactly
// the rows its insert did; an update becomes the deletes of the old
// expansion and the inserts of the new one. A call that fails yields no
// rows for its input row (onErr is told), the same for the insert and
// the delete of that row.
type ProjectSet struct {
	input Operator
	calls *executor.SetCalls
	info  Info
	onErr func(error)
	row   types.Row
	out   types.Row
}

var _ Operator = (*ProjectSet)(nil)

// NewProjectSet returns a ProjectSet over input; onErr may be nil.
func NewProjectSet(input Operator, calls *executor.SetCalls, info Info, onErr func(error)) *ProjectSet {
	return &ProjectSet{input: input, calls: calls, info: info, onErr: onErr}
}

func (p *ProjectSet) Info() Info { return p.info }

func (p *ProjectSet) Next(ctx context.Context) (Message, error) {
	for {
		m, err := p.input.Next(ctx)
		if err != nil || m.Chunk == nil {
			// Barriers and watermarks pass: the input's columns keep
			// their positions.
			return m, err
		}
		in := m.Chunk
		out := chunk.New(p.info.Types, in.VisibleCount())
		for i := 0; i < in.Len(); i++ {
			if !in.Visible(i) {
				continue
			}
			p.row = in.Row(i, p.row)
			op := in.Ops[i]
			switch op {
			case chunk.UpdateDelete:
				op = chunk.Delete
			case chunk.UpdateInsert:
				op = chunk.Insert
			}
			if err := p.expand(out, op); err != nil && p.onErr != nil {
				p.onErr(err)
			}
		}
		if out.Len() > 0 {
			return Message{Chunk: out}, nil
		}
	}
}

// expand appends the expansion of p.row with op.
func (p *ProjectSet) expand(out *chunk.Chunk, op chunk.Op) error {
	if err := p.calls.Start(p.row); err != nil {
		return err
	}
	for ord := int64(0); ; ord++ {
		vals, ok, err := p.calls.Next()
		if err != nil || !ok {
			return err
		}
		p.out = append(append(append(p.out[:0], p.row...), vals...), types.NewInt(ord))
		out.AppendRow(op, p.out)
	}
}

func (p *ProjectSet) Close() error { return p.input.Close() }
