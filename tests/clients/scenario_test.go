package clients

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

// typesColumns are the columns of the scenario table, one per basic type,
// in table order.
var typesColumns = []struct{ Name, Type string }{
	{"id", "int PRIMARY KEY"},
	{"c_bigint", "bigint"},
	{"c_smallint", "smallint"},
	{"c_double", "double precision"},
	{"c_real", "real"},
	{"c_numeric", "numeric"},
	{"c_varchar", "varchar"},
	{"c_text", "text"},
	{"c_bool", "boolean"},
	{"c_date", "date"},
	{"c_ts", "timestamp"},
	{"c_tstz", "timestamptz"},
	{"c_interval", "interval"},
	{"c_bytea", "bytea"},
	{"c_jsonb", "jsonb"},
}

// createTypesTable is the CREATE TABLE statement of the scenario table.
func createTypesTable(table string) string {
	defs := make([]string, len(typesColumns))
	for i, c := range typesColumns {
		defs[i] = c.Name + " " + c.Type
	}
	return fmt.Sprintf("CREATE TABLE %s (%s)", table, strings.Join(defs, ", "))
}

// columnList is the scenario table's column names, comma-separated.
func columnList() string {
	names := make([]string, len(typesColumns))
	for i, c := range typesColumns {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}

// insertTypes is the INSERT of one scenario row with $n parameters.
func insertTypes(table string) string {
	ps := make([]string, len(typesColumns))
	for i := range ps {
		ps[i] = fmt.Sprintf("$%d", i+1)
	}
	return fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", table, columnList(), strings.Join(ps, ", "))
}

// The scenario rows, as the Go drivers send them and as the other clients
// write them in their own languages:
//
//	id 1: maximum integers, a numeric with trailing zeros in its scale,
//	      a leap day, microseconds, a timestamptz at +05:30, an interval of
//	      years, months, days and seconds, bytes with a zero, a nested JSON;
//	id 2: minimum integers, a tiny negative double, a negative numeric,
//	      non-ASCII text (two- three- and four-byte UTF-8), a quote and a
//	      backslash, a timestamptz at -08:00, a negative month with positive
//	      days and negative seconds, an empty bytea;
//	id 3: NULL in every column but the key.
var (
	tstz1 = time.Date(2024, 6, 1, 12, 0, 0, 0, time.FixedZone("+05:30", 5*3600+30*60))
	tstz2 = time.Date(2000, 1, 1, 0, 0, 0, 0, time.FixedZone("-08", -8*3600))
)

const (
	varchar2 = "héllo wörld ✓ 日本語"
	text2    = `emoji 🚀, quote ' and backslash \`
	jsonb1   = `{"a": 1, "b": [true, null, "x"]}`
	jsonb2   = `{"e": {}, "k": "ü", "n": -1.5}`
	// interval1 is 1 year 2 mons 3 days 04:05:06.5 in microseconds of
	// its time part.
	interval1Micros = (4*3600+5*60+6)*1_000_000 + 500_000
)

var (
	maxInt64 int64 = math.MaxInt64
	minInt64 int64 = math.MinInt64
)

// The windowed view: an events table, a view that counts and sums its
// rows per one-minute TUMBLE window of a timestamptz column, rows inserted
// with parameters, FLUSH, the view read with a timestamptz parameter, one
// more row, FLUSH, one window read again.

// createEventsTable is the CREATE TABLE of the events table.
func createEventsTable(table string) string {
	return "CREATE TABLE " + table + " (id int PRIMARY KEY, ts timestamptz, amount int, price numeric)"
}

// insertEvent inserts one event with parameters (id, ts, amount, price).
func insertEvent(table string) string {
	return "INSERT INTO " + table + " (id, ts, amount, price) VALUES ($1, $2, $3, $4)"
}

// selectWindows reads the view from window $1 on.
func selectWindows(view string) string {
	return "SELECT window_start, window_end, n, total, revenue FROM " + view + " WHERE window_start >= $1 ORDER BY window_start"
}

// selectWindow reads one window.
func selectWindow(view string) string {
	return "SELECT n, total, revenue FROM " + view + " WHERE window_start = $1"
}

// streamSQL returns the templates ({view}, {table}) of the statement
// that creates the windowed view and of the one that waits until it
// reflects every committed row. On Eddy that is a materialized view over
// TUMBLE and FLUSH; PostgreSQL has neither, so there a plain view groups
// by date_bin (the same rows) and nothing needs to wait ("").
func streamSQL(tg target) (createView, flush string) {
	if tg.Postgres {
		bin := "date_bin('1 minute', ts, TIMESTAMPTZ '2000-01-01 00:00:00+00')"
		return "CREATE VIEW {view} AS SELECT " + bin + " AS window_start, " + bin + " + INTERVAL '1 minute' AS window_end, " +
			"count(*) AS n, sum(amount) AS total, sum(price) AS revenue FROM {table} GROUP BY 1, 2", ""
	}
	return "CREATE MATERIALIZED VIEW {view} AS SELECT window_start, window_end, count(*) AS n, sum(amount) AS total, " +
		"sum(price) AS revenue FROM TUMBLE({table}, ts, INTERVAL '1 minute') GROUP BY window_start, window_end", "FLUSH"
}

// expand fills a streamSQL template.
func expand(tmpl, view, table string) string {
	return strings.NewReplacer("{view}", view, "{table}", table).Replace(tmpl)
}

// streamEnv passes streamSQL to a script as VIEW_SQL and FLUSH_SQL.
func streamEnv(tg target) []string {
	v, f := streamSQL(tg)
	return []string{"VIEW_SQL=" + v, "FLUSH_SQL=" + f}
}

// The events, in the clients' own forms: ids 1-4 before the first read
// (the last at +02:00, NULL amount and NULL price on the way), id 5 into
// the first window after it. The windows from 12:00 UTC are then
// 12:00 (2 rows, 7, 3.75), 12:01 (1, 5, NULL), 12:31 (1, NULL, 10); and
// 12:00 becomes (3, 17, 4.00).
var (
	windowFrom = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	events     = []struct {
		ID     int32
		TS     time.Time
		Amount *int32
		Price  *string
	}{
		{1, time.Date(2024, 6, 1, 12, 0, 5, 0, time.UTC), ptr(int32(3)), ptr("1.50")},
		{2, time.Date(2024, 6, 1, 12, 0, 59, 999_000_000, time.UTC), ptr(int32(4)), ptr("2.25")},
		{3, time.Date(2024, 6, 1, 12, 1, 0, 0, time.UTC), ptr(int32(5)), nil},
		{4, time.Date(2024, 6, 1, 14, 31, 10, 0, time.FixedZone("+02", 2*3600)), nil, ptr("10")},
		{5, time.Date(2024, 6, 1, 12, 0, 30, 0, time.UTC), ptr(int32(10)), ptr("0.25")},
	}
)

func ptr[T any](v T) *T { return &v }

// The parameters step: one value of every type sent as a parameter and
// read back (then all of them NULL), with CAST rather than :: so that
// clients that write parameters into the SQL (psycopg2, psql) may write
// negative numbers.
var paramColumns = []struct {
	Name, Type string
	OID        uint32
}{
	{"p_bool", "boolean", 16}, {"p_int2", "smallint", 21}, {"p_int4", "integer", 23}, {"p_int8", "bigint", 20},
	{"p_float4", "real", 700}, {"p_float8", "double precision", 701}, {"p_numeric", "numeric", 1700},
	{"p_text", "text", 25}, {"p_varchar", "varchar", 1043}, {"p_bytea", "bytea", 17},
	{"p_date", "date", 1082}, {"p_time", "time", 1083}, {"p_ts", "timestamp", 1114},
	{"p_tstz", "timestamptz", 1184}, {"p_interval", "interval", 1186}, {"p_jsonb", "jsonb", 3802},
	{"p_uuid", "uuid", 2950}, {"p_int_array", "integer[]", 1007}, {"p_text_array", "text[]", 1009},
}

// paramsQuery selects its parameters, one per paramColumns entry.
func paramsQuery() string {
	cols := make([]string, len(paramColumns))
	for i, c := range paramColumns {
		cols[i] = fmt.Sprintf("CAST($%d AS %s) AS %s", i+1, c.Type, c.Name)
	}
	return "SELECT " + strings.Join(cols, ", ")
}

// The parameter values, as text; each client sends them in its own types.
const (
	paramNumeric = "-12345678901234567890.000123"
	paramText    = `it's a "text" \ ✓`
	paramVarchar = "välue"
	paramJSONB   = `{"a": [1, "x", null], "b": {"c": true}}`
	paramUUID    = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
	// paramTimeMicros is 23:59:59.999999.
	paramTimeMicros = int64(86_400_000_000 - 1)
)

var (
	paramBytea = []byte{0, 1, 0xfe, 0xff}
	paramDate  = time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)
	paramTS    = time.Date(2024, 2, 29, 13, 45, 30, 500_000_000, time.UTC)
	paramTSTZ  = time.Date(2024, 6, 1, 12, 0, 0, 0, time.FixedZone("+05:30", 5*3600+30*60))
	// paramTextArray holds a comma, a quote and a NULL, which array
	// literals must quote.
	paramTextArray = []*string{ptr("a"), ptr("b,c"), nil, ptr(`q"uote`)}
	paramIntArray  = []*int32{ptr(int32(1)), nil, ptr(int32(-3))}
)

