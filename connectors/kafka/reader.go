package kafka

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/connectors/format"
	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// Tunables (variables so tests can shorten them).
var (
	// chunkRows caps the rows of one chunk.
	chunkRows = 2048
	// discoverInterval is how often a reader looks for new partitions;
	// retryInterval how soon it retries after the brokers failed it.
	discoverInterval = 5 * time.Second
	retryInterval    = time.Second
	// discoverTimeout bounds one metadata or ListOffsets round trip.
	discoverTimeout = 5 * time.Second
)

// unassigned marks a partition the reader does not consume (yet).
const unassigned = -3

// Reader reads one Kafka topic. Next and Close are for one goroutine;
// Status may be called from any.
type Reader struct {
	spec *connectors.Spec
	cfg  *config
	dec  format.Decoder
	cl   *kgo.Client
	adm  *kadm.Client
	ts   []types.Type
	incl []includeCol
	meta types.Row // Include values of the record being decoded

	// next[p] is the offset of partition p's next record (FromStart,
	// or unassigned); parts lists the assigned partitions.
	next  []int64
	parts []int32
	// started: the startup mode has been applied (or an offset given);
	// partitions found from now on are read from their start.
	started      bool
	nextDiscover time.Time

	// pending holds polled records not yet decoded, in poll order.
	pending []*kgo.Record
	// stalled: the decoder could not reach what it needs (the schema
	// registry) for the first pending record, which waits.
	stalled bool

	mu       sync.Mutex
	status   string
	degraded bool
	closed   bool
}

var _ connectors.Reader = (*Reader)(nil)

func newReader(spec *connectors.Spec, cfg *config, dec format.Decoder, incl []includeCol) *Reader {
	r := &Reader{
		spec:   spec,
		cfg:    cfg,
		dec:    dec,
		ts:     spec.Types(),
		incl:   incl,
		status: fmt.Sprintf("starting: looking up topic %q", cfg.topic),
	}
	if len(incl) > 0 {
		r.meta = make(types.Row, len(spec.Columns))
	}
	return r
}

// Status describes what the reader is doing, e.g. "consuming topic "t"
// (3 partitions)" or "retrying: cannot reach Kafka broker ...".
func (r *Reader) Status() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.status
}

func (r *Reader) setStatus(degraded bool, format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	r.mu.Lock()
	r.status, r.degraded = s, degraded
	r.mu.Unlock()
	r.spec.Stats.SetStatus(s)
}

func (r *Reader) healthy() {
	r.mu.Lock()
	d := r.degraded
	r.mu.Unlock()
	if d {
		r.setStatus(false, "consuming topic %q (%s)", r.cfg.topic, partitionCount(len(r.parts)))
	}
}

// Position returns the reader's position: every assigned partition with
// the offset of its next record. Call it from the goroutine that calls
// Next.
func (r *Reader) Position() Position {
	p := Position{Topic: r.cfg.topic, Next: make(map[int32]int64, len(r.parts))}
	for _, part := range r.parts {
		p.Next[part] = r.next[part]
	}
	return p
}

// offset encodes the position as Position.Encode does.
func (r *Reader) offset() []byte {
	b := make([]byte, 0, len(offsetPrefix)+len(r.cfg.topic)+1+len(r.parts)*12)
	b = append(b, offsetPrefix...)
	b = append(b, r.cfg.topic...)
	b = append(b, ':')
	for i, p := range r.parts {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(p), 10)
		b = append(b, '=')
		b = strconv.AppendInt(b, r.next[p], 10)
	}
	return b
}

// assign records that partition p is consumed from next.
func (r *Reader) assign(p int32, next int64) {
	for int(p) >= len(r.next) {
		r.next = append(r.next, unassigned)
	}
	if r.next[p] == unassigned {
		r.parts = append(r.parts, p)
		slices.Sort(r.parts)
	}
	r.next[p] = next
}

func (r *Reader) assigned(p int32) bool { return int(p) < len(r.next) && r.next[p] != unassigned }

