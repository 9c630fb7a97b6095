package sql

import (
	"context"
	"sort"
	"strings"
	"sync"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/eddy-db/eddy/executor"
	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/binder"
	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/parser"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
	"github.com/eddy-db/eddy/storage"
)

// DDL statements run immediately and atomically on their own, also
// inside a transaction block (as in RisingWave): each one is a single
// synced batch holding the descriptor changes and any data removal.

// parseTreeVersion is the parse tree version pg_query's deparser expects
// (read from a parse of a trivial statement).
var parseTreeVersion = sync.OnceValue(func() int32 {
	tree, err := pg.Parse("SELECT 1")
	if err != nil {
		return 0
	}
	return tree.Version
})

// deparseExpr returns the SQL text of an expression node.
func deparseExpr(n *pg.Node) (string, error) {
	sel := &pg.Node{Node: &pg.Node_SelectStmt{SelectStmt: &pg.SelectStmt{
		TargetList: []*pg.Node{{Node: &pg.Node_ResTarget{ResTarget: &pg.ResTarget{Val: n}}}},
	}}}
	out, err := pg.Deparse(&pg.ParseResult{Version: parseTreeVersion(), Stmts: []*pg.RawStmt{{Stmt: sel}}})
	if err != nil {
		return "", err
	}
	return strings.TrimPrefix(out, "SELECT "), nil
}

// deparseQuery returns the SQL text of a SELECT node.
func deparseQuery(n *pg.Node) (string, error) {
	return pg.Deparse(&pg.ParseResult{Version: parseTreeVersion(), Stmts: []*pg.RawStmt{{Stmt: n}}})
}

// tableSpec is a table definition ready to be created.
type tableSpec struct {
	obj         *catalog.Object
	ifNotExists bool
}

func (s *Session) bindCreateTable(p *Prepared, b *binder.Binder, ct *parser.CreateTable) error {
	stmt := ct.Stmt
	_, connector := ct.With.Get("connector")
	connector = connector || ct.Format != ""
	if len(ct.Includes) > 0 && !connector {
		return sqlerr.NotSupported("INCLUDE columns without a connector")
	}
	if len(ct.Generated) > 0 {
		return sqlerr.NotSupported("generated columns")
	}
	if stmt.Relation.Relpersistence == "t" {
		return sqlerr.NotSupported("temporary tables")
	}
	if len(stmt.InhRelations) > 0 || stmt.Partspec != nil || stmt.OfTypename != nil {
		return sqlerr.NotSupported("table inheritance, partitioning and typed tables")
	}
	schema, err := s.creationSchema(stmt.Relation.Schemaname, stmt.Relation.Relname)
	if err != nil {
		return err
	}
	o := &catalog.Object{Name: stmt.Relation.Relname, Schema: schema, Kind: catalog.KindTable, Owner: s.User,
		AppendOnly: ct.AppendOnly, OnConflict: ct.OnConflict, Definition: p.stmt.SQL}
	var pkNames []string
	for _, el := range stmt.TableElts {
		switch x := el.Node.(type) {
		case *pg.Node_ColumnDef:
			col, pk, err := bindColumnDef(b, o, x.ColumnDef)
			if err != nil {
				return err
			}
			if pk {
				if pkNames != nil {
					return sqlerr.New(sqlerr.InvalidTableDefinition, "multiple primary keys for table \"%s\" are not allowed", o.Name)
				}
				pkNames = []string{col.Name}
			}
			o.Columns = append(o.Columns, col)
		case *pg.Node_Constraint:
			c := x.Constraint
			if c.Contype != pg.ConstrType_CONSTR_PRIMARY {
				return sqlerr.NotSupported("%s constraints", constraintName(c.Contype))
			}
			if pkNames != nil {
				return sqlerr.New(sqlerr.InvalidTableDefinition, "multiple primary keys for table \"%s\" are not allowed", o.Name)
			}
			pkNames = []string{}
			for _, k := range c.Keys {
				pkNames = append(pkNames, k.GetString_().Sval)
			}
		default:
			return sqlerr.NotSupported("table element %s", strings.TrimPrefix(sprintf("%T", el.Node), "*pg_query.Node_"))
		}
	}
	if connector {
		if err := s.bindIncludes(o, ct.Includes); err != nil {
			return err
		}
	}
	if len(o.Columns) == 0 {
		return sqlerr.NotSupported("tables without columns")
	}
	if pkNames != nil {
		for _, k := range pkNames {
			i := o.ColumnIndex(k)
			if i < 0 {
				return sqlerr.New(sqlerr.UndefinedColumn, "column \"%s\" named in key does not exist", k)
			}
			for _, have := range o.PK {
				if have == i {
					return sqlerr.New(sqlerr.DuplicateColumn, "column \"%s\" appears twice in primary key constraint", k)
				}
			}
			if !keyable(o.Columns[i].Type) {
				return sqlerr.New(sqlerr.FeatureNotSupported, "feature not supported: primary key column \"%s\" of type %s", k, o.Columns[i].Type)
			}
			o.Columns[i].NotNull = true
			o.PK = append(o.PK, i)
		}
		o.PKDeclared = true
	} else {
		o.Columns = append(o.Columns, catalog.Column{Name: catalog.RowIDColumn, Type: types.TInt8, Hidden: true, NotNull: true})
		o.PK = []int{len(o.Columns) - 1}
	}
	if err := bindWatermarks(b, o, ct.Watermarks); err != nil {
		return err
	}
	if len(o.Watermarks) > 0 && !o.AppendOnly {
		return sqlerr.New(sqlerr.InvalidTableDefinition, "a table with a WATERMARK must be APPEND ONLY")
	}
	if connector {
		return s.bindConnectorTable(p, o, ct, stmt.IfNotExists)
	}
	spec := &tableSpec{obj: o, ifNotExists: stmt.IfNotExists}
	p.utility = func(ctx context.Context, s *Session, _ []types.Datum) (*result, error) {
		_, err := s.createRelation(spec)
		return &result{tag: "CREATE TABLE"}, err
	}
	return nil
}

