package types

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/eddy-db/eddy/sql/sqlerr"
)

// AppendText appends d's PostgreSQL text form (the type's output function)
// to b and returns the extended buffer. d must not be NULL; a NULL datum
// appends nothing. Timestamptz values print in env's time zone and floats
// follow env's extra_float_digits; a nil env means PostgreSQL's defaults
// in UTC. The int, float, string and timestamp paths allocate nothing
// beyond growing b.
//
// A datum whose kind does not match t (which the binder never produces)
// prints as the default type of its kind rather than as garbage.
func AppendText(b []byte, d Datum, t Type, env *Env) []byte {
	if d.k != infos[t.ID].kind {
		if d.k == KNull {
			return b
		}
		t = kindType(d)
	}
	switch t.ID {
	case Bool:
		if d.i != 0 {
			return append(b, 't')
		}
		return append(b, 'f')
	case Int2, Int4, Int8:
		return strconv.AppendInt(b, d.i, 10)
	case Regtype:
		if rt, ok := FromOID(uint32(d.i)); ok {
			return append(b, rt.String()...)
		}
		return appendRegName(b, d, t, env)
	case Regclass, Regproc, Regnamespace, Regrole, Regprocedure, Regoperator:
		return appendRegName(b, d, t, env)
	case Oid:
		return strconv.AppendUint(b, uint64(uint32(d.i)), 10)
	case Float4:
		return appendFloat(b, d.Float(), 32, extraFloatDigits(env))
	case Float8:
		return appendFloat(b, d.Float(), 64, extraFloatDigits(env))
	case Numeric:
		return appendNumeric(b, d.Decimal())
	case Text, Varchar, Bpchar, Name, Unknown, Json, Jsonb:
		return append(b, d.s...)
	case Char:
		return appendCharOut(b, d.s)
	case Bytea:
		return appendByteaHex(b, d.s)
	case Uuid:
		return appendUUID(b, d.s)
	case Date:
		return appendDate(b, d.i)
	case Time:
		return appendTimeOfDay(b, d.i)
	case Timestamp:
		return appendTimestamp(b, d.i)
	case Timestamptz:
		return appendTimestamptz(b, d.i, env.Location())
	case Interval:
		return appendInterval(b, d.Interval())
	case Array:
		return appendArrayText(b, d.Array(), Type{ID: t.Elem, Mod: t.Mod}, env)
	case Record:
		return appendRecordText(b, d.Array(), env)
	case Int2Vector, OidVector:
		for i, e := range d.Array() {
			if i > 0 {
				b = append(b, ' ')
			}
			b = strconv.AppendInt(b, e.i, 10)
		}
		return b
	}
	return b
}

// FormatText returns d's PostgreSQL text form, or "" for NULL. For the
// string types it returns the stored string without copying.
func FormatText(d Datum, t Type, env *Env) string {
	if d.k == KNull {
		return ""
	}
	if d.k == KString && t.ID != Char || d.k == KJSON {
		return d.s
	}
	return string(AppendText(nil, d, t, env))
}

