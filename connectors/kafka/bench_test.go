package kafka

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/valyala/fastjson"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/sql/types"
)

const benchRecords = 200_000

func benchValue(i int) []byte {
	return fmt.Appendf(nil, `{"id":%d,"name":"user-%d","price":%d.%02d,"active":%t,"ts":"2024-01-02T03:04:%02d.%03dZ"}`,
		i, i%1000, i%500, i%100, i%2 == 0, i%60, i%1000)
}

// BenchmarkConsumeJSON reads 200k JSON records (3 partitions, kfake on
// loopback) through the connector's Reader, and through plain franz-go
// polling with fastjson decoding into typed slices, as a baseline
// measured in the same run. Each iteration reads the whole topic from
// the start; rows/s is the metric to compare.
func BenchmarkConsumeJSON(b *testing.B) {
	_, addr := newCluster(b, 3, "bench")
	recs := make([]*kgo.Record, 0, 10_000)
	for i := range benchRecords {
		recs = append(recs, &kgo.Record{Topic: "bench", Partition: int32(i % 3), Value: benchValue(i)})
		if len(recs) == cap(recs) || i == benchRecords-1 {
			produce(b, addr, recs...)
			recs = recs[:0]
		}
	}
	cols := []connectors.Column{
		payload("id", types.TInt8),
		payload("name", types.TVarchar),
		payload("price", types.TFloat8),
		payload("active", types.TBool),
		payload("ts", types.TTimestamptz),
	}

	b.Run("connector", func(b *testing.B) {
		spec := newSpec(addr, "bench", cols, "PLAIN")
		for b.Loop() {
			r, err := Open(context.Background(), spec, nil)
			if err != nil {
				b.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			rows := 0
			for rows < benchRecords {
				c, _, err := r.Next(ctx)
				if err != nil {
					b.Fatalf("after %d rows: %v", rows, err)
				}
				rows += c.Len()
			}
			cancel()
			r.Close()
		}
		reportRows(b)
		if _, errs, _ := spec.Stats.Snapshot(); errs != 0 {
			b.Fatalf("%d decoding errors", errs)
		}
	})

	b.Run("franz-go+fastjson", func(b *testing.B) {
		for b.Loop() {
			rows := consumeBaseline(b, addr)
			if rows != benchRecords {
				b.Fatalf("%d rows", rows)
			}
		}
		reportRows(b)
	})
}

func reportRows(b *testing.B) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(benchRecords)*float64(b.N)/s, "rows/s")
	}
}

// consumeBaseline polls the topic with franz-go and decodes each record
// with fastjson into typed column slices (what the connector does,
// minus options, chunks, datums, INCLUDE columns and offsets).
func consumeBaseline(b *testing.B, addr string) int {
	start := map[int32]kgo.Offset{0: kgo.NewOffset().AtStart(), 1: kgo.NewOffset().AtStart(), 2: kgo.NewOffset().AtStart()}
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{"bench": start}),
		kgo.FetchMaxWait(time.Second))
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var (
		p      fastjson.Parser
		ids    []int64
		names  []string
		prices []float64
		active []bool
		stamps []int64
		rows   int
	)
	for rows < benchRecords {
		fs := cl.PollRecords(ctx, chunkRows)
		if err := fs.Err0(); err != nil {
			b.Fatal(err)
		}
		ids, names, prices, active, stamps = ids[:0], names[:0], prices[:0], active[:0], stamps[:0]
		for _, rec := range fs.Records() {
			v, err := p.ParseBytes(rec.Value)
			if err != nil {
				b.Fatal(err)
			}
			ids = append(ids, v.GetInt64("id"))
			names = append(names, string(v.GetStringBytes("name")))
			prices = append(prices, v.GetFloat64("price"))
			active = append(active, v.GetBool("active"))
			ts, err := time.Parse(time.RFC3339Nano, string(v.GetStringBytes("ts")))
			if err != nil {
				b.Fatal(err)
			}
			stamps = append(stamps, ts.UnixMicro())
		}
		rows += len(ids)
	}
	return rows
}
