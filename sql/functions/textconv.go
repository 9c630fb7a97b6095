package functions

import (
	"strconv"

	"github.com/eddy-db/eddy/sql/types"
)

// outputText is a value's output-function text (what concat, format and
// array_to_string print): booleans are "t"/"f", char(n) keeps its padding.
func outputText(d types.Datum, t types.Type, env *types.Env) string {
	switch d.Kind() {
	case types.KString:
		return d.Str()
	case types.KInt:
		if t.IsInteger() || t.ID == types.Unknown {
			return strconv.FormatInt(d.Int(), 10)
		}
	case types.KBool:
		if d.Bool() {
			return "t"
		}
		return "f"
	}
	return string(types.AppendText(nil, d, t, env))
}

// castText is a value cast to text (what text || anynonarray uses):
// booleans are "true"/"false", char(n) loses its trailing blanks.
func castText(d types.Datum, t types.Type, env *types.Env) (string, error) {
	switch d.Kind() {
	case types.KString:
		if t.ID == types.Bpchar {
			return trimRightSpaces(d.Str()), nil
		}
		return d.Str(), nil
	case types.KInt:
		if t.IsInteger() {
			return strconv.FormatInt(d.Int(), 10), nil
		}
	case types.KBool:
		if d.Bool() {
			return "true", nil
		}
		return "false", nil
	}
	r, err := types.Cast(d, t, types.TText, env)
	if err != nil {
		return "", err
	}
	return r.Str(), nil
}

func trimRightSpaces(s string) string {
	i := len(s)
	for i > 0 && s[i-1] == ' ' {
		i--
	}
	return s[:i]
}

func envOf(ctx *Context) *types.Env {
	if ctx == nil {
		return nil
	}
	return ctx.Env
}
