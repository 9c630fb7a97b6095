package planner

import (
	"fmt"
	"strings"

	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/functions"
	"github.com/eddy-db/eddy/sql/types"
)

// Plan is a node of a batch query plan. Plans are immutable values: a
// rewrite builds new nodes. Columns is the output schema.
type Plan interface {
	Columns() []types.Column
	Children() []Plan
	// Describe is the node's one-line EXPLAIN text.
	Describe() string
}

// Scan reads a table or materialized view, optionally restricted to a
// primary-key point or range:
//
//   - Eq holds values for a prefix of the primary key columns;
//   - Lo/Hi bound the next key column after that prefix.
//
// With all key columns in Eq the scan is a point lookup.
type Scan struct {
	Table *catalog.Object
	Alias string
	Eq    []Expr
	Lo    *Bound
	Hi    *Bound
	// Reverse scans in descending key order.
	Reverse bool
}

// Bound is one end of a key range.
type Bound struct {
	Val       Expr
	Inclusive bool
}

// IsPoint reports whether the scan reads at most one row.
func (s *Scan) IsPoint() bool { return len(s.Eq) == len(s.Table.PK) && len(s.Table.PK) > 0 }

// IsRange reports whether the scan is limited by its key.
func (s *Scan) IsRange() bool { return len(s.Eq) > 0 || s.Lo != nil || s.Hi != nil }

// Virtual produces rows computed by the session (system catalogs, SHOW).
type Virtual struct {
	Name string
	Cols []types.Column
	// Hidden: the last Hidden columns are system columns (tableoid),
	// found by name but left out of *.
	Hidden int
	// Rows computes the rows when the plan runs.
	Rows func() ([]types.Row, error)
}

// Values produces literal rows.
type Values struct {
	Cols []types.Column
	Rows [][]Expr
}

// FuncScan produces the rows of a set-returning function in FROM
// (generate_series, unnest): one row per value, followed by a bigint
// ordinal column WITH ORDINALITY.
type FuncScan struct {
	Func       *functions.SetFunc
	Args       []Expr
	Cols       []types.Column
	Ordinality bool
}

// Filter keeps rows for which Cond is true.
type Filter struct {
	Input Plan
	Cond  Expr
}

// Project computes new columns from each input row.
type Project struct {
	Input Plan
	Exprs []Expr
	Cols  []types.Column
}

// ProjectSet runs set-returning functions in lockstep over each input
// row, as PostgreSQL's ProjectSet does: an input row expands to as many
// rows as its longest call yields, the i-th holding every call's i-th
// value (NULL for a call that has run out); a row for which every call
// yields nothing expands to no rows. Output: the input columns, one
// column per call, then the hidden bigint ordinal of the row within its
// expansion (from 0) — the input's key plus the ordinal identifies an
// output row.
type ProjectSet struct {
	Input Plan
	Calls []*SetCall
	Cols  []types.Column
}

// NewProjectSet returns a ProjectSet running calls over input.
func NewProjectSet(input Plan, calls []*SetCall) *ProjectSet {
	cols := append([]types.Column{}, input.Columns()...)
	for _, c := range calls {
		cols = append(cols, types.Column{Name: c.Fn.Name, Type: c.Typ})
	}
	cols = append(cols, types.Column{Name: ProjectedRowID, Type: types.TInt8})
	return &ProjectSet{Input: input, Calls: calls, Cols: cols}
}

// ProjectedRowID names the ordinal column of a ProjectSet.
const ProjectedRowID = "projected_row_id"

// HasSetCall reports whether e calls a set-returning function.
func HasSetCall(e Expr) bool {
	found := false
	Walk(e, func(x Expr) bool {
		if _, ok := x.(*SetCall); ok {
			found = true
		}
		return !found
	})
	return found
}

// AggCall is one aggregate in an Agg node.
type AggCall struct {
	Agg      *functions.Aggregate
	Args     []Expr
	Distinct bool
	Filter   Expr // FILTER (WHERE ...), nil for none
	// OrderBy orders the rows fed to the aggregate (string_agg(x, ','
	// ORDER BY y)); each key's Idx indexes OrderExprs.
	OrderBy    []SortKey
	OrderExprs []Expr
	Typ        types.Type
	Name       string
}

// Agg groups its input by GroupBy and computes Aggs per group. Output:
// the group-by values, then one column per aggregate. Without GroupBy it
// produces exactly one row.
type Agg struct {
	Input   Plan
	GroupBy []Expr
	Aggs    []AggCall
	Cols    []types.Column
}

// JoinKind is the kind of a join.
type JoinKind uint8

// The join kinds.
const (
	InnerJoin JoinKind = iota
	LeftJoin
	RightJoin
	FullJoin
	SemiJoin
	AntiJoin
)

