package functions

import (
	"strings"

	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// concat, concat_ws, format and the quote_* functions.

// reservedWords are PostgreSQL's keywords that are not unreserved
// (reserved, column-name and type/function-name keywords): quote_ident
// quotes them.
var reservedWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`all analyse analyze and any array as asc asymmetric
		authorization between bigint binary bit boolean both case cast char character check
		coalesce collate collation column concurrently constraint create cross current_catalog
		current_date current_role current_schema current_time current_timestamp current_user dec
		decimal default deferrable desc distinct do else end except exists extract false fetch
		float for foreign freeze from full grant greatest group grouping having ilike in
		initially inner inout int integer intersect interval into is isnull join lateral
		leading least left like limit localtime localtimestamp national natural nchar none
		normalize not notnull null nullif numeric offset on only or order out outer overlaps
		overlay placing position precision primary real references returning right row select
		session_user setof similar smallint some substring symmetric table tablesample then time
		timestamp to trailing treat trim true union unique user using values varchar variadic
		verbose when where window with xmlattributes xmlconcat xmlelement xmlexists xmlforest
		xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable`) {
		m[w] = true
	}
	return m
}()

// QuoteIdent quotes an identifier when PostgreSQL would (quote_ident):
// unless it is ASCII lower-case letters, digits and underscores not
// starting with a digit, and not a reserved word.
func QuoteIdent(s string) string {
	safe := s != "" && !(s[0] >= '0' && s[0] <= '9')
	for i := 0; safe && i < len(s); i++ {
		c := s[i]
		safe = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'
	}
	if safe && !reservedWords[s] {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// QuoteLiteral quotes a string as an SQL literal (quote_literal): single
// quotes doubled, and an E” literal with doubled backslashes when the
// string has any.
func QuoteLiteral(s string) string {
	var sb strings.Builder
	if strings.Contains(s, `\`) {
		sb.WriteByte('E')
	}
	sb.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\'' || c == '\\' {
			sb.WriteByte(c)
		}
		sb.WriteByte(c)
	}
	sb.WriteByte('\'')
	return sb.String()
}

func concatBind(withSep bool) func([]types.Type) EvalFunc {
	return func(argTypes []types.Type) EvalFunc {
		return func(ctx *Context, a []types.Datum) (types.Datum, error) {
			sep := ""
			first := 0
			if withSep {
				if a[0].IsNull() {
					return types.Null, nil
				}
				sep, first = a[0].Str(), 1
			}
			var sb strings.Builder
			wrote := false
			for i := first; i < len(a); i++ {
				if a[i].IsNull() {
					continue
				}
				if wrote {
					sb.WriteString(sep)
				}
				sb.WriteString(outputText(a[i], argTypes[i], envOf(ctx)))
				wrote = true
			}
			return str(sb.String()), nil
		}
	}
}

var errFormatFewArgs = sqlerr.New(sqlerr.InvalidParameterValue, "too few arguments for format()")

// formatText implements format(fmt, args...): %s, %I, %L and %%, with
// optional argument position (%2$s), '-' flag and width (%-10s, %*s).
func formatText(ctx *Context, f string, args []types.Datum, argTypes []types.Type) (string, error) {
	var sb strings.Builder
	next := 0
	unterminated := sqlerr.New(sqlerr.InvalidParameterValue, "unterminated format() type specifier").
		WithHint(`For a single "%%" use "%%%%".`)
	readNum := func(i int) (int, int, bool) {
		n, j := 0, i
		for j < len(f) && f[j] >= '0' && f[j] <= '9' {
			n = n*10 + int(f[j]-'0')
			if n > 1<<30 {
				return 0, j, false
			}
			j++
		}
		return n, j, j > i
	}
	argAt := func(pos int) (types.Datum, types.Type, error) {
		if pos >= len(args) {
			return types.Null, types.Type{}, errFormatFewArgs
		}
		return args[pos], argTypes[pos], nil
	}
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c != '%' {
			sb.WriteByte(c)
			continue
		}
		i++
		if i >= len(f) {
			return "", unterminated
		}
		if f[i] == '%' {
			sb.WriteByte('%')
			continue
		}
		// [argpos$]
		argPos := -1
		if n, j, ok := readNum(i); ok && j < len(f) && f[j] == '$' {
			if n == 0 {
				return "", sqlerr.New(sqlerr.InvalidParameterValue, "format specifies argument 0, but arguments are numbered from 1")
			}
			argPos, i = n-1, j+1
		}
		// [flags]
		left := false
		for i < len(f) && f[i] == '-' {
			left = true
			i++
		}
		// [width]
		width := 0
		if i < len(f) && f[i] == '*' {
			i++
			wpos := next
			if n, j, ok := readNum(i); ok && j < len(f) && f[j] == '$' {
				if n == 0 {
					return "", sqlerr.New(sqlerr.InvalidParameterValue, "format specifies argument 0, but arguments are numbered from 1")
				}
				wpos, i = n-1, j+1
			} else {
				next++
			}
			d, _, err := argAt(wpos)
			if err != nil {
				return "", err
			}
			if !d.IsNull() {
				width = int(d.Int())
				if width < 0 {
					left, width = true, -width
				}
			}
		} else if n, j, ok := readNum(i); ok {
			width, i = n, j
		}
		if i >= len(f) {
			return "", unterminated
		}
		typ := f[i]
		if typ != 's' && typ != 'I' && typ != 'L' {
			return "", sqlerr.New(sqlerr.InvalidParameterValue, "unrecognized format() type specifier \"%c\"", typ).
				WithHint(`For a single "%%" use "%%%%".`)
		}
		if argPos < 0 {
			argPos = next
		}
		next = argPos + 1
		d, t, err := argAt(argPos)
		if err != nil {
			return "", err
		}
		var out string
		switch typ {
		case 's':
			if !d.IsNull() {
				out = outputText(d, t, envOf(ctx))
			}
		case 'I':
			if d.IsNull() {
				return "", sqlerr.New(codeNullNotAllowed, "null values cannot be formatted as an SQL identifier")
			}
			out = QuoteIdent(outputText(d, t, envOf(ctx)))
		case 'L':
			if d.IsNull() {
				out = "NULL"
			} else {
				out = QuoteLiteral(outputText(d, t, envOf(ctx)))
			}
		}
		if n := width - charLenInt(out); n > 0 {
			if left {
				sb.WriteString(out)
				sb.WriteString(strings.Repeat(" ", n))
			} else {
				sb.WriteString(strings.Repeat(" ", n))
				sb.WriteString(out)
			}
		} else {
			sb.WriteString(out)
		}
	}
	return sb.String(), nil
}

func charLenInt(s string) int { return int(charLen(s)) }

func quoteLiteralBind(nullable bool) func([]types.Type) EvalFunc {
	return func(argTypes []types.Type) EvalFunc {
		return func(ctx *Context, a []types.Datum) (types.Datum, error) {
			if a[0].IsNull() {
				if nullable {
					return str("NULL"), nil
				}
				return types.Null, nil
			}
			s, err := castText(a[0], argTypes[0], envOf(ctx))
			if err != nil {
				return types.Null, err
			}
			return str(QuoteLiteral(s)), nil
		}
	}
}

func init() {
	register(
		&Func{Name: "concat", Args: ts(Any), Variadic: true, Ret: tText, NullCall: true, bind: concatBind(false)},
		&Func{Name: "concat_ws", Args: ts(tText, Any), Variadic: true, Ret: tText, NullCall: true, bind: concatBind(true)},
		&Func{Name: "format", Args: ts(tText), Ret: tText, NullCall: true, bind: func([]types.Type) EvalFunc {
			return func(ctx *Context, a []types.Datum) (types.Datum, error) {
				if a[0].IsNull() {
					return types.Null, nil
				}
				s, err := formatText(ctx, a[0].Str(), nil, nil)
				if err != nil {
					return types.Null, err
				}
				return str(s), nil
			}
		}},
		&Func{Name: "format", Args: ts(tText, Any), Variadic: true, Ret: tText, NullCall: true, bind: func(argTypes []types.Type) EvalFunc {
			return func(ctx *Context, a []types.Datum) (types.Datum, error) {
				if a[0].IsNull() {
					return types.Null, nil
				}
				s, err := formatText(ctx, a[0].Str(), a[1:], argTypes[1:])
				if err != nil {
					return types.Null, err
				}
				return str(s), nil
			}
		}},
		text1("quote_ident", tText, func(s string) types.Datum { return str(QuoteIdent(s)) }),
		&Func{Name: "quote_literal", Args: ts(tText), Ret: tText, bind: quoteLiteralBind(false)},
		&Func{Name: "quote_literal", Args: ts(AnyElement), Ret: tText, bind: quoteLiteralBind(false)},
		&Func{Name: "quote_nullable", Args: ts(tText), Ret: tText, NullCall: true, bind: quoteLiteralBind(true)},
		&Func{Name: "quote_nullable", Args: ts(AnyElement), Ret: tText, NullCall: true, bind: quoteLiteralBind(true)},
	)
}
