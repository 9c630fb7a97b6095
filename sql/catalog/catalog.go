// Package catalog holds Eddy's persistent catalog: the descriptors of
// every table, materialized view, source, sink, view and index, kept in
// memory for lookups and stored in Pebble under the system table (see
// storage.CatalogKey) so they survive restarts.
//
// Object ids are PostgreSQL OIDs (from FirstUserID up): pg_class shows
// them and storage uses them as table key prefixes.
//
// Concurrency: lookups take a read lock; changes are serialised by the
// caller holding the DDL lock (Lock/Unlock) and become visible atomically
// when their storage batch commits (Apply).
package catalog

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
	"github.com/eddy-db/eddy/storage"
)

// FirstUserID is the first OID given to user objects, as in PostgreSQL.
const FirstUserID uint32 = 16384

// Kind is the kind of a catalog object.
type Kind string

// The object kinds.
const (
	KindTable            Kind = "table"
	KindMaterializedView Kind = "materialized view"
	KindSource           Kind = "source"
	KindSink             Kind = "sink"
	KindView             Kind = "view"
	KindIndex            Kind = "index"
)

// DefaultSchema is the schema user objects live in unless named.
const DefaultSchema = "public"

// RowIDColumn is the name of the hidden key column of tables without a
// primary key.
const RowIDColumn = "_row_id"

// Column describes one column of a relation.
type Column struct {
	Name    string     `json:"name"`
	Type    types.Type `json:"type"`
	NotNull bool       `json:"not_null,omitempty"`
	// Hidden columns (the row id) are left out of SELECT *.
	Hidden bool `json:"hidden,omitempty"`
	// Default is the DEFAULT expression as SQL text ("" = NULL).
	Default string `json:"default,omitempty"`
	// Include is the connector metadata a source column is filled from
	// (INCLUDE partition AS p): KEY, PARTITION, OFFSET, TIMESTAMP; "" for
	// payload columns.
	Include string `json:"include,omitempty"`
}

// Option is one key = value of a WITH (...) clause.
type Option struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Watermark is a WATERMARK FOR col AS expr clause.
type Watermark struct {
	Column int    `json:"column"`
	Expr   string `json:"expr"`
}

// Object is the descriptor of one catalog object. Relations (tables,
// views, sources) have Columns; PK lists the key columns (by index).
type Object struct {
	ID     uint32 `json:"id"`
	Name   string `json:"name"`
	Schema string `json:"schema"`
	Kind   Kind   `json:"kind"`
	Owner  string `json:"owner,omitempty"`

	Columns []Column `json:"columns,omitempty"`
	// PK are the indexes of the primary-key columns, in key order. For a
	// table without a declared key it is the hidden row id column.
	PK []int `json:"pk,omitempty"`
	// PKDeclared is false when PK is the hidden row id.
	PKDeclared bool        `json:"pk_declared,omitempty"`
	AppendOnly bool        `json:"append_only,omitempty"`
	OnConflict string      `json:"on_conflict,omitempty"`
	Watermarks []Watermark `json:"watermarks,omitempty"`

	// Definition is the statement that created the object (SHOW CREATE).
	Definition string `json:"definition,omitempty"`
	// Query is the SELECT of a view, materialized view or sink.
	Query string `json:"query,omitempty"`
	// SearchPath is the search_path Query was bound with, when not the
	// default: its unqualified names resolve along it whenever it is
	// bound again.
	SearchPath string `json:"search_path,omitempty"`
	// TimeZone and DateStyle are the settings Query was bound with, when
	// not the defaults (UTC; ISO, MDY): its constants are read under
	// them whenever it is bound again, and a materialized view's or
	// sink's dataflow computes in that time zone.
	TimeZone  string `json:"time_zone,omitempty"`
	DateStyle string `json:"date_style,omitempty"`

	With          []Option `json:"with,omitempty"`
	Format        string   `json:"format,omitempty"`
	Encode        string   `json:"encode,omitempty"`
	EncodeOptions []Option `json:"encode_options,omitempty"`

	// DependsOn lists the ids of the objects this one reads.
	DependsOn []uint32 `json:"depends_on,omitempty"`
	// Internal marks state tables owned by another object.
	Internal bool `json:"internal,omitempty"`
	// Extra holds kind-specific settings (JSON).
	Extra json.RawMessage `json:"extra,omitempty"`
}

