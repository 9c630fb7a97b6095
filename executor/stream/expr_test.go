package stream_test

import (
	"fmt"
	"strings"

	"github.com/eddy-db/eddy/executor"
	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/functions"
	"github.com/eddy-db/eddy/sql/types"
)

// A small expression language for the data-driven tests, compiled with
// the executor's expression compiler:
//
//	c0 c1 ...                    column references
//	1  2.5  'text'  'x'::type    literals (untyped strings take the type they are compared with)
//	NULL true false
//	+ - * / % ||                 operators, resolved like the binder does
//	= <> != < <= > >=            comparisons
//	and or not, IS [NOT] NULL
//	f(a, b)                      built-in functions
//
// Keywords are lower case.

type exprParser struct {
	toks []string
	pos  int
	cols []types.Type
}

// parseExpr parses an expression over columns of the given types.
func parseExpr(s string, cols []types.Type) (planner.Expr, error) {
	toks, err := tokenize(s)
	if err != nil {
		return nil, err
	}
	p := &exprParser{toks: toks, cols: cols}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.toks) {
		return nil, fmt.Errorf("unexpected %q in %q", p.toks[p.pos], s)
	}
	return e, nil
}

// compileExpr parses and compiles an expression.
func compileExpr(s string, cols []types.Type) (executor.EvalFunc, types.Type, error) {
	e, err := parseExpr(s, cols)
	if err != nil {
		return nil, types.Type{}, err
	}
	ec := &executor.Context{Fn: &functions.Context{Env: types.DefaultEnv}}
	f, err := ec.Compile(e)
	return f, e.Type(), err
}

func tokenize(s string) ([]string, error) {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '\'':
			j := i + 1
			for ; ; j++ {
				if j >= len(s) {
					return nil, fmt.Errorf("unterminated string in %q", s)
				}
				if s[j] == '\'' {
					if j+1 < len(s) && s[j+1] == '\'' {
						j++
						continue
					}
					break
				}
			}
			toks = append(toks, s[i:j+1])
			i = j + 1
		case c >= '0' && c <= '9':
			j := i
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(s) && (s[j] == '_' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9') {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		default:
			two := ""
			if i+1 < len(s) {
				two = s[i : i+2]
			}
			switch two {
			case "<=", ">=", "<>", "!=", "::", "||":
				toks = append(toks, two)
				i += 2
				continue
			}
			if strings.ContainsRune("=<>+-*/%(),", rune(c)) {
				toks = append(toks, string(c))
				i++
				continue
			}
			return nil, fmt.Errorf("bad character %q in %q", c, s)
		}
	}
	return toks, nil
}

func (p *exprParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *exprParser) accept(tok string) bool {
	if p.peek() == tok {
		p.pos++
		return true
	}
	return false
}

func (p *exprParser) expect(tok string) error {
	if !p.accept(tok) {
		return fmt.Errorf("expected %q, found %q", tok, p.peek())
	}
	return nil
}

func (p *exprParser) or() (planner.Expr, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.accept("or") {
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		l = &planner.Or{Args: []planner.Expr{l, r}}
	}
	return l, nil
}

func (p *exprParser) and() (planner.Expr, error) {
	l, err := p.not()
	if err != nil {
		return nil, err
	}
	for p.accept("and") {
		r, err := p.not()
		if err != nil {
			return nil, err
		}
		l = &planner.And{Args: []planner.Expr{l, r}}
	}
	return l, nil
}

func (p *exprParser) not() (planner.Expr, error) {
	if p.accept("not") {
		e, err := p.not()
		if err != nil {
			return nil, err
		}
		return &planner.Not{Arg: e}, nil
	}
	return p.cmp()
}

var cmpOps = map[string]planner.CmpOp{"=": planner.EQ, "<>": planner.NE, "!=": planner.NE, "<": planner.LT, "<=": planner.LE, ">": planner.GT, ">=": planner.GE}

func (p *exprParser) cmp() (planner.Expr, error) {
	l, err := p.add()
	if err != nil {
		return nil, err
	}
	if op, ok := cmpOps[p.peek()]; ok {
		p.pos++
		r, err := p.add()
		if err != nil {
			return nil, err
		}
		if l, r, err = unify(l, r); err != nil {
			return nil, err
		}
		return &planner.Compare{Op: op, L: l, R: r}, nil
	}
	if p.accept("is") {
		not := p.accept("not")
		if err := p.expect("null"); err != nil {
			return nil, err
		}
		return &planner.IsNull{Arg: l, Not: not}, nil
	}
	return l, nil
}

// unify gives an untyped string literal the type of the other operand.
func unify(l, r planner.Expr) (planner.Expr, planner.Expr, error) {
	var err error
	if c, ok := l.(*planner.Const); ok && c.Typ.ID == types.Unknown && r.Type().ID != types.Unknown {
		l, err = typedConst(c, r.Type())
	}
	if c, ok := r.(*planner.Const); ok && c.Typ.ID == types.Unknown && l.Type().ID != types.Unknown && err == nil {
		r, err = typedConst(c, l.Type())
	}
	return l, r, err
}

func typedConst(c *planner.Const, t types.Type) (planner.Expr, error) {
	if c.Val.IsNull() {
		return &planner.Const{Typ: t}, nil
	}
	v, err := types.ParseText(c.Val.Str(), t, types.DefaultEnv)
	if err != nil {
		return nil, err
	}
	return &planner.Const{Val: v, Typ: t}, nil
}

