package types

import (
	"strings"
	"testing"
	"time"

	"github.com/eddy-db/eddy/sql/sqlerr"
)

func TestCastContextOf(t *testing.T) {
	i, a, e := CastImplicit, CastAssignment, CastExplicit
	cases := []struct {
		from, to Type
		ctx      CastContext
		ok       bool
	}{
		// The widening numeric chain is implicit, narrowing is assignment.
		{TInt2, TInt4, i, true}, {TInt4, TInt8, i, true}, {TInt8, TNumeric, i, true},
		{TNumeric, TFloat4, i, true}, {TFloat4, TFloat8, i, true}, {TInt4, TFloat8, i, true},
		{TInt8, TFloat4, i, true}, {TNumeric, TFloat8, i, true},
		{TFloat8, TNumeric, a, true}, {TFloat8, TInt4, a, true}, {TFloat4, TNumeric, a, true},
		{TInt8, TInt4, a, true}, {TInt4, TInt2, a, true}, {TNumeric, TInt8, a, true}, {TFloat8, TFloat4, a, true},
		// Strings.
		{TVarchar, TText, i, true}, {TText, TVarchar, i, true}, {TText, TBpchar, i, true},
		{TBpchar, TText, i, true}, {TName, TText, i, true}, {TText, TName, i, true},
		{TChar, TText, i, true}, {TText, TChar, a, true}, {TName, TVarchar, a, true},
		// Anything to text is an assignment cast; text to others explicit.
		{TInt4, TText, a, true}, {TBool, TText, a, true}, {TTimestamptz, TVarchar, a, true},
		{TJsonb, TText, a, true}, {ArrayOf(Int4), TText, a, true}, {TRecord, TText, a, true},
		{TUuid, TBpchar, a, true}, {TInterval, TName, a, true},
		{TText, TInt4, e, true}, {TVarchar, TDate, e, true}, {TText, TJsonb, e, true},
		{TText, ArrayOf(Int4), e, true}, {TText, TUuid, e, true}, {TBpchar, TNumeric, e, true},
		{TText, TRegclass, i, true},
		// Dates and times.
		{TDate, TTimestamp, i, true}, {TDate, TTimestamptz, i, true}, {TTimestamp, TTimestamptz, i, true},
		{TTimestamptz, TTimestamp, a, true}, {TTimestamp, TDate, a, true}, {TTimestamptz, TDate, a, true},
		{TTimestamptz, TTime, a, true}, {TTime, TInterval, i, true}, {TInterval, TTime, a, true},
		// Unknown literals go anywhere.
		{TUnknown, TInt4, i, true}, {TUnknown, TDate, i, true}, {TUnknown, ArrayOf(Text), i, true},
		// OIDs.
		{TInt4, TOid, i, true}, {TInt8, TOid, i, true}, {TInt2, TRegclass, i, true}, {TInt8, TRegtype, i, true},
		{TOid, TInt8, a, true}, {TOid, TInt4, a, true}, {TOid, TRegclass, i, true}, {TRegclass, TOid, i, true},
		{TRegproc, TInt8, a, true},
		// Others from pg_cast.
		{TBool, TInt4, e, true}, {TInt4, TBool, e, true}, {TInt4, TChar, e, true}, {TChar, TInt4, e, true},
		{TJson, TJsonb, a, true}, {TJsonb, TJson, a, true}, {TJsonb, TInt4, e, true}, {TJsonb, TBool, e, true},
		// Same type: a length coercion.
		{TInt4, TInt4, i, true}, {varcharN(3), varcharN(5), i, true}, {TNumeric, numericPS(5, 2), i, true},
		// Arrays follow their elements.
		{ArrayOf(Int4), ArrayOf(Int8), i, true}, {ArrayOf(Int8), ArrayOf(Int4), a, true},
		{ArrayOf(Int4), ArrayOf(Text), a, true}, {ArrayOf(Text), ArrayOf(Int4), e, true},
		// No cast.
		{TBool, TDate, 0, false}, {TInt4, TDate, 0, false}, {TInt2, TChar, 0, false}, {TInt8, TBool, 0, false},
		{TUuid, TBytea, 0, false}, {TDate, TTime, 0, false}, {TInterval, TInt8, 0, false},
		{TRegclass, TRegtype, 0, false}, {TOid, TInt2, 0, false}, {TJson, TInt4, 0, false},
		{ArrayOf(Bool), ArrayOf(Date), 0, false}, {TInt4, ArrayOf(Int4), 0, false}, {TText, TRecord, 0, false},
		{TInt4, TVoid, 0, false},
	}
	for _, c := range cases {
		ctx, ok := CastContextOf(c.from, c.to)
		if ok != c.ok || ctx != c.ctx {
			t.Errorf("CastContextOf(%s, %s) = %d, %v; want %d, %v", c.from, c.to, ctx, ok, c.ctx, c.ok)
		}
	}
}