// ParseText reads s as a value of type t, as PostgreSQL's input function
// does, and applies t's typmod with assignment semantics (varchar(n)
// rejects a longer value with 22001, numeric(p,s) rounds and checks
// precision, timestamp(p) rounds). Errors are *sqlerr.Error with
// PostgreSQL's SQLSTATE and message: 22P02 for bad syntax, 22003 for
// numbers out of range, 22007/22008 for dates and times.
//
// Timestamptz values without an offset are read in env's time zone. The
// clock-dependent date/time words (now, today, tomorrow, yesterday) are
// the caller's to evaluate; here they return 0A000. reg* types read names
// through env.Names (regtype knows the built-in types without it);
// without a resolver they accept only numeric OIDs.
func ParseText(s string, t Type, env *Env) (Datum, error) {
	switch t.ID {
	case Bool:
		return parseBool(s)
	case Int2, Int4, Int8:
		v, err := parseInt(s, t)
		return NewInt(v), err
	case Oid:
		return parseOid(s, t)
	case Regclass, Regtype, Regproc, Regnamespace, Regrole, Regprocedure, Regoperator:
		return parseReg(s, t, env)
	case Float4, Float8:
		f, err := parseFloat(s, t)
		if err != nil {
			return Null, err
		}
		return NewFloat(f), nil
	case Numeric:
		d, err := parseNumeric(s)
		if err != nil {
			return Null, err
		}
		return ApplyTypmod(NewDecimal(d), t)
	case Text, Unknown:
		if err := checkText(s); err != nil {
			return Null, err
		}
		return NewString(s), nil
	case Varchar, Bpchar:
		if err := checkText(s); err != nil {
			return Null, err
		}
		return ApplyTypmod(NewString(s), t)
	case Name:
		if err := checkText(s); err != nil {
			return Null, err
		}
		return NewString(truncateName(s)), nil
	case Char:
		if err := checkText(s); err != nil {
			return Null, err
		}
		return NewString(charIn(s)), nil
	case Bytea:
		return parseBytea(s)
	case Uuid:
		return parseUUID(s)
	case Date, Time, Timestamp, Timestamptz:
		d, err := parseDateTime(s, t, env)
		if err != nil {
			return Null, err
		}
		return ApplyTypmod(d, t)
	case Interval:
		iv, err := parseInterval(s)
		if err != nil {
			return Null, err
		}
		return NewInterval(iv), nil
	case Json:
		if err := validateJSON(s); err != nil {
			return Null, err
		}
		return NewJSON(s), nil
	case Jsonb:
		n, err := normalizeJSONB(s)
		if err != nil {
			return Null, err
		}
		return NewJSON(n), nil
	case Array:
		return parseArray(s, t, env)
	case Int2Vector, OidVector:
		return parseVector(s, t)
	case Record:
		return Null, sqlerr.New(sqlerr.FeatureNotSupported, "input of anonymous composite types is not implemented")
	case Void:
		return Null, nil
	}
	return Null, sqlerr.NotSupported("input of type %s", t)
}

// extraFloatDigits returns env's extra_float_digits (1 for a nil env).
func extraFloatDigits(env *Env) int {
	if env == nil {
		return 1
	}
	return env.ExtraFloatDigits
}

// kindType returns the type a datum of d's kind prints as when no better
// type is known (record fields, mismatched datums).
func kindType(d Datum) Type {
	switch d.k {
	case KBool:
		return TBool
	case KInt:
		return TInt8
	case KFloat:
		return TFloat8
	case KDecimal:
		return TNumeric
	case KString:
		return TText
	case KBytes:
		return TBytea
	case KDate:
		return TDate
	case KTime:
		return TTime
	case KTimestamp:
		return TTimestamp
	case KTimestamptz:
		return TTimestamptz
	case KInterval:
		return TInterval
	case KJSON:
		return TJsonb
	case KArray:
		for _, e := range d.Array() {
			if e.k != KNull && e.k != KArray {
				return ArrayOf(kindType(e).ID)
			}
		}
		return ArrayOf(Text)
	}
	return TUnknown
}

// isSpace reports whether c is C isspace() in the C locale.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// trimSpace trims C whitespace from both ends of s.
func trimSpace(s string) string {
	i, j := 0, len(s)
	for i < j && isSpace(s[i]) {
		i++
	}
	for j > i && isSpace(s[j-1]) {
		j--
	}
	return s[i:j]
}

// checkText rejects what PostgreSQL never stores in a text value: NUL
// bytes and invalid UTF-8.
func checkText(s string) error {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c == 0 {
				return errBadEncoding(s[i : i+1])
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			n := 1
			switch {
			case c >= 0xC0 && c < 0xE0:
				n = 2
			case c >= 0xE0 && c < 0xF0:
				n = 3
			case c >= 0xF0 && c < 0xF8:
				n = 4
			}
			n = min(n, len(s)-i)
			return errBadEncoding(s[i : i+n])
		}
		i += size
	}
	return nil
}

