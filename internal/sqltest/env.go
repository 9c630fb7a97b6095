// Package sqltest holds what the binder, planner and executor tests
// share: a binder.Env over tables and views built from DDL text, binding
// of single statements, the text form of rows and errors, and the
// data-driven test file format.
package sqltest

import (
	"fmt"
	"strings"
	"testing"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/binder"
	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/functions"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// Env is a binder.Env over catalog objects the test builds from
// CREATE TABLE / CREATE VIEW text.
type Env struct {
	objs   map[string]*catalog.Object
	views  map[string]*pg.Node
	nextID uint32
}

// NewEnv returns an Env holding the relations the DDL statements create.
func NewEnv(t testing.TB, ddl ...string) *Env {
	t.Helper()
	e := &Env{objs: map[string]*catalog.Object{}, views: map[string]*pg.Node{}, nextID: catalog.FirstUserID}
	for _, d := range ddl {
		e.Create(t, d)
	}
	return e
}

func (e *Env) Relation(schema, name string) (*binder.Relation, error) {
	if schema != "" && schema != catalog.DefaultSchema {
		return nil, sqlerr.New(sqlerr.UndefinedTable, "relation \"%s.%s\" does not exist", schema, name)
	}
	o, ok := e.objs[name]
	if !ok {
		return nil, sqlerr.New(sqlerr.UndefinedTable, "relation \"%s\" does not exist", name)
	}
	if q, ok := e.views[name]; ok {
		return &binder.Relation{Obj: o, ViewQuery: q}, nil
	}
	return &binder.Relation{Obj: o}, nil
}

// Object returns the relation named name, or nil.
func (e *Env) Object(name string) *catalog.Object { return e.objs[name] }

func (e *Env) SessionFunc(string, []types.Type) (*functions.Func, bool) { return nil, false }

func (e *Env) TypesEnv() *types.Env { return types.DefaultEnv }

// create adds the relation a CREATE TABLE or CREATE VIEW statement
// describes. Tables without a PRIMARY KEY get the hidden row id column, as
// the session's CREATE TABLE gives them.
func (e *Env) Create(t testing.TB, ddl string) *catalog.Object {
	t.Helper()
	tree, err := pg.Parse(ddl)
	if err != nil {
		t.Fatalf("%s: %v", ddl, err)
	}
	stmt := tree.Stmts[0].Stmt
	if v := stmt.GetViewStmt(); v != nil {
		res, err := binder.New(e, ddl, 0, nil).Select(v.Query)
		if err != nil {
			t.Fatalf("%s: %v", ddl, err)
		}
		o := &catalog.Object{ID: e.nextID, Name: v.View.Relname, Schema: catalog.DefaultSchema, Kind: catalog.KindView}
		for i, c := range res.Plan.Columns() {
			o.Columns = append(o.Columns, catalog.Column{Name: res.Names[i], Type: c.Type})
		}
		e.nextID++
		e.objs[o.Name], e.views[o.Name] = o, v.Query
		return o
	}
	cs := stmt.GetCreateStmt()
	if cs == nil {
		t.Fatalf("%s: not a CREATE TABLE or CREATE VIEW", ddl)
	}
	b := binder.New(e, ddl, 0, nil)
	o := &catalog.Object{ID: e.nextID, Name: cs.Relation.Relname, Schema: catalog.DefaultSchema, Kind: catalog.KindTable}
	var pk []string
	for _, el := range cs.TableElts {
		if cd := el.GetColumnDef(); cd != nil {
			typ, err := b.ResolveTypeName(cd.TypeName)
			if err != nil {
				t.Fatalf("%s: %v", ddl, err)
			}
			col := catalog.Column{Name: cd.Colname, Type: typ, NotNull: cd.IsNotNull}
			for _, cn := range cd.Constraints {
				c := cn.GetConstraint()
				switch c.Contype {
				case pg.ConstrType_CONSTR_PRIMARY:
					pk = []string{cd.Colname}
				case pg.ConstrType_CONSTR_NOTNULL:
					col.NotNull = true
				case pg.ConstrType_CONSTR_DEFAULT:
					col.Default = deparseExpr(t, tree.Version, c.RawExpr)
				}
			}
			o.Columns = append(o.Columns, col)
		} else if c := el.GetConstraint(); c != nil && c.Contype == pg.ConstrType_CONSTR_PRIMARY {
			for _, k := range c.Keys {
				pk = append(pk, k.GetString_().Sval)
			}
		}
	}
	for _, k := range pk {
		i := o.ColumnIndex(k)
		o.Columns[i].NotNull = true
		o.PK = append(o.PK, i)
	}
	o.PKDeclared = len(pk) > 0
	if !o.PKDeclared {
		o.Columns = append(o.Columns, catalog.Column{Name: catalog.RowIDColumn, Type: types.TInt8, Hidden: true, NotNull: true})
		o.PK = []int{len(o.Columns) - 1}
	}
	e.nextID++
	e.objs[o.Name] = o
	return o
}

// deparseExpr returns the SQL text of an expression (a column DEFAULT).
func deparseExpr(t testing.TB, version int32, n *pg.Node) string {
	t.Helper()
	sel := &pg.Node{Node: &pg.Node_SelectStmt{SelectStmt: &pg.SelectStmt{
		TargetList: []*pg.Node{{Node: &pg.Node_ResTarget{ResTarget: &pg.ResTarget{Val: n}}}},
	}}}
	out, err := pg.Deparse(&pg.ParseResult{Version: version, Stmts: []*pg.RawStmt{{Stmt: sel}}})
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(out, "SELECT ")
}

// Bound is a bound statement: its plan, result columns and parameters.
type Bound struct {
	Plan   planner.Plan
	Cols   []types.Column
	Params []types.Type
}

// Bind binds one statement (SELECT, VALUES, INSERT, UPDATE or DELETE)
// with the given declared parameter types.
func Bind(env binder.Env, sql string, params []types.Type) (*Bound, error) {
	tree, err := pg.Parse(sql)
	if err != nil {
		return nil, err
	}
	if len(tree.Stmts) != 1 {
		return nil, fmt.Errorf("want one statement, got %d", len(tree.Stmts))
	}
	raw := tree.Stmts[0]
	b := binder.New(env, sql, int(raw.StmtLocation), params)
	out := &Bound{}
	switch n := raw.Stmt.Node.(type) {
	case *pg.Node_SelectStmt:
		res, err := b.Select(raw.Stmt)
		if err != nil {
			return nil, err
		}
		out.Plan = res.Plan
		for i, c := range res.Plan.Columns() {
			out.Cols = append(out.Cols, types.Column{Name: res.Names[i], Type: c.Type})
		}
	case *pg.Node_InsertStmt:
		ins, err := b.Insert(n.InsertStmt)
		if err != nil {
			return nil, err
		}
		out.Plan, out.Cols = ins, ins.ReturningCols
	case *pg.Node_UpdateStmt:
		up, err := b.Update(n.UpdateStmt)
		if err != nil {
			return nil, err
		}
		out.Plan, out.Cols = up, up.ReturningCols
	case *pg.Node_DeleteStmt:
		del, err := b.Delete(n.DeleteStmt)
		if err != nil {
			return nil, err
		}
		out.Plan, out.Cols = del, del.ReturningCols
	default:
		return nil, fmt.Errorf("cannot bind %T", raw.Stmt.Node)
	}
	b.FinishParams()
	out.Params = b.Params
	return out, nil
}

// FormatError renders an error as "error CODE [at POS]: message" with
// its detail and hint on the following lines.
func FormatError(err error) string {
	e := sqlerr.As(err)
	s := "error " + e.Code
	if e.Position > 0 {
		s += fmt.Sprintf(" at %d", e.Position)
	}
	s += ": " + e.Message
	if e.Detail != "" {
		s += "\ndetail: " + e.Detail
	}
	if e.Hint != "" {
		s += "\nhint: " + e.Hint
	}
	return s
}

// ParseRow reads a row in the tests' text form: values separated by
// spaces, NULL for NULL, 'quoted' for values holding spaces (” is a
// quote inside quotes).
func ParseRow(t testing.TB, line string, cols []types.Type) types.Row {
	t.Helper()
	var vals []*string
	for i := 0; i < len(line); {
		switch c := line[i]; {
		case c == ' ' || c == '\t':
			i++
		case c == '\'':
			var sb strings.Builder
			i++
			for ; i < len(line); i++ {
				if line[i] == '\'' {
					if i+1 < len(line) && line[i+1] == '\'' {
						sb.WriteByte('\'')
						i++
						continue
					}
					break
				}
				sb.WriteByte(line[i])
			}
			i++
			s := sb.String()
			vals = append(vals, &s)
		default:
			j := strings.IndexAny(line[i:], " \t")
			if j < 0 {
				j = len(line) - i
			}
			s := line[i : i+j]
			i += j
			if s == "NULL" {
				vals = append(vals, nil)
			} else {
				vals = append(vals, &s)
			}
		}
	}
	if len(vals) != len(cols) {
		t.Fatalf("row %q has %d values, want %d", line, len(vals), len(cols))
	}
	row := make(types.Row, len(cols))
	for i, v := range vals {
		if v == nil {
			continue
		}
		d, err := types.ParseText(*v, cols[i], types.DefaultEnv)
		if err != nil {
			t.Fatalf("row %q: %v", line, err)
		}
		row[i] = d
	}
	return row
}

// FormatRow prints a row in the text form ParseRow reads.
func FormatRow(r types.Row, cols []types.Type) string {
	parts := make([]string, len(r))
	for i, v := range r {
		if v.IsNull() {
			parts[i] = "NULL"
			continue
		}
		s := types.FormatText(v, cols[i], types.DefaultEnv)
		if s == "" || s == "NULL" || strings.ContainsAny(s, " \t'") {
			s = "'" + strings.ReplaceAll(s, "'", "''") + "'"
		}
		parts[i] = s
	}
	return strings.Join(parts, " ")
}