// castCase casts the value read from in (as from) to to; the expected
// results were checked on PostgreSQL 15 (SELECT 'in'::from::to).
type castCase struct {
	from Type
	in   string
	to   Type
	want string
	code string
	msg  string
}

func runCastCases(t *testing.T, env *Env, cases []castCase) {
	t.Helper()
	for _, c := range cases {
		d, err := ParseText(c.in, c.from, env)
		if err != nil {
			t.Errorf("ParseText(%q, %s): %v", c.in, c.from, err)
			continue
		}
		r, err := Cast(d, c.from, c.to, env)
		if c.code != "" {
			e := sqlerr.As(errOrNil(err))
			if err == nil || e.Code != c.code || (c.msg != "" && e.Message != c.msg) {
				t.Errorf("Cast(%q::%s AS %s) = %q, %v; want error %s %q", c.in, c.from, c.to, FormatText(r, c.to, env), err, c.code, c.msg)
			}
			continue
		}
		if err != nil {
			t.Errorf("Cast(%q::%s AS %s): %v", c.in, c.from, c.to, err)
			continue
		}
		if got := FormatText(r, c.to, env); got != c.want {
			t.Errorf("Cast(%q::%s AS %s) = %q, want %q", c.in, c.from, c.to, got, c.want)
		}
		if r.k != KNull && r.k != infos[c.to.ID].kind {
			t.Errorf("Cast(%q::%s AS %s) returned kind %d", c.in, c.from, c.to, r.k)
		}
	}
}

func errOrNil(err error) error {
	if err == nil {
		return sqlerr.New("", "")
	}
	return err
}

