package main

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/executor/state"
	"github.com/eddy-db/eddy/executor/stream"
	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/functions"
	"github.com/eddy-db/eddy/sql/types"
	"github.com/eddy-db/eddy/storage"
)

// The streaming benchmark drives the view
//
//	SELECT window_start, k, count(*), sum(v), max(v)
//	FROM TUMBLE(events, ts, INTERVAL '1 minute') GROUP BY window_start, k
//
// with an in-process generator feeding the dataflow's source (append-only
// events: k among 10,000 keys, v random, ts advancing), through the real
// operators (Hop, HashAgg, Materialize) and real checkpoints into Pebble
// every second of wall time; and the same events through a plain Go map
// keyed by (window, key). It prints events per CPU-second for both.

const (
	streamKeys        = 10_000
	eventsPerMinute   = 600_000 // event-time rate: 10k events/s of event time
	microsPerMinute   = 60_000_000
	streamChunkEvents = 1024
)

// genEvents fills c with the next events (k, v, ts) of a deterministic
// stream.
type eventGen struct {
	r   *rand.Rand
	n   int64
	ts0 int64
}

func newEventGen() *eventGen {
	return &eventGen{r: rand.New(rand.NewSource(1)), ts0: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC).UnixMicro()}
}

func (g *eventGen) next() (k, v, ts int64) {
	g.n++
	return int64(g.r.Intn(streamKeys)), int64(g.r.Intn(1000)), g.ts0 + g.n*microsPerMinute/eventsPerMinute
}

// genOp is a source operator producing n events, then a barrier every
// barrierEvery events.
type genOp struct {
	gen          *eventGen
	left         int64
	barrierEvery int64
	sinceBarrier int64
	epoch        uint64
	info         stream.Info
	pending      *stream.Message
}

func (o *genOp) Info() stream.Info { return o.info }
func (o *genOp) Close() error      { return nil }

func (o *genOp) Next(ctx context.Context) (stream.Message, error) {
	if o.pending != nil {
		m := *o.pending
		o.pending = nil
		return m, nil
	}
	if o.left <= 0 {
		if o.sinceBarrier > 0 {
			o.sinceBarrier = 0
			o.epoch++
			return stream.Message{Barrier: &stream.Barrier{Epoch: o.epoch}}, nil
		}
		return stream.Message{}, stream.ErrStopped
	}
	n := int64(streamChunkEvents)
	if n > o.left {
		n = o.left
	}
	c := chunk.New(o.info.Types, int(n))
	kc, vc, tc := &c.Cols[0], &c.Cols[1], &c.Cols[2]
	for i := int64(0); i < n; i++ {
		k, v, ts := o.gen.next()
		c.Ops = append(c.Ops, chunk.Insert)
		kc.I64 = append(kc.I64, k)
		vc.I64 = append(vc.I64, v)
		tc.I64 = append(tc.I64, ts)
		c.Cols[3].I64 = append(c.Cols[3].I64, o.gen.n)
	}
	o.left -= n
	o.sinceBarrier += n
	if o.sinceBarrier >= o.barrierEvery {
		o.sinceBarrier = 0
		o.epoch++
		o.pending = &stream.Message{Barrier: &stream.Barrier{Epoch: o.epoch}}
	}
	return stream.Message{Chunk: c}, nil
}

