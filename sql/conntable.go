package sql

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/executor"
	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/mview"
	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/parser"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
	"github.com/eddy-db/eddy/storage"
)

// Tables with a connector:
//
//	CREATE TABLE t (...) [INCLUDE ...] WITH (connector = ...) FORMAT ... ENCODE ...
//
// store rows like any table (keyed by their primary key, or a hidden row
// id), and the engine feeds them from the connector: one ingest loop per
// table reads the connector and applies each chunk it returns as one
// transaction, through the write path of INSERT and DELETE (txnWriter):
//
//	connector ─► chunk ─► + / U+  upsert by primary key (a new row id without one)
//	                      - / U-  delete by primary key
//	              │
//	              ▼ one batch: rows + change-log entries (for the views reading t)
//	                           + watermark + the connector's offset after the chunk
//	            Apply (synced)
//
// The offset (key storage.OffsetKey("table/<id>")) is committed in the same
// Pebble batch as the rows it covers, so after a crash the loop reopens
// the connector exactly after the last applied chunk: no record is lost or
// applied twice. Views see the rows as they see INSERTs: through the
// table's change log, at their next checkpoint (FLUSH waits for one).
//
// A record that cannot be decoded is skipped by the connector and counted
// in the table's connectors.Stats; so is a decoded row that the table
// cannot take (NULL in a key or NOT NULL column). rw_source_stats and
// rw_source_errors list them with the table's name as source_name and a
// NULL materialized_view. INSERT, UPDATE and DELETE on the table stay
// allowed, as in RisingWave.

// ingestOffsetName names a table's committed connector offset.
func ingestOffsetName(id uint32) string { return fmt.Sprintf("table/%d", id) }

// isConnectorTable reports whether o is a table fed by a connector.
func isConnectorTable(o *catalog.Object) bool {
	if o.Kind != catalog.KindTable {
		return false
	}
	_, ok := o.Option("connector")
	return ok
}

// connectorSpec describes a connector table to its connector: the columns it
// fills (all but the hidden row id) and the primary key among them.
func connectorSpec(o *catalog.Object) *connectors.Spec {
	spec := mview.SourceSpec(o)
	if o.PKDeclared {
		spec.PrimaryKey = append([]int(nil), o.PK...)
	}
	return spec
}

// bindConnectorTable finishes a CREATE TABLE with a connector: o has its
// columns (INCLUDE ones too), key and watermark.
func (s *Session) bindConnectorTable(p *Prepared, o *catalog.Object, ct *parser.CreateTable, ifNotExists bool) error {
	for _, c := range o.Columns {
		if c.Default != "" {
			return sqlerr.NotSupported("DEFAULT on a column of a table with a connector")
		}
	}
	for _, kv := range ct.With {
		o.With = append(o.With, catalog.Option{Key: kv.Key, Value: kv.Value})
	}
	for _, kv := range ct.EncodeOptions {
		o.EncodeOptions = append(o.EncodeOptions, catalog.Option{Key: kv.Key, Value: kv.Value})
	}
	o.Format, o.Encode = ct.Format, ct.Encode
	switch f := strings.ToUpper(ct.Format); f {
	case "UPSERT", "DEBEZIUM", "MAXWELL", "CANAL":
		// The records update and delete rows: they are found by key.
		if !o.PKDeclared {
			return sqlerr.New(sqlerr.InvalidTableDefinition, "Primary key must be specified when creating a table with FORMAT %s ENCODE %s", f, ct.Encode).
				WithHint("Declare the key the records identify rows by, e.g. id INT PRIMARY KEY, or INCLUDE KEY AS k with PRIMARY KEY (k).")
		}
	}
	spec := connectorSpec(o)
	conn, err := connectors.Lookup(spec)
	if err != nil {
		return err
	}
	if o.AppendOnly && conn.AppendOnly != nil && !conn.AppendOnly(spec) {
		return sqlerr.New(sqlerr.InvalidTableDefinition, "an APPEND ONLY table cannot take FORMAT %s: its records update and delete rows", strings.ToUpper(ct.Format))
	}
	o.Definition = sourceDefinition(o)
	ts := &tableSpec{obj: o, ifNotExists: ifNotExists}
	p.utility = func(ctx context.Context, s *Session, _ []types.Datum) (*result, error) {
		vctx, cancel := context.WithTimeout(ctx, validateTimeout)
		defer cancel()
		if err := conn.Validate(vctx, spec); err != nil {
			return nil, err
		}
		created, err := s.createRelation(ts)
		if err != nil {
			return nil, err
		}
		if created {
			s.eng.ingest.start(s.eng, o)
		}
		return &result{tag: "CREATE TABLE"}, nil
	}
	return nil
}

