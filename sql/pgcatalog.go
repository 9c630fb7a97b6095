package sql

import (
	"hash/fnv"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/functions"
	"github.com/eddy-db/eddy/sql/types"
)

// pg_catalog: PostgreSQL 15's system catalogs and views, computed from
// Eddy's catalog when a query reads them, with PostgreSQL's column names
// and types, so that psql's \d commands, drivers and tools such as
// Grafana find tables, views and their columns as on PostgreSQL.
//
// Relations and their kinds (pg_class.relkind):
//
//	table                      'r'   (relam heap)
//	view                       'v'
//	materialized view          'm'   (relam heap)
//	source                     'f'   foreign table: rows live outside, read through a connector
//	                                 (pg_foreign_table names the connector as the server and
//	                                 lists the WITH options, secrets masked)
//	primary key of a table     'i'   index <table>_pkey (relam btree), with its pg_index and
//	                                 pg_constraint rows: the table's rows are stored in key order
//	system relations           'r' for PostgreSQL's catalog tables, 'v' for the others
//
// Sinks are not relations: SHOW SINKS and rw_catalog.rw_sinks list them.
// A primary key's index uses its key types' btree operator classes
// (pg_index.indclass). Operators, casts and operator classes derive from
// the type system and the function library (pgcatalog_ops.go); the
// table and index statistics views are in pgcatalog_stats.go, the
// server-wide views (pg_stat_database, pg_locks, pg_prepared_statements,
// pg_timezone_names, ...) in pgcatalog_server.go and information_schema's
// constraint, routine, privilege and view-usage views in infoschema.go.
// A relation of PostgreSQL's catalogs that Eddy does not compute fails
// with 0A000 (pgcatalog_names.go).
//
// OIDs:
//
//	11, 2200, 13207, 13208      schemas pg_catalog, public, information_schema, rw_catalog
//	< 10000                     built-in types and PostgreSQL's catalog tables: PostgreSQL's OIDs
//	10000 + n                   the n-th operator (pg_operator), by name and argument types
//	11000 + n                   the n-th cast (pg_cast), by source and target type
//	11500 + n, 11600 + n        the n-th btree operator family and class, by type
//	11700 + n, 11900 + n        the rows of pg_amop and pg_amproc
//	12000 + n                   the n-th built-in function (pg_proc), in name order
//	14000 + n                   the n-th other system relation, in schema.name order
//	16384 ...                   user objects: their catalog id (tables, views, sources)
//	1<<30 | id                  the primary-key index of table id
//	2<<30 | id                  the primary-key constraint of table id
//	2<<30 | 1<<29 | k<<11 | n   the default of column n of object 16384+k (pg_attrdef)
//	3<<30 | hash(name)          roles by name, and the connectors sources use (pg_foreign_server)
//
// Values of types Eddy lacks use the nearest Eddy type: aclitem[] is
// text[] (always NULL), pg_node_tree is text (the SQL text of the
// expression), xid is bigint, inet, pg_lsn, anyarray, pg_ndistinct,
// pg_dependencies and pg_mcv_list are text, pg_statistic[] is text[].

// Namespace OIDs.
const (
	oidPgCatalog         uint32 = 11
	oidPublic            uint32 = 2200
	oidInformationSchema uint32 = 13207
	oidRwCatalog         uint32 = 13208
)

// Other fixed OIDs.
const (
	oidAmHeap        uint32 = 2
	oidAmBtree       uint32 = 403
	oidCollDefault   uint32 = 100
	oidCollC         uint32 = 950
	oidCollPOSIX     uint32 = 951
	oidCollUcsBasic  uint32 = 12340
	oidCollCUTF8     uint32 = 12341
	oidTablespaceDef uint32 = 1663
	oidTablespaceGlb uint32 = 1664
	oidLangInternal  uint32 = 12
	oidLangC         uint32 = 13
	oidLangSQL       uint32 = 14
	oidFirstOperator uint32 = 10000
	oidFirstCast     uint32 = 11000
	oidFirstOpfamily uint32 = 11500
	oidFirstOpclass  uint32 = 11600
	oidFirstAmop     uint32 = 11700
	oidFirstAmproc   uint32 = 11900
	oidFirstFunction uint32 = 12000
	oidFirstSysRel   uint32 = 14000
	oidFirstDatabase uint32 = 5
)

const (
	oidIndexBit      uint32 = 1 << 30
	oidConstraintBit uint32 = 2 << 30
	oidAttrdefBits   uint32 = 2<<30 | 1<<29
	oidRoleBits      uint32 = 3 << 30
	oidSpaceMask     uint32 = 3 << 30
)

// schemaOIDs lists the schemas in pg_namespace order.
var schemaOIDs = []struct {
	name string
	oid  uint32
}{
	{"pg_catalog", oidPgCatalog}, {catalog.DefaultSchema, oidPublic},
	{"information_schema", oidInformationSchema}, {"rw_catalog", oidRwCatalog},
}

func schemaOID(name string) (uint32, bool) {
	for _, s := range schemaOIDs {
		if s.name == name {
			return s.oid, true
		}
	}
	return 0, false
}

func schemaName(oid uint32) (string, bool) {
	for _, s := range schemaOIDs {
		if s.oid == oid {
			return s.name, true
		}
	}
	return "", false
}

// roleOID is the OID of a role: users are not stored, any name a client
// connects with is a (superuser) role, so its OID derives from the name.
func roleOID(name string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(name))
	return oidRoleBits | h.Sum32()&^oidSpaceMask
}

func indexOID(table uint32) uint32      { return oidIndexBit | table }
func constraintOID(table uint32) uint32 { return oidConstraintBit | table }

func attrdefOID(obj uint32, attnum int) uint32 {
	return oidAttrdefBits | (obj-catalog.FirstUserID)<<11 | uint32(attnum)
}

// pgCatalogOIDs are PostgreSQL's OIDs of its catalog tables (relkind 'r').
var pgCatalogOIDs = map[string]uint32{
	"pg_am": 2601, "pg_attrdef": 2604, "pg_attribute": 1249, "pg_auth_members": 1261, "pg_authid": 1260,
	"pg_cast": 2605, "pg_class": 1259, "pg_collation": 3456, "pg_constraint": 2606, "pg_database": 1262,
	"pg_depend": 2608, "pg_description": 2609, "pg_enum": 3501, "pg_event_trigger": 3466, "pg_extension": 3079,
	"pg_foreign_data_wrapper": 2328, "pg_foreign_server": 1417, "pg_foreign_table": 3118, "pg_index": 2610,
	"pg_inherits": 2611, "pg_language": 2612, "pg_namespace": 2615, "pg_opclass": 2616, "pg_operator": 2617,
	"pg_partitioned_table": 3350, "pg_policy": 3256, "pg_proc": 1255, "pg_publication": 6104,
	"pg_publication_namespace": 6237, "pg_publication_rel": 6106, "pg_range": 3541, "pg_rewrite": 2618,
	"pg_sequence": 2224, "pg_shdescription": 2396, "pg_statistic_ext": 3381, "pg_tablespace": 1213,
	"pg_trigger": 2620, "pg_type": 1247, "pg_subscription": 6100, "pg_db_role_setting": 2964,
	"pg_default_acl": 826, "pg_conversion": 2607, "pg_init_privs": 3394, "pg_seclabel": 3596, "pg_shdepend": 1214,
	"pg_amop": 2602, "pg_amproc": 2603, "pg_opfamily": 2753, "pg_ts_config": 3602, "pg_ts_config_map": 3603,
	"pg_ts_dict": 3600, "pg_ts_parser": 3601, "pg_ts_template": 3764,
	"pg_aggregate": 2600, "pg_statistic": 2619, "pg_statistic_ext_data": 3429, "pg_user_mapping": 1418,
	"pg_transform": 3576, "pg_largeobject": 2613, "pg_largeobject_metadata": 2995, "pg_replication_origin": 6000,
	"pg_subscription_rel": 6102, "pg_parameter_acl": 6243, "pg_shseclabel": 3592,
}

