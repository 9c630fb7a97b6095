package sql

import (
	"sort"
	"strings"
	"sync"

	"github.com/eddy-db/eddy/sql/binder"
	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/functions"
	"github.com/eddy-db/eddy/sql/types"
)

// information_schema's constraint, routine, privilege, role, character
// set and view-usage views, with PostgreSQL 15's columns, computed from
// the same relations pg_catalog shows (pgcatalog.go) and following
// PostgreSQL's view definitions:
//
//	table_constraints        a table's primary key (<table>_pkey), and
//	                         per NOT NULL column a CHECK constraint named
//	                         <schema oid>_<table oid>_<attnum>_not_null
//	                         (primary-key columns are NOT NULL too)
//	key_column_usage,        the primary-key columns
//	constraint_column_usage
//	constraint_table_usage   the tables with a primary key
//	check_constraints        the NOT NULL checks: "<column> IS NOT NULL"
//	routines, parameters     pg_proc's functions: specific_name is
//	                         <name>_<pg_proc oid>
//	table_privileges,        the owner's privileges on each relation
//	column_privileges,       (Eddy grants none to other roles)
//	role_table_grants,
//	role_column_grants
//	enabled_roles            pg_roles' roles
//	character_sets,          UTF8 and pg_collation's collations
//	collations
//	view_table_usage,        what the query of each view and materialized
//	view_column_usage        view names itself (binder.Binder.Uses)
//
// Eddy has no foreign keys, sequences, domains, composite types,
// triggers, transforms, user mappings or role memberships, and no
// function with a SQL body: referential_constraints, sequences, domains,
// applicable_roles and the views about those are empty. Materialized
// views count as views, as in information_schema.tables.

// infoCols reads a column list "name:type ..." of information_schema's
// types: id (sql_identifier), char (character_data), card
// (cardinal_number), yn (yes_or_no), ts (time_stamp).
func infoCols(spec string) []sysCol {
	var out []sysCol
	for _, f := range strings.Fields(spec) {
		name, tn, _ := strings.Cut(f, ":")
		var t types.Type
		switch tn {
		case "id":
			t = tIdent
		case "char":
			t = tCharData
		case "card":
			t = tCardinal
		case "yn":
			t = tYesNo
		case "ts":
			t = tTimeStamp
		default:
			panic("information_schema: unknown column type " + tn)
		}
		out = append(out, sysCol{name, t})
	}
	return out
}

// infoView registers an information_schema relation.
func infoView(name, spec string, rows func(s *Session) []types.Row) {
	registerSystem("information_schema", name, virtual(name, infoCols(spec), rows))
}

// infoRow is a row of a relation with many columns, NULL unless set.
type infoRow struct {
	row types.Row
	pos map[string]int
}

var infoRowPos sync.Map // column spec -> map[string]int

func newInfoRow(spec string) *infoRow {
	pos, ok := infoRowPos.Load(spec)
	if !ok {
		m := map[string]int{}
		for i, c := range infoCols(spec) {
			m[c.name] = i
		}
		pos, _ = infoRowPos.LoadOrStore(spec, m)
	}
	m := pos.(map[string]int)
	r := &infoRow{row: make(types.Row, len(m)), pos: m}
	for i := range r.row {
		r.row[i] = types.Null
	}
	return r
}

// set sets a column by name; an unknown name is a broken invariant.
func (r *infoRow) set(col string, v types.Datum) {
	i, ok := r.pos[col]
	if !ok {
		panic("information_schema: no column " + col)
	}
	r.row[i] = v
}

// tableRels returns the user tables with their relations as pg_class
// shows them (the table, and its primary key's index if declared).
func (s *Session) tableRels() [][]pgRel {
	var out [][]pgRel
	for _, o := range s.eng.Catalog.Objects() {
		if o.Kind != catalog.KindTable {
			continue
		}
		if rs := userRels(o, s.User); len(rs) > 0 {
			out = append(out, rs)
		}
	}
	return out
}

// notNullName is the name PostgreSQL gives the CHECK constraint that
// stands for a NOT NULL column in information_schema.
func notNullName(r *pgRel, attnum int) string {
	return itoa(int64(r.nsp())) + "_" + itoa(int64(r.oid)) + "_" + itoa(int64(attnum)) + "_not_null"
}

