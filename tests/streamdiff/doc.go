// Package streamdiff is a seeded differential test of materialized
// views: the same random stream of INSERT, UPDATE and DELETE statements
// goes into Eddy and into PostgreSQL 15, and after every FLUSH each view's
// contents must equal its query run as a batch SELECT, on Eddy and on
// PostgreSQL.
//
//	seed ──► Generator ──► DML (random batch sizes, transactions) ──► Eddy ──► views (incremental)
//	                                                              └─► PostgreSQL 15
//	after each FLUSH, for each view:
//	    SELECT * FROM view          (Eddy, incremental)  ┐
//	    view's query as a SELECT    (Eddy, batch)        ├─ equal as multisets
//	    the query for PostgreSQL    (PostgreSQL)         ┘
//
// # Schema
//
//	acc (id int PK, grp int, name text, amount int, score double precision)  keyed; ids change too
//	tx  (acc_id int, kind text, qty int, price numeric(10,2))                no key; whole rows repeat
//	ev  (id bigint, ts timestamp, grp int, val int)                           APPEND ONLY, WATERMARK FOR ts AS ts - 5 s
//
// ev receives inserts only, with timestamps that never go back, so no row
// is late and a view over it equals a batch query. Doubles are multiples
// of 1/8, so their sums are exact in any order.
//
// # Views
//
// Views (schema.go) cover projections and filters, count/sum/avg/min/max
// with retraction, DISTINCT aggregates, FILTER, HAVING, global
// aggregates, inner/left/right/full joins with extra ON conditions, UNION
// ALL and UNION, top-N with and without OFFSET, group top-N with
// row_number (over a unique order), rank and dense_rank, an aggregate
// over a derived table, TUMBLE and HOP windows, EMIT ON WINDOW CLOSE, a
// join of the append-only table with a keyed one, and views over views.
// For PostgreSQL, TUMBLE becomes date_bin, HOP a join with
// generate_series of the window starts, and EMIT ON WINDOW CLOSE a filter
// keeping the windows whose end is at most max(ts) - 5 seconds.
//
// # Runs
//
// TestStreamDiff makes three runs, each on a fresh Eddy and a fresh
// PostgreSQL database: barrier_interval_ms 10 with views created on empty
// tables and frequent FLUSHes; barrier_interval_ms 1000 with views
// created (backfilled) over tables already holding rows, several
// statements per FLUSH, and the statements outside transactions spread
// over two sessions; and RW_IMPLICIT_FLUSH on in two sessions, comparing
// right after a statement with no FLUSH. TestStreamDiffWindowEnd and
// TestStreamDiffNonFinite run on their own the EMIT ON WINDOW CLOSE views
// grouped by window_end and a stream with NaN and infinite doubles.
// TestBackfillUnderWrites creates the views while another session writes
// the stream; TestWatermarkCommitOrder commits a transaction's old row on
// the watermarked table after another session moved the watermark past
// it, and checks that the table and its views agree.
// Results compare as multisets, doubles within a relative Tolerance.
// Every mismatch names the seed, the run, the statement number and the
// statements leading to it; -dump writes each run's whole Eddy script
// (DDL, DML and FLUSHes, replayable with psql) to a directory.
//
//	go test ./tests/streamdiff                                # seed 1, 300 statements per run
//	go test ./tests/streamdiff -args -seed 42 -n 2000         # a longer run
//	EDDY_STREAMDIFF_SEED=42 go test ./tests/streamdiff
//	go test ./tests/streamdiff -run 'TestStreamDiff$' -args -seed 42 -dump /tmp/sd
package streamdiff
