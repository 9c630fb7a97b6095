package streamdiff

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/eddy-db/eddy/internal/pgtest"
	"github.com/eddy-db/eddy/tests/internal/eddytest"
)

// DefaultSeed is the seed when neither -seed nor EDDY_STREAMDIFF_SEED
// gives one.
const DefaultSeed = 1

var (
	seedFlag = flag.Int64("seed", 0, "generator seed (default: $EDDY_STREAMDIFF_SEED, else 1)")
	nFlag    = flag.Int("n", 300, "statements per run of TestStreamDiff (60 with -short)")
	stmtTime = flag.Duration("statement-timeout", time.Minute, "time limit of one statement on one server")
	dumpDir  = flag.String("dump", "", "write the Eddy script (DDL, DML, FLUSH) of each run to DIR/<run>.sql")
)

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	pgtest.StopShared()
	os.Exit(code)
}

// seed returns -seed, else $EDDY_STREAMDIFF_SEED, else DefaultSeed.
func seed(t *testing.T) int64 {
	if *seedFlag != 0 {
		return *seedFlag
	}
	if s := os.Getenv("EDDY_STREAMDIFF_SEED"); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("EDDY_STREAMDIFF_SEED=%q: %v", s, err)
		}
		return v
	}
	return DefaultSeed
}

// scenario is one run: its settings, the tables written and the views
// compared.
type scenario struct {
	name string
	// barrierMs is Eddy's barrier_interval_ms for the run.
	barrierMs int
	// flushP is the chance of a FLUSH and comparison after a statement
	// (outside transactions); the last statement is always followed by one.
	flushP float64
	// backfill is the number of statements run before the views are
	// created, so that they start by backfilling.
	backfill int
	// n is the number of statements.
	n      int
	tables []string
	views  []View
	// nonFinite makes the generator write NaN and infinities.
	nonFinite bool
	// twoSessions sends the statements outside transactions through two
	// Eddy sessions at random; FLUSH runs in the first.
	twoSessions bool
	// implicitFlush sets RW_IMPLICIT_FLUSH in the Eddy sessions and
	// compares the views right after a statement, without FLUSH.
	implicitFlush bool
}

// TestStreamDiff runs the random DML stream against the views of Views
// three times: with barrier_interval_ms 10, views on empty tables and
// frequent FLUSHes; with barrier_interval_ms 1000, views backfilled over
// a third of the stream, several statements per FLUSH and two sessions;
// and with RW_IMPLICIT_FLUSH in two sessions, comparing without FLUSH.
//
//	go test ./tests/streamdiff -run TestStreamDiff -args -seed 42 -n 2000
func TestStreamDiff(t *testing.T) {
	n := *nFlag
	if testing.Short() && n > 60 {
		n = 60
	}
	seed := seed(t)
	runs := []scenario{
		{name: "barrier10ms", barrierMs: 10, flushP: 0.3, n: n, views: Views},
		{name: "barrier1000ms_backfill", barrierMs: 1000, flushP: 0.1, backfill: n / 3, n: n, views: Views, twoSessions: true},
		{name: "implicit_flush", barrierMs: 10, flushP: 0.3, n: n / 2, views: Views, twoSessions: true, implicitFlush: true},
	}
	for i, sc := range runs {
		t.Run(sc.name, func(t *testing.T) {
			runScenario(t, seed*10+int64(i), sc)
		})
	}
	if t.Failed() {
		t.Logf("reproduce with: go test ./tests/streamdiff -run TestStreamDiff -args -seed %d -n %d", seed, n)
	}
}

// TestStreamDiffWindowEnd checks the EMIT ON WINDOW CLOSE views grouped
// by window_end (WindowEndViews) over a stream of inserts into ev.
func TestStreamDiffWindowEnd(t *testing.T) {
	seed := seed(t)
	runScenario(t, seed, scenario{name: "window_end", barrierMs: 10, flushP: 0.3, n: 80, tables: []string{"ev"}, views: WindowEndViews})
	if t.Failed() {
		t.Logf("reproduce with: go test ./tests/streamdiff -run TestStreamDiffWindowEnd -args -seed %d", seed)
	}
}

