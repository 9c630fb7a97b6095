package postgres

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/sql/types"
)

// TestTypes writes every type through both paths (upsert: parameters;
// append-only: COPY) into columns of the same types and checks that
// PostgreSQL prints back exactly Eddy's text form of each value.
func TestTypes(t *testing.T) {
	type col struct {
		name string
		typ  types.Type
		vals []string // PostgreSQL text of the values, one per row; "NULL" for NULL
	}
	cols := []col{
		{"b", types.TBool, []string{"t", "f"}},
		{"i2", types.TInt2, []string{"-32768", "32767"}},
		{"i4", types.TInt4, []string{"2147483647", "-2147483648"}},
		{"i8", types.TInt8, []string{"-9223372036854775808", "9223372036854775807"}},
		{"f4", types.TFloat4, []string{"1.5", "-Infinity"}},
		{"f8", types.TFloat8, []string{"-0.1", "NaN"}},
		{"f8b", types.TFloat8, []string{"1.7976931348623157e+308", "-0"}},
		{"num", types.TNumeric, []string{"123456789012345678901234567890.000000000000000000001", "NaN"}},
		{"num2", types.Type{ID: types.Numeric, Mod: (10<<16 | 2) + 4}, []string{"-12345678.90", "0.00"}},
		{"numinf", types.TNumeric, []string{"Infinity", "-Infinity"}},
		{"vc", types.Type{ID: types.Varchar, Mod: 10 + 4}, []string{"héllo", ""}},
		{"txt", types.TText, []string{"tab\tnl\ncr\rbs\\ q' dq\" \\N", "日本語 🎉"}},
		{"bp", types.Type{ID: types.Bpchar, Mod: 5 + 4}, []string{"ab   ", "abcde"}},
		{"by", types.TBytea, []string{`\x005c0a09ff`, `\x`}},
		{"u", types.TUuid, []string{"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "00000000-0000-0000-0000-000000000000"}},
		{"d", types.TDate, []string{"2026-11-22", "infinity"}},
		{"d2", types.TDate, []string{"0044-03-15 BC", "-infinity"}},
		{"tm", types.TTime, []string{"09:30:00.25", "24:00:00"}},
		{"ts", types.TTimestamp, []string{"2026-11-22 09:30:00.000001", "-infinity"}},
		{"tstz", types.TTimestamptz, []string{"2026-11-22 07:30:00+00", "infinity"}},
		{"iv", types.TInterval, []string{"1 year 2 mons 3 days 04:05:06.5", "-1 days +02:00:00"}},
		{"js", types.TJson, []string{`{"a": [1, 2], "b": "x\ty"}`, `"just a string"`}},
		{"jb", types.TJsonb, []string{`{"a": [1, 2], "b": {"c": null}}`, `[]`}},
		{"ai", types.ArrayOf(types.Int4), []string{"{1,NULL,3}", "{}"}},
		{"at", types.ArrayOf(types.Text), []string{`{"a,b","c\"d",NULL,"\\\\"}`, `{x}`}},
		{"ats", types.ArrayOf(types.Timestamptz), []string{`{"2026-01-01 00:00:00+00"}`, "NULL"}},
	}
	var scols []connectors.Column
	var ddl []string
	for _, c := range cols {
		scols = append(scols, connectors.Column{Name: c.name, Type: c.typ})
		ddl = append(ddl, c.name+" "+c.typ.String())
	}
	var rows []types.Row
	for r := 0; r < 2; r++ {
		var row types.Row
		for _, c := range cols {
			if c.vals[r] == "NULL" {
				row = append(row, types.Null)
				continue
			}
			d, err := types.ParseText(c.vals[r], c.typ, types.DefaultEnv)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			row = append(row, d)
		}
		rows = append(rows, row)
	}
	// The negative zero and the float4 infinity need exact datums.
	rows[1][6] = types.NewFloat(math.Copysign(0, -1))
	nulls := make(types.Row, len(cols))

	conn, db := testDB(t)
	ctx := context.Background()
	for _, mode := range []string{"upsert", "append-only"} {
		t.Run(mode, func(t *testing.T) {
			table := strings.ReplaceAll(mode, "-", "_")
			mustExec(t, conn, fmt.Sprintf("CREATE TABLE %s (k bigint PRIMARY KEY, %s)", table, strings.Join(ddl, ", ")))
			key := connectors.Column{Name: "k", Type: types.TInt8}
			spec := sinkSpec(db, append([]connectors.Column{key}, scols...), []int{0}, map[string]string{"table": table, "type": mode})
			spec.AppendOnly = mode == "append-only"
			spec.ID, spec.Name = uint32(len(mode)), table // one progress row each
			w := openWriter(t, spec)
			var changes []connectors.Change
			for i, r := range append(rows, nulls) {
				changes = append(changes, connectors.Change{Op: chunk.Insert, Row: append(types.Row{types.NewInt(int64(i))}, r...)})
			}
			if err := w.Write(ctx, 1, changes); err != nil {
				t.Fatal(err)
			}
			got := query(t, conn, "SELECT * FROM "+table+" ORDER BY k")
			if len(got) != 3 {
				t.Fatalf("%d rows", len(got))
			}
			for i, r := range append(rows, nulls) {
				fields := strings.Split(got[i], "|")
				// Text values may hold '|': compare column by column where they
				// do not, and the whole line otherwise.
				var want []string
				want = append(want, fmt.Sprint(i))
				for j, d := range r {
					if d.IsNull() {
						want = append(want, "NULL")
					} else {
						want = append(want, types.FormatText(d, cols[j].typ, nil))
					}
				}
				if got[i] != strings.Join(want, "|") {
					for j := range want {
						if j < len(fields) && fields[j] != want[j] {
							name := "k"
							if j > 0 {
								name = cols[j-1].name
							}
							t.Errorf("row %d column %s: PostgreSQL has %q, Eddy wrote %q", i, name, fields[j], want[j])
						}
					}
					t.Fatalf("row %d:\n got  %s\n want %s", i, got[i], strings.Join(want, "|"))
				}
			}
			// The written values equal the literals (not only their text).
			var eq bool
			if err := conn.QueryRow(ctx, "SELECT f8 = -0.1::float8 AND num = 123456789012345678901234567890.000000000000000000001 "+
				"AND tstz = '2026-11-22 09:30:00+02' AND u = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' AND by = '\\x005c0a09ff'::bytea FROM "+table+" WHERE k = 0").Scan(&eq); err != nil || !eq {
				t.Fatalf("values differ from the literals: %v %v", eq, err)
			}
		})
	}
}
