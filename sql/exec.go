package sql

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/eddy-db/eddy/executor"
	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/binder"
	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/parser"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// RowWriter receives result rows. The row is only valid during the call.
type RowWriter interface {
	Row(r types.Row) error
}

// Prepared is a parsed and bound statement, ready to run with parameters.
type Prepared struct {
	SQL  string
	stmt parser.Statement
	// ParamTypes are the parameter types (declared or inferred).
	ParamTypes []types.Type
	// Columns are the result columns; nil when the statement returns no rows.
	Columns []types.Column
	// CopyIn is set for COPY ... FROM STDIN, CopyOut for COPY ... TO STDOUT.
	CopyIn  *CopySpec
	CopyOut *CopySpec
	// Empty is set for a statement string with no statement in it.
	Empty bool

	plan       planner.Plan // SELECT and DML
	dml        string       // command tag verb of DML ("INSERT", ...)
	utility    func(ctx context.Context, s *Session, params []types.Datum) (*result, error)
	catVersion uint64
	// searchPath is the search_path the statement was bound with: names
	// may resolve differently under another.
	searchPath string
	// valueEnv is what the session settings that read and print values
	// were at binding: constants are folded with them.
	valueEnv valueSettings
	// readsOnce: the plan reads storage once, so it needs no snapshot.
	readsOnce bool
	// txnControl marks BEGIN/COMMIT/ROLLBACK: allowed in a failed transaction.
	txnEnd bool
	// readOnly statements may run in a failed transaction? (none)

	// preparedAt is when a named statement was stored (Parse); binds
	// counts the portals bound to it (pg_prepared_statements). Eddy
	// plans a statement once, for any parameter values: every bind uses
	// that generic plan.
	preparedAt time.Time
	binds      int64
}

// result is a utility statement's outcome.
type result struct {
	tag  string
	rows []types.Row
}

// Portal is a prepared statement bound to parameter values, possibly
// partially read.
type Portal struct {
	Prepared *Prepared
	Params   []types.Datum

	started bool
	done    bool
	node    executor.Node
	ec      *executor.Context
	ecBuf   executor.Context
	closeRd func()
	count   int64
	buf     []types.Row // rows of a utility statement or DML RETURNING
	tag     string
}

// Parse splits a simple-protocol query string into statements. Strings
// seen recently are not parsed again (dashboards and drivers repeat the
// same queries).
func (s *Session) Parse(query string) ([]parser.Statement, error) {
	if st, ok := s.parsed[query]; ok {
		return st, nil
	}
	st, err := parser.Parse(query)
	if err != nil {
		return nil, err
	}
	if len(query) <= 64<<10 {
		if len(s.parsed) >= 256 {
			for k := range s.parsed {
				delete(s.parsed, k)
				break
			}
		}
		s.parsed[query] = st
	}
	return st, nil
}

// PrepareStatement binds one parsed statement. sql is the whole string
// the statement came from (for error positions); paramTypes are the
// client-declared types (nil or Unknown entries are inferred).
func (s *Session) PrepareStatement(sql string, st parser.Statement, paramTypes []types.Type) (*Prepared, error) {
	p := &Prepared{SQL: sql, stmt: st, catVersion: s.eng.Catalog.Version(), searchPath: s.vars["search_path"], valueEnv: s.valueSettings()}
	b := binder.New(sessionEnv{s: s}, sql, st.Offset, paramTypes)
	if err := s.bind(p, b); err != nil {
		return nil, err
	}
	b.FinishParams()
	p.ParamTypes = b.Params
	if p.plan != nil {
		p.plan = planner.Optimize(p.plan)
		p.readsOnce = planner.ReadsStorageOnce(p.plan)
	}
	return p, nil
}

// Prepare parses and binds a single-statement string (extended protocol).
// An empty string gives a Prepared with Empty set.
func (s *Session) Prepare(sql string, paramTypes []types.Type) (*Prepared, error) {
	stmts, err := parser.Parse(sql)
	if err != nil {
		return nil, err
	}
	switch len(stmts) {
	case 0:
		return &Prepared{SQL: sql, Empty: true, ParamTypes: paramTypes}, nil
	case 1:
	default:
		return nil, sqlerr.New(sqlerr.SyntaxError, "cannot insert multiple commands into a prepared statement")
	}
	return s.PrepareStatement(sql, stmts[0], paramTypes)
}

