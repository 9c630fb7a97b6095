package slt

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eddy-db/eddy/internal/pgtest"
	"github.com/eddy-db/eddy/tests/internal/eddytest"
)

var (
	rewriteFlag = flag.Bool("rewrite", false, "rewrite the expected results of testdata/*.slt from the actual ones of -engine")
	engineFlag  = flag.String("engine", EngineEddy, "the engine -rewrite takes results from (eddy or postgres)")
)

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	pgtest.StopShared()
	os.Exit(code)
}

// runFiles runs every testdata/*.slt as a subtest against the server dsn
// returns for it. With -rewrite, only the engine named by -engine runs,
// and it rewrites the files.
func runFiles(t *testing.T, engine string, dsn func(t *testing.T) string) {
	rewrite := *rewriteFlag
	if rewrite && *engineFlag != engine {
		t.Skipf("-rewrite is for engine %s", *engineFlag)
	}
	paths, err := filepath.Glob(filepath.Join("testdata", "*.slt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no testdata/*.slt files")
	}
	for _, path := range paths {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := Parse(name, src)
			if err != nil {
				t.Fatal(err)
			}
			r := &Runner{Engine: engine, DSN: dsn(t)}
			rep, err := r.Run(context.Background(), f)
			for _, fail := range rep.Failures {
				t.Error(fail.Error())
			}
			if err != nil {
				t.Fatal(err)
			}
			if rep.Ran == 0 && !rep.Halted {
				t.Errorf("%s: no record ran on %s", name, engine)
			}
			t.Logf("%s on %s: %d records ran, %d skipped, %d failed", name, engine, rep.Ran, rep.Skipped, len(rep.Failures))
			if rewrite {
				if err := os.WriteFile(path, Rewrite(f, rep.Actual), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// TestSLT runs the files against Eddy, a fresh server per file.
func TestSLT(t *testing.T) {
	runFiles(t, EngineEddy, func(t *testing.T) string { return eddytest.Start(t).DSN })
}

// TestSLTPostgres runs the files against PostgreSQL 15, a fresh database
// per file.
func TestSLTPostgres(t *testing.T) {
	runFiles(t, EnginePostgres, func(t *testing.T) string { return pgtest.Shared(t).DSN })
}

// TestConditionReasons checks that every skipif/onlyif in the testdata
// is explained by a "# reason:" comment right above it, and that each
// file parses.
func TestConditionReasons(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "*.slt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range paths {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(filepath.Base(path), src); err != nil {
			t.Error(err)
			continue
		}
		lines := strings.Split(string(src), "\n")
		isCond := func(l string) bool {
			return strings.HasPrefix(l, "skipif ") || strings.HasPrefix(l, "onlyif ")
		}
		for i, l := range lines {
			if !isCond(l) || (i > 0 && isCond(lines[i-1])) {
				continue
			}
			if i == 0 || !strings.HasPrefix(lines[i-1], "# reason: ") {
				t.Errorf("%s:%d: %q has no \"# reason:\" comment above it", path, i+1, l)
			}
		}
	}
}