var joinNames = [...]string{"Inner", "Left", "Right", "Full", "Semi", "Anti"}

func (k JoinKind) String() string { return joinNames[k] }

// Join combines two inputs. LeftKeys/RightKeys are equality keys (a hash
// join when present); Cond is the rest of the ON condition, evaluated
// over the concatenated row. Output: left columns then right columns
// (left only for semi/anti joins).
type Join struct {
	Kind      JoinKind
	Left      Plan
	Right     Plan
	LeftKeys  []Expr
	RightKeys []Expr
	Cond      Expr
}

// SortKey orders by one column of the input.
type SortKey struct {
	Idx        int
	Desc       bool
	NullsFirst bool
}

// Sort orders its input.
type Sort struct {
	Input Plan
	Keys  []SortKey
}

// Limit skips Offset rows then returns at most Limit (nil = all).
type Limit struct {
	Input  Plan
	Limit  Expr
	Offset Expr
}

// Distinct removes duplicate rows; with On, rows that agree on those
// columns (DISTINCT ON keeps the first of each).
type Distinct struct {
	Input Plan
	On    []int
}

// SetOpKind is UNION, INTERSECT or EXCEPT.
type SetOpKind uint8

// The set operations.
const (
	Union SetOpKind = iota
	Intersect
	Except
)

// SetOp combines two inputs with the same column types.
type SetOp struct {
	Kind        SetOpKind
	All         bool
	Left, Right Plan
	Cols        []types.Column
}

// Hop assigns rows to time windows: TUMBLE (Slide == Size) gives each row
// one window, HOP gives each row every window of length Size (starting
// every Slide) that contains its time. Output: the input columns, then
// window_start and window_end (the time column's type). Windows are
// aligned to Offset from 1970-01-01 00:00:00 UTC. A TUMBLE row with a NULL
// time gets NULL windows; HOP drops it.
type Hop struct {
	Input   Plan
	TimeCol int
	// Slide, Size and Offset are in microseconds.
	Slide, Size, Offset int64
	Tumble              bool
	Cols                []types.Column
}

// Windows returns the starts of the windows a time falls in, in
// increasing order (microseconds).
func (h *Hop) Windows(ts int64, dst []int64) []int64 {
	dst = dst[:0]
	// The latest window start at or before ts.
	last := ts - floorMod(ts-h.Offset, h.Slide)
	for ws := last; ws > ts-h.Size; ws -= h.Slide {
		dst = append(dst, ws)
	}
	for i, j := 0, len(dst)-1; i < j; i, j = i+1, j-1 {
		dst[i], dst[j] = dst[j], dst[i]
	}
	return dst
}

// WindowStart returns the start of the tumbling window holding ts.
func (h *Hop) WindowStart(ts int64) int64 { return ts - floorMod(ts-h.Offset, h.Size) }

func floorMod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}

// Window computes one window function (row_number, rank, dense_rank) over
// partitions of its input ordered by OrderBy (each key's Idx indexes
// OrderExprs). Output: the input columns, then the function's value.
type Window struct {
	Input       Plan
	Func        string
	PartitionBy []Expr
	OrderExprs  []Expr
	OrderBy     []SortKey
	Cols        []types.Column
}

// Insert writes rows into a table. Input yields full table rows (every
// column in table order, defaults filled in; the row id column NULL to be
// generated).
type Insert struct {
	Table *catalog.Object
	Input Plan
	// OnConflictDoNothing skips rows whose key exists (statement-level
	// ON CONFLICT DO NOTHING or the table's own setting).
	OnConflictDoNothing bool
	Returning           []Expr
	ReturningCols       []types.Column
}

// Update rewrites rows of a table. Input yields the old full rows; Set
// gives the new value of each column (nil = unchanged), evaluated on the
// old row.
type Update struct {
	Table         *catalog.Object
	Input         Plan
	Set           []Expr
	Returning     []Expr
	ReturningCols []types.Column
}

// Delete removes the rows Input yields (full table rows).
type Delete struct {
	Table         *catalog.Object
	Input         Plan
	Returning     []Expr
	ReturningCols []types.Column
}

// Columns implementations.

