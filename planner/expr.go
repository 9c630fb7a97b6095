package planner

import (
	"fmt"
	"strings"

	"github.com/eddy-db/eddy/sql/functions"
	"github.com/eddy-db/eddy/sql/types"
)

// Expr is a bound, typed scalar expression. Expressions are immutable
// values; column references are positions in the input row of the plan
// node that evaluates them.
type Expr interface {
	Type() types.Type
	String() string
}

// ColRef reads column Idx of the input row.
type ColRef struct {
	Idx  int
	Typ  types.Type
	Name string
	// Table is the relation (alias) the column came from, if any; error
	// messages name columns as table.column.
	Table string
}

// OuterRef reads column Idx of an enclosing query's current row (a
// correlated subquery): Depth 1 is the query directly around it.
type OuterRef struct {
	Depth int
	Idx   int
	Typ   types.Type
	Name  string
}

// Const is a constant value.
type Const struct {
	Val types.Datum
	Typ types.Type
}

// Param is the statement parameter $Idx+1.
type Param struct {
	Idx int
	Typ types.Type
}

// FuncCall calls a built-in scalar function or operator.
type FuncCall struct {
	Fn   *functions.Func
	Args []Expr
	Typ  types.Type
	// Op is set when the call was written as an operator ("+", "||").
	Op string
}

// Cast converts Arg to Typ. Assignment casts (INSERT/UPDATE targets)
// raise on over-long strings instead of truncating.
type Cast struct {
	Arg        Expr
	Typ        types.Type
	Assignment bool
}

// CmpOp is a comparison operator.
type CmpOp uint8

// The comparison operators.
const (
	EQ CmpOp = iota
	NE
	LT
	LE
	GT
	GE
)

var cmpNames = [...]string{"=", "<>", "<", "<=", ">", ">="}

func (o CmpOp) String() string { return cmpNames[o] }

// Flip returns the operator with its operands swapped (a < b == b > a).
func (o CmpOp) Flip() CmpOp {
	switch o {
	case LT:
		return GT
	case LE:
		return GE
	case GT:
		return LT
	case GE:
		return LE
	}
	return o
}

// Negate returns NOT o.
func (o CmpOp) Negate() CmpOp {
	return [...]CmpOp{NE, EQ, GE, GT, LE, LT}[o]
}

// Compare compares two operands of the same type.
type Compare struct {
	Op   CmpOp
	L, R Expr
}

// IsDistinct is L IS [NOT] DISTINCT FROM R.
type IsDistinct struct {
	L, R Expr
	Not  bool
}

// And is the conjunction of its arguments (three-valued).
type And struct{ Args []Expr }

// Or is the disjunction of its arguments (three-valued).
type Or struct{ Args []Expr }

// Not is NOT Arg.
type Not struct{ Arg Expr }

// IsNull is Arg IS [NOT] NULL.
type IsNull struct {
	Arg Expr
	Not bool
}

// IsBool is Arg IS [NOT] TRUE/FALSE (never NULL).
type IsBool struct {
	Arg Expr
	Val bool
	Not bool
}

// When is one WHEN cond THEN val arm.
type When struct{ Cond, Val Expr }

// Case is CASE WHEN ... THEN ... ELSE ... END (the operand form is
// rewritten to comparisons).
type Case struct {
	Whens []When
	Else  Expr // nil = NULL
	Typ   types.Type
}

// Coalesce returns its first non-NULL argument.
type Coalesce struct {
	Args []Expr
	Typ  types.Type
}

// NullIf is NULLIF(L, R): L and R are the compared operands (of one
// type); the result is L's value in type Typ (the left argument's type
// as PostgreSQL's operator resolution leaves it), or NULL when they are
// equal.
type NullIf struct {
	L, R Expr
	Typ  types.Type
}

// InList is Arg [NOT] IN (List...).
type InList struct {
	Arg  Expr
	List []Expr
	Not  bool
}

// SubqueryKind says how a subquery's rows become a value.
type SubqueryKind uint8

// The subquery kinds.
const (
	SubScalar SubqueryKind = iota // (SELECT x): one value or NULL; >1 row is an error
	SubExists                     // EXISTS (SELECT ...)
	SubAny                        // Arg op ANY (SELECT ...), IN
	SubAll                        // Arg op ALL (SELECT ...)
	SubArray                      // ARRAY(SELECT ...)
)

// Subquery is a nested query used as a value. A correlated subquery reads
// the outer row through OuterRef and runs once per outer row; others run
// once per statement.
type Subquery struct {
	Plan       Plan
	Kind       SubqueryKind
	Arg        Expr // SubAny/SubAll
	Op         CmpOp
	Typ        types.Type
	Correlated bool
}

