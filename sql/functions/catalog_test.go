package functions

import (
	"reflect"
	"testing"

	"github.com/eddy-db/eddy/sql/sqlerr"
)

// The expectations are PostgreSQL 15's answers.

func TestFormatType(t *testing.T) {
	cases := []struct {
		oid    uint32
		typmod int32
		hasMod bool
		want   string
	}{
		{23, 0, false, "integer"},
		{23, -1, true, "integer"},
		{1043, 24, true, "character varying(20)"},
		{1043, -1, true, "character varying"},
		{1042, -1, true, "bpchar"},
		{1042, 0, false, "character"},
		{1042, 8, true, "character(4)"},
		{1700, 655366, true, "numeric(10,2)"},
		{1184, 3, true, "timestamp(3) with time zone"},
		{1083, 0, false, "time without time zone"},
		{1015, 24, true, "character varying(20)[]"},
		{18, 0, false, `"char"`},
		{2276, 0, false, `"any"`},
		{2283, -1, true, "anyelement"},
		{22, 0, false, "int2vector"},
		{999999, 0, false, "???"},
	}
	for _, c := range cases {
		if got := FormatType(c.oid, c.typmod, c.hasMod); got != c.want {
			t.Errorf("format_type(%d, %d/%v) = %q, want %q", c.oid, c.typmod, c.hasMod, got, c.want)
		}
	}
}

func TestParseIdent(t *testing.T) {
	cases := []struct {
		in     string
		strict bool
		want   []string
		err    string
	}{
		{"metrics", true, []string{"metrics"}, ""},
		{`Public."My ""Table"""`, true, []string{"public", `My "Table"`}, ""},
		{"  a . b  ", true, []string{"a", "b"}, ""},
		{"a.b c", false, []string{"a", "b"}, ""},
		{"a.b c", true, nil, sqlerr.InvalidParameterValue},
		{"a.", true, nil, sqlerr.InvalidParameterValue},
		{`"a`, true, nil, sqlerr.InvalidParameterValue},
		{`""`, true, nil, sqlerr.InvalidParameterValue},
		{".a", true, nil, sqlerr.InvalidParameterValue},
	}
	for _, c := range cases {
		got, err := ParseIdent(c.in, c.strict)
		if c.err != "" {
			if sqlerr.Code(err) != c.err {
				t.Errorf("parse_ident(%q, %v): %v, want error %s", c.in, c.strict, err, c.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("parse_ident(%q, %v) = %q, %v; want %q", c.in, c.strict, got, err, c.want)
		}
	}
}

func TestSizePretty(t *testing.T) {
	cases := []struct {
		in   int64
		want string
	}{
		{0, "0 bytes"}, {10239, "10239 bytes"}, {10240, "10 kB"}, {20971519, "20 MB"},
		{123456789012, "115 GB"}, {-123456, "-121 kB"}, {1 << 62, "4096 PB"},
	}
	for _, c := range cases {
		if got := SizePretty(c.in); got != c.want {
			t.Errorf("pg_size_pretty(%d) = %q, want %q", c.in, got, c.want)
		}
	}
}
