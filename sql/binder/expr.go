package binder

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cockroachdb/apd/v3"
	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/functions"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// Expr binds a standalone expression over the given columns (used for
// column defaults, watermarks and generated values).
func (b *Binder) Expr(n *pg.Node, cols []types.Column) (planner.Expr, error) {
	s := &scope{}
	for _, c := range cols {
		s.cols = append(s.cols, scopeCol{name: c.Name, typ: c.Type})
	}
	return b.expr(n, s)
}

// exprAs binds n and coerces it to t in the given context.
func (b *Binder) exprAs(n *pg.Node, s *scope, t types.Type, ctx types.CastContext) (planner.Expr, error) {
	e, err := b.expr(n, s)
	if err != nil {
		return nil, err
	}
	return b.coerce(e, t, ctx, location(n))
}

// boolExpr binds a condition (WHERE, ON, HAVING, CASE WHEN).
func (b *Binder) boolExpr(n *pg.Node, s *scope, clause string) (planner.Expr, error) {
	e, err := b.expr(n, s)
	if err != nil {
		return nil, err
	}
	if e.Type().ID == types.Bool {
		return e, nil
	}
	if isUnknown(e) {
		return b.coerce(e, types.TBool, types.CastImplicit, location(n))
	}
	return nil, b.errAt(location(n), sqlerr.DatatypeMismatch, "argument of %s must be type boolean, not type %s", clause, e.Type())
}

func (b *Binder) expr(n *pg.Node, s *scope) (planner.Expr, error) {
	switch x := n.Node.(type) {
	case *pg.Node_ColumnRef:
		return b.columnRef(x.ColumnRef, s)
	case *pg.Node_AConst:
		return b.constant(x.AConst)
	case *pg.Node_ParamRef:
		return b.param(x.ParamRef)
	case *pg.Node_TypeCast:
		return b.typeCast(x.TypeCast, s)
	case *pg.Node_FuncCall:
		return b.funcCall(x.FuncCall, s)
	case *pg.Node_AExpr:
		return b.aExpr(x.AExpr, s)
	case *pg.Node_BoolExpr:
		return b.boolOp(x.BoolExpr, s)
	case *pg.Node_NullTest:
		arg, err := b.expr(x.NullTest.Arg, s)
		if err != nil {
			return nil, err
		}
		if isUnknown(arg) {
			if arg, err = b.coerce(arg, types.TText, types.CastImplicit, x.NullTest.Location); err != nil {
				return nil, err
			}
		}
		return &planner.IsNull{Arg: arg, Not: x.NullTest.Nulltesttype == pg.NullTestType_IS_NOT_NULL}, nil
	case *pg.Node_BooleanTest:
		arg, err := b.exprAs(x.BooleanTest.Arg, s, types.TBool, types.CastImplicit)
		if err != nil {
			return nil, err
		}
		switch x.BooleanTest.Booltesttype {
		case pg.BoolTestType_IS_TRUE:
			return &planner.IsBool{Arg: arg, Val: true}, nil
		case pg.BoolTestType_IS_NOT_TRUE:
			return &planner.IsBool{Arg: arg, Val: true, Not: true}, nil
		case pg.BoolTestType_IS_FALSE:
			return &planner.IsBool{Arg: arg, Val: false}, nil
		case pg.BoolTestType_IS_NOT_FALSE:
			return &planner.IsBool{Arg: arg, Val: false, Not: true}, nil
		case pg.BoolTestType_IS_UNKNOWN:
			return &planner.IsNull{Arg: arg}, nil
		default:
			return &planner.IsNull{Arg: arg, Not: true}, nil
		}
	case *pg.Node_SubLink:
		return b.subLink(x.SubLink, s)
	case *pg.Node_CaseExpr:
		return b.caseExpr(x.CaseExpr, s)
	case *pg.Node_CoalesceExpr:
		args, err := b.exprList(x.CoalesceExpr.Args, s)
		if err != nil {
			return nil, err
		}
		t, err := b.commonType(args, "COALESCE", x.CoalesceExpr.Location)
		if err != nil {
			return nil, err
		}
		if args, err = b.coerceAll(args, t, x.CoalesceExpr.Location); err != nil {
			return nil, err
		}
		if err := b.noSetCalls(args, "COALESCE", x.CoalesceExpr.Location); err != nil {
			return nil, err
		}
		return &planner.Coalesce{Args: args, Typ: t}, nil
	case *pg.Node_MinMaxExpr:
		name := "greatest"
		if x.MinMaxExpr.Op == pg.MinMaxOp_IS_LEAST {
			name = "least"
		}
		args, err := b.exprList(x.MinMaxExpr.Args, s)
		if err != nil {
			return nil, err
		}
		t, err := b.commonType(args, strings.ToUpper(name), x.MinMaxExpr.Location)
		if err != nil {
			return nil, err
		}
		if args, err = b.coerceAll(args, t, x.MinMaxExpr.Location); err != nil {
			return nil, err
		}
		return b.callFunc(name, args, x.MinMaxExpr.Location, "")
	case *pg.Node_SqlvalueFunction:
		return b.sqlValueFunc(x.SqlvalueFunction)
	case *pg.Node_AArrayExpr:
		return b.arrayExpr(x.AArrayExpr, s)
	case *pg.Node_AIndirection:
		return b.indirection(x.AIndirection, s)
	case *pg.Node_CollateClause:
		return b.collate(x.CollateClause, s)
	case *pg.Node_RowExpr:
		return nil, b.errAt(x.RowExpr.Location, sqlerr.FeatureNotSupported, "feature not supported: row constructors")
	case *pg.Node_GroupingFunc:
		return nil, b.errAt(x.GroupingFunc.Location, sqlerr.FeatureNotSupported, "feature not supported: GROUPING()")
	case *pg.Node_AStar:
		return nil, b.errAt(-1, sqlerr.SyntaxError, "syntax error: * is not allowed here")
	}
	return nil, sqlerr.NotSupported("expression %s", nodeName(n))
}

// Collations lists the collations COLLATE accepts. Eddy compares strings
// bytewise, which is what all of them mean for UTF-8 text (the default
// collation is C).
var Collations = []string{"default", "C", "POSIX", "ucs_basic", "C.utf8"}

// collate binds expr COLLATE name: the collation must be one of
// Collations, which change nothing.
func (b *Binder) collate(c *pg.CollateClause, s *scope) (planner.Expr, error) {
	e, err := b.expr(c.Arg, s)
	if err != nil {
		return nil, err
	}
	schema, name := funcName(c.Collname)
	ok := schema == "" || schema == "pg_catalog"
	if ok {
		ok = false
		for _, n := range Collations {
			ok = ok || n == name
		}
	}
	if !ok {
		full := name
		if schema != "" {
			full = schema + "." + name
		}
		return nil, b.errAt(c.Location, sqlerr.UndefinedObject, "collation \"%s\" for encoding \"UTF8\" does not exist", full)
	}
	if isUnknown(e) {
		return b.coerce(e, types.TText, types.CastImplicit, c.Location)
	}
	switch t := e.Type(); {
	case t.ID == types.Text, t.ID == types.Varchar, t.ID == types.Bpchar, t.ID == types.Name:
	case t.IsArray() && t.ElemType().IsString() && t.Elem != types.Char:
	default:
		return nil, b.errAt(c.Location, sqlerr.DatatypeMismatch, "collations are not supported by type %s", t)
	}
	return e, nil
}