// typeNames returns pg_type's name of a type OID and information_schema's
// data_type of it ("ARRAY" for arrays and vectors, else format_type).
func typeNames(oid uint32) (typname, dataType string, ok bool) {
	if t, ok := types.FromOID(oid); ok {
		if t.IsArray() || t.IsVector() {
			return t.TypName(), "ARRAY", true
		}
		return t.TypName(), functions.FormatType(oid, -1, false), true
	}
	if n, ok := functions.PseudoTypeName(oid); ok {
		return n, functions.FormatType(oid, -1, false), true
	}
	return "", "", false
}

// privileges are the table privileges an owner holds, in aclexplode's
// order.
var privileges = []string{"INSERT", "SELECT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"}

// columnPrivileges are the privileges that apply to columns.
var columnPrivileges = []string{"INSERT", "SELECT", "UPDATE", "REFERENCES"}

// grantRels returns the relations the privilege views list: tables,
// views, materialized views and sources, the system relations included.
func (s *Session) grantRels() []pgRel {
	var out []pgRel
	for _, r := range s.pgRelations() {
		switch r.kind {
		case 'r', 'v', 'm', 'f':
			out = append(out, r)
		}
	}
	return out
}

const colsColumnGrants = `grantor:id grantee:id table_catalog:id table_schema:id table_name:id column_name:id
	privilege_type:char is_grantable:yn`

func (s *Session) columnPrivilegeRows() []types.Row {
	var rows []types.Row
	for _, r := range s.grantRels() {
		for _, c := range r.cols {
			for _, p := range columnPrivileges {
				rows = append(rows, types.Row{dText(r.owner), dText(r.owner), dText(s.Database), dText(r.schema),
					dText(r.name), dText(c.name), dText(p), dText("YES")})
			}
		}
	}
	return rows
}

func (s *Session) tablePrivilegeRows() []types.Row {
	var rows []types.Row
	for _, r := range s.grantRels() {
		for _, p := range privileges {
			rows = append(rows, types.Row{dText(r.owner), dText(r.owner), dText(s.Database), dText(r.schema),
				dText(r.name), dText(p), dText("YES"), yesNo(p == "SELECT")})
		}
	}
	return rows
}

// viewUses returns what the query of view o names (see binder.Uses), nil
// if it no longer binds.
func (s *Session) viewUses(o *catalog.Object) map[uint32]map[string]bool {
	q, err := viewQuery(o)
	if err != nil {
		return nil
	}
	b := binder.New(sessionEnv{s: s, path: objectSearchPath(o)}, o.Query, 0, nil)
	b.Streaming = o.Kind == catalog.KindMaterializedView
	b.Uses = map[uint32]map[string]bool{}
	if _, err := b.Select(q); err != nil {
		return nil
	}
	return b.Uses
}

// viewUsage calls f for each view (or materialized view) and relation its
// query names, with the relation's columns it references in column order,
// by view and relation name.
func (s *Session) viewUsage(f func(view, rel *catalog.Object, cols []string)) {
	views := s.visibleRelations()
	sort.Slice(views, func(i, j int) bool { return views[i].Name < views[j].Name })
	for _, v := range views {
		if v.Kind != catalog.KindView && v.Kind != catalog.KindMaterializedView {
			continue
		}
		uses := s.viewUses(v)
		var rels []*catalog.Object
		for id := range uses {
			if o, ok := s.eng.Catalog.ByID(id); ok && o.IsRelation() && !o.Internal {
				rels = append(rels, o)
			}
		}
		sort.Slice(rels, func(i, j int) bool { return rels[i].Name < rels[j].Name })
		for _, r := range rels {
			var cols []string
			for _, c := range r.Columns {
				if !c.Hidden && uses[r.ID][c.Name] {
					cols = append(cols, c.Name)
				}
			}
			f(v, r, cols)
		}
	}
}

