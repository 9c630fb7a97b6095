package executor

import (
	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/functions"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
	"github.com/eddy-db/eddy/storage"
)

// Node is a batch operator, pulled one row at a time.
//
// Lifecycle: Open (may be called again after Close to rerun, as
// correlated subqueries do), Next until it returns a nil row, Close.
// Rows returned by Next belong to the caller.
type Node interface {
	Open(ec *Context) error
	Next() (types.Row, error)
	Close()
}

// Build turns a plan into operators.
func Build(p planner.Plan) (Node, error) {
	switch x := p.(type) {
	case *planner.Scan:
		return &scanNode{plan: x}, nil
	case *planner.Virtual:
		return &virtualNode{plan: x}, nil
	case *planner.Values:
		return &valuesNode{plan: x}, nil
	case *planner.FuncScan:
		return &funcScanNode{plan: x}, nil
	case *planner.Filter:
		in, err := Build(x.Input)
		if err != nil {
			return nil, err
		}
		return &filterNode{plan: x, input: in}, nil
	case *planner.Project:
		in, err := Build(x.Input)
		if err != nil {
			return nil, err
		}
		return &projectNode{plan: x, input: in}, nil
	case *planner.ProjectSet:
		in, err := Build(x.Input)
		if err != nil {
			return nil, err
		}
		return &projectSetNode{plan: x, input: in}, nil
	case *planner.Agg:
		in, err := Build(x.Input)
		if err != nil {
			return nil, err
		}
		return &aggNode{plan: x, input: in}, nil
	case *planner.Join:
		l, err := Build(x.Left)
		if err != nil {
			return nil, err
		}
		r, err := Build(x.Right)
		if err != nil {
			return nil, err
		}
		return &joinNode{plan: x, left: l, right: r}, nil
	case *planner.Sort:
		in, err := Build(x.Input)
		if err != nil {
			return nil, err
		}
		return &sortNode{plan: x, input: in}, nil
	case *planner.Limit:
		in, err := Build(x.Input)
		if err != nil {
			return nil, err
		}
		return &limitNode{plan: x, input: in}, nil
	case *planner.Distinct:
		in, err := Build(x.Input)
		if err != nil {
			return nil, err
		}
		return &distinctNode{plan: x, input: in}, nil
	case *planner.SetOp:
		l, err := Build(x.Left)
		if err != nil {
			return nil, err
		}
		r, err := Build(x.Right)
		if err != nil {
			return nil, err
		}
		return &setOpNode{plan: x, left: l, right: r}, nil
	case *planner.Window:
		in, err := Build(x.Input)
		if err != nil {
			return nil, err
		}
		return &windowNode{plan: x, input: in}, nil
	case *planner.Hop:
		in, err := Build(x.Input)
		if err != nil {
			return nil, err
		}
		return &hopNode{plan: x, input: in}, nil
	case *planner.Insert:
		in, err := Build(x.Input)
		if err != nil {
			return nil, err
		}
		return &insertNode{plan: x, input: in}, nil
	case *planner.Update:
		in, err := Build(x.Input)
		if err != nil {
			return nil, err
		}
		return &updateNode{plan: x, input: in}, nil
	case *planner.Delete:
		in, err := Build(x.Input)
		if err != nil {
			return nil, err
		}
		return &deleteNode{plan: x, input: in}, nil
	}
	return nil, sqlerr.New(sqlerr.InternalError, "no operator for plan %T", p)
}

// keyOf appends the equality key of the given columns (hash keys: equal
// encodings = equal values).
func keyOf(dst []byte, row types.Row, cols []int, ts []types.Type) []byte {
	for i, c := range cols {
		dst = types.AppendEqualKey(dst, row[c], ts[i])
	}
	return dst
}

