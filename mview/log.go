package mview

import (
	"encoding/binary"
	"fmt"
	"sort"
	"sync"

	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
	"github.com/eddy-db/eddy/storage"
)

// A table's change log carries its committed changes to the views that
// read it. It exists only while some view reads the table. Each entry is
// the changes of one committed transaction to the table:
//
//	key   00000000 'l' ‖ table id ‖ seq (8 bytes)
//	value count (uvarint), then per change: op (1 byte), row length (uvarint), compact row
//
// A transaction writes its entry in the same Pebble batch as its rows, so
// a view's source — which reads entries after its committed offset —
// sees each change exactly once, across crashes too. Entries every reader
// has committed past are removed with the next checkpoint.

// TableLog is the change log of one table.
type TableLog struct {
	ID uint32
	// mu is held by a committing transaction from reading the old rows
	// to publishing its entry, and by view creation while it snapshots.
	mu  sync.Mutex
	seq uint64 // last published entry

	// pubMu guards notify and readers.
	pubMu   sync.Mutex
	notify  chan struct{} // closed when an entry is published
	readers map[*tableReader]struct{}
	// gen changes whenever the log is created or its first reader comes,
	// so a transaction that started writing the table before can tell.
	gen uint64
}

func logSeqKey(table uint32) []byte {
	return storage.MetaKey("logseq/" + string(binary.BigEndian.AppendUint32(nil, table)))
}

// head returns the last published sequence number.
func (l *TableLog) head() uint64 {
	l.pubMu.Lock()
	defer l.pubMu.Unlock()
	return l.seq
}

func (l *TableLog) waitChan() chan struct{} {
	l.pubMu.Lock()
	defer l.pubMu.Unlock()
	return l.notify
}

// Change is one change of a committed transaction to a table.
type Change struct {
	Op  chunk.Op
	Row types.Row
}

func encodeEntry(changes []Change, ts []types.Type) []byte {
	b := binary.AppendUvarint(nil, uint64(len(changes)))
	var row []byte
	for _, c := range changes {
		b = append(b, byte(c.Op))
		row = types.AppendRowValue(row[:0], c.Row, ts)
		b = binary.AppendUvarint(b, uint64(len(row)))
		b = append(b, row...)
	}
	return b
}

// decodeEntry appends an entry's changes to c.
func decodeEntry(v []byte, ts []types.Type, c *chunk.Chunk) error {
	n, k := binary.Uvarint(v)
	if k <= 0 {
		return fmt.Errorf("corrupt change log entry")
	}
	v = v[k:]
	var row types.Row
	for i := uint64(0); i < n; i++ {
		if len(v) < 1 {
			return fmt.Errorf("corrupt change log entry")
		}
		op := chunk.Op(v[0])
		l, k := binary.Uvarint(v[1:])
		if k <= 0 || uint64(len(v)-1-k) < l {
			return fmt.Errorf("corrupt change log entry")
		}
		var err error
		row, err = types.DecodeRowValue(v[1+k:1+k+int(l)], ts, row)
		if err != nil {
			return err
		}
		c.AppendRow(op, row)
		v = v[1+k+int(l):]
	}
	return nil
}

// logFor returns the table's log, creating it (and loading its last
// sequence number) when create is set.
func (m *Manager) logFor(id uint32, create bool) (*TableLog, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if l, ok := m.logs[id]; ok {
		return l, nil
	}
	if !create {
		return nil, nil
	}
	l := &TableLog{ID: id, notify: make(chan struct{}), readers: map[*tableReader]struct{}{}}
	v, ok, err := m.store.Get(logSeqKey(id))
	if err != nil {
		return nil, err
	}
	if ok && len(v) == 8 {
		l.seq = binary.BigEndian.Uint64(v)
	}
	m.logGen++
	l.gen = m.logGen
	m.logs[id] = l
	return l, nil
}

// Logged reports whether writes to a table must be logged, and the log's
// generation (to be passed back to CommitGuard.Log).
func (m *Manager) Logged(table uint32) (bool, uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if l, ok := m.logs[table]; ok {
		return true, l.gen
	}
	return false, 0
}

