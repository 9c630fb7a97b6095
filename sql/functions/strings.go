package functions

import (
	"crypto/md5"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// maxAlloc is PostgreSQL's limit on one value (MaxAllocSize, 1 GB).
const maxAlloc = 1<<30 - 1

var errTooLong = sqlerr.New(sqlerr.ProgramLimitExceeded, "requested length too large")

func text1(name string, ret types.Type, f func(s string) types.Datum) *Func {
	return fn(name, ts(tText), ret, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return f(a[0].Str()), nil
	})
}

func str(s string) types.Datum { return types.NewString(s) }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func charLen(s string) int64 {
	if isASCII(s) {
		return int64(len(s))
	}
	return int64(utf8.RuneCountInString(s))
}

// byteOffset returns the byte offset of the n-th character (0-based) of s,
// or len(s) when s is shorter.
func byteOffset(s string, n int64) int {
	if n <= 0 {
		return 0
	}
	i := 0
	for c := int64(0); c < n; c++ {
		if i >= len(s) {
			return len(s)
		}
		if s[i] < utf8.RuneSelf {
			i++
		} else {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
		}
	}
	return i
}

// substring is PostgreSQL's text_substring: characters from start
// (1-based, may be <= 0) for length characters (length < 0: to the end).
func substring(s string, start, length int64, hasLength bool) (string, error) {
	if !hasLength {
		if start < 1 {
			start = 1
		}
		return s[byteOffset(s, start-1):], nil
	}
	if length < 0 {
		return "", sqlerr.New(codeSubstring, "negative substring length not allowed")
	}
	end := start + length
	if end < start { // overflow: to the end
		end = math.MaxInt64
	}
	if end <= 1 {
		return "", nil
	}
	if start < 1 {
		start = 1
	}
	from := byteOffset(s, start-1)
	to := from + byteOffset(s[from:], end-start)
	return s[from:to], nil
}

func strpos(s, sub string) int64 {
	i := strings.Index(s, sub)
	if i < 0 {
		return 0
	}
	return charLen(s[:i]) + 1
}

func leftChars(s string, n int64) string {
	if n < 0 {
		n = charLen(s) + n
		if n <= 0 {
			return ""
		}
	}
	return s[:byteOffset(s, n)]
}

func rightChars(s string, n int64) string {
	l := charLen(s)
	if n < 0 {
		n = -n
		if n >= l {
			return ""
		}
		return s[byteOffset(s, n):]
	}
	if n >= l {
		return s
	}
	return s[byteOffset(s, l-n):]
}

// trimChars removes characters of set from the ends of s.
func trimChars(s, set string, left, right bool) string {
	if set == "" {
		return s
	}
	in := func(r rune) bool { return strings.ContainsRune(set, r) }
	if left {
		s = strings.TrimLeftFunc(s, in)
	}
	if right {
		s = strings.TrimRightFunc(s, in)
	}
	return s
}

func pad(s string, length int64, fill string, left bool) (string, error) {
	if length <= 0 {
		return "", nil
	}
	if length > maxAlloc/4 {
		return "", errTooLong
	}
	l := charLen(s)
	if l >= length {
		return s[:byteOffset(s, length)], nil
	}
	if fill == "" {
		return s, nil
	}
	need := length - l
	var sb strings.Builder
	fillRunes := []rune(fill)
	var padding strings.Builder
	for i := int64(0); i < need; i++ {
		padding.WriteRune(fillRunes[i%int64(len(fillRunes))])
	}
	if left {
		sb.WriteString(padding.String())
		sb.WriteString(s)
	} else {
		sb.WriteString(s)
		sb.WriteString(padding.String())
	}
	return sb.String(), nil
}

func repeatText(s string, n int64) (string, error) {
	if n <= 0 || s == "" {
		return "", nil
	}
	if n > maxAlloc/int64(len(s)) {
		return "", errTooLong
	}
	return strings.Repeat(s, int(n)), nil
}

