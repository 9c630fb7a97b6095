package mview

import (
	"context"
	"encoding/binary"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/executor/stream"
	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/types"
	"github.com/eddy-db/eddy/storage"
)

// A sink is a dataflow like a view's whose end writes to the outside
// instead of into a view table. Exactly-once output works in two steps:
//
//	operators ─► sinkOp ── epoch N's changes ──► sink log (Pebble), committed with checkpoint N
//	                                                │ after the commit
//	                                                ▼
//	             sinkRunner: Write(N, changes) to Kafka / files / PostgreSQL,
//	             then records N as delivered and removes the log entries
//
// The log makes the output of an epoch durable and fixed before anything
// leaves Eddy, so a replay after a crash writes the same changes again; the
// writer's Delivered (a Kafka transactional offset, a file name, a progress
// row in the same database transaction) says which epochs the outside
// already holds, so they are not written twice.
//
//	key   00000000 's' ‖ sink id ‖ epoch (8) ‖ seq (4)
//	value as a table change log entry: count, then (op, row) per change

// SinkExtra is how a sink's descriptor records what it writes.
type SinkExtra struct {
	// Columns are the positions, in the sink query's output, of the
	// columns the sink writes (the descriptor's Columns, in order).
	Columns []int `json:"columns"`
	// Key are the positions (in Columns) of the columns identifying a row.
	Key []int `json:"key,omitempty"`
	// ForceAppendOnly drops deletes and turns updates into inserts.
	ForceAppendOnly bool `json:"force_append_only,omitempty"`
	// AppendOnly: the sink receives inserts only.
	AppendOnly bool `json:"append_only,omitempty"`
}

// sinkEntryRows bounds the changes of one log entry.
const sinkEntryRows = 4096

// SinkSpec returns the connector spec of a sink's descriptor.
func SinkSpec(o *catalog.Object, e *SinkExtra, database string) *connectors.SinkSpec {
	spec := &connectors.SinkSpec{Name: o.Name, ID: o.ID, Database: database, With: map[string]string{}, Format: o.Format, Encode: o.Encode,
		EncodeOptions: map[string]string{}}
	for _, c := range o.Columns {
		spec.Columns = append(spec.Columns, connectors.Column{Name: c.Name, Type: c.Type})
	}
	for _, kv := range o.With {
		spec.With[kv.Key] = kv.Value
	}
	for _, kv := range o.EncodeOptions {
		spec.EncodeOptions[kv.Key] = kv.Value
	}
	if e != nil {
		spec.Key = append([]int(nil), e.Key...)
		spec.AppendOnly = e.AppendOnly
	}
	return spec
}

func sinkDeliveredKey(id uint32) []byte {
	return storage.MetaKey("sinkdelivered/" + string(binary.BigEndian.AppendUint32(nil, id)))
}

// sinkBaseKey holds a sink's epoch base: the outside sees epoch base+N
// for Eddy's epoch N. It is the epoch the outside already reported as
// delivered when the sink was created, so a sink that reuses the name
// and id of an earlier one (a new data directory against the same Kafka
// cluster, directory or database) never mistakes the earlier sink's
// progress for its own.
func sinkBaseKey(id uint32) []byte {
	return storage.MetaKey("sinkbase/" + string(binary.BigEndian.AppendUint32(nil, id)))
}

// sinkOpenTimeout bounds how long creating a sink waits for the outside
// to report its progress.
var sinkOpenTimeout = 15 * time.Second

// sinkOp ends a sink's dataflow: it keeps the changes of the current
// epoch (the sink's columns only) and writes them into the sink log with
// the epoch's state.
type sinkOp struct {
	input    stream.Operator
	id       uint32
	cols     []int
	types    []types.Type
	force    bool
	fragment *stream.Fragment
	// base is written with the first checkpoint of a new sink.
	base      uint64
	writeBase bool

	pending []Change
	seq     uint32
	row     types.Row
}

func (s *sinkOp) Info() stream.Info { return s.input.Info() }
func (s *sinkOp) Close() error      { return s.input.Close() }

