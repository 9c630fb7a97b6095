package functions

import (
	"strings"
	"testing"

	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

func typeList(ts []types.Type) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = t.String()
	}
	return strings.Join(parts, ",")
}

func TestResolve(t *testing.T) {
	i2 := types.TInt2
	i8 := types.TInt8
	f4 := types.TFloat4
	vc := types.TVarchar
	bp := types.TBpchar
	for _, c := range []struct {
		name  string
		args  []types.Type
		casts string // the argument casts
		ret   string
	}{
		{"lower", tys(tUnk), "text", "text"},
		{"lower", tys(vc), "text", "text"},
		{"length", tys(tUnk), "text", "integer"},
		{"length", tys(vc), "text", "integer"},
		{"length", tys(bp), "character", "integer"},
		{"+", tys(tInt, tInt), "integer,integer", "integer"},
		{"+", tys(tInt, tNum), "numeric,numeric", "numeric"},
		{"+", tys(tInt, i8), "bigint,bigint", "bigint"},
		{"+", tys(i2, tInt), "integer,integer", "integer"},
		{"+", tys(tInt, tF8), "double precision,double precision", "double precision"},
		{"+", tys(f4, tF8), "real,double precision", "double precision"}, // float48pl
		{"+", tys(f4, tInt), "real,double precision", "double precision"},
		{"+", tys(tNum, tF8), "double precision,double precision", "double precision"},
		{"+", tys(tInt, tUnk), "integer,integer", "integer"},
		{"+", tys(tUnk, tNum), "numeric,numeric", "numeric"},
		{"-", tys(tInt), "integer", "integer"},
		{"^", tys(tInt, tInt), "double precision,double precision", "double precision"},
		{"^", tys(tNum, tInt), "numeric,numeric", "numeric"},
		{"/", tys(tInt, tNum), "numeric,numeric", "numeric"},
		{"||", tys(tUnk, tInt), "text,integer", "text"},
		{"||", tys(tInt, tUnk), "integer,text", "text"},
		{"||", tys(tUnk, tUnk), "text,text", "text"},
		{"||", tys(vc, vc), "text,text", "text"},
		{"||", tys(tTxt, tNum), "text,numeric", "text"},
		{"||", tys(tJb, tJb), "jsonb,jsonb", "jsonb"},
		{"~~", tys(vc, tUnk), "text,text", "boolean"},
		{"+", tys(tDt, tInt), "date,integer", "date"},
		{"+", tys(tDt, tIv), "date,interval", "timestamp without time zone"},
		{"-", tys(tDt, tDt), "date,date", "integer"},
		{"+", tys(tTsz, tIv), "timestamp with time zone,interval", "timestamp with time zone"},
		{"-", tys(tTs, tTs), "timestamp without time zone,timestamp without time zone", "interval"},
		{"-", tys(tTs, tUnk), "timestamp without time zone,timestamp without time zone", "interval"},
		{"date_trunc", tys(tUnk, tDt), "text,timestamp with time zone", "timestamp with time zone"},
		{"date_trunc", tys(tUnk, tTs), "text,timestamp without time zone", "timestamp without time zone"},
		{"extract", tys(tTxt, tDt), "text,date", "numeric"},
		{"date_part", tys(tUnk, tTsz), "text,timestamp with time zone", "double precision"},
		{"round", tys(tInt), "double precision", "double precision"},
		{"round", tys(tNum, tInt), "numeric,integer", "numeric"},
		{"round", tys(tUnk), "double precision", "double precision"},
		{"abs", tys(i2), "smallint", "smallint"},
		{"sqrt", tys(tInt), "double precision", "double precision"},
		{"concat", tys(tUnk, tInt, types.TBool), "text,integer,boolean", "text"},
		{"concat_ws", tys(tUnk, tInt), "text,integer", "text"},
		{"greatest", tys(tInt, tNum, tUnk), "numeric,numeric,numeric", "numeric"},
		{"greatest", tys(tUnk, tUnk), "text,text", "text"},
		{"to_jsonb", tys(tInt), "integer", "jsonb"},
		{"to_jsonb", tys(tUnk), "text", "jsonb"},
		{"array_to_string", tys(types.ArrayOf(types.Int4), tUnk), "integer[],text", "text"},
		{"->", tys(tJb, tUnk), "jsonb,text", "jsonb"},
		{"->", tys(tJb, tInt), "jsonb,integer", "jsonb"},
		{"->>", tys(tJb, tUnk), "jsonb,text", "text"},
		{"#>", tys(tJb, tUnk), "jsonb,text[]", "jsonb"},
		{"now", nil, "", "timestamp with time zone"},
		{"to_char", tys(tInt, tUnk), "integer,text", "text"},
		{"to_char", tys(tTs, tUnk), "timestamp without time zone,text", "text"},
		{"to_timestamp", tys(tInt), "double precision", "timestamp with time zone"},
		{"md5", tys(tUnk), "text", "text"},
		{"substring", tys(tTxt, tInt, tInt), "text,integer,integer", "text"},
		{"position", tys(tUnk, tUnk), "text,text", "integer"},
		{"make_interval", tys(tInt, tInt), "integer,integer", "interval"},
		{"abs", tys(tUnk), "double precision", "double precision"},
		{"+", tys(tTsz, tUnk), "timestamp with time zone,interval", "timestamp with time zone"},
		{"-", tys(tTsz, tUnk), "timestamp with time zone,timestamp with time zone", "interval"},
		{"*", tys(tNum, tIv), "double precision,interval", "interval"},
		{"-", tys(tDt, tIv), "date,interval", "timestamp without time zone"},
		{"greatest", tys(tUnk, tInt), "integer,integer", "integer"},
		{"array_append", tys(types.ArrayOf(types.Int4), tUnk), "integer[],integer", "integer[]"},
	} {
		f, casts, err := Resolve(c.name, c.args)
		if err != nil {
			t.Errorf("Resolve(%s, %s): %v", c.name, typeList(c.args), err)
			continue
		}
		if got := typeList(casts); got != c.casts {
			t.Errorf("Resolve(%s, %s) casts = %s, want %s", c.name, typeList(c.args), got, c.casts)
		}
		if got := f.Ret.String(); got != c.ret {
			t.Errorf("Resolve(%s, %s) returns %s, want %s", c.name, typeList(c.args), got, c.ret)
		}
		if f.RetFunc != nil || f.Eval == nil {
			t.Errorf("Resolve(%s) returned an unbound Func", c.name)
		}
	}
}

func TestResolveErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		args []types.Type
		code string
		msg  string
		hint string
	}{
		{"lower", tys(tInt), sqlerr.UndefinedFunction, "function lower(integer) does not exist",
			"No function matches the given name and argument types. You might need to add explicit type casts."},
		{"no_such_function", tys(tUnk, tF8), sqlerr.UndefinedFunction, "function no_such_function(unknown, double precision) does not exist", ""},
		{"now", tys(tInt), sqlerr.UndefinedFunction, "function now(integer) does not exist", ""},
		{"+", tys(tInt, types.TBool), sqlerr.UndefinedFunction, "operator does not exist: integer + boolean",
			"No operator matches the given name and argument types. You might need to add explicit type casts."},
		{"-", tys(types.TBool), sqlerr.UndefinedFunction, "operator does not exist: - boolean", ""},
		{"||", tys(tInt, tInt), sqlerr.UndefinedFunction, "operator does not exist: integer || integer", ""},
		{"+", tys(tUnk, tUnk), sqlerr.AmbiguousFunction, "operator is not unique: unknown + unknown",
			"Could not choose a best candidate operator. You might need to add explicit type casts."},
		{"-", tys(tUnk), sqlerr.AmbiguousFunction, "operator is not unique: - unknown", ""},
		{"+", tys(tDt, tUnk), sqlerr.AmbiguousFunction, "operator is not unique: date + unknown", ""},
		{"concat", nil, sqlerr.UndefinedFunction, "function concat() does not exist", ""},
		{"sum", tys(tTxt), sqlerr.UndefinedFunction, "function sum(text) does not exist", ""},
		{"sum", tys(tUnk), sqlerr.AmbiguousFunction, "function sum(unknown) is not unique",
			"Could not choose a best candidate function. You might need to add explicit type casts."},
		{"lower", tys(tTArr), sqlerr.UndefinedFunction, "function lower(text[]) does not exist", ""},
	} {
		var err error
		if IsAggregate(c.name) {
			_, _, err = ResolveAggregate(c.name, c.args)
		} else {
			_, _, err = Resolve(c.name, c.args)
		}
		if err == nil {
			t.Errorf("Resolve(%s, %s) succeeded, want %s", c.name, typeList(c.args), c.code)
			continue
		}
		e := sqlerr.As(err)
		if e.Code != c.code || e.Message != c.msg {
			t.Errorf("Resolve(%s, %s) = %s %q, want %s %q", c.name, typeList(c.args), e.Code, e.Message, c.code, c.msg)
		}
		if c.hint != "" && e.Hint != c.hint {
			t.Errorf("Resolve(%s) hint %q, want %q", c.name, e.Hint, c.hint)
		}
	}
}

