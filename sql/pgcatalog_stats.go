package sql

import (
	"github.com/eddy-db/eddy/sql/types"
)

// The cumulative statistics views of tables and indexes, which monitoring
// tools read: pg_stat_{all,user,sys}_tables, pg_stat_xact_{all,user,sys}_tables,
// pg_statio_{all,user,sys}_tables, pg_stat_{all,user,sys}_indexes and
// pg_statio_{all,user,sys}_indexes (pg_statio_{all,user,sys}_sequences are
// empty: Eddy has no sequences).
// They list what PostgreSQL lists (tables and materialized views, the
// catalog tables as system tables; primary-key indexes) with PostgreSQL's
// columns. Eddy counts no scans, tuples or block reads per relation, and
// never vacuums or analyzes: the counters are 0 and the times NULL, as on
// a PostgreSQL server whose statistics were just reset. As there, a
// table without an index has NULL index counters, and the TOAST counters
// are NULL (Eddy has no TOAST tables).

// statRel is a relation of the statistics views.
type statRel struct {
	rel      pgRel
	hasIndex bool
	index    *pgRel // for the index views
}

// statRels returns the tables and materialized views, or with indexes set
// their primary-key indexes, that the views of kind ("all", "user",
// "sys") list.
func (s *Session) statRels(kind string, indexes bool) []statRel {
	rels := s.pgRelations()
	byOID := map[uint32]*pgRel{}
	for i := range rels {
		byOID[rels[i].oid] = &rels[i]
	}
	var out []statRel
	for i := range rels {
		r := &rels[i]
		sys := r.schema == "pg_catalog" || r.schema == "information_schema"
		if kind == "user" && sys || kind == "sys" && !sys {
			continue
		}
		switch {
		case indexes && r.kind == 'i':
			if t, ok := byOID[r.table]; ok {
				out = append(out, statRel{rel: *t, hasIndex: true, index: r})
			}
		case !indexes && (r.kind == 'r' || r.kind == 'm'):
			out = append(out, statRel{rel: *r, hasIndex: len(r.pkey) > 0})
		}
	}
	return out
}

func init() {
	const (
		colsStatTables = `relid:oid schemaname:name relname:name seq_scan:int8 seq_tup_read:int8 idx_scan:int8
			idx_tup_fetch:int8 n_tup_ins:int8 n_tup_upd:int8 n_tup_del:int8 n_tup_hot_upd:int8 n_live_tup:int8
			n_dead_tup:int8 n_mod_since_analyze:int8 n_ins_since_vacuum:int8 last_vacuum:timestamptz
			last_autovacuum:timestamptz last_analyze:timestamptz last_autoanalyze:timestamptz vacuum_count:int8
			autovacuum_count:int8 analyze_count:int8 autoanalyze_count:int8`
		colsStatXactTables = `relid:oid schemaname:name relname:name seq_scan:int8 seq_tup_read:int8 idx_scan:int8
			idx_tup_fetch:int8 n_tup_ins:int8 n_tup_upd:int8 n_tup_del:int8 n_tup_hot_upd:int8`
		colsStatioTables = `relid:oid schemaname:name relname:name heap_blks_read:int8 heap_blks_hit:int8
			idx_blks_read:int8 idx_blks_hit:int8 toast_blks_read:int8 toast_blks_hit:int8 tidx_blks_read:int8
			tidx_blks_hit:int8`
		colsStatIndexes = `relid:oid indexrelid:oid schemaname:name relname:name indexrelname:name idx_scan:int8
			idx_tup_read:int8 idx_tup_fetch:int8`
		colsStatioIndexes = `relid:oid indexrelid:oid schemaname:name relname:name indexrelname:name
			idx_blks_read:int8 idx_blks_hit:int8`
	)
	zero, null := dInt(0), types.Null
	// ifIndex is an index counter of a table: 0 with an index, else NULL.
	ifIndex := func(r statRel) types.Datum {
		if r.hasIndex {
			return zero
		}
		return null
	}
	for _, kind := range []string{"all", "user", "sys"} {
		kind := kind
		pgView("pg_stat_"+kind+"_tables", colsStatTables, func(s *Session) []types.Row {
			var rows []types.Row
			for _, r := range s.statRels(kind, false) {
				rows = append(rows, types.Row{
					dOid(r.rel.oid), dText(r.rel.schema), dText(r.rel.name), zero, zero, ifIndex(r), ifIndex(r),
					zero, zero, zero, zero, zero, zero, zero, zero,
					null, null, null, null, zero, zero, zero, zero,
				})
			}
			return rows
		})
		pgView("pg_stat_xact_"+kind+"_tables", colsStatXactTables, func(s *Session) []types.Row {
			var rows []types.Row
			for _, r := range s.statRels(kind, false) {
				rows = append(rows, types.Row{
					dOid(r.rel.oid), dText(r.rel.schema), dText(r.rel.name), zero, zero, ifIndex(r), ifIndex(r),
					zero, zero, zero, zero,
				})
			}
			return rows
		})
		// Eddy has no sequences.
		pgView("pg_statio_"+kind+"_sequences", "relid:oid schemaname:name relname:name blks_read:int8 blks_hit:int8", noRows)
		pgView("pg_statio_"+kind+"_tables", colsStatioTables, func(s *Session) []types.Row {
			var rows []types.Row
			for _, r := range s.statRels(kind, false) {
				rows = append(rows, types.Row{
					dOid(r.rel.oid), dText(r.rel.schema), dText(r.rel.name), zero, zero, ifIndex(r), ifIndex(r),
					null, null, null, null,
				})
			}
			return rows
		})
		pgView("pg_stat_"+kind+"_indexes", colsStatIndexes, func(s *Session) []types.Row {
			var rows []types.Row
			for _, r := range s.statRels(kind, true) {
				rows = append(rows, types.Row{
					dOid(r.rel.oid), dOid(r.index.oid), dText(r.rel.schema), dText(r.rel.name), dText(r.index.name),
					zero, zero, zero,
				})
			}
			return rows
		})
		pgView("pg_statio_"+kind+"_indexes", colsStatioIndexes, func(s *Session) []types.Row {
			var rows []types.Row
			for _, r := range s.statRels(kind, true) {
				rows = append(rows, types.Row{
					dOid(r.rel.oid), dOid(r.index.oid), dText(r.rel.schema), dText(r.rel.name), dText(r.index.name),
					zero, zero,
				})
			}
			return rows
		})
	}
}
