// Package chunk holds the columnar batches of changes that flow between
// stream operators.
//
// A Chunk is a set of rows, each with an op, stored by column:
//
//	Ops   [+  -  U- U+ +]          one op per row
//	Cols  [ Vector{I64: 1 2 2 2 7} one typed slice per column
//	        Vector{Str: a b b c d} ]
//	Vis   1  1  0  0  1            visibility: a filter clears bits instead of copying
//
// An update is a U- row immediately followed by a U+ row with the same
// stream key. Vectors are typed: the slice used depends on the column's
// physical kind (types.Kind), chosen once when an operator is built, so
// hot loops index []int64 or []float64 directly. Kinds without a
// dedicated slice (numeric, interval, arrays) use Datums.
package chunk

import (
	"fmt"
	"math"
	"math/bits"
	"strings"

	"github.com/eddy-db/eddy/sql/types"
)

// Op is the kind of change a row carries.
type Op uint8

// The ops.
const (
	Insert Op = iota
	Delete
	UpdateDelete
	UpdateInsert
)

var opNames = [...]string{"+", "-", "U-", "U+"}

func (o Op) String() string { return opNames[o] }

// IsInsert reports whether the op adds its row (Insert or UpdateInsert).
func (o Op) IsInsert() bool { return o == Insert || o == UpdateInsert }

// Sign is +1 for ops that add a row and -1 for ops that remove one.
func (o Op) Sign() int64 {
	if o.IsInsert() {
		return 1
	}
	return -1
}

// Bitmap is a set of row positions. A nil Bitmap means "all set" when
// used for visibility and "none set" when used for nulls.
type Bitmap []uint64

// NewBitmap returns a bitmap of n bits, all set.
func NewBitmap(n int) Bitmap {
	b := make(Bitmap, (n+63)/64)
	for i := range b {
		b[i] = math.MaxUint64
	}
	if r := n % 64; r != 0 {
		b[len(b)-1] = 1<<r - 1
	}
	return b
}

// Get reports whether bit i is set.
func (b Bitmap) Get(i int) bool { return b[i>>6]&(1<<(i&63)) != 0 }

// Set sets bit i.
func (b Bitmap) Set(i int) { b[i>>6] |= 1 << (i & 63) }

// Clear clears bit i.
func (b Bitmap) Clear(i int) { b[i>>6] &^= 1 << (i & 63) }

// Count returns the number of set bits.
func (b Bitmap) Count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// Vector is one column of a chunk. Exactly one of the slices is used,
// chosen by Kind:
//
//	KBool, KInt, KDate, KTime, KTimestamp, KTimestamptz  I64 (bools as 0/1)
//	KFloat                                               F64
//	KString, KBytes, KJSON                               Str
//	others (KDecimal, KInterval, KArray)                 D
//
// Nulls marks NULL rows (nil = no NULLs); the slot of a NULL row holds a
// zero value.
type Vector struct {
	Kind  types.Kind
	Nulls Bitmap
	I64   []int64
	F64   []float64
	Str   []string
	D     []types.Datum
}

// Layout reports which slice a kind uses.
type Layout uint8

// The layouts.
const (
	LayoutI64 Layout = iota
	LayoutF64
	LayoutStr
	LayoutDatum
)

// LayoutOf returns the slice a kind is stored in.
func LayoutOf(k types.Kind) Layout {
	switch k {
	case types.KBool, types.KInt, types.KDate, types.KTime, types.KTimestamp, types.KTimestamptz:
		return LayoutI64
	case types.KFloat:
		return LayoutF64
	case types.KString, types.KBytes, types.KJSON:
		return LayoutStr
	}
	return LayoutDatum
}

// NewVector returns an empty vector for a kind with room for n rows.
func NewVector(k types.Kind, n int) Vector {
	v := Vector{Kind: k}
	switch LayoutOf(k) {
	case LayoutI64:
		v.I64 = make([]int64, 0, n)
	case LayoutF64:
		v.F64 = make([]float64, 0, n)
	case LayoutStr:
		v.Str = make([]string, 0, n)
	default:
		v.D = make([]types.Datum, 0, n)
	}
	return v
}

