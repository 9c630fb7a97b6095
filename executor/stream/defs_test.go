package stream_test

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/eddy-db/eddy/executor"
	"github.com/eddy-db/eddy/executor/state"
	"github.com/eddy-db/eddy/executor/stream"
	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/functions"
	"github.com/eddy-db/eddy/sql/types"
)

// The operator commands of the data-driven files. Every one takes the
// input's column types (in=int,text), its stream key (key=0,1; all
// columns by default) and append-only (an append-only input):
//
//	filter cond=(c1 > 10)
//	project exprs=(c0, c1 * 2)               watermarks of bare columns follow them
//	tumble time=1 size=10m [offset=...]
//	hop time=1 slide=5m size=10m [offset=...]
//	union n=2                                inputs labelled 0, 1, ...
//	agg [group=0,1] aggs=(count(*), sum(c1), count(distinct c1), max(c1) filter c2) [eowc] [window=0]
//	join kind=inner|left|right|full left=int,text right=int,text lkeys=0 rkeys=0 [lpk=0] [rpk=0] [cond=(...)]
//	                                         inputs labelled L and R; cond is over left ‖ right
//	topn order=(c1 desc, c0) limit=2 [offset=1] [group=2] [rank=row_number|rank|dense_rank]
//	materialize                              the view table is "view" (see rows)
//
// agg without group= is a global aggregation; window= names the group
// column (an index into group=) whose watermark closes windows: with
// eowc rows come out only then, without it the state is cleaned.
//
// An operator command's input lines (see parseInput) are fed to the new
// operator at once. The other commands:
//
//	input [unsorted]     feed more input lines; print the output
//	restore              restart the operator from its committed state (see harness.restore)
//	state                the keys of every committed state table
//	rows table=<name>    the committed rows of one state table
//	attach / detach      attach a consumer to a materialize, or detach it
//	consumer             what the attached consumer received since last asked

// inputInfo reads in=, key= and append-only.
func inputInfo(c *ddCase, typesKey, keyKey string) (stream.Info, error) {
	s, ok := c.Get(typesKey)
	if !ok {
		return stream.Info{}, fmt.Errorf("missing %s=", typesKey)
	}
	ts, err := parseTypes(s)
	if err != nil {
		return stream.Info{}, err
	}
	info := stream.Info{Types: ts, Kind: stream.Retract}
	if c.Has("append-only") {
		info.Kind = stream.AppendOnly
	}
	if k, ok := c.Get(keyKey); ok {
		if info.Key, err = parseInts(k); err != nil {
			return info, err
		}
	} else {
		for i := range ts {
			info.Key = append(info.Key, i)
		}
	}
	return info, nil
}

func colTypes(ts []types.Type, idx []int) []types.Type {
	out := make([]types.Type, len(idx))
	for i, k := range idx {
		out[i] = ts[k]
	}
	return out
}

func fnContext() *functions.Context { return &functions.Context{Env: types.DefaultEnv} }

