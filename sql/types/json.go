package types

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/eddy-db/eddy/sql/sqlerr"
)

// JSON input follows PostgreSQL's json lexer and parser: json keeps the
// text verbatim once it is valid; jsonb is rebuilt in PostgreSQL's
// normal form: object keys ordered by length then bytes, the last of
// duplicate keys kept, numbers as numeric_out prints them, strings with
// escapes decoded and re-escaped minimally, and `{"a": 1, "b": [1, 2]}`
// spacing.

// maxJSONDepth bounds nesting, standing in for PostgreSQL's stack depth
// check.
const maxJSONDepth = 6400

type jsonKind uint8

const (
	jNull jsonKind = iota
	jTrue
	jFalse
	jNumber // str holds the normalised numeric text
	jString // str holds the decoded string
	jArray
	jObject
)

type jsonValue struct {
	kind jsonKind
	str  string
	arr  []jsonValue
	obj  []jsonPair
}

type jsonPair struct {
	key string
	val jsonValue
}

// JSON tokens.
type jsonTok uint8

const (
	jtEnd jsonTok = iota
	jtInvalid
	jtString
	jtNumber
	jtTrue
	jtFalse
	jtNull
	jtObjectStart
	jtObjectEnd
	jtArrayStart
	jtArrayEnd
	jtComma
	jtColon
)

type jsonParser struct {
	s     string
	pos   int // start of the next token
	tok   jsonTok
	start int // current token's text
	end   int
	str   string // decoded string for jtString (jsonb only)
	build bool   // jsonb: build values, decode strings
	err   error
}

func jsonSyntax(detail string, args ...any) *sqlerr.Error {
	return sqlerr.New(sqlerr.InvalidTextRepresentation, "invalid input syntax for type json").WithDetail(detail, args...)
}

func isJSONAlnum(c byte) bool {
	return isLetter(c) || isDigit(c) || c == '_' || c >= 0x80
}

// next reads the next token into p.tok; on a lexical error it sets p.err.
func (p *jsonParser) next() {
	s := p.s
	i := p.pos
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	p.start = i
	if i >= len(s) {
		p.tok, p.end, p.pos = jtEnd, i, i
		return
	}
	c := s[i]
	single := jtInvalid
	switch c {
	case '{':
		single = jtObjectStart
	case '}':
		single = jtObjectEnd
	case '[':
		single = jtArrayStart
	case ']':
		single = jtArrayEnd
	case ',':
		single = jtComma
	case ':':
		single = jtColon
	}
	if single != jtInvalid {
		p.tok, p.end, p.pos = single, i+1, i+1
		return
	}
	switch {
	case c == '"':
		p.lexString(i)
		return
	case c == '-' || isDigit(c):
		p.lexNumber(i)
		return
	}
	j := i
	for j < len(s) && isJSONAlnum(s[j]) {
		j++
	}
	if j == i {
		_, n := utf8.DecodeRuneInString(s[i:])
		j = i + n
	}
	p.start, p.end, p.pos = i, j, j
	switch s[i:j] {
	case "true":
		p.tok = jtTrue
	case "false":
		p.tok = jtFalse
	case "null":
		p.tok = jtNull
	default:
		p.tok = jtInvalid
		p.err = jsonSyntax("Token %s is invalid.", quoteMsg(s[i:j]))
	}
}

// lexNumber scans -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?. Like
// PostgreSQL it keeps scanning the later parts after an error, and takes
// trailing alphanumerics into the token, so that the invalid token it
// reports is the same.
func (p *jsonParser) lexNumber(i int) {
	s := p.s
	j := i
	ok := true
	if s[j] == '-' {
		j++
	}
	switch {
	case j < len(s) && s[j] == '0':
		j++
	case j < len(s) && s[j] >= '1' && s[j] <= '9':
		for j < len(s) && isDigit(s[j]) {
			j++
		}
	default:
		ok = false
	}
	if j < len(s) && s[j] == '.' {
		j++
		if j == len(s) || !isDigit(s[j]) {
			ok = false
		}
		for j < len(s) && isDigit(s[j]) {
			j++
		}
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		j++
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j == len(s) || !isDigit(s[j]) {
			ok = false
		}
		for j < len(s) && isDigit(s[j]) {
			j++
		}
	}
	for j < len(s) && isJSONAlnum(s[j]) {
		ok = false
		j++
	}
	p.start, p.end, p.pos = i, j, j
	if !ok {
		p.tok = jtInvalid
		p.err = jsonSyntax("Token %s is invalid.", quoteMsg(s[i:j]))
		return
	}
	p.tok = jtNumber
}

