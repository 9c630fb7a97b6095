package sql

import (
	"slices"
	"strings"

	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/sqlerr"
)

// Name resolution along search_path.
//
// Eddy's schemas are fixed: public holds every user object; the system
// schemas pg_catalog, information_schema and rw_catalog hold the system
// relations. An unqualified relation name is looked up in
//
//  1. pg_catalog, unless search_path lists it (it is then searched
//     where it is listed), as in PostgreSQL;
//  2. the schemas search_path lists, in order, each once; "$user" (the
//     schema named after the session user) and schemas that do not exist
//     are skipped, as in PostgreSQL;
//  3. last, rw_catalog when search_path does not list it: RisingWave's
//     system views are found by their bare names (RisingWave makes the
//     rw_catalog prefix optional), but only after everything PostgreSQL
//     would find, so a name that resolves in PostgreSQL resolves the
//     same on Eddy. This fallback makes nothing visible: current_schemas,
//     pg_table_is_visible and so psql's \d follow steps 1 and 2 only.
//
// An object created without a schema goes into the first existing
// schema search_path lists (never the implicit pg_catalog); with none,
// creating fails with 3F000 "no schema has been selected to create in".
// Unqualified names of user objects in DDL (DROP, SHOW CREATE, DESCRIBE,
// TRUNCATE) are found in public when the search path includes it.
//
// Views, materialized views and sinks keep the search_path they were
// created with (catalog.Object.SearchPath): their queries resolve along
// it whenever they are bound again, whatever the session's path is then.

// searchPath is a parsed search_path value.
type searchPath struct {
	raw string
	// explicit are the existing schemas the value lists, in order, each
	// once: current_schemas(false).
	explicit []string
	// lookup is explicit with pg_catalog first unless listed:
	// current_schemas(true), the order of steps 1 and 2.
	lookup []string
}

// parseSearchPath reads a search_path value for a session of user. A
// value that does not parse (it was checked when set) searches
// pg_catalog only.
func parseSearchPath(raw, user string) *searchPath {
	p := &searchPath{raw: raw}
	names, _ := splitIdentList(raw)
	for _, n := range names {
		if n == "$user" {
			n = user
		}
		if _, ok := schemaOID(n); !ok || slices.Contains(p.explicit, n) {
			continue
		}
		p.explicit = append(p.explicit, n)
	}
	p.lookup = p.explicit
	if !slices.Contains(p.explicit, "pg_catalog") {
		p.lookup = append([]string{"pg_catalog"}, p.explicit...)
	}
	return p
}

// defaultSearchPath is the value search_path has unless set.
func defaultSearchPath() string {
	st, _ := lookupSetting("search_path")
	return st.def
}

// searchPath returns the session's search path.
func (s *Session) searchPath() *searchPath {
	raw := s.vars["search_path"]
	if s.path == nil || s.path.raw != raw {
		s.path = parseSearchPath(raw, s.User)
	}
	return s.path
}

// storedSearchPath is what a new view, materialized view or sink keeps
// as its search path: "" when the session's is the default.
func (s *Session) storedSearchPath() string {
	if raw := s.vars["search_path"]; raw != defaultSearchPath() {
		return raw
	}
	return ""
}

// objectSearchPath is the search path the query of o binds with.
func objectSearchPath(o *catalog.Object) *searchPath {
	raw := o.SearchPath
	if raw == "" {
		raw = defaultSearchPath()
	}
	return parseSearchPath(raw, o.Owner)
}

// resolve returns the schema an unqualified relation name resolves in
// along p (steps 1 to 3 above), asking in whether a schema holds it.
func (p *searchPath) resolve(name string, in func(schema, name string) bool) (string, bool) {
	for _, sc := range p.lookup {
		if in(sc, name) {
			return sc, true
		}
	}
	if !slices.Contains(p.lookup, "rw_catalog") && in("rw_catalog", name) {
		return "rw_catalog", true
	}
	return "", false
}

