package binder

import (
	"fmt"
	"slices"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/functions"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// Select binds a top-level SELECT (or VALUES, or set operation).
func (b *Binder) Select(n *pg.Node) (*Result, error) {
	return b.selectNode(n, &scope{})
}

// selectNode binds a query block; outer is the scope of the enclosing
// query (an empty scope at top level) — the new block's own scope is a
// child of it.
func (b *Binder) selectNode(n *pg.Node, outer *scope) (*Result, error) {
	sel := n.GetSelectStmt()
	if sel == nil {
		return nil, sqlerr.NotSupported("%s as a query", nodeName(n))
	}
	return b.selectStmt(sel, outer)
}

func (b *Binder) selectStmt(sel *pg.SelectStmt, outer *scope) (*Result, error) {
	if sel.WithClause != nil {
		if sel.WithClause.Recursive {
			return nil, sqlerr.NotSupported("WITH RECURSIVE")
		}
		frame := map[string]*cte{}
		for _, n := range sel.WithClause.Ctes {
			c := n.GetCommonTableExpr()
			var names []string
			for _, a := range c.Aliascolnames {
				names = append(names, a.GetString_().Sval)
			}
			if _, dup := frame[c.Ctename]; dup {
				return nil, b.errAt(c.Location, sqlerr.DuplicateAlias, "WITH query name \"%s\" specified more than once", c.Ctename)
			}
			frame[c.Ctename] = &cte{name: c.Ctename, query: c.Ctequery, colName: names}
			if c.Ctequery.GetSelectStmt() == nil {
				return nil, sqlerr.NotSupported("data-modifying statements in WITH")
			}
		}
		b.ctes = append(b.ctes, frame)
		defer func() { b.ctes = b.ctes[:len(b.ctes)-1] }()
	}
	if len(sel.LockingClause) > 0 {
		return nil, sqlerr.NotSupported("SELECT ... FOR UPDATE/SHARE")
	}
	if sel.IntoClause != nil {
		return nil, sqlerr.NotSupported("SELECT INTO")
	}
	switch sel.Op {
	case pg.SetOperation_SETOP_UNION, pg.SetOperation_SETOP_INTERSECT, pg.SetOperation_SETOP_EXCEPT:
		return b.setOp(sel, outer)
	}
	if len(sel.ValuesLists) > 0 {
		plan, err := b.values(sel.ValuesLists, outer)
		if err != nil {
			return nil, err
		}
		return b.orderLimitOutput(sel, plan, outer)
	}
	return b.simpleSelect(sel, outer)
}

// values binds VALUES (...), (...): columns column1..N of each column's
// common type.
func (b *Binder) values(lists []*pg.Node, outer *scope) (*planner.Values, error) {
	b.setOpBranch = false
	s := &scope{parent: outer, clause: "VALUES"}
	var rows [][]planner.Expr
	width := -1
	for _, l := range lists {
		items := l.GetList().Items
		if width >= 0 && len(items) != width {
			return nil, b.errAt(location(items[0]), sqlerr.SyntaxError, "VALUES lists must all be the same length")
		}
		width = len(items)
		row, err := b.exprList(items, s)
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	cols := make([]types.Column, width)
	for c := 0; c < width; c++ {
		col := make([]planner.Expr, len(rows))
		for r := range rows {
			col[r] = rows[r][c]
		}
		t, err := b.commonType(col, "VALUES", -1)
		if err != nil {
			return nil, err
		}
		for r := range rows {
			if rows[r][c], err = b.coerce(rows[r][c], t, types.CastImplicit, -1); err != nil {
				return nil, err
			}
		}
		cols[c] = types.Column{Name: fmt.Sprintf("column%d", c+1), Type: t}
	}
	return &planner.Values{Cols: cols, Rows: rows}, nil
}

// target is one bound select-list entry.
type target struct {
	expr planner.Expr
	name string
	node *pg.Node // the parsed expression (for GROUP BY alias matching)
}

func (b *Binder) simpleSelect(sel *pg.SelectStmt, outer *scope) (*Result, error) {
	s := &scope{parent: outer}
	input, err := b.fromClause(sel.FromClause, s)
	if err != nil {
		return nil, err
	}
	if sel.WhereClause != nil {
		s.clause = "WHERE"
		cond, err := b.boolExpr(sel.WhereClause, s, "WHERE")
		s.clause = ""
		if err != nil {
			return nil, err
		}
		input = &planner.Filter{Input: input, Cond: cond}
	}
	if len(sel.WindowClause) > 0 {
		return nil, sqlerr.NotSupported("WINDOW clauses in batch queries")
	}

	// Select list, bound over the input (aggregates collected).
	s.agg = &aggState{}
	// A branch of a set operation keeps untyped literals untyped: the
	// set operation picks the column's type from all branches.
	keepUnknown := b.setOpBranch
	b.setOpBranch = false
	s.setFuncs = true
	targets, err := b.targetList(sel.TargetList, s, keepUnknown)
	s.setFuncs = false
	if err != nil {
		return nil, err
	}

	// GROUP BY.
	var groups []planner.Expr
	for _, g := range sel.GroupClause {
		s.clause = "GROUP BY"
		e, err := b.groupItem(g, targets, s)
		s.clause = ""
		if err != nil {
			return nil, err
		}
		if planner.HasSetCall(e) {
			return nil, b.errAt(location(g), sqlerr.FeatureNotSupported, "feature not supported: set-returning functions in GROUP BY")
		}
		groups = append(groups, e)
	}
	var having planner.Expr
	if sel.HavingClause != nil {
		s.clause = "HAVING"
		having, err = b.boolExpr(sel.HavingClause, s, "HAVING")
		s.clause = ""
		if err != nil {
			return nil, err
		}
	}

	// ORDER BY: output columns by name/position, or expressions added as
	// hidden extra columns.
	var keys []planner.SortKey
	var extras []planner.Expr
	distinct := len(sel.DistinctClause) > 0
	distinctOn := distinct && !(len(sel.DistinctClause) == 1 && (sel.DistinctClause[0] == nil || sel.DistinctClause[0].Node == nil))
	for _, n := range sel.SortClause {
		sb := n.GetSortBy()
		s.setFuncs = true
		idx, e, err := b.orderItem(sb, targets, s)
		s.setFuncs = false
		if err != nil {
			return nil, err
		}
		if idx < 0 {
			fp := planner.Fingerprint(e)
			for i, t := range targets {
				if planner.Fingerprint(t.expr) == fp {
					idx = i
					break
				}
			}
		}
		if idx < 0 {
			for i, x := range extras {
				if planner.Fingerprint(x) == planner.Fingerprint(e) {
					idx = len(targets) + i
				}
			}
		}
		if idx < 0 {
			if distinct && !distinctOn {
				return nil, b.errAt(location(sb.Node), sqlerr.InvalidColumnReference, "for SELECT DISTINCT, ORDER BY expressions must appear in select list")
			}
			idx = len(targets) + len(extras)
			extras = append(extras, e)
		}
		keys = append(keys, sortKey(sb, idx))
	}

	aggregating := len(groups) > 0 || having != nil || len(s.agg.calls) > 0
	agg := s.agg
	s.agg = nil
	var gkeys []string
	exprs := make([]planner.Expr, 0, len(targets)+len(extras))
	for _, t := range targets {
		exprs = append(exprs, t.expr)
	}
	exprs = append(exprs, extras...)

	plan := input
	if aggregating {
		gkeys = make([]string, len(groups))
		for i, g := range groups {
			gkeys[i] = planner.Fingerprint(g)
		}
		calls := make([]planner.AggCall, len(agg.calls))
		cols := make([]types.Column, 0, len(groups)+len(calls))
		for i, g := range groups {
			name := fmt.Sprintf("group%d", i)
			if c, ok := g.(*planner.ColRef); ok {
				name = c.Name
			}
			cols = append(cols, types.Column{Name: name, Type: g.Type()})
		}
		for i, c := range agg.calls {
			calls[i] = c.call
			cols = append(cols, types.Column{Name: c.call.Name, Type: c.call.Typ})
		}
		plan = &planner.Agg{Input: plan, GroupBy: groups, Aggs: calls, Cols: cols}
		rw := func(e planner.Expr) (planner.Expr, error) { return b.rewriteAgg(e, gkeys, len(groups)) }
		for i := range exprs {
			if exprs[i], err = rw(exprs[i]); err != nil {
				return nil, err
			}
		}
		if having != nil {
			if having, err = rw(having); err != nil {
				return nil, err
			}
			plan = &planner.Filter{Input: plan, Cond: having}
		}
	}
	if len(agg.wins) > 0 {
		// Window functions run after grouping: one Window node per call,
		// each appending its column; references become those columns.
		base := len(plan.Columns())
		for _, w := range agg.wins {
			part, order := w.partition, w.orderBy
			if aggregating {
				if part, err = b.rewriteAggAll(part, gkeys, len(groups)); err != nil {
					return nil, err
				}
				if order, err = b.rewriteAggAll(order, gkeys, len(groups)); err != nil {
					return nil, err
				}
			}
			cols := append(append([]types.Column{}, plan.Columns()...), types.Column{Name: w.fn, Type: types.TInt8})
			plan = &planner.Window{Input: plan, Func: w.fn, PartitionBy: part, OrderExprs: order, OrderBy: w.keys, Cols: cols}
		}
		for i := range exprs {
			exprs[i] = replaceWinRefs(exprs[i], base)
		}
	}

	// Set-returning functions run after grouping and window functions,
	// before DISTINCT, ORDER BY and LIMIT.
	plan, exprs = projectSets(plan, exprs)

	names := make([]string, len(targets))
	cols := make([]types.Column, len(exprs))
	for i, e := range exprs {
		name := "?column?"
		if i < len(targets) {
			name = targets[i].name
			names[i] = name
		}
		cols[i] = types.Column{Name: name, Type: e.Type()}
	}
	plan = &planner.Project{Input: plan, Exprs: exprs, Cols: cols}

	if distinct {
		on, err := b.distinctOn(sel.DistinctClause, targets, s)
		if err != nil {
			return nil, err
		}
		if len(on) > 0 && len(keys) > 0 {
			// ORDER BY must start with the DISTINCT ON items (by select-list
			// entry, as PostgreSQL checks it): once an item outside them
			// was passed, none of them may follow, nor be left over.
			inOn := map[int]bool{}
			for _, c := range on {
				inOn[c] = true
			}
			seen := map[int]bool{}
			skipped := false
			for _, k := range keys {
				if !inOn[k.Idx] {
					skipped = true
					continue
				}
				if skipped {
					return nil, b.errAt(location(sel.DistinctClause[0]), sqlerr.InvalidColumnReference, "SELECT DISTINCT ON expressions must match initial ORDER BY expressions")
				}
				seen[k.Idx] = true
			}
			if skipped && len(seen) < len(inOn) {
				return nil, b.errAt(location(sel.DistinctClause[0]), sqlerr.InvalidColumnReference, "SELECT DISTINCT ON expressions must match initial ORDER BY expressions")
			}
			// DISTINCT ON keeps the first row of each group in ORDER BY
			// order: sort first.
			plan = &planner.Sort{Input: plan, Keys: keys}
			keys = nil
		}
		plan = &planner.Distinct{Input: plan, On: on}
	}
	if len(keys) > 0 {
		plan = &planner.Sort{Input: plan, Keys: keys}
	}
	if plan, err = b.limit(sel, plan, s); err != nil {
		return nil, err
	}
	if len(extras) > 0 {
		plan = trim(plan, len(targets))
	}
	return &Result{Plan: plan, Names: names}, nil
}

// projectSets moves the set-returning calls in exprs into ProjectSet
// nodes over plan, each call becoming a reference to its column. A call
// whose arguments call set-returning functions runs in a ProjectSet above
// the one that runs those, as in PostgreSQL.
func projectSets(plan planner.Plan, exprs []planner.Expr) (planner.Plan, []planner.Expr) {
	for slices.ContainsFunc(exprs, planner.HasSetCall) {
		base := len(plan.Columns())
		var calls []*planner.SetCall
		out := make([]planner.Expr, len(exprs))
		for i, e := range exprs {
			out[i] = planner.Map(e, func(x planner.Expr) planner.Expr {
				sc, ok := x.(*planner.SetCall)
				if !ok {
					return x
				}
				for _, a := range sc.Args {
					// Its arguments read calls of this level: a later one.
					if planner.HasSetCall(a) || readsFrom(a, base) {
						return x
					}
				}
				calls = append(calls, sc)
				return &planner.ColRef{Idx: base + len(calls) - 1, Typ: sc.Typ, Name: sc.Fn.Name}
			})
		}
		plan, exprs = planner.NewProjectSet(plan, calls), out
	}
	return plan, exprs
}

// readsFrom reports whether e reads a column at or after position from.
func readsFrom(e planner.Expr, from int) bool {
	found := false
	planner.Walk(e, func(x planner.Expr) bool {
		if c, ok := x.(*planner.ColRef); ok && c.Idx >= from {
			found = true
		}
		return !found
	})
	return found
}

// trim projects away hidden trailing columns.
func trim(p planner.Plan, n int) planner.Plan {
	cols := p.Columns()[:n]
	exprs := make([]planner.Expr, n)
	for i := range exprs {
		exprs[i] = &planner.ColRef{Idx: i, Typ: cols[i].Type, Name: cols[i].Name}
	}
	return &planner.Project{Input: p, Exprs: exprs, Cols: cols}
}

func sortKey(sb *pg.SortBy, idx int) planner.SortKey {
	k := planner.SortKey{Idx: idx, Desc: sb.SortbyDir == pg.SortByDir_SORTBY_DESC}
	switch sb.SortbyNulls {
	case pg.SortByNulls_SORTBY_NULLS_FIRST:
		k.NullsFirst = true
	case pg.SortByNulls_SORTBY_NULLS_LAST:
		k.NullsFirst = false
	default:
		k.NullsFirst = k.Desc
	}
	return k
}

// targetList binds the select list, expanding *.
func (b *Binder) targetList(list []*pg.Node, s *scope, keepUnknown bool) ([]target, error) {
	var out []target
	for _, n := range list {
		rt := n.GetResTarget()
		if cr := rt.Val.GetColumnRef(); cr != nil {
			if last := cr.Fields[len(cr.Fields)-1]; last.GetAStar() != nil {
				table := ""
				if len(cr.Fields) >= 2 {
					table = cr.Fields[len(cr.Fields)-2].GetString_().Sval
				}
				stars, err := b.expandStar(table, s, cr.Location)
				if err != nil {
					return nil, err
				}
				out = append(out, stars...)
				continue
			}
		}
		e, err := b.expr(rt.Val, s)
		if err != nil {
			return nil, err
		}
		if isUnknown(e) && !keepUnknown {
			if e, err = b.coerce(e, types.TText, types.CastImplicit, rt.Location); err != nil {
				return nil, err
			}
		}
		name := rt.Name
		if name == "" {
			name = figureName(rt.Val)
		}
		out = append(out, target{expr: e, name: name, node: rt.Val})
	}
	return out, nil
}

func (b *Binder) expandStar(table string, s *scope, loc int32) ([]target, error) {
	var out []target
	found := table == ""
	for i, c := range s.cols {
		if table != "" && c.table != table {
			continue
		}
		found = true
		if c.hidden {
			continue
		}
		b.useCol(c)
		out = append(out, target{expr: &planner.ColRef{Idx: i, Typ: c.typ, Name: c.name}, name: c.name})
	}
	if !found {
		return nil, b.errAt(loc, sqlerr.UndefinedTable, "missing FROM-clause entry for table \"%s\"", table)
	}
	if table == "" && !s.hasFrom {
		return nil, b.errAt(loc, sqlerr.SyntaxError, "SELECT * with no tables specified is not valid")
	}
	return out, nil
}

// figureName names an output column the way PostgreSQL's FigureColname
// does.
func figureName(n *pg.Node) string {
	name, _ := figureNameStrength(n)
	return name
}

// figureNameStrength returns a name and how strongly the expression
// suggests it (2: a column or function name, 1: a fallback such as a
// type name or "case", 0: none), as PostgreSQL's FigureColnameInternal.
func figureNameStrength(n *pg.Node) (string, int) {
	switch x := n.Node.(type) {
	case *pg.Node_ColumnRef:
		last := x.ColumnRef.Fields[len(x.ColumnRef.Fields)-1]
		if s := last.GetString_(); s != nil {
			return s.Sval, 2
		}
	case *pg.Node_FuncCall:
		_, name := funcName(x.FuncCall.Funcname)
		return name, 2
	case *pg.Node_AExpr:
		if x.AExpr.Kind == pg.A_Expr_Kind_AEXPR_NULLIF {
			return "nullif", 2
		}
	case *pg.Node_TypeCast:
		if name, st := figureNameStrength(x.TypeCast.Arg); st > 1 {
			return name, st
		}
		names := x.TypeCast.TypeName.Names
		last := names[len(names)-1].GetString_().Sval
		if t, ok := types.ByName(last); ok && t.ID != types.Array {
			return t.TypName(), 1
		}
		return last, 1
	case *pg.Node_CaseExpr:
		if x.CaseExpr.Defresult != nil {
			if name, st := figureNameStrength(x.CaseExpr.Defresult); st > 1 {
				return name, st
			}
		}
		return "case", 1
	case *pg.Node_CoalesceExpr:
		return "coalesce", 2
	case *pg.Node_MinMaxExpr:
		if x.MinMaxExpr.Op == pg.MinMaxOp_IS_LEAST {
			return "least", 2
		}
		return "greatest", 2
	case *pg.Node_AArrayExpr:
		return "array", 2
	case *pg.Node_AIndirection:
		return figureNameStrength(x.AIndirection.Arg)
	case *pg.Node_SubLink:
		switch x.SubLink.SubLinkType {
		case pg.SubLinkType_EXISTS_SUBLINK:
			return "exists", 2
		case pg.SubLinkType_ARRAY_SUBLINK:
			return "array", 2
		case pg.SubLinkType_EXPR_SUBLINK:
			if sel := x.SubLink.Subselect.GetSelectStmt(); sel != nil && len(sel.TargetList) == 1 {
				rt := sel.TargetList[0].GetResTarget()
				if rt.Name != "" {
					return rt.Name, 2
				}
				return figureNameStrength(rt.Val)
			}
		}
	case *pg.Node_SqlvalueFunction:
		names := map[pg.SQLValueFunctionOp]string{
			pg.SQLValueFunctionOp_SVFOP_CURRENT_DATE: "current_date", pg.SQLValueFunctionOp_SVFOP_CURRENT_TIMESTAMP: "current_timestamp",
			pg.SQLValueFunctionOp_SVFOP_CURRENT_TIMESTAMP_N: "current_timestamp", pg.SQLValueFunctionOp_SVFOP_CURRENT_TIME: "current_time",
			pg.SQLValueFunctionOp_SVFOP_CURRENT_TIME_N: "current_time", pg.SQLValueFunctionOp_SVFOP_LOCALTIMESTAMP: "localtimestamp",
			pg.SQLValueFunctionOp_SVFOP_LOCALTIMESTAMP_N: "localtimestamp", pg.SQLValueFunctionOp_SVFOP_LOCALTIME: "localtime",
			pg.SQLValueFunctionOp_SVFOP_LOCALTIME_N: "localtime", pg.SQLValueFunctionOp_SVFOP_CURRENT_USER: "current_user",
			pg.SQLValueFunctionOp_SVFOP_SESSION_USER: "session_user", pg.SQLValueFunctionOp_SVFOP_USER: "user",
			pg.SQLValueFunctionOp_SVFOP_CURRENT_ROLE: "current_role", pg.SQLValueFunctionOp_SVFOP_CURRENT_CATALOG: "current_catalog",
			pg.SQLValueFunctionOp_SVFOP_CURRENT_SCHEMA: "current_schema",
		}
		if n, ok := names[x.SqlvalueFunction.Op]; ok {
			return n, 2
		}
	case *pg.Node_CollateClause:
		return figureNameStrength(x.CollateClause.Arg)
	}
	return "?column?", 0
}

// groupItem binds one GROUP BY item: a position, an output alias, or an
// expression over the input.
func (b *Binder) groupItem(n *pg.Node, targets []target, s *scope) (planner.Expr, error) {
	if c := n.GetAConst(); c != nil {
		if iv, ok := c.Val.(*pg.A_Const_Ival); ok {
			i := int(iv.Ival.Ival)
			if i < 1 || i > len(targets) {
				return nil, b.errAt(c.Location, sqlerr.InvalidColumnReference, "GROUP BY position %d is not in select list", i)
			}
			return b.checkGroupable(targets[i-1].expr, c.Location)
		}
	}
	if cr := n.GetColumnRef(); cr != nil && len(cr.Fields) == 1 {
		name := cr.Fields[0].GetString_().GetSval()
		idx, err := b.findColumn(s, "", name, cr.Location)
		if err != nil {
			return nil, err
		}
		if idx < 0 {
			for _, t := range targets {
				if t.name == name {
					return b.checkGroupable(t.expr, cr.Location)
				}
			}
		}
	}
	saved := s.agg
	s.agg = nil
	defer func() { s.agg = saved }()
	e, err := b.expr(n, s)
	if err != nil {
		if sqlerr.Code(err) == sqlerr.GroupingError {
			return nil, b.errAt(location(n), sqlerr.GroupingError, "aggregate functions are not allowed in GROUP BY")
		}
		return nil, err
	}
	if isUnknown(e) {
		return b.coerce(e, types.TText, types.CastImplicit, location(n))
	}
	return e, nil
}

func (b *Binder) checkGroupable(e planner.Expr, loc int32) (planner.Expr, error) {
	bad := false
	planner.Walk(e, func(x planner.Expr) bool {
		if _, ok := x.(*aggRef); ok {
			bad = true
		}
		return !bad
	})
	if bad {
		return nil, b.errAt(loc, sqlerr.GroupingError, "aggregate functions are not allowed in GROUP BY")
	}
	return e, nil
}

// orderItem binds an ORDER BY item: it returns the index of the output
// column it names (by position or alias), or -1 and the expression bound
// over the input.
func (b *Binder) orderItem(sb *pg.SortBy, targets []target, s *scope) (int, planner.Expr, error) {
	if sb.SortbyDir == pg.SortByDir_SORTBY_USING {
		return 0, nil, sqlerr.NotSupported("ORDER BY ... USING")
	}
	if c := sb.Node.GetAConst(); c != nil {
		if iv, ok := c.Val.(*pg.A_Const_Ival); ok {
			i := int(iv.Ival.Ival)
			if i < 1 || i > len(targets) {
				return 0, nil, b.errAt(c.Location, sqlerr.InvalidColumnReference, "ORDER BY position %d is not in select list", i)
			}
			return i - 1, nil, nil
		}
	}
	if cr := sb.Node.GetColumnRef(); cr != nil && len(cr.Fields) == 1 {
		if str := cr.Fields[0].GetString_(); str != nil {
			match := -1
			for i, t := range targets {
				if t.name == str.Sval {
					if match >= 0 && planner.Fingerprint(targets[match].expr) != planner.Fingerprint(t.expr) {
						return 0, nil, b.errAt(cr.Location, sqlerr.AmbiguousColumn, "ORDER BY \"%s\" is ambiguous", str.Sval)
					}
					if match < 0 {
						match = i
					}
				}
			}
			if match >= 0 {
				return match, nil, nil
			}
		}
	}
	e, err := b.expr(sb.Node, s)
	if err != nil {
		return 0, nil, err
	}
	if isUnknown(e) {
		if e, err = b.coerce(e, types.TText, types.CastImplicit, location(sb.Node)); err != nil {
			return 0, nil, err
		}
	}
	return -1, e, nil
}

func (b *Binder) distinctOn(list []*pg.Node, targets []target, s *scope) ([]int, error) {
	var on []int
	for _, n := range list {
		if n == nil || n.Node == nil {
			continue // plain DISTINCT is a list with one empty node
		}
		idx, e, err := b.orderItem(&pg.SortBy{Node: n}, targets, s)
		if err != nil {
			return nil, err
		}
		if idx < 0 {
			fp := planner.Fingerprint(e)
			for i, t := range targets {
				if planner.Fingerprint(t.expr) == fp {
					idx = i
					break
				}
			}
		}
		if idx < 0 {
			return nil, b.errAt(location(n), sqlerr.FeatureNotSupported, "feature not supported: DISTINCT ON expressions that are not in the select list")
		}
		on = append(on, idx)
	}
	return on, nil
}

func (b *Binder) rewriteAggAll(es []planner.Expr, gkeys []string, ngroups int) ([]planner.Expr, error) {
	out := make([]planner.Expr, len(es))
	for i, e := range es {
		r, err := b.rewriteAgg(e, gkeys, ngroups)
		if err != nil {
			return nil, err
		}
		out[i] = r
	}
	return out, nil
}

// replaceWinRefs turns window function placeholders into the columns the
// Window nodes append after the first base columns.
func replaceWinRefs(e planner.Expr, base int) planner.Expr {
	if w, ok := e.(*winRef); ok {
		return &planner.ColRef{Idx: base + w.idx, Typ: types.TInt8, Name: w.fn}
	}
	kids := planner.Children(e)
	if len(kids) == 0 {
		return e
	}
	out := make([]planner.Expr, len(kids))
	for i, k := range kids {
		out[i] = replaceWinRefs(k, base)
	}
	return planner.WithChildren(e, out)
}

// rewriteAgg maps an expression bound over the input of an Agg node onto
// its output: group-key subexpressions become group columns, aggregates
// become aggregate columns; any other column reference is a grouping error.
func (b *Binder) rewriteAgg(e planner.Expr, gkeys []string, ngroups int) (planner.Expr, error) {
	if _, ok := e.(*winRef); ok {
		return e, nil
	}
	if a, ok := e.(*aggRef); ok {
		return &planner.ColRef{Idx: ngroups + a.idx, Typ: a.call.Typ, Name: a.call.Name}, nil
	}
	if _, ok := e.(*planner.Const); !ok {
		fp := planner.Fingerprint(e)
		for i, k := range gkeys {
			if k == fp {
				return &planner.ColRef{Idx: i, Typ: e.Type(), Name: e.String()}, nil
			}
		}
	}
	if sq, ok := e.(*planner.Subquery); ok && sq.Correlated {
		// The subquery runs per output row of the aggregation: its
		// references to this query's columns must be group keys.
		plan, err := planner.RewriteOuter(sq.Plan, 1, func(o *planner.OuterRef) (planner.Expr, error) {
			fp := planner.Fingerprint(&planner.ColRef{Idx: o.Idx, Typ: o.Typ})
			for i, k := range gkeys {
				if k == fp {
					return &planner.OuterRef{Depth: o.Depth, Idx: i, Typ: o.Typ, Name: o.Name}, nil
				}
			}
			return nil, sqlerr.New(sqlerr.GroupingError, "subquery uses ungrouped column \"%s\" from outer query", o.Name)
		})
		if err != nil {
			return nil, err
		}
		c := *sq
		c.Plan = plan
		if sq.Arg != nil {
			if c.Arg, err = b.rewriteAgg(sq.Arg, gkeys, ngroups); err != nil {
				return nil, err
			}
		}
		return &c, nil
	}
	if c, ok := e.(*planner.ColRef); ok {
		name := c.Name
		if c.Table != "" && !strings.Contains(name, ".") {
			name = c.Table + "." + name
		}
		return nil, sqlerr.New(sqlerr.GroupingError, "column \"%s\" must appear in the GROUP BY clause or be used in an aggregate function", name)
	}
	kids := planner.Children(e)
	if len(kids) == 0 {
		return e, nil
	}
	out := make([]planner.Expr, len(kids))
	for i, k := range kids {
		r, err := b.rewriteAgg(k, gkeys, ngroups)
		if err != nil {
			return nil, err
		}
		out[i] = r
	}
	return planner.WithChildren(e, out), nil
}

func (b *Binder) limit(sel *pg.SelectStmt, plan planner.Plan, s *scope) (planner.Plan, error) {
	if sel.LimitOption == pg.LimitOption_LIMIT_OPTION_WITH_TIES {
		return nil, sqlerr.NotSupported("FETCH ... WITH TIES")
	}
	var lim, off planner.Expr
	bind := func(n *pg.Node) (planner.Expr, error) {
		if n == nil {
			return nil, nil
		}
		if c := n.GetAConst(); c != nil && c.Isnull {
			return nil, nil // LIMIT ALL / LIMIT NULL
		}
		es := s.sibling()
		es.clause = "LIMIT"
		if n == sel.LimitOffset {
			es.clause = "OFFSET"
		}
		e, err := b.exprAs(n, es, types.TInt8, types.CastImplicit)
		if err != nil {
			return nil, err
		}
		if planner.UsesColumns(e) || !planner.IsConstant(e) {
			return nil, b.errAt(location(n), sqlerr.SyntaxError, "argument of LIMIT must not contain variables")
		}
		return e, nil
	}
	var err error
	if lim, err = bind(sel.LimitCount); err != nil {
		return nil, err
	}
	if off, err = bind(sel.LimitOffset); err != nil {
		return nil, err
	}
	if lim == nil && off == nil {
		return plan, nil
	}
	return &planner.Limit{Input: plan, Limit: lim, Offset: off}, nil
}

// orderLimitOutput applies ORDER BY / LIMIT of a VALUES or set operation
// over its output columns.
func (b *Binder) orderLimitOutput(sel *pg.SelectStmt, plan planner.Plan, outer *scope) (*Result, error) {
	cols := plan.Columns()
	names := make([]string, len(cols))
	s := &scope{parent: outer, tables: []string{"*SELECT*"}}
	targets := make([]target, len(cols))
	for i, c := range cols {
		names[i] = c.Name
		s.cols = append(s.cols, scopeCol{name: c.Name, typ: c.Type})
		targets[i] = target{expr: &planner.ColRef{Idx: i, Typ: c.Type, Name: c.Name}, name: c.Name}
	}
	var keys []planner.SortKey
	var extras []planner.Expr
	for _, n := range sel.SortClause {
		sb := n.GetSortBy()
		idx, e, err := b.orderItem(sb, targets, s)
		if err != nil {
			return nil, err
		}
		if idx < 0 {
			idx = len(cols) + len(extras)
			extras = append(extras, e)
		}
		keys = append(keys, sortKey(sb, idx))
	}
	if len(extras) > 0 {
		exprs := make([]planner.Expr, 0, len(cols)+len(extras))
		pc := append([]types.Column{}, cols...)
		for _, t := range targets {
			exprs = append(exprs, t.expr)
		}
		for _, e := range extras {
			exprs = append(exprs, e)
			pc = append(pc, types.Column{Name: "?column?", Type: e.Type()})
		}
		plan = &planner.Project{Input: plan, Exprs: exprs, Cols: pc}
	}
	if len(keys) > 0 {
		plan = &planner.Sort{Input: plan, Keys: keys}
	}
	plan, err := b.limit(sel, plan, s)
	if err != nil {
		return nil, err
	}
	if len(extras) > 0 {
		plan = trim(plan, len(cols))
	}
	return &Result{Plan: plan, Names: names}, nil
}

func (b *Binder) setOp(sel *pg.SelectStmt, outer *scope) (*Result, error) {
	b.setOpBranch = true
	l, err := b.selectStmt(sel.Larg, outer)
	if err != nil {
		return nil, err
	}
	b.setOpBranch = true
	r, err := b.selectStmt(sel.Rarg, outer)
	b.setOpBranch = false
	if err != nil {
		return nil, err
	}
	kind, word := planner.Union, "UNION"
	switch sel.Op {
	case pg.SetOperation_SETOP_INTERSECT:
		kind, word = planner.Intersect, "INTERSECT"
	case pg.SetOperation_SETOP_EXCEPT:
		kind, word = planner.Except, "EXCEPT"
	}
	lc, rc := l.Plan.Columns(), r.Plan.Columns()
	if len(lc) != len(rc) {
		return nil, sqlerr.New(sqlerr.SyntaxError, "each %s query must have the same number of columns", word)
	}
	cols := make([]types.Column, len(lc))
	lx := make([]planner.Expr, len(lc))
	rx := make([]planner.Expr, len(lc))
	lneed, rneed := false, false
	for i := range lc {
		le := planner.Expr(&planner.ColRef{Idx: i, Typ: lc[i].Type, Name: lc[i].Name})
		re := planner.Expr(&planner.ColRef{Idx: i, Typ: rc[i].Type, Name: rc[i].Name})
		t, err := b.commonType([]planner.Expr{le, re}, word, -1)
		if err != nil {
			return nil, err
		}
		if lx[i], err = b.coerce(le, t, types.CastImplicit, -1); err != nil {
			return nil, err
		}
		if rx[i], err = b.coerce(re, t, types.CastImplicit, -1); err != nil {
			return nil, err
		}
		lneed = lneed || lx[i] != le
		rneed = rneed || rx[i] != re
		cols[i] = types.Column{Name: lc[i].Name, Type: t}
	}
	lp, rp := l.Plan, r.Plan
	if lneed {
		lp = &planner.Project{Input: lp, Exprs: lx, Cols: cols}
	}
	if rneed {
		rp = &planner.Project{Input: rp, Exprs: rx, Cols: cols}
	}
	plan := &planner.SetOp{Kind: kind, All: sel.All, Left: lp, Right: rp, Cols: cols}
	return b.orderLimitOutput(sel, plan, outer)
}

// fromClause binds FROM items into one plan (a cross join of the items)
// and fills s with their columns.
func (b *Binder) fromClause(items []*pg.Node, s *scope) (planner.Plan, error) {
	if len(items) == 0 {
		return &planner.Values{Rows: [][]planner.Expr{{}}}, nil
	}
	s.hasFrom = true
	var plan planner.Plan
	for _, n := range items {
		p, cols, tables, err := b.fromItem(n, s)
		if err != nil {
			return nil, err
		}
		for _, t := range tables {
			for _, have := range s.tables {
				if have == t {
					return nil, b.errAt(location(n), sqlerr.DuplicateAlias, "table name \"%s\" specified more than once", t)
				}
			}
		}
		s.tables = append(s.tables, tables...)
		s.cols = append(s.cols, cols...)
		if plan == nil {
			plan = p
		} else {
			plan = &planner.Join{Kind: planner.InnerJoin, Left: plan, Right: p}
		}
	}
	return plan, nil
}

func (b *Binder) lookupCTE(name string) *cte {
	for i := len(b.ctes) - 1; i >= 0; i-- {
		if c, ok := b.ctes[i][name]; ok {
			return c
		}
	}
	return nil
}

// fromItem binds one FROM item. s is the scope being built (for LATERAL
// references it would be needed; Eddy rejects LATERAL), its parent the
// enclosing query's.
func (b *Binder) fromItem(n *pg.Node, s *scope) (planner.Plan, []scopeCol, []string, error) {
	switch x := n.Node.(type) {
	case *pg.Node_RangeVar:
		return b.rangeVar(x.RangeVar, s)
	case *pg.Node_RangeSubselect:
		rs := x.RangeSubselect
		if rs.Lateral {
			return nil, nil, nil, sqlerr.NotSupported("LATERAL subqueries")
		}
		res, err := b.selectNode(rs.Subquery, s.sibling())
		if err != nil {
			return nil, nil, nil, err
		}
		alias := ""
		if rs.Alias != nil {
			alias = rs.Alias.Aliasname
		}
		cols, err := b.aliasColumns(res.Plan.Columns(), alias, rs.Alias)
		if err != nil {
			return nil, nil, nil, err
		}
		var tables []string
		if alias != "" {
			tables = []string{alias}
		}
		return res.Plan, cols, tables, nil
	case *pg.Node_JoinExpr:
		return b.join(x.JoinExpr, s)
	case *pg.Node_RangeFunction:
		return b.rangeFunction(x.RangeFunction, s)
	}
	return nil, nil, nil, sqlerr.NotSupported("%s in FROM", nodeName(n))
}

func (b *Binder) aliasColumns(cols []types.Column, table string, alias *pg.Alias) ([]scopeCol, error) {
	out := make([]scopeCol, len(cols))
	for i, c := range cols {
		out[i] = scopeCol{table: table, name: c.Name, typ: c.Type}
	}
	if alias != nil && len(alias.Colnames) > 0 {
		if len(alias.Colnames) > len(cols) {
			return nil, sqlerr.New(sqlerr.InvalidColumnReference, "table \"%s\" has %d columns available but %d columns specified", table, len(cols), len(alias.Colnames))
		}
		for i, cn := range alias.Colnames {
			out[i].name = cn.GetString_().Sval
		}
	}
	return out, nil
}

func (b *Binder) rangeVar(rv *pg.RangeVar, s *scope) (planner.Plan, []scopeCol, []string, error) {
	alias := rv.Relname
	if rv.Alias != nil {
		alias = rv.Alias.Aliasname
	}
	if rv.Schemaname == "" {
		if c := b.lookupCTE(rv.Relname); c != nil {
			res, err := b.selectNode(c.query, s.sibling())
			if err != nil {
				return nil, nil, nil, err
			}
			cols := res.Plan.Columns()
			out, err := b.aliasColumns(cols, alias, &pg.Alias{Colnames: strNodes(c.colName)})
			if err != nil {
				return nil, nil, nil, err
			}
			if rv.Alias != nil && len(rv.Alias.Colnames) > 0 {
				if out, err = b.aliasColumns(cols, alias, rv.Alias); err != nil {
					return nil, nil, nil, err
				}
			}
			return res.Plan, out, []string{alias}, nil
		}
	}
	rel, err := b.env.Relation(rv.Schemaname, rv.Relname)
	if err != nil {
		return nil, nil, nil, withPos(err, b.pos(rv.Location))
	}
	if rel.Obj != nil {
		if b.Deps == nil {
			b.Deps = map[uint32]bool{}
		}
		b.Deps[rel.Obj.ID] = true
		b.use(rel.Obj.ID)
	}
	var plan planner.Plan
	var cols []scopeCol
	switch {
	case rel.Virtual != nil:
		plan = rel.Virtual
		for i, c := range rel.Virtual.Cols {
			hidden := i >= len(rel.Virtual.Cols)-rel.Virtual.Hidden
			cols = append(cols, scopeCol{table: alias, name: c.Name, typ: c.Type, hidden: hidden})
		}
	case rel.ViewQuery != nil:
		env := b.env
		if rel.Env != nil {
			b.env = rel.Env
		}
		b.viewDepth++
		res, err := b.selectNode(rel.ViewQuery, &scope{})
		b.viewDepth--
		b.env = env
		if err != nil {
			return nil, nil, nil, err
		}
		plan = res.Plan
		for i, c := range res.Plan.Columns() {
			name := c.Name
			if rel.Obj != nil && i < len(rel.Obj.Columns) {
				name = rel.Obj.Columns[i].Name
			}
			sc := scopeCol{table: alias, name: name, typ: c.Type}
			if rel.Obj != nil {
				sc.obj, sc.attr = rel.Obj.ID, name
			}
			cols = append(cols, sc)
		}
	default:
		o := rel.Obj
		switch o.Kind {
		case catalog.KindTable, catalog.KindMaterializedView:
		case catalog.KindSource:
			if b.Streaming {
				break
			}
			return nil, nil, nil, b.errAt(rv.Location, sqlerr.FeatureNotSupported,
				"feature not supported: querying source \"%s\" directly; create a materialized view over it", o.Name)
		default:
			return nil, nil, nil, b.errAt(rv.Location, sqlerr.WrongObjectType, "\"%s\" is not a table", o.Name)
		}
		plan = &planner.Scan{Table: o, Alias: alias}
		for _, c := range o.Columns {
			cols = append(cols, scopeCol{table: alias, name: c.Name, typ: c.Type, hidden: c.Hidden, obj: o.ID, attr: c.Name})
		}
	}
	if rv.Alias != nil && len(rv.Alias.Colnames) > 0 {
		if len(rv.Alias.Colnames) > len(cols) {
			return nil, nil, nil, sqlerr.New(sqlerr.InvalidColumnReference, "table \"%s\" has %d columns available but %d columns specified", alias, len(cols), len(rv.Alias.Colnames))
		}
		vis := 0
		for i := range cols {
			if cols[i].hidden {
				continue
			}
			if vis < len(rv.Alias.Colnames) {
				cols[i].name = rv.Alias.Colnames[vis].GetString_().Sval
			}
			vis++
		}
	}
	return plan, cols, []string{alias}, nil
}

func strNodes(ss []string) []*pg.Node {
	out := make([]*pg.Node, len(ss))
	for i, s := range ss {
		out[i] = pg.MakeStrNode(s)
	}
	return out
}

// functionViews are the set-returning functions behind catalog views
// whose rows the views show unchanged: pg_timezone_names() reads as
// pg_catalog.pg_timezone_names, and so on.
var functionViews = map[string]string{
	"pg_timezone_names":     "pg_timezone_names",
	"pg_timezone_abbrevs":   "pg_timezone_abbrevs",
	"pg_show_all_settings":  "pg_settings",
	"pg_prepared_statement": "pg_prepared_statements",
	"pg_cursor":             "pg_cursors",
}

func (b *Binder) rangeFunction(rf *pg.RangeFunction, s *scope) (planner.Plan, []scopeCol, []string, error) {
	name := "function"
	var fc *pg.FuncCall
	if len(rf.Functions) > 0 {
		if l := rf.Functions[0].GetList(); l != nil && len(l.Items) > 0 {
			if fc = l.Items[0].GetFuncCall(); fc != nil {
				_, name = funcName(fc.Funcname)
			}
		}
	}
	if view, ok := functionViews[strings.ToLower(name)]; ok && len(fc.Args) == 0 && len(rf.Functions) == 1 &&
		!rf.Lateral && !rf.Ordinality && len(rf.Coldeflist) == 0 {
		if schema, _ := funcName(fc.Funcname); schema == "" || schema == "pg_catalog" {
			alias := rf.Alias
			if alias == nil {
				alias = &pg.Alias{Aliasname: name}
			}
			return b.rangeVar(&pg.RangeVar{Schemaname: "pg_catalog", Relname: view, Alias: alias, Location: fc.Location}, s)
		}
	}
	switch strings.ToLower(name) {
	case "tumble", "hop":
		return b.window(rf, strings.ToLower(name), s)
	}
	if functions.IsSetFunc(name) {
		return b.setFunction(rf, s)
	}
	return b.scalarFunction(rf, s)
}

// scalarFunction binds a function that returns one value in FROM, as
// string_to_array('a,b', ',') AS s: one row with one column named after
// the alias (else the function). Its arguments may refer to outer
// queries but not to other FROM items.
func (b *Binder) scalarFunction(rf *pg.RangeFunction, s *scope) (planner.Plan, []scopeCol, []string, error) {
	if rf.Lateral || rf.Ordinality || len(rf.Functions) != 1 || len(rf.Coldeflist) > 0 {
		return nil, nil, nil, sqlerr.NotSupported("LATERAL, WITH ORDINALITY, ROWS FROM or a column definition list on a function in FROM")
	}
	items := rf.Functions[0].GetList().GetItems()
	if len(items) == 0 || items[0].GetFuncCall() == nil {
		return nil, nil, nil, sqlerr.NotSupported("this kind of function in FROM")
	}
	fc := items[0].GetFuncCall()
	if fc.Over != nil || functions.IsAggregate(funcNameOf(fc)) {
		return nil, nil, nil, b.errAt(fc.Location, sqlerr.GroupingError, "aggregate functions are not allowed in functions in FROM")
	}
	e, err := b.expr(items[0], &scope{parent: s.parent, sub: s.sub, clause: "functions in FROM"})
	if err != nil {
		return nil, nil, nil, err
	}
	if isUnknown(e) {
		if e, err = b.coerce(e, types.TText, types.CastImplicit, fc.Location); err != nil {
			return nil, nil, nil, err
		}
	}
	name := funcNameOf(fc)
	alias, col := name, name
	if rf.Alias != nil {
		alias, col = rf.Alias.Aliasname, rf.Alias.Aliasname
	}
	cols := []types.Column{{Name: col, Type: e.Type()}}
	out, err := b.aliasColumns(cols, alias, rf.Alias)
	if err != nil {
		return nil, nil, nil, err
	}
	cols[0].Name = out[0].name
	return &planner.Values{Cols: cols, Rows: [][]planner.Expr{{e}}}, out, []string{alias}, nil
}

func funcNameOf(fc *pg.FuncCall) string {
	_, name := funcName(fc.Funcname)
	return strings.ToLower(name)
}

// setFunction binds a set-returning function in FROM, as
// generate_series(1, 10) [WITH ORDINALITY] [AS alias [(col [, ord])]].
// Its arguments may refer to outer queries but not to other FROM items
// (that needs LATERAL).
func (b *Binder) setFunction(rf *pg.RangeFunction, s *scope) (planner.Plan, []scopeCol, []string, error) {
	if rf.Lateral || len(rf.Functions) != 1 || len(rf.Coldeflist) > 0 {
		return nil, nil, nil, sqlerr.NotSupported("LATERAL, ROWS FROM or a column definition list on a function in FROM")
	}
	fc := rf.Functions[0].GetList().Items[0].GetFuncCall()
	_, name := funcName(fc.Funcname)
	name = strings.ToLower(name)
	if fc.AggStar || fc.AggDistinct || fc.Over != nil || fc.AggFilter != nil || len(fc.AggOrder) > 0 {
		return nil, nil, nil, b.errAt(fc.Location, sqlerr.WrongObjectType, "%s is not an aggregate or window function", name)
	}
	args, err := b.exprList(fc.Args, &scope{parent: s.parent, sub: s.sub, clause: "functions in FROM"})
	if err != nil {
		return nil, nil, nil, err
	}
	argTypes := make([]types.Type, len(args))
	for i, a := range args {
		argTypes[i] = a.Type()
	}
	fn, casts, err := functions.ResolveSetFunc(name, argTypes)
	if err != nil {
		return nil, nil, nil, withPos(err, b.pos(fc.Location))
	}
	for i, a := range args {
		if args[i], err = b.coerce(a, casts[i], types.CastImplicit, fc.Location); err != nil {
			return nil, nil, nil, err
		}
	}
	alias, col := name, name
	if rf.Alias != nil {
		alias, col = rf.Alias.Aliasname, rf.Alias.Aliasname
	}
	cols := []types.Column{{Name: col, Type: fn.Ret}}
	if len(fn.Fields) > 0 {
		cols = append([]types.Column(nil), fn.Fields...)
	}
	if rf.Ordinality {
		cols = append(cols, types.Column{Name: "ordinality", Type: types.TInt8})
	}
	out, err := b.aliasColumns(cols, alias, rf.Alias)
	if err != nil {
		return nil, nil, nil, err
	}
	for i, c := range out {
		cols[i].Name = c.name
	}
	return &planner.FuncScan{Func: fn, Args: args, Cols: cols, Ordinality: rf.Ordinality}, out, []string{alias}, nil
}

// window binds TUMBLE(rel, time_col, size [, offset]) and
// HOP(rel, time_col, slide, size [, offset]) in FROM.
func (b *Binder) window(rf *pg.RangeFunction, name string, s *scope) (planner.Plan, []scopeCol, []string, error) {
	if rf.Lateral || rf.Ordinality || len(rf.Functions) != 1 {
		return nil, nil, nil, sqlerr.NotSupported("%s with LATERAL, WITH ORDINALITY or ROWS FROM", strings.ToUpper(name))
	}
	fc := rf.Functions[0].GetList().Items[0].GetFuncCall()
	word := strings.ToUpper(name)
	want := 3
	if name == "hop" {
		want = 4
	}
	if len(fc.Args) != want && len(fc.Args) != want+1 {
		return nil, nil, nil, b.errAt(fc.Location, sqlerr.UndefinedFunction, "%s takes a relation, a time column, %s and an optional offset", word,
			map[string]string{"tumble": "a window size", "hop": "a slide and a window size"}[name])
	}
	// The first argument names a relation (table, view, CTE).
	relRef := fc.Args[0].GetColumnRef()
	if relRef == nil {
		return nil, nil, nil, b.errAt(fc.Location, sqlerr.SyntaxError, "the first argument of %s must be a table or view name", word)
	}
	var parts []string
	for _, f := range relRef.Fields {
		parts = append(parts, f.GetString_().GetSval())
	}
	rv := &pg.RangeVar{Relname: parts[len(parts)-1], Location: relRef.Location}
	if len(parts) > 1 {
		rv.Schemaname = parts[len(parts)-2]
	}
	input, cols, tables, err := b.rangeVar(rv, s)
	if err != nil {
		return nil, nil, nil, err
	}
	inner := &scope{parent: s.parent, sub: s.sub, cols: cols, tables: tables}
	te, err := b.expr(fc.Args[1], inner)
	if err != nil {
		return nil, nil, nil, err
	}
	ref, ok := te.(*planner.ColRef)
	if !ok || (ref.Typ.ID != types.Timestamp && ref.Typ.ID != types.Timestamptz) {
		return nil, nil, nil, b.errAt(location(fc.Args[1]), sqlerr.DatatypeMismatch,
			"the time column of %s must be a column of type timestamp or timestamptz, not %s", word, te.Type())
	}
	interval := func(n *pg.Node, what string, allowZero bool) (int64, error) {
		e, err := b.exprAs(n, &scope{}, types.TInterval, types.CastImplicit)
		if err != nil {
			return 0, err
		}
		c, ok := e.(*planner.Const)
		if !ok || c.Val.IsNull() {
			return 0, b.errAt(location(n), sqlerr.FeatureNotSupported, "feature not supported: a %s that is not a constant interval", what)
		}
		iv := c.Val.Interval()
		if iv.Months != 0 {
			return 0, b.errAt(location(n), sqlerr.FeatureNotSupported, "feature not supported: a %s in months or years", what)
		}
		us := int64(iv.Days)*86_400_000_000 + iv.Micros
		if us < 0 || (us == 0 && !allowZero) {
			return 0, b.errAt(location(n), sqlerr.InvalidParameterValue, "the %s of %s must be positive", what, word)
		}
		return us, nil
	}
	h := &planner.Hop{Input: input, TimeCol: ref.Idx, Tumble: name == "tumble"}
	if h.Tumble {
		if h.Size, err = interval(fc.Args[2], "window size", false); err != nil {
			return nil, nil, nil, err
		}
		h.Slide = h.Size
	} else {
		if h.Slide, err = interval(fc.Args[2], "window slide", false); err != nil {
			return nil, nil, nil, err
		}
		if h.Size, err = interval(fc.Args[3], "window size", false); err != nil {
			return nil, nil, nil, err
		}
		if h.Size%h.Slide != 0 {
			return nil, nil, nil, b.errAt(location(fc.Args[3]), sqlerr.InvalidParameterValue,
				"the window size of HOP must be a multiple of its slide")
		}
	}
	if len(fc.Args) == want+1 {
		if h.Offset, err = interval(fc.Args[want], "window offset", true); err != nil {
			return nil, nil, nil, err
		}
	}
	alias := rv.Relname
	if rf.Alias != nil {
		alias = rf.Alias.Aliasname
	}
	out := make([]scopeCol, 0, len(cols)+2)
	for _, c := range cols {
		c.table = alias
		out = append(out, c)
	}
	tt := ref.Typ
	out = append(out, scopeCol{table: alias, name: "window_start", typ: tt}, scopeCol{table: alias, name: "window_end", typ: tt})
	for _, c := range out {
		h.Cols = append(h.Cols, types.Column{Name: c.name, Type: c.typ})
	}
	return h, out, []string{alias}, nil
}

func (b *Binder) join(j *pg.JoinExpr, s *scope) (planner.Plan, []scopeCol, []string, error) {
	lp, lcols, ltabs, err := b.fromItem(j.Larg, s)
	if err != nil {
		return nil, nil, nil, err
	}
	rp, rcols, rtabs, err := b.fromItem(j.Rarg, s)
	if err != nil {
		return nil, nil, nil, err
	}
	kind := planner.InnerJoin
	switch j.Jointype {
	case pg.JoinType_JOIN_LEFT:
		kind = planner.LeftJoin
	case pg.JoinType_JOIN_RIGHT:
		kind = planner.RightJoin
	case pg.JoinType_JOIN_FULL:
		kind = planner.FullJoin
	case pg.JoinType_JOIN_INNER:
	default:
		return nil, nil, nil, sqlerr.NotSupported("join type %s", j.Jointype)
	}
	for _, lt := range ltabs {
		for _, rt := range rtabs {
			if lt == rt {
				return nil, nil, nil, b.errAt(location(j.Rarg), sqlerr.DuplicateAlias, "table name \"%s\" specified more than once", lt)
			}
		}
	}
	js := &scope{parent: s.parent, sub: s.sub, clause: "JOIN conditions", cols: append(append([]scopeCol{}, lcols...), rcols...), tables: append(append([]string{}, ltabs...), rtabs...)}
	join := &planner.Join{Kind: kind, Left: lp, Right: rp}
	var using []string
	if j.IsNatural {
		for _, l := range lcols {
			if l.hidden {
				continue
			}
			for _, r := range rcols {
				if !r.hidden && r.name == l.name {
					using = append(using, l.name)
				}
			}
		}
	}
	for _, u := range j.UsingClause {
		using = append(using, u.GetString_().Sval)
	}
	var conds []planner.Expr
	var merged []scopeCol
	var mergedExprs []planner.Expr
	for _, name := range using {
		li, ri := -1, -1
		for i, c := range lcols {
			if c.name == name {
				li = i
			}
		}
		for i, c := range rcols {
			if c.name == name {
				ri = i
			}
		}
		if li < 0 || ri < 0 {
			return nil, nil, nil, sqlerr.New(sqlerr.UndefinedColumn, "column \"%s\" specified in USING clause does not exist in %s table", name, map[bool]string{true: "left", false: "right"}[li < 0])
		}
		b.useCol(lcols[li])
		b.useCol(rcols[ri])
		l := planner.Expr(&planner.ColRef{Idx: li, Typ: lcols[li].typ, Name: name})
		r := planner.Expr(&planner.ColRef{Idx: len(lcols) + ri, Typ: rcols[ri].typ, Name: name})
		l, r, err = b.comparable(l, r, "=", -1)
		if err != nil {
			return nil, nil, nil, err
		}
		conds = append(conds, &planner.Compare{Op: planner.EQ, L: l, R: r})
		var m planner.Expr
		switch kind {
		case planner.RightJoin:
			m = r
		case planner.FullJoin:
			m = &planner.Coalesce{Args: []planner.Expr{l, r}, Typ: l.Type()}
		default:
			m = l
		}
		merged = append(merged, scopeCol{name: name, typ: m.Type(), using: true})
		mergedExprs = append(mergedExprs, m)
		js.cols[li].hidden = true
		js.cols[len(lcols)+ri].hidden = true
	}
	if j.Quals != nil {
		c, err := b.boolExpr(j.Quals, js, "JOIN/ON")
		if err != nil {
			return nil, nil, nil, err
		}
		conds = append(conds, c)
	}
	join.Cond = planner.MakeAnd(conds)
	cols := js.cols
	var plan planner.Plan = join
	if len(merged) > 0 {
		exprs := append([]planner.Expr{}, mergedExprs...)
		pcols := make([]types.Column, 0, len(merged)+len(cols))
		for _, m := range merged {
			pcols = append(pcols, types.Column{Name: m.name, Type: m.typ})
		}
		for i, c := range cols {
			exprs = append(exprs, &planner.ColRef{Idx: i, Typ: c.typ, Name: c.name})
			pcols = append(pcols, types.Column{Name: c.name, Type: c.typ})
		}
		plan = &planner.Project{Input: join, Exprs: exprs, Cols: pcols}
		cols = append(merged, cols...)
	}
	tables := js.tables
	if j.Alias != nil {
		// An aliased join hides the names inside it.
		for i := range cols {
			cols[i].table = j.Alias.Aliasname
		}
		tables = []string{j.Alias.Aliasname}
	}
	return plan, cols, tables, nil
}
