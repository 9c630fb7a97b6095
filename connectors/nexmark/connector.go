package nexmark

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

func init() {
	connectors.Register(&connectors.Connector{
		Name:       "nexmark",
		AppendOnly: func(*connectors.Spec) bool { return true },
		Validate: func(_ context.Context, spec *connectors.Spec) error {
			_, err := parse(spec)
			return err
		},
		Open: open,
	})
}

// Defaults of the connector's own options (NEXMARK.md 3.1).
const (
	defaultGapNs     = 100000 // 10 000 events/s over all splits
	defaultChunkSize = 1024
	// maxSplits bounds nexmark.split.num (and the splits an offset may
	// carry): one reader serves them all, so it is only a count.
	maxSplits = 1 << 16
)

// ignoredOptions are accepted for compatibility and have no effect, as
// in RisingWave.
var ignoredOptions = []string{
	"nexmark.next.event.rate",
	"nexmark.events.per.sec",
	"nexmark.hot.seller.ratio.2",
	"nexmark.hot.auction.ratio.2",
	"nexmark.hot.bidder.ratio.2",
}

// fieldClass is the SQL type family a field needs.
type fieldClass uint8

const (
	classInt  fieldClass = iota // BIGINT
	classText                   // VARCHAR or TEXT
	classTime                   // TIMESTAMP (or TIMESTAMPTZ, as UTC)
)

func (c fieldClass) String() string {
	switch c {
	case classInt:
		return "bigint"
	case classText:
		return "character varying or text"
	}
	return "timestamp"
}

// fieldDef is one field of a record, by its RisingWave column name.
type fieldDef struct {
	name  string
	class fieldClass
}

// fieldDefs lists each type's fields in RisingWave's column order
// (NEXMARK.md 1.1); a column's field is its index here.
var fieldDefs = [3][]fieldDef{
	EventPerson: {
		{"id", classInt}, {"name", classText}, {"email_address", classText}, {"credit_card", classText},
		{"city", classText}, {"state", classText}, {"date_time", classTime}, {"extra", classText},
	},
	EventAuction: {
		{"id", classInt}, {"item_name", classText}, {"description", classText}, {"initial_bid", classInt},
		{"reserve", classInt}, {"date_time", classTime}, {"expires", classTime}, {"seller", classInt},
		{"category", classInt}, {"extra", classText},
	},
	EventBid: {
		{"auction", classInt}, {"bidder", classInt}, {"price", classInt}, {"channel", classText},
		{"url", classText}, {"date_time", classTime}, {"extra", classText},
	},
}

// column is one declared column: the field it is filled from and, for
// timestamps of precision below milliseconds, the unit (µs) to round to.
type column struct {
	field int
	round int64 // 0: keep
}

// source is a parsed, checked nexmark source.
type source struct {
	gen       *Generator
	typ       EventType
	splitNum  int64
	eventNum  int64 // global offsets at or past it are not produced
	gapNs     int64
	realTime  bool
	chunkSize int
	cols      []column
	want      uint16 // string fields to build (masks of generator.go)
}

// badOption is the error for an option with an unusable value, worded as
// connectors.Options words its own.
func badOption(key, format string, args ...any) error {
	return sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for option \"%s\": %s", key, fmt.Sprintf(format, args...))
}