func (s *sinkOp) Next(ctx context.Context) (stream.Message, error) {
	msg, err := s.input.Next(ctx)
	if err != nil {
		return msg, err
	}
	switch {
	case msg.Chunk != nil:
		c := msg.Chunk
		for i := 0; i < c.Len(); i++ {
			if !c.Visible(i) {
				continue
			}
			op := c.Ops[i]
			if s.force {
				if !op.IsInsert() {
					continue
				}
				op = chunk.Insert
			}
			s.row = c.Row(i, s.row)
			out := make(types.Row, len(s.cols))
			for j, k := range s.cols {
				out[j] = s.row[k]
			}
			s.pending = append(s.pending, Change{Op: op, Row: out})
		}
	case msg.Barrier != nil:
		b := s.fragment.Batch(msg.Barrier.Epoch)
		if s.writeBase {
			if err := b.Set(sinkBaseKey(s.id), binary.BigEndian.AppendUint64(nil, s.base)); err != nil {
				return stream.Message{}, err
			}
			s.writeBase = false
		}
		for len(s.pending) > 0 {
			n := min(len(s.pending), sinkEntryRows)
			if err := b.Set(storage.SinkLogKey(s.id, msg.Barrier.Epoch, s.seq), encodeEntry(s.pending[:n], s.types)); err != nil {
				return stream.Message{}, err
			}
			s.seq++
			s.pending = s.pending[n:]
		}
		s.pending, s.seq = nil, 0
	}
	return msg, nil
}

// SinkStatus is what rw_catalog.rw_sink_status shows of a running sink.
type SinkStatus struct {
	Sink      string
	Delivered uint64 // last epoch the outside holds
	Pending   int64  // epochs committed but not yet delivered
	Rows      int64  // changes delivered since the server started
	Status    string // "running", "delivering", "retrying"
	Error     string // the last delivery error, while retrying
	ErrorTime time.Time
}

// sinkRunner delivers a sink's committed epochs, in order, after each
// checkpoint commits.
type sinkRunner struct {
	m    *Manager
	conn *connectors.SinkConnector
	spec *connectors.SinkSpec
	ts   []types.Type
	wake chan struct{}
	done chan struct{}

	base      uint64 // see sinkBaseKey
	delivered atomic.Uint64
	rows      atomic.Int64

	mu      sync.Mutex
	status  string
	lastErr string
	errTime time.Time
}

func newSinkRunner(m *Manager, conn *connectors.SinkConnector, spec *connectors.SinkSpec) *sinkRunner {
	return &sinkRunner{m: m, conn: conn, spec: spec, ts: spec.Types(), wake: make(chan struct{}, 1), done: make(chan struct{}),
		status: "starting"}
}

// notify says a checkpoint committed.
func (r *sinkRunner) notify() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

func (r *sinkRunner) setStatus(status string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.status = status
	if err != nil {
		r.lastErr, r.errTime = err.Error(), time.Now()
	} else if status == "running" {
		r.lastErr = ""
	}
}

// sinkRetryMax bounds the wait between delivery attempts.
var sinkRetryMax = 10 * time.Second

func (r *sinkRunner) run(ctx context.Context) {
	defer close(r.done)
	if v, ok, err := r.m.store.Get(sinkDeliveredKey(r.spec.ID)); err == nil && ok && len(v) == 8 {
		r.delivered.Store(binary.BigEndian.Uint64(v))
	}
	if v, ok, err := r.m.store.Get(sinkBaseKey(r.spec.ID)); err == nil && ok && len(v) == 8 {
		r.base = binary.BigEndian.Uint64(v)
	}
	var w connectors.SinkWriter
	defer func() {
		if w != nil {
			_ = w.Close()
		}
	}()
	backoff := 100 * time.Millisecond
	retry := func(err error) bool {
		if ctx.Err() != nil {
			return false
		}
		r.setStatus("retrying", err)
		r.m.log.Warn("sink delivery failed; retrying", "sink", r.spec.Name, "err", err, "in", backoff)
		if w != nil {
			_ = w.Close()
			w = nil
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, sinkRetryMax)
		return true
	}
	for ctx.Err() == nil {
		if w == nil {
			var err error
			if w, err = r.conn.Open(ctx, r.spec); err != nil {
				w = nil
				if !retry(err) {
					return
				}
				continue
			}
			d, err := w.Delivered(ctx)
			if err != nil {
				if !retry(err) {
					return
				}
				continue
			}
			if d > r.base && d-r.base > r.delivered.Load() {
				r.delivered.Store(d - r.base)
			}
		}
		if err := r.deliver(ctx, w); err != nil {
			if !retry(err) {
				return
			}
			continue
		}
		backoff = 100 * time.Millisecond
		r.setStatus("running", nil)
		select {
		case <-ctx.Done():
			return
		case <-r.wake:
		}
	}
}

// deliver writes every committed epoch after the delivered one.
func (r *sinkRunner) deliver(ctx context.Context, w connectors.SinkWriter) error {
	for {
		epoch, changes, err := r.nextEpoch()
		if err != nil || epoch == 0 {
			return err
		}
		if epoch > r.delivered.Load() {
			r.setStatus("delivering", nil)
			if err := w.Write(ctx, r.base+epoch, changes); err != nil {
				return fmt.Errorf("epoch %d: %w", epoch, err)
			}
			r.rows.Add(int64(len(changes)))
		}
		if err := r.markDelivered(epoch); err != nil {
			return err
		}
	}
}

