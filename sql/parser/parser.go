package parser

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	pgparser "github.com/pganalyze/pg_query_go/v6/parser"

	"github.com/eddy-db/eddy/sql/sqlerr"
)

// Parse splits sql into statements and parses each one.
//
// Splitting follows PostgreSQL's lexical rules: semicolons inside quoted
// strings, quoted identifiers, dollar quotes, comments and parentheses do
// not end a statement, nor do those inside the BEGIN ... END body of
// CREATE FUNCTION / PROCEDURE (as psql splits). Empty statements between
// semicolons are dropped; a string with only comments and whitespace
// gives zero statements.
//
// Statements PostgreSQL's grammar knows come back in Statement.PG; the
// streaming statements it lacks (see Node) in Statement.Eddy. CREATE TABLE
// (except CREATE TABLE ... AS), CREATE MATERIALIZED VIEW, SHOW and EXPLAIN
// always come back as Eddy nodes, so a caller handles one shape each.
//
// Like PostgreSQL, which parses a whole query string before running any of
// it, Parse returns either every statement or an error and no statements.
// The error is a *sqlerr.Error: 42601 for syntax errors, with Position the
// 1-based character position in sql; 0A000 for RisingWave statements Eddy
// does not support; 54001 for statements nested too deeply to parse
// safely; 22021 for a string that is not valid UTF-8 or holds a NUL byte.
//
// Parse is safe for concurrent use. It costs about 25 µs for a point
// SELECT, nearly all of it in PostgreSQL's grammar: callers on a hot path
// cache by statement text or use prepared statements.
func Parse(sql string) ([]Statement, error) {
	if err := checkEncoding(sql); err != nil {
		return nil, err
	}
	toks, err := scan(sql)
	if err != nil {
		return nil, scanError(sql, err)
	}
	segs := split(sql, toks)
	stmts := make([]Statement, 0, len(segs))
	for _, seg := range segs {
		p := newStmtParser(sql, seg)
		st, err := p.parseStatement()
		if err != nil {
			return nil, err
		}
		stmts = append(stmts, st)
	}
	return stmts, nil
}

// checkEncoding rejects what PostgreSQL rejects before parsing: bytes that
// are not UTF-8, and NUL (which cannot travel in a query message).
func checkEncoding(sql string) error {
	for i := 0; i < len(sql); {
		c := sql[i]
		if c == 0 {
			return badEncoding([]byte{0})
		}
		if c < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(sql[i:])
		if r == utf8.RuneError && n <= 1 {
			// Show the bytes of the broken sequence, as PostgreSQL does:
			// as many as the lead byte announces, at most what is left.
			want := 1
			switch {
			case c&0xe0 == 0xc0:
				want = 2
			case c&0xf0 == 0xe0:
				want = 3
			case c&0xf8 == 0xf0:
				want = 4
			}
			end := min(i+want, len(sql))
			return badEncoding([]byte(sql[i:end]))
		}
		i += n
	}
	return nil
}

func badEncoding(b []byte) *sqlerr.Error {
	hex := make([]string, len(b))
	for i, c := range b {
		hex[i] = fmt.Sprintf("0x%02x", c)
	}
	return sqlerr.New(sqlerr.CharacterNotInRepertoire,
		`invalid byte sequence for encoding "UTF8": %s`, strings.Join(hex, " "))
}

// segment is one statement's tokens, comments removed.
type segment struct {
	toks []token
	semi int // byte offset of the semicolon ending the statement, or -1
}

