package parser

import (
	"strings"
	"testing"
)

func TestCreateTable(t *testing.T) {
	type want struct {
		name        string
		ifNotExists bool
		persistence string
		columns     []string
		primaryKey  []string
		watermarks  []string // "col: expr"
		generated   []string // "col: expr"
		appendOnly  bool
		onConflict  string
		includes    []Include
		with        Options
		format      string
		encode      string
		encodeOpts  Options
	}
	tests := []struct {
		sql  string
		want want
	}{
		{
			"CREATE TABLE t (v1 int, v2 int)",
			want{name: "t", persistence: "p", columns: []string{"v1 int4", "v2 int4"}},
		},
		{
			"create table IF NOT EXISTS Public.\"MyT\" (id BIGINT PRIMARY KEY, name varchar NOT NULL DEFAULT 'x')",
			want{name: "public.MyT", ifNotExists: true, persistence: "p", columns: []string{"id int8 PK", "name varchar NOT NULL DEFAULT"}},
		},
		{
			"CREATE TABLE t (a int, b int, c text, PRIMARY KEY (a, b))",
			want{name: "t", persistence: "p", columns: []string{"a int4", "b int4", "c text"}, primaryKey: []string{"a", "b"}},
		},
		{
			"CREATE TABLE t (v int) APPEND ONLY",
			want{name: "t", persistence: "p", columns: []string{"v int4"}, appendOnly: true},
		},
		{
			"CREATE TABLE t (k int PRIMARY KEY, v int) ON CONFLICT DO NOTHING",
			want{name: "t", persistence: "p", columns: []string{"k int4 PK", "v int4"}, onConflict: "DO NOTHING"},
		},
		{
			"CREATE TABLE t (k int PRIMARY KEY, v int) ON CONFLICT DO UPDATE FULL",
			want{name: "t", persistence: "p", columns: []string{"k int4 PK", "v int4"}, onConflict: "DO UPDATE FULL"},
		},
		{
			"CREATE TABLE t (k int PRIMARY KEY, v int) ON CONFLICT DO UPDATE IF NOT NULL",
			want{name: "t", persistence: "p", columns: []string{"k int4 PK", "v int4"}, onConflict: "DO UPDATE IF NOT NULL"},
		},
		{
			"CREATE TABLE t (k int PRIMARY KEY) ON CONFLICT OVERWRITE",
			want{name: "t", persistence: "p", columns: []string{"k int4 PK"}, onConflict: "DO UPDATE FULL"},
		},
		{
			"CREATE TABLE t (k int PRIMARY KEY) ON CONFLICT IGNORE",
			want{name: "t", persistence: "p", columns: []string{"k int4 PK"}, onConflict: "DO NOTHING"},
		},
		{
			"CREATE TABLE events (ts timestamptz, v int, WATERMARK FOR ts AS ts - INTERVAL '5 seconds') APPEND ONLY",
			want{name: "events", persistence: "p", columns: []string{"ts timestamptz", "v int4"},
				watermarks: []string{"ts: ts - '5 seconds'::interval"}, appendOnly: true},
		},
		{
			"CREATE TABLE events (WATERMARK FOR ts AS ts - INTERVAL '5' SECOND, ts timestamp, v int,)",
			want{name: "events", persistence: "p", columns: []string{"ts timestamp", "v int4"},
				watermarks: []string{"ts: ts - '5'::interval second"}},
		},
		{
			"CREATE TABLE t (v int, proc_time timestamptz AS proctime(), id int GENERATED ALWAYS AS (v + 1) STORED)",
			want{name: "t", persistence: "p", columns: []string{"v int4", "proc_time timestamptz", "id int4"},
				generated: []string{"proc_time: proctime()"}},
		},
		{
			"CREATE TEMP TABLE t (v int)",
			want{name: "t", persistence: "t", columns: []string{"v int4"}},
		},
		{
			"CREATE UNLOGGED TABLE t (v int)",
			want{name: "t", persistence: "u", columns: []string{"v int4"}},
		},
		{
			"CREATE TABLE t ()",
			want{name: "t", persistence: "p"},
		},
		{
			`CREATE TABLE IF NOT EXISTS kafka_t (id int, v varchar, PRIMARY KEY (id))
			INCLUDE key AS k
			INCLUDE partition
			INCLUDE offset AS o
			INCLUDE timestamp AS ts
			INCLUDE header 'trace-id' varchar AS trace
			WITH (
				connector = 'kafka',
				topic = 'x',
				properties.bootstrap.server = '127.0.0.1:9092',
				scan.startup.mode = 'earliest',
			) FORMAT UPSERT ENCODE JSON`,
			want{name: "kafka_t", ifNotExists: true, persistence: "p", columns: []string{"id int4", "v varchar"},
				primaryKey: []string{"id"},
				includes: []Include{
					{Kind: "KEY", Alias: "k"}, {Kind: "PARTITION"}, {Kind: "OFFSET", Alias: "o"},
					{Kind: "TIMESTAMP", Alias: "ts"}, {Kind: "HEADER", Extra: "trace-id", Type: "varchar", Alias: "trace"},
				},
				with: Options{
					{"connector", "kafka"}, {"topic", "x"},
					{"properties.bootstrap.server", "127.0.0.1:9092"}, {"scan.startup.mode", "earliest"},
				},
				format: "UPSERT", encode: "JSON"},
		},
		{
			"CREATE TABLE t WITH (connector = 'kafka', topic = 'avro', properties.bootstrap.server = 'broker:9092') FORMAT PLAIN ENCODE AVRO (schema.registry = 'http://sr:8081')",
			want{name: "t", persistence: "p",
				with:   Options{{"connector", "kafka"}, {"topic", "avro"}, {"properties.bootstrap.server", "broker:9092"}},
				format: "PLAIN", encode: "AVRO",
				encodeOpts: Options{{"schema.registry", "http://sr:8081"}}},
		},
		{
			"CREATE TABLE t (PRIMARY KEY (id)) WITH (connector = 'kafka') FORMAT UPSERT ENCODE AVRO (schema.registry = 'http://sr:8081', message = 'Rec')",
			want{name: "t", persistence: "p", primaryKey: []string{"id"},
				with:   Options{{"connector", "kafka"}},
				format: "UPSERT", encode: "AVRO",
				encodeOpts: Options{{"schema.registry", "http://sr:8081"}, {"message", "Rec"}}},
		},
		{
			// The clauses in another order than RisingWave's documentation
			// gives them, and a PostgreSQL clause among them.
			"CREATE TABLE s1 (i1 int, c1 varchar) WITH (connector = 'datagen', fields.i1.kind = 'sequence', fields.i1.start = 1, fields.i1.end = '10', datagen.rows.per.second = 10) APPEND ONLY FORMAT plain encode json",
			want{name: "s1", persistence: "p", columns: []string{"i1 int4", "c1 varchar"}, appendOnly: true,
				with: Options{
					{"connector", "datagen"}, {"fields.i1.kind", "sequence"}, {"fields.i1.start", "1"},
					{"fields.i1.end", "10"}, {"datagen.rows.per.second", "10"},
				},
				format: "PLAIN", encode: "JSON"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) {
			n := eddyNode[*CreateTable](t, tt.sql)
			w := tt.want
			rv := n.Stmt.Relation
			name := rv.Relname
			if rv.Schemaname != "" {
				name = rv.Schemaname + "." + name
			}
			eq(t, "name", name, w.name)
			eq(t, "if not exists", n.Stmt.IfNotExists, w.ifNotExists)
			eq(t, "persistence", rv.Relpersistence, w.persistence)
			eqSlice(t, "columns", columnDefs(tableColumns(n.Stmt)), w.columns)
			eqSlice(t, "primary key", tablePrimaryKey(n.Stmt), w.primaryKey)
			var wms []string
			for _, wm := range n.Watermarks {
				wms = append(wms, wm.Column+": "+deparseExpr(t, wm.Expr))
			}
			eqSlice(t, "watermarks", wms, w.watermarks)
			var gens []string
			for _, g := range n.Generated {
				gens = append(gens, g.Column+": "+deparseExpr(t, g.Expr))
			}
			eqSlice(t, "generated", gens, w.generated)
			eq(t, "append only", n.AppendOnly, w.appendOnly)
			eq(t, "on conflict", n.OnConflict, w.onConflict)
			eqSlice(t, "includes", n.Includes, w.includes)
			eqSlice(t, "with", n.With, w.with)
			eq(t, "format", n.Format, w.format)
			eq(t, "encode", n.Encode, w.encode)
			eqSlice(t, "encode options", n.EncodeOptions, w.encodeOpts)
		})
	}
}