// CachedPrepare returns the bound form of a parameterless statement from
// the session's cache (simple protocol), binding it on a miss.
func (s *Session) CachedPrepare(sql string, st parser.Statement) (*Prepared, error) {
	key := st.SQL
	// A literal such as '01/02/2026'::date or '10:00'::timestamptz was
	// folded under the settings of its binding: PostgreSQL reads the text
	// of a simple Query anew each time, so a change of TimeZone or
	// DateStyle binds again.
	if p, ok := s.cache[key]; ok && !s.stale(p) && p.valueEnv == s.valueSettings() && p.utility == nil {
		return p, nil
	}
	p, err := s.PrepareStatement(sql, st, nil)
	if err != nil {
		return nil, err
	}
	if p.plan != nil && p.dml == "" {
		if len(s.cache) > 256 {
			for k := range s.cache {
				delete(s.cache, k)
				break
			}
		}
		s.cache[key] = p
	}
	return p, nil
}

// StorePrepared keeps a named prepared statement ("" = unnamed, replaced
// freely). A named one must not exist yet.
func (s *Session) StorePrepared(name string, p *Prepared) error {
	if name != "" {
		if _, ok := s.prepared[name]; ok {
			return sqlerr.New(sqlerr.DuplicatePreparedStatement, "prepared statement \"%s\" already exists", name)
		}
	}
	if p.preparedAt.IsZero() {
		p.preparedAt = time.Now()
	}
	s.prepared[name] = p
	return nil
}

// LookupPrepared returns a prepared statement by name.
func (s *Session) LookupPrepared(name string) (*Prepared, error) {
	p, ok := s.prepared[name]
	if !ok {
		return nil, sqlerr.New(sqlerr.InvalidSQLStatementName, "prepared statement \"%s\" does not exist", name)
	}
	return p, nil
}

// ClosePrepared forgets a prepared statement (no error if absent).
func (s *Session) ClosePrepared(name string) { delete(s.prepared, name) }

// Bind creates a portal ("" = unnamed, replacing the previous one).
func (s *Session) Bind(name string, p *Prepared, params []types.Datum) (*Portal, error) {
	if name != "" {
		if _, ok := s.portals[name]; ok {
			return nil, sqlerr.New(sqlerr.DuplicateCursor, "cursor \"%s\" already exists", name)
		}
	} else {
		s.ClosePortal("")
	}
	if len(params) != len(p.ParamTypes) {
		return nil, sqlerr.New(sqlerr.ProtocolViolation, "bind message supplies %d parameters, but prepared statement \"\" requires %d", len(params), len(p.ParamTypes))
	}
	if err := s.revalidate(p); err != nil {
		return nil, err
	}
	pt := &Portal{Prepared: p, Params: params}
	p.binds++
	s.portals[name] = pt
	return pt, nil
}

// LookupPortal returns a portal by name.
func (s *Session) LookupPortal(name string) (*Portal, error) {
	p, ok := s.portals[name]
	if !ok {
		return nil, sqlerr.New(sqlerr.InvalidCursorName, "portal \"%s\" does not exist", name)
	}
	return p, nil
}

// ClosePortal closes and forgets a portal.
func (s *Session) ClosePortal(name string) {
	if p, ok := s.portals[name]; ok {
		p.close()
		delete(s.portals, name)
	}
}

// CloseAllPortals closes every portal (at the end of a transaction).
func (s *Session) CloseAllPortals() {
	for name := range s.portals {
		s.ClosePortal(name)
	}
}

func (p *Portal) close() {
	if p.node != nil {
		p.node.Close()
		p.node = nil
	}
	if p.closeRd != nil {
		p.closeRd()
		p.closeRd = nil
	}
}

// stale reports whether a statement was bound before a catalog change or
// under another search_path.
func (s *Session) stale(p *Prepared) bool {
	return p.catVersion != s.eng.Catalog.Version() || p.searchPath != s.vars["search_path"]
}

// valueSettings are the settings that change how values are read and
// printed: TimeZone, DateStyle, extra_float_digits, IntervalStyle.
type valueSettings [4]string

func (s *Session) valueSettings() valueSettings {
	return valueSettings{s.vars["timezone"], s.vars["datestyle"], s.vars["extra_float_digits"], s.vars["intervalstyle"]}
}

// revalidate re-binds a prepared statement whose tables changed since it
// was bound, or whose names may resolve differently (search_path
// changed); its result columns must stay the same.
func (s *Session) revalidate(p *Prepared) error {
	if p.Empty || p.utility != nil || !s.stale(p) {
		return nil
	}
	np, err := s.PrepareStatement(p.SQL, p.stmt, p.ParamTypes)
	if err != nil {
		return err
	}
	if !sameColumns(np.Columns, p.Columns) {
		return sqlerr.New(sqlerr.FeatureNotSupported, "cached plan must not change result type")
	}
	p.plan, p.catVersion, p.readsOnce, p.searchPath = np.plan, np.catVersion, np.readsOnce, np.searchPath
	return nil
}