// bindWatermarks adds the WATERMARK FOR clauses of a CREATE TABLE or
// CREATE SOURCE to o.
func bindWatermarks(b *binder.Binder, o *catalog.Object, ws []parser.Watermark) error {
	for _, w := range ws {
		i := o.ColumnIndex(w.Column)
		if i < 0 {
			return sqlerr.New(sqlerr.UndefinedColumn, "column \"%s\" named in WATERMARK does not exist", w.Column)
		}
		if t := o.Columns[i].Type.ID; t != types.Timestamp && t != types.Timestamptz {
			return sqlerr.New(sqlerr.DatatypeMismatch, "watermark column \"%s\" must be of type timestamp or timestamptz, not %s", w.Column, o.Columns[i].Type)
		}
		cols := make([]types.Column, len(o.Columns))
		for j, c := range o.Columns {
			cols[j] = types.Column{Name: c.Name, Type: c.Type}
		}
		e, err := b.Expr(w.Expr, cols)
		if err != nil {
			return err
		}
		if e.Type().ID != o.Columns[i].Type.ID {
			return sqlerr.New(sqlerr.DatatypeMismatch, "watermark expression must be of type %s, not %s", o.Columns[i].Type, e.Type())
		}
		o.Watermarks = append(o.Watermarks, catalog.Watermark{Column: i, Expr: w.ExprText})
	}
	if len(o.Watermarks) > 1 {
		return sqlerr.NotSupported("more than one WATERMARK")
	}
	return nil
}

// bindColumnDef binds one column definition of a CREATE TABLE or CREATE
// SOURCE for object o (whose columns so far are in o.Columns); pk reports
// a column PRIMARY KEY constraint.
func bindColumnDef(b *binder.Binder, o *catalog.Object, cd *pg.ColumnDef) (col catalog.Column, pk bool, err error) {
	if o.ColumnIndex(cd.Colname) >= 0 {
		return col, false, sqlerr.New(sqlerr.DuplicateColumn, "column \"%s\" specified more than once", cd.Colname)
	}
	if cd.Colname == catalog.RowIDColumn {
		return col, false, sqlerr.New(sqlerr.DuplicateColumn, "column name \"%s\" is reserved for the hidden row id", cd.Colname)
	}
	t, err := b.ResolveTypeName(cd.TypeName)
	if err != nil {
		return col, false, err
	}
	if t.ID == types.Unknown || t.ID == types.Void || t.ID == types.Record {
		return col, false, sqlerr.New(sqlerr.InvalidTableDefinition, "column \"%s\" has pseudo-type %s", cd.Colname, t)
	}
	col = catalog.Column{Name: cd.Colname, Type: t, NotNull: cd.IsNotNull}
	for _, cn := range cd.Constraints {
		c := cn.GetConstraint()
		switch c.Contype {
		case pg.ConstrType_CONSTR_PRIMARY:
			pk = true
		case pg.ConstrType_CONSTR_NOTNULL:
			col.NotNull = true
		case pg.ConstrType_CONSTR_NULL:
		case pg.ConstrType_CONSTR_DEFAULT:
			text, err := deparseExpr(c.RawExpr)
			if err != nil {
				return col, false, sqlerr.New(sqlerr.SyntaxError, "cannot read DEFAULT of column \"%s\"", cd.Colname)
			}
			col.Default = text
		default:
			return col, false, sqlerr.NotSupported("%s constraints", constraintName(c.Contype))
		}
	}
	if col.Default != "" {
		if _, err := b.DefaultExpr(col); err != nil {
			return col, false, err
		}
	}
	return col, pk, nil
}