func (p *exprParser) add() (planner.Expr, error) {
	l, err := p.mul()
	if err != nil {
		return nil, err
	}
	for {
		op := p.peek()
		if op != "+" && op != "-" && op != "||" {
			return l, nil
		}
		p.pos++
		r, err := p.mul()
		if err != nil {
			return nil, err
		}
		if l, err = call(op, true, l, r); err != nil {
			return nil, err
		}
	}
}

func (p *exprParser) mul() (planner.Expr, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	for {
		op := p.peek()
		if op != "*" && op != "/" && op != "%" {
			return l, nil
		}
		p.pos++
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		if l, err = call(op, true, l, r); err != nil {
			return nil, err
		}
	}
}

func (p *exprParser) unary() (planner.Expr, error) {
	if p.accept("-") {
		e, err := p.unary()
		if err != nil {
			return nil, err
		}
		return call("-", true, e)
	}
	e, err := p.primary()
	if err != nil {
		return nil, err
	}
	for p.accept("::") {
		name := p.peek()
		p.pos++
		t, ok := types.ByName(name)
		if !ok {
			return nil, fmt.Errorf("unknown type %q", name)
		}
		if c, ok := e.(*planner.Const); ok && (c.Typ.ID == types.Unknown || c.Typ.ID == types.Text) {
			if e, err = typedConst(&planner.Const{Val: c.Val, Typ: types.TUnknown}, t); err != nil {
				return nil, err
			}
			continue
		}
		e = &planner.Cast{Arg: e, Typ: t}
	}
	return e, nil
}

// call resolves a function or operator and casts its arguments.
func call(name string, isOp bool, args ...planner.Expr) (planner.Expr, error) {
	ts := make([]types.Type, len(args))
	for i, a := range args {
		ts[i] = a.Type()
	}
	f, casts, err := functions.Resolve(name, ts)
	if err != nil {
		return nil, err
	}
	for i, a := range args {
		if i >= len(casts) || casts[i].ID == types.Unknown || casts[i] == ts[i] {
			continue
		}
		if c, ok := a.(*planner.Const); ok && c.Typ.ID == types.Unknown {
			if args[i], err = typedConst(c, casts[i]); err != nil {
				return nil, err
			}
			continue
		}
		args[i] = &planner.Cast{Arg: a, Typ: casts[i]}
	}
	fc := &planner.FuncCall{Fn: f, Args: args, Typ: f.Ret}
	if isOp {
		fc.Op = name
	}
	return fc, nil
}

func (p *exprParser) primary() (planner.Expr, error) {
	tok := p.peek()
	if tok == "" {
		return nil, fmt.Errorf("unexpected end of expression")
	}
	p.pos++
	switch {
	case tok == "(":
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		return e, p.expect(")")
	case tok == "null" || tok == "NULL":
		return &planner.Const{Typ: types.TUnknown}, nil
	case tok == "true" || tok == "false":
		return &planner.Const{Val: types.NewBool(tok == "true"), Typ: types.TBool}, nil
	case tok[0] == '\'':
		s := strings.ReplaceAll(tok[1:len(tok)-1], "''", "'")
		return &planner.Const{Val: types.NewString(s), Typ: types.TUnknown}, nil
	case tok[0] >= '0' && tok[0] <= '9':
		if strings.Contains(tok, ".") {
			v, err := types.ParseText(tok, types.TNumeric, nil)
			return &planner.Const{Val: v, Typ: types.TNumeric}, err
		}
		t := types.TInt4
		v, err := types.ParseText(tok, t, nil)
		if err != nil {
			t = types.TInt8
			v, err = types.ParseText(tok, t, nil)
		}
		return &planner.Const{Val: v, Typ: t}, err
	case tok[0] == 'c' && len(tok) > 1 && tok[1] >= '0' && tok[1] <= '9':
		var n int
		if _, err := fmt.Sscanf(tok, "c%d", &n); err != nil || n >= len(p.cols) {
			return nil, fmt.Errorf("bad column %q", tok)
		}
		return &planner.ColRef{Idx: n, Typ: p.cols[n], Name: tok}, nil
	}
	if p.accept("(") {
		var args []planner.Expr
		for !p.accept(")") {
			if len(args) > 0 {
				if err := p.expect(","); err != nil {
					return nil, err
				}
			}
			a, err := p.or()
			if err != nil {
				return nil, err
			}
			args = append(args, a)
		}
		return call(tok, false, args...)
	}
	return nil, fmt.Errorf("unexpected %q", tok)
}

// splitTop splits s at commas outside parentheses and quotes, trimming
// an enclosing pair of parentheses first.
func splitTop(s string) []string {
	s = trimParens(s)
	var out []string
	depth, quoted, start := 0, false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'':
			quoted = !quoted
		case quoted:
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ',' && depth == 0:
			out = append(out, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
	}
	if rest := strings.TrimSpace(s[start:]); rest != "" {
		out = append(out, rest)
	}
	return out
}

// trimParens removes one pair of parentheses enclosing all of s.
func trimParens(s string) string {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "(") || !strings.HasSuffix(s, ")") {
		return s
	}
	depth, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'':
			quoted = !quoted
		case quoted:
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth == 0 && i != len(s)-1 {
				return s
			}
		}
	}
	return strings.TrimSpace(s[1 : len(s)-1])
}
