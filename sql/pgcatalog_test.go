package sql

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/eddy-db/eddy/sql/types"
)

// TestCatalogOIDRanges: each kind of catalog row fits the OID range the
// layout in pgcatalog.go gives it.
func TestCatalogOIDRanges(t *testing.T) {
	buildOpCatalog()
	nAmop := 0
	for range opclasses() {
		nAmop += 5
	}
	for _, r := range []struct {
		what        string
		n           int
		first, next uint32
	}{
		{"operators", len(operators()), oidFirstOperator, oidFirstCast},
		{"casts", len(types.Casts()), oidFirstCast, oidFirstOpfamily},
		{"operator families", len(opclasses()), oidFirstOpfamily, oidFirstOpclass},
		{"operator classes", len(opclasses()), oidFirstOpclass, oidFirstAmop},
		{"pg_amop rows", nAmop, oidFirstAmop, oidFirstAmproc},
		{"pg_amproc rows", len(opclasses()), oidFirstAmproc, oidFirstFunction},
		{"functions", len(procs()), oidFirstFunction, oidFirstSysRel},
	} {
		if r.first+uint32(r.n) > r.next {
			t.Errorf("%d %s from OID %d reach into the next range at %d", r.n, r.what, r.first, r.next)
		}
	}
}

// TestCatalogReferences: the OIDs the operator and cast catalogs hold
// name rows that exist, and the reg* names of operators and functions
// read back as the same OIDs.
func TestCatalogReferences(t *testing.T) {
	s := newSession(t, newEngine(t))
	mustRun(t, s, "CREATE TABLE cat_keys (i INT, v VARCHAR, r REGCLASS, d DATE, PRIMARY KEY (i, v, r, d))")
	for _, c := range []struct{ what, query string }{
		// A cast's function takes its source and returns its target, or
		// types binary-coercible from and to them.
		{"casts by function without one", `SELECT count(*) FROM pg_cast c WHERE (c.castmethod = 'f') <> (c.castfunc <> 0)
			OR (c.castfunc <> 0 AND NOT EXISTS (SELECT 1 FROM pg_proc p WHERE p.oid = c.castfunc
				AND (p.proargtypes[0] = c.castsource OR EXISTS (SELECT 1 FROM pg_cast b
					WHERE b.castsource = c.castsource AND b.casttarget = p.proargtypes[0] AND b.castmethod = 'b'))
				AND (p.prorettype = c.casttarget OR EXISTS (SELECT 1 FROM pg_cast b
					WHERE b.castsource = p.prorettype AND b.casttarget = c.casttarget AND b.castmethod = 'b'))))`},
		{"cast functions of other types", `SELECT count(*) FROM pg_cast c JOIN pg_proc p ON p.oid = c.castfunc
			WHERE c.castsource <> c.casttarget AND p.pronargs <> 1`},
		{"commutators or negators that do not exist", `SELECT count(*) FROM pg_operator o WHERE
			(o.oprcom <> 0 AND NOT EXISTS (SELECT 1 FROM pg_operator c WHERE c.oid = o.oprcom AND c.oprleft = o.oprright AND c.oprright = o.oprleft))
			OR (o.oprnegate <> 0 AND NOT EXISTS (SELECT 1 FROM pg_operator n WHERE n.oid = o.oprnegate AND n.oprleft = o.oprleft AND n.oprright = o.oprright))`},
		{"btree strategies without their operator", `SELECT count(*) FROM pg_amop a WHERE NOT EXISTS
			(SELECT 1 FROM pg_operator o WHERE o.oid = a.amopopr AND o.oprleft = a.amoplefttype AND o.oprright = a.amoprighttype AND o.oprresult = 'boolean'::regtype)`},
		{"support functions that do not exist", `SELECT count(*) FROM pg_amproc a WHERE NOT EXISTS
			(SELECT 1 FROM pg_proc p WHERE p.oid = a.amproc AND p.prorettype = 'integer'::regtype)`},
		{"classes without their family", `SELECT count(*) FROM pg_opclass c WHERE NOT EXISTS
			(SELECT 1 FROM pg_opfamily f WHERE f.oid = c.opcfamily AND f.opfname = c.opcname)`},
		{"operators whose regoperator does not read back", `SELECT count(*) FROM pg_operator WHERE oid::regoperator::text::regoperator::oid <> oid`},
		{"functions whose regprocedure does not read back", `SELECT count(*) FROM pg_proc WHERE oid::regprocedure::text::regprocedure::oid <> oid`},
	} {
		if got := mustRun(t, s, c.query); got != "0\nSELECT 1" {
			t.Errorf("%s:\n%s", c.what, got)
		}
	}
	// A key column's class is its type's, varchar's text's and the OID
	// types' oid's.
	check(t, s, `SELECT c.opcname FROM pg_index i, generate_series(0, 3) k, pg_opclass c
		WHERE i.indrelid = 'cat_keys'::regclass AND c.oid = i.indclass[k] ORDER BY k`,
		"int4_ops\ntext_ops\noid_ops\ndate_ops\nSELECT 4")
	// Eddy keeps no planner statistics.
	check(t, s, "SELECT count(*) FROM pg_catalog.pg_statistic", "0\nSELECT 1")
}

