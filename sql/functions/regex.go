package functions

import (
	"regexp"
	"regexp/syntax"
	"strings"

	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// Regular expressions: the operators ~ ~* !~ !~* and the regexp_*
// functions. Patterns use Go's RE2 syntax, which covers PostgreSQL's
// common ARE forms; as in PostgreSQL, "." matches a newline unless the
// 'n' flag asks for newline-sensitive matching. Compiled expressions are
// memoised per call site and in a small shared cache.

type reKey struct {
	pattern string
	flags   string
}

type compiledRE struct {
	re     *regexp.Regexp
	global bool
}

var reCache patternCache[*compiledRE]

// compileRE compiles pattern with PostgreSQL's flag letters.
func compileRE(pattern, flags string, allowGlobal bool) (*compiledRE, error) {
	key := flags + "\x00" + pattern
	if c, ok := reCache.get(key); ok {
		return c, nil
	}
	ci, newline, literal, global := false, false, false, false
	partialDot, partialAnchor := false, false
	for i := 0; i < len(flags); i++ {
		switch f := flags[i]; f {
		case 'i':
			ci = true
		case 'c':
			ci = false
		case 'n', 'm':
			newline = true
		case 's':
			newline = false
		case 'p':
			partialDot = true
		case 'w':
			partialAnchor = true
		case 'q':
			literal = true
		case 'x', 'e', 'b':
			// Expanded/extended syntax variants: accepted, RE2 syntax applies.
		case 'g':
			if !allowGlobal {
				return nil, sqlerr.New(sqlerr.InvalidParameterValue, "invalid regular expression option: \"%c\"", f)
			}
			global = true
		default:
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "invalid regular expression option: \"%c\"", f)
		}
	}
	src := pattern
	if literal {
		src = regexp.QuoteMeta(pattern)
	} else {
		src = translateARE(src)
	}
	var prefix strings.Builder
	prefix.WriteString("(?")
	if ci {
		prefix.WriteByte('i')
	}
	switch {
	case newline:
		prefix.WriteByte('m')
	case partialDot:
		// '.' excludes newline, anchors stay at the ends.
	case partialAnchor:
		prefix.WriteString("ms")
	default:
		prefix.WriteByte('s')
	}
	prefix.WriteByte(')')
	p := prefix.String()
	if p == "(?)" {
		p = ""
	}
	re, err := regexp.Compile(p + src)
	if err != nil {
		msg := err.Error()
		if e, ok := err.(*syntax.Error); ok {
			msg = string(e.Code)
		}
		return nil, sqlerr.New(sqlerr.InvalidRegularExpression, "invalid regular expression: %s", msg)
	}
	c := &compiledRE{re: re, global: global}
	reCache.put(key, c)
	return c, nil
}