func TestCreateTableLocations(t *testing.T) {
	sql := "SELECT 1;\nCREATE TABLE t (a int, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND, ts timestamp) WITH (connector = 'kafka')"
	st := parseAll(t, sql)[1]
	n := st.Eddy.(*CreateTable)
	cols := tableColumns(n.Stmt)
	eq(t, "column ts at its location", st.SQL[cols[1].Location:cols[1].Location+2], "ts")
	eq(t, "watermark text", n.Watermarks[0].ExprText, "ts - INTERVAL '1' SECOND")
	ref := n.Watermarks[0].Expr.GetAExpr().Lexpr.GetColumnRef()
	eq(t, "watermark expr location", st.SQL[ref.Location:ref.Location+2], "ts")
	eq(t, "watermark expr location offset", int(ref.Location), 43)
}

func TestCreateTableStruct(t *testing.T) {
	sql := "CREATE TABLE t (id int, s STRUCT<a int, b STRUCT<c varchar, d int[]>>, arr STRUCT<x bigint>[], m int)"
	st := parseOne(t, sql)
	n := st.Eddy.(*CreateTable)
	cols := tableColumns(n.Stmt)
	eqSlice(t, "columns", columnDefs(cols), []string{"id int4", "s struct", "arr struct[]", "m int4"})
	fields := n.Structs[cols[1].TypeName.Location]
	eqSlice(t, "s fields", columnDefs(fields), []string{"a int4", "b struct"})
	eqSlice(t, "s.b fields", columnDefs(n.Structs[fields[1].TypeName.Location]), []string{"c varchar", "d int4[]"})
	eqSlice(t, "arr fields", columnDefs(n.Structs[cols[2].TypeName.Location]), []string{"x int8"})
	eq(t, "struct entries", len(n.Structs), 3)
}

