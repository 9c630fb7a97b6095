package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// StreamOp is the operator a stream plan node runs.
type StreamOp uint8

// The stream operators.
const (
	SSource      StreamOp = iota // changes of a table or materialized view (after a snapshot backfill)
	SValues                      // constant rows, emitted once
	SFilter                      // Cond
	SProject                     // Exprs
	SHop                         // Hop: window_start, window_end
	SAgg                         // GroupBy (column indexes) and Aggs
	SJoin                        // JoinKind, LeftKeys/RightKeys (column indexes), Cond
	SUnion                       // union all of Inputs (with a branch column)
	STopN                        // Order, Limit, Offset, GroupKey; Rank appends a row_number column
	SMaterialize                 // Table: the view's own rows
	SProjectSet                  // Calls: set-returning functions; appends a projected_row_id column
)

var streamOpNames = [...]string{"StreamSource", "StreamValues", "StreamFilter", "StreamProject", "StreamHop",
	"StreamHashAgg", "StreamHashJoin", "StreamUnion", "StreamTopN", "StreamMaterialize", "StreamProjectSet"}

func (o StreamOp) String() string { return streamOpNames[o] }

// StreamNode is one node of a stream plan: an operator, its inputs and
// the properties of its output stream, derived when the node is built.
type StreamNode struct {
	Op     StreamOp
	Inputs []*StreamNode
	// Cols is the output schema. Columns the query does not select but
	// the stream key needs are appended and marked in Hidden.
	Cols   []types.Column
	Hidden []bool
	// Key are the columns identifying an output row.
	Key []int
	// AppendOnly: the output has only inserts.
	AppendOnly bool
	// WatermarkCols are output columns that carry watermarks.
	WatermarkCols []int
	// WindowCols are output columns holding the window start or end of a
	// TUMBLE or HOP (few distinct values at a time).
	WindowCols []int

	// SSource / SMaterialize.
	Table *catalog.Object
	// SValues: constant rows, or the rows of a set-returning function
	// with constant arguments.
	Rows   [][]Expr
	Series *FuncScan
	// SFilter, SJoin residual.
	Cond Expr
	// SProject.
	Exprs []Expr
	// SProjectSet.
	Calls []*SetCall
	// SHop.
	Hop *Hop
	// SAgg: group-by columns of the input; EOWC emits a group only when
	// the watermark of WindowCol (an input column) passes WindowEnd.
	GroupBy   []int
	Aggs      []AggCall
	EOWC      bool
	WindowCol int
	// SJoin.
	JoinKind  JoinKind
	LeftKeys  []int
	RightKeys []int
	// STopN.
	Order    []SortKey
	Limit    int64
	Offset   int64
	GroupKey []int
	// Rank names the ranking function of a group top-N whose value is an
	// output column ("" = none).
	Rank string
}

