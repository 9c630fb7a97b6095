package functions

import (
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// LIKE and ILIKE (operators ~~, !~~, ~~*, !~~*) with PostgreSQL's escape
// character '\'. A pattern is compiled once into a matcher: plain
// equality, prefix, suffix and substring tests for the common shapes, a
// backtracking wildcard matcher otherwise. Each call site remembers its
// last pattern, and a small shared cache serves patterns that vary by row.

type likeKind uint8

const (
	likeExact likeKind = iota
	likePrefix
	likeSuffix
	likeContains
	likeAll // "%": anything
	likeGeneral
)

type likeTokKind uint8

const (
	tokLit  likeTokKind = iota
	tokOne              // _
	tokMany             // %
)

type likeTok struct {
	kind likeTokKind
	lit  string
}

type likePattern struct {
	kind likeKind
	lit  string
	toks []likeTok
	ci   bool // case-insensitive: the input is lowered before matching
}

var errLikeEscape = sqlerr.New(sqlerr.InvalidEscapeSequence, "LIKE pattern must not end with escape character")

func compileLike(pattern string, ci bool) (*likePattern, error) {
	if ci {
		pattern = strings.ToLower(pattern)
	}
	var toks []likeTok
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			toks = append(toks, likeTok{kind: tokLit, lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch c {
		case '\\':
			i++
			if i >= len(pattern) {
				return nil, errLikeEscape
			}
			_, size := utf8.DecodeRuneInString(pattern[i:])
			lit.WriteString(pattern[i : i+size])
			i += size - 1
		case '%':
			flush()
			// Collapse %% runs.
			if n := len(toks); n == 0 || toks[n-1].kind != tokMany {
				toks = append(toks, likeTok{kind: tokMany})
			}
		case '_':
			flush()
			toks = append(toks, likeTok{kind: tokOne})
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	p := &likePattern{kind: likeGeneral, toks: toks, ci: ci}
	switch {
	case len(toks) == 0:
		p.kind, p.lit = likeExact, ""
	case len(toks) == 1 && toks[0].kind == tokLit:
		p.kind, p.lit = likeExact, toks[0].lit
	case len(toks) == 1 && toks[0].kind == tokMany:
		p.kind = likeAll
	case len(toks) == 2 && toks[0].kind == tokLit && toks[1].kind == tokMany:
		p.kind, p.lit = likePrefix, toks[0].lit
	case len(toks) == 2 && toks[0].kind == tokMany && toks[1].kind == tokLit:
		p.kind, p.lit = likeSuffix, toks[1].lit
	case len(toks) == 3 && toks[0].kind == tokMany && toks[1].kind == tokLit && toks[2].kind == tokMany:
		p.kind, p.lit = likeContains, toks[1].lit
	}
	return p, nil
}

func (p *likePattern) match(s string) bool {
	if p.ci {
		s = strings.ToLower(s)
	}
	switch p.kind {
	case likeExact:
		return s == p.lit
	case likePrefix:
		return strings.HasPrefix(s, p.lit)
	case likeSuffix:
		return strings.HasSuffix(s, p.lit)
	case likeContains:
		return strings.Contains(s, p.lit)
	case likeAll:
		return true
	}
	return matchToks(p.toks, s)
}

// matchToks is the wildcard matcher: on a mismatch it resumes after the
// last % one character further on (only the last % ever needs to
// backtrack, as _ and literals have fixed widths).
func matchToks(toks []likeTok, s string) bool {
	ti, si := 0, 0
	starT, starS := -1, 0
	for {
		if ti < len(toks) {
			t := toks[ti]
			switch t.kind {
			case tokMany:
				starT, starS = ti, si
				ti++
				// Jump straight to the next occurrence of a following literal.
				if ti < len(toks) && toks[ti].kind == tokLit {
					j := strings.Index(s[si:], toks[ti].lit)
					if j < 0 {
						return false
					}
					si += j
					starS = si
				}
				continue
			case tokOne:
				if si < len(s) {
					if s[si] < utf8.RuneSelf {
						si++
					} else {
						_, size := utf8.DecodeRuneInString(s[si:])
						si += size
					}
					ti++
					continue
				}
			case tokLit:
				if strings.HasPrefix(s[si:], t.lit) {
					si += len(t.lit)
					ti++
					continue
				}
			}
		} else if si == len(s) {
			return true
		}
		// Mismatch: backtrack to the last %.
		if starT < 0 || starS >= len(s) {
			return false
		}
		if s[starS] < utf8.RuneSelf {
			starS++
		} else {
			_, size := utf8.DecodeRuneInString(s[starS:])
			starS += size
		}
		ti, si = starT+1, starS
		if ti < len(toks) && toks[ti].kind == tokLit {
			j := strings.Index(s[si:], toks[ti].lit)
			if j < 0 {
				return false
			}
			si += j
			starS = si
		}
	}
}

// patternCache is a small shared cache of compiled patterns (LIKE and
// regular expressions) for patterns that are not constant at a call site.
// When full it is cleared: a simple bound with no per-hit bookkeeping.
type patternCache[V any] struct {
	mu sync.RWMutex
	m  map[string]V
}

const patternCacheSize = 256

func (c *patternCache[V]) get(key string) (V, bool) {
	c.mu.RLock()
	v, ok := c.m[key]
	c.mu.RUnlock()
	return v, ok
}

func (c *patternCache[V]) put(key string, v V) {
	c.mu.Lock()
	if c.m == nil || len(c.m) >= patternCacheSize {
		c.m = make(map[string]V, patternCacheSize)
	}
	c.m[key] = v
	c.mu.Unlock()
}

var likeCache, ilikeCache patternCache[*likePattern]

// siteMemo remembers the last compiled pattern of one call site.
type siteMemo[V any] struct {
	last atomic.Pointer[memoEntry[V]]
}

type memoEntry[V any] struct {
	key string
	val V
}

func (m *siteMemo[V]) get(key string, compile func(string) (V, error)) (V, error) {
	if e := m.last.Load(); e != nil && e.key == key {
		return e.val, nil
	}
	v, err := compile(key)
	if err != nil {
		return v, err
	}
	m.last.Store(&memoEntry[V]{key: key, val: v})
	return v, nil
}

func likeCompiler(ci bool) func(string) (*likePattern, error) {
	cache := &likeCache
	if ci {
		cache = &ilikeCache
	}
	return func(pattern string) (*likePattern, error) {
		if p, ok := cache.get(pattern); ok {
			return p, nil
		}
		p, err := compileLike(pattern, ci)
		if err != nil {
			return nil, err
		}
		cache.put(pattern, p)
		return p, nil
	}
}

func likeFunc(name string, ci, negate bool) *Func {
	compile := likeCompiler(ci)
	return &Func{
		Name: name,
		Args: ts(tText, tText),
		Ret:  tBool,
		bind: func([]types.Type) EvalFunc {
			memo := new(siteMemo[*likePattern])
			return func(_ *Context, a []types.Datum) (types.Datum, error) {
				p, err := memo.get(a[1].Str(), compile)
				if err != nil {
					return types.Null, err
				}
				return types.NewBool(p.match(a[0].Str()) != negate), nil
			}
		},
	}
}

// likeEscape rewrites a pattern written with ESCAPE esc into one using
// the default escape '\' (an empty esc disables escaping).
func likeEscape(pattern, esc string) (string, error) {
	if utf8.RuneCountInString(esc) > 1 {
		return "", sqlerr.New(sqlerr.InvalidEscapeSequence, "invalid escape string").
			WithHint("Escape string must be empty or one character.")
	}
	if esc == `\` {
		return pattern, nil
	}
	var sb strings.Builder
	if esc == "" {
		for _, c := range pattern {
			if c == '\\' {
				sb.WriteString(`\\`)
			} else {
				sb.WriteRune(c)
			}
		}
		return sb.String(), nil
	}
	e, _ := utf8.DecodeRuneInString(esc)
	afterEsc := false
	for _, c := range pattern {
		switch {
		case afterEsc:
			sb.WriteByte('\\')
			sb.WriteRune(c)
			afterEsc = false
		case c == e:
			afterEsc = true
		case c == '\\':
			sb.WriteString(`\\`)
		default:
			sb.WriteRune(c)
		}
	}
	if afterEsc {
		return "", errLikeEscape
	}
	return sb.String(), nil
}

func init() {
	register(
		likeFunc("~~", false, false),
		likeFunc("!~~", false, true),
		likeFunc("~~*", true, false),
		likeFunc("!~~*", true, true),
		fn("like_escape", ts(tText, tText), tText, func(_ *Context, a []types.Datum) (types.Datum, error) {
			s, err := likeEscape(a[0].Str(), a[1].Str())
			if err != nil {
				return types.Null, err
			}
			return str(s), nil
		}),
	)
	// like(text, text) and friends: the function spellings of the operators.
	for _, f := range []struct {
		name   string
		ci     bool
		negate bool
	}{{"like", false, false}, {"notlike", false, true}, {"ilike", true, false}, {"notilike", true, true}, {"textlike", false, false}} {
		register(likeFunc(f.name, f.ci, f.negate))
	}
}
