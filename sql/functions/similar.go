package functions

import (
	"strings"
	"unicode/utf8"

	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// SIMILAR TO: the parser turns `a SIMILAR TO p [ESCAPE e]` into
// `a ~ similar_to_escape(p [, e])`, so the pattern becomes a regular
// expression here and the regex operators match it.

// similarToRegex translates an SQL regular expression as PostgreSQL's
// similar_to_escape does: the whole pattern must match (^(?: ... )$), %
// is .*, _ is ., ( opens a non-capturing group, the regex
// metacharacters . ^ $ are literal, bracket expressions and | * + ? {m,n}
// keep their meaning, and the escape character (hasEsc; default a
// backslash) makes the next character literal. Two escape-double-quote
// separators split the pattern in three, as SUBSTRING ... SIMILAR uses.
func similarToRegex(pat string, esc rune, hasEsc bool) (string, error) {
	var b strings.Builder
	b.WriteString("^(?:")
	afterEsc, inClass, quotes := false, false, 0
	classStart := -1 // position in pat where the bracket's content starts
	for i, w := 0, 0; i < len(pat); i += w {
		c, width := utf8.DecodeRuneInString(pat[i:])
		w = width
		switch {
		case afterEsc:
			afterEsc = false
			if c == '"' && !inClass {
				switch quotes {
				case 0:
					b.WriteString("){1,1}?(")
				case 1:
					b.WriteString("){1,1}(?:")
				default:
					return "", sqlerr.New(sqlerr.InvalidUseOfEscapeCharacter,
						"SQL regular expression may not contain more than two escape-double-quote separators")
				}
				quotes++
				continue
			}
			b.WriteByte('\\')
			b.WriteRune(c)
		case hasEsc && c == esc:
			afterEsc = true
		case inClass:
			// ] right after [ or [^ is a member, not the end.
			if c == ']' && i > classStart {
				inClass = false
			}
			if c == '\\' {
				b.WriteByte('\\')
			}
			b.WriteRune(c)
		case c == '[':
			inClass = true
			b.WriteByte('[')
			classStart = i + 1
			if strings.HasPrefix(pat[i+1:], "^") {
				b.WriteByte('^')
				w++
				classStart++
			}
		case c == '%':
			b.WriteString(".*")
		case c == '_':
			b.WriteByte('.')
		case c == '(':
			b.WriteString("(?:")
		case c == '\\' || c == '.' || c == '^' || c == '$':
			b.WriteByte('\\')
			b.WriteRune(c)
		default:
			b.WriteRune(c)
		}
	}
	b.WriteString(")$")
	return b.String(), nil
}

func similarEscape(pat, esc string, hasEscArg bool) (types.Datum, error) {
	r, hasEsc := '\\', true
	if hasEscArg {
		switch utf8.RuneCountInString(esc) {
		case 0:
			hasEsc = false
		case 1:
			r, _ = utf8.DecodeRuneInString(esc)
		default:
			return types.Null, sqlerr.New(sqlerr.InvalidEscapeSequence, "invalid escape string").
				WithHint("Escape string must be empty or one character.")
		}
	}
	out, err := similarToRegex(pat, r, hasEsc)
	if err != nil {
		return types.Null, err
	}
	return str(out), nil
}

func init() {
	register(
		fn("similar_to_escape", ts(tText), tText, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return similarEscape(a[0].Str(), "", false)
		}),
		fn("similar_to_escape", ts(tText, tText), tText, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return similarEscape(a[0].Str(), a[1].Str(), true)
		}),
	)
}