// Explain renders a stream plan as indented lines.
func (n *StreamNode) Explain() []string {
	var out []string
	var walk func(n *StreamNode, depth int)
	walk = func(n *StreamNode, depth int) {
		prefix := ""
		if depth > 0 {
			prefix = strings.Repeat("  ", depth-1) + "└─"
		}
		out = append(out, prefix+n.describe())
		for _, c := range n.Inputs {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return out
}

func (n *StreamNode) colNames(idx []int) string {
	var s []string
	for _, i := range idx {
		s = append(s, n.Cols[i].Name)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

func (n *StreamNode) describe() string {
	d := n.Op.String()
	switch n.Op {
	case SSource:
		d += " " + n.Table.Name
	case SMaterialize:
		d += " " + n.Table.Name
	case SFilter:
		d += " " + n.Cond.String()
	case SProject:
		d += " " + joinExprs(n.Exprs)
	case SProjectSet:
		d += " " + (&ProjectSet{Calls: n.Calls}).Describe()[len("ProjectSet "):]
	case SHop:
		d += " " + n.Hop.Describe()
	case SValues:
		if n.Series != nil {
			d += " " + n.Series.Describe()
		} else {
			d += fmt.Sprintf(" (%d rows)", len(n.Rows))
		}
	case SAgg:
		in := n.Inputs[0]
		d += " group by " + in.colNames(n.GroupBy)
		var aggs []string
		for _, a := range n.Aggs {
			aggs = append(aggs, a.Name+"("+joinExprs(a.Args)+")")
		}
		d += " aggs [" + strings.Join(aggs, ", ") + "]"
		if n.EOWC {
			d += " emit on window close"
		}
	case SJoin:
		l, r := n.Inputs[0], n.Inputs[1]
		var ks []string
		for i := range n.LeftKeys {
			ks = append(ks, l.Cols[n.LeftKeys[i]].Name+" = "+r.Cols[n.RightKeys[i]].Name)
		}
		d += " " + n.JoinKind.String() + " on " + strings.Join(ks, " AND ")
		if n.Cond != nil {
			d += " filter " + n.Cond.String()
		}
	case STopN:
		d += fmt.Sprintf(" limit %d offset %d", n.Limit, n.Offset)
		if len(n.GroupKey) > 0 {
			d += " group by " + n.Inputs[0].colNames(n.GroupKey)
		}
	}
	kind := "retract"
	if n.AppendOnly {
		kind = "append-only"
	}
	return d + " {key: " + n.colNames(n.Key) + ", " + kind + "}"
}

// Types returns the output column types.
func (n *StreamNode) Types() []types.Type { return colTypesOf(n.Cols) }

func colTypesOf(cols []types.Column) []types.Type {
	out := make([]types.Type, len(cols))
	for i, c := range cols {
		out[i] = c.Type
	}
	return out
}

// StreamOptions shape a stream plan.
type StreamOptions struct {
	// EmitOnWindowClose: aggregations over a window emit final rows only.
	EmitOnWindowClose bool
}

// BuildStream turns a bound (unoptimized) query plan into a stream plan
// rooted at a materialize node for view (whose Columns and PK the caller
// fills from the returned root: see MaterializedColumns).
func BuildStream(p Plan, opts StreamOptions) (*StreamNode, error) {
	p = optimize(p, false)
	b := &streamBuilder{opts: opts}
	n, err := b.build(p)
	if err != nil {
		return nil, err
	}
	if opts.EmitOnWindowClose && !b.usedEOWC {
		return nil, sqlerr.New(sqlerr.InvalidObjectDefinition,
			"EMIT ON WINDOW CLOSE requires a GROUP BY on the window start (or end) of a TUMBLE or HOP over a source with a WATERMARK")
	}
	return n, nil
}

type streamBuilder struct {
	opts     StreamOptions
	usedEOWC bool
}

func notStreamable(format string, args ...any) error {
	return sqlerr.NotSupported(format+" in a materialized view", args...)
}

// constNode completes an SValues node: rows emitted once at creation,
// keyed by a hidden ordinal.
func constNode(n *StreamNode, cols []types.Column) *StreamNode {
	n.Op, n.AppendOnly = SValues, true
	n.Cols = append(append([]types.Column{}, cols...), types.Column{Name: "_ordinal", Type: types.TInt8})
	n.Hidden = make([]bool, len(n.Cols))
	n.Hidden[len(cols)] = true
	n.Key = []int{len(cols)}
	return n
}

func (b *streamBuilder) build(p Plan) (*StreamNode, error) {
	switch x := p.(type) {
	case *Scan:
		return newSource(x.Table), nil
	case *Values:
		return constNode(&StreamNode{Rows: x.Rows}, x.Cols), nil
	case *FuncScan:
		for _, e := range x.Args {
			if err := streamableExpr(e); err != nil {
				return nil, err
			}
		}
		return constNode(&StreamNode{Series: x}, x.Cols), nil
	case *Filter:
		if w, ok := x.Input.(*Window); ok {
			return b.groupTopN(w, Conjuncts(x.Cond))
		}
		in, err := b.build(x.Input)
		if err != nil {
			return nil, err
		}
		if err := streamableExpr(x.Cond); err != nil {
			return nil, err
		}
		return &StreamNode{Op: SFilter, Inputs: []*StreamNode{in}, Cond: x.Cond, Cols: in.Cols, Hidden: in.Hidden,
			Key: in.Key, AppendOnly: in.AppendOnly, WatermarkCols: in.WatermarkCols, WindowCols: in.WindowCols}, nil
	case *Project:
		if len(x.Cols) == 0 && len(x.Exprs) == 0 {
			return b.build(x.Input)
		}
		in, err := b.build(x.Input)
		if err != nil {
			return nil, err
		}
		for _, e := range x.Exprs {
			if err := streamableExpr(e); err != nil {
				return nil, err
			}
		}
		return project(in, x.Exprs, x.Cols), nil
	case *ProjectSet:
		in, err := b.build(x.Input)
		if err != nil {
			return nil, err
		}
		for _, c := range x.Calls {
			for _, e := range c.Args {
				if err := streamableExpr(e); err != nil {
					return nil, err
				}
			}
		}
		return projectSet(in, x), nil
	case *Hop:
		in, err := b.build(x.Input)
		if err != nil {
			return nil, err
		}
		h := *x
		n := &StreamNode{Op: SHop, Inputs: []*StreamNode{in}, Hop: &h, AppendOnly: in.AppendOnly}
		n.Cols = append(append([]types.Column{}, in.Cols...), x.Cols[len(x.Cols)-2:]...)
		n.Hidden = append(append([]bool{}, in.Hidden...), false, false)
		n.Key = append([]int{}, in.Key...)
		if !x.Tumble {
			n.Key = append(n.Key, len(in.Cols))
		}
		for _, w := range in.WatermarkCols {
			n.WatermarkCols = append(n.WatermarkCols, w)
			if w == x.TimeCol {
				n.WatermarkCols = append(n.WatermarkCols, len(in.Cols), len(in.Cols)+1)
			}
		}
		n.WindowCols = append(append([]int{}, in.WindowCols...), len(in.Cols), len(in.Cols)+1)
		return n, nil
	case *Agg:
		return b.agg(x)
	case *Join:
		return b.join(x)
	case *SetOp:
		if x.Kind != Union {
			return nil, notStreamable("INTERSECT and EXCEPT")
		}
		u, err := b.unionAll(x)
		if err != nil {
			return nil, err
		}
		if x.All {
			return u, nil
		}
		return distinct(u, len(x.Cols)), nil
	case *Distinct:
		if len(x.On) > 0 {
			return nil, notStreamable("DISTINCT ON")
		}
		in, err := b.build(x.Input)
		if err != nil {
			return nil, err
		}
		return distinct(in, len(x.Input.Columns())), nil
	case *Sort:
		// An ORDER BY without LIMIT does not order a view's rows (as in
		// RisingWave): the view is a set, read in key order.
		return b.build(x.Input)
	case *Limit:
		return b.topN(x)
	case *Window:
		return nil, notStreamable("window functions other than ROW_NUMBER()/RANK() filtered to the top N rows")
	}
	return nil, notStreamable("%s", strings.TrimPrefix(fmt.Sprintf("%T", p), "*planner."))
}

func newSource(t *catalog.Object) *StreamNode {
	n := &StreamNode{Op: SSource, Table: t, AppendOnly: t.AppendOnly}
	for _, c := range t.Columns {
		n.Cols = append(n.Cols, types.Column{Name: c.Name, Type: c.Type})
		n.Hidden = append(n.Hidden, c.Hidden)
	}
	n.Key = append([]int{}, t.PK...)
	for _, w := range t.Watermarks {
		n.WatermarkCols = append(n.WatermarkCols, w.Column)
	}
	return n
}

// timeDependent are functions of the current time: a view's rows would
// depend on when they were computed.
var timeDependent = map[string]bool{
	"now": true, "transaction_timestamp": true, "statement_timestamp": true, "clock_timestamp": true,
	"current_date": true, "localtimestamp": true, "localtime": true, "current_time": true, "timeofday": true,
}

// streamableExpr rejects what a stream operator cannot evaluate.
func streamableExpr(e Expr) error {
	var err error
	Walk(e, func(x Expr) bool {
		switch f := x.(type) {
		case *Subquery:
			err = notStreamable("subqueries in expressions")
		case *OuterRef:
			err = notStreamable("correlated references")
		case *FuncCall:
			if (f.Fn.Volatile || timeDependent[f.Fn.Name]) && err == nil {
				err = notStreamable("the function %s(), whose value changes with time,", f.Fn.Name)
			}
		}
		return err == nil
	})
	return err
}

// project computes exprs over in, keeping in's key: key columns that the
// projection does not output are appended as hidden columns.
func project(in *StreamNode, exprs []Expr, cols []types.Column) *StreamNode {
	n := &StreamNode{Op: SProject, Inputs: []*StreamNode{in}, AppendOnly: in.AppendOnly}
	n.Exprs = append([]Expr{}, exprs...)
	n.Cols = append([]types.Column{}, cols...)
	n.Hidden = make([]bool, len(cols))
	where := map[int]int{} // input column -> output position
	for i, e := range exprs {
		if c, ok := e.(*ColRef); ok {
			if _, seen := where[c.Idx]; !seen {
				where[c.Idx] = i
			}
		}
	}
	for _, k := range in.Key {
		pos, ok := where[k]
		if !ok {
			pos = len(n.Exprs)
			n.Exprs = append(n.Exprs, &ColRef{Idx: k, Typ: in.Cols[k].Type, Name: in.Cols[k].Name})
			n.Cols = append(n.Cols, in.Cols[k])
			n.Hidden = append(n.Hidden, true)
			where[k] = pos
		}
		n.Key = append(n.Key, pos)
	}
	for _, w := range in.WatermarkCols {
		if pos, ok := where[w]; ok {
			n.WatermarkCols = append(n.WatermarkCols, pos)
		}
	}
	for _, w := range in.WindowCols {
		if pos, ok := where[w]; ok {
			n.WindowCols = append(n.WindowCols, pos)
		}
	}
	return n
}

// projectSet runs set-returning calls over in. The calls are
// deterministic, so a deleted input row expands to the rows its insert
// did: the output key is in's key plus the hidden ordinal within the
// row's expansion.
func projectSet(in *StreamNode, x *ProjectSet) *StreamNode {
	n := &StreamNode{Op: SProjectSet, Inputs: []*StreamNode{in}, Calls: x.Calls, AppendOnly: in.AppendOnly}
	n.Cols = append(append([]types.Column{}, in.Cols...), x.Cols[len(in.Cols):]...)
	n.Hidden = append(append([]bool{}, in.Hidden...), make([]bool, len(x.Calls))...)
	n.Hidden = append(n.Hidden, true)
	n.Key = append(append([]int{}, in.Key...), len(n.Cols)-1)
	n.WatermarkCols = append([]int{}, in.WatermarkCols...)
	n.WindowCols = append([]int{}, in.WindowCols...)
	return n
}

// columnsOf projects in to exactly the given expressions when they are
// not already plain columns, returning the node and the column index of
// each expression.
func columnsOf(in *StreamNode, es []Expr) (*StreamNode, []int) {
	idx := make([]int, len(es))
	plain := true
	for i, e := range es {
		c, ok := e.(*ColRef)
		if !ok {
			plain = false
			break
		}
		idx[i] = c.Idx
	}
	if plain {
		return in, idx
	}
	exprs := make([]Expr, 0, len(in.Cols)+len(es))
	cols := make([]types.Column, 0, len(in.Cols)+len(es))
	for i, c := range in.Cols {
		exprs = append(exprs, &ColRef{Idx: i, Typ: c.Type, Name: c.Name})
		cols = append(cols, c)
	}
	for i, e := range es {
		idx[i] = len(exprs)
		exprs = append(exprs, e)
		cols = append(cols, types.Column{Name: fmt.Sprintf("_expr%d", i), Type: e.Type()})
	}
	n := project(in, exprs, cols)
	copy(n.Hidden, in.Hidden)
	return n, idx
}

func (b *streamBuilder) agg(x *Agg) (*StreamNode, error) {
	in, err := b.build(x.Input)
	if err != nil {
		return nil, err
	}
	// Group keys, aggregate arguments and filters become input columns.
	var es []Expr
	es = append(es, x.GroupBy...)
	for _, a := range x.Aggs {
		if len(a.OrderBy) > 0 {
			return nil, notStreamable("ORDER BY inside aggregate calls")
		}
		if a.Distinct && a.Agg.Name != "count" && a.Agg.Name != "sum" && a.Agg.Name != "avg" && a.Agg.Name != "min" && a.Agg.Name != "max" {
			return nil, notStreamable("DISTINCT in %s()", a.Agg.Name)
		}
		es = append(es, a.Args...)
		if a.Filter != nil {
			es = append(es, a.Filter)
		}
	}
	for _, e := range es {
		if err := streamableExpr(e); err != nil {
			return nil, err
		}
	}
	in, cols := columnsOf(in, es)
	n := &StreamNode{Op: SAgg, Inputs: []*StreamNode{in}, GroupBy: cols[:len(x.GroupBy)], Cols: x.Cols, Hidden: make([]bool, len(x.Cols))}
	pos := len(x.GroupBy)
	for _, a := range x.Aggs {
		c := a
		args := make([]Expr, len(a.Args))
		for i := range a.Args {
			args[i] = &ColRef{Idx: cols[pos], Typ: a.Args[i].Type(), Name: in.Cols[cols[pos]].Name}
			pos++
		}
		c.Args = args
		if a.Filter != nil {
			c.Filter = &ColRef{Idx: cols[pos], Typ: types.TBool, Name: "filter"}
			pos++
		}
		n.Aggs = append(n.Aggs, c)
	}
	for i := range x.GroupBy {
		n.Key = append(n.Key, i)
	}
	for gi, c := range n.GroupBy {
		if slices.Contains(in.WindowCols, c) {
			n.WindowCols = append(n.WindowCols, gi)
		}
	}
	// A group by a window column of a watermarked stream can emit on
	// window close and clean its state by the watermark.
	n.WindowCol = -1
	for gi, c := range n.GroupBy {
		for _, w := range in.WatermarkCols {
			if w == c && n.WindowCol < 0 {
				n.WindowCol = gi
				n.WatermarkCols = append(n.WatermarkCols, gi)
			}
		}
	}
	if b.opts.EmitOnWindowClose {
		if n.WindowCol < 0 {
			return nil, sqlerr.New(sqlerr.InvalidObjectDefinition,
				"EMIT ON WINDOW CLOSE requires a GROUP BY on the window start (or end) of a TUMBLE or HOP over a source with a WATERMARK")
		}
		n.EOWC = true
		n.AppendOnly = true
		b.usedEOWC = true
	}
	return n, nil
}

func distinct(in *StreamNode, visible int) *StreamNode {
	groups := make([]int, visible)
	cols := make([]types.Column, visible)
	for i := range groups {
		groups[i] = i
		cols[i] = in.Cols[i]
	}
	n := &StreamNode{Op: SAgg, Inputs: []*StreamNode{in}, GroupBy: groups, Cols: cols, Hidden: make([]bool, visible), WindowCol: -1}
	n.Key = append([]int{}, groups...)
	return n
}

func (b *streamBuilder) join(x *Join) (*StreamNode, error) {
	if x.Kind == SemiJoin || x.Kind == AntiJoin {
		return nil, notStreamable("semi and anti joins")
	}
	if len(x.LeftKeys) == 0 {
		return nil, notStreamable("joins without an equality condition between the two sides")
	}
	l, err := b.build(x.Left)
	if err != nil {
		return nil, err
	}
	r, err := b.build(x.Right)
	if err != nil {
		return nil, err
	}
	for _, e := range append(append([]Expr{}, x.LeftKeys...), x.RightKeys...) {
		if err := streamableExpr(e); err != nil {
			return nil, err
		}
	}
	if x.Cond != nil {
		if err := streamableExpr(x.Cond); err != nil {
			return nil, err
		}
	}
	nlOrig, nrOrig := len(x.Left.Columns()), len(x.Right.Columns())
	l, lk := columnsOf(l, x.LeftKeys)
	r, rk := columnsOf(r, x.RightKeys)
	// The residual condition reads the original columns of both sides:
	// shift right-side references past the left side's (possibly wider)
	// stream columns.
	cond := x.Cond
	if cond != nil && len(l.Cols) != nlOrig {
		cond = Map(cond, func(e Expr) Expr {
			if c, ok := e.(*ColRef); ok && c.Idx >= nlOrig {
				n := *c
				n.Idx = c.Idx - nlOrig + len(l.Cols)
				return &n
			}
			return e
		})
	}
	n := &StreamNode{Op: SJoin, Inputs: []*StreamNode{l, r}, JoinKind: x.Kind, LeftKeys: lk, RightKeys: rk, Cond: cond}
	n.Cols = append(append([]types.Column{}, l.Cols...), r.Cols...)
	n.Hidden = append(append([]bool{}, l.Hidden...), r.Hidden...)
	n.Key = append([]int{}, l.Key...)
	for _, k := range r.Key {
		n.Key = append(n.Key, len(l.Cols)+k)
	}
	n.AppendOnly = x.Kind == InnerJoin && l.AppendOnly && r.AppendOnly
	// The join's output columns as the query sees them: left's original
	// columns then right's; hidden stream columns follow in the node.
	if len(l.Cols) != nlOrig || len(r.Cols) != nrOrig {
		exprs := make([]Expr, 0, nlOrig+nrOrig)
		cols := make([]types.Column, 0, nlOrig+nrOrig)
		for i := 0; i < nlOrig; i++ {
			exprs = append(exprs, &ColRef{Idx: i, Typ: l.Cols[i].Type, Name: l.Cols[i].Name})
			cols = append(cols, l.Cols[i])
		}
		for i := 0; i < nrOrig; i++ {
			exprs = append(exprs, &ColRef{Idx: len(l.Cols) + i, Typ: r.Cols[i].Type, Name: r.Cols[i].Name})
			cols = append(cols, r.Cols[i])
		}
		p := project(n, exprs, cols)
		for i := 0; i < nlOrig; i++ {
			p.Hidden[i] = l.Hidden[i]
		}
		for i := 0; i < nrOrig; i++ {
			p.Hidden[nlOrig+i] = r.Hidden[i]
		}
		return p, nil
	}
	return n, nil
}

// unionAll merges inputs with the same visible columns. A hidden branch
// number and each branch's key columns (NULL in other branches) form the
// key.
func (b *streamBuilder) unionAll(x *SetOp) (*StreamNode, error) {
	var branches []Plan
	var flatten func(p Plan)
	flatten = func(p Plan) {
		if s, ok := p.(*SetOp); ok && s.Kind == Union && s.All {
			flatten(s.Left)
			flatten(s.Right)
			return
		}
		branches = append(branches, p)
	}
	flatten(x.Left)
	flatten(x.Right)
	nvis := len(x.Cols)
	var ins []*StreamNode
	for _, p := range branches {
		in, err := b.build(p)
		if err != nil {
			return nil, err
		}
		ins = append(ins, in)
	}
	// Output: visible columns, branch, then every branch's key columns.
	cols := append([]types.Column{}, x.Cols...)
	cols = append(cols, types.Column{Name: "_branch", Type: types.TInt4})
	keyStart := make([]int, len(ins))
	for bi, in := range ins {
		keyStart[bi] = len(cols)
		for j, k := range in.Key {
			cols = append(cols, types.Column{Name: fmt.Sprintf("_b%d_key%d", bi, j), Type: in.Cols[k].Type})
		}
	}
	var projected []*StreamNode
	allAppend := true
	for bi, in := range ins {
		exprs := make([]Expr, len(cols))
		for i := 0; i < nvis; i++ {
			exprs[i] = &ColRef{Idx: i, Typ: in.Cols[i].Type, Name: in.Cols[i].Name}
			if in.Cols[i].Type != cols[i].Type {
				exprs[i] = &Cast{Arg: exprs[i], Typ: cols[i].Type}
			}
		}
		exprs[nvis] = &Const{Val: types.NewInt(int64(bi)), Typ: types.TInt4}
		for ob := range ins {
			for j, k := range ins[ob].Key {
				pos := keyStart[ob] + j
				if ob == bi {
					exprs[pos] = &ColRef{Idx: k, Typ: in.Cols[k].Type, Name: in.Cols[k].Name}
				} else {
					exprs[pos] = &Const{Val: types.Null, Typ: cols[pos].Type}
				}
			}
		}
		p := &StreamNode{Op: SProject, Inputs: []*StreamNode{in}, Exprs: exprs, Cols: cols, AppendOnly: in.AppendOnly}
		allAppend = allAppend && in.AppendOnly
		projected = append(projected, p)
	}
	n := &StreamNode{Op: SUnion, Inputs: projected, Cols: cols, AppendOnly: allAppend}
	n.Hidden = make([]bool, len(cols))
	n.Key = []int{nvis}
	for i := nvis; i < len(cols); i++ {
		n.Hidden[i] = true
		if i > nvis {
			n.Key = append(n.Key, i)
		}
	}
	for _, p := range projected {
		p.Hidden, p.Key = n.Hidden, n.Key
	}
	return n, nil
}

// topN handles ORDER BY ... LIMIT n [OFFSET m], and the group top-N form
// SELECT ... FROM (SELECT ..., ROW_NUMBER() OVER (PARTITION BY k ORDER
// BY v) AS rn FROM ...) WHERE rn <= n, which the binder produces as
// Filter(Window) and the caller recognises (see groupTopN).
func (b *streamBuilder) topN(x *Limit) (*StreamNode, error) {
	limit, offset, err := limitValues(x)
	if err != nil {
		return nil, err
	}
	var order []SortKey
	input := x.Input
	if s, ok := input.(*Sort); ok {
		order, input = s.Keys, s.Input
	}
	in, err := b.build(input)
	if err != nil {
		return nil, err
	}
	n := &StreamNode{Op: STopN, Inputs: []*StreamNode{in}, Order: order, Limit: limit, Offset: offset,
		Cols: in.Cols, Hidden: in.Hidden, Key: in.Key}
	return n, nil
}

// groupTopN builds the group top-N of a ranking window filtered by its
// rank (rn <= n, rn < n, rn = 1).
func (b *streamBuilder) groupTopN(w *Window, conds []Expr) (*StreamNode, error) {
	rankCol := len(w.Input.Columns())
	limit := int64(-1)
	var rest []Expr
	for _, c := range conds {
		op, v, ok := keyCompare(c, rankCol)
		if ok {
			if k, isConst := v.(*Const); isConst && !k.Val.IsNull() && limit < 0 {
				n := k.Val.Int()
				switch op {
				case LE:
					limit = n
					continue
				case LT:
					limit = n - 1
					continue
				case EQ:
					if n == 1 {
						limit = 1
						continue
					}
				}
			}
		}
		rest = append(rest, c)
	}
	if limit < 0 {
		return nil, notStreamable("%s() without a filter such as rn <= N on it", w.Func)
	}
	in, err := b.build(w.Input)
	if err != nil {
		return nil, err
	}
	es := append(append([]Expr{}, w.PartitionBy...), w.OrderExprs...)
	for _, e := range es {
		if err := streamableExpr(e); err != nil {
			return nil, err
		}
	}
	in, idx := columnsOf(in, es)
	np := len(w.PartitionBy)
	order := make([]SortKey, len(w.OrderBy))
	for i, k := range w.OrderBy {
		k.Idx = idx[np+k.Idx]
		order[i] = k
	}
	n := &StreamNode{Op: STopN, Inputs: []*StreamNode{in}, Order: order, Limit: limit, GroupKey: idx[:np], Rank: w.Func}
	n.Cols = append(append([]types.Column{}, in.Cols...), types.Column{Name: w.Func, Type: types.TInt8})
	n.Hidden = append(append([]bool{}, in.Hidden...), false)
	n.Key = append([]int{}, in.Key...)
	var out *StreamNode = n
	// The window's output is its input's columns then the rank; the
	// stream node may carry extra hidden columns before the rank.
	if len(in.Cols) != rankCol {
		exprs := make([]Expr, 0, rankCol+1)
		cols := make([]types.Column, 0, rankCol+1)
		for i := 0; i < rankCol; i++ {
			exprs = append(exprs, &ColRef{Idx: i, Typ: in.Cols[i].Type, Name: in.Cols[i].Name})
			cols = append(cols, in.Cols[i])
		}
		exprs = append(exprs, &ColRef{Idx: len(in.Cols), Typ: types.TInt8, Name: w.Func})
		cols = append(cols, types.Column{Name: w.Func, Type: types.TInt8})
		out = project(n, exprs, cols)
		copy(out.Hidden, in.Hidden[:rankCol])
	}
	if len(rest) > 0 {
		cond := MakeAnd(rest)
		if err := streamableExpr(cond); err != nil {
			return nil, err
		}
		out = &StreamNode{Op: SFilter, Inputs: []*StreamNode{out}, Cond: cond, Cols: out.Cols, Hidden: out.Hidden, Key: out.Key}
	}
	return out, nil
}

func limitValues(x *Limit) (int64, int64, error) {
	val := func(e Expr, what string) (int64, error) {
		if e == nil {
			return -1, nil
		}
		c, ok := e.(*Const)
		if !ok {
			return 0, notStreamable("a %s that is not a constant", what)
		}
		if c.Val.IsNull() {
			return -1, nil
		}
		return c.Val.Int(), nil
	}
	limit, err := val(x.Limit, "LIMIT")
	if err != nil {
		return 0, 0, err
	}
	offset, err := val(x.Offset, "OFFSET")
	if err != nil {
		return 0, 0, err
	}
	if offset < 0 {
		offset = 0
	}
	if limit < 0 {
		return 0, 0, notStreamable("OFFSET without LIMIT")
	}
	return limit, offset, nil
}