// Next blocks until rows are available and returns a chunk of at most
// chunkRows rows with the offset just after them. It returns an error
// only when ctx ends or the reader is closed; broker failures are
// retried (see Status). The chunk is the caller's.
func (r *Reader) Next(ctx context.Context) (*chunk.Chunk, []byte, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		if len(r.pending) == 0 {
			if !time.Now().Before(r.nextDiscover) {
				r.discover(ctx)
			}
			if err := r.poll(ctx); err != nil {
				return nil, nil, err
			}
			if len(r.pending) == 0 {
				continue
			}
		}
		c := r.fill()
		if c.Len() > 0 {
			r.spec.Stats.AddRows(c.Len())
			return c, r.offset(), nil
		}
		if r.stalled {
			t := time.NewTimer(retryInterval)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil, nil, ctx.Err()
			case <-t.C:
			}
		}
	}
}

// poll waits for records until the next discovery is due.
func (r *Reader) poll(ctx context.Context) error {
	pctx, cancel := context.WithDeadline(ctx, r.nextDiscover)
	fs := r.cl.PollRecords(pctx, chunkRows)
	cancel()
	// Keep whatever records came back, even with an error: franz-go has
	// moved past them.
	r.pending = fs.Records()
	if fs.IsClientClosed() {
		return sqlerr.New(sqlerr.ObjectNotInPrerequisiteState, "kafka source reader is closed")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	fs.EachError(func(_ string, p int32, err error) {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			return
		}
		r.setStatus(true, "retrying: partition %d of topic %q: %s", p, r.cfg.topic, describeErr(err))
	})
	if len(r.pending) > 0 {
		r.healthy()
	}
	return nil
}

// fill decodes pending records into a new chunk until it could not take
// another record's rows; the rest stay pending.
func (r *Reader) fill() *chunk.Chunk {
	maxRows := r.dec.MaxRows()
	limit := max(chunkRows, maxRows)
	c := chunk.New(r.ts, min(limit, len(r.pending)*maxRows))
	i := 0
	for ; i < len(r.pending) && c.Len()+maxRows <= limit; i++ {
		rec := r.pending[i]
		if !r.decode(rec, c) {
			break
		}
		if r.assigned(rec.Partition) {
			r.next[rec.Partition] = rec.Offset + 1
		}
		r.pending[i] = nil
	}
	r.pending = r.pending[i:]
	return c
}

// decode appends rec's rows to c, or counts and lists it as skipped. It
// returns false, consuming nothing, when the record must wait because
// the decoder cannot reach the schema registry.
func (r *Reader) decode(rec *kgo.Record, c *chunk.Chunk) bool {
	var meta types.Row
	if r.meta != nil {
		if err := r.fillMeta(rec); err != nil {
			r.recordError(rec, err)
			return true
		}
		meta = r.meta
	}
	_, err := r.dec.Decode(rec.Key, rec.Value, meta, c)
	switch {
	case errors.Is(err, format.ErrUnavailable):
		r.stalled = true
		r.setStatus(true, "retrying: partition %d offset %d of topic %q: %v", rec.Partition, rec.Offset, r.cfg.topic, err)
		return false
	case err != nil:
		r.recordError(rec, err)
	}
	if r.stalled {
		r.stalled = false
		r.healthy()
	}
	return true
}

func (r *Reader) recordError(rec *kgo.Record, err error) {
	r.spec.Stats.RecordError(connectors.RecordError{
		Partition: rec.Partition,
		Offset:    rec.Offset,
		Message:   err.Error(),
	})
}

// fillMeta sets the Include columns of r.meta from rec.
func (r *Reader) fillMeta(rec *kgo.Record) error {
	for _, ic := range r.incl {
		var d types.Datum
		switch ic.kind {
		case "KEY":
			switch {
			case rec.Key == nil:
				d = types.Null
			case ic.typ.ID == types.Bytea:
				d = types.NewBytes(rec.Key)
			default:
				var err error
				if d, err = types.ParseText(string(rec.Key), ic.typ, types.DefaultEnv); err != nil {
					e := sqlerr.As(err)
					return sqlerr.Wrap(err, e.Code, "record key: "+e.Message)
				}
			}
		case "PARTITION":
			if ic.typ.IsString() {
				d = types.NewString(strconv.FormatInt(int64(rec.Partition), 10))
			} else {
				d = types.NewInt(int64(rec.Partition))
			}
		case "OFFSET":
			if ic.typ.IsString() {
				d = types.NewString(strconv.FormatInt(rec.Offset, 10))
			} else {
				d = types.NewInt(rec.Offset)
			}
		case "TIMESTAMP":
			if ic.typ.ID == types.Timestamp {
				d = types.NewTimestamp(rec.Timestamp.UnixMicro())
			} else {
				d = types.NewTimestamptz(rec.Timestamp.UnixMicro())
			}
		}
		r.meta[ic.pos] = d
	}
	return nil
}

