package parser

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"testing"
)

// TestCatalogQueries parses the SQL psql 15 and Grafana send for their
// catalog browsing (captured from the real clients, in testdata): every
// statement must come back as PostgreSQL's, as it would on PostgreSQL.
func TestCatalogQueries(t *testing.T) {
	tests := []struct {
		file  string
		count int
	}{
		{"testdata/psql_meta.sql", 48},
		{"testdata/psql_meta_by_server_version.sql", 12},
		{"testdata/grafana_meta.sql", 9},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			stmts := parseAll(t, string(b))
			eq(t, "statements", len(stmts), tt.count)
			for _, st := range stmts {
				if st.PG == nil {
					t.Errorf("not a PostgreSQL statement: %s", st.SQL)
				}
			}
		})
	}
}

// TestDriverQueries parses the query strings drivers (libpq, pgx, node-pg,
// psycopg2, Grafana) sent in captured sessions.
func TestDriverQueries(t *testing.T) {
	f, err := os.Open("testdata/driver_queries.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var msg struct{ Type, String, Query string }
		if err := json.Unmarshal(line, &msg); err != nil {
			t.Fatal(err)
		}
		q := msg.String
		if msg.Type == "Parse" {
			q = msg.Query
		}
		stmts := parseAll(t, q)
		for _, st := range stmts {
			if st.PG == nil {
				t.Errorf("not a PostgreSQL statement: %s", st.SQL)
			}
		}
		switch q {
		case "-- ping", ";":
			eq(t, q, len(stmts), 0) // an EmptyQueryResponse
		default:
			eq(t, q, len(stmts), 1)
		}
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	eq(t, "queries", n, 17)
}
