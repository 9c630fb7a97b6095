package parser

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/eddy-db/eddy/sql/sqlerr"
)

// showLists are the SHOW forms that list objects of a schema
// (`SHOW TABLES [FROM schema] [LIKE 'x%']`), by their keywords.
var showLists = [][]string{
	{"tables"}, {"internal", "tables"}, {"materialized", "views"}, {"views"},
	{"sources"}, {"sinks"}, {"subscriptions"}, {"functions"}, {"secrets"},
	{"connections"},
}

// showPlain are the SHOW forms without FROM (`SHOW JOBS [LIKE 'x%']`).
var showPlain = [][]string{
	{"databases"}, {"schemas"}, {"jobs"}, {"processlist"}, {"cluster"},
}

// showBare are the SHOW forms that take nothing after them.
var showBare = [][]string{
	{"cursors"}, {"subscription", "cursors"}, {"parameters"},
}

// showCreate are the object kinds of SHOW CREATE.
var showCreate = [][]string{
	{"table"}, {"materialized", "view"}, {"view"}, {"index"}, {"source"},
	{"sink"}, {"subscription"}, {"function"},
}

// showVariables are the multi-word variables of PostgreSQL's SHOW, with the
// names PostgreSQL gives them.
var showVariables = []struct {
	words []string
	name  string
}{
	{[]string{"time", "zone"}, "timezone"},
	{[]string{"transaction", "isolation", "level"}, "transaction_isolation"},
	{[]string{"session", "authorization"}, "session_authorization"},
}

// acceptAny consumes the first of forms that comes next and returns its
// words in upper case joined by spaces, or "".
func (p *stmtParser) acceptAny(forms [][]string) string {
	for _, f := range forms {
		if p.accept(f...) {
			return strings.ToUpper(strings.Join(f, " "))
		}
	}
	return ""
}

// parseShow parses every SHOW statement.
func (p *stmtParser) parseShow() (Node, error) {
	p.pos = 1
	n := &Show{}
	var err error
	if p.accept("create") {
		kind := p.acceptAny(showCreate)
		if kind == "" {
			return nil, p.errAt(p.pos)
		}
		n.What = "CREATE " + kind
		if n.Name, err = p.parseName(); err != nil {
			return nil, err
		}
		return n, p.expectEnd()
	}
	if what := p.acceptAny(showLists); what != "" {
		n.What = what
		if p.accept("from") {
			if n.Schema, err = p.parseName(); err != nil {
				return nil, err
			}
		}
		return n, p.parseShowFilter(n)
	}
	if what := p.acceptAny(showPlain); what != "" {
		n.What = what
		return n, p.parseShowFilter(n)
	}
	if what := p.acceptAny(showBare); what != "" {
		n.What = what
		return n, p.expectEnd()
	}
	if p.is("columns", "from") || p.is("indexes", "from") {
		n.What = strings.ToUpper(p.word(0))
		p.pos += 2
		if n.Name, err = p.parseName(); err != nil {
			return nil, err
		}
		return n, p.parseShowFilter(n)
	}
	n.What = "VARIABLE"
	for _, v := range showVariables {
		if p.accept(v.words...) {
			n.Name = v.name
			return n, p.expectEnd()
		}
	}
	if p.accept("all") {
		n.Name = "ALL"
		return n, p.expectEnd()
	}
	if n.Name, err = p.parseName(); err != nil {
		return nil, err
	}
	return n, p.expectEnd()
}

// parseShowFilter parses the optional LIKE 'x' | ILIKE 'x' | WHERE expr
// that ends a SHOW listing.
func (p *stmtParser) parseShowFilter(n *Show) error {
	switch {
	case p.is("like"), p.is("ilike"):
		n.ILike = p.word(0) == "ilike"
		p.pos++
		if p.atEnd() || !isStringToken(p.toks[p.pos]) {
			return p.errAt(p.pos)
		}
		v, err := p.stringValue(p.pos)
		if err != nil {
			return err
		}
		n.Like = v
		p.pos++
	case p.is("where"):
		p.pos++
		expr, text, err := p.parseExpr(p.pos, len(p.toks))
		if err != nil {
			return err
		}
		n.Where, n.WhereText = expr, text
		p.pos = len(p.toks)
	}
	return p.expectEnd()
}

// parseDescribe parses DESCRIBE name and DESC name.
func (p *stmtParser) parseDescribe() (Node, error) {
	p.pos = 1
	if w := p.word(0); (w == "fragment" || w == "fragments") && len(p.toks) > 2 {
		return nil, p.notSupported(2)
	}
	name, err := p.parseName()
	if err != nil {
		return nil, err
	}
	return &Describe{Name: name}, p.expectEnd()
}

