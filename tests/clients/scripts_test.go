package clients

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// pgEnv is the libpq-style environment naming the target for a script.
func pgEnv(tg target) []string {
	env := []string{
		"PGHOST=" + tg.Host,
		"PGPORT=" + strconv.Itoa(tg.Port),
		"PGUSER=" + tg.User,
		"PGDATABASE=" + tg.Database,
	}
	if tg.Password != "" {
		env = append(env, "PGPASSWORD="+tg.Password)
	}
	return env
}

// runReportScript runs a scenario script that prints a JSON report and
// compares the report, flattened, with the golden file. The script must
// exit 0 and print nothing on stderr.
func runReportScript(t *testing.T, tg target, dir, golden string, env []string, name string, args ...string) {
	t.Helper()
	r := run(t, dir, append(pgEnv(tg), env...), name, args...)
	if r.Code != 0 || r.Stderr != "" {
		t.Fatalf("%s %s in %s: exit %d\nstderr:\n%s\nstdout:\n%s", name, quoteArgs(args), dir, r.Code, r.Stderr, r.Stdout)
	}
	flat, err := flattenJSON([]byte(r.Stdout))
	if err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, r.Stdout)
	}
	checkGolden(t, filepath.Join(dir, golden), flat)
}

// authModes are the two ways every script logs in.
var authModes = []struct {
	name     string
	password bool
}{{"trust", false}, {"scram", true}}

// TestNode runs node/scenario.js (node-postgres, simple and extended
// protocol; COPY through pg-copy-streams) and compares its report with
// node/expected.txt. It installs the pinned packages with npm when one
// of them is missing from node_modules.
func TestNode(t *testing.T) {
	node := needTool(t, "node")
	dir := "node"
	if !nodeModulesInstalled(dir) {
		npm := needTool(t, "npm")
		r := run(t, dir, nil, npm, "ci", "--no-audit", "--no-fund")
		if r.Code != 0 {
			missing(t, "npm ci in %s failed (exit %d):\n%s%s", dir, r.Code, r.Stdout, r.Stderr)
		}
	}
	for _, m := range authModes {
		t.Run(m.name, func(t *testing.T) {
			tg := startTarget(t, m.password)
			dropTables(t, tg, "node_simple", "node_extended", "node_simple_events", "node_extended_events", "node_copy")
			// node-postgres reads date and timestamp in the local zone.
			runReportScript(t, tg, dir, "expected.txt", append(streamEnv(tg), "TZ=UTC", "PREFIX=node"), node, "scenario.js")
		})
	}
}

// nodeModulesInstalled reports whether every dependency named in
// dir/package.json is in dir/node_modules.
func nodeModulesInstalled(dir string) bool {
	data, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return false
	}
	var pkg struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	if json.Unmarshal(data, &pkg) != nil {
		return false
	}
	for name := range pkg.Dependencies {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", name, "package.json")); err != nil {
			return false
		}
	}
	return true
}

// pythonPath is the interpreter whose psycopg2 the tests use: Debian's
// python3-psycopg2 installs into the system Python.
const pythonPath = "/usr/bin/python3"

// TestPsycopg2 runs python/scenario.py (psycopg2, default and autocommit
// mode) and compares its report with python/expected.txt.
func TestPsycopg2(t *testing.T) {
	if out, err := exec.Command(pythonPath, "-c", "import psycopg2").CombinedOutput(); err != nil {
		missing(t, "%s cannot import psycopg2 (apt-get install python3-psycopg2): %v\n%s", pythonPath, err, out)
	}
	for _, m := range authModes {
		t.Run(m.name, func(t *testing.T) {
			tg := startTarget(t, m.password)
			dropTables(t, tg, "py_default", "py_autocommit", "py_default_events", "py_autocommit_events",
				"py_default_copy", "py_autocommit_copy")
			runReportScript(t, tg, "python", "expected.txt",
				append(streamEnv(tg), "PREFIX=py", "PYTHONIOENCODING=utf-8", "PYTHONDONTWRITEBYTECODE=1"),
				pythonPath, "scenario.py")
		})
	}
}