// TestUnsupportedCatalogRelations: a relation of PostgreSQL's catalogs
// that Eddy does not compute is not supported (0A000), whether named
// with its schema or found along the search path; other names stay
// missing (42P01), and a user table may take such a name.
func TestUnsupportedCatalogRelations(t *testing.T) {
	s := newSession(t, newEngine(t))
	const shmem = "ERROR 0A000: feature not supported: system relation pg_catalog.pg_shmem_allocations"
	check(t, s, "SELECT * FROM pg_catalog.pg_shmem_allocations", shmem)
	check(t, s, "SELECT * FROM pg_shmem_allocations", shmem)
	check(t, s, "SELECT name FROM pg_catalog.pg_shmem_allocations a JOIN pg_class c ON c.relname = a.name", shmem)
	const features = "ERROR 0A000: feature not supported: system relation information_schema.sql_features"
	check(t, s, "SELECT * FROM information_schema.sql_features", features)
	// information_schema is not on the default search path.
	check(t, s, "SELECT * FROM sql_features", `ERROR 42P01: relation "sql_features" does not exist`)
	check(t, s, "SELECT * FROM pg_catalog.pg_no_such_view", `ERROR 42P01: relation "pg_catalog.pg_no_such_view" does not exist`)
	check(t, s, "SELECT * FROM pg_no_such_view", `ERROR 42P01: relation "pg_no_such_view" does not exist`)
	// Names are looked up in the schema they are PostgreSQL's in.
	check(t, s, "SELECT * FROM public.pg_shmem_allocations", `ERROR 42P01: relation "public.pg_shmem_allocations" does not exist`)
	check(t, s, "SELECT * FROM information_schema.pg_shmem_allocations",
		`ERROR 42P01: relation "information_schema.pg_shmem_allocations" does not exist`)

	mustRun(t, s, "SET search_path = information_schema, public")
	check(t, s, "SELECT * FROM sql_features", features)
	check(t, s, "SELECT count(*) FROM table_constraints", "0\nSELECT 1")
	mustRun(t, s, "RESET search_path")

	// Every relation of PostgreSQL's catalogs is computed or not
	// supported; the list is sorted (it is searched).
	if !sort.StringsAreSorted(pgRelationNames) {
		t.Errorf("pgRelationNames is not sorted")
	}
	for i, n := range pgRelationNames {
		if i > 0 && pgRelationNames[i-1] == n {
			t.Errorf("%s listed twice", n)
		}
		if _, ok := systemRelations[n]; ok {
			continue
		}
		schema, name, _ := strings.Cut(n, ".")
		want := "ERROR 0A000: feature not supported: system relation " + n
		check(t, s, "SELECT * FROM "+n, want)
		if schema == "pg_catalog" {
			check(t, s, "SELECT * FROM "+name, want)
		}
	}
	// A user table named like a relation Eddy lacks is found along the
	// search path (pg_catalog holds no such relation); one named like a
	// relation Eddy has cannot be created.
	mustRun(t, s, "CREATE TABLE pg_shmem_allocations (name text)")
	mustRun(t, s, "INSERT INTO pg_shmem_allocations VALUES ('mine')")
	check(t, s, "SELECT * FROM pg_shmem_allocations", "mine\nSELECT 1")
	check(t, s, "SELECT * FROM public.pg_shmem_allocations", "mine\nSELECT 1")
	check(t, s, "SELECT * FROM pg_catalog.pg_shmem_allocations", shmem)
	check(t, s, "CREATE TABLE pg_locks (x int)", `ERROR 42P07: relation "pg_locks" already exists as a system catalog`)
	check(t, s, "SELECT count(*) FROM pg_locks", "0\nSELECT 1")

	// Eddy's pg_catalog and information_schema hold only PostgreSQL's
	// relations.
	for n := range systemRelations {
		if schema, name, _ := strings.Cut(n, "."); schema != "rw_catalog" && !isPgRelationName(schema, name) {
			t.Errorf("%s is no relation of PostgreSQL 15", n)
		}
	}
}

