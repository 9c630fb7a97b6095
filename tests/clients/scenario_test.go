package clients

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// typesColumns are the columns of the scenario table, one per basic type,
// in table order.
var typesColumns = []struct{ Name, Type string }{
	{"id", "int PRIMARY KEY"},
	{"c_bigint", "bigint"},
	{"c_smallint", "smallint"},
	{"c_double", "double precision"},
	{"c_real", "real"},
	{"c_numeric", "numeric"},
	{"c_varchar", "varchar"},
	{"c_text", "text"},
	{"c_bool", "boolean"},
	{"c_date", "date"},
	{"c_ts", "timestamp"},
	{"c_tstz", "timestamptz"},
	{"c_interval", "interval"},
	{"c_bytea", "bytea"},
	{"c_jsonb", "jsonb"},
}

// createTypesTable is the CREATE TABLE statement of the scenario table.
func createTypesTable(table string) string {
	defs := make([]string, len(typesColumns))
	for i, c := range typesColumns {
		defs[i] = c.Name + " " + c.Type
	}
	return fmt.Sprintf("CREATE TABLE %s (%s)", table, strings.Join(defs, ", "))
}

// columnList is the scenario table's column names, comma-separated.
func columnList() string {
	names := make([]string, len(typesColumns))
	for i, c := range typesColumns {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}

// insertTypes is the INSERT of one scenario row with $n parameters.
func insertTypes(table string) string {
	ps := make([]string, len(typesColumns))
	for i := range ps {
		ps[i] = fmt.Sprintf("$%d", i+1)
	}
	return fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", table, columnList(), strings.Join(ps, ", "))
}

// The scenario rows, as the Go drivers send them and as the other clients
// write them in their own languages:
//
//	id 1: maximum integers, a numeric with trailing zeros in its scale,
//	      a leap day, microseconds, a timestamptz at +05:30, an interval of
//	      years, months, days and seconds, bytes with a zero, a nested JSON;
//	id 2: minimum integers, a tiny negative double, a negative numeric,
//	      non-ASCII text (two- three- and four-byte UTF-8), a quote and a
//	      backslash, a timestamptz at -08:00, a negative month with positive
//	      days and negative seconds, an empty bytea;
//	id 3: NULL in every column but the key.
var (
	tstz1 = time.Date(2024, 6, 1, 12, 0, 0, 0, time.FixedZone("+05:30", 5*3600+30*60))
	tstz2 = time.Date(2000, 1, 1, 0, 0, 0, 0, time.FixedZone("-08", -8*3600))
)

const (
	varchar2 = "héllo wörld ✓ 日本語"
	text2    = `emoji 🚀, quote ' and backslash \`
	jsonb1   = `{"a": 1, "b": [true, null, "x"]}`
	jsonb2   = `{"e": {}, "k": "ü", "n": -1.5}`
	// interval1 is 1 year 2 mons 3 days 04:05:06.5 in microseconds of
	// its time part.
	interval1Micros = (4*3600+5*60+6)*1_000_000 + 500_000
)

var (
	maxInt64 int64 = math.MaxInt64
	minInt64 int64 = math.MinInt64
)
