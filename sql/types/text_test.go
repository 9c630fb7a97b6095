package types

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/eddy-db/eddy/sql/sqlerr"
)

// parseCase is one ParseText input with either its PostgreSQL 15 text
// output or the expected error. Unless noted, the outputs were checked
// against a PostgreSQL 15 server (SELECT 'in'::type).
type parseCase struct {
	typ  Type
	in   string
	want string // FormatText of the result
	code string // SQLSTATE when an error is expected
	msg  string // error message (checked when set)
}

func varcharN(n int32) Type { return Type{ID: Varchar, Mod: n + 4} }
func bpcharN(n int32) Type  { return Type{ID: Bpchar, Mod: n + 4} }
func numericPS(p, s int32) Type {
	return Type{ID: Numeric, Mod: (p<<16 | s) + 4}
}

func runParseCases(t *testing.T, env *Env, cases []parseCase) {
	t.Helper()
	for _, c := range cases {
		d, err := ParseText(c.in, c.typ, env)
		if c.code != "" {
			if err == nil {
				t.Errorf("ParseText(%q, %s) = %q, want error %s", c.in, c.typ, FormatText(d, c.typ, env), c.code)
				continue
			}
			var e *sqlerr.Error
			if !errors.As(err, &e) {
				t.Errorf("ParseText(%q, %s): error %v is not a *sqlerr.Error", c.in, c.typ, err)
				continue
			}
			if e.Code != c.code || (c.msg != "" && e.Message != c.msg) {
				t.Errorf("ParseText(%q, %s) error = %s %q, want %s %q", c.in, c.typ, e.Code, e.Message, c.code, c.msg)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseText(%q, %s): unexpected error %v", c.in, c.typ, err)
			continue
		}
		if got := FormatText(d, c.typ, env); got != c.want {
			t.Errorf("ParseText(%q, %s) prints %q, want %q", c.in, c.typ, got, c.want)
		}
	}
}

func TestParseTextBoolIntOid(t *testing.T) {
	runParseCases(t, nil, []parseCase{
		{TBool, " TRUE ", "t", "", ""},
		{TBool, "y", "t", "", ""},
		{TBool, "on", "t", "", ""},
		{TBool, "of", "f", "", ""},
		{TBool, "1", "t", "", ""},
		{TBool, "fa", "f", "", ""},
		{TBool, "No", "f", "", ""},
		{TBool, "off", "f", "", ""},
		{TBool, "yes", "t", "", ""},
		{TBool, "0", "f", "", ""},
		{TBool, "o", "", "22P02", `invalid input syntax for type boolean: "o"`},
		{TBool, "tr ue", "", "22P02", `invalid input syntax for type boolean: "tr ue"`},
		{TBool, "truex", "", "22P02", ""},
		{TBool, "", "", "22P02", `invalid input syntax for type boolean: ""`},

		{TInt4, " 12 ", "12", "", ""},
		{TInt2, "-32768", "-32768", "", ""},
		{TInt8, "+5", "5", "", ""},
		{TInt8, "-9223372036854775808", "-9223372036854775808", "", ""},
		{TInt8, "9223372036854775807", "9223372036854775807", "", ""},
		{TInt4, "-2147483648", "-2147483648", "", ""},
		{TInt4, "007", "7", "", ""},
		{TInt2, "32768", "", "22003", `value "32768" is out of range for type smallint`},
		{TInt4, "2147483648", "", "22003", `value "2147483648" is out of range for type integer`},
		{TInt8, "9223372036854775808", "", "22003", `value "9223372036854775808" is out of range for type bigint`},
		{TInt8, "-9223372036854775809", "", "22003", ""},
		{TInt4, "99999999999999999999999", "", "22003", `value "99999999999999999999999" is out of range for type integer`},
		{TInt4, "12a", "", "22P02", `invalid input syntax for type integer: "12a"`},
		{TInt4, "", "", "22P02", `invalid input syntax for type integer: ""`},
		{TInt4, "1.5", "", "22P02", `invalid input syntax for type integer: "1.5"`},
		{TInt4, "1_000", "", "22P02", `invalid input syntax for type integer: "1_000"`},
		{TInt4, "-", "", "22P02", ""},
		{TInt4, "1 2", "", "22P02", ""},
		{TInt2, "x", "", "22P02", `invalid input syntax for type smallint: "x"`},
		{TInt8, "x", "", "22P02", `invalid input syntax for type bigint: "x"`},

		{TOid, "-1", "4294967295", "", ""},
		{TOid, "4294967295", "4294967295", "", ""},
		{TOid, " 12 ", "12", "", ""},
		{TOid, "4294967296", "", "22003", `value "4294967296" is out of range for type oid`},
		{TOid, "-4294967296", "", "22003", `value "-4294967296" is out of range for type oid`},
		{TOid, "x", "", "22P02", `invalid input syntax for type oid: "x"`},
		{TRegclass, "1259", "1259", "", ""},
		{TRegclass, "-", "-", "", ""},
		{TRegtype, "integer", "integer", "", ""},
		{TRegtype, "character varying(10)", "character varying", "", ""},
		{TRegtype, "pg_catalog.int4[]", "integer[]", "", ""},
		{TRegclass, "pg_class", "", "0A000", ""},
	})
}

func TestParseTextFloat(t *testing.T) {
	runParseCases(t, nil, []parseCase{
		{TFloat8, "1e20", "1e+20", "", ""},
		{TFloat8, "1.5e-7", "1.5e-07", "", ""},
		{TFloat8, "inf", "Infinity", "", ""},
		{TFloat8, "-inf", "-Infinity", "", ""},
		{TFloat8, "nan", "NaN", "", ""},
		{TFloat8, "NaN", "NaN", "", ""},
		{TFloat8, "0.1", "0.1", "", ""},
		{TFloat8, "1e15", "1e+15", "", ""},
		{TFloat8, "123456789012345", "123456789012345", "", ""},
		{TFloat8, "1e-4", "0.0001", "", ""},
		{TFloat8, "1e-5", "1e-05", "", ""},
		{TFloat8, "100", "100", "", ""},
		{TFloat8, "-0", "-0", "", ""},
		{TFloat8, "1e-310", "1e-310", "", ""},
		{TFloat8, " 1.5 ", "1.5", "", ""},
		{TFloat8, "+inf", "Infinity", "", ""},
		{TFloat8, "Infinity", "Infinity", "", ""},
		{TFloat8, "-INFINITY", "-Infinity", "", ""},
		{TFloat8, "+1.5e3", "1500", "", ""},
		{TFloat8, ".5", "0.5", "", ""},
		{TFloat8, "5.", "5", "", ""},
		{TFloat8, "0.30000000000000004", "0.30000000000000004", "", ""},
		{TFloat8, "1e-400", "", "22003", `"1e-400" is out of range for type double precision`},
		{TFloat8, "1e400", "", "22003", `"1e400" is out of range for type double precision`},
		{TFloat8, "", "", "22P02", `invalid input syntax for type double precision: ""`},
		{TFloat8, "1.5x", "", "22P02", `invalid input syntax for type double precision: "1.5x"`},
		{TFloat8, "1e", "", "22P02", ""},
		{TFloat8, ".", "", "22P02", ""},
		{TFloat8, "1_0", "", "22P02", ""},

		{TFloat4, "1e6", "1e+06", "", ""},
		{TFloat4, "123456", "123456", "", ""},
		{TFloat4, "0.1", "0.1", "", ""},
		{TFloat4, "1.1", "1.1", "", ""},
		{TFloat4, "3.4e38", "3.4e+38", "", ""},
		{TFloat4, "1e-45", "1e-45", "", ""},
		{TFloat4, "1234567", "1.234567e+06", "", ""},
		{TFloat4, "100000", "100000", "", ""},
		{TFloat4, "1e-4", "0.0001", "", ""},
		{TFloat4, "1e-5", "1e-05", "", ""},
		{TFloat4, "16777217", "1.6777216e+07", "", ""},
		// Decimals lying exactly halfway between two floats are not used:
		// PostgreSQL prints one more digit.
		{TFloat8, "22070491523807472", "2.2070491523807472e+16", "", ""},
		{TFloat4, "-416555584", "-4.1655558e+08", "", ""},
		{TFloat4, "41931848", "4.1931848e+07", "", ""},
		{TFloat4, "100701696", "1.00701696e+08", "", ""},
		{TFloat4, "248243806.15471423", "2.4824381e+08", "", ""},
		{TFloat4, "1e39", "", "22003", `"1e39" is out of range for type real`},
		{TFloat4, "1e-46", "", "22003", `"1e-46" is out of range for type real`},
		{TFloat4, "abc", "", "22P02", `invalid input syntax for type real: "abc"`},
	})
}

func TestFloatOutputExtraDigits(t *testing.T) {
	// SET extra_float_digits = 0 / -3 on PostgreSQL 15.
	cases := []struct {
		f     float64
		bits  int
		extra int
		want  string
	}{
		{1e20, 64, 0, "1e+20"},
		{1.5e-7, 64, 0, "1.5e-07"},
		{0.1, 64, 0, "0.1"},
		{1e15, 64, 0, "1e+15"},
		{123456789012345, 64, 0, "123456789012345"},
		{1e-4, 64, 0, "0.0001"},
		{1e-5, 64, 0, "1e-05"},
		{100, 64, 0, "100"},
		{1.0 / 3, 64, 0, "0.333333333333333"},
		{2.0 / 3, 64, 0, "0.666666666666667"},
		{float64(float32(1e6)), 32, 0, "1e+06"},
		{float64(float32(123456)), 32, 0, "123456"},
		{float64(float32(1.1)), 32, 0, "1.1"},
		{float64(float32(1.0 / 3)), 32, 0, "0.333333"},
		{float64(float32(0.1)), 64, 0, "0.100000001490116"},
		{float64(float32(1234567)), 32, 0, "1.23457e+06"},
		{1.0 / 3, 64, -3, "0.333333333333"},
		{2.0 / 3, 64, -3, "0.666666666667"},
		{12345678901234, 64, -3, "1.23456789012e+13"},
		{1.0 / 3, 64, 3, "0.3333333333333333"},
		{math.Inf(-1), 64, 0, "-Infinity"},
		{math.NaN(), 32, 0, "NaN"},
		{math.Copysign(0, -1), 64, 1, "-0"},
	}
	for _, c := range cases {
		typ := TFloat8
		if c.bits == 32 {
			typ = TFloat4
		}
		got := FormatText(NewFloat(c.f), typ, &Env{ExtraFloatDigits: c.extra})
		if got != c.want {
			t.Errorf("float%d %v extra=%d: got %q, want %q", c.bits/8, c.f, c.extra, got, c.want)
		}
	}
}

func TestParseTextNumeric(t *testing.T) {
	runParseCases(t, nil, []parseCase{
		{TNumeric, "1.50", "1.50", "", ""},
		{TNumeric, "1e2", "100", "", ""},
		{TNumeric, "1e-5", "0.00001", "", ""},
		{TNumeric, "-0", "0", "", ""},
		{TNumeric, "-0.00", "0.00", "", ""},
		{TNumeric, "nan", "NaN", "", ""},
		{TNumeric, " inf ", "Infinity", "", ""},
		{TNumeric, "-Infinity", "-Infinity", "", ""},
		{TNumeric, ".5", "0.5", "", ""},
		{TNumeric, "5.", "5", "", ""},
		{TNumeric, "1.5E+3", "1500", "", ""},
		{TNumeric, "0.000", "0.000", "", ""},
		{TNumeric, "0.0e5", "0", "", ""},
		{TNumeric, "-0e-3", "0.000", "", ""},
		{TNumeric, "00012.3400", "12.3400", "", ""},
		{TNumeric, "-123456789012345678901234567890.123456789", "-123456789012345678901234567890.123456789", "", ""},
		{TNumeric, "abc", "", "22P02", `invalid input syntax for type numeric: "abc"`},
		{TNumeric, "-nan", "", "22P02", `invalid input syntax for type numeric: "-nan"`},
		{TNumeric, "1e1000000", "", "22003", "value overflows numeric format"},
		{TNumeric, "1e-16384", "", "22003", "value overflows numeric format"},
		{TNumeric, "1e131072", "", "22003", "value overflows numeric format"},
		{TNumeric, "", "", "22P02", ""},
		{TNumeric, "1e", "", "22P02", ""},
		{numericPS(5, 2), "12.345", "12.35", "", ""},
		{numericPS(3, 2), "0.005", "0.01", "", ""},
		{numericPS(3, 2), "-0.005", "-0.01", "", ""},
		{numericPS(3, 2), "nan", "NaN", "", ""},
		{numericPS(5, 2), "1", "1.00", "", ""},
		{numericPS(5, 2), "1.005", "1.01", "", ""},
		{numericPS(3, 0), "-0.4", "0", "", ""},
		{numericPS(5, 2), "1000", "", "22003", "numeric field overflow"},
		{numericPS(5, 2), "inf", "", "22003", "numeric field overflow"},
		{numericPS(4, 2), "99.995", "", "22003", "numeric field overflow"},
		{numericPS(3, 0), "12345", "", "22003", "numeric field overflow"},
		{numericPS(2, 2), "1", "", "22003", "numeric field overflow"},
	})
	// The overflow detail is PostgreSQL's.
	_, err := ParseText("1000", numericPS(5, 2), nil)
	if e := sqlerr.As(err); e.Detail != "A field with precision 5, scale 2 must round to an absolute value less than 10^3." {
		t.Errorf("detail = %q", e.Detail)
	}
	_, err = ParseText("1", numericPS(2, 2), nil)
	if e := sqlerr.As(err); e.Detail != "A field with precision 2, scale 2 must round to an absolute value less than 1." {
		t.Errorf("detail = %q", e.Detail)
	}
	_, err = ParseText("inf", numericPS(5, 2), nil)
	if e := sqlerr.As(err); e.Detail != "A field with precision 5, scale 2 cannot hold an infinite value." {
		t.Errorf("detail = %q", e.Detail)
	}
	if got := len(FormatText(mustParse(t, "1e-16383", TNumeric), TNumeric, nil)); got != 16385 {
		t.Errorf("1e-16383 prints %d characters, want 16385", got)
	}
	if got := len(FormatText(mustParse(t, "1e131071", TNumeric), TNumeric, nil)); got != 131072 {
		t.Errorf("1e131071 prints %d characters, want 131072", got)
	}
}

func mustParse(t testing.TB, s string, typ Type) Datum {
	t.Helper()
	d, err := ParseText(s, typ, nil)
	if err != nil {
		t.Fatalf("ParseText(%q, %s): %v", s, typ, err)
	}
	return d
}

func TestParseTextStrings(t *testing.T) {
	runParseCases(t, nil, []parseCase{
		{TText, "abc", "abc", "", ""},
		{TText, "", "", "", ""},
		{TText, "é😀", "é😀", "", ""},
		{TText, "a\x00b", "", "22021", `invalid byte sequence for encoding "UTF8": 0x00`},
		{TText, "a\xffb", "", "22021", `invalid byte sequence for encoding "UTF8": 0xff`},
		{TText, "\xe2\x28\xa1", "", "22021", `invalid byte sequence for encoding "UTF8": 0xe2 0x28 0xa1`},
		{varcharN(3), "abc", "abc", "", ""},
		{varcharN(3), "abc  ", "abc", "", ""},
		{varcharN(3), "abcd", "", "22001", "value too long for type character varying(3)"},
		{varcharN(3), "ééé", "ééé", "", ""},
		{varcharN(2), "ééé", "", "22001", "value too long for type character varying(2)"},
		{bpcharN(4), "ab", "ab  ", "", ""},
		{bpcharN(3), "ab  ", "ab ", "", ""},
		{bpcharN(3), "abcd ", "", "22001", "value too long for type character(3)"},
		{bpcharN(3), "é", "é  ", "", ""},
		{TBpchar, "ab  ", "ab  ", "", ""},
		{TName, strings.Repeat("x", 70), strings.Repeat("x", 63), "", ""},
		{TName, strings.Repeat("é", 40), strings.Repeat("é", 31), "", ""},
		{TChar, "abc", "a", "", ""},
		{TChar, "", "", "", ""},
		{TChar, "é", `\303`, "", ""},
		{TChar, `\101`, "A", "", ""},
		{TChar, `\351`, `\351`, "", ""},
		{TUnknown, "x", "x", "", ""},
	})
}

func TestParseTextByteaUUID(t *testing.T) {
	runParseCases(t, nil, []parseCase{
		{TBytea, `\x0102ff`, `\x0102ff`, "", ""},
		{TBytea, `\x0102FF`, `\x0102ff`, "", ""},
		{TBytea, "abc", `\x616263`, "", ""},
		{TBytea, `a\\b`, `\x615c62`, "", ""},
		{TBytea, `\001x`, `\x0178`, "", ""},
		{TBytea, `\x 01 02`, `\x0102`, "", ""},
		{TBytea, `\x`, `\x`, "", ""},
		{TBytea, "", `\x`, "", ""},
		{TBytea, `\x012`, "", "22023", "invalid hexadecimal data: odd number of digits"},
		{TBytea, `\x0g`, "", "22023", `invalid hexadecimal digit: "g"`},
		{TBytea, `\x0 1`, "", "22023", `invalid hexadecimal digit: " "`},
		{TBytea, `\9`, "", "22P02", "invalid input syntax for type bytea"},
		{TBytea, `abc\`, "", "22P02", "invalid input syntax for type bytea"},

		{TUuid, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "", ""},
		{TUuid, "{A0EEBC99-9C0B4EF8-BB6D6BB9-BD380A11}", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "", ""},
		{TUuid, "a0eebc999c0b4ef8bb6d6bb9bd380a11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "", ""},
		{TUuid, "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "", ""},
		{TUuid, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1", "", "22P02", `invalid input syntax for type uuid: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1"`},
		{TUuid, " a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "", "22P02", ""},
		{TUuid, "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "", "22P02", ""},
		{TUuid, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11-", "", "22P02", ""},
		{TUuid, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1g", "", "22P02", ""},
	})
}

func TestParseTextDate(t *testing.T) {
	runParseCases(t, nil, []parseCase{
		{TDate, "2026-11-22", "2026-11-22", "", ""},
		{TDate, "20261122", "2026-11-22", "", ""},
		{TDate, "Nov 22 2026", "2026-11-22", "", ""},
		{TDate, "2026-11-22 BC", "2026-11-22 BC", "", ""},
		{TDate, "0044-03-15 BC", "0044-03-15 BC", "", ""},
		{TDate, "infinity", "infinity", "", ""},
		{TDate, "-infinity", "-infinity", "", ""},
		{TDate, "epoch", "1970-01-01", "", ""},
		{TDate, "11/22/2026", "2026-11-22", "", ""},
		{TDate, "22 November 2026", "2026-11-22", "", ""},
		{TDate, "November 22, 2026", "2026-11-22", "", ""},
		{TDate, "2026-Nov-22", "2026-11-22", "", ""},
		{TDate, " 2026-11-22 ", "2026-11-22", "", ""},
		{TDate, "2026-11-22 10:00", "2026-11-22", "", ""},
		{TDate, "4713-01-01 BC", "4713-01-01 BC", "", ""},
		{TDate, "4714-11-24 BC", "4714-11-24 BC", "", ""},
		{TDate, "5874897-12-31", "5874897-12-31", "", ""},
		{TDate, "2026.11.22", "2026-11-22", "", ""},
		{TDate, "2026/11/22", "2026-11-22", "", ""},
		{TDate, "1/2/3", "2003-01-02", "", ""},
		{TDate, "200-01-02", "0200-01-02", "", ""},
		{TDate, "2026-11-22T10:00:00Z", "2026-11-22", "", ""},
		{TDate, "2026-1-2", "2026-01-02", "", ""},
		{TDate, "12-25-2026", "2026-12-25", "", ""},
		{TDate, "261122", "2026-11-22", "", ""},
		{TDate, "Sat Nov 22 2026", "2026-11-22", "", ""},
		{TDate, "2026-11-22 AD", "2026-11-22", "", ""},
		{TDate, "2026 11 22", "2026-11-22", "", ""},
		{TDate, "Nov-22-2026", "2026-11-22", "", ""},
		{TDate, "22-Nov-2026", "2026-11-22", "", ""},
		{TDate, "2026-11-22+05", "2026-11-22", "", ""},
		{TDate, "11/22/26", "2026-11-22", "", ""},
		{TDate, "1999-01-08 04:05:06 PST", "1999-01-08", "", ""},
		{TDate, "19990108", "1999-01-08", "", ""},
		{TDate, "990108", "1999-01-08", "", ""},
		{TDate, "2024-02-29", "2024-02-29", "", ""},
		{TDate, "2000-02-29", "2000-02-29", "", ""},
		{TDate, "2026-02-30", "", "22008", `date/time field value out of range: "2026-02-30"`},
		{TDate, "1900-02-29", "", "22008", `date/time field value out of range: "1900-02-29"`},
		{TDate, "2026-13-01", "", "22008", `date/time field value out of range: "2026-13-01"`},
		{TDate, "0000-01-01", "", "22008", `date/time field value out of range: "0000-01-01"`},
		{TDate, "70-1-2", "", "22008", `date/time field value out of range: "70-1-2"`},
		{TDate, "x", "", "22007", `invalid input syntax for type date: "x"`},
		{TDate, "", "", "22007", `invalid input syntax for type date: ""`},
		{TDate, "2026-11-22 garbage", "", "22007", `invalid input syntax for type date: "2026-11-22 garbage"`},
		{TDate, "4714-01-01 BC", "", "22008", `date out of range: "4714-01-01 BC"`},
		{TDate, "5874898-01-01", "", "22008", `date out of range: "5874898-01-01"`},
		{TDate, "now", "", "0A000", ""},
		{TDate, "today", "", "0A000", ""},
	})
}

func TestParseTextTime(t *testing.T) {
	runParseCases(t, nil, []parseCase{
		{TTime, "04:05:06.789", "04:05:06.789", "", ""},
		{TTime, "04:05", "04:05:00", "", ""},
		{TTime, "040506", "04:05:06", "", ""},
		{TTime, "04:05 PM", "16:05:00", "", ""},
		{TTime, "12:05 AM", "00:05:00", "", ""},
		{TTime, "12:05 PM", "12:05:00", "", ""},
		{TTime, "04:05:06 PST", "04:05:06", "", ""},
		{TTime, "allballs", "00:00:00", "", ""},
		{TTime, "24:00", "24:00:00", "", ""},
		{TTime, "2026-11-22 04:05:06", "04:05:06", "", ""},
		{TTime, "04:05:06.9999999", "04:05:07", "", ""},
		{TTime, "23:59:59.9999999", "24:00:00", "", ""},
		{TTime, "4:5", "04:05:00", "", ""},
		{TTime, "04:05:06+02", "04:05:06", "", ""},
		{TTime, "12:00:60", "12:01:00", "", ""},
		{TTime, "T04:05:06", "04:05:06", "", ""},
		{TTime, "04:05:06.000001", "04:05:06.000001", "", ""},
		{TTime, "24:00:01", "", "22008", `date/time field value out of range: "24:00:01"`},
		{TTime, "25:00", "", "22008", `date/time field value out of range: "25:00"`},
		{TTime, "12:60", "", "22008", `date/time field value out of range: "12:60"`},
		{TTime, "12:00:61", "", "22008", `date/time field value out of range: "12:00:61"`},
		{TTime, "13:00 PM", "", "22008", `date/time field value out of range: "13:00 PM"`},
		{TTime, "0:30 AM", "00:30:00", "", ""},
		{TTime, "04:05.5", "00:04:05.5", "", ""},
		{TTime, "2026-11-22 04:05.5", "00:04:05.5", "", ""},
		{TTime, "x", "", "22007", `invalid input syntax for type time: "x"`},
		{TTime, "2026-11-22", "", "22007", ""},
		{Type{ID: Time, Mod: 2}, "04:05:06.789", "04:05:06.79", "", ""},
	})
}

func TestParseTextTimestamp(t *testing.T) {
	type tc = parseCase
	ts, tz := TTimestamp, TTimestamptz
	runParseCases(t, nil, []parseCase{
		tc{tz, "2026-11-22 03:04:05.123456", "2026-11-22 03:04:05.123456+00", "", ""},
		tc{ts, "2026-11-22 03:04:05.123456", "2026-11-22 03:04:05.123456", "", ""},
		tc{tz, "2026-11-22T03:04:05Z", "2026-11-22 03:04:05+00", "", ""},
		tc{ts, "2026-11-22T03:04:05Z", "2026-11-22 03:04:05", "", ""},
		tc{tz, "2026-11-22 03:04:05+02", "2026-11-22 01:04:05+00", "", ""},
		tc{ts, "2026-11-22 03:04:05+02", "2026-11-22 03:04:05", "", ""},
		tc{tz, "2026-11-22 03:04:05+05:30", "2026-11-21 21:34:05+00", "", ""},
		tc{tz, "2026-11-22 03:04:05-0800", "2026-11-22 11:04:05+00", "", ""},
		tc{tz, "2026-11-22 03:04:05 UTC", "2026-11-22 03:04:05+00", "", ""},
		tc{tz, "2026-11-22 03:04:05 PST", "2026-11-22 11:04:05+00", "", ""},
		tc{tz, "2026-11-22 03:04:05 America/New_York", "2026-11-22 08:04:05+00", "", ""},
		tc{tz, "2026-11-22 03:04:05 america/new_york", "2026-11-22 08:04:05+00", "", ""},
		tc{tz, "2026-11-22 03:04:05 Europe/Berlin", "2026-11-22 02:04:05+00", "", ""},
		tc{tz, "2026-11-22 03:04:05 EST5EDT", "2026-11-22 08:04:05+00", "", ""},
		tc{tz, "2026-11-22", "2026-11-22 00:00:00+00", "", ""},
		tc{ts, "2026-11-22", "2026-11-22 00:00:00", "", ""},
		tc{tz, "epoch", "1970-01-01 00:00:00+00", "", ""},
		tc{ts, "epoch", "1970-01-01 00:00:00", "", ""},
		tc{tz, "infinity", "infinity", "", ""},
		tc{ts, "-infinity", "-infinity", "", ""},
		tc{tz, "+infinity", "infinity", "", ""},
		tc{tz, "2026-11-22 03:04:05.1234565", "2026-11-22 03:04:05.123456+00", "", ""},
		tc{tz, "2026-11-22 03:04:05.9999999", "2026-11-22 03:04:06+00", "", ""},
		tc{tz, "0044-03-15 10:00 BC", "0044-03-15 10:00:00+00 BC", "", ""},
		tc{ts, "0044-03-15 10:00 BC", "0044-03-15 10:00:00 BC", "", ""},
		tc{tz, "2026-11-22 03:04 PM", "2026-11-22 15:04:00+00", "", ""},
		tc{tz, "2026-11-22 12:04 AM", "2026-11-22 00:04:00+00", "", ""},
		tc{tz, "2026-11-22 03:04:05-08:00:30", "2026-11-22 11:04:35+00", "", ""},
		tc{tz, "2026-11-22 03:04:05+14", "2026-11-21 13:04:05+00", "", ""},
		tc{tz, "2026-11-22 03:04:05 +2", "2026-11-22 01:04:05+00", "", ""},
		tc{tz, "2026-11-22 03:04:05 Z", "2026-11-22 03:04:05+00", "", ""},
		tc{tz, "Nov 22 2026 03:04:05", "2026-11-22 03:04:05+00", "", ""},
		tc{tz, "2026-11-22 03:04:05 CEST", "2026-11-22 01:04:05+00", "", ""},
		tc{tz, "2026-11-22 03:04:05 IST", "2026-11-22 01:04:05+00", "", ""},
		tc{tz, "4714-11-24 00:00 BC", "4714-11-24 00:00:00+00 BC", "", ""},
		tc{tz, "2026-11-22 10:00:00.5Z", "2026-11-22 10:00:00.5+00", "", ""},
		tc{tz, "2026-11-22T10:00:00.000+01:00", "2026-11-22 09:00:00+00", "", ""},
		tc{tz, "20261122T030405", "2026-11-22 03:04:05+00", "", ""},
		tc{tz, "2026-11-22 030405", "2026-11-22 03:04:05+00", "", ""},
		tc{tz, "2026-11-22 03:04:05 +05:30:00", "2026-11-21 21:34:05+00", "", ""},
		tc{tz, "2026-11-22 3:4:5", "2026-11-22 03:04:05+00", "", ""},
		tc{ts, "2026-11-22 24:00:00", "2026-11-23 00:00:00", "", ""},
		tc{ts, "10000-01-01 12:00", "10000-01-01 12:00:00", "", ""},
		tc{ts, "294246-12-31 23:59:59.999999", "294246-12-31 23:59:59.999999", "", ""},
		tc{Type{ID: Timestamp, Mod: 2}, "2026-11-22 10:30:00.123456", "2026-11-22 10:30:00.12", "", ""},
		tc{Type{ID: Timestamp, Mod: 2}, "2026-11-22 10:30:00.125", "2026-11-22 10:30:00.13", "", ""},
		tc{Type{ID: Timestamptz, Mod: 1}, "2026-11-22 10:30:00.99", "2026-11-22 10:30:01+00", "", ""},
		tc{tz, "2026-11-22 03:04:05+16", "", "22009", `time zone displacement out of range: "2026-11-22 03:04:05+16"`},
		tc{tz, "2026-11-22 03:04:05 foo", "", "22007", `invalid input syntax for type timestamp with time zone: "2026-11-22 03:04:05 foo"`},
		tc{ts, "2026-11-22 03:04:05 foo", "", "22007", `invalid input syntax for type timestamp: "2026-11-22 03:04:05 foo"`},
		tc{tz, "2026-11-22 03:04:05 Foo/Bar", "", "22023", `time zone "foo/bar" not recognized`},
		tc{ts, "294277-01-01", "", "22008", `timestamp out of range: "294277-01-01"`},
		tc{ts, "294247-01-01", "", "22008", `timestamp out of range: "294247-01-01"`},
		tc{tz, "4714-11-23 23:00 BC", "", "22008", `timestamp out of range: "4714-11-23 23:00 BC"`},
		tc{ts, "2026-11-22 25:00:00", "", "22008", `date/time field value out of range: "2026-11-22 25:00:00"`},
		tc{ts, "2026-11-22 10:61:00", "", "22008", `date/time field value out of range: "2026-11-22 10:61:00"`},
		tc{ts, "2026-11-22 10:00 10:00", "", "22007", ""},
		tc{ts, "2026-11-22 2026-11-22", "", "22007", ""},
		tc{tz, "now", "", "0A000", ""},
		tc{ts, "10:00", "", "22007", ""},
		tc{ts, "2026-11-22 10:00 +01 +02", "", "22007", ""},
		tc{tz, "2026-11-22 T10:00", "2026-11-22 10:00:00+00", "", ""},
		tc{tz, "2026-11-22 10", "", "22007", `invalid input syntax for type timestamp with time zone: "2026-11-22 10"`},
		tc{tz, "2026-11-22T10", "", "22007", ""},
		tc{tz, "Nov 22", "", "22007", ""},
		tc{tz, "2026-11-22 10:00 PST PST", "", "22007", ""},
		tc{tz, "2026-11-22 10:00 Japan", "2026-11-22 01:00:00+00", "", ""},
		tc{tz, "2026-11-22 10:00 Asia/Tokyo", "2026-11-22 01:00:00+00", "", ""},
		tc{tz, "Japan", "", "22007", ""},
		tc{tz, "Sat, 22 Nov 2026 10:00:00 +0100", "2026-11-22 09:00:00+00", "", ""},
		tc{tz, "2026-11-22 10:00:00 CET", "2026-11-22 09:00:00+00", "", ""},
		tc{tz, "2026-07-01 10:00 Europe/Berlin", "2026-07-01 08:00:00+00", "", ""},
		tc{tz, "allballs", "", "22007", ""},
		tc{tz, "epoch UTC", "1970-01-01 00:00:00+00", "", ""},
		tc{tz, "  infinity  ", "infinity", "", ""},
		tc{tz, "INFINITY", "infinity", "", ""},
		tc{tz, "2026-11-22 1:2", "2026-11-22 01:02:00+00", "", ""},
		tc{tz, "2026-11-22 BC BC", "", "22007", ""},
		tc{tz, "epoch 2026-11-22", "", "22007", ""},
		tc{ts, "2026-11-22 %", "", "22007", ""},
	})
}

func TestTimestamptzZones(t *testing.T) {
	// SET timezone = ...; SELECT ...::timestamptz on PostgreSQL 15.
	load := func(name string) *Env {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Skipf("time zone %s not available: %v", name, err)
		}
		return &Env{Loc: loc, ExtraFloatDigits: 1}
	}
	outputs := []struct {
		zone string
		in   []string
		want []string
	}{
		{"Asia/Kolkata",
			[]string{"2026-11-22 03:04:05.5+00", "1900-01-01 00:00+00", "2026-07-01 12:00+00", "0044-03-15 10:00+00 BC"},
			[]string{"2026-11-22 08:34:05.5+05:30", "1900-01-01 05:21:10+05:21:10", "2026-07-01 17:30:00+05:30", "0044-03-15 15:53:28+05:53:28 BC"}},
		{"America/Los_Angeles",
			[]string{"2026-11-22 03:04:05.5+00", "1900-01-01 00:00+00", "2026-07-01 12:00+00", "0044-03-15 10:00+00 BC"},
			[]string{"2026-11-21 19:04:05.5-08", "1899-12-31 16:00:00-08", "2026-07-01 05:00:00-07", "0044-03-15 02:07:02-07:52:58 BC"}},
		{"Europe/Amsterdam",
			[]string{"2026-11-22 03:04:05.5+00", "1900-01-01 00:00+00", "2026-07-01 12:00+00"},
			[]string{"2026-11-22 04:04:05.5+01", "1900-01-01 00:19:32+00:19:32", "2026-07-01 14:00:00+02"}},
		{"Asia/Kathmandu",
			[]string{"2026-11-22 03:04:05.5+00", "2026-07-01 12:00+00"},
			[]string{"2026-11-22 08:49:05.5+05:45", "2026-07-01 17:45:00+05:45"}},
		{"America/St_Johns",
			[]string{"2026-11-22 03:04:05.5+00", "1900-01-01 00:00+00", "2026-07-01 12:00+00"},
			[]string{"2026-11-21 23:34:05.5-03:30", "1899-12-31 20:29:08-03:30:52", "2026-07-01 09:30:00-02:30"}},
		// Input without an offset is read in the session zone; times in a
		// DST gap take the offset before it, repeated times the one after.
		{"America/New_York",
			[]string{"2026-03-08 02:30", "2026-11-01 01:30", "2026-03-08 01:59:59", "2026-03-08 03:00", "2026-11-01 00:59", "2026-11-01 02:00"},
			[]string{"2026-03-08 03:30:00-04", "2026-11-01 01:30:00-05", "2026-03-08 01:59:59-05", "2026-03-08 03:00:00-04", "2026-11-01 00:59:00-04", "2026-11-01 02:00:00-05"}},
		{"Europe/Berlin",
			[]string{"2026-03-29 02:30", "2026-10-25 02:30"},
			[]string{"2026-03-29 03:30:00+02", "2026-10-25 02:30:00+01"}},
	}
	for _, o := range outputs {
		env := load(o.zone)
		for i, in := range o.in {
			d, err := ParseText(in, TTimestamptz, env)
			if err != nil {
				t.Errorf("%s: ParseText(%q): %v", o.zone, in, err)
				continue
			}
			if got := FormatText(d, TTimestamptz, env); got != o.want[i] {
				t.Errorf("%s: %q prints %q, want %q", o.zone, in, got, o.want[i])
			}
		}
	}
}

func TestParseTextInterval(t *testing.T) {
	iv := TInterval
	cases := [][2]string{
		{"1 day", "1 day"},
		{"2 hours 30 minutes", "02:30:00"},
		{"1 year 2 mons", "1 year 2 mons"},
		{"01:02:03", "01:02:03"},
		{"1 day 02:00:00", "1 day 02:00:00"},
		{"-1 day", "-1 days"},
		{"P1DT2H", "1 day 02:00:00"},
		{"5 seconds", "00:00:05"},
		{"1.5 hours", "01:30:00"},
		{"@ 1 minute ago", "-00:01:00"},
		{"1 year 2 mons 3 days 04:05:06.7", "1 year 2 mons 3 days 04:05:06.7"},
		{"-1 days +02:00:00", "-1 days +02:00:00"},
		{"0", "00:00:00"},
		{"5", "00:00:05"},
		{"1.5 years", "1 year 6 mons"},
		{"1.5 months", "1 mon 15 days"},
		{"1.5 days", "1 day 12:00:00"},
		{"1.5 weeks", "10 days 12:00:00"},
		{"1 2:03", "1 day 02:03:00"},
		{"1-2", "1 year 2 mons"},
		{"-1-2", "-1 years -2 mons"},
		{"+1-2", "1 year 2 mons"},
		{"1 s", "00:00:01"},
		{"2 m", "00:02:00"},
		{"3 h", "03:00:00"},
		{"4 d", "4 days"},
		{"5 w", "35 days"},
		{"6 mon", "6 mons"},
		{"7 y", "7 years"},
		{"8 ms", "00:00:00.008"},
		{"9 us", "00:00:00.000009"},
		{"10 microseconds", "00:00:00.00001"},
		{"11 milliseconds", "00:00:00.011"},
		{"1 decade", "10 years"},
		{"1 century", "100 years"},
		{"1 millennium", "1000 years"},
		{"2 centuries", "200 years"},
		{"1 hr 2 mins 3 secs", "01:02:03"},
		{"5s", "00:00:05"},
		{"1d2h", "1 day 02:00:00"},
		{"10:00", "10:00:00"},
		{"-10:00", "-10:00:00"},
		{"1:2:3.5", "01:02:03.5"},
		{"@ 1 day 2 hours ago", "-1 days -02:00:00"},
		{"P1Y2M3DT4H5M6.5S", "1 year 2 mons 3 days 04:05:06.5"},
		{"PT1.5H", "01:30:00"},
		{"P1W", "7 days"},
		{"P0001-02-03T04:05:06", "1 year 2 mons 3 days 04:05:06"},
		{"P-1D", "-1 days"},
		{"1 day -1 hour", "1 day -01:00:00"},
		{"-1 day -1 hour", "-1 days -01:00:00"},
		{"1 day ago", "-1 days"},
		{"2 days 3 hours ago", "-2 days -03:00:00"},
		{"100000000 hours", "100000000:00:00"},
		{"178000000 years", "178000000 years"},
		{"1 week 2 days", "9 days"},
		{"+1 day", "1 day"},
		{"1.5", "00:00:01.5"},
		{"1 hour 61 minutes", "02:01:00"},
		{"0.000001 seconds", "00:00:00.000001"},
		{"0.0000005 seconds", "00:00:00"},
		{"1.999999999 s", "00:00:02"},
		{"23:59:59.9999999", "24:00:00"},
		{"-1 mon", "-1 mons"},
		{"-13 mons", "-1 years -1 mons"},
		{"1 mon -1 day", "1 mon -1 days"},
		{"-0.5 days", "-12:00:00"},
		{"3 mons -2 days +1 hour", "3 mons -2 days +01:00:00"},
		{"1:02.5", "00:01:02.5"},
		{"-1:02:03.5", "-01:02:03.5"},
		{"1 -1:00", "1 day -01:00:00"},
		{"1:59:60", "02:00:00"},
		{"-1.5 days", "-1 days -12:00:00"},
		{"1 day 1.5 hours", "1 day 01:30:00"},
		{"0.5 mons", "15 days"},
		{"0.1 years", "1 mon"},
		{"-0.1 years", "-1 mons"},
		{"1.5 decades", "15 years"},
		{" @ 1 day ", "1 day"},
		{"1 DAY", "1 day"},
		{"1 day, 2 hours", "1 day 02:00:00"},
		{"PT0S", "00:00:00"},
		{"P1.5Y", "1 year 6 mons"},
		{"P1.5M", "1 mon 15 days"},
		{"P1.5D", "1 day 12:00:00"},
		{"PT1M30S", "00:01:30"},
		{"P2DT-1H", "2 days -01:00:00"},
		{"1 day 2", "1 day 00:00:02"},
		{"1 year 1 decade", "11 years"},
		{"- 1 day", "-1 days"},
		{"PT", "00:00:00"},
		{"P1.5W", "10 days 12:00:00"},
		{"P0000-00-01", "1 day"},
		{"P0001-02-03", "1 year 2 mons 3 days"},
		{"PT01:02:03", "01:02:03"},
		{"1 week 1 day", "8 days"},
		{"-481 years 79-4", "-401 years -8 mons"},
		{"1-2 5", "1 year 2 mons 00:00:05"},
		{"1 -1:00:00 ago", "-1 days +01:00:00"},
		{"1 day 1-2 ago", "-1 years -2 mons -1 days"},
		{"-584:39:30 33-9", "33 years 9 mons -584:39:30"},
		{"1.5 us", "00:00:00.000001"},
		{"-1.5 us", "-00:00:00.000001"},
		// PostgreSQL 15 drops the sub-day part of fractional days that
		// follow a time field.
		{"627:23:41 38.61972 days", "38 days 627:23:41"},
	}
	var pc []parseCase
	for _, c := range cases {
		pc = append(pc, parseCase{iv, c[0], c[1], "", ""})
	}
	for _, bad := range []string{"-P1D", "x", "1 foo", "", "1 year 1 year", "4 hours 4 hours", "1e2 seconds",
		"+1 -1 day", "p1d", "day", "1 5", "1 2 day", "5 ago", "ago", "1 ago day", "1 day 1 ago", "@",
		"01:02 3", "2 01:02 3", "1 - 2", "P1D2H", "P", "PT1H2", "1 hour 1:00", "5 1-2", "1.5 1-2",
		"-555:19:69", "1 day -555:19:69", "496.63061 microsecond -62:04:18", "-341.63211 microsecond -584:39:30 33-9"} {
		msg := "invalid input syntax for type interval: " + quoteMsg(bad)
		pc = append(pc, parseCase{iv, bad, "", "22007", msg})
	}
	pc = append(pc,
		parseCase{iv, "2147483648 days", "", "22015", `interval field value out of range: "2147483648 days"`},
		parseCase{iv, "9999999999999 hours", "", "22015", `interval field value out of range: "9999999999999 hours"`},
		parseCase{iv, "1:61:00", "", "22015", `interval field value out of range: "1:61:00"`},
		parseCase{iv, "3000000000:00:00", "", "22015", `interval field value out of range: "3000000000:00:00"`},
		parseCase{iv, "2147483647:00:00", "2147483647:00:00", "", ""},
		parseCase{iv, "1-13", "", "22015", `interval field value out of range: "1-13"`},
		parseCase{iv, "14-12 95-0", "", "22015", `interval field value out of range: "14-12 95-0"`},
		parseCase{iv, "555:19:69", "", "22015", `interval field value out of range: "555:19:69"`},
		parseCase{iv, "687:45:68 545.80918 hrs 934.74382 second ago", "", "22015", ""},
		parseCase{iv, "179000000 years", "", "22008", "interval out of range"},
	)
	runParseCases(t, nil, pc)
}

func TestParseTextJSON(t *testing.T) {
	runParseCases(t, nil, []parseCase{
		{TJsonb, `{"b": 1, "a": [1, 2.50, 1e2, -0], "aa": {"z":null,"y":true}, "b": "x\u00e9\n\u0001\"/"}`,
			`{"a": [1, 2.50, 100, 0], "b": "xé\n\u0001\"/", "aa": {"y": true, "z": null}}`, "", ""},
		{TJson, `{"b": 1, "a": [1,2]  , "b":2}`, `{"b": 1, "a": [1,2]  , "b":2}`, "", ""},
		{TJsonb, `  "abc"  `, `"abc"`, "", ""},
		{TJson, `  "abc"  `, `  "abc"  `, "", ""},
		{TJsonb, `1E-2`, `0.01`, "", ""},
		{TJsonb, `[]`, `[]`, "", ""},
		{TJsonb, `{}`, `{}`, "", ""},
		{TJsonb, `null`, `null`, "", ""},
		{TJsonb, `[1,[2,{}]]`, `[1, [2, {}]]`, "", ""},
		{TJsonb, `"\ud83d\ude00"`, `"😀"`, "", ""},
		{TJson, `"\u00e9"`, `"\u00e9"`, "", ""},
		{TJsonb, `1.0e+2`, `100`, "", ""},
		{TJsonb, `-0.0`, `0.0`, "", ""},
		{TJsonb, `123456789012345678901234567890`, `123456789012345678901234567890`, "", ""},
		{TJsonb, "\t{\"a\"\n:\r1}", `{"a": 1}`, "", ""},
		{TJsonb, `{"a":{"b":1,"a":2},"a":{"c":3}}`, `{"a": {"c": 3}}`, "", ""},
		{TJsonb, `"\b\f\t\r\\\/"`, `"\b\f\t\r\\/"`, "", ""},
		{TJson, `"\ud83d"`, `"\ud83d"`, "", ""},
		{TJson, `"\u0000"`, `"\u0000"`, "", ""},
		{TJsonb, `{"a":1,}`, "", "22P02", "invalid input syntax for type json"},
		{TJsonb, `01`, "", "22P02", "invalid input syntax for type json"},
		{TJsonb, `"\u0000"`, "", "22P05", "unsupported Unicode escape sequence"},
		{TJsonb, `"\ud83d"`, "", "22P02", "invalid input syntax for type json"},
		{TJson, `[1,2`, "", "22P02", "invalid input syntax for type json"},
		{TJson, ``, "", "22P02", "invalid input syntax for type json"},
		{TJson, `{"a" 1}`, "", "22P02", ""},
		{TJson, `tru`, "", "22P02", ""},
		{TJson, `1.`, "", "22P02", ""},
		{TJson, "\"a\tb\"", "", "22P02", ""},
		{TJson, `"\x"`, "", "22P02", ""},
		{TJson, `{1:2}`, "", "22P02", ""},
		{TJson, `"\u12"`, "", "22P02", ""},
		{TJson, `[1,2]x`, "", "22P02", ""},
		{TJson, `{"a":1 "b"}`, "", "22P02", ""},
		{TJson, `[1 2]`, "", "22P02", ""},
		{TJson, `+1`, "", "22P02", ""},
		{TJson, `.5`, "", "22P02", ""},
		{TJson, `[1] [2]`, "", "22P02", ""},
		{TJson, `"abc`, "", "22P02", ""},
		{TJson, "\"\xff\"", "", "22021", ""},
	})
	// PostgreSQL's DETAIL lines.
	details := []struct {
		typ        Type
		in, detail string
	}{
		{TJsonb, `{"a":1,}`, `Expected string, but found "}".`},
		{TJsonb, `01`, `Token "01" is invalid.`},
		{TJsonb, `"\u0000"`, `\u0000 cannot be converted to text.`},
		{TJsonb, `"\ud83d"`, `Unicode low surrogate must follow a high surrogate.`},
		{TJson, `[1,2`, `The input string ended unexpectedly.`},
		{TJson, ``, `The input string ended unexpectedly.`},
		{TJson, `{"a" 1}`, `Expected ":", but found "1".`},
		{TJson, `tru`, `Token "tru" is invalid.`},
		{TJson, `1.`, `Token "1." is invalid.`},
		{TJson, "\"a\tb\"", `Character with value 0x09 must be escaped.`},
		{TJson, `"\x"`, `Escape sequence "\x" is invalid.`},
		{TJson, `{1:2}`, `Expected string or "}", but found "1".`},
		{TJson, `"\u12"`, `"\u" must be followed by four hexadecimal digits.`},
		{TJson, `[1,2]x`, `Token "x" is invalid.`},
		{TJson, `{"a":1 "b"}`, `Expected "," or "}", but found ""b"".`},
		{TJson, `[1 2]`, `Expected "," or "]", but found "2".`},
		{TJson, `[1] [2]`, `Expected end of input, but found "[".`},
		{TJson, `[`, `The input string ended unexpectedly.`},
		{TJson, `[}`, `Expected JSON value, but found "}".`},
		{TJson, `"false`, `Token ""false" is invalid.`},
		{TJson, `"\u0`, `Token ""\u0" is invalid.`},
		{TJson, `1-.50`, `Token "-.50" is invalid.`},
		{TJson, `-1.E-3`, `Token "-1.E-3" is invalid.`},
	}
	for _, c := range details {
		_, err := ParseText(c.in, c.typ, nil)
		if e := sqlerr.As(err); err == nil || e.Detail != c.detail {
			t.Errorf("ParseText(%q, %s) detail = %q (err %v), want %q", c.in, c.typ, e.Detail, err, c.detail)
		}
	}
}

func TestParseTextArray(t *testing.T) {
	runParseCases(t, nil, []parseCase{
		{ArrayOf(Int4), "{1,2,NULL}", "{1,2,NULL}", "", ""},
		{ArrayOf(Int4), "{}", "{}", "", ""},
		{ArrayOf(Int4), "{ 1 , 2 }", "{1,2}", "", ""},
		{ArrayOf(Text), `{"a b", c d ,"NULL",NULL, null, "" , \"q}`, `{"a b","c d","NULL",NULL,NULL,"","\"q"}`, "", ""},
		{ArrayOf(Int4), "[1:2]={1,2}", "{1,2}", "", ""},
		{ArrayOf(Int4), "  {1}  ", "{1}", "", ""},
		{ArrayOf(Text), `{a\,b}`, `{"a,b"}`, "", ""},
		{ArrayOf(Text), `{"a\\b","x\"y",é}`, `{"a\\b","x\"y",é}`, "", ""},
		{ArrayOf(Text), `{a\ }`, `{"a "}`, "", ""},
		{ArrayOf(Float8), "{1.5,inf}", "{1.5,Infinity}", "", ""},
		{ArrayOf(Bool), "{t,false}", "{t,f}", "", ""},
		{ArrayOf(Interval), `{"1 day"}`, `{"1 day"}`, "", ""},
		{ArrayOf(Bytea), `{"\\x01"}`, `{"\\x01"}`, "", ""},
		{ArrayOf(Jsonb), `{"{\"a\":1}"}`, `{"{\"a\": 1}"}`, "", ""},
		{Type{ID: Array, Elem: Varchar, Mod: 6}, "{ab,abc}", "", "22001", "value too long for type character varying(2)"},
		{Type{ID: Array, Elem: Numeric, Mod: (4<<16 | 1) + 4}, "{1.25,2}", "{1.3,2.0}", "", ""},
		{ArrayOf(Int4), "{1,2", "", "22P02", `malformed array literal: "{1,2"`},
		{ArrayOf(Int4), "1,2", "", "22P02", `malformed array literal: "1,2"`},
		{ArrayOf(Int4), "{1,x}", "", "22P02", `invalid input syntax for type integer: "x"`},
		{ArrayOf(Int4), "{1,2}x", "", "22P02", `malformed array literal: "{1,2}x"`},
		{ArrayOf(Text), `{"a"b}`, "", "22P02", `malformed array literal: "{"a"b}"`},
		{ArrayOf(Text), `{,}`, "", "22P02", `malformed array literal: "{,}"`},
		{ArrayOf(Text), `{a,}`, "", "22P02", ""},
		{ArrayOf(Text), `{"a`, "", "22P02", ""},
		{ArrayOf(Text), `{a\`, "", "22P02", ""},
		{ArrayOf(Int4), "[1:3]={1,2}", "", "22P02", ""},
		{ArrayOf(Int4), "{{1,2},{3,4}}", "", "0A000", ""},
		{ArrayOf(Int4), "[0:1]={1,2}", "", "0A000", ""},
		{ArrayOf(Int4), "[1:0]={}", "", "2202E", "upper bound cannot be less than lower bound"},
		{ArrayOf(Text), `{"a"\}`, "", "22P02", ""},
		{ArrayOf(Text), `{a{}`, "", "22P02", ""},
		{ArrayOf(Text), `[1:]={}`, "", "22P02", ""},
	})
	details := map[string]string{
		"{1,2":    "Unexpected end of input.",
		"1,2":     `Array value must start with "{" or dimension information.`,
		"{1,2}x":  "Junk after closing right brace.",
		`{"a"b}`:  "Unexpected array element.",
		`{,}`:     `Unexpected "," character.`,
		`{"a"\}`:  `Unexpected "\" character.`,
		`{a{}`:    `Unexpected "{" character.`,
		`[1:]={}`: "Missing array dimension value.",
		`[:4]={}`: `"[" must introduce explicitly-specified array dimensions.`,
		`[1:1]=a`: `Array contents must start with "{".`,
	}
	for in, want := range details {
		_, err := ParseText(in, ArrayOf(Text), nil)
		if e := sqlerr.As(err); err == nil || e.Detail != want {
			t.Errorf("ParseText(%q) detail = %q, want %q", in, e.Detail, want)
		}
	}
}

func TestAppendTextValues(t *testing.T) {
	ts := func(s string) int64 { return mustParse(t, s, TTimestamp).Micros() }
	dec := func(s string) Datum { return mustParse(t, s, TNumeric) }
	cases := []struct {
		d    Datum
		typ  Type
		want string
	}{
		{NewBool(true), TBool, "t"},
		{NewBool(false), TBool, "f"},
		{NewInt(-42), TInt4, "-42"},
		{NewInt(math.MinInt64), TInt8, "-9223372036854775808"},
		{NewInt(4294967295), TOid, "4294967295"},
		{NewInt(-1), TOid, "4294967295"},
		{NewFloat(1e20), TFloat8, "1e+20"},
		{NewFloat(float64(float32(0.1))), TFloat4, "0.1"},
		{NewFloat(float64(float32(0.1))), TFloat8, "0.10000000149011612"},
		{dec("1.50"), TNumeric, "1.50"},
		{NewDecimal(apd.New(15, 2)), TNumeric, "1500"},
		{NewDecimal(&apd.Decimal{Negative: true, Exponent: -2}), TNumeric, "0.00"},
		{NewDecimal(&apd.Decimal{Form: apd.NaN}), TNumeric, "NaN"},
		{NewDecimal(&apd.Decimal{Form: apd.Infinite, Negative: true}), TNumeric, "-Infinity"},
		{NewString("héllo"), TText, "héllo"},
		{NewString("\x01"), TChar, "\x01"},
		{NewBytes([]byte{1, 2, 0xff}), TBytea, `\x0102ff`},
		{NewBytes(nil), TBytea, `\x`},
		{NewDate(0), TDate, "1970-01-01"},
		{NewDate(-719528), TDate, "0001-01-01 BC"},
		{NewDate(-719162), TDate, "0001-01-01"},
		{NewDate(InfinityDays), TDate, "infinity"},
		{NewTime(0), TTime, "00:00:00"},
		{NewTime(usPerDay), TTime, "24:00:00"},
		{NewTime(4*usPerHour + 5*usPerMinute + 6*usPerSec + 789000), TTime, "04:05:06.789"},
		{NewTimestamp(ts("2026-11-22 03:37:49.38054")), TTimestamp, "2026-11-22 03:37:49.38054"},
		{NewTimestamp(-1), TTimestamp, "1969-12-31 23:59:59.999999"},
		{NewTimestamptz(ts("2026-11-22 03:37:49.38054")), TTimestamptz, "2026-11-22 03:37:49.38054+00"},
		{NewTimestamptz(NegInfinityMicros), TTimestamptz, "-infinity"},
		{NewInterval(IntervalValue{}), TInterval, "00:00:00"},
		{NewInterval(IntervalValue{Days: 1}), TInterval, "1 day"},
		{NewInterval(IntervalValue{Months: 14, Days: 3, Micros: 4*usPerHour + 5*usPerMinute + 6*usPerSec + 700000}), TInterval, "1 year 2 mons 3 days 04:05:06.7"},
		{NewInterval(IntervalValue{Days: -1, Micros: 2 * usPerHour}), TInterval, "-1 days +02:00:00"},
		{NewInterval(IntervalValue{Months: -1, Days: 1, Micros: -1}), TInterval, "-1 mons +1 day -00:00:00.000001"},
		{NewInterval(IntervalValue{Micros: math.MinInt64}), TInterval, "-2562047788:00:54.775808"},
		{NewInterval(IntervalValue{Months: math.MaxInt32}), TInterval, "178956970 years 7 mons"},
		{NewJSON(`{"a": 1}`), TJsonb, `{"a": 1}`},
		{NewBytes([]byte("0123456789abcdef")), TUuid, "30313233-3435-3637-3839-616263646566"},
		{NewArray([]Datum{NewInt(1), Null, NewInt(3)}), ArrayOf(Int4), "{1,NULL,3}"},
		{NewArray([]Datum{NewString("a b"), NewString(`x"y`), NewString(""), NewString("NULL"), NewString("null"),
			NewString("a,b"), NewString(`a\b`), NewString("{"), NewString("é"), Null, NewString(" ")}), ArrayOf(Text),
			`{"a b","x\"y","","NULL","null","a,b","a\\b","{",é,NULL," "}`},
		{NewArray([]Datum{NewBytes([]byte{1})}), ArrayOf(Bytea), `{"\\x01"}`},
		{NewArray([]Datum{NewJSON(`{"a": 1}`)}), ArrayOf(Jsonb), `{"{\"a\": 1}"}`},
		{NewArray([]Datum{NewTimestamptz(ts("2026-11-22 10:00"))}), ArrayOf(Timestamptz), `{"2026-11-22 10:00:00+00"}`},
		{NewArray(nil), ArrayOf(Int4), "{}"},
		{NewArray([]Datum{NewInt(1), NewString("a b"), Null, NewString("")}), TRecord, `(1,"a b",,"")`},
		{NewArray([]Datum{NewInt(1), NewArray([]Datum{NewInt(1), NewInt(2)})}), TRecord, `(1,"{1,2}")`},
		{NewArray([]Datum{NewString(`a"b\c`)}), TRecord, `("a""b\\c")`},
		// A datum whose kind does not match the type prints by its kind.
		{NewInt(7), TText, "7"},
		{Null, TInt4, ""},
	}
	for _, c := range cases {
		if got := FormatText(c.d, c.typ, nil); got != c.want {
			t.Errorf("FormatText(%v as %s) = %q, want %q", c.d, c.typ, got, c.want)
		}
		if c.d.IsNull() {
			continue
		}
		// AppendText appends after existing bytes.
		if got := string(AppendText([]byte("x"), c.d, c.typ, nil)); got != "x"+c.want {
			t.Errorf("AppendText(%v as %s) = %q, want %q", c.d, c.typ, got, "x"+c.want)
		}
	}
}

func TestParseTextRecordVoid(t *testing.T) {
	if _, err := ParseText("(1,2)", TRecord, nil); sqlerr.Code(err) != sqlerr.FeatureNotSupported {
		t.Errorf("record input: %v, want 0A000", err)
	}
	if d, err := ParseText("", TVoid, nil); err != nil || !d.IsNull() {
		t.Errorf("void input = %v, %v", d, err)
	}
}

// TestTextRoundTrip checks ParseText(FormatText(v)) == v for values of
// every type, including the extremes.
func TestTextRoundTrip(t *testing.T) {
	vals := []struct {
		typ Type
		in  string
	}{
		{TInt2, "-32768"}, {TInt4, "2147483647"}, {TInt8, "-9223372036854775808"},
		{TFloat8, "5e-324"}, {TFloat8, "1.7976931348623157e+308"}, {TFloat8, "0.1"}, {TFloat8, "-0"},
		{TFloat4, "1.4e-45"}, {TFloat4, "3.4028235e+38"}, {TFloat4, "0.3"},
		{TNumeric, "-0.000123"}, {TNumeric, "12345678901234567890.5"}, {TNumeric, "NaN"},
		{TDate, "4714-11-24 BC"}, {TDate, "5874897-12-31"}, {TDate, "0001-01-01 BC"},
		{TTimestamp, "294246-12-31 23:59:59.999999"}, {TTimestamp, "4714-11-24 00:00:00 BC"},
		{TTimestamptz, "1969-12-31 23:59:59.5+00"},
		{TTime, "23:59:59.999999"},
		{TInterval, "-178000000 years -11 mons -2147483648 days -2147483647:59:59.999999"},
		{TInterval, "178000000 years 2147483647 days 2147483647:00:00"},
		{TInterval, "-1 days +00:00:00.000001"},
		{TBytea, `\x00ff`}, {TUuid, "00000000-0000-0000-0000-000000000000"},
		{TJsonb, `{"a": [1, "x", null, true, {"": -1.50}]}`},
		{ArrayOf(Text), `{"",NULL,"NULL","\\",a}`},
		{ArrayOf(Date), `{2026-11-22,infinity}`},
	}
	for _, v := range vals {
		d1 := mustParse(t, v.in, v.typ)
		s1 := FormatText(d1, v.typ, nil)
		d2, err := ParseText(s1, v.typ, nil)
		if err != nil {
			t.Errorf("%s %q: reparse of %q: %v", v.typ, v.in, s1, err)
			continue
		}
		if Compare(d1, d2) != 0 || FormatText(d2, v.typ, nil) != s1 {
			t.Errorf("%s %q: %q does not round-trip (got %q)", v.typ, v.in, s1, FormatText(d2, v.typ, nil))
		}
	}
}

func TestCalendar(t *testing.T) {
	// daysFromCivil and civilFromDays agree over a wide range, and the
	// epoch constants are right.
	for days := int64(-800000); days < 800000; days += 97 {
		y, m, d := civilFromDays(days)
		if got := daysFromCivil(y, m, d); got != days {
			t.Fatalf("round trip of day %d: %d-%d-%d -> %d", days, y, m, d, got)
		}
	}
	for _, c := range []struct {
		y, m, d, want int64
	}{
		{1970, 1, 1, 0}, {2000, 1, 1, pgEpochDays}, {-4713, 11, 24, minDateDays},
		{5874898, 1, 1, endDateDays}, {294247, 1, 1, endTimestampDay}, {1, 1, 1, -719162}, {0, 1, 1, -719528},
	} {
		if got := daysFromCivil(c.y, c.m, c.d); got != c.want {
			t.Errorf("daysFromCivil(%d,%d,%d) = %d, want %d", c.y, c.m, c.d, got, c.want)
		}
	}
}

func TestLoadZone(t *testing.T) {
	for _, name := range []string{"UTC", "utc", "Z", "America/New_York", "america/new_york", "EUROPE/BERLIN", "EST5EDT", "PST", "cest"} {
		if _, ok := LoadZone(name); !ok {
			t.Errorf("LoadZone(%q) failed", name)
		}
	}
	for _, name := range []string{"", "Local", "Foo/Bar", "../etc/passwd", "nonsense"} {
		if _, ok := LoadZone(name); ok {
			t.Errorf("LoadZone(%q) succeeded", name)
		}
	}
	loc, _ := LoadZone("pst")
	if _, off := time.Unix(0, 0).In(loc).Zone(); off != -8*3600 {
		t.Errorf("PST offset %d", off)
	}
}

// FuzzParseText checks that ParseText never panics and that every value it
// accepts prints to text that reads back to the same value.
func FuzzParseText(f *testing.F) {
	seeds := []struct {
		id uint8
		s  string
	}{
		{uint8(Int4), " 12 "}, {uint8(Int8), "-9223372036854775808"}, {uint8(Float8), "1.5e-7"},
		{uint8(Float4), "3.4e38"}, {uint8(Numeric), "-12.340e-3"}, {uint8(Bool), "yes"},
		{uint8(Date), "Nov 22 2026"}, {uint8(Timestamp), "2026-11-22T03:04:05.5Z"},
		{uint8(Timestamptz), "2026-11-22 03:04:05 America/New_York"}, {uint8(Time), "04:05 PM"},
		{uint8(Interval), "@ 1 year 2.5 days 04:05:06 ago"}, {uint8(Interval), "P1Y2.5DT3H"},
		{uint8(Jsonb), `{"b":[1,2.50,"\u00e9"],"a":null}`}, {uint8(Json), `[1, {"a": "b"}]`},
		{uint8(Bytea), `\x0102`}, {uint8(Bytea), `a\\b\001`}, {uint8(Uuid), "{a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11}"},
		{uint8(Array), `{"a b",NULL,c}`}, {uint8(Char), `\351`}, {uint8(Oid), "-1"},
		{uint8(Varchar), "abc  "}, {uint8(Text), "é"}, {uint8(Char), "\x00"},
	}
	for _, s := range seeds {
		f.Add(s.id, s.s)
	}
	f.Fuzz(func(t *testing.T, id uint8, s string) {
		typ := Type{ID: ID(id) % numIDs}
		switch typ.ID {
		case Array:
			typ.Elem = Text
		case Varchar:
			typ.Mod = 8
		case Record, Void:
			return
		}
		d, err := ParseText(s, typ, nil)
		if err != nil {
			if _, ok := err.(*sqlerr.Error); !ok {
				t.Fatalf("ParseText(%q, %s): error %T is not *sqlerr.Error", s, typ, err)
			}
			return
		}
		out := FormatText(d, typ, nil)
		d2, err := ParseText(out, typ, nil)
		if err != nil {
			t.Fatalf("ParseText(%q, %s) printed %q, which does not parse: %v", s, typ, out, err)
		}
		if out2 := FormatText(d2, typ, nil); out2 != out {
			t.Fatalf("ParseText(%q, %s): %q reprints as %q", s, typ, out, out2)
		}
		if typ.ID != Json && Compare(d, d2) != 0 {
			t.Fatalf("ParseText(%q, %s): %q reads back as a different value", s, typ, out)
		}
		if b, err := AppendBinary(nil, d, typ); err == nil {
			if d3, err := DecodeBinary(b, typ); err != nil || Compare(d, d3) != 0 {
				t.Fatalf("binary round trip of %q as %s: %v", out, typ, err)
			}
		} else {
			t.Fatalf("AppendBinary(%q as %s): %v", out, typ, err)
		}
	})
}