func TestCastNumbers(t *testing.T) {
	runCastCases(t, nil, []castCase{
		{TFloat8, "2.5", TInt4, "2", "", ""},
		{TFloat8, "3.5", TInt4, "4", "", ""},
		{TFloat8, "-2.5", TInt4, "-2", "", ""},
		{TFloat8, "-0.5", TInt4, "0", "", ""},
		{TNumeric, "2.5", TInt4, "3", "", ""},
		{TNumeric, "-2.5", TInt4, "-3", "", ""},
		{TFloat4, "0.5", TInt2, "0", "", ""},
		{TFloat4, "2.5", TInt4, "2", "", ""},
		{TFloat8, "32766.5", TInt2, "32766", "", ""},
		{TFloat8, "1e10", TInt8, "10000000000", "", ""},
		{TFloat8, "-9.2233720368547758e18", TInt8, "-9223372036854775808", "", ""},
		{TFloat8, "9.2233720368547758e18", TInt8, "", "22003", "bigint out of range"},
		{TFloat8, "32767.5", TInt2, "", "22003", "smallint out of range"},
		{TFloat8, "1e10", TInt4, "", "22003", "integer out of range"},
		{TFloat8, "nan", TInt4, "", "22003", "integer out of range"},
		{TInt4, "40000", TInt2, "", "22003", "smallint out of range"},
		{TInt8, "2147483648", TInt4, "", "22003", "integer out of range"},
		{TInt8, "-2147483648", TInt4, "-2147483648", "", ""},
		{TNumeric, "nan", TInt4, "", "0A000", "cannot convert NaN to integer"},
		{TNumeric, "inf", TInt8, "", "0A000", "cannot convert infinity to bigint"},
		{TNumeric, "-9223372036854775808", TInt8, "-9223372036854775808", "", ""},
		{TNumeric, "9223372036854775807.4", TInt8, "9223372036854775807", "", ""},
		{TNumeric, "9223372036854775807.5", TInt8, "", "22003", "bigint out of range"},
		{TNumeric, "32767.5", TInt2, "", "22003", "smallint out of range"},
		{TFloat8, "0.1", TNumeric, "0.1", "", ""},
		{TFloat8, "0.3333333333333333", TNumeric, "0.333333333333333", "", ""},
		{TFloat4, "0.1", TNumeric, "0.1", "", ""},
		{TFloat8, "1e20", TNumeric, "100000000000000000000", "", ""},
		{TFloat8, "1.5e-10", TNumeric, "0.00000000015", "", ""},
		{TFloat8, "inf", TNumeric, "Infinity", "", ""},
		{TFloat8, "NaN", TNumeric, "NaN", "", ""},
		{TFloat8, "123456789012345678", TNumeric, "123456789012346000", "", ""},
		{TFloat4, "16777217", TNumeric, "16777200", "", ""},
		{TFloat4, "1e-7", TNumeric, "0.0000001", "", ""},
		{TFloat8, "1e39", TFloat4, "", "22003", "value out of range: overflow"},
		{TFloat8, "1e-50", TFloat4, "", "22003", "value out of range: underflow"},
		{TFloat8, "inf", TFloat4, "Infinity", "", ""},
		{TFloat4, "0.1", TFloat8, "0.10000000149011612", "", ""},
		{TNumeric, "12345678901234567890", TFloat4, "1.2345679e+19", "", ""},
		{TNumeric, "1.5", TFloat8, "1.5", "", ""},
		{TNumeric, "-Infinity", TFloat8, "-Infinity", "", ""},
		{TNumeric, "1e400", TFloat8, "", "22003", ""},
		{TInt8, "9223372036854775807", TFloat8, "9.223372036854776e+18", "", ""},
		{TInt4, "16777217", TFloat4, "1.6777216e+07", "", ""},
		{TInt2, "-32768", TNumeric, "-32768", "", ""},
		{TInt4, "7", numericPS(5, 2), "7.00", "", ""},
		{TFloat8, "1234.5", numericPS(5, 2), "", "22003", "numeric field overflow"},
		{TNumeric, "1.005", numericPS(5, 2), "1.01", "", ""},
		{TNumeric, "1e300", TFloat8, "1e+300", "", ""},
	})
	// float8 1e300 -> numeric prints all 301 digits.
	d, err := Cast(NewFloat(1e300), TFloat8, TNumeric, nil)
	if err != nil || FormatText(d, TNumeric, nil) != "1"+strings.Repeat("0", 300) {
		t.Errorf("1e300::numeric = %q, %v", FormatText(d, TNumeric, nil), err)
	}
}

