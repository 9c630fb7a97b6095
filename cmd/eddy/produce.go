package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/valyala/fastjson"
)

// maxRecordBytes bounds one line of input (Kafka's default
// message.max.bytes is about 1 MiB).
const maxRecordBytes = 1 << 20

type produceConfig struct {
	brokers    string
	topic      string
	keyField   string
	partitions int
	timeout    time.Duration
}

func parseProduceFlags(args []string, out io.Writer) (*produceConfig, error) {
	cfg := &produceConfig{}
	fs := flag.NewFlagSet("eddy produce", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&cfg.brokers, "brokers", envOr("EDDY_KAFKA_BROKERS", defaultKafkaListen), "Kafka bootstrap servers, HOST:PORT[,HOST:PORT...] (EDDY_KAFKA_BROKERS)")
	fs.StringVar(&cfg.topic, "topic", "", "the topic to write to (required)")
	fs.StringVar(&cfg.keyField, "key-field", "", "take each record's key from this field of the JSON object on the line (default: no key)")
	fs.IntVar(&cfg.partitions, "partitions", 1, "partitions of the topic if it does not exist yet and is created")
	fs.DurationVar(&cfg.timeout, "timeout", 10*time.Second, "how long to wait for the broker to answer, and for each record to be written")
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: eddy produce --topic NAME [flags] < records\n\n")
		fmt.Fprintf(out, "Writes each non-empty line of stdin (typically a JSON object) to the topic as one record's value,\n")
		fmt.Fprintf(out, "creating the topic if it does not exist, and prints how many records were written.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("produce: unexpected argument %q (records come from stdin; see eddy produce -h)", fs.Arg(0))
	}
	if cfg.topic == "" {
		return nil, fmt.Errorf("produce: --topic is required (eddy produce --topic NAME < records)")
	}
	if strings.TrimSpace(cfg.brokers) == "" {
		return nil, fmt.Errorf("produce: --brokers is empty")
	}
	if cfg.partitions < 1 {
		return nil, fmt.Errorf("produce: --partitions must be at least 1")
	}
	if cfg.timeout <= 0 {
		return nil, fmt.Errorf("produce: --timeout must be positive")
	}
	return cfg, nil
}

// runProduce is `eddy produce`: stdin's lines to a topic.
func runProduce(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg, err := parseProduceFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	var seeds []string
	for _, b := range strings.Split(cfg.brokers, ",") {
		if b = strings.TrimSpace(b); b != "" {
			seeds = append(seeds, b)
		}
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(seeds...), kgo.DefaultProduceTopic(cfg.topic),
		kgo.RecordDeliveryTimeout(cfg.timeout), kgo.ProducerLinger(5*time.Millisecond))
	if err != nil {
		return fmt.Errorf("produce: %w", err)
	}
	defer cl.Close()
	if err := ensureTopic(ctx, cl, cfg, stderr); err != nil {
		return err
	}
	if f, ok := stdin.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			fmt.Fprintln(stderr, "reading records from the terminal, one per line; end with Ctrl-D")
		}
	}

	var (
		produced atomic.Int64
		errMu    sync.Mutex
		firstErr error
	)
	done := func(_ *kgo.Record, err error) {
		if err == nil {
			produced.Add(1)
			return
		}
		errMu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		errMu.Unlock()
	}
	sent, readErr := produceLines(ctx, cl, stdin, cfg.keyField, done)
	flushCtx, cancel := context.WithTimeout(ctx, cfg.timeout+5*time.Second)
	defer cancel()
	flushErr := cl.Flush(flushCtx)

	n := produced.Load()
	errMu.Lock()
	werr := firstErr
	errMu.Unlock()
	switch {
	case readErr != nil:
		fmt.Fprintf(stdout, "produced %d record%s to topic %s\n", n, plural(int(n)), cfg.topic)
		return fmt.Errorf("produce: %w", readErr)
	case werr != nil:
		return fmt.Errorf("produce: %d of %d records written to topic %s; the others failed: %w", n, sent, cfg.topic, werr)
	case flushErr != nil || n != sent:
		return fmt.Errorf("produce: %d of %d records confirmed by the broker before giving up", n, sent)
	}
	fmt.Fprintf(stdout, "produced %d record%s to topic %s\n", n, plural(int(n)), cfg.topic)
	return nil
}

