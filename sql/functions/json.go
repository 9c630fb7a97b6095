package functions

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/cockroachdb/apd/v3"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// JSON values. A jsonb datum holds PostgreSQL's canonical jsonb text, so
// any value inside it, cut out verbatim, is canonical too: the accessors
// (->, ->>, #>) scan the text and return slices of it without building a
// tree. Containment, concatenation and the builders work on a parsed
// tree (jnode) and print it back in canonical form.

type jkind uint8

const (
	jNull jkind = iota
	jTrue
	jFalse
	jNumber // str: the number's text
	jString // str: the decoded string
	jArray
	jObject
)

type jnode struct {
	kind  jkind
	str   string
	elems []*jnode // array elements, or object values
	keys  []string // object keys, parallel to elems
}

var errJSONSyntax = sqlerr.New(sqlerr.InvalidTextRepresentation, "invalid input syntax for type json")

func skipWS(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// valueEnd returns the index just past the JSON value starting at i (i
// at its first byte), or -1 if the text is malformed.
func valueEnd(s string, i int) int {
	if i >= len(s) {
		return -1
	}
	switch c := s[i]; {
	case c == '"':
		return stringEnd(s, i)
	case c == '{' || c == '[':
		depth := 0
		for j := i; j < len(s); j++ {
			switch s[j] {
			case '"':
				e := stringEnd(s, j)
				if e < 0 {
					return -1
				}
				j = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	default:
		j := i
		for j < len(s) && s[j] != ',' && s[j] != '}' && s[j] != ']' && s[j] != ' ' && s[j] != '\t' && s[j] != '\n' && s[j] != '\r' {
			j++
		}
		if j == i {
			return -1
		}
		return j
	}
}

func stringEnd(s string, i int) int {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// decodeJSONString decodes a quoted JSON string token.
func decodeJSONString(tok string) (string, error) {
	body := tok[1 : len(tok)-1]
	for i := 0; i < len(body); i++ {
		if body[i] < 0x20 {
			return "", errJSONSyntax // control characters must be escaped
		}
	}
	if !strings.Contains(body, `\`) {
		return body, nil
	}
	var sb strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' {
			sb.WriteByte(c)
			continue
		}
		i++
		if i >= len(body) {
			return "", errJSONSyntax
		}
		switch body[i] {
		case '"', '\\', '/':
			sb.WriteByte(body[i])
		case 'b':
			sb.WriteByte('\b')
		case 'f':
			sb.WriteByte('\f')
		case 'n':
			sb.WriteByte('\n')
		case 'r':
			sb.WriteByte('\r')
		case 't':
			sb.WriteByte('\t')
		case 'u':
			if i+4 >= len(body) {
				return "", errJSONSyntax
			}
			r, ok := hex4(body[i+1 : i+5])
			if !ok {
				return "", errJSONSyntax
			}
			i += 4
			if utf16.IsSurrogate(r) && i+6 < len(body) && body[i+1] == '\\' && body[i+2] == 'u' {
				if r2, ok := hex4(body[i+3 : i+7]); ok {
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						r = d
						i += 6
					}
				}
			}
			if r == 0 {
				return "", sqlerr.New(sqlerr.UntranslatableCharacter, "unsupported Unicode escape sequence").
					WithDetail(`\u0000 cannot be converted to text.`)
			}
			sb.WriteRune(r)
		default:
			return "", errJSONSyntax
		}
	}
	return sb.String(), nil
}

func hex4(s string) (rune, bool) {
	if len(s) != 4 {
		return 0, false
	}
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil {
		return 0, false
	}
	return rune(v), true
}

// jsonTrim returns the value text without surrounding blanks.
func jsonTrim(s string) string { return strings.Trim(s, " \t\n\r") }

// objectField returns the text of key's value in the object text s (the
// last one if the key repeats, as json does).
func objectField(s, key string) (string, bool) {
	s = jsonTrim(s)
	if len(s) < 2 || s[0] != '{' {
		return "", false
	}
	found, val := false, ""
	i := skipWS(s, 1)
	if i < len(s) && s[i] == '}' {
		return "", false
	}
	for i < len(s) {
		ke := stringEnd(s, i)
		if ke < 0 {
			return "", false
		}
		k := s[i:ke]
		match := false
		if strings.IndexByte(k, '\\') < 0 {
			match = k[1:len(k)-1] == key
		} else if dk, err := decodeJSONString(k); err == nil {
			match = dk == key
		}
		i = skipWS(s, ke)
		if i >= len(s) || s[i] != ':' {
			return "", false
		}
		i = skipWS(s, i+1)
		ve := valueEnd(s, i)
		if ve < 0 {
			return "", false
		}
		if match {
			found, val = true, s[i:ve]
		}
		i = skipWS(s, ve)
		if i >= len(s) || s[i] != ',' {
			break
		}
		i = skipWS(s, i+1)
	}
	return val, found
}

// arrayElems returns the texts of the elements of the array text s.
func arrayElems(s string) ([]string, bool) {
	s = jsonTrim(s)
	if len(s) < 2 || s[0] != '[' {
		return nil, false
	}
	var out []string
	i := skipWS(s, 1)
	if i < len(s) && s[i] == ']' {
		return out, true
	}
	for i < len(s) {
		ve := valueEnd(s, i)
		if ve < 0 {
			return nil, false
		}
		out = append(out, s[i:ve])
		i = skipWS(s, ve)
		if i >= len(s) || s[i] != ',' {
			break
		}
		i = skipWS(s, i+1)
	}
	return out, true
}

func arrayElem(s string, idx int64) (string, bool) {
	elems, ok := arrayElems(s)
	if !ok {
		return "", false
	}
	if idx < 0 {
		idx += int64(len(elems))
	}
	if idx < 0 || idx >= int64(len(elems)) {
		return "", false
	}
	return elems[idx], true
}

// jsonKindOf classifies a value text by its first byte.
func jsonKindOf(v string) jkind {
	v = jsonTrim(v)
	if v == "" {
		return jNull
	}
	switch v[0] {
	case '{':
		return jObject
	case '[':
		return jArray
	case '"':
		return jString
	case 't':
		return jTrue
	case 'f':
		return jFalse
	case 'n':
		return jNull
	}
	return jNumber
}

// jsonText is ->>: strings decoded, null as SQL NULL, others as text.
func jsonText(v string) (types.Datum, error) {
	v = jsonTrim(v)
	switch jsonKindOf(v) {
	case jNull:
		return types.Null, nil
	case jString:
		d, err := decodeJSONString(v)
		if err != nil {
			return types.Null, err
		}
		return str(d), nil
	}
	return str(v), nil
}

// jsonPath follows a #> path of keys and array indexes.
func jsonPath(doc string, path []types.Datum) (string, bool) {
	cur := jsonTrim(doc)
	for _, p := range path {
		if p.IsNull() {
			return "", false
		}
		switch jsonKindOf(cur) {
		case jObject:
			v, ok := objectField(cur, p.Str())
			if !ok {
				return "", false
			}
			cur = v
		case jArray:
			idx, err := strconv.ParseInt(strings.TrimSpace(p.Str()), 10, 64)
			if err != nil {
				return "", false
			}
			v, ok := arrayElem(cur, idx)
			if !ok {
				return "", false
			}
			cur = v
		default:
			return "", false
		}
	}
	return cur, true
}

// Tree form.

type jparser struct {
	s   string
	pos int
}

func parseJSON(s string) (*jnode, error) {
	p := &jparser{s: s}
	p.pos = skipWS(s, 0)
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	if skipWS(s, p.pos) != len(s) {
		return nil, errJSONSyntax
	}
	return n, nil
}

func (p *jparser) value(depth int) (*jnode, error) {
	if depth > 6400 {
		return nil, sqlerr.New(sqlerr.ProgramLimitExceeded, "stack depth limit exceeded")
	}
	s := p.s
	if p.pos >= len(s) {
		return nil, errJSONSyntax
	}
	switch c := s[p.pos]; c {
	case '{':
		n := &jnode{kind: jObject}
		p.pos = skipWS(s, p.pos+1)
		if p.pos < len(s) && s[p.pos] == '}' {
			p.pos++
			return n, nil
		}
		for {
			if p.pos >= len(s) || s[p.pos] != '"' {
				return nil, errJSONSyntax
			}
			e := stringEnd(s, p.pos)
			if e < 0 {
				return nil, errJSONSyntax
			}
			k, err := decodeJSONString(s[p.pos:e])
			if err != nil {
				return nil, err
			}
			p.pos = skipWS(s, e)
			if p.pos >= len(s) || s[p.pos] != ':' {
				return nil, errJSONSyntax
			}
			p.pos = skipWS(s, p.pos+1)
			v, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			n.keys = append(n.keys, k)
			n.elems = append(n.elems, v)
			p.pos = skipWS(s, p.pos)
			if p.pos < len(s) && s[p.pos] == ',' {
				p.pos = skipWS(s, p.pos+1)
				continue
			}
			if p.pos < len(s) && s[p.pos] == '}' {
				p.pos++
				return n, nil
			}
			return nil, errJSONSyntax
		}
	case '[':
		n := &jnode{kind: jArray}
		p.pos = skipWS(s, p.pos+1)
		if p.pos < len(s) && s[p.pos] == ']' {
			p.pos++
			return n, nil
		}
		for {
			v, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			n.elems = append(n.elems, v)
			p.pos = skipWS(s, p.pos)
			if p.pos < len(s) && s[p.pos] == ',' {
				p.pos = skipWS(s, p.pos+1)
				continue
			}
			if p.pos < len(s) && s[p.pos] == ']' {
				p.pos++
				return n, nil
			}
			return nil, errJSONSyntax
		}
	case '"':
		e := stringEnd(s, p.pos)
		if e < 0 {
			return nil, errJSONSyntax
		}
		v, err := decodeJSONString(s[p.pos:e])
		if err != nil {
			return nil, err
		}
		p.pos = e
		return &jnode{kind: jString, str: v}, nil
	}
	e := valueEnd(s, p.pos)
	if e < 0 {
		return nil, errJSONSyntax
	}
	tok := s[p.pos:e]
	p.pos = e
	switch tok {
	case "null":
		return &jnode{kind: jNull}, nil
	case "true":
		return &jnode{kind: jTrue}, nil
	case "false":
		return &jnode{kind: jFalse}, nil
	}
	num, ok := normalizeNumber(tok)
	if !ok {
		return nil, errJSONSyntax
	}
	return &jnode{kind: jNumber, str: num}, nil
}

// normalizeNumber prints a JSON number as numeric_out does.
func normalizeNumber(tok string) (string, bool) {
	if tok == "" || !(tok[0] == '-' || (tok[0] >= '0' && tok[0] <= '9')) {
		return "", false
	}
	d, _, err := apd.NewFromString(tok)
	if err != nil || d.Form != apd.Finite {
		return "", false
	}
	d, err = finish(d)
	if err != nil {
		return "", false
	}
	return d.Text('f'), true
}

// canonical sorts object keys as jsonb does (length, then bytes) and
// keeps the last of duplicate keys.
func (n *jnode) canonical() *jnode {
	switch n.kind {
	case jArray:
		for i, e := range n.elems {
			n.elems[i] = e.canonical()
		}
	case jObject:
		idx := make([]int, len(n.keys))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int { return cmpJSONKey(n.keys[a], n.keys[b]) })
		var keys []string
		var vals []*jnode
		for j, ix := range idx {
			if j+1 < len(idx) && n.keys[idx[j+1]] == n.keys[ix] {
				continue // a later duplicate wins
			}
			keys = append(keys, n.keys[ix])
			vals = append(vals, n.elems[ix].canonical())
		}
		n.keys, n.elems = keys, vals
	}
	return n
}

func cmpJSONKey(a, b string) int {
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\b':
			b = append(b, `\b`...)
		case '\f':
			b = append(b, `\f`...)
		case '\n':
			b = append(b, `\n`...)
		case '\r':
			b = append(b, `\r`...)
		case '\t':
			b = append(b, `\t`...)
		case '"':
			b = append(b, `\"`...)
		case '\\':
			b = append(b, `\\`...)
		default:
			if c < ' ' {
				b = append(b, `\u00`...)
				b = append(b, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
			} else {
				b = append(b, c)
			}
		}
	}
	return append(b, '"')
}

// appendJSONB prints n in jsonb's canonical layout.
func appendJSONB(b []byte, n *jnode) []byte {
	switch n.kind {
	case jNull:
		return append(b, "null"...)
	case jTrue:
		return append(b, "true"...)
	case jFalse:
		return append(b, "false"...)
	case jNumber:
		return append(b, n.str...)
	case jString:
		return appendJSONString(b, n.str)
	case jArray:
		b = append(b, '[')
		for i, e := range n.elems {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendJSONB(b, e)
		}
		return append(b, ']')
	}
	b = append(b, '{')
	for i, k := range n.keys {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = appendJSONString(b, k)
		b = append(b, ": "...)
		b = appendJSONB(b, n.elems[i])
	}
	return append(b, '}')
}

func jsonbDatum(n *jnode) types.Datum {
	return types.NewJSON(string(appendJSONB(nil, n)))
}

func parseJSONB(s string) (*jnode, error) {
	n, err := parseJSON(s)
	if err != nil {
		return nil, err
	}
	return n.canonical(), nil
}

// Containment (@>): PostgreSQL's JsonbDeepContains.

func scalarEqual(a, b *jnode) bool {
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case jNumber:
		x, _, e1 := apd.NewFromString(a.str)
		y, _, e2 := apd.NewFromString(b.str)
		return e1 == nil && e2 == nil && x.Cmp(y) == 0
	case jString:
		return a.str == b.str
	}
	return true
}

func isContainer(n *jnode) bool { return n.kind == jArray || n.kind == jObject }

func deepContains(a, b *jnode) bool {
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case jObject:
		for i, k := range b.keys {
			j := slices.Index(a.keys, k)
			if j < 0 {
				return false
			}
			av, bv := a.elems[j], b.elems[i]
			if isContainer(bv) {
				if !deepContains(av, bv) {
					return false
				}
			} else if !scalarEqual(av, bv) {
				return false
			}
		}
		return true
	case jArray:
		for _, bv := range b.elems {
			found := false
			for _, av := range a.elems {
				if isContainer(bv) {
					found = deepContains(av, bv)
				} else {
					found = !isContainer(av) && scalarEqual(av, bv)
				}
				if found {
					break
				}
			}
			if !found {
				return false
			}
		}
		return true
	}
	return scalarEqual(a, b)
}

// jsonbContains handles the top level, where a scalar counts as a
// one-element array on the right of an array.
func jsonbContains(a, b *jnode) bool {
	switch {
	case a.kind == jArray && !isContainer(b):
		return deepContains(a, &jnode{kind: jArray, elems: []*jnode{b}})
	case !isContainer(a) && isContainer(b):
		return false
	}
	return deepContains(a, b)
}

func jsonbConcat(a, b *jnode) *jnode {
	switch {
	case a.kind == jObject && b.kind == jObject:
		out := &jnode{kind: jObject}
		out.keys = append(append(out.keys, a.keys...), b.keys...)
		out.elems = append(append(out.elems, a.elems...), b.elems...)
		return out.canonical()
	case a.kind == jArray && b.kind == jArray:
		return &jnode{kind: jArray, elems: append(slices.Clone(a.elems), b.elems...)}
	case a.kind == jArray:
		return &jnode{kind: jArray, elems: append(slices.Clone(a.elems), b)}
	case b.kind == jArray:
		return &jnode{kind: jArray, elems: append([]*jnode{a}, b.elems...)}
	}
	return &jnode{kind: jArray, elems: []*jnode{a, b}}
}

// SQL values to JSON.

// toJSONNode converts a SQL value to JSON as to_jsonb does.
func toJSONNode(d types.Datum, t types.Type, env *types.Env) (*jnode, error) {
	if d.IsNull() {
		return &jnode{kind: jNull}, nil
	}
	switch t.ID {
	case types.Bool:
		if d.Bool() {
			return &jnode{kind: jTrue}, nil
		}
		return &jnode{kind: jFalse}, nil
	case types.Int2, types.Int4, types.Int8:
		return &jnode{kind: jNumber, str: strconv.FormatInt(d.Int(), 10)}, nil
	case types.Float4, types.Float8:
		v := d.Float()
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return &jnode{kind: jString, str: floatSpecial(v)}, nil
		}
		bits := 64
		if t.ID == types.Float4 {
			bits = 32
		}
		num, _ := normalizeNumber(strconv.FormatFloat(v, 'g', -1, bits))
		return &jnode{kind: jNumber, str: num}, nil
	case types.Numeric:
		x := d.Decimal()
		if isSpecial(x) {
			return &jnode{kind: jString, str: decSpecialText(x)}, nil
		}
		return &jnode{kind: jNumber, str: x.Text('f')}, nil
	case types.Text, types.Varchar, types.Bpchar, types.Name, types.Char, types.Unknown:
		return &jnode{kind: jString, str: d.Str()}, nil
	case types.Json, types.Jsonb:
		return parseJSONB(d.Str())
	case types.Array:
		n := &jnode{kind: jArray}
		et := t.ElemType()
		for _, e := range d.Array() {
			c, err := toJSONNode(e, et, env)
			if err != nil {
				return nil, err
			}
			n.elems = append(n.elems, c)
		}
		return n, nil
	case types.Date, types.Timestamp, types.Timestamptz, types.Time:
		return &jnode{kind: jString, str: jsonDateTime(d, t, env)}, nil
	}
	return &jnode{kind: jString, str: outputText(d, t, env)}, nil
}

func floatSpecial(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case v > 0:
		return "Infinity"
	}
	return "-Infinity"
}

