package stream

import (
	"context"
	"math/bits"
	"sort"

	"github.com/cockroachdb/apd/v3"

	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/executor/state"
	"github.com/eddy-db/eddy/sql/functions"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
	"github.com/eddy-db/eddy/storage"
)

// AggKind is a streaming aggregate function.
type AggKind uint8

// The streaming aggregates: each can retract an input it added.
const (
	AggCountStar AggKind = iota
	AggCount
	AggSum
	AggAvg
	AggMin
	AggMax
)

// AggDef is one aggregate of a HashAgg.
type AggDef struct {
	Kind     AggKind
	Arg      int // input column, -1 for count(*)
	ArgType  types.Type
	Ret      types.Type
	Distinct bool
	Filter   int // input column holding the FILTER condition, -1 for none
}

// NeedsMultiset reports whether the aggregate keeps every input value
// (retractable min/max, DISTINCT) rather than a running value.
func (d AggDef) NeedsMultiset(appendOnly bool) bool {
	if d.Kind == AggCountStar {
		return false
	}
	return d.Distinct || (!appendOnly && (d.Kind == AggMin || d.Kind == AggMax))
}

// AggKindOf maps an aggregate name to a streaming aggregate.
func AggKindOf(name string, nargs int) (AggKind, bool) {
	switch name {
	case "count":
		if nargs == 0 {
			return AggCountStar, true
		}
		return AggCount, true
	case "sum":
		return AggSum, true
	case "avg":
		return AggAvg, true
	case "min":
		return AggMin, true
	case "max":
		return AggMax, true
	}
	return 0, false
}

// HashAggConfig configures a HashAgg.
type HashAggConfig struct {
	Input    Operator
	GroupBy  []int
	Aggs     []AggDef
	Info     Info // output: group columns then one per aggregate
	Fragment *Fragment
	Fn       *functions.Context
	// Groups persists each group's running state; Multisets[i] the
	// values of aggregate i when it needs them (nil otherwise).
	Groups    *state.Table
	Multisets []*state.Table
	// EOWC emits a group once, when the watermark on group column
	// WindowCol passes it; WindowCol >= 0 without EOWC only cleans state.
	EOWC      bool
	WindowCol int
	// Global: no GROUP BY — one output row always exists.
	Global bool
}

// HashAgg groups its input and maintains aggregates incrementally. On
// each barrier it emits, for every group that changed, the change of its
// output row (insert, U-/U+, or delete when the group empties), then
// writes the changed state and forwards the barrier.
type HashAgg struct {
	cfg        HashAggConfig
	appendOnly bool
	groups     map[string]*group
	dirty      []*group
	queue      []Message
	kb         []byte
	row        types.Row
	gtypes     []types.Type
	stTypes    []types.Type
	divNumeric *functions.Func
	divIntv    *functions.Func
	// windows indexes groups by their window value (WindowCol) for
	// watermark-driven emission and cleaning.
	windows map[int64][]*group
	wkeys   []int64
	loaded  bool
}

type group struct {
	key   types.Row
	kstr  string
	rows  int64
	st    []aggState
	prev  types.Row
	dirty bool
	gone  bool
}

type aggState struct {
	count int64
	isum  int64        // sum of int2/int4
	dsum  *apd.Decimal // sum of int8 and numeric
	fsum  float64
	vsum  types.IntervalValue
	ext   types.Datum // append-only min/max
	ms    map[string]*msEntry
	// msDirty are multiset keys changed since the last flush.
	msDirty map[string]struct{}
}

type msEntry struct {
	val   types.Datum
	count int64
}

var decCtx = apd.BaseContext.WithPrecision(2000)

