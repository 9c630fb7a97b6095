package sql

import (
	"encoding/binary"
	"sort"
	"sync"

	"github.com/eddy-db/eddy/executor"
	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/functions"
	"github.com/eddy-db/eddy/sql/types"
	"github.com/eddy-db/eddy/storage"
)

// A table with WATERMARK FOR ts AS expr keeps a watermark: the largest
// expr over the rows it has accepted. A row whose ts is behind it is late:
// it is dropped before it reaches the table (so the table, and every view
// over it — also one created later — agree), and counted. The watermark
// and the count are stored with each commit that moves them.

// tableWatermark is the committed watermark state of one table.
type tableWatermark struct {
	id   uint32
	col  int
	expr executor.EvalFunc
	typ  types.Type

	mu   sync.Mutex // held by a committing transaction that moves it
	vmu  sync.RWMutex
	val  types.Datum // NULL until the first row
	late int64
}

func (w *tableWatermark) current() types.Datum {
	w.vmu.RLock()
	defer w.vmu.RUnlock()
	return w.val
}

// Late returns the number of rows dropped for being late.
func (w *tableWatermark) lateCount() int64 {
	w.vmu.RLock()
	defer w.vmu.RUnlock()
	return w.late
}

// txnWatermark is what one transaction does to a table's watermark.
type txnWatermark struct {
	tw   *tableWatermark
	max  types.Datum // set at commit from the rows that stay
	late int64
	rows []wmRow
}

// wmRow is a row a transaction wrote to a watermarked table.
type wmRow struct {
	key   []byte
	ts, w types.Datum
}

// dropLate removes, under the watermark locks, the rows that are late
// for the watermark as it stands at commit, and computes how far the
// remaining rows move it.
func dropLate(t *txn, ws []*tableWatermark) error {
	for _, tw := range ws {
		x := t.wm[tw.id]
		cur := tw.current()
		for _, r := range x.rows {
			if !cur.IsNull() && types.Compare(r.ts, cur) < 0 {
				x.late++
				if err := t.batch.Delete(r.key); err != nil {
					return err
				}
				if p := t.pending[tw.id]; p != nil {
					p.Forget(r.key)
				}
				continue
			}
			if !r.w.IsNull() && (x.max.IsNull() || types.Compare(r.w, x.max) > 0) {
				x.max = r.w
			}
		}
	}
	return nil
}

func watermarkKey(id uint32) []byte {
	return storage.MetaKey("wm/" + string(binary.BigEndian.AppendUint32(nil, id)))
}

// tableWatermark returns (loading it once) the watermark of a table with
// a WATERMARK clause.
func (e *Engine) tableWatermark(o *catalog.Object) (*tableWatermark, error) {
	if v, ok := e.watermarks.Load(o.ID); ok {
		return v.(*tableWatermark), nil
	}
	w := o.Watermarks[0]
	expr, err := e.bindTableExpr(o, w.Expr)
	if err != nil {
		return nil, err
	}
	ec := &executor.Context{Fn: &functions.Context{Env: types.DefaultEnv}}
	f, err := ec.Compile(expr)
	if err != nil {
		return nil, err
	}
	tw := &tableWatermark{id: o.ID, col: w.Column, expr: f, typ: o.Columns[w.Column].Type}
	b, ok, err := e.Store.Get(watermarkKey(o.ID))
	if err != nil {
		return nil, err
	}
	if ok && len(b) == 17 {
		if b[0] == 1 {
			us := int64(binary.BigEndian.Uint64(b[1:]))
			if tw.typ.ID == types.Timestamptz {
				tw.val = types.NewTimestamptz(us)
			} else {
				tw.val = types.NewTimestamp(us)
			}
		}
		tw.late = int64(binary.BigEndian.Uint64(b[9:]))
	}
	actual, _ := e.watermarks.LoadOrStore(o.ID, tw)
	return actual.(*tableWatermark), nil
}

// lockWatermarks locks the watermarks a transaction moves, in id order.
func lockWatermarks(m map[uint32]*txnWatermark) []*tableWatermark {
	if len(m) == 0 {
		return nil
	}
	out := make([]*tableWatermark, 0, len(m))
	for _, x := range m {
		out = append(out, x.tw)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	for _, w := range out {
		w.mu.Lock()
	}
	return out
}

// writeWatermarks puts the moved watermarks and late counts into b.
func writeWatermarks(b *storage.Batch, ws []*tableWatermark, m map[uint32]*txnWatermark) error {
	for _, w := range ws {
		x := m[w.id]
		val, late := next(w, x)
		enc := make([]byte, 17)
		if !val.IsNull() {
			enc[0] = 1
			binary.BigEndian.PutUint64(enc[1:], uint64(val.Micros()))
		}
		binary.BigEndian.PutUint64(enc[9:], uint64(late))
		if err := b.Set(watermarkKey(w.id), enc); err != nil {
			return err
		}
	}
	return nil
}

func next(w *tableWatermark, x *txnWatermark) (types.Datum, int64) {
	val := w.current()
	if !x.max.IsNull() && (val.IsNull() || types.Compare(x.max, val) > 0) {
		val = x.max
	}
	return val, w.lateCount() + x.late
}

// unlockWatermarks publishes the committed values (m nil: the commit
// failed) and unlocks.
func unlockWatermarks(ws []*tableWatermark, m map[uint32]*txnWatermark) {
	for _, w := range ws {
		if m != nil {
			val, late := next(w, m[w.id])
			w.vmu.Lock()
			w.val, w.late = val, late
			w.vmu.Unlock()
		}
		w.mu.Unlock()
	}
}
