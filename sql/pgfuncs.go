package sql

import (
	"strings"
	"sync"

	"github.com/eddy-db/eddy/sql/functions"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
	"github.com/eddy-db/eddy/storage"
)

// The system information functions PostgreSQL clients call while reading
// the catalogs (pg_get_userbyid, pg_table_is_visible, pg_get_indexdef,
// ...), the reg* types' names, and pg_proc's list of functions.

// catFunc is a function whose value depends on the session or the
// catalog. It is strict unless nullCall is set.
type catFunc struct {
	name     string
	args     []types.Type
	ret      types.Type
	nullCall bool
	eval     func(s *Session, a []types.Datum) (types.Datum, error)
}

var catFuncs = map[string][]*catFunc{}

func regCat(fs ...*catFunc) {
	for _, f := range fs {
		catFuncs[f.name] = append(catFuncs[f.name], f)
	}
}

// catFunction returns the overload of a catalog function that the
// arguments reach by implicit casts (untyped literals reach any type),
// preferring the one with the most exactly matching arguments.
func (s *Session) catFunction(name string, args []types.Type) (*functions.Func, bool) {
	var best *catFunc
	bestExact := -1
	for _, f := range catFuncs[name] {
		if len(f.args) != len(args) {
			continue
		}
		exact, ok := 0, true
		for i, a := range args {
			p := f.args[i]
			switch {
			case a.SameFamily(p):
				exact++
			case a.ID == types.Unknown:
			default:
				if c, castOK := types.CastContextOf(a, p); !castOK || c != types.CastImplicit {
					ok = false
				}
			}
		}
		if ok && exact > bestExact {
			best, bestExact = f, exact
		}
	}
	if best == nil {
		return nil, false
	}
	f := best
	return &functions.Func{Name: name, Args: f.args, Ret: f.ret, NullCall: f.nullCall, Volatile: true,
		Eval: func(_ *functions.Context, a []types.Datum) (types.Datum, error) { return f.eval(s, a) }}, true
}

// sessionSignatures are the functions sessionEnv.SessionFunc provides.
var sessionSignatures = []functions.Signature{
	{Name: "version", Ret: types.TText, Kind: 'f', Strict: true},
	{Name: "current_database", Ret: types.TName, Kind: 'f', Strict: true},
	{Name: "current_schema", Ret: types.TName, Kind: 'f', Strict: true},
	{Name: "current_user", Ret: types.TName, Kind: 'f', Strict: true},
	{Name: "session_user", Ret: types.TName, Kind: 'f', Strict: true},
	{Name: "pg_backend_pid", Ret: types.TInt4, Kind: 'f', Strict: true},
	{Name: "current_setting", Args: []types.Type{types.TText}, Ret: types.TText, Kind: 'f', Strict: true},
	{Name: "current_setting", Args: []types.Type{types.TText, types.TBool}, Ret: types.TText, Kind: 'f', Strict: true},
	{Name: "set_config", Args: []types.Type{types.TText, types.TText, types.TBool}, Ret: types.TText, Kind: 'f', Volatile: true},
}

// proc is a pg_proc row.
type proc struct {
	oid uint32
	functions.Signature
}

var procList struct {
	once   sync.Once
	list   []proc
	byOID  map[uint32]*proc
	byName map[string][]*proc
}

// procs returns every built-in function with its OID (12000 + its
// position in name order). Functions are registered by init functions,
// so the list is fixed once built.
func procs() []proc {
	procList.once.Do(func() {
		sigs := functions.Signatures()
		sigs = append(sigs, sessionSignatures...)
		for _, fs := range catFuncs {
			for _, f := range fs {
				sigs = append(sigs, functions.Signature{Name: f.name, Args: f.args, Ret: f.ret, Kind: 'f',
					Strict: !f.nullCall, Volatile: true})
			}
		}
		functions.SortSignatures(sigs)
		procList.byOID = map[uint32]*proc{}
		procList.byName = map[string][]*proc{}
		procList.list = make([]proc, len(sigs))
		for i, sg := range sigs {
			procList.list[i] = proc{oid: oidFirstFunction + uint32(i), Signature: sg}
		}
		for i := range procList.list {
			p := &procList.list[i]
			procList.byOID[p.oid] = p
			procList.byName[p.Name] = append(procList.byName[p.Name], p)
		}
	})
	return procList.list
}