// discover looks up the topic's partitions and starts consuming the new
// ones: on the first lookup at the startup mode's offsets, later from
// the log start. Failures set the status and are retried.
func (r *Reader) discover(ctx context.Context) {
	ok := false
	defer func() {
		// A failed attempt is retried soon after it ends (it may have
		// taken up to discoverTimeout).
		if !ok {
			r.nextDiscover = time.Now().Add(retryInterval)
		}
	}()
	dctx, cancel := context.WithTimeout(ctx, discoverTimeout)
	defer cancel()
	brokers := strings.Join(r.cfg.brokers, ",")
	partitions, err := topicPartitions(dctx, r.cl, r.cfg.topic)
	if err != nil {
		if ctx.Err() == nil {
			if errors.Is(err, kerr.UnknownTopicOrPartition) {
				r.setStatus(true, "retrying: topic %q does not exist on Kafka broker %s", r.cfg.topic, brokers)
			} else {
				r.setStatus(true, "retrying: Kafka broker %s: %s", brokers, describeErr(err))
			}
		}
		return
	}
	var fresh []int32
	for _, p := range partitions {
		if !r.assigned(p) {
			fresh = append(fresh, p)
		}
	}
	add := make(map[int32]int64, len(fresh))
	if len(fresh) > 0 && !r.started && (r.cfg.latest || r.cfg.startMillis >= 0) {
		var listed kadm.ListedOffsets
		if r.cfg.startMillis >= 0 {
			listed, err = r.adm.ListOffsetsAfterMilli(dctx, r.cfg.startMillis, r.cfg.topic)
		} else {
			listed, err = r.adm.ListEndOffsets(dctx, r.cfg.topic)
		}
		if err != nil {
			r.setStatus(true, "retrying: cannot list the offsets of topic %q: %s", r.cfg.topic, describeErr(err))
			return
		}
		for _, p := range fresh {
			lo, found := listed.Lookup(r.cfg.topic, p)
			if !found || lo.Err != nil || lo.Offset < 0 {
				why := "no offset"
				if found && lo.Err != nil {
					why = describeErr(lo.Err)
				}
				r.setStatus(true, "retrying: cannot list the offset of partition %d of topic %q: %s", p, r.cfg.topic, why)
				return
			}
			add[p] = lo.Offset
		}
	} else {
		for _, p := range fresh {
			add[p] = FromStart
		}
	}
	r.started = true
	if len(add) > 0 {
		offs := make(map[int32]kgo.Offset, len(add))
		for p, n := range add {
			r.assign(p, n)
			offs[p] = kgoOffset(n)
		}
		r.cl.AddConsumePartitions(map[string]map[int32]kgo.Offset{r.cfg.topic: offs})
	}
	ok = true
	r.nextDiscover = time.Now().Add(discoverInterval)
	r.setStatus(false, "consuming topic %q (%s)", r.cfg.topic, partitionCount(len(r.parts)))
}

func partitionCount(n int) string {
	if n == 1 {
		return "1 partition"
	}
	return strconv.Itoa(n) + " partitions"
}

// topicPartitions asks the brokers (not the client's metadata cache) for
// the partitions of topic.
func topicPartitions(ctx context.Context, cl *kgo.Client, topic string) ([]int32, error) {
	req := kmsg.NewPtrMetadataRequest()
	rt := kmsg.NewMetadataRequestTopic()
	rt.Topic = kmsg.StringPtr(topic)
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return nil, err
	}
	for _, t := range resp.Topics {
		if t.Topic == nil || *t.Topic != topic {
			continue
		}
		if err := kerr.ErrorForCode(t.ErrorCode); err != nil {
			return nil, err
		}
		ps := make([]int32, 0, len(t.Partitions))
		for _, p := range t.Partitions {
			ps = append(ps, p.Partition)
		}
		slices.Sort(ps)
		return ps, nil
	}
	return nil, kerr.UnknownTopicOrPartition
}

// Close stops the reader; it may be called more than once.
func (r *Reader) Close() error {
	r.mu.Lock()
	closed := r.closed
	r.closed = true
	r.mu.Unlock()
	if !closed {
		r.cl.Close()
	}
	return nil
}