func TestCreateSource(t *testing.T) {
	tests := []struct {
		sql  string
		want CreateSource
		cols []string
	}{
		{
			sql: `CREATE SOURCE IF NOT EXISTS website_visits_stream (
				timestamp timestamptz,
				user_id varchar,
				page_id varchar,
				action varchar
			) WITH (
				connector='kafka',
				topic='test',
				properties.bootstrap.server='localhost:9092',
				scan.startup.mode='earliest'
			) FORMAT PLAIN ENCODE JSON`,
			want: CreateSource{
				Name: "website_visits_stream", IfNotExists: true,
				With: Options{
					{"connector", "kafka"}, {"topic", "test"},
					{"properties.bootstrap.server", "localhost:9092"}, {"scan.startup.mode", "earliest"},
				},
				Format: "PLAIN", Encode: "JSON",
			},
			cols: []string{"timestamp timestamptz", "user_id varchar", "page_id varchar", "action varchar"},
		},
		{
			sql: `CREATE SOURCE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR,
				date_time TIMESTAMP, extra VARCHAR)
				WITH (connector = 'nexmark', nexmark.table.type = 'Bid', nexmark.split.num = '8')`,
			want: CreateSource{
				Name: "bid",
				With: Options{{"connector", "nexmark"}, {"nexmark.table.type", "Bid"}, {"nexmark.split.num", "8"}},
			},
			cols: []string{"auction int8", "bidder int8", "price int8", "channel varchar", "url varchar", "date_time timestamp", "extra varchar"},
		},
		{
			sql: "CREATE SOURCE s (k int PRIMARY KEY, v int, id int, PRIMARY KEY (id)) INCLUDE key AS kk WITH (connector = 'kafka', topic = 't') FORMAT UPSERT ENCODE AVRO (schema.registry = 'http://sr:8081') ",
			want: CreateSource{
				Name: "s", PrimaryKey: []string{"k", "id"},
				Includes: []Include{{Kind: "KEY", Alias: "kk"}},
				With:     Options{{"connector", "kafka"}, {"topic", "t"}},
				Format:   "UPSERT", Encode: "AVRO", EncodeOptions: Options{{"schema.registry", "http://sr:8081"}},
			},
			cols: []string{"k int4 PK", "v int4", "id int4"},
		},
		{
			sql: "CREATE SOURCE pg_mydb WITH (connector = 'postgres-cdc', hostname = '127.0.0.1', port = 5432, password = secret pg_pwd, database.name = 'mydb')",
			want: CreateSource{
				Name: "pg_mydb",
				With: Options{
					{"connector", "postgres-cdc"}, {"hostname", "127.0.0.1"}, {"port", "5432"},
					{"password", "secret pg_pwd"}, {"database.name", "mydb"},
				},
			},
		},
		{
			sql: `CREATE SOURCE s WITH ('connector' = 'mysql-cdc', "Case.Key" = E'a\'b', k2 = $$x$$, k3 = 'a''b', k4 = -1, k5 = true, k6 = earliest)`,
			want: CreateSource{
				Name: "s",
				With: Options{
					{"connector", "mysql-cdc"}, {"Case.Key", "a'b"}, {"k2", "x"}, {"k3", "a'b"},
					{"k4", "-1"}, {"k5", "true"}, {"k6", "earliest"},
				},
			},
		},
		{
			sql: "CREATE SOURCE s (v int) INCLUDE header AS hs INCLUDE payload WITH (connector = 'kafka') FORMAT PLAIN ENCODE PROTOBUF (message = 'pkg.Msg', schema.location = 'file:///x.pb')",
			want: CreateSource{
				Name:     "s",
				Includes: []Include{{Kind: "HEADER", Alias: "hs"}, {Kind: "PAYLOAD"}},
				With:     Options{{"connector", "kafka"}},
				Format:   "PLAIN", Encode: "PROTOBUF",
				EncodeOptions: Options{{"message", "pkg.Msg"}, {"schema.location", "file:///x.pb"}},
			},
			cols: []string{"v int4"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) {
			n := eddyNode[*CreateSource](t, tt.sql)
			w := tt.want
			eq(t, "name", n.Name, w.Name)
			eq(t, "if not exists", n.IfNotExists, w.IfNotExists)
			eqSlice(t, "columns", columnDefs(n.Columns), tt.cols)
			eqSlice(t, "primary key", n.PrimaryKey, w.PrimaryKey)
			eqSlice(t, "includes", n.Includes, w.Includes)
			eqSlice(t, "with", n.With, w.With)
			eq(t, "format", n.Format, w.Format)
			eq(t, "encode", n.Encode, w.Encode)
			eqSlice(t, "encode options", n.EncodeOptions, w.EncodeOptions)
			eq(t, "watermarks", len(n.Watermarks), 0)
		})
	}
}

