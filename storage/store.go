package storage

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"sync"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/bloom"
)

// ErrClosed is returned by operations on a closed Store.
var ErrClosed = errors.New("storage: store is closed")

// Options configure Open.
type Options struct {
	// CacheBytes is the block cache size (default 64 MiB).
	CacheBytes int64
	// Logger receives Pebble's informational messages (default: discarded
	// unless at debug level).
	Logger *slog.Logger
}

// Store is Eddy's single Pebble database. It is safe for concurrent use.
//
// Every write goes through Apply (a synced atomic batch) or CommitEpoch
// (the same, plus the epoch number and source offsets under system keys):
// a batch either lands whole or not at all, before and after a crash.
type Store struct {
	db    *pebble.DB
	cache interface{ Unref() }

	mu     sync.Mutex // guards epoch ordering in CommitEpoch
	epoch  uint64
	closed bool
}

// Open opens (creating if needed) the store in dir.
func Open(dir string, opts Options) (*Store, error) {
	if opts.CacheBytes <= 0 {
		opts.CacheBytes = 64 << 20
	}
	cache := pebble.NewCache(opts.CacheBytes)
	po := &pebble.Options{
		Cache:              cache,
		FormatMajorVersion: pebble.FormatNewest,
		// Each checkpoint commits every changed view and state row in one
		// batch; a memtable this size takes several checkpoints before it
		// is flushed, instead of each large batch becoming its own
		// level-0 file.
		MemTableSize: 64 << 20,
		Logger:       pebbleLogger{opts.Logger},
	}
	// Bloom filters let point lookups skip files that cannot hold the key;
	// one-level indexes save a block lookup per point read.
	for i := range po.Levels {
		po.Levels[i].FilterPolicy = bloom.FilterPolicy(10)
		po.Levels[i].IndexBlockSize = math.MaxInt32
	}
	db, err := pebble.Open(dir, po)
	if err != nil {
		cache.Unref()
		return nil, fmt.Errorf("open store in %s: %w", dir, err)
	}
	s := &Store{db: db, cache: cache}
	if v, ok, err := s.Get(epochKey); err != nil {
		_ = s.Close()
		return nil, err
	} else if ok && len(v) == 8 {
		s.epoch = binary.BigEndian.Uint64(v)
	}
	return s, nil
}

// Close flushes nothing extra (every commit is already synced) and closes
// the database. Iterators, snapshots and batches must be closed first.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	err := s.db.Close()
	s.cache.Unref()
	return err
}

// Get returns a copy of the value stored under key.
func (s *Store) Get(key []byte) ([]byte, bool, error) { return get(s.db, key) }

// View hands the value under key to r (valid only during the call).
func (s *Store) View(key []byte, r ValueReader) (bool, error) { return view(s.db, key, r) }

// NewIter returns an iterator over keys in [lower, upper) at the latest
// committed state (upper nil = unbounded).
func (s *Store) NewIter(lower, upper []byte) (*Iter, error) {
	return newIter(s.db, lower, upper)
}

// SpanDiskUsage estimates the bytes the keys in [start, end) take on
// disk (flushed data only: recent writes still in memory count as 0).
func (s *Store) SpanDiskUsage(start, end []byte) (uint64, error) {
	return s.db.EstimateDiskUsage(start, end)
}

// NewBatch returns an empty write-only batch.
func (s *Store) NewBatch() *Batch { return &Batch{b: s.db.NewBatch()} }

// NewIndexedBatch returns a batch that can also be read: its Get and
// NewIter see the batch's own writes over the store's latest state.
func (s *Store) NewIndexedBatch() *Batch { return &Batch{b: s.db.NewIndexedBatch()} }

// Apply commits b atomically and durably (fsync before returning). The
// batch stays usable only for Close.
func (s *Store) Apply(b *Batch) error {
	if b.b.Empty() {
		return nil
	}
	return s.db.Apply(b.b, pebble.Sync)
}