// sysRel is a system relation as pg_class shows it.
type sysRel struct {
	schema, name string
	oid          uint32
	kind         byte
}

var sysRels struct {
	once   sync.Once
	list   []*sysRel
	byOID  map[uint32]*sysRel
	byName map[string]*sysRel // schema.name
}

// systemRels returns the system relations, ordered by OID. They are
// registered by init functions, so the list is fixed once built.
func systemRels() []*sysRel {
	sysRels.once.Do(func() {
		keys := make([]string, 0, len(systemRelations))
		for k := range systemRelations {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		sysRels.byOID = map[uint32]*sysRel{}
		sysRels.byName = map[string]*sysRel{}
		next := oidFirstSysRel
		for _, k := range keys {
			schema, name, _ := strings.Cut(k, ".")
			r := &sysRel{schema: schema, name: name, kind: 'v'}
			if oid, ok := pgCatalogOIDs[name]; ok && schema == "pg_catalog" {
				r.oid, r.kind = oid, 'r'
			} else {
				r.oid = next
				next++
			}
			sysRels.list = append(sysRels.list, r)
			sysRels.byOID[r.oid] = r
			sysRels.byName[k] = r
		}
		sort.Slice(sysRels.list, func(i, j int) bool { return sysRels.list[i].oid < sysRels.list[j].oid })
	})
	return sysRels.list
}

func systemRelByOID(oid uint32) (*sysRel, bool) {
	systemRels()
	r, ok := sysRels.byOID[oid]
	return r, ok
}

func systemRelByName(schema, name string) (*sysRel, bool) {
	systemRels()
	r, ok := sysRels.byName[schema+"."+name]
	return r, ok
}

// pgAttr is a column as pg_attribute shows it.
type pgAttr struct {
	name    string
	typ     types.Type
	notNull bool
	def     string // DEFAULT expression ("" = none)
}

// pgRel is a relation as pg_class shows it.
type pgRel struct {
	oid    uint32
	name   string
	schema string
	kind   byte
	owner  string
	cols   []pgAttr
	// obj is the catalog object (for an index, its table's); nil for
	// system relations.
	obj *catalog.Object
	// table is an index's table; pkey the attnums of a table's primary
	// key (nil without a declared key).
	table uint32
	pkey  []int
}

func (r *pgRel) nsp() uint32 {
	oid, _ := schemaOID(r.schema)
	return oid
}

func (r *pgRel) am() uint32 {
	switch r.kind {
	case 'r', 'm':
		return oidAmHeap
	case 'i':
		return oidAmBtree
	}
	return 0
}

// userRels returns the relations of one catalog object: itself and, for
// a table with a declared primary key, the key's index.
// keyedTable is a table with a declared primary key and the index
// pg_catalog shows for it.
type keyedTable struct {
	o          *catalog.Object
	table, key pgRel
}

// keyedTables lists the tables with a primary key.
func (s *Session) keyedTables() []keyedTable {
	var out []keyedTable
	for _, o := range s.eng.Catalog.Objects() {
		if rels := userRels(o, s.User); len(rels) >= 2 {
			out = append(out, keyedTable{o, rels[0], rels[1]})
		}
	}
	return out
}

// keyedTableOf finds the table behind the OID of a primary-key index or
// constraint (space: its oidIndexBit or oidConstraintBit).
func (s *Session) keyedTableOf(oid, space uint32) (keyedTable, bool) {
	if oid&oidSpaceMask != space {
		return keyedTable{}, false
	}
	o, ok := s.eng.Catalog.ByID(oid &^ oidSpaceMask)
	if !ok {
		return keyedTable{}, false
	}
	rels := userRels(o, s.User)
	if len(rels) < 2 {
		return keyedTable{}, false
	}
	return keyedTable{o, rels[0], rels[1]}, true
}

func userRels(o *catalog.Object, user string) []pgRel {
	var kind byte
	switch o.Kind {
	case catalog.KindTable:
		kind = 'r'
	case catalog.KindView:
		kind = 'v'
	case catalog.KindMaterializedView:
		kind = 'm'
	case catalog.KindSource:
		kind = 'f'
	default:
		return nil
	}
	if o.Internal {
		return nil
	}
	owner := o.Owner
	if owner == "" {
		owner = user
	}
	r := pgRel{oid: o.ID, name: o.Name, schema: o.Schema, kind: kind, owner: owner, obj: o}
	attnum := make([]int, len(o.Columns))
	for i, c := range o.Columns {
		if c.Hidden {
			continue
		}
		r.cols = append(r.cols, pgAttr{name: c.Name, typ: c.Type, notNull: c.NotNull, def: c.Default})
		attnum[i] = len(r.cols)
	}
	out := []pgRel{r}
	if kind == 'r' && o.PKDeclared && len(o.PK) > 0 {
		idx := pgRel{oid: indexOID(o.ID), name: o.Name + "_pkey", schema: o.Schema, kind: 'i', owner: owner,
			obj: o, table: o.ID}
		for _, k := range o.PK {
			c := o.Columns[k]
			idx.cols = append(idx.cols, pgAttr{name: c.Name, typ: c.Type, notNull: true})
			out[0].pkey = append(out[0].pkey, attnum[k])
		}
		out = append(out, idx)
	}
	return out
}

// pgRelations returns every relation pg_class lists, ordered by OID.
func (s *Session) pgRelations() []pgRel {
	var out []pgRel
	for _, r := range systemRels() {
		out = append(out, s.systemPgRel(r))
	}
	for _, o := range s.eng.Catalog.Objects() {
		out = append(out, userRels(o, s.User)...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].oid < out[j].oid })
	return out
}

func (s *Session) systemPgRel(r *sysRel) pgRel {
	v := systemRelations[r.schema+"."+r.name](s)
	rel := pgRel{oid: r.oid, name: r.name, schema: r.schema, kind: r.kind, owner: s.User}
	for _, c := range v.Cols[:len(v.Cols)-v.Hidden] {
		rel.cols = append(rel.cols, pgAttr{name: c.Name, typ: c.Type})
	}
	return rel
}