// translateARE maps the PostgreSQL escapes RE2 spells differently.
func translateARE(p string) string {
	if !strings.Contains(p, `\`) {
		return p
	}
	var sb strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c != '\\' || i+1 >= len(p) {
			sb.WriteByte(c)
			continue
		}
		i++
		switch p[i] {
		case 'y':
			sb.WriteString(`\b`)
		case 'Y':
			sb.WriteString(`\B`)
		default:
			sb.WriteByte('\\')
			sb.WriteByte(p[i])
		}
	}
	return sb.String()
}

type reSite struct {
	memo siteMemo[*compiledRE]
}

func (s *reSite) get(pattern, flags string, allowGlobal bool) (*compiledRE, error) {
	if flags == "" {
		return s.memo.get(pattern, func(p string) (*compiledRE, error) { return compileRE(p, "", allowGlobal) })
	}
	return compileRE(pattern, flags, allowGlobal)
}

func reMatchOp(name string, ci, negate bool) *Func {
	flags := ""
	if ci {
		flags = "i"
	}
	return &Func{
		Name: name,
		Args: ts(tText, tText),
		Ret:  tBool,
		bind: func([]types.Type) EvalFunc {
			site := new(siteMemo[*compiledRE])
			return func(_ *Context, a []types.Datum) (types.Datum, error) {
				c, err := site.get(a[1].Str(), func(p string) (*compiledRE, error) { return compileRE(p, flags, false) })
				if err != nil {
					return types.Null, err
				}
				return types.NewBool(c.re.MatchString(a[0].Str()) != negate), nil
			}
		},
	}
}

// expandReplacement appends PostgreSQL's replacement text: \1..\9 are
// groups, \& the whole match, \\ a backslash; other backslashes are kept.
func expandReplacement(sb *strings.Builder, repl, src string, m []int) {
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		if c != '\\' {
			sb.WriteByte(c)
			continue
		}
		if i+1 >= len(repl) {
			sb.WriteByte('\\')
			break
		}
		n := repl[i+1]
		switch {
		case n >= '1' && n <= '9':
			g := int(n - '0')
			if 2*g+1 < len(m) && m[2*g] >= 0 {
				sb.WriteString(src[m[2*g]:m[2*g+1]])
			}
			i++
		case n == '&':
			sb.WriteString(src[m[0]:m[1]])
			i++
		case n == '\\':
			sb.WriteByte('\\')
			i++
		default:
			sb.WriteByte('\\')
		}
	}
}

func regexpReplace(c *compiledRE, src, repl string, global bool) string {
	var sb strings.Builder
	last := 0
	matches := c.re.FindAllStringSubmatchIndex(src, -1)
	for _, m := range matches {
		sb.WriteString(src[last:m[0]])
		expandReplacement(&sb, repl, src, m)
		last = m[1]
		if !global {
			break
		}
	}
	if last == 0 && len(matches) == 0 {
		return src
	}
	sb.WriteString(src[last:])
	return sb.String()
}

// regexpMatch returns the first match's groups as text[] (the whole match
// when the pattern has no groups), or NULL.
func regexpMatch(c *compiledRE, src string) types.Datum {
	m := c.re.FindStringSubmatchIndex(src)
	if m == nil {
		return types.Null
	}
	if len(m) == 2 {
		return types.NewArray([]types.Datum{str(src[m[0]:m[1]])})
	}
	out := make([]types.Datum, 0, len(m)/2-1)
	for g := 1; g < len(m)/2; g++ {
		if m[2*g] < 0 {
			out = append(out, types.Null)
		} else {
			out = append(out, str(src[m[2*g]:m[2*g+1]]))
		}
	}
	return types.NewArray(out)
}

func regexpSplit(c *compiledRE, src string) types.Datum {
	var out []types.Datum
	start := 0
	for _, m := range c.re.FindAllStringIndex(src, -1) {
		// An empty match splits between characters, never at the ends.
		if m[1] == m[0] && (m[0] == 0 || m[0] >= len(src)) {
			continue
		}
		out = append(out, str(src[start:m[0]]))
		start = m[1]
	}
	out = append(out, str(src[start:]))
	return types.NewArray(out)
}

// reFunc registers a regexp function taking (text, pattern[, ...][, flags]).
func reFunc(name string, args []types.Type, ret types.Type, flagsArg int, allowGlobal bool,
	eval func(c *compiledRE, a []types.Datum) (types.Datum, error)) *Func {
	return &Func{
		Name: name,
		Args: args,
		Ret:  ret,
		bind: func([]types.Type) EvalFunc {
			site := new(reSite)
			return func(_ *Context, a []types.Datum) (types.Datum, error) {
				flags := ""
				if flagsArg >= 0 {
					flags = a[flagsArg].Str()
				}
				c, err := site.get(a[1].Str(), flags, allowGlobal)
				if err != nil {
					return types.Null, err
				}
				return eval(c, a)
			}
		},
	}
}

func init() {
	register(
		reMatchOp("~", false, false),
		reMatchOp("!~", false, true),
		reMatchOp("~*", true, false),
		reMatchOp("!~*", true, true),
		reFunc("regexp_replace", ts(tText, tText, tText), tText, -1, false, func(c *compiledRE, a []types.Datum) (types.Datum, error) {
			return str(regexpReplace(c, a[0].Str(), a[2].Str(), false)), nil
		}),
		reFunc("regexp_replace", ts(tText, tText, tText, tText), tText, 3, true, func(c *compiledRE, a []types.Datum) (types.Datum, error) {
			return str(regexpReplace(c, a[0].Str(), a[2].Str(), c.global)), nil
		}),
		reFunc("regexp_match", ts(tText, tText), tTextArray, -1, false, func(c *compiledRE, a []types.Datum) (types.Datum, error) {
			return regexpMatch(c, a[0].Str()), nil
		}),
		reFunc("regexp_match", ts(tText, tText, tText), tTextArray, 2, false, func(c *compiledRE, a []types.Datum) (types.Datum, error) {
			return regexpMatch(c, a[0].Str()), nil
		}),
		reFunc("regexp_like", ts(tText, tText), tBool, -1, false, func(c *compiledRE, a []types.Datum) (types.Datum, error) {
			return types.NewBool(c.re.MatchString(a[0].Str())), nil
		}),
		reFunc("regexp_like", ts(tText, tText, tText), tBool, 2, false, func(c *compiledRE, a []types.Datum) (types.Datum, error) {
			return types.NewBool(c.re.MatchString(a[0].Str())), nil
		}),
		reFunc("regexp_count", ts(tText, tText), tInt4, -1, false, func(c *compiledRE, a []types.Datum) (types.Datum, error) {
			return types.NewInt(int64(len(c.re.FindAllStringIndex(a[0].Str(), -1)))), nil
		}),
		reFunc("regexp_split_to_array", ts(tText, tText), tTextArray, -1, false, func(c *compiledRE, a []types.Datum) (types.Datum, error) {
			return regexpSplit(c, a[0].Str()), nil
		}),
		reFunc("regexp_split_to_array", ts(tText, tText, tText), tTextArray, 2, false, func(c *compiledRE, a []types.Datum) (types.Datum, error) {
			return regexpSplit(c, a[0].Str()), nil
		}),
		// substring(text FROM pattern): the first parenthesised group if
		// any, else the whole match.
		reFunc("substring", ts(tText, tText), tText, -1, false, func(c *compiledRE, a []types.Datum) (types.Datum, error) {
			src := a[0].Str()
			m := c.re.FindStringSubmatchIndex(src)
			if m == nil {
				return types.Null, nil
			}
			if len(m) > 2 {
				if m[2] < 0 {
					return types.Null, nil
				}
				return str(src[m[2]:m[3]]), nil
			}
			return str(src[m[0]:m[1]]), nil
		}),
	)
}
