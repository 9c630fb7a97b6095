package sql

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eddy-db/eddy/executor"
	"github.com/eddy-db/eddy/mview"
	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/functions"
	"github.com/eddy-db/eddy/sql/parser"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
	"github.com/eddy-db/eddy/storage"
)

// Session is one client connection's state: settings, the transaction,
// prepared statements and portals. Its methods are called from one
// goroutine (the connection's), except CancelRunning.
type Session struct {
	eng      *Engine
	User     string
	Database string
	PID      int32
	Secret   int32
	Started  time.Time

	vars map[string]string // lower-case name -> value
	// resetVals are the values RESET restores (lower-case name -> value):
	// the defaults as the startup message set them.
	resetVals map[string]string
	env       *types.Env
	// reports are the reported settings changed since TakeReports;
	// reported holds the value each was last reported with.
	reports  []string
	reported map[string]string
	// path is search_path parsed (see searchPath).
	path *searchPath

	txn      *txn
	notices  []*sqlerr.Error
	prepared map[string]*Prepared
	portals  map[string]*Portal
	cache    map[string]*Prepared // simple-protocol statements by text
	parsed   map[string][]parser.Statement
	// stmtStop ends the statement_timeout of the running statement.
	stmtStop func()

	// terminated is set by Terminate (pg_terminate_backend).
	terminated atomic.Bool

	mu     sync.Mutex
	cancel context.CancelCauseFunc
	// inQuery is set while a Query message runs (StartQuery, EndQuery);
	// pending is a cancel that arrived then while no statement ran: the
	// next statement of the message fails with it.
	inQuery     bool
	pending     error
	onTerminate func()
	query       string
	state       string
	stateAt     time.Time
	appName     string
	closed      bool
}

// txn is an open transaction: explicit (BEGIN) or implicit (one simple
// Query message, or extended-protocol messages up to Sync).
type txn struct {
	explicit bool
	// block marks the implicit transaction block of a Query message that
	// holds several statements: to SET LOCAL it is a transaction block.
	block    bool
	failed   bool
	readOnly bool
	// saved holds what the end of the transaction does to each setting
	// it changed (lower-case name -> state).
	saved map[string]*savedSetting
	batch *storage.Batch // created on the first write
	wrote map[uint32]*catalog.Object
	// gens holds, per written table, the generation of its change log
	// at the first write (0: not logged); pending the logged changes.
	gens    map[uint32]uint64
	pending map[uint32]*mview.Pending
	// wm: per table with a watermark, what the transaction adds to it.
	wm    map[uint32]*txnWatermark
	start time.Time
	// fn is the function context of the transaction's statements (set
	// on first use).
	fn    functions.Context
	fnSet bool
}

// NewSession opens a session for user on database. params are the
// startup parameters the client sent (application_name, TimeZone, ...).
func (e *Engine) NewSession(user, database string, params map[string]string) (*Session, error) {
	ok := false
	for _, d := range e.opts.Databases {
		if d == database {
			ok = true
		}
	}
	if !ok {
		return nil, &sqlerr.Error{Code: sqlerr.UndefinedDatabase, Message: "database \"" + database + "\" does not exist", Severity: "FATAL"}
	}
	s := &Session{
		eng: e, User: user, Database: database,
		PID: e.nextPID.Add(1), Secret: randomInt32(), Started: time.Now(),
		vars:     map[string]string{},
		env:      &types.Env{Loc: time.UTC, ExtraFloatDigits: 1},
		prepared: map[string]*Prepared{},
		portals:  map[string]*Portal{},
		cache:    map[string]*Prepared{},
		parsed:   map[string][]parser.Statement{},
		state:    "idle",
	}
	for _, st := range settingList {
		s.vars[strings.ToLower(st.name)] = st.def
	}
	s.vars["session_authorization"] = user
	s.env.Names = sessionNames{s}
	for k, v := range params {
		switch strings.ToLower(k) {
		case "user", "database", "replication", "options":
			continue
		}
		if st, ok := lookupSetting(k); ok && !st.readOnly {
			if err := s.set(st, v); err != nil {
				return nil, err
			}
		}
	}
	s.reports = nil
	s.resetVals = maps.Clone(s.vars)
	s.reported = map[string]string{}
	for _, kv := range s.ReportedParams() {
		s.reported[kv[0]] = kv[1]
	}
	e.sessions.Store(s.PID, s)
	return s, nil
}