// pgRelation returns the relation with the given OID.
func (s *Session) pgRelation(oid uint32) (pgRel, bool) {
	switch oid & oidSpaceMask {
	case oidIndexBit:
		o, ok := s.eng.Catalog.ByID(oid &^ oidSpaceMask)
		if !ok {
			return pgRel{}, false
		}
		if rs := userRels(o, s.User); len(rs) == 2 {
			return rs[1], true
		}
		return pgRel{}, false
	case 0:
		if r, ok := systemRelByOID(oid); ok {
			return s.systemPgRel(r), true
		}
		if o, ok := s.eng.Catalog.ByID(oid); ok {
			if rs := userRels(o, s.User); len(rs) > 0 {
				return rs[0], true
			}
		}
	}
	return pgRel{}, false
}

// relVisible reports whether a relation is found by its bare name along
// the search path (see Session.visible).
func (s *Session) relVisible(r *pgRel) bool { return s.visible(r.schema, r.name) }

// roles returns the role names pg_roles lists: the owners of catalog
// objects and the users of open sessions, sorted.
func (s *Session) roles() []string {
	set := map[string]bool{s.User: true}
	for _, o := range s.eng.Catalog.Objects() {
		if o.Owner != "" {
			set[o.Owner] = true
		}
	}
	for _, o := range s.eng.Sessions() {
		set[o.User] = true
	}
	out := make([]string, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func (s *Session) roleName(oid uint32) (string, bool) {
	for _, r := range s.roles() {
		if roleOID(r) == oid {
			return r, true
		}
	}
	return "", false
}

// Datum helpers for the catalogs.

func dOid(v uint32) types.Datum { return types.NewInt(int64(v)) }

func dBool(b bool) types.Datum { return types.NewBool(b) }

// dChar is a "char" value; 0 is the empty "char".
func dChar(c byte) types.Datum {
	if c == 0 {
		return types.NewString("")
	}
	return types.NewString(string([]byte{c}))
}

func dTexts(ss []string) types.Datum {
	out := make([]types.Datum, len(ss))
	for i, s := range ss {
		out[i] = types.NewString(s)
	}
	return types.NewArray(out)
}

func dInts(vs []int) types.Datum {
	out := make([]types.Datum, len(vs))
	for i, v := range vs {
		out[i] = types.NewInt(int64(v))
	}
	return types.NewArray(out)
}

func dOids(vs []uint32) types.Datum {
	out := make([]types.Datum, len(vs))
	for i, v := range vs {
		out[i] = dOid(v)
	}
	return types.NewArray(out)
}

// pgTypes maps the type names of the column specs to Eddy types.
var pgTypes = map[string]types.Type{
	"oid": types.TOid, "name": types.TName, "char": types.TChar, "bool": types.TBool, "int2": types.TInt2,
	"int4": types.TInt4, "int8": types.TInt8, "float4": types.TFloat4, "text": types.TText,
	"regproc": types.TRegproc, "regtype": types.TRegtype, "bytea": types.TBytea,
	"timestamptz": types.TTimestamptz, "text[]": types.ArrayOf(types.Text), "oid[]": types.ArrayOf(types.Oid),
	"int2[]": types.ArrayOf(types.Int2), "char[]": types.ArrayOf(types.Char), "name[]": types.ArrayOf(types.Name),
	"float8": types.TFloat8, "numeric": types.TNumeric, "interval": types.TInterval,
	"float4[]": types.ArrayOf(types.Float4), "float8[]": types.ArrayOf(types.Float8), "bool[]": types.ArrayOf(types.Bool),
	"regtype[]": types.ArrayOf(types.Regtype),
	// Types Eddy lacks.
	"aclitem[]": types.ArrayOf(types.Text), "pg_node_tree": types.TText, "xid": types.TInt8,
	"int2vector": types.TInt2Vector, "oidvector": types.TOidVector,
	"anyarray": types.TText, "inet": types.TText, "pg_lsn": types.TText,
	"pg_ndistinct": types.TText, "pg_dependencies": types.TText, "pg_mcv_list": types.TText,
	"pg_statistic[]": types.ArrayOf(types.Text),
}

// pgCols reads a column list "name:type name:type ..." with the type
// names of pgTypes.
func pgCols(spec string) []sysCol {
	var out []sysCol
	for _, f := range strings.Fields(spec) {
		name, tn, _ := strings.Cut(f, ":")
		t, ok := pgTypes[tn]
		if !ok {
			panic("pg_catalog: unknown column type " + tn)
		}
		out = append(out, sysCol{name, t})
	}
	return out
}

// databaseLocale is every database's locale (pg_database.datcollate and
// datctype): Eddy compares strings bytewise, as the C locale does.
const databaseLocale = "C.UTF-8"

// collation is a pg_collation row.
type collation struct {
	oid            uint32
	name           string
	provider       byte
	encoding       int
	collate, ctype string // "" = NULL
}

// collations are the collations COLLATE accepts (see
// binder.Collations), in pg_collation order.
var collations = []collation{
	{oidCollDefault, "default", 'd', -1, "", ""},
	{oidCollC, "C", 'c', -1, "C", "C"},
	{oidCollPOSIX, "POSIX", 'c', -1, "POSIX", "POSIX"},
	{oidCollUcsBasic, "ucs_basic", 'c', functions.EncodingUTF8, "C", "C"},
	{oidCollCUTF8, "C.utf8", 'c', functions.EncodingUTF8, "C.utf8", "C.utf8"},
}

// pgView registers a pg_catalog relation. PostgreSQL's catalog tables
// also have the system column tableoid.
func pgView(name, spec string, rows func(s *Session) []types.Row) {
	oid, table := pgCatalogOIDs[name]
	if !table {
		registerSystem("pg_catalog", name, virtual(name, pgCols(spec), rows))
		return
	}
	cols := sysColumns(append(pgCols(spec), sysCol{"tableoid", types.TOid}))
	registerSystem("pg_catalog", name, func(s *Session) *planner.Virtual {
		return &planner.Virtual{Name: name, Cols: cols, Hidden: 1, Rows: func() ([]types.Row, error) {
			rs := rows(s)
			for i, r := range rs {
				rs[i] = append(r, dOid(oid))
			}
			return rs, nil
		}}
	})
}

func noRows(*Session) []types.Row { return nil }

// Column lists: PostgreSQL 15's.
const (
	colsPgClass = `oid:oid relname:name relnamespace:oid reltype:oid reloftype:oid relowner:oid relam:oid
		relfilenode:oid reltablespace:oid relpages:int4 reltuples:float4 relallvisible:int4 reltoastrelid:oid
		relhasindex:bool relisshared:bool relpersistence:char relkind:char relnatts:int2 relchecks:int2
		relhasrules:bool relhastriggers:bool relhassubclass:bool relrowsecurity:bool relforcerowsecurity:bool
		relispopulated:bool relreplident:char relispartition:bool relrewrite:oid relfrozenxid:xid
		relminmxid:xid relacl:aclitem[] reloptions:text[] relpartbound:pg_node_tree`
	colsPgAttribute = `attrelid:oid attname:name atttypid:oid attstattarget:int4 attlen:int2 attnum:int2
		attndims:int4 attcacheoff:int4 atttypmod:int4 attbyval:bool attalign:char attstorage:char
		attcompression:char attnotnull:bool atthasdef:bool atthasmissing:bool attidentity:char
		attgenerated:char attisdropped:bool attislocal:bool attinhcount:int4 attcollation:oid
		attacl:aclitem[] attoptions:text[] attfdwoptions:text[] attmissingval:anyarray`
	colsPgType = `oid:oid typname:name typnamespace:oid typowner:oid typlen:int2 typbyval:bool typtype:char
		typcategory:char typispreferred:bool typisdefined:bool typdelim:char typrelid:oid typsubscript:regproc
		typelem:oid typarray:oid typinput:regproc typoutput:regproc typreceive:regproc typsend:regproc
		typmodin:regproc typmodout:regproc typanalyze:regproc typalign:char typstorage:char typnotnull:bool
		typbasetype:oid typtypmod:int4 typndims:int4 typcollation:oid typdefaultbin:pg_node_tree
		typdefault:text typacl:aclitem[]`
	colsPgProc = `oid:oid proname:name pronamespace:oid proowner:oid prolang:oid procost:float4 prorows:float4
		provariadic:oid prosupport:regproc prokind:char prosecdef:bool proleakproof:bool proisstrict:bool
		proretset:bool provolatile:char proparallel:char pronargs:int2 pronargdefaults:int2 prorettype:oid
		proargtypes:oidvector proallargtypes:oid[] proargmodes:char[] proargnames:text[]
		proargdefaults:pg_node_tree protrftypes:oid[] prosrc:text probin:text prosqlbody:pg_node_tree
		proconfig:text[] proacl:aclitem[]`
	colsPgIndex = `indexrelid:oid indrelid:oid indnatts:int2 indnkeyatts:int2 indisunique:bool
		indnullsnotdistinct:bool indisprimary:bool indisexclusion:bool indimmediate:bool indisclustered:bool
		indisvalid:bool indcheckxmin:bool indisready:bool indislive:bool indisreplident:bool indkey:int2vector
		indcollation:oidvector indclass:oidvector indoption:int2vector indexprs:pg_node_tree indpred:pg_node_tree`
	colsPgConstraint = `oid:oid conname:name connamespace:oid contype:char condeferrable:bool condeferred:bool
		convalidated:bool conrelid:oid contypid:oid conindid:oid conparentid:oid confrelid:oid confupdtype:char
		confdeltype:char confmatchtype:char conislocal:bool coninhcount:int4 connoinherit:bool conkey:int2[]
		confkey:int2[] conpfeqop:oid[] conppeqop:oid[] conffeqop:oid[] confdelsetcols:int2[] conexclop:oid[]
		conbin:pg_node_tree`
	colsPgDatabase = `oid:oid datname:name datdba:oid encoding:int4 datlocprovider:char datistemplate:bool
		datallowconn:bool datconnlimit:int4 datfrozenxid:xid datminmxid:xid dattablespace:oid datcollate:text
		datctype:text daticulocale:text datcollversion:text datacl:aclitem[]`
	colsPgRoles = `rolname:name rolsuper:bool rolinherit:bool rolcreaterole:bool rolcreatedb:bool
		rolcanlogin:bool rolreplication:bool rolconnlimit:int4 rolpassword:text rolvaliduntil:timestamptz
		rolbypassrls:bool rolconfig:text[] oid:oid`
	colsPgStatActivity = `datid:oid datname:name pid:int4 leader_pid:int4 usesysid:oid usename:name
		application_name:text client_addr:inet client_hostname:text client_port:int4 backend_start:timestamptz
		xact_start:timestamptz query_start:timestamptz state_change:timestamptz wait_event_type:text
		wait_event:text state:text backend_xid:xid backend_xmin:xid query_id:int8 query:text backend_type:text`
	colsPgSettings = `name:text setting:text unit:text category:text short_desc:text extra_desc:text
		context:text vartype:text source:text min_val:text max_val:text enumvals:text[] boot_val:text
		reset_val:text sourcefile:text sourceline:int4 pending_restart:bool`
	colsPgTrigger = `oid:oid tgrelid:oid tgparentid:oid tgname:name tgfoid:oid tgtype:int2 tgenabled:char
		tgisinternal:bool tgconstrrelid:oid tgconstrindid:oid tgconstraint:oid tgdeferrable:bool
		tginitdeferred:bool tgnargs:int2 tgattr:int2vector tgargs:bytea tgqual:pg_node_tree tgoldtable:name
		tgnewtable:name`
)

func init() {
	pgView("pg_namespace", "oid:oid nspname:name nspowner:oid nspacl:aclitem[]", func(s *Session) []types.Row {
		var rows []types.Row
		for _, n := range schemaOIDs {
			rows = append(rows, types.Row{dOid(n.oid), dText(n.name), dOid(roleOID(s.User)), types.Null})
		}
		return rows
	})

	pgView("pg_class", colsPgClass, func(s *Session) []types.Row {
		rels := s.pgRelations()
		rows := make([]types.Row, 0, len(rels))
		for i := range rels {
			rows = append(rows, pgClassRow(&rels[i]))
		}
		return rows
	})

	pgView("pg_attribute", colsPgAttribute, func(s *Session) []types.Row {
		var rows []types.Row
		for _, r := range s.pgRelations() {
			for i, c := range r.cols {
				rows = append(rows, pgAttributeRow(r.oid, i+1, c))
			}
		}
		return rows
	})

	pgView("pg_attrdef", "oid:oid adrelid:oid adnum:int2 adbin:pg_node_tree", func(s *Session) []types.Row {
		var rows []types.Row
		for _, o := range s.eng.Catalog.Objects() {
			rels := userRels(o, s.User)
			if len(rels) == 0 {
				continue
			}
			for i, c := range rels[0].cols {
				if c.def != "" {
					rows = append(rows, types.Row{dOid(attrdefOID(o.ID, i+1)), dOid(o.ID), dInt(int64(i + 1)), dText(c.def)})
				}
			}
		}
		return rows
	})

	pgView("pg_index", colsPgIndex, func(s *Session) []types.Row {
		var rows []types.Row
		for _, k := range s.keyedTables() {
			t := k.table
			n := len(t.pkey)
			colls, classes := make([]uint32, n), make([]uint32, n)
			for i, k := range t.pkey {
				colls[i] = typeCollation(t.cols[k-1].typ)
				classes[i] = opclassFor(t.cols[k-1].typ)
			}
			rows = append(rows, types.Row{
				dOid(k.key.oid), dOid(t.oid), dInt(int64(n)), dInt(int64(n)), dBool(true),
				dBool(false), dBool(true), dBool(false), dBool(true), dBool(false),
				dBool(true), dBool(false), dBool(true), dBool(true), dBool(false), dInts(t.pkey),
				dOids(colls), dOids(classes), dInts(make([]int, n)), types.Null, types.Null,
			})
		}
		return rows
	})

	pgView("pg_constraint", colsPgConstraint, func(s *Session) []types.Row {
		var rows []types.Row
		for _, k := range s.keyedTables() {
			t := k.table
			rows = append(rows, types.Row{
				dOid(constraintOID(t.oid)), dText(k.key.name), dOid(t.nsp()), dChar('p'), dBool(false), dBool(false),
				dBool(true), dOid(t.oid), dOid(0), dOid(k.key.oid), dOid(0), dOid(0), dChar(' '),
				dChar(' '), dChar(' '), dBool(true), dInt(0), dBool(true), dInts(t.pkey),
				types.Null, types.Null, types.Null, types.Null, types.Null, types.Null,
				types.Null,
			})
		}
		return rows
	})

	pgView("pg_type", colsPgType, func(s *Session) []types.Row {
		var rows []types.Row
		owner := dOid(roleOID(s.User))
		rows = append(rows, pgTypeRow(types.TUnknown, owner))
		for _, t := range types.AllTypes() {
			rows = append(rows, pgTypeRow(t, owner))
			if t.OID() != 0 && types.ArrayOf(t.ID).OID() != 0 {
				rows = append(rows, pgTypeRow(types.ArrayOf(t.ID), owner))
			}
		}
		for _, p := range functions.PseudoTypes {
			rows = append(rows, types.Row{
				dOid(p.OID), dText(p.Name), dOid(oidPgCatalog), owner, dInt(pseudoLen(p.Name)), dBool(p.Name != "cstring"), dChar('p'),
				dChar('P'), dBool(false), dBool(true), dChar(','), dOid(0), dOid(0),
				dOid(0), dOid(0), dOid(0), dOid(0), dOid(0), dOid(0),
				dOid(0), dOid(0), dOid(0), dChar(pseudoAlign(p.Name)), dChar('p'), dBool(false),
				dOid(0), dInt(-1), dInt(0), dOid(0), types.Null,
				types.Null, types.Null,
			})
		}
		sort.Slice(rows, func(i, j int) bool { return rows[i][0].Int() < rows[j][0].Int() })
		return rows
	})

	pgView("pg_proc", colsPgProc, func(s *Session) []types.Row {
		owner := dOid(roleOID(s.User))
		var rows []types.Row
		for _, p := range procs() {
			rows = append(rows, pgProcRow(p, owner))
		}
		return rows
	})

	// Aggregates compute in Eddy's own accumulators, which are no
	// functions of pg_proc: the transition, final and combine functions
	// are 0 and the state type is internal.
	pgView("pg_aggregate", `aggfnoid:regproc aggkind:char aggnumdirectargs:int2 aggtransfn:regproc
		aggfinalfn:regproc aggcombinefn:regproc aggserialfn:regproc aggdeserialfn:regproc aggmtransfn:regproc
		aggminvtransfn:regproc aggmfinalfn:regproc aggfinalextra:bool aggmfinalextra:bool aggfinalmodify:char
		aggmfinalmodify:char aggsortop:oid aggtranstype:oid aggtransspace:int4 aggmtranstype:oid
		aggmtransspace:int4 agginitval:text aggminitval:text`, func(*Session) []types.Row {
		internal, _ := functions.PseudoTypeOID("internal")
		var rows []types.Row
		for _, p := range procs() {
			if p.Kind != 'a' {
				continue
			}
			rows = append(rows, types.Row{
				dOid(p.oid), dChar('n'), dInt(0), dOid(0),
				dOid(0), dOid(0), dOid(0), dOid(0), dOid(0),
				dOid(0), dOid(0), dBool(false), dBool(false), dChar('r'),
				dChar('r'), dOid(0), dOid(internal), dInt(0), dOid(0),
				dInt(0), types.Null, types.Null,
			})
		}
		return rows
	})

	pgView("pg_am", "oid:oid amname:name amhandler:regproc amtype:char", func(*Session) []types.Row {
		return []types.Row{
			{dOid(oidAmHeap), dText("heap"), dOid(0), dChar('t')},
			{dOid(oidAmBtree), dText("btree"), dOid(0), dChar('i')},
		}
	})

	pgView("pg_database", colsPgDatabase, func(s *Session) []types.Row {
		var rows []types.Row
		for i, d := range s.eng.Databases() {
			rows = append(rows, types.Row{
				dOid(oidFirstDatabase + uint32(i)), dText(d), dOid(roleOID(s.User)), dInt(functions.EncodingUTF8), dChar('c'),
				dBool(false), dBool(true), dInt(-1), dInt(0), dInt(1), dOid(oidTablespaceDef), dText(databaseLocale),
				dText(databaseLocale), types.Null, types.Null, types.Null,
			})
		}
		return rows
	})

	pgView("pg_roles", colsPgRoles, func(s *Session) []types.Row {
		var rows []types.Row
		for _, r := range s.roles() {
			rows = append(rows, types.Row{
				dText(r), dBool(true), dBool(true), dBool(true), dBool(true), dBool(true), dBool(true),
				dInt(-1), dText("********"), types.Null, dBool(true), types.Null, dOid(roleOID(r)),
			})
		}
		return rows
	})

	pgView("pg_user", `usename:name usesysid:oid usecreatedb:bool usesuper:bool userepl:bool
		usebypassrls:bool passwd:text valuntil:timestamptz useconfig:text[]`, func(s *Session) []types.Row {
		var rows []types.Row
		for _, r := range s.roles() {
			rows = append(rows, types.Row{
				dText(r), dOid(roleOID(r)), dBool(true), dBool(true), dBool(true), dBool(true),
				dText("********"), types.Null, types.Null,
			})
		}
		return rows
	})

	// pg_authid and pg_shadow show the roles of pg_roles; passwords are
	// never shown (NULL). Every role can log in, so none is a group.
	pgView("pg_authid", `oid:oid rolname:name rolsuper:bool rolinherit:bool rolcreaterole:bool rolcreatedb:bool
		rolcanlogin:bool rolreplication:bool rolbypassrls:bool rolconnlimit:int4 rolpassword:text
		rolvaliduntil:timestamptz`, func(s *Session) []types.Row {
		var rows []types.Row
		for _, r := range s.roles() {
			rows = append(rows, types.Row{
				dOid(roleOID(r)), dText(r), dBool(true), dBool(true), dBool(true), dBool(true), dBool(true),
				dBool(true), dBool(true), dInt(-1), types.Null, types.Null,
			})
		}
		return rows
	})
	pgView("pg_shadow", `usename:name usesysid:oid usecreatedb:bool usesuper:bool userepl:bool
		usebypassrls:bool passwd:text valuntil:timestamptz useconfig:text[]`, func(s *Session) []types.Row {
		var rows []types.Row
		for _, r := range s.roles() {
			rows = append(rows, types.Row{
				dText(r), dOid(roleOID(r)), dBool(true), dBool(true), dBool(true), dBool(true),
				types.Null, types.Null, types.Null,
			})
		}
		return rows
	})
	pgView("pg_group", "groname:name grosysid:oid grolist:oid[]", noRows)

	pgView("pg_auth_members", "roleid:oid member:oid grantor:oid admin_option:bool", noRows)

	pgView("pg_description", "objoid:oid classoid:oid objsubid:int4 description:text", noRows)
	pgView("pg_shdescription", "objoid:oid classoid:oid description:text", noRows)

	pgView("pg_collation", `oid:oid collname:name collnamespace:oid collowner:oid collprovider:char
		collisdeterministic:bool collencoding:int4 collcollate:text collctype:text colliculocale:text
		collversion:text`, func(s *Session) []types.Row {
		owner := dOid(roleOID(s.User))
		var rows []types.Row
		for _, c := range collations {
			rows = append(rows, types.Row{dOid(c.oid), dText(c.name), dOid(oidPgCatalog), owner, dChar(c.provider),
				dBool(true), dInt(int64(c.encoding)), dTextOrNull(c.collate), dTextOrNull(c.ctype), types.Null, types.Null})
		}
		return rows
	})

	pgView("pg_inherits", "inhrelid:oid inhparent:oid inhseqno:int4 inhdetachpending:bool", noRows)
	// Eddy has no row-level security policies, rules, security labels,
	// user mappings, transforms, large objects or planner statistics.
	pgView("pg_policies", `schemaname:name tablename:name policyname:name permissive:text roles:name[] cmd:text
		qual:text with_check:text`, noRows)
	pgView("pg_rules", "schemaname:name tablename:name rulename:name definition:text", noRows)
	pgView("pg_seclabels", `objoid:oid classoid:oid objsubid:int4 objtype:text objnamespace:oid objname:text
		provider:text label:text`, noRows)
	pgView("pg_user_mapping", "oid:oid umuser:oid umserver:oid umoptions:text[]", noRows)
	pgView("pg_transform", "oid:oid trftype:oid trflang:oid trffromsql:regproc trftosql:regproc", noRows)
	pgView("pg_largeobject", "loid:oid pageno:int4 data:bytea", noRows)
	pgView("pg_largeobject_metadata", "oid:oid lomowner:oid lomacl:aclitem[]", noRows)
	pgView("pg_statistic", `starelid:oid staattnum:int2 stainherit:bool stanullfrac:float4 stawidth:int4
		stadistinct:float4 stakind1:int2 stakind2:int2 stakind3:int2 stakind4:int2 stakind5:int2 staop1:oid
		staop2:oid staop3:oid staop4:oid staop5:oid stacoll1:oid stacoll2:oid stacoll3:oid stacoll4:oid
		stacoll5:oid stanumbers1:float4[] stanumbers2:float4[] stanumbers3:float4[] stanumbers4:float4[]
		stanumbers5:float4[] stavalues1:anyarray stavalues2:anyarray stavalues3:anyarray stavalues4:anyarray
		stavalues5:anyarray`, noRows)
	pgView("pg_statistic_ext_data", `stxoid:oid stxdinherit:bool stxdndistinct:pg_ndistinct
		stxddependencies:pg_dependencies stxdmcv:pg_mcv_list stxdexpr:pg_statistic[]`, noRows)
	pgView("pg_extension", `oid:oid extname:name extowner:oid extnamespace:oid extrelocatable:bool
		extversion:text extconfig:oid[] extcondition:text[]`, noRows)
	pgView("pg_trigger", colsPgTrigger, noRows)
	pgView("pg_policy", `oid:oid polname:name polrelid:oid polcmd:char polpermissive:bool polroles:oid[]
		polqual:pg_node_tree polwithcheck:pg_node_tree`, noRows)
	pgView("pg_rewrite", `oid:oid rulename:name ev_class:oid ev_type:char ev_enabled:char is_instead:bool
		ev_qual:pg_node_tree ev_action:pg_node_tree`, noRows)
	pgView("pg_statistic_ext", `oid:oid stxrelid:oid stxname:name stxnamespace:oid stxowner:oid
		stxstattarget:int4 stxkeys:int2vector stxkind:char[] stxexprs:pg_node_tree`, noRows)
	pgView("pg_publication", `oid:oid pubname:name pubowner:oid puballtables:bool pubinsert:bool
		pubupdate:bool pubdelete:bool pubtruncate:bool pubviaroot:bool`, noRows)
	pgView("pg_publication_namespace", "oid:oid pnpubid:oid pnnspid:oid", noRows)
	pgView("pg_publication_rel", "oid:oid prpubid:oid prrelid:oid prqual:pg_node_tree prattrs:int2vector", noRows)
	pgView("pg_partitioned_table", `partrelid:oid partstrat:char partnatts:int2 partdefid:oid
		partattrs:int2vector partclass:oidvector partcollation:oidvector partexprs:pg_node_tree`, noRows)
	pgView("pg_enum", "oid:oid enumtypid:oid enumsortorder:float4 enumlabel:name", noRows)
	pgView("pg_range", `rngtypid:oid rngsubtype:oid rngmultitypid:oid rngcollation:oid rngsubopc:oid
		rngcanonical:regproc rngsubdiff:regproc`, noRows)
	pgView("pg_depend", `classid:oid objid:oid objsubid:int4 refclassid:oid refobjid:oid refobjsubid:int4
		deptype:char`, noRows)
	pgView("pg_sequence", `seqrelid:oid seqtypid:oid seqstart:int8 seqincrement:int8 seqmax:int8 seqmin:int8
		seqcache:int8 seqcycle:bool`, noRows)
	pgView("pg_event_trigger", `oid:oid evtname:name evtevent:name evtowner:oid evtfoid:oid evtenabled:char
		evttags:text[]`, noRows)

	// Eddy has no subscriptions, per-role settings, default privileges,
	// user mappings, encoding conversions, security labels, prepared
	// transactions or sequences.
	pgView("pg_subscription", `oid:oid subdbid:oid subskiplsn:pg_lsn subname:name subowner:oid subenabled:bool
		subbinary:bool substream:bool subtwophasestate:char subdisableonerr:bool subconninfo:text subslotname:name
		subsynccommit:text subpublications:text[]`, noRows)
	pgView("pg_db_role_setting", "setdatabase:oid setrole:oid setconfig:text[]", noRows)
	pgView("pg_default_acl", `oid:oid defaclrole:oid defaclnamespace:oid defaclobjtype:char
		defaclacl:aclitem[]`, noRows)
	pgView("pg_user_mappings", `umid:oid srvid:oid srvname:name umuser:oid usename:name
		umoptions:text[]`, noRows)
	pgView("pg_conversion", `oid:oid conname:name connamespace:oid conowner:oid conforencoding:int4
		contoencoding:int4 conproc:regproc condefault:bool`, noRows)
	pgView("pg_init_privs", `objoid:oid classoid:oid objsubid:int4 privtype:char initprivs:aclitem[]`, noRows)
	pgView("pg_seclabel", "objoid:oid classoid:oid objsubid:int4 provider:text label:text", noRows)
	pgView("pg_shdepend", `dbid:oid classid:oid objid:oid objsubid:int4 refclassid:oid refobjid:oid
		deptype:char`, noRows)
	// Eddy has no text search.
	pgView("pg_ts_config", "oid:oid cfgname:name cfgnamespace:oid cfgowner:oid cfgparser:oid", noRows)
	pgView("pg_ts_config_map", "mapcfg:oid maptokentype:int4 mapseqno:int4 mapdict:oid", noRows)
	pgView("pg_ts_dict", `oid:oid dictname:name dictnamespace:oid dictowner:oid dicttemplate:oid
		dictinitoption:text`, noRows)
	pgView("pg_ts_parser", `oid:oid prsname:name prsnamespace:oid prsstart:regproc prstoken:regproc
		prsend:regproc prsheadline:regproc prslextype:regproc`, noRows)
	pgView("pg_ts_template", "oid:oid tmplname:name tmplnamespace:oid tmplinit:regproc tmpllexize:regproc", noRows)
	pgView("pg_prepared_xacts", "transaction:xid gid:text prepared:timestamptz owner:name database:name", noRows)
	pgView("pg_sequences", `schemaname:name sequencename:name sequenceowner:name data_type:regtype
		start_value:int8 min_value:int8 max_value:int8 increment_by:int8 cycle:bool cache_size:int8
		last_value:int8`, noRows)

	pgView("pg_tablespace", "oid:oid spcname:name spcowner:oid spcacl:aclitem[] spcoptions:text[]", func(s *Session) []types.Row {
		owner := dOid(roleOID(s.User))
		return []types.Row{
			{dOid(oidTablespaceDef), dText("pg_default"), owner, types.Null, types.Null},
			{dOid(oidTablespaceGlb), dText("pg_global"), owner, types.Null, types.Null},
		}
	})

	pgView("pg_language", `oid:oid lanname:name lanowner:oid lanispl:bool lanpltrusted:bool
		lanplcallfoid:oid laninline:oid lanvalidator:oid lanacl:aclitem[]`, func(s *Session) []types.Row {
		owner := dOid(roleOID(s.User))
		var rows []types.Row
		for _, l := range []struct {
			oid     uint32
			name    string
			trusted bool
		}{{oidLangInternal, "internal", false}, {oidLangC, "c", false}, {oidLangSQL, "sql", true}} {
			rows = append(rows, types.Row{dOid(l.oid), dText(l.name), owner, dBool(false), dBool(l.trusted),
				dOid(0), dOid(0), dOid(0), types.Null})
		}
		return rows
	})

	// Sources are foreign tables: the server is the connector.
	pgView("pg_foreign_data_wrapper", `oid:oid fdwname:name fdwowner:oid fdwhandler:oid fdwvalidator:oid
		fdwacl:aclitem[] fdwoptions:text[]`, func(s *Session) []types.Row {
		var rows []types.Row
		for _, c := range s.connectors() {
			rows = append(rows, types.Row{dOid(c.oid), dText(c.name), dOid(roleOID(s.User)), dOid(0), dOid(0),
				types.Null, types.Null})
		}
		return rows
	})
	pgView("pg_foreign_server", `oid:oid srvname:name srvowner:oid srvfdw:oid srvtype:text srvversion:text
		srvacl:aclitem[] srvoptions:text[]`, func(s *Session) []types.Row {
		var rows []types.Row
		for _, c := range s.connectors() {
			rows = append(rows, types.Row{dOid(c.oid), dText(c.name), dOid(roleOID(s.User)), dOid(c.oid),
				types.Null, types.Null, types.Null, types.Null})
		}
		return rows
	})
	pgView("pg_foreign_table", "ftrelid:oid ftserver:oid ftoptions:text[]", func(s *Session) []types.Row {
		var rows []types.Row
		for _, o := range s.eng.Catalog.Objects() {
			if o.Kind != catalog.KindSource || o.Internal {
				continue
			}
			var opts []string
			for _, kv := range o.With {
				if kv.Key == "connector" {
					continue
				}
				v := kv.Value
				if secretOption(kv.Key) {
					v = "[REDACTED]"
				}
				opts = append(opts, kv.Key+"="+v)
			}
			ft := dTexts(opts)
			if len(opts) == 0 {
				ft = types.Null
			}
			rows = append(rows, types.Row{dOid(o.ID), dOid(connectorOID(sourceConnector(o))), ft})
		}
		return rows
	})

	pgView("pg_tables", `schemaname:name tablename:name tableowner:name tablespace:name hasindexes:bool
		hasrules:bool hastriggers:bool rowsecurity:bool`, func(s *Session) []types.Row {
		var rows []types.Row
		for _, r := range s.pgRelations() {
			if r.kind == 'r' {
				rows = append(rows, types.Row{dText(r.schema), dText(r.name), dText(r.owner), types.Null,
					dBool(len(r.pkey) > 0), dBool(false), dBool(false), dBool(false)})
			}
		}
		return rows
	})

	pgView("pg_views", "schemaname:name viewname:name viewowner:name definition:text", func(s *Session) []types.Row {
		var rows []types.Row
		for _, r := range s.pgRelations() {
			if r.kind == 'v' {
				rows = append(rows, types.Row{dText(r.schema), dText(r.name), dText(r.owner), viewDefinition(&r)})
			}
		}
		return rows
	})

	pgView("pg_matviews", `schemaname:name matviewname:name matviewowner:name tablespace:name
		hasindexes:bool ispopulated:bool definition:text`, func(s *Session) []types.Row {
		var rows []types.Row
		for _, r := range s.pgRelations() {
			if r.kind == 'm' {
				rows = append(rows, types.Row{dText(r.schema), dText(r.name), dText(r.owner), types.Null,
					dBool(false), dBool(true), viewDefinition(&r)})
			}
		}
		return rows
	})

	pgView("pg_indexes", "schemaname:name tablename:name indexname:name tablespace:name indexdef:text", func(s *Session) []types.Row {
		var rows []types.Row
		for _, k := range s.keyedTables() {
			rows = append(rows, types.Row{dText(k.o.Schema), dText(k.o.Name), dText(k.key.name), types.Null,
				dText(indexDef(&k.table, &k.key, true))})
		}
		return rows
	})

	pgView("pg_settings", colsPgSettings, func(s *Session) []types.Row {
		var rows []types.Row
		for _, st := range sortedSettings() {
			v := s.vars[strings.ToLower(st.name)]
			context, source := "user", "default"
			if st.readOnly {
				context = "internal"
			}
			if v != st.def {
				source = "session"
			}
			rows = append(rows, types.Row{
				dText(st.name), dText(v), types.Null, dText("Eddy"), dText(st.desc), types.Null,
				dText(context), dText(settingVarType(st)), dText(source), types.Null, types.Null, types.Null,
				dText(st.def), dText(st.def), types.Null, types.Null, dBool(false),
			})
		}
		return rows
	})

	pgView("pg_stat_activity", colsPgStatActivity, func(s *Session) []types.Row {
		var rows []types.Row
		dbOID := func(name string) types.Datum {
			for i, d := range s.eng.Databases() {
				if d == name {
					return dOid(oidFirstDatabase + uint32(i))
				}
			}
			return types.Null
		}
		ts := func(t interface{ UnixMicro() int64 }) types.Datum { return types.NewTimestamptz(t.UnixMicro()) }
		sessions := s.eng.Sessions()
		sort.Slice(sessions, func(i, j int) bool { return sessions[i].PID < sessions[j].PID })
		for _, o := range sessions {
			state, query, app, at := o.Activity()
			stateD, queryStart := types.Null, types.Null
			if state != "" {
				stateD = dText(state)
			}
			if !at.IsZero() {
				queryStart = ts(at)
			}
			stateChange := queryStart
			rows = append(rows, types.Row{
				dbOID(o.Database), dText(o.Database), dInt(int64(o.PID)), types.Null, dOid(roleOID(o.User)), dText(o.User),
				dText(app), types.Null, types.Null, types.Null, ts(o.Started),
				types.Null, queryStart, stateChange, types.Null,
				types.Null, stateD, types.Null, types.Null, types.Null, dText(query), dText("client backend"),
			})
		}
		return rows
	})
}

// settingVarType is pg_settings.vartype of a setting.
func settingVarType(st *setting) string {
	switch st.def {
	case "on", "off", "true", "false":
		return "bool"
	}
	if _, err := strconv.Atoi(st.def); err == nil {
		return "integer"
	}
	return "string"
}

func pgClassRow(r *pgRel) types.Row {
	filenode := uint32(0)
	if r.kind == 'r' || r.kind == 'm' {
		filenode = r.oid
	}
	replident := byte('n')
	if r.kind == 'r' || r.kind == 'm' {
		replident = 'd'
	}
	reltuples := types.NewFloat(-1)
	return types.Row{
		dOid(r.oid), dText(r.name), dOid(r.nsp()), dOid(0), dOid(0), dOid(roleOID(r.owner)), dOid(r.am()),
		dOid(filenode), dOid(0), dInt(0), reltuples, dInt(0), dOid(0),
		dBool(len(r.pkey) > 0), dBool(false), dChar('p'), dChar(r.kind), dInt(int64(len(r.cols))), dInt(0),
		dBool(r.kind == 'v' || r.kind == 'm'), dBool(false), dBool(false), dBool(false), dBool(false),
		dBool(true), dChar(replident), dBool(false), dOid(0), dInt(0),
		dInt(0), types.Null, types.Null, types.Null,
	}
}

func pgAttributeRow(rel uint32, attnum int, c pgAttr) types.Row {
	t := c.typ
	ndims := 0
	if t.IsArray() {
		ndims = 1
	}
	return types.Row{
		dOid(rel), dText(c.name), dOid(t.OID()), dInt(-1), dInt(int64(t.Size())), dInt(int64(attnum)),
		dInt(int64(ndims)), dInt(-1), dInt(int64(t.Modifier())), dBool(typeByVal(t)), dChar(typeAlign(t)), dChar(typeStorage(t)),
		dChar(0), dBool(c.notNull), dBool(c.def != ""), dBool(false), dChar(0),
		dChar(0), dBool(false), dBool(true), dInt(0), dOid(typeCollation(t)),
		types.Null, types.Null, types.Null, types.Null,
	}
}

// typeCollation is pg_type.typcollation: the default collation for the
// collatable string types, C for name.
func typeCollation(t types.Type) uint32 {
	if t.IsArray() {
		t = t.ElemType()
	}
	switch t.ID {
	case types.Text, types.Varchar, types.Bpchar:
		return oidCollDefault
	case types.Name:
		return oidCollC
	}
	return 0
}

func typeByVal(t types.Type) bool {
	n := t.Size()
	return n > 0 && n <= 8 && t.ID != types.Name && t.ID != types.Uuid && t.ID != types.Interval
}

func typeAlign(t types.Type) byte {
	if t.IsArray() {
		if typeAlign(t.ElemType()) == 'd' {
			return 'd'
		}
		return 'i'
	}
	switch t.ID {
	case types.Bool, types.Char, types.Name, types.Uuid, types.Unknown:
		return 'c'
	case types.Int2:
		return 's'
	case types.Int8, types.Float8, types.Timestamp, types.Timestamptz, types.Time, types.Interval, types.Record:
		return 'd'
	}
	return 'i'
}

func typeStorage(t types.Type) byte {
	if t.Size() > 0 || t.Size() == -2 {
		return 'p'
	}
	if t.ID == types.Numeric {
		return 'm'
	}
	return 'x'
}

func preferredType(t types.Type) bool {
	switch t.ID {
	case types.Bool, types.Float8, types.Text, types.Timestamptz, types.Interval, types.Oid:
		return true
	}
	return false
}

func pgTypeRow(t types.Type, owner types.Datum) types.Row {
	typtype, category := byte('b'), t.Category()
	elem, array := uint32(0), uint32(0)
	if t.IsArray() || t.IsVector() {
		elem = t.ElemType().OID()
	}
	if !t.IsArray() {
		array = types.ArrayOf(t.ID).OID()
		switch t.ID {
		case types.Record, types.Void, types.Unknown:
			typtype = 'p'
		case types.Name:
			elem = types.TChar.OID()
		}
	}
	return types.Row{
		dOid(t.OID()), dText(t.TypName()), dOid(oidPgCatalog), owner, dInt(int64(t.Size())), dBool(typeByVal(t)), dChar(typtype),
		dChar(category), dBool(preferredType(t)), dBool(true), dChar(','), dOid(0), dOid(0),
		dOid(elem), dOid(array), dOid(0), dOid(0), dOid(0), dOid(0),
		dOid(0), dOid(0), dOid(0), dChar(typeAlign(t)), dChar(typeStorage(t)), dBool(false),
		dOid(0), dInt(-1), dInt(0), dOid(typeCollation(t)), types.Null,
		types.Null, types.Null,
	}
}

func pseudoLen(name string) int64 {
	switch name {
	case "cstring":
		return -2
	case "anyarray", "anycompatiblearray":
		return -1
	case "internal":
		return 8
	}
	return 4
}

func pseudoAlign(name string) byte {
	switch name {
	case "cstring":
		return 'c'
	case "anyarray", "anycompatiblearray", "internal":
		return 'd'
	}
	return 'i'
}

// connector is a connector as pg_foreign_data_wrapper and
// pg_foreign_server show it.
type connector struct {
	name string
	oid  uint32
}

// connectorOID derives a stable OID for a connector name (servers and
// wrappers share it).
func connectorOID(name string) uint32 {
	h := fnv.New32a()
	h.Write([]byte("connector:" + name))
	return oidRoleBits | h.Sum32()&^oidSpaceMask
}

func sourceConnector(o *catalog.Object) string {
	c, _ := o.Option("connector")
	return strings.ToLower(c)
}

// connectors lists the connectors the sources use, by name.
func (s *Session) connectors() []connector {
	seen := map[string]bool{}
	var out []connector
	for _, o := range s.eng.Catalog.Objects() {
		if o.Kind == catalog.KindSource && !o.Internal {
			if n := sourceConnector(o); !seen[n] {
				seen[n] = true
				out = append(out, connector{n, connectorOID(n)})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// viewDefinition is pg_get_viewdef's text of a view: its query.
func viewDefinition(r *pgRel) types.Datum {
	if r.obj == nil || r.obj.Query == "" {
		return types.Null
	}
	return dText(" " + strings.TrimRight(strings.TrimSpace(r.obj.Query), ";") + ";")
}

// indexDef is pg_get_indexdef of a primary-key index.
func indexDef(t, idx *pgRel, qualify bool) string {
	names := make([]string, len(idx.cols))
	for i, c := range idx.cols {
		names[i] = functions.QuoteIdent(c.name)
	}
	table := functions.QuoteIdent(t.name)
	if qualify {
		table = functions.QuoteIdent(t.schema) + "." + table
	}
	return "CREATE UNIQUE INDEX " + functions.QuoteIdent(idx.name) + " ON " + table + " USING btree (" + strings.Join(names, ", ") + ")"
}