func keyable(t types.Type) bool {
	switch t.ID {
	case types.Jsonb, types.Json, types.Array:
		return false
	}
	return true
}

func constraintName(c pg.ConstrType) string {
	switch c {
	case pg.ConstrType_CONSTR_UNIQUE:
		return "UNIQUE"
	case pg.ConstrType_CONSTR_CHECK:
		return "CHECK"
	case pg.ConstrType_CONSTR_FOREIGN:
		return "FOREIGN KEY"
	case pg.ConstrType_CONSTR_EXCLUSION:
		return "EXCLUDE"
	case pg.ConstrType_CONSTR_GENERATED:
		return "GENERATED"
	case pg.ConstrType_CONSTR_IDENTITY:
		return "IDENTITY"
	}
	return strings.TrimPrefix(c.String(), "CONSTR_")
}

// checkSchema checks that a new object named name may go into schema:
// only public takes user objects.
func checkSchema(schema, name string) (string, error) {
	if schema == catalog.DefaultSchema {
		return schema, nil
	}
	if isSystemSchema(schema) {
		return "", sqlerr.New(sqlerr.InsufficientPrivilege, "permission denied to create \"%s.%s\"", schema, name).
			WithDetail("System catalog modifications are currently disallowed.")
	}
	return "", sqlerr.New(sqlerr.UndefinedSchema, "schema \"%s\" does not exist", schema)
}

// createRelation adds a new object to the catalog. It returns false (and
// a notice) when IF NOT EXISTS found the name taken.
func (s *Session) createRelation(spec *tableSpec) (bool, error) {
	e := s.eng
	e.commitMu.Lock()
	defer e.commitMu.Unlock()
	e.Catalog.Lock()
	defer e.Catalog.Unlock()
	o := spec.obj
	if err := e.Catalog.CheckNameFree(o.Schema, o.Name); err != nil {
		if spec.ifNotExists {
			s.notice("relation \"%s\" already exists, skipping", o.Name)
			return false, nil
		}
		return false, err
	}
	if _, ok := systemRelations["pg_catalog."+o.Name]; ok {
		return false, sqlerr.New(sqlerr.DuplicateTable, "relation \"%s\" already exists as a system catalog", o.Name)
	}
	batch := e.Store.NewBatch()
	defer batch.Close()
	id, err := e.Catalog.AllocateID(batch)
	if err != nil {
		return false, err
	}
	o.ID = id
	if err := e.Catalog.Put(batch, o); err != nil {
		return false, err
	}
	if err := e.Store.Apply(batch); err != nil {
		return false, sqlerr.Wrap(err, sqlerr.InternalError, "create: "+err.Error())
	}
	e.Catalog.Publish([]*catalog.Object{o}, nil)
	return true, nil
}

