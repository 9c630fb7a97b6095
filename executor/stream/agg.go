package stream

import (
	"context"
	"math"
	"math/big"
	"math/bits"
	"sort"
	"strconv"
	"strings"

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
	// WindowFirst: the first group column is a TUMBLE or HOP window, so
	// groups are indexed per window (the open windows' groups then stay
	// together in the processor's caches).
	WindowFirst bool
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
	unsaved    []*group
	queue      []Message
	kb         []byte
	row        types.Row
	gtypes     []types.Type
	stTypes    []types.Type
	divNumeric *functions.Func
	divIntv    *functions.Func
	// fast finds groups by integer keys (nil when the keys are not
	// integer-like).
	fast    *fastMap
	ngroups int
	gbuf    []*group
	fkbuf   []fastKey
	obuf    types.Row
	srow    types.Row
	sbuf    []int64
	// windows indexes groups by their window value (WindowCol) for
	// watermark-driven emission and cleaning.
	windows map[int64][]*group
	wkeys   []int64
	loaded  bool
}

type group struct {
	// Read or written for every row the group receives: first, to share
	// a cache line.
	rows  int64
	dirty bool // changed since its output was last emitted
	// unsaved: changed since its state was last persisted.
	unsaved bool
	// out: the group has an output row downstream.
	out  bool
	gone bool
	fast fastKey // the key, for groups found by one (compared on lookup)
	st   []aggState

	key  types.Row
	kstr string // the encoded key (groups not found by a fastKey)
	// prev is the output row as it was before the group's first change in
	// this epoch (set while dirty, when out).
	prev types.Row
}

// newGroup allocates a group with its n aggregate states in the same
// block of memory (a group's state is read on every row it receives).
func newGroup(n int) *group {
	switch n {
	case 1:
		b := new(struct {
			g  group
			st [1]aggState
		})
		b.g.st = b.st[:]
		return &b.g
	case 2:
		b := new(struct {
			g  group
			st [2]aggState
		})
		b.g.st = b.st[:]
		return &b.g
	case 3:
		b := new(struct {
			g  group
			st [3]aggState
		})
		b.g.st = b.st[:]
		return &b.g
	case 4:
		b := new(struct {
			g  group
			st [4]aggState
		})
		b.g.st = b.st[:]
		return &b.g
	}
	return &group{st: make([]aggState, n)}
}

// aggState is one aggregate's running state in a group. It is kept
// small (groups are many): the rarely needed parts live in x.
type aggState struct {
	// count: the rows or values counted (count, sum, avg); the values
	// seen (min, max).
	count int64
	// lo, hi: an integer sum as 128 bits (hi:lo); a float sum as a
	// double-double (lo: the sum's bits, hi: the compensation's), so that
	// retraction does not drift; the extreme of an append-only min/max of
	// integer-like values (lo).
	lo, hi int64
	x      *aggExtra
}

// aggExtra holds the parts of an aggregate's state few aggregates need.
type aggExtra struct {
	ext  types.Datum  // append-only min/max of other values
	dsum *apd.Decimal // sum of numeric
	// scales counts the numerics summed per display scale: a sum shows
	// the largest scale of the values it currently holds, as PostgreSQL's.
	scales map[int32]int64
	// Infinities and NaNs in a float sum, counted apart.
	pinf, ninf, nan int64
	vsum            types.IntervalValue
	// ms: the multiset of values (DISTINCT, retractable min/max);
	// msDirty: its keys changed since the last flush.
	ms      map[string]*msEntry
	msDirty map[string]struct{}
}

// intLayout reports whether an append-only min/max of d's values keeps
// its extreme in lo.
func intLayout(d *AggDef) bool { return chunk.LayoutOf(d.ArgType.Kind()) == chunk.LayoutI64 }

// extOf returns the extreme of an append-only min/max (NULL before any
// value).
func extOf(d *AggDef, st *aggState) types.Datum {
	switch {
	case st.count == 0:
		return types.Null
	case intLayout(d):
		return chunk.I64Datum(d.ArgType.Kind(), st.lo)
	case st.x != nil:
		return st.x.ext
	}
	return types.Null
}

