package pgcatalog

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/eddy-db/eddy/internal/pgtest"
	"github.com/eddy-db/eddy/tests/internal/eddytest"
)

// A dashboard's time range and interval, as Grafana's macros see them.
var (
	grafanaFrom = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	grafanaTo   = time.Date(2026, 11, 22, 6, 0, 0, 0, time.UTC)
)

// readingsSetup is a table and a one-minute TUMBLE view over it on Eddy;
// readingsSetupPostgres builds the same view on PostgreSQL with date_bin.
var (
	readingsTable = `CREATE TABLE readings (ts TIMESTAMPTZ, host VARCHAR, value DOUBLE PRECISION,
		bytes BIGINT, amount NUMERIC(10,2))`
	readingsSetup = []string{readingsTable,
		`CREATE MATERIALIZED VIEW readings_1m AS
		SELECT window_start, window_end, host, count(*) AS n, avg(value) AS avg_value,
			sum(bytes) AS bytes, sum(amount) AS amount
		FROM TUMBLE(readings, ts, INTERVAL '1 minute')
		GROUP BY window_start, window_end, host`,
	}
	readingsSetupPostgres = []string{readingsTable,
		`CREATE MATERIALIZED VIEW readings_1m AS
		SELECT date_bin('1 minute', ts, timestamptz 'epoch') AS window_start,
			date_bin('1 minute', ts, timestamptz 'epoch') + interval '1 minute' AS window_end,
			host, count(*) AS n, avg(value) AS avg_value, sum(bytes) AS bytes, sum(amount) AS amount
		FROM readings GROUP BY 1, 2, 3`,
	}
	// The last reading lies before the dashboard's range.
	readingsRows = `INSERT INTO readings VALUES
		('2026-11-22 00:00:05+00', 'a', 1.5, 100, 1.25),
		('2026-11-22 00:00:45+00', 'a', 2.5, 300, NULL),
		('2026-11-22 00:00:50+00', 'b', NULL, 50, 2),
		('2026-11-22 00:01:10+00', 'a', 4, NULL, 0.5),
		('2026-11-22 00:02:30+00', 'b', 8, 70, 1),
		('2026-11-22 00:02:31+00', 'b', 9, 80, 1),
		('2026-11-21 23:59:30+00', 'a', 100, 1, 1)`
)

// grafanaPanels are panel queries as a user writes them in Grafana, the
// format Grafana asks for, and the frames Grafana builds from Eddy's
// answer.
var grafanaPanels = []struct {
	name, format, sql, want string
}{
	{
		name:   "events per minute by host ($__timeGroupAlias, metric column)",
		format: "time_series",
		sql: `SELECT $__timeGroupAlias(window_start,'1m'), host AS metric, sum(n) AS value
			FROM readings_1m WHERE $__timeFilter(window_start) GROUP BY 1, 2 ORDER BY 1`,
		want: `columns: time numeric, metric character varying, value numeric
Time time: 2026-11-22T00:00:00Z 2026-11-22T00:01:00Z 2026-11-22T00:02:00Z
a float64: 2 1 null
b float64: 1 null 2`,
	},
	{
		name:   "one host's window values (time as timestamptz)",
		format: "time_series",
		sql: `SELECT window_start AS "time", avg_value, bytes, amount, n
			FROM readings_1m WHERE $__timeFilter(window_start) AND host = 'a' ORDER BY 1`,
		want: `columns: time timestamp with time zone, avg_value double precision, bytes numeric, amount numeric, n bigint
Time time: 2026-11-22T00:00:00Z 2026-11-22T00:01:00Z
avg_value float64: 2 4
bytes float64: 400 null
amount float64: 1.25 0.5
n float64: 2 1`,
	},
	{
		name:   "several series per host (long to wide, labels)",
		format: "time_series",
		sql: `SELECT $__time(window_start), host, avg_value, n
			FROM readings_1m WHERE $__timeFilter(window_start) ORDER BY 1, 2`,
		want: `columns: time timestamp with time zone, host character varying, avg_value double precision, n bigint
Time time: 2026-11-22T00:00:00Z 2026-11-22T00:01:00Z 2026-11-22T00:02:00Z
avg_value{host=a} float64: 2 4 null
n{host=a} float64: 2 1 null
avg_value{host=b} float64: null null 8.5
n{host=b} float64: 1 null 2`,
	},
	{
		name:   "epoch seconds ($__unixEpochGroupAlias, $__unixEpochFilter)",
		format: "time_series",
		sql: `SELECT $__unixEpochGroupAlias(epoch,'2m'), sum(n) AS events
			FROM (SELECT extract(epoch from window_start)::bigint AS epoch, n FROM readings_1m) e
			WHERE $__unixEpochFilter(epoch) GROUP BY 1 ORDER BY 1`,
		want: `columns: time double precision, events numeric
Time time: 2026-11-22T00:00:00Z 2026-11-22T00:02:00Z
events float64: 4 2`,
	},
	{
		name:   "$__timeEpoch",
		format: "time_series",
		sql: `SELECT $__timeEpoch(window_end), n AS "count"
			FROM readings_1m WHERE host = 'b' AND window_start >= $__timeFrom() AND window_start < $__timeTo() ORDER BY 1`,
		want: `columns: time numeric, count bigint
Time time: 2026-11-22T00:01:00Z 2026-11-22T00:03:00Z
count float64: 1 2`,
	},
	{
		name:   "table panel",
		format: "table",
		sql: `SELECT host, sum(n) AS events, max(window_end) AS last_window, avg(avg_value) AS mean,
				bool_and(amount > 1) AS big, $__unixEpochFrom() AS since
			FROM readings_1m WHERE $__timeFilter(window_start) GROUP BY host ORDER BY host`,
		want: `columns: host character varying, events numeric, last_window timestamp with time zone, mean double precision, big boolean, since integer
host string: a b
events float64: 3 3
last_window time: 2026-11-22T00:02:00Z 2026-11-22T00:03:00Z
mean float64: 3 8.5
big bool: false true
since int64: 1795305600 1795305600`,
	},
}