// ArrayExpr is ARRAY[elems...].
type ArrayExpr struct {
	Elems []Expr
	Typ   types.Type
}

// SetCall calls a set-returning function in a select list. It lives in
// a ProjectSet node, which runs the call once per input row; elsewhere
// (while a select list is bound) it stands for the column of its values.
type SetCall struct {
	Fn   *functions.SetFunc
	Args []Expr
	Typ  types.Type
}

// Subscript is Arr[Idx] (1-based).
type Subscript struct {
	Arr, Idx Expr
	Typ      types.Type
}

func (e *ColRef) Type() types.Type     { return e.Typ }
func (e *OuterRef) Type() types.Type   { return e.Typ }
func (e *Const) Type() types.Type      { return e.Typ }
func (e *Param) Type() types.Type      { return e.Typ }
func (e *FuncCall) Type() types.Type   { return e.Typ }
func (e *Cast) Type() types.Type       { return e.Typ }
func (e *Compare) Type() types.Type    { return types.TBool }
func (e *IsDistinct) Type() types.Type { return types.TBool }
func (e *And) Type() types.Type        { return types.TBool }
func (e *Or) Type() types.Type         { return types.TBool }
func (e *Not) Type() types.Type        { return types.TBool }
func (e *IsNull) Type() types.Type     { return types.TBool }
func (e *IsBool) Type() types.Type     { return types.TBool }
func (e *Case) Type() types.Type       { return e.Typ }
func (e *Coalesce) Type() types.Type   { return e.Typ }
func (e *NullIf) Type() types.Type {
	if e.Typ.ID == types.Unknown {
		return e.L.Type()
	}
	return e.Typ
}
func (e *InList) Type() types.Type    { return types.TBool }
func (e *Subquery) Type() types.Type  { return e.Typ }
func (e *ArrayExpr) Type() types.Type { return e.Typ }
func (e *Subscript) Type() types.Type { return e.Typ }
func (e *SetCall) Type() types.Type   { return e.Typ }

func (e *ColRef) String() string {
	if e.Name != "" {
		return e.Name
	}
	return fmt.Sprintf("$col%d", e.Idx)
}
func (e *OuterRef) String() string { return "outer." + e.Name }
func (e *Const) String() string {
	if e.Val.IsNull() {
		return "NULL"
	}
	s := types.FormatText(e.Val, e.Typ, nil)
	switch e.Typ.Kind() {
	case types.KInt, types.KFloat, types.KDecimal, types.KBool:
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'::" + e.Typ.String()
}
func (e *Param) String() string { return fmt.Sprintf("$%d", e.Idx+1) }
func (e *FuncCall) String() string {
	if e.Op != "" {
		if len(e.Args) == 1 {
			return "(" + e.Op + e.Args[0].String() + ")"
		}
		return "(" + e.Args[0].String() + " " + e.Op + " " + e.Args[1].String() + ")"
	}
	return e.Fn.Name + "(" + joinExprs(e.Args) + ")"
}
func (e *Cast) String() string { return e.Arg.String() + "::" + e.Typ.String() }
func (e *Compare) String() string {
	return "(" + e.L.String() + " " + e.Op.String() + " " + e.R.String() + ")"
}
func (e *IsDistinct) String() string {
	if e.Not {
		return "(" + e.L.String() + " IS NOT DISTINCT FROM " + e.R.String() + ")"
	}
	return "(" + e.L.String() + " IS DISTINCT FROM " + e.R.String() + ")"
}
func (e *And) String() string { return "(" + joinSep(e.Args, " AND ") + ")" }
func (e *Or) String() string  { return "(" + joinSep(e.Args, " OR ") + ")" }
func (e *Not) String() string { return "(NOT " + e.Arg.String() + ")" }
func (e *IsNull) String() string {
	if e.Not {
		return "(" + e.Arg.String() + " IS NOT NULL)"
	}
	return "(" + e.Arg.String() + " IS NULL)"
}
func (e *IsBool) String() string {
	s := "TRUE"
	if !e.Val {
		s = "FALSE"
	}
	if e.Not {
		s = "NOT " + s
	}
	return "(" + e.Arg.String() + " IS " + s + ")"
}
func (e *Case) String() string {
	var b strings.Builder
	b.WriteString("CASE")
	for _, w := range e.Whens {
		b.WriteString(" WHEN " + w.Cond.String() + " THEN " + w.Val.String())
	}
	if e.Else != nil {
		b.WriteString(" ELSE " + e.Else.String())
	}
	b.WriteString(" END")
	return b.String()
}
func (e *Coalesce) String() string { return "coalesce(" + joinExprs(e.Args) + ")" }
func (e *NullIf) String() string   { return "nullif(" + e.L.String() + ", " + e.R.String() + ")" }
func (e *InList) String() string {
	op := " IN "
	if e.Not {
		op = " NOT IN "
	}
	return "(" + e.Arg.String() + op + "(" + joinExprs(e.List) + "))"
}
func (e *Subquery) String() string {
	switch e.Kind {
	case SubExists:
		return "EXISTS(subquery)"
	case SubAny:
		return "(" + e.Arg.String() + " " + e.Op.String() + " ANY(subquery))"
	case SubAll:
		return "(" + e.Arg.String() + " " + e.Op.String() + " ALL(subquery))"
	case SubArray:
		return "ARRAY(subquery)"
	}
	return "(subquery)"
}
func (e *ArrayExpr) String() string { return "ARRAY[" + joinExprs(e.Elems) + "]" }
func (e *Subscript) String() string { return e.Arr.String() + "[" + e.Idx.String() + "]" }
func (e *SetCall) String() string   { return e.Fn.Name + "(" + joinExprs(e.Args) + ")" }

func joinExprs(es []Expr) string { return joinSep(es, ", ") }

func joinSep(es []Expr, sep string) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.String()
	}
	return strings.Join(parts, sep)
}

