// Command bench measures Eddy side by side with PostgreSQL 15 on the same
// machine, in the same run, with the same client:
//
//	go run ./tests/bench pointquery   # prepared point SELECTs on a 1M-row table (pgbench)
//	go run ./tests/bench ingest       # single-row INSERT, 100-row INSERT, COPY
//	go run ./tests/bench stream       # a TUMBLE aggregation view vs a plain Go map; visibility latency; state memory
//	go run ./tests/bench kafka        # a Kafka JSON source into a TUMBLE count view vs franz-go + fastjson alone
//	go run ./tests/bench nexmark      # a nexmark Bid source into a TUMBLE count view vs the nexmark reader alone
//	go run ./tests/bench all
//
// For pointquery and ingest, Eddy runs as its own process (built from
// ./cmd/eddy), PostgreSQL as a throwaway cluster with default durability;
// both listen on 127.0.0.1. Each line printed gives both engines' numbers
// and Eddy's ratio to PostgreSQL. The streaming benchmarks (stream, kafka,
// nexmark) run Eddy in this process and report events per CPU-second of
// this process, against a baseline without the engine measured in the
// same run.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"math"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/eddy-db/eddy/internal/pgtest"
)

var (
	rows     = flag.Int("rows", 1_000_000, "rows in the point-query table")
	clients  = flag.Int("clients", 4, "pgbench client connections")
	threads  = flag.Int("threads", 2, "pgbench threads")
	duration = flag.Duration("duration", 10*time.Second, "length of each pgbench run")
	rounds   = flag.Int("rounds", 3, "runs of each side (pgbench: Eddy and PostgreSQL; stream: Eddy and the Go map), alternating; the median is reported")
	copyRows = flag.Int("copy-rows", 1_000_000, "rows loaded by the COPY ingest test")
	events   = flag.Int64("events", 10_000_000, "events pushed through the streaming benchmark")
	samples  = flag.Int("samples", 100, "INSERT-to-view visibility samples")
	cpuProf  = flag.String("cpuprofile", "", "write a CPU profile of the streaming dataflow run")
	memProf  = flag.String("memprofile", "", "write an allocation profile of the streaming dataflow run")

	kafkaEvents   = flag.Int64("kafka-events", 4_000_000, "JSON events preloaded into the Kafka topic of the kafka benchmark")
	kafkaParts    = flag.Int("kafka-partitions", 4, "partitions of the kafka benchmark's topic")
	nexmarkEvents = flag.Int64("nexmark-events", 10_000_000, "Nexmark events whose bids the nexmark benchmark reads")
)

// target is one database under test.
type target struct {
	name string
	dsn  string
	host string
	port int
	user string
	db   string
}

func main() {
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: go run ./tests/bench [flags] pointquery|ingest|stream|kafka|nexmark|all\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	what := flag.Arg(0)
	if what == "" {
		what = "all"
	}
	if err := run(what); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(what string) error {
	switch what {
	case "stream":
		return streamAll()
	case "kafka":
		return benchKafka()
	case "nexmark":
		return benchNexmark()
	case kafkaBrokerCmd:
		return serveKafka()
	}
	pg, err := pgtest.Launch(true)
	if err != nil {
		return err
	}
	defer pg.Stop()
	pgbench := filepath.Join(pg.BinDir, "pgbench")

	eddy, stop, err := startEddy()
	if err != nil {
		return err
	}
	defer stop()
	pgT := target{name: "postgres", dsn: pg.DSN, host: "127.0.0.1", port: pg.Port, user: "postgres", db: "postgres"}

	fmt.Printf("machine: %d CPUs, %s/%s; pgbench: %d clients, %d threads, %s per run\n",
		runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, *clients, *threads, *duration)
	switch what {
	case "pointquery":
		return pointQuery(pgbench, eddy, pgT)
	case "ingest":
		return ingest(pgbench, eddy, pgT)
	case "all":
		if err := pointQuery(pgbench, eddy, pgT); err != nil {
			return err
		}
		if err := ingest(pgbench, eddy, pgT); err != nil {
			return err
		}
		if err := streamAll(); err != nil {
			return err
		}
		if err := benchKafka(); err != nil {
			return err
		}
		return benchNexmark()
	}
	return fmt.Errorf("unknown benchmark %q", what)
}

// streamAll runs the streaming benchmarks.
func streamAll() error {
	fmt.Printf("streaming: %d CPUs\n", runtime.NumCPU())
	if err := benchStream(*events); err != nil {
		return err
	}
	if err := benchStateMemory(); err != nil {
		return err
	}
	eddy, stop, err := startEddy()
	if err != nil {
		return err
	}
	defer stop()
	return benchVisibility(eddy, *samples)
}

// startEddy builds ./cmd/eddy and runs it on a temporary data directory.
func startEddy() (target, func(), error) {
	dir, err := os.MkdirTemp("", "eddy-bench-")
	if err != nil {
		return target{}, nil, err
	}
	bin := filepath.Join(dir, "eddy")
	build := exec.Command("go", "build", "-o", bin, "./cmd/eddy")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		os.RemoveAll(dir)
		return target{}, nil, fmt.Errorf("build eddy: %w", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return target{}, nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "--listen", fmt.Sprintf("127.0.0.1:%d", port), "--data-dir", filepath.Join(dir, "data"), "--log-level", "warn")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return target{}, nil, err
	}
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
		os.RemoveAll(dir)
	}
	for i := 0; i < 300; i++ {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			c.Close()
			t := target{name: "eddy", host: "127.0.0.1", port: port, user: "root", db: "dev",
				dsn: fmt.Sprintf("postgres://root@127.0.0.1:%d/dev?sslmode=disable", port)}
			return t, stop, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	return target{}, nil, fmt.Errorf("eddy did not start")
}

