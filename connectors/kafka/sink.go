package kafka

import (
	"context"
	"errors"
	"fmt"
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
	"github.com/eddy-db/eddy/sql/sqlerr"
)

// A Kafka sink writes each checkpoint's changes in one Kafka transaction.
// The same transaction commits the checkpoint's epoch as the offset of
// partition 0 of the sink topic for a consumer group of the sink's own
// (`eddy-sink-<name>-<id>`, never joined by anyone): after a crash,
// Delivered reads that offset back, so an epoch whose transaction
// committed is not written again, and one whose transaction did not is
// aborted by the broker and written again. Consumers that read with
// isolation.level = read_committed see every change exactly once.

func init() {
	connectors.RegisterSink(&connectors.SinkConnector{Name: "kafka", Validate: ValidateSink, Open: OpenSink})
}

// sinkOnlyOptions are options of CREATE SINK the engine reads.
var sinkOnlyOptions = []string{"type", "force_append_only", "primary_key", "snapshot"}

type sinkConfig struct {
	*config
	txnID string
	group string
	// deliveryTimeout bounds how long a record may wait for the broker
	// (properties.message.timeout.ms, librdkafka's name): a broker that is
	// gone fails the epoch's transaction, which is retried.
	deliveryTimeout time.Duration
	// partitions: how many partitions a missing topic is created with.
	partitions int32
}

func parseSinkConfig(spec *connectors.SinkSpec) (*sinkConfig, error) {
	with := make(map[string]string, len(spec.With))
	for k, v := range spec.With {
		with[k] = v
	}
	for _, k := range sinkOnlyOptions {
		delete(with, k)
	}
	for k := range with {
		if strings.HasPrefix(k, "scan.") {
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "option \"%s\" is for sources, not sinks", k)
		}
	}
	cfg, err := parseConfig(with)
	if err != nil {
		return nil, err
	}
	id := fmt.Sprintf("eddy-sink-%s-%d", spec.Name, spec.ID)
	sc := &sinkConfig{config: cfg, txnID: id, group: id, deliveryTimeout: 30 * time.Second, partitions: 1}
	if v, ok := with["properties.partitions"]; ok {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n <= 0 || n > 10000 {
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for option \"properties.partitions\": %q is not a partition count", v)
		}
		sc.partitions = int32(n)
	}
	if v, ok := with["properties.message.timeout.ms"]; ok {
		ms, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || ms <= 0 {
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for option \"properties.message.timeout.ms\": %q is not a positive integer", v)
		}
		sc.deliveryTimeout = time.Duration(ms) * time.Millisecond
	}
	if v := strings.TrimSpace(with["properties.transactional.id"]); v != "" {
		sc.txnID = v
		sc.group = v
	}
	return sc, nil
}

// ValidateSink checks the options and the format, and that the topic
// exists (08001 when no broker answers). A missing topic is created with
// properties.partitions partitions (default 1) and the broker's
// replication factor, as brokers that auto-create topics would.
func ValidateSink(ctx context.Context, spec *connectors.SinkSpec) error {
	cfg, err := parseSinkConfig(spec)
	if err != nil {
		return err
	}
	if _, err := format.NewRecordEncoder(spec); err != nil {
		return err
	}
	return checkTopic(ctx, cfg.config, cfg.partitions)
}

// OpenSink connects a transactional producer. It initialises the
// producer id first: the broker then finishes (or aborts) a transaction
// an earlier run left open, so Delivered reads a settled offset.
func OpenSink(ctx context.Context, spec *connectors.SinkSpec) (connectors.SinkWriter, error) {
	cfg, err := parseSinkConfig(spec)
	if err != nil {
		return nil, err
	}
	enc, err := format.NewRecordEncoder(spec)
	if err != nil {
		return nil, err
	}
	opts := append(cfg.clientOpts(),
		kgo.TransactionalID(cfg.txnID),
		kgo.TransactionTimeout(time.Minute),
		kgo.RecordDeliveryTimeout(cfg.deliveryTimeout),
		kgo.RetryTimeout(cfg.deliveryTimeout),
		kgo.DefaultProduceTopic(cfg.topic),
		kgo.ProducerBatchMaxBytes(4<<20),
	)
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "kafka client: %v", err)
	}
	w := &sinkWriter{cfg: cfg, cl: cl, enc: enc}
	if _, _, err := cl.ProducerID(ctx); err != nil {
		cl.Close()
		return nil, fmt.Errorf("kafka sink %s: initialising transactional producer %q: %w", spec.Name, cfg.txnID, err)
	}
	tds, err := kadm.NewClient(cl).ListTopics(ctx, cfg.topic)
	if err != nil {
		cl.Close()
		return nil, fmt.Errorf("kafka sink %s: topic metadata: %w", spec.Name, err)
	}
	td, ok := tds[cfg.topic]
	if !ok || td.Err != nil {
		cl.Close()
		return nil, fmt.Errorf("kafka sink %s: topic %q is not available: %v", spec.Name, cfg.topic, td.Err)
	}
	w.topicID = td.ID
	return w, nil
}

