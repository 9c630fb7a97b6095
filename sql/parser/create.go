package parser

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/eddy-db/eddy/sql/sqlerr"
)

// parseCreate routes CREATE statements. It returns a nil Node for the
// statements PostgreSQL's grammar parses.
func (p *stmtParser) parseCreate() (Node, error) {
	p.pos = 1
	orReplace := p.accept("or", "replace")
	switch {
	case p.is("table"):
		if orReplace {
			return nil, sqlerr.NotSupported("CREATE OR REPLACE TABLE")
		}
		p.pos++
		return p.parseCreateTable()
	case p.is("temp", "table"), p.is("temporary", "table"), p.is("unlogged", "table"):
		p.pos += 2
		return p.parseCreateTable()
	case p.is("global", "temp", "table"), p.is("global", "temporary", "table"),
		p.is("local", "temp", "table"), p.is("local", "temporary", "table"):
		p.pos += 3
		return p.parseCreateTable()
	case p.is("source"):
		if orReplace {
			return nil, sqlerr.NotSupported("CREATE OR REPLACE SOURCE")
		}
		p.pos++
		return p.parseCreateSource()
	case p.is("temp", "source"), p.is("temporary", "source"):
		return nil, sqlerr.NotSupported("CREATE TEMPORARY SOURCE")
	case p.is("materialized", "view"):
		p.pos += 2
		return p.parseCreateMaterializedView(orReplace)
	case p.is("sink"):
		if orReplace {
			return nil, sqlerr.NotSupported("CREATE OR REPLACE SINK")
		}
		p.pos++
		return p.parseCreateSink()
	case p.is("subscription"):
		return nil, sqlerr.NotSupported("CREATE SUBSCRIPTION")
	case p.is("connection"):
		return nil, sqlerr.NotSupported("CREATE CONNECTION")
	case p.is("secret"):
		return nil, sqlerr.NotSupported("CREATE SECRET")
	}
	return nil, nil
}

// rel returns the statement-relative byte offset of the start of token i
// (of the statement's end if i is past the last token).
func (p *stmtParser) rel(i int) int {
	if i >= len(p.toks) {
		return p.end - p.start
	}
	return p.toks[i].start - p.start
}

// relEnd returns the statement-relative byte offset of the end of token i.
func (p *stmtParser) relEnd(i int) int { return p.toks[i].end - p.start }

// blankToks blanks tokens [from, to) of the statement in s.
func (p *stmtParser) blankToks(s *subText, from, to int) {
	if from < to {
		s.blank(p.rel(from), p.relEnd(to-1))
	}
}

// matchParen returns the index of the parenthesis closing the one at
// token i.
func (p *stmtParser) matchParen(i int) (int, error) {
	depth := 0
	for j := i; j < len(p.toks); j++ {
		switch p.toks[j].tok {
		case tokLParen:
			depth++
		case tokRParen:
			depth--
			if depth == 0 {
				return j, nil
			}
		case tokSemicolon:
			return 0, p.errAt(j)
		}
	}
	return 0, p.errAtEnd()
}

// pgErrorOr returns the error PostgreSQL's grammar finds in s, or err if
// it finds none.
func (p *stmtParser) pgErrorOr(s *subText, err error) error {
	if _, pgErr := p.pgParseText(s); pgErr != nil {
		return pgErr
	}
	return err
}

// skipBalanced returns the index after token i, or after the parenthesis
// matching it if it opens one.
func (p *stmtParser) skipBalanced(i int) (int, error) {
	if p.toks[i].tok != tokLParen {
		return i + 1, nil
	}
	j, err := p.matchParen(i)
	return j + 1, err
}

// wordAt returns token i as a lower-case keyword, or "" (see word).
func (p *stmtParser) wordAt(i int) string {
	return p.word(i - p.pos)
}

// parseName parses a possibly qualified name and returns its normalized
// form (see the package documentation).
func (p *stmtParser) parseName() (string, error) {
	if p.atEnd() || !isNameToken(p.sql, p.toks[p.pos], false) {
		return "", p.errAt(p.pos)
	}
	name := identValue(p.tokText(p.pos))
	p.pos++
	for p.isTok(0, tokDot) {
		p.pos++
		if p.atEnd() || !isNameToken(p.sql, p.toks[p.pos], true) {
			return "", p.errAt(p.pos)
		}
		name += "." + identValue(p.tokText(p.pos))
		p.pos++
	}
	return name, nil
}