func TestCastStringsAndOthers(t *testing.T) {
	runCastCases(t, nil, []castCase{
		{TBool, "true", TText, "true", "", ""},
		{TBool, "false", TVarchar, "false", "", ""},
		{TBool, "true", bpcharN(3), "tru", "", ""},
		{TInt4, "1", TBool, "t", "", ""},
		{TInt4, "0", TBool, "f", "", ""},
		{TInt4, "5", TBool, "t", "", ""},
		{TBool, "true", TInt4, "1", "", ""},
		{TText, "abc", varcharN(2), "ab", "", ""},
		{TUnknown, "abc", varcharN(2), "ab", "", ""},
		{TText, "abcdef", bpcharN(3), "abc", "", ""},
		{bpcharN(3), "a", TVarchar, "a", "", ""},
		{bpcharN(4), "ab", TText, "ab", "", ""},
		{TName, "abc", bpcharN(5), "abc  ", "", ""},
		{bpcharN(3), "ab ", TName, "ab", "", ""},
		{bpcharN(3), "x", varcharN(5), "x", "", ""},
		{bpcharN(5), "abc", varcharN(2), "ab", "", ""},
		{varcharN(3), "abc", varcharN(2), "ab", "", ""},
		{TName, "abcdef", varcharN(3), "abc", "", ""},
		{TText, strings.Repeat("é", 40), TName, strings.Repeat("é", 31), "", ""},
		{TChar, "a", TInt4, "97", "", ""},
		{TInt4, "127", TChar, "\x7f", "", ""},
		{TInt4, "-56", TChar, `\310`, "", ""},
		{TInt4, "65", TChar, "A", "", ""},
		{TInt4, "0", TChar, "", "", ""},
		{TChar, "", TInt4, "0", "", ""},
		{TChar, `\310`, TInt4, "-56", "", ""},
		{TText, "é", TChar, `\303`, "", ""},
		{TChar, `\303`, TText, `\303`, "", ""},
		{TText, `\101`, TChar, "A", "", ""},
		{TInt4, "300", TChar, "", "22003", `"char" out of range`},
		{TInt2, "12", TChar, "", "42846", `cannot cast type smallint to "char"`},
		{TInt8, "1", TBool, "", "42846", "cannot cast type bigint to boolean"},
		{TBool, "true", TDate, "", "42846", "cannot cast type boolean to date"},
		{TInt4, "1", TDate, "", "42846", "cannot cast type integer to date"},
		{ArrayOf(Int4), "{1}", TInt4, "", "42846", "cannot cast type integer[] to integer"},
		{TBytea, `\xff`, TText, `\xff`, "", ""},
		{TText, "abc", TBytea, `\x616263`, "", ""},
		{TInterval, "1 day", TText, "1 day", "", ""},
		{TInterval, "1 day", varcharN(3), "1 d", "", ""},
		{TNumeric, "1.50", TText, "1.50", "", ""},
		{TInt4, "12345", bpcharN(3), "123", "", ""},
		{TFloat4, "1.5", TText, "1.5", "", ""},
		{TUuid, "00000000-0000-0000-0000-000000000001", TText, "00000000-0000-0000-0000-000000000001", "", ""},
		{ArrayOf(Int4), "{1,2}", TText, "{1,2}", "", ""},
		{TText, "{1,2}", ArrayOf(Int4), "{1,2}", "", ""},
		{ArrayOf(Int4), "{1}", ArrayOf(Varchar), "{1}", "", ""},
		{ArrayOf(Numeric), "{1.7,2.5,NULL}", ArrayOf(Int4), "{2,3,NULL}", "", ""},
		{ArrayOf(Text), "{abc,de}", Type{ID: Array, Elem: Varchar, Mod: 6}, "{ab,de}", "", ""},
		{ArrayOf(Text), "{1,x}", ArrayOf(Int4), "", "22P02", `invalid input syntax for type integer: "x"`},
		{TText, "123", TInt4, "123", "", ""},
		{TVarchar, " 1.5 ", numericPS(3, 1), "1.5", "", ""},
		{TText, "abc", TInt4, "", "22P02", `invalid input syntax for type integer: "abc"`},
		{TText, "x", TJson, "", "22P02", "invalid input syntax for type json"},
		{TText, "1 day", TInterval, "1 day", "", ""},
		{TUnknown, "2026-11-22", TDate, "2026-11-22", "", ""},
		{TJson, `{"a":1}`, TText, `{"a":1}`, "", ""},
		{TJsonb, `{"b":1, "a":2}`, TText, `{"a": 2, "b": 1}`, "", ""},
		{TJson, `{"b":1, "a":2}`, TJsonb, `{"a": 2, "b": 1}`, "", ""},
		{TJsonb, `{"b":1,"a":2}`, TJson, `{"a": 2, "b": 1}`, "", ""},
		{TJsonb, "1.5", TNumeric, "1.5", "", ""},
		{TJsonb, "1.5", TInt4, "2", "", ""},
		{TJsonb, "true", TBool, "t", "", ""},
		{TJsonb, "2.5", TFloat8, "2.5", "", ""},
		{TJsonb, `"x"`, TInt4, "", "22023", "cannot cast jsonb string to type integer"},
		{TJsonb, "true", TInt4, "", "22023", "cannot cast jsonb boolean to type integer"},
		{TJsonb, "1", TBool, "", "22023", "cannot cast jsonb numeric to type boolean"},
		{TJsonb, "null", TInt4, "", "22023", "cannot cast jsonb null to type integer"},
		{TJsonb, "{}", TNumeric, "", "22023", "cannot cast jsonb object to type numeric"},
		{TJsonb, "[1]", TFloat8, "", "22023", "cannot cast jsonb array to type double precision"},
		{TInt4, "-1", TOid, "4294967295", "", ""},
		{TInt8, "4294967295", TOid, "4294967295", "", ""},
		{TOid, "4294967295", TInt4, "-1", "", ""},
		{TOid, "4294967295", TInt8, "4294967295", "", ""},
		{TInt8, "-1", TOid, "", "22003", "OID out of range"},
		{TInt4, "1", TRegclass, "1", "", ""},
		{TRegclass, "2205", TInt4, "2205", "", ""},
		{TOid, "26", TRegtype, "oid", "", ""},
	})
	rec := NewArray([]Datum{NewInt(1), NewString("a b"), Null, NewString("")})
	if r, err := Cast(rec, TRecord, TText, nil); err != nil || r.Str() != `(1,"a b",,"")` {
		t.Errorf("record::text = %q, %v", r.Str(), err)
	}
	if r, err := Cast(Null, TInt4, TText, nil); err != nil || !r.IsNull() {
		t.Errorf("NULL::text = %v, %v", r, err)
	}
	if _, err := Cast(Null, TBool, TDate, nil); sqlerr.Code(err) != sqlerr.CannotCoerce {
		t.Errorf("NULL::bool::date error = %v", err)
	}
}