func (s *Scan) Columns() []types.Column {
	cols := make([]types.Column, len(s.Table.Columns))
	for i, c := range s.Table.Columns {
		cols[i] = types.Column{Name: c.Name, Type: c.Type}
	}
	return cols
}
func (v *Virtual) Columns() []types.Column  { return v.Cols }
func (v *Values) Columns() []types.Column   { return v.Cols }
func (f *FuncScan) Columns() []types.Column { return f.Cols }
func (f *Filter) Columns() []types.Column   { return f.Input.Columns() }
func (p *Project) Columns() []types.Column  { return p.Cols }
func (p *ProjectSet) Columns() []types.Column {
	return p.Cols
}
func (a *Agg) Columns() []types.Column      { return a.Cols }
func (s *Sort) Columns() []types.Column     { return s.Input.Columns() }
func (l *Limit) Columns() []types.Column    { return l.Input.Columns() }
func (d *Distinct) Columns() []types.Column { return d.Input.Columns() }
func (s *SetOp) Columns() []types.Column    { return s.Cols }
func (j *Join) Columns() []types.Column {
	l := j.Left.Columns()
	if j.Kind == SemiJoin || j.Kind == AntiJoin {
		return l
	}
	return append(append([]types.Column{}, l...), j.Right.Columns()...)
}
func (h *Hop) Columns() []types.Column    { return h.Cols }
func (w *Window) Columns() []types.Column { return w.Cols }
func (i *Insert) Columns() []types.Column { return i.ReturningCols }
func (u *Update) Columns() []types.Column { return u.ReturningCols }
func (d *Delete) Columns() []types.Column { return d.ReturningCols }

// Children implementations.

func (s *Scan) Children() []Plan     { return nil }
func (v *Virtual) Children() []Plan  { return nil }
func (v *Values) Children() []Plan   { return nil }
func (f *FuncScan) Children() []Plan { return nil }
func (f *Filter) Children() []Plan   { return []Plan{f.Input} }
func (p *Project) Children() []Plan  { return []Plan{p.Input} }
func (p *ProjectSet) Children() []Plan {
	return []Plan{p.Input}
}
func (a *Agg) Children() []Plan      { return []Plan{a.Input} }
func (s *Sort) Children() []Plan     { return []Plan{s.Input} }
func (l *Limit) Children() []Plan    { return []Plan{l.Input} }
func (d *Distinct) Children() []Plan { return []Plan{d.Input} }
func (s *SetOp) Children() []Plan    { return []Plan{s.Left, s.Right} }
func (j *Join) Children() []Plan     { return []Plan{j.Left, j.Right} }
func (h *Hop) Children() []Plan      { return []Plan{h.Input} }
func (w *Window) Children() []Plan   { return []Plan{w.Input} }
func (i *Insert) Children() []Plan   { return []Plan{i.Input} }
func (u *Update) Children() []Plan   { return []Plan{u.Input} }
func (d *Delete) Children() []Plan   { return []Plan{d.Input} }

// Describe implementations.

func (s *Scan) Describe() string {
	name := s.Table.Name
	if s.Alias != "" && s.Alias != name {
		name += " AS " + s.Alias
	}
	var conds []string
	for i, e := range s.Eq {
		conds = append(conds, s.Table.Columns[s.Table.PK[i]].Name+" = "+e.String())
	}
	if len(s.Eq) < len(s.Table.PK) {
		col := s.Table.Columns[s.Table.PK[len(s.Eq)]].Name
		if s.Lo != nil {
			op := " > "
			if s.Lo.Inclusive {
				op = " >= "
			}
			conds = append(conds, col+op+s.Lo.Val.String())
		}
		if s.Hi != nil {
			op := " < "
			if s.Hi.Inclusive {
				op = " <= "
			}
			conds = append(conds, col+op+s.Hi.Val.String())
		}
	}
	kind := "FullScan"
	switch {
	case s.IsPoint():
		kind = "PointGet"
	case s.IsRange():
		kind = "RangeScan"
	}
	d := kind + " " + name
	if len(conds) > 0 {
		d += " (" + strings.Join(conds, " AND ") + ")"
	}
	if s.Reverse {
		d += " reverse"
	}
	return d
}
func (v *Virtual) Describe() string { return "SystemScan " + v.Name }
func (v *Values) Describe() string  { return fmt.Sprintf("Values (%d rows)", len(v.Rows)) }
func (f *FuncScan) Describe() string {
	d := "FunctionScan " + f.Func.Name + "(" + joinExprs(f.Args) + ")"
	if f.Ordinality {
		d += " WITH ORDINALITY"
	}
	return d
}
func (f *Filter) Describe() string  { return "Filter " + f.Cond.String() }
func (p *Project) Describe() string { return "Project " + joinExprs(p.Exprs) }
func (p *ProjectSet) Describe() string {
	es := make([]Expr, len(p.Calls))
	for i, c := range p.Calls {
		es[i] = c
	}
	return "ProjectSet " + joinExprs(es)
}
func (a *Agg) Describe() string {
	var aggs []string
	for _, c := range a.Aggs {
		s := c.Agg.Name + "("
		if c.Distinct {
			s += "DISTINCT "
		}
		if len(c.Args) == 0 && c.Agg.Name == "count" {
			s += "*"
		}
		s += joinExprs(c.Args) + ")"
		aggs = append(aggs, s)
	}
	d := "HashAgg"
	if len(a.GroupBy) > 0 {
		d += " group by [" + joinExprs(a.GroupBy) + "]"
	}
	return d + " aggs [" + strings.Join(aggs, ", ") + "]"
}
func (s *Sort) Describe() string {
	cols := s.Input.Columns()
	var keys []string
	for _, k := range s.Keys {
		t := cols[k.Idx].Name
		if k.Desc {
			t += " DESC"
		}
		if k.NullsFirst != k.Desc {
			if k.NullsFirst {
				t += " NULLS FIRST"
			} else {
				t += " NULLS LAST"
			}
		}
		keys = append(keys, t)
	}
	return "Sort [" + strings.Join(keys, ", ") + "]"
}
func (l *Limit) Describe() string {
	d := "Limit"
	if l.Limit != nil {
		d += " " + l.Limit.String()
	}
	if l.Offset != nil {
		d += " offset " + l.Offset.String()
	}
	return d
}
func (d *Distinct) Describe() string {
	if len(d.On) > 0 {
		return fmt.Sprintf("Distinct on %v", d.On)
	}
	return "Distinct"
}
func (s *SetOp) Describe() string {
	n := [...]string{"Union", "Intersect", "Except"}[s.Kind]
	if s.All {
		n += " All"
	}
	return n
}
func (j *Join) Describe() string {
	d := j.Kind.String() + "Join"
	if len(j.LeftKeys) > 0 {
		d = "Hash" + d
		var ks []string
		for i := range j.LeftKeys {
			ks = append(ks, j.LeftKeys[i].String()+" = "+j.RightKeys[i].String())
		}
		d += " on " + strings.Join(ks, " AND ")
	} else {
		d = "NestedLoop" + d
	}
	if j.Cond != nil {
		d += " filter " + j.Cond.String()
	}
	return d
}
func (h *Hop) Describe() string {
	cols := h.Input.Columns()
	if h.Tumble {
		return fmt.Sprintf("Tumble %s size %s", cols[h.TimeCol].Name, microsText(h.Size))
	}
	return fmt.Sprintf("Hop %s slide %s size %s", cols[h.TimeCol].Name, microsText(h.Slide), microsText(h.Size))
}

