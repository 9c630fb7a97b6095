package main

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"time"

	"github.com/eddy-db/eddy/connectors"
	_ "github.com/eddy-db/eddy/connectors/nexmark" // connector = 'nexmark'
	"github.com/eddy-db/eddy/sql/types"
)

// The nexmark benchmark reads the bids of the first -nexmark-events
// Nexmark events (46 of every 50 events are bids), unthrottled:
//
//   - baseline: the nexmark connector's reader alone (every column of a
//     Bid source, chunks as the connector makes them), no engine;
//   - eddy: CREATE SOURCE bid (...) WITH (connector = 'nexmark', ...) and
//     the view SELECT window_start, count(*) FROM TUMBLE(bid, date_time,
//     INTERVAL '1 second') GROUP BY window_start, until the view has
//     counted every bid.

// nexmarkBidCols are a Bid source's columns, as nexmark.slt declares them.
var nexmarkBidCols = []connectors.Column{
	{Name: "auction", Type: types.TInt8}, {Name: "bidder", Type: types.TInt8}, {Name: "price", Type: types.TInt8},
	{Name: "channel", Type: types.TVarchar}, {Name: "url", Type: types.TVarchar},
	{Name: "date_time", Type: types.TTimestamp}, {Name: "extra", Type: types.TVarchar},
}

const nexmarkBidDDL = `CREATE SOURCE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR,
	date_time TIMESTAMP, extra VARCHAR)
	WITH (connector = 'nexmark', nexmark.table.type = 'Bid', nexmark.event.num = '%d', nexmark.min.event.gap.in.ns = '0')`

// nexmarkBids is how many bids the first n events hold.
func nexmarkBids(n int64) int64 {
	bids := n / 50 * 46
	if r := n % 50; r > 4 {
		bids += r - 4
	}
	return bids
}

// readNexmark is the baseline: the connector's reader alone.
func readNexmark(events, bids int64) error {
	spec := &connectors.Spec{Name: "bid", Columns: nexmarkBidCols, With: map[string]string{
		"connector": "nexmark", "nexmark.table.type": "Bid", "nexmark.event.num": strconv.FormatInt(events, 10),
		"nexmark.min.event.gap.in.ns": "0",
	}}
	conn, err := connectors.Lookup(spec)
	if err != nil {
		return err
	}
	ctx := context.Background()
	if err := conn.Validate(ctx, spec); err != nil {
		return err
	}
	r, err := conn.Open(ctx, spec, nil)
	if err != nil {
		return err
	}
	defer r.Close()
	// The reader blocks once it has produced every bid: stop at the count.
	for n := int64(0); n < bids; {
		c, _, err := r.Next(ctx)
		if err != nil {
			return err
		}
		n += int64(c.Len())
	}
	return nil
}

func eddyNexmark(events, bids int64) (measured, error) {
	p, err := startInProcess()
	if err != nil {
		return measured{}, err
	}
	defer p.close()
	if err := p.exec(fmt.Sprintf(nexmarkBidDDL, events)); err != nil {
		return measured{}, err
	}
	return measure(bids, func() error {
		if err := p.exec(`CREATE MATERIALIZED VIEW per_second AS
			SELECT window_start, count(*) AS n FROM TUMBLE(bid, date_time, INTERVAL '1 second') GROUP BY window_start`); err != nil {
			return err
		}
		return p.waitSum(`SELECT sum(n)::bigint FROM per_second`, bids, 10*time.Minute)
	})
}

func benchNexmark() error {
	events := *nexmarkEvents
	if events < 50 {
		return fmt.Errorf("-nexmark-events must be at least 50")
	}
	bids := nexmarkBids(events)
	fmt.Printf("nexmark: %d CPUs; the bids of %d events\n", runtime.NumCPU(), events)
	return alternate("nexmark Bid -> tumble count", "nexmark reader",
		fmt.Sprintf("%d bids", bids),
		func() (measured, error) { return measure(bids, func() error { return readNexmark(events, bids) }) },
		func() (measured, error) { return eddyNexmark(events, bids) })
}