// nextEpoch reads the first epoch left in the log (0 when it is empty).
func (r *sinkRunner) nextEpoch() (uint64, []connectors.Change, error) {
	lo, hi := storage.SinkLogSpan(r.spec.ID)
	it, err := r.m.store.NewIter(lo, hi)
	if err != nil {
		return 0, nil, err
	}
	defer it.Close()
	var epoch uint64
	c := chunk.New(r.ts, 0)
	for ok := it.First(); ok; ok = it.Next() {
		e := storage.SinkLogEpoch(it.Key())
		if epoch == 0 {
			epoch = e
		} else if e != epoch {
			break
		}
		if err := decodeEntry(it.Value(), r.ts, c); err != nil {
			return 0, nil, fmt.Errorf("sink %s: log entry of epoch %d: %w", r.spec.Name, e, err)
		}
	}
	if err := it.Error(); err != nil {
		return 0, nil, err
	}
	changes := make([]connectors.Change, c.Len())
	for i := range changes {
		changes[i] = connectors.Change{Op: c.Ops[i], Row: c.Row(i, nil)}
	}
	return epoch, changes, nil
}

// markDelivered records an epoch as delivered and drops its log entries.
func (r *sinkRunner) markDelivered(epoch uint64) error {
	b := r.m.store.NewBatch()
	defer b.Close()
	lo, _ := storage.SinkLogSpan(r.spec.ID)
	if err := b.DeleteRange(lo, storage.SinkLogKey(r.spec.ID, epoch+1, 0)); err != nil {
		return err
	}
	if epoch > r.delivered.Load() {
		r.delivered.Store(epoch)
	}
	if err := b.Set(sinkDeliveredKey(r.spec.ID), binary.BigEndian.AppendUint64(nil, r.delivered.Load())); err != nil {
		return err
	}
	return r.m.store.Apply(b)
}

// pendingEpochs counts the epochs in the log.
func (r *sinkRunner) pendingEpochs() int64 {
	lo, hi := storage.SinkLogSpan(r.spec.ID)
	it, err := r.m.store.NewIter(lo, hi)
	if err != nil {
		return 0
	}
	defer it.Close()
	var n int64
	var last uint64
	for ok := it.First(); ok; ok = it.Next() {
		if e := storage.SinkLogEpoch(it.Key()); e != last {
			n++
			last = e
		}
	}
	return n
}

// Sinks returns the status of the running sinks.
func (m *Manager) Sinks() []SinkStatus {
	var out []SinkStatus
	for _, j := range m.jobList() {
		r := j.sink
		if r == nil {
			continue
		}
		r.mu.Lock()
		st := SinkStatus{Sink: j.obj.Name, Delivered: r.delivered.Load(), Rows: r.rows.Load(), Status: r.status,
			Error: r.lastErr, ErrorTime: r.errTime}
		r.mu.Unlock()
		st.Pending = r.pendingEpochs()
		out = append(out, st)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Sink < out[b].Sink })
	return out
}

// sink ends a sink's dataflow with the operator that logs its output, and
// sets up its delivery.
func (b *builder) sink(root stream.Operator, plan *planner.StreamNode, e *SinkExtra) (stream.Operator, error) {
	if e == nil {
		return nil, fmt.Errorf("sink %s: descriptor has no sink settings", b.j.obj.Name)
	}
	spec := SinkSpec(b.j.obj, e, b.m.Database)
	conn, err := connectors.LookupSink(spec)
	if err != nil {
		return nil, err
	}
	ts := plan.Types()
	op := &sinkOp{input: root, id: b.j.id, cols: e.Columns, force: e.ForceAppendOnly, fragment: b.j.frag}
	for _, c := range e.Columns {
		if c < 0 || c >= len(ts) {
			return nil, fmt.Errorf("sink %s: column %d out of range", b.j.obj.Name, c)
		}
		op.types = append(op.types, ts[c])
	}
	b.j.sink = newSinkRunner(b.m, conn, spec)
	if b.fresh {
		ctx, cancel := context.WithTimeout(b.stmt, sinkOpenTimeout)
		defer cancel()
		w, err := conn.Open(ctx, spec)
		if err != nil {
			return nil, err
		}
		base, err := w.Delivered(ctx)
		_ = w.Close()
		if err != nil {
			return nil, err
		}
		op.base, op.writeBase, b.j.sink.base = base, true, base
	}
	return op, nil
}
