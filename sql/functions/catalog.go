package functions

import (
	"sort"
	"strconv"
	"strings"

	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// What the system catalogs (pg_proc, pg_type) show of the library, and
// the pure catalog functions: format_type, parse_ident, pg_size_pretty,
// pg_encoding_to_char.

// Signature describes one overload for pg_proc.
type Signature struct {
	Name string
	// Args may hold the polymorphic pseudo-types (see TypeOID).
	Args []types.Type
	Ret  types.Type
	// Kind is pg_proc.prokind: 'f' function, 'a' aggregate, 'w' window.
	Kind     byte
	Variadic bool
	// Strict is pg_proc.proisstrict; Volatile gives provolatile 'v'
	// (else 'i').
	Strict   bool
	Volatile bool
	// Set: the function returns a set (proretset).
	Set bool
}

// Signatures lists every named function, aggregate, set-returning and
// window function (operators are left out), ordered by name and then by
// argument types, so that the list and its positions are the same in
// every run of one build.
func Signatures() []Signature {
	var out []Signature
	for name, fs := range funcs {
		if isOperatorName(name) || strings.ContainsRune(name, ' ') {
			continue
		}
		for _, f := range fs {
			out = append(out, Signature{Name: name, Args: f.Args, Ret: f.Ret, Kind: 'f', Variadic: f.Variadic,
				Strict: !f.NullCall, Volatile: f.Volatile})
		}
	}
	for name, as := range aggs {
		for _, a := range as {
			out = append(out, Signature{Name: name, Args: a.Args, Ret: a.Ret, Kind: 'a', Strict: !a.KeepNulls})
		}
	}
	for name, fs := range setFuncs {
		for _, f := range fs {
			out = append(out, Signature{Name: name, Args: f.Args, Ret: f.Ret, Kind: 'f', Strict: true, Set: true})
		}
	}
	for _, name := range []string{"row_number", "rank", "dense_rank"} {
		out = append(out, Signature{Name: name, Ret: tInt8, Kind: 'w'})
	}
	SortSignatures(out)
	return out
}

// Operators lists the operators of the library, a prefix operator with
// one argument, ordered as Signatures. The comparisons (=, <>, <, <=, >,
// >=) are not among them: the binder compares every comparable type.
func Operators() []Signature {
	var out []Signature
	for name, fs := range funcs {
		if !isOperatorName(name) {
			continue
		}
		for _, f := range fs {
			out = append(out, Signature{Name: name, Args: f.Args, Ret: f.Ret, Kind: 'f', Strict: !f.NullCall, Volatile: f.Volatile})
		}
	}
	SortSignatures(out)
	return out
}

// SortSignatures orders signatures by name, then argument list.
func SortSignatures(s []Signature) {
	sort.SliceStable(s, func(i, j int) bool {
		if s[i].Name != s[j].Name {
			return s[i].Name < s[j].Name
		}
		return ArgString(s[i].Args, s[i].Variadic) < ArgString(s[j].Args, s[j].Variadic)
	})
}

// ArgString prints an argument list as pg_get_function_arguments does:
// "integer, text", "VARIADIC \"any\"".
func ArgString(args []types.Type, variadic bool) string {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = TypeString(a)
		if variadic && i == len(args)-1 {
			if IsPolymorphic(a) {
				parts[i] = "VARIADIC " + parts[i]
			} else {
				parts[i] = "VARIADIC " + types.ArrayOf(a.ID).String()
			}
		}
	}
	return strings.Join(parts, ", ")
}

// PseudoType is a pg_type row of a pseudo-type (typtype 'p') that is not
// one of types.ID.
type PseudoType struct {
	OID  uint32
	Name string
}

// PseudoTypes lists the pseudo-types the catalogs name: the polymorphic
// parameter types, and those PostgreSQL clients look up by name.
var PseudoTypes = []PseudoType{
	{2275, "cstring"}, {2276, "any"}, {2277, "anyarray"}, {2279, "trigger"}, {2281, "internal"},
	{2283, "anyelement"}, {2776, "anynonarray"}, {3838, "event_trigger"}, {5077, "anycompatible"},
	{5078, "anycompatiblearray"},
}

// PseudoTypeName returns the name of a pseudo-type by OID.
func PseudoTypeName(oid uint32) (string, bool) {
	for _, p := range PseudoTypes {
		if p.OID == oid {
			return p.Name, true
		}
	}
	return "", false
}

// PseudoTypeOID returns the OID of a pseudo-type by name.
func PseudoTypeOID(name string) (uint32, bool) {
	for _, p := range PseudoTypes {
		if p.Name == name {
			return p.OID, true
		}
	}
	return 0, false
}