// lexString scans a string token starting at the quote at s[i]. For jsonb
// it decodes escapes into p.str.
func (p *jsonParser) lexString(i int) {
	s := p.s
	j := i + 1
	var sb []byte
	plainFrom := j // start of the current run without escapes
	hiSurrogate := rune(-1)
	fail := func(detail string, args ...any) {
		p.tok, p.start, p.end, p.pos = jtInvalid, i, j, j
		p.err = jsonSyntax(detail, args...)
	}
	// A string cut off by the end of the input is one invalid token.
	eof := func() {
		p.tok, p.start, p.end, p.pos = jtInvalid, i, len(s), len(s)
		p.err = jsonSyntax("Token %s is invalid.", quoteMsg(s[i:]))
	}
	for {
		if j >= len(s) {
			eof()
			return
		}
		c := s[j]
		if c == '"' {
			break
		}
		if c < 0x20 {
			fail("Character with value 0x%02x must be escaped.", c)
			return
		}
		if c != '\\' {
			if hiSurrogate >= 0 && p.build {
				fail("Unicode low surrogate must follow a high surrogate.")
				return
			}
			j++
			continue
		}
		// An escape.
		if p.build {
			sb = append(sb, s[plainFrom:j]...)
		}
		j++
		if j >= len(s) {
			eof()
			return
		}
		e := s[j]
		if e == 'u' {
			var r rune
			for k := 1; k <= 4; k++ {
				if j+k >= len(s) {
					eof()
					return
				}
				h, ok := unhex(s[j+k])
				if !ok {
					j += k + 1
					fail("\"\\u\" must be followed by four hexadecimal digits.")
					return
				}
				r = r<<4 | rune(h)
			}
			j += 5
			if p.build {
				switch {
				case r >= 0xD800 && r <= 0xDBFF:
					if hiSurrogate >= 0 {
						fail("Unicode high surrogate must not follow a high surrogate.")
						return
					}
					hiSurrogate = r
				case r >= 0xDC00 && r <= 0xDFFF:
					if hiSurrogate < 0 {
						fail("Unicode low surrogate must follow a high surrogate.")
						return
					}
					sb = utf8.AppendRune(sb, 0x10000+(hiSurrogate-0xD800)<<10+(r-0xDC00))
					hiSurrogate = -1
				default:
					if hiSurrogate >= 0 {
						fail("Unicode low surrogate must follow a high surrogate.")
						return
					}
					if r == 0 {
						p.tok, p.start, p.end, p.pos = jtInvalid, i, j, j
						p.err = sqlerr.New(sqlerr.UntranslatableCharacter, "unsupported Unicode escape sequence").
							WithDetail("\\u0000 cannot be converted to text.")
						return
					}
					sb = utf8.AppendRune(sb, r)
				}
			}
			plainFrom = j
			continue
		}
		if hiSurrogate >= 0 && p.build {
			fail("Unicode low surrogate must follow a high surrogate.")
			return
		}
		var out byte
		switch e {
		case '"', '\\', '/':
			out = e
		case 'b':
			out = '\b'
		case 'f':
			out = '\f'
		case 'n':
			out = '\n'
		case 'r':
			out = '\r'
		case 't':
			out = '\t'
		default:
			_, n := utf8.DecodeRuneInString(s[j:])
			j += n
			fail("Escape sequence \"\\%s\" is invalid.", s[j-n:j])
			return
		}
		if p.build {
			sb = append(sb, out)
		}
		j++
		plainFrom = j
	}
	if hiSurrogate >= 0 && p.build {
		fail("Unicode low surrogate must follow a high surrogate.")
		return
	}
	if p.build {
		if sb == nil {
			p.str = s[i+1 : j]
		} else {
			p.str = string(append(sb, s[plainFrom:j]...))
		}
	}
	p.tok, p.start, p.end, p.pos = jtString, i, j+1, j+1
}

// found describes the current token for "Expected ..., but found" details.
func (p *jsonParser) unexpected(expected string) error {
	if p.err != nil {
		return p.err
	}
	if p.tok == jtEnd {
		return jsonSyntax("The input string ended unexpectedly.")
	}
	return jsonSyntax("Expected %s, but found %s.", expected, quoteMsg(p.s[p.start:p.end]))
}

// parseValue parses one value starting at the current token.
func (p *jsonParser) parseValue(depth int) (jsonValue, error) {
	if depth > maxJSONDepth {
		return jsonValue{}, sqlerr.New("54001", "stack depth limit exceeded")
	}
	switch p.tok {
	case jtString:
		v := jsonValue{kind: jString, str: p.str}
		p.next()
		return v, nil
	case jtNumber:
		v := jsonValue{kind: jNumber}
		if p.build {
			d, ok, err := scanNumeric(p.s[p.start:p.end])
			if err != nil {
				return v, err
			}
			if !ok {
				return v, jsonSyntax("Token %s is invalid.", quoteMsg(p.s[p.start:p.end]))
			}
			v.str = string(appendNumeric(nil, d))
		}
		p.next()
		return v, nil
	case jtTrue:
		p.next()
		return jsonValue{kind: jTrue}, nil
	case jtFalse:
		p.next()
		return jsonValue{kind: jFalse}, nil
	case jtNull:
		p.next()
		return jsonValue{kind: jNull}, nil
	case jtArrayStart:
		return p.parseArray(depth)
	case jtObjectStart:
		return p.parseObject(depth)
	}
	return jsonValue{}, p.unexpected("JSON value")
}