// ingests are the running ingest loops of an engine's connector tables.
type ingests struct {
	mu     sync.Mutex
	loops  map[uint32]*ingest
	closed bool
	wg     sync.WaitGroup // every loop started, also stopped ones still ending
}

// ingest is the loop feeding one table from its connector.
type ingest struct {
	e      *Engine
	id     uint32
	name   string // the table's name when the loop started (logs, statistics)
	conn   *connectors.Connector
	spec   *connectors.Spec
	stats  *connectors.Stats
	offset string // the name of the committed offset
	cancel context.CancelFunc
}

// startIngests starts the loops of every connector table (engine start).
func (e *Engine) startIngests() {
	for _, o := range e.Catalog.Objects() {
		if isConnectorTable(o) {
			e.ingest.start(e, o)
		}
	}
}

// start starts the loop of table o unless it runs already (or the engine
// is closing). A connector that cannot be found is logged: the table
// stays readable and writable.
func (g *ingests) start(e *Engine, o *catalog.Object) {
	spec := connectorSpec(o)
	conn, err := connectors.Lookup(spec)
	if err != nil {
		e.log.Error("table's connector is not available; the table is not fed", "table", o.Name, "err", err)
		return
	}
	spec.Stats = &connectors.Stats{}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed || g.loops[o.ID] != nil {
		return
	}
	if g.loops == nil {
		g.loops = map[uint32]*ingest{}
	}
	ctx, cancel := context.WithCancel(context.Background())
	in := &ingest{e: e, id: o.ID, name: o.Name, conn: conn, spec: spec, stats: spec.Stats,
		offset: ingestOffsetName(o.ID), cancel: cancel}
	g.loops[o.ID] = in
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		in.run(ctx)
	}()
}

// stop stops the loops of the dropped tables among objs without waiting
// for them (the caller may hold the commit lock a loop waits for; a loop
// that commits after the drop finds its table gone and ends).
func (g *ingests) stop(objs []*catalog.Object) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, o := range objs {
		if in := g.loops[o.ID]; in != nil {
			in.cancel()
			delete(g.loops, o.ID)
		}
	}
}

// forget removes a loop that ended by itself (its table was dropped).
func (g *ingests) forget(in *ingest) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.loops[in.id] == in {
		delete(g.loops, in.id)
	}
}

// close stops every loop and waits for them.
func (g *ingests) close() {
	g.mu.Lock()
	g.closed = true
	for id, in := range g.loops {
		in.cancel()
		delete(g.loops, id)
	}
	g.mu.Unlock()
	g.wg.Wait()
}

// sourceStats lists the connector statistics of the views' sources and
// of the connector tables (whose View is "").
func (e *Engine) sourceStats() []mview.SourceStats {
	out := e.MV.Sources()
	e.ingest.mu.Lock()
	var tables []mview.SourceStats
	for _, in := range e.ingest.loops {
		rows, errs, recent := in.stats.Snapshot()
		name := in.name
		if o, ok := e.Catalog.ByID(in.id); ok {
			name = o.Name
		}
		tables = append(tables, mview.SourceStats{Source: name, Rows: rows, Errors: errs, Recent: recent, Status: in.stats.Status()})
	}
	e.ingest.mu.Unlock()
	sort.Slice(tables, func(a, b int) bool { return tables[a].Source < tables[b].Source })
	return append(out, tables...)
}