func (b *Binder) exprList(ns []*pg.Node, s *scope) ([]planner.Expr, error) {
	out := make([]planner.Expr, len(ns))
	for i, n := range ns {
		e, err := b.expr(n, s)
		if err != nil {
			return nil, err
		}
		out[i] = e
	}
	return out, nil
}

func nodeName(n *pg.Node) string {
	return strings.TrimPrefix(fmt.Sprintf("%T", n.Node), "*pg_query.Node_")
}

// location returns a node's byte offset in the statement, or -1.
func location(n *pg.Node) int32 {
	if n == nil {
		return -1
	}
	switch x := n.Node.(type) {
	case *pg.Node_ColumnRef:
		return x.ColumnRef.Location
	case *pg.Node_AConst:
		return x.AConst.Location
	case *pg.Node_ParamRef:
		return x.ParamRef.Location
	case *pg.Node_TypeCast:
		if l := location(x.TypeCast.Arg); l >= 0 {
			return l
		}
		return x.TypeCast.Location
	case *pg.Node_FuncCall:
		return x.FuncCall.Location
	case *pg.Node_AExpr:
		if l := location(x.AExpr.Lexpr); l >= 0 {
			return l
		}
		return x.AExpr.Location
	case *pg.Node_BoolExpr:
		return x.BoolExpr.Location
	case *pg.Node_NullTest:
		return x.NullTest.Location
	case *pg.Node_SubLink:
		return x.SubLink.Location
	case *pg.Node_CaseExpr:
		return x.CaseExpr.Location
	case *pg.Node_CoalesceExpr:
		return x.CoalesceExpr.Location
	case *pg.Node_ResTarget:
		return x.ResTarget.Location
	case *pg.Node_RangeVar:
		return x.RangeVar.Location
	case *pg.Node_SortBy:
		return location(x.SortBy.Node)
	case *pg.Node_AArrayExpr:
		return x.AArrayExpr.Location
	case *pg.Node_SqlvalueFunction:
		return x.SqlvalueFunction.Location
	case *pg.Node_MinMaxExpr:
		return x.MinMaxExpr.Location
	case *pg.Node_BooleanTest:
		return x.BooleanTest.Location
	case *pg.Node_CollateClause:
		return location(x.CollateClause.Arg)
	}
	return -1
}

// columnRef resolves a (possibly qualified) column name.
func (b *Binder) columnRef(c *pg.ColumnRef, s *scope) (planner.Expr, error) {
	var parts []string
	for _, f := range c.Fields {
		switch v := f.Node.(type) {
		case *pg.Node_String_:
			parts = append(parts, v.String_.Sval)
		case *pg.Node_AStar:
			return nil, b.errAt(c.Location, sqlerr.FeatureNotSupported, "feature not supported: * in this position")
		}
	}
	var table, name string
	switch len(parts) {
	case 1:
		name = parts[0]
	case 2:
		table, name = parts[0], parts[1]
	case 3:
		table, name = parts[1], parts[2] // schema.table.column
	default:
		return nil, b.errAt(c.Location, sqlerr.SyntaxError, "improper qualified name (too many dotted names): %s", strings.Join(parts, "."))
	}
	display := name
	if table != "" {
		display = table + "." + name
	}
	depth := 0
	for sc := s; sc != nil; sc = sc.parent {
		idx, err := b.findColumn(sc, table, name, c.Location)
		if err != nil {
			return nil, err
		}
		if idx >= 0 {
			col := sc.cols[idx]
			b.useCol(col)
			if depth == 0 {
				return &planner.ColRef{Idx: idx, Typ: col.typ, Name: display, Table: col.table}, nil
			}
			for t := s; t != sc; t = t.parent {
				t.correlated = true
			}
			return &planner.OuterRef{Depth: depth, Idx: idx, Typ: col.typ, Name: display}, nil
		}
		if sc.sub {
			depth++
		}
	}
	if table != "" {
		if !b.hasTable(s, table) {
			return nil, b.errAt(c.Location, sqlerr.UndefinedTable, "missing FROM-clause entry for table \"%s\"", table)
		}
		return nil, b.errAt(c.Location, sqlerr.UndefinedColumn, "column %s.%s does not exist", table, name)
	}
	return nil, b.errAt(c.Location, sqlerr.UndefinedColumn, "column \"%s\" does not exist", name)
}

func (b *Binder) hasTable(s *scope, table string) bool {
	for sc := s; sc != nil; sc = sc.parent {
		for _, t := range sc.tables {
			if t == table {
				return true
			}
		}
	}
	return false
}

// findColumn returns the index of a column in one scope, -1 if absent, or
// a 42702 error if the unqualified name is ambiguous.
func (b *Binder) findColumn(s *scope, table, name string, loc int32) (int, error) {
	found := -1
	for i, c := range s.cols {
		if c.name != name || (table != "" && c.table != table) {
			continue
		}
		if table == "" && c.using {
			return i, nil
		}
		if found >= 0 {
			if table == "" && s.cols[found].using {
				continue
			}
			return -1, b.errAt(loc, sqlerr.AmbiguousColumn, "column reference \"%s\" is ambiguous", name)
		}
		found = i
	}
	return found, nil
}

func (b *Binder) constant(c *pg.A_Const) (planner.Expr, error) {
	if c.Isnull {
		return &planner.Const{Val: types.Null, Typ: types.TUnknown}, nil
	}
	switch v := c.Val.(type) {
	case *pg.A_Const_Ival:
		return &planner.Const{Val: types.NewInt(int64(v.Ival.Ival)), Typ: types.TInt4}, nil
	case *pg.A_Const_Fval:
		return numericLiteral(v.Fval.Fval, c.Location, b)
	case *pg.A_Const_Sval:
		return &planner.Const{Val: types.NewString(v.Sval.Sval), Typ: types.TUnknown}, nil
	case *pg.A_Const_Boolval:
		return &planner.Const{Val: types.NewBool(v.Boolval.Boolval), Typ: types.TBool}, nil
	case *pg.A_Const_Bsval:
		return nil, b.errAt(c.Location, sqlerr.FeatureNotSupported, "feature not supported: bit string literals")
	}
	return &planner.Const{Val: types.Null, Typ: types.TUnknown}, nil
}

// numericLiteral types a number that did not fit int4: int8 if it is an
// integer that fits, numeric otherwise (PostgreSQL's rule).
func numericLiteral(s string, loc int32, b *Binder) (planner.Expr, error) {
	if !strings.ContainsAny(s, ".eE") {
		if v, err := strconv.ParseInt(s, 10, 64); err == nil {
			if v >= -1<<31 && v < 1<<31 {
				return &planner.Const{Val: types.NewInt(v), Typ: types.TInt4}, nil
			}
			return &planner.Const{Val: types.NewInt(v), Typ: types.TInt8}, nil
		}
	}
	d, _, err := apd.NewFromString(s)
	if err != nil {
		return nil, b.errAt(loc, sqlerr.InvalidTextRepresentation, "invalid input syntax for type numeric: \"%s\"", s)
	}
	return &planner.Const{Val: types.NewDecimal(d), Typ: types.TNumeric}, nil
}

