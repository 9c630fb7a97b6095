// Package nexmark is the `connector = 'nexmark'` source: a deterministic
// generator of the Nexmark auction benchmark's people, auctions and bids,
// bit for bit the events of nexmark-rs 0.2.0, the generator inside
// RisingWave's nexmark connector (shared/NEXMARK.md sections 1-3).
//
//	CREATE SOURCE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR,
//	                   url VARCHAR, date_time TIMESTAMP, extra VARCHAR)
//	  WITH (connector = 'nexmark', nexmark.table.type = 'Bid', nexmark.split.num = '8',
//	        nexmark.min.event.gap.in.ns = '0');
//
// # Events
//
// Event number n (0, 1, 2, ...) alone determines its event: per 50
// events (the proportions 1:3:46) number 0 is a person, 1-3 auctions and
// 4-49 bids; a fresh xoshiro256++ seeded with FirstEventID + n draws its
// fields; its ids follow from n; its time is BaseTime + n/10 ms at the
// default 10 000 events/s of event time.
//
//	n        0       1        2        3        4    5   ...  49   50      51
//	type     Person  Auction  Auction  Auction  Bid  Bid ...  Bid  Person  Auction
//	id       1000    1000     1001     1002     -    -   ...  -    1001    1003
//
// Generation is random-access: Generator.Person / Auction / Bid produce
// the event at any number without producing the ones before it, which is
// what lets a source replay exactly from a checkpoint.
//
// # Typed sources, offsets and splits
//
// nexmark.table.type picks one type; the source's rows are the events of
// that type in event order, so a Bid source yields exactly the combined
// stream's bids. Its position is a typed offset o (the o-th bid, from 0)
// whose global offset in the combined stream is, for bids,
// (o div 46)·50 + 4 + o mod 46, and whose event number is
// FirstEventNumber + that. nexmark.event.num bounds global offsets, so a
// Bid source with event.num = 100 stops after 92 bids.
//
// In RisingWave split i of k produces the typed offsets i, i+k, i+2k, ...
// Here one Reader produces all k splits, interleaved in global order,
// which is just the typed offsets 0, 1, 2, ...: the rows do not depend on
// k. The offset a chunk returns still records each split's progress:
//
//	byte 0      version, 1
//	byte 1      event type: 0 Person, 1 Auction, 2 Bid
//	uvarint     k, the number of splits
//	k uvarints  the next typed offset of split 0 .. k-1 (split i's are i mod k)
//
// Open resumes from any such state (offsets left behind by a split that
// ran ahead are skipped, not repeated), and from an even state (the only
// kind this Reader leaves) also under another split count.
//
// The combined source (no table.type: STRUCT columns) is not supported
// yet.
//
// # Prices and powf
//
// Prices go through Rust's 10f32.powf, that is glibc's powf, which is not
// correctly rounded. The package computes 10^x in float64 with every
// operation explicitly rounded (the same bits on every platform) and
// rounds it to float32, and keeps a table of the 2 332 of the 2^24
// possible draws where glibc's price differs (powf_exceptions.go,
// generated from the C library by the powfgen-tagged test).
package nexmark