// parseBool is boolin: true/false, yes/no, on/off, 1/0 and their unique
// prefixes, case-insensitive, surrounding whitespace ignored.
func parseBool(s string) (Datum, error) {
	v := trimSpace(s)
	if len(v) > 0 && len(v) <= 5 {
		var buf [5]byte
		for i := 0; i < len(v); i++ {
			c := v[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf[i] = c
		}
		l := buf[:len(v)]
		switch l[0] {
		case 't':
			if strings.HasPrefix("true", string(l)) {
				return NewBool(true), nil
			}
		case 'f':
			if strings.HasPrefix("false", string(l)) {
				return NewBool(false), nil
			}
		case 'y':
			if strings.HasPrefix("yes", string(l)) {
				return NewBool(true), nil
			}
		case 'n':
			if strings.HasPrefix("no", string(l)) {
				return NewBool(false), nil
			}
		case 'o':
			if len(l) >= 2 && strings.HasPrefix("on", string(l)) {
				return NewBool(true), nil
			}
			if len(l) >= 2 && strings.HasPrefix("off", string(l)) {
				return NewBool(false), nil
			}
		case '1':
			if len(l) == 1 {
				return NewBool(true), nil
			}
		case '0':
			if len(l) == 1 {
				return NewBool(false), nil
			}
		}
	}
	return Null, sqlerr.New(sqlerr.InvalidTextRepresentation, "invalid input syntax for type boolean: %s", quoteMsg(s))
}

// parseInt is int2in/int4in/int8in: optional whitespace, sign, decimal
// digits, optional whitespace.
func parseInt(s string, t Type) (int64, error) {
	var lo, hi int64
	switch t.ID {
	case Int2:
		lo, hi = -1<<15, 1<<15-1
	case Int4:
		lo, hi = -1<<31, 1<<31-1
	default:
		lo, hi = -1<<63, 1<<63-1
	}
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		neg = s[i] == '-'
		i++
	}
	start := i
	// Accumulate negatively so that the minimum value fits.
	var v int64
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		dg := int64(s[i] - '0')
		if v < (lo+dg)/10 {
			return 0, errValueOutOfRange(t, s)
		}
		v = v*10 - dg
	}
	if i == start {
		return 0, errSyntax(t, s)
	}
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	if i != len(s) {
		return 0, errSyntax(t, s)
	}
	if !neg {
		if v < -hi {
			return 0, errValueOutOfRange(t, s)
		}
		v = -v
	}
	return v, nil
}

// parseOid is oidin (and the numeric form of regclassin etc.): an unsigned
// 32-bit value; negative inputs down to -2^31 wrap as in PostgreSQL.
func parseOid(s string, t Type) (Datum, error) {
	if t.ID != Oid && trimSpace(s) == "-" {
		return NewInt(0), nil
	}
	v, err := parseInt(s, TInt8)
	if err != nil {
		if sqlerr.Code(err) == sqlerr.NumericValueOutOfRange {
			return Null, errValueOutOfRange(TOid, s)
		}
		if t.ID != Oid {
			return Null, sqlerr.New(sqlerr.FeatureNotSupported, "cannot look up %s %s without the catalog", inputTypeName(t), quoteMsg(s))
		}
		return Null, errSyntax(t, s)
	}
	if v > 1<<32-1 || v < -1<<31 {
		return Null, errValueOutOfRange(TOid, s)
	}
	return NewInt(int64(uint32(v))), nil
}