// TestGrafanaDataSource drives Eddy as Grafana's PostgreSQL data source
// does: a pgx pool, its health check (Ping), the settings-page probes and
// panel queries through PgConn().Exec (simple protocol, text results) with
// the macros expanded, and the schema look-ups through the pool's
// extended protocol. Each panel's answer becomes the frames Grafana would
// build (its column types, time column and long-to-wide rules), which
// must equal the expected ones and the frames built from PostgreSQL 15's
// answer over the same rows; then again with a session time zone that is
// not UTC.
func TestGrafanaDataSource(t *testing.T) {
	ctx := testContext(t)
	srv := eddytest.Start(t)
	eddyConn := connect(ctx, t, srv.DSN, readingsSetup...)
	if a := query(ctx, eddyConn, readingsRows); a.err != nil {
		t.Fatal(a.err)
	}
	if a := query(ctx, eddyConn, "FLUSH"); a.err != nil {
		t.Fatal(a.err)
	}

	eddyPool := grafanaPool(ctx, t, srv.DSN, "")
	if err := eddyPool.Ping(ctx); err != nil {
		t.Fatalf("health check: %v", err)
	}
	// The settings page's probes and the query builder's table list.
	probes := []struct{ sql, want string }{
		{"SELECT current_setting('server_version_num')::int/100 as version",
			"columns: version integer\nversion int64: 1500"},
		{"SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'",
			"columns: extversion text\nextversion string:"},
		{`SELECT quote_ident(table_name) AS "table" FROM information_schema.tables
			WHERE quote_ident(table_schema) = 'public' ORDER BY 1`,
			"columns: table text\ntable string: readings readings_1m"},
	}
	for _, p := range probes {
		if got := panelFrames(ctx, t, eddyPool, p.sql, "table"); got != p.want {
			t.Errorf("%s:\n%s\nwant\n%s", p.sql, got, p.want)
		}
	}

	pg := pgtest.Shared(t)
	pgConn := connect(ctx, t, pg.DSN, readingsSetupPostgres[0])
	if a := query(ctx, pgConn, readingsRows); a.err != nil {
		t.Fatal(a.err)
	}
	connect(ctx, t, pg.DSN, readingsSetupPostgres[1])
	pgPool := grafanaPool(ctx, t, pg.DSN, "")
	zonedPool := grafanaPool(ctx, t, srv.DSN, "Asia/Kolkata")

	for _, p := range grafanaPanels {
		sql := expandMacros(p.sql)
		got := panelFrames(ctx, t, eddyPool, sql, p.format)
		if got != p.want {
			t.Errorf("%s:\n%s\nwant\n%s\n%s", p.name, got, p.want, sql)
		}
		if pgGot := panelFrames(ctx, t, pgPool, sql, p.format); got != pgGot {
			t.Errorf("%s: Eddy:\n%s\nPostgreSQL 15:\n%s", p.name, got, pgGot)
		}
		if zoned := panelFrames(ctx, t, zonedPool, sql, p.format); zoned != got {
			t.Errorf("%s with TimeZone Asia/Kolkata:\n%s\nin UTC:\n%s", p.name, zoned, got)
		}
	}
}

