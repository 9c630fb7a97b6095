package executor

import (
	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/functions"
	"github.com/eddy-db/eddy/sql/types"
)

// FuncScanRows starts a set-returning function in FROM: its arguments are
// evaluated once (they may refer to outer rows of a correlated subquery),
// and next yields one row per value (its fields, for a function returning
// records; plus the ordinal WITH ORDINALITY), then nil.
func (ec *Context) FuncScanRows(p *planner.FuncScan) (next func() (types.Row, error), err error) {
	fs, err := ec.compileAll(p.Args)
	if err != nil {
		return nil, err
	}
	args := make([]types.Datum, len(fs))
	for i, f := range fs {
		if args[i], err = f(nil); err != nil {
			return nil, err
		}
	}
	it, err := p.Func.Call(ec.Fn, args)
	if err != nil {
		return nil, err
	}
	var n int64
	return func() (types.Row, error) {
		if err := ec.check(); err != nil {
			return nil, err
		}
		v, ok, err := it()
		if err != nil || !ok {
			return nil, err
		}
		n++
		var row types.Row
		if len(p.Func.Fields) > 0 {
			row = append(make(types.Row, 0, len(p.Cols)), v.Array()...)
		} else {
			row = types.Row{v}
		}
		if p.Ordinality {
			row = append(row, types.NewInt(n))
		}
		return row, nil
	}, nil
}

type funcScanNode struct {
	plan *planner.FuncScan
	next func() (types.Row, error)
}

func (n *funcScanNode) Open(ec *Context) (err error) {
	n.next, err = ec.FuncScanRows(n.plan)
	return err
}

func (n *funcScanNode) Next() (types.Row, error) { return n.next() }

func (n *funcScanNode) Close() {}

// SetCalls runs the set-returning calls of a ProjectSet over input rows.
// Start begins the calls on one row; Next then returns the next values,
// one per call (NULL for a call that has run out), until every call has
// run out. A SetCalls is not safe for concurrent use.
type SetCalls struct {
	ec   *Context
	fns  []*functions.SetFunc
	args [][]evalFn
	its  []functions.SeriesIter
	vals []types.Datum
	buf  []types.Datum
	live int
}

// NewSetCalls compiles the calls' arguments.
func (ec *Context) NewSetCalls(calls []*planner.SetCall) (*SetCalls, error) {
	s := &SetCalls{ec: ec, fns: make([]*functions.SetFunc, len(calls)), args: make([][]evalFn, len(calls)),
		its: make([]functions.SeriesIter, len(calls)), vals: make([]types.Datum, len(calls))}
	for i, c := range calls {
		s.fns[i] = c.Fn
		fs, err := ec.compileAll(c.Args)
		if err != nil {
			return nil, err
		}
		s.args[i] = fs
	}
	return s, nil
}

// Start begins every call on row.
func (s *SetCalls) Start(row types.Row) error {
	s.live = 0
	for i, fs := range s.args {
		s.buf = s.buf[:0]
		for _, f := range fs {
			v, err := f(row)
			if err != nil {
				return err
			}
			s.buf = append(s.buf, v)
		}
		it, err := s.fns[i].Call(s.ec.Fn, s.buf)
		if err != nil {
			return err
		}
		s.its[i] = it
		s.live++
	}
	return nil
}

// Next returns the calls' next values (valid until the next call), or
// ok false once every call has run out.
func (s *SetCalls) Next() (vals []types.Datum, ok bool, err error) {
	if s.live == 0 {
		return nil, false, nil
	}
	any := false
	for i, it := range s.its {
		s.vals[i] = types.Null
		if it == nil {
			continue
		}
		v, more, err := it()
		if err != nil {
			return nil, false, err
		}
		if !more {
			s.its[i] = nil
			s.live--
			continue
		}
		s.vals[i], any = v, true
	}
	return s.vals, any, nil
}

// projectSetNode expands each input row by its set-returning calls.
type projectSetNode struct {
	plan  *planner.ProjectSet
	input Node
	calls *SetCalls
	ec    *Context
	row   types.Row // the row being expanded; nil between rows
	ord   int64
}

func (n *projectSetNode) Open(ec *Context) (err error) {
	n.ec, n.row = ec, nil
	if n.calls, err = ec.NewSetCalls(n.plan.Calls); err != nil {
		return err
	}
	return n.input.Open(ec)
}

func (n *projectSetNode) Next() (types.Row, error) {
	for {
		if n.row == nil {
			r, err := n.input.Next()
			if err != nil || r == nil {
				return nil, err
			}
			if err := n.calls.Start(r); err != nil {
				return nil, err
			}
			n.row, n.ord = r, 0
		}
		if err := n.ec.check(); err != nil {
			return nil, err
		}
		vals, ok, err := n.calls.Next()
		if err != nil {
			return nil, err
		}
		if !ok {
			n.row = nil
			continue
		}
		out := make(types.Row, 0, len(n.plan.Cols))
		out = append(append(append(out, n.row...), vals...), types.NewInt(n.ord))
		n.ord++
		return out, nil
	}
}

func (n *projectSetNode) Close() { n.input.Close() }