func exec1(t target, sqls ...string) error {
	ctx := context.Background()
	c, err := pgx.Connect(ctx, t.dsn)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	for _, s := range sqls {
		if _, err := c.Exec(ctx, s); err != nil {
			return fmt.Errorf("%s: %s: %w", t.name, s, err)
		}
	}
	return nil
}

// load fills a table with n generated rows through COPY and returns the
// time it took.
func load(t target, table string, n int) (time.Duration, error) {
	ctx := context.Background()
	c, err := pgx.Connect(ctx, t.dsn)
	if err != nil {
		return 0, err
	}
	defer c.Close(ctx)
	i := 0
	src := pgx.CopyFromFunc(func() ([]any, error) {
		if i >= n {
			return nil, nil
		}
		i++
		return []any{int64(i), "name" + strconv.Itoa(i), float64(i) / 2}, nil
	})
	start := time.Now()
	if _, err := c.CopyFrom(ctx, pgx.Identifier{table}, []string{"id", "name", "v"}, src); err != nil {
		return 0, fmt.Errorf("%s: copy: %w", t.name, err)
	}
	return time.Since(start), nil
}

// result is one pgbench run.
type result struct {
	tps      float64
	p50, p99 time.Duration
}

var tpsRE = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)

// pgbenchRun runs a pgbench script against t and reads its per-statement
// latency log for percentiles.
func pgbenchRun(pgbench string, t target, script string, mode string) (result, error) {
	dir, err := os.MkdirTemp("", "pgbench-")
	if err != nil {
		return result{}, err
	}
	defer os.RemoveAll(dir)
	sf := filepath.Join(dir, "script.sql")
	if err := os.WriteFile(sf, []byte(script), 0o644); err != nil {
		return result{}, err
	}
	args := []string{"-h", t.host, "-p", strconv.Itoa(t.port), "-U", t.user, "-n", "-f", sf,
		"-M", mode, "-c", strconv.Itoa(*clients), "-j", strconv.Itoa(*threads),
		"-T", strconv.Itoa(int(duration.Seconds())), "--log", "--log-prefix", filepath.Join(dir, "log"), t.db}
	cmd := exec.Command(pgbench, args...)
	cmd.Env = append(os.Environ(), "PGSSLMODE=disable")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return result{}, fmt.Errorf("pgbench on %s: %v\n%s", t.name, err, out)
	}
	m := tpsRE.FindSubmatch(out)
	if m == nil {
		return result{}, fmt.Errorf("pgbench on %s: no tps in output:\n%s", t.name, out)
	}
	tps, _ := strconv.ParseFloat(string(m[1]), 64)
	lat, err := readLatencies(dir)
	if err != nil {
		return result{}, err
	}
	return result{tps: tps, p50: percentile(lat, 0.50), p99: percentile(lat, 0.99)}, nil
}

// readLatencies reads pgbench's transaction logs: the third field of each
// line is the latency in microseconds.
func readLatencies(dir string) ([]float64, error) {
	files, err := filepath.Glob(filepath.Join(dir, "log.*"))
	if err != nil {
		return nil, err
	}
	var lat []float64
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) >= 3 {
				if v, err := strconv.ParseFloat(fields[2], 64); err == nil {
					lat = append(lat, v)
				}
			}
		}
		fh.Close()
	}
	if len(lat) == 0 {
		return nil, fmt.Errorf("pgbench wrote no latency log")
	}
	sort.Float64s(lat)
	return lat, nil
}