// parseIdent parses an unqualified name.
func (p *stmtParser) parseIdent() (string, error) {
	if p.atEnd() || !isNameToken(p.sql, p.toks[p.pos], false) {
		return "", p.errAt(p.pos)
	}
	p.pos++
	return identValue(p.tokText(p.pos - 1)), nil
}

// parseIdentList parses `(name, ...)`.
func (p *stmtParser) parseIdentList() ([]string, error) {
	if err := p.expectTok(tokLParen); err != nil {
		return nil, err
	}
	var names []string
	for {
		n, err := p.parseIdent()
		if err != nil {
			return nil, err
		}
		names = append(names, n)
		if p.acceptTok(tokComma) {
			continue
		}
		if err := p.expectTok(tokRParen); err != nil {
			return nil, err
		}
		return names, nil
	}
}

// parseCreateTable parses CREATE TABLE after the TABLE keyword. CREATE
// TABLE ... AS is left to PostgreSQL (nil Node).
func (p *stmtParser) parseCreateTable() (Node, error) {
	p.accept("if", "not", "exists")
	if _, err := p.parseName(); err != nil {
		return nil, err
	}
	open, close := -1, -1
	if p.isTok(0, tokLParen) {
		open = p.pos
		var err error
		if close, err = p.matchParen(open); err != nil {
			// Unbalanced: PostgreSQL's grammar finds the better error.
			return nil, p.pgErrorOr(newSubText(p.text()), err)
		}
		p.pos = close + 1
	}
	n := &CreateTable{}
	st := newSubText(p.text())
	var c clauses
	firstBlank := -1
	for !p.atEnd() {
		if p.is("as") {
			return nil, nil // CREATE TABLE ... AS query: PostgreSQL's
		}
		from := p.pos
		handled, err := p.parseClause(&c, clauseAppendOnly|clauseOnConflict|clauseInclude|clauseWith|clauseFormat)
		if err != nil {
			return nil, err
		}
		if handled {
			p.blankToks(st, from, p.pos)
			if firstBlank < 0 {
				firstBlank = p.rel(from)
			}
			continue
		}
		switch {
		case p.is("with", "version", "column"):
			return nil, sqlerr.NotSupported("CREATE TABLE ... WITH VERSION COLUMN")
		case p.is("engine"):
			return nil, sqlerr.NotSupported("CREATE TABLE ... ENGINE")
		case p.is("from"):
			return nil, sqlerr.NotSupported("CREATE TABLE ... FROM source")
		case p.is("validate"):
			return nil, sqlerr.NotSupported("CREATE TABLE ... VALIDATE")
		}
		// A PostgreSQL clause (PARTITION BY, INHERITS, ...): its grammar
		// accepts or rejects it.
		if p.pos, err = p.skipBalanced(p.pos); err != nil {
			return nil, p.pgErrorOr(st, err)
		}
	}
	if open >= 0 {
		x, err := p.parseColumnList(open, close, st)
		if err != nil {
			return nil, err
		}
		n.Watermarks, n.Generated, n.Structs = x.watermarks, x.generated, x.structs
	}
	if open < 0 && firstBlank >= 0 {
		// CREATE TABLE t WITH (...) FORMAT ... ENCODE AVRO (...): the
		// columns come from the schema; give PostgreSQL an empty list.
		st.insert(firstBlank, "()")
	}
	node, err := p.pgParseText(st)
	if err != nil {
		return nil, err
	}
	n.Stmt = node.GetCreateStmt()
	if n.Stmt == nil {
		return nil, p.errAt(0)
	}
	n.AppendOnly, n.OnConflict, n.Includes = c.appendOnly, c.onConflict, c.includes
	n.With, n.Format, n.Encode, n.EncodeOptions = c.with, c.format, c.encode, c.encodeOptions
	return n, nil
}

// columnExtras are RisingWave's additions to a column list.
type columnExtras struct {
	watermarks []Watermark
	generated  []GeneratedColumn
	structs    map[int32][]*pg_query.ColumnDef
}