// define builds the spec of the operator a command describes.
func (h *harness) define(c *ddCase) (*opSpec, error) {
	switch c.Cmd {
	case "filter":
		in, err := inputInfo(c, "in", "key")
		if err != nil {
			return nil, err
		}
		cond, _ := c.Get("cond")
		f, _, err := compileExpr(cond, in.Types)
		if err != nil {
			return nil, err
		}
		return &opSpec{ins: []stream.Info{in}, build: func(r *run, _ []*state.Table) (stream.Operator, error) {
			return stream.NewFilter(r.inputs[0], f), nil
		}}, nil

	case "project":
		in, err := inputInfo(c, "in", "key")
		if err != nil {
			return nil, err
		}
		es, _ := c.Get("exprs")
		var fs []executor.EvalFunc
		out := stream.Info{Kind: in.Kind}
		to := map[int][]int{}
		for i, s := range splitTop(es) {
			f, t, err := compileExpr(s, in.Types)
			if err != nil {
				return nil, err
			}
			fs = append(fs, f)
			out.Types = append(out.Types, t)
			var col int
			if _, err := fmt.Sscanf(s, "c%d", &col); err == nil && fmt.Sprintf("c%d", col) == s {
				to[col] = append(to[col], i)
			}
		}
		return &opSpec{ins: []stream.Info{in}, build: func(r *run, _ []*state.Table) (stream.Operator, error) {
			return stream.NewWatermarkMap(stream.NewProject(r.inputs[0], fs, out), to), nil
		}}, nil

	case "tumble", "hop":
		in, err := inputInfo(c, "in", "key")
		if err != nil {
			return nil, err
		}
		hop := &planner.Hop{Tumble: c.Cmd == "tumble"}
		tc, _ := c.Get("time")
		if _, err := fmt.Sscan(tc, &hop.TimeCol); err != nil {
			return nil, fmt.Errorf("bad time=%q", tc)
		}
		for key, dst := range map[string]*int64{"size": &hop.Size, "slide": &hop.Slide, "offset": &hop.Offset} {
			if s, ok := c.Get(key); ok {
				d, err := time.ParseDuration(s)
				if err != nil {
					return nil, err
				}
				*dst = d.Microseconds()
			}
		}
		if hop.Tumble {
			hop.Slide = hop.Size
		}
		tt := in.Types[hop.TimeCol]
		out := stream.Info{Types: append(append([]types.Type{}, in.Types...), tt, tt), Key: in.Key, Kind: in.Kind}
		if !hop.Tumble {
			out.Key = append(append([]int{}, in.Key...), len(in.Types))
		}
		return &opSpec{ins: []stream.Info{in}, build: func(r *run, _ []*state.Table) (stream.Operator, error) {
			return stream.NewHop(r.inputs[0], hop, out), nil
		}}, nil

	case "union":
		in, err := inputInfo(c, "in", "key")
		if err != nil {
			return nil, err
		}
		var n int
		ns, _ := c.Get("n")
		if _, err := fmt.Sscan(ns, &n); err != nil || n < 1 {
			return nil, fmt.Errorf("bad n=%q", ns)
		}
		spec := &opSpec{labels: map[string]int{}}
		for i := 0; i < n; i++ {
			spec.ins = append(spec.ins, in)
			spec.labels[fmt.Sprint(i)] = i
		}
		spec.build = func(r *run, _ []*state.Table) (stream.Operator, error) {
			ops := make([]stream.Operator, len(r.inputs))
			for i, in := range r.inputs {
				ops[i] = in
			}
			return stream.NewUnion(ops, in), nil
		}
		return spec, nil

	case "agg":
		return h.defineAgg(c)

	case "join":
		return h.defineJoin(c)

	case "topn":
		return h.defineTopN(c)

	case "materialize":
		in, err := inputInfo(c, "in", "key")
		if err != nil {
			return nil, err
		}
		spec := &opSpec{ins: []stream.Info{in}}
		h.table(spec, "view", colTypes(in.Types, in.Key), in.Types)
		spec.build = func(r *run, ts []*state.Table) (stream.Operator, error) {
			return stream.NewMaterialize(r.inputs[0], ts[0], r.frag), nil
		}
		return spec, nil
	}
	return nil, fmt.Errorf("unknown command %q", c.Cmd)
}

var aggRE = regexp.MustCompile(`^(\w+)\((\*|(distinct )?c(\d+))\)( filter c(\d+))?$`)

// aggRet is the result type PostgreSQL gives an aggregate.
func aggRet(kind stream.AggKind, arg types.Type) types.Type {
	switch kind {
	case stream.AggCountStar, stream.AggCount:
		return types.TInt8
	case stream.AggSum:
		switch arg.ID {
		case types.Int2, types.Int4:
			return types.TInt8
		case types.Int8, types.Numeric:
			return types.TNumeric
		}
		return arg
	case stream.AggAvg:
		switch arg.ID {
		case types.Int2, types.Int4, types.Int8, types.Numeric:
			return types.TNumeric
		case types.Float4, types.Float8:
			return types.TFloat8
		}
		return arg
	}
	return arg
}

