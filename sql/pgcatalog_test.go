package sql

import (
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
	// A catalog relation Eddy does not have fails with its name.
	check(t, s, "SELECT * FROM pg_catalog.pg_statistic", `ERROR 42P01: relation "pg_catalog.pg_statistic" does not exist`)
}
