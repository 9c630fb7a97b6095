package functions

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// likeToRegexp is an independent reference for LIKE: % is .*, _ is one
// character, \x is x.
func likeToRegexp(p string) (*regexp.Regexp, bool) {
	var sb strings.Builder
	sb.WriteString(`(?s)\A`)
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRuneInString(p[i:])
		i += size
		switch r {
		case '%':
			sb.WriteString(`.*`)
		case '_':
			sb.WriteString(`.`)
		case '\\':
			if i >= len(p) {
				return nil, false
			}
			r, size = utf8.DecodeRuneInString(p[i:])
			i += size
			sb.WriteString(regexp.QuoteMeta(string(r)))
		default:
			sb.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	sb.WriteString(`\z`)
	return regexp.MustCompile(sb.String()), true
}

func FuzzLike(f *testing.F) {
	for _, seed := range [][2]string{
		{"mississippi", "%iss%ppi"}, {"abc", "a_c"}, {"a%c", `a\%c`}, {"héllo", "h_l%"},
		{"aaa", "%a%a%a%"}, {"", "%"}, {"abcabd", "%ab_"}, {"xyz", "x%z%"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, s, p string) {
		if !utf8.ValidString(s) || !utf8.ValidString(p) {
			return
		}
		ref, ok := likeToRegexp(p)
		lp, err := compileLike(p, false)
		if !ok {
			if err == nil {
				t.Fatalf("pattern %q compiled, want escape error", p)
			}
			return
		}
		if err != nil {
			t.Fatalf("pattern %q: %v", p, err)
		}
		if got, want := lp.match(s), ref.MatchString(s); got != want {
			t.Fatalf("%q LIKE %q = %v, reference says %v", s, p, got, want)
		}
	})
}

func FuzzJSON(f *testing.F) {
	for _, seed := range []string{
		`{"a": {"b": [1, 2]}, "s": "x\ny"}`, `[1, "a", null, true, 1.5e3]`, `"\ud83d\ude00"`,
		`{"a":1,"a":2}`, `{"k\"ey": [{}]}`, `  [ ]  `,
	} {
		f.Add(seed, "a")
	}
	f.Fuzz(func(t *testing.T, doc, key string) {
		n, err := parseJSONB(doc)
		if err != nil {
			return
		}
		canon := string(appendJSONB(nil, n))
		again, err := parseJSONB(canon)
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", canon, doc, err)
		}
		if c2 := string(appendJSONB(nil, again)); c2 != canon {
			t.Fatalf("canonical form not stable: %q then %q", canon, c2)
		}
		// The text accessors agree with the tree on canonical text.
		if n.kind == jObject {
			v, ok := objectField(canon, key)
			idx := -1
			for i, k := range n.keys {
				if k == key {
					idx = i
				}
			}
			if ok != (idx >= 0) {
				t.Fatalf("objectField(%q, %q) found=%v, tree says %v", canon, key, ok, idx >= 0)
			}
			if ok && v != string(appendJSONB(nil, n.elems[idx])) {
				t.Fatalf("objectField(%q, %q) = %q", canon, key, v)
			}
		}
		if n.kind == jArray {
			elems, ok := arrayElems(canon)
			if !ok || len(elems) != len(n.elems) {
				t.Fatalf("arrayElems(%q) = %d elems, tree has %d", canon, len(elems), len(n.elems))
			}
		}
		_ = jsonbContains(n, n)
	})
}
