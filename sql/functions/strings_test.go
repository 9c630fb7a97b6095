package functions

import (
	"fmt"
	"testing"

	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// Expected values checked against PostgreSQL 15 (UTF-8 database).
func TestStringFunctions(t *testing.T) {
	i4 := types.TInt4
	runCases(t, nil, []evalCase{
		{"lower", T1, []types.Datum{s("ÀBC")}, "àbc", ""},
		{"upper", T1, []types.Datum{s("straße")}, "STRAßE", ""},
		{"initcap", T1, []types.Datum{s("hello wORLD-foo_bar 3rd")}, "Hello World-Foo_Bar 3rd", ""},
		{"length", T1, []types.Datum{s("héllo")}, "5", ""},
		{"char_length", T1, []types.Datum{s("héllo")}, "5", ""},
		{"length", tys(types.TBpchar), []types.Datum{s("ab  ")}, "2", ""},
		{"octet_length", T1, []types.Datum{s("héllo")}, "6", ""},
		{"bit_length", T1, []types.Datum{s("ab")}, "16", ""},
		{"substr", tys(tTxt, i4, i4), []types.Datum{s("héllo"), i(2), i(3)}, "éll", ""},
		{"substr", tys(tTxt, i4), []types.Datum{s("hello"), i(3)}, "llo", ""},
		{"substring", tys(tTxt, i4), []types.Datum{s("hello"), i(-1)}, "hello", ""},
		{"substr", tys(tTxt, i4, i4), []types.Datum{s("hello"), i(0), i(3)}, "he", ""},
		{"substr", tys(tTxt, i4, i4), []types.Datum{s("hello"), i(-5), i(7)}, "h", ""},
		{"substr", tys(tTxt, i4, i4), []types.Datum{s("hello"), i(2), i(0)}, "", ""},
		{"substr", tys(tTxt, i4, i4), []types.Datum{s("hello"), i(1), i(-1)}, "", codeSubstring},
		{"position", T2, []types.Datum{s("hello"), s("lo")}, "4", ""},
		{"position", T2, []types.Datum{s("abc"), s("")}, "1", ""},
		{"strpos", T2, []types.Datum{s("héllo"), s("l")}, "3", ""},
		{"strpos", T2, []types.Datum{s("abc"), s("z")}, "0", ""},
		{"left", tys(tTxt, i4), []types.Datum{s("abc"), i(-1)}, "ab", ""},
		{"left", tys(tTxt, i4), []types.Datum{s("héllo"), i(2)}, "hé", ""},
		{"right", tys(tTxt, i4), []types.Datum{s("abc"), i(-1)}, "bc", ""},
		{"right", tys(tTxt, i4), []types.Datum{s("abc"), i(5)}, "abc", ""},
		{"btrim", T1, []types.Datum{s("  x  ")}, "x", ""},
		{"ltrim", T2, []types.Datum{s("xxyx"), s("x")}, "yx", ""},
		{"rtrim", T2, []types.Datum{s("abcbb"), s("b")}, "abc", ""},
		{"btrim", T2, []types.Datum{s("xyabcyx"), s("xy")}, "abc", ""},
		{"lpad", tys(tTxt, i4), []types.Datum{s("hello"), i(3)}, "hel", ""},
		{"lpad", tys(tTxt, i4), []types.Datum{s("hi"), i(5)}, "   hi", ""},
		{"lpad", tys(tTxt, i4, tTxt), []types.Datum{s("hi"), i(5), s("xy")}, "xyxhi", ""},
		{"rpad", tys(tTxt, i4, tTxt), []types.Datum{s("hi"), i(5), s("ab")}, "hiaba", ""},
		{"rpad", tys(tTxt, i4), []types.Datum{s("hello"), i(3)}, "hel", ""},
		{"lpad", tys(tTxt, i4), []types.Datum{s("hi"), i(-1)}, "", ""},
		{"repeat", tys(tTxt, i4), []types.Datum{s("ab"), i(3)}, "ababab", ""},
		{"repeat", tys(tTxt, i4), []types.Datum{s("x"), i(-1)}, "", ""},
		{"repeat", tys(tTxt, i4), []types.Datum{s("abcdefgh"), i(1 << 30)}, "", sqlerr.ProgramLimitExceeded},
		{"replace", T3, []types.Datum{s("abcabc"), s("b"), s("XY")}, "aXYcaXYc", ""},
		{"replace", T3, []types.Datum{s("abc"), s(""), s("X")}, "abc", ""},
		{"reverse", T1, []types.Datum{s("héllo")}, "olléh", ""},
		{"split_part", tys(tTxt, tTxt, i4), []types.Datum{s("a,b,c"), s(","), i(2)}, "b", ""},
		{"split_part", tys(tTxt, tTxt, i4), []types.Datum{s("a,b,c"), s(","), i(4)}, "", ""},
		{"split_part", tys(tTxt, tTxt, i4), []types.Datum{s("a,b,c"), s(","), i(-1)}, "c", ""},
		{"split_part", tys(tTxt, tTxt, i4), []types.Datum{s("a,b,c"), s(","), i(-4)}, "", ""},
		{"split_part", tys(tTxt, tTxt, i4), []types.Datum{s("a"), s(","), i(0)}, "", paramErr},
		{"starts_with", T2, []types.Datum{s("abc"), s("ab")}, "t", ""},
		{"translate", T3, []types.Datum{s("hello"), s("el"), s("E")}, "hEo", ""},
		{"overlay", tys(tTxt, tTxt, i4), []types.Datum{s("Txxxxas"), s("hom"), i(2)}, "Thomxas", ""},
		{"overlay", tys(tTxt, tTxt, i4, i4), []types.Datum{s("Txxxxas"), s("hom"), i(2), i(4)}, "Thomas", ""},
		{"overlay", tys(tTxt, tTxt, i4, i4), []types.Datum{s("abc"), s("X"), i(0), i(1)}, "", codeSubstring},
		{"translate", T3, []types.Datum{s("12345"), s("143"), s("ax")}, "a2x5", ""},
		{"ascii", T1, []types.Datum{s("é")}, "233", ""},
		{"ascii", T1, []types.Datum{s("")}, "0", ""},
		{"chr", tys(i4), []types.Datum{i(233)}, "é", ""},
		{"chr", tys(i4), []types.Datum{i(0)}, "", sqlerr.ProgramLimitExceeded},
		{"chr", tys(i4), []types.Datum{i(-1)}, "", sqlerr.ProgramLimitExceeded},
		{"chr", tys(i4), []types.Datum{i(1114112)}, "", sqlerr.ProgramLimitExceeded},
		{"chr", tys(i4), []types.Datum{i(55296)}, "", sqlerr.ProgramLimitExceeded},
		{"md5", T1, []types.Datum{s("abc")}, "900150983cd24fb0d6963f7d28e17f72", ""},
		{"md5", tys(types.TBytea), []types.Datum{types.NewBytesString("hello")}, "5d41402abc4b2a76b9719d911017c592", ""},
		{"sha256", tys(types.TBytea), []types.Datum{types.NewBytesString("abc")}, `\xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad`, ""},
		{"encode", tys(types.TBytea, tTxt), []types.Datum{types.NewBytesString("abc"), s("hex")}, "616263", ""},
		{"encode", tys(types.TBytea, tTxt), []types.Datum{types.NewBytesString("hello"), s("base64")}, "aGVsbG8=", ""},
		{"encode", tys(types.TBytea, tTxt), []types.Datum{types.NewBytesString("a\\b\x01\x00"), s("escape")}, "a\\\\b\x01\\000", ""},
		{"decode", T2, []types.Datum{s("616263"), s("hex")}, `\x616263`, ""},
		{"decode", T2, []types.Datum{s("aGVsbG8="), s("base64")}, `\x68656c6c6f`, ""},
		{"to_hex", tys(i4), []types.Datum{i(-1)}, "ffffffff", ""},
		{"to_hex", tys(types.TInt8), []types.Datum{i(-1)}, "ffffffffffffffff", ""},
		{"to_hex", tys(i4), []types.Datum{i(2147483647)}, "7fffffff", ""},
		{"||", T2, []types.Datum{s("a"), s("b")}, "ab", ""},
		{"||", tys(tUnk, tInt), []types.Datum{s("a"), i(1)}, "a1", ""},
		{"||", tys(tInt, tUnk), []types.Datum{i(1), s("a")}, "1a", ""},
		{"||", tys(tUnk, types.TBool), []types.Datum{s("a"), b(true)}, "atrue", ""},
		{"||", tys(tUnk, tInt), []types.Datum{s("a"), null}, "NULL", ""},
		{"quote_ident", T1, []types.Datum{s("Foo")}, `"Foo"`, ""},
		{"quote_ident", T1, []types.Datum{s("foo")}, "foo", ""},
		{"quote_ident", T1, []types.Datum{s("select")}, `"select"`, ""},
		{"quote_ident", T1, []types.Datum{s("a b")}, `"a b"`, ""},
		{"quote_ident", T1, []types.Datum{s(`a"b`)}, `"a""b"`, ""},
		{"quote_literal", T1, []types.Datum{s(`a\b'c`)}, `E'a\\b''c'`, ""},
		{"quote_literal", tys(tInt), []types.Datum{i(42)}, `'42'`, ""},
		{"quote_nullable", tys(tInt), []types.Datum{null}, "NULL", ""},
		{"quote_nullable", T1, []types.Datum{s("x")}, "'x'", ""},
		{"concat", tys(tUnk, tUnk, tInt, types.TBool), []types.Datum{s("a"), null, i(1), b(true)}, "a1t", ""},
		{"concat", tys(tUnk), []types.Datum{null}, "", ""},
		{"concat_ws", tys(tUnk, tUnk, tUnk, tUnk), []types.Datum{s("-"), s("a"), null, s("b")}, "a-b", ""},
		{"concat_ws", tys(tUnk, tUnk), []types.Datum{null, s("a")}, "NULL", ""},
		{"format", tys(tUnk, tUnk, tUnk, tUnk, tUnk), []types.Datum{s("%s|%I|%L|%L|%%"), s("x"), s("y z"), null, s("it's")}, `x|"y z"|NULL|'it''s'|%`, ""},
		{"format", tys(tUnk, tUnk, tUnk), []types.Datum{s("%2$s %1$s %s"), s("a"), s("b")}, "b a b", ""},
		{"format", tys(tUnk, tUnk, tUnk, tUnk), []types.Datum{s("[%5s|%-5s|%s]"), s("ab"), s("cd"), null}, "[   ab|cd   |]", ""},
		{"format", tys(tUnk, tInt, tUnk), []types.Datum{s("%*s|"), i(4), s("x")}, "   x|", ""},
		{"format", tys(tUnk, tInt, tUnk), []types.Datum{s("%-*s|"), i(4), s("x")}, "x   |", ""},
		{"format", tys(tUnk, tUnk), []types.Datum{s("%s %s"), s("a")}, "", paramErr},
		{"format", tys(tUnk, tInt), []types.Datum{s("%x"), i(1)}, "", paramErr},
		{"format", tys(tUnk, tUnk), []types.Datum{s("%I"), null}, "", sqlerr.NullValueNotAllowed},
		{"format", tys(tUnk), []types.Datum{s("100%%")}, "100%", ""},
	})
}

func TestLike(t *testing.T) {
	for _, c := range []struct {
		s, p string
		ci   bool
		want bool
	}{
		{"abc", "a%", false, true},
		{"abc", "_b_", false, true},
		{"abc", "a_", false, false},
		{"a%c", `a\%c`, false, true},
		{"abc", `a\%c`, false, false},
		{"ABC", "a%c", true, true},
		{"héllo", "h_llo", false, true},
		{"héllo", "HÉ%", true, true},
		{"aXbXc", "%X%X%", false, true},
		{"mississippi", "%iss%ppi", false, true},
		{"mississippi", "%iss%iss%", false, true},
		{"mississippi", "m%s_i%i", false, true},
		{"abc", "", false, false},
		{"", "%", false, true},
		{"ab", "a__", false, false},
		{"a", "%%a%%", false, true},
		{"xyz", "%y", false, false},
		{"abcabd", "%ab_", false, true},
		{"abcabd", "%abc", false, false},
		{"a_b", `a\_b`, false, true},
		{"axb", `a\_b`, false, false},
		{`a\b`, `a\\b`, false, true},
	} {
		op := "~~"
		if c.ci {
			op = "~~*"
		}
		got, err := call(nil, op, T2, s(c.s), s(c.p))
		if err != nil || got.Bool() != c.want {
			t.Errorf("%q %s %q = %s, %v; want %v", c.s, op, c.p, render(got), err, c.want)
		}
		neg, _ := call(nil, "!"+op, T2, s(c.s), s(c.p))
		if neg.Bool() == c.want {
			t.Errorf("%q !%s %q = %s", c.s, op, c.p, render(neg))
		}
	}
	runCases(t, nil, []evalCase{
		{"~~", T2, []types.Datum{s("abc"), s(`ab\`)}, "", sqlerr.InvalidEscapeSequence},
		{"like_escape", T2, []types.Datum{s("a%b!%"), s("!")}, `a%b\%`, ""},
		{"like_escape", T2, []types.Datum{s(`a\b`), s("")}, `a\\b`, ""},
		{"like_escape", T2, []types.Datum{s("a"), s("ab")}, "", sqlerr.InvalidEscapeSequence},
	})
}

func TestLikeSiteMemoAndCache(t *testing.T) {
	f, _, err := Resolve("~~", T2)
	if err != nil {
		t.Fatal(err)
	}
	ctx := &Context{}
	// Many distinct patterns through one call site: each must still match
	// correctly (the per-site memo and the bounded shared cache rotate).
	for k := 0; k < 600; k++ {
		p := fmt.Sprintf("%%x%d", k)
		got, err := f.Eval(ctx, []types.Datum{s(fmt.Sprintf("ax%d", k)), s(p)})
		if err != nil || !got.Bool() {
			t.Fatalf("pattern %q: %s %v", p, render(got), err)
		}
	}
	if n := len(likeCache.m); n > patternCacheSize {
		t.Errorf("pattern cache holds %d entries, bound is %d", n, patternCacheSize)
	}
}

func TestRegex(t *testing.T) {
	runCases(t, nil, []evalCase{
		{"~", T2, []types.Datum{s("abc"), s("b")}, "t", ""},
		{"~", T2, []types.Datum{s("abc"), s("^B")}, "f", ""},
		{"~*", T2, []types.Datum{s("abc"), s("^A")}, "t", ""},
		{"!~", T2, []types.Datum{s("abc"), s("z")}, "t", ""},
		{"!~*", T2, []types.Datum{s("abc"), s("B")}, "f", ""},
		{"~", T2, []types.Datum{s("a\nb"), s("a.b")}, "t", ""},
		{"~", T2, []types.Datum{s("a"), s("(")}, "", sqlerr.InvalidRegularExpression},
		{"regexp_replace", T3, []types.Datum{s("Thomas"), s(".[mN]a."), s("M")}, "ThM", ""},
		{"regexp_replace", tys(tTxt, tTxt, tTxt, tTxt), []types.Datum{s("foobarbaz"), s("b(..)"), s(`X\1Y`), s("g")}, "fooXarYXazY", ""},
		{"regexp_replace", tys(tTxt, tTxt, tTxt, tTxt), []types.Datum{s("aXbX"), s("x"), s("-"), s("gi")}, "a-b-", ""},
		{"regexp_replace", T3, []types.Datum{s("abc"), s("(b)"), s(`[\2\1\&\x\\]`)}, `a[bb\x\]c`, ""},
		{"regexp_replace", tys(tTxt, tTxt, tTxt, tTxt), []types.Datum{s("abc"), s("b"), s("x"), s("z")}, "", paramErr},
		{"regexp_match", T2, []types.Datum{s("foobar"), s("(o+)(b)")}, "{oo,b}", ""},
		{"regexp_match", T2, []types.Datum{s("foobar"), s("ob")}, "{ob}", ""},
		{"regexp_match", T2, []types.Datum{s("foobar"), s("o(b)?(z)?")}, "{NULL,NULL}", ""},
		{"regexp_match", T2, []types.Datum{s("foobar"), s("z")}, "NULL", ""},
		{"regexp_like", T3, []types.Datum{s("Hello"), s("hello"), s("i")}, "t", ""},
		{"regexp_count", T2, []types.Datum{s("ababab"), s("ab")}, "3", ""},
		{"regexp_split_to_array", T2, []types.Datum{s("hello world"), s(`\s+`)}, "{hello,world}", ""},
		{"regexp_split_to_array", T2, []types.Datum{s("hello"), s("")}, "{h,e,l,l,o}", ""},
		{"substring", T2, []types.Datum{s("foobar"), s("o(.)b")}, "o", ""},
		{"substring", T2, []types.Datum{s("foobar"), s("z")}, "NULL", ""},
	})
}

func TestArrayFunctions(t *testing.T) {
	ia := types.ArrayOf(types.Int4)
	runCases(t, nil, []evalCase{
		{"string_to_array", T2, []types.Datum{s("a,b,,c"), s(",")}, "{a,b,,c}", ""},
		{"string_to_array", T2, []types.Datum{s("abc"), null}, "{a,b,c}", ""},
		{"string_to_array", T2, []types.Datum{s("abc"), s("")}, "{abc}", ""},
		{"string_to_array", T2, []types.Datum{s(""), s(",")}, "{}", ""},
		{"string_to_array", T2, []types.Datum{null, s(",")}, "NULL", ""},
		{"string_to_array", T3, []types.Datum{s("a,NULL,b"), s(","), s("NULL")}, "{a,NULL,b}", ""},
		{"array_to_string", tys(ia, tTxt), []types.Datum{arr(i(1), null, i(3)), s(",")}, "1,3", ""},
		{"array_to_string", tys(ia, tTxt, tTxt), []types.Datum{arr(i(1), null, i(3)), s(","), s("*")}, "1,*,3", ""},
		{"array_to_string", tys(types.ArrayOf(types.Bool), tTxt), []types.Datum{arr(b(true), b(false)), s(",")}, "t,f", ""},
		{"array_length", tys(ia, tInt), []types.Datum{arr(i(1), i(2)), i(1)}, "2", ""},
		{"array_length", tys(ia, tInt), []types.Datum{arr(), i(1)}, "NULL", ""},
		{"cardinality", tys(ia), []types.Datum{arr(i(1), i(2), i(3))}, "3", ""},
		{"array_append", tys(ia, tInt), []types.Datum{arr(i(1)), i(2)}, "{1,2}", ""},
		{"||", tys(ia, tInt), []types.Datum{arr(i(1), i(2)), i(3)}, "{1,2,3}", ""},
		{"||", tys(tInt, ia), []types.Datum{i(0), arr(i(1))}, "{0,1}", ""},
		{"||", tys(ia, ia), []types.Datum{arr(i(1)), arr(i(2), i(3))}, "{1,2,3}", ""},
		{"array_position", tys(tTArr, tTxt), []types.Datum{arr(s("a"), s("b")), s("b")}, "2", ""},
		{"array_remove", tys(ia, tInt), []types.Datum{arr(i(1), i(2), i(1)), i(1)}, "{2}", ""},
		{"@>", tys(ia, ia), []types.Datum{arr(i(1), i(2), i(3)), arr(i(2))}, "t", ""},
		{"&&", tys(ia, ia), []types.Datum{arr(i(1), i(2)), arr(i(3))}, "f", ""},
	})
	// '{1}' || 1 is text concatenation in PostgreSQL.
	f, casts, err := Resolve("||", tys(tUnk, tInt))
	if err != nil || f.Ret.ID != types.Text || casts[0].ID != types.Text {
		t.Errorf("Resolve('{1}' || 1) = %v %v %v", f, casts, err)
	}
}