func (b *Binder) param(p *pg.ParamRef) (planner.Expr, error) {
	idx := int(p.Number) - 1
	if idx < 0 || idx >= 65535 {
		return nil, b.errAt(p.Location, sqlerr.UndefinedParameter, "there is no parameter $%d", p.Number)
	}
	for len(b.Params) <= idx {
		b.Params = append(b.Params, types.TUnknown)
	}
	return &planner.Param{Idx: idx, Typ: b.Params[idx]}, nil
}

// ResolveTypeName turns a pg_query TypeName into a type, typmod included.
func (b *Binder) ResolveTypeName(tn *pg.TypeName) (types.Type, error) {
	var names []string
	for _, n := range tn.Names {
		if s, ok := n.Node.(*pg.Node_String_); ok {
			names = append(names, s.String_.Sval)
		}
	}
	name := names[len(names)-1]
	if len(names) > 1 && names[0] != "pg_catalog" {
		return types.Type{}, b.errAt(tn.Location, sqlerr.UndefinedObject, "type \"%s\" does not exist", strings.Join(names, "."))
	}
	t, ok := types.ByName(name)
	if !ok || t.ID == types.Unknown && name != "unknown" {
		return types.Type{}, b.errAt(tn.Location, sqlerr.UndefinedObject, "type \"%s\" does not exist", name)
	}
	var mods []int64
	for _, m := range tn.Typmods {
		if c, ok := m.Node.(*pg.Node_AConst); ok {
			if iv, ok := c.AConst.Val.(*pg.A_Const_Ival); ok {
				mods = append(mods, int64(iv.Ival.Ival))
				continue
			}
		}
		return types.Type{}, b.errAt(tn.Location, sqlerr.SyntaxError, "type modifiers must be simple constants or identifiers")
	}
	switch t.ID {
	case types.Varchar, types.Bpchar:
		if len(mods) > 0 {
			if mods[0] < 1 || mods[0] > 10485760 {
				return types.Type{}, b.errAt(tn.Location, sqlerr.InvalidParameterValue, "length for type %s must be at least 1", name)
			}
			t.Mod = int32(mods[0]) + 4
		} else if t.ID == types.Bpchar && name != "bpchar" {
			t.Mod = 1 + 4 // char without length is char(1)
		}
	case types.Numeric:
		if len(mods) > 0 {
			p, sc := mods[0], int64(0)
			if len(mods) > 1 {
				sc = mods[1]
			}
			if p < 1 || p > 1000 {
				return types.Type{}, b.errAt(tn.Location, sqlerr.InvalidParameterValue, "NUMERIC precision %d must be between 1 and 1000", p)
			}
			if sc < 0 || sc > p {
				return types.Type{}, b.errAt(tn.Location, sqlerr.InvalidParameterValue, "NUMERIC scale %d must be between 0 and precision %d", sc, p)
			}
			t.Mod = int32(p<<16|sc) + 4
		}
	case types.Timestamp, types.Timestamptz, types.Time:
		if len(mods) > 0 {
			if mods[0] < 0 || mods[0] > 6 {
				mods[0] = 6
			}
			if mods[0] < 6 {
				t.Mod = int32(mods[0])
			}
		}
	}
	if len(tn.ArrayBounds) > 0 && t.ID != types.Array {
		t = types.Type{ID: types.Array, Elem: t.ID}
	}
	return t, nil
}

// Interval field masks (PostgreSQL's INTERVAL_MASK bits) used by
// INTERVAL '30' MINUTE.
var intervalFieldUnits = map[int64]string{
	1 << 2:  "years",
	1 << 1:  "months",
	1 << 3:  "days",
	1 << 10: "hours",
	1 << 11: "minutes",
	1 << 12: "seconds",
}

func (b *Binder) typeCast(tc *pg.TypeCast, s *scope) (planner.Expr, error) {
	t, err := b.ResolveTypeName(tc.TypeName)
	if err != nil {
		return nil, err
	}
	arg, err := b.expr(tc.Arg, s)
	if err != nil {
		return nil, err
	}
	if t.ID == types.Interval && len(tc.TypeName.Typmods) > 0 {
		// INTERVAL '30' MINUTE: a bare number counts in the named unit.
		if c, ok := arg.(*planner.Const); ok && c.Typ.ID == types.Unknown && !c.Val.IsNull() {
			if m, ok := tc.TypeName.Typmods[0].Node.(*pg.Node_AConst); ok {
				if iv, ok := m.AConst.Val.(*pg.A_Const_Ival); ok {
					if unit, ok := intervalFieldUnits[int64(iv.Ival.Ival)]; ok {
						str := strings.TrimSpace(c.Val.Str())
						if _, err := strconv.ParseFloat(str, 64); err == nil {
							arg = &planner.Const{Val: types.NewString(str + " " + unit), Typ: types.TUnknown}
						}
					}
				}
			}
		}
		t.Mod = 0
	}
	return b.coerce(arg, t, types.CastExplicit, location(tc.Arg))
}

func funcName(names []*pg.Node) (schema, name string) {
	var parts []string
	for _, n := range names {
		if s, ok := n.Node.(*pg.Node_String_); ok {
			parts = append(parts, s.String_.Sval)
		}
	}
	if len(parts) == 0 {
		return "", ""
	}
	name = parts[len(parts)-1]
	if len(parts) > 1 {
		schema = parts[len(parts)-2]
	}
	return schema, name
}

func (b *Binder) funcCall(fc *pg.FuncCall, s *scope) (planner.Expr, error) {
	schema, name := funcName(fc.Funcname)
	name = strings.ToLower(name)
	if schema != "" && schema != "pg_catalog" {
		return nil, b.errAt(fc.Location, sqlerr.UndefinedFunction, "function %s.%s does not exist", schema, name)
	}
	if fc.Over != nil {
		return b.windowCall(fc, name, s)
	}
	if functions.IsAggregate(name) {
		return b.aggregate(fc, name, s)
	}
	if fc.AggDistinct || fc.AggStar || fc.AggFilter != nil || len(fc.AggOrder) > 0 {
		return nil, b.errAt(fc.Location, sqlerr.WrongObjectType, "%s is not an aggregate function", name)
	}
	if functions.IsSetFunc(name) {
		return b.setCall(fc, name, s)
	}
	args, err := b.exprList(fc.Args, s)
	if err != nil {
		return nil, err
	}
	switch name {
	case "coalesce":
		t, err := b.commonType(args, "COALESCE", fc.Location)
		if err != nil {
			return nil, err
		}
		if args, err = b.coerceAll(args, t, fc.Location); err != nil {
			return nil, err
		}
		if err := b.noSetCalls(args, "COALESCE", fc.Location); err != nil {
			return nil, err
		}
		return &planner.Coalesce{Args: args, Typ: t}, nil
	case "nullif":
		if len(args) == 2 {
			return b.nullIf(args[0], args[1], fc.Location)
		}
	case "pg_typeof":
		if len(args) == 1 && planner.HasSetCall(args[0]) {
			return nil, b.errAt(fc.Location, sqlerr.FeatureNotSupported, "feature not supported: pg_typeof() of a set-returning function")
		}
		if len(args) == 1 {
			t := args[0].Type()
			return &planner.Const{Val: types.NewInt(int64(t.OID())), Typ: types.TRegtype}, nil
		}
	}
	return b.callFunc(name, args, fc.Location, "")
}

