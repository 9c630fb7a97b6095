package pgcatalog

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/eddy-db/eddy/internal/pgtest"
	"github.com/eddy-db/eddy/tests/internal/eddytest"
)

// fixture is one statement of a fixture file.
type fixture struct {
	// label is "file:heading#n": the n-th statement (from 0) under a
	// heading, e.g. `psql_meta:\d metrics#2`.
	label string
	sql   string
}

// headingRE matches the headings of the fixture files:
// "-- ======== psql 15 meta-command: \dt ========",
// "-- ===== server_version=12.0 (...)", "-- ==== Health check (...)".
var headingRE = regexp.MustCompile(`^-- =+ (?:psql 15 meta-command: )?(.*?)(?: =+)?$`)

// loadFixtures splits a fixture file into statements: a statement starts
// at a line that is not a comment and ends at a line ending with ";".
func loadFixtures(t *testing.T, name string) []fixture {
	t.Helper()
	// The same captured files the front parser is tested on.
	f, err := os.Open(filepath.Join("..", "..", "sql", "parser", "testdata", name+".sql"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		out     []fixture
		heading string
		n       int
		cur     []string
	)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if len(cur) == 0 {
			if m := headingRE.FindStringSubmatch(line); m != nil {
				heading, n = strings.TrimSpace(m[1]), 0
				if i := strings.Index(heading, " ("); i > 0 {
					heading = heading[:i]
				}
				continue
			}
			if strings.HasPrefix(line, "--") || strings.TrimSpace(line) == "" {
				continue
			}
		}
		cur = append(cur, line)
		if strings.HasSuffix(strings.TrimSpace(line), ";") {
			out = append(out, fixture{label: name + ":" + heading + "#" + strconv.Itoa(n), sql: strings.Join(cur, "\n")})
			n++
			cur = nil
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(cur) > 0 {
		t.Fatalf("%s: statement without a final ';': %s", name, strings.Join(cur, "\n"))
	}
	return out
}

// captureOIDs are the OIDs the fixtures name, as the objects had them
// where the statements were captured.
var captureOIDs = map[string]string{"16384": "metrics", "16391": "v_metrics", "16395": "mv_metrics"}

var oidLiteralRE = regexp.MustCompile(`'(16384|16391|16395)'`)

// withOIDs rewrites the captured OIDs of a statement to the objects' OIDs
// on the server at hand (oids maps object names to OIDs).
func withOIDs(sql string, oids map[string]string) string {
	return oidLiteralRE.ReplaceAllStringFunc(sql, func(lit string) string {
		return "'" + oids[captureOIDs[strings.Trim(lit, "'")]] + "'"
	})
}

// answer is what a server answered to one statement: rows with "|"
// between values and NULL as "NULL", or an error.
type answer struct {
	rows []string
	code string
	err  error
}

func (a answer) String() string {
	if a.err != nil {
		return "ERROR " + a.err.Error()
	}
	return strings.Join(a.rows, "\n")
}

// query runs sql with the simple protocol, as psql does.
func query(ctx context.Context, conn *pgconn.PgConn, sql string) answer {
	results, err := conn.Exec(ctx, sql).ReadAll()
	if err != nil {
		a := answer{err: err}
		var pe *pgconn.PgError
		if errors.As(err, &pe) {
			a.code = pe.Code
		}
		return a
	}
	var a answer
	for _, r := range results {
		for _, row := range r.Rows {
			vals := make([]string, len(row))
			for i, v := range row {
				if v == nil {
					vals[i] = "NULL"
				} else {
					vals[i] = string(v)
				}
			}
			a.rows = append(a.rows, strings.Join(vals, "|"))
		}
	}
	return a
}

// objectOIDs returns the OIDs of the fixtures' objects on a server.
func objectOIDs(ctx context.Context, t *testing.T, conn *pgconn.PgConn) map[string]string {
	t.Helper()
	oids := map[string]string{}
	for _, name := range captureOIDs {
		a := query(ctx, conn, "SELECT '"+name+"'::regclass::oid")
		if a.err != nil || len(a.rows) != 1 {
			t.Fatalf("oid of %s: %v", name, a)
		}
		oids[name] = a.rows[0]
	}
	return oids
}

// setup creates the objects the fixtures describe (the ones both Eddy
// and PostgreSQL have).
var setup = []string{
	`CREATE TABLE metrics (id INT PRIMARY KEY, host VARCHAR NOT NULL, ts TIMESTAMPTZ,
		value DOUBLE PRECISION DEFAULT 0, note VARCHAR(20), amount NUMERIC(10,2))`,
	`CREATE VIEW v_metrics AS SELECT host, value FROM metrics WHERE value > 0`,
	`CREATE MATERIALIZED VIEW mv_metrics AS SELECT host, count(*) AS n, avg(value) AS avg_value FROM metrics GROUP BY host`,
}

// setupEddy adds a source, which psql shows as a foreign table.
var setupEddy = `CREATE SOURCE src (id INT, name VARCHAR) WITH (connector = 'datagen',
	fields.id.kind = 'sequence', fields.id.start = '1', fields.id.end = '10', datagen.rows.per.second = '10')`

func connect(ctx context.Context, t *testing.T, dsn string, stmts ...string) *pgconn.PgConn {
	t.Helper()
	conn, err := pgconn.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	for _, s := range stmts {
		if a := query(ctx, conn, s); a.err != nil {
			t.Fatalf("%s: %v", s, a.err)
		}
	}
	return conn
}

// pair connects as user postgres to a fresh PostgreSQL 15 database and
// to a new Eddy, runs stmts on both and then eddyOnly on Eddy, and
// returns the two connections.
func pair(ctx context.Context, t *testing.T, stmts []string, eddyOnly ...string) (pgConn, eddyConn *pgconn.PgConn) {
	t.Helper()
	pg := pgtest.Shared(t)
	pgConn = connect(ctx, t, pg.DSN, stmts...)
	srv := eddytest.Start(t)
	dsn := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/dev?sslmode=disable", srv.Port)
	eddyConn = connect(ctx, t, dsn, append(append([]string(nil), stmts...), eddyOnly...)...)
	return pgConn, eddyConn
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// fixtureFiles are the fixture files, without .sql.
var fixtureFiles = []string{"psql_meta", "grafana_meta", "psql_meta_by_server_version"}