func TestResolveAggregate(t *testing.T) {
	for _, c := range []struct {
		name  string
		args  []types.Type
		casts string
		ret   string
	}{
		{"count", nil, "", "bigint"},
		{"count", tys(tTxt), "text", "bigint"},
		{"count", tys(tUnk), "text", "bigint"},
		{"sum", tys(tInt), "integer", "bigint"},
		{"sum", tys(types.TInt2), "smallint", "bigint"},
		{"sum", tys(types.TInt8), "bigint", "numeric"},
		{"sum", tys(tNum), "numeric", "numeric"},
		{"sum", tys(types.TFloat4), "real", "real"},
		{"sum", tys(tF8), "double precision", "double precision"},
		{"sum", tys(tIv), "interval", "interval"},
		{"avg", tys(tInt), "integer", "numeric"},
		{"avg", tys(types.TFloat4), "real", "double precision"},
		{"avg", tys(tIv), "interval", "interval"},
		{"min", tys(tTxt), "text", "text"},
		{"max", tys(tTsz), "timestamp with time zone", "timestamp with time zone"},
		{"max", tys(types.TVarchar), "character varying", "character varying"},
		{"max", tys(tUnk), "text", "text"},
		{"array_agg", tys(tInt), "integer", "integer[]"},
		{"string_agg", tys(tTxt, tUnk), "text,text", "text"},
		{"string_agg", tys(types.TVarchar, tUnk), "text,text", "text"},
		{"stddev", tys(tInt), "integer", "numeric"},
		{"stddev", tys(tF8), "double precision", "double precision"},
		{"var_pop", tys(types.TFloat4), "real", "double precision"},
		{"bool_and", tys(types.TBool), "boolean", "boolean"},
		{"every", tys(tUnk), "boolean", "boolean"},
		{"bit_or", tys(tInt), "integer", "integer"},
	} {
		a, casts, err := ResolveAggregate(c.name, c.args)
		if err != nil {
			t.Errorf("ResolveAggregate(%s, %s): %v", c.name, typeList(c.args), err)
			continue
		}
		if got := typeList(casts); got != c.casts {
			t.Errorf("ResolveAggregate(%s, %s) casts = %s, want %s", c.name, typeList(c.args), got, c.casts)
		}
		if got := a.Ret.String(); got != c.ret {
			t.Errorf("ResolveAggregate(%s, %s) returns %s, want %s", c.name, typeList(c.args), got, c.ret)
		}
		if a.New == nil || a.RetFunc != nil {
			t.Errorf("ResolveAggregate(%s) returned an unbound Aggregate", c.name)
		}
	}
	if !IsAggregate("count") || !IsAggregate("pg_catalog.sum") || IsAggregate("lower") {
		t.Error("IsAggregate is wrong")
	}
	if !Exists("lower") || Exists("sum") {
		t.Error("Exists is wrong")
	}
}

func TestResolveBindsPerCallSite(t *testing.T) {
	f1, _, err := Resolve("~~", tys(tTxt, tTxt))
	if err != nil {
		t.Fatal(err)
	}
	f2, _, _ := Resolve("~~", tys(tTxt, tTxt))
	if f1 == f2 {
		t.Fatal("Resolve returned a shared Func for a call-site-bound function")
	}
	ctx := &Context{}
	for _, c := range []struct {
		f       *Func
		s, p    string
		matched bool
	}{{f1, "abc", "a%", true}, {f2, "abc", "%c", true}, {f1, "xbc", "a%", false}, {f2, "abx", "%c", false}} {
		got, err := c.f.Eval(ctx, []types.Datum{s(c.s), s(c.p)})
		if err != nil || got.Bool() != c.matched {
			t.Errorf("%q LIKE %q = %v, %v", c.s, c.p, render(got), err)
		}
	}
}

func TestCallStrictness(t *testing.T) {
	f, _, err := Resolve("lower", tys(tTxt))
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.Call(&Context{}, []types.Datum{null})
	if err != nil || !got.IsNull() {
		t.Errorf("lower(NULL) = %s, %v; want NULL", render(got), err)
	}
	c, _, err := Resolve("concat", tys(tTxt, tTxt))
	if err != nil {
		t.Fatal(err)
	}
	got, err = c.Call(&Context{}, []types.Datum{null, s("x")})
	if err != nil || render(got) != "x" {
		t.Errorf("concat(NULL, 'x') = %s, %v; want x", render(got), err)
	}
}