// extra returns st.x, creating it.
func (st *aggState) extra() *aggExtra {
	if st.x == nil {
		st.x = &aggExtra{}
	}
	return st.x
}

// multiset returns the aggregate's multiset (nil when it keeps none).
func (st *aggState) multiset() map[string]*msEntry {
	if st.x == nil {
		return nil
	}
	return st.x.ms
}

func (st *aggState) fsum() float64  { return math.Float64frombits(uint64(st.lo)) }
func (st *aggState) fcomp() float64 { return math.Float64frombits(uint64(st.hi)) }
func (st *aggState) setFloat(sum, comp float64) {
	st.lo, st.hi = int64(math.Float64bits(sum)), int64(math.Float64bits(comp))
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
	if a.useFast() {
		a.fast = &fastMap{}
		if cfg.WindowFirst && len(a.gtypes) == 2 {
			a.fast = newPartitionedFastMap()
		}
	}
	a.stTypes = StateTypes(a.gtypes, cfg.Aggs)
	for _, d := range cfg.Aggs {
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

// StateTypes returns the value types of a HashAgg's group table: the
// group's values as they were written (the key's encoding normalises
// numerics), its row count, then per aggregate: count, running sum,
// extreme, and the scales of the numerics summed (text "scale:count,...").
func StateTypes(groupTypes []types.Type, aggs []AggDef) []types.Type {
	out := append(append([]types.Type{}, groupTypes...), types.TInt8)
	for _, d := range aggs {
		out = append(out, types.TInt8, sumType(d), extType(d), types.TText)
	}
	return out
}

// MultisetValueTypes returns the value types of aggregate d's multiset
// table: the copies of the value, and the value itself as written.
func MultisetValueTypes(d AggDef) []types.Type {
	return []types.Type{types.TInt8, types.Type{ID: d.ArgType.ID, Elem: d.ArgType.Elem}}
}

func (a *HashAgg) Info() Info { return a.cfg.Info }

func (a *HashAgg) Close() error { return a.cfg.Input.Close() }

// lookup finds (or creates) the group of key.
func (a *HashAgg) lookup(key types.Row, create bool) *group {
	var fk fastKey
	if a.fast != nil {
		fk = fastKeyOf(key)
		if g := a.fast.Get(fk); g != nil || !create {
			return g
		}
	} else {
		a.kb = a.kb[:0]
		for i, d := range key {
			a.kb = types.AppendKey(a.kb, d, a.gtypes[i], false)
		}
		if g, ok := a.groups[string(a.kb)]; ok || !create {
			return g
		}
	}
	g := newGroup(len(a.cfg.Aggs))
	g.key = key.Copy()
	for i, d := range a.cfg.Aggs {
		if d.NeedsMultiset(a.appendOnly) {
			x := g.st[i].extra()
			x.ms = map[string]*msEntry{}
			x.msDirty = map[string]struct{}{}
		}
	}
	if a.fast != nil {
		g.fast = fk
		a.fast.Put(g)
	} else {
		g.kstr = string(a.kb)
		a.groups[g.kstr] = g
	}
	a.ngroups++
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

// fastKeyOf builds the fastKey of a group key of integer-like values.
func fastKeyOf(key types.Row) fastKey {
	var fk fastKey
	for j, d := range key {
		if d.IsNull() {
			fk[2] |= 1 << j
		} else {
			fk[j] = d.Int()
		}
	}
	return fk
}

// markDirty records that g is about to change: it must be called before
// the change, so that the output row it had can be retracted.
func (a *HashAgg) markDirty(g *group) error {
	if !g.dirty {
		g.dirty = true
		a.dirty = append(a.dirty, g)
		if g.out {
			prev, err := a.output(g)
			if err != nil {
				return err
			}
			g.prev = prev
		}
	}
	if !g.unsaved {
		g.unsaved = true
		a.unsaved = append(a.unsaved, g)
	}
	return nil
}

// Next returns the next message; output for an epoch precedes its barrier.
func (a *HashAgg) Next(ctx context.Context) (Message, error) {
	if a.cfg.Global && !a.loaded {
		// The one group of a global aggregate exists from the start.
		a.loaded = true
		g := a.lookup(types.Row{}, true)
		if err := a.markDirty(g); err != nil {
			return Message{}, err
		}
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

// fastKey identifies a group by up to two integer-like group columns:
// the two values, then a bitmask of the NULL ones (an array, so the map
// hashes and compares it as plain memory).
type fastKey [3]int64

// useFast reports whether groups can be found by a fastKey: one or two
// group columns stored as int64s (integers, dates, timestamps).
func (a *HashAgg) useFast() bool {
	if len(a.gtypes) == 0 || len(a.gtypes) > 2 {
		return false
	}
	for _, t := range a.gtypes {
		if chunk.LayoutOf(t.Kind()) != chunk.LayoutI64 {
			return false
		}
	}
	return true
}

func (a *HashAgg) consume(c *chunk.Chunk) error {
	if a.fast != nil {
		return a.consumeFast(c)
	}
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
		if err := a.markDirty(g); err != nil {
			return err
		}
		if err := a.apply(g, a.row, c.Ops[i].Sign()); err != nil {
			return err
		}
	}
	return nil
}

// consumeFast is consume for integer-like group keys: it finds the group
// of every row of the chunk first, then folds the chunk into the groups
// one aggregate at a time, reading the typed vectors directly.
func (a *HashAgg) consumeFast(c *chunk.Chunk) error {
	n := c.Len()
	var gv [2]*chunk.Vector
	for j, g := range a.cfg.GroupBy {
		gv[j] = &c.Cols[g]
	}
	ng := len(a.cfg.GroupBy)
	// The passes below each touch one kind of memory for all rows, so
	// that the lookups of different rows overlap instead of waiting for
	// each other.
	fks := a.fkbuf[:0]
	for i := 0; i < n; i++ {
		var fk fastKey
		for j := 0; j < ng; j++ {
			if v := gv[j]; v.IsNull(i) {
				fk[2] |= 1 << j
			} else {
				fk[j] = v.I64[i]
			}
		}
		fks = append(fks, fk)
	}
	gs, signs := a.gbuf[:0], a.sbuf[:0]
	for i := range fks {
		var g *group
		sign := int64(0)
		if c.Visible(i) {
			g, sign = a.fast.Get(fks[i]), c.Ops[i].Sign()
		}
		gs, signs = append(gs, g), append(signs, sign)
	}
	for i, g := range gs {
		if signs[i] == 0 {
			continue
		}
		if g == nil {
			key := make(types.Row, ng)
			for j := 0; j < ng; j++ {
				key[j] = gv[j].Get(i)
			}
			g = a.lookup(key, true)
			gs[i] = g
		}
		if !g.dirty || !g.unsaved {
			if err := a.markDirty(g); err != nil {
				return err
			}
		}
		g.rows += signs[i]
	}
	a.fkbuf, a.gbuf, a.sbuf = fks, gs, signs
	for k := range a.cfg.Aggs {
		if err := a.applyColumn(k, c, gs, signs); err != nil {
			return err
		}
	}
	return nil
}

// applyColumn folds aggregate k's input column of c into the groups gs
// (one per row, nil for rows to skip) with the rows' signs.
func (a *HashAgg) applyColumn(k int, c *chunk.Chunk, gs []*group, signs []int64) error {
	d := &a.cfg.Aggs[k]
	var filter *chunk.Vector
	if d.Filter >= 0 {
		filter = &c.Cols[d.Filter]
	}
	skip := func(i int) bool {
		return gs[i] == nil || (filter != nil && (filter.IsNull(i) || filter.I64[i] == 0))
	}
	if d.Kind == AggCountStar {
		for i, g := range gs {
			if !skip(i) {
				g.st[k].count += signs[i]
			}
		}
		return nil
	}
	vec := &c.Cols[d.Arg]
	multiset := d.NeedsMultiset(a.appendOnly)
	layout := chunk.LayoutOf(vec.Kind)
	switch {
	case multiset:
	case d.Kind == AggCount:
		for i, g := range gs {
			if !skip(i) && !vec.IsNull(i) {
				g.st[k].count += signs[i]
			}
		}
		return nil
	case (d.Kind == AggSum || d.Kind == AggAvg) && d.ArgType.IsInteger():
		for i, g := range gs {
			if !skip(i) && !vec.IsNull(i) {
				st := &g.st[k]
				st.count += signs[i]
				st.addInt(vec.I64[i], signs[i])
			}
		}
		return nil
	case (d.Kind == AggSum || d.Kind == AggAvg) && vec.Kind == types.KFloat:
		for i, g := range gs {
			if !skip(i) && !vec.IsNull(i) {
				st := &g.st[k]
				st.count += signs[i]
				st.addFloat(vec.F64[i], signs[i])
			}
		}
		return nil
	case (d.Kind == AggMin || d.Kind == AggMax) && layout == chunk.LayoutI64:
		for i, g := range gs {
			if skip(i) || vec.IsNull(i) {
				continue
			}
			st := &g.st[k]
			if x := vec.I64[i]; st.count == 0 || (d.Kind == AggMin && x < st.lo) || (d.Kind == AggMax && x > st.lo) {
				st.lo = x
			}
			st.count++
		}
		return nil
	}
	for i, g := range gs {
		if skip(i) || vec.IsNull(i) {
			continue
		}
		st := &g.st[k]
		v := vec.Get(i)
		if multiset && !a.multiset(d, st, v, signs[i]) {
			continue
		}
		if err := a.applyValue(d, st, v, signs[i]); err != nil {
			return err
		}
	}
	return nil
}

// multiset records v in aggregate d's multiset and reports whether the
// value still has to reach the running aggregate (DISTINCT: only its
// first copy; min/max: never, the multiset is their state).
func (a *HashAgg) multiset(d *AggDef, st *aggState, v types.Datum, sign int64) bool {
	a.kb = types.AppendKey(a.kb[:0], v, d.ArgType, false)
	x := st.x
	e := x.ms[string(a.kb)]
	if e == nil {
		e = &msEntry{val: v}
		x.ms[string(a.kb)] = e
	}
	e.count += sign
	x.msDirty[string(a.kb)] = struct{}{}
	if e.count == 0 {
		delete(x.ms, string(a.kb))
	}
	if d.Distinct && !((sign > 0 && e.count == 1) || (sign < 0 && e.count == 0)) {
		return false
	}
	return d.Kind != AggMin && d.Kind != AggMax
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
		if st.x != nil && st.x.ms != nil && !a.multiset(d, st, v, sign) {
			continue
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
		case types.Int2, types.Int4, types.Int8:
			st.addInt(v.Int(), sign)
		case types.Numeric:
			x := st.extra()
			if x.dsum == nil {
				x.dsum = new(apd.Decimal)
			}
			if x.scales == nil {
				x.scales = map[int32]int64{}
			}
			sc := -v.Decimal().Exponent
			if sc < 0 {
				sc = 0
			}
			x.scales[sc] += sign
			if x.scales[sc] == 0 {
				delete(x.scales, sc)
			}
			var err error
			if sign > 0 {
				_, err = decCtx.Add(x.dsum, x.dsum, v.Decimal())
			} else {
				_, err = decCtx.Sub(x.dsum, x.dsum, v.Decimal())
			}
			if err != nil {
				return err
			}
		case types.Float4, types.Float8:
			st.addFloat(v.Float(), sign)
		case types.Interval:
			iv, x := v.Interval(), st.extra()
			x.vsum.Months += int32(sign) * iv.Months
			x.vsum.Days += int32(sign) * iv.Days
			x.vsum.Micros += sign * iv.Micros
		default:
			return sqlerr.NotSupported("sum of %s in a materialized view", d.ArgType)
		}
	case AggMin, AggMax:
		// Append-only input: keep the extreme.
		if intLayout(d) {
			if x := v.Int(); st.count == 0 || (d.Kind == AggMin && x < st.lo) || (d.Kind == AggMax && x > st.lo) {
				st.lo = x
			}
			st.count++
			return nil
		}
		x := st.extra()
		st.count++
		if x.ext.IsNull() {
			x.ext = v
			return nil
		}
		c := types.Compare(v, x.ext)
		if (d.Kind == AggMin && c < 0) || (d.Kind == AggMax && c > 0) {
			x.ext = v
		}
	}
	return nil
}

// addFloat adds sign*v to the float sum: exactly enough that adding and
// then removing a value leaves the sum as it was.
func (st *aggState) addFloat(v float64, sign int64) {
	switch {
	case math.IsNaN(v):
		st.extra().nan += sign
		return
	case math.IsInf(v, 1):
		st.extra().pinf += sign
		return
	case math.IsInf(v, -1):
		st.extra().ninf += sign
		return
	}
	v *= float64(sign)
	sum, comp := st.fsum(), st.fcomp()
	// TwoSum: s + e == sum + v exactly.
	s := sum + v
	bp := s - sum
	e := (sum - (s - bp)) + (v - bp)
	sum = s
	comp += e
	// Renormalise so sum holds the rounded total.
	s = sum + comp
	comp -= s - sum
	st.setFloat(s, comp)
}

// floatSum returns the float sum, with PostgreSQL's results for
// infinities and NaN.
func (st *aggState) floatSum() float64 {
	if x := st.x; x != nil {
		switch {
		case x.nan > 0 || (x.pinf > 0 && x.ninf > 0):
			return math.NaN()
		case x.pinf > 0:
			return math.Inf(1)
		case x.ninf > 0:
			return math.Inf(-1)
		}
	}
	return st.fsum() + st.fcomp()
}

// addInt adds sign*v to the 128-bit integer sum.
func (st *aggState) addInt(v, sign int64) {
	if sign < 0 {
		// -v can overflow for MinInt64: subtract instead.
		lo, borrow := bits.Sub64(uint64(st.lo), uint64(v), 0)
		st.hi = st.hi - (v >> 63) - int64(borrow)
		st.lo = int64(lo)
		return
	}
	lo, carry := bits.Add64(uint64(st.lo), uint64(v), 0)
	st.hi = st.hi + (v >> 63) + int64(carry)
	st.lo = int64(lo)
}

// fitsInt64 reports whether the 128-bit sum fits in an int64.
func (st *aggState) fitsInt64() bool {
	return (st.hi == 0 && st.lo >= 0) || (st.hi == -1 && st.lo < 0)
}

// intSumDecimal returns the 128-bit integer sum as a numeric.
func (st *aggState) intSumDecimal() *apd.Decimal {
	d := new(apd.Decimal)
	if st.fitsInt64() {
		d.SetInt64(st.lo)
		return d
	}
	var b big.Int
	b.SetInt64(st.hi)
	b.Lsh(&b, 64)
	var lo big.Int
	lo.SetUint64(uint64(st.lo))
	b.Add(&b, &lo)
	d.Coeff.SetMathBigInt(&b)
	if d.Coeff.Sign() < 0 {
		d.Coeff.Neg(&d.Coeff)
		d.Negative = true
	}
	return d
}

// setIntSum loads a persisted integer sum.
func (st *aggState) setIntSum(d *apd.Decimal) {
	b := d.Coeff.MathBigInt()
	if d.Negative {
		b.Neg(b)
	}
	for e := d.Exponent; e > 0; e-- {
		b.Mul(b, big.NewInt(10))
	}
	lo := new(big.Int).And(b, new(big.Int).SetUint64(^uint64(0)))
	hi := new(big.Int).Rsh(b, 64)
	st.lo = int64(lo.Uint64())
	st.hi = hi.Int64()
}

// result computes aggregate i of a group.
func (a *HashAgg) result(i int, st *aggState) (types.Datum, error) {
	d := &a.cfg.Aggs[i]
	switch d.Kind {
	case AggCountStar, AggCount:
		return types.NewInt(st.count), nil
	case AggMin, AggMax:
		ms := st.multiset()
		if ms == nil {
			return extOf(d, st), nil
		}
		var best types.Datum
		var bestKey string
		first := true
		for k, e := range ms {
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
		if !st.fitsInt64() {
			return types.Null, sqlerr.New(sqlerr.NumericValueOutOfRange, "bigint out of range")
		}
		sum = types.NewInt(st.lo)
		if d.Kind == AggAvg {
			sum = types.NewDecimal(st.intSumDecimal())
		}
	case types.Int8:
		sum = types.NewDecimal(st.intSumDecimal())
	case types.Numeric:
		x := new(apd.Decimal)
		var scale int32
		if st.x != nil && st.x.dsum != nil {
			x.Set(st.x.dsum)
			// Show the largest scale among the values summed now.
			for sc := range st.x.scales {
				if sc > scale {
					scale = sc
				}
			}
		}
		if x.Form == apd.Finite {
			if _, err := decCtx.Quantize(x, x, -scale); err != nil {
				return types.Null, err
			}
		}
		sum = types.NewDecimal(x)
	case types.Float4, types.Float8:
		sum = types.NewFloat(st.floatSum())
		if d.ArgType.ID == types.Float4 && d.Kind == AggSum {
			sum = types.NewFloat(float64(float32(st.floatSum())))
		}
	case types.Interval:
		if st.x != nil {
			sum = types.NewInterval(st.x.vsum)
		} else {
			sum = types.NewInterval(types.IntervalValue{})
		}
	}
	if d.Kind == AggSum {
		return sum, nil
	}
	// avg
	switch d.ArgType.ID {
	case types.Float4, types.Float8:
		return types.NewFloat(st.floatSum() / float64(st.count)), nil
	case types.Interval:
		return a.divIntv.Eval(a.cfg.Fn, []types.Datum{sum, types.NewFloat(float64(st.count))})
	}
	var n apd.Decimal
	n.SetInt64(st.count)
	return a.divNumeric.Eval(a.cfg.Fn, []types.Datum{sum, types.NewDecimal(&n)})
}

func (a *HashAgg) output(g *group) (types.Row, error) {
	return a.appendOutput(make(types.Row, 0, len(g.key)+len(a.cfg.Aggs)), g)
}

// appendOutput appends g's output row to row.
func (a *HashAgg) appendOutput(row types.Row, g *group) (types.Row, error) {
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
	prev := g.prev
	g.prev = nil
	if g.rows <= 0 && !a.cfg.Global {
		if g.out {
			c.AppendRow(chunk.Delete, prev)
			g.out = false
		}
		return nil
	}
	// The row is copied into c: one buffer serves every group.
	out, err := a.appendOutput(a.obuf[:0], g)
	if err != nil {
		return err
	}
	a.obuf = out
	switch {
	case !g.out:
		c.AppendRow(chunk.Insert, out)
	case !rowsEqual(prev, out):
		c.AppendRow(chunk.UpdateDelete, prev)
		c.AppendRow(chunk.UpdateInsert, out)
	}
	g.out = true
	return nil
}

// emitDirty queues the output changes of the groups changed since the
// last emission (not for EOWC, which emits only closed windows).
func (a *HashAgg) emitDirty() error {
	if a.cfg.EOWC {
		for _, g := range a.dirty {
			g.dirty = false
		}
		a.dirty = a.dirty[:0]
		return nil
	}
	var out *chunk.Chunk
	for _, g := range a.dirty {
		g.dirty = false
		if g.gone {
			continue
		}
		if out == nil {
			out = chunk.New(a.cfg.Info.Types, len(a.dirty))
		}
		if err := a.emit(out, g); err != nil {
			return err
		}
	}
	a.dirty = a.dirty[:0]
	if out != nil && out.Len() > 0 {
		a.queue = append(a.queue, Message{Chunk: out})
	}
	return nil
}

func (a *HashAgg) barrier(b *Barrier) error {
	if err := a.emitDirty(); err != nil {
		return err
	}
	for _, g := range a.unsaved {
		g.unsaved = false
		if g.gone {
			continue // its removal was recorded when it went
		}
		a.persist(g)
		if g.rows == 0 && !a.cfg.Global {
			a.drop(g)
		}
	}
	a.unsaved = a.unsaved[:0]
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
		x := g.st[i].x
		if x == nil || x.msDirty == nil {
			continue
		}
		t := a.cfg.Multisets[i]
		for k := range x.msDirty {
			key := append(append(types.Row{}, g.key...), types.Null)
			if e, ok := x.ms[k]; ok {
				key[len(key)-1] = e.val
				t.Put(key, types.Row{types.NewInt(e.count), e.val})
			} else {
				v, _, err := types.DecodeKey([]byte(k), a.cfg.Aggs[i].ArgType, false)
				if err == nil {
					key[len(key)-1] = v
					t.Delete(key)
				}
			}
		}
		clear(x.msDirty)
	}
}

// stateRow returns g's state row, in a buffer reused by the next call
// (the state table encodes it at once).
func (a *HashAgg) stateRow(g *group) types.Row {
	row := a.srow[:0]
	row = append(row, g.key...)
	row = append(row, types.NewInt(g.rows))
	for i := range g.st {
		st := &g.st[i]
		d := a.cfg.Aggs[i]
		row = append(row, types.NewInt(st.count))
		switch sumType(d).ID {
		case types.Numeric:
			if d.ArgType.ID == types.Int8 {
				row = append(row, types.NewDecimal(st.intSumDecimal()))
			} else if st.x != nil && st.x.dsum != nil {
				row = append(row, types.NewDecimal(new(apd.Decimal).Set(st.x.dsum)))
			} else {
				row = append(row, types.Null)
			}
		case types.Float8:
			row = append(row, types.NewFloat(st.fsum()))
		case types.Interval:
			var iv types.IntervalValue
			if st.x != nil {
				iv = st.x.vsum
			}
			row = append(row, types.NewInterval(iv))
		default:
			row = append(row, types.NewInt(st.lo))
		}
		if (d.Kind == AggMin || d.Kind == AggMax) && st.multiset() == nil {
			row = append(row, extOf(&d, st))
		} else {
			row = append(row, types.Null)
		}
		row = append(row, st.encodeAux(sumType(d).ID == types.Float8))
	}
	a.srow = row
	return row
}

// encodeAux stores the parts of an aggregate's state that are rarely
// present, as text "key:value,...": numeric scales ("s<scale>:<count>"),
// float specials ("pinf", "ninf", "nan") and the float compensation
// ("c": its bits).
func (st *aggState) encodeAux(float bool) types.Datum {
	var parts []string
	var scales map[int32]int64
	var pinf, ninf, nan int64
	if x := st.x; x != nil {
		scales, pinf, ninf, nan = x.scales, x.pinf, x.ninf, x.nan
	}
	keys := make([]int32, 0, len(scales))
	for k := range scales {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	for _, k := range keys {
		parts = append(parts, "s"+strconv.FormatInt(int64(k), 10)+":"+strconv.FormatInt(scales[k], 10))
	}
	for _, kv := range []struct {
		k string
		v int64
	}{{"pinf", pinf}, {"ninf", ninf}, {"nan", nan}, {"c", st.fcompBits(float)}} {
		if kv.v != 0 {
			parts = append(parts, kv.k+":"+strconv.FormatInt(kv.v, 10))
		}
	}
	if len(parts) == 0 {
		return types.Null
	}
	return types.NewString(strings.Join(parts, ","))
}

// fcompBits is the float sum's compensation as stored ("c" in the aux
// column); zero for sums of other types, whose hi is not a float.
func (st *aggState) fcompBits(float bool) int64 {
	if float {
		return st.hi
	}
	return 0
}

func (st *aggState) decodeAux(d types.Datum) {
	if d.IsNull() {
		return
	}
	for _, part := range strings.Split(d.Str(), ",") {
		k, v, ok := strings.Cut(part, ":")
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			continue
		}
		switch {
		case strings.HasPrefix(k, "s"):
			sc, err := strconv.ParseInt(k[1:], 10, 32)
			if err == nil {
				x := st.extra()
				if x.scales == nil {
					x.scales = map[int32]int64{}
				}
				x.scales[int32(sc)] = n
			}
		case k == "pinf":
			st.extra().pinf = n
		case k == "ninf":
			st.extra().ninf = n
		case k == "nan":
			st.extra().nan = n
		case k == "c":
			st.hi = n
		}
	}
}

func (a *HashAgg) drop(g *group) {
	if g.gone {
		return
	}
	g.gone = true
	a.ngroups--
	if a.fast != nil {
		a.fast.Delete(g.fast, g)
	} else {
		delete(a.groups, g.kstr)
	}
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
	// Changes made before the watermark come out before it.
	if err := a.emitDirty(); err != nil {
		return err
	}
	limit := w.Val.Micros()
	n := 0
	for n < len(a.wkeys) && a.wkeys[n] < limit {
		n++
	}
	var out *chunk.Chunk
	if a.cfg.EOWC && n > 0 {
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
			// The window is complete: its state goes (its row stays in
			// the view).
			g.rows = 0
			for i := range g.st {
				if x := g.st[i].x; x != nil && x.ms != nil {
					for k := range x.ms {
						x.msDirty[k] = struct{}{}
					}
					clear(x.ms)
				}
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
	ng := len(a.cfg.GroupBy)
	err := a.cfg.Groups.Load(r, func(_, val types.Row) error {
		// The key's values as written (the key's encoding normalises them).
		g := a.lookup(val[:ng], true)
		g.key = val[:ng:ng]
		val = val[ng:]
		g.rows = val[0].Int()
		for i := range g.st {
			st := &g.st[i]
			d := a.cfg.Aggs[i]
			base := 1 + 4*i
			st.count = val[base].Int()
			s := val[base+1]
			switch sumType(d).ID {
			case types.Numeric:
				if d.ArgType.ID == types.Int8 {
					if !s.IsNull() {
						st.setIntSum(s.Decimal())
					}
				} else if !s.IsNull() {
					st.extra().dsum = new(apd.Decimal).Set(s.Decimal())
				}
			case types.Float8:
				st.lo = int64(math.Float64bits(s.Float()))
			case types.Interval:
				if iv := s.Interval(); iv != (types.IntervalValue{}) {
					st.extra().vsum = iv
				}
			default:
				st.lo = s.Int()
				st.hi = st.lo >> 63
			}
			if ext := val[base+2]; (d.Kind == AggMin || d.Kind == AggMax) && !ext.IsNull() && !d.NeedsMultiset(a.appendOnly) {
				if intLayout(&d) {
					st.lo, st.count = ext.Int(), max(st.count, 1)
				} else {
					st.extra().ext, st.count = ext, max(st.count, 1)
				}
			}
			st.decodeAux(val[base+3])
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i, t := range a.cfg.Multisets {
		if t == nil {
			continue
		}
		err := t.Load(r, func(key, val types.Row) error {
			g := a.lookup(key[:ng], true)
			st := &g.st[i]
			v := val[1] // as written
			a.kb = types.AppendKey(a.kb[:0], v, a.cfg.Aggs[i].ArgType, false)
			st.x.ms[string(a.kb)] = &msEntry{val: v, count: val[0].Int()}
			return nil
		})
		if err != nil {
			return err
		}
	}
	// The output rows the groups last produced are downstream (in the
	// view's committed state); EOWC has emitted only closed windows, which
	// are gone.
	mark := func(g *group) {
		g.out = !a.cfg.EOWC && (g.rows > 0 || a.cfg.Global)
	}
	if a.fast != nil {
		a.fast.Range(mark)
	} else {
		for _, g := range a.groups {
			mark(g)
		}
	}
	if a.cfg.Global && a.ngroups > 0 {
		a.loaded = true
	}
	return nil
}
