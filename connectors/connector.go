// Package connectors reads the outside world into Eddy's dataflows: each
// connector (datagen, nexmark, kafka, ...) turns a source's WITH (...)
// options into a Reader that produces chunks of rows and can say where it
// is, so that a checkpoint can record the position and a restart can
// resume from it exactly.
//
//	CREATE SOURCE s (...) WITH (connector = 'x', ...) FORMAT f ENCODE e
//	   │ Validate(spec)                      at CREATE time: clear errors
//	   ▼
//	Open(ctx, spec, offset) ──► Reader.Next ──► (chunk, offset after it)
//
// A Reader is used by one goroutine. Offsets are opaque to the engine: it
// stores the offset returned with the last chunk it emitted before a
// barrier together with that barrier's checkpoint, and passes it back to
// Open after a restart. Replaying from an offset must produce the same rows
// again (generators derive each row from its position; Kafka re-reads).
package connectors

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// Column is one column a connector fills.
type Column struct {
	Name string
	Type types.Type
	// Include is the metadata a column is filled from (INCLUDE key AS k):
	// "KEY", "PARTITION", "OFFSET", "TIMESTAMP", ...; "" for payload
	// columns.
	Include string
}

// Option is one key = value of a WITH (...) or ENCODE ... (...) list.
type Option struct {
	Key   string
	Value string
}

// Spec describes one source: its columns and options.
type Spec struct {
	Name    string // the source's name (for errors and statistics)
	Columns []Column
	// With holds the WITH (...) options, keys lower case.
	With          map[string]string
	Format        string // PLAIN, UPSERT, DEBEZIUM, ... (upper case; "" = PLAIN)
	Encode        string // JSON, CSV, AVRO, ... (upper case)
	EncodeOptions map[string]string
	// PrimaryKey lists the positions (in Columns) of the primary key of
	// the table the rows go into; nil for a source, or a table keyed by
	// a hidden row id. FORMAT UPSERT and DEBEZIUM decoders use it to
	// identify the rows that records update and delete.
	PrimaryKey []int
	// Stats, when set, receives the counts of rows read and of records
	// that could not be decoded.
	Stats *Stats
}

// Types returns the column types, in order.
func (s *Spec) Types() []types.Type {
	ts := make([]types.Type, len(s.Columns))
	for i, c := range s.Columns {
		ts[i] = c.Type
	}
	return ts
}

// Reader produces a source's rows.
type Reader interface {
	// Next blocks until rows are available (or ctx ends) and returns a
	// chunk of them with the offset just after them. The chunk's ops are
	// inserts for append-only sources.
	Next(ctx context.Context) (*chunk.Chunk, []byte, error)
	Close() error
}

// Connector is one kind of source.
type Connector struct {
	Name string
	// AppendOnly: the connector produces only inserts (for these options).
	AppendOnly func(spec *Spec) bool
	// Validate checks the options at CREATE time, contacting external
	// systems when it must (an unreachable broker is an error then).
	Validate func(ctx context.Context, spec *Spec) error
	// Columns, when set, derives the payload columns from a schema an
	// external system holds (a schema registry), for a CREATE SOURCE that
	// lists none. It returns nil, nil when the spec's encoding has no
	// such schema.
	Columns func(ctx context.Context, spec *Spec) ([]Column, error)
	// Open returns a reader positioned at offset (nil: the start given by
	// the options).
	Open func(ctx context.Context, spec *Spec, offset []byte) (Reader, error)
}

var (
	regMu    sync.RWMutex
	registry = map[string]*Connector{}
)

// Register makes a connector available by name.
func Register(c *Connector) {
	regMu.Lock()
	defer regMu.Unlock()
	registry[c.Name] = c
}

// Lookup returns the connector named by a spec's `connector` option.
func Lookup(spec *Spec) (*Connector, error) {
	name, ok := spec.With["connector"]
	if !ok || name == "" {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "missing option \"connector\" in WITH (...)")
	}
	regMu.RLock()
	c := registry[strings.ToLower(name)]
	regMu.RUnlock()
	if c == nil {
		switch strings.ToLower(name) {
		case "kafka", "pulsar", "kinesis", "pubsub", "mqtt", "nats", "s3", "gcs", "azblob", "posix_fs",
			"iceberg", "postgres-cdc", "mysql-cdc", "webhook":
			return nil, sqlerr.NotSupported("connector '%s'", name)
		}
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "unknown connector '%s'", name)
	}
	return c, nil
}

