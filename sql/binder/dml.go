package binder

import (
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// targetTable resolves the table a DML statement writes.
func (b *Binder) targetTable(rv *pg.RangeVar, verb string) (*catalog.Object, error) {
	rel, err := b.env.Relation(rv.Schemaname, rv.Relname)
	if err != nil {
		return nil, withPos(err, b.pos(rv.Location))
	}
	if rel.Obj == nil || rel.Obj.Kind != catalog.KindTable {
		what := "relation"
		if rel.Obj != nil {
			what = catalog.KindNoun(rel.Obj.Kind)
		} else if rel.Virtual != nil {
			what = "system catalog"
		}
		return nil, b.errAt(rv.Location, sqlerr.WrongObjectType, "cannot %s %s \"%s\"", verb, what, rv.Relname)
	}
	// A table with a connector takes DML too, as in RisingWave.
	return rel.Obj, nil
}

// tableScope is the scope of a DML target's full row.
func tableScope(t *catalog.Object, alias string) *scope {
	s := &scope{tables: []string{alias}, hasFrom: true}
	for _, c := range t.Columns {
		s.cols = append(s.cols, scopeCol{table: alias, name: c.Name, typ: c.Type, hidden: c.Hidden})
	}
	return s
}

// DefaultExpr binds a column's DEFAULT (NULL when it has none), coerced
// to the column type.
func (b *Binder) DefaultExpr(c catalog.Column) (planner.Expr, error) {
	if c.Default == "" {
		return &planner.Const{Val: types.Null, Typ: c.Type}, nil
	}
	tree, err := pg.Parse("SELECT " + c.Default)
	if err != nil {
		return nil, sqlerr.New(sqlerr.DataCorrupted, "default of column \"%s\" does not parse: %v", c.Name, err)
	}
	rt := tree.Stmts[0].Stmt.GetSelectStmt().TargetList[0].GetResTarget()
	saved := b.sql
	b.sql, b.offset = "SELECT "+c.Default, 0
	defer func() { b.sql = saved }()
	e, err := b.expr(rt.Val, &scope{})
	if err != nil {
		return nil, err
	}
	return b.coerce(e, c.Type, types.CastAssignment, -1)
}

// Insert binds INSERT INTO t [(cols)] VALUES ... | SELECT ...
func (b *Binder) Insert(ins *pg.InsertStmt) (*planner.Insert, error) {
	if ins.WithClause != nil {
		return nil, sqlerr.NotSupported("WITH in INSERT")
	}
	t, err := b.targetTable(ins.Relation, "insert into")
	if err != nil {
		return nil, err
	}
	// Target columns.
	var target []int
	if len(ins.Cols) == 0 {
		for i, c := range t.Columns {
			if !c.Hidden {
				target = append(target, i)
			}
		}
	} else {
		seen := map[int]bool{}
		for _, n := range ins.Cols {
			rt := n.GetResTarget()
			if len(rt.Indirection) > 0 {
				return nil, b.errAt(rt.Location, sqlerr.FeatureNotSupported, "feature not supported: assignment to a field or element of column \"%s\"", rt.Name)
			}
			i := t.ColumnIndex(rt.Name)
			if i < 0 || t.Columns[i].Hidden {
				return nil, b.errAt(rt.Location, sqlerr.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", rt.Name, t.Name)
			}
			if seen[i] {
				return nil, b.errAt(rt.Location, sqlerr.DuplicateColumn, "column \"%s\" specified more than once", rt.Name)
			}
			seen[i] = true
			target = append(target, i)
		}
	}
	// Each table column: the position of its value in the input row, or
	// -1 for its default.
	from := make([]int, len(t.Columns))
	for i := range from {
		from[i] = -1
	}
	for pos, ci := range target {
		from[ci] = pos
	}
	defaults := make([]planner.Expr, len(t.Columns))
	for i, c := range t.Columns {
		if from[i] >= 0 {
			continue
		}
		if i == rowIDIndex(t) {
			defaults[i] = &planner.Const{Val: types.Null, Typ: c.Type}
			continue
		}
		if defaults[i], err = b.DefaultExpr(c); err != nil {
			return nil, err
		}
	}
	out := &planner.Insert{Table: t}
	if oc := ins.OnConflictClause; oc != nil {
		switch oc.Action {
		case pg.OnConflictAction_ONCONFLICT_NOTHING:
			out.OnConflictDoNothing = true
		default:
			return nil, b.errAt(oc.Location, sqlerr.FeatureNotSupported, "feature not supported: ON CONFLICT DO UPDATE (tables already overwrite rows with the same primary key)")
		}
	}
	if t.OnConflict == "DO NOTHING" {
		out.OnConflictDoNothing = true
	}

	sel := ins.SelectStmt.GetSelectStmt()
	if sel == nil {
		// INSERT ... DEFAULT VALUES
		row := make([]planner.Expr, len(t.Columns))
		for i, c := range t.Columns {
			if i == rowIDIndex(t) {
				row[i] = &planner.Const{Val: types.Null, Typ: c.Type}
				continue
			}
			if row[i], err = b.DefaultExpr(c); err != nil {
				return nil, err
			}
		}
		out.Input = &planner.Values{Cols: tableColumns(t), Rows: [][]planner.Expr{row}}
	} else if isPlainValues(sel) {
		var rows [][]planner.Expr
		for _, l := range sel.ValuesLists {
			items := l.GetList().Items
			if len(items) > len(target) {
				return nil, b.errAt(location(items[len(target)]), sqlerr.SyntaxError, "INSERT has more expressions than target columns")
			}
			if len(items) < len(target) && len(ins.Cols) > 0 {
				return nil, b.errAt(location(ins.Cols[len(items)]), sqlerr.SyntaxError, "INSERT has more target columns than expressions")
			}
			row := make([]planner.Expr, len(t.Columns))
			for i := range t.Columns {
				pos := from[i]
				if pos < 0 || pos >= len(items) || items[pos].GetSetToDefault() != nil {
					d := defaults[i]
					if d == nil {
						if d, err = b.DefaultExpr(t.Columns[i]); err != nil {
							return nil, err
						}
					}
					row[i] = d
					continue
				}
				e, err := b.expr(items[pos], &scope{})
				if err != nil {
					return nil, err
				}
				if row[i], err = b.assign(e, t.Columns[i], location(items[pos])); err != nil {
					return nil, err
				}
			}
			rows = append(rows, row)
		}
		out.Input = &planner.Values{Cols: tableColumns(t), Rows: rows}
	} else {
		res, err := b.selectStmt(sel, &scope{})
		if err != nil {
			return nil, err
		}
		cols := res.Plan.Columns()
		if len(cols) > len(target) {
			return nil, sqlerr.New(sqlerr.SyntaxError, "INSERT has more expressions than target columns")
		}
		if len(cols) < len(target) && len(ins.Cols) > 0 {
			return nil, sqlerr.New(sqlerr.SyntaxError, "INSERT has more target columns than expressions")
		}
		exprs := make([]planner.Expr, len(t.Columns))
		for i, c := range t.Columns {
			pos := from[i]
			if pos < 0 || pos >= len(cols) {
				d := defaults[i]
				if d == nil {
					if d, err = b.DefaultExpr(c); err != nil {
						return nil, err
					}
				}
				exprs[i] = d
				continue
			}
			ref := &planner.ColRef{Idx: pos, Typ: cols[pos].Type, Name: cols[pos].Name}
			if exprs[i], err = b.assign(ref, c, -1); err != nil {
				return nil, err
			}
		}
		out.Input = &planner.Project{Input: res.Plan, Exprs: exprs, Cols: tableColumns(t)}
	}
	if len(ins.ReturningList) > 0 {
		if out.Returning, out.ReturningCols, err = b.returning(ins.ReturningList, t, t.Name); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func rowIDIndex(t *catalog.Object) int {
	if !t.PKDeclared && len(t.PK) == 1 {
		return t.PK[0]
	}
	return -1
}

func isPlainValues(sel *pg.SelectStmt) bool {
	return len(sel.ValuesLists) > 0 && len(sel.SortClause) == 0 && sel.LimitCount == nil && sel.LimitOffset == nil && sel.WithClause == nil
}

func tableColumns(t *catalog.Object) []types.Column {
	cols := make([]types.Column, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = types.Column{Name: c.Name, Type: c.Type}
	}
	return cols
}

// assign coerces a value for a column (assignment context), with
// PostgreSQL's message when the types do not match.
func (b *Binder) assign(e planner.Expr, c catalog.Column, loc int32) (planner.Expr, error) {
	from := e.Type()
	if from.ID != types.Unknown && !from.SameFamily(c.Type) {
		if ctx, ok := types.CastContextOf(from, c.Type); !ok || ctx > types.CastAssignment {
			return nil, b.errAt(loc, sqlerr.DatatypeMismatch, "column \"%s\" is of type %s but expression is of type %s", c.Name, c.Type, from).
				WithHint("You will need to rewrite or cast the expression.")
		}
	}
	return b.coerce(e, c.Type, types.CastAssignment, loc)
}

func (b *Binder) returning(list []*pg.Node, t *catalog.Object, alias string) ([]planner.Expr, []types.Column, error) {
	s := tableScope(t, alias)
	s.clause = "RETURNING"
	targets, err := b.targetList(list, s, false)
	if err != nil {
		return nil, nil, err
	}
	exprs := make([]planner.Expr, len(targets))
	cols := make([]types.Column, len(targets))
	for i, tg := range targets {
		exprs[i] = tg.expr
		cols[i] = types.Column{Name: tg.name, Type: tg.expr.Type()}
	}
	return exprs, cols, nil
}

// Update binds UPDATE t SET col = expr, ... [WHERE ...].
func (b *Binder) Update(up *pg.UpdateStmt) (*planner.Update, error) {
	if up.WithClause != nil || len(up.FromClause) > 0 {
		return nil, sqlerr.NotSupported("UPDATE with WITH or FROM")
	}
	t, err := b.targetTable(up.Relation, "update")
	if err != nil {
		return nil, err
	}
	alias := t.Name
	if up.Relation.Alias != nil {
		alias = up.Relation.Alias.Aliasname
	}
	s := tableScope(t, alias)
	var input planner.Plan = &planner.Scan{Table: t, Alias: alias}
	if up.WhereClause != nil {
		cond, err := b.boolExpr(up.WhereClause, s, "WHERE")
		if err != nil {
			return nil, err
		}
		input = &planner.Filter{Input: input, Cond: cond}
	}
	set := make([]planner.Expr, len(t.Columns))
	s.clause = "UPDATE"
	for _, n := range up.TargetList {
		rt := n.GetResTarget()
		if rt == nil {
			return nil, sqlerr.NotSupported("multiple-column assignment in UPDATE")
		}
		if len(rt.Indirection) > 0 {
			return nil, b.errAt(rt.Location, sqlerr.FeatureNotSupported, "feature not supported: assignment to a field or element of column \"%s\"", rt.Name)
		}
		if rt.Val.GetMultiAssignRef() != nil {
			return nil, sqlerr.NotSupported("multiple-column assignment in UPDATE")
		}
		i := t.ColumnIndex(rt.Name)
		if i < 0 || t.Columns[i].Hidden {
			return nil, b.errAt(rt.Location, sqlerr.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", rt.Name, t.Name)
		}
		if set[i] != nil {
			return nil, b.errAt(rt.Location, sqlerr.SyntaxError, "multiple assignments to same column \"%s\"", rt.Name)
		}
		var e planner.Expr
		if rt.Val.GetSetToDefault() != nil {
			e, err = b.DefaultExpr(t.Columns[i])
		} else {
			e, err = b.expr(rt.Val, s)
			if err == nil {
				e, err = b.assign(e, t.Columns[i], location(rt.Val))
			}
		}
		if err != nil {
			return nil, err
		}
		set[i] = e
	}
	out := &planner.Update{Table: t, Input: input, Set: set}
	if len(up.ReturningList) > 0 {
		if out.Returning, out.ReturningCols, err = b.returning(up.ReturningList, t, alias); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Delete binds DELETE FROM t [WHERE ...].
func (b *Binder) Delete(del *pg.DeleteStmt) (*planner.Delete, error) {
	if del.WithClause != nil || len(del.UsingClause) > 0 {
		return nil, sqlerr.NotSupported("DELETE with WITH or USING")
	}
	t, err := b.targetTable(del.Relation, "delete from")
	if err != nil {
		return nil, err
	}
	alias := t.Name
	if del.Relation.Alias != nil {
		alias = del.Relation.Alias.Aliasname
	}
	s := tableScope(t, alias)
	var input planner.Plan = &planner.Scan{Table: t, Alias: alias}
	if del.WhereClause != nil {
		cond, err := b.boolExpr(del.WhereClause, s, "WHERE")
		if err != nil {
			return nil, err
		}
		input = &planner.Filter{Input: input, Cond: cond}
	}
	out := &planner.Delete{Table: t, Input: input}
	if len(del.ReturningList) > 0 {
		if out.Returning, out.ReturningCols, err = b.returning(del.ReturningList, t, alias); err != nil {
			return nil, err
		}
	}
	return out, nil
}
