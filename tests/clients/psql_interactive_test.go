//go:build linux

package clients

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// The interactive psql tests type into psql on a terminal, with readline
// as a person has it, and read what psql shows: tab completion of
// relation and column names (from psql's catalog queries), \x and \x
// auto, \timing, and \copy with the data typed at psql's ">>" prompt.

// psqlTerminal starts psql on a 100x40 terminal with readline (no
// ~/.inputrc, history in a scratch file), aligned output and no pager,
// and waits for its prompt.
func psqlTerminal(t *testing.T, psql string, tg target) *ptySession {
	t.Helper()
	home := t.TempDir()
	env := []string{"TERM=dumb", "INPUTRC=/dev/null", "HOME=" + home,
		"PSQL_HISTORY=" + filepath.Join(home, "psql_history"), "PGPASSWORD=" + tg.Password}
	s := startPTY(t, 100, 40, env, psql, psqlArgs(tg, "-P", "format=aligned", "-P", "pager=off")...)
	s.expect(0, tg.Database+"=#", "no prompt")
	return s
}

// quitPsql types \q and waits for psql to exit.
func quitPsql(s *ptySession) {
	s.t.Helper()
	s.typeLine(`\q`)
	s.waitExit(10 * time.Second)
}

// execSetup runs statements on the target ("" is skipped).
func execSetup(t *testing.T, tg target, stmts ...string) {
	t.Helper()
	ctx := testContext(t)
	conn, err := pgx.Connect(ctx, tg.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, q := range stmts {
		if q == "" {
			continue
		}
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// zebraSetup creates the relations the completion and \copy tests use:
// a table (with its primary key index zebra_readings_pkey) and a
// materialized view over it whose names share the prefix zebra_r, and a
// table zebra_notes.
func zebraSetup(t *testing.T, tg target) {
	t.Helper()
	dropTables(t, tg, "zebra_readings", "zebra_notes")
	execSetup(t, tg,
		"CREATE TABLE zebra_readings (id int PRIMARY KEY, zone text, v int)",
		"INSERT INTO zebra_readings VALUES (1, 'north', 10), (2, 'north', 5), (3, 'south', 7)",
		"CREATE MATERIALIZED VIEW zebra_rollup AS SELECT zone, count(*) AS n, sum(v) AS total FROM zebra_readings GROUP BY zone",
		"CREATE TABLE zebra_notes (id int PRIMARY KEY, note text)",
		streamFlush(tg))
}

// listedNames returns the names readline listed for a completion: the
// words of the lines between the line being typed (the screen's first
// line) and the prompt shown again below them. ok is false until that
// prompt shows.
func listedNames(screen, prompt string) (names []string, ok bool) {
	lines := strings.Split(screen, "\n")
	for i := 1; i < len(lines); i++ {
		if strings.HasPrefix(lines[i], prompt) {
			for _, l := range lines[1:i] {
				names = append(names, strings.Fields(l)...)
			}
			return names, true
		}
	}
	return nil, false
}

// TestPsqlTabComplete presses TAB in psql: readline completes relation
// names (tables and materialized views, not indexes) and column names
// from psql's catalog queries, and each completed statement runs.
func TestPsqlTabComplete(t *testing.T) {
	psql := needTool(t, "psql")
	tg := startTarget(t, false)
	zebraSetup(t, tg)
	s := psqlTerminal(t, psql, tg)
	prompt := tg.Database + "=#"

	// Two relations start with zebra_r: the first TAB has nothing to
	// add, the second lists both; "o" and TAB then complete the view.
	m := s.mark()
	s.send("SELECT zone, n, total FROM zebra_r\t\t")
	var names []string
	if !s.waitUntil(m, 10*time.Second, func(screen string) (ok bool) {
		names, ok = listedNames(screen, prompt)
		return ok
	}) {
		s.fail("two TABs after zebra_r listed nothing")
	}
	if strings.Join(names, " ") != "zebra_readings zebra_rollup" {
		s.fail("two TABs after zebra_r listed %q, want [zebra_readings zebra_rollup]", names)
	}
	s.send("o\t ORDER BY zone;\n")
	s.expect(m, " north | 2 |    15\n south | 1 |     7\n(2 rows)\n", "zebra_ro<TAB> did not complete to zebra_rollup")

	// zebra_re is the table alone (its index zebra_readings_pkey is no
	// relation to select from): TAB completes it and adds a space.
	m = s.mark()
	s.send("SELECT id, zone FROM zebra_re\tWHERE id = 3;\n")
	s.expect(m, "\n  3 | south\n(1 row)\n", "zebra_re<TAB> did not complete to zebra_readings")

	// A column name, after WHERE.
	m = s.mark()
	s.send("SELECT id FROM zebra_readings WHERE zo\t= 'north' ORDER BY id;\n")
	s.expect(m, "\n  1\n  2\n(2 rows)\n", "zo<TAB> did not complete to the column zone")

	// A name qualified with its schema.
	m = s.mark()
	s.send("SELECT n FROM public.zebra_ro\tWHERE zone = 'south';\n")
	s.expect(m, "\n 1\n(1 row)\n", "public.zebra_ro<TAB> did not complete to public.zebra_rollup")

	// \dm completes materialized views only.
	m = s.mark()
	s.send("\\dm zeb\t\n")
	s.expect(m, "| zebra_rollup | materialized view |", `\dm zeb<TAB> did not complete to zebra_rollup`)
	quitPsql(s)
}

// TestPsqlExpanded turns psql's expanded display on (\x), where each row
// is a record, and to auto (\x auto), where only a row wider than the
// terminal is.
func TestPsqlExpanded(t *testing.T) {
	psql := needTool(t, "psql")
	tg := startTarget(t, false)
	s := psqlTerminal(t, psql, tg)
	narrow := "SELECT 1 AS a, 'two' AS b;"
	steps := []struct{ line, want string }{
		{`\x`, "Expanded display is on.\n"},
		{narrow, "\n-[ RECORD 1 ]\na | 1\nb | two\n"},
		{`\x auto`, "Expanded display is used automatically.\n"},
		{narrow, "\n a |  b  \n---+-----\n 1 | two\n(1 row)\n"},
		// 120 x's do not fit in 100 columns.
		{"SELECT repeat('x', 120) AS wide, 2 AS b;", "\n-[ RECORD 1 ]-" + strings.Repeat("-", 127-14) + "\nwide | " + strings.Repeat("x", 120) + "\nb    | 2\n"},
		{`\x off`, "Expanded display is off.\n"},
		{narrow, "\n a |  b  \n---+-----\n 1 | two\n(1 row)\n"},
	}
	for _, st := range steps {
		m := s.mark()
		s.typeLine(st.line)
		s.expect(m, st.want, st.line)
	}
	quitPsql(s)
}

// TestPsqlTiming turns \timing on, which prints the time every statement
// took, and off again.
func TestPsqlTiming(t *testing.T) {
	psql := needTool(t, "psql")
	tg := startTarget(t, false)
	s := psqlTerminal(t, psql, tg)
	prompt := tg.Database + "=#"

	m := s.mark()
	s.typeLine(`\timing`)
	s.expect(m, "Timing is on.\n", `\timing`)
	m = s.mark()
	s.typeLine("SELECT 42 AS answer;")
	timing := regexp.MustCompile(`\n +42\n\(1 row\)\n\nTime: \d+\.\d{3} ms\n`)
	if !s.waitUntil(m, 10*time.Second, timing.MatchString) {
		s.fail("no Time: N.NNN ms after the result with \\timing on")
	}

	m = s.mark()
	s.typeLine(`\timing off`)
	s.expect(m, "Timing is off.\n", `\timing off`)
	m = s.mark()
	s.typeLine("SELECT 43 AS answer;")
	s.expect(m, "\n     43\n(1 row)\n\n"+prompt, "SELECT 43")
	if strings.Contains(s.since(m), "Time:") {
		s.fail("psql printed the time with \\timing off")
	}
	quitPsql(s)
}

// TestPsqlCopyStdin types rows at psql's prompt for \copy ... FROM STDIN
// (a NULL, escaped tab and backslash), then a row COPY rejects (psql
// shows the error and the CONTEXT line naming it), and reads the table
// back with \copy (SELECT ...) TO STDOUT.
func TestPsqlCopyStdin(t *testing.T) {
	psql := needTool(t, "psql")
	tg := startTarget(t, false)
	zebraSetup(t, tg)
	s := psqlTerminal(t, psql, tg)
	prompt := tg.Database + "=#"

	// copyIn types \copy and then each line at the data prompt ">>".
	copyIn := func(lines ...string) int {
		m := s.mark()
		s.typeLine(`\copy zebra_notes FROM STDIN`)
		s.expect(m, "Enter data to be copied followed by a newline.\n"+
			"End with a backslash and a period on a line by itself, or an EOF signal.\n", "no data prompt")
		for i, l := range lines {
			if !s.waitUntil(m, 10*time.Second, func(screen string) bool { return strings.Count(screen, ">> ") > i }) {
				s.fail("no data prompt for line %d", i+1)
			}
			s.typeLine(l)
		}
		return m
	}

	m := copyIn("1\tfirst note", "2\t\\N", "3\ttab\\there and back\\\\slash", `\.`)
	s.expect(m, "\nCOPY 3\n", `\copy FROM STDIN`)

	m = copyIn("x\tbad", `\.`)
	s.expect(m, "ERROR:  invalid input syntax for type integer: \"x\"\n"+
		"CONTEXT:  COPY zebra_notes, line 1, column id: \"x\"\n", "a bad row")

	m = s.mark()
	s.typeLine(`\copy (SELECT id, note FROM zebra_notes ORDER BY id) TO STDOUT`)
	s.expect(m, "\n1\tfirst note\n2\t\\N\n3\ttab\\there and back\\\\slash\n"+prompt, `\copy (SELECT ...) TO STDOUT`)
	quitPsql(s)
}