// Len returns the number of rows in the vector.
func (v *Vector) Len() int {
	switch LayoutOf(v.Kind) {
	case LayoutI64:
		return len(v.I64)
	case LayoutF64:
		return len(v.F64)
	case LayoutStr:
		return len(v.Str)
	}
	return len(v.D)
}

// IsNull reports whether row i is NULL.
func (v *Vector) IsNull(i int) bool { return i>>6 < len(v.Nulls) && v.Nulls.Get(i) }

func (v *Vector) setNull(i int) {
	need := (i + 64) / 64
	for len(v.Nulls) < need {
		v.Nulls = append(v.Nulls, 0)
	}
	v.Nulls.Set(i)
}

// Append adds one value (a NULL datum appends NULL).
func (v *Vector) Append(d types.Datum) {
	i := v.Len()
	if d.IsNull() {
		v.setNull(i)
	}
	switch LayoutOf(v.Kind) {
	case LayoutI64:
		if d.IsNull() {
			v.I64 = append(v.I64, 0)
		} else if d.Kind() == types.KBool {
			if d.Bool() {
				v.I64 = append(v.I64, 1)
			} else {
				v.I64 = append(v.I64, 0)
			}
		} else {
			v.I64 = append(v.I64, d.Int())
		}
	case LayoutF64:
		v.F64 = append(v.F64, d.Float())
	case LayoutStr:
		v.Str = append(v.Str, d.Str())
	default:
		v.D = append(v.D, d)
	}
}

// AppendInt64 adds a non-NULL value to an I64 vector.
func (v *Vector) AppendInt64(x int64) { v.I64 = append(v.I64, x) }

// AppendNull adds a NULL.
func (v *Vector) AppendNull() { v.Append(types.Null) }

// Get returns row i as a datum.
func (v *Vector) Get(i int) types.Datum {
	if v.IsNull(i) {
		return types.Null
	}
	switch v.Kind {
	case types.KBool, types.KInt, types.KDate, types.KTime, types.KTimestamp, types.KTimestamptz:
		return I64Datum(v.Kind, v.I64[i])
	case types.KFloat:
		return types.NewFloat(v.F64[i])
	case types.KString:
		return types.NewString(v.Str[i])
	case types.KBytes:
		return types.NewBytesString(v.Str[i])
	case types.KJSON:
		return types.NewJSON(v.Str[i])
	}
	return v.D[i]
}

// I64Datum makes the datum of kind k (one of LayoutI64) whose int64 form
// is x.
func I64Datum(k types.Kind, x int64) types.Datum {
	switch k {
	case types.KBool:
		return types.NewBool(x != 0)
	case types.KDate:
		return types.NewDate(x)
	case types.KTime:
		return types.NewTime(x)
	case types.KTimestamp:
		return types.NewTimestamp(x)
	case types.KTimestamptz:
		return types.NewTimestamptz(x)
	}
	return types.NewInt(x)
}

// Reset empties the vector, keeping its capacity.
func (v *Vector) Reset() {
	v.Nulls = v.Nulls[:0]
	v.I64, v.F64, v.Str, v.D = v.I64[:0], v.F64[:0], v.Str[:0], v.D[:0]
}

// Chunk is a columnar batch of changes.
type Chunk struct {
	Ops  []Op
	Cols []Vector
	// Vis marks the visible rows; nil means all rows are visible.
	Vis Bitmap
}

// New returns an empty chunk for columns of the given types.
func New(ts []types.Type, capacity int) *Chunk {
	c := &Chunk{Ops: make([]Op, 0, capacity), Cols: make([]Vector, len(ts))}
	for i, t := range ts {
		c.Cols[i] = NewVector(t.Kind(), capacity)
	}
	return c
}

