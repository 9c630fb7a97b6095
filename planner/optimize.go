package planner

import "github.com/eddy-db/eddy/sql/types"

// Optimize rewrites a bound plan into the plan that runs:
//
//   - filters are pushed down through projections and into join inputs;
//   - equality conditions between the two sides of a join become hash
//     join keys;
//   - conditions on a primary-key prefix turn a full scan into a point
//     lookup or a range scan.
//
// Subquery plans inside expressions are optimized too.
func Optimize(p Plan) Plan { return optimize(p, true) }

// optimize applies the rewrites; keyScans turns key conditions into
// point/range scans (batch plans only: a stream source reads every row).
func optimize(p Plan, keyScans bool) Plan {
	o := optimizer{keyScans: keyScans}
	return o.plan(p)
}

type optimizer struct{ keyScans bool }

func (o optimizer) plan(p Plan) Plan {
	switch x := p.(type) {
	case *Filter:
		in := o.plan(x.Input)
		return o.pushFilter(in, Conjuncts(o.expr(x.Cond)))
	case *Project:
		c := *x
		c.Input = o.plan(x.Input)
		c.Exprs = o.exprs(x.Exprs)
		return &c
	case *ProjectSet:
		c := *x
		c.Input = o.plan(x.Input)
		c.Calls = make([]*SetCall, len(x.Calls))
		for i, sc := range x.Calls {
			n := *sc
			n.Args = o.exprs(sc.Args)
			c.Calls[i] = &n
		}
		return &c
	case *Agg:
		c := *x
		c.Input = o.plan(x.Input)
		c.GroupBy = o.exprs(x.GroupBy)
		c.Aggs = make([]AggCall, len(x.Aggs))
		for i, a := range x.Aggs {
			a.Args = o.exprs(a.Args)
			a.Filter = o.expr(a.Filter)
			a.OrderExprs = o.exprs(a.OrderExprs)
			c.Aggs[i] = a
		}
		return &c
	case *Join:
		l, r := o.plan(x.Left), o.plan(x.Right)
		j := &Join{Kind: x.Kind, Left: l, Right: r, LeftKeys: x.LeftKeys, RightKeys: x.RightKeys}
		conds := Conjuncts(o.expr(x.Cond))
		return o.planJoin(j, conds)
	case *Sort:
		c := *x
		c.Input = o.plan(x.Input)
		return &c
	case *Limit:
		c := *x
		c.Input = o.plan(x.Input)
		return &c
	case *Distinct:
		c := *x
		c.Input = o.plan(x.Input)
		return &c
	case *SetOp:
		c := *x
		c.Left, c.Right = o.plan(x.Left), o.plan(x.Right)
		return &c
	case *Values:
		c := *x
		c.Rows = make([][]Expr, len(x.Rows))
		for i, r := range x.Rows {
			c.Rows[i] = o.exprs(r)
		}
		return &c
	case *FuncScan:
		c := *x
		c.Args = o.exprs(x.Args)
		return &c
	case *Hop:
		c := *x
		c.Input = o.plan(x.Input)
		return &c
	case *Window:
		c := *x
		c.Input = o.plan(x.Input)
		c.PartitionBy = o.exprs(x.PartitionBy)
		c.OrderExprs = o.exprs(x.OrderExprs)
		return &c
	case *Insert:
		c := *x
		c.Input = o.plan(x.Input)
		return &c
	case *Update:
		c := *x
		c.Input = o.plan(x.Input)
		c.Set = o.exprs(x.Set)
		return &c
	case *Delete:
		c := *x
		c.Input = o.plan(x.Input)
		return &c
	}
	return p
}

func (o optimizer) exprs(es []Expr) []Expr {
	out := make([]Expr, len(es))
	for i, e := range es {
		out[i] = o.expr(e)
	}
	return out
}

// optimizeExpr optimizes the plans of subqueries inside e.
func (o optimizer) expr(e Expr) Expr {
	if e == nil {
		return nil
	}
	return Map(e, func(x Expr) Expr {
		if s, ok := x.(*Subquery); ok {
			c := *s
			c.Plan = o.plan(s.Plan)
			return &c
		}
		return x
	})
}

// colsUsed returns the smallest and largest column index e reads (-1, -1
// if none).
func colsUsed(e Expr) (lo, hi int) {
	lo, hi = -1, -1
	Walk(e, func(x Expr) bool {
		if c, ok := x.(*ColRef); ok {
			if lo < 0 || c.Idx < lo {
				lo = c.Idx
			}
			if c.Idx > hi {
				hi = c.Idx
			}
		}
		return true
	})
	return lo, hi
}