// The failing statements of the errors step; after each, the same
// connection runs a query.
const (
	errNoTable  = `relation "no_such_table" does not exist`
	errDivision = "division by zero"
	errNoColumn = `column "no_such_column" does not exist`
	// The statement cancelled by the client's own cancel mechanism and by
	// statement_timeout.
	sleepQuery     = "SELECT pg_sleep(30)"
	errUserCancel  = "canceling statement due to user request"
	errTimeout     = "canceling statement due to statement timeout"
	timeoutSetting = "SET statement_timeout = '100ms'"
)

// setupStream creates the events table and the windowed view of a
// scenario, inserts the first events with parameters and flushes, through
// a client's exec. It returns the table's and the view's names and exec
// wrapped to fail the test on an error.
func setupStream(t *testing.T, tg target, prefix string, exec func(q string, args ...any) error) (table, view string, run func(q string, args ...any)) {
	t.Helper()
	table, view = prefix+"_events", prefix+"_per_minute"
	createView, flush := streamSQL(tg)
	run = func(q string, args ...any) {
		t.Helper()
		if q == "" {
			return
		}
		if err := exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	run(createEventsTable(table))
	run(expand(createView, view, table))
	for _, e := range events[:4] {
		run(insertEvent(table), e.ID, e.TS, e.Amount, e.Price)
	}
	run(flush)
	return table, view, run
}

// streamFlush is the statement that makes the view reflect what was
// written ("" when the target needs none).
func streamFlush(tg target) string {
	_, flush := streamSQL(tg)
	return flush
}
