package nexmark

import (
	"context"
	"testing"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/sql/types"
)

// benchReader reads b.N rows through the connector, no throttle, and
// reports events/s.
func benchReader(b *testing.B, cols []connectors.Column) {
	s := spec(cols, "nexmark.table.type", "Bid", "nexmark.max.chunk.size", "1024")
	r := mustOpen(b, s, nil)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; {
		c, _, err := r.Next(ctx)
		if err != nil {
			b.Fatal(err)
		}
		n += c.Len()
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkBid: every column of a Bid source (chunks of 1024).
func BenchmarkBid(b *testing.B) { benchReader(b, bidCols) }

// BenchmarkBidQ0: q0's columns (auction, bidder, price, date_time): no
// string is built, the letters are only drawn.
func BenchmarkBidQ0(b *testing.B) {
	benchReader(b, []connectors.Column{
		{Name: "auction", Type: types.TInt8}, {Name: "bidder", Type: types.TInt8},
		{Name: "price", Type: types.TInt8}, {Name: "date_time", Type: types.TTimestamp},
	})
}

// BenchmarkGeneratorBid: the generator alone, one bid at a time.
func BenchmarkGeneratorBid(b *testing.B) {
	g := newTestGenerator(b)
	b.ReportAllocs()
	var sink int64
	for i := 0; i < b.N; i++ {
		n := g.GlobalOffset(EventBid, int64(i))
		sink += g.Bid(n).Price
	}
	_ = sink
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