// bindCreateTableAs: CREATE TABLE t AS SELECT ... creates a table (with a
// hidden row id) and fills it, atomically: the table appears only with
// its rows.
func (s *Session) bindCreateTableAs(p *Prepared, b *binder.Binder, c *pg.CreateTableAsStmt) error {
	if c.Objtype != pg.ObjectType_OBJECT_TABLE {
		return sqlerr.NotSupported("CREATE MATERIALIZED VIEW ... this way")
	}
	into := c.Into
	schema, err := s.creationSchema(into.Rel.Schemaname, into.Rel.Relname)
	if err != nil {
		return err
	}
	res, err := b.Select(c.Query)
	if err != nil {
		return err
	}
	names := res.Names
	for i, cn := range into.ColNames {
		if i < len(names) {
			names[i] = cn.GetString_().Sval
		}
	}
	o := &catalog.Object{Name: into.Rel.Relname, Schema: schema, Kind: catalog.KindTable, Owner: s.User, Definition: p.stmt.SQL}
	for i, col := range res.Plan.Columns() {
		t := col.Type
		if t.ID == types.Unknown {
			t = types.TText
		}
		if o.ColumnIndex(names[i]) >= 0 {
			return sqlerr.New(sqlerr.DuplicateColumn, "column \"%s\" specified more than once", names[i])
		}
		o.Columns = append(o.Columns, catalog.Column{Name: names[i], Type: t})
	}
	o.Columns = append(o.Columns, catalog.Column{Name: catalog.RowIDColumn, Type: types.TInt8, Hidden: true, NotNull: true})
	o.PK = []int{len(o.Columns) - 1}
	plan := planner.Optimize(res.Plan)
	withData := !into.SkipData
	ifNotExists := c.IfNotExists
	p.utility = func(ctx context.Context, s *Session, params []types.Datum) (*result, error) {
		return s.createTableAs(ctx, o, plan, withData, ifNotExists, params)
	}
	return nil
}

func (s *Session) createTableAs(ctx context.Context, o *catalog.Object, plan planner.Plan, withData, ifNotExists bool, params []types.Datum) (*result, error) {
	e := s.eng
	obj := *o
	// Read the rows first, from a snapshot, without holding locks.
	var rows []types.Row
	if withData {
		rd, closeRd := s.reader(false)
		ec := &executor.Context{Ctx: ctx, Reader: rd, Params: params, Fn: s.funcContext(ctx)}
		node, err := executor.Build(plan)
		if err == nil {
			rows, err = runAll(ec, node)
		}
		closeRd()
		if err != nil {
			return nil, err
		}
	}
	e.commitMu.Lock()
	defer e.commitMu.Unlock()
	e.Catalog.Lock()
	defer e.Catalog.Unlock()
	if err := e.Catalog.CheckNameFree(obj.Schema, obj.Name); err != nil {
		if ifNotExists {
			s.notice("relation \"%s\" already exists, skipping", obj.Name)
			return &result{tag: "CREATE TABLE AS"}, nil
		}
		return nil, err
	}
	batch := e.Store.NewBatch()
	defer batch.Close()
	id, err := e.Catalog.AllocateID(batch)
	if err != nil {
		return nil, err
	}
	obj.ID = id
	if err := e.Catalog.Put(batch, &obj); err != nil {
		return nil, err
	}
	codec := executor.CodecFor(&obj)
	var key, val []byte
	for i, r := range rows {
		full := make(types.Row, len(obj.Columns))
		copy(full, r)
		full[len(full)-1] = types.NewInt(int64(i + 1))
		key = codec.Key(key[:0], full)
		val = codec.Value(val[:0], full)
		if err := batch.Set(key, val); err != nil {
			return nil, err
		}
	}
	if len(rows) > 0 {
		// Later inserts continue after the ids used here.
		if err := batch.Set(rowIDKey(obj.ID), beUint64(uint64(len(rows)+1))); err != nil {
			return nil, err
		}
	}
	if err := e.Store.Apply(batch); err != nil {
		return nil, sqlerr.Wrap(err, sqlerr.InternalError, "create table as: "+err.Error())
	}
	e.Catalog.Publish([]*catalog.Object{&obj}, nil)
	return &result{tag: sprintf("SELECT %d", len(rows))}, nil
}

func beUint64(v uint64) []byte {
	b := make([]byte, 8)
	for i := 7; i >= 0; i-- {
		b[i] = byte(v)
		v >>= 8
	}
	return b
}

