package pgcatalog

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/eddy-db/eddy/internal/pgtest"
	"github.com/eddy-db/eddy/tests/internal/eddytest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.StopShared()
	os.Exit(code)
}

// rows are inserted into metrics so that Grafana's panel queries return
// something.
var rows = `INSERT INTO metrics VALUES
	(1, 'a', '2026-11-22 00:00:10+00', 1.5, 'x', 1.25),
	(2, 'a', '2026-11-22 00:00:50+00', 2.5, NULL, NULL),
	(3, 'b', '2026-11-22 00:01:10+00', 4, NULL, 3)`

// failing lists the statements that fail on PostgreSQL 15 too, with the
// SQLSTATE both give.
var failing = map[string]string{
	// What psql sends to a 9.6 server: pg_proc has had no proisagg since
	// PostgreSQL 11.
	`psql_meta_by_server_version:server_version=9.6.0#3`: "42703",
}

// expected are the answers of the key statements on Eddy (user alice).
var expected = map[string][]string{
	`psql_meta:\d#0`: {
		"public|metrics|table|alice",
		"public|mv_metrics|materialized view|alice",
		"public|src|foreign table|alice",
		"public|v_metrics|view|alice",
	},
	`psql_meta:\dt#0`: {"public|metrics|table|alice"},
	`psql_meta:\dv#0`: {"public|v_metrics|view|alice"},
	`psql_meta:\dm#0`: {"public|mv_metrics|materialized view|alice"},
	`psql_meta:\di#0`: {"public|metrics_pkey|index|alice|metrics"},
	`psql_meta:\ds#0`: nil,
	`psql_meta:\df#0`: nil,
	`psql_meta:\dx#0`: nil,
	`psql_meta:\l#0`:  {"dev|alice|UTF8|C.UTF-8|C.UTF-8|NULL|libc|NULL"},
	`psql_meta:\dn#0`: {"public|alice", "rw_catalog|alice"},
	`psql_meta:\du#0`: {"alice|t|t|t|t|t|-1|NULL|{}|t|t"},
	// \d metrics: the table, its kind, its columns, its primary key.
	`psql_meta:\d metrics#0`: {"$metrics|public|metrics"},
	`psql_meta:\d metrics#1`: {"0|r|t|f|f|f|f|f|f||0||p|d|heap"},
	`psql_meta:\d metrics#2`: {
		"id|integer|NULL|t|NULL||",
		"host|character varying|NULL|t|NULL||",
		"ts|timestamp with time zone|NULL|f|NULL||",
		"value|double precision|0|f|NULL||",
		"note|character varying(20)|NULL|f|NULL||",
		"amount|numeric(10,2)|NULL|f|NULL||",
	},
	`psql_meta:\d metrics#3`: {
		"metrics_pkey|t|t|f|t|CREATE UNIQUE INDEX metrics_pkey ON metrics USING btree (id)|PRIMARY KEY (id)|p|f|f|f|0",
	},
	`psql_meta:\d v_metrics#1`: {"0|v|f|t|f|f|f|f|f||0||p|n|NULL"},
	`psql_meta:\d v_metrics#2`: {
		"host|character varying|NULL|f|NULL||",
		"value|double precision|NULL|f|NULL||",
	},
	`psql_meta:\d mv_metrics#1`: {"0|m|f|t|f|f|f|f|f||0||p|d|heap"},
	`psql_meta:\d mv_metrics#2`: {
		"host|character varying|NULL|f|NULL||",
		"n|bigint|NULL|f|NULL||",
		"avg_value|double precision|NULL|f|NULL||",
	},
	`psql_meta:\d+ metrics#2`: {
		"id|integer|NULL|t|NULL|||p||NULL|NULL",
		"host|character varying|NULL|t|NULL|||x||NULL|NULL",
		"ts|timestamp with time zone|NULL|f|NULL|||p||NULL|NULL",
		"value|double precision|0|f|NULL|||p||NULL|NULL",
		"note|character varying(20)|NULL|f|NULL|||x||NULL|NULL",
		"amount|numeric(10,2)|NULL|f|NULL|||m||NULL|NULL",
	},
	// The view's query as it was written.
	`psql_meta:\d+ v_metrics#3`: {" SELECT host, value FROM metrics WHERE value > 0;"},

	`grafana_meta:Config page auto-detect#0`: {"1500"},
	`grafana_meta:Config page auto-detect#1`: nil,
	// Materialized views are listed; sources, which cannot be queried,
	// are not; the system schemas Grafana does not filter out are.
	`grafana_meta:Query builder: table list#0`: {
		"metrics", "mv_metrics", "v_metrics",
		"rw_catalog.rw_late_events", "rw_catalog.rw_sink_status", "rw_catalog.rw_sinks",
		"rw_catalog.rw_source_errors", "rw_catalog.rw_source_stats", "rw_catalog.rw_sources",
	},
	`grafana_meta:Query builder: columns of table 'metrics'#0`: {
		"id|integer", "host|character varying", "ts|timestamp with time zone",
		"value|double precision", "note|character varying", "amount|numeric",
	},
	`grafana_meta:Older variant#0`:                 {"public", "rw_catalog"},
	`grafana_meta:Older variant#1`:                 {"metrics", "mv_metrics", "v_metrics"},
	`grafana_meta:Newest backend schema handler#0`: {"public", "rw_catalog"},
	`grafana_meta:Macro expansions#0`:              {"1795305600|a|2", "1795305660|b|4"},
	`grafana_meta:Macro expansions#1`: {
		"2026-11-22 00:00:10+00|1.5", "2026-11-22 00:00:50+00|2.5", "2026-11-22 00:01:10+00|4",
	},
}