// NewHashAgg returns a hash aggregation.
func NewHashAgg(cfg HashAggConfig) (*HashAgg, error) {
	a := &HashAgg{cfg: cfg, appendOnly: cfg.Input.Info().Kind == AppendOnly, groups: map[string]*group{}, windows: map[int64][]*group{}}
	in := cfg.Input.Info()
	for _, g := range cfg.GroupBy {
		a.gtypes = append(a.gtypes, in.Types[g])
	}
	a.stTypes = []types.Type{types.TInt8}
	for _, d := range cfg.Aggs {
		a.stTypes = append(a.stTypes, types.TInt8, sumType(d), extType(d))
		switch d.Kind {
		case AggAvg:
			switch d.ArgType.ID {
			case types.Int2, types.Int4, types.Int8, types.Numeric:
				f, _, err := functions.Resolve("/", []types.Type{types.TNumeric, types.TNumeric})
				if err != nil {
					return nil, err
				}
				a.divNumeric = f
			case types.Interval:
				f, _, err := functions.Resolve("/", []types.Type{types.TInterval, types.TFloat8})
				if err != nil {
					return nil, err
				}
				a.divIntv = f
			}
		}
	}
	return a, nil
}

func sumType(d AggDef) types.Type {
	if d.Kind != AggSum && d.Kind != AggAvg {
		return types.TInt8
	}
	switch d.ArgType.ID {
	case types.Int8, types.Numeric:
		return types.TNumeric
	case types.Float4, types.Float8:
		return types.TFloat8
	case types.Interval:
		return types.TInterval
	}
	return types.TInt8
}

func extType(d AggDef) types.Type {
	if d.Kind == AggMin || d.Kind == AggMax {
		return types.Type{ID: d.ArgType.ID, Elem: d.ArgType.Elem}
	}
	return types.TInt8
}

// MultisetKeyTypes returns the key types of aggregate i's multiset table.
func MultisetKeyTypes(groupTypes []types.Type, d AggDef) []types.Type {
	return append(append([]types.Type{}, groupTypes...), types.Type{ID: d.ArgType.ID, Elem: d.ArgType.Elem})
}

// StateTypes returns the value types of a HashAgg's group table.
func StateTypes(aggs []AggDef) []types.Type {
	out := []types.Type{types.TInt8}
	for _, d := range aggs {
		out = append(out, types.TInt8, sumType(d), extType(d))
	}
	return out
}

func (a *HashAgg) Info() Info { return a.cfg.Info }

func (a *HashAgg) Close() error { return a.cfg.Input.Close() }

func (a *HashAgg) lookup(key types.Row, create bool) *group {
	a.kb = a.kb[:0]
	for i, d := range key {
		a.kb = types.AppendKey(a.kb, d, a.gtypes[i], false)
	}
	if g, ok := a.groups[string(a.kb)]; ok {
		return g
	}
	if !create {
		return nil
	}
	g := &group{key: key.Copy(), kstr: string(a.kb), st: make([]aggState, len(a.cfg.Aggs))}
	for i, d := range a.cfg.Aggs {
		if d.NeedsMultiset(a.appendOnly) {
			g.st[i].ms = map[string]*msEntry{}
			g.st[i].msDirty = map[string]struct{}{}
		}
	}
	a.groups[g.kstr] = g
	if a.cfg.WindowCol >= 0 {
		w := key[a.cfg.WindowCol]
		if !w.IsNull() {
			ws := w.Micros()
			if _, ok := a.windows[ws]; !ok {
				i := sort.Search(len(a.wkeys), func(i int) bool { return a.wkeys[i] >= ws })
				a.wkeys = append(a.wkeys, 0)
				copy(a.wkeys[i+1:], a.wkeys[i:])
				a.wkeys[i] = ws
			}
			a.windows[ws] = append(a.windows[ws], g)
		}
	}
	return g
}

func (a *HashAgg) markDirty(g *group) {
	if !g.dirty {
		g.dirty = true
		a.dirty = append(a.dirty, g)
	}
}