func hasSubquery(e Expr) bool {
	found := false
	Walk(e, func(x Expr) bool {
		if _, ok := x.(*Subquery); ok {
			found = true
		}
		return !found
	})
	return found
}

// pushFilter places conds (conjuncts over in's output) as low as they go.
func (o optimizer) pushFilter(in Plan, conds []Expr) Plan {
	if len(conds) == 0 {
		return in
	}
	switch x := in.(type) {
	case *Filter:
		return o.pushFilter(x.Input, append(Conjuncts(x.Cond), conds...))
	case *Scan:
		if !o.keyScans {
			break
		}
		return scanWithKey(x, conds)
	case *Join:
		if x.Kind != InnerJoin && x.Kind != LeftJoin && x.Kind != SemiJoin && x.Kind != AntiJoin {
			break
		}
		nl := len(x.Left.Columns())
		var lc, keep, jc []Expr
		for _, c := range conds {
			lo, hi := colsUsed(c)
			switch {
			case lo >= 0 && hi < nl && !hasSubquery(c):
				lc = append(lc, c)
			case x.Kind == InnerJoin && !hasSubquery(c):
				jc = append(jc, c)
			default:
				keep = append(keep, c)
			}
		}
		j := &Join{Kind: x.Kind, Left: o.pushFilter(x.Left, lc), Right: x.Right, LeftKeys: x.LeftKeys, RightKeys: x.RightKeys}
		out := o.planJoin(j, append(Conjuncts(x.Cond), jc...))
		if len(keep) > 0 {
			return &Filter{Input: out, Cond: MakeAnd(keep)}
		}
		return out
	case *Hop:
		// Conditions on the input's columns apply before windowing.
		n := len(x.Input.Columns())
		var push, keep []Expr
		for _, c := range conds {
			if _, hi := colsUsed(c); hi < n && !hasSubquery(c) {
				push = append(push, c)
			} else {
				keep = append(keep, c)
			}
		}
		if len(push) > 0 {
			h := *x
			h.Input = o.pushFilter(x.Input, push)
			if len(keep) > 0 {
				return &Filter{Input: &h, Cond: MakeAnd(keep)}
			}
			return &h
		}
	case *Project:
		var push, keep []Expr
		for _, c := range conds {
			if r, ok := substitute(c, x.Exprs); ok {
				push = append(push, r)
			} else {
				keep = append(keep, c)
			}
		}
		if len(push) > 0 {
			p := &Project{Input: o.pushFilter(x.Input, push), Exprs: x.Exprs, Cols: x.Cols}
			if len(keep) > 0 {
				return &Filter{Input: p, Cond: MakeAnd(keep)}
			}
			return p
		}
	}
	return &Filter{Input: in, Cond: MakeAnd(conds)}
}

// substitute rewrites c (over a projection's output) over the
// projection's input, when every column it reads is a plain column or a
// deterministic expression of the input.
func substitute(c Expr, exprs []Expr) (Expr, bool) {
	if hasSubquery(c) {
		return nil, false
	}
	ok := true
	out := Map(c, func(x Expr) Expr {
		ref, isRef := x.(*ColRef)
		if !isRef {
			return x
		}
		e := exprs[ref.Idx]
		if hasSubquery(e) || hasVolatile(e) {
			ok = false
			return x
		}
		return e
	})
	return out, ok
}

func hasVolatile(e Expr) bool {
	found := false
	Walk(e, func(x Expr) bool {
		if f, ok := x.(*FuncCall); ok && f.Fn.Volatile {
			found = true
		}
		return !found
	})
	return found
}

// planJoin distributes an inner join's conditions: single-side ones go
// into that input, equalities across become hash keys, the rest stays as
// the join's filter. For outer joins conditions stay in the join (a
// right-side-only condition of a left join may go right).
func (o optimizer) planJoin(j *Join, conds []Expr) Plan {
	nl := len(j.Left.Columns())
	var lc, rc, rest []Expr
	for _, c := range conds {
		lo, hi := colsUsed(c)
		switch {
		case lo < 0 || hasSubquery(c):
			rest = append(rest, c)
		case hi < nl && j.Kind == InnerJoin:
			lc = append(lc, c)
		case lo >= nl && (j.Kind == InnerJoin || j.Kind == LeftJoin || j.Kind == SemiJoin || j.Kind == AntiJoin):
			rc = append(rc, ShiftCols(c, -nl))
		default:
			if l, r, ok := equiKey(c, nl); ok {
				j.LeftKeys = append(j.LeftKeys, l)
				j.RightKeys = append(j.RightKeys, r)
				continue
			}
			rest = append(rest, c)
		}
	}
	j.Left = o.pushFilter(j.Left, lc)
	j.Right = o.pushFilter(j.Right, rc)
	j.Cond = MakeAnd(rest)
	return j
}

