package clients

import (
	"bytes"
	"fmt"
	"reflect"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgtype"
)

// diffValue compares a value a Go driver returned with the expected one,
// type included, and describes the difference ("" when equal). Times are
// equal when they name the same instant; numerics when value and scale
// agree; byte slices by content, an empty slice not being nil (NULL).
func diffValue(got, want any) string {
	if reflect.TypeOf(got) != reflect.TypeOf(want) {
		return fmt.Sprintf("got %T %#v, want %T %#v", got, got, want, want)
	}
	ok := true
	switch w := want.(type) {
	case time.Time:
		ok = got.(time.Time).Equal(w)
	case pgtype.Numeric:
		g := got.(pgtype.Numeric)
		ok = g.Valid == w.Valid && g.NaN == w.NaN && g.InfinityModifier == w.InfinityModifier && g.Exp == w.Exp &&
			(g.Int == nil) == (w.Int == nil) && (g.Int == nil || g.Int.Cmp(w.Int) == 0)
	case []byte:
		g := got.([]byte)
		ok = bytes.Equal(g, w) && (g == nil) == (w == nil)
	default:
		ok = reflect.DeepEqual(got, want)
	}
	if ok {
		return ""
	}
	return fmt.Sprintf("got %T %s, want %s", got, show(got), show(want))
}

// show formats a value for a failure message.
func show(v any) string {
	switch x := v.(type) {
	case time.Time:
		return x.Format(time.RFC3339Nano)
	case pgtype.Numeric:
		if !x.Valid {
			return "NULL numeric"
		}
		return fmt.Sprintf("numeric{Int: %v, Exp: %d}", x.Int, x.Exp)
	case []byte:
		if x == nil {
			return "[]byte(nil)"
		}
		if utf8.Valid(x) && !bytes.ContainsFunc(x, func(r rune) bool { return !unicode.IsPrint(r) }) {
			return fmt.Sprintf("[]byte(%q)", x)
		}
		return fmt.Sprintf("[]byte(0x%x)", x)
	}
	return fmt.Sprintf("%#v", v)
}

// checkRows compares rows of values column by column.
func checkRows(t testingT, what string, cols []string, got, want [][]any) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %d rows, want %d: %v", what, len(got), len(want), got)
		return
	}
	for i := range want {
		if len(got[i]) != len(want[i]) {
			t.Errorf("%s: row %d has %d values, want %d", what, i, len(got[i]), len(want[i]))
			continue
		}
		for j := range want[i] {
			if d := diffValue(got[i][j], want[i][j]); d != "" {
				t.Errorf("%s: row %d column %s: %s", what, i, cols[j], d)
			}
		}
	}
}

// testingT is the part of testing.TB the helpers use.
type testingT interface {
	Helper()
	Errorf(format string, args ...any)
}
