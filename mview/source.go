package mview

import (
	"context"
	"encoding/binary"
	"sync/atomic"

	"github.com/eddy-db/eddy/executor"
	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/executor/stream"
	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/types"
	"github.com/eddy-db/eddy/storage"
)

// inject asks a source to end an epoch.
type inject struct {
	epoch uint64
	pause bool
}

// source is a goroutine feeding one leaf of a dataflow: it first emits
// its backfill rows (if any), then its live changes, and a barrier each
// time the coordinator injects one.
type source interface {
	run(ctx context.Context)
	injectC() chan<- inject
	resume()
}

// feed is a source's output channel and the channels the coordinator
// drives it with.
type feed struct {
	out     chan<- stream.Message
	inj     chan inject
	resumeC chan struct{}
	paused  bool
}

func newFeed(out chan<- stream.Message) feed {
	return feed{out: out, inj: make(chan inject, 1), resumeC: make(chan struct{}, 1)}
}

func (f *feed) injectC() chan<- inject { return f.inj }

func (f *feed) resume() {
	select {
	case f.resumeC <- struct{}{}:
	default:
	}
}

func (f *feed) send(ctx context.Context, m stream.Message) bool {
	select {
	case f.out <- m:
		return true
	case <-ctx.Done():
		return false
	}
}

// tableReader reads a table's change log for one view.
type tableReader struct {
	m      *Manager
	log    *TableLog
	table  *catalog.Object
	types  []types.Type
	name   string // offset name
	offset uint64
	feed
	// backfill is a snapshot to emit before the log (nil after recovery).
	backfill *sharedSnapshot
	wmState
}

// wmState tracks the watermark of an input's WATERMARK FOR column (wmCol
// >= 0): rows behind it are dropped and counted.
type wmState struct {
	wmCol  int
	wmExpr executor.EvalFunc
	wm     types.Datum // the watermark emitted last
	// pendingWM is the largest watermark value seen (emitted after the
	// chunk holding it).
	pendingWM types.Datum
	late      *atomic.Int64
}

// filter hides the rows of c behind the watermark (counting them),
// advances the pending watermark by the others, and returns the new
// watermark to emit after c, if it moved.
func (r *wmState) filter(c *chunk.Chunk) *stream.Watermark {
	if r.wmCol < 0 {
		return nil
	}
	var row types.Row
	for i := 0; i < c.Len(); i++ {
		if !c.Visible(i) {
			continue
		}
		ts := c.Cols[r.wmCol].Get(i)
		if ts.IsNull() || (!r.wm.IsNull() && types.Compare(ts, r.wm) < 0) {
			c.Hide(i)
			r.late.Add(1)
			continue
		}
		row = c.Row(i, row)
		r.advance(row)
	}
	if next := r.pendingWM; !next.IsNull() && (r.wm.IsNull() || types.Compare(next, r.wm) > 0) {
		r.wm = next
		return &stream.Watermark{Col: r.wmCol, Val: next}
	}
	return nil
}

// setWM restores the watermark from its microseconds.
func (r *wmState) setWM(us int64, t types.Type) {
	if t.ID == types.Timestamptz {
		r.wm = types.NewTimestamptz(us)
	} else {
		r.wm = types.NewTimestamp(us)
	}
	r.pendingWM = r.wm
}

// encodeOffset stores the log position and the watermark.
func (r *tableReader) encodeOffset() []byte {
	b := binary.BigEndian.AppendUint64(nil, r.offset)
	if r.wmCol >= 0 && !r.wm.IsNull() {
		b = binary.BigEndian.AppendUint64(b, uint64(r.wm.Micros()))
	}
	return b
}

func (r *tableReader) decodeOffset(b []byte) {
	if len(b) >= 8 {
		r.offset = binary.BigEndian.Uint64(b)
	}
	if len(b) >= 16 && r.wmCol >= 0 {
		r.setWM(int64(binary.BigEndian.Uint64(b[8:])), r.types[r.wmCol])
	}
}

func (r *tableReader) run(ctx context.Context) {
	defer close(r.out)
	defer r.m.removeReader(r)
	if r.backfill != nil {
		ok := r.emitSnapshot(ctx)
		_ = r.backfill.Close()
		r.backfill = nil
		if !ok {
			return
		}
	}
	for {
		var wait chan struct{}
		if !r.paused {
			wait = r.log.waitChan()
			if !r.readLog(ctx, r.log.head()) {
				return
			}
		}
		select {
		case in := <-r.inj:
			if !r.readLog(ctx, r.log.head()) {
				return
			}
			b := &stream.Barrier{Epoch: in.epoch, Offsets: map[string][]byte{r.name: r.encodeOffset()}}
			if in.pause {
				b.Mutation = stream.Pause
			}
			r.paused = in.pause
			if !r.send(ctx, stream.Message{Barrier: b}) {
				return
			}
		case <-wait:
		case <-r.resumeC:
			r.paused = false
		case <-ctx.Done():
			return
		}
	}
}

