// Package state persists the state of stream operators.
//
// Each stateful operator keeps its working state in memory, in whatever
// structure suits it (a hash map of groups, join rows by key, sorted
// top-N sets), and mirrors it into one or more state Tables. A Table
// buffers the epoch's changes (last write per key wins) and writes them
// into the epoch's batch on a barrier: state reaches Pebble once per
// epoch, never once per row. On recovery the operator reloads its
// structures from its tables (Load) as of the last committed epoch.
//
// Keys: table id (4 bytes) ‖ memcomparable key; values: compact rows.
package state

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"slices"

	"github.com/eddy-db/eddy/sql/types"
	"github.com/eddy-db/eddy/storage"
)

// Table is one operator's persisted state. It is used by one goroutine.
type Table struct {
	ID       uint32
	prefix   []byte
	store    *storage.Store
	keyTypes []types.Type
	valTypes []types.Type
	// The changes since the last flush, in order: keys and values are
	// appended to buf, and log locates them. Flush sorts the log by key
	// (the last change of a key wins), so that the batch reaches the
	// memtable in key order, which inserts cheaply.
	buf []byte
	log []change
}

// change is one Put (vlen >= 0) or Delete (vlen < 0) of the log.
type change struct {
	off        int
	klen, vlen int32
	// pre: the key's first 8 bytes after the table prefix, big-endian,
	// which decide most comparisons while sorting.
	pre uint64
}

func (t *Table) logChange(off, klen, vlen int) {
	var pre uint64
	k := t.buf[off+len(t.prefix) : off+klen]
	if len(k) >= 8 {
		pre = binary.BigEndian.Uint64(k)
	} else {
		for i, b := range k {
			pre |= uint64(b) << (56 - 8*i)
		}
	}
	t.log = append(t.log, change{off: off, klen: int32(klen), vlen: int32(vlen), pre: pre})
}

// New returns the state table with the given id; rows have keys of
// keyTypes and values of valTypes.
func New(store *storage.Store, id uint32, keyTypes, valTypes []types.Type) *Table {
	return &Table{ID: id, prefix: storage.TablePrefix(id), store: store, keyTypes: keyTypes, valTypes: valTypes}
}

// Key encodes a key row (memcomparable, with the table prefix).
func (t *Table) Key(dst []byte, key types.Row) []byte {
	dst = append(dst, t.prefix...)
	for i, d := range key {
		dst = types.AppendKey(dst, d, t.keyTypes[i], false)
	}
	return dst
}

// Put records key -> val for the current epoch.
func (t *Table) Put(key, val types.Row) {
	off := len(t.buf)
	t.buf = t.Key(t.buf, key)
	t.putValue(off, val)
}

// PutEncoded records an already encoded key (from Key) and value row.
func (t *Table) PutEncoded(key []byte, val types.Row) {
	off := len(t.buf)
	t.buf = append(t.buf, key...)
	t.putValue(off, val)
}

func (t *Table) putValue(off int, val types.Row) {
	klen := len(t.buf) - off
	t.buf = types.AppendRowValue(t.buf, val, t.valTypes)
	t.logChange(off, klen, len(t.buf)-off-klen)
}

// Delete records the removal of key for the current epoch.
func (t *Table) Delete(key types.Row) {
	off := len(t.buf)
	t.buf = t.Key(t.buf, key)
	t.logChange(off, len(t.buf)-off, -1)
}

// DeleteEncoded records the removal of an encoded key.
func (t *Table) DeleteEncoded(key []byte) {
	off := len(t.buf)
	t.buf = append(t.buf, key...)
	t.logChange(off, len(key), -1)
}

func (t *Table) key(c change) []byte { return t.buf[c.off : c.off+int(c.klen)] }

// Dirty returns the number of keys changed since the last flush.
func (t *Table) Dirty() int {
	t.compact()
	return len(t.log)
}

// compact sorts the log by key and keeps only the last change of each
// key.
func (t *Table) compact() {
	// Changes of one key stay in the order they were made (by offset).
	slices.SortFunc(t.log, func(a, b change) int {
		if a.pre != b.pre {
			return cmp.Compare(a.pre, b.pre)
		}
		if c := bytes.Compare(t.key(a), t.key(b)); c != 0 {
			return c
		}
		return cmp.Compare(a.off, b.off)
	})
	out := t.log[:0]
	for i, c := range t.log {
		if i+1 < len(t.log) && bytes.Equal(t.key(c), t.key(t.log[i+1])) {
			continue
		}
		out = append(out, c)
	}
	t.log = out
}

// Flush writes the epoch's changes into b, in key order, and forgets
// them.
func (t *Table) Flush(b *storage.Batch) error {
	t.compact()
	for _, c := range t.log {
		var err error
		if c.vlen < 0 {
			err = b.Delete(t.key(c))
		} else {
			end := c.off + int(c.klen)
			err = b.Set(t.key(c), t.buf[end:end+int(c.vlen)])
		}
		if err != nil {
			return err
		}
	}
	t.reset()
	return nil
}

// reset forgets the pending changes, keeping the buffers unless they
// grew large.
func (t *Table) reset() {
	if cap(t.buf) > 64<<20 {
		t.buf, t.log = nil, nil
		return
	}
	t.buf, t.log = t.buf[:0], t.log[:0]
}

// Load calls fn for every committed row of the table, in key order. The
// rows passed to fn are fresh (fn may keep them).
func (t *Table) Load(r storage.Reader, fn func(key, val types.Row) error) error {
	lo, hi := storage.TableSpan(t.ID)
	it, err := r.NewIter(lo, hi)
	if err != nil {
		return err
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		k := it.Key()[len(t.prefix):]
		key := make(types.Row, len(t.keyTypes))
		for i, kt := range t.keyTypes {
			var d types.Datum
			d, k, err = types.DecodeKey(k, kt, false)
			if err != nil {
				return err
			}
			key[i] = d
		}
		val, err := types.DecodeRowValue(it.Value(), t.valTypes, nil)
		if err != nil {
			return err
		}
		if err := fn(key, val); err != nil {
			return err
		}
	}
	return it.Error()
}

// Clear writes the removal of every row of the table into b (DROP).
func (t *Table) Clear(b *storage.Batch) error {
	lo, hi := storage.TableSpan(t.ID)
	t.reset()
	return b.DeleteRange(lo, hi)
}