// Options reads a connector's options: each getter records the key as
// known, and Err reports the first bad value or, via Unknown, the keys no
// getter asked for.
type Options struct {
	m     map[string]string
	known map[string]bool
	err   error
}

// NewOptions wraps a WITH (...) map.
func NewOptions(m map[string]string) *Options {
	return &Options{m: m, known: map[string]bool{"connector": true}}
}

func (o *Options) fail(key, format string, args ...any) {
	if o.err == nil {
		o.err = sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for option \"%s\": %s", key, fmt.Sprintf(format, args...))
	}
}

// String returns the option's value, or def.
func (o *Options) String(key, def string) string {
	o.known[key] = true
	if v, ok := o.m[key]; ok {
		return v
	}
	return def
}

// Has reports whether the option is given.
func (o *Options) Has(key string) bool {
	o.known[key] = true
	_, ok := o.m[key]
	return ok
}

// Int returns the option as an integer, or def.
func (o *Options) Int(key string, def int64) int64 {
	o.known[key] = true
	v, ok := o.m[key]
	if !ok {
		return def
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		o.fail(key, "%q is not an integer", v)
		return def
	}
	return n
}

// Float returns the option as a number, or def.
func (o *Options) Float(key string, def float64) float64 {
	o.known[key] = true
	v, ok := o.m[key]
	if !ok {
		return def
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil {
		o.fail(key, "%q is not a number", v)
		return def
	}
	return f
}

// Prefix marks every key starting with prefix as known and returns them
// with the prefix removed.
func (o *Options) Prefix(prefix string) map[string]string {
	out := map[string]string{}
	for k, v := range o.m {
		if strings.HasPrefix(k, prefix) {
			o.known[k] = true
			out[strings.TrimPrefix(k, prefix)] = v
		}
	}
	return out
}

// Err returns the first invalid value, else an error naming the options
// nobody asked for.
func (o *Options) Err() error {
	if o.err != nil {
		return o.err
	}
	var unknown []string
	for k := range o.m {
		if !o.known[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return sqlerr.New(sqlerr.InvalidParameterValue, "unknown option%s %s", plural(len(unknown)), quoteList(unknown))
	}
	return nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = "\"" + s + "\""
	}
	return strings.Join(q, ", ")
}

// Stats counts a source's rows and undecodable records, and keeps the
// last few decoding errors. It is safe for concurrent use.
type Stats struct {
	mu     sync.Mutex
	rows   int64
	errors int64
	last   []RecordError
	status string
}

// RecordError is one record that could not be decoded: it was skipped.
type RecordError struct {
	Time      time.Time
	Partition int32 // -1 when the source has no partitions
	Offset    int64
	Message   string
}

// MaxRecordErrors is how many recent errors Stats keeps.
const MaxRecordErrors = 20

// AddRows counts rows read.
func (s *Stats) AddRows(n int) {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.rows += int64(n)
	s.mu.Unlock()
}

// RecordError counts a skipped record and remembers its error.
func (s *Stats) RecordError(e RecordError) {
	if s == nil {
		return
	}
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	s.mu.Lock()
	s.errors++
	s.last = append(s.last, e)
	if len(s.last) > MaxRecordErrors {
		s.last = append(s.last[:0], s.last[len(s.last)-MaxRecordErrors:]...)
	}
	s.mu.Unlock()
}

// Snapshot returns the counts and the recent errors, oldest first.
// SetStatus records what the reader is doing ("consuming topic ...",
// "retrying: ..."), for the catalogs.
func (s *Stats) SetStatus(status string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.status = status
	s.mu.Unlock()
}

// Status returns the last status set, or "running".
func (s *Stats) Status() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.status == "" {
		return "running"
	}
	return s.status
}

func (s *Stats) Snapshot() (rows, errors int64, last []RecordError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rows, s.errors, append([]RecordError(nil), s.last...)
}