// parseAggs reads aggregate calls over input columns of types ts.
func parseAggs(s string, ts []types.Type) ([]stream.AggDef, error) {
	var defs []stream.AggDef
	for _, a := range splitTop(s) {
		m := aggRE.FindStringSubmatch(a)
		if m == nil {
			return nil, fmt.Errorf("bad aggregate %q", a)
		}
		nargs := 1
		if m[2] == "*" {
			nargs = 0
		}
		kind, ok := stream.AggKindOf(m[1], nargs)
		if !ok {
			return nil, fmt.Errorf("unknown aggregate %q", m[1])
		}
		d := stream.AggDef{Kind: kind, Arg: -1, Filter: -1, Distinct: m[3] != ""}
		if nargs == 1 {
			fmt.Sscan(m[4], &d.Arg)
			d.ArgType = ts[d.Arg]
		}
		if m[6] != "" {
			fmt.Sscan(m[6], &d.Filter)
		}
		d.Ret = aggRet(kind, d.ArgType)
		defs = append(defs, d)
	}
	return defs, nil
}

func (h *harness) defineAgg(c *ddCase) (*opSpec, error) {
	in, err := inputInfo(c, "in", "key")
	if err != nil {
		return nil, err
	}
	gs, _ := c.Get("group")
	group, err := parseInts(gs)
	if err != nil {
		return nil, err
	}
	as, _ := c.Get("aggs")
	defs, err := parseAggs(as, in.Types)
	if err != nil {
		return nil, err
	}
	window := -1
	if w, ok := c.Get("window"); ok {
		fmt.Sscan(w, &window)
	}
	gtypes := colTypes(in.Types, group)
	out := stream.Info{Types: append([]types.Type{}, gtypes...), Kind: stream.Retract}
	for i := range group {
		out.Key = append(out.Key, i)
	}
	for _, d := range defs {
		out.Types = append(out.Types, d.Ret)
	}
	spec := &opSpec{ins: []stream.Info{in}}
	h.table(spec, "groups", gtypes, stream.StateTypes(gtypes, defs))
	msIdx := map[int]int{} // aggregate -> table index
	for i, d := range defs {
		if d.NeedsMultiset(in.Kind == stream.AppendOnly) {
			msIdx[i] = len(spec.tables)
			h.table(spec, fmt.Sprintf("ms%d", i), stream.MultisetKeyTypes(gtypes, d), stream.MultisetValueTypes(d))
		}
	}
	spec.build = func(r *run, ts []*state.Table) (stream.Operator, error) {
		ms := make([]*state.Table, len(defs))
		for i, ti := range msIdx {
			ms[i] = ts[ti]
		}
		return stream.NewHashAgg(stream.HashAggConfig{Input: r.inputs[0], GroupBy: group, Aggs: defs, Info: out,
			Fragment: r.frag, Fn: fnContext(), Groups: ts[0], Multisets: ms, EOWC: c.Has("eowc"), WindowCol: window,
			Global: len(group) == 0, WindowFirst: c.Has("window-first")})
	}
	return spec, nil
}

