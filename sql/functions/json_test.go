package functions

import (
	"math"
	"testing"

	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// Expected values checked against PostgreSQL 15. jsonb inputs are written
// in canonical form, as sql/types stores them.
func TestJSONOperators(t *testing.T) {
	jb := types.TJsonb
	jj := types.TJson
	doc := js(`{"a": {"b": [1, 2]}, "s": "x\ny", "n": null, "num": 1.50}`)
	runCases(t, nil, []evalCase{
		{"->", tys(jb, tTxt), []types.Datum{doc, s("a")}, `{"b": [1, 2]}`, ""},
		{"->", tys(jb, tTxt), []types.Datum{doc, s("zz")}, "NULL", ""},
		{"->>", tys(jb, tTxt), []types.Datum{doc, s("s")}, "x\ny", ""},
		{"->>", tys(jb, tTxt), []types.Datum{doc, s("n")}, "NULL", ""},
		{"->>", tys(jb, tTxt), []types.Datum{doc, s("num")}, "1.50", ""},
		{"->>", tys(jb, tTxt), []types.Datum{doc, s("a")}, `{"b": [1, 2]}`, ""},
		{"->", tys(jb, tInt), []types.Datum{js(`[1, 2, 3]`), i(-1)}, "3", ""},
		{"->", tys(jb, tInt), []types.Datum{js(`[1, 2, 3]`), i(-4)}, "NULL", ""},
		{"->", tys(jb, tInt), []types.Datum{js(`{"a": 1}`), i(0)}, "NULL", ""},
		{"->>", tys(jb, tInt), []types.Datum{js(`["a", "b"]`), i(1)}, "b", ""},
		{"#>", tys(jb, tTArr), []types.Datum{doc, arr(s("a"), s("b"), s("-1"))}, "2", ""},
		{"#>>", tys(jb, tTArr), []types.Datum{doc, arr(s("a"), s("b"))}, "[1, 2]", ""},
		{"#>", tys(jb, tTArr), []types.Datum{js(`{"a": 1}`), arr()}, `{"a": 1}`, ""},
		{"#>", tys(jb, tTArr), []types.Datum{js(`[1]`), arr(s("x"))}, "NULL", ""},
		// json keeps its text: the last duplicate key wins, spacing stays.
		{"->", tys(jj, tTxt), []types.Datum{js(`{"a":1,"a":2}`), s("a")}, "2", ""},
		{"->", tys(jj, tTxt), []types.Datum{js(`{"a": [1, {"b" : 2}]}`), s("a")}, `[1, {"b" : 2}]`, ""},
		{"->", tys(jj, tInt), []types.Datum{js(`[1,2,3]`), i(-1)}, "3", ""},
		{"->>", tys(jj, tTxt), []types.Datum{js(`{"a":1.50}`), s("a")}, "1.50", ""},
		{"->>", tys(jj, tTxt), []types.Datum{js(`{"a\u0062":"\u00e9"}`), s("ab")}, "é", ""},
		{"@>", tys(jb, jb), []types.Datum{js(`{"a": 1, "b": [1, 2, {"c": 3}]}`), js(`{"b": [{"c": 3}]}`)}, "t", ""},
		{"@>", tys(jb, jb), []types.Datum{js(`[1, 2, [3]]`), js(`[3]`)}, "f", ""},
		{"@>", tys(jb, jb), []types.Datum{js(`[1, 2, [3]]`), js(`[[3]]`)}, "t", ""},
		{"@>", tys(jb, jb), []types.Datum{js(`[1, 2]`), js(`1`)}, "t", ""},
		{"@>", tys(jb, jb), []types.Datum{js(`1`), js(`[1]`)}, "f", ""},
		{"@>", tys(jb, jb), []types.Datum{js(`{"a": 1.0}`), js(`{"a": 1}`)}, "t", ""},
		{"<@", tys(jb, jb), []types.Datum{js(`{"a": 1}`), js(`{"a": 1, "b": 2}`)}, "t", ""},
		{"?", tys(jb, tTxt), []types.Datum{js(`{"a": 1}`), s("a")}, "t", ""},
		{"?", tys(jb, tTxt), []types.Datum{js(`["a"]`), s("a")}, "t", ""},
		{"?", tys(jb, tTxt), []types.Datum{js(`"a"`), s("a")}, "t", ""},
		{"?", tys(jb, tTxt), []types.Datum{js(`{"b": "a"}`), s("a")}, "f", ""},
		{"?|", tys(jb, tTArr), []types.Datum{js(`{"a": 1}`), arr(s("x"), s("a"))}, "t", ""},
		{"?&", tys(jb, tTArr), []types.Datum{js(`{"a": 1}`), arr(s("x"), s("a"))}, "f", ""},
		{"||", tys(jb, jb), []types.Datum{js(`{"a": 1}`), js(`{"a": 3, "b": 2}`)}, `{"a": 3, "b": 2}`, ""},
		{"||", tys(jb, jb), []types.Datum{js(`[1]`), js(`2`)}, `[1, 2]`, ""},
		{"||", tys(jb, jb), []types.Datum{js(`1`), js(`2`)}, `[1, 2]`, ""},
		{"||", tys(jb, jb), []types.Datum{js(`{"a": 1}`), js(`[1]`)}, `[{"a": 1}, 1]`, ""},
		{"||", tys(jb, jb), []types.Datum{js(`{"a": 1}`), js(`1`)}, `[{"a": 1}, 1]`, ""},
		{"-", tys(jb, tTxt), []types.Datum{js(`{"a": 1, "b": 2}`), s("a")}, `{"b": 2}`, ""},
		{"-", tys(jb, tTxt), []types.Datum{js(`["a", "b"]`), s("a")}, `["b"]`, ""},
		{"-", tys(jb, tInt), []types.Datum{js(`[1, 2, 3]`), i(-1)}, `[1, 2]`, ""},
		{"-", tys(jb, tTxt), []types.Datum{js(`1`), s("a")}, "", paramErr},
		{"jsonb_typeof", tys(jb), []types.Datum{js(`1.5`)}, "number", ""},
		{"json_typeof", tys(jj), []types.Datum{js(` [1]`)}, "array", ""},
		{"jsonb_array_length", tys(jb), []types.Datum{js(`[1, [2, 3], {"a": [4]}]`)}, "3", ""},
		{"jsonb_array_length", tys(jb), []types.Datum{js(`1`)}, "", paramErr},
		{"jsonb_array_length", tys(jb), []types.Datum{js(`{}`)}, "", paramErr},
		{"jsonb_extract_path", tys(jb, tTxt, tTxt), []types.Datum{js(`{"a": {"b": 1}}`), s("a"), s("b")}, "1", ""},
		{"jsonb_extract_path_text", tys(jb, tTxt), []types.Datum{js(`{"a": "x"}`), s("a")}, "x", ""},
		{"jsonb_strip_nulls", tys(jb), []types.Datum{js(`{"a": null, "b": [null, {"c": null}]}`)}, `{"b": [null, {}]}`, ""},
	})
}

func TestJSONBuilders(t *testing.T) {
	ia := types.ArrayOf(types.Int4)
	runCases(t, nil, []evalCase{
		{"jsonb_build_object", tys(tUnk, tUnk, tInt, tInt), []types.Datum{s("a"), null, i(1), i(2)}, `{"1": 2, "a": null}`, ""},
		{"jsonb_build_object", tys(tUnk, tInt, tUnk, tInt, tUnk, tInt), []types.Datum{s("b"), i(1), s("a"), i(2), s("aa"), i(3)}, `{"a": 2, "b": 1, "aa": 3}`, ""},
		{"jsonb_build_object", tys(tUnk, tInt), []types.Datum{null, i(1)}, "", paramErr},
		{"jsonb_build_object", tys(tUnk), []types.Datum{s("a")}, "", paramErr},
		{"jsonb_build_object", nil, nil, "{}", ""},
		{"json_build_object", tys(tUnk, tInt, tUnk, ia), []types.Datum{s("a"), i(1), s("b"), arr(i(1), i(2))}, `{"a" : 1, "b" : [1,2]}`, ""},
		{"json_build_array", tys(tInt, tUnk, tUnk), []types.Datum{i(1), s("x"), null}, `[1, "x", null]`, ""},
		{"jsonb_build_array", tys(tInt, tUnk, types.TBool), []types.Datum{i(1), s("x"), b(false)}, `[1, "x", false]`, ""},
		{"to_jsonb", tys(types.TBool), []types.Datum{b(true)}, "true", ""},
		{"to_jsonb", tys(tNum), []types.Datum{n("1.50")}, "1.50", ""},
		{"to_jsonb", tys(tF8), []types.Datum{f(1e20)}, "100000000000000000000", ""},
		{"to_jsonb", tys(tF8), []types.Datum{f(math.NaN())}, `"NaN"`, ""},
		{"to_jsonb", tys(tTxt), []types.Datum{s("a\"b\x01")}, `"a\"b\u0001"`, ""},
		{"to_jsonb", tys(tTs), []types.Datum{tsd("2020-01-01 10:00")}, `"2020-01-01T10:00:00"`, ""},
		{"to_jsonb", tys(tTsz), []types.Datum{tstz("2020-01-01 10:00:00.5+02")}, `"2020-01-01T08:00:00.5+00:00"`, ""},
		{"to_jsonb", tys(tDt), []types.Datum{date("2020-01-01")}, `"2020-01-01"`, ""},
		{"to_jsonb", tys(ia), []types.Datum{arr(i(1), null)}, "[1, null]", ""},
		{"to_jsonb", tys(types.TJson), []types.Datum{js(`{"b":1, "a" : [1,2]}`)}, `{"a": [1, 2], "b": 1}`, ""},
		{"to_json", tys(ia), []types.Datum{arr(i(1), i(2))}, "[1,2]", ""},
		{"to_json", tys(tTxt), []types.Datum{s("x")}, `"x"`, ""},
	})
	ny := zoneCtx(t, "America/New_York")
	runCases(t, ny, []evalCase{
		{"to_jsonb", tys(tTsz), []types.Datum{tstz("2020-07-01 12:00Z")}, `"2020-07-01T08:00:00-04:00"`, ""},
	})
}

func TestJSONParseCanonical(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{"b":1, "a": {"x": [1,2.50, "s\u00e9\n"]}}`, `{"a": {"x": [1, 2.50, "sé\n"]}, "b": 1}`},
		{`{"a":1,"a":2}`, `{"a": 2}`},
		{`[1e2, -0, 1.5e-1, 1.0E1]`, `[100, 0, 0.15, 10]`},
		{`"\ud83d\ude00"`, `"😀"`},
		{` { } `, `{}`},
		{`[]`, `[]`},
	} {
		nd, err := parseJSONB(c.in)
		if err != nil {
			t.Errorf("parse %s: %v", c.in, err)
			continue
		}
		if got := string(appendJSONB(nil, nd)); got != c.want {
			t.Errorf("canonical(%s) = %s, want %s", c.in, got, c.want)
		}
	}
	for _, bad := range []string{`{"a"}`, `[1,]`, `tru`, `{"a":1`, `"\u0000"`, "\"\x00\"", "\"a\nb\""} {
		if _, err := parseJSONB(bad); err == nil {
			t.Errorf("parse %s succeeded", bad)
		} else if code := sqlerr.Code(err); code != sqlerr.InvalidTextRepresentation && code != sqlerr.UntranslatableCharacter {
			t.Errorf("parse %s: code %s", bad, code)
		}
	}
}