// parseVector is int2vectorin and oidvectorin: numbers separated by
// spaces.
func parseVector(s string, t Type) (Datum, error) {
	et := t.ElemType()
	fields := strings.Fields(s)
	elems := make([]Datum, len(fields))
	for i, f := range fields {
		var err error
		if et.ID == Oid {
			elems[i], err = parseOid(f, et)
		} else {
			var v int64
			v, err = parseInt(f, et)
			elems[i] = NewInt(v)
		}
		if err != nil {
			return Null, err
		}
	}
	return NewArray(elems), nil
}

// appendRegName is the output function of the reg* types: the object's
// name (with its argument types for regprocedure and regoperator), or its
// OID as a number when the object does not exist (0 prints as "-", as a
// regoperator "0", as in PostgreSQL).
func appendRegName(b []byte, d Datum, t Type, env *Env) []byte {
	oid := uint32(d.i)
	if oid == 0 {
		if t.ID == Regoperator {
			return append(b, '0')
		}
		return append(b, '-')
	}
	if n := env.names(); n != nil {
		if name, ok := n.OIDName(t.ID, oid); ok {
			return append(b, name...)
		}
	}
	return strconv.AppendUint(b, uint64(oid), 10)
}

// parseReg is the input function of the reg* types: a numeric OID, "-"
// for 0, or a name resolved through env.Names.
func parseReg(s string, t Type, env *Env) (Datum, error) {
	str := trimSpace(s)
	if str == "-" {
		return NewInt(0), nil
	}
	if str != "" && (str[0] >= '0' && str[0] <= '9') {
		return parseOid(s, t)
	}
	if t.ID == Regtype {
		if rt, ok := typeByInputName(str); ok {
			return NewInt(int64(rt.OID())), nil
		}
	}
	if n := env.names(); n != nil {
		oid, err := n.OIDOf(t.ID, str)
		if err != nil {
			return Null, err
		}
		return NewInt(int64(oid)), nil
	}
	return parseOid(s, t)
}

// typeByInputName reads a type name as regtypein does for the built-in
// types: "integer", "pg_catalog.int4", "character varying(10)",
// "text[]", "timestamp with time zone". Typmods are ignored.
func typeByInputName(s string) (Type, bool) {
	n := strings.ToLower(strings.TrimSpace(s))
	arr := false
	if strings.HasSuffix(n, "[]") {
		arr, n = true, strings.TrimSpace(strings.TrimSuffix(n, "[]"))
	}
	if i := strings.IndexByte(n, '('); i >= 0 {
		j := strings.IndexByte(n, ')')
		if j < i {
			return Type{}, false
		}
		n = strings.TrimSpace(n[:i] + n[j+1:])
	}
	n = strings.Join(strings.Fields(n), " ")
	if n == `"char"` || n == `pg_catalog."char"` {
		n = "char"
	} else if n == "char" || n == "character" {
		n = "bpchar"
	}
	t, ok := ByName(n)
	if !ok || t.ID == Unknown && n != "unknown" {
		return Type{}, false
	}
	if arr {
		if t.ID == Array {
			return Type{}, false
		}
		return ArrayOf(t.ID), true
	}
	return t, true
}