func reverseText(s string) string {
	if isASCII(s) {
		b := []byte(s)
		for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
			b[i], b[j] = b[j], b[i]
		}
		return string(b)
	}
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

func splitPart(s, delim string, n int64) (string, error) {
	if n == 0 {
		return "", sqlerr.New(sqlerr.InvalidParameterValue, "field position must not be zero")
	}
	if s == "" {
		return "", nil
	}
	if delim == "" {
		if n == 1 || n == -1 {
			return s, nil
		}
		return "", nil
	}
	parts := strings.Split(s, delim)
	if n < 0 {
		n = int64(len(parts)) + n + 1
		if n < 1 {
			return "", nil
		}
	}
	if n > int64(len(parts)) {
		return "", nil
	}
	return parts[n-1], nil
}

func translate(s, from, to string) string {
	fr, tr := []rune(from), []rune(to)
	var sb strings.Builder
	sb.Grow(len(s))
	for _, c := range s {
		idx := -1
		for i, f := range fr {
			if f == c {
				idx = i
				break
			}
		}
		switch {
		case idx < 0:
			sb.WriteRune(c)
		case idx < len(tr):
			sb.WriteRune(tr[idx])
		}
	}
	return sb.String()
}

func initcap(s string) string {
	var sb strings.Builder
	sb.Grow(len(s))
	wasAlnum := false
	for _, c := range s {
		if wasAlnum {
			c = unicode.ToLower(c)
		} else {
			c = unicode.ToUpper(c)
		}
		wasAlnum = unicode.IsLetter(c) || unicode.IsDigit(c)
		sb.WriteRune(c)
	}
	return sb.String()
}

func chr(n int64) (string, error) {
	switch {
	case n < 0 || n > math.MaxUint32:
		return "", sqlerr.New(sqlerr.ProgramLimitExceeded, "character number must be positive")
	case n == 0:
		return "", sqlerr.New(sqlerr.ProgramLimitExceeded, "null character not permitted")
	case n > unicode.MaxRune:
		return "", sqlerr.New(sqlerr.ProgramLimitExceeded, "requested character too large for encoding: %d", n)
	case n >= 0xD800 && n <= 0xDFFF:
		return "", sqlerr.New(sqlerr.ProgramLimitExceeded, "requested character not valid for encoding: %d", n)
	}
	return string(rune(n)), nil
}

func toHex(v uint64) string { return strconv.FormatUint(v, 16) }

// textCat is text || text.
func textCat(_ *Context, a []types.Datum) (types.Datum, error) {
	return str(a[0].Str() + a[1].Str()), nil
}

// textAnyCat binds text || anynonarray and anynonarray || text: the
// non-text side is cast to text.
func textAnyCat(textFirst bool) func(args []types.Type) EvalFunc {
	return func(args []types.Type) EvalFunc {
		other := args[1]
		if !textFirst {
			other = args[0]
		}
		return func(ctx *Context, a []types.Datum) (types.Datum, error) {
			if textFirst {
				s, err := castText(a[1], other, envOf(ctx))
				if err != nil {
					return types.Null, err
				}
				return str(a[0].Str() + s), nil
			}
			s, err := castText(a[0], other, envOf(ctx))
			if err != nil {
				return types.Null, err
			}
			return str(s + a[1].Str()), nil
		}
	}
}

