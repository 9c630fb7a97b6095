package pgcatalog

import (
	"reflect"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// contentsSetup adds, on both servers, a table with a primary key and a
// NOT NULL column, a view over a view and a view with a join.
var contentsSetup = []string{
	`CREATE TABLE t (id int PRIMARY KEY, name varchar NOT NULL, v int)`,
	`CREATE VIEW v_star AS SELECT * FROM v_metrics`,
	`CREATE VIEW v_join AS SELECT a.id, b.v FROM t a JOIN t b USING (id) WHERE a.name <> ''`,
	`CREATE VIEW v_count AS SELECT count(*) AS n FROM t`,
}

// TestCatalogContentsPostgres compares the rows of the constraint,
// view-usage, routine, role, character-set and server catalogs of Eddy
// with PostgreSQL 15's over the same objects, wherever Eddy means to give
// PostgreSQL's answer.
func TestCatalogContentsPostgres(t *testing.T) {
	ctx := testContext(t)
	pgConn, eddyConn := pair(ctx, t, append(setup, contentsSetup...))
	both := func(t *testing.T, sql string) (pgRows, eddyRows []string) {
		t.Helper()
		return rowsOf(ctx, t, pgConn, sql), rowsOf(ctx, t, eddyConn, sql)
	}
	same := func(t *testing.T, sql string) {
		t.Helper()
		want, got := both(t, sql)
		if !reflect.DeepEqual(want, got) {
			t.Errorf("%s\nPostgreSQL:\n\t%s\nEddy:\n\t%s", sql, strings.Join(want, "\n\t"), strings.Join(got, "\n\t"))
		}
	}
	// subset checks that every row Eddy gives, PostgreSQL gives too, and
	// that Eddy gives at least min.
	subset := func(t *testing.T, sql string, min int) {
		t.Helper()
		want, got := both(t, sql)
		pgRows := map[string]bool{}
		for _, r := range want {
			pgRows[r] = true
		}
		for _, r := range got {
			if !pgRows[r] {
				t.Errorf("%s\nEddy's row %s: PostgreSQL has none", sql, r)
			}
		}
		if len(got) < min {
			t.Errorf("%s\nEddy gives %d rows, want at least %d", sql, len(got), min)
		}
	}

	t.Run("constraints", func(t *testing.T) {
		// The NOT NULL checks are named after the table's OID.
		tableOIDs := func(conn *pgconn.PgConn, rows []string) []string {
			out := make([]string, len(rows))
			copy(out, rows)
			for _, table := range []string{"t", "metrics"} {
				o := rowsOf(ctx, t, conn, "SELECT '"+table+"'::regclass::oid")[0]
				for i, r := range out {
					out[i] = strings.ReplaceAll(r, "_"+o+"_", "_<"+table+">_")
				}
			}
			return out
		}
		for _, sql := range []string{
			`SELECT constraint_schema, constraint_name, table_schema, table_name, constraint_type, is_deferrable,
				initially_deferred, enforced, nulls_distinct FROM information_schema.table_constraints
				WHERE table_name IN ('t', 'metrics') ORDER BY table_name, constraint_name`,
			`SELECT c.constraint_schema, c.constraint_name, c.check_clause FROM information_schema.check_constraints c
				JOIN information_schema.table_constraints tc ON tc.constraint_name = c.constraint_name
				WHERE tc.table_name IN ('t', 'metrics') ORDER BY 2`,
			`SELECT constraint_name, table_name, column_name, ordinal_position, position_in_unique_constraint
				FROM information_schema.key_column_usage WHERE table_schema = 'public' ORDER BY 1, 4`,
			`SELECT table_name, column_name, constraint_name FROM information_schema.constraint_column_usage
				WHERE table_schema = 'public' ORDER BY 1, 2`,
			`SELECT count(*) FROM information_schema.referential_constraints`,
			`SELECT table_name, constraint_name FROM information_schema.constraint_table_usage
				WHERE table_schema = 'public' ORDER BY 1`,
		} {
			want, got := both(t, sql)
			want, got = tableOIDs(pgConn, want), tableOIDs(eddyConn, got)
			if !reflect.DeepEqual(want, got) || len(got) == 0 {
				t.Errorf("%s\nPostgreSQL:\n\t%s\nEddy:\n\t%s", sql, strings.Join(want, "\n\t"), strings.Join(got, "\n\t"))
			}
		}
	})

	t.Run("view usage", func(t *testing.T) {
		// PostgreSQL leaves materialized views out.
		same(t, `SELECT view_schema, view_name, table_schema, table_name FROM information_schema.view_table_usage
			WHERE view_schema = 'public' AND view_name <> 'mv_metrics' ORDER BY 2, 4`)
		same(t, `SELECT view_name, table_name, column_name FROM information_schema.view_column_usage
			WHERE view_schema = 'public' AND view_name <> 'mv_metrics' ORDER BY 1, 2, 3`)
	})

	t.Run("routines", func(t *testing.T) {
		// Eddy's overloads of these functions and aggregates are
		// PostgreSQL's, with the same result and parameter types and
		// volatility; the functions' strictness is PostgreSQL's too
		// (Eddy's pg_proc gives aggregates the strictness of their
		// accumulator).
		const routines = `SELECT routine_schema, routine_name, routine_type, data_type, type_udt_schema, type_udt_name,
			dtd_identifier, routine_body, external_language, parameter_style, is_deterministic, sql_data_access,
			CASE WHEN routine_type = 'FUNCTION' THEN is_null_call END, schema_level_routine, max_dynamic_result_sets,
			security_type, as_locator, is_udt_dependent, coalesce(p.args, '')
			FROM information_schema.routines r LEFT JOIN (SELECT specific_name, string_agg(ordinal_position || ':' ||
				parameter_mode || ':' || data_type || ':' || udt_name || ':' || dtd_identifier, ',' ORDER BY ordinal_position) AS args
				FROM information_schema.parameters GROUP BY specific_name) p ON p.specific_name = r.specific_name
			WHERE routine_name IN `
		subset(t, routines+`('abs', 'lower', 'upper', 'length', 'sqrt', 'md5', 'replace', 'split_part', 'left', 'floor',
			'ceil', 'sum', 'avg', 'count', 'string_agg', 'bool_and', 'stddev')`, 40)
		// specific_name is the name and pg_proc's OID.
		want, got := both(t, `SELECT count(*) FROM information_schema.routines r JOIN pg_proc p
			ON r.specific_name = p.proname || '_' || p.oid`)
		if want[0] == "0" || got[0] == "0" {
			t.Errorf("routines named by OID: PostgreSQL %s, Eddy %s", want, got)
		}
		if n := rowsOf(ctx, t, eddyConn, `SELECT count(*) FROM information_schema.routines r
			LEFT JOIN pg_proc p ON r.specific_name = p.proname || '_' || p.oid WHERE p.oid IS NULL`); n[0] != "0" {
			t.Errorf("%s routines without their pg_proc row", n[0])
		}
	})

	t.Run("pg_aggregate", func(t *testing.T) {
		subset(t, `SELECT aggfnoid::regprocedure, aggkind, aggnumdirectargs FROM pg_aggregate
			WHERE aggfnoid::regprocedure::text NOT LIKE '%any%'`, 20)
		if n := rowsOf(ctx, t, eddyConn, `SELECT count(*) FROM pg_aggregate a
			JOIN pg_proc p ON p.oid = a.aggfnoid AND p.prokind = 'a'`); n[0] == "0" {
			t.Errorf("no aggregate has its pg_proc row")
		}
	})

	t.Run("roles and privileges", func(t *testing.T) {
		for _, sql := range []string{
			`SELECT rolname, rolsuper, rolcanlogin, rolpassword IS NULL FROM pg_authid WHERE rolname = current_user`,
			`SELECT usename, usesuper, passwd IS NULL FROM pg_shadow WHERE usename = current_user`,
			`SELECT * FROM pg_group WHERE groname = current_user`,
			`SELECT * FROM information_schema.enabled_roles WHERE role_name = current_user`,
			`SELECT grantor, grantee, table_schema, table_name, privilege_type, is_grantable, with_hierarchy
				FROM information_schema.table_privileges WHERE table_schema = 'public' ORDER BY table_name, privilege_type`,
			`SELECT grantor, grantee, table_schema, table_name, privilege_type, is_grantable, with_hierarchy
				FROM information_schema.role_table_grants WHERE table_name = 't' ORDER BY privilege_type`,
			`SELECT grantor, grantee, table_name, column_name, privilege_type, is_grantable
				FROM information_schema.column_privileges WHERE table_name IN ('t', 'v_metrics') ORDER BY 3, 4, 5`,
			`SELECT grantor, grantee, table_name, column_name, privilege_type, is_grantable
				FROM information_schema.role_column_grants WHERE table_name = 't' ORDER BY 3, 4, 5`,
		} {
			if strings.Contains(sql, "table_schema = 'public'") {
				// PostgreSQL leaves the materialized view out.
				sql = strings.Replace(sql, "table_schema = 'public'", "table_schema = 'public' AND table_name <> 'mv_metrics'", 1)
			}
			same(t, sql)
		}
	})

	t.Run("character sets and collations", func(t *testing.T) {
		same(t, `SELECT character_set_catalog, character_set_schema, character_set_name, character_repertoire,
			form_of_use, default_collate_catalog IS NOT NULL, default_collate_schema, default_collate_name
			FROM information_schema.character_sets`)
		subset(t, `SELECT collation_schema, collation_name, pad_attribute FROM information_schema.collations`, 5)
		same(t, `SELECT count(*) FROM information_schema.information_schema_catalog_name WHERE catalog_name = current_database()`)
		same(t, `SELECT count(*) FROM information_schema.sequences`)
		// PostgreSQL's domains are information_schema's own types
		// (sql_identifier, ...), which Eddy shows as their base types.
		same(t, `SELECT count(*) FROM information_schema.domains WHERE domain_schema <> 'information_schema'`)
	})

	t.Run("server", func(t *testing.T) {
		for _, sql := range []string{
			`SELECT numbackends, xact_rollback >= 0, conflicts, deadlocks, checksum_failures, checksum_last_failure,
				stats_reset FROM pg_stat_database WHERE datname = current_database()`,
			`SELECT archived_count, last_archived_wal, last_archived_time, failed_count, last_failed_wal,
				last_failed_time FROM pg_stat_archiver`,
			`SELECT count(*) FROM pg_stat_bgwriter`,
			`SELECT count(*) FROM pg_stat_wal`,
			`SELECT * FROM pg_cursors`,
			`SELECT count(*) FROM pg_stats WHERE tablename = 't'`,
			`SELECT count(*) FROM pg_statistic WHERE starelid = 't'::regclass`,
			`SELECT confl_tablespace, confl_lock, confl_snapshot, confl_bufferpin, confl_deadlock
				FROM pg_stat_database_conflicts WHERE datname = current_database()`,
			`SELECT ssl, version, cipher, bits, client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()`,
			`SELECT gss_authenticated, principal, encrypted FROM pg_stat_gssapi WHERE pid = pg_backend_pid()`,
			`SELECT relname, idx_scan IS NULL, idx_tup_fetch IS NULL FROM pg_stat_xact_user_tables ORDER BY relname`,
			`SELECT (SELECT count(*) FROM pg_replication_slots) + (SELECT count(*) FROM pg_stat_replication) +
				(SELECT count(*) FROM pg_stat_wal_receiver) + (SELECT count(*) FROM pg_stat_subscription) +
				(SELECT count(*) FROM pg_publication_tables) + (SELECT count(*) FROM pg_stat_user_functions) +
				(SELECT count(*) FROM pg_statio_user_sequences) + (SELECT count(*) FROM pg_stat_progress_vacuum)`,
		} {
			same(t, sql)
		}
		// The named statements of the session, from the extended
		// protocol.
		for _, c := range []struct{ name string }{{"pg"}, {"eddy"}} {
			conn := pgConn
			if c.name == "eddy" {
				conn = eddyConn
			}
			if _, err := conn.Prepare(ctx, "s1", "SELECT $1::int + 1", nil); err != nil {
				t.Fatalf("%s: prepare: %v", c.name, err)
			}
			if _, err := conn.ExecPrepared(ctx, "s1", [][]byte{[]byte("41")}, nil, nil).Close(); err != nil {
				t.Fatalf("%s: execute: %v", c.name, err)
			}
		}
		same(t, `SELECT name, statement, parameter_types, from_sql, generic_plans + custom_plans,
			prepare_time <= now() FROM pg_prepared_statements`)
	})

	t.Run("time zones", func(t *testing.T) {
		// Both read the system's zone directory.
		same(t, `SELECT name, abbrev, utc_offset, is_dst FROM pg_timezone_names ORDER BY name`)
		// The abbreviations date/time input accepts are those of
		// PostgreSQL's Default set, and WEST.
		want, got := both(t, `SELECT abbrev, utc_offset, is_dst FROM pg_timezone_abbrevs ORDER BY abbrev`)
		pgRows := map[string]bool{}
		for _, r := range want {
			pgRows[r] = true
		}
		for _, r := range got {
			if !pgRows[r] && r != "WEST|01:00:00|t" {
				t.Errorf("abbreviation %s: PostgreSQL has none", r)
			}
		}
		if len(got) < 40 {
			t.Errorf("Eddy lists %d abbreviations", len(got))
		}
	})

	t.Run("relation names", func(t *testing.T) {
		// Eddy's list of PostgreSQL's catalog relations is
		// PostgreSQL's: each of them either answers or is not
		// supported.
		names := rowsOf(ctx, t, pgConn, `SELECT n.nspname || '.' || c.relname FROM pg_class c
			JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname IN ('pg_catalog', 'information_schema') AND c.relkind IN ('r', 'v') ORDER BY 1`)
		if len(names) != 208 {
			t.Errorf("PostgreSQL lists %d catalog relations", len(names))
		}
		for _, n := range names {
			a := query(ctx, eddyConn, "SELECT * FROM "+n+" LIMIT 0")
			if a.err != nil && (a.code != "0A000" || !strings.Contains(a.err.Error(), "system relation "+n)) {
				t.Errorf("%s: %v", n, a.err)
			}
		}
	})
}