// Close releases the session's portals and transaction.
func (s *Session) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	for name := range s.portals {
		s.ClosePortal(name)
	}
	s.rollback()
	s.eng.sessions.Delete(s.PID)
}

// Engine returns the session's engine.
func (s *Session) Engine() *Engine { return s.eng }

// Env returns the session's value settings (time zone, float digits).
func (s *Session) Env() *types.Env { return s.env }

// Var returns a setting's current value.
func (s *Session) Var(name string) (string, bool) {
	st, ok := lookupSetting(name)
	if !ok {
		return "", false
	}
	return s.vars[strings.ToLower(st.name)], true
}

// ReportedParams returns every setting sent to clients at startup, in
// PostgreSQL's order.
func (s *Session) ReportedParams() [][2]string {
	var out [][2]string
	for _, st := range sortedSettings() {
		if st.report {
			out = append(out, [2]string{st.name, s.vars[strings.ToLower(st.name)]})
		}
	}
	return out
}

// TakeReports returns the reported settings whose value differs from
// the one last reported (for ParameterStatus messages): a change undone
// before the call, as by SET LOCAL outside a block, is not reported.
func (s *Session) TakeReports() [][2]string {
	var out [][2]string
	for _, n := range s.reports {
		st, _ := lookupSetting(n)
		v := s.vars[strings.ToLower(st.name)]
		if last, ok := s.reported[st.name]; ok && last == v {
			continue
		}
		if s.reported == nil {
			s.reported = map[string]string{}
		}
		s.reported[st.name] = v
		out = append(out, [2]string{st.name, v})
	}
	s.reports = nil
	return out
}

// TakeNotices returns the notices raised since the last call.
func (s *Session) TakeNotices() []*sqlerr.Error {
	n := s.notices
	s.notices = nil
	return n
}

func (s *Session) notice(format string, args ...any) {
	s.notices = append(s.notices, &sqlerr.Error{Code: sqlerr.SuccessfulCompletion, Message: sprintf(format, args...), Severity: "NOTICE"})
}

func (s *Session) warning(code, format string, args ...any) {
	s.notices = append(s.notices, &sqlerr.Error{Code: code, Message: sprintf(format, args...), Severity: "WARNING"})
}

// set validates a setting's new value and gives it to the session (SET).
func (s *Session) set(st *setting, v string) error { return s.assign(st, v, false) }

// assign validates a setting's new value and stores it. Inside a
// transaction the change is undone if the transaction rolls back, and a
// local change (SET LOCAL, set_config(..., true)) also when it commits;
// outside any transaction a local change has no effect.
func (s *Session) assign(st *setting, v string, local bool) error {
	if st.readOnly {
		return sqlerr.New(sqlerr.CantChangeRuntimeParam, "parameter \"%s\" cannot be changed", st.name)
	}
	if st.check != nil {
		nv, err := st.check(v)
		if err != nil {
			return err
		}
		v = nv
	}
	key := strings.ToLower(st.name)
	if s.txn != nil {
		s.txn.remember(st, s.vars[key], local)
	} else if local {
		return nil
	}
	return s.apply(st, v)
}

