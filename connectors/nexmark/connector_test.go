package nexmark

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

var (
	personCols = []connectors.Column{
		{Name: "id", Type: types.TInt8}, {Name: "name", Type: types.TVarchar},
		{Name: "email_address", Type: types.TVarchar}, {Name: "credit_card", Type: types.TVarchar},
		{Name: "city", Type: types.TVarchar}, {Name: "state", Type: types.TVarchar},
		{Name: "date_time", Type: types.TTimestamp}, {Name: "extra", Type: types.TVarchar},
	}
	auctionCols = []connectors.Column{
		{Name: "id", Type: types.TInt8}, {Name: "item_name", Type: types.TVarchar},
		{Name: "description", Type: types.TVarchar}, {Name: "initial_bid", Type: types.TInt8},
		{Name: "reserve", Type: types.TInt8}, {Name: "date_time", Type: types.TTimestamp},
		{Name: "expires", Type: types.TTimestamp}, {Name: "seller", Type: types.TInt8},
		{Name: "category", Type: types.TInt8}, {Name: "extra", Type: types.TVarchar},
	}
	bidCols = []connectors.Column{
		{Name: "auction", Type: types.TInt8}, {Name: "bidder", Type: types.TInt8},
		{Name: "price", Type: types.TInt8}, {Name: "channel", Type: types.TVarchar},
		{Name: "url", Type: types.TVarchar}, {Name: "date_time", Type: types.TTimestamp},
		{Name: "extra", Type: types.TVarchar},
	}
)

// spec returns a source spec: connector nexmark, no throttle, the given
// options (key, value, key, value, ...) on top.
func spec(cols []connectors.Column, kv ...string) *connectors.Spec {
	with := map[string]string{"connector": "nexmark", "nexmark.min.event.gap.in.ns": "0"}
	for i := 0; i+1 < len(kv); i += 2 {
		with[kv[i]] = kv[i+1]
	}
	return &connectors.Spec{Name: "s", Columns: cols, With: with}
}