// TestFixtures runs every fixture statement on Eddy: none may fail
// (except those in failing, with the same error as PostgreSQL 15) and the
// key ones must answer as expected says.
func TestFixtures(t *testing.T) {
	ctx := testContext(t)
	srv := eddytest.Start(t)
	dsn := fmt.Sprintf("postgres://alice@127.0.0.1:%d/dev?sslmode=disable", srv.Port)
	conn := connect(ctx, t, dsn, append(append(setup, setupEddy), rows)...)
	oids := objectOIDs(ctx, t, conn)

	seen := map[string]bool{}
	ran := 0
	for _, file := range fixtureFiles {
		for _, f := range loadFixtures(t, file) {
			ran++
			seen[f.label] = true
			a := query(ctx, conn, withOIDs(f.sql, oids))
			if code, ok := failing[f.label]; ok {
				if a.code != code {
					t.Errorf("%s: got %v, want error %s\n%s", f.label, a, code, f.sql)
				}
				continue
			}
			if a.err != nil {
				t.Errorf("%s: %v\n%s", f.label, a.err, f.sql)
				continue
			}
			exp, ok := expected[f.label]
			if !ok {
				continue
			}
			var want []string
			for _, w := range exp {
				for name, oid := range oids {
					w = strings.ReplaceAll(w, "$"+name, oid)
				}
				want = append(want, w)
			}
			if !reflect.DeepEqual(a.rows, want) {
				t.Errorf("%s: got\n\t%s\nwant\n\t%s", f.label, strings.Join(a.rows, "\n\t"), strings.Join(want, "\n\t"))
			}
		}
	}
	for label := range expected {
		if !seen[label] {
			t.Errorf("no fixture statement %s", label)
		}
	}
	// All of psql_meta.sql (50), grafana_meta.sql (7) and
	// psql_meta_by_server_version.sql (12).
	if ran != 69 {
		t.Errorf("ran %d fixture statements, want 69", ran)
	}

	// Grafana's health check is an empty query.
	if a := query(ctx, conn, "-- ping"); a.err != nil || len(a.rows) != 0 {
		t.Errorf("-- ping: %v", a)
	}
}

// differs lists the statements whose answers on Eddy differ from
// PostgreSQL's by design, with the reason.
var differs = map[string]string{
	`psql_meta:\d#0`:                               "Eddy's source is a foreign table PostgreSQL does not have",
	`psql_meta:\l#0`:                               "databases differ",
	`psql_meta:\dn#0`:                              "Eddy has rw_catalog; PostgreSQL's public belongs to pg_database_owner",
	`psql_meta:\dn+#0`:                             "as \\dn, and PostgreSQL's public has privileges and a comment",
	`psql_meta:\dx#0`:                              "PostgreSQL has plpgsql",
	`psql_meta:\dt+#0`:                             "sizes differ",
	`psql_meta:\dT#0`:                              "",
	"grafana_meta:Query builder: table list#0":     "Eddy lists materialized views and rw_catalog",
	"grafana_meta:Older variant#0":                 "Eddy has rw_catalog",
	"grafana_meta:Older variant#1":                 "Eddy lists materialized views",
	"grafana_meta:Newest backend schema handler#0": "Eddy has rw_catalog",
	// pg_get_viewdef: Eddy gives the query as written, PostgreSQL
	// its own rendering.
	`psql_meta:\d+ v_metrics#3`: "view definitions are written differently",
}

func init() {
	// What psql sends to older servers for \l and \dn.
	for _, v := range []string{"9.6.0", "12.0", "14.0"} {
		differs["psql_meta_by_server_version:server_version="+v+"#1"] = differs[`psql_meta:\l#0`]
		differs["psql_meta_by_server_version:server_version="+v+"#2"] = differs[`psql_meta:\dn#0`]
	}
}

// TestFixturesPostgres runs the fixtures on Eddy and on PostgreSQL 15
// over the same table and views (as user postgres on both) and compares
// the answers, except where differs says Eddy's differ by design.
func TestFixturesPostgres(t *testing.T) {
	ctx := testContext(t)
	pgConn, eddyConn := pair(ctx, t, append(setup, rows), setupEddy)
	pgOIDs, eddyOIDs := objectOIDs(ctx, t, pgConn), objectOIDs(ctx, t, eddyConn)

	compared := 0
	for _, file := range fixtureFiles {
		for _, f := range loadFixtures(t, file) {
			if _, ok := differs[f.label]; ok {
				continue
			}
			want := query(ctx, pgConn, withOIDs(f.sql, pgOIDs))
			got := query(ctx, eddyConn, withOIDs(f.sql, eddyOIDs))
			compared++
			if want.err != nil || got.err != nil {
				if want.code != got.code || want.code == "" {
					t.Errorf("%s: PostgreSQL: %v; Eddy: %v", f.label, want, got)
				}
				continue
			}
			normalize := func(rows []string, oids map[string]string) []string {
				out := make([]string, len(rows))
				for i, r := range rows {
					for name, oid := range oids {
						r = strings.ReplaceAll(r, oid, "$"+name)
					}
					out[i] = r
				}
				return out
			}
			w, g := normalize(want.rows, pgOIDs), normalize(got.rows, eddyOIDs)
			if !reflect.DeepEqual(w, g) {
				t.Errorf("%s:\nPostgreSQL:\n\t%s\nEddy:\n\t%s\n%s", f.label, strings.Join(w, "\n\t"), strings.Join(g, "\n\t"), f.sql)
			}
		}
	}
	t.Logf("%d fixture statements compared", compared)
}