// Next returns the next message; output for an epoch precedes its barrier.
func (a *HashAgg) Next(ctx context.Context) (Message, error) {
	if a.cfg.Global && !a.loaded {
		// The one group of a global aggregate exists from the start.
		a.loaded = true
		g := a.lookup(types.Row{}, true)
		a.markDirty(g)
	}
	for len(a.queue) == 0 {
		m, err := a.cfg.Input.Next(ctx)
		if err != nil {
			return m, err
		}
		switch {
		case m.Chunk != nil:
			if err := a.consume(m.Chunk); err != nil {
				return Message{}, err
			}
		case m.Watermark != nil:
			if err := a.watermark(m.Watermark); err != nil {
				return Message{}, err
			}
		case m.Barrier != nil:
			if err := a.barrier(m.Barrier); err != nil {
				return Message{}, err
			}
			a.queue = append(a.queue, m)
		}
	}
	m := a.queue[0]
	a.queue = a.queue[1:]
	return m, nil
}

func (a *HashAgg) consume(c *chunk.Chunk) error {
	key := make(types.Row, len(a.cfg.GroupBy))
	for i := 0; i < c.Len(); i++ {
		if !c.Visible(i) {
			continue
		}
		a.row = c.Row(i, a.row)
		for j, g := range a.cfg.GroupBy {
			key[j] = a.row[g]
		}
		g := a.lookup(key, true)
		if err := a.apply(g, a.row, c.Ops[i].Sign()); err != nil {
			return err
		}
		a.markDirty(g)
	}
	return nil
}

func (a *HashAgg) apply(g *group, row types.Row, sign int64) error {
	g.rows += sign
	for i := range a.cfg.Aggs {
		d := &a.cfg.Aggs[i]
		st := &g.st[i]
		if d.Filter >= 0 {
			f := row[d.Filter]
			if f.IsNull() || !f.Bool() {
				continue
			}
		}
		if d.Kind == AggCountStar {
			st.count += sign
			continue
		}
		v := row[d.Arg]
		if v.IsNull() {
			continue
		}
		if st.ms != nil {
			a.kb = types.AppendKey(a.kb[:0], v, d.ArgType, false)
			e := st.ms[string(a.kb)]
			if e == nil {
				e = &msEntry{val: v}
				st.ms[string(a.kb)] = e
			}
			e.count += sign
			st.msDirty[string(a.kb)] = struct{}{}
			if e.count == 0 {
				delete(st.ms, string(a.kb))
			}
			if d.Distinct && !((sign > 0 && e.count == 1) || (sign < 0 && e.count == 0)) {
				continue // DISTINCT: only the first copy counts
			}
			if d.Kind == AggMin || d.Kind == AggMax {
				continue // the multiset is the state
			}
		}
		if err := a.applyValue(d, st, v, sign); err != nil {
			return err
		}
	}
	return nil
}

func (a *HashAgg) applyValue(d *AggDef, st *aggState, v types.Datum, sign int64) error {
	switch d.Kind {
	case AggCount:
		st.count += sign
	case AggSum, AggAvg:
		st.count += sign
		switch d.ArgType.ID {
		case types.Int2, types.Int4:
			x := v.Int() * sign
			s, _ := bits.Add64(uint64(st.isum), uint64(x), 0)
			r := int64(s)
			if (x > 0 && r < st.isum) || (x < 0 && r > st.isum) {
				return sqlerr.New(sqlerr.NumericValueOutOfRange, "bigint out of range")
			}
			st.isum = r
		case types.Int8:
			if st.dsum == nil {
				st.dsum = new(apd.Decimal)
			}
			var x apd.Decimal
			x.SetInt64(v.Int())
			if sign < 0 {
				x.Neg(&x)
			}
			if _, err := decCtx.Add(st.dsum, st.dsum, &x); err != nil {
				return err
			}
		case types.Numeric:
			if st.dsum == nil {
				st.dsum = new(apd.Decimal)
			}
			var err error
			if sign > 0 {
				_, err = decCtx.Add(st.dsum, st.dsum, v.Decimal())
			} else {
				_, err = decCtx.Sub(st.dsum, st.dsum, v.Decimal())
			}
			if err != nil {
				return err
			}
		case types.Float4, types.Float8:
			st.fsum += float64(sign) * v.Float()
		case types.Interval:
			iv := v.Interval()
			st.vsum.Months += int32(sign) * iv.Months
			st.vsum.Days += int32(sign) * iv.Days
			st.vsum.Micros += sign * iv.Micros
		default:
			return sqlerr.NotSupported("sum of %s in a materialized view", d.ArgType)
		}
	case AggMin, AggMax:
		// Append-only input: keep the extreme.
		if st.ext.IsNull() {
			st.ext = v
			return nil
		}
		c := types.Compare(v, st.ext)
		if (d.Kind == AggMin && c < 0) || (d.Kind == AggMax && c > 0) {
			st.ext = v
		}
	}
	return nil
}

