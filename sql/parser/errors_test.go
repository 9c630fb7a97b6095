package parser

import (
	"testing"
)

// TestSyntaxErrors checks messages and positions. The cases marked pg
// were checked against a PostgreSQL 15 server: same SQLSTATE, message and
// position.
func TestSyntaxErrors(t *testing.T) {
	tests := []struct {
		sql  string
		msg  string
		pos  int
		code string // 42601 unless set
	}{
		// pg: PostgreSQL statements.
		{sql: "SELECT * FROMM t", msg: `syntax error at or near "FROMM"`, pos: 10},
		{sql: "SELECT 'é' FROMM t", msg: `syntax error at or near "t"`, pos: 18},
		{sql: "SELECT 1 +", msg: "syntax error at end of input", pos: 11},
		{sql: "SELECT 1 +;", msg: `syntax error at or near ";"`, pos: 11},
		{sql: "SELECT 1 +  -- c\n", msg: "syntax error at end of input", pos: 18},
		{sql: "SELECT 1; SELECT 2 +; SELECT 3", msg: `syntax error at or near ";"`, pos: 21},
		{sql: "SELECT 1; SELECT 'abc", msg: `unterminated quoted string at or near "'abc"`, pos: 18},
		{sql: "SELECT FROMM x; SELECT 'abc", msg: `unterminated quoted string at or near "'abc"`, pos: 24},
		{sql: "SELECT 'é', 'abc", msg: `unterminated quoted string at or near "'abc"`, pos: 13},
		{sql: `SELECT "abc`, msg: `unterminated quoted identifier at or near ""abc"`, pos: 8},
		{sql: "SELECT $$abc", msg: `unterminated dollar-quoted string at or near "$$abc"`, pos: 8},
		{sql: "SELECT /* abc", msg: `unterminated /* comment at or near "/* abc"`, pos: 8},
		{sql: "SELECT (1; SELECT 2)", msg: `syntax error at or near ";"`, pos: 10},
		{sql: "SELECT 1)", msg: `syntax error at or near ")"`, pos: 9},
		{sql: "SELECT 1e", msg: `trailing junk after numeric literal at or near "1e"`, pos: 8},
		{sql: `SELECT U&'\00zz'`, msg: "invalid Unicode escape", pos: 11},
		{sql: "select é from", msg: "syntax error at end of input", pos: 14},
		{sql: "  \n\n SELECT\n 1 2", msg: `syntax error at or near "2"`, pos: 16},
		{sql: "INSERT INTO t VALUES (1,", msg: "syntax error at end of input", pos: 25},
		{sql: "CREATE TABLE t", msg: "syntax error at end of input", pos: 15},
		{sql: "CREATE TABLE t (a int) PARTITION BY", msg: "syntax error at end of input", pos: 36},
		{sql: "SELECT 1; ; SELECT 2 2", msg: `syntax error at or near "2"`, pos: 22},
		{sql: "/* é */ SELECT x y z", msg: `syntax error at or near "z"`, pos: 20},
		{sql: "CREATE ASSERTION a CHECK (true)", msg: "CREATE ASSERTION is not yet implemented", code: "0A000"},
		{sql: `SELECT ""`, msg: `zero-length delimited identifier at or near """"`, pos: 8},
		{sql: "EXPLAIN SELECT 1 +", msg: "syntax error at end of input", pos: 19},
		{sql: "EXPLAIN", msg: "syntax error at end of input", pos: 8},
		{sql: "SHOW", msg: "syntax error at end of input", pos: 5},
		{sql: "SHOW ALL x", msg: `syntax error at or near "x"`, pos: 10},
		{sql: "DROP TABLE", msg: "syntax error at end of input", pos: 11},
		{sql: "BEGIN; SELECT 1 +", msg: "syntax error at end of input", pos: 18},
		{sql: "SELECT 1;;; SELECT +", msg: "syntax error at end of input", pos: 21},
		{sql: "CREATE TABLE t (a int PRIMARY KEY, b)", msg: `syntax error at or near ")"`, pos: 37},
		{sql: "CREATE TABLE t (a int) INHERITS", msg: "syntax error at end of input", pos: 32},
		{sql: "CREATE TEMP TABLE t (a int) ON COMMIT", msg: "syntax error at end of input", pos: 38},
		{sql: "CREATE TABLE IF NOT EXISTS t (a int, PRIMARY KEY (a, b)", msg: "syntax error at end of input", pos: 56},
		{sql: "CREATE TABLE t (a int) WITH (fillfactor=70) TABLESPACE", msg: "syntax error at end of input", pos: 55},
		{sql: "CREATE TABLE t (a int DEFAULT 1 +)", msg: `syntax error at or near ")"`, pos: 34},
		{sql: "CREATE TABLE t (a int DEFAULT (1 +)", msg: `syntax error at or near ")"`, pos: 35},
		{sql: "CREATE TABLE t (a int DEFAULT (1 +);", msg: `syntax error at or near ")"`, pos: 35},
		{sql: "CREATE TABLE t (LIKE x INCLUDING ALL) x", msg: `syntax error at or near "x"`, pos: 39},
		{sql: "CREATE TABLE t (a int) x; SELECT 1", msg: `syntax error at or near "x"`, pos: 24},
		{sql: "CREATE TABLE 1t (a int)", msg: `trailing junk after numeric literal at or near "1t"`, pos: 14},
		{sql: "CREATE TABLE t AS SELECT 1 +", msg: "syntax error at end of input", pos: 29},
		{sql: "CREATE TABLE t (a int) WITH (fillfactor=70) ORDER", msg: `syntax error at or near "ORDER"`, pos: 45},
		{sql: "CREATE MATERIALIZED VIEW mv AS SELECT 1 +", msg: "syntax error at end of input", pos: 42},
		{sql: "CREATE MATERIALIZED VIEW mv AS SELECT * FROMM t", msg: `syntax error at or near "FROMM"`, pos: 41},
		{sql: "CREATE MATERIALIZED VIEW mv AS INSERT INTO t VALUES (1)", msg: `syntax error at or near "INSERT"`, pos: 32},
		{sql: "CREATE MATERIALIZED VIEW mv AS", msg: "syntax error at end of input", pos: 31},
		{sql: "CREATE MATERIALIZED VIEW mv (a, b AS SELECT 1", msg: `syntax error at or near "AS"`, pos: 35},
		{sql: "CREATE MATERIALIZED VIEW mv", msg: "syntax error at end of input", pos: 28},
		{sql: "SHOW search_path x", msg: `syntax error at or near "x"`, pos: 18},
		{sql: "SHOW TRANSACTION ISOLATION LEVEL x", msg: `syntax error at or near "x"`, pos: 34},
		{sql: "EXPLAIN (VERBOSE) SELECT 1 +", msg: "syntax error at end of input", pos: 29},
		{sql: "EXPLAIN ANALYZE VERBOSE SELECT * FROMM t", msg: `syntax error at or near "FROMM"`, pos: 34},
		{sql: "EXPLAIN (SELECT 1 +)", msg: `syntax error at or near ")"`, pos: 20},

		// Eddy statements.
		{sql: "CREATE SOURCE s (a int) WITH (connector = 'kafka' topic = 'x')", msg: `syntax error at or near "topic"`, pos: 51},
		{sql: "CREATE SOURCE s WITH (connector = )", msg: `syntax error at or near ")"`, pos: 35},
		{sql: "CREATE SOURCE s WITH ()", msg: `syntax error at or near ")"`, pos: 23},
		{sql: "CREATE SOURCE s WITH (connector 'kafka')", msg: `syntax error at or near "'kafka'"`, pos: 33},
		{sql: "CREATE SOURCE s WITH (a = 1, a = 2)", msg: "conflicting or redundant options", pos: 30},
		{sql: "CREATE SOURCE s WITH (connector = 'x'", msg: "syntax error at end of input", pos: 38},
		{sql: "CREATE SOURCE s WITH (connector = 'x';", msg: `syntax error at or near ";"`, pos: 38},
		{sql: "CREATE SOURCE s WITH (connector='x') FORMAT PLAIN ENCODE", msg: "syntax error at end of input", pos: 57},
		{sql: "CREATE SOURCE s WITH (connector='x') FORMAT PLAIN JSON", msg: `syntax error at or near "JSON"`, pos: 51},
		{sql: "CREATE SOURCE s WITH (connector='x') FORMAT PLAIN ENCODE JSON (a = 'b') KEY ENCODE TEXT", msg: `syntax error at or near "KEY"`, pos: 73},
		{sql: "CREATE SOURCE s (a int) APPEND ONLY WITH (connector='x')", msg: `syntax error at or near "APPEND"`, pos: 25},
		{sql: "CREATE SOURCE s (a int,, b int) WITH (connector='x')", msg: `syntax error at or near ","`, pos: 24},
		{sql: "CREATE SOURCE s (a intt int) WITH (connector='x')", msg: `syntax error at or near "int"`, pos: 25},
		{sql: "CREATE SOURCE s (a int DEFAULT (1 +) WITH (connector='x')", msg: `syntax error at or near ")"`, pos: 36},
		{sql: "CREATE SOURCE s (a int, s STRUCT<x int, y>) WITH (connector='x')", msg: `syntax error at or near ">"`, pos: 42},
		{sql: "CREATE SOURCE s (ts timestamp, WATERMARK FOR ts ts - 1) WITH (connector='x')", msg: `syntax error at or near "ts"`, pos: 49},
		{sql: "CREATE SOURCE s WITH (connector='x') INCLUDE", msg: "syntax error at end of input", pos: 45},
		{sql: "CREATE SOURCE s WITH (connector='x') WITH (topic='y')", msg: `syntax error at or near "WITH"`, pos: 38},
		{sql: "CREATE SOURCE WITH (connector='x')", msg: `syntax error at or near "WITH"`, pos: 15},
		{sql: "CREATE SOURCE é WITH (a = 'é', b c)", msg: `syntax error at or near "c"`, pos: 34},
		{sql: "SELECT 1; CREATE SOURCE s WITH (a b)", msg: `syntax error at or near "b"`, pos: 35},
		{sql: "CREATE SOURCE s WITH (a = 'x)", msg: `unterminated quoted string at or near "'x)"`, pos: 27},
		{sql: "SELECT 1 +; CREATE SOURCE", msg: `syntax error at or near ";"`, pos: 11},
		{sql: "CREATE TABLE t (a int, WATERMARK FOR a AS a -)", msg: `syntax error at or near ")"`, pos: 46},
		{sql: "CREATE TABLE t (a int, WATERMARK FOR a AS a -, b int)", msg: `syntax error at or near ","`, pos: 46},
		{sql: "CREATE TABLE é (ts timestamp, WATERMARK FOR ts AS ts - é é)", msg: `syntax error at or near "é"`, pos: 58},
		{sql: "CREATE TABLE t (a int AS)", msg: `syntax error at or near ")"`, pos: 25},
		{sql: "CREATE TABLE t (a int) APPEND", msg: "syntax error at end of input", pos: 30},
		{sql: "CREATE TABLE t (a int) APPEND ONLY APPEND ONLY", msg: `syntax error at or near "APPEND"`, pos: 36},
		{sql: "CREATE TABLE t (a int) ON CONFLICT DO", msg: "syntax error at end of input", pos: 38},
		{sql: "CREATE TABLE t (a int) ON CONFLICT DO UPDATE IF NOT", msg: "syntax error at end of input", pos: 52},
		{sql: "CREATE TABLE t (a int) ON CONFLICT DO SOMETHING", msg: `syntax error at or near "SOMETHING"`, pos: 39},
		{sql: "CREATE TABLE t (a int) WITH (connector = 'kafka') FORMAT PLAIN ENCODE JSON x", msg: `syntax error at or near "x"`, pos: 76},
		{sql: "CREATE TABLE t (a int) WITH (connector = 'kafka') PARTITION BY", msg: "syntax error at end of input", pos: 63},
		{sql: "CREATE TABLE t WITH (connector = 'kafka') x FORMAT PLAIN ENCODE JSON", msg: `syntax error at or near "x"`, pos: 43},
		{sql: "CREATE MATERIALIZED VIEW mv AS SELECT 1 EMIT ON WINDOW", msg: `syntax error at or near "ON"`, pos: 46},
		{sql: "CREATE MATERIALIZED VIEW mv AS EMIT ON WINDOW CLOSE", msg: `syntax error at or near "EMIT"`, pos: 32},
		{sql: "CREATE MATERIALIZED VIEW mv WITH (a = 1 AS SELECT 1", msg: `syntax error at or near "AS"`, pos: 41},
		{sql: "CREATE SINK s FROM mv", msg: "syntax error at end of input", pos: 22},
		{sql: "CREATE SINK s FROM mv;", msg: `syntax error at or near ";"`, pos: 22},
		{sql: "CREATE SINK s mv WITH (connector = 'x')", msg: `syntax error at or near "mv"`, pos: 15},
		{sql: "CREATE SINK s AS SELECT FROMM x y WITH (connector = 'x')", msg: `syntax error at or near "y"`, pos: 33},
		{sql: "CREATE SINK s FROM mv EMIT ON WINDOW WITH (connector = 'x')", msg: `syntax error at or near "WITH"`, pos: 38},
		{sql: "CREATE SINK s FROM mv WITH (connector = 'x') FORMAT PLAIN ENCODE JSON junk", msg: `syntax error at or near "junk"`, pos: 71},
		{sql: "SHOW TABLES FROM", msg: "syntax error at end of input", pos: 17},
		{sql: "SHOW TABLES LIKE x", msg: `syntax error at or near "x"`, pos: 18},
		{sql: "SHOW CREATE", msg: "syntax error at end of input", pos: 12},
		{sql: "SHOW CREATE FOO x", msg: `syntax error at or near "FOO"`, pos: 13},
		{sql: "SHOW COLUMNS FROM", msg: "syntax error at end of input", pos: 18},
		{sql: "SHOW TABLES WHERE a = ", msg: "syntax error at end of input", pos: 23},
		{sql: "SHOW TABLES WHERE a, b", msg: `syntax error at or near ","`, pos: 20},
		{sql: "SHOW TABLES WHERE a FROM t", msg: `syntax error at or near "FROM"`, pos: 21},
		{sql: "SHOW select", msg: `syntax error at or near "select"`, pos: 6},
		{sql: "DESCRIBE", msg: "syntax error at end of input", pos: 9},
		{sql: "DESCRIBE t u", msg: `syntax error at or near "u"`, pos: 12},
		{sql: "FLUSH x", msg: `syntax error at or near "x"`, pos: 7},
		{sql: "DROP SOURCE", msg: "syntax error at end of input", pos: 12},
		{sql: "DROP SINK a, ", msg: "syntax error at end of input", pos: 14},
		{sql: "DROP SOURCE s CASCADE x", msg: `syntax error at or near "x"`, pos: 23},
		{sql: "EXPLAIN CREATE SOURCE s WITH (", msg: "syntax error at end of input", pos: 31},
		{sql: "EXPLAIN (VERBOSE", msg: "syntax error at end of input", pos: 17},
		{sql: "EXPLAIN (VERBOSE,) SELECT 1", msg: `syntax error at or near ")"`, pos: 18},
		{sql: "EXPLAIN VERBOSE", msg: "syntax error at end of input", pos: 16},
		{sql: "SELECT * FROM a JOIN b FOR SYSTEM_TIME AS OF PROCTIME() ON a.k = b.k WHERE", msg: "syntax error at end of input", pos: 75},
	}
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) {
			stmts, err := Parse(tt.sql)
			if err == nil {
				t.Fatalf("got %d statements, want an error", len(stmts))
			}
			if stmts != nil {
				t.Errorf("got statements %v with the error", stmts)
			}
			e := sqlErr(t, err)
			code := tt.code
			if code == "" {
				code = "42601"
			}
			eq(t, "code", e.Code, code)
			eq(t, "message", e.Message, tt.msg)
			eq(t, "position", e.Position, tt.pos)
		})
	}
}

// TestErrorTokenText checks that the token in "at or near" is shown as
// written, as PostgreSQL shows it (no Go escaping).
func TestErrorTokenText(t *testing.T) {
	tests := []struct{ sql, msg string }{
		{`SHOW TABLES LIKE "x"`, `syntax error at or near ""x""`},
		{`FLUSH E'a\\b'`, `syntax error at or near "E'a\\b'"`},
		{"FLUSH 'a'\n'b'", "syntax error at or near \"'a'\n'b'\""},
		{"FLUSH é", `syntax error at or near "é"`},
	}
	for _, tt := range tests {
		_, err := Parse(tt.sql)
		eq(t, tt.sql, sqlErr(t, err).Message, tt.msg)
	}
}