// grafanaPool opens a pgx pool as Grafana does, optionally with a
// session time zone; it is closed when the test ends.
func grafanaPool(ctx context.Context, t *testing.T, dsn, zone string) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	if zone != "" {
		cfg.ConnConfig.RuntimeParams["timezone"] = zone
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// macro matches a Grafana macro call such as $__timeFilter(ts).
var macro = regexp.MustCompile(`\$__(\w+)\(([^)]*)\)`)

// expandMacros expands the macros of Grafana's PostgreSQL data source
// for the dashboard's range, as Grafana does before sending a query.
func expandMacros(sql string) string {
	from, to := grafanaFrom.Format(time.RFC3339), grafanaTo.Format(time.RFC3339)
	return macro.ReplaceAllStringFunc(sql, func(m string) string {
		parts := macro.FindStringSubmatch(m)
		var args []string
		for _, a := range strings.Split(parts[2], ",") {
			if a = strings.TrimSpace(a); a != "" {
				args = append(args, a)
			}
		}
		seconds := func() string {
			d, err := time.ParseDuration(strings.Trim(args[1], "'"))
			if err != nil {
				panic(err)
			}
			return strconv.Itoa(int(d.Seconds()))
		}
		switch parts[1] {
		case "time":
			return args[0] + ` AS "time"`
		case "timeEpoch":
			return "extract(epoch from " + args[0] + `) as "time"`
		case "timeFilter":
			return fmt.Sprintf("%s BETWEEN '%s' AND '%s'", args[0], from, to)
		case "timeFrom":
			return "'" + from + "'"
		case "timeTo":
			return "'" + to + "'"
		case "timeGroup":
			return fmt.Sprintf("floor(extract(epoch from %s)/%s)*%[2]s", args[0], seconds())
		case "timeGroupAlias":
			return fmt.Sprintf(`floor(extract(epoch from %s)/%s)*%[2]s AS "time"`, args[0], seconds())
		case "unixEpochFilter":
			return fmt.Sprintf("%[1]s >= %[2]d AND %[1]s <= %[3]d", args[0], grafanaFrom.Unix(), grafanaTo.Unix())
		case "unixEpochFrom":
			return strconv.FormatInt(grafanaFrom.Unix(), 10)
		case "unixEpochTo":
			return strconv.FormatInt(grafanaTo.Unix(), 10)
		case "unixEpochGroup":
			return fmt.Sprintf("floor((%s)/%s)*%[2]s", args[0], seconds())
		case "unixEpochGroupAlias":
			return fmt.Sprintf(`floor((%s)/%s)*%[2]s AS "time"`, args[0], seconds())
		}
		panic("macro not expanded: " + m)
	})
}

// panelFrames runs a query as Grafana runs a panel's query (simple
// protocol on a pooled connection) and returns the frame Grafana would
// build, written out by writeFrame.
func panelFrames(ctx context.Context, t *testing.T, pool *pgxpool.Pool, sql, format string) string {
	t.Helper()
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	// As ReadAll, but keeping the columns of a result without rows.
	var results []*pgconn.Result
	mrr := conn.Conn().PgConn().Exec(ctx, sql)
	for mrr.NextResult() {
		rr := mrr.ResultReader()
		res := &pgconn.Result{FieldDescriptions: slices.Clone(rr.FieldDescriptions())}
		for rr.NextRow() {
			var row [][]byte
			for _, v := range rr.Values() {
				row = append(row, slices.Clone(v))
			}
			res.Rows = append(res.Rows, row)
		}
		if res.CommandTag, err = rr.Close(); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		results = append(results, res)
	}
	if err := mrr.Close(); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	if len(results) != 1 {
		t.Fatalf("%s: %d results, want 1", sql, len(results))
	}
	f, err := buildFrame(conn.Conn().TypeMap(), results[0], format)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return f
}

// field is a column of a frame: its name, labels, value type (time,
// float64, int64, bool, json or string) and values (nil for NULL).
type field struct {
	name   string
	labels map[string]string
	typ    string
	values []any
}

// fieldType is the frame type Grafana gives a column of the given type:
// integers stay integers, numeric and floats become float64, dates and
// timestamps become times, json stays json, the rest becomes text.
func fieldType(oid uint32) string {
	switch oid {
	case pgtype.Int2OID, pgtype.Int4OID, pgtype.Int8OID:
		return "int64"
	case pgtype.Float4OID, pgtype.Float8OID, pgtype.NumericOID:
		return "float64"
	case pgtype.BoolOID:
		return "bool"
	case pgtype.TimestampOID, pgtype.TimestamptzOID, pgtype.DateOID:
		return "time"
	case pgtype.JSONOID, pgtype.JSONBOID:
		return "json"
	}
	return "string"
}

// decode reads one text- or binary-format value into the frame type.
func decode(m *pgtype.Map, oid uint32, format int16, src []byte, typ string) (any, error) {
	if src == nil {
		return nil, nil
	}
	var err error
	switch typ {
	case "int64":
		var v int64
		err = m.Scan(oid, format, src, &v)
		return v, err
	case "float64":
		var v float64
		err = m.Scan(oid, format, src, &v)
		return v, err
	case "bool":
		var v bool
		err = m.Scan(oid, format, src, &v)
		return v, err
	case "time":
		var v time.Time
		err = m.Scan(oid, format, src, &v)
		return v.UTC(), err
	case "json":
		if !json.Valid(src) {
			return nil, fmt.Errorf("invalid json %q", src)
		}
		return string(src), nil
	}
	if format == pgtype.TextFormatCode {
		return string(src), nil
	}
	var v string
	err = m.Scan(oid, format, src, &v)
	return v, err
}

// buildFrame turns a query result into the frame Grafana builds. For a
// time series, the column named time (a timestamp, or a number of epoch
// seconds) becomes the Time field, the other non-text columns become
// float64, and text columns turn a long frame into a wide one: one field
// per value column and combination of the text columns' values, labelled
// with them (or, with just time, metric and one value column, named after
// the metric).
func buildFrame(m *pgtype.Map, res *pgconn.Result, format string) (string, error) {
	var cols []string
	var fields []*field
	for _, fd := range res.FieldDescriptions {
		dt, ok := m.TypeForOID(fd.DataTypeOID)
		name := strconv.Itoa(int(fd.DataTypeOID))
		if ok {
			name = dt.Name
		}
		cols = append(cols, fd.Name+" "+pgTypeName(name))
		fields = append(fields, &field{name: fd.Name, typ: fieldType(fd.DataTypeOID)})
	}
	for _, row := range res.Rows {
		for i, fd := range res.FieldDescriptions {
			v, err := decode(m, fd.DataTypeOID, fd.Format, row[i], fields[i].typ)
			if err != nil {
				return "", fmt.Errorf("column %s: %w", fd.Name, err)
			}
			fields[i].values = append(fields[i].values, v)
		}
	}
	if format == "time_series" {
		var err error
		if fields, err = timeSeries(fields); err != nil {
			return "", err
		}
	}
	var b strings.Builder
	b.WriteString("columns: " + strings.Join(cols, ", "))
	for _, f := range fields {
		b.WriteString("\n" + f.name)
		if len(f.labels) > 0 {
			var ls []string
			for k, v := range f.labels {
				ls = append(ls, k+"="+v)
			}
			sort.Strings(ls)
			b.WriteString("{" + strings.Join(ls, ",") + "}")
		}
		b.WriteString(" " + f.typ + ":")
		for _, v := range f.values {
			b.WriteString(" " + formatValue(v))
		}
	}
	return b.String(), nil
}

// pgTypeName spells a type as format_type does.
func pgTypeName(name string) string {
	switch name {
	case "int4":
		return "integer"
	case "int8":
		return "bigint"
	case "float8":
		return "double precision"
	case "varchar":
		return "character varying"
	case "timestamptz":
		return "timestamp with time zone"
	case "bool":
		return "boolean"
	}
	return name
}

func formatValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case time.Time:
		return v.Format(time.RFC3339Nano)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return fmt.Sprint(v)
}