// TestCreateSourceNexmark parses the combined Nexmark source of the
// benchmark: STRUCT columns, generated columns and a watermark.
func TestCreateSourceNexmark(t *testing.T) {
	sql := `CREATE SOURCE nexmark (
  event_type BIGINT,
  person  STRUCT<id BIGINT, name VARCHAR, email_address VARCHAR, credit_card VARCHAR,
                 city VARCHAR, state VARCHAR, date_time TIMESTAMP, extra VARCHAR>,
  auction STRUCT<id BIGINT, item_name VARCHAR, description VARCHAR, initial_bid BIGINT,
                 reserve BIGINT, date_time TIMESTAMP, expires TIMESTAMP, seller BIGINT,
                 category BIGINT, extra VARCHAR>,
  bid     STRUCT<auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR,
                 date_time TIMESTAMP, extra VARCHAR>,
  p_time TIMESTAMPTZ AS proctime(),                       -- optional, needed by q12
  date_time TIMESTAMP AS CASE WHEN event_type = 0 THEN (person).date_time
                              WHEN event_type = 1 THEN (auction).date_time
                              ELSE (bid).date_time END,    -- optional
  WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND -- optional
) WITH (connector = 'nexmark', nexmark.split.num = '8', nexmark.min.event.gap.in.ns = '0');`
	n := eddyNode[*CreateSource](t, sql)
	eq(t, "name", n.Name, "nexmark")
	eqSlice(t, "columns", columnDefs(n.Columns), []string{
		"event_type int8", "person struct", "auction struct", "bid struct", "p_time timestamptz", "date_time timestamp",
	})
	eqSlice(t, "bid fields", columnDefs(n.Structs[n.Columns[3].TypeName.Location]), []string{
		"auction int8", "bidder int8", "price int8", "channel varchar", "url varchar", "date_time timestamp", "extra varchar",
	})
	eq(t, "person fields", len(n.Structs[n.Columns[1].TypeName.Location]), 8)
	eq(t, "auction fields", len(n.Structs[n.Columns[2].TypeName.Location]), 10)
	eq(t, "generated", len(n.Generated), 2)
	eq(t, "p_time", n.Generated[0].Column+" = "+deparseExpr(t, n.Generated[0].Expr), "p_time = proctime()")
	eq(t, "date_time", n.Generated[1].Column+" = "+deparseExpr(t, n.Generated[1].Expr),
		"date_time = CASE WHEN event_type = 0 THEN (person).date_time WHEN event_type = 1 THEN (auction).date_time ELSE (bid).date_time END")
	eq(t, "watermark", n.Watermarks[0].Column+" = "+deparseExpr(t, n.Watermarks[0].Expr),
		"date_time = date_time - '4'::interval second")
	eqSlice(t, "with", n.With, Options{
		{"connector", "nexmark"}, {"nexmark.split.num", "8"}, {"nexmark.min.event.gap.in.ns", "0"},
	})
}

