package kafka

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/connectors/format"
	"github.com/eddy-db/eddy/sql/sqlerr"
)

// unableToConnect is SQLSTATE 08001 (sqlclient_unable_to_establish_sqlconnection).
const unableToConnect = "08001"

// validateTimeout bounds how long Validate waits for the brokers.
var validateTimeout = 5 * time.Second

func init() {
	connectors.Register(&connectors.Connector{
		Name:       "kafka",
		AppendOnly: format.AppendOnly,
		Validate:   Validate,
		Columns:    Columns,
		Open:       Open,
	})
}

// Columns derives a source's payload columns from the latest value
// schema of its topic in the schema registry (ENCODE AVRO | PROTOBUF);
// nil for other encodings.
func Columns(ctx context.Context, spec *connectors.Spec) ([]connectors.Column, error) {
	cfg, err := parseConfig(spec.With)
	if err != nil {
		return nil, err
	}
	return format.Columns(ctx, spec, cfg.topic)
}

// Validate checks a source's options, INCLUDE columns and FORMAT, then
// asks the brokers for the topic's metadata (within a few seconds):
// 08001 when no broker can be reached, 22023 when the topic does not
// exist. With ENCODE AVRO or PROTOBUF it then checks the topic's value
// schema in the schema registry (see format.Validate).
func Validate(ctx context.Context, spec *connectors.Spec) error {
	cfg, err := parseConfig(spec.With)
	if err != nil {
		return err
	}
	if _, err := includeColumns(spec.Columns); err != nil {
		return err
	}
	if _, err := format.New(spec, spec.PrimaryKey); err != nil {
		return err
	}
	if err := checkTopic(ctx, cfg, 0); err != nil {
		return err
	}
	return format.Validate(ctx, spec, cfg.topic)
}

// checkTopic asks the brokers for the topic's metadata (within a few
// seconds): 08001 when no broker can be reached, 22023 when the topic does
// not exist — unless create > 0: then a missing topic is created with that
// many partitions (sinks).
func checkTopic(ctx context.Context, cfg *config, create int32) error {
	ctx, cancel := context.WithTimeout(ctx, validateTimeout)
	defer cancel()
	brokers := strings.Join(cfg.brokers, ",")
	if err := dialAny(ctx, cfg.brokers); err != nil {
		return sqlerr.New(unableToConnect, "cannot connect to Kafka broker %s: %v", brokers, err)
	}
	opts := append(cfg.clientOpts(),
		kgo.DialTimeout(3*time.Second),
		kgo.RequestRetries(2),
		kgo.RetryTimeout(validateTimeout),
	)
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return sqlerr.New(sqlerr.InvalidParameterValue, "kafka client: %v", err)
	}
	defer cl.Close()
	tds, err := kadm.NewClient(cl).ListTopics(ctx, cfg.topic)
	if err != nil {
		if errors.Is(err, kerr.SaslAuthenticationFailed) || errors.Is(err, kerr.IllegalSaslState) {
			return sqlerr.New(sqlerr.InvalidAuthorizationSpec, "Kafka broker %s rejected the SASL credentials: %v", brokers, err)
		}
		e := sqlerr.New(unableToConnect, "cannot get the metadata of topic \"%s\" from Kafka broker %s: %v", cfg.topic, brokers, err)
		if cfg.sasl != nil {
			e = e.WithHint("Check properties.sasl.mechanism, properties.sasl.username and properties.sasl.password.")
		}
		return e
	}
	td, ok := tds[cfg.topic]
	missing := !ok || errors.Is(td.Err, kerr.UnknownTopicOrPartition)
	if missing && create > 0 {
		r, err := kadm.NewClient(cl).CreateTopic(ctx, create, -1, nil, cfg.topic)
		if err == nil {
			err = r.Err
		}
		if err == nil || errors.Is(err, kerr.TopicAlreadyExists) {
			return nil
		}
		return sqlerr.New(sqlerr.InvalidParameterValue, "topic \"%s\" does not exist on Kafka broker %s and cannot be created: %v", cfg.topic, brokers, err)
	}
	switch {
	case missing:
		return sqlerr.New(sqlerr.InvalidParameterValue, "topic \"%s\" does not exist on Kafka broker %s", cfg.topic, brokers)
	case td.Err != nil:
		return sqlerr.New(sqlerr.InvalidParameterValue, "topic \"%s\" on Kafka broker %s: %v", cfg.topic, brokers, td.Err)
	}
	return nil
}

// dialAny opens (and closes) a TCP connection to the first broker that
// accepts one.
func dialAny(ctx context.Context, brokers []string) error {
	d := net.Dialer{Timeout: 3 * time.Second}
	var first error
	for _, b := range brokers {
		conn, err := d.DialContext(ctx, "tcp", b)
		if err == nil {
			conn.Close()
			return nil
		}
		if first == nil {
			first = err
		}
	}
	return first
}

// Open returns a reader at offset (as returned by Next), or at the start
// the options give when offset is nil. It does not contact the brokers:
// the reader finds the topic's partitions on its first Next.
func Open(ctx context.Context, spec *connectors.Spec, offset []byte) (connectors.Reader, error) {
	return open(spec, offset)
}

func open(spec *connectors.Spec, offset []byte) (*Reader, error) {
	cfg, err := parseConfig(spec.With)
	if err != nil {
		return nil, err
	}
	incl, err := includeColumns(spec.Columns)
	if err != nil {
		return nil, err
	}
	dec, err := format.New(spec, spec.PrimaryKey)
	if err != nil {
		return nil, err
	}
	r := newReader(spec, cfg, dec, incl)
	initial := map[int32]kgo.Offset{}
	if offset != nil {
		pos, err := ParseOffset(offset)
		if err != nil {
			return nil, err
		}
		if pos.Topic != cfg.topic {
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "the saved offset is for topic \"%s\", the source reads \"%s\"", pos.Topic, cfg.topic)
		}
		for p, n := range pos.Next {
			r.assign(p, n)
			initial[p] = kgoOffset(n)
		}
		r.started = true
	}
	opts := append(cfg.clientOpts(),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchMaxWait(time.Second),
	)
	if len(initial) > 0 {
		opts = append(opts, kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{cfg.topic: initial}))
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "kafka client: %v", err)
	}
	r.cl = cl
	r.adm = kadm.NewClient(cl)
	return r, nil
}

func kgoOffset(next int64) kgo.Offset {
	if next == FromStart {
		return kgo.NewOffset().AtStart()
	}
	return kgo.NewOffset().At(next)
}

func describeErr(err error) string {
	var ke *kerr.Error
	if errors.As(err, &ke) {
		return fmt.Sprintf("%s: %s", ke.Message, ke.Description)
	}
	return err.Error()
}