// apply stores a checked value and updates what depends on it.
func (s *Session) apply(st *setting, v string) error {
	key := strings.ToLower(st.name)
	switch key {
	case "timezone":
		loc, name, err := loadLocation(v)
		if err != nil {
			return err
		}
		s.env.Loc, v = loc, name
	case "extra_float_digits":
		n, _ := strconv.Atoi(v)
		s.env.ExtraFloatDigits = n
	case "datestyle":
		s.env.DateOrder = dateOrderOf(v)
	case "application_name":
		s.mu.Lock()
		s.appName = v
		s.mu.Unlock()
	case "barrier_interval_ms":
		s.setBarrierInterval(v)
	}
	if s.vars[key] != v && st.report && !slices.Contains(s.reports, st.name) {
		s.reports = append(s.reports, st.name)
	}
	s.vars[key] = v
	return nil
}

// resetValue is the value RESET gives a setting: its default, or the
// value the client's startup message gave it.
func (s *Session) resetValue(st *setting) string {
	if v, ok := s.resetVals[strings.ToLower(st.name)]; ok {
		return v
	}
	return st.def
}

// inBlock reports whether statements run in a transaction block: an
// explicit one (BEGIN) or the implicit block of a Query message holding
// several statements.
func (s *Session) inBlock() bool {
	return s.txn != nil && (s.txn.explicit || s.txn.block)
}

// TxStatus is the ReadyForQuery status: 'I' idle, 'T' in a transaction
// block, 'E' in a failed transaction block.
func (s *Session) TxStatus() byte {
	switch {
	case s.txn == nil || !s.txn.explicit:
		return 'I'
	case s.txn.failed:
		return 'E'
	}
	return 'T'
}

// BeginImplicit starts the implicit transaction of a Query message or of
// extended-protocol messages up to Sync (a no-op inside a transaction).
func (s *Session) BeginImplicit() {
	if s.txn == nil {
		s.txn = &txn{start: time.Now()}
	}
}

// BeginImplicitBlock starts, or goes on with, the implicit transaction
// block of a Query message holding several statements: as in
// PostgreSQL, its statements are in a transaction block (SET LOCAL lasts
// to the end of the message) until a COMMIT or ROLLBACK among them.
func (s *Session) BeginImplicitBlock() {
	s.BeginImplicit()
	s.txn.block = true
}

// EndImplicit ends the implicit transaction: it commits when ok and
// rolls back otherwise. An explicit transaction is left alone, except that
// a failure marks it failed.
func (s *Session) EndImplicit(ok bool) error {
	t := s.txn
	if t == nil {
		return nil
	}
	if t.explicit {
		if !ok {
			t.failed = true
		}
		return nil
	}
	if !ok {
		s.rollback()
		return nil
	}
	return s.commit()
}

func (s *Session) commit() error {
	t := s.txn
	s.txn = nil
	if t == nil {
		return nil
	}
	// Settings follow the transaction: kept if it commits, restored if
	// the commit fails.
	committed := false
	defer func() { s.endSettings(t, committed && !t.failed) }()
	if t.batch == nil && len(t.wm) == 0 {
		committed = true
		return nil
	}
	if t.batch == nil {
		t.batch = s.eng.Store.NewIndexedBatch()
	}
	defer t.batch.Close()
	if t.failed {
		return nil
	}
	s.eng.commitMu.RLock()
	defer s.eng.commitMu.RUnlock()
	for id, o := range t.wrote {
		if cur, ok := s.eng.Catalog.ByID(id); !ok || cur.Kind != catalog.KindTable {
			return sqlerr.New(sqlerr.UndefinedTable, "relation \"%s\" was dropped while the transaction wrote to it", o.Name)
		}
	}
	// Tables read by materialized views log the transaction's changes in
	// the same batch, under their log locks.
	guard, err := s.eng.MV.BeginCommit(t.gens)
	if err != nil {
		return err
	}
	// Watermarks are checked again in commit order: rows another commit
	// made late are dropped now, before they are logged.
	wms := lockWatermarks(t.wm)
	if err := dropLate(t, wms); err != nil {
		unlockWatermarks(wms, nil)
		guard.Abort()
		return err
	}
	for _, p := range t.pending {
		if err := guard.Log(t.batch, p, s.eng.Store); err != nil {
			guard.Abort()
			return sqlerr.Wrap(err, sqlerr.InternalError, "commit: "+err.Error())
		}
	}
	if err := writeWatermarks(t.batch, wms, t.wm); err != nil {
		unlockWatermarks(wms, nil)
		guard.Abort()
		return err
	}
	if err := s.eng.Store.Apply(t.batch); err != nil {
		unlockWatermarks(wms, nil)
		guard.Abort()
		return sqlerr.Wrap(err, sqlerr.InternalError, "commit: "+err.Error())
	}
	unlockWatermarks(wms, t.wm)
	guard.Publish()
	committed = true
	if len(t.pending) > 0 {
		if err := s.implicitFlush(context.Background()); err != nil {
			return err
		}
	}
	return nil
}

