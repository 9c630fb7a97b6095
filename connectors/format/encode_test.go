package format

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/sql/types"
)

func TestAppendJSONRow(t *testing.T) {
	env := types.DefaultEnv
	num, err := types.ParseText("12.50", types.TNumeric, env)
	if err != nil {
		t.Fatal(err)
	}
	nan, _ := types.ParseText("NaN", types.TNumeric, env)
	ts, _ := types.ParseText("2026-11-22 09:30:00.5+00", types.TTimestamptz, env)
	lts, _ := types.ParseText("2026-11-22 09:30:00", types.TTimestamp, env)
	date, _ := types.ParseText("2026-11-22", types.TDate, env)
	iv, _ := types.ParseText("1 day 2 hours", types.TInterval, env)
	cols := []connectors.Column{
		{Name: "b", Type: types.TBool}, {Name: "i", Type: types.TInt8}, {Name: "f", Type: types.TFloat8},
		{Name: "inf", Type: types.TFloat4}, {Name: "n", Type: types.TNumeric}, {Name: "nan", Type: types.TNumeric},
		{Name: "s", Type: types.TVarchar}, {Name: "by", Type: types.TBytea}, {Name: "ts", Type: types.TTimestamptz},
		{Name: "lts", Type: types.TTimestamp}, {Name: "d", Type: types.TDate}, {Name: "iv", Type: types.TInterval},
		{Name: "j", Type: types.TJsonb}, {Name: "a", Type: types.Type{ID: types.Array, Elem: types.Int4}}, {Name: "z", Type: types.TText},
	}
	row := types.Row{types.NewBool(true), types.NewInt(-7), types.NewFloat(0.25), types.NewFloat(math.Inf(1)), num, nan,
		types.NewString("a\"b\\c\n\x01é"), types.NewBytes([]byte{0, 1, 255}), ts, lts, date, iv,
		types.NewJSON(`{"k": [1, 2]}`), types.NewArray([]types.Datum{types.NewInt(1), types.Null}), types.Null}
	got := string(AppendJSONRow(nil, cols, row))
	want := `{"b":true,"i":-7,"f":0.25,"inf":"Infinity","n":12.50,"nan":"NaN","s":"a\"b\\c\n\u0001é","by":"AAH/",` +
		`"ts":"2026-11-22 09:30:00.500000Z","lts":"2026-11-22 09:30:00.000000","d":"2026-11-22","iv":"1 day 02:00:00",` +
		`"j":{"k": [1, 2]},"a":[1,null],"z":null}`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if !json.Valid([]byte(got)) {
		t.Fatalf("not valid JSON: %s", got)
	}
	if k := string(AppendJSONColumns(nil, cols, row, []int{1, 6})); k != `{"i":-7,"s":"a\"b\\c\n\u0001é"}` {
		t.Fatalf("key %s", k)
	}
	if s := string(AppendJSONString(nil, "bad\xffutf8")); s != `"bad\ufffdutf8"` {
		t.Fatalf("invalid utf-8: %s", s)
	}
}
