package mview

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/executor"
	"github.com/eddy-db/eddy/executor/state"
	"github.com/eddy-db/eddy/executor/stream"
	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/functions"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
	"github.com/eddy-db/eddy/storage"
)

// job is one view's running dataflow.
type job struct {
	id   uint32
	obj  *catalog.Object
	plan *planner.StreamNode
	frag *stream.Fragment
	root stream.Operator
	mat  *stream.Materialize // nil for a sink
	sink *sinkRunner         // a sink's delivery; nil for a view

	sources   []source
	readers   []*tableReader
	conns     []*connReader
	upstreams []upstreamLink
	restorers []restorer
	tables    []*state.Table // every state table, the view's own included

	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
	// closeOnce closes root once, however often the job is stopped.
	closeOnce sync.Once
	// aborted holds the error of a creation the statement gave up (abort).
	aborted atomic.Pointer[error]

	errMu sync.Mutex
	errs  map[uint64]error
}

type upstreamLink struct {
	from uint32
	ch   chan stream.Message
}

type restorer interface {
	Restore(r storage.Reader) error
}

func (j *job) setErr(epoch uint64, err error) {
	j.errMu.Lock()
	defer j.errMu.Unlock()
	if j.errs == nil {
		j.errs = map[uint64]error{}
	}
	j.errs[epoch] = err
}

// firstErr returns the error the job reported for an epoch, if any.
func (j *job) firstErr(epoch uint64) error {
	j.errMu.Lock()
	defer j.errMu.Unlock()
	return j.errs[epoch]
}

func (m *Manager) jobList() []*job {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]*job, 0, len(m.jobs))
	for _, j := range m.jobs {
		out = append(out, j)
	}
	return out
}

// start runs the job's sources and its operator loop.
func (j *job) start(m *Manager) {
	if j.sink != nil {
		m.wg.Add(1)
		go func() {
			defer m.wg.Done()
			j.sink.run(j.ctx)
		}()
	}
	for _, s := range j.sources {
		s := s
		m.wg.Add(1)
		go func() {
			defer m.wg.Done()
			s.run(j.ctx)
		}()
	}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		defer close(j.done)
		for {
			msg, err := j.root.Next(j.ctx)
			if err != nil {
				if a := j.aborted.Load(); a != nil {
					err = *a
				} else if j.ctx.Err() != nil || err == stream.ErrStopped {
					return
				}
				// Report the failure with the next barrier the
				// coordinator waits for.
				stopped := j.ctx.Done()
				if j.aborted.Load() != nil {
					stopped = m.ctx.Done()
				}
				select {
				case m.coord.collected <- collected{job: j, epoch: m.store.Epoch() + 1, err: err}:
				case <-stopped:
				}
				return
			}
			if msg.Barrier != nil {
				b := msg.Barrier
				select {
				case m.coord.collected <- collected{job: j, epoch: b.Epoch, batch: j.frag.TakeBatch(b.Epoch), offsets: b.Offsets}:
				case <-j.ctx.Done():
					return
				}
			}
		}
	}()
}

// abort stops a job whose creating statement was cancelled before its
// first checkpoint: the job reports err to the checkpoint in place of the
// barrier, so that the view is not created.
func (j *job) abort(err error) {
	j.aborted.Store(&err)
	j.cancel()
}

// stop cancels the job and waits for its goroutine.
func (j *job) stop() {
	j.once.Do(func() {
		j.cancel()
	})
	<-j.done
	if j.sink != nil {
		<-j.sink.done
	}
	j.closeOnce.Do(func() { _ = j.root.Close() })
}

// clear writes the removal of the job's data and offsets into b.
func (j *job) clear(b *storage.Batch) error {
	for _, t := range j.tables {
		if err := t.Clear(b); err != nil {
			return err
		}
	}
	for _, r := range j.readers {
		if err := b.Delete(storage.OffsetKey(r.name)); err != nil {
			return err
		}
	}
	for _, r := range j.conns {
		if err := b.Delete(storage.OffsetKey(r.name)); err != nil {
			return err
		}
	}
	if j.sink != nil {
		lo, hi := storage.SinkLogSpan(j.id)
		if err := b.DeleteRange(lo, hi); err != nil {
			return err
		}
		if err := b.Delete(sinkDeliveredKey(j.id)); err != nil {
			return err
		}
		if err := b.Delete(sinkBaseKey(j.id)); err != nil {
			return err
		}
	}
	return nil
}