// callFunc resolves a function or operator over bound arguments.
func (b *Binder) callFunc(name string, args []planner.Expr, loc int32, op string) (planner.Expr, error) {
	if (name == "array_lower" || name == "array_upper") && len(args) > 0 {
		// A vector cast to an array keeps its bounds (from 0).
		args[0] = uncastVector(args[0])
	}
	argTypes := make([]types.Type, len(args))
	for i, a := range args {
		argTypes[i] = a.Type()
	}
	var (
		fn    *functions.Func
		casts []types.Type
	)
	if sf, ok := b.env.SessionFunc(name, argTypes); ok && op == "" {
		fn, casts = sf, sf.Args
		if sf.Variadic || len(casts) != len(args) {
			casts = argTypes
		}
	} else if t, ok := functionStyleCast(name, argTypes); ok && op == "" {
		return b.coerce(args[0], t, types.CastExplicit, loc)
	} else {
		var err error
		fn, casts, err = functions.Resolve(name, argTypes)
		if err != nil {
			return nil, withPos(err, b.pos(loc))
		}
	}
	out := make([]planner.Expr, len(args))
	for i, a := range args {
		t := a.Type()
		if i < len(casts) {
			t = casts[i]
		}
		if t.ID == types.Unknown {
			t = types.TText
		}
		c, err := b.coerce(a, t, types.CastImplicit, loc)
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	rt := fn.Ret
	if fn.RetFunc != nil {
		ts := make([]types.Type, len(out))
		for i, a := range out {
			ts[i] = a.Type()
		}
		rt = fn.RetFunc(ts)
	}
	return &planner.FuncCall{Fn: fn, Args: out, Typ: rt, Op: op}, nil
}

// functionStyleCast reports whether a call of a type's name with one
// argument is a cast, as PostgreSQL's func_get_detail decides: when no
// overload takes the argument's type exactly and the argument is an
// untyped literal, or converts without a function (binary-coercible, or
// through its text form): text(5), int8('7'), varchar(name).
func functionStyleCast(name string, args []types.Type) (types.Type, bool) {
	if len(args) != 1 {
		return types.Type{}, false
	}
	t, ok := types.ByName(name)
	if !ok || t.TypName() != name || t.ID == types.Unknown || t.ID == types.Void || t.ID == types.Record {
		return types.Type{}, false
	}
	if functions.HasExactOverload(name, args) {
		return types.Type{}, false
	}
	if args[0].ID == types.Unknown {
		return t, true
	}
	m, ok := types.CastPath(args[0], t)
	if !ok || m == types.CastFunction || args[0].ID == types.Record && t.IsString() {
		return types.Type{}, false
	}
	return t, true
}

// windowCall binds row_number(), rank() or dense_rank() OVER (...).
func (b *Binder) windowCall(fc *pg.FuncCall, name string, s *scope) (planner.Expr, error) {
	switch name {
	case "row_number", "rank", "dense_rank":
	default:
		return nil, b.errAt(fc.Location, sqlerr.FeatureNotSupported, "feature not supported: window function %s", name)
	}
	if s.agg == nil || s.agg.inAgg {
		where := "here"
		if s.clause != "" {
			where = "in " + s.clause
		}
		return nil, b.errAt(fc.Location, sqlerr.WindowingError, "window functions are not allowed %s", where)
	}
	if len(fc.Args) > 0 {
		return nil, b.errAt(fc.Location, sqlerr.UndefinedFunction, "function %s() takes no arguments", name)
	}
	w := fc.Over
	if w.Name != "" || w.Refname != "" {
		return nil, b.errAt(fc.Location, sqlerr.FeatureNotSupported, "feature not supported: named windows")
	}
	if w.FrameOptions&0x10 != 0 || w.StartOffset != nil || w.EndOffset != nil {
		// Frames do not change row_number/rank/dense_rank; explicit ones are rejected.
		if w.StartOffset != nil || w.EndOffset != nil {
			return nil, b.errAt(fc.Location, sqlerr.FeatureNotSupported, "feature not supported: window frames")
		}
	}
	ref := &winRef{fn: name, idx: len(s.agg.wins)}
	clause, setFuncs := s.clause, s.setFuncs
	s.clause, s.setFuncs = "window definitions", false
	defer func() { s.clause, s.setFuncs = clause, setFuncs }()
	for _, p := range w.PartitionClause {
		e, err := b.expr(p, s)
		if err != nil {
			return nil, err
		}
		if isUnknown(e) {
			if e, err = b.coerce(e, types.TText, types.CastImplicit, location(p)); err != nil {
				return nil, err
			}
		}
		ref.partition = append(ref.partition, e)
	}
	for i, n := range w.OrderClause {
		sb := n.GetSortBy()
		e, err := b.expr(sb.Node, s)
		if err != nil {
			return nil, err
		}
		if isUnknown(e) {
			if e, err = b.coerce(e, types.TText, types.CastImplicit, location(sb.Node)); err != nil {
				return nil, err
			}
		}
		ref.orderBy = append(ref.orderBy, e)
		ref.keys = append(ref.keys, sortKey(sb, i))
	}
	s.agg.wins = append(s.agg.wins, ref)
	return ref, nil
}

func (b *Binder) aggregate(fc *pg.FuncCall, name string, s *scope) (planner.Expr, error) {
	if s.agg == nil {
		if s.clause != "" {
			return nil, b.errAt(fc.Location, sqlerr.GroupingError, "aggregate functions are not allowed in %s", s.clause)
		}
		return nil, b.errAt(fc.Location, sqlerr.GroupingError, "aggregate functions are not allowed here")
	}
	if s.agg.inAgg {
		return nil, b.errAt(fc.Location, sqlerr.GroupingError, "aggregate function calls cannot be nested")
	}
	s.agg.inAgg = true
	defer func() { s.agg.inAgg = false }()
	var args []planner.Expr
	if !fc.AggStar {
		var err error
		if args, err = b.exprList(fc.Args, s); err != nil {
			return nil, err
		}
	}
	argTypes := make([]types.Type, len(args))
	for i, a := range args {
		argTypes[i] = a.Type()
		// PostgreSQL has min/max for text, not varchar or name: their
		// values aggregate as text.
		if (name == "min" || name == "max") && (argTypes[i].ID == types.Varchar || argTypes[i].ID == types.Name) {
			argTypes[i] = types.TText
		}
	}
	agg, casts, err := functions.ResolveAggregate(name, argTypes)
	if err != nil {
		return nil, withPos(err, b.pos(fc.Location))
	}
	for i := range args {
		t := args[i].Type()
		if i < len(casts) {
			t = casts[i]
		}
		if t.ID == types.Unknown {
			t = types.TText
		}
		if args[i], err = b.coerce(args[i], t, types.CastImplicit, fc.Location); err != nil {
			return nil, err
		}
		argTypes[i] = args[i].Type()
	}
	call := planner.AggCall{Agg: agg, Args: args, Distinct: fc.AggDistinct, Name: name}
	call.Typ = agg.Ret
	if agg.RetFunc != nil {
		call.Typ = agg.RetFunc(argTypes)
	}
	if fc.AggFilter != nil {
		f, err := b.boolExpr(fc.AggFilter, s, "FILTER")
		if err != nil {
			return nil, err
		}
		call.Filter = f
	}
	for i, n := range fc.AggOrder {
		sb := n.GetSortBy()
		if sb.SortbyDir == pg.SortByDir_SORTBY_USING {
			return nil, sqlerr.NotSupported("ORDER BY ... USING")
		}
		e, err := b.expr(sb.Node, s)
		if err != nil {
			return nil, err
		}
		if isUnknown(e) {
			if e, err = b.coerce(e, types.TText, types.CastImplicit, location(sb.Node)); err != nil {
				return nil, err
			}
		}
		call.OrderExprs = append(call.OrderExprs, e)
		key := planner.SortKey{Idx: i, Desc: sb.SortbyDir == pg.SortByDir_SORTBY_DESC}
		switch sb.SortbyNulls {
		case pg.SortByNulls_SORTBY_NULLS_FIRST:
			key.NullsFirst = true
		case pg.SortByNulls_SORTBY_NULLS_LAST:
		default:
			key.NullsFirst = key.Desc
		}
		call.OrderBy = append(call.OrderBy, key)
	}
	ref := &aggRef{call: call, idx: len(s.agg.calls)}
	s.agg.calls = append(s.agg.calls, ref)
	return ref, nil
}

func (b *Binder) aExpr(a *pg.A_Expr, s *scope) (planner.Expr, error) {
	schema, op := funcName(a.Name)
	if schema != "" && schema != "pg_catalog" {
		// OPERATOR(schema.op): the operators all live in pg_catalog.
		sig := schema + "." + op
		if a.Lexpr != nil {
			l, err := b.expr(a.Lexpr, s)
			if err != nil {
				return nil, err
			}
			sig = l.Type().String() + " " + sig
		}
		if a.Rexpr != nil {
			r, err := b.expr(a.Rexpr, s)
			if err != nil {
				return nil, err
			}
			sig += " " + r.Type().String()
		}
		return nil, b.errAt(a.Location, sqlerr.UndefinedFunction, "operator does not exist: %s", sig)
	}
	switch a.Kind {
	case pg.A_Expr_Kind_AEXPR_OP:
		if a.Lexpr == nil {
			r, err := b.expr(a.Rexpr, s)
			if err != nil {
				return nil, err
			}
			if op == "-" {
				if c, ok := r.(*planner.Const); ok && !c.Val.IsNull() {
					if neg, ok := negateConst(c); ok {
						return neg, nil
					}
				}
			}
			return b.callFunc(op, []planner.Expr{r}, a.Location, op)
		}
		l, err := b.expr(a.Lexpr, s)
		if err != nil {
			return nil, err
		}
		r, err := b.expr(a.Rexpr, s)
		if err != nil {
			return nil, err
		}
		return b.binaryOp(op, l, r, a.Location)
	case pg.A_Expr_Kind_AEXPR_DISTINCT, pg.A_Expr_Kind_AEXPR_NOT_DISTINCT:
		l, r, err := b.bindPair(a, s, "=")
		if err != nil {
			return nil, err
		}
		return &planner.IsDistinct{L: l, R: r, Not: a.Kind == pg.A_Expr_Kind_AEXPR_NOT_DISTINCT}, nil
	case pg.A_Expr_Kind_AEXPR_NULLIF:
		l, err := b.expr(a.Lexpr, s)
		if err != nil {
			return nil, err
		}
		r, err := b.expr(a.Rexpr, s)
		if err != nil {
			return nil, err
		}
		return b.nullIf(l, r, a.Location)
	case pg.A_Expr_Kind_AEXPR_IN:
		return b.inList(a, op, s)
	case pg.A_Expr_Kind_AEXPR_LIKE, pg.A_Expr_Kind_AEXPR_ILIKE, pg.A_Expr_Kind_AEXPR_SIMILAR:
		// SIMILAR TO arrives as ~ (or !~) over similar_to_escape(pattern).
		l, err := b.expr(a.Lexpr, s)
		if err != nil {
			return nil, err
		}
		r, err := b.expr(a.Rexpr, s)
		if err != nil {
			return nil, err
		}
		return b.callFunc(op, []planner.Expr{l, r}, a.Location, op)
	case pg.A_Expr_Kind_AEXPR_BETWEEN, pg.A_Expr_Kind_AEXPR_NOT_BETWEEN,
		pg.A_Expr_Kind_AEXPR_BETWEEN_SYM, pg.A_Expr_Kind_AEXPR_NOT_BETWEEN_SYM:
		return b.between(a, s)
	case pg.A_Expr_Kind_AEXPR_OP_ANY, pg.A_Expr_Kind_AEXPR_OP_ALL:
		return b.anyAll(a, op, s)
	}
	return nil, b.errAt(a.Location, sqlerr.FeatureNotSupported, "feature not supported: operator kind %s", a.Kind)
}

// nullIf binds NULLIF(l, r). Its type is the left argument's after
// PostgreSQL's resolution of "=": integers and floats compare across
// widths and keep their own type; other pairs meet in one type.
func (b *Binder) nullIf(l, r planner.Expr, loc int32) (planner.Expr, error) {
	lt, rt := l.Type(), r.Type()
	lc, rc, err := b.comparable(l, r, "=", loc)
	if err != nil {
		return nil, err
	}
	t := lc.Type()
	switch {
	case lt.IsInteger() && rt.IsInteger(),
		(lt.ID == types.Float4 || lt.ID == types.Float8) && (rt.ID == types.Float4 || rt.ID == types.Float8):
		t = lt
	case t.ID == types.Varchar || t.ID == types.Name:
		t = types.TText // compared with text's "="
	}
	return &planner.NullIf{L: lc, R: rc, Typ: t}, nil
}

func negateConst(c *planner.Const) (planner.Expr, bool) {
	switch c.Typ.ID {
	case types.Int4, types.Int8:
		v := c.Val.Int()
		if v == -v && v != 0 {
			return nil, false
		}
		if c.Typ.ID == types.Int8 && -v >= -1<<31 && -v < 1<<31 {
			// -2147483648 is an int4 literal in PostgreSQL.
			return &planner.Const{Val: types.NewInt(-v), Typ: types.TInt4}, true
		}
		return &planner.Const{Val: types.NewInt(-v), Typ: c.Typ}, true
	case types.Numeric:
		d := new(apd.Decimal)
		d.Neg(c.Val.Decimal())
		return &planner.Const{Val: types.NewDecimal(d), Typ: c.Typ}, true
	}
	return nil, false
}

func (b *Binder) bindPair(a *pg.A_Expr, s *scope, op string) (planner.Expr, planner.Expr, error) {
	l, err := b.expr(a.Lexpr, s)
	if err != nil {
		return nil, nil, err
	}
	r, err := b.expr(a.Rexpr, s)
	if err != nil {
		return nil, nil, err
	}
	return b.comparable(l, r, op, a.Location)
}

var cmpOps = map[string]planner.CmpOp{
	"=": planner.EQ, "<>": planner.NE, "!=": planner.NE,
	"<": planner.LT, "<=": planner.LE, ">": planner.GT, ">=": planner.GE,
}

// Comparable reports whether values of type t have the comparison
// operators =, <>, <, <=, > and >=: every type but json, which has none
// in PostgreSQL either.
func Comparable(t types.Type) bool { return t.ID != types.Json }

// binaryOp binds l op r: comparisons generically, anything else through
// the function library.
func (b *Binder) binaryOp(op string, l, r planner.Expr, loc int32) (planner.Expr, error) {
	if c, ok := cmpOps[op]; ok {
		if !Comparable(l.Type()) || !Comparable(r.Type()) {
			return nil, b.errAt(loc, sqlerr.UndefinedFunction, "operator does not exist: %s %s %s", l.Type(), op, r.Type())
		}
		l, r, err := b.comparable(l, r, op, loc)
		if err != nil {
			return nil, err
		}
		return &planner.Compare{Op: c, L: l, R: r}, nil
	}
	return b.callFunc(op, []planner.Expr{l, r}, loc, op)
}

func (b *Binder) boolOp(be *pg.BoolExpr, s *scope) (planner.Expr, error) {
	args := make([]planner.Expr, len(be.Args))
	clause := map[pg.BoolExprType]string{pg.BoolExprType_AND_EXPR: "AND", pg.BoolExprType_OR_EXPR: "OR", pg.BoolExprType_NOT_EXPR: "NOT"}[be.Boolop]
	for i, n := range be.Args {
		e, err := b.boolExpr(n, s, clause)
		if err != nil {
			return nil, err
		}
		args[i] = e
	}
	switch be.Boolop {
	case pg.BoolExprType_AND_EXPR:
		return &planner.And{Args: args}, nil
	case pg.BoolExprType_OR_EXPR:
		return &planner.Or{Args: args}, nil
	}
	return &planner.Not{Arg: args[0]}, nil
}

func (b *Binder) inList(a *pg.A_Expr, op string, s *scope) (planner.Expr, error) {
	l, err := b.expr(a.Lexpr, s)
	if err != nil {
		return nil, err
	}
	list, ok := a.Rexpr.Node.(*pg.Node_List)
	if !ok {
		return nil, b.errAt(a.Location, sqlerr.SyntaxError, "syntax error in IN list")
	}
	items, err := b.exprList(list.List.Items, s)
	if err != nil {
		return nil, err
	}
	all := append([]planner.Expr{l}, items...)
	t, err := b.commonType(all, "IN", a.Location)
	if err != nil {
		return nil, err
	}
	if all, err = b.coerceAll(all, t, a.Location); err != nil {
		return nil, err
	}
	return &planner.InList{Arg: all[0], List: all[1:], Not: op == "<>"}, nil
}

func (b *Binder) between(a *pg.A_Expr, s *scope) (planner.Expr, error) {
	x, err := b.expr(a.Lexpr, s)
	if err != nil {
		return nil, err
	}
	list, ok := a.Rexpr.Node.(*pg.Node_List)
	if !ok || len(list.List.Items) != 2 {
		return nil, b.errAt(a.Location, sqlerr.SyntaxError, "syntax error in BETWEEN")
	}
	lo, err := b.expr(list.List.Items[0], s)
	if err != nil {
		return nil, err
	}
	hi, err := b.expr(list.List.Items[1], s)
	if err != nil {
		return nil, err
	}
	x1, lo, err := b.comparable(x, lo, ">=", a.Location)
	if err != nil {
		return nil, err
	}
	x2, hi, err := b.comparable(x, hi, "<=", a.Location)
	if err != nil {
		return nil, err
	}
	in := &planner.And{Args: []planner.Expr{
		&planner.Compare{Op: planner.GE, L: x1, R: lo},
		&planner.Compare{Op: planner.LE, L: x2, R: hi},
	}}
	var e planner.Expr = in
	if a.Kind == pg.A_Expr_Kind_AEXPR_BETWEEN_SYM || a.Kind == pg.A_Expr_Kind_AEXPR_NOT_BETWEEN_SYM {
		e = &planner.Or{Args: []planner.Expr{in, &planner.And{Args: []planner.Expr{
			&planner.Compare{Op: planner.GE, L: x1, R: hi},
			&planner.Compare{Op: planner.LE, L: x2, R: lo},
		}}}}
	}
	if a.Kind == pg.A_Expr_Kind_AEXPR_NOT_BETWEEN || a.Kind == pg.A_Expr_Kind_AEXPR_NOT_BETWEEN_SYM {
		return &planner.Not{Arg: e}, nil
	}
	return e, nil
}

// anyAll binds x op ANY/ALL (array). A literal array list becomes an IN
// list; an array value is compared element by element at run time.
func (b *Binder) anyAll(a *pg.A_Expr, op string, s *scope) (planner.Expr, error) {
	c, ok := cmpOps[op]
	if !ok {
		return nil, b.errAt(a.Location, sqlerr.FeatureNotSupported, "feature not supported: %s ANY/ALL", op)
	}
	x, err := b.expr(a.Lexpr, s)
	if err != nil {
		return nil, err
	}
	arr, err := b.expr(a.Rexpr, s)
	if err != nil {
		return nil, err
	}
	if isUnknown(arr) {
		et := x.Type()
		if et.ID == types.Unknown {
			et = types.TText
		}
		if arr, err = b.coerce(arr, types.ArrayOf(et.ID), types.CastImplicit, a.Location); err != nil {
			return nil, err
		}
	}
	at := arr.Type()
	if !at.IsArray() && !at.IsVector() {
		return nil, b.errAt(a.Location, sqlerr.WrongObjectType, "op ANY/ALL (array) requires array on right side")
	}
	elem := at.ElemType()
	if !isUnknown(x) && !x.Type().SameFamily(elem) {
		// Compare in the common type of both sides (1 = ANY(smallint[])).
		if t, err := b.commonType([]planner.Expr{x, &planner.ColRef{Typ: elem}}, "ANY", a.Location); err == nil && !t.SameFamily(elem) {
			if arr, err = b.coerce(arr, types.ArrayOf(t.ID), types.CastImplicit, a.Location); err != nil {
				return nil, err
			}
			elem = t
		}
	}
	if x, err = b.coerce(x, elem, types.CastImplicit, a.Location); err != nil {
		return nil, err
	}
	fn := anyAllFunc(c, a.Kind == pg.A_Expr_Kind_AEXPR_OP_ALL)
	return &planner.FuncCall{Fn: fn, Args: []planner.Expr{x, arr}, Typ: types.TBool}, nil
}

func anyAllFunc(op planner.CmpOp, all bool) *functions.Func {
	name := "any"
	if all {
		name = "all"
	}
	return &functions.Func{
		Name:     op.String() + " " + name,
		Ret:      types.TBool,
		NullCall: true,
		Eval: func(_ *functions.Context, args []types.Datum) (types.Datum, error) {
			if args[1].IsNull() {
				return types.Null, nil
			}
			sawNull := args[0].IsNull()
			for _, e := range args[1].Array() {
				if e.IsNull() || args[0].IsNull() {
					sawNull = true
					continue
				}
				r := EvalCmp(op, types.Compare(args[0], e))
				if r && !all {
					return types.NewBool(true), nil
				}
				if !r && all {
					return types.NewBool(false), nil
				}
			}
			if sawNull {
				return types.Null, nil
			}
			return types.NewBool(all), nil
		},
	}
}

// EvalCmp applies a comparison operator to a Compare result.
func EvalCmp(op planner.CmpOp, c int) bool {
	switch op {
	case planner.EQ:
		return c == 0
	case planner.NE:
		return c != 0
	case planner.LT:
		return c < 0
	case planner.LE:
		return c <= 0
	case planner.GT:
		return c > 0
	}
	return c >= 0
}

func (b *Binder) caseExpr(ce *pg.CaseExpr, s *scope) (planner.Expr, error) {
	var operand planner.Expr
	if ce.Arg != nil {
		var err error
		if operand, err = b.expr(ce.Arg, s); err != nil {
			return nil, err
		}
	}
	var whens []planner.When
	var vals []planner.Expr
	for _, n := range ce.Args {
		w := n.GetCaseWhen()
		var cond planner.Expr
		var err error
		if operand != nil {
			v, err := b.expr(w.Expr, s)
			if err != nil {
				return nil, err
			}
			l, r, err := b.comparable(operand, v, "=", w.Location)
			if err != nil {
				return nil, err
			}
			cond = &planner.Compare{Op: planner.EQ, L: l, R: r}
		} else if cond, err = b.boolExpr(w.Expr, s, "CASE/WHEN"); err != nil {
			return nil, err
		}
		val, err := b.expr(w.Result, s)
		if err != nil {
			return nil, err
		}
		whens = append(whens, planner.When{Cond: cond, Val: val})
		vals = append(vals, val)
	}
	var els planner.Expr
	if ce.Defresult != nil {
		var err error
		if els, err = b.expr(ce.Defresult, s); err != nil {
			return nil, err
		}
		// PostgreSQL considers the ELSE result first.
		vals = append([]planner.Expr{els}, vals...)
	}
	t, err := b.commonType(vals, "CASE", ce.Location)
	if err != nil {
		return nil, err
	}
	for i := range whens {
		if whens[i].Val, err = b.coerce(whens[i].Val, t, types.CastImplicit, ce.Location); err != nil {
			return nil, err
		}
	}
	if els != nil {
		if els, err = b.coerce(els, t, types.CastImplicit, ce.Location); err != nil {
			return nil, err
		}
	}
	for _, w := range whens {
		if err := b.noSetCalls([]planner.Expr{w.Cond, w.Val}, "CASE", ce.Location); err != nil {
			return nil, err
		}
	}
	if err := b.noSetCalls([]planner.Expr{els}, "CASE", ce.Location); err != nil {
		return nil, err
	}
	return &planner.Case{Whens: whens, Else: els, Typ: t}, nil
}

// setCallsUnsupported are the clauses where PostgreSQL allows
// set-returning functions but Eddy does not run them.
var setCallsUnsupported = map[string]bool{"GROUP BY": true, "window definitions": true}

// setCall binds a set-returning function in a select list, where it
// becomes a column of a ProjectSet node; elsewhere it is an error, as in
// PostgreSQL.
func (b *Binder) setCall(fc *pg.FuncCall, name string, s *scope) (planner.Expr, error) {
	switch {
	case s.clause == "functions in FROM":
		return nil, b.errAt(fc.Location, sqlerr.FeatureNotSupported, "set-returning functions must appear at top level of FROM")
	case s.agg != nil && s.agg.inAgg:
		return nil, b.errAt(fc.Location, sqlerr.FeatureNotSupported, "aggregate function calls cannot contain set-returning function calls").
			WithHint("You might be able to move the set-returning function into a LATERAL FROM item.")
	case setCallsUnsupported[s.clause]:
		return nil, b.errAt(fc.Location, sqlerr.FeatureNotSupported, "feature not supported: set-returning functions in %s", s.clause)
	case s.clause != "":
		return nil, b.errAt(fc.Location, sqlerr.FeatureNotSupported, "set-returning functions are not allowed in %s", s.clause)
	case !s.setFuncs:
		return nil, b.errAt(fc.Location, sqlerr.FeatureNotSupported, "set-returning functions are not allowed here")
	}
	if fc.AggStar || fc.AggDistinct || fc.AggFilter != nil || len(fc.AggOrder) > 0 {
		return nil, b.errAt(fc.Location, sqlerr.WrongObjectType, "%s is not an aggregate function", name)
	}
	args, err := b.exprList(fc.Args, s)
	if err != nil {
		return nil, err
	}
	argTypes := make([]types.Type, len(args))
	for i, a := range args {
		argTypes[i] = a.Type()
	}
	fn, casts, err := functions.ResolveSetFunc(name, argTypes)
	if err != nil {
		return nil, withPos(err, b.pos(fc.Location))
	}
	for i, a := range args {
		if args[i], err = b.coerce(a, casts[i], types.CastImplicit, fc.Location); err != nil {
			return nil, err
		}
	}
	return &planner.SetCall{Fn: fn, Args: args, Typ: fn.Ret}, nil
}

// noSetCalls rejects set-returning functions inside a conditional
// expression (CASE, COALESCE), whose arms PostgreSQL does not run in
// lockstep.
func (b *Binder) noSetCalls(es []planner.Expr, what string, loc int32) error {
	for _, e := range es {
		if e != nil && planner.HasSetCall(e) {
			return b.errAt(loc, sqlerr.FeatureNotSupported, "set-returning functions are not allowed in %s", what).
				WithHint("You might be able to move the set-returning function into a LATERAL FROM item.")
		}
	}
	return nil
}

func (b *Binder) sqlValueFunc(f *pg.SQLValueFunction) (planner.Expr, error) {
	var name string
	switch f.Op {
	case pg.SQLValueFunctionOp_SVFOP_CURRENT_DATE:
		name = "current_date"
	case pg.SQLValueFunctionOp_SVFOP_CURRENT_TIMESTAMP, pg.SQLValueFunctionOp_SVFOP_CURRENT_TIMESTAMP_N:
		name = "now"
	case pg.SQLValueFunctionOp_SVFOP_LOCALTIMESTAMP, pg.SQLValueFunctionOp_SVFOP_LOCALTIMESTAMP_N:
		e, err := b.callFunc("now", nil, f.Location, "")
		if err != nil {
			return nil, err
		}
		return b.coerce(e, types.TTimestamp, types.CastExplicit, f.Location)
	case pg.SQLValueFunctionOp_SVFOP_CURRENT_TIME, pg.SQLValueFunctionOp_SVFOP_CURRENT_TIME_N,
		pg.SQLValueFunctionOp_SVFOP_LOCALTIME, pg.SQLValueFunctionOp_SVFOP_LOCALTIME_N:
		e, err := b.callFunc("now", nil, f.Location, "")
		if err != nil {
			return nil, err
		}
		return b.coerce(e, types.TTime, types.CastExplicit, f.Location)
	case pg.SQLValueFunctionOp_SVFOP_CURRENT_USER, pg.SQLValueFunctionOp_SVFOP_USER, pg.SQLValueFunctionOp_SVFOP_CURRENT_ROLE:
		name = "current_user"
	case pg.SQLValueFunctionOp_SVFOP_SESSION_USER:
		name = "session_user"
	case pg.SQLValueFunctionOp_SVFOP_CURRENT_CATALOG:
		name = "current_database"
	case pg.SQLValueFunctionOp_SVFOP_CURRENT_SCHEMA:
		name = "current_schema"
	default:
		return nil, b.errAt(f.Location, sqlerr.FeatureNotSupported, "feature not supported: %s", f.Op)
	}
	return b.callFunc(name, nil, f.Location, "")
}

func (b *Binder) arrayExpr(a *pg.A_ArrayExpr, s *scope) (planner.Expr, error) {
	elems, err := b.exprList(a.Elements, s)
	if err != nil {
		return nil, err
	}
	t, err := b.commonType(elems, "ARRAY", a.Location)
	if err != nil {
		return nil, err
	}
	if t.IsArray() {
		return nil, b.errAt(a.Location, sqlerr.FeatureNotSupported, "feature not supported: multidimensional arrays")
	}
	if elems, err = b.coerceAll(elems, t, a.Location); err != nil {
		return nil, err
	}
	return &planner.ArrayExpr{Elems: elems, Typ: types.ArrayOf(t.ID)}, nil
}

func (b *Binder) indirection(ind *pg.A_Indirection, s *scope) (planner.Expr, error) {
	e, err := b.expr(ind.Arg, s)
	if err != nil {
		return nil, err
	}
	for _, n := range ind.Indirection {
		e = uncastVector(e)
		ai, ok := n.Node.(*pg.Node_AIndices)
		if !ok || ai.AIndices.IsSlice {
			return nil, sqlerr.NotSupported("field selection and array slices")
		}
		at := e.Type()
		if !at.IsArray() && !at.IsVector() {
			return nil, sqlerr.New(sqlerr.DatatypeMismatch, "cannot subscript type %s because it does not support subscripting", e.Type())
		}
		idx, err := b.exprAs(ai.AIndices.Uidx, s, types.TInt4, types.CastImplicit)
		if err != nil {
			return nil, err
		}
		if at.IsVector() {
			// Vector subscripts start at 0.
			if idx, err = b.callFunc("+", []planner.Expr{idx, &planner.Const{Val: types.NewInt(1), Typ: types.TInt4}}, location(ai.AIndices.Uidx), "+"); err != nil {
				return nil, err
			}
		}
		e = &planner.Subscript{Arr: e, Idx: idx, Typ: at.ElemType()}
	}
	return e, nil
}

// uncastVector returns the vector under a cast of an int2vector or
// oidvector to its array type: PostgreSQL's cast keeps the vector's lower
// bound 0, which Eddy's arrays (always from 1) cannot hold, so subscripts
// and array_lower/array_upper apply to the vector itself.
func uncastVector(e planner.Expr) planner.Expr {
	if c, ok := e.(*planner.Cast); ok && c.Arg.Type().IsVector() && c.Typ.SameFamily(c.Arg.Type().VectorArray()) {
		return c.Arg
	}
	return e
}

// subLink binds a subquery used as an expression.
func (b *Binder) subLink(sl *pg.SubLink, s *scope) (planner.Expr, error) {
	child := &scope{parent: s, sub: true}
	res, err := b.selectNode(sl.Subselect, child)
	if err != nil {
		return nil, err
	}
	cols := res.Plan.Columns()
	sub := &planner.Subquery{Plan: res.Plan, Correlated: child.correlated}
	switch sl.SubLinkType {
	case pg.SubLinkType_EXISTS_SUBLINK:
		sub.Kind, sub.Typ = planner.SubExists, types.TBool
	case pg.SubLinkType_EXPR_SUBLINK:
		if len(cols) != 1 {
			return nil, b.errAt(sl.Location, sqlerr.SyntaxError, "subquery must return only one column")
		}
		sub.Kind, sub.Typ = planner.SubScalar, cols[0].Type
	case pg.SubLinkType_ARRAY_SUBLINK:
		if len(cols) != 1 {
			return nil, b.errAt(sl.Location, sqlerr.SyntaxError, "subquery must return only one column")
		}
		sub.Kind, sub.Typ = planner.SubArray, types.ArrayOf(cols[0].Type.ID)
	case pg.SubLinkType_ANY_SUBLINK, pg.SubLinkType_ALL_SUBLINK:
		if len(cols) != 1 {
			return nil, b.errAt(sl.Location, sqlerr.SyntaxError, "subquery has too many columns")
		}
		op := "="
		if len(sl.OperName) > 0 {
			_, op = funcName(sl.OperName)
		}
		c, ok := cmpOps[op]
		if !ok {
			return nil, b.errAt(sl.Location, sqlerr.FeatureNotSupported, "feature not supported: %s with a subquery", op)
		}
		x, err := b.expr(sl.Testexpr, s)
		if err != nil {
			return nil, err
		}
		ct := cols[0].Type
		if isUnknown(x) {
			if x, err = b.coerce(x, ct, types.CastImplicit, sl.Location); err != nil {
				return nil, err
			}
		} else if !x.Type().SameFamily(ct) {
			// Bring the subquery's column to the test expression's type
			// by projecting a cast over the subquery.
			t, err := b.commonType([]planner.Expr{x, &planner.ColRef{Typ: ct}}, "IN", sl.Location)
			if err != nil {
				return nil, err
			}
			if x, err = b.coerce(x, t, types.CastImplicit, sl.Location); err != nil {
				return nil, err
			}
			if !t.SameFamily(ct) {
				cast, err := b.coerce(&planner.ColRef{Idx: 0, Typ: ct, Name: cols[0].Name}, t, types.CastImplicit, sl.Location)
				if err != nil {
					return nil, err
				}
				sub.Plan = &planner.Project{Input: res.Plan, Exprs: []planner.Expr{cast}, Cols: []types.Column{{Name: cols[0].Name, Type: t}}}
			}
		}
		sub.Arg, sub.Op, sub.Typ = x, c, types.TBool
		sub.Kind = planner.SubAny
		if sl.SubLinkType == pg.SubLinkType_ALL_SUBLINK {
			sub.Kind = planner.SubAll
		}
	default:
		return nil, b.errAt(sl.Location, sqlerr.FeatureNotSupported, "feature not supported: this kind of subquery")
	}
	return sub, nil
}
