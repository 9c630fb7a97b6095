// Package datagen is the `connector = 'datagen'` source: rows generated
// from per-column rules, as RisingWave's datagen connector takes them.
//
//	fields.<col>.kind     sequence | random (default random)
//	fields.<col>.start    first value of a sequence (default 0)
//	fields.<col>.end      last value of a sequence (default: the type's maximum); the
//	                      source ends when any sequence does
//	fields.<col>.min/max  bounds of a random number (default 0 and 32767)
//	fields.<col>.seed     seed of a random column (default 0)
//	fields.<col>.length   length of a random string (default 10)
//	fields.<col>.max_past how far back a random timestamp reaches (default 1 day)
//	fields.<col>.max_past_mode  absolute (from the moment the source starts, default) | relative (from now)
//	datagen.rows.per.second  rows per second over all splits (default 10)
//	datagen.split.num        accepted; one reader produces every split's rows
//
// Row i of a random column is a function of (seed, i) alone, and of a
// sequence start + i, so replaying from a checkpoint's offset (the next
// row number) produces the same rows again.
package datagen

import (
	"context"
	"encoding/binary"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/cockroachdb/apd/v3"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

func init() {
	connectors.Register(&connectors.Connector{
		Name:       "datagen",
		AppendOnly: func(*connectors.Spec) bool { return true },
		Validate: func(_ context.Context, spec *connectors.Spec) error {
			_, err := parse(spec)
			return err
		},
		Open: open,
	})
}

// maxChunk caps the rows of one chunk.
const maxChunk = 1024

type kind uint8

const (
	random kind = iota
	sequence
)

// field is the rule of one column.
type field struct {
	typ      types.Type
	kind     kind
	start    int64   // sequence start (integers)
	end      int64   // sequence end (integers)
	fstart   float64 // sequence start (floats, numerics)
	fend     float64
	min, max float64 // random bounds
	seed     uint64
	length   int
	maxPast  int64 // microseconds
	relative bool
}

// config is a parsed datagen source.
type config struct {
	fields []field
	rate   float64
	// rows is how many rows the sequences allow (math.MaxInt64: no
	// limit).
	rows int64
}

func parse(spec *connectors.Spec) (*config, error) {
	o := connectors.NewOptions(spec.With)
	c := &config{rate: o.Float("datagen.rows.per.second", 10), rows: math.MaxInt64}
	o.Int("datagen.split.num", 1)
	if c.rate <= 0 {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for option \"datagen.rows.per.second\": must be positive")
	}
	if spec.Format != "" && spec.Format != "PLAIN" || spec.Encode != "" && spec.Encode != "JSON" {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "connector 'datagen' produces rows itself: FORMAT %s ENCODE %s does not apply (use FORMAT PLAIN ENCODE JSON or none)", spec.Format, spec.Encode)
	}
	for _, col := range spec.Columns {
		if col.Include != "" {
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "connector 'datagen' has no %s to INCLUDE", strings.ToLower(col.Include))
		}
		p := "fields." + col.Name + "."
		f := field{typ: col.Type, min: 0, max: 32767, length: 10, maxPast: 24 * 3600 * 1e6}
		switch k := strings.ToLower(o.String(p+"kind", "random")); k {
		case "random":
			f.kind = random
		case "sequence":
			f.kind = sequence
		default:
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for option \"%skind\": %q (want sequence or random)", p, k)
		}
		f.min = o.Float(p+"min", f.min)
		f.max = o.Float(p+"max", f.max)
		f.seed = uint64(o.Int(p+"seed", 0))
		f.length = int(o.Int(p+"length", int64(f.length)))
		if s := o.String(p+"max_past", ""); s != "" {
			iv, err := types.ParseText(s, types.TInterval, types.DefaultEnv)
			if err != nil {
				return nil, sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for option \"%smax_past\": %v", p, err)
			}
			f.maxPast = iv.Interval().Micros + int64(iv.Interval().Days)*86400e6 + int64(iv.Interval().Months)*30*86400e6
		}
		switch m := strings.ToLower(o.String(p+"max_past_mode", "absolute")); m {
		case "absolute":
		case "relative":
			f.relative = true
		default:
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for option \"%smax_past_mode\": %q (want absolute or relative)", p, m)
		}
		if f.max < f.min {
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "fields.%s: max (%v) is below min (%v)", col.Name, f.max, f.min)
		}
		if f.length < 0 || f.length > 1<<20 {
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for option \"%slength\": %d", p, f.length)
		}
		if err := f.check(col.Name, o, p); err != nil {
			return nil, err
		}
		if f.kind == sequence {
			var n uint64 // rows in the sequence, saturating
			if isFloat(f.typ) {
				if f.fend < f.fstart {
					return nil, sqlerr.New(sqlerr.InvalidParameterValue, "fields.%s: sequence end is before its start", col.Name)
				}
				n = uint64(min(math.Floor(f.fend-f.fstart)+1, math.MaxInt64))
			} else {
				if f.end < f.start {
					return nil, sqlerr.New(sqlerr.InvalidParameterValue, "fields.%s: sequence end is before its start", col.Name)
				}
				n = uint64(f.end-f.start) + 1
				if n == 0 || n > math.MaxInt64 { // the whole int64 range
					n = math.MaxInt64
				}
			}
			c.rows = min(c.rows, int64(n))
		}
		c.fields = append(c.fields, f)
	}
	if err := o.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