// Len returns the number of rows, visible or not.
func (c *Chunk) Len() int { return len(c.Ops) }

// Visible reports whether row i is visible.
func (c *Chunk) Visible(i int) bool { return c.Vis == nil || c.Vis.Get(i) }

// Hide makes row i invisible.
func (c *Chunk) Hide(i int) {
	if c.Vis == nil {
		c.Vis = NewBitmap(c.Len())
	}
	c.Vis.Clear(i)
}

// VisibleCount returns the number of visible rows.
func (c *Chunk) VisibleCount() int {
	if c.Vis == nil {
		return c.Len()
	}
	return c.Vis.Count()
}

// AppendRow adds one row.
func (c *Chunk) AppendRow(op Op, row types.Row) {
	c.Ops = append(c.Ops, op)
	for i := range c.Cols {
		c.Cols[i].Append(row[i])
	}
	if c.Vis != nil {
		i := len(c.Ops) - 1
		for len(c.Vis) < (i+64)/64 {
			c.Vis = append(c.Vis, 0)
		}
		c.Vis.Set(i)
	}
}

// Row copies row i into dst (resized) and returns it.
func (c *Chunk) Row(i int, dst types.Row) types.Row {
	if cap(dst) < len(c.Cols) {
		dst = make(types.Row, len(c.Cols))
	}
	dst = dst[:len(c.Cols)]
	for j := range c.Cols {
		dst[j] = c.Cols[j].Get(i)
	}
	return dst
}

// Reset empties the chunk, keeping its capacity.
func (c *Chunk) Reset() {
	c.Ops = c.Ops[:0]
	c.Vis = nil
	for i := range c.Cols {
		c.Cols[i].Reset()
	}
}

// Compact returns a chunk holding only the visible rows (c itself when
// all rows are visible).
func (c *Chunk) Compact() *Chunk {
	if c.Vis == nil {
		return c
	}
	out := &Chunk{Cols: make([]Vector, len(c.Cols))}
	for j := range c.Cols {
		out.Cols[j] = NewVector(c.Cols[j].Kind, c.VisibleCount())
	}
	for i := range c.Ops {
		if !c.Visible(i) {
			continue
		}
		out.Ops = append(out.Ops, c.Ops[i])
		for j := range c.Cols {
			out.Cols[j].Append(c.Cols[j].Get(i))
		}
	}
	return out
}

// String renders the visible rows in the text form used by tests:
// one row per line, op first, values in PostgreSQL's text format.
func (c *Chunk) String() string {
	var b strings.Builder
	for i := range c.Ops {
		if !c.Visible(i) {
			continue
		}
		b.WriteString(c.Ops[i].String())
		for j := range c.Cols {
			b.WriteByte(' ')
			d := c.Cols[j].Get(i)
			if d.IsNull() {
				b.WriteString("NULL")
			} else {
				b.WriteString(formatDatum(d))
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func formatDatum(d types.Datum) string {
	switch d.Kind() {
	case types.KBool:
		if d.Bool() {
			return "t"
		}
		return "f"
	case types.KInt:
		return fmt.Sprint(d.Int())
	case types.KFloat:
		return types.FormatText(d, types.TFloat8, nil)
	case types.KTime:
		return types.FormatText(d, types.TTime, nil)
	case types.KString, types.KJSON:
		return d.Str()
	case types.KTimestamp:
		return types.FormatText(d, types.TTimestamp, nil)
	case types.KTimestamptz:
		return types.FormatText(d, types.TTimestamptz, nil)
	case types.KDate:
		return types.FormatText(d, types.TDate, nil)
	case types.KDecimal:
		return types.FormatText(d, types.TNumeric, nil)
	case types.KInterval:
		return types.FormatText(d, types.TInterval, nil)
	case types.KBytes:
		return types.FormatText(d, types.TBytea, nil)
	}
	return fmt.Sprint(d)
}