func mustOpen(t testing.TB, s *connectors.Spec, offset []byte) connectors.Reader {
	t.Helper()
	c, err := connectors.Lookup(s)
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.Open(context.Background(), s, offset)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// rowStrings renders a chunk's rows, one string per row.
func rowStrings(c *chunk.Chunk) []string {
	rows := make([]string, c.Len())
	for i := range rows {
		if c.Ops[i] != chunk.Insert {
			rows[i] = "not an insert"
			continue
		}
		var b strings.Builder
		for j := range c.Cols {
			v := &c.Cols[j]
			if j > 0 {
				b.WriteByte('|')
			}
			if chunk.LayoutOf(v.Kind) == chunk.LayoutStr {
				b.WriteString(v.Str[i])
			} else {
				fmt.Fprint(&b, v.I64[i])
			}
		}
		rows[i] = b.String()
	}
	return rows
}

// finished reports whether a reader has produced every event below
// event.num, so that its Next would block.
func finished(r *reader) bool {
	k := int64(len(r.splits))
	v := r.next
	for v < r.splits[v%k] {
		v++
	}
	return r.src.gen.GlobalOffset(r.src.typ, v) >= r.src.eventNum
}

// readAll reads until the source ends and returns the rows and the
// offset after each chunk, by the number of rows read by then.
func readAll(t *testing.T, r connectors.Reader) (rows []string, offsets map[int][]byte) {
	t.Helper()
	offsets = map[int][]byte{}
	for !finished(r.(*reader)) {
		c, off, err := r.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if c.Len() == 0 {
			t.Fatal("empty chunk")
		}
		rows = append(rows, rowStrings(c)...)
		offsets[len(rows)] = off
	}
	return rows, offsets
}

func TestRegistered(t *testing.T) {
	s := spec(bidCols, "nexmark.table.type", "Bid")
	c, err := connectors.Lookup(s)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "nexmark" || !c.AppendOnly(s) {
		t.Fatalf("connector %q, append-only %v", c.Name, c.AppendOnly(s))
	}
	if err := c.Validate(context.Background(), s); err != nil {
		t.Fatal(err)
	}
}

func TestValidateErrors(t *testing.T) {
	bid := func(kv ...string) *connectors.Spec {
		return spec(bidCols, append([]string{"nexmark.table.type", "Bid"}, kv...)...)
	}
	withCols := func(cols ...connectors.Column) *connectors.Spec {
		return spec(cols, "nexmark.table.type", "Bid")
	}
	for _, tc := range []struct {
		name string
		spec *connectors.Spec
		code string
		msg  string
	}{
		{"combined", spec(nil), sqlerr.FeatureNotSupported, "nexmark combined source (set nexmark.table.type to Person, Auction or Bid)"},
		{"unknown option", bid("nexmark.bogus", "1", "nexmark.evnt.num", "2"), sqlerr.InvalidParameterValue, `unknown options "nexmark.bogus", "nexmark.evnt.num"`},
		{"table type", bid("nexmark.table.type", "Bids"), sqlerr.InvalidParameterValue, `"nexmark.table.type": "Bids" is not Person, Auction or Bid`},
		{"not an integer", bid("nexmark.split.num", "two"), sqlerr.InvalidParameterValue, `"nexmark.split.num": "two" is not an integer`},
		{"split num", bid("nexmark.split.num", "0"), sqlerr.InvalidParameterValue, `"nexmark.split.num": must be between 1`},
		{"event num", bid("nexmark.event.num", "-1"), sqlerr.InvalidParameterValue, `"nexmark.event.num": "-1" is not a non-negative integer`},
		{"gap", bid("nexmark.min.event.gap.in.ns", "-5"), sqlerr.InvalidParameterValue, `"nexmark.min.event.gap.in.ns": must not be negative`},
		{"chunk size", bid("nexmark.max.chunk.size", "0"), sqlerr.InvalidParameterValue, `"nexmark.max.chunk.size": must be between 1`},
		{"real time", bid("nexmark.use.real.time", "yes"), sqlerr.InvalidParameterValue, `"nexmark.use.real.time": "yes" is not true or false`},
		{"knob", bid("nexmark.hot.auction.ratio", "0"), sqlerr.InvalidParameterValue, `"nexmark.hot.auction.ratio": must be at least 1, got 0`},
		{"rate shape", bid("nexmark.rate.shape", "triangle"), sqlerr.InvalidParameterValue, `"nexmark.rate.shape": must be sine or square`},
		{"first event number", bid("nexmark.first.event.number", "7"), sqlerr.InvalidParameterValue, `"nexmark.first.event.number": must be a multiple of 50 (the sum of the proportions) for a Bid source, got 7`},
		{"format", func() *connectors.Spec { s := bid(); s.Format, s.Encode = "PLAIN", "JSON"; return s }(), sqlerr.FeatureNotSupported, "FORMAT PLAIN ENCODE JSON"},
		{"unknown column", withCols(connectors.Column{Name: "bidder_id", Type: types.TInt8}), sqlerr.UndefinedColumn, `column "bidder_id" is not a field of nexmark Bid`},
		{"other type's field", withCols(connectors.Column{Name: "seller", Type: types.TInt8}), sqlerr.UndefinedColumn, `column "seller" is not a field of nexmark Bid`},
		{"int4", withCols(connectors.Column{Name: "price", Type: types.TInt4}), sqlerr.DatatypeMismatch, `column "price" is of type integer but nexmark Bid field price is bigint`},
		{"string as int", withCols(connectors.Column{Name: "channel", Type: types.TInt8}), sqlerr.DatatypeMismatch, `column "channel" is of type bigint`},
		{"varchar(n)", withCols(connectors.Column{Name: "url", Type: types.Type{ID: types.Varchar, Mod: 14}}), sqlerr.DatatypeMismatch, `column "url" is of type character varying(10)`},
		{"date as time", withCols(connectors.Column{Name: "date_time", Type: types.TDate}), sqlerr.DatatypeMismatch, `column "date_time" is of type date but nexmark Bid field date_time is timestamp`},
		{"include", withCols(connectors.Column{Name: "k", Type: types.TVarchar, Include: "KEY"}), sqlerr.FeatureNotSupported, "INCLUDE KEY for connector nexmark"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := connectors.Lookup(tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			err = c.Validate(context.Background(), tc.spec)
			if err == nil {
				t.Fatal("no error")
			}
			if sqlerr.Code(err) != tc.code || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("got %s %q, want %s containing %q", sqlerr.Code(err), err, tc.code, tc.msg)
			}
			if _, err := c.Open(context.Background(), tc.spec, nil); err == nil {
				t.Fatal("Open accepted what Validate rejects")
			}
		})
	}
}