func (s *Session) rollback() {
	t := s.txn
	s.txn = nil
	if t == nil {
		return
	}
	if t.batch != nil {
		_ = t.batch.Close()
	}
	s.endSettings(t, false)
}

// txnWriter gives the executor the session transaction's batch.
type txnWriter struct{ s *Session }

func (w txnWriter) Batch() *storage.Batch {
	t := w.s.txn
	if t.batch == nil {
		t.batch = w.s.eng.Store.NewIndexedBatch()
	}
	return t.batch
}

func (w txnWriter) NextRowID(t *catalog.Object) (int64, error) { return w.s.eng.NextRowID(t) }

// touch notes that the transaction writes o: the commit fails if o was
// dropped meanwhile. It returns the generation of o's change log (0: not
// logged).
func (w txnWriter) touch(o *catalog.Object) uint64 {
	t := w.s.txn
	if t.wrote == nil {
		t.wrote = map[uint32]*catalog.Object{}
		t.gens = map[uint32]uint64{}
	}
	gen, seen := t.gens[o.ID]
	if !seen {
		t.wrote[o.ID] = o
		_, gen = w.s.eng.MV.Logged(o.ID)
		t.gens[o.ID] = gen
	}
	return gen
}

// record notes a write to o (and its logged change, if o is logged).
func (w txnWriter) record(o *catalog.Object, key []byte, row types.Row) {
	t := w.s.txn
	gen := w.touch(o)
	if gen == 0 {
		return
	}
	if t.pending == nil {
		t.pending = map[uint32]*mview.Pending{}
	}
	p := t.pending[o.ID]
	if p == nil {
		p = &mview.Pending{Table: o, Gen: gen, Rows: map[string]types.Row{}}
		t.pending[o.ID] = p
	}
	if _, ok := p.Rows[string(key)]; !ok {
		p.Keys = append(p.Keys, append([]byte(nil), key...))
	}
	if row != nil {
		row = row.Copy()
	}
	p.Rows[string(key)] = row
}

func (w txnWriter) Put(o *catalog.Object, key, val []byte, row types.Row) (bool, error) {
	if len(o.Watermarks) > 0 {
		ok, err := w.watermark(o, key, row)
		if err != nil || !ok {
			return false, err
		}
	}
	if err := w.Batch().Set(key, val); err != nil {
		return false, err
	}
	w.record(o, key, row)
	return true, nil
}

// watermark checks a row of a table with a WATERMARK: a row whose time
// is behind the table's watermark is late — dropped and counted —, any
// other row may move the watermark when the transaction commits.
func (w txnWriter) watermark(o *catalog.Object, key []byte, row types.Row) (bool, error) {
	tw, err := w.s.eng.tableWatermark(o)
	if err != nil {
		return false, err
	}
	t := w.s.txn
	if t.wm == nil {
		t.wm = map[uint32]*txnWatermark{}
	}
	x := t.wm[o.ID]
	if x == nil {
		x = &txnWatermark{tw: tw}
		t.wm[o.ID] = x
	}
	ts := row[tw.col]
	if cur := tw.current(); ts.IsNull() || (!cur.IsNull() && types.Compare(ts, cur) < 0) {
		x.late++
		return false, nil
	}
	v, err := tw.expr(row)
	if err != nil {
		v = types.Null
	}
	// Kept for the check at commit: another transaction may move the
	// watermark past this row before this one commits.
	x.rows = append(x.rows, wmRow{key: append([]byte(nil), key...), ts: ts, w: v})
	return true, nil
}