// timeSeries applies Grafana's time-series rules to a frame's fields.
func timeSeries(fields []*field) ([]*field, error) {
	ti := slices.IndexFunc(fields, func(f *field) bool { return f.name == "time" })
	if ti < 0 {
		return nil, fmt.Errorf("no time column")
	}
	tf := fields[ti]
	switch tf.typ {
	case "time":
	case "float64", "int64":
		for i, v := range tf.values {
			if v == nil {
				continue
			}
			sec, _ := v.(float64)
			if n, ok := v.(int64); ok {
				sec = float64(n)
			}
			whole, frac := math.Modf(sec)
			tf.values[i] = time.Unix(int64(whole), int64(frac*1e9)).UTC()
		}
		tf.typ = "time"
	default:
		return nil, fmt.Errorf("time column of type %s", tf.typ)
	}
	tf.name = "Time"
	var values, texts []*field
	for i, f := range fields {
		switch {
		case i == ti:
		case f.typ == "string":
			texts = append(texts, f)
		default:
			for j, v := range f.values {
				if n, ok := v.(int64); ok {
					f.values[j] = float64(n)
				}
			}
			f.typ = "float64"
			values = append(values, f)
		}
	}
	if len(texts) == 0 {
		return append([]*field{tf}, values...), nil
	}

	// Long to wide: rows must come in time order.
	times := []time.Time{}
	for i, v := range tf.values {
		t, _ := v.(time.Time)
		if i > 0 && t.Before(times[len(times)-1]) {
			return nil, fmt.Errorf("long series must be sorted ascending by time")
		}
		if len(times) == 0 || !t.Equal(times[len(times)-1]) {
			times = append(times, t)
		}
	}
	wide := &field{name: "Time", typ: "time"}
	for _, t := range times {
		wide.values = append(wide.values, t)
	}
	out := []*field{wide}
	series := map[string]*field{}
	row := -1
	for i := range tf.values {
		if i == 0 || !tf.values[i].(time.Time).Equal(tf.values[i-1].(time.Time)) {
			row++
		}
		labels := map[string]string{}
		var key []string
		for _, f := range texts {
			s, _ := f.values[i].(string)
			labels[f.name] = s
			key = append(key, f.name+"="+s)
		}
		for _, vf := range values {
			k := vf.name + "{" + strings.Join(key, ",") + "}"
			sf, ok := series[k]
			if !ok {
				sf = &field{name: vf.name, labels: labels, typ: "float64", values: make([]any, len(times))}
				series[k] = sf
				out = append(out, sf)
			}
			sf.values[row] = vf.values[i]
		}
	}
	// Time, metric and one value: each series is named after its metric.
	if len(fields) == 3 && len(texts) == 1 && texts[0].name == "metric" {
		for _, f := range out[1:] {
			f.name, f.labels = f.labels["metric"], nil
		}
	}
	return out, nil
}

