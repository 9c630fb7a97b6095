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
	// dirty maps key bytes to the new value (nil = deleted) since the
	// last flush.
	dirty map[string][]byte
	kb    []byte
	vb    []byte
}

// New returns the state table with the given id; rows have keys of
// keyTypes and values of valTypes.
func New(store *storage.Store, id uint32, keyTypes, valTypes []types.Type) *Table {
	return &Table{ID: id, prefix: storage.TablePrefix(id), store: store, keyTypes: keyTypes, valTypes: valTypes, dirty: map[string][]byte{}}
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
	t.kb = t.Key(t.kb[:0], key)
	t.vb = types.AppendRowValue(t.vb[:0], val, t.valTypes)
	t.dirty[string(t.kb)] = append([]byte(nil), t.vb...)
}

// PutEncoded records an already encoded key (from Key) and value row.
func (t *Table) PutEncoded(key []byte, val types.Row) {
	t.vb = types.AppendRowValue(t.vb[:0], val, t.valTypes)
	t.dirty[string(key)] = append([]byte(nil), t.vb...)
}

// Delete records the removal of key for the current epoch.
func (t *Table) Delete(key types.Row) {
	t.kb = t.Key(t.kb[:0], key)
	t.dirty[string(t.kb)] = nil
}

// DeleteEncoded records the removal of an encoded key.
func (t *Table) DeleteEncoded(key []byte) { t.dirty[string(key)] = nil }

// Dirty returns the number of keys changed since the last flush.
func (t *Table) Dirty() int { return len(t.dirty) }

// Flush writes the epoch's changes into b and forgets them.
func (t *Table) Flush(b *storage.Batch) error {
	for k, v := range t.dirty {
		var err error
		if v == nil {
			err = b.Delete([]byte(k))
		} else {
			err = b.Set([]byte(k), v)
		}
		if err != nil {
			return err
		}
	}
	clear(t.dirty)
	return nil
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
	clear(t.dirty)
	return b.DeleteRange(lo, hi)
}