// Pending is what a transaction wrote to one logged table: key -> new
// row (nil = deleted).
type Pending struct {
	Table *catalog.Object
	Gen   uint64
	// Keys holds the written keys in first-write order; Rows the final
	// row of each (nil = deleted).
	Keys [][]byte
	Rows map[string]types.Row
}

// Forget removes a key the transaction wrote from its logged changes.
func (p *Pending) Forget(key []byte) {
	if _, ok := p.Rows[string(key)]; !ok {
		return
	}
	delete(p.Rows, string(key))
	for i, k := range p.Keys {
		if string(k) == string(key) {
			p.Keys = append(p.Keys[:i], p.Keys[i+1:]...)
			break
		}
	}
}

// CommitGuard holds the logs of the tables a transaction writes while it
// commits.
type CommitGuard struct {
	m      *Manager
	logs   []*TableLog
	seqs   map[uint32]uint64
	locked bool
}

// BeginCommit locks the logs of the given tables (those that have one)
// in id order. written lists every table the transaction wrote and
// whether it recorded its changes (at the generation given); a table that
// gained a log since — a view started reading it during the transaction —
// makes the commit fail with 40001 so the client retries.
func (m *Manager) BeginCommit(written map[uint32]uint64) (*CommitGuard, error) {
	g := &CommitGuard{m: m, seqs: map[uint32]uint64{}}
	ids := make([]uint32, 0, len(written))
	for id := range written {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		l, _ := m.logFor(id, false)
		if l == nil {
			continue
		}
		l.mu.Lock()
		g.logs = append(g.logs, l)
		if written[id] != l.gen {
			g.Abort()
			return nil, sqlerr.New("40001", "could not serialize access: a materialized view started reading table %d during the transaction; retry it", id)
		}
	}
	g.locked = true
	return g, nil
}

// Log writes the transaction's entry for one table into b: the changes
// between the committed rows (read now, under the lock) and the new ones.
func (g *CommitGuard) Log(b *storage.Batch, p *Pending, reader storage.Reader) error {
	var l *TableLog
	for _, x := range g.logs {
		if x.ID == p.Table.ID {
			l = x
		}
	}
	if l == nil {
		return nil
	}
	ts := p.Table.ColumnTypes()
	var changes []Change
	for _, k := range p.Keys {
		newRow := p.Rows[string(k)]
		v, ok, err := reader.Get(k)
		if err != nil {
			return err
		}
		var old types.Row
		if ok {
			if old, err = types.DecodeRowValue(v, ts, nil); err != nil {
				return err
			}
		}
		switch {
		case old == nil && newRow == nil:
		case old == nil:
			changes = append(changes, Change{chunk.Insert, newRow})
		case newRow == nil:
			changes = append(changes, Change{chunk.Delete, old})
		default:
			changes = append(changes, Change{chunk.UpdateDelete, old}, Change{chunk.UpdateInsert, newRow})
		}
	}
	if len(changes) == 0 {
		return nil
	}
	seq := l.seq + 1
	if s, ok := g.seqs[l.ID]; ok {
		seq = s + 1
	}
	g.seqs[l.ID] = seq
	if err := b.Set(storage.LogKey(l.ID, seq), encodeEntry(changes, ts)); err != nil {
		return err
	}
	return b.Set(logSeqKey(l.ID), binary.BigEndian.AppendUint64(nil, seq))
}

// Publish makes the logged entries visible to readers (call after the
// batch was applied) and unlocks.
func (g *CommitGuard) Publish() {
	for _, l := range g.logs {
		if s, ok := g.seqs[l.ID]; ok {
			l.pubMu.Lock()
			l.seq = s
			close(l.notify)
			l.notify = make(chan struct{})
			l.pubMu.Unlock()
		}
	}
	g.unlock()
}

// Abort unlocks without publishing (the batch was not applied).
func (g *CommitGuard) Abort() { g.unlock() }

func (g *CommitGuard) unlock() {
	for _, l := range g.logs {
		l.mu.Unlock()
	}
	g.logs = nil
}