// TypeOID returns pg_type's OID for a parameter or result type, the
// polymorphic pseudo-types included.
func TypeOID(t types.Type) uint32 {
	if IsPolymorphic(t) {
		switch t.Mod {
		case pAny:
			return 2276
		case pAnyElement:
			return 2283
		case pAnyArray:
			return 2277
		case pAnyNonArray:
			return 2776
		case pAnyCompatible:
			return 5077
		}
	}
	return t.OID()
}

// FormatType is format_type(type_oid, typmod): the SQL name of a type,
// with its modifier when one is given (typmod >= 0), "???" for an
// unknown OID. hasMod is false for a NULL typmod.
func FormatType(oid uint32, typmod int32, hasMod bool) string {
	t, ok := types.FromOID(oid)
	if !ok {
		if name, ok := PseudoTypeName(oid); ok {
			return QuoteIdent(name)
		}
		return "???"
	}
	withMod := hasMod && typmod >= 0
	suffix := ""
	if t.IsArray() {
		suffix, t = "[]", t.ElemType()
	}
	var name string
	switch t.ID {
	case types.Bool, types.Int2, types.Int4, types.Int8, types.Float4, types.Float8, types.Interval:
		name = t.String()
	case types.Numeric:
		name = "numeric"
		if withMod && typmod >= 4 {
			m := typmod - 4
			name += "(" + strconv.Itoa(int(m>>16)) + "," + strconv.Itoa(int(m&0xffff)) + ")"
		}
	case types.Varchar:
		name = "character varying"
		if withMod && typmod >= 4 {
			name += "(" + strconv.Itoa(int(typmod-4)) + ")"
		}
	case types.Bpchar:
		switch {
		case withMod && typmod >= 4:
			name = "character(" + strconv.Itoa(int(typmod-4)) + ")"
		case hasMod:
			// bpchar without a length is not character, which means
			// character(1).
			name = "bpchar"
		default:
			name = "character"
		}
	case types.Time, types.Timestamp, types.Timestamptz:
		full := t.String()
		name = full
		if withMod {
			head, tail, _ := strings.Cut(full, " ")
			name = head + "(" + strconv.Itoa(int(typmod)) + ") " + tail
		}
	default:
		name = QuoteIdent(t.TypName())
		if withMod {
			name += "(" + strconv.Itoa(int(typmod)) + ")"
		}
	}
	return name + suffix
}

// ParseIdent is parse_ident(str, strict): the parts of a qualified
// identifier, quoted parts kept as written (with "" undoubled), others
// folded to lower case. Not strict, anything after the last identifier is
// ignored.
func ParseIdent(s string, strict bool) ([]string, error) {
	bad := func(detail string) error {
		e := sqlerr.New(sqlerr.InvalidParameterValue, "string is not a valid identifier: \"%s\"", s)
		if detail != "" {
			e.Detail = detail
		}
		return e
	}
	var parts []string
	i := 0
	skipSpace := func() {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f' || s[i] == '\v') {
			i++
		}
	}
	afterDot := false
	for {
		skipSpace()
		if i < len(s) && s[i] == '"' {
			var sb strings.Builder
			i++
			closed := false
			for i < len(s) {
				if s[i] == '"' {
					if i+1 < len(s) && s[i+1] == '"' {
						sb.WriteByte('"')
						i += 2
						continue
					}
					i++
					closed = true
					break
				}
				sb.WriteByte(s[i])
				i++
			}
			if !closed {
				return nil, bad("String has unclosed double quotes.")
			}
			if sb.Len() == 0 {
				return nil, bad("Quoted identifier must not be empty.")
			}
			parts = append(parts, sb.String())
		} else {
			start := i
			for i < len(s) && isIdentChar(s[i], i == start) {
				i++
			}
			if i == start {
				if afterDot {
					return nil, bad("No valid identifier after \".\".")
				}
				if len(parts) == 0 {
					return nil, bad("No valid identifier before \".\".")
				}
				return nil, bad("")
			}
			parts = append(parts, strings.ToLower(s[start:i]))
		}
		skipSpace()
		if i < len(s) && s[i] == '.' {
			i++
			afterDot = true
			continue
		}
		if i < len(s) && strict {
			return nil, bad("")
		}
		return parts, nil
	}
}

func isIdentChar(c byte, first bool) bool {
	if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80 {
		return true
	}
	return !first && (c >= '0' && c <= '9' || c == '$')
}