// split cuts the token stream at top-level semicolons.
func split(sql string, toks []token) []segment {
	var (
		segs  []segment
		cur   []token
		depth int // parentheses
		begin int // BEGIN ... END blocks of a CREATE FUNCTION / PROCEDURE body
		words []string
	)
	isRoutine := func() bool {
		// CREATE [OR REPLACE] FUNCTION | PROCEDURE, psql's heuristic.
		if len(words) < 2 || words[0] != "create" {
			return false
		}
		if words[1] == "function" || words[1] == "procedure" {
			return true
		}
		return len(words) >= 4 && words[1] == "or" && words[2] == "replace" &&
			(words[3] == "function" || words[3] == "procedure")
	}
	for _, t := range toks {
		if isComment(t.tok) {
			continue
		}
		switch t.tok {
		case tokLParen:
			depth++
		case tokRParen:
			if depth > 0 {
				depth--
			}
		case tokSemicolon:
			if depth == 0 && begin == 0 {
				if len(cur) > 0 {
					segs = append(segs, segment{toks: cur, semi: t.start})
				}
				cur, words = nil, words[:0]
				continue
			}
		}
		if isWordToken(sql, t) {
			w := ""
			if len(words) < 4 || depth == 0 {
				w = lowerASCII(sql[t.start:t.end])
			}
			if len(words) < 4 {
				words = append(words, w)
			}
			if depth == 0 && isRoutine() {
				switch w {
				case "begin":
					begin++
				case "case":
					if begin > 0 {
						begin++
					}
				case "end":
					if begin > 0 {
						begin--
					}
				}
			}
		}
		cur = append(cur, t)
	}
	if len(cur) > 0 {
		segs = append(segs, segment{toks: cur, semi: -1})
	}
	return segs
}

// scanError converts an error of PostgreSQL's scanner over the whole
// string. PostgreSQL reports the first error in the string, so when a
// statement before the bad token fails to parse, that error wins.
func scanError(sql string, err error) error {
	var pe *pgparser.Error
	if !errors.As(err, &pe) {
		return sqlerr.Wrap(err, sqlerr.InternalError, err.Error())
	}
	e := &sqlerr.Error{Code: codeFor(pe.Message), Message: pe.Message, Position: pe.Cursorpos}
	if pe.Cursorpos <= 0 {
		return e
	}
	off := byteOffset(sql, pe.Cursorpos-1)
	toks, err2 := scan(sql[:off])
	if err2 != nil {
		return e
	}
	for _, seg := range split(sql[:off], toks) {
		if seg.semi < 0 {
			break
		}
		p := newStmtParser(sql, seg)
		if _, perr := p.parseStatement(); perr != nil {
			return perr
		}
	}
	return e
}

// byteOffset returns the byte offset in s of the character with 0-based
// index n, or len(s) if s has n characters or fewer.
func byteOffset(s string, n int) int {
	if n <= 0 {
		return 0
	}
	i := 0
	for off := range s {
		if i == n {
			return off
		}
		i++
	}
	return len(s)
}

// codeFor returns the SQLSTATE of an error PostgreSQL's raw parser raised:
// syntax_error for nearly all of them, feature_not_supported for the few
// that say so.
func codeFor(msg string) string {
	if strings.Contains(msg, "not yet implemented") || strings.Contains(msg, "not supported") {
		return sqlerr.FeatureNotSupported
	}
	return sqlerr.SyntaxError
}

// stmtParser parses one statement. Token positions are byte offsets into
// the whole string given to Parse, so errors point into it.
type stmtParser struct {
	sql   string  // the whole string given to Parse
	toks  []token // the statement's tokens, without comments
	pos   int     // the next token to read
	start int     // byte range of the statement in sql
	end   int
	semi  int     // byte offset of the terminating semicolon, or -1
	asOf  []int32 // see Statement.AsOfProcTime
}

func newStmtParser(sql string, seg segment) *stmtParser {
	return &stmtParser{
		sql:   sql,
		toks:  seg.toks,
		start: seg.toks[0].start,
		end:   seg.toks[len(seg.toks)-1].end,
		semi:  seg.semi,
	}
}

// sub returns a parser for the statement made of toks[from:], which ends
// where p's statement ends (EXPLAIN's inner statement).
func (p *stmtParser) sub(from int) *stmtParser {
	return &stmtParser{
		sql:   p.sql,
		toks:  p.toks[from:],
		start: p.toks[from].start,
		end:   p.end,
		semi:  p.semi,
	}
}

func (p *stmtParser) text() string { return p.sql[p.start:p.end] }

func (p *stmtParser) statement() Statement {
	return Statement{SQL: p.text(), Offset: p.start}
}

// tokText returns the text of token i.
func (p *stmtParser) tokText(i int) string {
	t := p.toks[i]
	return p.sql[t.start:t.end]
}