// parseExplain parses EXPLAIN [ANALYZE] [VERBOSE] stmt and
// EXPLAIN (option [value], ...) stmt.
func (p *stmtParser) parseExplain() (Node, error) {
	p.pos = 1
	n := &Explain{}
	if p.isTok(0, tokLParen) && p.pos+1 < len(p.toks) && p.isExplainOption(p.toks[p.pos+1]) {
		p.pos++
		for {
			opt := strings.ToUpper(p.word(0))
			if opt == "ANALYSE" {
				opt = "ANALYZE"
			}
			p.pos++
			if !p.isTok(0, tokComma) && !p.isTok(0, tokRParen) {
				v, err := p.explainOptionValue()
				if err != nil {
					return nil, err
				}
				opt += " " + v
			}
			n.Options = append(n.Options, opt)
			if p.acceptTok(tokComma) {
				if p.atEnd() || !p.isExplainOption(p.toks[p.pos]) {
					return nil, p.errAt(p.pos)
				}
				continue
			}
			if err := p.expectTok(tokRParen); err != nil {
				return nil, err
			}
			break
		}
	} else {
		if p.accept("analyze") || p.accept("analyse") {
			n.Options = append(n.Options, "ANALYZE")
		}
		if p.accept("verbose") {
			n.Options = append(n.Options, "VERBOSE")
		}
	}
	if p.atEnd() {
		return nil, p.errAtEnd()
	}
	if p.is("explain") {
		return nil, p.errAt(p.pos) // as in PostgreSQL: EXPLAIN EXPLAIN is not a statement
	}
	st, err := p.sub(p.pos).parseStatement()
	if err != nil {
		return nil, err
	}
	n.Stmt = st
	return n, nil
}

// isExplainOption reports whether t can name an EXPLAIN option: a word
// that is not a reserved keyword (which would start a statement, as in
// EXPLAIN (SELECT 1)), or ANALYZE.
func (p *stmtParser) isExplainOption(t token) bool {
	if !isWordToken(p.sql, t) {
		return false
	}
	if t.kw != pg_query.KeywordKind_RESERVED_KEYWORD {
		return true
	}
	w := lowerASCII(p.sql[t.start:t.end])
	return w == "analyze" || w == "analyse"
}

// explainOptionValue parses the value of a parenthesized EXPLAIN option:
// a word (upper-cased), a signed number or a string.
func (p *stmtParser) explainOptionValue() (string, error) {
	if p.atEnd() {
		return "", p.errAtEnd()
	}
	t := p.toks[p.pos]
	switch {
	case isWordToken(p.sql, t):
		p.pos++
		return strings.ToUpper(p.tokText(p.pos - 1)), nil
	case isStringToken(t):
		p.pos++
		return p.stringValue(p.pos - 1)
	case t.tok == pg_query.Token_ICONST || t.tok == pg_query.Token_FCONST:
		p.pos++
		return p.tokText(p.pos - 1), nil
	case (t.tok == tokMinus || t.tok == tokPlus) &&
		(p.isTok(1, pg_query.Token_ICONST) || p.isTok(1, pg_query.Token_FCONST)):
		p.pos += 2
		return p.tokText(p.pos-2) + p.tokText(p.pos-1), nil
	}
	return "", p.errAt(p.pos)
}

// parseDrop parses DROP SOURCE | SINK | SUBSCRIPTION; other DROPs are
// PostgreSQL's (nil Node).
func (p *stmtParser) parseDrop() (Node, error) {
	p.pos = 1
	switch w := p.word(0); w {
	case "source", "sink", "subscription":
		p.pos++
		n := &Drop{Kind: strings.ToUpper(w), IfExists: p.accept("if", "exists")}
		for {
			name, err := p.parseName()
			if err != nil {
				return nil, err
			}
			n.Names = append(n.Names, name)
			if !p.acceptTok(tokComma) {
				break
			}
		}
		switch {
		case p.accept("cascade"):
			n.Cascade = true
		case p.accept("restrict"):
		}
		return n, p.expectEnd()
	case "connection", "secret":
		return nil, p.notSupported(2)
	}
	return nil, nil
}

// alterRisingWave are RisingWave-only ALTER operations on objects
// PostgreSQL knows (ALTER TABLE t SET PARALLELISM = 4).
var alterRisingWave = [][]string{
	{"set", "parallelism"}, {"set", "source_rate_limit"}, {"set", "backfill_rate_limit"},
	{"set", "dml_rate_limit"}, {"set", "sink_rate_limit"}, {"set", "resource_group"},
	{"set", "streaming_rate_limit"}, {"swap", "with"}, {"drop", "connector"},
	{"connector", "with"}, {"refresh", "schema"},
}

// checkAlter rejects the RisingWave ALTER statements Eddy does not
// support; the others are PostgreSQL's.
func (p *stmtParser) checkAlter() error {
	p.pos = 1
	switch p.word(0) {
	case "source", "sink", "subscription", "system", "fragment", "connection", "secret":
		return p.notSupported(2)
	}
	for i := 2; i < len(p.toks); i++ {
		p.pos = i
		for _, op := range alterRisingWave {
			if p.is(op...) {
				kind := strings.ToUpper(p.wordAt(1))
				if kind == "MATERIALIZED" {
					kind += " VIEW"
				}
				return sqlerr.NotSupported("ALTER %s ... %s", kind, strings.ToUpper(strings.Join(op, " ")))
			}
		}
	}
	p.pos = 0
	return nil
}