// newJob builds a view's dataflow. fresh: a new view, backfilled from a
// snapshot of its inputs; otherwise a restart from committed state.
// stmt is the creating statement's context (building a view may evaluate
// constant rows).
func (m *Manager) newJob(stmt context.Context, obj *catalog.Object, plan *planner.StreamNode, fresh bool) (*job, error) {
	extra, err := ReadExtra(obj)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(m.ctx)
	j := &job{id: obj.ID, obj: obj, plan: plan, frag: stream.NewFragment(m.store), ctx: ctx, cancel: cancel, done: make(chan struct{})}
	b := &builder{m: m, j: j, ids: extra.StateTables, fresh: fresh, stmt: stmt, fn: m.fnContext(obj)}
	ok := false
	defer func() {
		if !ok {
			cancel()
			close(j.done)
			b.release()
		}
	}()
	// A fresh view reads its tables from one snapshot, taken while every
	// table's log is locked, and each log from the position the snapshot
	// reflects.
	if fresh {
		if err := b.lockLogs(plan); err != nil {
			return nil, err
		}
		b.snap = m.store.Snapshot()
	}
	root, err := b.build(plan)
	b.unlockLogs()
	if err != nil {
		if b.snap != nil {
			_ = b.snap.Close()
		}
		return nil, err
	}
	if obj.Kind == catalog.KindSink {
		if j.root, err = b.sink(root, plan, extra.Sink); err != nil {
			return nil, err
		}
	} else {
		own := state.New(m.store, obj.ID, colTypesAt(plan, obj.PK), plan.Types())
		j.tables = append(j.tables, own)
		j.mat = stream.NewMaterialize(root, own, j.frag)
		j.root = j.mat
	}
	if !fresh {
		for _, r := range j.restorers {
			if err := r.Restore(m.store); err != nil {
				return nil, jobErr(obj.Name, err)
			}
		}
	} else if b.snapUsers == 0 && b.snap != nil {
		_ = b.snap.Close()
	}
	ok = true
	return j, nil
}

func colTypesAt(n *planner.StreamNode, idx []int) []types.Type {
	ts := n.Types()
	out := make([]types.Type, len(idx))
	for i, k := range idx {
		out[i] = ts[k]
	}
	return out
}

// builder turns a stream plan into operators.
type builder struct {
	m     *Manager
	j     *job
	ids   []uint32
	next  int
	fresh bool
	stmt  context.Context
	fn    *functions.Context
	snap  *storage.Snapshot
	// shared hands the snapshot to the sources that backfill from it;
	// the last one to finish closes it.
	shared    *sharedSnapshot
	snapUsers int
	locked    []*TableLog
}

func (b *builder) share() *sharedSnapshot {
	if b.shared == nil {
		b.shared = &sharedSnapshot{s: b.snap}
	}
	b.shared.refs.Add(1)
	b.snapUsers++
	return b.shared
}

// sharedSnapshot is a snapshot read by several sources; Close releases
// one reference.
type sharedSnapshot struct {
	s    *storage.Snapshot
	refs atomic.Int32
}

func (s *sharedSnapshot) NewIter(lo, hi []byte) (*storage.Iter, error) { return s.s.NewIter(lo, hi) }

func (s *sharedSnapshot) Close() error {
	if s.refs.Add(-1) == 0 {
		return s.s.Close()
	}
	return nil
}

func (b *builder) release() {
	b.unlockLogs()
	for _, r := range b.j.readers {
		b.m.removeReader(r)
	}
}

func (b *builder) lockLogs(n *planner.StreamNode) error {
	tables := map[uint32]bool{}
	var walk func(n *planner.StreamNode)
	walk = func(n *planner.StreamNode) {
		if n.Op == planner.SSource && n.Table.Kind == catalog.KindTable {
			tables[n.Table.ID] = true
		}
		for _, in := range n.Inputs {
			walk(in)
		}
	}
	walk(n)
	ids := make([]uint32, 0, len(tables))
	for id := range tables {
		ids = append(ids, id)
	}
	sortIDs(ids)
	for _, id := range ids {
		l, err := b.m.logFor(id, true)
		if err != nil {
			return err
		}
		l.mu.Lock()
		b.locked = append(b.locked, l)
	}
	return nil
}