func (w txnWriter) Delete(o *catalog.Object, key []byte) error {
	if err := w.Batch().Delete(key); err != nil {
		return err
	}
	w.record(o, key, nil)
	return nil
}

// reader returns what statements read: the transaction's batch when it
// has writes (read your own writes), else a snapshot of the store (the
// caller calls the returned func when done). A statement that reads
// storage only once reads the store directly: one read is consistent by
// itself, and a snapshot would only cost time.
func (s *Session) reader(readsOnce bool) (storage.Reader, func()) {
	if s.txn != nil && s.txn.batch != nil {
		return s.txn.batch, func() {}
	}
	if readsOnce {
		return s.eng.Store, func() {}
	}
	snap := s.eng.Store.Snapshot()
	return snap, func() { _ = snap.Close() }
}

// funcContext returns the function context of a statement running with
// ctx (one per transaction; the statement context is the current one's).
func (s *Session) funcContext(ctx context.Context) *functions.Context {
	t := s.txn
	if t == nil {
		return &functions.Context{Env: s.env, TxnTime: time.Now().UnixMicro(), Ctx: ctx}
	}
	if !t.fnSet {
		t.fn, t.fnSet = functions.Context{TxnTime: t.start.UnixMicro()}, true
	}
	t.fn.Env = s.env
	t.fn.Ctx = ctx
	return &t.fn
}

// ErrTerminated is the FATAL 57P01 error a terminated session's
// connection sends before it closes.
var ErrTerminated = executor.ErrTerminated

// CancelRunning cancels what the session is running: the running
// statement fails with 57014 "canceling statement due to user request";
// between two statements of a Query message, the next one fails so and
// the rest of the message does not run. An idle session is not affected
// (as in PostgreSQL, a cancel request only reaches the query it races
// with).
func (s *Session) CancelRunning() {
	s.cancelRunning(executor.ErrCanceled)
}

func (s *Session) cancelRunning(cause error) {
	s.mu.Lock()
	c := s.cancel
	if c == nil && s.inQuery && s.pending == nil {
		s.pending = cause
	}
	s.mu.Unlock()
	if c != nil {
		c(cause)
	}
}

// StartQuery marks the start of a Query message: until EndQuery, a
// cancel that arrives while none of its statements runs is kept for the
// next one.
func (s *Session) StartQuery() {
	s.mu.Lock()
	s.inQuery, s.pending = true, nil
	s.mu.Unlock()
}

// EndQuery marks the end of a Query message: a cancel kept for a next
// statement is dropped, and later ones are until the next StartQuery.
func (s *Session) EndQuery() {
	s.mu.Lock()
	s.inQuery, s.pending = false, nil
	s.mu.Unlock()
}

// Terminate ends the session as pg_terminate_backend does: the running
// statement, if any, fails with FATAL 57P01, and the connection's owner
// (told through the function set by OnTerminate) closes the connection.
func (s *Session) Terminate() {
	s.terminated.Store(true)
	s.cancelRunning(executor.ErrTerminated)
	s.mu.Lock()
	wake := s.onTerminate
	s.mu.Unlock()
	if wake != nil {
		wake()
	}
}

// Terminated reports whether the session was terminated: its connection
// must send FATAL 57P01 (executor.ErrTerminated) and close.
func (s *Session) Terminated() bool { return s.terminated.Load() }

