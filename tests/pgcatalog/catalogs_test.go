package pgcatalog

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// catalogRelations are the pg_catalog relations behind psql's \dC, \do,
// \dA*, \dd, \dL, \dy, \dRp, \dRs, \dc, \des, \dew, \deu, \drds, \dF*
// and \dX, the statistics and server views monitoring tools read, and
// the information_schema relations tools read about constraints,
// routines, privileges and views (schema-qualified; the others are in
// pg_catalog).
var catalogRelations = []string{
	"pg_cast", "pg_operator", "pg_opclass", "pg_opfamily", "pg_amop", "pg_amproc", "pg_language",
	"pg_ts_config", "pg_ts_config_map", "pg_ts_dict", "pg_ts_parser", "pg_ts_template",
	"pg_event_trigger", "pg_publication", "pg_subscription", "pg_conversion", "pg_foreign_server",
	"pg_foreign_data_wrapper", "pg_user_mappings", "pg_db_role_setting", "pg_statistic_ext", "pg_rewrite",
	"pg_trigger", "pg_policy",
	"pg_stat_all_tables", "pg_stat_user_tables", "pg_stat_sys_tables",
	"pg_statio_all_tables", "pg_statio_user_tables", "pg_statio_sys_tables",
	"pg_stat_all_indexes", "pg_stat_user_indexes", "pg_stat_sys_indexes",
	"pg_statio_all_indexes", "pg_statio_user_indexes", "pg_statio_sys_indexes",
	"pg_stat_database", "pg_stat_bgwriter", "pg_stat_wal", "pg_stat_archiver", "pg_locks", "pg_prepared_statements",
	"pg_cursors", "pg_timezone_names", "pg_timezone_abbrevs", "pg_aggregate", "pg_stats", "pg_stats_ext",
	"pg_stats_ext_exprs", "pg_available_extensions", "pg_available_extension_versions", "pg_authid", "pg_shadow",
	"pg_group", "pg_policies", "pg_rules", "pg_seclabels", "pg_user_mapping", "pg_transform", "pg_statistic",
	"pg_statistic_ext_data", "pg_largeobject", "pg_largeobject_metadata", "pg_file_settings", "pg_hba_file_rules",
	"pg_ident_file_mappings", "pg_stat_database_conflicts", "pg_stat_ssl", "pg_stat_gssapi", "pg_replication_slots",
	"pg_stat_replication", "pg_stat_wal_receiver", "pg_stat_replication_slots", "pg_replication_origin",
	"pg_replication_origin_status", "pg_publication_tables", "pg_subscription_rel", "pg_stat_subscription",
	"pg_stat_subscription_stats", "pg_stat_progress_vacuum", "pg_stat_progress_analyze", "pg_stat_progress_cluster",
	"pg_stat_progress_create_index", "pg_stat_progress_basebackup", "pg_stat_user_functions",
	"pg_stat_xact_user_functions", "pg_parameter_acl", "pg_shseclabel", "pg_stat_xact_all_tables",
	"pg_stat_xact_user_tables", "pg_stat_xact_sys_tables", "pg_statio_all_sequences", "pg_statio_user_sequences",
	"pg_statio_sys_sequences",
	// information_schema's, whose domain types (sql_identifier, ...)
	// compare as their base types.
	"information_schema.table_constraints", "information_schema.key_column_usage",
	"information_schema.constraint_column_usage", "information_schema.referential_constraints",
	"information_schema.check_constraints", "information_schema.routines", "information_schema.parameters",
	"information_schema.sequences", "information_schema.enabled_roles", "information_schema.applicable_roles",
	"information_schema.column_privileges", "information_schema.table_privileges",
	"information_schema.role_table_grants", "information_schema.character_sets", "information_schema.collations",
	"information_schema.information_schema_catalog_name", "information_schema.domains",
	"information_schema.view_table_usage", "information_schema.view_column_usage",
	"information_schema.constraint_table_usage", "information_schema.role_column_grants",
	"information_schema.triggers", "information_schema.triggered_update_columns", "information_schema.attributes",
	"information_schema.user_defined_types", "information_schema.domain_constraints",
	"information_schema.domain_udt_usage", "information_schema.column_domain_usage",
	"information_schema.check_constraint_routine_usage", "information_schema.column_column_usage",
	"information_schema.transforms", "information_schema.user_mappings", "information_schema.user_mapping_options",
	"information_schema.routine_routine_usage", "information_schema.routine_table_usage",
	"information_schema.routine_column_usage", "information_schema.routine_sequence_usage",
}