func procByOID(oid uint32) (*proc, bool) {
	procs()
	p, ok := procList.byOID[oid]
	return p, ok
}

// procArgOIDs is pg_proc.proargtypes: a VARIADIC parameter of a
// concrete type is its array type.
func procArgOIDs(p *proc) []uint32 {
	argOIDs := make([]uint32, len(p.Args))
	for i, a := range p.Args {
		argOIDs[i] = functions.TypeOID(a)
	}
	if p.Variadic && len(p.Args) > 0 {
		if last := p.Args[len(p.Args)-1]; !functions.IsPolymorphic(last) {
			argOIDs[len(argOIDs)-1] = types.ArrayOf(last.ID).OID()
		}
	}
	return argOIDs
}

func pgProcRow(p proc, owner types.Datum) types.Row {
	argOIDs := procArgOIDs(&p)
	variadic := uint32(0)
	if p.Variadic && len(p.Args) > 0 {
		variadic = functions.TypeOID(p.Args[len(p.Args)-1])
	}
	volatile := byte('i')
	if p.Volatile {
		volatile = 'v'
	}
	rows := types.NewFloat(0)
	if p.Set {
		rows = types.NewFloat(1000)
	}
	return types.Row{
		dOid(p.oid), dText(p.Name), dOid(oidPgCatalog), owner, dOid(oidLangInternal), types.NewFloat(1), rows,
		dOid(variadic), dOid(0), dChar(p.Kind), dBool(false), dBool(false), dBool(p.Strict),
		dBool(p.Set), dChar(volatile), dChar('s'), dInt(int64(len(p.Args))), dInt(0), dOid(functions.TypeOID(p.Ret)),
		dOids(argOIDs), types.Null, types.Null, types.Null,
		types.Null, types.Null, dText(p.Name), types.Null, types.Null,
		types.Null, types.Null,
	}
}

// functionDef is pg_get_functiondef: a CREATE FUNCTION statement for a
// built-in function, as PostgreSQL shows its internal ones.
func functionDef(p *proc) (types.Datum, error) {
	if p.Kind == 'a' {
		return types.Null, sqlerr.New(sqlerr.WrongObjectType, "\"%s\" is an aggregate function", p.Name)
	}
	var b strings.Builder
	b.WriteString("CREATE OR REPLACE FUNCTION pg_catalog." + functions.QuoteIdent(p.Name) + "(" + functions.ArgString(p.Args, p.Variadic) + ")\n")
	b.WriteString(" RETURNS " + functionResult(p) + "\n")
	b.WriteString(" LANGUAGE internal\n")
	if p.Kind == 'w' {
		b.WriteString(" WINDOW")
	}
	if p.Volatile {
		b.WriteString(" VOLATILE")
	} else {
		b.WriteString(" IMMUTABLE")
	}
	b.WriteString(" PARALLEL SAFE")
	if p.Strict {
		b.WriteString(" STRICT")
	}
	b.WriteString("\nAS $function$" + p.Name + "$function$\n")
	return dText(b.String()), nil
}

// functionResult is pg_get_function_result.
func functionResult(p *proc) string {
	r := functions.TypeString(p.Ret)
	if p.Set {
		return "SETOF " + r
	}
	return r
}

// sessionNames resolves the reg* types against a session's catalog.
type sessionNames struct{ s *Session }

var _ types.OIDNames = sessionNames{}

func (n sessionNames) OIDName(t types.ID, oid uint32) (string, bool) {
	s := n.s
	switch t {
	case types.Regclass:
		r, ok := s.pgRelation(oid)
		if !ok {
			return "", false
		}
		if s.relVisible(&r) {
			return functions.QuoteIdent(r.name), true
		}
		return functions.QuoteIdent(r.schema) + "." + functions.QuoteIdent(r.name), true
	case types.Regtype:
		if name, ok := functions.PseudoTypeName(oid); ok {
			return functions.QuoteIdent(name), true
		}
	case types.Regnamespace:
		if name, ok := schemaName(oid); ok {
			return functions.QuoteIdent(name), true
		}
	case types.Regproc:
		if p, ok := procByOID(oid); ok {
			return functions.QuoteIdent(p.Name), true
		}
	case types.Regrole:
		if name, ok := s.roleName(oid); ok {
			return functions.QuoteIdent(name), true
		}
	case types.Regprocedure:
		if p, ok := procByOID(oid); ok {
			return procSignature(p), true
		}
	case types.Regoperator:
		if o, ok := operatorByOID(oid); ok {
			return o.signature(), true
		}
	}
	return "", false
}