func (p *jsonParser) parseArray(depth int) (jsonValue, error) {
	v := jsonValue{kind: jArray}
	p.next()
	if p.tok == jtArrayEnd {
		p.next()
		return v, nil
	}
	for {
		e, err := p.parseValue(depth + 1)
		if err != nil {
			return v, err
		}
		if p.build {
			v.arr = append(v.arr, e)
		}
		switch p.tok {
		case jtComma:
			p.next()
		case jtArrayEnd:
			p.next()
			return v, nil
		default:
			return v, p.unexpected(`"," or "]"`)
		}
	}
}

func (p *jsonParser) parseObject(depth int) (jsonValue, error) {
	v := jsonValue{kind: jObject}
	p.next()
	if p.tok == jtObjectEnd {
		p.next()
		return v, nil
	}
	first := true
	for {
		if p.tok != jtString {
			if first {
				return v, p.unexpected(`string or "}"`)
			}
			return v, p.unexpected("string")
		}
		first = false
		key := p.str
		p.next()
		if p.tok != jtColon {
			return v, p.unexpected(`":"`)
		}
		p.next()
		e, err := p.parseValue(depth + 1)
		if err != nil {
			return v, err
		}
		if p.build {
			v.obj = append(v.obj, jsonPair{key, e})
		}
		switch p.tok {
		case jtComma:
			p.next()
		case jtObjectEnd:
			p.next()
			return v, nil
		default:
			return v, p.unexpected(`"," or "}"`)
		}
	}
}

func parseJSON(s string, build bool) (jsonValue, error) {
	if err := checkText(s); err != nil {
		return jsonValue{}, err
	}
	p := &jsonParser{s: s, build: build}
	p.next()
	v, err := p.parseValue(0)
	if err != nil {
		return v, err
	}
	if p.tok != jtEnd {
		return v, p.unexpected("end of input")
	}
	return v, nil
}

// validateJSON is json_in's check: s must be one JSON value.
func validateJSON(s string) error {
	_, err := parseJSON(s, false)
	return err
}

// normalizeJSONB is jsonb_in followed by jsonb_out.
func normalizeJSONB(s string) (string, error) {
	v, err := parseJSON(s, true)
	if err != nil {
		return "", err
	}
	normalizeJSONValue(&v)
	return string(appendJSONValue(make([]byte, 0, len(s)), &v)), nil
}

// normalizeJSONValue sorts object keys (length, then bytes) and keeps the
// last of duplicate keys, recursively.
func normalizeJSONValue(v *jsonValue) {
	switch v.kind {
	case jArray:
		for i := range v.arr {
			normalizeJSONValue(&v.arr[i])
		}
	case jObject:
		for i := range v.obj {
			normalizeJSONValue(&v.obj[i].val)
		}
		slices.SortStableFunc(v.obj, func(a, b jsonPair) int {
			if len(a.key) != len(b.key) {
				return len(a.key) - len(b.key)
			}
			return strings.Compare(a.key, b.key)
		})
		out := v.obj[:0]
		for i := range v.obj {
			if i+1 < len(v.obj) && v.obj[i+1].key == v.obj[i].key {
				continue
			}
			out = append(out, v.obj[i])
		}
		v.obj = out
	}
}

func appendJSONValue(b []byte, v *jsonValue) []byte {
	switch v.kind {
	case jNull:
		return append(b, "null"...)
	case jTrue:
		return append(b, "true"...)
	case jFalse:
		return append(b, "false"...)
	case jNumber:
		return append(b, v.str...)
	case jString:
		return appendJSONString(b, v.str)
	case jArray:
		b = append(b, '[')
		for i := range v.arr {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendJSONValue(b, &v.arr[i])
		}
		return append(b, ']')
	case jObject:
		b = append(b, '{')
		for i := range v.obj {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendJSONString(b, v.obj[i].key)
			b = append(b, ": "...)
			b = appendJSONValue(b, &v.obj[i].val)
		}
		return append(b, '}')
	}
	return b
}

// appendJSONString is escape_json: quotes, backslash and control
// characters escaped, everything else literal.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			b = append(b, '\\', '"')
		case '\\':
			b = append(b, '\\', '\\')
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			if c < 0x20 {
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
			} else {
				b = append(b, c)
			}
		}
	}
	return append(b, '"')
}

// parseJSONB parses normalised jsonb text (for casts out of jsonb).
func parseJSONB(s string) (jsonValue, error) {
	return parseJSON(s, true)
}