// substitutes are the column types Eddy lacks and the types it shows
// instead (see sql/pgcatalog.go).
var substitutes = map[string]string{
	"aclitem[]": "text[]", "pg_node_tree": "text", "xid": "bigint", "pg_lsn": "text", "inet": "text",
	"anyarray": "text", "pg_ndistinct": "text", "pg_dependencies": "text", "pg_mcv_list": "text",
	"pg_statistic[]": "text[]",
}

// rowsOf runs a query that must succeed and returns its rows.
func rowsOf(ctx context.Context, t *testing.T, conn *pgconn.PgConn, sql string) []string {
	t.Helper()
	a := query(ctx, conn, sql)
	if a.err != nil {
		t.Fatalf("%s: %v", sql, a.err)
	}
	return a.rows
}

// TestCatalogsPostgres compares the operator, cast, operator-class,
// language, text-search and statistics catalogs of Eddy, and the other
// relations of catalogRelations, with PostgreSQL 15's: the columns of
// each relation, and the rows wherever Eddy has what PostgreSQL has.
func TestCatalogsPostgres(t *testing.T) {
	ctx := testContext(t)
	pgConn, eddyConn := pair(ctx, t, append(setup, rows))
	both := func(t *testing.T, sql string) (pgRows, eddyRows []string) {
		t.Helper()
		return rowsOf(ctx, t, pgConn, sql), rowsOf(ctx, t, eddyConn, sql)
	}

	t.Run("columns", func(t *testing.T) {
		for _, rel := range catalogRelations {
			if !strings.Contains(rel, ".") {
				rel = "pg_catalog." + rel
			}
			want, got := both(t, `SELECT a.attname, format_type(CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE a.atttypid END, NULL)
				FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
				WHERE a.attrelid = '`+rel+`'::regclass AND a.attnum > 0 ORDER BY a.attnum`)
			if len(want) == 0 {
				t.Errorf("PostgreSQL has no relation %s", rel)
			}
			for i, w := range want {
				name, typ, _ := strings.Cut(w, "|")
				if s, ok := substitutes[typ]; ok {
					want[i] = name + "|" + s
				}
			}
			if !reflect.DeepEqual(want, got) {
				t.Errorf("columns of %s:\nPostgreSQL:\n\t%s\nEddy:\n\t%s", rel, strings.Join(want, "\n\t"), strings.Join(got, "\n\t"))
			}
		}
	})

	t.Run("pg_cast", func(t *testing.T) {
		// Every cast Eddy lists, PostgreSQL lists alike; the function
		// has the same name except where PostgreSQL's is the text
		// cast's (Eddy's is named after the target type).
		const casts = `SELECT c.castsource::regtype, c.casttarget::regtype, c.castcontext, c.castmethod, coalesce(p.proname, '-')
			FROM pg_cast c LEFT JOIN pg_proc p ON p.oid = c.castfunc`
		want, got := both(t, casts)
		pgCasts := map[string]string{}
		for _, r := range want {
			f := strings.SplitN(r, "|", 3)
			pgCasts[f[0]+"|"+f[1]] = f[2]
		}
		// PostgreSQL's function text, Eddy's.
		textFunction := map[string]string{
			"boolean|character": "bpchar", "boolean|character varying": "varchar", `"char"|character varying`: "varchar",
			"character|character varying": "varchar",
		}
		for _, r := range got {
			f := strings.SplitN(r, "|", 3)
			pair := f[0] + "|" + f[1]
			w, ok := pgCasts[pair]
			if fn, ok := textFunction[pair]; ok {
				w = strings.TrimSuffix(w, "|text") + "|" + fn
			}
			if !ok {
				t.Errorf("cast %s: PostgreSQL has none", pair)
			} else if w != f[2] {
				t.Errorf("cast %s: PostgreSQL %s, Eddy %s", pair, w, f[2])
			}
		}
		if len(got) < 100 {
			t.Errorf("Eddy lists %d casts", len(got))
		}
		// integer's casts to the types both have.
		want, got = both(t, `SELECT castsource::regtype, casttarget::regtype, castcontext, castmethod FROM pg_cast
			WHERE castsource = 'int4'::regtype AND casttarget::regtype::text IN
			('bigint', 'smallint', 'real', 'double precision', 'numeric', 'boolean', '"char"', 'oid', 'regclass', 'regtype',
			 'regproc', 'regprocedure', 'regoperator', 'regnamespace', 'regrole') ORDER BY 2`)
		if !reflect.DeepEqual(want, got) || len(got) != 15 {
			t.Errorf("casts from integer:\nPostgreSQL:\n\t%s\nEddy:\n\t%s", strings.Join(want, "\n\t"), strings.Join(got, "\n\t"))
		}
	})

	t.Run("pg_operator", func(t *testing.T) {
		// Every operator Eddy has, PostgreSQL has alike: result,
		// kind, commutator, negator, merge-joinable. Left out: what
		// PostgreSQL 15 has in other forms (|| on anycompatible
		// arrays) or lacks.
		// Fields apart by tabs: operator names hold "|".
		const ops = `SELECT o.oid::regoperator::text || E'\t' || o.oprkind::text || E'\t' || o.oprresult::regtype::text || E'\t' ||
			o.oprcom::regoperator::text || E'\t' || o.oprnegate::regoperator::text || E'\t' || o.oprcanmerge::text
			FROM pg_operator o`
		want, got := both(t, ops)
		pgOps := map[string]string{}
		for _, r := range want {
			sig, rest, _ := strings.Cut(r, "\t")
			pgOps[sig] = rest
		}
		onlyEddy := map[string]bool{
			"+(NONE,interval)": true, "|/(NONE,numeric)": true,
			"||(anyarray,anyarray)": true, "||(anyarray,anyelement)": true, "||(anyelement,anyarray)": true,
		}
		for _, op := range []string{"=", "<>", "<", "<=", ">", ">="} {
			onlyEddy[op+"(int2vector,int2vector)"] = true
		}
		compared := 0
		for _, r := range got {
			sig, rest, _ := strings.Cut(r, "\t")
			w, ok := pgOps[sig]
			switch {
			case onlyEddy[sig]:
				if ok {
					t.Errorf("operator %s: PostgreSQL has it too", sig)
				}
			case !ok:
				t.Errorf("operator %s: PostgreSQL has none", sig)
			case w != rest:
				t.Errorf("operator %s: PostgreSQL %s, Eddy %s", sig, w, rest)
			default:
				compared++
			}
		}
		if compared < 200 {
			t.Errorf("%d operators compared", compared)
		}
		want, got = both(t, `SELECT o.oid::regoperator, o.oprcanhash FROM pg_operator o WHERE o.oprname = '=' AND o.oprleft = o.oprright
			AND o.oprleft::regtype::text IN ('integer', 'text', 'numeric', 'timestamp with time zone', 'bytea', 'uuid', 'jsonb', 'anyarray')
			ORDER BY o.oid::regoperator::text`)
		if !reflect.DeepEqual(want, got) || len(got) != 8 {
			t.Errorf("equality operators:\nPostgreSQL:\n\t%s\nEddy:\n\t%s", strings.Join(want, "\n\t"), strings.Join(got, "\n\t"))
		}
	})

	t.Run("operator classes", func(t *testing.T) {
		// Eddy's btree classes are PostgreSQL's default ones for the
		// same types, with the same comparison and support function.
		const classes = `SELECT c.opcname, c.opcintype::regtype, c.opcdefault, o.amopopr::regoperator, p.amproc::regprocedure
			FROM pg_opclass c JOIN pg_am am ON am.oid = c.opcmethod
			JOIN pg_amop o ON o.amopfamily = c.opcfamily AND o.amoplefttype = c.opcintype AND o.amoprighttype = c.opcintype AND o.amopstrategy = 1
			JOIN pg_amproc p ON p.amprocfamily = c.opcfamily AND p.amproclefttype = c.opcintype AND p.amprocrighttype = c.opcintype AND p.amprocnum = 1
			WHERE am.amname = 'btree' ORDER BY 1`
		want, got := both(t, classes)
		pgClasses := map[string]bool{}
		for _, r := range want {
			pgClasses[r] = true
		}
		for _, r := range got {
			if !pgClasses[r] {
				t.Errorf("operator class %s: not PostgreSQL's", r)
			}
		}
		if len(got) < 15 {
			t.Errorf("Eddy has %d btree operator classes", len(got))
		}
		// The primary key's index uses the class PostgreSQL's does.
		want, got = both(t, `SELECT c.opcname FROM pg_index i JOIN pg_opclass c ON c.oid = i.indclass[0]
			WHERE i.indrelid = 'metrics'::regclass`)
		if !reflect.DeepEqual(want, got) || len(got) != 1 {
			t.Errorf("class of metrics_pkey: PostgreSQL %v, Eddy %v", want, got)
		}
	})

	t.Run("contents", func(t *testing.T) {
		for _, sql := range []string{
			`SELECT lanname, lanispl, lanpltrusted FROM pg_language WHERE lanname IN ('internal', 'c', 'sql') ORDER BY 1`,
			// A table without an index has no index counters.
			`SELECT schemaname, relname, idx_scan IS NULL, n_dead_tup, last_vacuum FROM pg_stat_user_tables ORDER BY relname`,
			`SELECT schemaname, relname, idx_blks_read IS NULL FROM pg_statio_user_tables ORDER BY relname`,
			`SELECT schemaname, relname, indexrelname, idx_scan FROM pg_stat_user_indexes ORDER BY relname`,
			`SELECT schemaname, relname, indexrelname FROM pg_statio_user_indexes ORDER BY relname`,
			`SELECT count(*) FROM pg_stat_sys_tables WHERE relname IN ('pg_class', 'pg_attribute', 'pg_type', 'metrics')`,
			`SELECT count(*) FROM pg_stat_all_tables WHERE relname IN ('pg_class', 'metrics', 'mv_metrics', 'v_metrics')`,
		} {
			want, got := both(t, sql)
			if !reflect.DeepEqual(want, got) {
				t.Errorf("%s\nPostgreSQL:\n\t%s\nEddy:\n\t%s", sql, strings.Join(want, "\n\t"), strings.Join(got, "\n\t"))
			}
		}
		// A catalog relation of PostgreSQL's that Eddy lacks is not
		// supported; an unknown one is missing.
		if a := query(ctx, eddyConn, "SELECT * FROM pg_catalog.pg_shmem_allocations"); a.code != "0A000" || !strings.Contains(a.err.Error(), "pg_catalog.pg_shmem_allocations") {
			t.Errorf("pg_shmem_allocations: %v", a)
		}
		if a := query(ctx, eddyConn, "SELECT * FROM pg_catalog.pg_no_such_relation"); a.code != "42P01" {
			t.Errorf("pg_no_such_relation: %v", a)
		}
	})
}