func percentile(sorted []float64, p float64) time.Duration {
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	if i < 0 {
		i = 0
	}
	return time.Duration(sorted[i] * float64(time.Microsecond))
}

func ratioLine(what string, e, p result) {
	fmt.Printf("%-28s eddy %10.0f/s  p50 %7s  p99 %7s | postgres %10.0f/s  p50 %7s  p99 %7s | ratio %.2f\n",
		what, e.tps, round(e.p50), round(e.p99), p.tps, round(p.p50), round(p.p99), e.tps/p.tps)
}

func round(d time.Duration) string {
	return d.Round(time.Microsecond).String()
}

func pointQuery(pgbench string, eddy, pg target) error {
	ddl := `CREATE TABLE pq (id INT PRIMARY KEY, name VARCHAR, v DOUBLE PRECISION)`
	for _, t := range []target{eddy, pg} {
		if err := exec1(t, ddl); err != nil {
			return err
		}
		d, err := load(t, "pq", *rows)
		if err != nil {
			return err
		}
		fmt.Printf("loaded %d rows into %s in %s\n", *rows, t.name, d.Round(time.Millisecond))
	}
	if err := exec1(pg, "VACUUM ANALYZE pq"); err != nil {
		return err
	}
	script := fmt.Sprintf("\\set id random(1, %d)\nSELECT id, name, v FROM pq WHERE id = :id;\n", *rows)
	return sideBySide(pgbench, eddy, pg, "point query (prepared)", script, 1)
}

// sideBySide runs the same pgbench script against both engines, alternating
// between them for -rounds runs each so that background noise on the machine
// falls on both alike, and prints the median run of each (by throughput)
// scaled by rowsPerTxn.
func sideBySide(pgbench string, eddy, pg target, what, script string, rowsPerTxn float64) error {
	var es, ps []result
	for i := 0; i < max(*rounds, 1); i++ {
		e, err := pgbenchRun(pgbench, eddy, script, "prepared")
		if err != nil {
			return err
		}
		p, err := pgbenchRun(pgbench, pg, script, "prepared")
		if err != nil {
			return err
		}
		es, ps = append(es, e), append(ps, p)
	}
	e, p := median(es), median(ps)
	e.tps *= rowsPerTxn
	p.tps *= rowsPerTxn
	ratioLine(what, e, p)
	return nil
}

func median(rs []result) result {
	sort.Slice(rs, func(i, j int) bool { return rs[i].tps < rs[j].tps })
	return rs[len(rs)/2]
}

func ingest(pgbench string, eddy, pg target) error {
	for _, t := range []target{eddy, pg} {
		if err := exec1(t, `CREATE TABLE ing1 (id BIGINT, name VARCHAR, v DOUBLE PRECISION)`,
			`CREATE TABLE ing100 (id BIGINT, name VARCHAR, v DOUBLE PRECISION)`,
			`CREATE TABLE ingcopy (id BIGINT, name VARCHAR, v DOUBLE PRECISION)`); err != nil {
			return err
		}
	}
	single := "\\set id random(1, 1000000000)\nINSERT INTO ing1 VALUES (:id, 'name', 1.5);\n"
	if err := sideBySide(pgbench, eddy, pg, "INSERT 1 row (rows/s)", single, 1); err != nil {
		return err
	}

	var vals []string
	for i := 0; i < 100; i++ {
		vals = append(vals, fmt.Sprintf("(:id + %d, 'name', %d.5)", i, i))
	}
	multi := "\\set id random(1, 1000000000)\nINSERT INTO ing100 VALUES " + strings.Join(vals, ", ") + ";\n"
	if err := sideBySide(pgbench, eddy, pg, "INSERT 100 rows (rows/s)", multi, 100); err != nil {
		return err
	}

	var copyRes [2]result
	for i, t := range []target{eddy, pg} {
		d, err := load(t, "ingcopy", *copyRows)
		if err != nil {
			return err
		}
		copyRes[i] = result{tps: float64(*copyRows) / d.Seconds()}
	}
	fmt.Printf("%-28s eddy %10.0f/s | postgres %10.0f/s | ratio %.2f\n", fmt.Sprintf("COPY %d rows (rows/s)", *copyRows),
		copyRes[0].tps, copyRes[1].tps, copyRes[0].tps/copyRes[1].tps)
	return nil
}
