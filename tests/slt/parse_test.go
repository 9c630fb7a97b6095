package slt

import (
	"slices"
	"strings"
	"testing"
)

const sample = `# leading comment
statement ok
CREATE TABLE t (a int)

statement count 2
INSERT INTO t
VALUES (1), (2)

statement error 42P01 relation "nope" does not exist
SELECT * FROM nope

# reason: a comment between conditions is fine
skipif postgres
onlyif eddy
query IT rowsort
SELECT a, 'x y'
FROM t
----
1 x y
2 x y

query I
SELECT 1 WHERE false
----

query T valuesort
SELECT 'b' UNION ALL SELECT 'a'
----
a
b

query error division by zero
SELECT 1 / 0

query I
SELECT 3

onlyif eddy
halt

statement error
SELECT x
`

func TestParseSample(t *testing.T) {
	f, err := Parse("sample.slt", []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		kind       Kind
		line       int
		sql        string
		conds      []Condition
		expectErr  bool
		code, msg  string
		count      int64
		types      string
		sort       SortMode
		expected   []string
		sep        bool
		sqlEndLine int // 0-based index of the line after the SQL
	}
	wants := []want{
		{kind: Statement, line: 2, sql: "CREATE TABLE t (a int)", count: -1, sqlEndLine: 3},
		{kind: Statement, line: 5, sql: "INSERT INTO t\nVALUES (1), (2)", count: 2, sqlEndLine: 7},
		{kind: Statement, line: 9, sql: "SELECT * FROM nope", count: -1, expectErr: true, code: "42P01", msg: `relation "nope" does not exist`, sqlEndLine: 10},
		{kind: Query, line: 15, sql: "SELECT a, 'x y'\nFROM t", count: -1,
			conds: []Condition{{Only: false, Engine: "postgres"}, {Only: true, Engine: "eddy"}},
			types: "IT", sort: RowSort, expected: []string{"1 x y", "2 x y"}, sep: true, sqlEndLine: 17},
		{kind: Query, line: 22, sql: "SELECT 1 WHERE false", count: -1, types: "I", expected: nil, sep: true, sqlEndLine: 23},
		{kind: Query, line: 26, sql: "SELECT 'b' UNION ALL SELECT 'a'", count: -1, types: "T", sort: ValueSort, expected: []string{"a", "b"}, sep: true, sqlEndLine: 27},
		{kind: Query, line: 32, sql: "SELECT 1 / 0", count: -1, expectErr: true, msg: "division by zero", sqlEndLine: 33},
		{kind: Query, line: 35, sql: "SELECT 3", count: -1, types: "I", sqlEndLine: 36},
		{kind: Halt, line: 39, count: -1, conds: []Condition{{Only: true, Engine: "eddy"}}},
		{kind: Statement, line: 41, sql: "SELECT x", count: -1, expectErr: true, sqlEndLine: 42},
	}
	if len(f.Records) != len(wants) {
		t.Fatalf("got %d records, want %d", len(f.Records), len(wants))
	}
	for i, w := range wants {
		r := f.Records[i]
		if r.Kind != w.kind || r.Line != w.line || r.SQL != w.sql || r.Count != w.count || r.Types != w.types || r.Sort != w.sort {
			t.Errorf("record %d = {kind %d line %d sql %q count %d types %q sort %s}, want {kind %d line %d sql %q count %d types %q sort %s}",
				i, r.Kind, r.Line, r.SQL, r.Count, r.Types, r.Sort, w.kind, w.line, w.sql, w.count, w.types, w.sort)
		}
		if !slices.Equal(r.Conditions, w.conds) {
			t.Errorf("record %d conditions = %v, want %v", i, r.Conditions, w.conds)
		}
		if !slices.Equal(r.Expected, w.expected) {
			t.Errorf("record %d expected = %q, want %q", i, r.Expected, w.expected)
		}
		if r.ExpectError != w.expectErr || r.Error.Code != w.code {
			t.Errorf("record %d error = %v %q, want %v %q", i, r.ExpectError, r.Error.Code, w.expectErr, w.code)
		}
		gotMsg := ""
		if r.Error.Message != nil {
			gotMsg = r.Error.Message.String()
		}
		if gotMsg != w.msg {
			t.Errorf("record %d error message pattern = %q, want %q", i, gotMsg, w.msg)
		}
		if (r.sep >= 0) != w.sep {
			t.Errorf("record %d has separator %v, want %v", i, r.sep >= 0, w.sep)
		}
		if w.kind != Halt && r.sqlEnd != w.sqlEndLine {
			t.Errorf("record %d sqlEnd = %d, want %d", i, r.sqlEnd, w.sqlEndLine)
		}
	}
	if got := len(f.Lines); got != 42 {
		t.Errorf("file has %d lines, want 42", got)
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{"unknown directive", "statement ok\nSELECT 1\n\nselect 1\n", "x.slt:4: unknown directive \"select\""},
		{"statement without sql", "statement ok\n\nquery I\nSELECT 1\n", "x.slt:1: statement without SQL"},
		{"statement at eof", "statement ok", "x.slt:1: statement without SQL"},
		{"query without sql", "query I\n----\n1\n", "x.slt:1: query without SQL"},
		{"statement mode", "statement maybe\nSELECT 1\n", "x.slt:1: unknown statement mode \"maybe\""},
		{"statement ok extra", "statement ok please\nSELECT 1\n", "x.slt:1: unexpected \"please\" after statement ok"},
		{"bad count", "statement count many\nSELECT 1\n", "x.slt:1: bad statement count \"many\""},
		{"negative count", "statement count -1\nSELECT 1\n", "x.slt:1: bad statement count \"-1\""},
		{"count arity", "statement count\nSELECT 1\n", "x.slt:1: statement count needs one number"},
		{"bad regex", "statement error 42601 (\nSELECT 1\n", "x.slt:1: bad error pattern \"(\""},
		{"bad types", "query I1\nSELECT 1\n", "x.slt:1: bad column types \"I1\""},
		{"unknown option", "query I rowsrot\nSELECT 1\n", "x.slt:1: unknown query option \"rowsrot\""},
		{"query error with results", "query error\nSELECT 1\n----\n1\n", "x.slt:3: query error takes no results"},
		{"condition without engine", "skipif\nstatement ok\nSELECT 1\n", "x.slt:1: skipif needs an engine name"},
		{"dangling condition", "statement ok\nSELECT 1\n\nonlyif eddy\n", "x.slt: skipif/onlyif at the end of the file"},
		{"statement keyword alone", "statement\nSELECT 1\n", "x.slt:1: statement needs ok, count or error"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("x.slt", []byte(c.src))
			if err == nil {
				t.Fatalf("Parse succeeded, want error %q", c.want)
			}
			if !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("error = %q, want prefix %q", err, c.want)
			}
		})
	}
}