func sameColumns(a, b []types.Column) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Type != b[i].Type {
			return false
		}
	}
	return true
}

// Execute runs a portal, sending up to maxRows rows (0 = all) to w. It
// returns the command tag, or suspended=true when maxRows rows were sent
// and the portal may have more.
func (s *Session) Execute(ctx context.Context, pt *Portal, maxRows int, w RowWriter) (tag string, suspended bool, err error) {
	p := pt.Prepared
	if p.Empty {
		return "", false, nil
	}
	if s.txn != nil && s.txn.failed && !p.txnEnd {
		return "", false, sqlerr.New(sqlerr.InFailedSQLTransaction, "current transaction is aborted, commands ignored until end of transaction block")
	}
	if pt.done {
		return pt.tag, false, nil
	}
	ctx = s.beginStatement(ctx)
	defer s.endStatement()
	// A cancel that came before the statement started (between the
	// statements of a Query message) fails it before it does anything.
	if err := executor.ContextErr(ctx); err != nil && !pt.started {
		pt.done = true
		return "", false, err
	}
	if !pt.started {
		pt.started = true
		if err := s.start(ctx, pt); err != nil {
			pt.done = true
			pt.close()
			return "", false, err
		}
	}
	if pt.ec != nil {
		pt.ec.Ctx = ctx
		pt.ec.Fn.Ctx = ctx
	}
	sent := 0
	for maxRows <= 0 || sent < maxRows {
		var row types.Row
		if pt.node != nil {
			if row, err = pt.node.Next(); err != nil {
				pt.done = true
				pt.close()
				return "", false, err
			}
		} else if len(pt.buf) > 0 {
			row, pt.buf = pt.buf[0], pt.buf[1:]
		}
		if row == nil {
			pt.done = true
			pt.close()
			if err := s.endedEarly(ctx, p); err != nil {
				return "", false, err
			}
			if pt.tag == "" {
				verb := "SELECT "
				if p.CopyOut != nil {
					verb = "COPY "
				}
				pt.tag = verb + strconv.FormatInt(pt.count, 10)
			}
			return pt.tag, false, nil
		}
		if err := w.Row(row); err != nil {
			pt.done = true
			pt.close()
			return "", false, err
		}
		pt.count++
		sent++
	}
	return "", true, nil
}

// endedEarly returns the error of a query or DML statement that was
// cancelled (or its session terminated) while it ran but completed
// before it looked at its context, as PostgreSQL reports a cancel that
// arrives before the statement's end: pg_cancel_backend(pg_backend_pid())
// fails its own statement. DML in its own transaction has committed by
// then, and utility statements (DDL) are done, so they are left alone.
func (s *Session) endedEarly(ctx context.Context, p *Prepared) error {
	if p.utility != nil || (p.dml != "" && s.txn == nil) {
		return nil
	}
	return executor.ContextErr(ctx)
}

// start begins a portal: utilities and DML run to completion (their rows
// are buffered); queries open their operator tree.
func (s *Session) start(ctx context.Context, pt *Portal) error {
	p := pt.Prepared
	if p.utility != nil {
		res, err := p.utility(ctx, s, pt.Params)
		if err != nil {
			return err
		}
		pt.buf, pt.tag = res.rows, res.tag
		return nil
	}
	if p.plan == nil {
		return sqlerr.New(sqlerr.InternalError, "statement has nothing to run")
	}
	if p.dml != "" {
		return s.runDML(ctx, pt)
	}
	rd, closeRd := s.reader(p.readsOnce)
	pt.ecBuf = executor.Context{Ctx: ctx, Reader: rd, Params: pt.Params, Fn: s.funcContext(ctx)}
	ec := &pt.ecBuf
	node, err := executor.Build(p.plan)
	if err != nil {
		closeRd()
		return err
	}
	pt.closeRd = closeRd
	if err := node.Open(ec); err != nil {
		node.Close()
		return err
	}
	pt.node, pt.ec = node, ec
	return nil
}

