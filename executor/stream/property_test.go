package stream_test

import (
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"

	"github.com/cockroachdb/apd/v3"

	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/executor/stream"
	"github.com/eddy-db/eddy/sql/functions"
	"github.com/eddy-db/eddy/sql/types"
)

// Property tests: random inserts, deletes and updates with random chunk
// sizes and barrier placement (and random restarts from the committed
// state); after every barrier the view obtained by applying the
// operator's output changes must equal the result computed from scratch
// over the current input.
//
// Values are integers: numeric and float sums are known to differ in
// scale or rounding under retraction (see testdata/agg_bugs).

// view applies a stream of changes to rows identified by a key.
type view struct {
	rows map[string]string
}

func (v *view) apply(t *testing.T, c *chunk.Chunk, key []int, ts []types.Type) {
	t.Helper()
	if err := v.applyRows(c, key, ts, func(int) bool { return true }); err != nil {
		t.Fatal(err)
	}
}

// applyDeletesFirst applies a chunk's deletes before its inserts: the
// result of the chunk, whatever the order of its rows.
func (v *view) applyDeletesFirst(t *testing.T, c *chunk.Chunk, key []int, ts []types.Type) {
	t.Helper()
	err := v.applyRows(c, key, ts, func(i int) bool { return !c.Ops[i].IsInsert() })
	if err == nil {
		err = v.applyRows(c, key, ts, func(i int) bool { return c.Ops[i].IsInsert() })
	}
	if err != nil {
		t.Fatal(err)
	}
}

// applyRows applies the selected rows of c in order; it fails on an
// insert over an existing key or a delete of a row the view does not
// hold.
func (v *view) applyRows(c *chunk.Chunk, key []int, ts []types.Type, sel func(int) bool) error {
	var row types.Row
	for i := 0; i < c.Len(); i++ {
		if !c.Visible(i) || !sel(i) {
			continue
		}
		row = c.Row(i, row)
		k := formatRow(pick(row, key), colTypes(ts, key))
		text := formatRow(row, ts)
		switch c.Ops[i] {
		case chunk.Insert, chunk.UpdateInsert:
			if old, ok := v.rows[k]; ok {
				return fmt.Errorf("insert of %q over existing %q", text, old)
			}
			v.rows[k] = text
		default:
			if old, ok := v.rows[k]; !ok || old != text {
				return fmt.Errorf("delete of %q, view holds %q (present %v)", text, old, ok)
			}
			delete(v.rows, k)
		}
	}
	return nil
}

func pick(row types.Row, idx []int) types.Row {
	out := make(types.Row, len(idx))
	for i, k := range idx {
		out[i] = row[k]
	}
	return out
}

func sortedValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// pullEpoch pushes msgs into the inputs (idx -1: all) and pulls op until
// the barrier of epoch comes out, calling emit for every chunk; then it
// takes the epoch's batch (see run.commit).
func pullEpoch(t *testing.T, r *run, evs []event, epoch uint64, emit func(*chunk.Chunk)) {
	t.Helper()
	for _, e := range evs {
		if e.input < 0 {
			for _, in := range r.inputs {
				b := *e.msg.Barrier
				in.push(stream.Message{Barrier: &b})
			}
			continue
		}
		r.inputs[e.input].push(e.msg)
	}
	for {
		m, err := r.op.Next(r.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if m.Chunk != nil {
			emit(m.Chunk)
		}
		if m.Barrier != nil {
			if m.Barrier.Epoch != epoch {
				t.Fatalf("barrier %d, want %d", m.Barrier.Epoch, epoch)
			}
			if err := r.commit(epoch); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
}

// restart closes r and builds the operator again on the same store,
// restored from its committed state.
func restart(t *testing.T, spec *opSpec, r *run) *run {
	t.Helper()
	if err := r.sync(); err != nil {
		t.Fatal(err)
	}
	r.close()
	nr, err := spec.start(r.store)
	if err != nil {
		t.Fatal(err)
	}
	nr.epoch = r.epoch
	if err := nr.op.(restorer).Restore(r.store); err != nil {
		t.Fatal(err)
	}
	return nr
}

// aggOracle computes the expected output rows of the property test's
// aggregation from the current input rows.
type aggOracle struct {
	div *functions.Func
}

// Input columns: id int, g int, v int, f bool, b bigint.
// Aggregates: count(*), count(v), sum(v), min(v), max(v),
// count(distinct v), sum(v) filter f, avg(v), sum(b), max(b) filter f.
const propAggs = "(count(*), count(c2), sum(c2), min(c2), max(c2), count(distinct c2), sum(c2) filter c3, avg(c2), sum(c4), max(c4) filter c3)"

func (o *aggOracle) compute(t *testing.T, rows []types.Row, group []int) map[string]types.Row {
	global := len(group) == 0
	groups := map[string][]types.Row{}
	keys := map[string]types.Row{}
	for _, r := range rows {
		k := "global"
		if !global {
			var key types.Row
			for _, g := range group {
				key = append(key, r[g])
			}
			k = formatRow(key, []types.Type{types.TInt4, types.TInt4})
			keys[k] = key
		}
		groups[k] = append(groups[k], r)
	}
	if global && len(groups) == 0 {
		groups["global"] = nil
	}
	out := map[string]types.Row{}
	for k, rs := range groups {
		var row types.Row
		if !global {
			row = append(row, keys[k]...)
		}
		var n, cnt, sum, fsum, fcnt int64
		var min, max, fmaxb types.Datum
		distinct := map[int64]bool{}
		bsum := new(apd.Decimal)
		bcnt := 0
		for _, r := range rs {
			n++
			if !r[2].IsNull() {
				v := r[2].Int()
				cnt++
				sum += v
				distinct[v] = true
				if min.IsNull() || v < min.Int() {
					min = r[2]
				}
				if max.IsNull() || v > max.Int() {
					max = r[2]
				}
				if !r[3].IsNull() && r[3].Bool() {
					fsum += v
					fcnt++
				}
			}
			if !r[4].IsNull() {
				var x apd.Decimal
				x.SetInt64(r[4].Int())
				if _, err := apd.BaseContext.WithPrecision(100).Add(bsum, bsum, &x); err != nil {
					t.Fatal(err)
				}
				bcnt++
				if !r[3].IsNull() && r[3].Bool() && (fmaxb.IsNull() || r[4].Int() > fmaxb.Int()) {
					fmaxb = r[4]
				}
			}
		}
		row = append(row, types.NewInt(n), types.NewInt(cnt))
		orNull := func(ok bool, d types.Datum) types.Datum {
			if ok {
				return d
			}
			return types.Null
		}
		row = append(row, orNull(cnt > 0, types.NewInt(sum)), min, max, types.NewInt(int64(len(distinct))),
			orNull(fcnt > 0, types.NewInt(fsum)))
		avg := types.Null
		if cnt > 0 {
			var s, c apd.Decimal
			s.SetInt64(sum)
			c.SetInt64(cnt)
			var err error
			avg, err = o.div.Eval(fnContext(), []types.Datum{types.NewDecimal(&s), types.NewDecimal(&c)})
			if err != nil {
				t.Fatal(err)
			}
		}
		row = append(row, avg, orNull(bcnt > 0, types.NewDecimal(bsum)), fmaxb)
		out[k] = row
	}
	return out
}

// randomRow returns a row (id, g, v, f, b) with small domains so that
// groups, duplicates and NULLs are frequent.
func randomRow(rng *rand.Rand, id int64) types.Row {
	return randomAggRow(rng, id, false)
}

// randomAggRow is randomRow, with only non-negative v and b when nonNeg
// is set.
func randomAggRow(rng *rand.Rand, id int64, nonNeg bool) types.Row {
	maybe := func(d types.Datum) types.Datum {
		if rng.Intn(6) == 0 {
			return types.Null
		}
		return d
	}
	v, b := int64(rng.Intn(11)-5), rng.Int63n(1<<62)*int64(1-2*rng.Intn(2))
	if nonNeg {
		v, b = v+5, b&(1<<62-1)
	}
	return types.Row{types.NewInt(id), maybe(types.NewInt(int64(rng.Intn(4)))), maybe(types.NewInt(v)),
		maybe(types.NewBool(rng.Intn(2) == 0)), maybe(types.NewInt(b))}
}

// changeGen produces random consistent changes to a keyed row set.
type changeGen struct {
	rng    *rand.Rand
	rows   map[int64]types.Row
	nextID int64
	make   func(rng *rand.Rand, id int64) types.Row
	// appendOnly generates inserts only.
	appendOnly bool
}

// chunk returns a random chunk of changes and applies it to rows.
func (g *changeGen) chunk(ts []types.Type) *chunk.Chunk {
	n := 1 + g.rng.Intn(8)
	c := chunk.New(ts, n)
	for i := 0; i < n; i++ {
		op := g.rng.Intn(10)
		if g.appendOnly || len(g.rows) == 0 {
			op = 0
		}
		switch {
		case op < 5:
			g.nextID++
			r := g.make(g.rng, g.nextID)
			g.rows[g.nextID] = r
			c.AppendRow(chunk.Insert, r)
		case op < 8:
			id := g.anyID()
			c.AppendRow(chunk.Delete, g.rows[id])
			delete(g.rows, id)
		default:
			id := g.anyID()
			nr := g.make(g.rng, id)
			c.AppendRow(chunk.UpdateDelete, g.rows[id])
			c.AppendRow(chunk.UpdateInsert, nr)
			g.rows[id] = nr
		}
		if g.rng.Intn(10) == 0 {
			c.Hide(c.Len() - 1)
			// A hidden change did not happen: undo it.
			g.undo(c)
		}
	}
	return c
}

// undo reverts the effect of the last (hidden) row of c on rows; a
// hidden U+ also hides its U-.
func (g *changeGen) undo(c *chunk.Chunk) {
	i := c.Len() - 1
	row := c.Row(i, nil)
	id := row[0].Int()
	switch c.Ops[i] {
	case chunk.Insert:
		delete(g.rows, id)
	case chunk.Delete:
		g.rows[id] = row
	case chunk.UpdateInsert:
		c.Hide(i - 1)
		g.rows[id] = c.Row(i-1, nil)
	}
}

func (g *changeGen) anyID() int64 {
	ids := make([]int64, 0, len(g.rows))
	for id := range g.rows {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(a, b int) bool { return ids[a] < ids[b] })
	return ids[g.rng.Intn(len(ids))]
}

func (g *changeGen) current() []types.Row {
	out := make([]types.Row, 0, len(g.rows))
	for _, r := range g.rows {
		out = append(out, r)
	}
	return out
}

func TestHashAggProperty(t *testing.T) {
	div, _, err := functions.Resolve("/", []types.Type{types.TNumeric, types.TNumeric})
	if err != nil {
		t.Fatal(err)
	}
	oracle := &aggOracle{div: div}
	for seed := int64(1); seed <= 24; seed++ {
		appendOnly := seed%4 == 1
		restarts := seed%2 == 0
		// Groups: none, one column, or two with the first indexed as a
		// window (groups kept per value of the first column).
		group, groupDesc := []int{1}, "k"
		switch seed % 3 {
		case 0:
			group, groupDesc = nil, "global"
		case 2:
			if seed%4 != 2 {
				group, groupDesc = []int{1, 2}, "k,v-window-first"
			}
		}
		t.Run(fmt.Sprintf("seed=%d/group=%s/append-only=%v/restarts=%v", seed, groupDesc, appendOnly, restarts), func(t *testing.T) {
			rng := rand.New(rand.NewSource(seed))
			h := newHarness(t)
			c := &ddCase{Cmd: "agg", KV: map[string]string{"in": "int,int,int,bool,bigint", "key": "0", "aggs": propAggs}}
			switch len(group) {
			case 1:
				c.KV["group"] = "1"
			case 2:
				c.KV["group"] = "1,2"
				c.Args = append(c.Args, "window-first")
			}
			if appendOnly {
				c.Args = append(c.Args, "append-only")
			}
			spec, err := h.define(c)
			if err != nil {
				t.Fatal(err)
			}
			r, err := spec.start(openStore(t))
			if err != nil {
				t.Fatal(err)
			}
			defer func() { r.close() }()
			gen := &changeGen{rng: rng, rows: map[int64]types.Row{}, make: randomRow, appendOnly: appendOnly}
			in := spec.ins[0]
			out := r.op.Info()
			v := &view{rows: map[string]string{}}
			for epoch := 1; epoch <= 40; epoch++ {
				var evs []event
				for n := rng.Intn(4); n > 0; n-- {
					evs = append(evs, event{input: 0, msg: stream.Message{Chunk: gen.chunk(in.Types)}})
				}
				r.epoch++
				evs = append(evs, event{input: -1, msg: stream.Message{Barrier: &stream.Barrier{Epoch: r.epoch}}})
				pullEpoch(t, r, evs, r.epoch, func(c *chunk.Chunk) { v.apply(t, c, out.Key, out.Types) })
				want := map[string]string{}
				for k, row := range oracle.compute(t, gen.current(), group) {
					want[k] = formatRow(row, out.Types)
				}
				got, exp := sortedValues(v.rows), sortedValues(want)
				if strings.Join(got, "\n") != strings.Join(exp, "\n") {
					t.Fatalf("epoch %d: view\n%s\nwant\n%s", epoch, strings.Join(got, "\n"), strings.Join(exp, "\n"))
				}
				if restarts && rng.Intn(8) == 0 {
					r = restart(t, spec, r)
				}
			}
		})
	}
}

// joinRow returns a side's row (id, k, x).
func joinRow(rng *rand.Rand, id int64) types.Row {
	k := types.NewInt(int64(rng.Intn(4)))
	if rng.Intn(8) == 0 {
		k = types.Null
	}
	return types.Row{types.NewInt(id), k, types.NewInt(int64(rng.Intn(10)))}
}

// joinOracle joins the current rows from scratch (cond is left.x <
// right.x), keyed by the output's stream key (left id, right id).
func joinOracle(kind string, cond bool, left, right []types.Row) map[string]string {
	out := map[string]string{}
	ts := []types.Type{types.TInt4, types.TInt4, types.TInt4, types.TInt4, types.TInt4, types.TInt4}
	nulls := types.Row{types.Null, types.Null, types.Null}
	add := func(row types.Row) {
		out[formatRow(types.Row{row[0], row[3]}, ts[:2])] = formatRow(row, ts)
	}
	rmatched := make([]bool, len(right))
	for _, l := range left {
		matched := false
		for j, r := range right {
			if l[1].IsNull() || r[1].IsNull() || l[1].Int() != r[1].Int() {
				continue
			}
			if cond && !(l[2].Int() < r[2].Int()) {
				continue
			}
			matched = true
			rmatched[j] = true
			add(append(l.Copy(), r...))
		}
		if !matched && (kind == "left" || kind == "full") {
			add(append(l.Copy(), nulls...))
		}
	}
	if kind == "right" || kind == "full" {
		for j, r := range right {
			if !rmatched[j] {
				add(append(nulls.Copy(), r...))
			}
		}
	}
	return out
}

func TestHashJoinProperty(t *testing.T) {
	kinds := []string{"inner", "left", "right", "full"}
	for seed := int64(1); seed <= 16; seed++ {
		kind := kinds[seed%4]
		cond := seed%3 == 0
		t.Run(fmt.Sprintf("seed=%d/%s/cond=%v", seed, kind, cond), func(t *testing.T) {
			rng := rand.New(rand.NewSource(seed))
			h := newHarness(t)
			c := &ddCase{Cmd: "join", KV: map[string]string{"kind": kind, "left": "int,int,int", "right": "int,int,int",
				"lkeys": "1", "rkeys": "1", "lpk": "0", "rpk": "0"}}
			if cond {
				c.KV["cond"] = "(c2 < c5)"
			}
			spec, err := h.define(c)
			if err != nil {
				t.Fatal(err)
			}
			r, err := spec.start(openStore(t))
			if err != nil {
				t.Fatal(err)
			}
			defer func() { r.close() }()
			sides := []*changeGen{
				{rng: rng, rows: map[int64]types.Row{}, make: joinRow},
				{rng: rng, rows: map[int64]types.Row{}, make: joinRow},
			}
			out := r.op.Info()
			v := &view{rows: map[string]string{}}
			for epoch := 1; epoch <= 30; epoch++ {
				var evs []event
				for n := rng.Intn(5); n > 0; n-- {
					s := rng.Intn(2)
					evs = append(evs, event{input: s, msg: stream.Message{Chunk: sides[s].chunk(spec.ins[s].Types)}})
				}
				r.epoch++
				evs = append(evs, event{input: -1, msg: stream.Message{Barrier: &stream.Barrier{Epoch: r.epoch}}})
				pullEpoch(t, r, evs, r.epoch, func(c *chunk.Chunk) { v.apply(t, c, out.Key, out.Types) })
				want := joinOracle(kind, cond, sides[0].current(), sides[1].current())
				got, exp := sortedValues(v.rows), sortedValues(want)
				if strings.Join(got, "\n") != strings.Join(exp, "\n") {
					t.Fatalf("epoch %d: view\n%s\nwant\n%s", epoch, strings.Join(got, "\n"), strings.Join(exp, "\n"))
				}
				if rng.Intn(6) == 0 {
					r = restart(t, spec, r)
				}
			}
		})
	}
}

// topnRow returns a row (id, g, v) with few groups and many ties.
func topnRow(rng *rand.Rand, id int64) types.Row {
	v := types.NewInt(int64(rng.Intn(5)))
	if rng.Intn(8) == 0 {
		v = types.Null
	}
	return types.Row{types.NewInt(id), types.NewInt(int64(rng.Intn(3))), v}
}

// topnOracle computes the top-N view from scratch: per group (column 1
// when grouped), rows ordered by v (DESC puts NULLs first, ASC last) then
// id, and either rows offset+1..offset+limit or, with a rank function,
// the rows ranked <= limit with their rank appended.
func topnOracle(rows []types.Row, grouped, desc bool, limit, offset int, rank string) map[string]string {
	groups := map[int64][]types.Row{}
	for _, r := range rows {
		g := int64(0)
		if grouped {
			g = r[1].Int()
		}
		groups[g] = append(groups[g], r)
	}
	cmpV := func(a, b types.Datum) int {
		switch {
		case a.IsNull() && b.IsNull():
			return 0
		case a.IsNull():
			if desc {
				return -1
			}
			return 1
		case b.IsNull():
			if desc {
				return 1
			}
			return -1
		}
		c := types.Compare(a, b)
		if desc {
			c = -c
		}
		return c
	}
	ts := []types.Type{types.TInt4, types.TInt4, types.TInt4, types.TInt8}
	out := map[string]string{}
	for _, rs := range groups {
		sort.Slice(rs, func(i, j int) bool {
			if c := cmpV(rs[i][2], rs[j][2]); c != 0 {
				return c < 0
			}
			return rs[i][0].Int() < rs[j][0].Int()
		})
		if rank == "" {
			for i := offset; i < offset+limit && i < len(rs); i++ {
				out[formatRow(rs[i][:1], ts)] = formatRow(rs[i], ts)
			}
			continue
		}
		var rk, dense int64
		for i, r := range rs {
			if i == 0 || cmpV(rs[i-1][2], r[2]) != 0 {
				rk = int64(i) + 1
				dense++
			}
			v := int64(i) + 1
			switch rank {
			case "rank":
				v = rk
			case "dense_rank":
				v = dense
			}
			if v > int64(limit) {
				break
			}
			row := append(r.Copy(), types.NewInt(v))
			out[formatRow(r[:1], ts)] = formatRow(row, ts)
		}
	}
	return out
}

func TestTopNProperty(t *testing.T) {
	ranks := []string{"", "row_number", "rank", "dense_rank"}
	for seed := int64(1); seed <= 16; seed++ {
		rank := ranks[seed%4]
		grouped := seed%3 != 0
		desc := (seed/4)%2 == 0
		limit, offset := 1+int(seed%3), 0
		if rank == "" {
			offset = int(seed % 3)
		}
		t.Run(fmt.Sprintf("seed=%d/rank=%s/grouped=%v/desc=%v/limit=%d/offset=%d", seed, rank, grouped, desc, limit, offset), func(t *testing.T) {
			rng := rand.New(rand.NewSource(seed))
			h := newHarness(t)
			order := "(c2)"
			if desc {
				order = "(c2 desc)"
			}
			c := &ddCase{Cmd: "topn", KV: map[string]string{"in": "int,int,int", "key": "0", "order": order,
				"limit": fmt.Sprint(limit), "offset": fmt.Sprint(offset)}}
			if grouped {
				c.KV["group"] = "1"
			}
			if rank != "" {
				c.KV["rank"] = rank
			}
			spec, err := h.define(c)
			if err != nil {
				t.Fatal(err)
			}
			r, err := spec.start(openStore(t))
			if err != nil {
				t.Fatal(err)
			}
			defer func() { r.close() }()
			gen := &changeGen{rng: rng, rows: map[int64]types.Row{}, make: topnRow}
			out := r.op.Info()
			v := &view{rows: map[string]string{}}
			for epoch := 1; epoch <= 30; epoch++ {
				var evs []event
				for n := rng.Intn(4); n > 0; n-- {
					evs = append(evs, event{input: 0, msg: stream.Message{Chunk: gen.chunk(spec.ins[0].Types)}})
				}
				r.epoch++
				evs = append(evs, event{input: -1, msg: stream.Message{Barrier: &stream.Barrier{Epoch: r.epoch}}})
				// A row moving between groups can come out inserted
				// before it is deleted (a bug shown in testdata/topn):
				// apply each chunk's deletes first.
				pullEpoch(t, r, evs, r.epoch, func(c *chunk.Chunk) { v.applyDeletesFirst(t, c, out.Key, out.Types) })
				want := topnOracle(gen.current(), grouped, desc, limit, offset, rank)
				got, exp := sortedValues(v.rows), sortedValues(want)
				if strings.Join(got, "\n") != strings.Join(exp, "\n") {
					t.Fatalf("epoch %d: view\n%s\nwant\n%s", epoch, strings.Join(got, "\n"), strings.Join(exp, "\n"))
				}
				if rng.Intn(6) == 0 {
					r = restart(t, spec, r)
				}
			}
		})
	}
}