// result computes aggregate i of a group.
func (a *HashAgg) result(i int, st *aggState) (types.Datum, error) {
	d := &a.cfg.Aggs[i]
	switch d.Kind {
	case AggCountStar, AggCount:
		return types.NewInt(st.count), nil
	case AggMin, AggMax:
		if st.ms == nil {
			return st.ext, nil
		}
		var best types.Datum
		var bestKey string
		first := true
		for k, e := range st.ms {
			if first || (d.Kind == AggMin && k < bestKey) || (d.Kind == AggMax && k > bestKey) {
				best, bestKey, first = e.val, k, false
			}
		}
		return best, nil
	}
	if st.count == 0 {
		return types.Null, nil
	}
	var sum types.Datum
	switch d.ArgType.ID {
	case types.Int2, types.Int4:
		sum = types.NewInt(st.isum)
		if d.Kind == AggAvg {
			var x apd.Decimal
			x.SetInt64(st.isum)
			sum = types.NewDecimal(&x)
		}
	case types.Int8, types.Numeric:
		x := new(apd.Decimal)
		if st.dsum != nil {
			x.Set(st.dsum)
		}
		if d.ArgType.ID == types.Int8 {
			// An int8 sum prints without a fraction.
			if _, err := decCtx.Quantize(x, x, 0); err != nil {
				return types.Null, err
			}
		}
		sum = types.NewDecimal(x)
	case types.Float4, types.Float8:
		sum = types.NewFloat(st.fsum)
		if d.ArgType.ID == types.Float4 && d.Kind == AggSum {
			sum = types.NewFloat(float64(float32(st.fsum)))
		}
	case types.Interval:
		sum = types.NewInterval(st.vsum)
	}
	if d.Kind == AggSum {
		return sum, nil
	}
	// avg
	switch d.ArgType.ID {
	case types.Float4, types.Float8:
		return types.NewFloat(st.fsum / float64(st.count)), nil
	case types.Interval:
		return a.divIntv.Eval(a.cfg.Fn, []types.Datum{sum, types.NewFloat(float64(st.count))})
	}
	var n apd.Decimal
	n.SetInt64(st.count)
	return a.divNumeric.Eval(a.cfg.Fn, []types.Datum{sum, types.NewDecimal(&n)})
}

func (a *HashAgg) output(g *group) (types.Row, error) {
	row := make(types.Row, 0, len(g.key)+len(a.cfg.Aggs))
	row = append(row, g.key...)
	for i := range a.cfg.Aggs {
		v, err := a.result(i, &g.st[i])
		if err != nil {
			return nil, err
		}
		row = append(row, v)
	}
	return row, nil
}