// parseColumnList handles RisingWave's additions to a column list between
// tokens open and close: WATERMARK FOR items, `name type AS expr`
// generated columns, STRUCT<...> types and a trailing comma. It blanks
// them out of st so that PostgreSQL's grammar parses the rest.
func (p *stmtParser) parseColumnList(open, close int, st *subText) (columnExtras, error) {
	var x columnExtras
	if close == open+1 {
		return x, nil
	}
	spans, err := p.findStructs(open+1, close)
	if err != nil {
		return x, err
	}
	if x.structs, err = p.parseStructFields(spans); err != nil {
		return x, err
	}
	p.blankStructs(st, spans)
	type item struct{ from, to int }
	var (
		items  []item
		commas []int
	)
	depth, from := 0, open+1
	for i := open + 1; i < close; i++ {
		switch p.toks[i].tok {
		case tokLParen:
			depth++
		case tokRParen:
			depth--
		case tokComma:
			if depth == 0 && !inStruct(spans, p.toks[i].start) {
				items = append(items, item{from, i})
				commas = append(commas, i)
				from = i + 1
			}
		}
	}
	items = append(items, item{from, close})
	blankedComma := make([]bool, len(commas))
	blankComma := func(k int) {
		p.blankToks(st, commas[k], commas[k]+1)
		blankedComma[k] = true
	}
	for k, it := range items {
		if it.from == it.to {
			if k == len(items)-1 && k > 0 && !blankedComma[k-1] {
				blankComma(k - 1) // RisingWave allows a trailing comma
			}
			continue
		}
		if p.wordAt(it.from) == "watermark" && p.wordAt(it.from+1) == "for" {
			p.pos = it.from + 2
			col, err := p.parseIdent()
			if err != nil {
				return x, err
			}
			if p.pos >= it.to || p.wordAt(p.pos) != "as" {
				return x, p.errAt(p.pos)
			}
			expr, text, err := p.parseExpr(p.pos+1, it.to)
			if err != nil {
				return x, err
			}
			x.watermarks = append(x.watermarks, Watermark{Column: col, Expr: expr, ExprText: text})
			p.blankToks(st, it.from, it.to)
			switch {
			case k > 0 && !blankedComma[k-1]:
				blankComma(k - 1)
			case k < len(commas) && !blankedComma[k]:
				blankComma(k)
			}
			continue
		}
		if !isNameToken(p.sql, p.toks[it.from], false) {
			continue // not a column: PostgreSQL's grammar judges it
		}
		if as := p.generatedAs(it.from+1, it.to); as >= 0 {
			expr, text, err := p.parseExpr(as+1, it.to)
			if err != nil {
				return x, err
			}
			x.generated = append(x.generated, GeneratedColumn{Column: identValue(p.tokText(it.from)), Expr: expr, ExprText: text})
			p.blankToks(st, as, it.to)
		}
	}
	return x, nil
}

// generatedAs returns the index of the AS of RisingWave's `name type AS
// expr` among tokens [from, to), or -1. PostgreSQL's own ASes in a column
// definition follow ALWAYS or DEFAULT (GENERATED ALWAYS AS ...,
// GENERATED BY DEFAULT AS IDENTITY).
func (p *stmtParser) generatedAs(from, to int) int {
	depth := 0
	for i := from; i < to; i++ {
		switch p.toks[i].tok {
		case tokLParen:
			depth++
		case tokRParen:
			depth--
		default:
			if depth == 0 && p.wordAt(i) == "as" {
				if prev := p.wordAt(i - 1); prev == "always" || prev == "default" {
					return -1
				}
				return i
			}
		}
	}
	return -1
}

// parseExpr parses tokens [from, to) as one expression with PostgreSQL's
// grammar (as `SELECT (expr)`) and returns it with its text.
func (p *stmtParser) parseExpr(from, to int) (*pg_query.Node, string, error) {
	if from >= to {
		return nil, "", p.errAt(from)
	}
	depth := 0
	for i := from; i < to; i++ {
		switch p.toks[i].tok {
		case tokLParen:
			depth++
		case tokRParen:
			depth--
		case tokComma:
			if depth == 0 {
				return nil, "", p.errAt(i)
			}
		}
	}
	start, end := p.rel(from), p.relEnd(to-1)
	if start < len("SELECT ( ") {
		return nil, "", p.errAt(from)
	}
	st := newSubText(p.text())
	st.truncate(end)
	st.blank(0, start)
	st.insert(0, "SELECT")
	st.insert(start-1, "(")
	st.insert(end, ")")
	node, err := p.pgParseText(st)
	if err != nil {
		return nil, "", err
	}
	sel := node.GetSelectStmt()
	if sel == nil || len(sel.TargetList) != 1 {
		return nil, "", p.errAt(from)
	}
	return sel.TargetList[0].GetResTarget().GetVal(), p.sql[p.toks[from].start:p.toks[to-1].end], nil
}

