package parser

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// structSpan is a RisingWave STRUCT<...> type in a column list: the STRUCT
// keyword at token kw, its angle brackets at byte offsets open and close
// (absolute; a closing bracket may be a byte inside a `>>` token).
type structSpan struct {
	kw          int
	open, close int
	parent      int // index of the enclosing span, or -1
}

// findStructs finds the STRUCT<...> types among tokens [from, to).
func (p *stmtParser) findStructs(from, to int) ([]structSpan, error) {
	var (
		spans []structSpan
		stack []int
	)
	for i := from; i < to; i++ {
		t := p.toks[i]
		if p.wordAt(i) == "struct" && i+1 < to && p.toks[i+1].tok == pg_query.Token('<') {
			parent := -1
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
			}
			spans = append(spans, structSpan{kw: i, open: p.toks[i+1].start, parent: parent})
			stack = append(stack, len(spans)-1)
			i++
			continue
		}
		if len(stack) == 0 {
			continue
		}
		text := p.tokText(i)
		switch {
		case t.tok == tokSemicolon:
			return nil, p.errAt(i)
		case t.tok == pg_query.Token('>') || (t.tok == pg_query.Token_Op && strings.Trim(text, ">") == ""):
			for k := range len(text) {
				if len(stack) == 0 {
					return nil, p.errAt(i)
				}
				spans[stack[len(stack)-1]].close = t.start + k
				stack = stack[:len(stack)-1]
			}
		}
	}
	if len(stack) > 0 {
		return nil, p.errAt(to)
	}
	return spans, nil
}

// inStruct reports whether byte offset off lies inside the brackets of a
// span.
func inStruct(spans []structSpan, off int) bool {
	for _, s := range spans {
		if off > s.open && off < s.close {
			return true
		}
	}
	return false
}

// blankStructs blanks the brackets and fields of the outermost spans in
// st, leaving the STRUCT keyword as the type name PostgreSQL sees.
func (p *stmtParser) blankStructs(st *subText, spans []structSpan) {
	for _, s := range spans {
		if s.parent < 0 {
			st.blank(s.open-p.start, s.close-p.start+1)
		}
	}
}

// parseStructFields parses the fields of every span with PostgreSQL's
// grammar (as the column list of a CREATE TABLE) and returns them by the
// statement-relative offset of the STRUCT keyword, which is the Location
// of the type name PostgreSQL gives the column (or the enclosing field).
func (p *stmtParser) parseStructFields(spans []structSpan) (map[int32][]*pg_query.ColumnDef, error) {
	if len(spans) == 0 {
		return nil, nil
	}
	out := make(map[int32][]*pg_query.ColumnDef, len(spans))
	for k, s := range spans {
		open, close := s.open-p.start, s.close-p.start
		if open < len("CREATE TABLE x ") {
			return nil, p.errAt(s.kw)
		}
		st := newSubText(p.text())
		st.truncate(close)
		st.blank(0, open+1)
		st.insert(0, "CREATE TABLE x")
		st.insert(open, "(")
		st.insert(close, ")")
		for _, c := range spans {
			if c.parent == k {
				st.blank(c.open-p.start, c.close-p.start+1)
			}
		}
		node, err := p.pgParseText(st)
		if err != nil {
			return nil, err
		}
		var fields []*pg_query.ColumnDef
		for _, elt := range node.GetCreateStmt().GetTableElts() {
			cd := elt.GetColumnDef()
			if cd == nil {
				return nil, p.errAt(s.kw + 2)
			}
			fields = append(fields, cd)
		}
		out[int32(p.rel(s.kw))] = fields
	}
	return out, nil
}
