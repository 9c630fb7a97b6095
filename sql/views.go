package sql

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/eddy-db/eddy/mview"
	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/binder"
	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/parser"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
	"github.com/eddy-db/eddy/storage"
)

// internalSession is a session for the engine's own binding work
// (recovery); it is not registered as a client.
func (e *Engine) internalSession() *Session {
	s := &Session{eng: e, User: "root", Database: e.opts.Databases[0], vars: map[string]string{},
		env: types.DefaultEnv, prepared: map[string]*Prepared{}, portals: map[string]*Portal{}, cache: map[string]*Prepared{},
		parsed: map[string][]parser.Statement{}}
	for _, st := range settingList {
		s.vars[strings.ToLower(st.name)] = st.def
	}
	return s
}

// bindTableExpr binds an expression over a table's columns.
func (e *Engine) bindTableExpr(t *catalog.Object, sql string) (planner.Expr, error) {
	tree, err := pg.Parse("SELECT " + sql)
	if err != nil {
		return nil, err
	}
	b := binder.New(sessionEnv{s: e.internalSession()}, "SELECT "+sql, 0, nil)
	rt := tree.Stmts[0].Stmt.GetSelectStmt().TargetList[0].GetResTarget()
	cols := make([]types.Column, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = types.Column{Name: c.Name, Type: c.Type}
	}
	return b.Expr(rt.Val, cols)
}

// viewPlan binds a view's query and builds its stream plan. Names
// resolve along the search path of o, the stored view, and constants
// are read under its settings (o nil: the session's, for a new view).
func (s *Session) viewPlan(sql string, query *pg.Node, offset int, eowc bool, o *catalog.Object) (*binder.Result, *planner.StreamNode, error) {
	env := sessionEnv{s: s}
	if o != nil {
		env = s.objectEnv(o)
	}
	b := binder.New(env, sql, offset, nil)
	b.Streaming = true
	res, err := b.Select(query)
	if err != nil {
		return nil, nil, err
	}
	res.Deps = sortedDeps(b.Deps)
	if len(b.Params) > 0 {
		return nil, nil, sqlerr.New(sqlerr.UndefinedParameter, "there is no parameter $1")
	}
	plan, err := planner.BuildStream(res.Plan, planner.StreamOptions{EmitOnWindowClose: eowc})
	if err != nil {
		return nil, nil, err
	}
	return res, plan, nil
}

// restoreViews restarts every materialized view and sink from its
// committed state, views before the views and sinks built on them.
func (e *Engine) restoreViews() error {
	s := e.internalSession()
	for _, o := range e.Catalog.Objects() {
		if o.Kind != catalog.KindMaterializedView && o.Kind != catalog.KindSink {
			continue
		}
		extra, err := mview.ReadExtra(o)
		if err != nil {
			return fmt.Errorf("%s %s: %w", catalog.KindNoun(o.Kind), o.Name, err)
		}
		tree, err := pg.Parse(o.Query)
		if err != nil || len(tree.Stmts) != 1 {
			return fmt.Errorf("%s %s: stored query does not parse", catalog.KindNoun(o.Kind), o.Name)
		}
		_, plan, err := s.viewPlan(o.Query, tree.Stmts[0].Stmt, 0, extra.EmitOnWindowClose, o)
		if err != nil {
			return fmt.Errorf("%s %s: %w", catalog.KindNoun(o.Kind), o.Name, err)
		}
		if err := e.MV.Restore(o, plan); err != nil {
			return fmt.Errorf("%s %s: %w", catalog.KindNoun(o.Kind), o.Name, err)
		}
	}
	return nil
}

func (s *Session) bindCreateMV(p *Prepared, mv *parser.CreateMaterializedView) error {
	if mv.OrReplace {
		return sqlerr.NotSupported("CREATE OR REPLACE MATERIALIZED VIEW")
	}
	schema, name := splitName(mv.Name)
	schema, err := s.creationSchema(schema, name)
	if err != nil {
		return err
	}
	if len(mv.With) > 0 {
		return sqlerr.New(sqlerr.InvalidParameterValue, "unknown option \"%s\" for materialized views", mv.With[0].Key)
	}
	// Bind against the statement's own text: the query's locations are
	// offsets into p.stmt.SQL.
	res, plan, err := s.viewPlan(p.SQL, mv.Query, p.stmt.Offset, mv.EmitOnWindowClose, nil)
	if err != nil {
		return err
	}
	text, err := deparseQuery(mv.Query)
	if err != nil {
		return sqlerr.New(sqlerr.InternalError, "cannot store the view's query: %v", err)
	}
	o := &catalog.Object{Name: name, Schema: schema, Kind: catalog.KindMaterializedView, Owner: s.User,
		Definition: p.stmt.SQL, Query: text, SearchPath: s.storedSearchPath(), AppendOnly: plan.AppendOnly}
	o.TimeZone, o.DateStyle = s.storedValueSettings()
	names := res.Names
	if len(mv.Columns) > 0 {
		if len(mv.Columns) > len(names) {
			return sqlerr.New(sqlerr.SyntaxError, "too many column names were specified")
		}
		copy(names, mv.Columns)
	}
	seen := map[string]bool{}
	for i, c := range plan.Cols {
		hidden := plan.Hidden[i] || i >= len(names)
		colName := c.Name
		if !hidden {
			colName = names[i]
			if seen[colName] {
				return sqlerr.New(sqlerr.DuplicateColumn, "column \"%s\" specified more than once", colName)
			}
		}
		seen[colName] = true
		o.Columns = append(o.Columns, catalog.Column{Name: colName, Type: c.Type, Hidden: hidden})
	}
	// Hidden columns get names that do not clash with visible ones.
	for i := range o.Columns {
		if !o.Columns[i].Hidden {
			continue
		}
		base := o.Columns[i].Name
		for n := 1; ; n++ {
			clash := false
			for j, c := range o.Columns {
				if j != i && c.Name == o.Columns[i].Name {
					clash = true
				}
			}
			if !clash {
				break
			}
			o.Columns[i].Name = base + "#" + strconv.Itoa(n)
		}
	}
	o.PK = append([]int{}, plan.Key...)
	o.PKDeclared = true
	o.DependsOn = res.Deps
	ifNotExists := mv.IfNotExists
	eowc := mv.EmitOnWindowClose
	p.utility = func(ctx context.Context, s *Session, _ []types.Datum) (*result, error) {
		return &result{tag: "CREATE_MATERIALIZED_VIEW"}, s.createDataflow(ctx, o, plan, ifNotExists, mview.Extra{EmitOnWindowClose: eowc})
	}
	return nil
}

