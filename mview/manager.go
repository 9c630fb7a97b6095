// Package mview runs materialized views: it builds a dataflow from each
// view's stream plan, feeds it from table change logs (and from the views
// it reads), injects barriers, commits every view's state and source
// offsets in one Pebble batch per epoch, and restores all of it after a
// restart.
//
//	table commit ──► change log ──► tableReader ─┐
//	                                             ├─► operators ─► Materialize ─► view table
//	upstream view's Materialize ─► upstreamReader┘                    │
//	                                                                  └─► downstream views
//	coordinator: every barrier_interval_ms (or on FLUSH): inject barrier N into every
//	source; when every view has passed N, commit all their state writes for N together
//	with the sources' offsets (storage.CommitEpoch).
//
// DDL (create, drop) pauses the graph at an epoch boundary: a barrier
// with the Pause mutation is committed, sources stop reading, the graph is
// changed, and the next barrier resumes it.
package mview

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eddy-db/eddy/executor"
	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
	"github.com/eddy-db/eddy/storage"
)

// DefaultBarrierInterval is how often views commit when nothing asks.
const DefaultBarrierInterval = time.Second

// Manager owns the running views.
type Manager struct {
	store *storage.Store
	cat   *catalog.Catalog
	log   *slog.Logger

	ddl sync.Mutex // serialises view creation and removal

	mu     sync.Mutex
	jobs   map[uint32]*job
	logs   map[uint32]*TableLog
	logGen uint64
	failed error

	// Database is the database name sinks report (Debezium's source).
	Database string

	// BindExpr binds an expression over a table's columns (watermark
	// definitions are stored as SQL text).
	BindExpr func(t *catalog.Object, sql string) (planner.Expr, error)
	// ValueEnv gives a view's dataflow the time zone and date order its
	// query was bound with (nil: UTC, MDY).
	ValueEnv func(obj *catalog.Object) *types.Env

	interval atomic.Int64 // barrier interval in ns
	coord    *coordinator
	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup
}

// New returns a manager; Start runs it.
func New(store *storage.Store, cat *catalog.Catalog, log *slog.Logger) *Manager {
	ctx, cancel := context.WithCancel(context.Background())
	m := &Manager{store: store, cat: cat, log: log, jobs: map[uint32]*job{}, logs: map[uint32]*TableLog{}, ctx: ctx, cancel: cancel}
	m.interval.Store(int64(DefaultBarrierInterval))
	m.coord = newCoordinator(m)
	return m
}

// Start runs the barrier coordinator.
func (m *Manager) Start() {
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		m.coord.run(m.ctx)
	}()
}

// Close stops every dataflow and the coordinator. Nothing is committed
// after Close; what was committed survives.
func (m *Manager) Close() {
	m.cancel()
	m.mu.Lock()
	jobs := make([]*job, 0, len(m.jobs))
	for _, j := range m.jobs {
		jobs = append(jobs, j)
	}
	m.mu.Unlock()
	for _, j := range jobs {
		j.stop()
	}
	m.wg.Wait()
}

// SetBarrierInterval changes how often barriers are injected.
func (m *Manager) SetBarrierInterval(d time.Duration) {
	if d <= 0 {
		d = DefaultBarrierInterval
	}
	m.interval.Store(int64(d))
	m.coord.wake()
}

// BarrierInterval returns the current barrier interval.
func (m *Manager) BarrierInterval() time.Duration { return time.Duration(m.interval.Load()) }

// fail records an unrecoverable error of the streaming engine (a storage
// failure): views stop updating until a restart recovers them.
func (m *Manager) fail(err error) {
	m.mu.Lock()
	if m.failed == nil {
		m.failed = err
		m.log.Error("streaming stopped", "err", err)
	}
	m.mu.Unlock()
}

func (m *Manager) failure() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.failed
}

// Flush waits until every change committed before the call is reflected
// in every view (a checkpoint containing it has committed).
func (m *Manager) Flush(ctx context.Context) error {
	if err := m.failure(); err != nil {
		return sqlerr.Wrap(err, sqlerr.InternalError, "materialized views are not updating: "+err.Error())
	}
	m.mu.Lock()
	n := len(m.jobs)
	m.mu.Unlock()
	if n == 0 {
		return nil
	}
	return m.coord.flush(ctx)
}

// Extra is how a view's descriptor records its dataflow: the ids of its
// internal state tables, in the order the builder uses them.
type Extra struct {
	StateTables       []uint32   `json:"state_tables"`
	EmitOnWindowClose bool       `json:"emit_on_window_close,omitempty"`
	Sink              *SinkExtra `json:"sink,omitempty"`
}

// ReadExtra decodes a view descriptor's Extra.
func ReadExtra(o *catalog.Object) (Extra, error) {
	var e Extra
	if len(o.Extra) == 0 {
		return e, nil
	}
	err := json.Unmarshal(o.Extra, &e)
	return e, err
}

// StateTableCount returns how many state tables a stream plan needs.
func StateTableCount(n *planner.StreamNode) int {
	c := 0
	switch n.Op {
	case planner.SAgg:
		c = 1
		in := n.Inputs[0]
		for _, a := range n.Aggs {
			def, err := aggDef(a, in)
			if err == nil && def.NeedsMultiset(in.AppendOnly) {
				c++
			}
		}
	case planner.SJoin:
		c = 2
	case planner.STopN:
		c = 1
	}
	for _, in := range n.Inputs {
		c += StateTableCount(in)
	}
	return c
}

