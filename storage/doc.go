// Package storage is Eddy's one Pebble database. It knows bytes, not rows.
//
// Key layout (every key starts with a 4-byte big-endian table id):
//
//	00000000 'c' ‖ id(4)         catalog descriptor of object id
//	00000000 'm' ‖ name          system values (last committed epoch, ...)
//	00000000 'o' ‖ source name   committed source offsets
//	table id ‖ memcomparable(pk) one row of a table or view: compact row value
//
// Table ids are the objects' PostgreSQL OIDs (16384 and up), so a table's
// rows are one contiguous key range and a primary-key prefix is a range
// scan.
//
// Durability: every write is an atomic, fsynced Pebble batch (Apply, or
// CommitEpoch which adds the epoch number and source offsets to the same
// batch). Reads go through a Reader: the Store (latest state), a Snapshot
// (a fixed point), or an indexed Batch (a transaction's own writes over
// the latest state).
//
// The memcomparable encoders (encoding.go) append to a byte slice and the
// decoders return the unread rest; descending keys are the ascending
// bytes inverted.
package storage