// TestStreamDiffNonFinite runs the stream with NaN and infinite doubles
// among acc.score: aggregates over them must come back to finite values
// once those rows are gone.
func TestStreamDiffNonFinite(t *testing.T) {
	seed := seed(t)
	n := 100
	runScenario(t, seed, scenario{name: "non_finite", barrierMs: 10, flushP: 0.3, n: n, tables: []string{"acc"}, views: Views, nonFinite: true})
	if t.Failed() {
		t.Logf("reproduce with: go test ./tests/streamdiff -run TestStreamDiffNonFinite -args -seed %d", seed)
	}
}

// runner holds one run's connections and progress.
type runner struct {
	t        *testing.T
	seed     int64
	sc       scenario
	eddy, pg *pgconn.PgConn
	// eddy2 is a second session on Eddy (twoSessions), or nil.
	eddy2 *pgconn.PgConn
	gen   *Generator
	// history holds the statements run so far, numbered from 1.
	history []string
	views   []View
	// failed counts the mismatching comparisons per view; only the first
	// is reported in full.
	failed   map[string]int
	flushes  int
	compared int
	// script is everything run on Eddy, for -dump.
	script []string
}

func runScenario(t *testing.T, seed int64, sc scenario) {
	r := &runner{t: t, seed: seed, sc: sc, gen: NewGenerator(seed, sc.tables...), failed: map[string]int{}}
	r.gen.NonFinite = sc.nonFinite
	srv := eddytest.Start(t)
	r.eddy = connect(t, "eddy", srv.DSN)
	r.pg = connect(t, "postgres", pgtest.Shared(t).DSN)
	defer r.eddy.Close(context.Background())
	defer r.pg.Close(context.Background())
	start := time.Now()

	defer r.dump()
	r.must(r.eddy, "eddy", fmt.Sprintf("SET barrier_interval_ms = %d", sc.barrierMs))
	if sc.twoSessions {
		r.eddy2 = connect(t, "eddy", srv.DSN)
		defer r.eddy2.Close(context.Background())
	}
	if sc.implicitFlush {
		for _, c := range []*pgconn.PgConn{r.eddy, r.eddy2} {
			if c != nil {
				r.must(c, "eddy", "SET RW_IMPLICIT_FLUSH TO true")
			}
		}
	}
	for _, tbl := range Tables {
		r.must(r.eddy, "eddy", tbl.Eddy)
		r.must(r.pg, "postgres", tbl.Postgres)
	}
	created := sc.backfill == 0
	if created {
		r.createViews()
	}
	for i := 1; i <= sc.n; i++ {
		wasInTxn := r.gen.InTransaction()
		sql := r.gen.Next(r.state())
		standalone := !wasInTxn && !r.gen.InTransaction()
		r.history = append(r.history, sql)
		if res := r.run(r.pg, sql); res.Err != nil {
			t.Fatalf("seed %d: statement %d failed on postgres (a generator fault): %s\n    %s", seed, i, ErrText(res.Err), sql)
		}
		// Statements outside transactions go through either session.
		conn := r.eddy
		if standalone && r.eddy2 != nil && r.gen.Chance(0.5) {
			conn = r.eddy2
		}
		if res := r.run(conn, sql); res.Err != nil {
			t.Fatalf("seed %d: statement %d failed on eddy, not on postgres: %s\n    %s%s", seed, i, ErrText(res.Err), sql, r.recent())
		}
		if r.gen.InTransaction() {
			continue
		}
		switch {
		case !created && i >= sc.backfill:
			// The views backfill from the rows written so far.
			r.flush()
			r.createViews()
			created = true
			r.compare(i)
		case created && sc.implicitFlush && standalone && r.gen.Chance(sc.flushP):
			// The statement returned once every view reflected it.
			r.compare(i)
		case created && (i == sc.n || (!sc.implicitFlush && r.gen.Chance(sc.flushP))):
			r.flush()
			r.compare(i)
		}
	}
	// A transaction still open at the end commits.
	if r.gen.InTransaction() {
		r.must(r.pg, "postgres", "COMMIT")
		r.must(r.eddy, "eddy", "COMMIT")
		r.history = append(r.history, "COMMIT")
		r.flush()
		r.compare(len(r.history))
	}

	if r.compared == 0 {
		t.Errorf("seed %d, %s: no view was compared", seed, sc.name)
	}
	counts := make([]string, 0, len(Tables))
	for _, tbl := range Tables {
		res := r.run(r.pg, "SELECT count(*) FROM "+tbl.Name)
		if res.Err == nil && len(res.Rows) == 1 {
			counts = append(counts, tbl.Name+" "+res.Rows[0][0])
		}
	}
	var bad []string
	for name, n := range r.failed {
		bad = append(bad, fmt.Sprintf("%s (%d)", name, n))
	}
	t.Logf("seed %d, %s: %d statements, %d flushes, %d view comparisons in %v; final rows: %s; views that differed: %d %v",
		seed, sc.name, len(r.history), r.flushes, r.compared, time.Since(start).Round(time.Millisecond),
		strings.Join(counts, ", "), len(bad), bad)
}