func (n sessionNames) OIDOf(t types.ID, name string) (uint32, error) {
	s := n.s
	if t == types.Regprocedure || t == types.Regoperator {
		return n.signatureOID(t, name)
	}
	parts, err := functions.ParseIdent(name, true)
	if err != nil {
		return 0, sqlerr.New(sqlerr.InvalidName, "invalid name syntax")
	}
	if len(parts) == 3 {
		if parts[0] != s.Database {
			return 0, sqlerr.New(sqlerr.FeatureNotSupported, "cross-database references are not implemented: %s", name)
		}
		parts = parts[1:]
	}
	if len(parts) > 2 {
		return 0, sqlerr.New(sqlerr.SyntaxError, "improper qualified name (too many dotted names): %s", name)
	}
	schema, obj := "", parts[len(parts)-1]
	if len(parts) == 2 {
		schema = parts[0]
	}
	switch t {
	case types.Regclass:
		if oid, ok := s.relationOID(schema, obj); ok {
			return oid, nil
		}
		return 0, sqlerr.New(sqlerr.UndefinedTable, "relation \"%s\" does not exist", name)
	case types.Regtype:
		if schema == "" || schema == "pg_catalog" {
			if oid, ok := functions.PseudoTypeOID(obj); ok {
				return oid, nil
			}
		}
		return 0, sqlerr.New(sqlerr.UndefinedObject, "type \"%s\" does not exist", name)
	case types.Regnamespace:
		if len(parts) == 1 {
			if oid, ok := schemaOID(obj); ok {
				return oid, nil
			}
		}
		return 0, sqlerr.New(sqlerr.UndefinedSchema, "schema \"%s\" does not exist", name)
	case types.Regproc:
		procs()
		var ps []*proc
		if schema == "" || schema == "pg_catalog" {
			ps = procList.byName[obj]
		}
		switch len(ps) {
		case 0:
			return 0, sqlerr.New(sqlerr.UndefinedFunction, "function \"%s\" does not exist", name)
		case 1:
			return ps[0].oid, nil
		}
		return 0, sqlerr.New(sqlerr.AmbiguousFunction, "more than one function named \"%s\"", name)
	case types.Regrole:
		if len(parts) == 1 {
			for _, r := range s.roles() {
				if r == obj {
					return roleOID(r), nil
				}
			}
		}
		return 0, sqlerr.New(sqlerr.UndefinedObject, "role \"%s\" does not exist", name)
	}
	return 0, sqlerr.New(sqlerr.FeatureNotSupported, "feature not supported: names of type %s", types.Type{ID: t})
}

