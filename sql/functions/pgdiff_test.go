//go:build pgdiff

// Differential tests against a running PostgreSQL 15, the reference for
// every function here: random calls are evaluated by both and the text
// results compared. Run with a throwaway server on a loopback port:
//
//	PGDIFF_PORT=55437 [PGDIFF_TZ=America/New_York] [PGDIFF_SEED=2] \
//	    go test -tags pgdiff -run PGDiff ./sql/functions/
//
// Not compared: float8 cbrt, log10 and the trigonometric functions, which
// may differ from the C library in the last digit.

package functions

import (
	"fmt"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

type darg struct {
	typ string
	val string
}

type dcase struct {
	fn   string
	args []darg
}

func pgQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func (c dcase) sql() string {
	parts := make([]string, len(c.args))
	for i, a := range c.args {
		parts[i] = pgQuote(a.val) + "::" + a.typ
	}
	if c.fn == "extract" {
		return fmt.Sprintf("extract(%s from %s)", c.args[0].val, parts[1])
	}
	if isOperatorName(c.fn) {
		if len(parts) == 1 {
			return fmt.Sprintf("(%s %s)", c.fn, parts[0])
		}
		return fmt.Sprintf("(%s %s %s)", parts[0], c.fn, parts[1])
	}
	return fmt.Sprintf("%s(%s)", c.fn, strings.Join(parts, ", "))
}

func TestPGDiff(t *testing.T) {
	zone := os.Getenv("PGDIFF_TZ")
	if zone == "" {
		zone = "UTC"
	}
	loc, _ := time.LoadLocation(zone)
	env := &types.Env{Loc: loc, ExtraFloatDigits: 1}
	seed := int64(1)
	if v := os.Getenv("PGDIFF_SEED"); v != "" {
		fmt.Sscan(v, &seed)
	}
	rng := rand.New(rand.NewSource(seed))
	word := func() string {
		alpha := []string{"a", "b", "A", "é", " ", "x", "%", "_", "Z", "ß", "1", ",", "-"}
		var sb strings.Builder
		for k := rng.Intn(8); k >= 0; k-- {
			sb.WriteString(alpha[rng.Intn(len(alpha))])
		}
		return sb.String()
	}
	num := func() string {
		d := rng.Intn(12) + 1
		var sb strings.Builder
		if rng.Intn(4) == 0 {
			sb.WriteByte('-')
		}
		for k := 0; k < d; k++ {
			sb.WriteByte(byte('0' + rng.Intn(10)))
		}
		if rng.Intn(2) == 0 {
			s := sb.String()
			p := rng.Intn(len(s)) + 1
			if s[0] == '-' && p == 1 {
				p = 2
			}
			return s[:p] + "." + s[p:] + "1"
		}
		return sb.String()
	}
	pos := func() string { return strings.TrimPrefix(num(), "-") }
	var cases []dcase
	for k := 0; k < 60; k++ {
		cases = append(cases,
			dcase{"/", []darg{{"numeric", num()}, {"numeric", pos()}}},
			dcase{"*", []darg{{"numeric", num()}, {"numeric", num()}}},
			dcase{"%", []darg{{"numeric", num()}, {"numeric", pos()}}},
			dcase{"sqrt", []darg{{"numeric", pos()}}},
			dcase{"ln", []darg{{"numeric", pos()}}},
			dcase{"log", []darg{{"numeric", pos()}}},
			dcase{"exp", []darg{{"numeric", fmt.Sprint(rng.Intn(200) - 100)}}},
			dcase{"round", []darg{{"numeric", num()}, {"int", fmt.Sprint(rng.Intn(8) - 3)}}},
			dcase{"^", []darg{{"numeric", pos()}, {"numeric", fmt.Sprint(rng.Intn(10) - 3)}}},
			dcase{"^", []darg{{"numeric", fmt.Sprintf("%d.%d", rng.Intn(50), rng.Intn(100))}, {"numeric", fmt.Sprintf("%d.%d", rng.Intn(5), rng.Intn(10))}}},
			dcase{"log", []darg{{"numeric", fmt.Sprint(rng.Intn(20) + 2)}, {"numeric", pos()}}},
			dcase{"to_char", []darg{{"numeric", num()}, {"text", []string{"999,999.99", "FM0000.000", "S9999", "9.99EEEE", "FM999999999.99", "99999PR", "9990.9MI"}[rng.Intn(7)]}}},
		)
		ts := time.Unix(rng.Int63n(4e9)-1e9, rng.Int63n(1e9)/1000*1000).UTC().Format("2006-01-02 15:04:05.999999")
		unit := []string{"microseconds", "milliseconds", "second", "minute", "hour", "day", "week", "month", "quarter", "year", "decade", "century", "millennium"}[rng.Intn(13)]
		field := []string{"epoch", "year", "month", "day", "hour", "minute", "second", "milliseconds", "microseconds", "dow", "isodow", "doy", "week", "quarter", "decade", "century", "millennium", "julian", "isoyear"}[rng.Intn(19)]
		cases = append(cases,
			dcase{"date_trunc", []darg{{"text", unit}, {"timestamp", ts}}},
			dcase{"date_trunc", []darg{{"text", unit}, {"timestamptz", ts + "+00"}}},
			dcase{"extract", []darg{{"text", field}, {"timestamp", ts}}},
			dcase{"extract", []darg{{"text", field}, {"timestamptz", ts + "+00"}}},
			dcase{"date_part", []darg{{"text", field}, {"timestamptz", ts + "+00"}}},
			dcase{"to_char", []darg{{"timestamptz", ts + "+00"}, {"text", "YYYY-MM-DD HH24:MI:SS.US TZ Dy IW ID J"}}},
			dcase{"+", []darg{{"timestamptz", ts + "+00"}, {"interval", fmt.Sprintf("%d mons %d days %d seconds", rng.Intn(30)-10, rng.Intn(80)-20, rng.Intn(200000)-50000)}}},
			dcase{"+", []darg{{"timestamp", ts}, {"interval", fmt.Sprintf("%d mons %d days", rng.Intn(30)-10, rng.Intn(80)-20)}}},
			dcase{"age", []darg{{"timestamptz", ts + "+00"}, {"timestamptz", "2001-02-03 04:05:06+00"}}},
			dcase{"-", []darg{{"timestamptz", ts + "+00"}, {"timestamptz", "2001-02-03 04:05:06+00"}}},
			dcase{"*", []darg{{"interval", fmt.Sprintf("%d mons %d days %d seconds", rng.Intn(30), rng.Intn(80), rng.Intn(200000))}, {"float8", fmt.Sprintf("%.3f", rng.Float64()*5)}}},
			dcase{"/", []darg{{"interval", fmt.Sprintf("%d mons %d days %d seconds", rng.Intn(30), rng.Intn(80), rng.Intn(200000))}, {"float8", fmt.Sprintf("%.3f", rng.Float64()*5+0.1)}}},
			dcase{"justify_interval", []darg{{"interval", fmt.Sprintf("%d mons %d days %d seconds", rng.Intn(30)-15, rng.Intn(80)-40, rng.Intn(400000)-200000)}}},
		)
	}
	for k := 0; k < 60; k++ {
		w := word()
		n := fmt.Sprint(rng.Intn(12) - 4)
		iv := fmt.Sprintf("%d years %d mons %d days %d seconds", rng.Intn(3000)-1500, rng.Intn(30)-10, rng.Intn(80)-20, rng.Intn(200000)-50000)
		cases = append(cases,
			dcase{"substr", []darg{{"text", w}, {"int", n}, {"int", fmt.Sprint(rng.Intn(6))}}},
			dcase{"lpad", []darg{{"text", w}, {"int", n}, {"text", word()}}},
			dcase{"rpad", []darg{{"text", w}, {"int", n}}},
			dcase{"split_part", []darg{{"text", w + "," + word()}, {"text", ","}, {"int", fmt.Sprint(rng.Intn(5) - 2)}}},
			dcase{"initcap", []darg{{"text", w}}},
			dcase{"upper", []darg{{"text", w}}},
			dcase{"translate", []darg{{"text", w}, {"text", word()}, {"text", word()}}},
			dcase{"btrim", []darg{{"text", w}, {"text", word()}}},
			dcase{"~~", []darg{{"text", w}, {"text", word()}}},
			dcase{"~~*", []darg{{"text", w}, {"text", word()}}},
			dcase{"left", []darg{{"text", w}, {"int", n}}},
			dcase{"right", []darg{{"text", w}, {"int", n}}},
			dcase{"strpos", []darg{{"text", w}, {"text", word()}}},
			dcase{"quote_ident", []darg{{"text", w}}},
			dcase{"quote_literal", []darg{{"text", w}}},
			dcase{"extract", []darg{{"text", []string{"epoch", "year", "month", "day", "hour", "minute", "second", "milliseconds", "microseconds", "quarter", "decade", "century", "millennium"}[rng.Intn(13)]}, {"interval", iv}}},
			dcase{"date_trunc", []darg{{"text", []string{"year", "month", "day", "hour", "minute", "second", "quarter", "decade", "century", "millennium"}[rng.Intn(10)]}, {"interval", iv}}},
			dcase{"to_char", []darg{{"interval", iv}, {"text", "YYYY MM DD HH24 MI SS US"}}},
			dcase{"to_char", []darg{{"float8", fmt.Sprintf("%g", (rng.Float64()-0.3)*math.Pow(10, float64(rng.Intn(8)-3)))}, {"text", []string{"999,999.99", "FM0000.000", "S9999", "9.99EEEE", "FM999999999.99", "99999PR", "9990.9MI"}[rng.Intn(7)]}}},
			dcase{"to_char", []darg{{"int8", fmt.Sprint(rng.Int63n(1e10) - 5e9)}, {"text", []string{"999,999,999,999", "FM9,999", "S0000000000", "99th", "FM99999999999th"}[rng.Intn(5)]}}},
			dcase{"+", []darg{{"date", fmt.Sprintf("%04d-%02d-%02d", rng.Intn(3000)+1, rng.Intn(12)+1, rng.Intn(28)+1)}, {"interval", iv}}},
			dcase{"age", []darg{{"timestamp", fmt.Sprintf("%04d-%02d-%02d", rng.Intn(3000)+1, rng.Intn(12)+1, rng.Intn(28)+1)}, {"timestamp", fmt.Sprintf("%04d-%02d-%02d 10:11", rng.Intn(3000)+1, rng.Intn(12)+1, rng.Intn(28)+1)}}},
			dcase{"sqrt", []darg{{"float8", fmt.Sprint(rng.Float64() * 1000)}}},
			dcase{"exp", []darg{{"float8", fmt.Sprint(rng.Float64()*100 - 50)}}},
			dcase{"ln", []darg{{"float8", fmt.Sprint(rng.Float64() * 1000)}}},
			dcase{"^", []darg{{"float8", fmt.Sprint(rng.Float64() * 10)}, {"float8", fmt.Sprint(rng.Float64()*6 - 3)}}},
		)
	}
	docs := []string{`{"a": {"b": [1, 2.50, "x"]}, "c": null, "d": "é\n", "e": true}`, `[1, [2, {"a": 3}], "s", null]`, `"str"`, `12.5e1`, `{"k": {"k": {"k": []}}}`}
	keys := []string{"a", "b", "c", "d", "e", "k", "0", "1", "-1", "2", "zz"}
	for k := 0; k < 60; k++ {
		doc := docs[rng.Intn(len(docs))]
		key := keys[rng.Intn(len(keys))]
		path := "{" + keys[rng.Intn(len(keys))] + "," + keys[rng.Intn(len(keys))] + "}"
		other := docs[rng.Intn(len(docs))]
		ts := time.Unix(rng.Int63n(4e9)-1e9, 0).UTC()
		formats := []string{"YYYY-MM-DD HH24:MI:SS", "DD Mon YYYY HH12:MI AM", "YYYYMMDD", "Month DD, YYYY HH24.MI"}
		fm := formats[rng.Intn(len(formats))]
		cases = append(cases,
			dcase{"->", []darg{{"jsonb", doc}, {"text", key}}},
			dcase{"->>", []darg{{"jsonb", doc}, {"text", key}}},
			dcase{"->", []darg{{"json", doc}, {"int", fmt.Sprint(rng.Intn(5) - 2)}}},
			dcase{"#>>", []darg{{"jsonb", doc}, {"text[]", path}}},
			dcase{"@>", []darg{{"jsonb", doc}, {"jsonb", other}}},
			dcase{"||", []darg{{"jsonb", doc}, {"jsonb", other}}},
			dcase{"?", []darg{{"jsonb", doc}, {"text", key}}},
			dcase{"jsonb_typeof", []darg{{"jsonb", doc}}},
			dcase{"to_timestamp", []darg{{"text", ts.Format("2006-01-02 15:04:05")}, {"text", "YYYY-MM-DD HH24:MI:SS"}}},
			dcase{"to_char", []darg{{"timestamptz", ts.Format("2006-01-02 15:04:05") + "+00"}, {"text", fm}}},
			dcase{"regexp_replace", []darg{{"text", word() + word()}, {"text", []string{"a+", "[éß]", "(.)b", "^.", "x|A"}[rng.Intn(5)]}, {"text", "<\\&>"}, {"text", []string{"g", "", "gi", "i"}[rng.Intn(4)]}}},
			dcase{"make_date", []darg{{"int", fmt.Sprint(rng.Intn(4000) - 2000)}, {"int", fmt.Sprint(rng.Intn(14))}, {"int", fmt.Sprint(rng.Intn(32))}}},
		)
	}
	db := exec.Command("psql", "-h", "127.0.0.1", "-p", os.Getenv("PGDIFF_PORT"), "-U", "postgres", "-AtX", "-v", "ON_ERROR_STOP=0")
	var script strings.Builder
	fmt.Fprintf(&script, "\\set VERBOSITY terse\n\\pset null NULL\nset timezone = '%s';\n", zone)
	for _, c := range cases {
		fmt.Fprintf(&script, "select %s;\nselect '@@END@@';\n", c.sql())
	}
	db.Stdin = strings.NewReader(script.String())
	out, _ := db.CombinedOutput()
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	for len(lines) > 0 && (lines[0] == "SET" || strings.HasPrefix(lines[0], "Null display")) {
		lines = lines[1:]
	}
	li := 0
	ctx := &Context{Env: env}
	mismatch := 0
	for _, c := range cases {
		argTypes := make([]types.Type, len(c.args))
		args := make([]types.Datum, len(c.args))
		var perr error
		for i, a := range c.args {
			argTypes[i], _ = types.ByName(a.typ)
			args[i], perr = types.ParseText(a.val, argTypes[i], env)
			if perr != nil {
				break
			}
		}
		var got string
		if perr != nil {
			got = "PARSE " + perr.Error()
		} else if f, casts, err := Resolve(c.fn, argTypes); err != nil {
			got = "ERROR:  " + err.Error()
		} else {
			for i := range args {
				if !sameType(casts[i], argTypes[i]) {
					args[i], _ = types.Cast(args[i], argTypes[i], casts[i], env)
				}
			}
			d, err := f.Call(ctx, args)
			switch {
			case err != nil:
				got = "ERROR:  " + err.Error() + " (" + sqlerr.Code(err) + ")"
			case d.IsNull():
				got = "NULL"
			default:
				got = types.FormatText(d, f.Ret, env)
			}
		}
		var wantLines []string
		for li < len(lines) && lines[li] != "@@END@@" {
			wantLines = append(wantLines, lines[li])
			li++
		}
		li++ // the marker
		want := strings.Join(wantLines, "\n")
		if i := strings.Index(want, "ERROR:"); i >= 0 {
			want = strings.SplitN(want[i:], "\n", 2)[0]
			if strings.HasPrefix(got, "ERROR:") && strings.HasPrefix(got, strings.TrimSpace(want)) {
				continue
			}
		}
		if got != want {
			mismatch++
			t.Errorf("%s\n  pg:   %s\n  eddy: %s", c.sql(), want, got)
		}
	}
	t.Logf("%d cases, %d mismatches", len(cases), mismatch)
}

func TestPGDiffAggregates(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	env := types.DefaultEnv
	mismatch, total := 0, 0
	for round := 0; round < 40; round++ {
		typ := []string{"numeric", "int4", "int8", "float8", "float4", "interval"}[round%6]
		var vals []string
		for k := rng.Intn(6) + 1; k > 0; k-- {
			switch typ {
			case "numeric":
				vals = append(vals, fmt.Sprintf("%d.%0*d", rng.Intn(2000)-1000, rng.Intn(4)+1, rng.Intn(1000)))
			case "float8", "float4":
				vals = append(vals, fmt.Sprint((rng.Float64()-0.5)*1000))
			case "interval":
				vals = append(vals, fmt.Sprintf("%d mons %d days %d seconds", rng.Intn(20), rng.Intn(40), rng.Intn(100000)))
			default:
				vals = append(vals, fmt.Sprint(rng.Intn(2000000)-1000000))
			}
		}
		aggs := []string{"sum", "avg", "stddev", "variance", "stddev_pop", "var_pop", "min", "max"}
		if typ == "interval" {
			aggs = []string{"sum", "avg", "min", "max"}
		}
		for _, agg := range aggs {
			quoted := make([]string, len(vals))
			for i, v := range vals {
				quoted[i] = pgQuote(v)
			}
			q := fmt.Sprintf("select %s(x) from unnest(array[%s]::%s[]) x", agg, strings.Join(quoted, ","), typ)
			out, _ := exec.Command("psql", "-h", "127.0.0.1", "-p", os.Getenv("PGDIFF_PORT"), "-U", "postgres", "-AtX", "-c", "\\pset null NULL", "-c", q).CombinedOutput()
			want := strings.TrimSpace(string(out))
			want = strings.TrimPrefix(want, "Null display is \"NULL\".\n")
			at, _ := types.ByName(typ)
			a, _, err := ResolveAggregate(agg, []types.Type{at})
			if err != nil {
				t.Fatal(err)
			}
			acc := a.New()
			ctx := &Context{Env: env}
			for _, v := range vals {
				d, err := types.ParseText(v, at, env)
				if err != nil {
					t.Fatal(err)
				}
				if err := acc.Add(ctx, []types.Datum{d}); err != nil {
					t.Fatal(err)
				}
			}
			r, err := acc.Result(ctx)
			got := ""
			switch {
			case err != nil:
				got = "ERROR " + err.Error()
			case r.IsNull():
				got = "NULL"
			default:
				got = types.FormatText(r, a.Ret, env)
			}
			total++
			if got != want {
				mismatch++
				t.Errorf("%s\n  pg:   %s\n  eddy: %s", q, want, got)
			}
		}
	}
	t.Logf("%d aggregates, %d mismatches", total, mismatch)
}
