package functions

import (
	"testing"

	"github.com/eddy-db/eddy/sql/types"
)

func TestGenRandomUUID(t *testing.T) {
	f, _, err := Resolve("gen_random_uuid", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Volatile || f.Ret.ID != types.Uuid {
		t.Fatalf("gen_random_uuid: volatile=%v ret=%s", f.Volatile, f.Ret)
	}
	a, _ := f.Eval(&Context{}, nil)
	b, _ := f.Eval(&Context{}, nil)
	u := a.BytesStr()
	if len(u) != 16 || u[6]>>4 != 4 || u[8]>>6 != 2 {
		t.Errorf("not a version 4 UUID: %x", u)
	}
	if a.BytesStr() == b.BytesStr() {
		t.Error("two calls returned the same UUID")
	}
}

func TestNumNulls(t *testing.T) {
	runCases(t, nil, []evalCase{
		{"num_nulls", tys(tInt, tUnk, tTxt), []types.Datum{i(1), null, null}, "2", ""},
		{"num_nonnulls", tys(tInt, tUnk, tTxt), []types.Datum{i(1), null, null}, "1", ""},
	})
}

func TestNowAndCurrentDate(t *testing.T) {
	ny := zoneCtx(t, "America/New_York")
	ny.TxnTime = tstz("2021-03-14 03:00Z").Micros() // 2021-03-13 22:00 in New York
	runCases(t, ny, []evalCase{
		{"now", nil, nil, "2021-03-14 03:00:00Z", ""},
		{"transaction_timestamp", nil, nil, "2021-03-14 03:00:00Z", ""},
		{"statement_timestamp", nil, nil, "2021-03-14 03:00:00Z", ""},
		{"current_date", nil, nil, "2021-03-13", ""},
		{"localtimestamp", nil, nil, "2021-03-13 22:00:00", ""},
		{"age", tys(tTs), []types.Datum{tsd("2020-03-13")}, "12mon 0d 0us", ""},
	})
	f, _, _ := Resolve("clock_timestamp", nil)
	if !f.Volatile {
		t.Error("clock_timestamp is not volatile")
	}
}

// Benchmarks of the per-row paths.

func benchEval(b *testing.B, name string, argTypes []types.Type, args ...types.Datum) {
	f, _, err := Resolve(name, argTypes)
	if err != nil {
		b.Fatal(err)
	}
	ctx := &Context{Env: types.DefaultEnv}
	b.ReportAllocs()
	b.ResetTimer()
	for k := 0; k < b.N; k++ {
		if _, err := f.Eval(ctx, args); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkInt4Add(b *testing.B) { benchEval(b, "+", I4, i(12345), i(678)) }
func BenchmarkInt8Mul(b *testing.B) { benchEval(b, "*", I8, i(123456789), i(1000)) }
func BenchmarkFloat8Div(b *testing.B) {
	benchEval(b, "/", F8, f(1234.5), f(3.25))
}
func BenchmarkNumericAdd(b *testing.B) { benchEval(b, "+", N2, n("12345.678"), n("0.25")) }
func BenchmarkNumericDiv(b *testing.B) { benchEval(b, "/", N2, n("12345.678"), n("7")) }
func BenchmarkLikePrefix(b *testing.B) {
	benchEval(b, "~~", T2, s("hello world, this is a row"), s("hello%"))
}
func BenchmarkLikeGeneral(b *testing.B) {
	benchEval(b, "~~", T2, s("hello world, this is a row"), s("%wor_d%is%row"))
}
func BenchmarkILike(b *testing.B) {
	benchEval(b, "~~*", T2, s("Hello World, this is a row"), s("%WORLD%"))
}
func BenchmarkRegexMatch(b *testing.B) {
	benchEval(b, "~", T2, s("hello world, this is a row"), s("w[a-z]+d"))
}
func BenchmarkJSONBField(b *testing.B) {
	benchEval(b, "->>", tys(tJb, tTxt), js(`{"id": 42, "name": "widget", "tags": ["a", "b"], "price": 9.99}`), s("price"))
}
func BenchmarkDateTrunc(b *testing.B) {
	benchEval(b, "date_trunc", tys(tTxt, tTs), s("hour"), tsd("2021-03-14 12:34:56"))
}

// Text forms of non-text arguments come from sql/types (output functions
// and casts); checked against PostgreSQL 15.
func TestTextFormsOfOtherTypes(t *testing.T) {
	tF4 := types.TFloat4
	runCases(t, nil, []evalCase{
		{"concat", tys(tF8, tUnk, tF8, tUnk, tNum, tUnk, tDt, tUnk, tIv, tUnk, tTsz),
			[]types.Datum{f(1.5), s("|"), f(1e20), s("|"), n("2.50"), s("|"), date("2020-01-02"), s("|"),
				iv(0, 1, 7_200_000_000), s("|"), tstz("2020-01-01 10:00Z")},
			"1.5|1e+20|2.50|2020-01-02|1 day 02:00:00|2020-01-01 10:00:00+00", ""},
		{"||", tys(tTxt, tNum), []types.Datum{s("x"), n("1.50")}, "x1.50", ""},
		{"||", tys(tTxt, tF8), []types.Datum{s("x"), f(1e20)}, "x1e+20", ""},
		{"||", tys(tTxt, tDt), []types.Datum{s("x"), date("2020-01-02")}, "x2020-01-02", ""},
		{"format", tys(tTxt, tF4, tTs), []types.Datum{s("%s %L"), f(float64(float32(0.1))), tsd("2020-01-01")}, "0.1 '2020-01-01 00:00:00'", ""},
		{"array_to_string", tys(types.ArrayOf(types.Float8), tTxt), []types.Datum{arr(f(1.5), f(2.25)), s(";")}, "1.5;2.25", ""},
		{"to_jsonb", tys(tIv), []types.Datum{iv(0, 1, 0)}, `"1 day"`, ""},
		{"json_build_object", tys(tUnk, tF8), []types.Datum{s("a"), f(1e20)}, `{"a" : 1e+20}`, ""},
		{"to_json", tys(tF4), []types.Datum{f(float64(float32(0.1)))}, "0.1", ""},
		{"jsonb_build_object", tys(tNum, types.TBool), []types.Datum{n("1.5"), b(true)}, `{"1.5": true}`, ""},
		{"quote_literal", tys(tDt), []types.Datum{date("2020-01-02")}, "'2020-01-02'", ""},
	})
}