// relationIn reports whether schema holds a relation FROM can name: a
// system relation, or a user relation in public.
func (s *Session) relationIn(schema, name string) bool {
	if _, ok := systemRelations[schema+"."+name]; ok {
		return true
	}
	if schema != catalog.DefaultSchema {
		return false
	}
	o, ok := s.eng.Catalog.Lookup(schema, name)
	return ok && o.IsRelation()
}

// pgRelIn returns the OID of the relation named name in schema as
// pg_class lists it (primary-key indexes included).
func (s *Session) pgRelIn(schema, name string) (uint32, bool) {
	if r, ok := systemRelByName(schema, name); ok {
		return r.oid, true
	}
	if schema != catalog.DefaultSchema {
		return 0, false
	}
	if o, ok := s.eng.Catalog.Lookup(schema, name); ok {
		if rs := userRels(o, s.User); len(rs) > 0 {
			return o.ID, true
		}
	}
	if table, ok := strings.CutSuffix(name, "_pkey"); ok {
		if o, ok := s.eng.Catalog.Lookup(schema, table); ok {
			if rs := userRels(o, s.User); len(rs) == 2 {
				return rs[1].oid, true
			}
		}
	}
	return 0, false
}

// visible reports whether the relation schema.name is the one its bare
// name finds along the search path (pg_table_is_visible): its schema
// is searched, and no schema before it holds the name.
func (s *Session) visible(schema, name string) bool {
	for _, sc := range s.searchPath().lookup {
		if sc == schema {
			return true
		}
		if _, ok := s.pgRelIn(sc, name); ok {
			return false
		}
	}
	return false
}

// creationSchema returns the schema a new object named name goes into:
// schema, or for "" the first existing schema search_path lists.
func (s *Session) creationSchema(schema, name string) (string, error) {
	if schema == "" {
		p := s.searchPath()
		if len(p.explicit) == 0 {
			return "", sqlerr.New(sqlerr.UndefinedSchema, "no schema has been selected to create in")
		}
		schema = p.explicit[0]
	}
	return checkSchema(schema, name)
}

// lookupObject finds a user object by name; schema "" finds it in
// public when the search path includes public.
func (s *Session) lookupObject(schema, name string) (*catalog.Object, bool) {
	if schema == "" {
		if !slices.Contains(s.searchPath().lookup, catalog.DefaultSchema) {
			return nil, false
		}
		schema = catalog.DefaultSchema
	}
	return s.eng.Catalog.Lookup(schema, name)
}

// checkSearchPath checks a search_path value's list syntax (the schemas
// need not exist, as in PostgreSQL).
func checkSearchPath(v string) (string, error) {
	if _, ok := splitIdentList(v); !ok {
		return "", sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for parameter \"search_path\": \"%s\"", v).
			WithDetail("List syntax is invalid.")
	}
	return v, nil
}

// splitIdentList splits a comma-separated list of identifiers as
// PostgreSQL reads search_path: a double-quoted name is kept as written
// ("" stands for a quote), any other is lower-cased (ASCII letters);
// blanks around names are ignored. An empty value is an empty list; a
// missing name (",,") or an unclosed quote makes the list invalid, but
// "" is a name (of no schema).
func splitIdentList(v string) ([]string, bool) {
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' }
	i := 0
	skip := func() {
		for i < len(v) && isSpace(v[i]) {
			i++
		}
	}
	skip()
	if i == len(v) {
		return nil, true
	}
	var names []string
	for {
		var name string
		if v[i] == '"' {
			var sb strings.Builder
			i++
			for {
				if i == len(v) {
					return nil, false
				}
				if v[i] == '"' {
					if i+1 < len(v) && v[i+1] == '"' {
						sb.WriteByte('"')
						i += 2
						continue
					}
					i++
					break
				}
				sb.WriteByte(v[i])
				i++
			}
			name = sb.String()
		} else {
			start := i
			for i < len(v) && v[i] != ',' && !isSpace(v[i]) {
				i++
			}
			if i == start {
				return nil, false
			}
			name = asciiLower(v[start:i])
		}
		names = append(names, name)
		skip()
		if i == len(v) {
			return names, true
		}
		if v[i] != ',' {
			return nil, false
		}
		i++
		skip()
		if i == len(v) {
			return nil, false
		}
	}
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
