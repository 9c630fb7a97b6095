package differential

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"

	"github.com/eddy-db/eddy/internal/pgtest"
	"github.com/eddy-db/eddy/tests/internal/eddytest"
)

// DefaultSeed is the seed when neither -seed nor EDDY_DIFF_SEED gives one.
const DefaultSeed = 1

var (
	seedFlag  = flag.Int64("seed", 0, "generator seed (default: $EDDY_DIFF_SEED, else 1)")
	nFlag     = flag.Int("n", 400, "number of queries TestDifferential runs")
	onlyFlag  = flag.Int("only", 0, "run only query number N of the seed's sequence and show both results")
	queryTime = flag.Duration("query-timeout", 10*time.Second, "time after which a query is canceled (a hang guard: a canceled query is logged and skipped)")
)

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	pgtest.StopShared()
	os.Exit(code)
}

// seed returns the seed to use: -seed, else $EDDY_DIFF_SEED, else
// DefaultSeed.
func seed(t *testing.T) int64 {
	if *seedFlag != 0 {
		return *seedFlag
	}
	if s := os.Getenv("EDDY_DIFF_SEED"); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("EDDY_DIFF_SEED=%q: %v", s, err)
		}
		return v
	}
	return DefaultSeed
}

// server is one side of the comparison: a DSN and a connection, renewed
// when a query breaks it.
type server struct {
	name string
	dsn  string
	conn *pgconn.PgConn
}

// connect opens the connection. A query that outlives its context is
// canceled with a cancel request, and the connection closed only if the
// server does not stop it within a few seconds.
func (s *server) connect(t *testing.T) {
	t.Helper()
	cfg, err := pgconn.ParseConfig(s.dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: c, DeadlineDelay: 5 * time.Second}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgconn.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("connect to %s: %v", s.name, err)
	}
	s.conn = conn
}

func (s *server) close() {
	if s.conn != nil {
		s.conn.Close(context.Background())
	}
}

// run executes sql, reconnecting afterwards if the connection broke. It
// reports whether the query ran out of time.
func (s *server) run(t *testing.T, sql string) (res Result, timedOut bool) {
	ctx, cancel := context.WithTimeout(context.Background(), *queryTime)
	defer cancel()
	res = Run(ctx, s.conn, sql)
	timedOut = ctx.Err() != nil
	if s.conn.IsClosed() {
		s.connect(t)
	}
	return res, timedOut
}

// TestDifferential loads one generated schema and data set into Eddy and
// into PostgreSQL 15 and compares the results of generated SELECTs.
//
//	go test ./tests/differential -run TestDifferential -args -n 5000 -seed 42
func TestDifferential(t *testing.T) {
	seed := seed(t)
	n := *nFlag
	if testing.Short() && n > 100 {
		n = 100
	}
	g := NewGenerator(seed)
	eddy := &server{name: "eddy", dsn: eddytest.Start(t).DSN}
	pg := &server{name: "postgres", dsn: pgtest.Shared(t).DSN}
	eddy.connect(t)
	pg.connect(t)
	defer eddy.close()
	defer pg.close()

	for _, stmt := range g.Setup() {
		for _, s := range []*server{eddy, pg} {
			if res, _ := s.run(t, stmt); res.Err != nil {
				t.Fatalf("seed %d: setup on %s: %s\n    %.300s", seed, s.name, errText(res.Err), stmt)
			}
		}
	}
	// Inserts into Eddy's tables are visible once flushed.
	if res, _ := eddy.run(t, "FLUSH"); res.Err != nil {
		t.Fatalf("FLUSH: %s", errText(res.Err))
	}

	var ran, mismatches, pgErrors, genFaults, empty, rows int
	var timeouts []int
	var slowest time.Duration
	slowestQuery := 0
	start := time.Now()
	for i := 1; i <= n; i++ {
		q := g.Next()
		if *onlyFlag != 0 && i != *onlyFlag {
			continue
		}
		ran++
		want, pgLate := pg.run(t, q.SQL)
		began := time.Now()
		got, eddyLate := eddy.run(t, q.SQL)
		if d := time.Since(began); d > slowest {
			slowest, slowestQuery = d, i
		}
		if pgLate || eddyLate {
			// A hang guard, not a speed test: note it and go on.
			timeouts = append(timeouts, i)
			t.Logf("seed %d query %d: canceled after %v (postgres: %v, eddy: %v)\n    %s", seed, i, *queryTime, pgLate, eddyLate, q.SQL)
			continue
		}
		if *onlyFlag != 0 {
			t.Logf("seed %d query %d:\n    %s\n  eddy:     %s\n  postgres: %s", seed, i, q.SQL, Describe(got), Describe(want))
		}
		rows += len(want.Rows)
		if want.Err == nil && len(want.Rows) == 0 {
			empty++
		}
		if want.Err != nil {
			pgErrors++
			if fault := generatorFault(q, want); fault != "" {
				genFaults++
				t.Errorf("seed %d query %d: generator fault: %s\n    %s", seed, i, fault, q.SQL)
				continue
			}
		} else if q.ExpectError {
			genFaults++
			t.Errorf("seed %d query %d: generator fault: postgres accepted a query meant to fail\n    %s", seed, i, q.SQL)
			continue
		}
		if diff := Compare(q, got, want); diff != "" {
			mismatches++
			t.Errorf("seed %d query %d: %s\n    %s\n  eddy:     %s\n  postgres: %s", seed, i, diff, q.SQL,
				indent(Describe(got)), indent(Describe(want)))
		}
	}
	t.Logf("seed %d: %d queries in %v (%d rows, %d empty results, %d errors on postgres): %d mismatches, %d generator faults",
		seed, ran, time.Since(start).Round(time.Millisecond), rows, empty, pgErrors, mismatches, genFaults)
	t.Logf("slowest on eddy: query %d, %v; canceled: %v", slowestQuery, slowest.Round(time.Millisecond), timeouts)
	if t.Failed() {
		t.Logf("reproduce with: go test ./tests/differential -run TestDifferential -args -seed %d -n %d [-only N]", seed, n)
	}
}