// emitSnapshot sends the table's rows as of the view's creation. Every
// stored row is part of the view's starting point: none is late; the
// watermark starts from the snapshot's rows.
func (r *tableReader) emitSnapshot(ctx context.Context) bool {
	lo, hi := storage.TableSpan(r.table.ID)
	it, err := r.backfill.NewIter(lo, hi)
	if err != nil {
		r.m.fail(err)
		return false
	}
	defer it.Close()
	c := chunk.New(r.types, stream.DefaultChunkSize)
	var row types.Row
	for ok := it.First(); ok; ok = it.Next() {
		row, err = types.DecodeRowValue(it.Value(), r.types, row)
		if err != nil {
			r.m.fail(err)
			return false
		}
		c.AppendRow(chunk.Insert, row)
		r.advance(row)
		if c.Len() >= stream.DefaultChunkSize {
			if !r.send(ctx, stream.Message{Chunk: c}) {
				return false
			}
			c = chunk.New(r.types, stream.DefaultChunkSize)
		}
	}
	if err := it.Error(); err != nil {
		r.m.fail(err)
		return false
	}
	if c.Len() > 0 && !r.send(ctx, stream.Message{Chunk: c}) {
		return false
	}
	if r.wmCol >= 0 && !r.pendingWM.IsNull() {
		r.wm = r.pendingWM
		return r.send(ctx, stream.Message{Watermark: &stream.Watermark{Col: r.wmCol, Val: r.wm}})
	}
	return true
}

// advance moves the pending watermark by one accepted row.
func (r *wmState) advance(row types.Row) {
	if r.wmCol < 0 {
		return
	}
	w, err := r.wmExpr(row)
	if err == nil && !w.IsNull() && (r.pendingWM.IsNull() || types.Compare(w, r.pendingWM) > 0) {
		r.pendingWM = w
	}
}

// readLog emits the entries after the offset up to head.
func (r *tableReader) readLog(ctx context.Context, head uint64) bool {
	if head <= r.offset {
		return true
	}
	it, err := r.m.store.NewIter(storage.LogKey(r.table.ID, r.offset+1), storage.LogKey(r.table.ID, head+1))
	if err != nil {
		r.m.fail(err)
		return false
	}
	defer it.Close()
	c := chunk.New(r.types, stream.DefaultChunkSize)
	for ok := it.First(); ok; ok = it.Next() {
		k := it.Key()
		seq := binary.BigEndian.Uint64(k[len(k)-8:])
		if err := decodeEntry(it.Value(), r.types, c); err != nil {
			r.m.fail(err)
			return false
		}
		r.offset = seq
		if c.Len() >= stream.DefaultChunkSize {
			if !r.emit(ctx, c) {
				return false
			}
			c = chunk.New(r.types, stream.DefaultChunkSize)
		}
	}
	if err := it.Error(); err != nil {
		r.m.fail(err)
		return false
	}
	return r.emit(ctx, c)
}

// emit sends a chunk: with a watermark, rows behind it are dropped (and
// counted) and the advanced watermark follows the chunk.
func (r *tableReader) emit(ctx context.Context, c *chunk.Chunk) bool {
	if c.Len() == 0 {
		return true
	}
	return emitChunk(ctx, &r.feed, &r.wmState, c)
}

// emitChunk sends c without its rows behind the watermark, then the
// watermark if it moved.
func emitChunk(ctx context.Context, f *feed, w *wmState, c *chunk.Chunk) bool {
	wm := w.filter(c)
	if c.VisibleCount() > 0 && !f.send(ctx, stream.Message{Chunk: c}) {
		return false
	}
	if wm != nil {
		return f.send(ctx, stream.Message{Watermark: wm})
	}
	return true
}

// upstreamReader feeds a view from another view: the upstream view's
// rows as of creation (backfill), then everything its materialize
// operator passes on, barriers included.
type upstreamReader struct {
	m        *Manager
	types    []types.Type
	in       chan stream.Message
	out      chan<- stream.Message
	backfill *sharedSnapshot
	tableID  uint32
	inj      chan inject
}

func (u *upstreamReader) injectC() chan<- inject { return nil }
func (u *upstreamReader) resume()                {}

func (u *upstreamReader) run(ctx context.Context) {
	defer close(u.out)
	if u.backfill != nil {
		tr := &tableReader{m: u.m, types: u.types, feed: feed{out: u.out}, wmState: wmState{wmCol: -1}, table: &catalog.Object{ID: u.tableID}, backfill: u.backfill}
		ok := tr.emitSnapshot(ctx)
		_ = u.backfill.Close()
		u.backfill = nil
		if !ok {
			return
		}
	}
	for {
		select {
		case m, ok := <-u.in:
			if !ok {
				return
			}
			select {
			case u.out <- m:
			case <-ctx.Done():
				return
			}
		case <-ctx.Done():
			return
		}
	}
}

// valuesSource emits constant rows once, then only barriers.
type valuesSource struct {
	rows    [][]types.Datum
	types   []types.Type
	emit    bool // emit the rows (false after recovery: they are in state)
	out     chan<- stream.Message
	inj     chan inject
	resumeC chan struct{}
}

func (v *valuesSource) injectC() chan<- inject { return v.inj }
func (v *valuesSource) resume()                {}

func (v *valuesSource) run(ctx context.Context) {
	defer close(v.out)
	if v.emit {
		c := chunk.New(v.types, len(v.rows))
		for _, r := range v.rows {
			c.AppendRow(chunk.Insert, r)
		}
		select {
		case v.out <- stream.Message{Chunk: c}:
		case <-ctx.Done():
			return
		}
	}
	for {
		select {
		case in := <-v.inj:
			b := &stream.Barrier{Epoch: in.epoch}
			if in.pause {
				b.Mutation = stream.Pause
			}
			select {
			case v.out <- stream.Message{Barrier: b}:
			case <-ctx.Done():
				return
			}
		case <-ctx.Done():
			return
		}
	}
}