// cpuTime returns the process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// runDataflow pushes n events through the view's operators, committing
// each epoch; it returns the CPU time used and the number of groups.
func runDataflow(n int64, keys int64) (time.Duration, int, error) {
	dir, err := os.MkdirTemp("", "eddy-stream-bench-")
	if err != nil {
		return 0, 0, err
	}
	defer os.RemoveAll(dir)
	st, err := storage.Open(dir, storage.Options{})
	if err != nil {
		return 0, 0, err
	}
	defer st.Close()
	evTypes := []types.Type{types.TInt8, types.TInt8, types.TTimestamptz, types.TInt8}
	gen := &genOp{gen: newEventGen(), left: n, info: stream.Info{Types: evTypes, Key: []int{3}, Kind: stream.AppendOnly}}
	// Commit about every second of this machine's throughput.
	gen.barrierEvery = 1_000_000
	if keys != streamKeys {
		gen.gen.r = rand.New(rand.NewSource(2))
	}
	frag := stream.NewFragment(st)
	hop := &planner.Hop{TimeCol: 2, Slide: microsPerMinute, Size: microsPerMinute, Tumble: true}
	hopTypes := append(append([]types.Type{}, evTypes...), types.TTimestamptz, types.TTimestamptz)
	hopOp := stream.NewHop(gen, hop, stream.Info{Types: hopTypes, Key: []int{3}, Kind: stream.AppendOnly})
	aggs := []stream.AggDef{
		{Kind: stream.AggCountStar, Arg: -1, Ret: types.TInt8, Filter: -1},
		{Kind: stream.AggSum, Arg: 1, ArgType: types.TInt8, Ret: types.TNumeric, Filter: -1},
		{Kind: stream.AggMax, Arg: 1, ArgType: types.TInt8, Ret: types.TInt8, Filter: -1},
	}
	gtypes := []types.Type{types.TTimestamptz, types.TInt8}
	outTypes := []types.Type{types.TTimestamptz, types.TInt8, types.TInt8, types.TNumeric, types.TInt8}
	groups := state.New(st, 20001, gtypes, stream.StateTypes(gtypes, aggs))
	agg, err := stream.NewHashAgg(stream.HashAggConfig{Input: hopOp, GroupBy: []int{4, 0}, Aggs: aggs,
		Info: stream.Info{Types: outTypes, Key: []int{0, 1}, Kind: stream.Retract}, Fragment: frag,
		Fn: &functions.Context{Env: types.DefaultEnv}, Groups: groups, Multisets: make([]*state.Table, len(aggs)), WindowCol: -1, WindowFirst: true})
	if err != nil {
		return 0, 0, err
	}
	view := state.New(st, 20000, gtypes, outTypes)
	mat := stream.NewMaterialize(agg, view, frag)
	ctx := context.Background()
	if *cpuProf != "" && keys == streamKeys {
		f, err := os.Create(*cpuProf)
		if err != nil {
			return 0, 0, err
		}
		_ = pprof.StartCPUProfile(f)
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	if *memProf != "" && keys == streamKeys {
		runtime.MemProfileRate = 64 << 10
		defer func() {
			f, err := os.Create(*memProf)
			if err == nil {
				_ = pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
		}()
	}
	start := cpuTime()
	for {
		m, err := mat.Next(ctx)
		if err == stream.ErrStopped {
			break
		}
		if err != nil {
			return 0, 0, err
		}
		if m.Barrier != nil {
			b := frag.TakeBatch(m.Barrier.Epoch)
			if b == nil {
				b = st.NewBatch()
			}
			if err := st.CommitEpoch(m.Barrier.Epoch, b, nil); err != nil {
				return 0, 0, err
			}
			b.Close()
		}
	}
	return cpuTime() - start, 0, nil
}

type baseAgg struct{ count, sum, max int64 }

type baseKey struct{ ws, k int64 }

// runBaseline folds the same events into a Go map.
func runBaseline(n int64) (time.Duration, int) {
	gen := newEventGen()
	m := map[baseKey]*baseAgg{}
	start := cpuTime()
	for i := int64(0); i < n; i++ {
		k, v, ts := gen.next()
		ws := ts - ts%microsPerMinute
		a := m[baseKey{ws, k}]
		if a == nil {
			a = &baseAgg{max: v}
			m[baseKey{ws, k}] = a
		}
		a.count++
		a.sum += v
		if v > a.max {
			a.max = v
		}
	}
	return cpuTime() - start, len(m)
}

func benchStream(events int64) error {
	// Rounds alternate the two; the round with the median ratio is
	// reported.
	type round struct{ eddyRate, baseRate float64 }
	var rs []round
	var groups int
	for i := 0; i < max(*rounds, 1); i++ {
		runtime.GC()
		dur, _, err := runDataflow(events, streamKeys)
		if err != nil {
			return err
		}
		runtime.GC()
		var base time.Duration
		base, groups = runBaseline(events)
		rs = append(rs, round{float64(events) / dur.Seconds(), float64(events) / base.Seconds()})
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].eddyRate/rs[i].baseRate < rs[j].eddyRate/rs[j].baseRate })
	eddyRate, baseRate := rs[len(rs)/2].eddyRate, rs[len(rs)/2].baseRate
	fmt.Printf("%-28s eddy %12.0f events/CPU-s | plain Go map %12.0f events/CPU-s | ratio %.2f  (%d events, %d keys, %d window groups)\n",
		"tumble count/sum/max", eddyRate, baseRate, eddyRate/baseRate, events, streamKeys, groups)
	return nil
}