// ColumnIndex returns the index of the named column, or -1.
func (o *Object) ColumnIndex(name string) int {
	for i, c := range o.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// ColumnTypes returns the types of all columns.
func (o *Object) ColumnTypes() []types.Type {
	ts := make([]types.Type, len(o.Columns))
	for i, c := range o.Columns {
		ts[i] = c.Type
	}
	return ts
}

// IsRelation reports whether the object has rows that can be queried.
func (o *Object) IsRelation() bool {
	switch o.Kind {
	case KindTable, KindMaterializedView, KindSource, KindView:
		return true
	}
	return false
}

// Option returns the value of a WITH option.
func (o *Object) Option(key string) (string, bool) {
	for _, kv := range o.With {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return "", false
}

// Catalog is the in-memory catalog backed by the store.
type Catalog struct {
	store *storage.Store

	ddl sync.Mutex // serialises changes

	mu     sync.RWMutex
	byID   map[uint32]*Object
	byName map[string]*Object // schema.name
	nextID uint32
	// version increases with every change (plan caches compare it).
	version uint64
}

var nextIDKey = storage.MetaKey("catalog/next_id")

// Open loads the catalog from the store.
func Open(store *storage.Store) (*Catalog, error) {
	c := &Catalog{store: store, byID: map[uint32]*Object{}, byName: map[string]*Object{}, nextID: FirstUserID}
	v, ok, err := store.Get(nextIDKey)
	if err != nil {
		return nil, err
	}
	if ok && len(v) == 4 {
		c.nextID = binary.BigEndian.Uint32(v)
	}
	lo, hi := storage.CatalogSpan()
	it, err := store.NewIter(lo, hi)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		var o Object
		if err := json.Unmarshal(it.Value(), &o); err != nil {
			return nil, fmt.Errorf("catalog: corrupt descriptor at %x: %w", it.Key(), err)
		}
		c.byID[o.ID] = &o
		c.byName[qualify(o.Schema, o.Name)] = &o
		if o.ID >= c.nextID {
			c.nextID = o.ID + 1
		}
	}
	return c, it.Error()
}

func qualify(schema, name string) string { return schema + "." + name }

// Lock serialises catalog changes (DDL); hold it from the first lookup
// that a change depends on until the change is applied.
func (c *Catalog) Lock() { c.ddl.Lock() }

// Unlock releases the DDL lock.
func (c *Catalog) Unlock() { c.ddl.Unlock() }

// Version returns a number that changes whenever the catalog does.
func (c *Catalog) Version() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.version
}

// ByID returns the object with the given id.
func (c *Catalog) ByID(id uint32) (*Object, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	o, ok := c.byID[id]
	return o, ok
}

// Lookup returns the object with the given schema and name.
func (c *Catalog) Lookup(schema, name string) (*Object, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	o, ok := c.byName[qualify(schema, name)]
	return o, ok
}

// Objects returns every object, ordered by id.
func (c *Catalog) Objects() []*Object {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]*Object, 0, len(c.byID))
	for _, o := range c.byID {
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Dependents returns the objects that depend on id.
func (c *Catalog) Dependents(id uint32) []*Object {
	var out []*Object
	for _, o := range c.Objects() {
		for _, d := range o.DependsOn {
			if d == id {
				out = append(out, o)
				break
			}
		}
	}
	return out
}

// AllocateID reserves a new object id, writing the new high-water mark
// into b. Call with the DDL lock held.
func (c *Catalog) AllocateID(b *storage.Batch) (uint32, error) {
	c.mu.Lock()
	id := c.nextID
	c.nextID++
	next := c.nextID
	c.mu.Unlock()
	return id, b.Set(nextIDKey, binary.BigEndian.AppendUint32(nil, next))
}

// Put writes o's descriptor into b; Publish makes it visible after b commits.
func (c *Catalog) Put(b *storage.Batch, o *Object) error {
	v, err := json.Marshal(o)
	if err != nil {
		return err
	}
	return b.Set(storage.CatalogKey(o.ID), v)
}

// Remove writes the deletion of o's descriptor into b.
func (c *Catalog) Remove(b *storage.Batch, o *Object) error {
	return b.Delete(storage.CatalogKey(o.ID))
}

// Publish updates the in-memory catalog after a batch holding Put/Remove
// calls has been applied: added objects become visible, removed ones go.
func (c *Catalog) Publish(added []*Object, removed []*Object) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, o := range removed {
		delete(c.byID, o.ID)
		if cur, ok := c.byName[qualify(o.Schema, o.Name)]; ok && cur.ID == o.ID {
			delete(c.byName, qualify(o.Schema, o.Name))
		}
	}
	for _, o := range added {
		if old, ok := c.byID[o.ID]; ok {
			delete(c.byName, qualify(old.Schema, old.Name))
		}
		c.byID[o.ID] = o
		c.byName[qualify(o.Schema, o.Name)] = o
	}
	c.version++
}

// CheckNameFree returns 42P07 if a relation with the name exists.
func (c *Catalog) CheckNameFree(schema, name string) error {
	if o, ok := c.Lookup(schema, name); ok {
		return sqlerr.New(sqlerr.DuplicateTable, "%s \"%s\" already exists", relationWord(o.Kind), name)
	}
	return nil
}

func relationWord(k Kind) string {
	switch k {
	case KindSource, KindSink, KindIndex:
		return string(k)
	}
	return "relation"
}

// KindNoun returns how error messages name a kind ("table",
// "materialized view", ...).
func KindNoun(k Kind) string { return string(k) }

// NormalizeName folds an unquoted identifier the way PostgreSQL does.
func NormalizeName(s string) string { return strings.ToLower(s) }
