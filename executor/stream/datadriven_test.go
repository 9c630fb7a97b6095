package stream_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The data-driven files under testdata/ are sequences of commands:
//
//	# a comment
//	command arg key=value key=(a value with spaces)
//	input lines, any number
//	----
//	expected output, up to the next blank line
//
// A value in parentheses may hold spaces; the parentheses are kept (they
// group an expression). Output chunks are printed with their changes
// sorted (a U-/U+ pair kept together), since several operators emit a
// chunk's changes in an unspecified order; "input unsorted" prints them
// in the order they were emitted. `go test -rewrite` replaces every expected output
// with the actual one.
//
// A line "# bug: <what>" right before a command marks a known bug: the
// expected output is the correct one, and while the actual output
// differs the case is skipped with that message (-rewrite keeps the
// expected output).

var rewrite = flag.Bool("rewrite", false, "rewrite the expected outputs in testdata with the actual ones")

// ddCase is one command of a data-driven file.
type ddCase struct {
	Pos   string // file:line of the command
	Cmd   string
	Args  []string
	KV    map[string]string
	Input []string
	Want  string
	Bug   string
}

// Get returns a key=value argument.
func (c *ddCase) Get(key string) (string, bool) {
	v, ok := c.KV[key]
	return v, ok
}

// Has reports whether a bare argument is present.
func (c *ddCase) Has(arg string) bool {
	for _, a := range c.Args {
		if a == arg {
			return true
		}
	}
	return false
}

// splitArgs splits a command line at spaces outside parentheses and
// single quotes.
func splitArgs(line string) []string {
	var out []string
	var cur strings.Builder
	depth, quoted := 0, false
	for _, r := range line {
		switch {
		case r == '\'':
			quoted = !quoted
		case quoted:
		case r == '(':
			depth++
		case r == ')':
			depth--
		case r == ' ' && depth == 0:
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
			continue
		}
		cur.WriteRune(r)
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// runDataDriven runs every command of a file through run, which returns
// the command's output; a file's commands share whatever state run keeps.
func runDataDriven(t *testing.T, path string, run func(t *testing.T, c *ddCase) string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	base := filepath.Base(path)
	var out strings.Builder
	bug := ""
	for i := 0; i < len(lines); {
		line := lines[i]
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			if b, ok := strings.CutPrefix(line, "# bug:"); ok {
				bug = strings.TrimSpace(b)
			} else if strings.TrimSpace(line) == "" {
				bug = ""
			}
			out.WriteString(line + "\n")
			i++
			continue
		}
		c := &ddCase{Pos: fmt.Sprintf("%s:%d", base, i+1), KV: map[string]string{}, Bug: bug}
		bug = ""
		fields := splitArgs(line)
		c.Cmd = fields[0]
		for _, f := range fields[1:] {
			if k, v, ok := strings.Cut(f, "="); ok {
				c.KV[k] = v
			} else {
				c.Args = append(c.Args, f)
			}
		}
		out.WriteString(line + "\n")
		i++
		for i < len(lines) && lines[i] != "----" {
			c.Input = append(c.Input, lines[i])
			out.WriteString(lines[i] + "\n")
			i++
		}
		if i == len(lines) {
			t.Fatalf("%s: missing ---- after the input", c.Pos)
		}
		out.WriteString("----\n")
		i++
		var want []string
		for i < len(lines) && strings.TrimSpace(lines[i]) != "" {
			want = append(want, lines[i])
			i++
		}
		c.Want = strings.Join(want, "\n")
		got := ""
		t.Run(c.Pos, func(t *testing.T) {
			got = strings.TrimRight(run(t, c), "\n")
			if got == "" {
				got = "(no output)"
			}
			if got == c.Want && c.Bug != "" && !*rewrite {
				t.Errorf("%s is marked as a bug (%s) but passes: remove its \"# bug:\" line", c.Pos, c.Bug)
			}
			if got != c.Want && c.Bug != "" {
				actual := got
				got = c.Want
				t.Skipf("bug: %s (%s)\ngot:\n%s\nwant:\n%s", c.Bug, c.Pos, actual, c.Want)
			}
			if !*rewrite && got != c.Want {
				t.Errorf("%s: %s\ngot:\n%s\nwant:\n%s", c.Pos, line, got, c.Want)
			}
		})
		out.WriteString(got + "\n")
	}
	if *rewrite {
		if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDataDriven runs every file under testdata/.
func TestDataDriven(t *testing.T) {
	files, err := filepath.Glob("testdata/*")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no files in testdata/")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			h := newHarness(t)
			defer h.close()
			runDataDriven(t, f, h.run)
		})
	}
}
