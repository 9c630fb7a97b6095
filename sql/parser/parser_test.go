package parser

import (
	"fmt"
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	type want struct {
		sql    string
		offset int
		kind   string
	}
	tests := []struct {
		name string
		sql  string
		want []want
	}{
		{"empty", "", nil},
		{"whitespace", " \n\t ", nil},
		{"comment only", "-- ping", nil},
		{"comments and semicolons", "/* a */ ; -- b\n ;;", nil},
		{"lone semicolon", ";", nil},
		{"one", "SELECT 1", []want{{"SELECT 1", 0, "SelectStmt"}}},
		{"trailing semicolon", "SELECT 1;", []want{{"SELECT 1", 0, "SelectStmt"}}},
		{"two", "SELECT 1; SELECT 2;", []want{{"SELECT 1", 0, "SelectStmt"}, {"SELECT 2", 10, "SelectStmt"}}},
		{"empty statements dropped", ";;SELECT 1;;;SELECT 2;;", []want{{"SELECT 1", 2, "SelectStmt"}, {"SELECT 2", 13, "SelectStmt"}}},
		{"leading comment trimmed", "-- note\nSELECT 1 /* tail */;", []want{{"SELECT 1", 8, "SelectStmt"}}},
		{"inner comment kept", "SELECT /* x; y */ 1", []want{{"SELECT /* x; y */ 1", 0, "SelectStmt"}}},
		{"semicolon in string", "SELECT ';'; SELECT 2", []want{{"SELECT ';'", 0, "SelectStmt"}, {"SELECT 2", 12, "SelectStmt"}}},
		{"semicolon in escape string", `SELECT E'\';'; SELECT 2`, []want{{`SELECT E'\';'`, 0, "SelectStmt"}, {"SELECT 2", 15, "SelectStmt"}}},
		{"semicolon in quoted identifier", `SELECT 1 AS "a;b"; SELECT 2`, []want{{`SELECT 1 AS "a;b"`, 0, "SelectStmt"}, {"SELECT 2", 19, "SelectStmt"}}},
		{"semicolon in dollar quote", "SELECT $f$;$f$; SELECT 2", []want{{"SELECT $f$;$f$", 0, "SelectStmt"}, {"SELECT 2", 16, "SelectStmt"}}},
		{"semicolon in line comment", "SELECT 1 -- ;\n; SELECT 2", []want{{"SELECT 1", 0, "SelectStmt"}, {"SELECT 2", 16, "SelectStmt"}}},
		{"multibyte offsets", "SELECT 'é'; SELECT 'ü'", []want{{"SELECT 'é'", 0, "SelectStmt"}, {"SELECT 'ü'", 13, "SelectStmt"}}},
		{
			"function body BEGIN ATOMIC",
			"CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END; SELECT 3",
			[]want{
				{"CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END", 0, "CreateFunctionStmt"},
				{"SELECT 3", 107, "SelectStmt"},
			},
		},
		{
			"transaction BEGIN is not a body",
			"BEGIN; SELECT 1; COMMIT;",
			[]want{{"BEGIN", 0, "TransactionStmt"}, {"SELECT 1", 7, "SelectStmt"}, {"COMMIT", 17, "TransactionStmt"}},
		},
		{
			"mixed PostgreSQL and Eddy",
			"CREATE TABLE t (v int); INSERT INTO t VALUES (1); FLUSH; SELECT * FROM t",
			[]want{
				{"CREATE TABLE t (v int)", 0, "*parser.CreateTable"},
				{"INSERT INTO t VALUES (1)", 24, "InsertStmt"},
				{"FLUSH", 50, "*parser.Flush"},
				{"SELECT * FROM t", 57, "SelectStmt"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stmts := parseAll(t, tt.sql)
			if len(stmts) != len(tt.want) {
				t.Fatalf("got %d statements %v, want %d", len(stmts), stmts, len(tt.want))
			}
			for i, w := range tt.want {
				eq(t, "SQL", stmts[i].SQL, w.sql)
				eq(t, "Offset", stmts[i].Offset, w.offset)
				eq(t, "kind", kind(stmts[i]), w.kind)
			}
		})
	}
}

// TestPostgreSQLStatements checks that what PostgreSQL's grammar knows
// stays PostgreSQL's, including the statements whose first words look
// like Eddy's.
func TestPostgreSQLStatements(t *testing.T) {
	tests := []struct{ sql, kind string }{
		{"SELECT v FROM mv WHERE k = $1", "SelectStmt"},
		{"VALUES (1), (2)", "SelectStmt"},
		{"(SELECT 1) UNION ALL (SELECT 2)", "SelectStmt"},
		{"WITH x AS (SELECT 1) SELECT * FROM x", "SelectStmt"},
		{"INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y')", "InsertStmt"},
		{"UPDATE t SET a = a + 1 WHERE b = 'x'", "UpdateStmt"},
		{"DELETE FROM t WHERE a = 1", "DeleteStmt"},
		{"CREATE TABLE t AS SELECT 1 AS a", "CreateTableAsStmt"},
		{"CREATE TABLE t (a, b) AS SELECT 1, 2", "CreateTableAsStmt"},
		{"CREATE VIEW v AS SELECT 1", "ViewStmt"},
		{"CREATE INDEX idx ON mv (a) INCLUDE (b)", "IndexStmt"},
		{"CREATE SCHEMA s", "CreateSchemaStmt"},
		{"CREATE FUNCTION count_char(s varchar, c varchar) RETURNS int LANGUAGE SQL AS $$SELECT LENGTH(s) - LENGTH(REPLACE(s, c, ''))$$", "CreateFunctionStmt"},
		{"DROP TABLE t", "DropStmt"},
		{"DROP MATERIALIZED VIEW IF EXISTS mv CASCADE", "DropStmt"},
		{"DROP VIEW v", "DropStmt"},
		{"DROP INDEX idx", "DropStmt"},
		{"ALTER TABLE t RENAME TO u", "RenameStmt"},
		{"ALTER MATERIALIZED VIEW mv RENAME TO mv2", "RenameStmt"},
		{"ALTER TABLE t ADD COLUMN c int", "AlterTableStmt"},
		{"SET RW_IMPLICIT_FLUSH TO true", "VariableSetStmt"},
		{"SET search_path = public, pg_catalog", "VariableSetStmt"},
		{"SET TIME ZONE 'UTC'", "VariableSetStmt"},
		{"RESET ALL", "VariableSetStmt"},
		{"BEGIN", "TransactionStmt"},
		{"START TRANSACTION ISOLATION LEVEL REPEATABLE READ", "TransactionStmt"},
		{"COMMIT", "TransactionStmt"},
		{"ROLLBACK", "TransactionStmt"},
		{"DECLARE c CURSOR FOR SELECT 1", "DeclareCursorStmt"},
		{"FETCH NEXT FROM c", "FetchStmt"},
		{"CLOSE c", "ClosePortalStmt"},
		{"PREPARE p AS SELECT $1::int", "PrepareStmt"},
		{"EXECUTE p(1)", "ExecuteStmt"},
		{"DEALLOCATE p", "DeallocateStmt"},
		{"DISCARD ALL", "DiscardStmt"},
		{"COPY t FROM STDIN", "CopyStmt"},
		{"TRUNCATE t", "TruncateStmt"},
		{"ANALYZE t", "VacuumStmt"},
		{"COMMENT ON TABLE t IS 'x'", "CommentStmt"},
		{"GRANT SELECT ON t TO u", "GrantStmt"},
		{"select now()::timestamptz, 1.5::numeric, 2.5::float8, 42::int8, 'x'::text, true where $1::int = 1", "SelectStmt"},
		{"SELECT E'a\\nb', U&'\\0041', B'101', X'ff', $tag$x$tag$, 1_000, 0x1F", "SelectStmt"},
		{"SELECT * FROM TUMBLE(bid, date_time, INTERVAL '10' SECOND)", "SelectStmt"},
	}
	for _, tt := range tests {
		st := parseOne(t, tt.sql)
		eq(t, tt.sql, kind(st), tt.kind)
	}
}

func TestLocationsAreStatementRelative(t *testing.T) {
	sql := "SELECT 1; SELECT abc FROM t"
	stmts := parseAll(t, sql)
	ref := stmts[1].PG.GetSelectStmt().TargetList[0].GetResTarget().Val.GetColumnRef()
	eq(t, "ColumnRef location", ref.Location, int32(7))
	eq(t, "text at location", stmts[1].SQL[ref.Location:ref.Location+3], "abc")
}

func TestAsOfProcTime(t *testing.T) {
	tests := []struct {
		sql   string
		kind  string
		names []string // the relation name at each recorded location
	}{
		{
			"SELECT B.auction, S.value FROM bid B JOIN side_input FOR SYSTEM_TIME AS OF PROCTIME() S ON mod(B.auction, 10000) = S.key",
			"SelectStmt", []string{"side_input"},
		},
		{
			"CREATE MATERIALIZED VIEW q13 AS SELECT B.auction, S.value FROM bid B JOIN public.side_input FOR SYSTEM_TIME AS OF PROCTIME() AS S ON B.auction = S.key",
			"*parser.CreateMaterializedView", []string{"public.side_input"},
		},
		{
			"SELECT * FROM a JOIN b FOR SYSTEM_TIME AS OF proctime() ON a.k = b.k JOIN c FOR SYSTEM_TIME AS OF PROCTIME() ON a.k = c.k",
			"SelectStmt", []string{"b", "c"},
		},
		{"SELECT * FROM a", "SelectStmt", nil},
	}
	for _, tt := range tests {
		st := parseOne(t, tt.sql)
		eq(t, tt.sql, kind(st), tt.kind)
		if len(st.AsOfProcTime) != len(tt.names) {
			t.Fatalf("%s: AsOfProcTime %v, want %d entries", tt.sql, st.AsOfProcTime, len(tt.names))
		}
		for i, loc := range st.AsOfProcTime {
			eq(t, "relation", st.SQL[loc:loc+int32(len(tt.names[i]))], tt.names[i])
		}
	}
	// The RangeVar PostgreSQL gives the relation carries that location.
	st := parseOne(t, tests[0].sql)
	join := st.PG.GetSelectStmt().FromClause[0].GetJoinExpr()
	rv := join.Rarg.GetRangeVar()
	eq(t, "relname", rv.Relname, "side_input")
	eq(t, "alias", rv.Alias.Aliasname, "s")
	eq(t, "location", rv.Location, st.AsOfProcTime[0])
}

func TestEncodingErrors(t *testing.T) {
	tests := []struct{ sql, msg string }{
		{"SELECT 1\x00", `invalid byte sequence for encoding "UTF8": 0x00`},
		{"SELECT '\xff'", `invalid byte sequence for encoding "UTF8": 0xff`},
		{"SELECT '\xe9 x'", `invalid byte sequence for encoding "UTF8": 0xe9 0x20 0x78`},
		{"SELECT '\xc3", `invalid byte sequence for encoding "UTF8": 0xc3`},
	}
	for _, tt := range tests {
		_, err := Parse(tt.sql)
		e := sqlErr(t, err)
		eq(t, tt.sql+" code", e.Code, "22021")
		eq(t, tt.sql+" message", e.Message, tt.msg)
	}
}

// TestDepthLimit checks that statements nesting too deeply fail with
// PostgreSQL's "stack depth limit exceeded" instead of overflowing the
// parser's C stack, and that large flat statements still parse.
func TestDepthLimit(t *testing.T) {
	deep := []string{
		"SELECT 1" + strings.Repeat(" + 1", 30000),
		"SELECT 1" + strings.Repeat("::int", 30000),
		"SELECT " + strings.Repeat("(", 20000) + "1" + strings.Repeat(")", 20000),
		"SELECT " + strings.Repeat("NOT ", 9000) + "true",
		"SELECT 1" + strings.Repeat(" UNION SELECT 1, 2", 12000),
		"CREATE TABLE t (a int, WATERMARK FOR a AS a" + strings.Repeat(" - 1", 30000) + ")",
	}
	for _, sql := range deep {
		_, err := Parse(sql)
		e := sqlErr(t, err)
		eq(t, sql[:30]+" code", e.Code, "54001")
		eq(t, sql[:30]+" message", e.Message, "stack depth limit exceeded")
	}
	var rows, ors strings.Builder
	for i := range 20000 {
		if i > 0 {
			rows.WriteString(", ")
			ors.WriteString(" OR ")
		}
		fmt.Fprintf(&rows, "(%d, -%d, 'x'::text || 'y')", i, i)
		fmt.Fprintf(&ors, "k = %d", i)
	}
	flat := []string{
		"INSERT INTO t VALUES " + rows.String(),
		"SELECT * FROM t WHERE " + ors.String(),
	}
	for _, sql := range flat {
		parseOne(t, sql)
	}
}

// TestConcurrentParse checks that Parse may be called from many
// goroutines at once (pg_query keeps its state per thread).
func TestConcurrentParse(t *testing.T) {
	sqls := []string{
		"SELECT v FROM mv WHERE k = $1",
		"CREATE SOURCE s (a int, WATERMARK FOR a AS a - 1) WITH (connector = 'datagen') FORMAT PLAIN ENCODE JSON",
		"CREATE MATERIALIZED VIEW mv AS SELECT a, count(*) FROM s GROUP BY a EMIT ON WINDOW CLOSE",
		"SELECT * FROMM t",
	}
	render := func(sql string) string {
		stmts, err := Parse(sql)
		if err != nil {
			return err.Error()
		}
		return fmt.Sprintf("%s %q", kind(stmts[0]), stmts[0].SQL)
	}
	want := make([]string, len(sqls))
	for i, sql := range sqls {
		want[i] = render(sql)
	}
	errs := make(chan string, 8)
	for range 8 {
		go func() {
			for n := range 50 {
				i := n % len(sqls)
				if got := render(sqls[i]); got != want[i] {
					errs <- fmt.Sprintf("%s: got %s, want %s", sqls[i], got, want[i])
					return
				}
			}
			errs <- ""
		}()
	}
	for range 8 {
		if e := <-errs; e != "" {
			t.Error(e)
		}
	}
}