func isFloat(t types.Type) bool {
	switch t.ID {
	case types.Float4, types.Float8, types.Numeric:
		return true
	}
	return false
}

// check validates the rule against the column's type and reads the
// sequence bounds.
func (f *field) check(col string, o *connectors.Options, p string) error {
	switch f.typ.ID {
	case types.Int2, types.Int4, types.Int8:
		lo, hi := intRange(f.typ)
		if f.kind == sequence {
			f.start = o.Int(p+"start", 0)
			f.end = o.Int(p+"end", hi)
			if f.start < lo || f.end > hi {
				return sqlerr.New(sqlerr.NumericValueOutOfRange, "fields.%s: sequence %d..%d is out of range for type %s", col, f.start, f.end, f.typ)
			}
		} else if f.min < float64(lo) || f.max > float64(hi) {
			return sqlerr.New(sqlerr.NumericValueOutOfRange, "fields.%s: random range %v..%v is out of range for type %s", col, f.min, f.max, f.typ)
		}
	case types.Float4, types.Float8, types.Numeric:
		if f.kind == sequence {
			f.fstart = o.Float(p+"start", 0)
			f.fend = o.Float(p+"end", math.MaxInt64)
		}
	case types.Varchar, types.Text, types.Bpchar:
		if f.kind == sequence {
			f.start = o.Int(p+"start", 0)
			f.end = o.Int(p+"end", math.MaxInt64)
		}
	case types.Bool:
		if f.kind == sequence {
			return sqlerr.New(sqlerr.InvalidParameterValue, "fields.%s: a boolean column cannot be a sequence", col)
		}
	case types.Timestamp, types.Timestamptz:
		if f.kind == sequence {
			return sqlerr.New(sqlerr.InvalidParameterValue, "fields.%s: a timestamp column cannot be a sequence (use kind random with max_past)", col)
		}
	default:
		return sqlerr.NotSupported("datagen column \"%s\" of type %s", col, f.typ)
	}
	return nil
}

func intRange(t types.Type) (int64, int64) {
	switch t.ID {
	case types.Int2:
		return math.MinInt16, math.MaxInt16
	case types.Int4:
		return math.MinInt32, math.MaxInt32
	}
	return math.MinInt64, math.MaxInt64
}

// reader generates rows at the configured rate.
type reader struct {
	cfg   *config
	spec  *connectors.Spec
	types []types.Type
	next  int64     // the number of the next row
	start time.Time // when this reader started
	from  int64     // next at start (the rate is counted from there)
	base  int64     // timestamps' reference point for absolute max_past (µs)
}

func open(_ context.Context, spec *connectors.Spec, offset []byte) (connectors.Reader, error) {
	cfg, err := parse(spec)
	if err != nil {
		return nil, err
	}
	r := &reader{cfg: cfg, spec: spec, types: spec.Types(), start: time.Now()}
	r.base = r.start.UnixMicro()
	if len(offset) >= 8 {
		r.next = int64(binary.BigEndian.Uint64(offset))
	}
	if len(offset) >= 16 {
		r.base = int64(binary.BigEndian.Uint64(offset[8:]))
	}
	r.from = r.next
	return r, nil
}