func (w *Window) Describe() string {
	d := "Window " + w.Func + "() over (partition by [" + joinExprs(w.PartitionBy) + "]"
	if len(w.OrderExprs) > 0 {
		d += " order by [" + joinExprs(w.OrderExprs) + "]"
	}
	return d + ")"
}

func microsText(us int64) string {
	return types.FormatText(types.NewInterval(types.IntervalValue{Micros: us}), types.TInterval, nil)
}

func (i *Insert) Describe() string { return "Insert into " + i.Table.Name }
func (u *Update) Describe() string { return "Update " + u.Table.Name }
func (d *Delete) Describe() string { return "Delete from " + d.Table.Name }

// ReadsStorageOnce reports whether running p reads storage at most once
// (one scan, no subquery that reruns): such a statement needs no
// snapshot to see one consistent state.
func ReadsStorageOnce(p Plan) bool {
	scans := 0
	var walk func(p Plan)
	var walkExprs func(es ...Expr)
	walkExprs = func(es ...Expr) {
		for _, e := range es {
			Walk(e, func(x Expr) bool {
				if sq, ok := x.(*Subquery); ok {
					scans++
					if sq.Correlated {
						scans += 2
					}
					walk(sq.Plan)
				}
				return true
			})
		}
	}
	walk = func(p Plan) {
		switch x := p.(type) {
		case *Scan:
			scans++
			walkExprs(x.Eq...)
		case *Filter:
			walkExprs(x.Cond)
		case *Project:
			walkExprs(x.Exprs...)
		case *ProjectSet:
			for _, c := range x.Calls {
				walkExprs(c.Args...)
			}
		case *Join:
			walkExprs(x.Cond)
		case *Values:
			for _, r := range x.Rows {
				walkExprs(r...)
			}
		case *FuncScan:
			walkExprs(x.Args...)
		case *Agg:
			walkExprs(x.GroupBy...)
			for _, a := range x.Aggs {
				walkExprs(a.Args...)
				walkExprs(a.Filter)
				walkExprs(a.OrderExprs...)
			}
		}
		for _, c := range p.Children() {
			walk(c)
		}
	}
	walk(p)
	return scans <= 1
}

// Explain renders a plan tree as indented lines.
func Explain(p Plan) []string {
	var out []string
	var walk func(p Plan, depth int)
	walk = func(p Plan, depth int) {
		prefix := strings.Repeat("  ", depth)
		if depth > 0 {
			prefix = strings.Repeat("  ", depth-1) + "└─"
		}
		out = append(out, prefix+p.Describe())
		for _, c := range p.Children() {
			walk(c, depth+1)
		}
	}
	walk(p, 0)
	return out
}