func (h *harness) defineJoin(c *ddCase) (*opSpec, error) {
	l, err := inputInfo(c, "left", "lpk")
	if err != nil {
		return nil, err
	}
	r, err := inputInfo(c, "right", "rpk")
	if err != nil {
		return nil, err
	}
	kinds := map[string]planner.JoinKind{"inner": planner.InnerJoin, "left": planner.LeftJoin, "right": planner.RightJoin, "full": planner.FullJoin}
	ks, _ := c.Get("kind")
	kind, ok := kinds[ks]
	if !ok {
		return nil, fmt.Errorf("bad kind=%q", ks)
	}
	lk, _ := c.Get("lkeys")
	rk, _ := c.Get("rkeys")
	lkeys, err := parseInts(lk)
	if err != nil {
		return nil, err
	}
	rkeys, err := parseInts(rk)
	if err != nil {
		return nil, err
	}
	all := append(append([]types.Type{}, l.Types...), r.Types...)
	var cond executor.EvalFunc
	if cs, ok := c.Get("cond"); ok {
		if cond, _, err = compileExpr(cs, all); err != nil {
			return nil, err
		}
	}
	out := stream.Info{Types: all, Key: append([]int{}, l.Key...), Kind: stream.Retract}
	for _, k := range r.Key {
		out.Key = append(out.Key, len(l.Types)+k)
	}
	spec := &opSpec{ins: []stream.Info{l, r}, labels: map[string]int{"L": 0, "R": 1}}
	ktypes := colTypes(l.Types, lkeys)
	h.table(spec, "left", append(append([]types.Type{}, ktypes...), colTypes(l.Types, l.Key)...), l.Types)
	h.table(spec, "right", append(colTypes(r.Types, rkeys), colTypes(r.Types, r.Key)...), r.Types)
	spec.build = func(rn *run, ts []*state.Table) (stream.Operator, error) {
		return stream.NewHashJoin(stream.HashJoinConfig{Left: rn.inputs[0], Right: rn.inputs[1], Kind: kind,
			LeftKeys: lkeys, RightKeys: rkeys, KeyTypes: ktypes, Cond: cond, Info: out, Fragment: rn.frag,
			LeftTable: ts[0], RightTable: ts[1]}), nil
	}
	return spec, nil
}

// parseOrder reads "c1 desc, c0 nulls first".
func parseOrder(s string) ([]planner.SortKey, error) {
	var keys []planner.SortKey
	for _, part := range splitTop(s) {
		f := strings.Fields(part)
		var k planner.SortKey
		if _, err := fmt.Sscanf(f[0], "c%d", &k.Idx); err != nil {
			return nil, fmt.Errorf("bad order %q", part)
		}
		rest := strings.Join(f[1:], " ")
		if strings.HasPrefix(rest, "desc") {
			k.Desc = true
			k.NullsFirst = true // PostgreSQL: DESC puts NULLs first
			rest = strings.TrimSpace(strings.TrimPrefix(rest, "desc"))
		}
		rest = strings.TrimSpace(strings.TrimPrefix(rest, "asc"))
		switch rest {
		case "nulls first":
			k.NullsFirst = true
		case "nulls last":
			k.NullsFirst = false
		case "":
		default:
			return nil, fmt.Errorf("bad order %q", part)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

func (h *harness) defineTopN(c *ddCase) (*opSpec, error) {
	in, err := inputInfo(c, "in", "key")
	if err != nil {
		return nil, err
	}
	os, _ := c.Get("order")
	order, err := parseOrder(os)
	if err != nil {
		return nil, err
	}
	var limit, offset int64
	if s, ok := c.Get("limit"); ok {
		fmt.Sscan(s, &limit)
	}
	if s, ok := c.Get("offset"); ok {
		fmt.Sscan(s, &offset)
	}
	gs, _ := c.Get("group")
	group, err := parseInts(gs)
	if err != nil {
		return nil, err
	}
	rank, _ := c.Get("rank")
	out := stream.Info{Types: append([]types.Type{}, in.Types...), Key: in.Key, Kind: stream.Retract}
	if rank != "" {
		out.Types = append(out.Types, types.TInt8)
	}
	kt := colTypes(in.Types, group)
	for _, o := range order {
		kt = append(kt, in.Types[o.Idx])
	}
	kt = append(kt, colTypes(in.Types, in.Key)...)
	spec := &opSpec{ins: []stream.Info{in}}
	h.table(spec, "rows", kt, in.Types)
	spec.build = func(r *run, ts []*state.Table) (stream.Operator, error) {
		return stream.NewTopN(stream.TopNConfig{Input: r.inputs[0], Order: order, Limit: limit, Offset: offset,
			GroupKey: group, Rank: rank, Info: out, Fragment: r.frag, Table: ts[0]}), nil
	}
	return spec, nil
}