func init() {
	infoView("information_schema_catalog_name", "catalog_name:id", func(s *Session) []types.Row {
		return []types.Row{{dText(s.Database)}}
	})

	infoView("table_constraints", `constraint_catalog:id constraint_schema:id constraint_name:id table_catalog:id
		table_schema:id table_name:id constraint_type:char is_deferrable:yn initially_deferred:yn enforced:yn
		nulls_distinct:yn`, func(s *Session) []types.Row {
		var rows []types.Row
		for _, rs := range s.tableRels() {
			t := &rs[0]
			if len(rs) == 2 {
				rows = append(rows, types.Row{dText(s.Database), dText(t.schema), dText(rs[1].name), dText(s.Database),
					dText(t.schema), dText(t.name), dText("PRIMARY KEY"), dText("NO"), dText("NO"), dText("YES"), types.Null})
			}
			for i, c := range t.cols {
				if c.notNull {
					rows = append(rows, types.Row{dText(s.Database), dText(t.schema), dText(notNullName(t, i+1)), dText(s.Database),
						dText(t.schema), dText(t.name), dText("CHECK"), dText("NO"), dText("NO"), dText("YES"), types.Null})
				}
			}
		}
		return rows
	})

	infoView("key_column_usage", `constraint_catalog:id constraint_schema:id constraint_name:id table_catalog:id
		table_schema:id table_name:id column_name:id ordinal_position:card position_in_unique_constraint:card`,
		func(s *Session) []types.Row {
			var rows []types.Row
			for _, rs := range s.tableRels() {
				if len(rs) < 2 {
					continue
				}
				t := &rs[0]
				for i, k := range t.pkey {
					rows = append(rows, types.Row{dText(s.Database), dText(t.schema), dText(rs[1].name), dText(s.Database),
						dText(t.schema), dText(t.name), dText(t.cols[k-1].name), dInt(int64(i + 1)), types.Null})
				}
			}
			return rows
		})

	infoView("constraint_column_usage", `table_catalog:id table_schema:id table_name:id column_name:id
		constraint_catalog:id constraint_schema:id constraint_name:id`, func(s *Session) []types.Row {
		var rows []types.Row
		for _, rs := range s.tableRels() {
			if len(rs) < 2 {
				continue
			}
			t := &rs[0]
			for _, k := range t.pkey {
				rows = append(rows, types.Row{dText(s.Database), dText(t.schema), dText(t.name), dText(t.cols[k-1].name),
					dText(s.Database), dText(t.schema), dText(rs[1].name)})
			}
		}
		return rows
	})

	infoView("constraint_table_usage", `table_catalog:id table_schema:id table_name:id constraint_catalog:id
		constraint_schema:id constraint_name:id`, func(s *Session) []types.Row {
		var rows []types.Row
		for _, rs := range s.tableRels() {
			if len(rs) == 2 {
				t := &rs[0]
				rows = append(rows, types.Row{dText(s.Database), dText(t.schema), dText(t.name), dText(s.Database),
					dText(t.schema), dText(rs[1].name)})
			}
		}
		return rows
	})

	infoView("check_constraints", "constraint_catalog:id constraint_schema:id constraint_name:id check_clause:char",
		func(s *Session) []types.Row {
			var rows []types.Row
			for _, rs := range s.tableRels() {
				t := &rs[0]
				for i, c := range t.cols {
					if c.notNull {
						rows = append(rows, types.Row{dText(s.Database), dText(t.schema), dText(notNullName(t, i+1)),
							dText(c.name + " IS NOT NULL")})
					}
				}
			}
			return rows
		})

	infoView("referential_constraints", `constraint_catalog:id constraint_schema:id constraint_name:id
		unique_constraint_catalog:id unique_constraint_schema:id unique_constraint_name:id match_option:char
		update_rule:char delete_rule:char`, noRows)

	colsRoutines := `specific_catalog:id specific_schema:id specific_name:id routine_catalog:id
		routine_schema:id routine_name:id routine_type:char module_catalog:id module_schema:id module_name:id
		udt_catalog:id udt_schema:id udt_name:id data_type:char character_maximum_length:card
		character_octet_length:card character_set_catalog:id character_set_schema:id character_set_name:id
		collation_catalog:id collation_schema:id collation_name:id numeric_precision:card
		numeric_precision_radix:card numeric_scale:card datetime_precision:card interval_type:char
		interval_precision:card type_udt_catalog:id type_udt_schema:id type_udt_name:id scope_catalog:id
		scope_schema:id scope_name:id maximum_cardinality:card dtd_identifier:id routine_body:char
		routine_definition:char external_name:char external_language:char parameter_style:char
		is_deterministic:yn sql_data_access:char is_null_call:yn sql_path:char schema_level_routine:yn
		max_dynamic_result_sets:card is_user_defined_cast:yn is_implicitly_invocable:yn security_type:char
		to_sql_specific_catalog:id to_sql_specific_schema:id to_sql_specific_name:id as_locator:yn created:ts
		last_altered:ts new_savepoint_level:yn is_udt_dependent:yn result_cast_from_data_type:char
		result_cast_as_locator:yn result_cast_char_max_length:card result_cast_char_octet_length:card
		result_cast_char_set_catalog:id result_cast_char_set_schema:id result_cast_char_set_name:id
		result_cast_collation_catalog:id result_cast_collation_schema:id result_cast_collation_name:id
		result_cast_numeric_precision:card result_cast_numeric_precision_radix:card
		result_cast_numeric_scale:card result_cast_datetime_precision:card result_cast_interval_type:char
		result_cast_interval_precision:card result_cast_type_udt_catalog:id result_cast_type_udt_schema:id
		result_cast_type_udt_name:id result_cast_scope_catalog:id result_cast_scope_schema:id
		result_cast_scope_name:id result_cast_maximum_cardinality:card result_cast_dtd_identifier:id`
	infoView("routines", colsRoutines, func(s *Session) []types.Row {
		db := dText(s.Database)
		var rows []types.Row
		for _, p := range procs() {
			r := newInfoRow(colsRoutines)
			r.set("specific_catalog", db)
			r.set("specific_schema", dText("pg_catalog"))
			r.set("specific_name", dText(p.Name+"_"+itoa(int64(p.oid))))
			r.set("routine_catalog", db)
			r.set("routine_schema", dText("pg_catalog"))
			r.set("routine_name", dText(p.Name))
			if p.Kind == 'f' {
				r.set("routine_type", dText("FUNCTION"))
			}
			if typname, dt, ok := typeNames(functions.TypeOID(p.Ret)); ok {
				r.set("data_type", dText(dt))
				r.set("type_udt_catalog", db)
				r.set("type_udt_schema", dText("pg_catalog"))
				r.set("type_udt_name", dText(typname))
			}
			r.set("dtd_identifier", dText("0"))
			r.set("routine_body", dText("EXTERNAL"))
			r.set("routine_definition", dText(p.Name)) // pg_proc.prosrc
			r.set("external_language", dText("INTERNAL"))
			r.set("parameter_style", dText("GENERAL"))
			r.set("is_deterministic", yesNo(!p.Volatile))
			r.set("sql_data_access", dText("MODIFIES"))
			r.set("is_null_call", yesNo(p.Strict))
			r.set("schema_level_routine", dText("YES"))
			r.set("max_dynamic_result_sets", dInt(0))
			r.set("security_type", dText("INVOKER"))
			r.set("as_locator", dText("NO"))
			r.set("is_udt_dependent", dText("NO"))
			rows = append(rows, r.row)
		}
		return rows
	})

	colsParameters := `specific_catalog:id specific_schema:id specific_name:id ordinal_position:card
		parameter_mode:char is_result:yn as_locator:yn parameter_name:id data_type:char
		character_maximum_length:card character_octet_length:card character_set_catalog:id
		character_set_schema:id character_set_name:id collation_catalog:id collation_schema:id
		collation_name:id numeric_precision:card numeric_precision_radix:card numeric_scale:card
		datetime_precision:card interval_type:char interval_precision:card udt_catalog:id udt_schema:id
		udt_name:id scope_catalog:id scope_schema:id scope_name:id maximum_cardinality:card dtd_identifier:id
		parameter_default:char`
	infoView("parameters", colsParameters, func(s *Session) []types.Row {
		db := dText(s.Database)
		var rows []types.Row
		for _, p := range procs() {
			for i, oid := range procArgOIDs(&p) {
				typname, dt, ok := typeNames(oid)
				if !ok {
					continue
				}
				n := int64(i + 1)
				r := newInfoRow(colsParameters)
				r.set("specific_catalog", db)
				r.set("specific_schema", dText("pg_catalog"))
				r.set("specific_name", dText(p.Name+"_"+itoa(int64(p.oid))))
				r.set("ordinal_position", dInt(n))
				r.set("parameter_mode", dText("IN"))
				r.set("is_result", dText("NO"))
				r.set("as_locator", dText("NO"))
				r.set("data_type", dText(dt))
				r.set("udt_catalog", db)
				r.set("udt_schema", dText("pg_catalog"))
				r.set("udt_name", dText(typname))
				r.set("dtd_identifier", dText(itoa(n)))
				rows = append(rows, r.row)
			}
		}
		return rows
	})

	infoView("sequences", `sequence_catalog:id sequence_schema:id sequence_name:id data_type:char
		numeric_precision:card numeric_precision_radix:card numeric_scale:card start_value:char
		minimum_value:char maximum_value:char increment:char cycle_option:yn`, noRows)

	infoView("domains", `domain_catalog:id domain_schema:id domain_name:id data_type:char
		character_maximum_length:card character_octet_length:card character_set_catalog:id
		character_set_schema:id character_set_name:id collation_catalog:id collation_schema:id
		collation_name:id numeric_precision:card numeric_precision_radix:card numeric_scale:card
		datetime_precision:card interval_type:char interval_precision:card domain_default:char udt_catalog:id
		udt_schema:id udt_name:id scope_catalog:id scope_schema:id scope_name:id maximum_cardinality:card
		dtd_identifier:id`, noRows)

	infoView("enabled_roles", "role_name:id", func(s *Session) []types.Row {
		var rows []types.Row
		for _, r := range s.roles() {
			rows = append(rows, types.Row{dText(r)})
		}
		return rows
	})

	infoView("applicable_roles", "grantee:id role_name:id is_grantable:yn", noRows)

	const colsTableGrants = `grantor:id grantee:id table_catalog:id table_schema:id table_name:id
		privilege_type:char is_grantable:yn with_hierarchy:yn`
	infoView("table_privileges", colsTableGrants, (*Session).tablePrivilegeRows)
	// Every role is enabled: role_table_grants lists what table_privileges does.
	infoView("role_table_grants", colsTableGrants, (*Session).tablePrivilegeRows)

	infoView("column_privileges", colsColumnGrants, (*Session).columnPrivilegeRows)

	// Every role is enabled: role_column_grants lists what
	// column_privileges does.
	infoView("role_column_grants", colsColumnGrants, (*Session).columnPrivilegeRows)

	// Eddy has no triggers, composite types, domains, transforms or user
	// mappings, and its functions are internal (no SQL body that uses
	// tables, columns, sequences or other functions); no constraint
	// calls a function and no column is generated from another.
	infoView("triggers", `trigger_catalog:id trigger_schema:id trigger_name:id event_manipulation:char
		event_object_catalog:id event_object_schema:id event_object_table:id action_order:card
		action_condition:char action_statement:char action_orientation:char action_timing:char
		action_reference_old_table:id action_reference_new_table:id action_reference_old_row:id
		action_reference_new_row:id created:ts`, noRows)
	infoView("triggered_update_columns", `trigger_catalog:id trigger_schema:id trigger_name:id
		event_object_catalog:id event_object_schema:id event_object_table:id event_object_column:id`, noRows)
	infoView("attributes", `udt_catalog:id udt_schema:id udt_name:id attribute_name:id ordinal_position:card
		attribute_default:char is_nullable:yn data_type:char character_maximum_length:card
		character_octet_length:card character_set_catalog:id character_set_schema:id character_set_name:id
		collation_catalog:id collation_schema:id collation_name:id numeric_precision:card
		numeric_precision_radix:card numeric_scale:card datetime_precision:card interval_type:char
		interval_precision:card attribute_udt_catalog:id attribute_udt_schema:id attribute_udt_name:id
		scope_catalog:id scope_schema:id scope_name:id maximum_cardinality:card dtd_identifier:id
		is_derived_reference_attribute:yn`, noRows)
	infoView("user_defined_types", `user_defined_type_catalog:id user_defined_type_schema:id
		user_defined_type_name:id user_defined_type_category:char is_instantiable:yn is_final:yn
		ordering_form:char ordering_category:char ordering_routine_catalog:id ordering_routine_schema:id
		ordering_routine_name:id reference_type:char data_type:char character_maximum_length:card
		character_octet_length:card character_set_catalog:id character_set_schema:id character_set_name:id
		collation_catalog:id collation_schema:id collation_name:id numeric_precision:card
		numeric_precision_radix:card numeric_scale:card datetime_precision:card interval_type:char
		interval_precision:card source_dtd_identifier:id ref_dtd_identifier:id`, noRows)
	infoView("domain_constraints", `constraint_catalog:id constraint_schema:id constraint_name:id
		domain_catalog:id domain_schema:id domain_name:id is_deferrable:yn initially_deferred:yn`, noRows)
	infoView("domain_udt_usage", `udt_catalog:id udt_schema:id udt_name:id domain_catalog:id domain_schema:id
		domain_name:id`, noRows)
	infoView("column_domain_usage", `domain_catalog:id domain_schema:id domain_name:id table_catalog:id
		table_schema:id table_name:id column_name:id`, noRows)
	infoView("check_constraint_routine_usage", `constraint_catalog:id constraint_schema:id constraint_name:id
		specific_catalog:id specific_schema:id specific_name:id`, noRows)
	infoView("column_column_usage", "table_catalog:id table_schema:id table_name:id column_name:id dependent_column:id", noRows)
	infoView("transforms", `udt_catalog:id udt_schema:id udt_name:id specific_catalog:id specific_schema:id
		specific_name:id group_name:id transform_type:char`, noRows)
	infoView("user_mappings", "authorization_identifier:id foreign_server_catalog:id foreign_server_name:id", noRows)
	infoView("user_mapping_options", `authorization_identifier:id foreign_server_catalog:id foreign_server_name:id
		option_name:id option_value:char`, noRows)
	const colsRoutineUsage = `specific_catalog:id specific_schema:id specific_name:id routine_catalog:id
		routine_schema:id routine_name:id`
	infoView("routine_routine_usage", colsRoutineUsage, noRows)
	infoView("routine_table_usage", colsRoutineUsage+" table_catalog:id table_schema:id table_name:id", noRows)
	infoView("routine_column_usage", colsRoutineUsage+` table_catalog:id table_schema:id table_name:id
		column_name:id`, noRows)
	infoView("routine_sequence_usage", colsRoutineUsage+" sequence_catalog:id sequence_schema:id sequence_name:id", noRows)

	infoView("character_sets", `character_set_catalog:id character_set_schema:id character_set_name:id
		character_repertoire:id form_of_use:id default_collate_catalog:id default_collate_schema:id
		default_collate_name:id`, func(s *Session) []types.Row {
		// The default collation is the one whose locale is the
		// database's (pg_database.datcollate), longest name first.
		collSchema, collName := types.Null, types.Null
		best := ""
		for _, c := range collations {
			if c.collate == databaseLocale && c.ctype == databaseLocale && (best == "" || len(c.name) > len(best) ||
				len(c.name) == len(best) && c.name < best) {
				best = c.name
			}
		}
		if best != "" {
			collSchema, collName = dText("pg_catalog"), dText(best)
		}
		return []types.Row{{types.Null, types.Null, dText("UTF8"), dText("UCS"), dText("UTF8"),
			dText(s.Database), collSchema, collName}}
	})

	infoView("collations", "collation_catalog:id collation_schema:id collation_name:id pad_attribute:char",
		func(s *Session) []types.Row {
			var rows []types.Row
			for _, c := range collations {
				if c.encoding == -1 || c.encoding == functions.EncodingUTF8 {
					rows = append(rows, types.Row{dText(s.Database), dText("pg_catalog"), dText(c.name), dText("NO PAD")})
				}
			}
			return rows
		})

	infoView("view_table_usage", `view_catalog:id view_schema:id view_name:id table_catalog:id table_schema:id
		table_name:id`, func(s *Session) []types.Row {
		var rows []types.Row
		s.viewUsage(func(v, r *catalog.Object, _ []string) {
			rows = append(rows, types.Row{dText(s.Database), dText(v.Schema), dText(v.Name), dText(s.Database),
				dText(r.Schema), dText(r.Name)})
		})
		return rows
	})

	infoView("view_column_usage", `view_catalog:id view_schema:id view_name:id table_catalog:id table_schema:id
		table_name:id column_name:id`, func(s *Session) []types.Row {
		var rows []types.Row
		s.viewUsage(func(v, r *catalog.Object, cols []string) {
			for _, c := range cols {
				rows = append(rows, types.Row{dText(s.Database), dText(v.Schema), dText(v.Name), dText(s.Database),
					dText(r.Schema), dText(r.Name), dText(c)})
			}
		})
		return rows
	})
}