// parseQuery parses tokens [from, to) as a query (a SelectStmt: SELECT,
// VALUES, set operations, WITH ...) and returns it with its text.
func (p *stmtParser) parseQuery(from, to int) (*pg_query.Node, string, error) {
	if from >= to {
		return nil, "", p.errAt(from)
	}
	st := newSubText(p.text())
	st.truncate(p.relEnd(to - 1))
	st.blank(0, p.rel(from))
	p.blankAsOfProcTime(st, from, to)
	node, err := p.pgParseText(st)
	if err != nil {
		return nil, "", err
	}
	if node.GetSelectStmt() == nil {
		return nil, "", p.errAt(from)
	}
	return node, p.sql[p.toks[from].start:p.toks[to-1].end], nil
}

// clauses collects the trailing clauses of CREATE TABLE / SOURCE / SINK.
type clauses struct {
	seen          clauseSet
	appendOnly    bool
	onConflict    string
	includes      []Include
	with          Options
	format        string
	encode        string
	encodeOptions Options
	keyEncode     string
}

type clauseSet uint8

const (
	clauseAppendOnly clauseSet = 1 << iota
	clauseOnConflict
	clauseInclude
	clauseWith
	clauseFormat
	clauseKeyEncode // FORMAT ... ENCODE ... may end with KEY ENCODE (sinks)
)

// parseClause parses one trailing clause among allowed if one starts at
// the current token, and reports whether it did. A clause given twice is
// a syntax error at its second start (INCLUDE may repeat).
func (p *stmtParser) parseClause(c *clauses, allowed clauseSet) (bool, error) {
	start := p.pos
	var kind clauseSet
	switch {
	case allowed&clauseAppendOnly != 0 && p.is("append"):
		kind = clauseAppendOnly
	case allowed&clauseOnConflict != 0 && p.is("on", "conflict"):
		kind = clauseOnConflict
	case allowed&clauseInclude != 0 && p.is("include"):
		kind = clauseInclude
	case allowed&clauseWith != 0 && p.is("with") && p.isTok(1, tokLParen):
		kind = clauseWith
	case allowed&clauseFormat != 0 && p.is("format"):
		kind = clauseFormat
	default:
		return false, nil
	}
	if c.seen&kind != 0 && kind != clauseInclude {
		return false, p.errAt(start)
	}
	c.seen |= kind
	var err error
	switch kind {
	case clauseAppendOnly:
		err = p.expect("append", "only")
		c.appendOnly = true
	case clauseOnConflict:
		p.pos += 2
		c.onConflict, err = p.parseOnConflict()
	case clauseInclude:
		err = p.parseInclude(c)
	case clauseWith:
		p.pos++
		c.with, err = p.parseOptions()
	case clauseFormat:
		err = p.parseFormat(c, allowed&clauseKeyEncode != 0)
	}
	return true, err
}

// parseOnConflict parses the action after ON CONFLICT.
func (p *stmtParser) parseOnConflict() (string, error) {
	switch {
	case p.accept("do", "nothing"), p.accept("ignore"):
		return "DO NOTHING", nil
	case p.accept("do", "update", "full"), p.accept("overwrite"):
		return "DO UPDATE FULL", nil
	case p.accept("do", "update", "if", "not", "null"):
		return "DO UPDATE IF NOT NULL", nil
	case p.is("do", "update", "if", "not"):
		return "", p.errAt(p.pos + 4)
	case p.is("do", "update", "if"):
		return "", p.errAt(p.pos + 3)
	case p.is("do", "update"):
		return "", p.errAt(p.pos + 2)
	case p.is("do"):
		return "", p.errAt(p.pos + 1)
	}
	return "", p.errAt(p.pos)
}

