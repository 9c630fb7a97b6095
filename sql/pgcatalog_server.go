package sql

import (
	"encoding/binary"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cockroachdb/apd/v3"

	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// The server-wide views of pg_catalog: cumulative statistics, locks, the
// session's prepared statements and cursors, time zones, configuration
// files, extensions and planner statistics.
//
//	pg_stat_database        one row per database: numbackends counts
//	                        the open sessions; Eddy counts no
//	                        transactions, blocks or tuples per database
//	pg_stat_bgwriter,       one row each, counters 0: Eddy has no
//	pg_stat_wal,            shared buffers, no write-ahead log of
//	pg_stat_archiver        PostgreSQL's kind, no WAL archiving
//	pg_prepared_statements  the session's named prepared statements
//	                        (extended-protocol Parse; Eddy has no
//	                        PREPARE): every bind uses the one plan built
//	                        at Parse, a generic plan
//	pg_timezone_names       the zones of the time zone directory Go
//	                        loads zones from, as of the transaction start
//	pg_timezone_abbrevs     the abbreviations date/time input accepts
//
// Counters that Eddy does not keep are 0 and the reset times NULL, as
// on a PostgreSQL server whose statistics were never reset. Empty: pg_locks
// (Eddy has no lock manager whose locks could be listed), pg_cursors
// (no DECLARE), pg_file_settings, pg_hba_file_rules and
// pg_ident_file_mappings (Eddy reads no postgresql.conf, pg_hba.conf or
// pg_ident.conf), pg_available_extensions and
// pg_available_extension_versions (no extensions), pg_stats,
// pg_stats_ext and pg_stats_ext_exprs (no planner statistics).

// sessionPIDs returns the backend PIDs of the open sessions, in order.
func (s *Session) sessionPIDs() []int32 {
	var out []int32
	for _, o := range s.eng.Sessions() {
		out = append(out, o.PID)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// txnStart is the start of the session's transaction (now outside one).
func (s *Session) txnStart() time.Time {
	if s.txn != nil {
		return s.txn.start
	}
	return time.Now()
}

func init() {
	pgView("pg_stat_database", `datid:oid datname:name numbackends:int4 xact_commit:int8 xact_rollback:int8
		blks_read:int8 blks_hit:int8 tup_returned:int8 tup_fetched:int8 tup_inserted:int8 tup_updated:int8
		tup_deleted:int8 conflicts:int8 temp_files:int8 temp_bytes:int8 deadlocks:int8 checksum_failures:int8
		checksum_last_failure:timestamptz blk_read_time:float8 blk_write_time:float8 session_time:float8
		active_time:float8 idle_in_transaction_time:float8 sessions:int8 sessions_abandoned:int8
		sessions_fatal:int8 sessions_killed:int8 stats_reset:timestamptz`, func(s *Session) []types.Row {
		backends := map[string]int64{}
		for _, o := range s.eng.Sessions() {
			backends[o.Database]++
		}
		zero, fzero, null := dInt(0), types.NewFloat(0), types.Null
		var rows []types.Row
		for i, d := range s.eng.Databases() {
			// checksum_failures is NULL: PostgreSQL's data checksums
			// are off.
			rows = append(rows, types.Row{
				dOid(oidFirstDatabase + uint32(i)), dText(d), dInt(backends[d]), zero, zero,
				zero, zero, zero, zero, zero, zero,
				zero, zero, zero, zero, zero, null,
				null, fzero, fzero, fzero,
				fzero, fzero, zero, zero,
				zero, zero, null,
			})
		}
		return rows
	})

	pgView("pg_stat_bgwriter", `checkpoints_timed:int8 checkpoints_req:int8 checkpoint_write_time:float8
		checkpoint_sync_time:float8 buffers_checkpoint:int8 buffers_clean:int8 maxwritten_clean:int8
		buffers_backend:int8 buffers_backend_fsync:int8 buffers_alloc:int8 stats_reset:timestamptz`,
		func(*Session) []types.Row {
			zero, fzero := dInt(0), types.NewFloat(0)
			return []types.Row{{zero, zero, fzero, fzero, zero, zero, zero, zero, zero, zero, types.Null}}
		})

	pgView("pg_stat_wal", `wal_records:int8 wal_fpi:int8 wal_bytes:numeric wal_buffers_full:int8 wal_write:int8
		wal_sync:int8 wal_write_time:float8 wal_sync_time:float8 stats_reset:timestamptz`, func(*Session) []types.Row {
		zero, fzero := dInt(0), types.NewFloat(0)
		return []types.Row{{zero, zero, numericZero(), zero, zero, zero, fzero, fzero, types.Null}}
	})

	pgView("pg_stat_archiver", `archived_count:int8 last_archived_wal:text last_archived_time:timestamptz
		failed_count:int8 last_failed_wal:text last_failed_time:timestamptz stats_reset:timestamptz`,
		func(*Session) []types.Row {
			null := types.Null
			return []types.Row{{dInt(0), null, null, dInt(0), null, null, null}}
		})

	pgView("pg_stat_database_conflicts", `datid:oid datname:name confl_tablespace:int8 confl_lock:int8
		confl_snapshot:int8 confl_bufferpin:int8 confl_deadlock:int8`, func(s *Session) []types.Row {
		// Conflicts with recovery happen on standbys; Eddy is none.
		var rows []types.Row
		for i, d := range s.eng.Databases() {
			rows = append(rows, types.Row{dOid(oidFirstDatabase + uint32(i)), dText(d), dInt(0), dInt(0), dInt(0), dInt(0), dInt(0)})
		}
		return rows
	})

	// Eddy answers SSLRequest and GSSENCRequest with N and authenticates
	// without GSSAPI: no session is encrypted.
	pgView("pg_stat_ssl", `pid:int4 ssl:bool version:text cipher:text bits:int4 client_dn:text client_serial:numeric
		issuer_dn:text`, func(s *Session) []types.Row {
		var rows []types.Row
		for _, pid := range s.sessionPIDs() {
			null := types.Null
			rows = append(rows, types.Row{dInt(int64(pid)), dBool(false), null, null, null, null, null, null})
		}
		return rows
	})
	pgView("pg_stat_gssapi", "pid:int4 gss_authenticated:bool principal:text encrypted:bool", func(s *Session) []types.Row {
		var rows []types.Row
		for _, pid := range s.sessionPIDs() {
			rows = append(rows, types.Row{dInt(int64(pid)), dBool(false), types.Null, dBool(false)})
		}
		return rows
	})

	// Eddy has no replication, publications or subscriptions (pg_publication
	// and pg_subscription are empty).
	pgView("pg_replication_slots", `slot_name:name plugin:name slot_type:text datoid:oid database:name
		temporary:bool active:bool active_pid:int4 xmin:xid catalog_xmin:xid restart_lsn:pg_lsn
		confirmed_flush_lsn:pg_lsn wal_status:text safe_wal_size:int8 two_phase:bool`, noRows)
	pgView("pg_stat_replication", `pid:int4 usesysid:oid usename:name application_name:text client_addr:inet
		client_hostname:text client_port:int4 backend_start:timestamptz backend_xmin:xid state:text sent_lsn:pg_lsn
		write_lsn:pg_lsn flush_lsn:pg_lsn replay_lsn:pg_lsn write_lag:interval flush_lag:interval
		replay_lag:interval sync_priority:int4 sync_state:text reply_time:timestamptz`, noRows)
	pgView("pg_stat_wal_receiver", `pid:int4 status:text receive_start_lsn:pg_lsn receive_start_tli:int4
		written_lsn:pg_lsn flushed_lsn:pg_lsn received_tli:int4 last_msg_send_time:timestamptz
		last_msg_receipt_time:timestamptz latest_end_lsn:pg_lsn latest_end_time:timestamptz slot_name:text
		sender_host:text sender_port:int4 conninfo:text`, noRows)
	pgView("pg_stat_replication_slots", `slot_name:text spill_txns:int8 spill_count:int8 spill_bytes:int8
		stream_txns:int8 stream_count:int8 stream_bytes:int8 total_txns:int8 total_bytes:int8
		stats_reset:timestamptz`, noRows)
	pgView("pg_replication_origin", "roident:oid roname:text", noRows)
	pgView("pg_replication_origin_status", "local_id:oid external_id:text remote_lsn:pg_lsn local_lsn:pg_lsn", noRows)
	pgView("pg_publication_tables", "pubname:name schemaname:name tablename:name attnames:name[] rowfilter:text", noRows)
	pgView("pg_subscription_rel", "srsubid:oid srrelid:oid srsubstate:char srsublsn:pg_lsn", noRows)
	pgView("pg_stat_subscription", `subid:oid subname:name pid:int4 relid:oid received_lsn:pg_lsn
		last_msg_send_time:timestamptz last_msg_receipt_time:timestamptz latest_end_lsn:pg_lsn
		latest_end_time:timestamptz`, noRows)
	pgView("pg_stat_subscription_stats", `subid:oid subname:name apply_error_count:int8 sync_error_count:int8
		stats_reset:timestamptz`, noRows)

	// No VACUUM, ANALYZE, CLUSTER, CREATE INDEX or base backup ever runs.
	pgView("pg_stat_progress_vacuum", `pid:int4 datid:oid datname:name relid:oid phase:text heap_blks_total:int8
		heap_blks_scanned:int8 heap_blks_vacuumed:int8 index_vacuum_count:int8 max_dead_tuples:int8
		num_dead_tuples:int8`, noRows)
	pgView("pg_stat_progress_analyze", `pid:int4 datid:oid datname:name relid:oid phase:text
		sample_blks_total:int8 sample_blks_scanned:int8 ext_stats_total:int8 ext_stats_computed:int8
		child_tables_total:int8 child_tables_done:int8 current_child_table_relid:oid`, noRows)
	pgView("pg_stat_progress_cluster", `pid:int4 datid:oid datname:name relid:oid command:text phase:text
		cluster_index_relid:oid heap_tuples_scanned:int8 heap_tuples_written:int8 heap_blks_total:int8
		heap_blks_scanned:int8 index_rebuild_count:int8`, noRows)
	pgView("pg_stat_progress_create_index", `pid:int4 datid:oid datname:name relid:oid index_relid:oid
		command:text phase:text lockers_total:int8 lockers_done:int8 current_locker_pid:int8 blocks_total:int8
		blocks_done:int8 tuples_total:int8 tuples_done:int8 partitions_total:int8 partitions_done:int8`, noRows)
	pgView("pg_stat_progress_basebackup", `pid:int4 phase:text backup_total:int8 backup_streamed:int8
		tablespaces_total:int8 tablespaces_streamed:int8`, noRows)

	// Eddy has no user-defined functions, whose calls these count.
	pgView("pg_stat_user_functions", `funcid:oid schemaname:name funcname:name calls:int8 total_time:float8
		self_time:float8`, noRows)
	pgView("pg_stat_xact_user_functions", `funcid:oid schemaname:name funcname:name calls:int8 total_time:float8
		self_time:float8`, noRows)

	pgView("pg_parameter_acl", "oid:oid parname:text paracl:aclitem[]", noRows)
	pgView("pg_shseclabel", "objoid:oid classoid:oid provider:text label:text", noRows)

	pgView("pg_locks", `locktype:text database:oid relation:oid page:int4 tuple:int2 virtualxid:text
		transactionid:xid classid:oid objid:oid objsubid:int2 virtualtransaction:text pid:int4 mode:text
		granted:bool fastpath:bool waitstart:timestamptz`, noRows)

	pgView("pg_prepared_statements", `name:text statement:text prepare_time:timestamptz
		parameter_types:regtype[] from_sql:bool generic_plans:int8 custom_plans:int8`, func(s *Session) []types.Row {
		names := make([]string, 0, len(s.prepared))
		for n := range s.prepared {
			if n != "" {
				names = append(names, n)
			}
		}
		sort.Strings(names)
		var rows []types.Row
		for _, n := range names {
			p := s.prepared[n]
			params := make([]uint32, len(p.ParamTypes))
			for i, t := range p.ParamTypes {
				params[i] = t.OID()
			}
			rows = append(rows, types.Row{dText(n), dText(p.SQL), types.NewTimestamptz(p.preparedAt.UnixMicro()),
				dOids(params), dBool(false), dInt(p.binds), dInt(0)})
		}
		return rows
	})

	pgView("pg_cursors", `name:text statement:text is_holdable:bool is_binary:bool is_scrollable:bool
		creation_time:timestamptz`, noRows)

	tzNames := pgCols("name:text abbrev:text utc_offset:interval is_dst:bool")
	registerSystem("pg_catalog", "pg_timezone_names", func(s *Session) *planner.Virtual {
		return &planner.Virtual{Name: "pg_timezone_names", Cols: sysColumns(tzNames), Rows: func() ([]types.Row, error) {
			zones, err := zoneDirectory()
			if err != nil {
				return nil, err
			}
			at := s.txnStart()
			rows := make([]types.Row, 0, len(zones))
			for _, z := range zones {
				t := at.In(z.loc)
				abbrev, off := t.Zone()
				rows = append(rows, types.Row{dText(z.name), dText(abbrev),
					types.NewInterval(types.IntervalValue{Micros: int64(off) * 1e6}), dBool(t.IsDST())})
			}
			return rows, nil
		}}
	})

	pgView("pg_timezone_abbrevs", "abbrev:text utc_offset:interval is_dst:bool", func(*Session) []types.Row {
		var rows []types.Row
		for _, a := range types.ZoneAbbrevs() {
			rows = append(rows, types.Row{dText(a.Abbrev),
				types.NewInterval(types.IntervalValue{Micros: int64(a.Offset) * 1e6}), dBool(a.DST)})
		}
		return rows
	})

	pgView("pg_file_settings", `sourcefile:text sourceline:int4 seqno:int4 name:text setting:text applied:bool
		error:text`, noRows)
	pgView("pg_hba_file_rules", `line_number:int4 type:text database:text[] user_name:text[] address:text
		netmask:text auth_method:text options:text[] error:text`, noRows)
	pgView("pg_ident_file_mappings", "line_number:int4 map_name:text sys_name:text pg_username:text error:text", noRows)

	pgView("pg_available_extensions", "name:name default_version:text installed_version:text comment:text", noRows)
	pgView("pg_available_extension_versions", `name:name version:text installed:bool superuser:bool trusted:bool
		relocatable:bool schema:name requires:name[] comment:text`, noRows)

	pgView("pg_stats", `schemaname:name tablename:name attname:name inherited:bool null_frac:float4 avg_width:int4
		n_distinct:float4 most_common_vals:anyarray most_common_freqs:float4[] histogram_bounds:anyarray
		correlation:float4 most_common_elems:anyarray most_common_elem_freqs:float4[]
		elem_count_histogram:float4[]`, noRows)
	pgView("pg_stats_ext", `schemaname:name tablename:name statistics_schemaname:name statistics_name:name
		statistics_owner:name attnames:name[] exprs:text[] kinds:char[] inherited:bool n_distinct:pg_ndistinct
		dependencies:pg_dependencies most_common_vals:text[] most_common_val_nulls:bool[]
		most_common_freqs:float8[] most_common_base_freqs:float8[]`, noRows)
	pgView("pg_stats_ext_exprs", `schemaname:name tablename:name statistics_schemaname:name statistics_name:name
		statistics_owner:name expr:text inherited:bool null_frac:float4 avg_width:int4 n_distinct:float4
		most_common_vals:anyarray most_common_freqs:float4[] histogram_bounds:anyarray correlation:float4
		most_common_elems:anyarray most_common_elem_freqs:float4[] elem_count_histogram:float4[]`, noRows)
}

func numericZero() types.Datum { return types.NewDecimal(apd.New(0, 0)) }

// zone is a time zone of the zone directory.
type zone struct {
	name string
	loc  *time.Location
}

var zoneDir struct {
	once  sync.Once
	zones []zone
	err   error
}

// zoneDirs are the directories Go's time package loads zones from on
// Unix when $ZONEINFO names none, in its order.
var zoneDirs = []string{"/usr/share/zoneinfo", "/usr/share/lib/zoneinfo", "/usr/lib/locale/TZ", "/etc/zoneinfo"}

// zoneDirectory returns the zones of the directory time zones load from
// ($ZONEINFO if it is a directory, else the first of zoneDirs that
// exists), by name, read once: as PostgreSQL lists its zone directory,
// every file (symbolic links followed, dot files skipped) that holds
// zone data without leap seconds. Without a directory (Eddy then uses
// the zone data built into it, which cannot be listed) reading the view
// fails with 0A000.
func zoneDirectory() ([]zone, error) {
	zoneDir.once.Do(func() {
		dir := ""
		cands := zoneDirs
		if z := os.Getenv("ZONEINFO"); z != "" {
			cands = append([]string{z}, cands...)
		}
		for _, d := range cands {
			if st, err := os.Stat(d); err == nil && st.IsDir() {
				dir = d
				break
			}
		}
		if dir == "" {
			zoneDir.err = sqlerr.NotSupported("pg_timezone_names without a time zone directory")
			return
		}
		zoneDir.zones = readZoneDir(dir, "", 0)
		sort.Slice(zoneDir.zones, func(i, j int) bool { return zoneDir.zones[i].name < zoneDir.zones[j].name })
	})
	return zoneDir.zones, zoneDir.err
}

// maxZoneDirDepth bounds how deep readZoneDir descends (symbolic links
// to directories are followed, and may form cycles).
const maxZoneDirDepth = 10

// readZoneDir returns the zones under dir/rel.
func readZoneDir(dir, rel string, depth int) []zone {
	entries, err := os.ReadDir(filepath.Join(dir, rel))
	if err != nil {
		return nil
	}
	var out []zone
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		name := path.Join(rel, e.Name())
		full := filepath.Join(dir, filepath.FromSlash(name))
		st, err := os.Stat(full)
		switch {
		case err != nil:
		case st.IsDir():
			if depth+1 < maxZoneDirDepth {
				out = append(out, readZoneDir(dir, name, depth+1)...)
			}
		case st.Mode().IsRegular():
			data, err := os.ReadFile(full)
			if err != nil || !zoneDataWithoutLeaps(data) {
				continue
			}
			if loc, err := time.LoadLocationFromTZData(name, data); err == nil {
				out = append(out, zone{name: name, loc: loc})
			}
		}
	}
	return out
}

// zoneDataWithoutLeaps reports whether data is a TZif file whose first
// header counts no leap seconds (PostgreSQL ignores zones with them).
func zoneDataWithoutLeaps(data []byte) bool {
	const leapcnt = 28 // magic, version, 15 reserved bytes, isutcnt, isstdcnt
	if len(data) < 44 || string(data[:4]) != "TZif" {
		return false
	}
	return binary.BigEndian.Uint32(data[leapcnt:]) == 0
}