func (s *Session) bindCreateView(p *Prepared, b *binder.Binder, v *pg.ViewStmt) error {
	if v.Replace {
		return sqlerr.NotSupported("CREATE OR REPLACE VIEW")
	}
	schema, err := s.creationSchema(v.View.Schemaname, v.View.Relname)
	if err != nil {
		return err
	}
	res, err := b.Select(v.Query)
	if err != nil {
		return err
	}
	if len(b.Params) > 0 {
		return sqlerr.New(sqlerr.UndefinedParameter, "there is no parameter $1")
	}
	text, err := deparseQuery(v.Query)
	if err != nil {
		return sqlerr.New(sqlerr.InternalError, "cannot store the view's query: %v", err)
	}
	o := &catalog.Object{Name: v.View.Relname, Schema: schema, Kind: catalog.KindView, Owner: s.User, Definition: p.stmt.SQL, Query: text,
		SearchPath: s.storedSearchPath()}
	o.TimeZone, o.DateStyle = s.storedValueSettings()
	names := res.Names
	for i, a := range v.Aliases {
		if i < len(names) {
			names[i] = a.GetString_().Sval
		}
	}
	for i, c := range res.Plan.Columns() {
		if o.ColumnIndex(names[i]) >= 0 {
			return sqlerr.New(sqlerr.DuplicateColumn, "column \"%s\" specified more than once", names[i])
		}
		o.Columns = append(o.Columns, catalog.Column{Name: names[i], Type: c.Type})
	}
	o.DependsOn = sortedDeps(b.Deps)
	p.utility = func(ctx context.Context, s *Session, _ []types.Datum) (*result, error) {
		_, err := s.createRelation(&tableSpec{obj: o})
		return &result{tag: "CREATE VIEW"}, err
	}
	return nil
}