func indent(s string) string { return strings.ReplaceAll(s, "\n", "\n  ") }

// generatorFault explains why PostgreSQL's error on q means the generator
// wrote a bad query (one PostgreSQL rejects without looking at the data),
// or returns "".
func generatorFault(q Query, want Result) string {
	if q.ExpectError {
		return ""
	}
	if strings.HasPrefix(want.Code, "42") || want.Code == "0A000" || want.Code == "connection" {
		return "postgres rejected it: " + errText(want.Err)
	}
	return ""
}

func TestGeneratorDeterministic(t *testing.T) {
	gen := func(seed int64) []string {
		g := NewGenerator(seed)
		out := g.Setup()
		for range 50 {
			out = append(out, g.Next().SQL)
		}
		return out
	}
	a, b, c := gen(7), gen(7), gen(8)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Error("seed 7 gave two different sequences")
	}
	if fmt.Sprint(a) == fmt.Sprint(c) {
		t.Error("seeds 7 and 8 gave the same sequence")
	}
}

// TestGeneratorCoverage checks that the default sequence exercises every
// construct the generator knows.
func TestGeneratorCoverage(t *testing.T) {
	g := NewGenerator(DefaultSeed)
	var all strings.Builder
	ordered := 0
	for range 400 {
		q := g.Next()
		all.WriteString(q.SQL + "\n")
		if q.Ordered {
			ordered++
		}
	}
	s := all.String()
	for _, want := range []string{
		"lower(", "upper(", "length(", "substr(", "concat(", " || ", "trim(", "coalesce(", "nullif(",
		"abs(", "round(", "date_trunc(", "extract(", "CASE WHEN", "CAST(",
		" AND ", " OR ", "NOT ", " IS NULL", " IS NOT NULL", " BETWEEN ", " IN (", " LIKE ", " ILIKE ",
		"GROUP BY", "HAVING", "count(*)", "count(DISTINCT", "sum(", "avg(", "min(", "max(",
		" JOIN ", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN", "EXISTS (", "IN (SELECT", "(SELECT ",
		"UNION ALL", " UNION ", "INTERSECT", "EXCEPT", "DISTINCT", "ORDER BY", "NULLS FIRST", "NULLS LAST",
		" DESC", "LIMIT", "OFFSET", "WITH ", "FROM (SELECT", "JOIN (SELECT", ".id = ", ".uid = ",
		"DISTINCT ON (", "FETCH FIRST", "USING (", "(VALUES ", "IS NOT DISTINCT FROM", "string_agg(",
		"bool_and(", "stddev", "FILTER (WHERE", "SELECT * FROM", "sqrt(",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("400 queries of seed %d never contain %q", DefaultSeed, want)
		}
	}
	if ordered < 50 {
		t.Errorf("only %d of 400 queries are ordered", ordered)
	}
}

func TestSetupData(t *testing.T) {
	g := NewGenerator(DefaultSeed)
	stmts := g.Setup()
	creates := 0
	for _, s := range stmts {
		if strings.HasPrefix(s, "CREATE TABLE") {
			creates++
		}
	}
	if creates != 4 {
		t.Errorf("%d CREATE TABLEs, want 4", creates)
	}
	for _, tbl := range g.ds.tables {
		if len(tbl.data) != tbl.rows {
			t.Errorf("%s has %d rows, want %d", tbl.name, len(tbl.data), tbl.rows)
		}
		// Keys are unique.
		if pk := tbl.pk(); len(pk) > 0 {
			seen := map[string]bool{}
			for _, row := range tbl.data {
				var k []string
				for _, c := range pk {
					k = append(k, row[tbl.colIndex(c)].s)
				}
				key := strings.Join(k, "/")
				if seen[key] {
					t.Errorf("%s: duplicate key %s", tbl.name, key)
				}
				seen[key] = true
			}
		}
		// Every nullable column holds NULLs and repeated values.
		for i, c := range tbl.cols {
			if c.pk {
				continue
			}
			nulls, distinct := 0, map[string]bool{}
			for _, row := range tbl.data {
				if row[i].null {
					nulls++
				} else {
					distinct[row[i].s] = true
				}
			}
			if nulls == 0 {
				t.Errorf("%s.%s holds no NULL", tbl.name, c.name)
			}
			if len(distinct) == len(tbl.data)-nulls {
				t.Errorf("%s.%s holds no repeated value", tbl.name, c.name)
			}
		}
	}
	s := strings.Join(stmts, "\n")
	for _, want := range []string{"'日本語", "''", "-", "'NaN'", "'Infinity'", "PRIMARY KEY (uid, seq)", "O''Reilly"} {
		if !strings.Contains(s, want) {
			t.Errorf("setup never contains %q", want)
		}
	}
}

func TestCompare(t *testing.T) {
	const i4, f8, txt = 23, 701, 25
	res := func(types []uint32, rows ...[]string) Result { return Result{Types: types, Rows: rows} }
	fail := func(code string) Result {
		return Result{Err: &pgconn.PgError{Code: code, Message: "m"}, Code: code}
	}
	cases := []struct {
		name      string
		q         Query
		got, want Result
		diff      string // a prefix of the expected difference; "" for none
	}{
		{"same rows other order", Query{},
			res([]uint32{i4, txt}, []string{"1", "a"}, []string{"2", null}),
			res([]uint32{i4, txt}, []string{"2", null}, []string{"1", "a"}), ""},
		{"order matters when ordered", Query{Ordered: true},
			res([]uint32{i4}, []string{"1"}, []string{"2"}),
			res([]uint32{i4}, []string{"2"}, []string{"1"}), "row 1 differs"},
		{"duplicates count", Query{},
			res([]uint32{i4}, []string{"1"}, []string{"1"}),
			res([]uint32{i4}, []string{"1"}), "rows differ (eddy 2 rows, postgres 1 rows)"},
		{"NULL is not empty", Query{},
			res([]uint32{txt}, []string{""}),
			res([]uint32{txt}, []string{null}), "rows differ"},
		{"text exactly", Query{},
			res([]uint32{txt}, []string{"1.0"}),
			res([]uint32{txt}, []string{"1"}), "rows differ"},
		{"double within tolerance", Query{},
			res([]uint32{f8}, []string{"0.30000000000000004"}, []string{"1e+20"}),
			res([]uint32{f8}, []string{"1.0000000000000001e+20"}, []string{"0.3"}), ""},
		{"double beyond tolerance", Query{},
			res([]uint32{f8}, []string{"0.3000001"}),
			res([]uint32{f8}, []string{"0.3"}), "rows differ"},
		{"fuzzy numeric column", Query{Fuzzy: []bool{true}},
			res([]uint32{1700}, []string{"2.0000000000000001"}),
			res([]uint32{1700}, []string{"2"}), ""},
		{"numeric is exact", Query{},
			res([]uint32{1700}, []string{"2.0000000000000001"}),
			res([]uint32{1700}, []string{"2"}), "rows differ"},
		{"NaN and infinities", Query{Ordered: true},
			res([]uint32{f8}, []string{"NaN"}, []string{"-Infinity"}),
			res([]uint32{f8}, []string{"NaN"}, []string{"-Infinity"}), ""},
		{"NaN is not a number", Query{},
			res([]uint32{f8}, []string{"NaN"}),
			res([]uint32{f8}, []string{"0"}), "rows differ"},
		{"types", Query{},
			res([]uint32{i4}, []string{"1"}),
			res([]uint32{20}, []string{"1"}), "column types differ: eddy (int4), postgres (int8)"},
		{"column count", Query{},
			res([]uint32{i4, i4}),
			res([]uint32{i4}), "column counts differ"},
		{"row count when ordered", Query{Ordered: true},
			res([]uint32{i4}, []string{"1"}),
			res([]uint32{i4}, []string{"1"}, []string{"2"}), "row counts differ: eddy 1, postgres 2"},
		{"ties in any order", Query{Ordered: true},
			res([]uint32{1700, i4}, []string{"0", "1"}, []string{"0.000", "1"}, []string{"2", "0"}),
			res([]uint32{1700, i4}, []string{"0.000", "1"}, []string{"0", "1"}, []string{"2", "0"}), ""},
		{"ties still compare as text", Query{Ordered: true},
			res([]uint32{1700, i4}, []string{"0", "1"}, []string{"0", "1"}),
			res([]uint32{1700, i4}, []string{"0.000", "1"}, []string{"0", "1"}), "row 1 differs"},
		{"fuzzy intervals by length", Query{Fuzzy: []bool{true}},
			res([]uint32{1186}, []string{"1 day"}, []string{"-1 mons"}),
			res([]uint32{1186}, []string{"-30 days"}, []string{"24:00:00"}), ""},
		{"intervals exactly", Query{},
			res([]uint32{1186}, []string{"1 day"}),
			res([]uint32{1186}, []string{"24:00:00"}), "rows differ"},
		{"same error", Query{}, fail("22012"), fail("22012"), ""},
		{"other error", Query{}, fail("22003"), fail("22012"), "errors differ: eddy 22003 m, postgres 22012 m"},
		{"only eddy fails", Query{}, fail("XX000"), res([]uint32{i4}), "eddy failed, postgres did not: XX000"},
		{"only postgres fails", Query{}, res([]uint32{i4}), fail("22012"), "postgres failed, eddy did not: 22012"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := Compare(c.q, c.got, c.want)
			if c.diff == "" && d != "" {
				t.Errorf("got difference %q, want none", d)
			}
			if c.diff != "" && !strings.HasPrefix(d, c.diff) {
				t.Errorf("got difference %q, want one starting %q", d, c.diff)
			}
		})
	}
}

func TestMultisetDiff(t *testing.T) {
	a := [][]string{{"1", "x"}, {"1", "x"}, {"2", "y"}, {"0.1", "z"}}
	b := [][]string{{"1", "x"}, {"3", "y"}, {"0.10000000000000001", "z"}}
	onlyA, onlyB := multisetDiff(a, b, []bool{true, false})
	if got := fmt.Sprint(onlyA); got != "[[1 x] [2 y]]" {
		t.Errorf("only in a = %s, want [[1 x] [2 y]]", got)
	}
	if got := fmt.Sprint(onlyB); got != "[[3 y]]" {
		t.Errorf("only in b = %s, want [[3 y]]", got)
	}
}

func TestIntervalMicros(t *testing.T) {
	const s, day = 1_000_000, 86_400_000_000
	cases := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"00:00:00", 0, true},
		{"1 day", day, true},
		{"-1 days +02:00:00", -day + 7200*s, true},
		{"1 year 2 mons 3 days 04:05:06.5", 14*30*day + 3*day + (4*3600+5*60+6)*s + s/2, true},
		{"-1 years -2 mons -3 days -04:05:06", -(14*30*day + 3*day + (4*3600+5*60+6)*s), true},
		{"-00:00:00.000001", -1, true},
		{"1 fortnight", 0, false},
		{"abc", 0, false},
		{"", 0, false},
	}
	for _, c := range cases {
		got, ok := intervalMicros(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("intervalMicros(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestCanonicalDecimal(t *testing.T) {
	for in, want := range map[string]string{
		"1.500": "1.5", "1.000": "1", "-0.000": "0", "100": "100", "-2.50": "-2.5", "0.001": "0.001", "NaN": "NaN",
	} {
		if got := canonicalDecimal(in); got != want {
			t.Errorf("canonicalDecimal(%q) = %q, want %q", in, got, want)
		}
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
		{1e15, 1e15 + 1, true},
		{1, 1 + 1e-8, false},
		{0, 1e-300, false},
		{-1, 1, false},
		{math.NaN(), math.NaN(), true},
		{math.NaN(), 0, false},
		{math.Inf(1), math.Inf(1), true},
		{math.Inf(1), math.Inf(-1), false},
		{math.Inf(1), math.MaxFloat64, false},
	}
	for _, c := range cases {
		if got := closeEnough(c.x, c.y); got != c.want {
			t.Errorf("closeEnough(%g, %g) = %v, want %v", c.x, c.y, got, c.want)
		}
	}
}
