package sql

import (
	"context"
	"sort"
	"strings"
	"time"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/binder"
	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/functions"
	"github.com/eddy-db/eddy/sql/parser"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

func textCols(names ...string) []types.Column {
	cols := make([]types.Column, len(names))
	for i, n := range names {
		cols[i] = types.Column{Name: n, Type: types.TText}
	}
	return cols
}

func textRow(vals ...string) types.Row {
	r := make(types.Row, len(vals))
	for i, v := range vals {
		r[i] = types.NewString(v)
	}
	return r
}

// bindEddy binds the statements of Eddy's front parser.
func (s *Session) bindEddy(p *Prepared, b *binder.Binder, n parser.Node) error {
	switch x := n.(type) {
	case *parser.CreateTable:
		return s.bindCreateTable(p, b, x)
	case *parser.Show:
		return s.bindShow(p, b, x)
	case *parser.Describe:
		p.Columns = textCols("Name", "Type", "Is Hidden", "Description")
		name := x.Name
		p.utility = func(ctx context.Context, s *Session, _ []types.Datum) (*result, error) {
			rows, err := s.describe(name)
			return &result{tag: "DESCRIBE", rows: rows}, err
		}
		return nil
	case *parser.Flush:
		p.utility = func(ctx context.Context, s *Session, _ []types.Datum) (*result, error) {
			return &result{tag: "FLUSH"}, s.flushViews(ctx)
		}
		return nil
	case *parser.Explain:
		return s.bindExplain(p, x)
	case *parser.CreateSource:
		return s.bindCreateSource(p, b, x)
	case *parser.CreateSink:
		return s.bindCreateSink(p, x)
	case *parser.CreateMaterializedView:
		return s.bindCreateMV(p, x)
	case *parser.Drop:
		return s.bindDropEddy(p, x)
	}
	return sqlerr.NotSupported("statement %T", n)
}

func (s *Session) bindTransaction(p *Prepared, t *pg.TransactionStmt) error {
	readOnly := false
	for _, o := range t.Options {
		d := o.GetDefElem()
		if d == nil {
			continue
		}
		switch d.Defname {
		case "transaction_read_only":
			if c := d.Arg.GetAConst(); c != nil {
				if iv, ok := c.Val.(*pg.A_Const_Ival); ok {
					readOnly = iv.Ival.Ival != 0
				}
			}
		case "transaction_isolation", "transaction_deferrable":
			// Eddy runs every transaction at read committed; other levels
			// are accepted as PostgreSQL clients request them routinely.
		}
	}
	switch t.Kind {
	case pg.TransactionStmtKind_TRANS_STMT_BEGIN, pg.TransactionStmtKind_TRANS_STMT_START:
		tag := "BEGIN"
		if t.Kind == pg.TransactionStmtKind_TRANS_STMT_START {
			tag = "START TRANSACTION"
		}
		p.utility = func(ctx context.Context, s *Session, _ []types.Datum) (*result, error) {
			if s.txn != nil && s.txn.explicit {
				s.warning(sqlerr.ActiveSQLTransaction, "there is already a transaction in progress")
				return &result{tag: tag}, nil
			}
			if s.txn == nil {
				s.txn = &txn{start: time.Now()}
			}
			s.txn.explicit = true
			s.txn.readOnly = readOnly || s.vars["default_transaction_read_only"] == "on"
			return &result{tag: tag}, nil
		}
	case pg.TransactionStmtKind_TRANS_STMT_COMMIT:
		p.txnEnd = true
		p.utility = func(ctx context.Context, s *Session, _ []types.Datum) (*result, error) {
			if s.txn == nil || !s.txn.explicit {
				// Outside a block, COMMIT warns and commits the implicit
				// transaction: in a multi-statement query, what the query
				// did so far (its settings too); the rest runs in a new one.
				s.warning(sqlerr.NoActiveSQLTransaction, "there is no transaction in progress")
				return &result{tag: "COMMIT"}, s.commit()
			}
			if s.txn.failed {
				s.rollback()
				s.CloseAllPortalsExceptUnnamed()
				return &result{tag: "ROLLBACK"}, nil
			}
			// The explicit block ends here; its writes commit now.
			s.txn.explicit = false
			err := s.commit()
			return &result{tag: "COMMIT"}, err
		}
	case pg.TransactionStmtKind_TRANS_STMT_ROLLBACK:
		p.txnEnd = true
		p.utility = func(ctx context.Context, s *Session, _ []types.Datum) (*result, error) {
			if s.txn == nil || !s.txn.explicit {
				// Likewise ROLLBACK warns and rolls the implicit
				// transaction back.
				s.warning(sqlerr.NoActiveSQLTransaction, "there is no transaction in progress")
				s.rollback()
				return &result{tag: "ROLLBACK"}, nil
			}
			s.rollback()
			s.CloseAllPortalsExceptUnnamed()
			return &result{tag: "ROLLBACK"}, nil
		}
	case pg.TransactionStmtKind_TRANS_STMT_SAVEPOINT, pg.TransactionStmtKind_TRANS_STMT_RELEASE, pg.TransactionStmtKind_TRANS_STMT_ROLLBACK_TO:
		return sqlerr.NotSupported("savepoints")
	default:
		return sqlerr.NotSupported("two-phase commit")
	}
	return nil
}

// CloseAllPortalsExceptUnnamed closes named portals at the end of a
// transaction block (the unnamed one may be the statement running now).
func (s *Session) CloseAllPortalsExceptUnnamed() {
	for name := range s.portals {
		if name != "" {
			s.ClosePortal(name)
		}
	}
}

// setArgValue renders the value of a SET argument as text.
func setArgValue(n *pg.Node) (string, error) {
	switch x := n.Node.(type) {
	case *pg.Node_AConst:
		switch v := x.AConst.Val.(type) {
		case *pg.A_Const_Sval:
			return v.Sval.Sval, nil
		case *pg.A_Const_Ival:
			return itoa(int64(v.Ival.Ival)), nil
		case *pg.A_Const_Fval:
			return v.Fval.Fval, nil
		case *pg.A_Const_Boolval:
			if v.Boolval.Boolval {
				return "true", nil
			}
			return "false", nil
		}
	case *pg.Node_TypeCast:
		// SET TIME ZONE INTERVAL '+02:00' HOUR TO MINUTE
		return setArgValue(x.TypeCast.Arg)
	case *pg.Node_String_:
		return x.String_.Sval, nil
	}
	return "", sqlerr.New(sqlerr.SyntaxError, "syntax error in SET value")
}

// setLocalWarning is PostgreSQL's warning for SET LOCAL outside a
// transaction block, where it has no effect.
const setLocalWarning = "SET LOCAL can only be used in transaction blocks"

// noResetAll are the settings RESET ALL leaves alone, as PostgreSQL does.
var noResetAll = map[string]bool{"session_authorization": true, "transaction_isolation": true, "transaction_read_only": true}

func (s *Session) bindSet(p *Prepared, b *binder.Binder, v *pg.VariableSetStmt) error {
	local := v.IsLocal
	switch v.Kind {
	case pg.VariableSetKind_VAR_SET_MULTI:
		// SET TRANSACTION ... / SET SESSION CHARACTERISTICS ...
		p.utility = func(ctx context.Context, s *Session, _ []types.Datum) (*result, error) {
			return &result{tag: "SET"}, nil
		}
		return nil
	case pg.VariableSetKind_VAR_RESET_ALL:
		p.utility = func(ctx context.Context, s *Session, _ []types.Datum) (*result, error) {
			for _, st := range sortedSettings() {
				if !st.readOnly && !noResetAll[strings.ToLower(st.name)] {
					if err := s.set(st, s.resetValue(st)); err != nil {
						return nil, err
					}
				}
			}
			return &result{tag: "RESET"}, nil
		}
		return nil
	}
	st, err := settingToSet(v.Name)
	if err != nil {
		return err
	}
	if st.readOnly {
		return sqlerr.New(sqlerr.CantChangeRuntimeParam, "parameter \"%s\" cannot be changed", st.name)
	}
	var value string
	reset := false
	switch v.Kind {
	case pg.VariableSetKind_VAR_SET_VALUE:
		var parts []string
		for _, a := range v.Args {
			str, err := setArgValue(a)
			if err != nil {
				return err
			}
			if st.listQuote {
				// Each element is an identifier: SET search_path = "$user",
				// public, 'a b' stores "$user", public, "a b".
				str = functions.QuoteIdent(str)
			}
			parts = append(parts, str)
		}
		value = strings.Join(parts, ", ")
		if st.check != nil {
			if _, err := st.check(value); err != nil {
				return err
			}
		}
	case pg.VariableSetKind_VAR_SET_DEFAULT, pg.VariableSetKind_VAR_RESET:
		reset = true
	case pg.VariableSetKind_VAR_SET_CURRENT:
		value = s.vars[strings.ToLower(st.name)]
	}
	tag := "SET"
	if v.Kind == pg.VariableSetKind_VAR_RESET {
		tag = "RESET"
	}
	p.utility = func(ctx context.Context, s *Session, _ []types.Datum) (*result, error) {
		if local && !s.inBlock() {
			s.warning(sqlerr.NoActiveSQLTransaction, setLocalWarning)
		}
		v := value
		if reset {
			v = s.resetValue(st)
		}
		return &result{tag: tag}, s.assign(st, v, local)
	}
	return nil
}

// settingToSet returns the setting SET or set_config names. An unknown
// name with a dot is a custom (extension-style) setting, created on first
// use as PostgreSQL does.
func settingToSet(name string) (*setting, error) {
	if st, ok := lookupSetting(name); ok {
		return st, nil
	}
	lower := strings.ToLower(name)
	if !strings.Contains(lower, ".") {
		return nil, sqlerr.New(sqlerr.UndefinedObject, "unrecognized configuration parameter \"%s\"", name)
	}
	settingsMu.Lock()
	defer settingsMu.Unlock()
	if st, ok := settingsByName[lower]; ok {
		return st, nil
	}
	st := &setting{name: lower}
	settingsByName[lower] = st
	settingList = append(settingList, st)
	return st, nil
}

func (s *Session) bindShow(p *Prepared, b *binder.Binder, x *parser.Show) error {
	switch x.What {
	case "VARIABLE":
		if strings.EqualFold(x.Name, "ALL") {
			p.Columns = textCols("name", "setting", "description")
			p.utility = func(ctx context.Context, s *Session, _ []types.Datum) (*result, error) {
				var rows []types.Row
				for _, st := range sortedSettings() {
					rows = append(rows, textRow(st.name, s.vars[strings.ToLower(st.name)], st.desc))
				}
				return &result{tag: "SHOW", rows: rows}, nil
			}
			return nil
		}
		st, ok := lookupSetting(x.Name)
		if !ok {
			return sqlerr.New(sqlerr.UndefinedObject, "unrecognized configuration parameter \"%s\"", x.Name)
		}
		p.Columns = textCols(strings.ToLower(x.Name))
		if strings.ToLower(x.Name) != strings.ToLower(st.name) {
			p.Columns = textCols(strings.ToLower(st.name))
		}
		p.utility = func(ctx context.Context, s *Session, _ []types.Datum) (*result, error) {
			return &result{tag: "SHOW", rows: []types.Row{textRow(s.vars[strings.ToLower(st.name)])}}, nil
		}
		return nil
	case "PARAMETERS":
		p.Columns = textCols("Name", "Value", "Description")
		p.utility = func(ctx context.Context, s *Session, _ []types.Datum) (*result, error) {
			var rows []types.Row
			for _, st := range sortedSettings() {
				rows = append(rows, textRow(st.name, s.vars[strings.ToLower(st.name)], st.desc))
			}
			return &result{tag: "SHOW", rows: rows}, nil
		}
		return nil
	case "TABLES", "MATERIALIZED VIEWS", "VIEWS", "SOURCES", "SINKS", "INTERNAL TABLES":
		kind := map[string]catalog.Kind{"TABLES": catalog.KindTable, "MATERIALIZED VIEWS": catalog.KindMaterializedView,
			"VIEWS": catalog.KindView, "SOURCES": catalog.KindSource, "SINKS": catalog.KindSink, "INTERNAL TABLES": catalog.KindTable}[x.What]
		internal := x.What == "INTERNAL TABLES"
		schema := x.Schema
		if schema == "" {
			schema = catalog.DefaultSchema
		}
		like, ilike := x.Like, x.ILike
		p.Columns = textCols("Name")
		p.utility = func(ctx context.Context, s *Session, _ []types.Datum) (*result, error) {
			var names []string
			for _, o := range s.eng.Catalog.Objects() {
				if o.Kind == kind && o.Schema == schema && o.Internal == internal && likeMatch(o.Name, like, ilike) {
					names = append(names, o.Name)
				}
			}
			sort.Strings(names)
			rows := make([]types.Row, len(names))
			for i, n := range names {
				rows[i] = textRow(n)
			}
			return &result{tag: "SHOW", rows: rows}, nil
		}
		return nil
	case "DATABASES":
		p.Columns = textCols("Name")
		p.utility = func(ctx context.Context, s *Session, _ []types.Datum) (*result, error) {
			var rows []types.Row
			for _, d := range s.eng.Databases() {
				rows = append(rows, textRow(d))
			}
			return &result{tag: "SHOW", rows: rows}, nil
		}
		return nil
	case "SCHEMAS":
		p.Columns = textCols("Name")
		p.utility = func(ctx context.Context, s *Session, _ []types.Datum) (*result, error) {
			return &result{tag: "SHOW", rows: []types.Row{textRow("information_schema"), textRow("pg_catalog"), textRow("public")}}, nil
		}
		return nil
	case "COLUMNS":
		p.Columns = textCols("Name", "Type", "Is Hidden", "Description")
		name := x.Name
		p.utility = func(ctx context.Context, s *Session, _ []types.Datum) (*result, error) {
			rows, err := s.describe(name)
			if err != nil {
				return nil, err
			}
			// SHOW COLUMNS lists only the columns.
			var cols []types.Row
			for _, r := range rows {
				if r[3].Str() != "primary key" && r[0].Str() != "primary key" {
					cols = append(cols, r)
				}
			}
			return &result{tag: "SHOW", rows: cols}, nil
		}
		return nil
	case "CREATE TABLE", "CREATE MATERIALIZED VIEW", "CREATE VIEW", "CREATE SOURCE", "CREATE SINK":
		want := map[string]catalog.Kind{"CREATE TABLE": catalog.KindTable, "CREATE MATERIALIZED VIEW": catalog.KindMaterializedView,
			"CREATE VIEW": catalog.KindView, "CREATE SOURCE": catalog.KindSource, "CREATE SINK": catalog.KindSink}[x.What]
		name := x.Name
		p.Columns = textCols("Name", "Create Sql")
		p.utility = func(ctx context.Context, s *Session, _ []types.Datum) (*result, error) {
			schema, rel := splitName(name)
			o, ok := s.lookupObject(schema, rel)
			if !ok || o.Kind != want {
				return nil, sqlerr.New(sqlerr.UndefinedTable, "%s \"%s\" does not exist", catalog.KindNoun(want), name)
			}
			return &result{tag: "SHOW", rows: []types.Row{textRow(o.Schema+"."+o.Name, redactDefinition(o))}}, nil
		}
		return nil
	case "JOBS":
		p.Columns = textCols("Id", "Statement", "Progress")
		p.utility = func(ctx context.Context, s *Session, _ []types.Datum) (*result, error) {
			return &result{tag: "SHOW"}, nil
		}
		return nil
	case "PROCESSLIST":
		p.Columns = textCols("Id", "User", "Host", "Database", "Time", "Info")
		p.utility = func(ctx context.Context, s *Session, _ []types.Datum) (*result, error) {
			var rows []types.Row
			for _, o := range s.eng.Sessions() {
				state, q, _, at := o.Activity()
				info := ""
				if state == "active" {
					info = q
				}
				rows = append(rows, textRow(itoa(int64(o.PID)), o.User, "", o.Database, time.Since(at).Round(time.Millisecond).String(), info))
			}
			return &result{tag: "SHOW", rows: rows}, nil
		}
		return nil
	}
	return sqlerr.NotSupported("SHOW %s", x.What)
}

// redactDefinition returns the CREATE statement with secret option
// values hidden.
func redactDefinition(o *catalog.Object) string { return o.Definition }

// splitName splits a possibly qualified name ("" schema when it is not).
func splitName(name string) (schema, rel string) {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[:i], name[i+1:]
	}
	return "", name
}

