package types

import (
	"strings"

	"github.com/eddy-db/eddy/sql/sqlerr"
)

// appendArrayText is array_out for a one-dimensional array: {1,2,NULL},
// elements double-quoted when empty, "NULL", or containing braces, commas,
// quotes, backslashes or whitespace.
func appendArrayText(b []byte, elems []Datum, et Type, env *Env) []byte {
	b = append(b, '{')
	for i, e := range elems {
		if i > 0 {
			b = append(b, ',')
		}
		if e.k == KNull {
			b = append(b, "NULL"...)
			continue
		}
		start := len(b)
		b = AppendText(b, e, et, env)
		if needsArrayQuote(b[start:]) {
			b = quoteInPlace(b, start, false)
		}
	}
	return append(b, '}')
}

func needsArrayQuote(v []byte) bool {
	if len(v) == 0 || (len(v) == 4 && strings.EqualFold(string(v), "NULL")) {
		return true
	}
	for _, c := range v {
		switch c {
		case '"', '\\', '{', '}', ',':
			return true
		}
		if isSpace(c) {
			return true
		}
	}
	return false
}

// quoteInPlace wraps b[start:] in double quotes, escaping quotes and
// backslashes with a backslash (arrays) or by doubling them (records).
func quoteInPlace(b []byte, start int, double bool) []byte {
	v := string(b[start:])
	b = append(b[:start], '"')
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '"' || c == '\\' {
			if double {
				b = append(b, c)
			} else {
				b = append(b, '\\')
			}
		}
		b = append(b, c)
	}
	return append(b, '"')
}

// appendRecordText is record_out: (1,"a b",,"") with each field printed by
// the default type of its kind.
func appendRecordText(b []byte, fields []Datum, env *Env) []byte {
	b = append(b, '(')
	for i, f := range fields {
		if i > 0 {
			b = append(b, ',')
		}
		if f.k == KNull {
			continue
		}
		start := len(b)
		b = AppendText(b, f, kindType(f), env)
		if needsRecordQuote(b[start:]) {
			b = quoteInPlace(b, start, true)
		}
	}
	return append(b, ')')
}

func needsRecordQuote(v []byte) bool {
	if len(v) == 0 {
		return true
	}
	for _, c := range v {
		switch c {
		case '"', '\\', '(', ')', ',':
			return true
		}
		if isSpace(c) {
			return true
		}
	}
	return false
}

func errMalformedArray(s, detail string) *sqlerr.Error {
	return sqlerr.New(sqlerr.InvalidTextRepresentation, "malformed array literal: %s", quoteMsg(s)).WithDetail("%s", detail)
}