// sortedDeps lists a binder's dependencies in id order.
func sortedDeps(deps map[uint32]bool) []uint32 {
	out := make([]uint32, 0, len(deps))
	for id := range deps {
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func objectTypeKind(t pg.ObjectType) (catalog.Kind, string, bool) {
	switch t {
	case pg.ObjectType_OBJECT_TABLE:
		return catalog.KindTable, "TABLE", true
	case pg.ObjectType_OBJECT_VIEW:
		return catalog.KindView, "VIEW", true
	case pg.ObjectType_OBJECT_MATVIEW:
		return catalog.KindMaterializedView, "MATERIALIZED VIEW", true
	case pg.ObjectType_OBJECT_INDEX:
		return catalog.KindIndex, "INDEX", true
	}
	return "", "", false
}

func (s *Session) bindDrop(p *Prepared, d *pg.DropStmt) error {
	kind, word, ok := objectTypeKind(d.RemoveType)
	if !ok {
		if d.RemoveType == pg.ObjectType_OBJECT_SCHEMA {
			return sqlerr.NotSupported("DROP SCHEMA")
		}
		return sqlerr.NotSupported("DROP %s", strings.TrimPrefix(d.RemoveType.String(), "OBJECT_"))
	}
	var names []string
	for _, o := range d.Objects {
		var parts []string
		for _, it := range o.GetList().GetItems() {
			parts = append(parts, it.GetString_().Sval)
		}
		names = append(names, strings.Join(parts, "."))
	}
	cascade := d.Behavior == pg.DropBehavior_DROP_CASCADE
	ifExists := d.MissingOk
	p.utility = func(ctx context.Context, s *Session, _ []types.Datum) (*result, error) {
		return &result{tag: "DROP " + word}, s.dropObjects(kind, names, ifExists, cascade)
	}
	return nil
}

func (s *Session) bindDropEddy(p *Prepared, d *parser.Drop) error {
	kind := map[string]catalog.Kind{"SOURCE": catalog.KindSource, "SINK": catalog.KindSink}[d.Kind]
	if kind == "" {
		return sqlerr.NotSupported("DROP %s", d.Kind)
	}
	names, ifExists, cascade, word := d.Names, d.IfExists, d.Cascade, d.Kind
	p.utility = func(ctx context.Context, s *Session, _ []types.Datum) (*result, error) {
		return &result{tag: "DROP " + word}, s.dropObjects(kind, names, ifExists, cascade)
	}
	return nil
}

// dropObjects drops named objects of one kind (and, with CASCADE, what
// depends on them) in one batch.
func (s *Session) dropObjects(kind catalog.Kind, names []string, ifExists, cascade bool) error {
	e := s.eng
	e.commitMu.Lock()
	defer e.commitMu.Unlock()
	e.Catalog.Lock()
	defer e.Catalog.Unlock()
	var drop []*catalog.Object
	seen := map[uint32]bool{}
	var add func(o *catalog.Object) error
	add = func(o *catalog.Object) error {
		if seen[o.ID] {
			return nil
		}
		seen[o.ID] = true
		for _, dep := range e.Catalog.Dependents(o.ID) {
			if !cascade {
				return sqlerr.New(sqlerr.DependentObjectsStillExist, "cannot drop %s %s because other objects depend on it", catalog.KindNoun(o.Kind), o.Name).
					WithDetail("%s %s depends on %s %s", catalog.KindNoun(dep.Kind), dep.Name, catalog.KindNoun(o.Kind), o.Name).
					WithHint("Use DROP ... CASCADE to drop the dependent objects too.")
			}
			if err := add(dep); err != nil {
				return err
			}
		}
		drop = append(drop, o)
		return nil
	}
	for _, name := range names {
		schema, rel := splitName(name)
		o, ok := s.lookupObject(schema, rel)
		if !ok {
			if ifExists {
				s.notice("%s \"%s\" does not exist, skipping", catalog.KindNoun(kind), name)
				continue
			}
			code := sqlerr.UndefinedTable
			if kind == catalog.KindSource || kind == catalog.KindSink || kind == catalog.KindIndex {
				code = sqlerr.UndefinedObject
			}
			return sqlerr.New(code, "%s \"%s\" does not exist", catalog.KindNoun(kind), name)
		}
		if o.Kind != kind {
			return sqlerr.New(sqlerr.WrongObjectType, "\"%s\" is not a %s", name, catalog.KindNoun(kind)).
				WithHint("Use DROP %s to remove a %s.", strings.ToUpper(catalog.KindNoun(o.Kind)), catalog.KindNoun(o.Kind))
		}
		if err := add(o); err != nil {
			return err
		}
	}
	if len(drop) == 0 {
		return nil
	}
	batch := e.Store.NewBatch()
	defer batch.Close()
	var views []*catalog.Object
	for _, o := range drop {
		if o.Kind == catalog.KindMaterializedView || o.Kind == catalog.KindSink {
			views = append(views, o)
		}
	}
	for _, o := range drop {
		if err := e.Catalog.Remove(batch, o); err != nil {
			return err
		}
		if o.Kind == catalog.KindTable || o.Kind == catalog.KindMaterializedView {
			lo, hi := storage.TableSpan(o.ID)
			if err := batch.DeleteRange(lo, hi); err != nil {
				return err
			}
			if err := e.dropRowIDs(batch, o.ID); err != nil {
				return err
			}
		}
		if isConnectorTable(o) {
			if err := batch.Delete(storage.OffsetKey(ingestOffsetName(o.ID))); err != nil {
				return err
			}
		}
	}
	if len(views) > 0 {
		// The views' dataflows stop and their state goes in the same
		// batch as the catalog change.
		err := e.MV.Drop(context.Background(), views, func(vb *storage.Batch) error {
			if err := vb.Append(batch); err != nil {
				return err
			}
			return e.Store.Apply(vb)
		})
		if err != nil {
			return sqlerr.Wrap(err, sqlerr.InternalError, "drop: "+err.Error())
		}
	} else if err := e.Store.Apply(batch); err != nil {
		return sqlerr.Wrap(err, sqlerr.InternalError, "drop: "+err.Error())
	}
	e.Catalog.Publish(nil, drop)
	e.ingest.stop(drop)
	return nil
}

func (s *Session) bindTruncate(p *Prepared, b *binder.Binder, t *pg.TruncateStmt) error {
	var objs []*catalog.Object
	for _, n := range t.Relations {
		rv := n.GetRangeVar()
		o, ok := s.lookupObject(rv.Schemaname, rv.Relname)
		if !ok {
			return sqlerr.New(sqlerr.UndefinedTable, "relation \"%s\" does not exist", rv.Relname)
		}
		if o.Kind != catalog.KindTable {
			return sqlerr.New(sqlerr.WrongObjectType, "\"%s\" is not a table", rv.Relname)
		}
		objs = append(objs, o)
	}
	p.utility = func(ctx context.Context, s *Session, _ []types.Datum) (*result, error) {
		e := s.eng
		e.commitMu.Lock()
		defer e.commitMu.Unlock()
		batch := e.Store.NewBatch()
		defer batch.Close()
		for _, o := range objs {
			if cur, ok := e.Catalog.ByID(o.ID); !ok || cur != o {
				return nil, sqlerr.New(sqlerr.UndefinedTable, "relation \"%s\" does not exist", o.Name)
			}
			lo, hi := storage.TableSpan(o.ID)
			if err := batch.DeleteRange(lo, hi); err != nil {
				return nil, err
			}
		}
		if err := e.Store.Apply(batch); err != nil {
			return nil, sqlerr.Wrap(err, sqlerr.InternalError, "truncate: "+err.Error())
		}
		return &result{tag: "TRUNCATE TABLE"}, nil
	}
	return nil
}