// parseInclude parses `INCLUDE kind ['inner'] [type] [AS alias] [,]`.
func (p *stmtParser) parseInclude(c *clauses) error {
	p.pos++ // INCLUDE
	if p.atEnd() || !isWordToken(p.sql, p.toks[p.pos]) {
		return p.errAt(p.pos)
	}
	inc := Include{Kind: strings.ToUpper(p.word(0))}
	p.pos++
	if !p.atEnd() && isStringToken(p.toks[p.pos]) {
		v, err := p.stringValue(p.pos)
		if err != nil {
			return err
		}
		inc.Extra = v
		p.pos++
		// An optional data type for the inner field runs up to AS or the
		// next clause.
		from, depth := p.pos, 0
		for !p.atEnd() {
			t := p.toks[p.pos].tok
			if depth == 0 {
				w := p.word(0)
				if w == "as" || w == "include" || w == "format" || w == "append" || t == tokComma ||
					(w == "with" && p.isTok(1, tokLParen)) || (w == "on" && p.word(1) == "conflict") {
					break
				}
			}
			switch t {
			case tokLParen:
				depth++
			case tokRParen:
				depth--
			case tokSemicolon:
				return p.errAt(p.pos)
			}
			p.pos++
		}
		if p.pos > from {
			inc.Type = p.sql[p.toks[from].start:p.toks[p.pos-1].end]
		}
	}
	if p.accept("as") {
		alias, err := p.parseIdent()
		if err != nil {
			return err
		}
		inc.Alias = alias
	}
	p.acceptTok(tokComma) // tolerated, as RisingWave does
	c.includes = append(c.includes, inc)
	return nil
}

// parseFormat parses `FORMAT f ENCODE e [(options)] [KEY ENCODE k]`.
func (p *stmtParser) parseFormat(c *clauses, keyEncode bool) error {
	p.pos++ // FORMAT
	if p.atEnd() || !isWordToken(p.sql, p.toks[p.pos]) {
		return p.errAt(p.pos)
	}
	c.format = strings.ToUpper(p.word(0))
	p.pos++
	if err := p.expect("encode"); err != nil {
		return err
	}
	if p.atEnd() || !isWordToken(p.sql, p.toks[p.pos]) {
		return p.errAt(p.pos)
	}
	c.encode = strings.ToUpper(p.word(0))
	p.pos++
	if p.isTok(0, tokLParen) {
		opts, err := p.parseOptions()
		if err != nil {
			return err
		}
		c.encodeOptions = opts
	}
	if keyEncode && p.accept("key", "encode") {
		if p.atEnd() || !isWordToken(p.sql, p.toks[p.pos]) {
			return p.errAt(p.pos)
		}
		c.keyEncode = strings.ToUpper(p.word(0))
		p.pos++
	}
	return nil
}

// parseOptions parses `(key = value, ...)`; a trailing comma is allowed,
// as RisingWave allows it.
func (p *stmtParser) parseOptions() (Options, error) {
	if err := p.expectTok(tokLParen); err != nil {
		return nil, err
	}
	var opts Options
	for {
		if len(opts) > 0 && p.acceptTok(tokRParen) {
			return opts, nil
		}
		keyAt := p.pos
		key, err := p.parseOptionKey()
		if err != nil {
			return nil, err
		}
		if err := p.expectTok(tokEquals); err != nil {
			return nil, err
		}
		val, err := p.parseOptionValue()
		if err != nil {
			return nil, err
		}
		if _, dup := opts.Get(key); dup {
			e := sqlerr.New(sqlerr.SyntaxError, "conflicting or redundant options").
				WithDetail("Option %q is given more than once.", key)
			e.Position = p.charPos(p.toks[keyAt].start)
			return nil, e
		}
		opts = append(opts, Option{Key: key, Value: val})
		if p.acceptTok(tokComma) {
			continue
		}
		if err := p.expectTok(tokRParen); err != nil {
			return nil, err
		}
		return opts, nil
	}
}

// parseOptionValue parses an option value: a string literal, a signed
// number, or words (`earliest`, `true`, `secret my_secret`,
// `public.conn`), which are kept as written.
func (p *stmtParser) parseOptionValue() (string, error) {
	if p.atEnd() {
		return "", p.errAtEnd()
	}
	from := p.pos
	t := p.toks[from]
	isNum := func(k int) bool {
		return p.isTok(k, pg_query.Token_ICONST) || p.isTok(k, pg_query.Token_FCONST)
	}
	switch {
	case isStringToken(t):
		p.pos++
		return p.stringValue(from)
	case isNum(0):
		p.pos++
	case (t.tok == tokMinus || t.tok == tokPlus) && isNum(1):
		p.pos += 2
	case isNameToken(p.sql, t, true):
		p.pos++
		for !p.atEnd() && (isNameToken(p.sql, p.toks[p.pos], true) || p.isTok(0, tokDot)) {
			p.pos++
		}
	default:
		return "", p.errAt(from)
	}
	return p.sql[t.start:p.toks[p.pos-1].end], nil
}