// parse reads a spec's options and checks its columns.
func parse(spec *connectors.Spec) (*source, error) {
	o := connectors.NewOptions(spec.With)
	cfg := DefaultConfig()
	s := &source{}
	tableType := o.String("nexmark.table.type", "")
	s.splitNum = o.Int("nexmark.split.num", 1)
	eventNum := o.String("nexmark.event.num", "")
	s.gapNs = o.Int("nexmark.min.event.gap.in.ns", defaultGapNs)
	realTime := o.String("nexmark.use.real.time", "false")
	chunkSize := o.Int("nexmark.max.chunk.size", defaultChunkSize)
	for _, k := range knobs {
		p := k.field(&cfg)
		*p = o.Int("nexmark."+k.option, *p)
	}
	for _, l := range lists {
		if key := "nexmark." + l.option; o.Has(key) {
			*l.field(&cfg) = splitList(o.String(key, ""))
		}
	}
	cfg.RateShape = strings.ToLower(o.String("nexmark.rate.shape", cfg.RateShape))
	for _, key := range ignoredOptions {
		o.Has(key)
	}
	if err := o.Err(); err != nil {
		return nil, err
	}

	switch strings.ToLower(tableType) {
	case "":
		return nil, sqlerr.NotSupported("nexmark combined source (set nexmark.table.type to Person, Auction or Bid)")
	case "person":
		s.typ = EventPerson
	case "auction":
		s.typ = EventAuction
	case "bid":
		s.typ = EventBid
	default:
		return nil, badOption("nexmark.table.type", "%q is not Person, Auction or Bid", tableType)
	}
	if s.splitNum < 1 || s.splitNum > maxSplits {
		return nil, badOption("nexmark.split.num", "must be between 1 and %d, got %d", maxSplits, s.splitNum)
	}
	s.eventNum = math.MaxInt64
	if eventNum != "" {
		// RisingWave's default is u64::MAX; anything past int64 is as good
		// as unbounded.
		n, err := strconv.ParseUint(strings.TrimSpace(eventNum), 10, 64)
		if err != nil {
			return nil, badOption("nexmark.event.num", "%q is not a non-negative integer", eventNum)
		}
		s.eventNum = int64(min(n, math.MaxInt64))
	}
	if s.gapNs < 0 {
		return nil, badOption("nexmark.min.event.gap.in.ns", "must not be negative, got %d", s.gapNs)
	}
	switch strings.ToLower(strings.TrimSpace(realTime)) {
	case "true":
		s.realTime = true
	case "false":
	default:
		return nil, badOption("nexmark.use.real.time", "%q is not true or false", realTime)
	}
	if chunkSize < 1 || chunkSize > 1<<20 {
		return nil, badOption("nexmark.max.chunk.size", "must be between 1 and %d, got %d", 1<<20, chunkSize)
	}
	s.chunkSize = int(chunkSize)
	gen, err := NewGenerator(cfg)
	if err != nil {
		var ce *configError
		if errors.As(err, &ce) {
			return nil, badOption("nexmark."+ce.option, "%s", ce.msg)
		}
		return nil, err
	}
	s.gen = gen
	// A typed stream's event numbers are FirstEventNumber + the global
	// offsets of its type; they only have that type when FirstEventNumber
	// is a whole number of proportion periods.
	if cfg.FirstEventNumber%gen.denom != 0 {
		return nil, badOption("nexmark.first.event.number", "must be a multiple of %d (the sum of the proportions) for a %s source, got %d",
			gen.denom, s.typ, cfg.FirstEventNumber)
	}

	if (spec.Format != "" && spec.Format != "PLAIN") || (spec.Encode != "" && spec.Encode != "NATIVE") || len(spec.EncodeOptions) > 0 {
		return nil, sqlerr.NotSupported("FORMAT %s ENCODE %s for connector nexmark, which generates its rows itself", spec.Format, spec.Encode)
	}
	if err := s.bindColumns(spec.Columns); err != nil {
		return nil, err
	}
	return s, nil
}

// bindColumns matches the declared columns to the type's fields by name
// and checks their types. Any subset of the fields may be declared, in
// any order.
func (s *source) bindColumns(cols []connectors.Column) error {
	defs := fieldDefs[s.typ]
	s.cols = make([]column, len(cols))
	for i, c := range cols {
		if c.Include != "" {
			return sqlerr.NotSupported("INCLUDE %s for connector nexmark (column \"%s\")", c.Include, c.Name)
		}
		f := -1
		for j, d := range defs {
			if d.name == c.Name {
				f = j
				break
			}
		}
		if f < 0 {
			names := make([]string, len(defs))
			for j, d := range defs {
				names[j] = d.name
			}
			return sqlerr.New(sqlerr.UndefinedColumn, "column \"%s\" is not a field of nexmark %s", c.Name, s.typ).
				WithHint("The fields are %s.", strings.Join(names, ", "))
		}
		d := defs[f]
		col := column{field: f}
		ok := false
		switch d.class {
		case classInt:
			ok = c.Type.ID == types.Int8
		case classText:
			ok = (c.Type.ID == types.Varchar || c.Type.ID == types.Text) && c.Type.Mod == 0
		case classTime:
			ok = c.Type.ID == types.Timestamp || c.Type.ID == types.Timestamptz
			if p := c.Type.Mod; p > 0 && p < 3 {
				col.round = int64(math.Pow10(6 - int(p)))
			}
		}
		if !ok {
			return sqlerr.New(sqlerr.DatatypeMismatch, "column \"%s\" is of type %s but nexmark %s field %s is %s",
				c.Name, c.Type, s.typ, d.name, d.class)
		}
		if d.class == classText {
			s.want |= stringMask(s.typ, d.name)
		}
		s.cols[i] = col
	}
	return nil
}

// stringMask returns the generator mask bit that builds a string field;
// 0 for fields that cost nothing to build (taken from tables).
func stringMask(t EventType, name string) uint16 {
	switch t {
	case EventPerson:
		switch name {
		case "name":
			return pName
		case "email_address":
			return pEmail
		case "credit_card":
			return pCreditCard
		case "extra":
			return pExtra
		}
	case EventAuction:
		switch name {
		case "item_name":
			return aItemName
		case "description":
			return aDescription
		case "extra":
			return aExtra
		}
	case EventBid:
		if name == "extra" {
			return bExtra
		}
	}
	return 0
}

// open is the connector's Open.
func open(_ context.Context, spec *connectors.Spec, offset []byte) (connectors.Reader, error) {
	s, err := parse(spec)
	if err != nil {
		return nil, err
	}
	r := &reader{src: s, types: spec.Types(), stats: spec.Stats}
	if offset == nil {
		// RisingWave starts split i at offset i.
		r.splits = make([]int64, s.splitNum)
		for i := range r.splits {
			r.splits[i] = int64(i)
		}
	} else if r.splits, err = s.resume(offset); err != nil {
		return nil, err
	}
	r.next = r.splits[0]
	for _, o := range r.splits {
		r.next = min(r.next, o)
	}
	return r, nil
}