// OnTerminate sets the function Terminate calls, from another goroutine,
// to wake the connection when it waits for the client.
func (s *Session) OnTerminate(f func()) {
	s.mu.Lock()
	s.onTerminate = f
	s.mu.Unlock()
}

// statementContext derives the context of one statement: cancellable by
// CancelRunning and bounded by statement_timeout. The returned func (or
// endStatement) ends it.
func (s *Session) statementContext(parent context.Context) (context.Context, func()) {
	return s.beginStatement(parent), s.endStatement
}

// beginStatement derives a running statement's context. Its cause tells
// why it ended: executor.ErrCanceled (CancelRequest, pg_cancel_backend),
// executor.ErrTimeout (statement_timeout) or executor.ErrTerminated.
func (s *Session) beginStatement(parent context.Context) context.Context {
	ctx, cancel := context.WithCancelCause(parent)
	s.stmtStop = nil
	if v := s.vars["statement_timeout"]; v != "0" {
		if ms, _ := parseDurationMS(v); ms > 0 {
			ctx, s.stmtStop = context.WithTimeoutCause(ctx, time.Duration(ms)*time.Millisecond, executor.ErrTimeout)
		}
	}
	s.mu.Lock()
	s.cancel = cancel
	pending := s.pending
	s.pending = nil
	s.mu.Unlock()
	if pending != nil {
		cancel(pending)
	}
	if s.terminated.Load() {
		cancel(executor.ErrTerminated)
	}
	return ctx
}

func (s *Session) endStatement() {
	s.mu.Lock()
	cancel := s.cancel
	s.cancel = nil
	s.mu.Unlock()
	if s.stmtStop != nil {
		s.stmtStop()
		s.stmtStop = nil
	}
	if cancel != nil {
		cancel(nil)
	}
}

// SetActivity records what the session is doing (pg_stat_activity).
func (s *Session) SetActivity(state, query string) {
	s.mu.Lock()
	s.state, s.stateAt = state, time.Now()
	if query != "" {
		s.query = query
	}
	s.mu.Unlock()
}

// Activity returns the session's state, last query and when the state began.
func (s *Session) Activity() (state, query, app string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state, s.query, s.appName, s.stateAt
}

// signalBackend runs pg_cancel_backend(pid) and pg_terminate_backend(pid
// [, timeout]): it returns false with a warning when pid names no
// session. pg_terminate_backend with a timeout (milliseconds) waits for
// the session to end and returns false with a warning if it has not by
// then.
func (s *Session) signalBackend(fc *functions.Context, name string, a []types.Datum) (types.Datum, error) {
	pid := int32(a[0].Int())
	var timeout time.Duration
	if len(a) == 2 {
		if a[1].Int() < 0 {
			return types.Null, sqlerr.New(sqlerr.InvalidParameterValue, "\"timeout\" must not be negative")
		}
		timeout = time.Duration(a[1].Int()) * time.Millisecond
	}
	e := s.eng
	var ok bool
	if name == "pg_cancel_backend" {
		ok = e.CancelBackend(pid)
	} else {
		ok = e.TerminateBackend(pid)
	}
	if !ok {
		s.warning(sqlerr.Warning, "PID %d is not a PostgreSQL backend process", pid)
		return types.NewBool(false), nil
	}
	if timeout <= 0 || pid == s.PID {
		return types.NewBool(true), nil
	}
	var done <-chan struct{}
	if fc.Ctx != nil {
		done = fc.Ctx.Done()
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		if _, open := e.session(pid); !open {
			return types.NewBool(true), nil
		}
		select {
		case <-tick.C:
		case <-deadline.C:
			s.warning(sqlerr.Warning, "backend with PID %d did not terminate within %d milliseconds", pid, a[1].Int())
			return types.NewBool(false), nil
		case <-done:
			return types.Null, executor.ContextErr(fc.Ctx)
		}
	}
}