func allCols(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func colTypes(cols []types.Column) []types.Type {
	out := make([]types.Type, len(cols))
	for i, c := range cols {
		out[i] = c.Type
	}
	return out
}

// scanNode reads a table: a point lookup, a key range, or everything.
type scanNode struct {
	plan  *planner.Scan
	ec    *Context
	codec *TableCodec
	iter  *storage.Iter
	point types.Row
	done  bool
	// Buffers for the key of a point lookup.
	eqBuf  [4]types.Datum
	keyBuf [48]byte
}

func (n *scanNode) Open(ec *Context) error {
	n.ec, n.done, n.point, n.iter = ec, false, nil, nil
	n.codec = CodecFor(n.plan.Table)
	eq := n.eqBuf[:0]
	for _, e := range n.plan.Eq {
		v, err := ec.evalOnce(e)
		if err != nil {
			return err
		}
		if v.IsNull() {
			n.done = true // col = NULL matches nothing
			return nil
		}
		eq = append(eq, v)
	}
	prefix := n.codec.KeyPrefix(n.keyBuf[:0], eq)
	if n.plan.IsPoint() {
		ok, err := ec.Reader.View(prefix, n)
		n.done = !ok
		return err
	}
	lower, upper := prefix, storage.PrefixEnd(prefix)
	bound := func(b *planner.Bound, lo bool) ([]byte, bool, error) {
		v, err := ec.evalOnce(b.Val)
		if err != nil || v.IsNull() {
			return nil, true, err
		}
		k := types.AppendKey(append([]byte(nil), prefix...), v, n.codec.PKType(len(eq)), false)
		if lo == b.Inclusive {
			return k, false, nil // lower inclusive / upper exclusive: the key itself
		}
		return storage.PrefixEnd(k), false, nil
	}
	if n.plan.Lo != nil {
		k, empty, err := bound(n.plan.Lo, true)
		if err != nil || empty {
			n.done = empty
			return err
		}
		lower = k
	}
	if n.plan.Hi != nil {
		k, empty, err := bound(n.plan.Hi, false)
		if err != nil || empty {
			n.done = empty
			return err
		}
		upper = k
	}
	it, err := ec.Reader.NewIter(lower, upper)
	if err != nil {
		return err
	}
	n.iter = it
	if n.plan.Reverse {
		n.done = !it.Last()
	} else {
		n.done = !it.First()
	}
	return nil
}

// ReadValue decodes the row of a point lookup.
func (n *scanNode) ReadValue(v []byte) (err error) {
	n.point, err = n.codec.Decode(v)
	return err
}

func (n *scanNode) Next() (types.Row, error) {
	if n.done {
		return nil, nil
	}
	if n.iter == nil {
		n.done = true
		return n.point, nil
	}
	if err := n.ec.check(); err != nil {
		return nil, err
	}
	r, err := n.codec.Decode(n.iter.Value())
	if err != nil {
		return nil, err
	}
	if n.plan.Reverse {
		n.done = !n.iter.Prev()
	} else {
		n.done = !n.iter.Next()
	}
	if n.done {
		if err := n.iter.Error(); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func (n *scanNode) Close() {
	if n.iter != nil {
		_ = n.iter.Close()
		n.iter = nil
	}
}

type virtualNode struct {
	plan *planner.Virtual
	rows []types.Row
	pos  int
}

func (n *virtualNode) Open(ec *Context) error {
	rows, err := n.plan.Rows()
	n.rows, n.pos = rows, 0
	return err
}

func (n *virtualNode) Next() (types.Row, error) {
	if n.pos >= len(n.rows) {
		return nil, nil
	}
	n.pos++
	return n.rows[n.pos-1].Copy(), nil
}

func (n *virtualNode) Close() {}

type valuesNode struct {
	plan *planner.Values
	rows [][]evalFn
	pos  int
}

func (n *valuesNode) Open(ec *Context) error {
	n.pos = 0
	n.rows = make([][]evalFn, len(n.plan.Rows))
	for i, r := range n.plan.Rows {
		fs, err := ec.compileAll(r)
		if err != nil {
			return err
		}
		n.rows[i] = fs
	}
	return nil
}

func (n *valuesNode) Next() (types.Row, error) {
	if n.pos >= len(n.rows) {
		return nil, nil
	}
	fs := n.rows[n.pos]
	n.pos++
	row := make(types.Row, len(fs))
	for i, f := range fs {
		v, err := f(nil)
		if err != nil {
			return nil, err
		}
		row[i] = v
	}
	return row, nil
}

func (n *valuesNode) Close() {}

type filterNode struct {
	plan  *planner.Filter
	input Node
	cond  evalFn
	ec    *Context
}

func (n *filterNode) Open(ec *Context) error {
	n.ec = ec
	var err error
	if n.cond, err = ec.compile(n.plan.Cond); err != nil {
		return err
	}
	return n.input.Open(ec)
}

func (n *filterNode) Next() (types.Row, error) {
	for {
		r, err := n.input.Next()
		if err != nil || r == nil {
			return nil, err
		}
		v, err := n.cond(r)
		if err != nil {
			return nil, err
		}
		if !v.IsNull() && v.Bool() {
			return r, nil
		}
		if err := n.ec.check(); err != nil {
			return nil, err
		}
	}
}

func (n *filterNode) Close() { n.input.Close() }

type projectNode struct {
	plan  *planner.Project
	input Node
	exprs []evalFn
	cols  []int // set when every expression is a column
}

func (n *projectNode) Open(ec *Context) error {
	// A projection of plain columns copies them without compiled closures.
	n.cols = n.cols[:0]
	for _, e := range n.plan.Exprs {
		c, ok := e.(*planner.ColRef)
		if !ok {
			n.cols = nil
			break
		}
		n.cols = append(n.cols, c.Idx)
	}
	if n.cols == nil {
		var err error
		if n.exprs, err = ec.compileAll(n.plan.Exprs); err != nil {
			return err
		}
	}
	return n.input.Open(ec)
}

func (n *projectNode) Next() (types.Row, error) {
	r, err := n.input.Next()
	if err != nil || r == nil {
		return nil, err
	}
	if n.cols != nil {
		out := make(types.Row, len(n.cols))
		for i, c := range n.cols {
			out[i] = r[c]
		}
		return out, nil
	}
	out := make(types.Row, len(n.exprs))
	for i, f := range n.exprs {
		if out[i], err = f(r); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (n *projectNode) Close() { n.input.Close() }

// aggNode is a hash aggregation; it reads all its input on the first Next.
type aggNode struct {
	plan   *planner.Agg
	input  Node
	ec     *Context
	groups []evalFn
	args   [][]evalFn
	filter []evalFn
	order  [][]evalFn
	out    []types.Row
	pos    int
	done   bool
}

type aggGroup struct {
	key      types.Row
	accs     []functions.Accumulator
	distinct []map[string]struct{}
	// pending holds, for aggregates with ORDER BY, each input's
	// arguments followed by its sort values, fed in order at the end.
	pending [][]types.Row
}

func (n *aggNode) Open(ec *Context) error {
	n.ec, n.out, n.pos, n.done = ec, nil, 0, false
	var err error
	if n.groups, err = ec.compileAll(n.plan.GroupBy); err != nil {
		return err
	}
	n.args = make([][]evalFn, len(n.plan.Aggs))
	n.filter = make([]evalFn, len(n.plan.Aggs))
	n.order = make([][]evalFn, len(n.plan.Aggs))
	for i, a := range n.plan.Aggs {
		if n.args[i], err = ec.compileAll(a.Args); err != nil {
			return err
		}
		if n.order[i], err = ec.compileAll(a.OrderExprs); err != nil {
			return err
		}
		if a.Filter != nil {
			if n.filter[i], err = ec.compile(a.Filter); err != nil {
				return err
			}
		}
	}
	return n.input.Open(ec)
}

func (n *aggNode) newGroup(key types.Row) *aggGroup {
	g := &aggGroup{key: key, accs: make([]functions.Accumulator, len(n.plan.Aggs)),
		distinct: make([]map[string]struct{}, len(n.plan.Aggs)), pending: make([][]types.Row, len(n.plan.Aggs))}
	for i, a := range n.plan.Aggs {
		g.accs[i] = a.Agg.New()
		if a.Distinct {
			g.distinct[i] = map[string]struct{}{}
		}
	}
	return g
}

func (n *aggNode) run() error {
	gtypes := make([]types.Type, len(n.plan.GroupBy))
	for i, g := range n.plan.GroupBy {
		gtypes[i] = g.Type()
	}
	byKey := map[string]*aggGroup{}
	var order []*aggGroup
	var kb []byte
	argBufs := make([][]types.Datum, len(n.plan.Aggs))
	for i := range argBufs {
		argBufs[i] = make([]types.Datum, len(n.plan.Aggs[i].Args))
	}
	for {
		r, err := n.input.Next()
		if err != nil {
			return err
		}
		if r == nil {
			break
		}
		if err := n.ec.check(); err != nil {
			return err
		}
		kb = kb[:0]
		key := make(types.Row, len(n.groups))
		for i, f := range n.groups {
			if key[i], err = f(r); err != nil {
				return err
			}
			kb = types.AppendEqualKey(kb, key[i], gtypes[i])
		}
		g, ok := byKey[string(kb)]
		if !ok {
			g = n.newGroup(key)
			byKey[string(kb)] = g
			order = append(order, g)
		}
		for i, a := range n.plan.Aggs {
			if f := n.filter[i]; f != nil {
				v, err := f(r)
				if err != nil {
					return err
				}
				if v.IsNull() || !v.Bool() {
					continue
				}
			}
			args := argBufs[i]
			skip := false
			for j, f := range n.args[i] {
				if args[j], err = f(r); err != nil {
					return err
				}
				if args[j].IsNull() {
					skip = true
				}
			}
			if skip && !a.Agg.KeepNulls {
				continue // strict aggregates ignore rows with a NULL argument
			}
			if len(a.OrderBy) > 0 {
				entry := make(types.Row, 0, len(args)+len(n.order[i]))
				entry = append(entry, args...)
				for _, f := range n.order[i] {
					v, err := f(r)
					if err != nil {
						return err
					}
					entry = append(entry, v)
				}
				g.pending[i] = append(g.pending[i], entry)
				continue
			}
			if err := n.feed(g, i, args); err != nil {
				return err
			}
		}
	}
	if len(order) == 0 && len(n.plan.GroupBy) == 0 {
		order = append(order, n.newGroup(nil))
	}
	for _, g := range order {
		for i, a := range n.plan.Aggs {
			if len(a.OrderBy) == 0 {
				continue
			}
			nargs := len(a.Args)
			keys := make([]planner.SortKey, len(a.OrderBy))
			for k, key := range a.OrderBy {
				key.Idx += nargs
				keys[k] = key
			}
			rows := g.pending[i]
			if err := sortStable(n.ec, rows, func(a, b types.Row) int { return CompareSortKeys(a, b, keys) }); err != nil {
				return err
			}
			for _, r := range rows {
				if err := n.feed(g, i, r[:nargs]); err != nil {
					return err
				}
			}
			g.pending[i] = nil
		}
		row := make(types.Row, 0, len(g.key)+len(g.accs))
		row = append(row, g.key...)
		for _, acc := range g.accs {
			v, err := acc.Result(n.ec.Fn)
			if err != nil {
				return err
			}
			row = append(row, v)
		}
		n.out = append(n.out, row)
	}
	return nil
}

// feed adds one input to aggregate i of group g (after DISTINCT).
func (n *aggNode) feed(g *aggGroup, i int, args []types.Datum) error {
	a := n.plan.Aggs[i]
	if a.Distinct {
		var db []byte
		for j, arg := range args {
			db = types.AppendEqualKey(db, arg, a.Args[j].Type())
		}
		if _, seen := g.distinct[i][string(db)]; seen {
			return nil
		}
		g.distinct[i][string(db)] = struct{}{}
	}
	return g.accs[i].Add(n.ec.Fn, args)
}

func (n *aggNode) Next() (types.Row, error) {
	if !n.done {
		n.done = true
		if err := n.run(); err != nil {
			return nil, err
		}
	}
	if n.pos >= len(n.out) {
		return nil, nil
	}
	n.pos++
	return n.out[n.pos-1], nil
}

func (n *aggNode) Close() { n.input.Close() }

// joinNode is a hash join when the plan has equality keys and a nested
// loop join otherwise; either way it materializes the right input.
type joinNode struct {
	plan        *planner.Join
	left, right Node
	ec          *Context
	lkeys       []evalFn
	rkeys       []evalFn
	ktypes      []types.Type
	cond        evalFn
	nl, nr      int

	rows    []types.Row
	matched []bool
	table   map[string][]int

	cur      types.Row // current left row
	cands    []int
	ci       int
	curMatch bool
	leftDone bool
	tail     int // position in rows when emitting unmatched right rows
	kb       []byte
}

func (n *joinNode) Open(ec *Context) error {
	n.ec = ec
	n.nl, n.nr = len(n.plan.Left.Columns()), len(n.plan.Right.Columns())
	var err error
	if n.lkeys, err = ec.compileAll(n.plan.LeftKeys); err != nil {
		return err
	}
	if n.rkeys, err = ec.compileAll(n.plan.RightKeys); err != nil {
		return err
	}
	n.ktypes = make([]types.Type, len(n.plan.LeftKeys))
	for i, k := range n.plan.LeftKeys {
		n.ktypes[i] = k.Type()
	}
	if n.plan.Cond != nil {
		if n.cond, err = ec.compile(n.plan.Cond); err != nil {
			return err
		}
	}
	n.rows, n.matched, n.table = nil, nil, nil
	n.cur, n.cands, n.ci, n.leftDone, n.tail = nil, nil, 0, false, 0
	if err := n.right.Open(ec); err != nil {
		return err
	}
	defer n.right.Close()
	if len(n.rkeys) > 0 {
		n.table = map[string][]int{}
	}
	for {
		r, err := n.right.Next()
		if err != nil {
			return err
		}
		if r == nil {
			break
		}
		if err := ec.check(); err != nil {
			return err
		}
		idx := len(n.rows)
		n.rows = append(n.rows, r)
		if n.table != nil {
			k, ok, err := n.key(n.rkeys, r)
			if err != nil {
				return err
			}
			if ok {
				n.table[k] = append(n.table[k], idx)
			}
		}
	}
	n.matched = make([]bool, len(n.rows))
	return n.left.Open(ec)
}

// key encodes the join key of a row; ok is false if a key is NULL.
func (n *joinNode) key(fs []evalFn, row types.Row) (string, bool, error) {
	n.kb = n.kb[:0]
	for i, f := range fs {
		v, err := f(row)
		if err != nil {
			return "", false, err
		}
		if v.IsNull() {
			return "", false, nil
		}
		n.kb = types.AppendEqualKey(n.kb, v, n.ktypes[i])
	}
	return string(n.kb), true, nil
}

func (n *joinNode) concat(l, r types.Row) types.Row {
	out := make(types.Row, n.nl+n.nr)
	if l != nil {
		copy(out, l)
	}
	if r != nil {
		copy(out[n.nl:], r)
	}
	return out
}

func (n *joinNode) Next() (types.Row, error) {
	kind := n.plan.Kind
	for !n.leftDone {
		if n.cur == nil {
			l, err := n.left.Next()
			if err != nil {
				return nil, err
			}
			if l == nil {
				n.leftDone = true
				break
			}
			if err := n.ec.check(); err != nil {
				return nil, err
			}
			n.cur, n.ci, n.curMatch = l, 0, false
			if n.table != nil {
				k, ok, err := n.key(n.lkeys, l)
				if err != nil {
					return nil, err
				}
				n.cands = nil
				if ok {
					n.cands = n.table[k]
				}
			}
		}
		for {
			var ri int
			if n.table != nil {
				if n.ci >= len(n.cands) {
					break
				}
				ri = n.cands[n.ci]
			} else {
				if n.ci >= len(n.rows) {
					break
				}
				ri = n.ci
			}
			n.ci++
			out := n.concat(n.cur, n.rows[ri])
			if n.cond != nil {
				v, err := n.cond(out)
				if err != nil {
					return nil, err
				}
				if v.IsNull() || !v.Bool() {
					// Rejected pairs return no row: look for a cancel here
					// too, or a join that matches little would not.
					if err := n.ec.check(); err != nil {
						return nil, err
					}
					continue
				}
			}
			n.curMatch = true
			n.matched[ri] = true
			return out, nil
		}
		l := n.cur
		n.cur = nil
		if !n.curMatch && (kind == planner.LeftJoin || kind == planner.FullJoin) {
			return n.concat(l, nil), nil
		}
	}
	if kind == planner.RightJoin || kind == planner.FullJoin {
		for n.tail < len(n.rows) {
			i := n.tail
			n.tail++
			if !n.matched[i] {
				return n.concat(nil, n.rows[i]), nil
			}
		}
	}
	return nil, nil
}

func (n *joinNode) Close() {
	n.left.Close()
	n.rows, n.table = nil, nil
}

// hopNode assigns each input row to its time windows.
type hopNode struct {
	plan    *planner.Hop
	input   Node
	cur     types.Row
	windows []int64
	pos     int
}

func (n *hopNode) Open(ec *Context) error {
	n.cur, n.windows, n.pos = nil, n.windows[:0], 0
	return n.input.Open(ec)
}

func (n *hopNode) Next() (types.Row, error) {
	h := n.plan
	for n.pos >= len(n.windows) {
		r, err := n.input.Next()
		if err != nil || r == nil {
			return nil, err
		}
		ts := r[h.TimeCol]
		if ts.IsNull() {
			if h.Tumble {
				return append(r, types.Null, types.Null), nil
			}
			continue
		}
		n.cur, n.pos = r, 0
		if h.Tumble {
			n.windows = append(n.windows[:0], h.WindowStart(ts.Micros()))
		} else {
			n.windows = h.Windows(ts.Micros(), n.windows)
		}
	}
	ws := n.windows[n.pos]
	n.pos++
	out := make(types.Row, len(n.cur)+2)
	copy(out, n.cur)
	out[len(n.cur)] = timeLike(n.cur[h.TimeCol], ws)
	out[len(n.cur)+1] = timeLike(n.cur[h.TimeCol], ws+h.Size)
	return out, nil
}

// timeLike returns a timestamp of the same kind as d with the given µs.
func timeLike(d types.Datum, us int64) types.Datum {
	if d.Kind() == types.KTimestamptz {
		return types.NewTimestamptz(us)
	}
	return types.NewTimestamp(us)
}

func (n *hopNode) Close() { n.input.Close() }

// windowNode computes row_number/rank/dense_rank: it sorts its input by
// partition then order keys and numbers each partition.
type windowNode struct {
	plan  *planner.Window
	input Node
	ec    *Context
	rows  []types.Row
	pos   int
	done  bool
}

func (n *windowNode) Open(ec *Context) error {
	n.ec, n.rows, n.pos, n.done = ec, nil, 0, false
	return n.input.Open(ec)
}

func (n *windowNode) run() error {
	w := n.plan
	part, err := n.ec.compileAll(w.PartitionBy)
	if err != nil {
		return err
	}
	ord, err := n.ec.compileAll(w.OrderExprs)
	if err != nil {
		return err
	}
	type entry struct {
		row  types.Row
		keys types.Row // partition values then order values
	}
	var es []entry
	for {
		r, err := n.input.Next()
		if err != nil {
			return err
		}
		if r == nil {
			break
		}
		if err := n.ec.check(); err != nil {
			return err
		}
		k := make(types.Row, 0, len(part)+len(ord))
		for _, f := range part {
			v, err := f(r)
			if err != nil {
				return err
			}
			k = append(k, v)
		}
		for _, f := range ord {
			v, err := f(r)
			if err != nil {
				return err
			}
			k = append(k, v)
		}
		es = append(es, entry{row: r, keys: k})
	}
	np := len(part)
	keys := make([]planner.SortKey, 0, np+len(w.OrderBy))
	for i := 0; i < np; i++ {
		keys = append(keys, planner.SortKey{Idx: i})
	}
	for _, k := range w.OrderBy {
		k.Idx += np
		keys = append(keys, k)
	}
	if err := sortStable(n.ec, es, func(a, b entry) int { return CompareSortKeys(a.keys, b.keys, keys) }); err != nil {
		return err
	}
	var num, rank, dense int64
	for i, e := range es {
		samePart := i > 0 && CompareSortKeys(es[i-1].keys, e.keys, keys[:np]) == 0
		samePeer := samePart && CompareSortKeys(es[i-1].keys, e.keys, keys) == 0
		if !samePart {
			num, rank, dense = 0, 0, 0
		}
		num++
		if !samePeer {
			rank = num
			dense++
		}
		v := num
		switch w.Func {
		case "rank":
			v = rank
		case "dense_rank":
			v = dense
		}
		n.rows = append(n.rows, append(e.row, types.NewInt(v)))
	}
	return nil
}

func (n *windowNode) Next() (types.Row, error) {
	if !n.done {
		n.done = true
		if err := n.run(); err != nil {
			return nil, err
		}
	}
	if n.pos >= len(n.rows) {
		return nil, nil
	}
	if err := n.ec.check(); err != nil {
		return nil, err
	}
	n.pos++
	return n.rows[n.pos-1], nil
}

func (n *windowNode) Close() { n.input.Close(); n.rows = nil }

type sortNode struct {
	plan  *planner.Sort
	input Node
	ec    *Context
	rows  []types.Row
	pos   int
	done  bool
}

func (n *sortNode) Open(ec *Context) error {
	n.ec, n.rows, n.pos, n.done = ec, nil, 0, false
	return n.input.Open(ec)
}

// CompareSortKeys orders two rows by sort keys (NULLs placed per key).
func CompareSortKeys(a, b types.Row, keys []planner.SortKey) int {
	for _, k := range keys {
		x, y := a[k.Idx], b[k.Idx]
		var c int
		switch {
		case x.IsNull() && y.IsNull():
			c = 0
		case x.IsNull():
			c = 1
			if k.NullsFirst {
				c = -1
			}
		case y.IsNull():
			c = -1
			if k.NullsFirst {
				c = 1
			}
		default:
			c = types.Compare(x, y)
			if k.Desc {
				c = -c
			}
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

func (n *sortNode) Next() (types.Row, error) {
	if !n.done {
		n.done = true
		for {
			r, err := n.input.Next()
			if err != nil {
				return nil, err
			}
			if r == nil {
				break
			}
			if err := n.ec.check(); err != nil {
				return nil, err
			}
			n.rows = append(n.rows, r)
		}
		keys := n.plan.Keys
		if err := sortStable(n.ec, n.rows, func(a, b types.Row) int { return CompareSortKeys(a, b, keys) }); err != nil {
			n.rows = nil
			return nil, err
		}
	}
	if n.pos >= len(n.rows) {
		return nil, nil
	}
	// Emitting many rows also stops on a cancel.
	if err := n.ec.check(); err != nil {
		return nil, err
	}
	n.pos++
	return n.rows[n.pos-1], nil
}

func (n *sortNode) Close() { n.input.Close(); n.rows = nil }

type limitNode struct {
	plan          *planner.Limit
	input         Node
	limit, offset int64
	seen          int64
}

func (n *limitNode) Open(ec *Context) error {
	n.limit, n.offset, n.seen = -1, 0, 0
	eval := func(e planner.Expr, what, code string) (int64, error) {
		f, err := ec.compile(e)
		if err != nil {
			return 0, err
		}
		v, err := f(nil)
		if err != nil {
			return 0, err
		}
		if v.IsNull() {
			return -1, nil
		}
		if v.Int() < 0 {
			return 0, sqlerr.New(code, "%s must not be negative", what)
		}
		return v.Int(), nil
	}
	var err error
	if n.plan.Limit != nil {
		if n.limit, err = eval(n.plan.Limit, "LIMIT", sqlerr.InvalidRowCountInLimit); err != nil {
			return err
		}
	}
	if n.plan.Offset != nil {
		if n.offset, err = eval(n.plan.Offset, "OFFSET", sqlerr.InvalidRowCountInOffset); err != nil {
			return err
		}
		if n.offset < 0 {
			n.offset = 0
		}
	}
	return n.input.Open(ec)
}

func (n *limitNode) Next() (types.Row, error) {
	for {
		if n.limit >= 0 && n.seen >= n.offset+n.limit {
			return nil, nil
		}
		r, err := n.input.Next()
		if err != nil || r == nil {
			return nil, err
		}
		n.seen++
		if n.seen > n.offset {
			return r, nil
		}
	}
}

func (n *limitNode) Close() { n.input.Close() }

type distinctNode struct {
	plan  *planner.Distinct
	input Node
	seen  map[string]struct{}
	cols  []int
	types []types.Type
	kb    []byte
}

func (n *distinctNode) Open(ec *Context) error {
	n.seen = map[string]struct{}{}
	all := colTypes(n.plan.Input.Columns())
	n.cols = n.plan.On
	if len(n.cols) == 0 {
		n.cols = allCols(len(all))
	}
	n.types = make([]types.Type, len(n.cols))
	for i, c := range n.cols {
		n.types[i] = all[c]
	}
	return n.input.Open(ec)
}

func (n *distinctNode) Next() (types.Row, error) {
	for {
		r, err := n.input.Next()
		if err != nil || r == nil {
			return nil, err
		}
		n.kb = keyOf(n.kb[:0], r, n.cols, n.types)
		if _, ok := n.seen[string(n.kb)]; ok {
			continue
		}
		n.seen[string(n.kb)] = struct{}{}
		return r, nil
	}
}

func (n *distinctNode) Close() { n.input.Close(); n.seen = nil }

// setOpNode implements UNION / INTERSECT / EXCEPT [ALL] with per-row
// counts of the right input.
type setOpNode struct {
	plan        *planner.SetOp
	left, right Node
	ec          *Context
	types       []types.Type
	counts      map[string]int // right-side multiplicities (INTERSECT/EXCEPT)
	seen        map[string]struct{}
	onRight     bool
	kb          []byte
}

func (n *setOpNode) Open(ec *Context) error {
	n.ec, n.onRight = ec, false
	n.types = colTypes(n.plan.Cols)
	n.seen = map[string]struct{}{}
	n.counts = nil
	if n.plan.Kind != planner.Union {
		n.counts = map[string]int{}
		if err := n.right.Open(ec); err != nil {
			return err
		}
		for {
			r, err := n.right.Next()
			if err != nil {
				n.right.Close()
				return err
			}
			if r == nil {
				break
			}
			n.kb = keyOf(n.kb[:0], r, allCols(len(r)), n.types)
			n.counts[string(n.kb)]++
		}
		n.right.Close()
	}
	return n.left.Open(ec)
}

func (n *setOpNode) Next() (types.Row, error) {
	all := n.plan.All
	for {
		var r types.Row
		var err error
		if !n.onRight {
			if r, err = n.left.Next(); err != nil {
				return nil, err
			}
			if r == nil {
				if n.plan.Kind != planner.Union {
					return nil, nil
				}
				n.left.Close()
				n.onRight = true
				if err := n.right.Open(n.ec); err != nil {
					return nil, err
				}
				continue
			}
		} else {
			if r, err = n.right.Next(); err != nil || r == nil {
				return nil, err
			}
		}
		n.kb = keyOf(n.kb[:0], r, allCols(len(r)), n.types)
		k := string(n.kb)
		switch n.plan.Kind {
		case planner.Union:
			if all {
				return r, nil
			}
			if _, ok := n.seen[k]; ok {
				continue
			}
			n.seen[k] = struct{}{}
			return r, nil
		case planner.Intersect:
			if n.counts[k] > 0 {
				if all {
					n.counts[k]--
				} else {
					n.counts[k] = 0
				}
				return r, nil
			}
		case planner.Except:
			if all {
				if n.counts[k] > 0 {
					n.counts[k]--
					continue
				}
				return r, nil
			}
			if n.counts[k] > 0 {
				continue
			}
			if _, ok := n.seen[k]; ok {
				continue
			}
			n.seen[k] = struct{}{}
			return r, nil
		}
	}
}

func (n *setOpNode) Close() {
	if n.onRight {
		n.right.Close()
	} else {
		n.left.Close()
	}
}