// signatureOID reads a function or an operator with its argument types,
// as regprocedure's and regoperator's input functions do:
// "lower(text)", "pg_catalog.=(integer, integer)", "-(NONE,integer)".
func (n sessionNames) signatureOID(t types.ID, s string) (uint32, error) {
	open := strings.IndexByte(s, '(')
	if open < 0 {
		return 0, sqlerr.New(sqlerr.InvalidTextRepresentation, "expected a left parenthesis")
	}
	end := strings.LastIndexByte(s, ')')
	if end < open || strings.TrimSpace(s[end+1:]) != "" {
		return 0, sqlerr.New(sqlerr.InvalidTextRepresentation, "expected a right parenthesis")
	}
	var args []uint32
	for _, a := range splitTypeList(s[open+1 : end]) {
		if t == types.Regoperator && strings.EqualFold(a, "none") {
			args = append(args, 0)
			continue
		}
		d, err := types.ParseText(a, types.TRegtype, n.s.env)
		if err != nil {
			return 0, err
		}
		args = append(args, uint32(d.Int()))
	}
	name := strings.TrimSpace(s[:open])
	if t == types.Regoperator {
		name = strings.TrimPrefix(name, "pg_catalog.")
		switch {
		case len(args) < 2:
			return 0, sqlerr.New(sqlerr.UndefinedParameter, "missing argument").
				WithHint("Use NONE to denote the missing argument of a unary operator.")
		case len(args) > 2:
			return 0, sqlerr.New(sqlerr.TooManyArguments, "too many arguments").
				WithHint("Provide two argument types for operator.")
		}
		if oid := operatorOID(name, args[0], args[1]); oid != 0 {
			return oid, nil
		}
		return 0, sqlerr.New(sqlerr.UndefinedFunction, "operator does not exist: %s", s)
	}
	parts, err := functions.ParseIdent(name, true)
	if err != nil || len(parts) > 2 || len(parts) == 2 && parts[0] != "pg_catalog" {
		return 0, sqlerr.New(sqlerr.UndefinedFunction, "function \"%s\" does not exist", s)
	}
	procs()
	for _, p := range procList.byName[parts[len(parts)-1]] {
		if oidsEqual(procArgOIDs(p), args) {
			return p.oid, nil
		}
	}
	return 0, sqlerr.New(sqlerr.UndefinedFunction, "function \"%s\" does not exist", s)
}

// splitTypeList splits a list of type names at the commas outside
// parentheses ("numeric(10,2), text"); an empty list has no names.
func splitTypeList(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	return append(out, strings.TrimSpace(s[start:]))
}