// ensureTopic checks that the broker answers and creates the topic if it
// does not exist.
func ensureTopic(ctx context.Context, cl *kgo.Client, cfg *produceConfig, stderr io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	if err := cl.Ping(ctx); err != nil {
		return fmt.Errorf("produce: cannot reach a Kafka broker at %s: %v (is eddy playground running? set the address with --brokers)", cfg.brokers, err)
	}
	adm := kadm.NewClient(cl)
	topics, err := adm.ListTopics(ctx, cfg.topic)
	if err != nil {
		return fmt.Errorf("produce: list topic %s: %w", cfg.topic, err)
	}
	td, ok := topics[cfg.topic]
	if ok && td.Err == nil {
		return nil
	}
	if ok && !errors.Is(td.Err, kerr.UnknownTopicOrPartition) {
		return fmt.Errorf("produce: topic %s: %w", cfg.topic, td.Err)
	}
	resp, err := adm.CreateTopic(ctx, int32(cfg.partitions), -1, nil, cfg.topic)
	if err == nil {
		err = resp.Err
	}
	if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
		return fmt.Errorf("produce: create topic %s: %w", cfg.topic, err)
	}
	if err == nil {
		fmt.Fprintf(stderr, "created topic %s with %d partition%s\n", cfg.topic, cfg.partitions, plural(cfg.partitions))
	}
	return nil
}

// produceLines produces each non-empty line of r as a record (without its
// line ending) and returns how many it handed to the client; done is
// called for each once the broker has answered.
func produceLines(ctx context.Context, cl *kgo.Client, r io.Reader, keyField string, done func(*kgo.Record, error)) (int64, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var (
		p    fastjson.Parser
		sent int64
		line int
	)
	for {
		b, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// A long line: gather it.
			long := append([]byte(nil), b...)
			for errors.Is(err, bufio.ErrBufferFull) && len(long) <= maxRecordBytes {
				b, err = br.ReadSlice('\n')
				long = append(long, b...)
			}
			if len(long) > maxRecordBytes {
				return sent, fmt.Errorf("line %d is longer than %d bytes", line+1, maxRecordBytes)
			}
			b = long
		}
		if err != nil && err != io.EOF {
			return sent, err
		}
		if len(b) > 0 {
			line++
			value := bytes.TrimRight(b, "\r\n")
			if len(bytes.TrimSpace(value)) > 0 {
				rec := &kgo.Record{Value: append([]byte(nil), value...)}
				if keyField != "" {
					key, kerr := recordKey(&p, rec.Value, keyField)
					if kerr != nil {
						return sent, fmt.Errorf("line %d: %v", line, kerr)
					}
					rec.Key = key
				}
				if cerr := ctx.Err(); cerr != nil {
					return sent, cerr
				}
				cl.Produce(ctx, rec, done)
				sent++
			}
		}
		if err == io.EOF {
			return sent, nil
		}
	}
}

// recordKey returns the key field of a JSON object: a string's contents,
// nil for null, any other value as its JSON text.
func recordKey(p *fastjson.Parser, value []byte, field string) ([]byte, error) {
	v, err := p.ParseBytes(value)
	if err != nil {
		return nil, fmt.Errorf("--key-field %s: the line is not JSON: %v", field, err)
	}
	if v.Type() != fastjson.TypeObject {
		return nil, fmt.Errorf("--key-field %s: the line is not a JSON object", field)
	}
	f := v.Get(field)
	if f == nil {
		return nil, fmt.Errorf("--key-field %s: the object has no field %q", field, field)
	}
	switch f.Type() {
	case fastjson.TypeNull:
		return nil, nil
	case fastjson.TypeString:
		return append([]byte(nil), f.GetStringBytes()...), nil
	}
	return f.MarshalTo(nil), nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
