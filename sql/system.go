package sql

import (
	"sort"

	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/types"
)

// System relations are computed from the catalog when a query reads
// them; the query engine treats them like any other relation (joins,
// filters and functions work on them).

// sysCol describes a column of a system relation.
type sysCol struct {
	name string
	typ  types.Type
}

func sysColumns(cols []sysCol) []types.Column {
	out := make([]types.Column, len(cols))
	for i, c := range cols {
		out[i] = types.Column{Name: c.name, Type: c.typ}
	}
	return out
}

// virtual builds a system relation whose rows come from rows(s).
func virtual(name string, cols []sysCol, rows func(s *Session) []types.Row) systemRelation {
	tc := sysColumns(cols)
	return func(s *Session) *planner.Virtual {
		return &planner.Virtual{Name: name, Cols: tc, Rows: func() ([]types.Row, error) { return rows(s), nil }}
	}
}

func dText(s string) types.Datum { return types.NewString(s) }

func dInt(v int64) types.Datum { return types.NewInt(v) }

func dIntOrNull(v int64, ok bool) types.Datum {
	if !ok {
		return types.Null
	}
	return types.NewInt(v)
}

func dTextOrNull(s string) types.Datum {
	if s == "" {
		return types.Null
	}
	return types.NewString(s)
}

func yesNo(b bool) types.Datum {
	if b {
		return dText("YES")
	}
	return dText("NO")
}

var (
	tIdent     = types.TName        // information_schema.sql_identifier
	tCharData  = types.TVarchar     // information_schema.character_data
	tCardinal  = types.TInt4        // information_schema.cardinal_number
	tYesNo     = types.TVarchar     // information_schema.yes_or_no
	tTimeStamp = types.TTimestamptz // information_schema.time_stamp
)

// infoTableType is information_schema.tables.table_type of an object.
func infoTableType(o *catalog.Object) string {
	switch o.Kind {
	case catalog.KindTable:
		return "BASE TABLE"
	case catalog.KindView:
		return "VIEW"
	case catalog.KindMaterializedView:
		// PostgreSQL leaves materialized views out. Eddy lists them, as
		// views, because they are what users query: Grafana's query
		// builder and schema look-ups, and most schema browsers, list
		// information_schema.tables rows of type BASE TABLE or VIEW.
		// pg_class (relkind 'm'), pg_matviews and
		// rw_catalog.rw_materialized_views tell them apart from views.
		return "VIEW"
	}
	return ""
}

// visibleRelations returns the user relations a session may query.
func (s *Session) visibleRelations() []*catalog.Object {
	var out []*catalog.Object
	for _, o := range s.eng.Catalog.Objects() {
		if o.IsRelation() && !o.Internal && infoTableType(o) != "" {
			out = append(out, o)
		}
	}
	return out
}

// infoRelation is a relation as information_schema shows it.
type infoRelation struct {
	schema, name, tableType string
	cols                    []catalog.Column
	// table: rows can be inserted (a user table).
	table bool
	query string
}

// infoRelations lists the relations of information_schema.tables and
// .columns: user tables, views and materialized views, then the system
// relations (PostgreSQL lists its catalogs too), by schema and name.
func (s *Session) infoRelations() []infoRelation {
	var out []infoRelation
	for _, o := range s.visibleRelations() {
		out = append(out, infoRelation{schema: o.Schema, name: o.Name, tableType: infoTableType(o), cols: o.Columns,
			table: o.Kind == catalog.KindTable, query: o.Query})
	}
	sys := append([]*sysRel(nil), systemRels()...)
	sort.Slice(sys, func(i, j int) bool {
		if sys[i].schema != sys[j].schema {
			return sys[i].schema < sys[j].schema
		}
		return sys[i].name < sys[j].name
	})
	for _, r := range sys {
		tt := "VIEW"
		if r.kind == 'r' {
			tt = "BASE TABLE"
		}
		ir := infoRelation{schema: r.schema, name: r.name, tableType: tt}
		v := systemRelations[r.schema+"."+r.name](s)
		for _, c := range v.Cols[:len(v.Cols)-v.Hidden] {
			ir.cols = append(ir.cols, catalog.Column{Name: c.Name, Type: c.Type})
		}
		out = append(out, ir)
	}
	return out
}

