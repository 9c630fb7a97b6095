package sql

import (
	"context"
	"slices"
	"testing"

	"github.com/eddy-db/eddy/sql/sqlerr"
)

func TestSplitIdentList(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		ok   bool
	}{
		{"", nil, true},
		{"  ", nil, true},
		{"public", []string{"public"}, true},
		{`"$user", public`, []string{"$user", "public"}, true},
		{"PUBLIC , X", []string{"public", "x"}, true},
		{`"My ""Schema""",b`, []string{`My "Schema"`, "b"}, true},
		{`""`, []string{""}, true},
		{"$user", []string{"$user"}, true},
		{"a,,b", nil, false},
		{"a,", nil, false},
		{",a", nil, false},
		{"a b", nil, false},
		{`"unclosed`, nil, false},
	} {
		got, ok := splitIdentList(tc.in)
		if ok != tc.ok || !slices.Equal(got, tc.want) {
			t.Errorf("splitIdentList(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseSearchPath(t *testing.T) {
	for _, tc := range []struct {
		raw, user        string
		explicit, lookup []string
	}{
		{`"$user", public`, "root", []string{"public"}, []string{"pg_catalog", "public"}},
		{`"$user", public`, "public", []string{"public"}, []string{"pg_catalog", "public"}},
		{"", "root", nil, []string{"pg_catalog"}},
		{"nosuch, rw_catalog, public", "root", []string{"rw_catalog", "public"}, []string{"pg_catalog", "rw_catalog", "public"}},
		{"public, pg_catalog, public", "root", []string{"public", "pg_catalog"}, []string{"public", "pg_catalog"}},
		{"a,,b", "root", nil, []string{"pg_catalog"}},
	} {
		p := parseSearchPath(tc.raw, tc.user)
		if !slices.Equal(p.explicit, tc.explicit) || !slices.Equal(p.lookup, tc.lookup) {
			t.Errorf("parseSearchPath(%q, %q) = %q, %q; want %q, %q", tc.raw, tc.user, p.explicit, p.lookup, tc.explicit, tc.lookup)
		}
	}
}

// A prepared statement is bound again when search_path changes, as
// PostgreSQL replans it: its names may resolve elsewhere, or nowhere.
func TestPreparedFollowsSearchPath(t *testing.T) {
	e := newEngine(t)
	s := newSession(t, e)
	mustRun(t, s, "CREATE TABLE sp (a int); INSERT INTO sp VALUES (1), (2)")
	p, err := s.Prepare("SELECT count(*) FROM sp", nil)
	if err != nil {
		t.Fatal(err)
	}
	exec := func() (string, error) {
		pt, err := s.Bind("", p, nil)
		if err != nil {
			return "", err
		}
		w := &rowText{cols: p.Columns, env: s.Env()}
		_, _, err = s.Execute(context.Background(), pt, 0, w)
		if len(w.rows) != 1 {
			return "", err
		}
		return w.rows[0], err
	}
	if got, err := exec(); err != nil || got != "2" {
		t.Fatalf("before: %q, %v", got, err)
	}
	mustRun(t, s, "SET search_path = ''")
	if _, err := exec(); sqlerr.Code(err) != sqlerr.UndefinedTable {
		t.Errorf("with search_path '': %v, want 42P01", err)
	}
	mustRun(t, s, "SET search_path = nosuch, public")
	if got, err := exec(); err != nil || got != "2" {
		t.Errorf("with search_path nosuch, public: %q, %v", got, err)
	}
}

// A view keeps the search path it was created with, across a restart.
func TestViewSearchPathPersists(t *testing.T) {
	dir := t.TempDir()
	e, s := openAt(t, dir)
	mustRun(t, s, "CREATE TABLE sp (a int, b text)")
	mustRun(t, s, "SET search_path = public, information_schema")
	mustRun(t, s, "CREATE VIEW sp_cols AS SELECT column_name FROM columns WHERE table_name = 'sp'")
	mustRun(t, s, "CREATE VIEW sp_plain AS SELECT count(*) AS n FROM sp")
	if o, _ := e.Catalog.Lookup("public", "sp_cols"); o == nil || o.SearchPath != "public, information_schema" {
		t.Errorf("stored search path: %+v", o)
	}
	shut(t, e, s)
	e, s = openAt(t, dir)
	defer shut(t, e, s)
	check(t, s, "SELECT * FROM sp_cols ORDER BY 1", "a\nb\nSELECT 2")
	mustRun(t, s, "SET search_path = ''")
	check(t, s, "SELECT * FROM public.sp_cols ORDER BY 1; SELECT n FROM public.sp_plain", "a\nb\nSELECT 2\n0\nSELECT 1")
	check(t, s, "SELECT * FROM sp_cols", `ERROR 42P01: relation "sp_cols" does not exist`)
}