// parseOptionKey parses an option key: dotted name parts (any keyword
// allowed) or a single-quoted string.
func (p *stmtParser) parseOptionKey() (string, error) {
	if p.atEnd() {
		return "", p.errAtEnd()
	}
	if isStringToken(p.toks[p.pos]) {
		p.pos++
		return p.stringValue(p.pos - 1)
	}
	var parts []string
	for {
		if p.atEnd() || !isNameToken(p.sql, p.toks[p.pos], true) {
			return "", p.errAt(p.pos)
		}
		parts = append(parts, identValue(p.tokText(p.pos)))
		p.pos++
		if !p.acceptTok(tokDot) {
			return strings.Join(parts, "."), nil
		}
	}
}

// stringValue returns the value of the string literal at token i.
func (p *stmtParser) stringValue(i int) (string, error) {
	if v, ok := plainStringValue(p.tokText(i)); ok {
		return v, nil
	}
	// E'...', U&'...', $$...$$, continued literals: PostgreSQL's rules.
	start := p.rel(i)
	if start < len("SELECT ") {
		return "", p.errAt(i)
	}
	st := newSubText(p.text())
	st.truncate(p.relEnd(i))
	st.blank(0, start)
	st.insert(0, "SELECT")
	node, err := p.pgParseText(st)
	if err != nil {
		return "", err
	}
	sel := node.GetSelectStmt()
	if sel == nil || len(sel.TargetList) != 1 {
		return "", p.errAt(i)
	}
	c := sel.TargetList[0].GetResTarget().GetVal().GetAConst()
	if c == nil || c.GetSval() == nil {
		return "", p.errAt(i)
	}
	return c.GetSval().GetSval(), nil
}

// parseCreateSource parses CREATE SOURCE after the SOURCE keyword.
func (p *stmtParser) parseCreateSource() (Node, error) {
	n := &CreateSource{IfNotExists: p.accept("if", "not", "exists")}
	nameAt := p.pos
	var err error
	if n.Name, err = p.parseName(); err != nil {
		return nil, err
	}
	if p.isTok(0, tokLParen) {
		open := p.pos
		st := newSubText(p.text())
		st.blank(0, p.rel(nameAt))
		st.insert(0, "CREATE TABLE")
		close, err := p.matchParen(open)
		if err != nil {
			// Unbalanced: PostgreSQL's grammar finds the better error.
			return nil, p.pgErrorOr(st, err)
		}
		x, err := p.parseColumnList(open, close, st)
		if err != nil {
			return nil, err
		}
		n.Watermarks, n.Generated, n.Structs = x.watermarks, x.generated, x.structs
		// Hand PostgreSQL `CREATE TABLE name (columns)`.
		st.truncate(p.relEnd(close))
		node, err := p.pgParseText(st)
		if err != nil {
			return nil, err
		}
		cs := node.GetCreateStmt()
		if cs == nil {
			return nil, p.errAt(open)
		}
		if err := n.takeColumns(cs); err != nil {
			return nil, err
		}
		p.pos = close + 1
	}
	var c clauses
	for !p.atEnd() {
		handled, err := p.parseClause(&c, clauseInclude|clauseWith|clauseFormat)
		if err != nil {
			return nil, err
		}
		if !handled {
			return nil, p.errAt(p.pos)
		}
	}
	n.Includes, n.With = c.includes, c.with
	n.Format, n.Encode, n.EncodeOptions = c.format, c.encode, c.encodeOptions
	return n, nil
}

// takeColumns fills Columns and PrimaryKey from a parsed column list.
func (n *CreateSource) takeColumns(cs *pg_query.CreateStmt) error {
	for _, elt := range cs.TableElts {
		switch {
		case elt.GetColumnDef() != nil:
			cd := elt.GetColumnDef()
			n.Columns = append(n.Columns, cd)
			for _, con := range cd.Constraints {
				if con.GetConstraint().GetContype() == pg_query.ConstrType_CONSTR_PRIMARY {
					n.PrimaryKey = append(n.PrimaryKey, cd.Colname)
				}
			}
		case elt.GetConstraint() != nil && elt.GetConstraint().Contype == pg_query.ConstrType_CONSTR_PRIMARY:
			for _, k := range elt.GetConstraint().Keys {
				n.PrimaryKey = append(n.PrimaryKey, k.GetString_().GetSval())
			}
		default:
			return sqlerr.NotSupported("constraints other than PRIMARY KEY on a source")
		}
	}
	return nil
}