func encodeBytes(b, format string) (string, error) {
	switch strings.ToLower(format) {
	case "hex":
		return hex.EncodeToString([]byte(b)), nil
	case "base64":
		enc := base64.StdEncoding.EncodeToString([]byte(b))
		// PostgreSQL breaks base64 output into lines of 76 characters.
		var sb strings.Builder
		for len(enc) > 76 {
			sb.WriteString(enc[:76])
			sb.WriteByte('\n')
			enc = enc[76:]
		}
		sb.WriteString(enc)
		return sb.String(), nil
	case "escape":
		var sb strings.Builder
		for i := 0; i < len(b); i++ {
			c := b[i]
			switch {
			case c == '\\':
				sb.WriteString(`\\`)
			case c == 0 || c >= 0x80:
				sb.WriteString(`\`)
				sb.WriteString(strconv.FormatInt(int64(c)+01000, 8)[1:])
			default:
				sb.WriteByte(c)
			}
		}
		return sb.String(), nil
	}
	return "", sqlerr.New(sqlerr.InvalidParameterValue, "unrecognized encoding: \"%s\"", format)
}

func decodeBytes(s, format string) (string, error) {
	switch strings.ToLower(format) {
	case "hex":
		s = strings.Map(func(r rune) rune {
			if r == ' ' || r == '\n' || r == '\t' || r == '\r' {
				return -1
			}
			return r
		}, s)
		if len(s)%2 == 1 {
			return "", sqlerr.New(sqlerr.InvalidParameterValue, "invalid hexadecimal data: odd number of digits")
		}
		b, err := hex.DecodeString(s)
		if err != nil {
			return "", sqlerr.New(sqlerr.InvalidParameterValue, "invalid hexadecimal digit")
		}
		return string(b), nil
	case "base64":
		s = strings.Map(func(r rune) rune {
			if r == ' ' || r == '\n' || r == '\t' || r == '\r' {
				return -1
			}
			return r
		}, s)
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return "", sqlerr.New(sqlerr.InvalidParameterValue, "invalid base64 end sequence").
				WithHint("Input data is missing padding, is truncated, or is otherwise corrupted.")
		}
		return string(b), nil
	case "escape":
		var sb strings.Builder
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c != '\\' {
				sb.WriteByte(c)
				continue
			}
			if i+1 < len(s) && s[i+1] == '\\' {
				sb.WriteByte('\\')
				i++
				continue
			}
			if i+3 < len(s)+0 && isOct(s[i+1]) && isOct(s[i+2]) && isOct(s[i+3]) {
				sb.WriteByte((s[i+1]-'0')<<6 | (s[i+2]-'0')<<3 | (s[i+3] - '0'))
				i += 3
				continue
			}
			return "", sqlerr.New(sqlerr.InvalidTextRepresentation, "invalid input syntax for type %s", "bytea")
		}
		return sb.String(), nil
	}
	return "", sqlerr.New(sqlerr.InvalidParameterValue, "unrecognized encoding: \"%s\"", format)
}

func isOct(c byte) bool { return c >= '0' && c <= '7' }

// overlay is overlay(s PLACING repl FROM start FOR count).
func overlay(s, repl string, start, count int64) (string, error) {
	end, ok := addInt64(start, count)
	if !ok || !inRange(end, 32) {
		return "", errInt4Range
	}
	head, err := substring(s, 1, start-1, true)
	if err != nil {
		return "", err
	}
	tail, _ := substring(s, end, 0, false)
	return head + repl + tail, nil
}

func init() {
	lengthFn := func(name string) *Func {
		return text1(name, tInt4, func(s string) types.Datum { return types.NewInt(charLen(s)) })
	}
	bpcharLength := func(name string) *Func {
		return fn(name, ts(tBpchar), tInt4, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return types.NewInt(charLen(trimRightSpaces(a[0].Str()))), nil
		})
	}
	register(
		fn("||", ts(tText, tText), tText, textCat),
		&Func{Name: "||", Args: ts(tText, AnyNonArray), Ret: tText, bind: textAnyCat(true)},
		&Func{Name: "||", Args: ts(AnyNonArray, tText), Ret: tText, bind: textAnyCat(false)},
		fn("||", ts(tBytea, tBytea), tBytea, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return types.NewBytesString(a[0].BytesStr() + a[1].BytesStr()), nil
		}),
		text1("lower", tText, func(s string) types.Datum { return str(strings.ToLower(s)) }),
		text1("upper", tText, func(s string) types.Datum { return str(strings.ToUpper(s)) }),
		text1("initcap", tText, func(s string) types.Datum { return str(initcap(s)) }),
		lengthFn("length"), lengthFn("char_length"), lengthFn("character_length"),
		bpcharLength("length"), bpcharLength("char_length"), bpcharLength("character_length"),
		text1("octet_length", tInt4, func(s string) types.Datum { return types.NewInt(int64(len(s))) }),
		text1("bit_length", tInt4, func(s string) types.Datum { return types.NewInt(int64(len(s)) * 8) }),
		fn("length", ts(tBytea), tInt4, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return types.NewInt(int64(len(a[0].BytesStr()))), nil
		}),
		fn("octet_length", ts(tBytea), tInt4, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return types.NewInt(int64(len(a[0].BytesStr()))), nil
		}),
		text1("reverse", tText, func(s string) types.Datum { return str(reverseText(s)) }),
		text1("ascii", tInt4, func(s string) types.Datum {
			if s == "" {
				return types.NewInt(0)
			}
			r, _ := utf8.DecodeRuneInString(s)
			return types.NewInt(int64(r))
		}),
		fn("chr", ts(tInt4), tText, func(_ *Context, a []types.Datum) (types.Datum, error) {
			s, err := chr(a[0].Int())
			if err != nil {
				return types.Null, err
			}
			return str(s), nil
		}),
		text1("md5", tText, func(s string) types.Datum {
			h := md5.Sum([]byte(s))
			return str(hex.EncodeToString(h[:]))
		}),
		fn("md5", ts(tBytea), tText, func(_ *Context, a []types.Datum) (types.Datum, error) {
			h := md5.Sum([]byte(a[0].BytesStr()))
			return str(hex.EncodeToString(h[:])), nil
		}),
		fn("sha256", ts(tBytea), tBytea, func(_ *Context, a []types.Datum) (types.Datum, error) {
			h := sha256.Sum256([]byte(a[0].BytesStr()))
			return types.NewBytes(h[:]), nil
		}),
		fn("sha512", ts(tBytea), tBytea, func(_ *Context, a []types.Datum) (types.Datum, error) {
			h := sha512.Sum512([]byte(a[0].BytesStr()))
			return types.NewBytes(h[:]), nil
		}),
		fn("encode", ts(tBytea, tText), tText, func(_ *Context, a []types.Datum) (types.Datum, error) {
			s, err := encodeBytes(a[0].BytesStr(), a[1].Str())
			if err != nil {
				return types.Null, err
			}
			return str(s), nil
		}),
		fn("decode", ts(tText, tText), tBytea, func(_ *Context, a []types.Datum) (types.Datum, error) {
			s, err := decodeBytes(a[0].Str(), a[1].Str())
			if err != nil {
				return types.Null, err
			}
			return types.NewBytesString(s), nil
		}),
		fn("to_hex", ts(tInt4), tText, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return str(toHex(uint64(uint32(a[0].Int())))), nil
		}),
		fn("to_hex", ts(tInt8), tText, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return str(toHex(uint64(a[0].Int()))), nil
		}),
	)
	substrFns := func(name string) []*Func {
		return []*Func{
			fn(name, ts(tText, tInt4), tText, func(_ *Context, a []types.Datum) (types.Datum, error) {
				s, err := substring(a[0].Str(), a[1].Int(), 0, false)
				return str(s), err
			}),
			fn(name, ts(tText, tInt4, tInt4), tText, func(_ *Context, a []types.Datum) (types.Datum, error) {
				s, err := substring(a[0].Str(), a[1].Int(), a[2].Int(), true)
				if err != nil {
					return types.Null, err
				}
				return str(s), nil
			}),
		}
	}
	register(substrFns("substr")...)
	register(substrFns("substring")...)
	posFn := func(name string) *Func {
		return fn(name, ts(tText, tText), tInt4, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return types.NewInt(strpos(a[0].Str(), a[1].Str())), nil
		})
	}
	trimFn := func(name string, left, right bool) []*Func {
		return []*Func{
			text1(name, tText, func(s string) types.Datum { return str(trimChars(s, " ", left, right)) }),
			fn(name, ts(tText, tText), tText, func(_ *Context, a []types.Datum) (types.Datum, error) {
				return str(trimChars(a[0].Str(), a[1].Str(), left, right)), nil
			}),
		}
	}
	padFn := func(name string, left bool) []*Func {
		return []*Func{
			fn(name, ts(tText, tInt4), tText, func(_ *Context, a []types.Datum) (types.Datum, error) {
				s, err := pad(a[0].Str(), a[1].Int(), " ", left)
				if err != nil {
					return types.Null, err
				}
				return str(s), nil
			}),
			fn(name, ts(tText, tInt4, tText), tText, func(_ *Context, a []types.Datum) (types.Datum, error) {
				s, err := pad(a[0].Str(), a[1].Int(), a[2].Str(), left)
				if err != nil {
					return types.Null, err
				}
				return str(s), nil
			}),
		}
	}
	register(posFn("position"), posFn("strpos"))
	register(trimFn("btrim", true, true)...)
	register(trimFn("trim", true, true)...)
	register(trimFn("ltrim", true, false)...)
	register(trimFn("rtrim", false, true)...)
	register(padFn("lpad", true)...)
	register(padFn("rpad", false)...)
	register(
		fn("left", ts(tText, tInt4), tText, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return str(leftChars(a[0].Str(), a[1].Int())), nil
		}),
		fn("right", ts(tText, tInt4), tText, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return str(rightChars(a[0].Str(), a[1].Int())), nil
		}),
		fn("repeat", ts(tText, tInt4), tText, func(_ *Context, a []types.Datum) (types.Datum, error) {
			s, err := repeatText(a[0].Str(), a[1].Int())
			if err != nil {
				return types.Null, err
			}
			return str(s), nil
		}),
		fn("replace", ts(tText, tText, tText), tText, func(_ *Context, a []types.Datum) (types.Datum, error) {
			if a[1].Str() == "" {
				return a[0], nil
			}
			return str(strings.ReplaceAll(a[0].Str(), a[1].Str(), a[2].Str())), nil
		}),
		fn("split_part", ts(tText, tText, tInt4), tText, func(_ *Context, a []types.Datum) (types.Datum, error) {
			s, err := splitPart(a[0].Str(), a[1].Str(), a[2].Int())
			if err != nil {
				return types.Null, err
			}
			return str(s), nil
		}),
		fn("starts_with", ts(tText, tText), tBool, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return types.NewBool(strings.HasPrefix(a[0].Str(), a[1].Str())), nil
		}),
		fn("^@", ts(tText, tText), tBool, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return types.NewBool(strings.HasPrefix(a[0].Str(), a[1].Str())), nil
		}),
		fn("overlay", ts(tText, tText, tInt4), tText, func(_ *Context, a []types.Datum) (types.Datum, error) {
			r, err := overlay(a[0].Str(), a[1].Str(), a[2].Int(), charLen(a[1].Str()))
			if err != nil {
				return types.Null, err
			}
			return str(r), nil
		}),
		fn("overlay", ts(tText, tText, tInt4, tInt4), tText, func(_ *Context, a []types.Datum) (types.Datum, error) {
			r, err := overlay(a[0].Str(), a[1].Str(), a[2].Int(), a[3].Int())
			if err != nil {
				return types.Null, err
			}
			return str(r), nil
		}),
		fn("translate", ts(tText, tText, tText), tText, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return str(translate(a[0].Str(), a[1].Str(), a[2].Str())), nil
		}),
	)
}