func TestCastDateTime(t *testing.T) {
	runCastCases(t, nil, []castCase{
		{TDate, "2026-11-22", TTimestamp, "2026-11-22 00:00:00", "", ""},
		{TTimestamp, "2026-11-22 10:00", TDate, "2026-11-22", "", ""},
		{TTimestamp, "-infinity", TDate, "-infinity", "", ""},
		{TDate, "infinity", TTimestamptz, "infinity", "", ""},
		{TTimestamp, "1969-12-31 23:00", TDate, "1969-12-31", "", ""},
		{TDate, "5874897-12-31", TTimestamp, "", "22008", "date out of range for timestamp"},
		{TInterval, "1 day 25:00:00", TTime, "01:00:00", "", ""},
		{TInterval, "-1 hour", TTime, "23:00:00", "", ""},
		{TTime, "10:00", TInterval, "10:00:00", "", ""},
		{TTimestamp, "infinity", TTime, "", "", ""},
		{TTimestamp, "2026-11-22 10:30:00.123456", Type{ID: Timestamp, Mod: 2}, "2026-11-22 10:30:00.12", "", ""},
		{TTimestamp, "2026-11-22 10:30:00.125", Type{ID: Timestamp, Mod: 2}, "2026-11-22 10:30:00.13", "", ""},
		{TTime, "10:30:00.5", Type{ID: Time, Mod: 1}, "10:30:00.5", "", ""},
		{TTimestamptz, "2026-11-22 10:30:00.99+00", Type{ID: Timestamptz, Mod: 1}, "2026-11-22 10:30:01+00", "", ""},
		// timestamp(p) rounds half away from 2000-01-01.
		{TTimestamp, "1969-12-31 23:59:59.95", Type{ID: Timestamp, Mod: 1}, "1969-12-31 23:59:59.9", "", ""},
		{TTimestamp, "1999-12-31 23:59:59.95", Type{ID: Timestamp, Mod: 1}, "1999-12-31 23:59:59.9", "", ""},
		{TTimestamp, "2000-01-01 00:00:00.05", Type{ID: Timestamp, Mod: 1}, "2000-01-01 00:00:00.1", "", ""},
		{TTimestamptz, "1999-12-31 23:59:59.95+00", Type{ID: Timestamptz, Mod: 1}, "1999-12-31 23:59:59.9+00", "", ""},
	})
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip(err)
	}
	// SET timezone = 'America/New_York' on PostgreSQL 15.
	runCastCases(t, &Env{Loc: ny, ExtraFloatDigits: 1}, []castCase{
		{TTimestamp, "2026-03-08 02:30", TTimestamptz, "2026-03-08 03:30:00-04", "", ""},
		{TTimestamptz, "2026-11-22 10:00+00", TTimestamp, "2026-11-22 05:00:00", "", ""},
		{TTimestamptz, "2026-11-22 03:00+00", TDate, "2026-11-21", "", ""},
		{TDate, "2026-11-22", TTimestamptz, "2026-11-22 00:00:00-05", "", ""},
		{TTimestamptz, "2026-11-22 03:00+00", TTime, "22:00:00", "", ""},
		{TTimestamptz, "2026-11-22 03:00+00", TText, "2026-11-21 22:00:00-05", "", ""},
		{TText, "2026-11-22 03:00", TTimestamptz, "2026-11-22 03:00:00-05", "", ""},
	})
}