// Walk calls fn on e and each sub-expression (not into subquery plans),
// parents first; fn returning false skips the children.
func Walk(e Expr, fn func(Expr) bool) {
	if e == nil || !fn(e) {
		return
	}
	for _, c := range Children(e) {
		Walk(c, fn)
	}
}

// Children returns the direct sub-expressions of e.
func Children(e Expr) []Expr {
	switch e := e.(type) {
	case *FuncCall:
		return e.Args
	case *Cast:
		return []Expr{e.Arg}
	case *Compare:
		return []Expr{e.L, e.R}
	case *IsDistinct:
		return []Expr{e.L, e.R}
	case *And:
		return e.Args
	case *Or:
		return e.Args
	case *Not:
		return []Expr{e.Arg}
	case *IsNull:
		return []Expr{e.Arg}
	case *IsBool:
		return []Expr{e.Arg}
	case *Case:
		var out []Expr
		for _, w := range e.Whens {
			out = append(out, w.Cond, w.Val)
		}
		if e.Else != nil {
			out = append(out, e.Else)
		}
		return out
	case *Coalesce:
		return e.Args
	case *NullIf:
		return []Expr{e.L, e.R}
	case *InList:
		return append([]Expr{e.Arg}, e.List...)
	case *Subquery:
		if e.Arg != nil {
			return []Expr{e.Arg}
		}
	case *ArrayExpr:
		return e.Elems
	case *Subscript:
		return []Expr{e.Arr, e.Idx}
	case *SetCall:
		return e.Args
	}
	return nil
}

// Map rebuilds e bottom-up, replacing each node by fn's result (fn gets
// the node with its children already mapped).
func Map(e Expr, fn func(Expr) Expr) Expr {
	if e == nil {
		return nil
	}
	mapAll := func(es []Expr) []Expr {
		out := make([]Expr, len(es))
		for i, x := range es {
			out[i] = Map(x, fn)
		}
		return out
	}
	switch x := e.(type) {
	case *FuncCall:
		c := *x
		c.Args = mapAll(x.Args)
		return fn(&c)
	case *Cast:
		c := *x
		c.Arg = Map(x.Arg, fn)
		return fn(&c)
	case *Compare:
		c := *x
		c.L, c.R = Map(x.L, fn), Map(x.R, fn)
		return fn(&c)
	case *IsDistinct:
		c := *x
		c.L, c.R = Map(x.L, fn), Map(x.R, fn)
		return fn(&c)
	case *And:
		return fn(&And{Args: mapAll(x.Args)})
	case *Or:
		return fn(&Or{Args: mapAll(x.Args)})
	case *Not:
		return fn(&Not{Arg: Map(x.Arg, fn)})
	case *IsNull:
		c := *x
		c.Arg = Map(x.Arg, fn)
		return fn(&c)
	case *IsBool:
		c := *x
		c.Arg = Map(x.Arg, fn)
		return fn(&c)
	case *Case:
		c := *x
		c.Whens = make([]When, len(x.Whens))
		for i, w := range x.Whens {
			c.Whens[i] = When{Cond: Map(w.Cond, fn), Val: Map(w.Val, fn)}
		}
		c.Else = Map(x.Else, fn)
		return fn(&c)
	case *Coalesce:
		c := *x
		c.Args = mapAll(x.Args)
		return fn(&c)
	case *NullIf:
		return fn(&NullIf{L: Map(x.L, fn), R: Map(x.R, fn), Typ: x.Typ})
	case *InList:
		c := *x
		c.Arg = Map(x.Arg, fn)
		c.List = mapAll(x.List)
		return fn(&c)
	case *Subquery:
		c := *x
		c.Arg = Map(x.Arg, fn)
		return fn(&c)
	case *ArrayExpr:
		c := *x
		c.Elems = mapAll(x.Elems)
		return fn(&c)
	case *Subscript:
		c := *x
		c.Arr, c.Idx = Map(x.Arr, fn), Map(x.Idx, fn)
		return fn(&c)
	case *SetCall:
		c := *x
		c.Args = mapAll(x.Args)
		return fn(&c)
	}
	return fn(e)
}