// SizePretty is pg_size_pretty(bigint): bytes, kB, MB, GB, TB or PB, each
// unit used below 20480 of it (bytes below 10240), rounded half away from
// zero.
func SizePretty(size int64) string {
	units := []struct {
		name  string
		limit int64
		round bool
		bits  uint
	}{
		{"bytes", 10 * 1024, false, 0}, {"kB", 20*1024 - 1, true, 10}, {"MB", 20*1024 - 1, true, 20},
		{"GB", 20*1024 - 1, true, 30}, {"TB", 20*1024 - 1, true, 40}, {"PB", 20*1024 - 1, true, 50},
	}
	abs := func(v int64) int64 {
		if v < 0 {
			return -v
		}
		return v
	}
	for i, u := range units {
		if i == len(units)-1 || abs(size) < u.limit {
			if u.round {
				if size < 0 {
					size = (size - 1) / 2
				} else {
					size = (size + 1) / 2
				}
			}
			return strconv.FormatInt(size, 10) + " " + u.name
		}
		next := units[i+1]
		bits := next.bits - u.bits
		if next.round {
			bits--
		}
		if u.round {
			bits++
		}
		size /= int64(1) << bits
	}
	return ""
}

// encodings are PostgreSQL's encoding numbers (pg_enc) that
// pg_encoding_to_char names; Eddy itself speaks UTF8 only.
var encodings = []string{"SQL_ASCII", "EUC_JP", "EUC_CN", "EUC_KR", "EUC_TW", "EUC_JIS_2004", "UTF8",
	"MULE_INTERNAL", "LATIN1", "LATIN2", "LATIN3", "LATIN4", "LATIN5", "LATIN6", "LATIN7", "LATIN8",
	"LATIN9", "LATIN10", "WIN1256", "WIN1258", "WIN866", "WIN874", "KOI8R", "WIN1251", "WIN1252",
	"ISO_8859_5", "ISO_8859_6", "ISO_8859_7", "ISO_8859_8", "WIN1250", "WIN1253", "WIN1254", "WIN1255",
	"WIN1257", "KOI8U", "SJIS", "BIG5", "GBK", "UHC", "GB18030", "JOHAB", "SHIFT_JIS_2004"}

// EncodingUTF8 is UTF8's encoding number (pg_database.encoding).
const EncodingUTF8 = 6

func init() {
	register(
		&Func{Name: "format_type", Args: ts(types.TOid, tInt4), Ret: tText, NullCall: true,
			Eval: func(_ *Context, a []types.Datum) (types.Datum, error) {
				if a[0].IsNull() {
					return types.Null, nil
				}
				return types.NewString(FormatType(uint32(a[0].Int()), int32(a[1].Int()), !a[1].IsNull())), nil
			}},
		&Func{Name: "parse_ident", Args: ts(tText), Ret: tTextArray, Eval: parseIdentEval},
		&Func{Name: "parse_ident", Args: ts(tText, tBool), Ret: tTextArray, Eval: parseIdentEval},
		fn("pg_size_pretty", ts(tInt8), tText, func(_ *Context, a []types.Datum) (types.Datum, error) {
			return types.NewString(SizePretty(a[0].Int())), nil
		}),
		fn("pg_encoding_to_char", ts(tInt4), types.TName, func(_ *Context, a []types.Datum) (types.Datum, error) {
			if n := a[0].Int(); n >= 0 && n < int64(len(encodings)) {
				return types.NewString(encodings[n]), nil
			}
			return types.NewString(""), nil
		}),
		fn("getdatabaseencoding", nil, types.TName, func(*Context, []types.Datum) (types.Datum, error) {
			return types.NewString(encodings[EncodingUTF8]), nil
		}),
		fn("pg_char_to_encoding", ts(types.TName), tInt4, func(_ *Context, a []types.Datum) (types.Datum, error) {
			want := strings.ToUpper(strings.NewReplacer("-", "", "_", "").Replace(a[0].Str()))
			for i, e := range encodings {
				if strings.ReplaceAll(e, "_", "") == want {
					return types.NewInt(int64(i)), nil
				}
			}
			if want == "UNICODE" {
				return types.NewInt(EncodingUTF8), nil
			}
			return types.NewInt(-1), nil
		}),
	)
}

func parseIdentEval(_ *Context, a []types.Datum) (types.Datum, error) {
	strict := len(a) < 2 || a[1].Bool()
	parts, err := ParseIdent(a[0].Str(), strict)
	if err != nil {
		return types.Null, err
	}
	out := make([]types.Datum, len(parts))
	for i, p := range parts {
		out[i] = types.NewString(p)
	}
	return types.NewArray(out), nil
}