// parseCreateMaterializedView parses CREATE MATERIALIZED VIEW after VIEW.
func (p *stmtParser) parseCreateMaterializedView(orReplace bool) (Node, error) {
	n := &CreateMaterializedView{OrReplace: orReplace, IfNotExists: p.accept("if", "not", "exists")}
	var err error
	if n.Name, err = p.parseName(); err != nil {
		return nil, err
	}
	if p.isTok(0, tokLParen) {
		if n.Columns, err = p.parseIdentList(); err != nil {
			return nil, err
		}
	}
	if p.is("with") && p.isTok(1, tokLParen) {
		p.pos++
		if n.With, err = p.parseOptions(); err != nil {
			return nil, err
		}
	}
	if err := p.expect("as"); err != nil {
		return nil, err
	}
	from, to := p.pos, len(p.toks)
	switch {
	case to-from > 4 && p.wordAt(to-4) == "emit" && p.wordAt(to-3) == "on" &&
		p.wordAt(to-2) == "window" && p.wordAt(to-1) == "close":
		n.EmitOnWindowClose = true
		to -= 4
	case to-from > 2 && p.wordAt(to-2) == "emit" && p.wordAt(to-1) == "immediately":
		to -= 2
	}
	if n.Query, n.QueryText, err = p.parseQuery(from, to); err != nil {
		return nil, err
	}
	return n, nil
}

// parseCreateSink parses CREATE SINK after the SINK keyword.
func (p *stmtParser) parseCreateSink() (Node, error) {
	n := &CreateSink{IfNotExists: p.accept("if", "not", "exists")}
	var err error
	if n.Name, err = p.parseName(); err != nil {
		return nil, err
	}
	if p.accept("into") {
		if n.Into, err = p.parseName(); err != nil {
			return nil, err
		}
		if p.isTok(0, tokLParen) {
			if n.IntoColumns, err = p.parseIdentList(); err != nil {
				return nil, err
			}
		}
	}
	switch {
	case p.accept("from"):
		if n.From, err = p.parseName(); err != nil {
			return nil, err
		}
	case p.accept("as"):
		from, to := p.pos, p.sinkQueryEnd(p.pos)
		if n.Query, n.QueryText, err = p.parseQuery(from, to); err != nil {
			return nil, err
		}
		p.pos = to
	default:
		return nil, p.errAt(p.pos)
	}
	if p.accept("emit") && !p.accept("immediately") {
		if err := p.expect("on", "window", "close"); err != nil {
			return nil, err
		}
		n.EmitOnWindowClose = true
	}
	var c clauses
	if p.is("with") && p.isTok(1, tokLParen) {
		if _, err := p.parseClause(&c, clauseWith); err != nil {
			return nil, err
		}
	} else if n.Into == "" {
		return nil, p.errAt(p.pos) // a sink to a connector needs WITH (connector = ...)
	}
	if p.is("format") {
		if _, err := p.parseClause(&c, clauseFormat|clauseKeyEncode); err != nil {
			return nil, err
		}
	}
	if err := p.expectEnd(); err != nil {
		return nil, err
	}
	n.With, n.Format, n.Encode, n.EncodeOptions, n.KeyEncode = c.with, c.format, c.encode, c.encodeOptions, c.keyEncode
	return n, nil
}

// sinkQueryEnd returns the index of the first token after the query of
// CREATE SINK ... AS query: the top-level WITH (, EMIT ON | IMMEDIATELY or
// FORMAT x ENCODE that follows it, or the end.
func (p *stmtParser) sinkQueryEnd(from int) int {
	depth := 0
	for i := from; i < len(p.toks); i++ {
		switch p.toks[i].tok {
		case tokLParen:
			depth++
			continue
		case tokRParen:
			depth--
			continue
		}
		if depth != 0 || i == from {
			continue
		}
		switch p.wordAt(i) {
		case "with":
			if i+1 < len(p.toks) && p.toks[i+1].tok == tokLParen {
				return i
			}
		case "emit":
			if w := p.wordAt(i + 1); w == "on" || w == "immediately" {
				return i
			}
		case "format":
			if p.wordAt(i+2) == "encode" {
				return i
			}
		}
	}
	return len(p.toks)
}
