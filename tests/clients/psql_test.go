package clients

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// psqlArgs are the connection arguments of psql for the target, after
// -X (no ~/.psqlrc) and -A (unaligned output, '|' between fields).
func psqlArgs(tg target, extra ...string) []string {
	args := []string{"-X", "-A", "-h", tg.Host, "-p", strconv.Itoa(tg.Port), "-U", tg.User, "-d", tg.Database}
	return append(args, extra...)
}

// TestPsql runs psql/scenario.sql with ON_ERROR_STOP=1 and compares what
// psql prints with psql/scenario.out (stderr must stay empty: no warning
// about the server's version, no error), the file written by \copy ... TO
// with psql/copy_out.csv, then runs one statement with -c, and
// psql/errors.sql (an unknown table and column, division by zero, a
// statement_timeout) with ON_ERROR_STOP off and on.
func TestPsql(t *testing.T) {
	psql := needTool(t, "psql")
	for _, m := range authModes {
		t.Run(m.name, func(t *testing.T) {
			tg := startTarget(t, m.password)
			dropTables(t, tg, "psql_types", "psql_copy", "psql_events")
			var env []string
			if tg.Password != "" {
				env = append(env, "PGPASSWORD="+tg.Password)
			}

			// The scenario runs in a scratch directory: \copy reads
			// data.csv and writes out.csv relative to it.
			work := t.TempDir()
			data, err := os.ReadFile(filepath.Join("psql", "data.csv"))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(work, "data.csv"), data, 0o644); err != nil {
				t.Fatal(err)
			}
			script, err := filepath.Abs(filepath.Join("psql", "scenario.sql"))
			if err != nil {
				t.Fatal(err)
			}
			createView, flush := streamSQL(tg)
			args := psqlArgs(tg, "-v", "ON_ERROR_STOP=1", "-v", "create_view="+expand(createView, "psql_per_minute", "psql_events"),
				"-v", "flush="+flush, "-f", script)
			r := run(t, work, env, psql, args...)
			if r.Code != 0 || r.Stderr != "" {
				t.Errorf("psql %s: exit %d, want 0; stderr (want none):\n%s", quoteArgs(args), r.Code, r.Stderr)
			}
			checkGolden(t, filepath.Join("psql", "scenario.out"), r.Stdout)
			if out, err := os.ReadFile(filepath.Join(work, "out.csv")); err != nil {
				t.Errorf("\\copy ... TO 'out.csv': %v", err)
			} else {
				checkGolden(t, filepath.Join("psql", "copy_out.csv"), string(out))
			}

			args = psqlArgs(tg, "-t", "-v", "ON_ERROR_STOP=1", "-c",
				"SELECT id, c_varchar, c_numeric FROM psql_types WHERE id <= 2 ORDER BY id DESC")
			r = run(t, work, env, psql, args...)
			want := "2|héllo wörld ✓ 日本語|-0.001\n1|hello|12345.678900\n"
			if r.Code != 0 || r.Stderr != "" || r.Stdout != want {
				t.Errorf("psql %s: exit %d, stdout %q, stderr %q; want exit 0, stdout %q, no stderr",
					quoteArgs(args), r.Code, r.Stdout, r.Stderr, want)
			}

			// Failing statements: reported on stderr with their position;
			// psql goes on, or stops with exit code 3 under ON_ERROR_STOP.
			args = psqlArgs(tg, "-v", "ON_ERROR_STOP=0", "-f", "errors.sql")
			r = run(t, "psql", env, psql, args...)
			if r.Code != 0 {
				t.Errorf("psql %s: exit %d, want 0", quoteArgs(args), r.Code)
			}
			checkGolden(t, filepath.Join("psql", "errors.out"), r.Stdout)
			checkGolden(t, filepath.Join("psql", "errors.err"), r.Stderr)

			args = psqlArgs(tg, "-v", "ON_ERROR_STOP=1", "-f", "errors.sql")
			r = run(t, "psql", env, psql, args...)
			wantOut := "one\n1\n(1 row)\n"
			wantErr := "psql:errors.sql:4: ERROR:  relation \"no_such_table\" does not exist\n" +
				"LINE 1: SELECT * FROM no_such_table;\n" +
				"                      ^\n"
			if r.Code != 3 || r.Stdout != wantOut || r.Stderr != wantErr {
				t.Errorf("psql %s: exit %d, stdout %q, stderr %q; want exit 3, stdout %q, stderr %q",
					quoteArgs(args), r.Code, r.Stdout, r.Stderr, wantOut, wantErr)
			}
		})
	}
}
