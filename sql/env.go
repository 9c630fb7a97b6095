package sql

import (
	"strings"
	"sync"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/binder"
	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/functions"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// sessionEnv is what the binder sees of a session. path, when set, is
// the search path names resolve along instead of the session's (that of
// a view's query).
type sessionEnv struct {
	s    *Session
	path *searchPath
	// env, when set, is the value settings constants are read with
	// instead of the session's (those of a view's query).
	env *types.Env
}

var _ binder.Env = sessionEnv{}

func (e sessionEnv) TypesEnv() *types.Env {
	if e.env != nil {
		return e.env
	}
	return e.s.env
}

// systemRelation builds a virtual relation for a session.
type systemRelation func(s *Session) *planner.Virtual

// systemRelations maps "schema.name" to the relations the session
// computes (system catalogs).
var systemRelations = map[string]systemRelation{}

func registerSystem(schema, name string, f systemRelation) {
	systemRelations[schema+"."+name] = f
}

// Relation resolves a table name: an unqualified one along the search
// path (see searchPath); user relations live in public, the system
// schemas hold virtual relations.
func (e sessionEnv) Relation(schema, name string) (*binder.Relation, error) {
	s := e.s
	if schema == "" {
		path := e.path
		if path == nil {
			path = s.searchPath()
		}
		sc, ok := path.resolve(name, s.relationIn)
		if !ok {
			for _, sc := range path.lookup {
				if err := unsupportedRelation(sc, name); err != nil {
					return nil, err
				}
			}
			return nil, sqlerr.New(sqlerr.UndefinedTable, "relation \"%s\" does not exist", name)
		}
		schema = sc
	}
	if f, ok := systemRelations[schema+"."+name]; ok {
		return &binder.Relation{Virtual: f(s)}, nil
	}
	o, ok := s.eng.Catalog.Lookup(schema, name)
	if !ok || !o.IsRelation() {
		if err := unsupportedRelation(schema, name); err != nil {
			return nil, err
		}
		return nil, sqlerr.New(sqlerr.UndefinedTable, "relation \"%s.%s\" does not exist", schema, name)
	}
	if o.Kind == catalog.KindView {
		q, err := viewQuery(o)
		if err != nil {
			return nil, err
		}
		// The view's query resolves names along the view's search path
		// and reads its constants under the view's settings.
		return &binder.Relation{Obj: o, ViewQuery: q, Env: s.objectEnv(o)}, nil
	}
	return &binder.Relation{Obj: o}, nil
}

// unsupportedRelation returns the 0A000 error for a relation of
// PostgreSQL's catalogs that Eddy does not compute, nil for any other
// name. It is asked only once schema.name was not found.
func unsupportedRelation(schema, name string) error {
	if !isPgRelationName(schema, name) {
		return nil
	}
	return sqlerr.NotSupported("system relation %s.%s", schema, name)
}

func isSystemSchema(s string) bool {
	switch s {
	case "pg_catalog", "information_schema", "rw_catalog":
		return true
	}
	return false
}

var viewCache sync.Map // *catalog.Object -> *pg.Node

// viewQuery returns the parsed SELECT of a view (parsed once per descriptor).
func viewQuery(o *catalog.Object) (*pg.Node, error) {
	if q, ok := viewCache.Load(o); ok {
		return q.(*pg.Node), nil
	}
	tree, err := pg.Parse(o.Query)
	if err != nil || len(tree.Stmts) != 1 {
		return nil, sqlerr.New(sqlerr.DataCorrupted, "view \"%s\" has a query that does not parse", o.Name)
	}
	q := tree.Stmts[0].Stmt
	viewCache.Store(o, q)
	return q, nil
}

// SessionFunc provides the functions whose value comes from the session.
func (e sessionEnv) SessionFunc(name string, args []types.Type) (*functions.Func, bool) {
	s := e.s
	text0 := func(v func() string) *functions.Func {
		return &functions.Func{Name: name, Ret: types.TText, Eval: func(*functions.Context, []types.Datum) (types.Datum, error) {
			return types.NewString(v()), nil
		}}
	}
	nameType := func(f *functions.Func) *functions.Func { f.Ret = types.TName; return f }
	switch name {
	case "version":
		if len(args) == 0 {
			return text0(func() string {
				return "PostgreSQL " + ServerVersion + " on x86_64-pc-linux-gnu, compiled by Go, 64-bit"
			}), true
		}
	case "current_database", "current_catalog":
		if len(args) == 0 {
			return nameType(text0(func() string { return s.Database })), true
		}
	case "current_schema":
		// The first existing schema of the search path, NULL if none.
		if len(args) == 0 {
			return &functions.Func{Name: name, Ret: types.TName, Eval: func(*functions.Context, []types.Datum) (types.Datum, error) {
				if p := s.searchPath(); len(p.explicit) > 0 {
					return types.NewString(p.explicit[0]), nil
				}
				return types.Null, nil
			}}, true
		}
	case "current_user", "session_user", "user", "current_role":
		if len(args) == 0 {
			return nameType(text0(func() string { return s.User })), true
		}
	case "pg_backend_pid":
		if len(args) == 0 {
			return &functions.Func{Name: name, Ret: types.TInt4, Eval: func(*functions.Context, []types.Datum) (types.Datum, error) {
				return types.NewInt(int64(s.PID)), nil
			}}, true
		}
	case "pg_cancel_backend", "pg_terminate_backend":
		if len(args) == 1 || (len(args) == 2 && name == "pg_terminate_backend") {
			ats := []types.Type{types.TInt4, types.TInt8}[:len(args)]
			return &functions.Func{Name: name, Args: ats, Ret: types.TBool, Volatile: true,
				Eval: func(fc *functions.Context, a []types.Datum) (types.Datum, error) {
					return s.signalBackend(fc, name, a)
				}}, true
		}
	case "current_setting":
		if len(args) == 1 || len(args) == 2 {
			ats := []types.Type{types.TText}
			if len(args) == 2 {
				ats = append(ats, types.TBool)
			}
			return &functions.Func{Name: name, Args: ats, Ret: types.TText, Volatile: true,
				Eval: func(_ *functions.Context, a []types.Datum) (types.Datum, error) {
					v, ok := s.Var(a[0].Str())
					if !ok {
						if len(a) == 2 && a[1].Bool() {
							return types.Null, nil
						}
						return types.Null, sqlerr.New(sqlerr.UndefinedObject, "unrecognized configuration parameter \"%s\"", a[0].Str())
					}
					return types.NewString(v), nil
				}}, true
		}
	case "set_config":
		if len(args) == 3 {
			return &functions.Func{Name: name, Args: []types.Type{types.TText, types.TText, types.TBool}, Ret: types.TText, Volatile: true, NullCall: true,
				// set_config(name, value, is_local): is_local is SET LOCAL
				// without its warning; a NULL value means the default.
				Eval: func(_ *functions.Context, a []types.Datum) (types.Datum, error) {
					if a[0].IsNull() {
						return types.Null, sqlerr.New(sqlerr.NullValueNotAllowed, "SET requires parameter name")
					}
					st, err := settingToSet(a[0].Str())
					if err != nil {
						return types.Null, err
					}
					v := s.resetValue(st)
					if !a[1].IsNull() {
						v = a[1].Str()
					}
					local := !a[2].IsNull() && a[2].Bool()
					if err := s.assign(st, v, local); err != nil {
						return types.Null, err
					}
					return types.NewString(s.vars[strings.ToLower(st.name)]), nil
				}}, true
		}
	}
	return s.catFunction(name, args)
}