// word returns token pos+k as a lower-case keyword if it is an unquoted
// identifier or keyword, else "".
func (p *stmtParser) word(k int) string {
	i := p.pos + k
	if i < 0 || i >= len(p.toks) || !isWordToken(p.sql, p.toks[i]) {
		return ""
	}
	return lowerASCII(p.tokText(i))
}

// is reports whether the next tokens are the keywords ws.
func (p *stmtParser) is(ws ...string) bool {
	for k, w := range ws {
		if p.word(k) != w {
			return false
		}
	}
	return true
}

// accept consumes the keywords ws if they come next.
func (p *stmtParser) accept(ws ...string) bool {
	if !p.is(ws...) {
		return false
	}
	p.pos += len(ws)
	return true
}

// expect consumes the keywords ws or fails at the first that differs.
func (p *stmtParser) expect(ws ...string) error {
	for _, w := range ws {
		if p.word(0) != w {
			return p.errAt(p.pos)
		}
		p.pos++
	}
	return nil
}

// isTok reports whether token pos+k is tok.
func (p *stmtParser) isTok(k int, tok pg_query.Token) bool {
	i := p.pos + k
	return i < len(p.toks) && p.toks[i].tok == tok
}

func (p *stmtParser) acceptTok(tok pg_query.Token) bool {
	if p.isTok(0, tok) {
		p.pos++
		return true
	}
	return false
}

func (p *stmtParser) expectTok(tok pg_query.Token) error {
	if !p.acceptTok(tok) {
		return p.errAt(p.pos)
	}
	return nil
}

func (p *stmtParser) atEnd() bool { return p.pos >= len(p.toks) }

// expectEnd fails unless every token has been consumed.
func (p *stmtParser) expectEnd() error {
	if !p.atEnd() {
		return p.errAt(p.pos)
	}
	return nil
}

// charPos returns the 1-based character position of byte offset off.
func (p *stmtParser) charPos(off int) int {
	return utf8.RuneCountInString(p.sql[:off]) + 1
}

// errAt returns a syntax error at token i (at the end of the statement if
// i is past its last token).
func (p *stmtParser) errAt(i int) *sqlerr.Error {
	if i >= len(p.toks) {
		return p.errAtEnd()
	}
	e := sqlerr.New(sqlerr.SyntaxError, `syntax error at or near "%s"`, p.tokText(i))
	e.Position = p.charPos(p.toks[i].start)
	return e
}

// errAtEnd returns the syntax error PostgreSQL gives when a statement stops
// short: at the semicolon that ends it, or at the end of the input.
func (p *stmtParser) errAtEnd() *sqlerr.Error {
	if p.semi >= 0 {
		e := sqlerr.New(sqlerr.SyntaxError, `syntax error at or near ";"`)
		e.Position = p.charPos(p.semi)
		return e
	}
	e := sqlerr.New(sqlerr.SyntaxError, "syntax error at end of input")
	e.Position = p.charPos(len(p.sql))
	return e
}

// errAtByte returns a syntax error at the first token that starts at or
// after byte offset off.
func (p *stmtParser) errAtByte(off int) *sqlerr.Error {
	for i, t := range p.toks {
		if t.start >= off {
			return p.errAt(i)
		}
	}
	return p.errAtEnd()
}

// notSupported returns the 0A000 error for a RisingWave statement Eddy
// does not implement, named by its first n keywords.
func (p *stmtParser) notSupported(n int) *sqlerr.Error {
	ws := make([]string, 0, n)
	for i := 0; i < n && i < len(p.toks); i++ {
		ws = append(ws, strings.ToUpper(p.tokText(i)))
	}
	return sqlerr.NotSupported("%s", strings.Join(ws, " "))
}

// statementTooComplex is PostgreSQL's SQLSTATE for "stack depth limit
// exceeded".
const statementTooComplex = "54001"

// maxDepth bounds how deeply a statement may nest. Deeper parse trees
// fail in pg_query's protobuf decoding anyway (about 5000 levels), and
// much deeper ones (left-deep operator chains of some 20000 terms)
// overflow the C stack while pg_query serializes them, which would take
// the process down: such statements are refused before they reach it.
const maxDepth = 10000

const tooDeepMessage = "stack depth limit exceeded"