func connect(t *testing.T, name, dsn string) *pgconn.PgConn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgconn.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect to %s: %v", name, err)
	}
	return conn
}

// run executes sql on conn within the statement time limit.
func (r *runner) run(conn *pgconn.PgConn, sql string) Result {
	if conn != r.pg && !strings.HasPrefix(sql, "SELECT") {
		r.script = append(r.script, sql)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *stmtTime)
	defer cancel()
	res := Run(ctx, conn, sql)
	if conn.IsClosed() {
		r.t.Fatalf("seed %d: connection lost running %s (%v)%s", r.seed, sql, res.Err, r.recent())
	}
	return res
}

// must runs sql and ends the run if it fails.
func (r *runner) must(conn *pgconn.PgConn, name, sql string) {
	r.t.Helper()
	if res := r.run(conn, sql); res.Err != nil {
		r.t.Fatalf("seed %d: %s: %s\n    %s", r.seed, name, ErrText(res.Err), sql)
	}
}

// state reads what the generator needs from PostgreSQL (inside an open
// transaction it sees the transaction's own writes).
func (r *runner) state() State {
	ctx, cancel := context.WithTimeout(context.Background(), *stmtTime)
	defer cancel()
	st, err := readState(ctx, r.pg)
	if err != nil {
		r.t.Fatalf("seed %d: %v", r.seed, err)
	}
	return st
}

// createViews creates the scenario's views on Eddy; one that fails is
// reported and left out of the comparisons.
func (r *runner) createViews() {
	for _, v := range r.sc.views {
		if res := r.run(r.eddy, v.Create()); res.Err != nil {
			r.t.Errorf("seed %d, %s: CREATE MATERIALIZED VIEW %s failed: %s\n    %s", r.seed, r.sc.name, v.Name, ErrText(res.Err), v.Create())
			continue
		}
		r.views = append(r.views, v)
	}
}

func (r *runner) flush() {
	r.flushes++
	if res := r.run(r.eddy, "FLUSH"); res.Err != nil {
		r.t.Fatalf("seed %d: FLUSH: %s", r.seed, ErrText(res.Err))
	}
}

// compare checks every view against its batch query on Eddy and its
// query on PostgreSQL, after statement number step.
func (r *runner) compare(step int) {
	for _, v := range r.views {
		r.compared++
		view := r.run(r.eddy, "SELECT * FROM "+v.Name)
		batch := r.run(r.eddy, v.BatchSQL())
		pg := r.run(r.pg, v.PostgresSQL())
		d := Diff("view", view, "postgres", pg)
		key := v.Name
		if d == "" {
			// The view is right; the batch query may still be wrong.
			if d = Diff("eddy batch", batch, "postgres", pg); d == "" {
				continue
			}
			key = v.Name + " (batch query)"
		}
		r.failed[key]++
		if r.failed[key] > 1 {
			continue
		}
		msg := fmt.Sprintf("seed %d, %s: %s differs after statement %d (flush %d): %s", r.seed, r.sc.name, key, step, r.flushes, indent(d))
		if key == v.Name {
			msg += "\n  view vs eddy batch: " + orSame(Diff("view", view, "eddy batch", batch))
			msg += "\n  eddy batch vs postgres: " + orSame(Diff("eddy batch", batch, "postgres", pg))
		}
		msg += fmt.Sprintf("\n  view: %s\n  postgres: %s%s", oneLine(v.Create()), oneLine(v.PostgresSQL()), r.recent())
		r.t.Error(msg)
	}
}