func (b *builder) unlockLogs() {
	for _, l := range b.locked {
		l.mu.Unlock()
	}
	b.locked = nil
}

func sortIDs(ids []uint32) {
	for i := 1; i < len(ids); i++ {
		for k := i; k > 0 && ids[k] < ids[k-1]; k-- {
			ids[k], ids[k-1] = ids[k-1], ids[k]
		}
	}
}

func (b *builder) stateTable(keyTypes, valTypes []types.Type) (*state.Table, error) {
	if b.next >= len(b.ids) {
		return nil, sqlerr.New(sqlerr.InternalError, "materialized view %s: state table ids exhausted", b.j.obj.Name)
	}
	t := state.New(b.m.store, b.ids[b.next], keyTypes, valTypes)
	b.next++
	b.j.tables = append(b.j.tables, t)
	return t, nil
}

func infoOf(n *planner.StreamNode) stream.Info {
	kind := stream.Retract
	if n.AppendOnly {
		kind = stream.AppendOnly
	}
	return stream.Info{Types: n.Types(), Key: n.Key, Kind: kind}
}

// streamFnContext is the function context of a table's stream
// expressions (watermarks): UTC, PostgreSQL's default float output.
func streamFnContext() *functions.Context {
	return &functions.Context{Env: types.DefaultEnv}
}

// fnContext is the function context of a view's stream expressions: the
// time zone and date order the view was created with.
func (m *Manager) fnContext(obj *catalog.Object) *functions.Context {
	if m.ValueEnv == nil {
		return streamFnContext()
	}
	return &functions.Context{Env: m.ValueEnv(obj)}
}

// watermarkExpr compiles a table's WATERMARK expression.
func (m *Manager) watermarkExpr(t *catalog.Object, sql string) (executor.EvalFunc, error) {
	if m.BindExpr == nil {
		return nil, sqlerr.New(sqlerr.InternalError, "no expression binder for watermarks")
	}
	e, err := m.BindExpr(t, sql)
	if err != nil {
		return nil, err
	}
	ec := &executor.Context{Fn: streamFnContext()}
	return ec.Compile(e)
}

