package connectors

import (
	"context"
	"strings"
	"sync"

	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// Sinks write a view's changes out. The engine does the exactly-once part:
// each checkpoint stores the changes of its epoch in Eddy's own log,
// committed atomically with the view state, and after the commit hands them
// to the sink's writer one epoch at a time, in order:
//
//	CREATE SINK k FROM mv WITH (connector = 'x', ...) FORMAT f ENCODE e
//	   │ ValidateSink(spec)                   at CREATE time: clear errors
//	   ▼
//	OpenSink ──► Delivered() ──► Write(epoch N, changes) ──► Write(N+1, ...) ...
//
// A writer must make Write(N) all-or-nothing where the system allows it
// (a Kafka transaction, a file renamed into place, a database
// transaction), and must be able to say which epoch the external system
// already holds (Delivered), so that an epoch written just before a crash
// is not written again. Where neither is possible, Write must at least be
// idempotent (an upsert by key).

// SinkSpec describes one sink.
type SinkSpec struct {
	Name string // the sink's name
	ID   uint32 // the sink's catalog id (stable across restarts)
	// Columns are the columns of the rows the sink receives.
	Columns []Column
	// Key lists the positions of the columns that identify a row (the
	// view's primary key, or the primary_key option); changes with the
	// same key are ordered.
	Key []int
	// With holds the WITH (...) options, keys lower case.
	With          map[string]string
	Format        string // PLAIN, UPSERT, DEBEZIUM (upper case; "" = PLAIN)
	Encode        string // JSON, PARQUET, ... (upper case)
	EncodeOptions map[string]string
	// AppendOnly: the changes are inserts only (the input is append-only,
	// or force_append_only dropped its deletes).
	AppendOnly bool
	// Database is the database the sink was created in (for metadata a
	// format writes, like Debezium's source block).
	Database string
}

// Types returns the column types, in order.
func (s *SinkSpec) Types() []types.Type {
	ts := make([]types.Type, len(s.Columns))
	for i, c := range s.Columns {
		ts[i] = c.Type
	}
	return ts
}

// Change is one row change: an insert, a delete, or half of an update
// pair (UpdateDelete immediately followed by UpdateInsert of the same key).
type Change struct {
	Op  chunk.Op
	Row types.Row
}

// SinkWriter delivers committed epochs to the outside.
type SinkWriter interface {
	// Delivered returns the last epoch the external system is known to
	// hold completely (0 if it cannot tell). Epochs up to it are not
	// written again.
	Delivered(ctx context.Context) (uint64, error)
	// Write delivers one epoch's changes (possibly none). It is called
	// with increasing epochs; after an error or a restart the same epoch
	// may come again.
	Write(ctx context.Context, epoch uint64, changes []Change) error
	Close() error
}

// SinkConnector is one kind of sink.
type SinkConnector struct {
	Name string
	// Validate checks the options at CREATE time, contacting the external
	// system when it must.
	Validate func(ctx context.Context, spec *SinkSpec) error
	// Open returns a writer.
	Open func(ctx context.Context, spec *SinkSpec) (SinkWriter, error)
}

var (
	sinkMu    sync.RWMutex
	sinkTypes = map[string]*SinkConnector{}
)

// RegisterSink makes a sink connector available by name.
func RegisterSink(c *SinkConnector) {
	sinkMu.Lock()
	defer sinkMu.Unlock()
	sinkTypes[c.Name] = c
}

// LookupSink returns the sink connector named by a spec's `connector`
// option.
func LookupSink(spec *SinkSpec) (*SinkConnector, error) {
	name, ok := spec.With["connector"]
	if !ok || name == "" {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "missing option \"connector\" in WITH (...)")
	}
	sinkMu.RLock()
	c := sinkTypes[strings.ToLower(name)]
	sinkMu.RUnlock()
	if c == nil {
		switch strings.ToLower(name) {
		case "pulsar", "kinesis", "iceberg", "deltalake", "clickhouse", "elasticsearch", "redis", "http",
			"s3", "gcs", "azblob", "mysql", "doris", "starrocks", "bigquery", "snowflake", "mongodb", "mqtt", "nats":
			return nil, sqlerr.NotSupported("sink connector '%s'", name)
		}
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "unknown sink connector '%s'", name)
	}
	return c, nil
}