func TestCreateMaterializedView(t *testing.T) {
	tests := []struct {
		sql  string
		want CreateMaterializedView
		// query is the deparsed query.
		query string
	}{
		{
			sql:   "CREATE MATERIALIZED VIEW mv AS SELECT SUM(v1) AS sum_v1 FROM t",
			want:  CreateMaterializedView{Name: "mv", QueryText: "SELECT SUM(v1) AS sum_v1 FROM t"},
			query: "SELECT sum(v1) AS sum_v1 FROM t",
		},
		{
			sql: `CREATE MATERIALIZED VIEW IF NOT EXISTS s.window_count AS
SELECT window_start, window_end, COUNT(*)
FROM TUMBLE(events, event_time, INTERVAL '1' MINUTE)
GROUP BY window_start, window_end
EMIT ON WINDOW CLOSE`,
			want: CreateMaterializedView{Name: "s.window_count", IfNotExists: true, EmitOnWindowClose: true,
				QueryText: "SELECT window_start, window_end, COUNT(*)\nFROM TUMBLE(events, event_time, INTERVAL '1' MINUTE)\nGROUP BY window_start, window_end"},
			query: "SELECT window_start, window_end, count(*) FROM tumble(events, event_time, '1'::interval minute) GROUP BY window_start, window_end",
		},
		{
			sql:   "CREATE OR REPLACE MATERIALIZED VIEW mv (a, b) WITH (source_rate_limit = 100) AS VALUES (1, 2) EMIT IMMEDIATELY",
			want:  CreateMaterializedView{Name: "mv", OrReplace: true, Columns: []string{"a", "b"}, With: Options{{"source_rate_limit", "100"}}, QueryText: "VALUES (1, 2)"},
			query: "VALUES (1, 2)",
		},
		{
			sql:   "CREATE MATERIALIZED VIEW mv AS (SELECT 1 AS emit)",
			want:  CreateMaterializedView{Name: "mv", QueryText: "(SELECT 1 AS emit)"},
			query: "SELECT 1 AS emit",
		},
		{
			sql: `CREATE MATERIALIZED VIEW thread_view_count AS WITH t AS (
    SELECT target_id, COUNT() AS view_count, window_start as window_time
    FROM TUMBLE(user_behaviors, event_timestamp, INTERVAL '10 minutes')
    WHERE target_type = 'thread' AND behavior_type = 'show'
    GROUP BY target_id, window_start
)
SELECT target_id, SUM(t.view_count) AS view_count FROM t
WHERE window_time > ((SELECT MAX(window_time) FROM t) - INTERVAL '1 DAY')
GROUP BY target_id ORDER BY view_count`,
			want: CreateMaterializedView{Name: "thread_view_count"},
			query: "WITH t AS (SELECT target_id, count() AS view_count, window_start AS window_time FROM tumble(user_behaviors, event_timestamp, '10 minutes'::interval) " +
				"WHERE target_type = 'thread' AND behavior_type = 'show' GROUP BY target_id, window_start) SELECT target_id, sum(t.view_count) AS view_count FROM t " +
				"WHERE window_time > ((SELECT max(window_time) FROM t) - '1 DAY'::interval) GROUP BY target_id ORDER BY view_count",
		},
	}
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) {
			st := parseOne(t, tt.sql)
			n, ok := st.Eddy.(*CreateMaterializedView)
			if !ok {
				t.Fatalf("got %s", kind(st))
			}
			w := tt.want
			eq(t, "name", n.Name, w.Name)
			eq(t, "if not exists", n.IfNotExists, w.IfNotExists)
			eq(t, "or replace", n.OrReplace, w.OrReplace)
			eqSlice(t, "columns", n.Columns, w.Columns)
			eq(t, "emit on window close", n.EmitOnWindowClose, w.EmitOnWindowClose)
			eqSlice(t, "with", n.With, w.With)
			if w.QueryText != "" {
				eq(t, "query text", n.QueryText, w.QueryText)
			}
			eq(t, "query", deparse(t, n.Query), tt.query)
			// The query's locations are offsets into the statement.
			if strings.HasPrefix(n.QueryText, "SELECT ") {
				loc := n.Query.GetSelectStmt().TargetList[0].GetResTarget().Location
				eq(t, "first target location", int(loc), strings.Index(st.SQL, n.QueryText)+len("SELECT "))
			}
		})
	}
}