// truncateName cuts s to NAMEDATALEN-1 (63) bytes at a character boundary.
func truncateName(s string) string {
	const maxName = 63
	if len(s) <= maxName {
		return s
	}
	n := maxName
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// charIn is charin: the first byte of s, or the byte written as \ooo.
func charIn(s string) string {
	if len(s) == 4 && s[0] == '\\' && isOctal(s[1]) && isOctal(s[2]) && isOctal(s[3]) {
		v := (s[1]-'0')<<6 | (s[2]-'0')<<3 | (s[3] - '0')
		if v == 0 {
			return ""
		}
		return string([]byte{v})
	}
	if len(s) == 0 {
		return ""
	}
	return s[:1]
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

// appendCharOut is charout: high-bit bytes print as \ooo.
func appendCharOut(b []byte, s string) []byte {
	if len(s) == 0 {
		return b
	}
	c := s[0]
	if c&0x80 != 0 {
		return append(b, '\\', '0'+c>>6, '0'+(c>>3)&7, '0'+c&7)
	}
	return append(b, c)
}

const hexDigits = "0123456789abcdef"

// appendByteaHex is byteaout with bytea_output = hex.
func appendByteaHex(b []byte, s string) []byte {
	b = append(b, '\\', 'x')
	for i := 0; i < len(s); i++ {
		b = append(b, hexDigits[s[i]>>4], hexDigits[s[i]&15])
	}
	return b
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// parseBytea is byteain: the hex format (\x...) or the escape format.
func parseBytea(s string) (Datum, error) {
	if len(s) >= 2 && s[0] == '\\' && s[1] == 'x' {
		out := make([]byte, 0, (len(s)-2)/2)
		for i := 2; i < len(s); {
			c := s[i]
			if c == ' ' || c == '\n' || c == '\t' || c == '\r' {
				i++
				continue
			}
			hi, ok := unhex(c)
			if !ok {
				return Null, errBadHexDigit(s[i:])
			}
			i++
			if i >= len(s) {
				return Null, sqlerr.New(sqlerr.InvalidParameterValue, "invalid hexadecimal data: odd number of digits")
			}
			lo, ok := unhex(s[i])
			if !ok {
				return Null, errBadHexDigit(s[i:])
			}
			i++
			out = append(out, hi<<4|lo)
		}
		return NewBytes(out), nil
	}
	if strings.IndexByte(s, '\\') < 0 {
		return NewBytesString(s), nil
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' {
			out = append(out, c)
			i++
			continue
		}
		switch {
		case i+1 < len(s) && s[i+1] == '\\':
			out = append(out, '\\')
			i += 2
		case i+3 < len(s) && s[i+1] >= '0' && s[i+1] <= '3' && isOctal(s[i+2]) && isOctal(s[i+3]):
			out = append(out, (s[i+1]-'0')<<6|(s[i+2]-'0')<<3|(s[i+3]-'0'))
			i += 4
		default:
			return Null, sqlerr.New(sqlerr.InvalidTextRepresentation, "invalid input syntax for type bytea")
		}
	}
	return NewBytes(out), nil
}

func errBadHexDigit(rest string) *sqlerr.Error {
	_, n := utf8.DecodeRuneInString(rest)
	return sqlerr.New(sqlerr.InvalidParameterValue, "invalid hexadecimal digit: %s", quoteMsg(rest[:n]))
}

// appendUUID prints 16 raw bytes as 8-4-4-4-12 lowercase hex.
func appendUUID(b []byte, s string) []byte {
	if len(s) != 16 {
		return appendByteaHex(b, s)
	}
	for i := 0; i < 16; i++ {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, hexDigits[s[i]>>4], hexDigits[s[i]&15])
	}
	return b
}

// parseUUID is uuid_in: 32 hex digits, optionally in braces, with an
// optional hyphen after any group of four digits.
func parseUUID(s string) (Datum, error) {
	var out [16]byte
	p := 0
	braces := false
	if p < len(s) && s[p] == '{' {
		braces = true
		p++
	}
	for i := 0; i < 16; i++ {
		if p+1 >= len(s) {
			return Null, errSyntax(TUuid, s)
		}
		hi, ok1 := unhex(s[p])
		lo, ok2 := unhex(s[p+1])
		if !ok1 || !ok2 {
			return Null, errSyntax(TUuid, s)
		}
		out[i] = hi<<4 | lo
		p += 2
		if p < len(s) && s[p] == '-' && i%2 == 1 && i < 15 {
			p++
		}
	}
	if braces {
		if p >= len(s) || s[p] != '}' {
			return Null, errSyntax(TUuid, s)
		}
		p++
	}
	if p != len(s) {
		return Null, errSyntax(TUuid, s)
	}
	return NewBytes(out[:]), nil
}