// emit appends the change of g's output row to c.
func (a *HashAgg) emit(c *chunk.Chunk, g *group) error {
	exists := g.rows > 0 || a.cfg.Global
	if !exists {
		if g.prev != nil {
			c.AppendRow(chunk.Delete, g.prev)
			g.prev = nil
		}
		return nil
	}
	out, err := a.output(g)
	if err != nil {
		return err
	}
	switch {
	case g.prev == nil:
		c.AppendRow(chunk.Insert, out)
	case !rowsEqual(g.prev, out):
		c.AppendRow(chunk.UpdateDelete, g.prev)
		c.AppendRow(chunk.UpdateInsert, out)
	}
	g.prev = out
	return nil
}

func (a *HashAgg) barrier(b *Barrier) error {
	var out *chunk.Chunk
	if !a.cfg.EOWC && len(a.dirty) > 0 {
		out = chunk.New(a.cfg.Info.Types, len(a.dirty))
	}
	for _, g := range a.dirty {
		g.dirty = false
		if out != nil {
			if err := a.emit(out, g); err != nil {
				return err
			}
		}
		a.persist(g)
		if g.rows == 0 && !a.cfg.Global {
			a.drop(g)
		}
	}
	a.dirty = a.dirty[:0]
	if out != nil && out.Len() > 0 {
		a.queue = append(a.queue, Message{Chunk: out})
	}
	return a.flush(b.Epoch)
}

// persist records g's state (or its removal) in the state tables.
func (a *HashAgg) persist(g *group) {
	if g.rows == 0 && !a.cfg.Global {
		a.cfg.Groups.Delete(g.key)
	} else {
		a.cfg.Groups.Put(g.key, a.stateRow(g))
	}
	for i := range g.st {
		st := &g.st[i]
		if st.msDirty == nil {
			continue
		}
		t := a.cfg.Multisets[i]
		for k := range st.msDirty {
			key := append(append(types.Row{}, g.key...), types.Null)
			if e, ok := st.ms[k]; ok {
				key[len(key)-1] = e.val
				t.Put(key, types.Row{types.NewInt(e.count)})
			} else {
				v, _, err := types.DecodeKey([]byte(k), a.cfg.Aggs[i].ArgType, false)
				if err == nil {
					key[len(key)-1] = v
					t.Delete(key)
				}
			}
		}
		clear(st.msDirty)
	}
}

func (a *HashAgg) stateRow(g *group) types.Row {
	row := make(types.Row, 0, len(a.stTypes))
	row = append(row, types.NewInt(g.rows))
	for i := range g.st {
		st := &g.st[i]
		d := a.cfg.Aggs[i]
		row = append(row, types.NewInt(st.count))
		switch sumType(d).ID {
		case types.Numeric:
			if st.dsum != nil {
				row = append(row, types.NewDecimal(new(apd.Decimal).Set(st.dsum)))
			} else {
				row = append(row, types.Null)
			}
		case types.Float8:
			row = append(row, types.NewFloat(st.fsum))
		case types.Interval:
			row = append(row, types.NewInterval(st.vsum))
		default:
			row = append(row, types.NewInt(st.isum))
		}
		if d.Kind == AggMin || d.Kind == AggMax {
			row = append(row, st.ext)
		} else {
			row = append(row, types.Null)
		}
	}
	return row
}

func (a *HashAgg) drop(g *group) {
	if g.gone {
		return
	}
	g.gone = true
	delete(a.groups, g.kstr)
	if a.cfg.WindowCol >= 0 && !g.key[a.cfg.WindowCol].IsNull() {
		ws := g.key[a.cfg.WindowCol].Micros()
		list := a.windows[ws]
		for i, x := range list {
			if x == g {
				list = append(list[:i], list[i+1:]...)
				break
			}
		}
		if len(list) == 0 {
			delete(a.windows, ws)
			i := sort.Search(len(a.wkeys), func(i int) bool { return a.wkeys[i] >= ws })
			if i < len(a.wkeys) && a.wkeys[i] == ws {
				a.wkeys = append(a.wkeys[:i], a.wkeys[i+1:]...)
			}
		} else {
			a.windows[ws] = list
		}
	}
}