// run reads the connector from the committed offset and applies its
// chunks until ctx ends or the table is dropped. Failures to open or
// read the connector are logged and retried with backoff (the reader is
// reopened at the last applied offset); a chunk that fails to commit is
// retried as it is.
func (in *ingest) run(ctx context.Context) {
	defer in.e.ingest.forget(in)
	log := in.e.log.With("table", in.name)
	const minBackoff = 100 * time.Millisecond
	backoff := minBackoff
	grow := func() { backoff = min(2*backoff, 10*time.Second) }
	offset, err := in.e.Store.Offset(in.offset)
	for err != nil {
		log.Warn("table's connector offset cannot be read; retrying", "err", err)
		if !sleepCtx(ctx, backoff) {
			return
		}
		grow()
		offset, err = in.e.Store.Offset(in.offset)
	}
	s := in.e.internalSession()
	var rd connectors.Reader
	defer func() {
		if rd != nil {
			_ = rd.Close()
		}
	}()
	failed := false
	for ctx.Err() == nil {
		if rd == nil {
			rd, err = in.conn.Open(ctx, in.spec, offset)
			if err != nil {
				rd = nil
				in.stats.SetStatus("retrying: " + err.Error())
				failed = true
				log.Warn("table's connector cannot be opened; retrying", "err", err)
				if !sleepCtx(ctx, backoff) {
					return
				}
				grow()
				continue
			}
			backoff = minBackoff
		}
		c, off, err := rd.Next(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			in.stats.SetStatus("retrying: " + err.Error())
			failed = true
			log.Warn("table's connector read failed; reopening", "err", err)
			_ = rd.Close()
			rd = nil
			if !sleepCtx(ctx, backoff) {
				return
			}
			grow()
			continue
		}
		if failed {
			failed = false
			in.stats.SetStatus("running")
		}
		for {
			t, ok := in.e.Catalog.ByID(in.id)
			if !ok || t.Kind != catalog.KindTable || ctx.Err() != nil {
				return // dropped, or the engine is closing
			}
			bad, err := in.apply(ctx, s, t, c, off)
			if err == nil {
				for _, e := range bad {
					in.stats.RecordError(e)
				}
				if off != nil {
					offset = off
				}
				backoff = minBackoff
				break
			}
			if sqlerr.Code(err) == "40001" {
				continue // a view started reading the table meanwhile
			}
			log.Warn("cannot apply the connector's rows to the table; retrying", "err", err)
			if !sleepCtx(ctx, backoff) {
				return
			}
			grow()
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// apply writes a chunk's changes to table t and the offset after it in
// one transaction of session s, and commits it. Rows the table cannot
// take are skipped and returned (to be counted once the commit holds).
func (in *ingest) apply(ctx context.Context, s *Session, t *catalog.Object, c *chunk.Chunk, off []byte) ([]connectors.RecordError, error) {
	s.BeginImplicit()
	w := txnWriter{s}
	w.touch(t) // the commit checks that t still exists, rows or not
	batch := w.Batch()
	ec := &executor.Context{Ctx: ctx, Reader: batch, Writer: w, Fn: s.funcContext(ctx)}
	codec := executor.CodecFor(t)
	doNothing := t.OnConflict == "DO NOTHING"
	ncols := len(in.spec.Columns)
	var bad []connectors.RecordError
	var inserts []types.Row
	flush := func() error {
		if len(inserts) == 0 {
			return nil
		}
		_, err := executor.InsertRows(ec, t, inserts, doNothing, nil)
		inserts = inserts[:0]
		return err
	}
	fail := func(err error) ([]connectors.RecordError, error) {
		s.rollback()
		return nil, err
	}
	if c != nil && len(c.Cols) != ncols {
		return fail(sqlerr.New(sqlerr.InternalError, "connector returned %d columns for %d", len(c.Cols), ncols))
	}
	var key []byte
	for i := 0; c != nil && i < c.Len(); i++ {
		if !c.Visible(i) {
			continue
		}
		row := make(types.Row, len(t.Columns))
		c.Row(i, row)
		insert := c.Ops[i].IsInsert()
		if !insert && !t.PKDeclared {
			continue // rows with a hidden row id cannot be named by a record
		}
		if msg := nullViolation(t, row, ncols, !insert); msg != "" {
			bad = append(bad, connectors.RecordError{Partition: -1, Offset: -1, Message: msg})
			continue
		}
		if insert {
			inserts = append(inserts, row)
			continue
		}
		if err := flush(); err != nil {
			return fail(err)
		}
		key = codec.Key(key[:0], row)
		if err := w.Delete(t, key); err != nil {
			return fail(err)
		}
	}
	if err := flush(); err != nil {
		return fail(err)
	}
	if off != nil {
		if err := batch.Set(storage.OffsetKey(in.offset), off); err != nil {
			return fail(err)
		}
	}
	if err := s.commit(); err != nil {
		return nil, err
	}
	return bad, nil
}

// nullViolation describes a decoded row with NULL in a key column of t
// or, unless keysOnly (a delete), a NOT NULL column — among the first n
// columns, those the connector fills —, or returns "".
func nullViolation(t *catalog.Object, row types.Row, n int, keysOnly bool) string {
	for i := 0; i < n; i++ {
		c := t.Columns[i]
		key := t.PKDeclared && containsInt(t.PK, i)
		if row[i].IsNull() && (key || (c.NotNull && !keysOnly)) {
			return fmt.Sprintf("null value in column \"%s\" of relation \"%s\" violates not-null constraint", c.Name, t.Name)
		}
	}
	return ""
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
