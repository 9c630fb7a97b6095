package binder_test

import (
	"fmt"
	"github.com/eddy-db/eddy/internal/sqltest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/types"
)

// schema is the catalog every binder test runs against (the same tables
// exist in the PostgreSQL database the expected messages were taken from).
var schema = []string{
	"CREATE TABLE t (id int PRIMARY KEY, v int, s text)",
	"CREATE TABLE u (id int PRIMARY KEY, tid int, w text)",
	"CREATE TABLE kv (k1 int, k2 text, k3 bigint, val float8, PRIMARY KEY (k1, k2, k3))",
	"CREATE TABLE a (id bigint PRIMARY KEY, x int, bid bigint)",
	"CREATE TABLE b (id bigint PRIMARY KEY, y int, name text)",
	"CREATE TABLE n (x int, y int)",
	"CREATE TABLE ty (i2 smallint, i4 int, i8 bigint, f8 float8, num numeric(10,2), vc varchar(5), c char(3), ts timestamp, tz timestamptz, d date, j jsonb, arr int[], bo bool)",
	"CREATE TABLE dflt (id int PRIMARY KEY, v int DEFAULT 7, s text NOT NULL DEFAULT 'x', n numeric(5,1) DEFAULT 1.25)",
	"CREATE VIEW tv AS SELECT id, v * 2 AS v2 FROM t WHERE v > 0",
}

// TestBind runs the data-driven files in testdata: each `bind` command
// binds one statement and prints its result columns, parameter types and
// plan (before optimization), or the error with its SQLSTATE and
// position. `bind params=int4,unknown` declares parameter types as a
// client's Parse message would. `columns` binds the same way but prints
// only the result columns and parameters (or the error).
func TestBind(t *testing.T) {
	files, err := filepath.Glob("testdata/*")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no testdata")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			env := sqltest.NewEnv(t, schema...)
			sqltest.RunFile(t, f, func(t *testing.T, c *sqltest.Case) string {
				switch c.Cmd {
				case "bind", "columns":
					var params []types.Type
					if p, ok := c.Arg("params"); ok {
						for _, name := range strings.Split(p, ",") {
							typ, ok := types.ByName(name)
							if !ok {
								t.Fatalf("%s: unknown type %s", c.Pos, name)
							}
							params = append(params, typ)
						}
					}
					res, err := sqltest.Bind(env, c.Input, params)
					if err != nil {
						return sqltest.FormatError(err)
					}
					if c.Cmd == "columns" {
						res.Plan = nil
					}
					return describe(res)
				}
				t.Fatalf("%s: unknown command %s", c.Pos, c.Cmd)
				return ""
			})
		})
	}
}

// describe prints a bound statement: columns, parameters and plan.
func describe(res *sqltest.Bound) string {
	var sb strings.Builder
	if len(res.Cols) > 0 {
		parts := make([]string, len(res.Cols))
		for i, c := range res.Cols {
			parts[i] = c.Name + " " + c.Type.String()
		}
		sb.WriteString("columns: " + strings.Join(parts, ", ") + "\n")
	}
	if len(res.Params) > 0 {
		parts := make([]string, len(res.Params))
		for i, p := range res.Params {
			parts[i] = p.String()
		}
		sb.WriteString("params: " + strings.Join(parts, ", ") + "\n")
	}
	if res.Plan != nil {
		explain(&sb, res.Plan, 0)
	}
	return sb.String()
}

// explain prints a plan tree as planner.Explain does, with the details
// Explain leaves out (VALUES rows, UPDATE assignments, RETURNING lists,
// aggregate FILTER/ORDER BY) and the plans of subqueries.
func explain(sb *strings.Builder, p planner.Plan, depth int) {
	prefix, inner := "", ""
	if depth > 0 {
		prefix = strings.Repeat("  ", depth-1) + "└─"
		inner = strings.Repeat("  ", depth)
	}
	sb.WriteString(prefix + p.Describe() + "\n")
	var exprs []planner.Expr
	detail := func(s string) { sb.WriteString(inner + "  · " + s + "\n") }
	switch x := p.(type) {
	case *planner.Values:
		for _, r := range x.Rows {
			if len(r) == 0 {
				detail("row: ()")
				continue
			}
			detail("row: " + joinExprs(r))
			exprs = append(exprs, r...)
		}
	case *planner.Filter:
		exprs = append(exprs, x.Cond)
	case *planner.Project:
		exprs = append(exprs, x.Exprs...)
	case *planner.Join:
		exprs = append(exprs, x.Cond)
	case *planner.Agg:
		exprs = append(exprs, x.GroupBy...)
		for _, a := range x.Aggs {
			exprs = append(exprs, a.Args...)
			var extra []string
			if a.Filter != nil {
				extra = append(extra, "filter "+a.Filter.String())
				exprs = append(exprs, a.Filter)
			}
			if len(a.OrderBy) > 0 {
				var keys []string
				for _, k := range a.OrderBy {
					s := a.OrderExprs[k.Idx].String()
					if k.Desc {
						s += " DESC"
					}
					if k.NullsFirst {
						s += " NULLS FIRST"
					}
					keys = append(keys, s)
				}
				extra = append(extra, "order by "+strings.Join(keys, ", "))
			}
			if len(extra) > 0 {
				detail(a.Name + ": " + strings.Join(extra, ", "))
			}
		}
	case *planner.Update:
		for i, e := range x.Set {
			if e != nil {
				detail("set " + x.Table.Columns[i].Name + " = " + e.String())
				exprs = append(exprs, e)
			}
		}
		if len(x.Returning) > 0 {
			detail("returning: " + joinExprs(x.Returning))
		}
	case *planner.Insert:
		if len(x.Returning) > 0 {
			detail("returning: " + joinExprs(x.Returning))
		}
		if x.OnConflictDoNothing {
			detail("on conflict do nothing")
		}
	case *planner.Delete:
		if len(x.Returning) > 0 {
			detail("returning: " + joinExprs(x.Returning))
		}
	}
	n := 0
	for _, e := range exprs {
		planner.Walk(e, func(x planner.Expr) bool {
			sq, ok := x.(*planner.Subquery)
			if !ok {
				return true
			}
			n++
			kind := [...]string{"scalar", "exists", "any", "all", "array"}[sq.Kind]
			if sq.Correlated {
				kind += ", correlated"
			}
			detail(fmt.Sprintf("subquery %d (%s):", n, kind))
			explain(sb, sq.Plan, depth+2)
			return true
		})
	}
	for _, c := range p.Children() {
		explain(sb, c, depth+1)
	}
}

func joinExprs(es []planner.Expr) string {
	parts := make([]string, len(es))
	for i, e := range es {
		if e == nil {
			parts[i] = "<nil>"
			continue
		}
		parts[i] = e.String()
	}
	return strings.Join(parts, ", ")
}
