package clients

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
)

// flattenJSON renders a JSON document as sorted "path = value" lines,
// one per leaf, so that a golden file reads and diffs line by line. An
// object with a "type" key (a value and its client-side type) and an
// array of scalars stay on one line.
func flattenJSON(doc []byte) (string, error) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return "", err
	}
	var lines []string
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if _, typed := x["type"]; typed || len(x) == 0 {
				lines = append(lines, path+" = "+compactJSON(x))
				return
			}
			for k, e := range x {
				walk(path+"."+k, e)
			}
		case []any:
			scalars := true
			for _, e := range x {
				switch e.(type) {
				case map[string]any, []any:
					scalars = false
				}
			}
			if scalars {
				lines = append(lines, path+" = "+compactJSON(x))
				return
			}
			for i, e := range x {
				walk(fmt.Sprintf("%s[%02d]", path, i), e)
			}
		default:
			lines = append(lines, path+" = "+compactJSON(x))
		}
	}
	walk("", v)
	sort.Strings(lines)
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, ".")
	}
	return strings.Join(lines, "\n") + "\n", nil
}

func compactJSON(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// checkGolden compares got with the golden file at path, or rewrites the
// file under -update.
func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if d := lineDiff(got, string(want)); d != "" {
		t.Errorf("output differs from %s (- want, + got):\n%s", path, d)
	}
}

// lineDiff lists the lines only in want (-) and only in got (+), in
// order, or returns "" when the texts are equal.
func lineDiff(got, want string) string {
	if got == want {
		return ""
	}
	g := strings.Split(got, "\n")
	w := strings.Split(want, "\n")
	// Longest common subsequence; the outputs are a few hundred lines.
	lcs := make([][]int, len(w)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(g)+1)
	}
	for i := len(w) - 1; i >= 0; i-- {
		for j := len(g) - 1; j >= 0; j-- {
			if w[i] == g[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var b strings.Builder
	i, j := 0, 0
	for i < len(w) || j < len(g) {
		switch {
		case i < len(w) && j < len(g) && w[i] == g[j]:
			i++
			j++
		case j < len(g) && (i == len(w) || lcs[i][j+1] >= lcs[i+1][j]):
			fmt.Fprintf(&b, "+ %s\n", g[j])
			j++
		default:
			fmt.Fprintf(&b, "- %s\n", w[i])
			i++
		}
	}
	if b.Len() == 0 { // only the line structure differs (e.g. a final newline)
		return fmt.Sprintf("got %q\nwant %q\n", got, want)
	}
	return b.String()
}