func oidsEqual(a, b []uint32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// relationOID resolves a relation name as regclass does: schema ""
// searches as FROM does (see searchPath); primary-key indexes resolve by
// their name too.
func (s *Session) relationOID(schema, name string) (uint32, bool) {
	if schema == "" {
		sc, ok := s.searchPath().resolve(name, func(sc, n string) bool { _, ok := s.pgRelIn(sc, n); return ok })
		if !ok {
			return 0, false
		}
		schema = sc
	}
	return s.pgRelIn(schema, name)
}

func oidArg(d types.Datum) uint32 { return uint32(d.Int()) }

var (
	tOid  = types.TOid
	tText = types.TText
	tBool = types.TBool
	tInt4 = types.TInt4
	tName = types.TName
	tReg  = types.TRegclass
)

func catArgs(ts ...types.Type) []types.Type { return ts }

func nullFunc(name string, ret types.Type, as ...types.Type) *catFunc {
	return &catFunc{name: name, args: as, ret: ret, nullCall: true,
		eval: func(*Session, []types.Datum) (types.Datum, error) { return types.Null, nil }}
}

func boolFunc(name string, v bool, as ...types.Type) *catFunc {
	return &catFunc{name: name, args: as, ret: tBool,
		eval: func(*Session, []types.Datum) (types.Datum, error) { return types.NewBool(v), nil }}
}

// privilegeFunc is has_*_privilege: every user is a superuser, so the
// answer is true for every existing object (NULL for an unknown OID, an
// error for an unknown name).
func privilegeFunc(name string, objType types.Type, check func(s *Session, obj types.Datum, byOID bool) (bool, error)) []*catFunc {
	eval := func(objArg int) func(s *Session, a []types.Datum) (types.Datum, error) {
		return func(s *Session, a []types.Datum) (types.Datum, error) {
			obj := a[objArg]
			ok, err := check(s, obj, obj.Kind() == types.KInt)
			if err != nil || !ok {
				return types.Null, err
			}
			return types.NewBool(true), nil
		}
	}
	return []*catFunc{
		{name: name, args: catArgs(objType, tText), ret: tBool, eval: eval(0)},
		{name: name, args: catArgs(tOid, tText), ret: tBool, eval: eval(0)},
		{name: name, args: catArgs(tName, objType, tText), ret: tBool, eval: eval(1)},
		{name: name, args: catArgs(tName, tOid, tText), ret: tBool, eval: eval(1)},
		{name: name, args: catArgs(tOid, objType, tText), ret: tBool, eval: eval(1)},
		{name: name, args: catArgs(tOid, tOid, tText), ret: tBool, eval: eval(1)},
	}
}

func (s *Session) checkRelation(obj types.Datum, byOID bool) (bool, error) {
	if byOID {
		_, ok := s.pgRelation(oidArg(obj))
		return ok, nil
	}
	_, err := sessionNames{s}.OIDOf(types.Regclass, obj.Str())
	return err == nil, err
}

func (s *Session) checkSchema(obj types.Datum, byOID bool) (bool, error) {
	if byOID {
		_, ok := schemaName(oidArg(obj))
		return ok, nil
	}
	if _, ok := schemaOID(obj.Str()); !ok {
		return false, sqlerr.New(sqlerr.UndefinedSchema, "schema \"%s\" does not exist", obj.Str())
	}
	return true, nil
}

func (s *Session) checkDatabase(obj types.Datum, byOID bool) (bool, error) {
	for i, d := range s.eng.Databases() {
		if byOID && oidArg(obj) == oidFirstDatabase+uint32(i) || !byOID && obj.Str() == d {
			return true, nil
		}
	}
	if byOID {
		return false, nil
	}
	return false, sqlerr.New(sqlerr.UndefinedDatabase, "database \"%s\" does not exist", obj.Str())
}

func (s *Session) checkFunction(obj types.Datum, byOID bool) (bool, error) {
	if byOID {
		_, ok := procByOID(oidArg(obj))
		return ok, nil
	}
	name := obj.Str()
	if i := strings.IndexByte(name, '('); i >= 0 {
		name = name[:i]
	}
	_, err := sessionNames{s}.OIDOf(types.Regproc, strings.TrimSpace(name))
	if err != nil && sqlerr.Code(err) == sqlerr.AmbiguousFunction {
		return true, nil
	}
	return err == nil, err
}

// relationSize is the on-disk size of a table's or materialized view's
// rows (0 for other relations).
func (s *Session) relationSize(oid uint32) (types.Datum, error) {
	r, ok := s.pgRelation(oid)
	if !ok {
		return types.Null, nil
	}
	if r.kind != 'r' && r.kind != 'm' {
		return types.NewInt(0), nil
	}
	lo, hi := storage.TableSpan(r.oid)
	n, err := s.eng.Store.SpanDiskUsage(lo, hi)
	if err != nil {
		return types.Null, err
	}
	return types.NewInt(int64(n)), nil
}

// tablespaceSize is pg_tablespace_size of a tablespace by OID or, when
// name is set, by name.
func (s *Session) tablespaceSize(oid uint32, name string) (types.Datum, error) {
	switch {
	case oid == oidTablespaceDef || name == "pg_default":
		return types.NewInt(int64(s.eng.Store.DiskUsage())), nil
	case oid == oidTablespaceGlb || name == "pg_global":
		return types.NewInt(0), nil
	case name != "":
		return types.Null, sqlerr.New(sqlerr.UndefinedObject, "tablespace \"%s\" does not exist", name)
	}
	return types.Null, nil
}

func init() {
	regCat(
		&catFunc{name: "pg_get_userbyid", args: catArgs(tOid), ret: tName, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			if n, ok := s.roleName(oidArg(a[0])); ok {
				return dText(n), nil
			}
			return dText("unknown (OID=" + itoa(a[0].Int()) + ")"), nil
		}},
		&catFunc{name: "pg_table_is_visible", args: catArgs(tOid), ret: tBool, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			r, ok := s.pgRelation(oidArg(a[0]))
			if !ok {
				return types.Null, nil
			}
			return dBool(s.relVisible(&r)), nil
		}},
		&catFunc{name: "pg_type_is_visible", args: catArgs(tOid), ret: tBool, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			oid := oidArg(a[0])
			if _, ok := types.FromOID(oid); ok {
				return dBool(true), nil
			}
			if _, ok := functions.PseudoTypeName(oid); ok {
				return dBool(true), nil
			}
			return types.Null, nil
		}},
		&catFunc{name: "pg_function_is_visible", args: catArgs(tOid), ret: tBool, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			if _, ok := procByOID(oidArg(a[0])); ok {
				return dBool(true), nil
			}
			return types.Null, nil
		}},
		// Expressions are stored as their SQL text.
		&catFunc{name: "pg_get_expr", args: catArgs(tText, tOid), ret: tText, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			return a[0], nil
		}},
		&catFunc{name: "pg_get_expr", args: catArgs(tText, tOid, tBool), ret: tText, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			return a[0], nil
		}},
		&catFunc{name: "pg_get_indexdef", args: catArgs(tOid), ret: tText, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			return s.indexDef(oidArg(a[0]), 0, false)
		}},
		&catFunc{name: "pg_get_indexdef", args: catArgs(tOid, tInt4, tBool), ret: tText, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			return s.indexDef(oidArg(a[0]), int(a[1].Int()), a[2].Bool())
		}},
		&catFunc{name: "pg_get_constraintdef", args: catArgs(tOid), ret: tText, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			return s.constraintDef(oidArg(a[0]))
		}},
		&catFunc{name: "pg_get_constraintdef", args: catArgs(tOid, tBool), ret: tText, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			return s.constraintDef(oidArg(a[0]))
		}},
		&catFunc{name: "pg_get_viewdef", args: catArgs(tOid), ret: tText, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			return s.viewDef(oidArg(a[0]))
		}},
		&catFunc{name: "pg_get_viewdef", args: catArgs(tOid, tBool), ret: tText, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			return s.viewDef(oidArg(a[0]))
		}},
		&catFunc{name: "pg_get_viewdef", args: catArgs(tOid, tInt4), ret: tText, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			return s.viewDef(oidArg(a[0]))
		}},
		&catFunc{name: "pg_get_viewdef", args: catArgs(tText), ret: tText, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			return s.viewDefByName(a[0].Str())
		}},
		&catFunc{name: "pg_get_viewdef", args: catArgs(tText, tBool), ret: tText, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			return s.viewDefByName(a[0].Str())
		}},
		&catFunc{name: "pg_get_function_result", args: catArgs(tOid), ret: tText, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			if p, ok := procByOID(oidArg(a[0])); ok {
				return dText(functionResult(p)), nil
			}
			return types.Null, nil
		}},
		&catFunc{name: "pg_get_function_arguments", args: catArgs(tOid), ret: tText, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			if p, ok := procByOID(oidArg(a[0])); ok {
				return dText(functions.ArgString(p.Args, p.Variadic)), nil
			}
			return types.Null, nil
		}},
		&catFunc{name: "pg_get_function_identity_arguments", args: catArgs(tOid), ret: tText, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			if p, ok := procByOID(oidArg(a[0])); ok {
				return dText(functions.ArgString(p.Args, p.Variadic)), nil
			}
			return types.Null, nil
		}},
		// Eddy has no triggers, rules, extended statistics, partitions,
		// sequences, comments, encoding conversions or text search.
		nullFunc("pg_get_triggerdef", tText, tOid),
		nullFunc("pg_get_triggerdef", tText, tOid, tBool),
		nullFunc("pg_get_ruledef", tText, tOid),
		nullFunc("pg_get_ruledef", tText, tOid, tBool),
		nullFunc("pg_get_statisticsobjdef_columns", tText, tOid),
		nullFunc("pg_get_partkeydef", tText, tOid),
		nullFunc("pg_get_serial_sequence", tText, tText, tText),
		nullFunc("pg_get_function_sqlbody", tText, tOid),
		nullFunc("pg_statistics_obj_is_visible", tBool, tOid),
		nullFunc("pg_conversion_is_visible", tBool, tOid),
		nullFunc("pg_ts_config_is_visible", tBool, tOid),
		nullFunc("pg_ts_dict_is_visible", tBool, tOid),
		nullFunc("pg_ts_parser_is_visible", tBool, tOid),
		nullFunc("pg_ts_template_is_visible", tBool, tOid),
		// Operators and operator classes all live in pg_catalog.
		&catFunc{name: "pg_operator_is_visible", args: catArgs(tOid), ret: tBool, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			if _, ok := operatorByOID(oidArg(a[0])); ok {
				return dBool(true), nil
			}
			return types.Null, nil
		}},
		&catFunc{name: "pg_opclass_is_visible", args: catArgs(tOid), ret: tBool, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			for _, c := range opclasses() {
				if c.oid == oidArg(a[0]) {
					return dBool(true), nil
				}
			}
			return types.Null, nil
		}},
		&catFunc{name: "pg_opfamily_is_visible", args: catArgs(tOid), ret: tBool, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			for _, c := range opclasses() {
				if c.family == oidArg(a[0]) {
					return dBool(true), nil
				}
			}
			return types.Null, nil
		}},
		&catFunc{name: "pg_get_functiondef", args: catArgs(tOid), ret: tText, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			p, ok := procByOID(oidArg(a[0]))
			if !ok {
				return types.Null, nil
			}
			return functionDef(p)
		}},
		&catFunc{name: "pg_database_size", args: catArgs(tName), ret: types.TInt8, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			if _, err := s.checkDatabase(a[0], false); err != nil {
				return types.Null, err
			}
			return types.NewInt(int64(s.eng.Store.DiskUsage())), nil
		}},
		&catFunc{name: "pg_database_size", args: catArgs(tOid), ret: types.TInt8, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			if ok, _ := s.checkDatabase(a[0], true); !ok {
				return types.Null, nil
			}
			return types.NewInt(int64(s.eng.Store.DiskUsage())), nil
		}},
		// The database lives in pg_default; pg_global holds nothing.
		&catFunc{name: "pg_tablespace_size", args: catArgs(tOid), ret: types.TInt8, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			return s.tablespaceSize(oidArg(a[0]), "")
		}},
		&catFunc{name: "pg_tablespace_size", args: catArgs(tName), ret: types.TInt8, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			return s.tablespaceSize(0, a[0].Str())
		}},
		&catFunc{name: "pg_collation_is_visible", args: catArgs(tOid), ret: tBool, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			switch oidArg(a[0]) {
			case oidCollDefault, oidCollC, oidCollPOSIX, oidCollUcsBasic, oidCollCUTF8:
				return dBool(true), nil
			}
			return types.Null, nil
		}},
		nullFunc("obj_description", tText, tOid),
		nullFunc("obj_description", tText, tOid, tName),
		nullFunc("col_description", tText, tOid, tInt4),
		nullFunc("shobj_description", tText, tOid, tName),
		// Eddy has no logical replication.
		boolFunc("pg_relation_is_publishable", false, tReg),
		boolFunc("pg_is_in_recovery", false),
		&catFunc{name: "pg_tablespace_location", args: catArgs(tOid), ret: tText, eval: func(*Session, []types.Datum) (types.Datum, error) {
			return dText(""), nil
		}},
		&catFunc{name: "current_schemas", args: catArgs(tBool), ret: types.ArrayOf(types.Name), eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			// The search path's schemas, with the implicit pg_catalog or not.
			p := s.searchPath()
			if a[0].Bool() {
				return dTexts(p.lookup), nil
			}
			return dTexts(p.explicit), nil
		}},
		&catFunc{name: "pg_cancel_backend", args: catArgs(tInt4), ret: tBool, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			for _, o := range s.eng.Sessions() {
				if int64(o.PID) == a[0].Int() {
					o.CancelRunning()
					return dBool(true), nil
				}
			}
			s.warning(sqlerr.Warning, "PID %d is not a PostgreSQL backend process", a[0].Int())
			return dBool(false), nil
		}},
	)
	for _, name := range []string{"pg_table_size", "pg_relation_size", "pg_total_relation_size"} {
		regCat(&catFunc{name: name, args: catArgs(tReg), ret: types.TInt8, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			return s.relationSize(oidArg(a[0]))
		}})
	}
	regCat(&catFunc{name: "pg_indexes_size", args: catArgs(tReg), ret: types.TInt8, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
		if _, ok := s.pgRelation(oidArg(a[0])); !ok {
			return types.Null, nil
		}
		return types.NewInt(0), nil
	}})
	for _, rt := range []types.Type{types.TRegclass, types.TRegtype, types.TRegproc, types.TRegnamespace, types.TRegrole,
		types.TRegprocedure, types.TRegoperator} {
		rt := rt
		regCat(&catFunc{name: "to_" + rt.TypName(), args: catArgs(tText), ret: rt, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			d, err := types.ParseText(a[0].Str(), rt, s.env)
			if err != nil {
				if c := sqlerr.Code(err); c == sqlerr.InvalidName || c == sqlerr.SyntaxError || c == sqlerr.FeatureNotSupported {
					return types.Null, err
				}
				return types.Null, nil
			}
			return d, nil
		}})
	}
	regCat(privilegeFunc("has_table_privilege", tText, (*Session).checkRelation)...)
	regCat(privilegeFunc("has_sequence_privilege", tText, (*Session).checkRelation)...)
	regCat(privilegeFunc("has_any_column_privilege", tText, (*Session).checkRelation)...)
	regCat(privilegeFunc("has_schema_privilege", tText, (*Session).checkSchema)...)
	regCat(privilegeFunc("has_database_privilege", tText, (*Session).checkDatabase)...)
	regCat(privilegeFunc("has_function_privilege", tText, (*Session).checkFunction)...)
	regCat(
		&catFunc{name: "has_column_privilege", args: catArgs(tText, tText, tText), ret: tBool, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			return s.columnPrivilege(a[0], a[1])
		}},
		&catFunc{name: "has_column_privilege", args: catArgs(tOid, tText, tText), ret: tBool, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			return s.columnPrivilege(a[0], a[1])
		}},
		&catFunc{name: "has_column_privilege", args: catArgs(tOid, types.TInt2, tText), ret: tBool, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			return s.columnPrivilege(a[0], a[1])
		}},
		&catFunc{name: "pg_has_role", args: catArgs(tName, tText), ret: tBool, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			return dBool(true), nil
		}},
		&catFunc{name: "pg_has_role", args: catArgs(tName, tName, tText), ret: tBool, eval: func(s *Session, a []types.Datum) (types.Datum, error) {
			return dBool(true), nil
		}},
	)
}