// dump writes the run's Eddy script to the -dump directory.
func (r *runner) dump() {
	if *dumpDir == "" {
		return
	}
	path := filepath.Join(*dumpDir, r.sc.name+".sql")
	if err := os.WriteFile(path, []byte(strings.Join(r.script, ";\n")+";\n"), 0o644); err != nil {
		r.t.Logf("dump: %v", err)
		return
	}
	r.t.Logf("the run's statements on eddy are in %s", path)
}

// recent lists the last statements run, numbered.
func (r *runner) recent() string {
	const show = 12
	var b strings.Builder
	from := max(0, len(r.history)-show)
	fmt.Fprintf(&b, "\n  statements %d..%d of %d:", from+1, len(r.history), len(r.history))
	for i := from; i < len(r.history); i++ {
		s := r.history[i]
		if len(s) > 300 {
			s = s[:300] + " ..."
		}
		fmt.Fprintf(&b, "\n    %d: %s", i+1, s)
	}
	return b.String()
}

func orSame(d string) string {
	if d == "" {
		return "same"
	}
	return indent(d)
}

func indent(s string) string { return strings.ReplaceAll(s, "\n", "\n  ") }

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestGeneratorDeterministic(t *testing.T) {
	st := State{AccIDs: []int{1, 2, 3, 5, 8}, TxRows: 40}
	gen := func(seed int64) []string {
		g := NewGenerator(seed)
		var out []string
		for range 200 {
			out = append(out, g.Next(st))
		}
		return out
	}
	a, b, c := gen(7), gen(7), gen(8)
	if strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Error("seed 7 gave two different sequences")
	}
	if strings.Join(a, "\n") == strings.Join(c, "\n") {
		t.Error("seeds 7 and 8 gave the same sequence")
	}
}

// TestGeneratorCoverage checks that a default-length stream holds every
// kind of statement the generator knows.
func TestGeneratorCoverage(t *testing.T) {
	g := NewGenerator(DefaultSeed)
	st := State{AccIDs: []int{1, 2, 3, 5, 8, 13, 21}, TxRows: 40}
	var all strings.Builder
	for range 300 {
		all.WriteString(g.Next(st) + "\n")
	}
	s := all.String()
	for _, want := range []string{
		"INSERT INTO acc", "UPDATE acc SET amount", "UPDATE acc SET id =", "DELETE FROM acc WHERE",
		"INSERT INTO tx", "UPDATE tx SET", "DELETE FROM tx WHERE",
		"INSERT INTO ev", "BEGIN\n", "COMMIT\n", "ROLLBACK\n", "NULL",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("300 statements of seed %d never contain %q", DefaultSeed, want)
		}
	}
}

// TestEvTimestampsNeverGoBack checks that no ev row could be late.
func TestEvTimestampsNeverGoBack(t *testing.T) {
	g := NewGenerator(3, "ev")
	var last time.Time
	n := 0
	for range 200 {
		sql := g.Next(State{})
		for _, part := range strings.Split(sql, "'")[1:] {
			ts, err := time.Parse("2006-01-02 15:04:05.999", part)
			if err != nil {
				continue
			}
			if ts.Before(last) {
				t.Fatalf("timestamp %s after %s in %s", ts, last, sql)
			}
			last = ts
			n++
		}
	}
	if n < 200 {
		t.Fatalf("only %d ev timestamps in 200 statements", n)
	}
}