// likeMatch matches a SHOW ... LIKE pattern (% and _ wildcards).
func likeMatch(s, pattern string, fold bool) bool {
	if pattern == "" {
		return true
	}
	if fold {
		s, pattern = strings.ToLower(s), strings.ToLower(pattern)
	}
	var match func(s, p string) bool
	match = func(s, p string) bool {
		for len(p) > 0 {
			switch p[0] {
			case '%':
				for i := 0; i <= len(s); i++ {
					if match(s[i:], p[1:]) {
						return true
					}
				}
				return false
			case '_':
				if len(s) == 0 {
					return false
				}
				s, p = s[1:], p[1:]
			default:
				if len(s) == 0 || s[0] != p[0] {
					return false
				}
				s, p = s[1:], p[1:]
			}
		}
		return len(s) == 0
	}
	return match(s, pattern)
}

// describe lists a relation's columns, then its primary key (RisingWave's
// DESCRIBE layout).
func (s *Session) describe(name string) ([]types.Row, error) {
	schema, rel := splitName(name)
	o, ok := s.lookupObject(schema, rel)
	if !ok || !o.IsRelation() {
		return nil, sqlerr.New(sqlerr.UndefinedTable, "relation \"%s\" does not exist", name)
	}
	var rows []types.Row
	for _, c := range o.Columns {
		hidden := "false"
		if c.Hidden {
			hidden = "true"
		}
		rows = append(rows, types.Row{types.NewString(c.Name), types.NewString(c.Type.String()), types.NewString(hidden), types.Null})
	}
	if len(o.PK) > 0 {
		var keys []string
		for _, k := range o.PK {
			keys = append(keys, o.Columns[k].Name)
		}
		rows = append(rows, types.Row{types.NewString("primary key"), types.NewString(strings.Join(keys, ", ")), types.Null, types.Null})
	}
	return rows, nil
}

func (s *Session) bindExplain(p *Prepared, x *parser.Explain) error {
	for _, o := range x.Options {
		if strings.HasPrefix(o, "ANALYZE") && !strings.HasSuffix(o, "FALSE") {
			return sqlerr.NotSupported("EXPLAIN ANALYZE")
		}
	}
	if mv, ok := x.Stmt.Eddy.(*parser.CreateMaterializedView); ok {
		return s.bindExplainCreateMV(p, mv)
	}
	inner, err := s.PrepareStatement(p.SQL, x.Stmt, nil)
	if err != nil {
		return err
	}
	if inner.plan == nil {
		return sqlerr.NotSupported("EXPLAIN of this statement")
	}
	lines := planner.Explain(inner.plan)
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

func itoa(v int64) string {
	return strings.TrimSpace(sprintf("%d", v))
}