func TestValidateAccepts(t *testing.T) {
	for _, s := range []*connectors.Spec{
		spec(personCols, "nexmark.table.type", "person"),
		spec(auctionCols, "nexmark.table.type", "AUCTION"),
		spec(bidCols, "nexmark.table.type", "Bid",
			// Every knob, list, and the accepted-but-ignored options.
			"nexmark.split.num", "8", "nexmark.event.num", "18446744073709551615",
			"nexmark.use.real.time", "false", "nexmark.max.chunk.size", "100", "nexmark.base.time", "0",
			"nexmark.first.event.rate", "1000000", "nexmark.threads", "2", "nexmark.active.people", "10",
			"nexmark.in.flight.auctions", "5", "nexmark.out.of.order.group.size", "1",
			"nexmark.avg.person.byte.size", "10", "nexmark.avg.auction.byte.size", "10",
			"nexmark.avg.bid.byte.size", "10", "nexmark.hot.seller.ratio", "1", "nexmark.hot.auction.ratio", "1",
			"nexmark.hot.bidder.ratio", "1", "nexmark.hot.channel.ratio", "1", "nexmark.first.event.id", "5",
			"nexmark.first.event.number", "100", "nexmark.num.categories", "1", "nexmark.auction.id.lead", "0",
			"nexmark.person.id.lead", "0", "nexmark.person.proportion", "1", "nexmark.auction.proportion", "1",
			"nexmark.bid.proportion", "98", "nexmark.first.auction.id", "1", "nexmark.first.person.id", "1",
			"nexmark.first.category.id", "1", "nexmark.sine.approx.steps", "2", "nexmark.rate.shape", "Square",
			"nexmark.rate.period", "10", "nexmark.us.per.unit", "1000", "nexmark.us.states", "x,y",
			"nexmark.us.cities", "a", "nexmark.first.names", "a,b", "nexmark.last.names", "c",
			"nexmark.next.event.rate", "5", "nexmark.events.per.sec", "5", "nexmark.hot.seller.ratio.2", "5",
			"nexmark.hot.auction.ratio.2", "5", "nexmark.hot.bidder.ratio.2", "5"),
		// A subset in another order, TEXT, TIMESTAMPTZ and TIMESTAMP(3).
		spec([]connectors.Column{
			{Name: "extra", Type: types.TText}, {Name: "date_time", Type: types.TTimestamptz},
			{Name: "price", Type: types.TInt8},
		}, "nexmark.table.type", "Bid"),
		spec([]connectors.Column{{Name: "expires", Type: types.Type{ID: types.Timestamp, Mod: 3}}}, "nexmark.table.type", "Auction"),
	} {
		c, err := connectors.Lookup(s)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Validate(context.Background(), s); err != nil {
			t.Errorf("%v: %v", s.With, err)
		}
	}
}