// CommitEpoch commits b together with the epoch number and the given
// source offsets (name -> opaque bytes), in one synced atomic batch.
// Epochs must increase.
func (s *Store) CommitEpoch(epoch uint64, b *Batch, offsets map[string][]byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	if epoch <= s.epoch {
		return fmt.Errorf("storage: epoch %d committed after %d", epoch, s.epoch)
	}
	var e [8]byte
	binary.BigEndian.PutUint64(e[:], epoch)
	if err := b.b.Set(epochKey, e[:], nil); err != nil {
		return err
	}
	for name, off := range offsets {
		if err := b.b.Set(OffsetKey(name), off, nil); err != nil {
			return err
		}
	}
	if err := s.db.Apply(b.b, pebble.Sync); err != nil {
		return err
	}
	s.epoch = epoch
	return nil
}

// Epoch returns the last committed epoch (0 if none).
func (s *Store) Epoch() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.epoch
}

// Offset returns the committed offset of a source (nil if none).
func (s *Store) Offset(name string) ([]byte, error) {
	v, _, err := s.Get(OffsetKey(name))
	return v, err
}

// Snapshot returns a consistent read-only view of the latest committed
// state. Close it when done.
func (s *Store) Snapshot() *Snapshot { return &Snapshot{s: s.db.NewSnapshot()} }

// DiskUsage returns the bytes of live data files.
func (s *Store) DiskUsage() uint64 { return s.db.Metrics().DiskSpaceUsage() }

// Reader is anything that reads keys: the Store (latest state), a
// Snapshot, or an indexed Batch (its writes over the latest state).
type Reader interface {
	Get(key []byte) ([]byte, bool, error)
	// View hands the value stored under key, if any, to r without
	// copying it: the bytes are valid only during the call.
	View(key []byte, r ValueReader) (bool, error)
	NewIter(lower, upper []byte) (*Iter, error)
}

// ValueReader takes a value that is valid only during the call to
// ReadValue (it copies what it keeps).
type ValueReader interface {
	ReadValue(v []byte) error
}

var (
	_ Reader = (*Store)(nil)
	_ Reader = (*Snapshot)(nil)
	_ Reader = (*Batch)(nil)
)

// Snapshot is a point-in-time view of the store.
type Snapshot struct{ s *pebble.Snapshot }

// Get returns a copy of the value under key as of the snapshot.
func (sn *Snapshot) Get(key []byte) ([]byte, bool, error) { return get(sn.s, key) }

// View hands the value under key as of the snapshot to r.
func (sn *Snapshot) View(key []byte, r ValueReader) (bool, error) { return view(sn.s, key, r) }

// NewIter iterates [lower, upper) as of the snapshot.
func (sn *Snapshot) NewIter(lower, upper []byte) (*Iter, error) { return newIter(sn.s, lower, upper) }

// Close releases the snapshot.
func (sn *Snapshot) Close() error { return sn.s.Close() }

// Batch collects writes to commit atomically. It is not safe for
// concurrent use.
type Batch struct{ b *pebble.Batch }

// Set writes key = value (both are copied).
func (b *Batch) Set(key, value []byte) error { return b.b.Set(key, value, nil) }

// Delete removes key.
func (b *Batch) Delete(key []byte) error { return b.b.Delete(key, nil) }

// DeleteRange removes every key in [start, end).
func (b *Batch) DeleteRange(start, end []byte) error { return b.b.DeleteRange(start, end, nil) }

// Append adds the writes of other (applied after b's own).
func (b *Batch) Append(other *Batch) error { return b.b.Apply(other.b, nil) }

// Empty reports whether the batch holds no writes.
func (b *Batch) Empty() bool { return b.b.Empty() }

// Count returns the number of writes in the batch.
func (b *Batch) Count() uint32 { return b.b.Count() }