// benchStateMemory measures the heap used by a HashAgg holding 1M groups.
func benchStateMemory() error {
	dir, err := os.MkdirTemp("", "eddy-mem-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	st, err := storage.Open(dir, storage.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	const groups = 1_000_000
	evTypes := []types.Type{types.TInt8, types.TInt8}
	c := chunk.New(evTypes, groups)
	for i := 0; i < groups; i++ {
		c.AppendRow(chunk.Insert, types.Row{types.NewInt(int64(i)), types.NewInt(int64(i % 1000))})
	}
	src := make(chan stream.Message, 2)
	src <- stream.Message{Chunk: c}
	close(src)
	aggs := []stream.AggDef{
		{Kind: stream.AggCountStar, Arg: -1, Ret: types.TInt8, Filter: -1},
		{Kind: stream.AggSum, Arg: 1, ArgType: types.TInt8, Ret: types.TNumeric, Filter: -1},
		{Kind: stream.AggMax, Arg: 1, ArgType: types.TInt8, Ret: types.TInt8, Filter: -1},
	}
	frag := stream.NewFragment(st)
	agg, err := stream.NewHashAgg(stream.HashAggConfig{Input: stream.NewChan(src, stream.Info{Types: evTypes, Key: []int{0}, Kind: stream.AppendOnly}),
		GroupBy: []int{0}, Aggs: aggs, Info: stream.Info{Types: []types.Type{types.TInt8, types.TInt8, types.TNumeric, types.TInt8}, Key: []int{0}},
		Fragment: frag, Fn: &functions.Context{Env: types.DefaultEnv}, Groups: state.New(st, 30000, []types.Type{types.TInt8}, stream.StateTypes([]types.Type{types.TInt8}, aggs)),
		Multisets: make([]*state.Table, 3), WindowCol: -1})
	if err != nil {
		return err
	}
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for {
		if _, err := agg.Next(context.Background()); err != nil {
			break
		}
	}
	c = nil
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	used := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	runtime.KeepAlive(agg)
	fmt.Printf("%-28s %d groups of count/sum/max: %.0f MiB heap, %.0f bytes per group\n", "state memory", groups,
		float64(used)/(1<<20), float64(used)/groups)
	return nil
}

// benchVisibility measures the time from an INSERT's commit until a view
// reflects it, with the default barrier interval.
func benchVisibility(eddy target, samples int) error {
	ctx := context.Background()
	if err := exec1(eddy, `CREATE TABLE vis (id INT PRIMARY KEY, v INT)`,
		`CREATE MATERIALIZED VIEW vis_mv AS SELECT count(*) AS n, max(id) AS m FROM vis`); err != nil {
		return err
	}
	c, err := pgx.Connect(ctx, eddy.dsn)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	var lat []time.Duration
	for i := 1; i <= samples; i++ {
		if _, err := c.Exec(ctx, `INSERT INTO vis VALUES ($1, $1)`, i); err != nil {
			return err
		}
		t0 := time.Now()
		for {
			var m *int
			if err := c.QueryRow(ctx, `SELECT m FROM vis_mv`).Scan(&m); err != nil {
				return err
			}
			if m == nil {
				m = new(int)
			}
			if *m >= i {
				break
			}
			time.Sleep(time.Millisecond)
		}
		lat = append(lat, time.Since(t0))
		// Spread the samples over the barrier cycle.
		time.Sleep(time.Duration(rand.Intn(1000)) * time.Millisecond)
	}
	sort.Slice(lat, func(a, b int) bool { return lat[a] < lat[b] })
	fmt.Printf("%-28s %d samples, default barrier interval: p50 %s  p99 %s  max %s\n", "INSERT -> visible in view",
		samples, lat[len(lat)/2].Round(time.Millisecond), lat[len(lat)*99/100].Round(time.Millisecond), lat[len(lat)-1].Round(time.Millisecond))
	return nil
}