// TestReaderRows checks the rows against the generator and the golden
// values, for each type.
func TestReaderRows(t *testing.T) {
	g := newTestGenerator(t)
	ctx := context.Background()

	r := mustOpen(t, spec(bidCols, "nexmark.table.type", "Bid"), nil)
	c, _, err := r.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.Len() != defaultChunkSize {
		t.Fatalf("%d rows, want %d", c.Len(), defaultChunkSize)
	}
	rows := rowStrings(c)
	b4 := g.Bid(4)
	if want := fmt.Sprintf("1000|1001|73134520|channel-7568|%s|%d|%s", b4.URL, base*1000, b4.Extra); rows[0] != want {
		t.Errorf("row 0 = %q, want %q", rows[0], want)
	}
	for o, row := range rows {
		n := g.GlobalOffset(EventBid, int64(o))
		b := g.Bid(n)
		want := fmt.Sprintf("%d|%d|%d|%s|%s|%d|%s", b.Auction, b.Bidder, b.Price, b.Channel, b.URL, b.DateTime*1000, b.Extra)
		if row != want {
			t.Fatalf("row %d (event %d) = %q, want %q", o, n, row, want)
		}
	}

	r = mustOpen(t, spec(personCols, "nexmark.table.type", "Person", "nexmark.max.chunk.size", "2"), nil)
	c, _, err = r.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rows = rowStrings(c)
	if !strings.HasPrefix(rows[0], fmt.Sprintf("1000|vicky noris|yplkvgz@qbxfg.com|7878 5821 1864 2539|cheyenne|az|%d|lwaiyhjhrkaruidlsjil", base*1000)) ||
		!strings.HasPrefix(rows[1], fmt.Sprintf("1001|peter smith|kabfpld@fhfis.com|5179 0198 7232 1932|boise|wa|%d|", (base+5)*1000)) {
		t.Errorf("person rows %q", rows)
	}

	r = mustOpen(t, spec(auctionCols, "nexmark.table.type", "Auction", "nexmark.max.chunk.size", "4"), nil)
	c, _, err = r.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rows = rowStrings(c)
	a1 := g.Auction(1)
	if want := fmt.Sprintf("1000|sbeimyckhspxpmpeeuqm|%s|595843|691876|%d|%d|1000|12|%s", a1.Description, base*1000, (base+332)*1000, a1.Extra); rows[0] != want {
		t.Errorf("auction row 0 = %q, want %q", rows[0], want)
	}
	// Auctions 1, 2, 3 of the first 50 events, then 51.
	for i, n := range []int64{1, 2, 3, 51} {
		if id := fmt.Sprint(g.Auction(n).ID); !strings.HasPrefix(rows[i], id+"|") || id != fmt.Sprint(1000+i) {
			t.Errorf("auction row %d = %.20q, want id %d (event %d)", i, rows[i], 1000+i, n)
		}
	}
}