func (s *Session) columnPrivilege(rel, col types.Datum) (types.Datum, error) {
	var r pgRel
	if rel.Kind() == types.KInt {
		var ok bool
		if r, ok = s.pgRelation(oidArg(rel)); !ok {
			return types.Null, nil
		}
	} else {
		oid, err := sessionNames{s}.OIDOf(types.Regclass, rel.Str())
		if err != nil {
			return types.Null, err
		}
		r, _ = s.pgRelation(oid)
	}
	for i, c := range r.cols {
		if col.Kind() == types.KInt && int64(i+1) == col.Int() || col.Kind() != types.KInt && c.name == col.Str() {
			return dBool(true), nil
		}
	}
	if col.Kind() == types.KInt {
		return types.Null, nil
	}
	return types.Null, sqlerr.New(sqlerr.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", col.Str(), r.name)
}

// indexDef is pg_get_indexdef(oid, column, pretty): the CREATE INDEX
// statement, or the name of the column-th key column. Pretty, the table
// is schema-qualified only when its bare name does not find it.
func (s *Session) indexDef(oid uint32, column int, pretty bool) (types.Datum, error) {
	k, ok := s.keyedTableOf(oid, oidIndexBit)
	if !ok {
		return types.Null, nil
	}
	if column > 0 {
		if column > len(k.key.cols) {
			return dText(""), nil
		}
		return dText(functions.QuoteIdent(k.key.cols[column-1].name)), nil
	}
	return dText(indexDef(&k.table, &k.key, !pretty || !s.relVisible(&k.table))), nil
}

// constraintDef is pg_get_constraintdef of a primary key.
func (s *Session) constraintDef(oid uint32) (types.Datum, error) {
	k, ok := s.keyedTableOf(oid, oidConstraintBit)
	if !ok {
		return types.Null, nil
	}
	names := make([]string, len(k.key.cols))
	for i, c := range k.key.cols {
		names[i] = functions.QuoteIdent(c.name)
	}
	return dText("PRIMARY KEY (" + strings.Join(names, ", ") + ")"), nil
}

func (s *Session) viewDef(oid uint32) (types.Datum, error) {
	r, ok := s.pgRelation(oid)
	if !ok || (r.kind != 'v' && r.kind != 'm') {
		return types.Null, nil
	}
	return viewDefinition(&r), nil
}

func (s *Session) viewDefByName(name string) (types.Datum, error) {
	oid, err := sessionNames{s}.OIDOf(types.Regclass, name)
	if err != nil {
		return types.Null, err
	}
	return s.viewDef(oid)
}