// createDataflow creates a materialized view or a sink: ids are
// allocated, the dataflow is built and backfilled, and the descriptor is
// committed with the first epoch. extra carries the kind's settings; the
// state table ids are added here.
func (s *Session) createDataflow(ctx context.Context, tmpl *catalog.Object, plan *planner.StreamNode, ifNotExists bool, extra mview.Extra) error {
	e := s.eng
	e.Catalog.Lock()
	locked := true
	unlock := func() {
		if locked {
			locked = false
			e.Catalog.Unlock()
		}
	}
	defer unlock()
	o := *tmpl
	if err := e.Catalog.CheckNameFree(o.Schema, o.Name); err != nil {
		if ifNotExists {
			s.notice("%s \"%s\" already exists, skipping", map[bool]string{true: "sink", false: "relation"}[o.Kind == catalog.KindSink], o.Name)
			return nil
		}
		return err
	}
	for _, d := range o.DependsOn {
		if _, ok := e.Catalog.ByID(d); !ok {
			return sqlerr.New(sqlerr.UndefinedTable, "a relation the view reads was dropped")
		}
	}
	// Ids: the view's own, then its state tables.
	idBatch := e.Store.NewBatch()
	defer idBatch.Close()
	id, err := e.Catalog.AllocateID(idBatch)
	if err != nil {
		return err
	}
	o.ID = id
	for i := 0; i < mview.StateTableCount(plan); i++ {
		sid, err := e.Catalog.AllocateID(idBatch)
		if err != nil {
			return err
		}
		extra.StateTables = append(extra.StateTables, sid)
	}
	if o.Extra, err = json.Marshal(extra); err != nil {
		return err
	}
	publish := func(b *storage.Batch) error {
		if err := b.Append(idBatch); err != nil {
			return err
		}
		return e.Catalog.Put(b, &o)
	}
	published := func() { e.Catalog.Publish([]*catalog.Object{&o}, nil) }
	return e.MV.Create(ctx, &o, plan, publish, published)
}

func (s *Session) bindExplainCreateMV(p *Prepared, mv *parser.CreateMaterializedView) error {
	_, plan, err := s.viewPlan(p.SQL, mv.Query, p.stmt.Offset, mv.EmitOnWindowClose, nil)
	if err != nil {
		return err
	}
	lines := append([]string{"StreamMaterialize " + mv.Name}, indent(plan.Explain())...)
	p.Columns = textCols("QUERY PLAN")
	p.utility = func(ctx context.Context, s *Session, _ []types.Datum) (*result, error) {
		rows := make([]types.Row, len(lines))
		for i, l := range lines {
			rows[i] = textRow(l)
		}
		return &result{tag: "EXPLAIN", rows: rows}, nil
	}
	return nil
}

func indent(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		if i == 0 {
			out[i] = "└─" + l
		} else {
			out[i] = "  " + l
		}
	}
	return out
}

// flushViews waits until the views reflect every committed change.
func (s *Session) flushViews(ctx context.Context) error {
	return s.eng.MV.Flush(ctx)
}

// implicitFlush runs after a committed DML statement when
// RW_IMPLICIT_FLUSH is on.
func (s *Session) implicitFlush(ctx context.Context) error {
	if s.vars["rw_implicit_flush"] != "true" {
		return nil
	}
	return s.flushViews(ctx)
}

// setBarrierInterval applies barrier_interval_ms (engine-wide).
func (s *Session) setBarrierInterval(v string) {
	if ms, err := strconv.Atoi(v); err == nil && ms > 0 {
		s.eng.MV.SetBarrierInterval(time.Duration(ms) * time.Millisecond)
	}
}