// parseArray is array_in for one-dimensional arrays: optional [1:n]=
// dimension decoration, {elem,...} with double-quoted or bare elements,
// backslash escapes, and unquoted NULL. Each element goes through the
// element type's input function with the array's typmod.
func parseArray(s string, t Type, env *Env) (Datum, error) {
	et := Type{ID: t.Elem, Mod: t.Mod}
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	declared := -1
	if i < len(s) && s[i] == '[' {
		// [lb:ub]= ; only one dimension with lower bound 1 is representable.
		j := strings.IndexByte(s[i:], ']')
		if j < 0 {
			return Null, errMalformedArray(s, `Missing "]" after array dimensions.`)
		}
		dim := s[i+1 : i+j]
		i += j + 1
		lbs, ubs, hasColon := strings.Cut(dim, ":")
		if !hasColon {
			lbs, ubs = "1", dim
		}
		if strings.TrimSpace(lbs) == "" {
			return Null, errMalformedArray(s, `"[" must introduce explicitly-specified array dimensions.`)
		}
		if strings.TrimSpace(ubs) == "" {
			return Null, errMalformedArray(s, `Missing array dimension value.`)
		}
		lb, err1 := parseInt(lbs, TInt4)
		ub, err2 := parseInt(ubs, TInt4)
		if err1 != nil || err2 != nil {
			return Null, errMalformedArray(s, `Array dimensions must be integers.`)
		}
		if ub < lb {
			return Null, sqlerr.New(sqlerr.ArraySubscriptError, "upper bound cannot be less than lower bound")
		}
		if lb != 1 {
			return Null, sqlerr.NotSupported("arrays with lower bound other than 1")
		}
		declared = int(ub - lb + 1)
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i < len(s) && s[i] == '[' {
			return Null, sqlerr.NotSupported("multidimensional arrays")
		}
		if i >= len(s) || s[i] != '=' {
			return Null, errMalformedArray(s, `Missing "=" after array dimensions.`)
		}
		i++
		for i < len(s) && isSpace(s[i]) {
			i++
		}
	}
	if i >= len(s) || s[i] != '{' {
		if declared >= 0 {
			return Null, errMalformedArray(s, `Array contents must start with "{".`)
		}
		return Null, errMalformedArray(s, `Array value must start with "{" or dimension information.`)
	}
	i++
	elems := []Datum{}
	var buf []byte
	for {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i >= len(s) {
			return Null, errMalformedArray(s, "Unexpected end of input.")
		}
		if s[i] == '}' && len(elems) == 0 {
			i++
			break
		}
		switch s[i] {
		case '{':
			return Null, sqlerr.NotSupported("multidimensional arrays")
		case ',', '}':
			return Null, errMalformedArray(s, `Unexpected "`+s[i:i+1]+`" character.`)
		}
		buf = buf[:0]
		quoted, escaped := false, false
		if s[i] == '"' {
			quoted = true
			i++
			for {
				if i >= len(s) {
					return Null, errMalformedArray(s, "Unexpected end of input.")
				}
				c := s[i]
				if c == '\\' {
					if i+1 >= len(s) {
						return Null, errMalformedArray(s, "Unexpected end of input.")
					}
					buf = append(buf, s[i+1])
					i += 2
					continue
				}
				i++
				if c == '"' {
					break
				}
				buf = append(buf, c)
			}
			for i < len(s) && isSpace(s[i]) {
				i++
			}
		} else {
			// Bare element: up to an unescaped , or }; trailing unescaped
			// whitespace is dropped.
			keep := 0
			for {
				if i >= len(s) {
					return Null, errMalformedArray(s, "Unexpected end of input.")
				}
				c := s[i]
				if c == ',' || c == '}' {
					break
				}
				if c == '"' {
					return Null, errMalformedArray(s, "Unexpected array element.")
				}
				if c == '{' {
					return Null, errMalformedArray(s, `Unexpected "{" character.`)
				}
				if c == '\\' {
					if i+1 >= len(s) {
						return Null, errMalformedArray(s, "Unexpected end of input.")
					}
					buf = append(buf, s[i+1])
					escaped = true
					i += 2
					keep = len(buf)
					continue
				}
				buf = append(buf, c)
				if !isSpace(c) {
					keep = len(buf)
				}
				i++
			}
			buf = buf[:keep]
		}
		if i >= len(s) {
			return Null, errMalformedArray(s, "Unexpected end of input.")
		}
		switch s[i] {
		case ',', '}':
		case '\\', '{':
			return Null, errMalformedArray(s, `Unexpected "`+s[i:i+1]+`" character.`)
		default:
			return Null, errMalformedArray(s, "Unexpected array element.")
		}
		if !quoted && !escaped && len(buf) == 4 && strings.EqualFold(string(buf), "NULL") {
			elems = append(elems, Null)
		} else {
			e, err := ParseText(string(buf), et, env)
			if err != nil {
				return Null, err
			}
			elems = append(elems, e)
		}
		if s[i] == '}' {
			i++
			break
		}
		i++
	}
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	if i != len(s) {
		return Null, errMalformedArray(s, "Junk after closing right brace.")
	}
	if declared >= 0 && declared != len(elems) {
		return Null, errMalformedArray(s, "Specified array dimensions do not match array contents.")
	}
	return NewArray(elems), nil
}
