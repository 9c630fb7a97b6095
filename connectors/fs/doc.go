// Package fs is the `connector = 'fs'` sink: each checkpoint's rows become
// one file in a local directory, as RisingWave's file sinks write them.
//
//	CREATE SINK s FROM mv WITH (connector = 'fs', fs.path = '/data/out',
//	    type = 'append-only', force_append_only = 'true')
//	FORMAT PLAIN ENCODE JSON | PARQUET
//
// The sink takes inserts only (an append-only view, or force_append_only,
// which drops the deletes before they reach the writer). Options:
//
//	fs.path            absolute directory; created when missing
//	type               'append-only' (the only kind a file can hold)
//	force_append_only  read by the engine; accepted here
//
// # Files
//
// An epoch with at least one row is written as
//
//	<fs.path>/<sink>-<epoch, 20 digits>.jsonl      one JSON object per line (format.AppendJSONRow)
//	<fs.path>/<sink>-<epoch, 20 digits>.parquet    one Parquet file, columns in the sink's order
//
// through a hidden temporary file in the same directory:
//
//	.<sink>-<epoch>.<ext>.tmp-NNN ──write, fsync──► rename ──► <sink>-<epoch>.<ext>, fsync dir
//
// so a reader never sees a partial file, a crash leaves at worst a
// temporary file (removed when the sink opens again), and writing an
// epoch again replaces its file. Epochs without rows write nothing.
// Delivered is the largest epoch among the sink's files: an epoch whose
// file was renamed into place just before a crash is not written again.
// Zero-padded epochs make the file names sort in epoch order.
//
// # Parquet columns
//
// Every column is optional (NULL is a missing value). Types map to
//
//	boolean                       BOOLEAN
//	smallint, integer, bigint     INT32 INT(16), INT32 INT(32), INT64 INT(64)
//	real, double precision        FLOAT, DOUBLE
//	varchar, text, char, name     BYTE_ARRAY STRING
//	numeric                       BYTE_ARRAY STRING, the exact digits ('12.50', 'NaN')
//	bytea                         BYTE_ARRAY
//	uuid                          FIXED_LEN_BYTE_ARRAY(16) UUID
//	date                          INT32 DATE
//	time                          INT64 TIME(MICROS, isAdjustedToUTC=false)
//	timestamp                     INT64 TIMESTAMP(MICROS, isAdjustedToUTC=false)
//	timestamptz                   INT64 TIMESTAMP(MICROS, isAdjustedToUTC=true)
//	json, jsonb                   BYTE_ARRAY JSON
//	interval, arrays, others      BYTE_ARRAY STRING, PostgreSQL's text form
//
// Numeric is a string because Eddy's numeric has no fixed scale (sum() and
// avg() produce as many digits as the values need) and holds NaN and
// ±Infinity, while Parquet's DECIMAL fixes precision and scale per column
// and has no NaN: any fixed choice would round or fail on some values.
package fs
