package nexmark

import (
	"context"
	"encoding/binary"
	"math"
	"time"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// reader produces every split of a typed source, interleaved in global
// event order.
//
// RisingWave runs one reader per split; split i of k produces the typed
// offsets i, i+k, i+2k, ... Their union in global order is simply the
// typed offsets 0, 1, 2, ..., so one reader yields exactly the rows of
// all k splits together, in event-time order, and k changes nothing but
// the offset's layout. The offset still records each split's next
// offset (as RisingWave's split state does), and the reader can resume
// from any per-split state, also one where the splits are uneven: it
// then produces offset v only when v has not yet been produced by its
// split (v >= splits[v mod k]).
//
// A reader is used by one goroutine.
type reader struct {
	src    *source
	types  []types.Type
	stats  *connectors.Stats
	splits []int64 // next typed offset of split i; splits[i] mod k = i
	next   int64   // every offset below next is produced; next <= min(splits)

	started     bool
	start       time.Time
	startGlobal int64 // global offset of next at start (throttle)
	startTS     int64 // its event time (real-time throttle)

	offs     []int64 // typed offsets of the chunk being built
	persons  []Person
	auctions []Auction
	bids     []Bid
}

var _ connectors.Reader = (*reader)(nil)

// Next returns up to max.chunk.size rows and the offset after them. Once
// the source has produced every event below nexmark.event.num it blocks
// until ctx is done. With a throttle it waits (respecting ctx) until the
// chunk is due; if ctx ends first nothing is consumed. The chunk is the
// caller's.
func (r *reader) Next(ctx context.Context) (*chunk.Chunk, []byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	s := r.src
	g := s.gen
	if !r.started {
		r.started = true
		r.start = time.Now()
		r.startGlobal = g.GlobalOffset(s.typ, r.next)
		r.startTS = g.Timestamp(g.cfg.FirstEventNumber + r.startGlobal)
	}

	// Choose the chunk's offsets without changing any state yet.
	k := int64(len(r.splits))
	offs := r.offs[:0]
	v := r.next
	for len(offs) < s.chunkSize {
		for v < r.splits[v%k] {
			v++
		}
		if g.GlobalOffset(s.typ, v) >= s.eventNum {
			break
		}
		offs = append(offs, v)
		v++
	}
	r.offs = offs
	if len(offs) == 0 {
		// Finished: the source has no more rows.
		<-ctx.Done()
		return nil, nil, ctx.Err()
	}
	if err := r.throttle(ctx, v); err != nil {
		return nil, nil, err
	}

	c := chunk.New(r.types, len(offs))
	for range offs {
		c.Ops = append(c.Ops, chunk.Insert)
	}
	r.fill(c, offs)

	// Commit: every split's next offset moves to its first offset at or
	// past v (none below v is left unproduced).
	for i := range r.splits {
		r.splits[i] = max(r.splits[i], firstAtOrAfter(v, int64(i), k))
	}
	r.next = v
	r.stats.AddRows(len(offs))
	return c, encodeOffset(s.typ, r.splits), nil
}

// throttle waits until the events before typed offset v are due: with
// nexmark.use.real.time, at their event time relative to the start;
// otherwise min.event.gap.in.ns per global event since the start (so the
// rate caps all types together, as in RisingWave).
func (r *reader) throttle(ctx context.Context, v int64) error {
	s := r.src
	var wait time.Duration
	switch {
	case s.realTime:
		ts := s.gen.Timestamp(s.gen.cfg.FirstEventNumber + s.gen.GlobalOffset(s.typ, v))
		wait = time.Duration(ts-r.startTS) * time.Millisecond
	case s.gapNs > 0:
		events := s.gen.GlobalOffset(s.typ, v) - r.startGlobal
		if events > math.MaxInt64/s.gapNs {
			events = math.MaxInt64 / s.gapNs // centuries away
		}
		wait = time.Duration(s.gapNs * events)
	default:
		return nil
	}
	d := time.Until(r.start.Add(wait))
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// fill generates the events of the given typed offsets and appends their
// declared fields to c, column by column.
func (r *reader) fill(c *chunk.Chunk, offs []int64) {
	s := r.src
	g := s.gen
	base := g.cfg.FirstEventNumber
	switch s.typ {
	case EventPerson:
		rows := grow(r.persons, len(offs))
		for i, o := range offs {
			g.person(base+g.GlobalOffset(EventPerson, o), &rows[i], s.want)
		}
		for ci, col := range s.cols {
			fillPerson(&c.Cols[ci], col, rows)
		}
		r.persons = rows
	case EventAuction:
		rows := grow(r.auctions, len(offs))
		for i, o := range offs {
			g.auction(base+g.GlobalOffset(EventAuction, o), &rows[i], s.want)
		}
		for ci, col := range s.cols {
			fillAuction(&c.Cols[ci], col, rows)
		}
		r.auctions = rows
	case EventBid:
		rows := grow(r.bids, len(offs))
		for i, o := range offs {
			g.bid(base+g.GlobalOffset(EventBid, o), &rows[i], s.want)
		}
		for ci, col := range s.cols {
			fillBid(&c.Cols[ci], col, rows)
		}
		r.bids = rows
	}
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// Close releases nothing: the reader holds no resources.
func (r *reader) Close() error { return nil }

// appendTimes appends ms timestamps as µs, rounded to the column's
// precision when it is below ms.
func appendTimes[T any](v *chunk.Vector, col column, rows []T, get func(*T) int64) {
	for i := range rows {
		us := get(&rows[i]) * 1000
		if col.round > 0 {
			us = (us + col.round/2) / col.round * col.round
		}
		v.I64 = append(v.I64, us)
	}
}

// Field indexes follow fieldDefs.

func fillPerson(v *chunk.Vector, col column, rows []Person) {
	switch col.field {
	case 0:
		for i := range rows {
			v.I64 = append(v.I64, rows[i].ID)
		}
	case 1:
		for i := range rows {
			v.Str = append(v.Str, rows[i].Name)
		}
	case 2:
		for i := range rows {
			v.Str = append(v.Str, rows[i].EmailAddress)
		}
	case 3:
		for i := range rows {
			v.Str = append(v.Str, rows[i].CreditCard)
		}
	case 4:
		for i := range rows {
			v.Str = append(v.Str, rows[i].City)
		}
	case 5:
		for i := range rows {
			v.Str = append(v.Str, rows[i].State)
		}
	case 6:
		appendTimes(v, col, rows, func(p *Person) int64 { return p.DateTime })
	case 7:
		for i := range rows {
			v.Str = append(v.Str, rows[i].Extra)
		}
	}
}

func fillAuction(v *chunk.Vector, col column, rows []Auction) {
	switch col.field {
	case 0:
		for i := range rows {
			v.I64 = append(v.I64, rows[i].ID)
		}
	case 1:
		for i := range rows {
			v.Str = append(v.Str, rows[i].ItemName)
		}
	case 2:
		for i := range rows {
			v.Str = append(v.Str, rows[i].Description)
		}
	case 3:
		for i := range rows {
			v.I64 = append(v.I64, rows[i].InitialBid)
		}
	case 4:
		for i := range rows {
			v.I64 = append(v.I64, rows[i].Reserve)
		}
	case 5:
		appendTimes(v, col, rows, func(a *Auction) int64 { return a.DateTime })
	case 6:
		appendTimes(v, col, rows, func(a *Auction) int64 { return a.Expires })
	case 7:
		for i := range rows {
			v.I64 = append(v.I64, rows[i].Seller)
		}
	case 8:
		for i := range rows {
			v.I64 = append(v.I64, rows[i].Category)
		}
	case 9:
		for i := range rows {
			v.Str = append(v.Str, rows[i].Extra)
		}
	}
}

func fillBid(v *chunk.Vector, col column, rows []Bid) {
	switch col.field {
	case 0:
		for i := range rows {
			v.I64 = append(v.I64, rows[i].Auction)
		}
	case 1:
		for i := range rows {
			v.I64 = append(v.I64, rows[i].Bidder)
		}
	case 2:
		for i := range rows {
			v.I64 = append(v.I64, rows[i].Price)
		}
	case 3:
		for i := range rows {
			v.Str = append(v.Str, rows[i].Channel)
		}
	case 4:
		for i := range rows {
			v.Str = append(v.Str, rows[i].URL)
		}
	case 5:
		appendTimes(v, col, rows, func(b *Bid) int64 { return b.DateTime })
	case 6:
		for i := range rows {
			v.Str = append(v.Str, rows[i].Extra)
		}
	}
}

// firstAtOrAfter returns the least offset >= v of split i of k.
func firstAtOrAfter(v, i, k int64) int64 {
	return v + ((i-v%k)%k+k)%k
}

// The offset is
//
//	version (1 byte, 1) | event type (1 byte: 0 Person, 1 Auction, 2 Bid)
//	| uvarint k | k uvarints: the next typed offset of split 0 .. k-1
//
// A typed offset counts events of the source's type from 0; split i's are
// i mod k. The offset a chunk returns is the state just after its rows.
const offsetVersion = 1

func encodeOffset(t EventType, splits []int64) []byte {
	b := make([]byte, 0, 2+binary.MaxVarintLen64*(1+len(splits)))
	b = append(b, offsetVersion, byte(t))
	b = binary.AppendUvarint(b, uint64(len(splits)))
	for _, o := range splits {
		b = binary.AppendUvarint(b, uint64(o))
	}
	return b
}

// decodeOffset parses and checks an offset.
func decodeOffset(b []byte) (EventType, []int64, error) {
	bad := func(why string) (EventType, []int64, error) {
		return 0, nil, sqlerr.New(sqlerr.DataCorrupted, "invalid nexmark offset %x: %s", b, why)
	}
	if len(b) < 2 || b[0] != offsetVersion {
		return bad("unknown version")
	}
	t := EventType(b[1])
	if t > EventBid {
		return bad("unknown event type")
	}
	rest := b[2:]
	k, n := binary.Uvarint(rest)
	if n <= 0 || k < 1 || k > maxSplits {
		return bad("bad split count")
	}
	rest = rest[n:]
	splits := make([]int64, k)
	for i := range splits {
		o, n := binary.Uvarint(rest)
		if n <= 0 || o > 1<<62 {
			return bad("truncated or out of range")
		}
		if o%k != uint64(i) {
			return bad("split offset not in its split")
		}
		splits[i] = int64(o)
		rest = rest[n:]
	}
	if len(rest) != 0 {
		return bad("trailing bytes")
	}
	return t, splits, nil
}

// resume turns a stored offset into the reader's per-split state. An
// offset of another split count is accepted when it is even (every
// offset below its minimum produced, none above), which is what this
// reader always leaves, since then it is just that minimum.
func (s *source) resume(b []byte) ([]int64, error) {
	t, splits, err := decodeOffset(b)
	if err != nil {
		return nil, err
	}
	if t != s.typ {
		return nil, sqlerr.New(sqlerr.DataCorrupted, "nexmark offset is for a %s source, this source produces %s", t, s.typ)
	}
	k := int64(len(splits))
	if k == s.splitNum {
		return splits, nil
	}
	v := splits[0]
	for _, o := range splits {
		v = min(v, o)
	}
	for i, o := range splits {
		if o != firstAtOrAfter(v, int64(i), k) {
			return nil, sqlerr.New(sqlerr.DataCorrupted, "nexmark offset has %d uneven splits and the source now has %d", k, s.splitNum)
		}
	}
	out := make([]int64, s.splitNum)
	for i := range out {
		out[i] = firstAtOrAfter(v, int64(i), s.splitNum)
	}
	return out, nil
}