// TestReaderSubset reads a subset of the columns in another order.
func TestReaderSubset(t *testing.T) {
	g := newTestGenerator(t)
	cols := []connectors.Column{
		{Name: "date_time", Type: types.TTimestamptz}, {Name: "price", Type: types.TInt8},
		{Name: "bidder", Type: types.TInt8}, {Name: "price", Type: types.TInt8},
	}
	r := mustOpen(t, spec(cols, "nexmark.table.type", "bid", "nexmark.max.chunk.size", "100"), nil)
	c, _, err := r.Next(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for o, row := range rowStrings(c) {
		b := g.Bid(g.GlobalOffset(EventBid, int64(o)))
		if want := fmt.Sprintf("%d|%d|%d|%d", b.DateTime*1000, b.Price, b.Bidder, b.Price); row != want {
			t.Fatalf("row %d = %q, want %q", o, row, want)
		}
	}
}

// TestTimestampPrecision rounds ms times to a TIMESTAMP(1) column.
func TestTimestampPrecision(t *testing.T) {
	cols := []connectors.Column{{Name: "date_time", Type: types.Type{ID: types.Timestamp, Mod: 1}}}
	r := mustOpen(t, spec(cols, "nexmark.table.type", "Bid", "nexmark.max.chunk.size", "1000"), nil)
	c, _, err := r.Next(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	g := newTestGenerator(t)
	for o, us := range c.Cols[0].I64 {
		ms := g.Timestamp(g.GlobalOffset(EventBid, int64(o)))
		if want := (ms + 50) / 100 * 100 * 1000; us != want {
			t.Fatalf("row %d: %d µs, want %d", o, us, want)
		}
	}
}

// TestEventNum checks that nexmark.event.num bounds the global offsets
// and that Next then blocks until its context ends.
func TestEventNum(t *testing.T) {
	for _, tc := range []struct {
		typ  string
		cols []connectors.Column
		want int
	}{
		// Globals below 120: bids 4..49, 54..99, 104..119; people 0, 50,
		// 100; auctions 1..3, 51..53, 101..103.
		{"Bid", bidCols, 46 + 46 + 16},
		{"Person", personCols, 3},
		{"Auction", auctionCols, 9},
	} {
		r := mustOpen(t, spec(tc.cols, "nexmark.table.type", tc.typ, "nexmark.event.num", "120", "nexmark.max.chunk.size", "7"), nil)
		rows, _ := readAll(t, r)
		if len(rows) != tc.want {
			t.Errorf("%s: %d rows, want %d", tc.typ, len(rows), tc.want)
		}
	}

	r := mustOpen(t, spec(bidCols, "nexmark.table.type", "Bid", "nexmark.event.num", "10"), nil)
	c, _, err := r.Next(context.Background())
	if err != nil || c.Len() != 6 {
		t.Fatalf("first chunk: %v rows, %v; want 6", c.Len(), err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, _, err := r.Next(ctx)
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("Next returned %v past event.num instead of blocking", err)
	case <-time.After(20 * time.Millisecond):
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Next after cancel: %v", err)
	}

	r = mustOpen(t, spec(bidCols, "nexmark.table.type", "Bid", "nexmark.event.num", "0"), nil)
	ctx, cancel = context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if c, _, err := r.Next(ctx); c != nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("event.num 0: %v, %v", c, err)
	}
}

// TestResume reopens at the offset returned after every chunk and checks
// that the rest equals the uninterrupted read, also with another chunk
// size and another split count.
func TestResume(t *testing.T) {
	for _, tc := range []struct {
		typ           string
		cols          []connectors.Column
		splits, to    string
		chunk, chunk2 string
	}{
		{"Bid", bidCols, "1", "1", "7", "7"},
		{"Bid", bidCols, "3", "3", "5", "11"},
		{"Auction", auctionCols, "4", "2", "4", "1"},
		{"Person", personCols, "2", "5", "1", "3"},
	} {
		name := fmt.Sprintf("%s/splits=%s->%s/chunk=%s->%s", tc.typ, tc.splits, tc.to, tc.chunk, tc.chunk2)
		t.Run(name, func(t *testing.T) {
			opts := func(splits, chunk string) *connectors.Spec {
				return spec(tc.cols, "nexmark.table.type", tc.typ, "nexmark.event.num", "500",
					"nexmark.split.num", splits, "nexmark.max.chunk.size", chunk)
			}
			all, offsets := readAll(t, mustOpen(t, opts(tc.splits, tc.chunk), nil))
			if len(all) == 0 || len(offsets) == 0 {
				t.Fatal("nothing read")
			}
			for k, off := range offsets {
				rest, _ := readAll(t, mustOpen(t, opts(tc.to, tc.chunk2), off))
				if len(rest) != len(all)-k {
					t.Fatalf("after %d rows: %d more, want %d", k, len(rest), len(all)-k)
				}
				for i := range rest {
					if rest[i] != all[k+i] {
						t.Fatalf("after %d rows: row %d = %.40q, want %.40q", k, k+i, rest[i], all[k+i])
					}
				}
			}
		})
	}
}

// TestUnevenSplits resumes from a per-split state where split 0 is ahead
// of split 1: the reader produces exactly the offsets each split has
// left, in global order.
func TestUnevenSplits(t *testing.T) {
	s := spec([]connectors.Column{{Name: "price", Type: types.TInt8}}, "nexmark.table.type", "Bid",
		"nexmark.split.num", "2", "nexmark.max.chunk.size", "6")
	r := mustOpen(t, s, encodeOffset(EventBid, []int64{6, 1}))
	c, off, err := r.Next(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	g := newTestGenerator(t)
	// Split 1 from 1: 1, 3, 5, 7, ...; split 0 from 6: 6, 8, ...
	for i, o := range []int64{1, 3, 5, 6, 7, 8} {
		if want := g.Bid(g.GlobalOffset(EventBid, o)).Price; c.Cols[0].I64[i] != want {
			t.Errorf("row %d: price %d, want that of bid %d (%d)", i, c.Cols[0].I64[i], o, want)
		}
	}
	if want := encodeOffset(EventBid, []int64{10, 9}); string(off) != string(want) {
		t.Errorf("offset %x, want %x", off, want)
	}
	// Uneven states cannot move to another split count.
	s.With["nexmark.split.num"] = "3"
	c2, _ := connectors.Lookup(s)
	if _, err := c2.Open(context.Background(), s, encodeOffset(EventBid, []int64{6, 1})); sqlerr.Code(err) != sqlerr.DataCorrupted {
		t.Errorf("uneven offset with 3 splits: %v", err)
	}
}

func TestOffsetFormat(t *testing.T) {
	r := mustOpen(t, spec(bidCols, "nexmark.table.type", "Bid", "nexmark.split.num", "3", "nexmark.max.chunk.size", "4"), nil)
	_, off, err := r.Next(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Version 1, Bid, 3 splits at 6, 4, 5.
	if want := []byte{1, 2, 3, 6, 4, 5}; string(off) != string(want) {
		t.Errorf("offset %v, want %v", off, want)
	}
	s := spec(bidCols, "nexmark.table.type", "Bid")
	c, _ := connectors.Lookup(s)
	for _, bad := range [][]byte{
		{}, {2, 2, 1, 0}, {1, 3, 1, 0}, {1, 2, 0}, {1, 2, 2, 0}, {1, 2, 2, 1, 0}, {1, 2, 1, 0, 9},
		{1, 2, 1, 0x80},
		{1, 0, 1, 0}, // a Person offset for a Bid source
	} {
		if _, err := c.Open(context.Background(), s, bad); sqlerr.Code(err) != sqlerr.DataCorrupted {
			t.Errorf("offset %v: %v, want a %s error", bad, err, sqlerr.DataCorrupted)
		}
	}
}

func TestStats(t *testing.T) {
	s := spec(bidCols, "nexmark.table.type", "Bid", "nexmark.event.num", "1000", "nexmark.max.chunk.size", "100")
	s.Stats = &connectors.Stats{}
	rows, _ := readAll(t, mustOpen(t, s, nil))
	if n, errs, _ := s.Stats.Snapshot(); n != int64(len(rows)) || n != 920 || errs != 0 {
		t.Errorf("stats %d rows %d errors, read %d, want 920", n, errs, len(rows))
	}
}

// TestThrottle: the default gap paces 10 000 events/s, and a context that
// ends during the wait consumes nothing.
func TestThrottle(t *testing.T) {
	s := spec(bidCols, "nexmark.table.type", "Bid", "nexmark.max.chunk.size", "46")
	s.With["nexmark.min.event.gap.in.ns"] = "1000000000" // 1 s per event
	r := mustOpen(t, s, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if c, _, err := r.Next(ctx); c != nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("throttled Next: %v, %v", c, err)
	}
	if rr := r.(*reader); rr.next != 0 || rr.splits[0] != 0 {
		t.Fatalf("a cancelled Next moved the reader to %d", rr.next)
	}

	// 46 bids span global offsets 4..49: the chunk is due 46 gaps after
	// the start (the first bid's offset).
	s.With["nexmark.min.event.gap.in.ns"] = "200000" // 0.2 ms
	r = mustOpen(t, s, nil)
	start := time.Now()
	if _, _, err := r.Next(context.Background()); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 46*200*time.Microsecond {
		t.Errorf("first chunk after %v, want at least %v", d, 46*200*time.Microsecond)
	}
	// The second chunk, bids at 54..99, is due 100 gaps after the start.
	if _, _, err := r.Next(context.Background()); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 100*200*time.Microsecond {
		t.Errorf("second chunk after %v, want at least %v", d, 100*200*time.Microsecond)
	}
}

// TestRealTime paces chunks by event time: the 46 bids of the first
// chunk are followed by event 54, 5 ms of event time after event 4.
func TestRealTime(t *testing.T) {
	r := mustOpen(t, spec(bidCols, "nexmark.table.type", "Bid", "nexmark.max.chunk.size", "46", "nexmark.use.real.time", "true"), nil)
	start := time.Now()
	if _, _, err := r.Next(context.Background()); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 5*time.Millisecond {
		t.Errorf("first chunk after %v, want at least 5ms", d)
	}
}

// TestKnobOverrides checks that WITH options reach the generator.
func TestKnobOverrides(t *testing.T) {
	r := mustOpen(t, spec(bidCols, "nexmark.table.type", "Bid", "nexmark.max.chunk.size", "2",
		"nexmark.base.time", "0", "nexmark.first.event.rate", "1000", "nexmark.first.auction.id", "1",
		"nexmark.first.person.id", "1", "nexmark.avg.bid.byte.size", "32"), nil)
	c, _, err := r.Next(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Bid 4 draws as at the defaults: hot auction 0 and bidder 1, price
	// 73134520, channel-7568; ids now start at 1, 1 ms per event, and an
	// extra of avg - 32 = 0 letters.
	rows := rowStrings(c)
	if want := "1|2|73134520|channel-7568|https://www.nexmark.com/rswp/bsu/_gzj/item.htm?query=1&channel_id=163053568|4000|"; rows[0] != want {
		t.Errorf("row 0 = %q, want %q", rows[0], want)
	}
	if !strings.HasSuffix(rows[1], "|5000|") {
		t.Errorf("row 1 = %q, want date_time 5 ms and no extra", rows[1])
	}
}