func TestApplyTypmod(t *testing.T) {
	cases := []struct {
		typ  Type
		d    Datum
		want string
		code string
	}{
		{varcharN(3), NewString("abc "), "abc", ""},
		{varcharN(3), NewString("abcd"), "", "22001"},
		{varcharN(3), NewString("ab"), "ab", ""},
		{bpcharN(3), NewString("a"), "a  ", ""},
		{bpcharN(2), NewString("abc"), "", "22001"},
		{numericPS(5, 2), mustParse(t, "123.456", TNumeric), "123.46", ""},
		{numericPS(5, 2), mustParse(t, "1234.5", TNumeric), "", "22003"},
		{Type{ID: Timestamp, Mod: 3}, NewTimestamp(1234567), "1970-01-01 00:00:01.235", ""},
		{Type{ID: Timestamp, Mod: 3}, NewTimestamp(pgEpochMicros + 1234567), "2000-01-01 00:00:01.235", ""},
		{Type{ID: Timestamp, Mod: 3}, NewTimestamp(InfinityMicros), "infinity", ""},
		{Type{ID: Time, Mod: 6}, NewTime(1), "00:00:00.000001", ""},
		{Type{ID: Array, Elem: Varchar, Mod: 6}, NewArray([]Datum{NewString("ab"), Null, NewString("abc")}), "", "22001"},
		{Type{ID: Array, Elem: Bpchar, Mod: 6}, NewArray([]Datum{NewString("a"), Null}), `{"a ",NULL}`, ""},
		{TVarchar, NewString("anything"), "anything", ""},
		{TInt4, NewInt(5), "5", ""},
		{varcharN(3), Null, "", ""},
	}
	for _, c := range cases {
		r, err := ApplyTypmod(c.d, c.typ)
		if c.code != "" {
			if sqlerr.Code(err) != c.code {
				t.Errorf("ApplyTypmod(%s): %v, want %s", c.typ, err, c.code)
			}
			continue
		}
		if err != nil {
			t.Errorf("ApplyTypmod(%s): %v", c.typ, err)
			continue
		}
		if got := FormatText(r, c.typ, nil); got != c.want {
			t.Errorf("ApplyTypmod(%s) = %q, want %q", c.typ, got, c.want)
		}
	}
	_, err := ApplyTypmod(NewString("abcd"), varcharN(3))
	if e := sqlerr.As(err); e.Message != "value too long for type character varying(3)" {
		t.Errorf("message %q", e.Message)
	}
}

// castSamples are values of the types the binary-coercible and I/O casts
// start from.
var castSamples = map[ID][]Datum{
	Text: {NewString(""), NewString("a b  ")}, Varchar: {NewString("x ")}, Bpchar: {NewString("ab  ")},
	Int4: {NewInt(-1), NewInt(7), NewInt(-2147483648)}, Oid: {NewInt(4294967295), NewInt(16384)},
	Regclass: {NewInt(1259)}, Regtype: {NewInt(23)}, Regproc: {NewInt(12001)}, Regnamespace: {NewInt(11)},
	Regrole: {NewInt(10)}, Regprocedure: {NewInt(12001)}, Regoperator: {NewInt(10001)},
	Json: {NewJSON(`{"b": 1,  "a":[1, 2]}`)}, Jsonb: {NewJSON(`{"a": [1, 2], "b": 1}`)},
}