// equiKey splits l = r where one side reads only the left input and the
// other only the right.
func equiKey(c Expr, nl int) (Expr, Expr, bool) {
	cmp, ok := c.(*Compare)
	if !ok || cmp.Op != EQ {
		return nil, nil, false
	}
	llo, lhi := colsUsed(cmp.L)
	rlo, rhi := colsUsed(cmp.R)
	switch {
	case llo >= 0 && lhi < nl && rlo >= nl:
		return cmp.L, ShiftCols(cmp.R, -nl), true
	case rlo >= 0 && rhi < nl && llo >= nl:
		return cmp.R, ShiftCols(cmp.L, -nl), true
	}
	return nil, nil, false
}

// rowIndependent reports whether e has the same value for every row of
// the scan: constants, parameters and outer references.
func rowIndependent(e Expr) bool {
	ok := true
	Walk(e, func(x Expr) bool {
		switch x := x.(type) {
		case *ColRef, *Subquery:
			ok = false
		case *FuncCall:
			if x.Fn.Volatile {
				ok = false
			}
		}
		return ok
	})
	return ok
}

// keyCompare matches `col op value` (either way round) on column idx.
func keyCompare(c Expr, idx int) (CmpOp, Expr, bool) {
	cmp, ok := c.(*Compare)
	if !ok || cmp.Op == NE {
		return 0, nil, false
	}
	if ref, ok := keyColumn(cmp.L); ok && ref.Idx == idx && rowIndependent(cmp.R) {
		return cmp.Op, cmp.R, true
	}
	if ref, ok := keyColumn(cmp.R); ok && ref.Idx == idx && rowIndependent(cmp.L) {
		return cmp.Op.Flip(), cmp.L, true
	}
	return 0, nil, false
}

// keyColumn sees through casts that do not change a value's key
// encoding (varchar to text).
func keyColumn(e Expr) (*ColRef, bool) {
	if c, ok := e.(*Cast); ok && sameKeyEncoding(c.Arg.Type(), c.Typ) && c.Typ.Mod == 0 {
		e = c.Arg
	}
	ref, ok := e.(*ColRef)
	return ref, ok
}

// sameKeyEncoding reports whether values of the two types have the same
// memcomparable encoding and order.
func sameKeyEncoding(a, b types.Type) bool {
	if a.SameFamily(b) {
		return true
	}
	str := func(t types.Type) bool { return t.ID == types.Text || t.ID == types.Varchar }
	return str(a) && str(b)
}

// scanWithKey turns conditions on a primary-key prefix into the scan's
// key bounds and leaves the rest in a filter above it.
func scanWithKey(s *Scan, conds []Expr) Plan {
	out := *s
	used := make([]bool, len(conds))
	pk := s.Table.PK
	for len(out.Eq) < len(pk) && out.Lo == nil && out.Hi == nil {
		col := pk[len(out.Eq)]
		colType := s.Table.Columns[col].Type
		found := false
		for i, c := range conds {
			if used[i] {
				continue
			}
			op, v, ok := keyCompare(c, col)
			if !ok || op != EQ || !sameKeyEncoding(v.Type(), colType) {
				continue
			}
			out.Eq = append(out.Eq, v)
			used[i] = true
			found = true
			break
		}
		if found {
			continue
		}
		for i, c := range conds {
			if used[i] {
				continue
			}
			op, v, ok := keyCompare(c, col)
			if !ok || !sameKeyEncoding(v.Type(), colType) {
				continue
			}
			switch op {
			case GT, GE:
				if out.Lo == nil {
					out.Lo = &Bound{Val: v, Inclusive: op == GE}
					used[i] = true
				}
			case LT, LE:
				if out.Hi == nil {
					out.Hi = &Bound{Val: v, Inclusive: op == LE}
					used[i] = true
				}
			}
		}
		break
	}
	var rest []Expr
	for i, c := range conds {
		if !used[i] {
			rest = append(rest, c)
		}
	}
	if len(rest) == 0 {
		return &out
	}
	return &Filter{Input: &out, Cond: MakeAnd(rest)}
}