func (a *HashAgg) flush(epoch uint64) error {
	b := a.cfg.Fragment.Batch(epoch)
	if err := a.cfg.Groups.Flush(b); err != nil {
		return err
	}
	for _, t := range a.cfg.Multisets {
		if t != nil {
			if err := t.Flush(b); err != nil {
				return err
			}
		}
	}
	return nil
}

// watermark closes the windows below w: with EOWC their final rows are
// emitted; either way their state is removed (no row can reach them any
// more: the source drops rows behind its watermark).
func (a *HashAgg) watermark(w *Watermark) error {
	if a.cfg.WindowCol < 0 || w.Col != a.cfg.GroupBy[a.cfg.WindowCol] || w.Val.IsNull() {
		return nil // watermarks of other columns do not pass an aggregation
	}
	limit := w.Val.Micros()
	var out *chunk.Chunk
	n := 0
	for n < len(a.wkeys) && a.wkeys[n] < limit {
		n++
	}
	if n == 0 {
		return nil
	}
	if a.cfg.EOWC {
		out = chunk.New(a.cfg.Info.Types, 64)
	}
	closed := append([]int64(nil), a.wkeys[:n]...)
	for _, ws := range closed {
		for _, g := range append([]*group(nil), a.windows[ws]...) {
			if out != nil && g.rows > 0 {
				row, err := a.output(g)
				if err != nil {
					return err
				}
				out.AppendRow(chunk.Insert, row)
			}
			// Remove the group's state for good.
			g.rows = 0
			for i := range g.st {
				st := &g.st[i]
				for k := range st.ms {
					st.msDirty[k] = struct{}{}
				}
				clear(st.ms)
			}
			a.persist(g)
			a.drop(g)
		}
	}
	if out != nil && out.Len() > 0 {
		a.queue = append(a.queue, Message{Chunk: out})
	}
	// The watermark moves on as a watermark of the output's window column.
	a.queue = append(a.queue, Message{Watermark: &Watermark{Col: a.cfg.WindowCol, Val: w.Val}})
	return nil
}

// Restore loads the committed state (after a restart or a backfill):
// groups, their multisets, and the output rows they last produced.
func (a *HashAgg) Restore(r storage.Reader) error {
	err := a.cfg.Groups.Load(r, func(key, val types.Row) error {
		g := a.lookup(key, true)
		g.rows = val[0].Int()
		for i := range g.st {
			st := &g.st[i]
			d := a.cfg.Aggs[i]
			base := 1 + 3*i
			st.count = val[base].Int()
			s := val[base+1]
			switch sumType(d).ID {
			case types.Numeric:
				if !s.IsNull() {
					st.dsum = new(apd.Decimal).Set(s.Decimal())
				}
			case types.Float8:
				st.fsum = s.Float()
			case types.Interval:
				st.vsum = s.Interval()
			default:
				st.isum = s.Int()
			}
			if d.Kind == AggMin || d.Kind == AggMax {
				st.ext = val[base+2]
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	ng := len(a.cfg.GroupBy)
	for i, t := range a.cfg.Multisets {
		if t == nil {
			continue
		}
		err := t.Load(r, func(key, val types.Row) error {
			g := a.lookup(key[:ng], true)
			st := &g.st[i]
			v := key[ng]
			a.kb = types.AppendKey(a.kb[:0], v, a.cfg.Aggs[i].ArgType, false)
			st.ms[string(a.kb)] = &msEntry{val: v, count: val[0].Int()}
			return nil
		})
		if err != nil {
			return err
		}
	}
	for _, g := range a.groups {
		if a.cfg.EOWC || (g.rows == 0 && !a.cfg.Global) {
			continue
		}
		out, err := a.output(g)
		if err != nil {
			return err
		}
		g.prev = out
	}
	if a.cfg.Global && len(a.groups) > 0 {
		a.loaded = true
	}
	return nil
}
