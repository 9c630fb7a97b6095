package parser

import (
	"strings"
	"unicode/utf8"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// token is one lexical token of the string given to Parse, as PostgreSQL's
// scanner (pg_query.Scan) cut it. start and end are byte offsets into that
// string.
type token struct {
	start, end int
	tok        pg_query.Token
	kw         pg_query.KeywordKind
}

// Single-character tokens are returned by the scanner with their ASCII code.
const (
	tokLParen    = pg_query.Token('(')
	tokRParen    = pg_query.Token(')')
	tokComma     = pg_query.Token(',')
	tokDot       = pg_query.Token('.')
	tokSemicolon = pg_query.Token(';')
	tokEquals    = pg_query.Token('=')
	tokMinus     = pg_query.Token('-')
	tokPlus      = pg_query.Token('+')
	tokStar      = pg_query.Token('*')
)

// maxIdentLen is PostgreSQL's NAMEDATALEN-1: longer identifiers are
// truncated, as the scanner does for the names it hands to the grammar.
const maxIdentLen = 63

func isComment(t pg_query.Token) bool {
	return t == pg_query.Token_SQL_COMMENT || t == pg_query.Token_C_COMMENT
}

// scan runs PostgreSQL's scanner over sql and converts its tokens.
func scan(sql string) ([]token, error) {
	res, err := pg_query.Scan(sql)
	if err != nil {
		return nil, err
	}
	toks := make([]token, len(res.Tokens))
	for i, t := range res.Tokens {
		toks[i] = token{start: int(t.Start), end: int(t.End), tok: t.Token, kw: t.KeywordKind}
	}
	return toks, nil
}

// isWordToken reports whether t is an unquoted identifier or a keyword,
// that is a token that can be matched against a keyword of Eddy's grammar.
func isWordToken(sql string, t token) bool {
	if t.kw != pg_query.KeywordKind_NO_KEYWORD {
		return true
	}
	return t.tok == pg_query.Token_IDENT && sql[t.start] != '"'
}

// isNameToken reports whether t can be (part of) a name: an identifier,
// quoted or not, or a keyword. reservedOK says whether reserved keywords
// are allowed (PostgreSQL allows them after a dot: ColLabel); otherwise
// only unreserved and column-name keywords are (ColId).
func isNameToken(sql string, t token, reservedOK bool) bool {
	switch t.kw {
	case pg_query.KeywordKind_NO_KEYWORD:
		return t.tok == pg_query.Token_IDENT
	case pg_query.KeywordKind_UNRESERVED_KEYWORD, pg_query.KeywordKind_COL_NAME_KEYWORD:
		return true
	default:
		return reservedOK
	}
}

// lowerASCII folds ASCII letters to lower case, as PostgreSQL does for
// unquoted identifiers in a UTF-8 database.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// identValue returns the name an identifier or keyword token stands for:
// unquoted text folded to lower case, quoted text unquoted with doubled
// quotes collapsed, both truncated to 63 bytes.
func identValue(text string) string {
	var v string
	if strings.HasPrefix(text, `"`) && strings.HasSuffix(text, `"`) && len(text) >= 2 {
		v = strings.ReplaceAll(text[1:len(text)-1], `""`, `"`)
	} else {
		v = lowerASCII(text)
	}
	return truncateIdent(v)
}

// truncateIdent cuts s to maxIdentLen bytes without splitting a character.
func truncateIdent(s string) string {
	if len(s) <= maxIdentLen {
		return s
	}
	n := maxIdentLen
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// plainStringValue returns the value of a simple single-quoted literal
// ('...' with doubled quotes, no prefix, no continuation) and true, or
// false if the literal needs the full PostgreSQL rules.
func plainStringValue(text string) (string, bool) {
	if len(text) < 2 || text[0] != '\'' || text[len(text)-1] != '\'' {
		return "", false
	}
	body := text[1 : len(text)-1]
	// A continuation ('a'<newline>'b') leaves a quote that is not doubled.
	for i := 0; i < len(body); i++ {
		if body[i] == '\'' {
			if i+1 < len(body) && body[i+1] == '\'' {
				i++
				continue
			}
			return "", false
		}
	}
	return strings.ReplaceAll(body, "''", "'"), true
}

// isStringToken reports whether t is a character-string literal ('...',
// E'...', U&'...', $$...$$).
func isStringToken(t token) bool {
	return t.tok == pg_query.Token_SCONST || t.tok == pg_query.Token_USCONST
}