func (r *reader) offset() []byte {
	b := binary.BigEndian.AppendUint64(nil, uint64(r.next))
	return binary.BigEndian.AppendUint64(b, uint64(r.base))
}

func (r *reader) Close() error { return nil }

func (r *reader) Next(ctx context.Context) (*chunk.Chunk, []byte, error) {
	for {
		if r.next >= r.cfg.rows {
			// Every sequence is exhausted: the source has ended.
			<-ctx.Done()
			return nil, nil, ctx.Err()
		}
		due := r.from + int64(time.Since(r.start).Seconds()*r.cfg.rate)
		if due > r.next {
			n := min(due-r.next, maxChunk, r.cfg.rows-r.next)
			c := r.generate(n)
			r.spec.Stats.AddRows(int(n))
			return c, r.offset(), nil
		}
		// Sleep until the next row is due.
		wait := time.Until(r.start.Add(time.Duration(float64(r.next-r.from+1) / r.cfg.rate * float64(time.Second))))
		t := time.NewTimer(max(wait, time.Millisecond))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, nil, ctx.Err()
		case <-t.C:
		}
	}
}

// generate produces rows r.next .. r.next+n-1.
func (r *reader) generate(n int64) *chunk.Chunk {
	c := chunk.New(r.types, int(n))
	now := time.Now().UnixMicro()
	for i := int64(0); i < n; i++ {
		c.Ops = append(c.Ops, chunk.Insert)
	}
	for j := range r.cfg.fields {
		f := &r.cfg.fields[j]
		v := &c.Cols[j]
		for i := int64(0); i < n; i++ {
			v.Append(f.value(r.next+i, j, now, r.base))
		}
	}
	r.next += n
	return c
}

// value is row i's value of field f (column j).
func (f *field) value(i int64, j int, now, base int64) types.Datum {
	if f.kind == sequence {
		switch f.typ.ID {
		case types.Float4, types.Float8:
			return types.NewFloat(f.fstart + float64(i))
		case types.Numeric:
			d, _, _ := apd.NewFromString(strconv.FormatFloat(f.fstart+float64(i), 'f', -1, 64))
			return types.NewDecimal(d)
		case types.Varchar, types.Text, types.Bpchar:
			return types.NewString(strconv.FormatInt(f.start+i, 10))
		}
		return types.NewInt(f.start + i)
	}
	h := mix(f.seed, uint64(j), uint64(i))
	u := float64(h>>11) / (1 << 53) // [0, 1)
	switch f.typ.ID {
	case types.Int2, types.Int4, types.Int8:
		span := f.max - f.min + 1
		return types.NewInt(int64(f.min) + int64(math.Floor(u*span)))
	case types.Float4, types.Float8:
		return types.NewFloat(f.min + u*(f.max-f.min))
	case types.Numeric:
		d, _, _ := apd.NewFromString(strconv.FormatFloat(f.min+u*(f.max-f.min), 'f', -1, 64))
		return types.NewDecimal(d)
	case types.Bool:
		return types.NewBool(h&1 == 1)
	case types.Varchar, types.Text, types.Bpchar:
		const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
		b := make([]byte, f.length)
		x := h
		for k := range b {
			if k > 0 && k%10 == 0 {
				x = mix(h, uint64(k), 0)
			}
			b[k] = alnum[x%uint64(len(alnum))]
			x /= uint64(len(alnum))
		}
		return types.NewString(string(b))
	case types.Timestamp, types.Timestamptz:
		ref := base
		if f.relative {
			ref = now
		}
		us := ref - int64(u*float64(f.maxPast))
		if f.typ.ID == types.Timestamp {
			return types.NewTimestamp(us)
		}
		return types.NewTimestamptz(us)
	}
	return types.Null
}

// mix hashes a seed, a column and a row number (splitmix64 steps).
func mix(seed, col, row uint64) uint64 {
	x := seed ^ col*0x9E3779B97F4A7C15 ^ row*0xD1B54A32D192ED03
	x ^= x >> 30
	x *= 0xBF58476D1CE4E5B9
	x ^= x >> 27
	x *= 0x94D049BB133111EB
	return x ^ x>>31
}