// runDML runs INSERT/UPDATE/DELETE in the session's transaction (an
// implicit one around the statement when there is none).
func (s *Session) runDML(ctx context.Context, pt *Portal) error {
	own := s.txn == nil
	if own {
		s.BeginImplicit()
	}
	if s.txn.readOnly {
		return sqlerr.New(sqlerr.ReadOnlySQLTransaction, "cannot execute %s in a read-only transaction", pt.Prepared.dml)
	}
	w := txnWriter{s}
	w.Batch() // make reads go through the transaction's batch
	rd, _ := s.reader(false)
	ec := &executor.Context{Ctx: ctx, Reader: rd, Writer: w, Params: pt.Params, Fn: s.funcContext(ctx)}
	node, err := executor.Build(pt.Prepared.plan)
	if err == nil {
		pt.buf, err = runAll(ec, node)
	}
	if err != nil {
		if own {
			s.rollback()
		}
		return err
	}
	n := node.(executor.Counter).Count()
	switch pt.Prepared.dml {
	case "INSERT":
		pt.tag = fmt.Sprintf("INSERT 0 %d", n)
	default:
		pt.tag = fmt.Sprintf("%s %d", pt.Prepared.dml, n)
	}
	if own {
		return s.commit()
	}
	return nil
}

func runAll(ec *executor.Context, n executor.Node) ([]types.Row, error) {
	if err := n.Open(ec); err != nil {
		n.Close()
		return nil, err
	}
	defer n.Close()
	var rows []types.Row
	for {
		r, err := n.Next()
		if err != nil {
			return nil, err
		}
		if r == nil {
			return rows, nil
		}
		rows = append(rows, r)
	}
}

// bind fills p for its statement.
func (s *Session) bind(p *Prepared, b *binder.Binder) error {
	st := p.stmt
	if st.Eddy != nil {
		return s.bindEddy(p, b, st.Eddy)
	}
	switch n := st.PG.Node.(type) {
	case *pg.Node_SelectStmt:
		res, err := b.Select(st.PG)
		if err != nil {
			return err
		}
		p.plan = res.Plan
		p.Columns = resultColumns(res)
		return nil
	case *pg.Node_InsertStmt:
		ins, err := b.Insert(n.InsertStmt)
		if err != nil {
			return err
		}
		p.plan, p.dml, p.Columns = ins, "INSERT", nilIfEmpty(ins.ReturningCols)
		return nil
	case *pg.Node_UpdateStmt:
		up, err := b.Update(n.UpdateStmt)
		if err != nil {
			return err
		}
		if up.Table.AppendOnly {
			return sqlerr.New(sqlerr.FeatureNotSupported, "feature not supported: UPDATE of append-only table \"%s\"", up.Table.Name)
		}
		p.plan, p.dml, p.Columns = up, "UPDATE", nilIfEmpty(up.ReturningCols)
		return nil
	case *pg.Node_DeleteStmt:
		del, err := b.Delete(n.DeleteStmt)
		if err != nil {
			return err
		}
		if del.Table.AppendOnly {
			return sqlerr.New(sqlerr.FeatureNotSupported, "feature not supported: DELETE from append-only table \"%s\"", del.Table.Name)
		}
		p.plan, p.dml, p.Columns = del, "DELETE", nilIfEmpty(del.ReturningCols)
		return nil
	case *pg.Node_TransactionStmt:
		return s.bindTransaction(p, n.TransactionStmt)
	case *pg.Node_VariableSetStmt:
		return s.bindSet(p, b, n.VariableSetStmt)
	case *pg.Node_VariableShowStmt:
		return s.bindShow(p, b, &parser.Show{What: "VARIABLE", Name: n.VariableShowStmt.Name})
	case *pg.Node_CopyStmt:
		return s.bindCopy(p, b, n.CopyStmt)
	case *pg.Node_CreateTableAsStmt:
		return s.bindCreateTableAs(p, b, n.CreateTableAsStmt)
	case *pg.Node_ViewStmt:
		return s.bindCreateView(p, b, n.ViewStmt)
	case *pg.Node_DropStmt:
		return s.bindDrop(p, n.DropStmt)
	case *pg.Node_TruncateStmt:
		return s.bindTruncate(p, b, n.TruncateStmt)
	case *pg.Node_DiscardStmt:
		p.utility = func(ctx context.Context, s *Session, _ []types.Datum) (*result, error) {
			if s.inBlock() {
				return nil, sqlerr.New(sqlerr.ActiveSQLTransaction, "DISCARD ALL cannot run inside a transaction block")
			}
			s.discardAll()
			return &result{tag: "DISCARD ALL"}, nil
		}
		return nil
	case *pg.Node_DeallocateStmt:
		name := n.DeallocateStmt.Name
		p.utility = func(ctx context.Context, s *Session, _ []types.Datum) (*result, error) {
			if n.DeallocateStmt.Isall || name == "" {
				s.prepared = map[string]*Prepared{}
				return &result{tag: "DEALLOCATE ALL"}, nil
			}
			if _, ok := s.prepared[name]; !ok {
				return nil, sqlerr.New(sqlerr.InvalidSQLStatementName, "prepared statement \"%s\" does not exist", name)
			}
			delete(s.prepared, name)
			return &result{tag: "DEALLOCATE"}, nil
		}
		return nil
	case *pg.Node_CreateSchemaStmt:
		name := n.CreateSchemaStmt.Schemaname
		if name == catalog.DefaultSchema && n.CreateSchemaStmt.IfNotExists {
			p.utility = func(ctx context.Context, s *Session, _ []types.Datum) (*result, error) {
				s.notice("schema \"%s\" already exists, skipping", name)
				return &result{tag: "CREATE SCHEMA"}, nil
			}
			return nil
		}
		return sqlerr.NotSupported("CREATE SCHEMA (all objects live in schema public)")
	}
	return sqlerr.NotSupported("%s", statementName(st.PG))
}