func (b *builder) compile(e planner.Expr) (executor.EvalFunc, error) {
	ec := &executor.Context{Fn: b.fn}
	f, err := ec.Compile(e)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// constRows computes the rows of an SValues node, each followed by its
// ordinal (the node's key).
func (b *builder) constRows(n *planner.StreamNode) ([][]types.Datum, error) {
	var rows [][]types.Datum
	add := func(r types.Row) {
		rows = append(rows, append(r[:len(r):len(r)], types.NewInt(int64(len(rows)))))
	}
	if n.Series != nil {
		ec := &executor.Context{Ctx: b.stmt, Fn: b.fn}
		next, err := ec.FuncScanRows(n.Series)
		if err != nil {
			return nil, err
		}
		for {
			r, err := next()
			if err != nil || r == nil {
				return rows, err
			}
			add(r)
		}
	}
	for _, r := range n.Rows {
		row := make(types.Row, 0, len(r)+1)
		for _, e := range r {
			f, err := b.compile(e)
			if err != nil {
				return nil, err
			}
			v, err := f(nil)
			if err != nil {
				return nil, err
			}
			row = append(row, v)
		}
		add(row)
	}
	return rows, nil
}

func (b *builder) build(n *planner.StreamNode) (stream.Operator, error) {
	info := infoOf(n)
	switch n.Op {
	case planner.SSource:
		return b.source(n, info)
	case planner.SValues:
		out := make(chan stream.Message, 8)
		var rows [][]types.Datum
		if b.fresh {
			// The rows are emitted once, when the view is created; after a
			// restart they are already in its state.
			var err error
			if rows, err = b.constRows(n); err != nil {
				return nil, err
			}
		}
		v := &valuesSource{rows: rows, types: n.Types(), emit: b.fresh, out: out, inj: make(chan inject, 1)}
		b.j.sources = append(b.j.sources, v)
		return stream.NewChan(out, info), nil
	case planner.SFilter:
		in, err := b.build(n.Inputs[0])
		if err != nil {
			return nil, err
		}
		f, err := b.compile(n.Cond)
		if err != nil {
			return nil, err
		}
		return stream.NewFilter(in, lenient(f)), nil
	case planner.SProject:
		in, err := b.build(n.Inputs[0])
		if err != nil {
			return nil, err
		}
		exprs := make([]executor.EvalFunc, len(n.Exprs))
		to := map[int][]int{}
		for i, e := range n.Exprs {
			f, err := b.compile(e)
			if err != nil {
				return nil, err
			}
			exprs[i] = lenient(f)
			if c, ok := e.(*planner.ColRef); ok {
				to[c.Idx] = append(to[c.Idx], i)
			}
		}
		return stream.NewWatermarkMap(stream.NewProject(in, exprs, info), to), nil
	case planner.SProjectSet:
		in, err := b.build(n.Inputs[0])
		if err != nil {
			return nil, err
		}
		ec := &executor.Context{Fn: b.fn}
		calls, err := ec.NewSetCalls(n.Calls)
		if err != nil {
			return nil, err
		}
		return stream.NewProjectSet(in, calls, info, func(error) { exprErrors.Add(1) }), nil
	case planner.SHop:
		in, err := b.build(n.Inputs[0])
		if err != nil {
			return nil, err
		}
		return stream.NewHop(in, n.Hop, info), nil
	case planner.SAgg:
		return b.agg(n, info)
	case planner.SJoin:
		l, err := b.build(n.Inputs[0])
		if err != nil {
			return nil, err
		}
		r, err := b.build(n.Inputs[1])
		if err != nil {
			return nil, err
		}
		li, ri := n.Inputs[0], n.Inputs[1]
		ktypes := colTypesAt(li, n.LeftKeys)
		var cond executor.EvalFunc
		if n.Cond != nil {
			f, err := b.compile(n.Cond)
			if err != nil {
				return nil, err
			}
			cond = lenient(f)
		}
		lt, err := b.stateTable(append(append([]types.Type{}, ktypes...), colTypesAt(li, li.Key)...), li.Types())
		if err != nil {
			return nil, err
		}
		rt, err := b.stateTable(append(append([]types.Type{}, colTypesAt(ri, n.RightKeys)...), colTypesAt(ri, ri.Key)...), ri.Types())
		if err != nil {
			return nil, err
		}
		j := stream.NewHashJoin(stream.HashJoinConfig{Left: l, Right: r, Kind: n.JoinKind, LeftKeys: n.LeftKeys, RightKeys: n.RightKeys,
			KeyTypes: ktypes, Cond: cond, Info: info, Fragment: b.j.frag, LeftTable: lt, RightTable: rt})
		b.j.restorers = append(b.j.restorers, j)
		return j, nil
	case planner.SUnion:
		var ins []stream.Operator
		for _, c := range n.Inputs {
			in, err := b.build(c)
			if err != nil {
				return nil, err
			}
			ins = append(ins, in)
		}
		return stream.NewUnion(ins, info), nil
	case planner.STopN:
		in, err := b.build(n.Inputs[0])
		if err != nil {
			return nil, err
		}
		src := n.Inputs[0]
		var kt []types.Type
		for _, g := range n.GroupKey {
			kt = append(kt, src.Cols[g].Type)
		}
		for _, o := range n.Order {
			kt = append(kt, src.Cols[o.Idx].Type)
		}
		kt = append(kt, colTypesAt(src, src.Key)...)
		t, err := b.stateTable(kt, src.Types())
		if err != nil {
			return nil, err
		}
		op := stream.NewTopN(stream.TopNConfig{Input: in, Order: n.Order, Limit: n.Limit, Offset: n.Offset, GroupKey: n.GroupKey,
			Rank: n.Rank, Info: info, Fragment: b.j.frag, Table: t})
		b.j.restorers = append(b.j.restorers, op)
		return op, nil
	}
	return nil, sqlerr.New(sqlerr.InternalError, "no stream operator for %s", n.Op)
}

// lenient evaluates like f but turns an evaluation error (division by
// zero, overflow) into NULL, so one bad row cannot stop a view — as in
// RisingWave.
func lenient(f executor.EvalFunc) executor.EvalFunc {
	return func(row types.Row) (types.Datum, error) {
		v, err := f(row)
		if err != nil {
			exprErrors.Add(1)
			return types.Null, nil
		}
		return v, nil
	}
}

// exprErrors counts expression errors in views (turned into NULLs).
var exprErrors atomic.Int64

// ExpressionErrors returns how many expression evaluations in views
// failed and produced NULL instead.
func ExpressionErrors() int64 { return exprErrors.Load() }

// watermark returns the watermark tracking of a table or source.
func (b *builder) watermark(t *catalog.Object) (wmState, error) {
	wm := wmState{wmCol: -1, late: new(atomic.Int64)}
	if len(t.Watermarks) > 0 {
		w := t.Watermarks[0]
		wm.wmCol = w.Column
		f, err := b.m.watermarkExpr(t, w.Expr)
		if err != nil {
			return wm, err
		}
		wm.wmExpr = f
	}
	return wm, nil
}

func (b *builder) source(n *planner.StreamNode, info stream.Info) (stream.Operator, error) {
	t := n.Table
	out := make(chan stream.Message, 8)
	switch t.Kind {
	case catalog.KindTable:
		l, err := b.m.logFor(t.ID, true)
		if err != nil {
			return nil, err
		}
		wm, err := b.watermark(t)
		if err != nil {
			return nil, err
		}
		r := &tableReader{m: b.m, log: l, table: t, types: n.Types(), name: fmt.Sprintf("view/%d/table/%d", b.j.id, t.ID),
			feed: newFeed(out), wmState: wm}
		if b.fresh {
			r.offset = l.seq
			r.backfill = b.share()
		} else {
			off, err := b.m.store.Offset(r.name)
			if err != nil {
				return nil, err
			}
			r.decodeOffset(off)
		}
		l.pubMu.Lock()
		l.readers[r] = struct{}{}
		l.pubMu.Unlock()
		b.j.readers = append(b.j.readers, r)
		b.j.sources = append(b.j.sources, r)
		return stream.NewChan(out, info), nil
	case catalog.KindSource:
		spec := SourceSpec(t)
		conn, err := connectors.Lookup(spec)
		if err != nil {
			return nil, err
		}
		wm, err := b.watermark(t)
		if err != nil {
			return nil, err
		}
		spec.Stats = &connectors.Stats{}
		r := &connReader{m: b.m, conn: conn, spec: spec, source: t, view: b.j.obj.Name, types: n.Types(),
			name: fmt.Sprintf("view/%d/source/%d", b.j.id, t.ID), feed: newFeed(out), stats: spec.Stats, wmState: wm}
		if !b.fresh {
			off, err := b.m.store.Offset(r.name)
			if err != nil {
				return nil, err
			}
			r.decodeOffset(off)
		}
		b.j.conns = append(b.j.conns, r)
		b.j.sources = append(b.j.sources, r)
		return stream.NewChan(out, info), nil
	case catalog.KindMaterializedView:
		b.m.mu.Lock()
		up := b.m.jobs[t.ID]
		b.m.mu.Unlock()
		if up == nil {
			return nil, sqlerr.New(sqlerr.ObjectNotInPrerequisiteState, "materialized view \"%s\" is not running", t.Name)
		}
		ch := make(chan stream.Message, 8)
		up.mat.Attach(ch)
		u := &upstreamReader{m: b.m, types: n.Types(), in: ch, out: out, tableID: t.ID}
		if b.fresh {
			u.backfill = b.share()
		}
		b.j.upstreams = append(b.j.upstreams, upstreamLink{from: t.ID, ch: ch})
		b.j.sources = append(b.j.sources, u)
		return stream.NewChan(out, info), nil
	}
	return nil, sqlerr.NotSupported("reading %s \"%s\" in a materialized view", catalog.KindNoun(t.Kind), t.Name)
}
