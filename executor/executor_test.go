package executor_test

import (
	"context"
	"github.com/eddy-db/eddy/internal/sqltest"
	"path/filepath"
	"strings"
	"testing"
)

// TestExec runs the data-driven files in testdata, each against a fresh
// store:
//
//	create            one CREATE TABLE / CREATE VIEW per input line
//	load TABLE        rows (space-separated values, NULL, 'quoted') written
//	                  straight into storage
//	exec [raw] [params=v1,v2]
//	                  one statement: bound, optimized (not with raw), built
//	                  and run; prints its rows, or "INSERT n" and its
//	                  RETURNING rows, or its error
//	scan TABLE        the table's stored rows in key order, hidden columns
//	                  included
//
// A query whose join or filter the optimizer rewrites can be run twice,
// raw and optimized, to show that both give the same rows.
func TestExec(t *testing.T) {
	files, err := filepath.Glob("testdata/*")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no testdata")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			h := newHarness(t)
			sqltest.RunFile(t, f, func(t *testing.T, c *sqltest.Case) string {
				h.t = t
				switch c.Cmd {
				case "create":
					for _, l := range strings.Split(c.Input, "\n") {
						if strings.TrimSpace(l) != "" {
							h.env.Create(t, l)
						}
					}
					return ""
				case "load":
					var rows []string
					for _, l := range strings.Split(c.Input, "\n") {
						if strings.TrimSpace(l) != "" {
							rows = append(rows, l)
						}
					}
					h.load(c.Args[0], rows...)
					return ""
				case "exec":
					var params []string
					if p, ok := c.Arg("params"); ok {
						params = strings.Split(p, ",")
					}
					return h.exec(context.Background(), c.Input, c.Has("raw"), params)
				case "scan":
					return h.scan(c.Args[0])
				}
				t.Fatalf("%s: unknown command %s", c.Pos, c.Cmd)
				return ""
			})
		})
	}
}
