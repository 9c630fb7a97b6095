package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/valyala/fastjson"
)

// The kafka benchmark reads a topic of JSON events
//
//	{"id": 17, "v": 417, "ts": "2026-11-22T00:00:00.001Z"}
//
// (10,000 events per second of event time, round robin over the
// partitions) preloaded into a kfake broker that runs in a child process,
// so that the broker's CPU is not counted:
//
//   - baseline: franz-go consuming every partition from the start and
//     decoding each value with fastjson into typed values (id, v, ts as
//     microseconds), no engine;
//   - eddy: CREATE SOURCE ... FORMAT PLAIN ENCODE JSON and the view
//     SELECT window_start, count(*) FROM TUMBLE(s, ts, INTERVAL '1 second')
//     GROUP BY window_start, until the view has counted every event.

const (
	kafkaTopic     = "events"
	kafkaBrokerCmd = "kafka-broker" // the hidden subcommand of the child process
	kafkaTSLayout  = "2006-01-02T15:04:05.000Z"
)

var kafkaTS0 = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)

// kafkaEvent appends event i's JSON.
func kafkaEvent(b []byte, i int64) []byte {
	ts := kafkaTS0.Add(time.Duration(i) * 100 * time.Microsecond)
	return fmt.Appendf(b, `{"id":%d,"v":%d,"ts":"%s"}`, i, (i*7919)%1000, ts.Format(kafkaTSLayout))
}

// serveKafka is the child process: a kfake broker holding the events,
// whose address it prints on stdout once they are all written; it exits
// when stdin closes (the parent is done or gone).
func serveKafka() error {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(int32(*kafkaParts), kafkaTopic))
	if err != nil {
		return err
	}
	defer c.Close()
	addr := c.ListenAddrs()[0]
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.ProducerLinger(10*time.Millisecond), kgo.MaxBufferedRecords(100_000), kgo.ProducerBatchMaxBytes(4<<20))
	if err != nil {
		return err
	}
	ctx := context.Background()
	errc := make(chan error, 1)
	done := func(_ *kgo.Record, err error) {
		if err != nil {
			select {
			case errc <- err:
			default:
			}
		}
	}
	for i := int64(0); i < *kafkaEvents; i++ {
		cl.Produce(ctx, &kgo.Record{Topic: kafkaTopic, Partition: int32(i % int64(*kafkaParts)), Value: kafkaEvent(nil, i)}, done)
	}
	if err := cl.Flush(ctx); err != nil {
		return err
	}
	cl.Close()
	select {
	case err := <-errc:
		return err
	default:
	}
	fmt.Println(addr)
	_, _ = io.Copy(io.Discard, os.Stdin)
	return nil
}

// startKafka runs the broker child process and returns its address once
// it holds every event.
func startKafka() (string, func(), error) {
	self, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	cmd := exec.Command(self, "-kafka-events", strconv.FormatInt(*kafkaEvents, 10),
		"-kafka-partitions", strconv.Itoa(*kafkaParts), kafkaBrokerCmd)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return "", nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() {
		stdin.Close()
		_ = cmd.Wait()
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		stop()
		return "", nil, fmt.Errorf("the broker process did not start: %v", err)
	}
	return strings.TrimSpace(line), stop, nil
}

// consumeKafka is the baseline: every partition from the start with
// plain franz-go, each value decoded with fastjson into typed slices.
func consumeKafka(addr string) error {
	start := map[int32]kgo.Offset{}
	for p := 0; p < *kafkaParts; p++ {
		start[int32(p)] = kgo.NewOffset().AtStart()
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{kafkaTopic: start}),
		kgo.FetchMaxWait(time.Second))
	if err != nil {
		return err
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	var (
		p      fastjson.Parser
		ids    []int64
		vs     []int64
		stamps []int64
		rows   int64
	)
	for rows < *kafkaEvents {
		fs := cl.PollFetches(ctx)
		if err := fs.Err0(); err != nil {
			return err
		}
		ids, vs, stamps = ids[:0], vs[:0], stamps[:0]
		var ferr error
		fs.EachRecord(func(rec *kgo.Record) {
			v, err := p.ParseBytes(rec.Value)
			if err != nil {
				ferr = err
				return
			}
			ts, err := time.Parse(time.RFC3339Nano, string(v.GetStringBytes("ts")))
			if err != nil {
				ferr = err
				return
			}
			ids = append(ids, v.GetInt64("id"))
			vs = append(vs, v.GetInt64("v"))
			stamps = append(stamps, ts.UnixMicro())
		})
		if ferr != nil {
			return ferr
		}
		rows += int64(len(ids))
	}
	if rows != *kafkaEvents {
		return fmt.Errorf("read %d records, want %d", rows, *kafkaEvents)
	}
	return nil
}

// eddyKafka runs the view over the topic in an Eddy in this process; the
// measured part starts at CREATE MATERIALIZED VIEW and ends when the
// view has counted every event.
func eddyKafka(addr string) (measured, error) {
	p, err := startInProcess()
	if err != nil {
		return measured{}, err
	}
	defer p.close()
	if err := p.exec(fmt.Sprintf(`CREATE SOURCE s (id BIGINT, v BIGINT, ts TIMESTAMPTZ)
		WITH (connector = 'kafka', topic = '%s', properties.bootstrap.server = '%s', scan.startup.mode = 'earliest')
		FORMAT PLAIN ENCODE JSON`, kafkaTopic, addr)); err != nil {
		return measured{}, err
	}
	return measure(*kafkaEvents, func() error {
		if err := p.exec(`CREATE MATERIALIZED VIEW per_second AS
			SELECT window_start, count(*) AS n FROM TUMBLE(s, ts, INTERVAL '1 second') GROUP BY window_start`); err != nil {
			return err
		}
		return p.waitSum(`SELECT sum(n)::bigint FROM per_second`, *kafkaEvents, 10*time.Minute)
	})
}

func benchKafka() error {
	if *kafkaParts < 1 || *kafkaEvents < 1 {
		return fmt.Errorf("-kafka-events and -kafka-partitions must be positive")
	}
	t0 := time.Now()
	addr, stop, err := startKafka()
	if err != nil {
		return err
	}
	defer stop()
	fmt.Printf("kafka: %d CPUs; %d JSON events in %d partitions preloaded into kfake (its own process) in %.1f s\n",
		runtime.NumCPU(), *kafkaEvents, *kafkaParts, time.Since(t0).Seconds())
	return alternate("kafka JSON -> tumble count", "franz-go+fastjson",
		fmt.Sprintf("%d events, %d partitions", *kafkaEvents, *kafkaParts),
		func() (measured, error) { return measure(*kafkaEvents, func() error { return consumeKafka(addr) }) },
		func() (measured, error) { return eddyKafka(addr) })
}
