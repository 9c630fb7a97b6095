package executor

import (
	"github.com/eddy-db/eddy/planner"
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