// TestViewsCover checks that the views exercise every feature the test
// claims, have unique names, and that views over views compare with
// queries over the base tables.
func TestViewsCover(t *testing.T) {
	var all strings.Builder
	names := map[string]bool{}
	for _, v := range append(append([]View{}, Views...), WindowEndViews...) {
		if names[v.Name] {
			t.Errorf("view name %s used twice", v.Name)
		}
		names[v.Name] = true
		all.WriteString(v.Query + "\n")
		if strings.Contains(v.BatchSQL(), "EMIT ON WINDOW CLOSE") || strings.Contains(v.PostgresSQL(), "EMIT") {
			t.Errorf("%s: the batch queries keep EMIT ON WINDOW CLOSE", v.Name)
		}
		if strings.Contains(v.PostgresSQL(), "TUMBLE(") || strings.Contains(v.PostgresSQL(), "HOP(") {
			t.Errorf("%s: the PostgreSQL query uses TUMBLE or HOP", v.Name)
		}
		for _, other := range Views {
			if strings.Contains(v.BatchSQL(), "FROM "+other.Name+" ") {
				t.Errorf("%s: the batch query still reads view %s", v.Name, other.Name)
			}
		}
	}
	s := all.String()
	for _, want := range []string{
		"count(*)", "count(score)", "sum(", "avg(", "min(", "max(", "count(DISTINCT", "sum(DISTINCT", "FILTER (WHERE", "HAVING",
		" JOIN ", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN", " AND a.amount > t.qty", "UNION ALL", " UNION SELECT",
		"LIMIT 5", "OFFSET 2", "ROW_NUMBER() OVER (PARTITION BY", "rank() OVER", "dense_rank() OVER", "FROM (\n  SELECT acc_id", "TUMBLE(", "HOP(", "EMIT ON WINDOW CLOSE",
		"FROM v_agg ", "FROM v_join_agg ", "FROM ev e JOIN acc",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("no view contains %q", want)
		}
	}
	if len(Views) < 15 {
		t.Errorf("%d views, want at least 15", len(Views))
	}
}

func TestDiff(t *testing.T) {
	const i4, f8, num = 23, 701, 1700
	res := func(types []uint32, rows ...[]string) Result { return Result{Types: types, Rows: rows} }
	cases := []struct {
		name string
		a, b Result
		diff string // a prefix of the expected difference; "" for none
	}{
		{"same rows other order",
			res([]uint32{i4, i4}, []string{"1", "2"}, []string{"3", Null}),
			res([]uint32{i4, i4}, []string{"3", Null}, []string{"1", "2"}), ""},
		{"duplicates count",
			res([]uint32{i4}, []string{"1"}, []string{"1"}),
			res([]uint32{i4}, []string{"1"}), "rows differ (a 2 rows, b 1 rows)\n    only in a (1):\n      1"},
		{"NULL is not empty",
			res([]uint32{i4}, []string{""}),
			res([]uint32{i4}, []string{Null}), "rows differ"},
		{"numeric is exact",
			res([]uint32{num}, []string{"1.50"}),
			res([]uint32{num}, []string{"1.5"}), "rows differ"},
		{"double within tolerance",
			res([]uint32{f8}, []string{"0.30000000000000004"}),
			res([]uint32{f8}, []string{"0.3"}), ""},
		{"double beyond tolerance",
			res([]uint32{f8}, []string{"0.3000001"}),
			res([]uint32{f8}, []string{"0.3"}), "rows differ"},
		{"types",
			res([]uint32{i4}, []string{"1"}),
			res([]uint32{num}, []string{"1"}), "column types differ"},
		{"column count",
			res([]uint32{i4, i4}),
			res([]uint32{i4}), "column counts differ: a 2, b 1"},
		{"error", Result{Err: fmt.Errorf("boom")}, res([]uint32{i4}), "a failed: boom"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := Diff("a", c.a, "b", c.b)
			if c.diff == "" && d != "" {
				t.Errorf("got difference %q, want none", d)
			}
			if c.diff != "" && !strings.HasPrefix(d, c.diff) {
				t.Errorf("got difference %q, want one starting %q", d, c.diff)
			}
		})
	}
}

func TestCloseEnough(t *testing.T) {
	cases := []struct {
		x, y float64
		want bool
	}{
		{1, 1, true},
		{0, 0, true},
		{1, 1 + 1e-12, true},
		{1, 1 + 1e-8, false},
		{0, 1e-300, false},
		{-1, 1, false},
	}
	for _, c := range cases {
		if got := closeEnough(c.x, c.y); got != c.want {
			t.Errorf("closeEnough(%g, %g) = %v, want %v", c.x, c.y, got, c.want)
		}
	}
}