func errTooDeep() *sqlerr.Error { return sqlerr.New(statementTooComplex, tooDeepMessage) }

// checkDepth refuses a statement whose parse tree could nest more than
// maxDepth levels. The estimate is an upper bound: parentheses and
// brackets, and per nesting level the operators of one list element
// (left-deep chains such as a + b + c), plus the set operations and joins
// of the level. Commas, AND and OR end a chain: PostgreSQL flattens AND
// and OR into one node.
func (p *stmtParser) checkDepth() error {
	type level struct{ chain, links int }
	stack := []level{{}}
	depth := 1 // the sum over stack of chain + links + 1
	for _, t := range p.toks {
		top := &stack[len(stack)-1]
		switch t.tok {
		case tokLParen, pg_query.Token('['):
			stack = append(stack, level{})
			depth++
		case tokRParen, pg_query.Token(']'):
			if len(stack) > 1 {
				depth -= top.chain + top.links + 1
				stack = stack[:len(stack)-1]
			}
		case tokComma:
			depth -= top.chain
			top.chain = 0
		case pg_query.Token_Op, tokPlus, tokMinus, tokStar, tokEquals, pg_query.Token('/'),
			pg_query.Token('%'), pg_query.Token('^'), pg_query.Token('<'), pg_query.Token('>'),
			pg_query.Token_LESS_EQUALS, pg_query.Token_GREATER_EQUALS, pg_query.Token_NOT_EQUALS,
			pg_query.Token_TYPECAST:
			top.chain++
			depth++
		case pg_query.Token_AND, pg_query.Token_OR:
			depth -= top.chain
			top.chain = 0
		case pg_query.Token_UNION, pg_query.Token_INTERSECT, pg_query.Token_EXCEPT, pg_query.Token_JOIN:
			top.links++
			depth++
		case pg_query.Token_IS, pg_query.Token_COLLATE, pg_query.Token_AT, pg_query.Token_LIKE,
			pg_query.Token_ILIKE, pg_query.Token_SIMILAR, pg_query.Token_BETWEEN, pg_query.Token_IN_P,
			pg_query.Token_OPERATOR, pg_query.Token_NOT, pg_query.Token_ISNULL, pg_query.Token_NOTNULL:
			top.chain++
			depth++
		}
		if depth > maxDepth {
			return errTooDeep()
		}
	}
	return nil
}

// parseStatement parses the whole statement.
func (p *stmtParser) parseStatement() (Statement, error) {
	if err := p.checkDepth(); err != nil {
		return Statement{}, err
	}
	st := p.statement()
	var (
		n   Node
		err error
	)
	switch p.word(0) {
	case "create":
		n, err = p.parseCreate()
	case "show":
		n, err = p.parseShow()
	case "describe", "desc":
		n, err = p.parseDescribe()
	case "flush":
		p.pos++
		n, err = &Flush{}, p.expectEnd()
	case "explain":
		n, err = p.parseExplain()
	case "drop":
		n, err = p.parseDrop()
	case "alter":
		err = p.checkAlter()
	case "declare":
		// DECLARE c SUBSCRIPTION CURSOR FOR sub
		if p.word(2) == "subscription" {
			err = sqlerr.NotSupported("DECLARE SUBSCRIPTION CURSOR")
		}
	case "cancel", "kill", "recover", "wait":
		err = p.notSupported(1)
	}
	if err != nil {
		return Statement{}, err
	}
	if n != nil {
		st.Eddy = n
	} else if st.PG, err = p.parsePG(); err != nil {
		return Statement{}, err
	}
	st.AsOfProcTime = p.asOf
	return st, nil
}

// parsePG parses the statement with PostgreSQL's grammar.
func (p *stmtParser) parsePG() (*pg_query.Node, error) {
	st := newSubText(p.text())
	p.blankAsOfProcTime(st, 0, len(p.toks))
	return p.pgParseText(st)
}