func TestCreateSink(t *testing.T) {
	tests := []struct {
		sql   string
		want  CreateSink
		query string
	}{
		{
			sql: "CREATE SINK s1 FROM mv1 WITH (connector = 'kafka', properties.bootstrap.server = 'localhost:9092', topic = 'test') FORMAT PLAIN ENCODE JSON (force_append_only = 'true')",
			want: CreateSink{Name: "s1", From: "mv1",
				With:   Options{{"connector", "kafka"}, {"properties.bootstrap.server", "localhost:9092"}, {"topic", "test"}},
				Format: "PLAIN", Encode: "JSON", EncodeOptions: Options{{"force_append_only", "true"}}},
		},
		{
			sql: "CREATE SINK IF NOT EXISTS nexmark_q0 AS SELECT auction, bidder, price, date_time FROM bid WITH (connector = 'blackhole', type = 'append-only', force_append_only = 'true')",
			want: CreateSink{Name: "nexmark_q0", IfNotExists: true, QueryText: "SELECT auction, bidder, price, date_time FROM bid",
				With: Options{{"connector", "blackhole"}, {"type", "append-only"}, {"force_append_only", "true"}}},
			query: "SELECT auction, bidder, price, date_time FROM bid",
		},
		{
			sql:   "CREATE SINK s INTO t (a, b) AS SELECT x, y FROM src",
			want:  CreateSink{Name: "s", Into: "t", IntoColumns: []string{"a", "b"}, QueryText: "SELECT x, y FROM src"},
			query: "SELECT x, y FROM src",
		},
		{
			sql:  "CREATE SINK s INTO t FROM mv",
			want: CreateSink{Name: "s", Into: "t", From: "mv"},
		},
		{
			sql: "CREATE SINK s FROM mv WITH (connector = 'kafka', topic = 'o', primary_key = 'k') FORMAT UPSERT ENCODE AVRO (schema.registry = 'http://sr') KEY ENCODE TEXT",
			want: CreateSink{Name: "s", From: "mv", With: Options{{"connector", "kafka"}, {"topic", "o"}, {"primary_key", "k"}},
				Format: "UPSERT", Encode: "AVRO", EncodeOptions: Options{{"schema.registry", "http://sr"}}, KeyEncode: "TEXT"},
		},
		{
			sql: "CREATE SINK s AS WITH w AS (SELECT 1 AS a) SELECT a FROM w EMIT ON WINDOW CLOSE WITH (connector = 'blackhole')",
			want: CreateSink{Name: "s", EmitOnWindowClose: true, QueryText: "WITH w AS (SELECT 1 AS a) SELECT a FROM w",
				With: Options{{"connector", "blackhole"}}},
			query: "WITH w AS (SELECT 1 AS a) SELECT a FROM w",
		},
		{
			sql: "CREATE SINK s AS SELECT CAST(ts AS timestamp WITH TIME ZONE) FROM t WITH (connector = 'blackhole')",
			want: CreateSink{Name: "s", QueryText: "SELECT CAST(ts AS timestamp WITH TIME ZONE) FROM t",
				With: Options{{"connector", "blackhole"}}},
			query: "SELECT ts::timestamp with time zone FROM t",
		},
	}
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) {
			n := eddyNode[*CreateSink](t, tt.sql)
			w := tt.want
			eq(t, "name", n.Name, w.Name)
			eq(t, "if not exists", n.IfNotExists, w.IfNotExists)
			eq(t, "from", n.From, w.From)
			eq(t, "into", n.Into, w.Into)
			eqSlice(t, "into columns", n.IntoColumns, w.IntoColumns)
			eq(t, "emit on window close", n.EmitOnWindowClose, w.EmitOnWindowClose)
			eqSlice(t, "with", n.With, w.With)
			eq(t, "format", n.Format, w.Format)
			eq(t, "encode", n.Encode, w.Encode)
			eqSlice(t, "encode options", n.EncodeOptions, w.EncodeOptions)
			eq(t, "key encode", n.KeyEncode, w.KeyEncode)
			eq(t, "query text", n.QueryText, w.QueryText)
			if tt.query == "" {
				if n.Query != nil {
					t.Errorf("query: got %v, want none", n.Query)
				}
			} else {
				eq(t, "query", deparse(t, n.Query), tt.query)
			}
		})
	}
}