func decSpecialText(x *apd.Decimal) string {
	switch {
	case isNaNDec(x):
		return "NaN"
	case x.Negative:
		return "-Infinity"
	}
	return "Infinity"
}

// jsonDateTime prints dates and times in ISO 8601 as PostgreSQL's JSON
// encoder does ("2020-01-01T10:00:00+00:00").
func jsonDateTime(d types.Datum, t types.Type, env *types.Env) string {
	var b []byte
	appendYMD := func(days int64) {
		y, m, dd := civilFromDays(days)
		bc := y <= 0
		if bc {
			y = 1 - y
		}
		b = appendPad(b, y, 4)
		b = append(b, '-')
		b = appendPad(b, m, 2)
		b = append(b, '-')
		b = appendPad(b, dd, 2)
	}
	appendHMS := func(us int64) {
		b = appendPad(b, us/usPerHour, 2)
		b = append(b, ':')
		b = appendPad(b, us/usPerMin%60, 2)
		b = append(b, ':')
		b = appendPad(b, us/usPerSec%60, 2)
		if frac := us % usPerSec; frac != 0 {
			fs := strconv.FormatInt(frac+usPerSec, 10)[1:]
			b = append(b, '.')
			b = append(b, strings.TrimRight(fs, "0")...)
		}
	}
	bcSuffix := func(days int64) {
		if y, _, _ := civilFromDays(days); y <= 0 {
			b = append(b, " BC"...)
		}
	}
	switch t.ID {
	case types.Date:
		if isInfDate(d.Days()) {
			if d.Days() > 0 {
				return "infinity"
			}
			return "-infinity"
		}
		appendYMD(d.Days())
		bcSuffix(d.Days())
	case types.Time:
		appendHMS(d.Micros())
	default:
		us := d.Micros()
		if isInfTS(us) {
			if us > 0 {
				return "infinity"
			}
			return "-infinity"
		}
		var off int64
		if t.ID == types.Timestamptz {
			loc := env.Location()
			off = zoneOffset(us, loc)
			us += off * usPerSec
		}
		days, rem := floorDiv64(us, usPerDay)
		appendYMD(days)
		b = append(b, 'T')
		appendHMS(rem)
		if t.ID == types.Timestamptz {
			b = appendOffset(b, off, true)
		}
		bcSuffix(days)
	}
	return string(b)
}