// blankAsOfProcTime removes RisingWave's `FOR SYSTEM_TIME AS OF
// PROCTIME()` after a relation name among tokens [from, to) and records
// where the relation's name starts.
func (p *stmtParser) blankAsOfProcTime(st *subText, from, to int) {
	for i := from + 1; i+6 < to; i++ {
		if p.toks[i].tok != pg_query.Token_FOR || p.wordAt(i+1) != "system_time" ||
			p.wordAt(i+2) != "as" || p.wordAt(i+3) != "of" || p.wordAt(i+4) != "proctime" ||
			p.toks[i+5].tok != tokLParen || p.toks[i+6].tok != tokRParen {
			continue
		}
		j := i - 1
		if !isNameToken(p.sql, p.toks[j], true) {
			continue
		}
		for j-2 >= from && p.toks[j-1].tok == tokDot && isNameToken(p.sql, p.toks[j-2], true) {
			j -= 2
		}
		p.blankToks(st, i, i+7)
		p.asOf = append(p.asOf, int32(p.rel(j)))
		i += 6
	}
}

// subText is text handed to PostgreSQL's grammar that stands for the
// statement byte for byte: buf[i] is the statement's byte i, except where
// a clause was blanked out (replaced by spaces) or where text was
// inserted into a blanked part (recorded in ins). Positions PostgreSQL
// reports and the Location fields of its nodes are therefore offsets into
// the statement. buf may run past the statement's end only with inserted
// text.
type subText struct {
	buf []byte
	ins [][2]int // inserted byte ranges [from, to)
}

func newSubText(stmt string) *subText {
	return &subText{buf: []byte(stmt)}
}

// blank replaces bytes [from, to) (statement-relative) with spaces.
func (s *subText) blank(from, to int) {
	for i := from; i < to && i < len(s.buf); i++ {
		s.buf[i] = ' '
	}
}

// insert writes text at statement-relative offset at, over blanked bytes,
// extending buf if needed.
func (s *subText) insert(at int, text string) {
	for len(s.buf) < at+len(text) {
		s.buf = append(s.buf, ' ')
	}
	copy(s.buf[at:], text)
	s.ins = append(s.ins, [2]int{at, at + len(text)})
}

// truncate cuts buf to n bytes.
func (s *subText) truncate(n int) {
	if n < len(s.buf) {
		s.buf = s.buf[:n]
	}
}

func (s *subText) inserted(off int) (int, bool) {
	for _, r := range s.ins {
		if off >= r[0] && off < r[1] {
			return r[0], true
		}
	}
	return 0, false
}

// pgParseText parses s with PostgreSQL's grammar and returns its single
// statement, translating errors to positions in the string given to Parse.
func (p *stmtParser) pgParseText(s *subText) (*pg_query.Node, error) {
	text := string(s.buf)
	res, err := pg_query.Parse(text)
	if err != nil {
		return nil, p.pgError(s, text, err)
	}
	if len(res.Stmts) == 0 {
		return nil, p.errAtEnd()
	}
	if len(res.Stmts) > 1 {
		return nil, p.errAtByte(p.start + int(res.Stmts[1].StmtLocation))
	}
	return res.Stmts[0].Stmt, nil
}

// pgError translates an error PostgreSQL's grammar raised on s.
func (p *stmtParser) pgError(s *subText, text string, err error) error {
	var pe *pgparser.Error
	if !errors.As(err, &pe) {
		// Not PostgreSQL's: pg_query's protobuf decoding refuses trees
		// nested too deeply.
		return sqlerr.Wrap(err, statementTooComplex, tooDeepMessage)
	}
	e := &sqlerr.Error{Code: codeFor(pe.Message), Message: pe.Message}
	if pe.Cursorpos <= 0 {
		return e
	}
	off := byteOffset(text, pe.Cursorpos-1)
	if strings.HasPrefix(pe.Message, "syntax error at ") {
		if strings.HasSuffix(pe.Message, " at end of input") {
			// The grammar ran out of text: the error is at whatever
			// follows the last text it was given.
			last := len(strings.TrimRight(text, " \t\r\n\f\v"))
			if from, ok := s.inserted(last - 1); ok {
				last = from
			}
			return p.errAtByte(p.start + last)
		}
		if from, ok := s.inserted(off); ok {
			// At text written in for PostgreSQL: name what stands there.
			return p.errAtByte(p.start + from)
		}
	}
	e.Position = p.charPos(p.start + min(off, p.end-p.start))
	return e
}
