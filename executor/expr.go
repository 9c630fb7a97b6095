package executor

import (
	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// evalFn computes an expression over one input row.
type evalFn func(row types.Row) (types.Datum, error)

// compile turns a bound expression into a closure. Constant
// subexpressions (parameters included: they are fixed for one execution)
// are computed once here; an error while folding is kept for run time, so
// that an unevaluated branch (CASE WHEN false THEN 1/0) stays harmless.
func (ec *Context) compile(e planner.Expr) (evalFn, error) {
	if e == nil {
		return func(types.Row) (types.Datum, error) { return types.Null, nil }, nil
	}
	f, err := ec.compileNode(e)
	if err != nil {
		return nil, err
	}
	if _, isConst := e.(*planner.Const); !isConst && planner.IsConstant(e) && !hasOuter(e) {
		if v, err := f(nil); err == nil {
			return constFn(v), nil
		}
	}
	return f, nil
}

func hasOuter(e planner.Expr) bool {
	found := false
	planner.Walk(e, func(x planner.Expr) bool {
		if _, ok := x.(*planner.OuterRef); ok {
			found = true
		}
		return !found
	})
	return found
}

// evalOnce evaluates an expression that does not read the current row
// (a scan's key bounds): constants and parameters directly, anything
// else compiled.
func (ec *Context) evalOnce(e planner.Expr) (types.Datum, error) {
	switch x := e.(type) {
	case *planner.Const:
		return x.Val, nil
	case *planner.Param:
		if x.Idx < len(ec.Params) {
			return ec.Params[x.Idx], nil
		}
	}
	f, err := ec.compile(e)
	if err != nil {
		return types.Null, err
	}
	return f(nil)
}

func constFn(v types.Datum) evalFn {
	return func(types.Row) (types.Datum, error) { return v, nil }
}

func (ec *Context) compileAll(es []planner.Expr) ([]evalFn, error) {
	out := make([]evalFn, len(es))
	for i, e := range es {
		f, err := ec.compile(e)
		if err != nil {
			return nil, err
		}
		out[i] = f
	}
	return out, nil
}

func (ec *Context) compileNode(e planner.Expr) (evalFn, error) {
	switch x := e.(type) {
	case *planner.ColRef:
		idx := x.Idx
		return func(row types.Row) (types.Datum, error) { return row[idx], nil }, nil
	case *planner.OuterRef:
		depth, idx := x.Depth, x.Idx
		return func(types.Row) (types.Datum, error) {
			if depth > len(ec.outer) {
				return types.Null, sqlerr.New(sqlerr.InternalError, "outer reference %s without an outer row", x.Name)
			}
			return ec.outer[len(ec.outer)-depth][idx], nil
		}, nil
	case *planner.Const:
		return constFn(x.Val), nil
	case *planner.Param:
		if x.Idx >= len(ec.Params) {
			return nil, sqlerr.New(sqlerr.UndefinedParameter, "there is no parameter $%d", x.Idx+1)
		}
		return constFn(ec.Params[x.Idx]), nil
	case *planner.FuncCall:
		return ec.compileFunc(x)
	case *planner.Cast:
		arg, err := ec.compile(x.Arg)
		if err != nil {
			return nil, err
		}
		from, to, env := x.Arg.Type(), x.Typ, ec.Fn.Env
		if x.Assignment {
			base := types.Type{ID: to.ID, Elem: to.Elem}
			return func(row types.Row) (types.Datum, error) {
				v, err := arg(row)
				if err != nil || v.IsNull() {
					return v, err
				}
				if v, err = types.Cast(v, from, base, env); err != nil {
					return v, err
				}
				return types.ApplyTypmod(v, to)
			}, nil
		}
		return func(row types.Row) (types.Datum, error) {
			v, err := arg(row)
			if err != nil || v.IsNull() {
				return v, err
			}
			return types.Cast(v, from, to, env)
		}, nil
	case *planner.Compare:
		l, err := ec.compile(x.L)
		if err != nil {
			return nil, err
		}
		r, err := ec.compile(x.R)
		if err != nil {
			return nil, err
		}
		return compareFn(x.Op, l, r), nil
	case *planner.IsDistinct:
		l, err := ec.compile(x.L)
		if err != nil {
			return nil, err
		}
		r, err := ec.compile(x.R)
		if err != nil {
			return nil, err
		}
		not := x.Not
		return func(row types.Row) (types.Datum, error) {
			a, err := l(row)
			if err != nil {
				return a, err
			}
			b, err := r(row)
			if err != nil {
				return b, err
			}
			var distinct bool
			switch {
			case a.IsNull() && b.IsNull():
				distinct = false
			case a.IsNull() || b.IsNull():
				distinct = true
			default:
				distinct = types.Compare(a, b) != 0
			}
			return types.NewBool(distinct != not), nil
		}, nil
	case *planner.And:
		args, err := ec.compileAll(x.Args)
		if err != nil {
			return nil, err
		}
		return func(row types.Row) (types.Datum, error) {
			null := false
			for _, a := range args {
				v, err := a(row)
				if err != nil {
					return v, err
				}
				if v.IsNull() {
					null = true
				} else if !v.Bool() {
					return types.NewBool(false), nil
				}
			}
			if null {
				return types.Null, nil
			}
			return types.NewBool(true), nil
		}, nil
	case *planner.Or:
		args, err := ec.compileAll(x.Args)
		if err != nil {
			return nil, err
		}
		return func(row types.Row) (types.Datum, error) {
			null := false
			for _, a := range args {
				v, err := a(row)
				if err != nil {
					return v, err
				}
				if v.IsNull() {
					null = true
				} else if v.Bool() {
					return types.NewBool(true), nil
				}
			}
			if null {
				return types.Null, nil
			}
			return types.NewBool(false), nil
		}, nil
	case *planner.Not:
		arg, err := ec.compile(x.Arg)
		if err != nil {
			return nil, err
		}
		return func(row types.Row) (types.Datum, error) {
			v, err := arg(row)
			if err != nil || v.IsNull() {
				return v, err
			}
			return types.NewBool(!v.Bool()), nil
		}, nil
	case *planner.IsNull:
		arg, err := ec.compile(x.Arg)
		if err != nil {
			return nil, err
		}
		not := x.Not
		return func(row types.Row) (types.Datum, error) {
			v, err := arg(row)
			if err != nil {
				return v, err
			}
			return types.NewBool(v.IsNull() != not), nil
		}, nil
	case *planner.IsBool:
		arg, err := ec.compile(x.Arg)
		if err != nil {
			return nil, err
		}
		want, not := x.Val, x.Not
		return func(row types.Row) (types.Datum, error) {
			v, err := arg(row)
			if err != nil {
				return v, err
			}
			is := !v.IsNull() && v.Bool() == want
			return types.NewBool(is != not), nil
		}, nil
	case *planner.Case:
		conds := make([]evalFn, len(x.Whens))
		vals := make([]evalFn, len(x.Whens))
		for i, w := range x.Whens {
			var err error
			if conds[i], err = ec.compile(w.Cond); err != nil {
				return nil, err
			}
			if vals[i], err = ec.compile(w.Val); err != nil {
				return nil, err
			}
		}
		els, err := ec.compile(x.Else)
		if err != nil {
			return nil, err
		}
		return func(row types.Row) (types.Datum, error) {
			for i, c := range conds {
				v, err := c(row)
				if err != nil {
					return v, err
				}
				if !v.IsNull() && v.Bool() {
					return vals[i](row)
				}
			}
			return els(row)
		}, nil
	case *planner.Coalesce:
		args, err := ec.compileAll(x.Args)
		if err != nil {
			return nil, err
		}
		return func(row types.Row) (types.Datum, error) {
			for _, a := range args {
				v, err := a(row)
				if err != nil || !v.IsNull() {
					return v, err
				}
			}
			return types.Null, nil
		}, nil
	case *planner.NullIf:
		l, err := ec.compile(x.L)
		if err != nil {
			return nil, err
		}
		r, err := ec.compile(x.R)
		if err != nil {
			return nil, err
		}
		from, to := x.L.Type(), x.Type()
		cast := !from.SameFamily(to)
		return func(row types.Row) (types.Datum, error) {
			a, err := l(row)
			if err != nil || a.IsNull() {
				return a, err
			}
			b, err := r(row)
			if err != nil {
				return b, err
			}
			if !b.IsNull() && types.Compare(a, b) == 0 {
				return types.Null, nil
			}
			if cast {
				return types.Cast(a, from, to, ec.Fn.Env)
			}
			return a, nil
		}, nil
	case *planner.InList:
		return ec.compileIn(x)
	case *planner.Subquery:
		return ec.compileSubquery(x)
	case *planner.ArrayExpr:
		elems, err := ec.compileAll(x.Elems)
		if err != nil {
			return nil, err
		}
		return func(row types.Row) (types.Datum, error) {
			out := make([]types.Datum, len(elems))
			for i, f := range elems {
				v, err := f(row)
				if err != nil {
					return v, err
				}
				out[i] = v
			}
			return types.NewArray(out), nil
		}, nil
	case *planner.Subscript:
		arr, err := ec.compile(x.Arr)
		if err != nil {
			return nil, err
		}
		idx, err := ec.compile(x.Idx)
		if err != nil {
			return nil, err
		}
		return func(row types.Row) (types.Datum, error) {
			a, err := arr(row)
			if err != nil || a.IsNull() {
				return types.Null, err
			}
			i, err := idx(row)
			if err != nil || i.IsNull() {
				return types.Null, err
			}
			elems := a.Array()
			n := i.Int()
			if n < 1 || n > int64(len(elems)) {
				return types.Null, nil
			}
			return elems[n-1], nil
		}, nil
	}
	return nil, sqlerr.New(sqlerr.InternalError, "cannot evaluate expression %T", e)
}

func compareFn(op planner.CmpOp, l, r evalFn) evalFn {
	test := cmpTest(op)
	return func(row types.Row) (types.Datum, error) {
		a, err := l(row)
		if err != nil || a.IsNull() {
			return types.Null, err
		}
		b, err := r(row)
		if err != nil || b.IsNull() {
			return types.Null, err
		}
		return types.NewBool(test(types.Compare(a, b))), nil
	}
}

func cmpTest(op planner.CmpOp) func(int) bool {
	switch op {
	case planner.EQ:
		return func(c int) bool { return c == 0 }
	case planner.NE:
		return func(c int) bool { return c != 0 }
	case planner.LT:
		return func(c int) bool { return c < 0 }
	case planner.LE:
		return func(c int) bool { return c <= 0 }
	case planner.GT:
		return func(c int) bool { return c > 0 }
	}
	return func(c int) bool { return c >= 0 }
}

func (ec *Context) compileFunc(x *planner.FuncCall) (evalFn, error) {
	args, err := ec.compileAll(x.Args)
	if err != nil {
		return nil, err
	}
	fn := x.Fn
	fctx := ec.Fn
	buf := make([]types.Datum, len(args))
	strict := !fn.NullCall
	return func(row types.Row) (types.Datum, error) {
		// buf is reused: functions must not keep their args slice.
		for i, a := range args {
			v, err := a(row)
			if err != nil {
				return v, err
			}
			if strict && v.IsNull() {
				return types.Null, nil
			}
			buf[i] = v
		}
		return fn.Eval(fctx, buf)
	}, nil
}

func (ec *Context) compileIn(x *planner.InList) (evalFn, error) {
	arg, err := ec.compile(x.Arg)
	if err != nil {
		return nil, err
	}
	not := x.Not
	allConst := true
	for _, e := range x.List {
		if !planner.IsConstant(e) || hasOuter(e) {
			allConst = false
		}
	}
	t := x.Arg.Type()
	if allConst && len(x.List) > 4 {
		set := make(map[string]struct{}, len(x.List))
		hasNull := false
		for _, e := range x.List {
			f, err := ec.compile(e)
			if err != nil {
				return nil, err
			}
			v, err := f(nil)
			if err != nil {
				return nil, err
			}
			if v.IsNull() {
				hasNull = true
				continue
			}
			set[string(types.AppendKey(nil, v, t, false))] = struct{}{}
		}
		var kb []byte
		return func(row types.Row) (types.Datum, error) {
			v, err := arg(row)
			if err != nil || v.IsNull() {
				return types.Null, err
			}
			kb = types.AppendKey(kb[:0], v, t, false)
			if _, ok := set[string(kb)]; ok {
				return types.NewBool(!not), nil
			}
			if hasNull {
				return types.Null, nil
			}
			return types.NewBool(not), nil
		}, nil
	}
	list, err := ec.compileAll(x.List)
	if err != nil {
		return nil, err
	}
	return func(row types.Row) (types.Datum, error) {
		v, err := arg(row)
		if err != nil || v.IsNull() {
			return types.Null, err
		}
		null := false
		for _, f := range list {
			w, err := f(row)
			if err != nil {
				return w, err
			}
			if w.IsNull() {
				null = true
				continue
			}
			if types.Compare(v, w) == 0 {
				return types.NewBool(!not), nil
			}
		}
		if null {
			return types.Null, nil
		}
		return types.NewBool(not), nil
	}, nil
}

// compileSubquery evaluates a nested query: once (lazily) when it is not
// correlated, or once per outer row with that row pushed for OuterRef.
func (ec *Context) compileSubquery(x *planner.Subquery) (evalFn, error) {
	var arg evalFn
	if x.Arg != nil {
		var err error
		if arg, err = ec.compile(x.Arg); err != nil {
			return nil, err
		}
	}
	node, err := Build(x.Plan)
	if err != nil {
		return nil, err
	}
	var (
		cached    bool
		cachedVal types.Datum
		rows      []types.Row // uncorrelated ANY/ALL: the subquery's rows, read once
		haveRows  bool
	)
	run := func(row types.Row) ([]types.Row, error) {
		if x.Correlated {
			ec.outer = append(ec.outer, row)
			defer func() { ec.outer = ec.outer[:len(ec.outer)-1] }()
		}
		limit := -1
		switch x.Kind {
		case planner.SubExists:
			limit = 1
		case planner.SubScalar:
			limit = 2
		}
		return runNode(ec, node, limit)
	}
	test := cmpTest(x.Op)
	return func(row types.Row) (types.Datum, error) {
		if !x.Correlated && cached {
			return cachedVal, nil
		}
		var out types.Datum
		switch x.Kind {
		case planner.SubAny, planner.SubAll:
			v, err := arg(row)
			if err != nil {
				return v, err
			}
			var rs []types.Row
			if !x.Correlated && haveRows {
				rs = rows
			} else {
				if rs, err = run(row); err != nil {
					return types.Null, err
				}
				if !x.Correlated {
					rows, haveRows = rs, true
				}
			}
			all := x.Kind == planner.SubAll
			null := false
			result := all
			for _, r := range rs {
				if v.IsNull() || r[0].IsNull() {
					null = true
					continue
				}
				ok := test(types.Compare(v, r[0]))
				if ok && !all {
					result = true
					null = false
					break
				}
				if !ok && all {
					result = false
					null = false
					break
				}
			}
			if null {
				return types.Null, nil
			}
			return types.NewBool(result), nil
		default:
			rs, err := run(row)
			if err != nil {
				return types.Null, err
			}
			switch x.Kind {
			case planner.SubExists:
				out = types.NewBool(len(rs) > 0)
			case planner.SubScalar:
				if len(rs) > 1 {
					return types.Null, sqlerr.New(sqlerr.CardinalityViolation, "more than one row returned by a subquery used as an expression")
				}
				if len(rs) == 1 {
					out = rs[0][0]
				}
			case planner.SubArray:
				elems := make([]types.Datum, len(rs))
				for i, r := range rs {
					elems[i] = r[0]
				}
				out = types.NewArray(elems)
			}
		}
		if !x.Correlated {
			cached, cachedVal = true, out
		}
		return out, nil
	}, nil
}

// runNode opens n, reads up to limit rows (-1 = all) and closes it.
func runNode(ec *Context, n Node, limit int) ([]types.Row, error) {
	if err := n.Open(ec); err != nil {
		n.Close()
		return nil, err
	}
	defer n.Close()
	var out []types.Row
	for limit < 0 || len(out) < limit {
		r, err := n.Next()
		if err != nil {
			return nil, err
		}
		if r == nil {
			break
		}
		out = append(out, r)
	}
	return out, nil
}

// Eval computes an expression that reads no row (a constant,
// parameters, a default value).
func Eval(ec *Context, e planner.Expr) (types.Datum, error) {
	f, err := ec.compile(e)
	if err != nil {
		return types.Null, err
	}
	return f(nil)
}

// EvalFunc computes a compiled expression over one row.
type EvalFunc = func(row types.Row) (types.Datum, error)

// Compile compiles an expression for repeated evaluation (stream
// operators compile their expressions once, when they are built).
func (ec *Context) Compile(e planner.Expr) (EvalFunc, error) { return ec.compile(e) }