func appendPad(b []byte, v int64, width int) []byte {
	s := strconv.FormatInt(v, 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// appendOffset writes a zone offset (seconds east) as +HH:MM[:SS];
// withMinutes false omits ":00" minutes (+02).
func appendOffset(b []byte, off int64, withMinutes bool) []byte {
	if off < 0 {
		b = append(b, '-')
		off = -off
	} else {
		b = append(b, '+')
	}
	b = appendPad(b, off/3600, 2)
	if m, sec := off/60%60, off%60; withMinutes || m != 0 || sec != 0 {
		b = append(b, ':')
		b = appendPad(b, m, 2)
		if sec != 0 {
			b = append(b, ':')
			b = appendPad(b, sec, 2)
		}
	}
	return b
}

// appendJSONValue writes a SQL value as json (not jsonb): the json
// builders keep json inputs verbatim and print arrays without spaces.
func appendJSONValue(b []byte, d types.Datum, t types.Type, env *types.Env) ([]byte, error) {
	if d.IsNull() {
		return append(b, "null"...), nil
	}
	switch t.ID {
	case types.Json, types.Jsonb:
		return append(b, d.Str()...), nil
	case types.Float4, types.Float8:
		v := d.Float()
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return appendJSONString(b, floatSpecial(v)), nil
		}
		return append(b, outputText(d, t, env)...), nil
	case types.Array:
		b = append(b, '[')
		et := t.ElemType()
		for i, e := range d.Array() {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendJSONValue(b, e, et, env); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	}
	n, err := toJSONNode(d, t, env)
	if err != nil {
		return nil, err
	}
	return appendJSONB(b, n), nil
}

func buildObjectBind(jsonb bool) func([]types.Type) EvalFunc {
	name := "json_build_object"
	if jsonb {
		name = "jsonb_build_object"
	}
	return func(argTypes []types.Type) EvalFunc {
		return func(ctx *Context, a []types.Datum) (types.Datum, error) {
			if len(a)%2 != 0 {
				return types.Null, sqlerr.New(sqlerr.InvalidParameterValue, "argument list must have even number of elements").
					WithHint("The arguments of %s() must consist of alternating keys and values.", name)
			}
			env := envOf(ctx)
			obj := &jnode{kind: jObject}
			var b []byte
			if !jsonb {
				b = append(b, '{')
			}
			for i := 0; i < len(a); i += 2 {
				if a[i].IsNull() {
					return types.Null, sqlerr.New(sqlerr.InvalidParameterValue, "argument %d: key must not be null", i+1)
				}
				key := outputText(a[i], argTypes[i], env)
				if jsonb {
					v, err := toJSONNode(a[i+1], argTypes[i+1], env)
					if err != nil {
						return types.Null, err
					}
					obj.keys = append(obj.keys, key)
					obj.elems = append(obj.elems, v)
					continue
				}
				if i > 0 {
					b = append(b, ", "...)
				}
				b = appendJSONString(b, key)
				b = append(b, " : "...)
				var err error
				if b, err = appendJSONValue(b, a[i+1], argTypes[i+1], env); err != nil {
					return types.Null, err
				}
			}
			if jsonb {
				return jsonbDatum(obj.canonical()), nil
			}
			return types.NewJSON(string(append(b, '}'))), nil
		}
	}
}

func buildArrayBind(jsonb bool) func([]types.Type) EvalFunc {
	return func(argTypes []types.Type) EvalFunc {
		return func(ctx *Context, a []types.Datum) (types.Datum, error) {
			env := envOf(ctx)
			if jsonb {
				arr := &jnode{kind: jArray}
				for i, d := range a {
					v, err := toJSONNode(d, argTypes[i], env)
					if err != nil {
						return types.Null, err
					}
					arr.elems = append(arr.elems, v)
				}
				return jsonbDatum(arr), nil
			}
			b := []byte{'['}
			for i, d := range a {
				if i > 0 {
					b = append(b, ", "...)
				}
				var err error
				if b, err = appendJSONValue(b, d, argTypes[i], env); err != nil {
					return types.Null, err
				}
			}
			return types.NewJSON(string(append(b, ']'))), nil
		}
	}
}

func jsonTypeof(v string) string {
	switch jsonKindOf(v) {
	case jObject:
		return "object"
	case jArray:
		return "array"
	case jString:
		return "string"
	case jTrue, jFalse:
		return "boolean"
	case jNull:
		return "null"
	}
	return "number"
}

func jsonArrayLength(v string) (types.Datum, error) {
	switch jsonKindOf(v) {
	case jArray:
		elems, ok := arrayElems(v)
		if !ok {
			return types.Null, errJSONSyntax
		}
		return types.NewInt(int64(len(elems))), nil
	case jObject:
		return types.Null, sqlerr.New(sqlerr.InvalidParameterValue, "cannot get array length of a non-array")
	}
	return types.Null, sqlerr.New(sqlerr.InvalidParameterValue, "cannot get array length of a scalar")
}

// jsonbExists is the ? operator: a top-level key, or a string element of
// an array, or the string itself.
func jsonbExists(doc, key string) bool {
	switch jsonKindOf(doc) {
	case jObject:
		_, ok := objectField(doc, key)
		return ok
	case jArray:
		elems, _ := arrayElems(doc)
		for _, e := range elems {
			if jsonKindOf(e) == jString {
				if v, err := decodeJSONString(jsonTrim(e)); err == nil && v == key {
					return true
				}
			}
		}
		return false
	case jString:
		v, err := decodeJSONString(jsonTrim(doc))
		return err == nil && v == key
	}
	return false
}

func jsonbDelete(doc *jnode, key string) (*jnode, error) {
	switch doc.kind {
	case jObject:
		out := &jnode{kind: jObject}
		for i, k := range doc.keys {
			if k != key {
				out.keys = append(out.keys, k)
				out.elems = append(out.elems, doc.elems[i])
			}
		}
		return out, nil
	case jArray:
		out := &jnode{kind: jArray}
		for _, e := range doc.elems {
			if !(e.kind == jString && e.str == key) {
				out.elems = append(out.elems, e)
			}
		}
		return out, nil
	}
	return nil, sqlerr.New(sqlerr.InvalidParameterValue, "cannot delete from scalar")
}

func jsonbDeleteIndex(doc *jnode, idx int64) (*jnode, error) {
	switch doc.kind {
	case jArray:
		n := int64(len(doc.elems))
		if idx < 0 {
			idx += n
		}
		if idx < 0 || idx >= n {
			return doc, nil
		}
		out := &jnode{kind: jArray, elems: slices.Delete(slices.Clone(doc.elems), int(idx), int(idx)+1)}
		return out, nil
	case jObject:
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "cannot delete from object using integer index")
	}
	return nil, sqlerr.New(sqlerr.InvalidParameterValue, "cannot delete from scalar")
}

func stripNulls(n *jnode) *jnode {
	switch n.kind {
	case jObject:
		out := &jnode{kind: jObject}
		for i, k := range n.keys {
			if n.elems[i].kind == jNull {
				continue
			}
			out.keys = append(out.keys, k)
			out.elems = append(out.elems, stripNulls(n.elems[i]))
		}
		return out
	case jArray:
		out := &jnode{kind: jArray}
		for _, e := range n.elems {
			out.elems = append(out.elems, stripNulls(e))
		}
		return out
	}
	return n
}

func jsonSpan(v string, ok bool) types.Datum {
	if !ok {
		return types.Null
	}
	return types.NewJSON(v)
}

func init() {
	for _, jt := range []types.Type{tJSONB, tJSON} {
		jt := jt
		jsonb := jt.ID == types.Jsonb
		prefix := "json_"
		if jsonb {
			prefix = "jsonb_"
		}
		register(
			fn("->", ts(jt, tText), jt, func(_ *Context, a []types.Datum) (types.Datum, error) {
				return jsonSpan(objectField(a[0].Str(), a[1].Str())), nil
			}),
			fn("->", ts(jt, tInt4), jt, func(_ *Context, a []types.Datum) (types.Datum, error) {
				return jsonSpan(arrayElem(a[0].Str(), a[1].Int())), nil
			}),
			fn("->>", ts(jt, tText), tText, func(_ *Context, a []types.Datum) (types.Datum, error) {
				v, ok := objectField(a[0].Str(), a[1].Str())
				if !ok {
					return types.Null, nil
				}
				return jsonText(v)
			}),
			fn("->>", ts(jt, tInt4), tText, func(_ *Context, a []types.Datum) (types.Datum, error) {
				v, ok := arrayElem(a[0].Str(), a[1].Int())
				if !ok {
					return types.Null, nil
				}
				return jsonText(v)
			}),
			fn("#>", ts(jt, tTextArray), jt, func(_ *Context, a []types.Datum) (types.Datum, error) {
				return jsonSpan(jsonPath(a[0].Str(), a[1].Array())), nil
			}),
			fn("#>>", ts(jt, tTextArray), tText, func(_ *Context, a []types.Datum) (types.Datum, error) {
				v, ok := jsonPath(a[0].Str(), a[1].Array())
				if !ok {
					return types.Null, nil
				}
				return jsonText(v)
			}),
			&Func{Name: prefix + "extract_path", Args: ts(jt, tText), Variadic: true, Ret: jt,
				Eval: func(_ *Context, a []types.Datum) (types.Datum, error) {
					return jsonSpan(jsonPath(a[0].Str(), a[1:])), nil
				}},
			&Func{Name: prefix + "extract_path_text", Args: ts(jt, tText), Variadic: true, Ret: tText,
				Eval: func(_ *Context, a []types.Datum) (types.Datum, error) {
					v, ok := jsonPath(a[0].Str(), a[1:])
					if !ok {
						return types.Null, nil
					}
					return jsonText(v)
				}},
			fn(prefix+"typeof", ts(jt), tText, func(_ *Context, a []types.Datum) (types.Datum, error) {
				return str(jsonTypeof(a[0].Str())), nil
			}),
			fn(prefix+"array_length", ts(jt), tInt4, func(_ *Context, a []types.Datum) (types.Datum, error) {
				return jsonArrayLength(a[0].Str())
			}),
			&Func{Name: prefix + "build_object", Args: ts(Any), Variadic: true, Ret: jt, NullCall: true, bind: buildObjectBind(jsonb)},
			&Func{Name: prefix + "build_object", Ret: jt, bind: buildObjectBind(jsonb)},
			&Func{Name: prefix + "build_array", Args: ts(Any), Variadic: true, Ret: jt, NullCall: true, bind: buildArrayBind(jsonb)},
			&Func{Name: prefix + "build_array", Ret: jt, bind: buildArrayBind(jsonb)},
		)
	}
	jsonbTree := func(name string, args []types.Type, ret types.Type, op func(x, y *jnode, a []types.Datum) (types.Datum, error)) *Func {
		return fn(name, args, ret, func(_ *Context, a []types.Datum) (types.Datum, error) {
			x, err := parseJSONB(a[0].Str())
			if err != nil {
				return types.Null, err
			}
			var y *jnode
			if args[1].ID == types.Jsonb {
				if y, err = parseJSONB(a[1].Str()); err != nil {
					return types.Null, err
				}
			}
			return op(x, y, a)
		})
	}
	register(
		fn("jsonb_strip_nulls", ts(tJSONB), tJSONB, func(_ *Context, a []types.Datum) (types.Datum, error) {
			n, err := parseJSONB(a[0].Str())
			if err != nil {
				return types.Null, err
			}
			return jsonbDatum(stripNulls(n)), nil
		}),
		jsonbTree("@>", ts(tJSONB, tJSONB), tBool, func(x, y *jnode, _ []types.Datum) (types.Datum, error) {
			return types.NewBool(jsonbContains(x, y)), nil
		}),
		jsonbTree("<@", ts(tJSONB, tJSONB), tBool, func(x, y *jnode, _ []types.Datum) (types.Datum, error) {
			return types.NewBool(jsonbContains(y, x)), nil
		}),
		jsonbTree("||", ts(tJSONB, tJSONB), tJSONB, func(x, y *jnode, _ []types.Datum) (types.Datum, error) {
			return jsonbDatum(jsonbConcat(x, y)), nil
		}),
		jsonbTree("-", ts(tJSONB, tText), tJSONB, func(x, _ *jnode, a []types.Datum) (types.Datum, error) {
			r, err := jsonbDelete(x, a[1].Str())
			if err != nil {
				return types.Null, err
			}
			return jsonbDatum(r), nil
		}),
		jsonbTree("-", ts(tJSONB, tInt4), tJSONB, func(x, _ *jnode, a []types.Datum) (types.Datum, error) {
			r, err := jsonbDeleteIndex(x, a[1].Int())
			if err != nil {
				return types.Null, err
			}
			return jsonbDatum(r), nil
		}),
		fn("?", ts(tJSONB, tText), tBool, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return types.NewBool(jsonbExists(a[0].Str(), a[1].Str())), nil
		}),
		fn("?|", ts(tJSONB, tTextArray), tBool, func(_ *Context, a []types.Datum) (types.Datum, error) {
			for _, k := range a[1].Array() {
				if !k.IsNull() && jsonbExists(a[0].Str(), k.Str()) {
					return types.NewBool(true), nil
				}
			}
			return types.NewBool(false), nil
		}),
		fn("?&", ts(tJSONB, tTextArray), tBool, func(_ *Context, a []types.Datum) (types.Datum, error) {
			for _, k := range a[1].Array() {
				if !k.IsNull() && !jsonbExists(a[0].Str(), k.Str()) {
					return types.NewBool(false), nil
				}
			}
			return types.NewBool(true), nil
		}),
		&Func{Name: "to_jsonb", Args: ts(AnyElement), Ret: tJSONB, bind: func(argTypes []types.Type) EvalFunc {
			return func(ctx *Context, a []types.Datum) (types.Datum, error) {
				n, err := toJSONNode(a[0], argTypes[0], envOf(ctx))
				if err != nil {
					return types.Null, err
				}
				return jsonbDatum(n), nil
			}
		}},
		&Func{Name: "to_json", Args: ts(AnyElement), Ret: tJSON, bind: func(argTypes []types.Type) EvalFunc {
			return func(ctx *Context, a []types.Datum) (types.Datum, error) {
				b, err := appendJSONValue(nil, a[0], argTypes[0], envOf(ctx))
				if err != nil {
					return types.Null, err
				}
				return types.NewJSON(string(b)), nil
			}
		}},
	)
}
