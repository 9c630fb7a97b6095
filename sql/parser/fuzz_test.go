package parser

import (
	"errors"
	"os"
	"testing"
	"unicode/utf8"

	"github.com/eddy-db/eddy/sql/sqlerr"
)

var fuzzSeeds = []string{
	"",
	"-- ping",
	";",
	"SELECT 1; SELECT 2;;",
	"SELECT 'é' FROMM t",
	"SELECT 'abc",
	"SELECT $a$ ; $a$; SELECT E'\\'';",
	"CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END; SELECT 2",
	"CREATE TABLE t (a int PRIMARY KEY, ts timestamp, WATERMARK FOR ts AS ts - INTERVAL '5' SECOND, p timestamptz AS proctime(),) APPEND ONLY ON CONFLICT DO UPDATE IF NOT NULL INCLUDE key AS k INCLUDE header 'h' varchar AS h WITH (connector = 'kafka', properties.bootstrap.server = 'b:9092') FORMAT UPSERT ENCODE AVRO (schema.registry = 'http://sr')",
	"CREATE TABLE t WITH (connector = 'kafka') FORMAT PLAIN ENCODE AVRO (schema.registry = 'http://sr')",
	"CREATE TABLE t (s STRUCT<a int, b STRUCT<c int>>[]) ",
	"CREATE TABLE t AS SELECT 1",
	"CREATE SOURCE s (a int, PRIMARY KEY (a)) INCLUDE offset WITH (connector = 'datagen', fields.a.kind = 'sequence', k = E'x\\n', k2 = $$y$$, k3 = -1) FORMAT PLAIN ENCODE JSON",
	"CREATE MATERIALIZED VIEW mv (a) WITH (x = 1) AS SELECT a FROM TUMBLE(s, ts, INTERVAL '1' MINUTE) GROUP BY a EMIT ON WINDOW CLOSE",
	"CREATE SINK k INTO t (a) AS SELECT a FROM s EMIT ON WINDOW CLOSE",
	"CREATE SINK k FROM mv WITH (connector = 'kafka') FORMAT UPSERT ENCODE JSON (a = 'b') KEY ENCODE TEXT",
	"SHOW TABLES FROM public LIKE 'a%'; SHOW TIME ZONE; SHOW CREATE MATERIALIZED VIEW mv; SHOW TABLES WHERE a = 1",
	"DESCRIBE t; DESC t; FLUSH; DROP SOURCE IF EXISTS a, b CASCADE",
	"EXPLAIN (VERBOSE, FORMAT JSON) CREATE MATERIALIZED VIEW mv AS SELECT 1",
	"EXPLAIN ANALYZE SELECT * FROM a JOIN b FOR SYSTEM_TIME AS OF PROCTIME() ON a.k = b.k",
	"ALTER TABLE t SET PARALLELISM = 2; CREATE SUBSCRIPTION s FROM mv WITH (retention = '1D')",
	"CREATE TABLE é (ts timestamp, WATERMARK FOR ts AS ts - é é)",
	"CREATE SOURCE s (a int DEFAULT (1 +) WITH (connector='x')",
}

// FuzzParse checks that Parse never panics, that statements are slices of
// the input at their offsets, and that errors are *sqlerr.Error with a
// position inside the input. The seed corpus runs in the normal suite.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	for _, q := range nexmarkQueries {
		f.Add(q)
	}
	for _, file := range []string{"testdata/psql_meta.sql", "testdata/grafana_meta.sql"} {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		stmts, err := Parse(string(b))
		if err != nil {
			f.Fatal(err)
		}
		for _, st := range stmts {
			f.Add(st.SQL)
		}
	}
	f.Fuzz(func(t *testing.T, sql string) {
		stmts, err := Parse(sql)
		if err != nil {
			var e *sqlerr.Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%q): error %v is %T, not *sqlerr.Error", sql, err, err)
			}
			if e.Position < 0 || (utf8.ValidString(sql) && e.Position > utf8.RuneCountInString(sql)+1) {
				t.Fatalf("Parse(%q): position %d outside the input", sql, e.Position)
			}
			if stmts != nil {
				t.Fatalf("Parse(%q): statements returned with an error", sql)
			}
			return
		}
		for _, st := range stmts {
			checkStatement(t, sql, st)
		}
	})
}
