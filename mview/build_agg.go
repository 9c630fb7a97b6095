package mview

import (
	"github.com/eddy-db/eddy/executor/state"
	"github.com/eddy-db/eddy/executor/stream"
	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
	"slices"
)

// aggDef maps a planned aggregate call onto a streaming aggregate.
func aggDef(a planner.AggCall, in *planner.StreamNode) (stream.AggDef, error) {
	kind, ok := stream.AggKindOf(a.Agg.Name, len(a.Args))
	if !ok {
		return stream.AggDef{}, sqlerr.NotSupported("the aggregate %s() in a materialized view", a.Agg.Name)
	}
	d := stream.AggDef{Kind: kind, Arg: -1, Ret: a.Typ, Distinct: a.Distinct, Filter: -1}
	if len(a.Args) > 0 {
		c, ok := a.Args[0].(*planner.ColRef)
		if !ok {
			return d, sqlerr.New(sqlerr.InternalError, "aggregate argument is not a column")
		}
		d.Arg, d.ArgType = c.Idx, in.Cols[c.Idx].Type
	}
	if a.Filter != nil {
		c, ok := a.Filter.(*planner.ColRef)
		if !ok {
			return d, sqlerr.New(sqlerr.InternalError, "aggregate filter is not a column")
		}
		d.Filter = c.Idx
	}
	if kind == stream.AggSum || kind == stream.AggAvg {
		switch d.ArgType.ID {
		case types.Int2, types.Int4, types.Int8, types.Numeric, types.Float4, types.Float8, types.Interval:
		default:
			return d, sqlerr.NotSupported("%s of %s in a materialized view", a.Agg.Name, d.ArgType)
		}
	}
	return d, nil
}

func (b *builder) agg(n *planner.StreamNode, info stream.Info) (stream.Operator, error) {
	in, err := b.build(n.Inputs[0])
	if err != nil {
		return nil, err
	}
	src := n.Inputs[0]
	var defs []stream.AggDef
	for _, a := range n.Aggs {
		d, err := aggDef(a, src)
		if err != nil {
			return nil, err
		}
		defs = append(defs, d)
	}
	gtypes := colTypesAt(src, n.GroupBy)
	groups, err := b.stateTable(gtypes, stream.StateTypes(gtypes, defs))
	if err != nil {
		return nil, err
	}
	multisets := make([]*state.Table, len(defs))
	for i, d := range defs {
		if d.NeedsMultiset(src.AppendOnly) {
			if multisets[i], err = b.stateTable(stream.MultisetKeyTypes(gtypes, d), stream.MultisetValueTypes(d)); err != nil {
				return nil, err
			}
		}
	}
	a, err := stream.NewHashAgg(stream.HashAggConfig{Input: in, GroupBy: n.GroupBy, Aggs: defs, Info: info, Fragment: b.j.frag,
		Fn: b.fn, Groups: groups, Multisets: multisets, EOWC: n.EOWC, WindowCol: n.WindowCol, Global: len(n.GroupBy) == 0,
		WindowFirst: len(n.GroupBy) > 0 && slices.Contains(src.WindowCols, n.GroupBy[0])})
	if err != nil {
		return nil, err
	}
	b.j.restorers = append(b.j.restorers, a)
	return a, nil
}
