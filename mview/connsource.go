package mview

import (
	"context"
	"encoding/binary"
	"sort"
	"time"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/executor/stream"
	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/types"
)

// SourceSpec describes a source object to its connector.
func SourceSpec(o *catalog.Object) *connectors.Spec {
	spec := &connectors.Spec{Name: o.Name, With: map[string]string{}, EncodeOptions: map[string]string{},
		Format: o.Format, Encode: o.Encode}
	for _, c := range o.Columns {
		if c.Hidden {
			continue
		}
		spec.Columns = append(spec.Columns, connectors.Column{Name: c.Name, Type: c.Type, Include: c.Include})
	}
	for _, kv := range o.With {
		spec.With[kv.Key] = kv.Value
	}
	for _, kv := range o.EncodeOptions {
		spec.EncodeOptions[kv.Key] = kv.Value
	}
	return spec
}

// connReader feeds a view from a connector source (datagen, nexmark,
// Kafka): a fetching goroutine reads chunks from the connector while the
// reader's own loop hands them on, numbers their rows (the hidden row id)
// and answers barriers with the position after the last chunk it passed
// on, which the checkpoint stores with the view's state. After a restart
// the connector reopens at that position: rows read but not checkpointed
// are read again, rows checkpointed are not.
type connReader struct {
	m      *Manager
	conn   *connectors.Connector
	spec   *connectors.Spec
	source *catalog.Object
	view   string
	types  []types.Type // the source's columns, the row id last
	name   string       // offset name
	stats  *connectors.Stats
	feed
	wmState

	// The position: the connector's offset after the last chunk passed
	// on, and the next row id.
	offset []byte
	rowID  int64
}

// encodeOffset: row id (8 bytes), watermark flag (1) and microseconds
// (8), then the connector's offset.
func (r *connReader) encodeOffset() []byte {
	b := binary.BigEndian.AppendUint64(nil, uint64(r.rowID))
	if r.wmCol >= 0 && !r.wm.IsNull() {
		b = append(b, 1)
		b = binary.BigEndian.AppendUint64(b, uint64(r.wm.Micros()))
	} else {
		b = append(b, 0)
		b = binary.BigEndian.AppendUint64(b, 0)
	}
	return append(b, r.offset...)
}

func (r *connReader) decodeOffset(b []byte) {
	if len(b) < 17 {
		return
	}
	r.rowID = int64(binary.BigEndian.Uint64(b))
	if b[8] == 1 && r.wmCol >= 0 {
		r.setWM(int64(binary.BigEndian.Uint64(b[9:])), r.types[r.wmCol])
	}
	r.offset = append([]byte(nil), b[17:]...)
}

type fetched struct {
	c      *chunk.Chunk
	offset []byte
}

func (r *connReader) run(ctx context.Context) {
	defer close(r.out)
	fc := make(chan fetched, 1)
	go r.fetch(ctx, fc)
	for {
		var in <-chan fetched
		if !r.paused {
			in = fc
		}
		select {
		case inj := <-r.inj:
			b := &stream.Barrier{Epoch: inj.epoch, Offsets: map[string][]byte{r.name: r.encodeOffset()}}
			if inj.pause {
				b.Mutation = stream.Pause
			}
			r.paused = inj.pause
			if !r.send(ctx, stream.Message{Barrier: b}) {
				return
			}
		case f := <-in:
			if !r.emit(ctx, f) {
				return
			}
		case <-r.resumeC:
			r.paused = false
		case <-ctx.Done():
			return
		}
	}
}

// fetch opens the connector at the committed position and reads it until
// ctx ends; failures to open or read are logged and retried.
func (r *connReader) fetch(ctx context.Context, fc chan<- fetched) {
	backoff := 100 * time.Millisecond
	var rd connectors.Reader
	defer func() {
		if rd != nil {
			_ = rd.Close()
		}
	}()
	offset := r.offset
	failed := false
	for ctx.Err() == nil {
		if rd == nil {
			var err error
			rd, err = r.conn.Open(ctx, r.spec, offset)
			if err != nil {
				r.stats.SetStatus("retrying: " + err.Error())
				failed = true
				r.m.log.Warn("source cannot be opened; retrying", "source", r.source.Name, "view", r.view, "err", err)
				if !sleepCtx(ctx, backoff) {
					return
				}
				backoff = min(2*backoff, 10*time.Second)
				continue
			}
			backoff = 100 * time.Millisecond
		}
		c, off, err := rd.Next(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			r.stats.SetStatus("retrying: " + err.Error())
			failed = true
			r.m.log.Warn("source read failed; reopening", "source", r.source.Name, "view", r.view, "err", err)
			_ = rd.Close()
			rd = nil
			if !sleepCtx(ctx, backoff) {
				return
			}
			continue
		}
		offset = off
		if failed {
			failed = false
			r.stats.SetStatus("running")
		}
		select {
		case fc <- fetched{c: c, offset: off}:
		case <-ctx.Done():
			return
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// emit passes a fetched chunk on with row ids, dropping late rows.
func (r *connReader) emit(ctx context.Context, f fetched) bool {
	r.offset = f.offset
	c := f.c
	if c == nil || c.Len() == 0 {
		return true
	}
	// The connector fills the payload and INCLUDE columns; the row id
	// column is added here.
	if len(c.Cols) == len(r.types)-1 {
		ids := chunk.NewVector(types.KInt, c.Len())
		for i := 0; i < c.Len(); i++ {
			ids.I64 = append(ids.I64, r.rowID)
			r.rowID++
		}
		c.Cols = append(c.Cols, ids)
	}
	return emitChunk(ctx, &r.feed, &r.wmState, c)
}

// SourceStats are the counters of one view's reader of one source.
type SourceStats struct {
	Source string
	View   string
	Rows   int64
	Errors int64
	Recent []connectors.RecordError
	Status string
}

// Sources returns the statistics of every running source reader.
func (m *Manager) Sources() []SourceStats {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []SourceStats
	for _, j := range m.jobs {
		for _, r := range j.conns {
			rows, errs, recent := r.stats.Snapshot()
			out = append(out, SourceStats{Source: r.source.Name, View: j.obj.Name, Rows: rows, Errors: errs, Recent: recent,
				Status: r.stats.Status()})
		}
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].Source != out[b].Source {
			return out[a].Source < out[b].Source
		}
		return out[a].View < out[b].View
	})
	return out
}