// Create starts a new view: it pauses the running views at an epoch
// boundary, builds the dataflow, backfills it from a snapshot of its
// inputs, and commits the first epoch together with the writes of
// publish (the view's catalog descriptor). It returns when that epoch has
// committed; published is then called (before any other view can see
// the change in the catalog).
func (m *Manager) Create(ctx context.Context, obj *catalog.Object, plan *planner.StreamNode,
	publish func(b *storage.Batch) error, published func()) error {
	m.ddl.Lock()
	defer m.ddl.Unlock()
	if err := m.failure(); err != nil {
		return sqlerr.Wrap(err, sqlerr.InternalError, "materialized views are not updating: "+err.Error())
	}
	if err := m.coord.pause(ctx); err != nil {
		return err
	}
	resumed := false
	resume := func() {
		if !resumed {
			resumed = true
			m.coord.resume()
		}
	}
	defer resume()

	j, err := m.newJob(ctx, obj, plan, true)
	if err != nil {
		return err
	}
	m.mu.Lock()
	m.jobs[obj.ID] = j
	m.mu.Unlock()
	j.start(m)
	// A cancel or timeout ends the backfill; a view that failed or was
	// cancelled is left out of the commit (its writes are removed in the
	// same batch), so that nothing of it remains.
	stop := context.AfterFunc(ctx, func() { j.abort(executor.ContextErr(ctx)) })
	var failed error
	epoch, err := m.coord.commitNext(ctx, func(b *storage.Batch) error {
		if !stop() {
			failed = executor.ContextErr(ctx)
		} else if failed = j.firstErr(m.store.Epoch() + 1); failed == nil {
			return publish(b)
		}
		return j.clear(b)
	})
	if err == nil {
		err = failed
	}
	if err == nil {
		err = j.firstErr(epoch)
	}
	if err != nil {
		stop()
		m.removeJob(j)
		return err
	}
	published()
	return nil
}

// Restore restarts a view's dataflow from its committed state (at
// startup, dependencies first).
func (m *Manager) Restore(obj *catalog.Object, plan *planner.StreamNode) error {
	m.ddl.Lock()
	defer m.ddl.Unlock()
	j, err := m.newJob(m.ctx, obj, plan, false)
	if err != nil {
		return err
	}
	m.mu.Lock()
	m.jobs[obj.ID] = j
	m.mu.Unlock()
	j.start(m)
	return nil
}

// Drop stops views and writes the removal of their data into b (with the
// caller's catalog changes); the caller applies b and then calls done.
func (m *Manager) Drop(ctx context.Context, objs []*catalog.Object, apply func(b *storage.Batch) error) error {
	m.ddl.Lock()
	defer m.ddl.Unlock()
	if err := m.coord.pause(ctx); err != nil {
		return err
	}
	defer m.coord.resume()
	b := m.store.NewBatch()
	defer b.Close()
	var stopped []*job
	for _, o := range objs {
		m.mu.Lock()
		j := m.jobs[o.ID]
		m.mu.Unlock()
		if j == nil {
			continue
		}
		j.stop()
		stopped = append(stopped, j)
		if err := j.clear(b); err != nil {
			return err
		}
	}
	for _, j := range stopped {
		m.removeJob(j)
	}
	// Logs nobody reads any more are removed.
	m.mu.Lock()
	for id, l := range m.logs {
		l.pubMu.Lock()
		n := len(l.readers)
		l.pubMu.Unlock()
		if n == 0 {
			l.mu.Lock()
			delete(m.logs, id)
			lo, hi := storage.LogSpan(id)
			_ = b.DeleteRange(lo, hi)
			l.mu.Unlock()
		}
	}
	m.mu.Unlock()
	return apply(b)
}

// removeJob forgets a job (after it stopped).
func (m *Manager) removeJob(j *job) {
	j.stop()
	m.mu.Lock()
	delete(m.jobs, j.id)
	m.mu.Unlock()
	for _, u := range j.upstreams {
		m.mu.Lock()
		up := m.jobs[u.from]
		m.mu.Unlock()
		if up != nil && up.mat != nil {
			up.mat.Detach(u.ch)
		}
	}
}

func (m *Manager) removeReader(r *tableReader) {
	r.log.pubMu.Lock()
	delete(r.log.readers, r)
	r.log.pubMu.Unlock()
}

// LateEvents reports, per view and table, the rows dropped for arriving
// behind the watermark.
type LateEvents struct {
	View  string
	Table string
	Count int64
}

// Late returns the late-row counters of the running views.
func (m *Manager) Late() []LateEvents {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []LateEvents
	for _, j := range m.jobs {
		for _, r := range j.readers {
			if r.wmCol >= 0 {
				out = append(out, LateEvents{View: j.obj.Name, Table: r.table.Name, Count: r.late.Load()})
			}
		}
		for _, r := range j.conns {
			if r.wmCol >= 0 {
				out = append(out, LateEvents{View: j.obj.Name, Table: r.source.Name, Count: r.late.Load()})
			}
		}
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].View != out[b].View {
			return out[a].View < out[b].View
		}
		return out[a].Table < out[b].Table
	})
	return out
}

// Epoch returns the last committed epoch.
func (m *Manager) Epoch() uint64 { return m.store.Epoch() }

var errStopped = errors.New("mview: stopped")

func jobErr(name string, err error) error {
	return fmt.Errorf("materialized view %s: %w", name, err)
}
