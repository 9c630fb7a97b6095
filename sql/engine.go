// Package sql is Eddy's SQL front: sessions, statement execution,
// transactions, DDL, settings and SHOW. It parses with sql/parser, binds
// with sql/binder, plans with planner and runs with executor; pgwire
// drives it.
//
// Lock order: Engine.commitMu (shared by commits, exclusive by DDL) before
// catalog's DDL lock before the catalog's read lock.
package sql

import (
	"crypto/rand"
	"encoding/binary"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eddy-db/eddy/mview"
	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
	"github.com/eddy-db/eddy/storage"
)

// Options configure an Engine.
type Options struct {
	// Logger receives the engine's logs (default: slog.Default()).
	Logger *slog.Logger
	// Databases lists the database names clients may connect to
	// (default: dev).
	Databases []string
	// BarrierInterval is how often materialized views commit (default 1s).
	BarrierInterval time.Duration
}

// Engine is one Eddy database: the store, the catalog and the sessions.
type Engine struct {
	Store   *storage.Store
	Catalog *catalog.Catalog
	// MV runs the materialized views.
	MV   *mview.Manager
	log  *slog.Logger
	opts Options

	// commitMu is held shared while a transaction commits its batch and
	// exclusively by DDL, so that a table dropped concurrently never gets
	// rows written after its data was removed.
	commitMu sync.RWMutex

	// ingest runs the loops feeding the tables with a connector.
	ingest ingests

	rowIDs     sync.Map // table id -> *rowIDAllocator
	watermarks sync.Map // table id -> *tableWatermark
	nextPID    atomic.Int32
	sessions   sync.Map // pid -> *Session
}

// Open opens (or creates) the database in dir.
func Open(dir string, opts Options) (*Engine, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if len(opts.Databases) == 0 {
		opts.Databases = []string{"dev"}
	}
	st, err := storage.Open(dir, storage.Options{Logger: opts.Logger})
	if err != nil {
		return nil, err
	}
	cat, err := catalog.Open(st)
	if err != nil {
		_ = st.Close()
		return nil, err
	}
	e := &Engine{Store: st, Catalog: cat, log: opts.Logger, opts: opts}
	e.nextPID.Store(1000)
	e.MV = mview.New(st, cat, opts.Logger)
	e.MV.BindExpr = e.bindTableExpr
	e.MV.ValueEnv = func(o *catalog.Object) *types.Env { return valueEnvOf(nil, o) }
	e.MV.Database = e.opts.Databases[0]
	if opts.BarrierInterval > 0 {
		e.MV.SetBarrierInterval(opts.BarrierInterval)
	}
	if err := e.restoreViews(); err != nil {
		e.MV.Close()
		_ = st.Close()
		return nil, err
	}
	e.MV.Start()
	e.startIngests()
	return e, nil
}

// Close stops the tables' connectors and the views, and closes the
// store. Sessions must be closed first.
func (e *Engine) Close() error {
	e.ingest.close()
	e.MV.Close()
	return e.Store.Close()
}

// Databases lists the database names.
func (e *Engine) Databases() []string { return e.opts.Databases }

// Cancel cancels the running statement of the session with the given
// backend key, if the secret matches (CancelRequest).
func (e *Engine) Cancel(pid, secret int32) bool {
	s, ok := e.session(pid)
	if !ok || s.Secret != secret {
		return false
	}
	s.CancelRunning()
	return true
}

// session returns the open session with the given backend pid.
func (e *Engine) session(pid int32) (*Session, bool) {
	v, ok := e.sessions.Load(pid)
	if !ok {
		return nil, false
	}
	return v.(*Session), true
}

// CancelBackend cancels the running statement of the session with the
// given pid (pg_cancel_backend); false when there is no such session.
func (e *Engine) CancelBackend(pid int32) bool {
	s, ok := e.session(pid)
	if ok {
		s.CancelRunning()
	}
	return ok
}

// TerminateBackend terminates the session with the given pid
// (pg_terminate_backend); false when there is no such session.
func (e *Engine) TerminateBackend(pid int32) bool {
	s, ok := e.session(pid)
	if ok {
		s.Terminate()
	}
	return ok
}

// Sessions returns the open sessions.
func (e *Engine) Sessions() []*Session {
	var out []*Session
	e.sessions.Range(func(_, v any) bool {
		out = append(out, v.(*Session))
		return true
	})
	return out
}

func randomInt32() int32 {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return int32(binary.BigEndian.Uint32(b[:]) & 0x7fffffff)
}

// rowIDAllocator hands out hidden row ids for one table. Ids are
// reserved in blocks whose upper end is stored (synced) before any id of
// the block is used, so ids never repeat across restarts.
type rowIDAllocator struct {
	mu       sync.Mutex
	next     int64
	reserved int64 // ids below this are reserved
}

const rowIDBlock = 1 << 16

func rowIDKey(table uint32) []byte {
	return storage.MetaKey("rowid/" + string(binary.BigEndian.AppendUint32(nil, table)))
}

// NextRowID returns a fresh row id for a table.
func (e *Engine) NextRowID(t *catalog.Object) (int64, error) {
	v, _ := e.rowIDs.LoadOrStore(t.ID, &rowIDAllocator{next: -1})
	a := v.(*rowIDAllocator)
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.next < 0 {
		b, ok, err := e.Store.Get(rowIDKey(t.ID))
		if err != nil {
			return 0, err
		}
		a.next = 1
		if ok && len(b) == 8 {
			a.next = int64(binary.BigEndian.Uint64(b))
		}
		a.reserved = a.next
	}
	if a.next >= a.reserved {
		end := a.next + rowIDBlock
		batch := e.Store.NewBatch()
		defer batch.Close()
		if err := batch.Set(rowIDKey(t.ID), binary.BigEndian.AppendUint64(nil, uint64(end))); err != nil {
			return 0, err
		}
		if err := e.Store.Apply(batch); err != nil {
			return 0, sqlerr.Wrap(err, sqlerr.InternalError, "reserve row ids: "+err.Error())
		}
		a.reserved = end
	}
	id := a.next
	a.next++
	return id, nil
}

// dropRowIDs forgets a dropped table's allocator and writes the removal
// of its reservation into b.
func (e *Engine) dropRowIDs(b *storage.Batch, id uint32) error {
	e.rowIDs.Delete(id)
	return b.Delete(rowIDKey(id))
}