type sinkWriter struct {
	cfg     *sinkConfig
	cl      *kgo.Client
	enc     *format.RecordEncoder
	topicID [16]byte
	recs    []format.Record
}

// Delivered reads the epoch committed with the last transaction.
func (w *sinkWriter) Delivered(ctx context.Context) (uint64, error) {
	resps, err := kadm.NewClient(w.cl).FetchOffsets(ctx, w.cfg.group)
	if err != nil {
		if errors.Is(err, kerr.GroupIDNotFound) {
			return 0, nil
		}
		return 0, fmt.Errorf("reading the sink's committed epoch (group %q): %w", w.cfg.group, err)
	}
	r, ok := resps.Lookup(w.cfg.topic, 0)
	if !ok || r.At < 0 {
		return 0, nil
	}
	if r.Err != nil {
		return 0, r.Err
	}
	return uint64(r.At), nil
}

// Write sends one epoch's messages and its epoch marker in a transaction.
func (w *sinkWriter) Write(ctx context.Context, epoch uint64, changes []connectors.Change) error {
	w.recs = w.enc.Encode(changes, time.Now().UnixMilli(), w.recs[:0])
	if len(w.recs) == 0 {
		return nil
	}
	// A broker that went away must fail the epoch (to be retried and
	// shown in the sink's status), not hang it.
	ctx, cancel := context.WithTimeout(ctx, 2*w.cfg.deliveryTimeout+time.Duration(len(w.recs)/10000)*time.Second)
	defer cancel()
	if err := w.cl.BeginTransaction(); err != nil {
		return err
	}
	var (
		mu       sync.Mutex
		firstErr error
	)
	for _, r := range w.recs {
		rec := &kgo.Record{Key: r.Key, Value: r.Value}
		w.cl.Produce(ctx, rec, func(_ *kgo.Record, err error) {
			if err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		})
	}
	if err := w.cl.Flush(ctx); err != nil && firstErr == nil {
		firstErr = err
	}
	if firstErr == nil {
		firstErr = w.commitEpoch(ctx, epoch)
	}
	how := kgo.TryCommit
	if firstErr != nil {
		how = kgo.TryAbort
	}
	endCtx := ctx
	if ctx.Err() != nil {
		var endCancel context.CancelFunc
		endCtx, endCancel = context.WithTimeout(context.Background(), w.cfg.deliveryTimeout)
		defer endCancel()
	}
	if err := w.cl.EndTransaction(endCtx, how); err != nil && firstErr == nil {
		firstErr = err
	}
	return firstErr
}

// commitEpoch adds the sink's group to the open transaction and commits
// the epoch as its offset.
func (w *sinkWriter) commitEpoch(ctx context.Context, epoch uint64) error {
	pid, pepoch, err := w.cl.ProducerID(ctx)
	if err != nil {
		return err
	}
	add := kmsg.NewPtrAddOffsetsToTxnRequest()
	add.TransactionalID, add.ProducerID, add.ProducerEpoch, add.Group = w.cfg.txnID, pid, pepoch, w.cfg.group
	ar, err := add.RequestWith(ctx, w.cl)
	if err != nil {
		return err
	}
	if err := kerr.ErrorForCode(ar.ErrorCode); err != nil {
		return fmt.Errorf("adding the epoch marker to the transaction: %w", err)
	}
	req := kmsg.NewPtrTxnOffsetCommitRequest()
	req.TransactionalID, req.Group, req.ProducerID, req.ProducerEpoch = w.cfg.txnID, w.cfg.group, pid, pepoch
	req.Generation = -1
	t := kmsg.NewTxnOffsetCommitRequestTopic()
	t.Topic, t.TopicID = w.cfg.topic, w.topicID
	p := kmsg.NewTxnOffsetCommitRequestTopicPartition()
	p.Partition, p.Offset, p.LeaderEpoch = 0, int64(epoch), -1
	meta := "eddy sink epoch"
	p.Metadata = &meta
	t.Partitions = append(t.Partitions, p)
	req.Topics = append(req.Topics, t)
	resp, err := req.RequestWith(ctx, w.cl)
	if err != nil {
		return err
	}
	for _, rt := range resp.Topics {
		for _, rp := range rt.Partitions {
			if err := kerr.ErrorForCode(rp.ErrorCode); err != nil {
				return fmt.Errorf("committing the epoch marker: %w", err)
			}
		}
	}
	return nil
}

func (w *sinkWriter) Close() error {
	w.cl.Close()
	return nil
}