// IsConstant reports whether e depends on no row, outer row or volatile
// function (parameters count as constant: they are fixed per execution).
func IsConstant(e Expr) bool {
	ok := true
	Walk(e, func(x Expr) bool {
		switch x := x.(type) {
		case *ColRef, *OuterRef:
			ok = false
		case *Subquery, *SetCall:
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

// UsesColumns reports whether e reads any column of its input row.
func UsesColumns(e Expr) bool {
	found := false
	Walk(e, func(x Expr) bool {
		if _, ok := x.(*ColRef); ok {
			found = true
		}
		return !found
	})
	return found
}

// ShiftCols returns e with every ColRef index moved by delta.
func ShiftCols(e Expr, delta int) Expr {
	return Map(e, func(x Expr) Expr {
		if c, ok := x.(*ColRef); ok {
			n := *c
			n.Idx += delta
			return &n
		}
		return x
	})
}

// Conjuncts splits e into its top-level AND terms.
func Conjuncts(e Expr) []Expr {
	if e == nil {
		return nil
	}
	if a, ok := e.(*And); ok {
		var out []Expr
		for _, x := range a.Args {
			out = append(out, Conjuncts(x)...)
		}
		return out
	}
	return []Expr{e}
}

// MakeAnd joins terms with AND (nil for none).
func MakeAnd(terms []Expr) Expr {
	switch len(terms) {
	case 0:
		return nil
	case 1:
		return terms[0]
	}
	return &And{Args: terms}
}

// WithChildren returns a copy of e whose direct sub-expressions (in the
// order Children gives them) are replaced by kids.
func WithChildren(e Expr, kids []Expr) Expr {
	switch x := e.(type) {
	case *FuncCall:
		c := *x
		c.Args = kids
		return &c
	case *Cast:
		c := *x
		c.Arg = kids[0]
		return &c
	case *Compare:
		c := *x
		c.L, c.R = kids[0], kids[1]
		return &c
	case *IsDistinct:
		c := *x
		c.L, c.R = kids[0], kids[1]
		return &c
	case *And:
		return &And{Args: kids}
	case *Or:
		return &Or{Args: kids}
	case *Not:
		return &Not{Arg: kids[0]}
	case *IsNull:
		c := *x
		c.Arg = kids[0]
		return &c
	case *IsBool:
		c := *x
		c.Arg = kids[0]
		return &c
	case *Case:
		c := *x
		c.Whens = make([]When, len(x.Whens))
		for i := range x.Whens {
			c.Whens[i] = When{Cond: kids[2*i], Val: kids[2*i+1]}
		}
		if x.Else != nil {
			c.Else = kids[len(kids)-1]
		}
		return &c
	case *Coalesce:
		c := *x
		c.Args = kids
		return &c
	case *NullIf:
		return &NullIf{L: kids[0], R: kids[1], Typ: x.Typ}
	case *InList:
		c := *x
		c.Arg, c.List = kids[0], kids[1:]
		return &c
	case *Subquery:
		c := *x
		if x.Arg != nil {
			c.Arg = kids[0]
		}
		return &c
	case *ArrayExpr:
		c := *x
		c.Elems = kids
		return &c
	case *Subscript:
		c := *x
		c.Arr, c.Idx = kids[0], kids[1]
		return &c
	case *SetCall:
		c := *x
		c.Args = kids
		return &c
	}
	return e
}

// Fingerprint returns a string that is equal for structurally equal
// expressions (column references by position, not name).
func Fingerprint(e Expr) string {
	return Map(e, func(x Expr) Expr {
		switch c := x.(type) {
		case *ColRef:
			return &ColRef{Idx: c.Idx, Typ: c.Typ, Name: fmt.Sprintf("#%d", c.Idx)}
		case *OuterRef:
			return &OuterRef{Depth: c.Depth, Idx: c.Idx, Typ: c.Typ, Name: fmt.Sprintf("#%d.%d", c.Depth, c.Idx)}
		case *Subquery:
			// Subqueries are never merged.
			return &Const{Val: types.NewString(fmt.Sprintf("subquery@%p", c.Plan)), Typ: types.TText}
		}
		return x
	}).String()
}

// RewriteOuter rewrites the outer references of a subquery plan that
// reach depth levels up (1 = the query directly around the subquery),
// through nested subqueries, with fn.
func RewriteOuter(p Plan, depth int, fn func(*OuterRef) (Expr, error)) (Plan, error) {
	var err error
	expr := func(e Expr, d int) Expr {
		if e == nil || err != nil {
			return e
		}
		return Map(e, func(x Expr) Expr {
			if err != nil {
				return x
			}
			switch o := x.(type) {
			case *OuterRef:
				if o.Depth == d {
					var r Expr
					r, err = fn(o)
					if err == nil {
						return r
					}
				}
			case *Subquery:
				c := *o
				c.Plan, err = RewriteOuter(o.Plan, d+1, fn)
				return &c
			}
			return x
		})
	}
	out := rewriteOuterNode(p, depth, expr)
	return out, err
}

// rewriteOuterNode rebuilds a plan with every expression passed through
// expr (with the plan's depth).
func rewriteOuterNode(p Plan, d int, expr func(Expr, int) Expr) Plan {
	exprs := func(es []Expr) []Expr {
		out := make([]Expr, len(es))
		for i, e := range es {
			out[i] = expr(e, d)
		}
		return out
	}
	child := func(c Plan) Plan { return rewriteOuterNode(c, d, expr) }
	switch x := p.(type) {
	case *Scan:
		c := *x
		c.Eq = exprs(x.Eq)
		if x.Lo != nil {
			c.Lo = &Bound{Val: expr(x.Lo.Val, d), Inclusive: x.Lo.Inclusive}
		}
		if x.Hi != nil {
			c.Hi = &Bound{Val: expr(x.Hi.Val, d), Inclusive: x.Hi.Inclusive}
		}
		return &c
	case *Values:
		c := *x
		c.Rows = make([][]Expr, len(x.Rows))
		for i, r := range x.Rows {
			c.Rows[i] = exprs(r)
		}
		return &c
	case *FuncScan:
		c := *x
		c.Args = exprs(x.Args)
		return &c
	case *Filter:
		return &Filter{Input: child(x.Input), Cond: expr(x.Cond, d)}
	case *Project:
		c := *x
		c.Input, c.Exprs = child(x.Input), exprs(x.Exprs)
		return &c
	case *ProjectSet:
		c := *x
		c.Input = child(x.Input)
		c.Calls = make([]*SetCall, len(x.Calls))
		for i, sc := range x.Calls {
			n := *sc
			n.Args = exprs(sc.Args)
			c.Calls[i] = &n
		}
		return &c
	case *Agg:
		c := *x
		c.Input, c.GroupBy = child(x.Input), exprs(x.GroupBy)
		c.Aggs = make([]AggCall, len(x.Aggs))
		for i, a := range x.Aggs {
			a.Args, a.Filter, a.OrderExprs = exprs(a.Args), expr(a.Filter, d), exprs(a.OrderExprs)
			c.Aggs[i] = a
		}
		return &c
	case *Join:
		c := *x
		c.Left, c.Right = child(x.Left), child(x.Right)
		c.LeftKeys, c.RightKeys, c.Cond = exprs(x.LeftKeys), exprs(x.RightKeys), expr(x.Cond, d)
		return &c
	case *Sort:
		c := *x
		c.Input = child(x.Input)
		return &c
	case *Limit:
		c := *x
		c.Input, c.Limit, c.Offset = child(x.Input), expr(x.Limit, d), expr(x.Offset, d)
		return &c
	case *Distinct:
		c := *x
		c.Input = child(x.Input)
		return &c
	case *SetOp:
		c := *x
		c.Left, c.Right = child(x.Left), child(x.Right)
		return &c
	case *Hop:
		c := *x
		c.Input = child(x.Input)
		return &c
	case *Window:
		c := *x
		c.Input, c.PartitionBy, c.OrderExprs = child(x.Input), exprs(x.PartitionBy), exprs(x.OrderExprs)
		return &c
	}
	return p
}