// dataType is information_schema's data_type of a type.
func dataType(t types.Type) string {
	if t.IsArray() {
		return "ARRAY"
	}
	return types.Type{ID: t.ID}.String()
}

func init() {
	registerSystem("information_schema", "schemata", virtual("schemata", []sysCol{
		{"catalog_name", tIdent}, {"schema_name", tIdent}, {"schema_owner", tIdent},
		{"default_character_set_catalog", tIdent}, {"default_character_set_schema", tIdent},
		{"default_character_set_name", tIdent}, {"sql_path", tCharData},
	}, func(s *Session) []types.Row {
		var rows []types.Row
		for _, n := range []string{"information_schema", "pg_catalog", catalog.DefaultSchema, "rw_catalog"} {
			rows = append(rows, types.Row{dText(s.Database), dText(n), dText(s.User), types.Null, types.Null, types.Null, types.Null})
		}
		return rows
	}))

	registerSystem("information_schema", "tables", virtual("tables", []sysCol{
		{"table_catalog", tIdent}, {"table_schema", tIdent}, {"table_name", tIdent}, {"table_type", tCharData},
		{"self_referencing_column_name", tIdent}, {"reference_generation", tCharData},
		{"user_defined_type_catalog", tIdent}, {"user_defined_type_schema", tIdent}, {"user_defined_type_name", tIdent},
		{"is_insertable_into", tYesNo}, {"is_typed", tYesNo}, {"commit_action", tCharData},
	}, func(s *Session) []types.Row {
		var rows []types.Row
		for _, o := range s.infoRelations() {
			rows = append(rows, types.Row{dText(s.Database), dText(o.schema), dText(o.name), dText(o.tableType),
				types.Null, types.Null, types.Null, types.Null, types.Null,
				yesNo(o.table), dText("NO"), types.Null})
		}
		return rows
	}))

	registerSystem("information_schema", "views", virtual("views", []sysCol{
		{"table_catalog", tIdent}, {"table_schema", tIdent}, {"table_name", tIdent}, {"view_definition", tCharData},
		{"check_option", tCharData}, {"is_updatable", tYesNo}, {"is_insertable_into", tYesNo},
		{"is_trigger_updatable", tYesNo}, {"is_trigger_deletable", tYesNo}, {"is_trigger_insertable_into", tYesNo},
	}, func(s *Session) []types.Row {
		var rows []types.Row
		for _, o := range s.visibleRelations() {
			if o.Kind != catalog.KindView && o.Kind != catalog.KindMaterializedView {
				continue
			}
			rows = append(rows, types.Row{dText(s.Database), dText(o.Schema), dText(o.Name), dText(o.Query),
				dText("NONE"), dText("NO"), dText("NO"), dText("NO"), dText("NO"), dText("NO")})
		}
		return rows
	}))

	registerSystem("information_schema", "columns", virtual("columns", []sysCol{
		{"table_catalog", tIdent}, {"table_schema", tIdent}, {"table_name", tIdent}, {"column_name", tIdent},
		{"ordinal_position", tCardinal}, {"column_default", tCharData}, {"is_nullable", tYesNo},
		{"data_type", tCharData}, {"character_maximum_length", tCardinal}, {"character_octet_length", tCardinal},
		{"numeric_precision", tCardinal}, {"numeric_precision_radix", tCardinal}, {"numeric_scale", tCardinal},
		{"datetime_precision", tCardinal}, {"interval_type", tCharData}, {"interval_precision", tCardinal},
		{"character_set_catalog", tIdent}, {"character_set_schema", tIdent}, {"character_set_name", tIdent},
		{"collation_catalog", tIdent}, {"collation_schema", tIdent}, {"collation_name", tIdent},
		{"domain_catalog", tIdent}, {"domain_schema", tIdent}, {"domain_name", tIdent},
		{"udt_catalog", tIdent}, {"udt_schema", tIdent}, {"udt_name", tIdent},
		{"scope_catalog", tIdent}, {"scope_schema", tIdent}, {"scope_name", tIdent},
		{"maximum_cardinality", tCardinal}, {"dtd_identifier", tIdent}, {"is_self_referencing", tYesNo},
		{"is_identity", tYesNo}, {"identity_generation", tCharData}, {"identity_start", tCharData},
		{"identity_increment", tCharData}, {"identity_maximum", tCharData}, {"identity_minimum", tCharData},
		{"identity_cycle", tYesNo}, {"is_generated", tCharData}, {"generation_expression", tCharData},
		{"is_updatable", tYesNo},
	}, func(s *Session) []types.Row {
		var rows []types.Row
		for _, o := range s.infoRelations() {
			pos := 0
			for _, c := range o.cols {
				if c.Hidden {
					continue
				}
				pos++
				t := c.Type
				charMax, charOK := int64(0), false
				if (t.ID == types.Varchar || t.ID == types.Bpchar) && t.Mod >= 4 {
					charMax, charOK = int64(t.Mod-4), true
				}
				octet, octetOK := charMax*4, charOK
				if t.IsString() && !charOK && t.ID != types.Char && t.ID != types.Name {
					octet, octetOK = 1073741824, true
				}
				var prec, radix, scale int64
				var precOK, scaleOK bool
				switch t.ID {
				case types.Int2:
					prec, radix, scale, precOK, scaleOK = 16, 2, 0, true, true
				case types.Int4:
					prec, radix, scale, precOK, scaleOK = 32, 2, 0, true, true
				case types.Int8:
					prec, radix, scale, precOK, scaleOK = 64, 2, 0, true, true
				case types.Float4:
					prec, radix, precOK = 24, 2, true
				case types.Float8:
					prec, radix, precOK = 53, 2, true
				case types.Numeric:
					radix, precOK = 10, true
					if p, sc := t.NumericPrecisionScale(); p > 0 {
						prec, scale, scaleOK = int64(p), int64(sc), true
					} else {
						precOK = false
					}
				}
				var dtPrec int64
				dtOK := false
				switch t.ID {
				case types.Date:
					dtPrec, dtOK = 0, true
				case types.Time, types.Timestamp, types.Timestamptz, types.Interval:
					dtPrec, dtOK = 6, true
					if t.Mod > 0 {
						dtPrec = int64(t.Mod)
					}
				}
				nullable := !c.NotNull
				rows = append(rows, types.Row{
					dText(s.Database), dText(o.schema), dText(o.name), dText(c.Name),
					dInt(int64(pos)), dTextOrNull(c.Default), yesNo(nullable),
					dText(dataType(t)), dIntOrNull(charMax, charOK), dIntOrNull(octet, octetOK),
					dIntOrNull(prec, precOK), dIntOrNull(radix, precOK), dIntOrNull(scale, scaleOK),
					dIntOrNull(dtPrec, dtOK), types.Null, types.Null,
					types.Null, types.Null, types.Null,
					types.Null, types.Null, types.Null,
					types.Null, types.Null, types.Null,
					dText(s.Database), dText("pg_catalog"), dText(t.TypName()),
					types.Null, types.Null, types.Null,
					types.Null, dText(itoa(int64(pos))), dText("NO"),
					dText("NO"), types.Null, types.Null,
					types.Null, types.Null, types.Null,
					dText("NO"), dText("NEVER"), types.Null,
					yesNo(o.table),
				})
			}
		}
		return rows
	}))
}

func init() {
	// Rows dropped for arriving behind a table's watermark: per table
	// (materialized_view NULL); a view that had to drop rows itself
	// (rows of concurrent transactions committed out of time order) has
	// its own line.
	registerSystem("rw_catalog", "rw_late_events", virtual("rw_late_events", []sysCol{
		{"table_name", types.TVarchar}, {"materialized_view", types.TVarchar}, {"late_events", types.TInt8},
	}, func(s *Session) []types.Row {
		var rows []types.Row
		for _, o := range s.eng.Catalog.Objects() {
			if o.Kind != catalog.KindTable || len(o.Watermarks) == 0 {
				continue
			}
			tw, err := s.eng.tableWatermark(o)
			if err != nil {
				continue
			}
			rows = append(rows, types.Row{dText(o.Name), types.Null, dInt(tw.lateCount())})
		}
		for _, l := range s.eng.MV.Late() {
			if l.Count > 0 {
				rows = append(rows, types.Row{dText(l.Table), dText(l.View), dInt(l.Count)})
			}
		}
		return rows
	}))
}