// Len returns the batch's size in bytes.
func (b *Batch) Len() int { return b.b.Len() }

// Get reads through an indexed batch (its writes over the latest state).
func (b *Batch) Get(key []byte) ([]byte, bool, error) {
	if !b.b.Indexed() {
		return nil, false, errors.New("storage: Get on a write-only batch")
	}
	return get(b.b, key)
}

// View hands the value under key, read through an indexed batch, to r.
func (b *Batch) View(key []byte, r ValueReader) (bool, error) {
	if !b.b.Indexed() {
		return false, errors.New("storage: View on a write-only batch")
	}
	return view(b.b, key, r)
}

// NewIter iterates an indexed batch's writes merged over the latest state.
func (b *Batch) NewIter(lower, upper []byte) (*Iter, error) {
	if !b.b.Indexed() {
		return nil, errors.New("storage: NewIter on a write-only batch")
	}
	return newIter(b.b, lower, upper)
}

// Close releases the batch without committing what it holds.
func (b *Batch) Close() error { return b.b.Close() }

type getter interface {
	Get(key []byte) ([]byte, io.Closer, error)
}

func view(g getter, key []byte, r ValueReader) (bool, error) {
	v, closer, err := g.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	err = r.ReadValue(v)
	_ = closer.Close()
	return true, err
}

func get(g getter, key []byte) ([]byte, bool, error) {
	v, closer, err := g.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	out := bytes.Clone(v)
	if out == nil {
		out = []byte{}
	}
	_ = closer.Close()
	return out, true, nil
}

type iterMaker interface {
	NewIter(o *pebble.IterOptions) (*pebble.Iterator, error)
}

func newIter(m iterMaker, lower, upper []byte) (*Iter, error) {
	it, err := m.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: upper})
	if err != nil {
		return nil, err
	}
	return &Iter{it: it}, nil
}

// Iter walks keys in order within its bounds. Key and Value are valid
// until the next positioning call; copy them to keep them.
type Iter struct{ it *pebble.Iterator }

// First moves to the first key; it reports whether one exists.
func (i *Iter) First() bool { return i.it.First() }

// Last moves to the last key; it reports whether one exists.
func (i *Iter) Last() bool { return i.it.Last() }

// SeekGE moves to the first key >= key.
func (i *Iter) SeekGE(key []byte) bool { return i.it.SeekGE(key) }

// SeekLT moves to the last key < key.
func (i *Iter) SeekLT(key []byte) bool { return i.it.SeekLT(key) }

// Next moves forward; it reports whether the iterator is still valid.
func (i *Iter) Next() bool { return i.it.Next() }

// Prev moves backward.
func (i *Iter) Prev() bool { return i.it.Prev() }

// Valid reports whether the iterator is at a key.
func (i *Iter) Valid() bool { return i.it.Valid() }

// Key returns the current key (valid until the iterator moves).
func (i *Iter) Key() []byte { return i.it.Key() }

// Value returns the current value (valid until the iterator moves).
func (i *Iter) Value() []byte { return i.it.Value() }

// Error returns the error that stopped iteration, if any.
func (i *Iter) Error() error { return i.it.Error() }

// Close releases the iterator and returns its error, if any.
func (i *Iter) Close() error { return i.it.Close() }

type pebbleLogger struct{ l *slog.Logger }

func (p pebbleLogger) Infof(format string, args ...any) {
	if p.l != nil {
		p.l.Debug(fmt.Sprintf(format, args...), "component", "pebble")
	}
}

func (p pebbleLogger) Errorf(format string, args ...any) {
	if p.l != nil {
		p.l.Error(fmt.Sprintf(format, args...), "component", "pebble")
	}
}

func (p pebbleLogger) Fatalf(format string, args ...any) {
	if p.l != nil {
		p.l.Error(fmt.Sprintf(format, args...), "component", "pebble")
	}
	panic(fmt.Sprintf(format, args...))
}