func nilIfEmpty(cols []types.Column) []types.Column {
	if len(cols) == 0 {
		return nil
	}
	return cols
}

func resultColumns(res *binder.Result) []types.Column {
	cols := res.Plan.Columns()
	out := make([]types.Column, len(cols))
	for i, c := range cols {
		out[i] = types.Column{Name: res.Names[i], Type: c.Type}
	}
	return out
}

// statementName names a PostgreSQL statement for "not supported" errors:
// "ALTER TABLE", "CREATE INDEX", ...
func statementName(n *pg.Node) string {
	name := strings.TrimPrefix(fmt.Sprintf("%T", n.Node), "*pg_query.Node_")
	words := map[string]string{
		"AlterTableStmt": "ALTER TABLE", "IndexStmt": "CREATE INDEX", "CreateFunctionStmt": "CREATE FUNCTION",
		"CommentStmt": "COMMENT", "GrantStmt": "GRANT", "GrantRoleStmt": "GRANT", "CreateRoleStmt": "CREATE ROLE",
		"RenameStmt": "ALTER ... RENAME", "DeclareCursorStmt": "DECLARE CURSOR", "FetchStmt": "FETCH",
		"ClosePortalStmt": "CLOSE", "PrepareStmt": "PREPARE", "ExecuteStmt": "EXECUTE", "ListenStmt": "LISTEN",
		"NotifyStmt": "NOTIFY", "UnlistenStmt": "UNLISTEN", "LockStmt": "LOCK", "VacuumStmt": "VACUUM",
		"CreateSeqStmt": "CREATE SEQUENCE", "CreatedbStmt": "CREATE DATABASE", "DropdbStmt": "DROP DATABASE",
		"DoStmt": "DO", "CallStmt": "CALL", "CreateExtensionStmt": "CREATE EXTENSION", "CheckPointStmt": "CHECKPOINT",
		"CreateTrigStmt": "CREATE TRIGGER", "RuleStmt": "CREATE RULE", "MergeStmt": "MERGE", "ReindexStmt": "REINDEX",
		"ClusterStmt": "CLUSTER", "AlterSystemStmt": "ALTER SYSTEM", "CreateTableSpaceStmt": "CREATE TABLESPACE",
		"RefreshMatViewStmt": "REFRESH MATERIALIZED VIEW", "CreateDomainStmt": "CREATE DOMAIN", "CompositeTypeStmt": "CREATE TYPE",
		"CreateEnumStmt": "CREATE TYPE", "AlterRoleStmt": "ALTER ROLE", "DropRoleStmt": "DROP ROLE", "VariableShowStmt": "SHOW",
		"ConstraintsSetStmt": "SET CONSTRAINTS", "AlterDatabaseStmt": "ALTER DATABASE", "SecLabelStmt": "SECURITY LABEL",
		"CreatePublicationStmt": "CREATE PUBLICATION", "CreateSubscriptionStmt": "CREATE SUBSCRIPTION", "LoadStmt": "LOAD",
		"AlterSeqStmt": "ALTER SEQUENCE", "CreatePolicyStmt": "CREATE POLICY", "AlterOwnerStmt": "ALTER ... OWNER",
		"AlterObjectSchemaStmt": "ALTER ... SET SCHEMA", "ExplainStmt": "EXPLAIN", "CreateStatsStmt": "CREATE STATISTICS",
	}
	if w, ok := words[name]; ok {
		return w
	}
	return strings.TrimSuffix(name, "Stmt")
}

// discardAll resets the session as DISCARD ALL does.
func (s *Session) discardAll() {
	s.CloseAllPortals()
	s.prepared = map[string]*Prepared{}
	s.cache = map[string]*Prepared{}
	for _, st := range sortedSettings() {
		if st.readOnly || noResetAll[strings.ToLower(st.name)] {
			continue
		}
		_ = s.set(st, s.resetValue(st))
	}
}