// TestGrafanaSchemaHandler runs the statements of Grafana's newest schema
// handler, which uses the pool's extended protocol with parameters (and
// pgx's statement cache).
func TestGrafanaSchemaHandler(t *testing.T) {
	ctx := testContext(t)
	srv := eddytest.Start(t)
	connect(ctx, t, srv.DSN, append(setup, setupEddy)...)
	pool := grafanaPool(ctx, t, srv.DSN, "")
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()

	const tables = "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type IN ('BASE TABLE', 'VIEW') ORDER BY table_name"
	sd, err := conn.Conn().Prepare(ctx, "tables", tables)
	if err != nil {
		t.Fatal(err)
	}
	// As on PostgreSQL: the parameter and the column are of type name.
	if len(sd.ParamOIDs) != 1 || sd.ParamOIDs[0] != 19 || sd.Fields[0].DataTypeOID != 19 {
		t.Errorf("parameters %v, column type %d: want [19], 19", sd.ParamOIDs, sd.Fields[0].DataTypeOID)
	}
	names, err := collect(ctx, pool, tables, "public")
	if err != nil {
		t.Fatal(err)
	}
	// Materialized views are listed as views.
	if want := []string{"metrics", "mv_metrics", "v_metrics"}; !reflect.DeepEqual(names, want) {
		t.Errorf("tables: %v, want %v", names, want)
	}

	const columns = "SELECT column_name, data_type, udt_name, numeric_precision, numeric_scale FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position"
	cols, err := collect(ctx, pool, columns, "public", "metrics")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"id|integer|int4|32|0", "host|character varying|varchar|NULL|NULL",
		"ts|timestamp with time zone|timestamptz|NULL|NULL", "value|double precision|float8|53|NULL",
		"note|character varying|varchar|NULL|NULL", "amount|numeric|numeric|10|2",
	}
	if !reflect.DeepEqual(cols, want) {
		t.Errorf("columns:\n\t%s\nwant\n\t%s", strings.Join(cols, "\n\t"), strings.Join(want, "\n\t"))
	}
}

// collect runs a query with the extended protocol and returns its rows
// as "a|b|c" lines, NULL as "NULL".
func collect(ctx context.Context, pool *pgxpool.Pool, sql string, args ...any) ([]string, error) {
	rs, err := pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []string
	for rs.Next() {
		vals, err := rs.Values()
		if err != nil {
			return nil, err
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			if v == nil {
				parts[i] = "NULL"
			} else {
				parts[i] = fmt.Sprint(v)
			}
		}
		out = append(out, strings.Join(parts, "|"))
	}
	return out, rs.Err()
}