// TestCasts checks what pg_cast lists against what Cast does: every
// listed cast has CastContextOf's context, a binary-coercible cast keeps
// the value (the same string, the same 32 bits), an I/O cast reads the
// text form, and CastPath agrees.
func TestCasts(t *testing.T) {
	seen := map[[2]Type]bool{}
	var prev CastInfo
	for i, c := range Casts() {
		k := [2]Type{c.From, c.To}
		if seen[k] {
			t.Errorf("%s -> %s listed twice", c.From, c.To)
		}
		seen[k] = true
		if i > 0 && (prev.From.OID() > c.From.OID() || prev.From.OID() == c.From.OID() && prev.To.OID() >= c.To.OID()) {
			t.Errorf("%s -> %s after %s -> %s: not ordered by OIDs", c.From, c.To, prev.From, prev.To)
		}
		prev = c
		if ctx, ok := CastContextOf(c.From, c.To); !ok || ctx != c.Context {
			t.Errorf("%s -> %s: listed with context %d, CastContextOf gives %d, %v", c.From, c.To, c.Context, ctx, ok)
		}
		if c.From == c.To {
			if !HasTypmod(c.From.ID) || c.Method != CastFunction {
				t.Errorf("%s -> %s: a length coercion of a type without one, or method %c", c.From, c.To, c.Method)
			}
			continue
		}
		if m, ok := CastPath(c.From, c.To); !ok || m != c.Method {
			t.Errorf("%s -> %s: method %c, CastPath gives %c, %v", c.From, c.To, c.Method, m, ok)
		}
		if c.Method == CastFunction {
			continue
		}
		samples := castSamples[c.From.ID]
		if len(samples) == 0 {
			t.Errorf("%s -> %s (method %c): no samples of %s", c.From, c.To, c.Method, c.From)
		}
		for _, d := range samples {
			got, err := Cast(d, c.From, c.To, nil)
			if err != nil {
				t.Errorf("%s -> %s of %v: %v", c.From, c.To, d, err)
				continue
			}
			switch c.Method {
			case CastBinary:
				same := got.Kind() == d.Kind()
				if d.Kind() == KInt {
					same = same && uint32(got.Int()) == uint32(d.Int())
				} else {
					same = same && got.Str() == d.Str()
				}
				if !same {
					t.Errorf("%s -> %s of %v gives %v: binary-coercible casts keep the value", c.From, c.To, d, got)
				}
			case CastInOut:
				want, err := ParseText(FormatText(d, c.From, nil), c.To, nil)
				if err != nil || Compare(got, want) != 0 {
					t.Errorf("%s -> %s of %v gives %v, its text read as %s gives %v, %v", c.From, c.To, d, got, c.To, want, err)
				}
			}
		}
	}
	// Casts CastContextOf allows by its rules are not listed.
	for _, k := range [][2]Type{{TInt4, TText}, {TText, TInt4}, {ArrayOf(Int4), ArrayOf(Int8)}, {TInt2Vector, ArrayOf(Int2)}} {
		if seen[k] {
			t.Errorf("%s -> %s is listed", k[0], k[1])
		}
	}
	for _, c := range []struct {
		from, to Type
		m        CastMethod
	}{
		{TInt4, TText, CastInOut}, {TText, TDate, CastInOut}, {TUnknown, TInt4, CastInOut},
		{varcharN(3), TVarchar, CastBinary}, {TInt2Vector, ArrayOf(Int2), CastBinary},
		{ArrayOf(Int4), ArrayOf(Int8), CastFunction}, {TInt4, TInt8, CastFunction}, {TText, TRegclass, CastFunction},
	} {
		if m, ok := CastPath(c.from, c.to); !ok || m != c.m {
			t.Errorf("CastPath(%s, %s) = %c, %v; want %c", c.from, c.to, m, ok, c.m)
		}
	}
	if _, ok := CastPath(TBool, TDate); ok {
		t.Errorf("CastPath(boolean, date) found a cast")
	}
}

// TestLengthCoerce applies modifiers as PostgreSQL's length-coercion
// functions do, precision 0 of the time types included.
func TestLengthCoerce(t *testing.T) {
	ts, _ := ParseText("2020-01-01 00:00:00.6", TTimestamp, nil)
	cases := []struct {
		d        Datum
		id       ID
		typmod   int32
		explicit bool
		want     string
		code     string
	}{
		{NewString("abcdef"), Varchar, 3 + 4, true, "abc", ""},
		{NewString("abcdef"), Varchar, 3 + 4, false, "", sqlerr.StringDataRightTruncation},
		{NewString("ab"), Bpchar, 4 + 4, false, "ab  ", ""},
		{NewString("abcdef"), Varchar, -1, false, "abcdef", ""},
		{ts, Timestamp, 0, false, "2020-01-01 00:00:01", ""},
		{ts, Timestamp, 1, false, "2020-01-01 00:00:00.6", ""},
		{ts, Timestamp, -1, false, "2020-01-01 00:00:00.6", ""},
	}
	for _, c := range cases {
		got, err := LengthCoerce(c.d, c.id, c.typmod, c.explicit)
		if c.code != "" {
			if sqlerr.Code(err) != c.code {
				t.Errorf("LengthCoerce(%v, %s, %d): error %v, want %s", c.d, Type{ID: c.id}, c.typmod, err, c.code)
			}
			continue
		}
		if err != nil || FormatText(got, Type{ID: c.id}, nil) != c.want {
			t.Errorf("LengthCoerce(%v, %s, %d) = %v, %v; want %s", c.d, Type{ID: c.id}, c.typmod, got, err, c.want)
		}
	}
}
