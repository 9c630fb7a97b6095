package sqltest

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A small data-driven test format:
//
//	# a comment
//	command arg key=value
//	input, any number of lines
//	----
//	expected output, up to the next blank line
//
// `go test -rewrite` replaces each expected output with the actual one.
//
// A comment line "# bug: <what>" right before a command marks a known
// bug: the expected output is the correct one, and while the actual
// output differs the case is skipped with that message (-rewrite leaves
// it alone).

// Rewrite is the -rewrite flag of the tests that use RunFile.
var Rewrite = flag.Bool("rewrite", false, "rewrite the expected outputs in testdata with the actual ones")

// Case is one command of a data-driven file.
type Case struct {
	Pos   string // file:line of the command
	Cmd   string
	Args  []string          // positional arguments
	KV    map[string]string // key=value arguments
	Input string
	Want  string
	// Bug describes a known bug the case shows (from a "# bug:" line).
	Bug string
}

// Arg returns the value of a key=value argument.
func (c *Case) Arg(key string) (string, bool) {
	v, ok := c.KV[key]
	return v, ok
}

// Has reports whether a positional argument is present.
func (c *Case) Has(arg string) bool {
	for _, a := range c.Args {
		if a == arg {
			return true
		}
	}
	return false
}

// RunFile runs every command of a data-driven file through run, which
// returns the command's output.
func RunFile(t *testing.T, path string, run func(t *testing.T, c *Case) string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	var out strings.Builder
	base := filepath.Base(path)
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
		c := &Case{Pos: fmt.Sprintf("%s:%d", base, i+1), KV: map[string]string{}, Bug: bug}
		bug = ""
		fields := strings.Fields(line)
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
		var input []string
		for i < len(lines) && lines[i] != "----" {
			input = append(input, lines[i])
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
		c.Input, c.Want = strings.Join(input, "\n"), strings.Join(want, "\n")
		var got string
		t.Run(c.Pos, func(t *testing.T) {
			got = strings.TrimRight(run(t, c), "\n")
			for _, l := range strings.Split(got, "\n") {
				if got != "" && strings.TrimSpace(l) == "" {
					t.Fatalf("%s: output has a blank line:\n%s", c.Pos, got)
				}
			}
			if got == c.Want && c.Bug != "" && !*Rewrite {
				t.Errorf("%s is marked as a bug (%s) but passes: remove its \"# bug:\" line", c.Pos, c.Bug)
			}
			if got != c.Want && c.Bug != "" {
				actual := got
				got = c.Want
				t.Skipf("bug: %s (%s)\ngot:\n%s\nwant:\n%s", c.Bug, c.Pos, actual, c.Want)
			}
			if !*Rewrite && got != c.Want {
				t.Errorf("%s: %s\n%s\ngot:\n%s\nwant:\n%s", c.Pos, c.Cmd, c.Input, got, c.Want)
			}
		})
		if got != "" {
			out.WriteString(got + "\n")
		}
	}
	if *Rewrite {
		if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