func TestParseEmptyAndCRLF(t *testing.T) {
	f, err := Parse("e.slt", nil)
	if err != nil || len(f.Records) != 0 || len(f.Lines) != 0 {
		t.Fatalf("empty file: %v, %d records, %d lines", err, len(f.Records), len(f.Lines))
	}
	f, err = Parse("crlf.slt", []byte("query T\r\nSELECT 'a'\r\n----\r\na\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if r := f.Records[0]; r.SQL != "SELECT 'a'" || !slices.Equal(r.Expected, []string{"a"}) {
		t.Errorf("CRLF record = %q %q", r.SQL, r.Expected)
	}
}

func TestErrorPattern(t *testing.T) {
	cases := []struct {
		pattern   string
		wantCode  string
		wantMsg   string // regexp source, "" for none
		code, msg string
		match     bool
	}{
		{"", "", "", "42601", "anything", true},
		{"42P01", "42P01", "", "42P01", `relation "x" does not exist`, true},
		{"42P01", "42P01", "", "42703", `relation "x" does not exist`, false},
		{"42P01 relation \"x\"", "42P01", `relation "x"`, "42P01", `relation "x" does not exist`, true},
		{"42P01 relation \"y\"", "42P01", `relation "y"`, "42P01", `relation "x" does not exist`, false},
		{"  22012   division by zero ", "22012", "division by zero", "22012", "division by zero", true},
		{"division by zero", "", "division by zero", "22012", "division by zero", true},
		{"division by zero", "", "division by zero", "22012", "overflow", false},
		// Five capitals without a digit are a message pattern, not a code.
		{"ERROR", "", "ERROR", "XX000", "INTERNAL ERROR", true},
		{"XX000", "XX000", "", "XX000", "internal", true},
		{"0A000 feature", "0A000", "feature", "0A000", "feature not supported: x", true},
		{"^syntax.*\"SELEC\"$", "", "^syntax.*\"SELEC\"$", "42601", `syntax error at or near "SELEC"`, true},
		// A lower-case five-character word is a message pattern.
		{"abc12", "", "abc12", "42601", "xabc12y", true},
	}
	for _, c := range cases {
		p, err := ParseErrorPattern(c.pattern)
		if err != nil {
			t.Fatalf("ParseErrorPattern(%q): %v", c.pattern, err)
		}
		gotMsg := ""
		if p.Message != nil {
			gotMsg = p.Message.String()
		}
		if p.Code != c.wantCode || gotMsg != c.wantMsg {
			t.Errorf("ParseErrorPattern(%q) = {%q, %q}, want {%q, %q}", c.pattern, p.Code, gotMsg, c.wantCode, c.wantMsg)
		}
		if got := p.Match(c.code, c.msg); got != c.match {
			t.Errorf("%q.Match(%q, %q) = %v, want %v", c.pattern, c.code, c.msg, got, c.match)
		}
	}
	if s := (ErrorPattern{}).String(); s != "" {
		t.Errorf("zero pattern String() = %q", s)
	}
	p, _ := ParseErrorPattern("42P01 does not exist")
	if s := p.String(); s != "42P01 does not exist" {
		t.Errorf("String() = %q", s)
	}
}

func TestSkip(t *testing.T) {
	cases := []struct {
		conds        []Condition
		eddy, postgr bool // skipped on
	}{
		{nil, false, false},
		{[]Condition{{Only: true, Engine: "eddy"}}, false, true},
		{[]Condition{{Only: true, Engine: "postgres"}}, true, false},
		{[]Condition{{Only: false, Engine: "eddy"}}, true, false},
		{[]Condition{{Only: false, Engine: "postgres"}}, false, true},
		{[]Condition{{Only: false, Engine: "sqlite"}}, false, false},
		{[]Condition{{Only: true, Engine: "sqlite"}}, true, true},
		{[]Condition{{Only: true, Engine: "eddy"}, {Only: false, Engine: "postgres"}}, false, true},
		{[]Condition{{Only: true, Engine: "eddy"}, {Only: true, Engine: "postgres"}}, true, true},
	}
	for _, c := range cases {
		r := &Record{Conditions: c.conds}
		if got := r.Skip("eddy"); got != c.eddy {
			t.Errorf("%v Skip(eddy) = %v, want %v", c.conds, got, c.eddy)
		}
		if got := r.Skip("POSTGRES"); got != c.postgr {
			t.Errorf("%v Skip(POSTGRES) = %v, want %v", c.conds, got, c.postgr)
		}
	}
}

func TestFormatRows(t *testing.T) {
	rows := [][][]byte{
		{[]byte("2"), nil, []byte("")},
		{[]byte("1"), []byte("a b"), []byte("x\ny")},
		{[]byte("10"), []byte("trailing  "), nil},
	}
	cases := []struct {
		mode SortMode
		want []string
	}{
		{NoSort, []string{"2 NULL (empty)", `1 a b x\ny`, "10 trailing   NULL"}},
		{RowSort, []string{`1 a b x\ny`, "10 trailing   NULL", "2 NULL (empty)"}},
		{ValueSort, []string{"(empty)", "1", "10", "2", "NULL", "NULL", "a b", "trailing", `x\ny`}},
	}
	for _, c := range cases {
		if got := FormatRows(rows, c.mode); !slices.Equal(got, c.want) {
			t.Errorf("FormatRows(%s) = %q, want %q", c.mode, got, c.want)
		}
	}
	if got := FormatRows(nil, NoSort); got == nil || len(got) != 0 {
		t.Errorf("FormatRows(nil) = %#v, want an empty slice", got)
	}
}

func TestRewrite(t *testing.T) {
	src := `# keep me
statement ok
CREATE TABLE t (a int)

query I
SELECT a FROM t
----
1
2

onlyif other
query I
SELECT 'skipped'
----
stays

query T
SELECT 'no separator'

query T
SELECT 'at eof'
----
old`
	f, err := Parse("r.slt", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	actual := map[*Record][]string{
		f.Records[1]: {"3"},
		f.Records[3]: {"no separator"},
		f.Records[4]: {"new 1", "new 2"},
	}
	want := `# keep me
statement ok
CREATE TABLE t (a int)

query I
SELECT a FROM t
----
3

onlyif other
query I
SELECT 'skipped'
----
stays

query T
SELECT 'no separator'
----
no separator

query T
SELECT 'at eof'
----
new 1
new 2
`
	got := string(Rewrite(f, actual))
	if got != want {
		t.Errorf("Rewrite =\n%s\nwant\n%s", got, want)
	}
	// Rewriting the result with its own rows changes nothing.
	f2, err := Parse("r.slt", []byte(got))
	if err != nil {
		t.Fatal(err)
	}
	same := map[*Record][]string{}
	for _, r := range f2.Records {
		if r.Kind == Query {
			same[r] = r.Expected
		}
	}
	if again := string(Rewrite(f2, same)); again != got {
		t.Errorf("second Rewrite changed the file:\n%s", again)
	}
	// An empty result leaves the separator alone.
	f3, _ := Parse("r.slt", []byte("query I\nSELECT 1 WHERE false\n----\n1\n\n# end\n"))
	if got := string(Rewrite(f3, map[*Record][]string{f3.Records[0]: {}})); got != "query I\nSELECT 1 WHERE false\n----\n\n# end\n" {
		t.Errorf("Rewrite to no rows = %q", got)
	}
}