// TestViewUsage: information_schema.view_table_usage and
// view_column_usage list what a view's own query reads, not what the
// views it reads do.
func TestViewUsage(t *testing.T) {
	s := newSession(t, newEngine(t))
	for _, q := range []string{
		"CREATE TABLE a (id INT PRIMARY KEY, x INT, y INT, z INT)",
		"CREATE TABLE b (id INT PRIMARY KEY, w INT)",
		"CREATE VIEW v1 AS SELECT x FROM a WHERE y > 0",
		"CREATE VIEW v2 AS SELECT * FROM v1",
		"CREATE VIEW v3 AS SELECT q.x AS qx, b.w FROM (SELECT id, x FROM a) q JOIN b USING (id)",
		"CREATE VIEW v4 AS WITH c AS (SELECT z FROM a) SELECT count(*) AS n FROM c, b WHERE b.w = (SELECT max(y) FROM a)",
		"CREATE VIEW v5 AS SELECT count(*) AS n FROM b",
		"CREATE MATERIALIZED VIEW m1 AS SELECT w, count(*) AS n FROM b GROUP BY w",
	} {
		mustRun(t, s, q)
	}
	check(t, s, `SELECT view_name, table_name FROM information_schema.view_table_usage ORDER BY 1, 2`,
		"m1 b\nv1 a\nv2 v1\nv3 a\nv3 b\nv4 a\nv4 b\nv5 b\nSELECT 8")
	check(t, s, `SELECT view_name, table_name, column_name FROM information_schema.view_column_usage ORDER BY 1, 2, 3`,
		"m1 b w\nv1 a x\nv1 a y\nv2 v1 x\nv3 a id\nv3 a x\nv3 b id\nv3 b w\nv4 a y\nv4 a z\nv4 b w\nSELECT 11")
}

// TestPreparedStatementsCatalog: pg_prepared_statements lists the named
// statements of the session, with how often each was bound.
func TestPreparedStatementsCatalog(t *testing.T) {
	s := newSession(t, newEngine(t))
	for _, name := range []string{"s1", ""} {
		p, err := s.Prepare("SELECT $1::int + 1", nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.StorePrepared(name, p); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ {
			if _, err := s.Bind("", p, []types.Datum{types.NewInt(1)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	check(t, s, `SELECT name, statement, parameter_types, from_sql, generic_plans, custom_plans, prepare_time <= now()
		FROM pg_prepared_statements`, "s1 SELECT $1::int + 1 {integer} f 2 0 t\nSELECT 1")
	s.ClosePrepared("s1")
	check(t, s, "SELECT count(*) FROM pg_prepared_statements", "0\nSELECT 1")
}

// TestZoneDirectory: the zones of a directory are its zone files without
// leap seconds, symbolic links to files and directories followed, dot
// files skipped.
func TestZoneDirectory(t *testing.T) {
	utc, err := os.ReadFile("/usr/share/zoneinfo/Etc/UTC")
	if err != nil {
		t.Skip("no zone files to copy:", err)
	}
	dir := t.TempDir()
	leaps := append([]byte{}, utc...)
	binary.BigEndian.PutUint32(leaps[28:], 1)
	for name, data := range map[string][]byte{
		"UTC": utc, "Etc/Zulu": utc, ".hidden": utc, "right/UTC": leaps, "zone.tab": []byte("# not a zone\n"),
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("UTC", filepath.Join(dir, "Universal")); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "posix"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../Etc", filepath.Join(dir, "posix", "Etc")); err != nil {
		t.Fatal(err)
	}
	// A link back up: followed only so deep.
	if err := os.Symlink("..", filepath.Join(dir, "posix", "up")); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, z := range readZoneDir(dir, "", 0) {
		if !strings.Contains(z.name, "posix/up/") {
			names = append(names, z.name)
		}
	}
	sort.Strings(names)
	if got, want := strings.Join(names, " "), "Etc/Zulu UTC Universal posix/Etc/Zulu"; got != want {
		t.Errorf("zones %s, want %s", got, want)
	}
}
