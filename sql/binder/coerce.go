package binder

import (
	"strings"
	"time"

	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/functions"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// isUnknown reports whether e is an untyped literal or parameter.
func isUnknown(e planner.Expr) bool { return e.Type().ID == types.Unknown }

// coerce converts e to t if a cast is allowed in context ctx: untyped
// literals are read as t now (errors point at the literal), unknown
// parameters take type t, constants are cast now, anything else gets a
// Cast node.
func (b *Binder) coerce(e planner.Expr, t types.Type, ctx types.CastContext, loc int32) (planner.Expr, error) {
	from := e.Type()
	if t.ID == types.Unknown {
		return e, nil
	}
	if from == t {
		return e, nil
	}
	switch x := e.(type) {
	case *planner.Param:
		if from.ID == types.Unknown {
			b.Params[x.Idx] = t
			return &planner.Param{Idx: x.Idx, Typ: t}, nil
		}
	case *planner.Const:
		if from.ID == types.Unknown {
			if x.Val.IsNull() {
				return &planner.Const{Val: types.Null, Typ: t}, nil
			}
			if e, ok := relativeTime(x.Val.Str(), t, b.env.TypesEnv()); ok {
				return e, nil
			}
			// An explicit cast reads the literal as the base type, then
			// casts (so 'abcdef'::varchar(3) truncates, as in PostgreSQL).
			base := t
			if ctx == types.CastExplicit {
				base.Mod = 0
			}
			d, err := types.ParseText(x.Val.Str(), base, b.env.TypesEnv())
			if err == nil && base != t {
				d, err = types.Cast(d, base, t, b.env.TypesEnv())
			}
			if err != nil {
				return nil, withPos(err, b.pos(loc))
			}
			return &planner.Const{Val: d, Typ: t}, nil
		}
	}
	if from.SameFamily(t) {
		// Only the typmod differs: a cast applies it (varchar(n), numeric(p,s)).
		if t.Mod == 0 {
			return e, nil
		}
	} else {
		c, ok := types.CastContextOf(from, t)
		if !ok || c > ctx {
			switch ctx {
			case types.CastExplicit:
				return nil, b.errAt(loc, sqlerr.CannotCoerce, "cannot cast type %s to %s", from, t)
			default:
				return nil, b.errAt(loc, sqlerr.DatatypeMismatch, "expression is of type %s but %s is expected", from, t)
			}
		}
	}
	if c, ok := e.(*planner.Const); ok && !from.IsVector() {
		// (A vector cast to an array stays a Cast: see uncastVector.)
		var (
			d   types.Datum
			err error
		)
		if ctx == types.CastAssignment {
			d, err = types.Cast(c.Val, from, types.Type{ID: t.ID, Elem: t.Elem}, b.env.TypesEnv())
			if err == nil {
				d, err = types.ApplyTypmod(d, t)
			}
		} else {
			d, err = types.Cast(c.Val, from, t, b.env.TypesEnv())
		}
		if err != nil {
			return nil, withPos(err, b.pos(loc))
		}
		return &planner.Const{Val: d, Typ: t}, nil
	}
	return &planner.Cast{Arg: e, Typ: t, Assignment: ctx == types.CastAssignment}, nil
}

// relativeTime handles the special date/time inputs that depend on the
// clock ('now', 'today', 'tomorrow', 'yesterday'): they become a call
// evaluated at the transaction's start time.
func relativeTime(s string, t types.Type, env *types.Env) (planner.Expr, bool) {
	word := strings.ToLower(strings.TrimSpace(s))
	var days int64
	switch word {
	case "now":
	case "today":
	case "tomorrow":
		days = 1
	case "yesterday":
		days = -1
	default:
		return nil, false
	}
	switch t.ID {
	case types.Date, types.Timestamp, types.Timestamptz:
	default:
		return nil, false
	}
	fn := &functions.Func{Name: word, Ret: t, Eval: func(ctx *functions.Context, _ []types.Datum) (types.Datum, error) {
		now := types.NewTimestamptz(ctx.TxnTime)
		if word != "now" {
			// Midnight of today in the session time zone, shifted by days.
			loc := ctx.Env.Location()
			tm := time.UnixMicro(ctx.TxnTime).In(loc)
			mid := time.Date(tm.Year(), tm.Month(), tm.Day()+int(days), 0, 0, 0, 0, loc)
			now = types.NewTimestamptz(mid.UnixMicro())
		}
		return types.Cast(now, types.TTimestamptz, t, ctx.Env)
	}}
	return &planner.FuncCall{Fn: fn, Typ: t}, true
}

func withPos(err error, pos int) error {
	e := sqlerr.As(err)
	if e.Position == 0 && pos > 0 {
		return e.WithPosition(pos)
	}
	return e
}

// preferred reports PostgreSQL's preferred type of each category.
func preferred(t types.Type) bool {
	switch t.ID {
	case types.Float8, types.Text, types.Timestamptz, types.Interval, types.Bool, types.Oid:
		return true
	}
	return false
}

func implicitCast(from, to types.Type) bool {
	if from.SameFamily(to) {
		return true
	}
	c, ok := types.CastContextOf(from, to)
	return ok && c == types.CastImplicit
}

// commonType picks the type a set of expressions is converted to (UNION,
// CASE, COALESCE, IN, ARRAY), following PostgreSQL's select_common_type.
// what names the construct for the error message.
func (b *Binder) commonType(es []planner.Expr, what string, loc int32) (types.Type, error) {
	var pt types.Type
	found := false
	sameMod := true
	for _, e := range es {
		t := e.Type()
		if t.ID == types.Unknown {
			// An untyped literal has no typmod: the result keeps none.
			sameMod = false
			continue
		}
		if !found {
			pt, found = t, true
			continue
		}
		if t.ID != pt.ID || t.Mod != pt.Mod {
			sameMod = false
		}
		if t.SameFamily(pt) {
			continue
		}
		if t.Category() != pt.Category() {
			return types.Type{}, b.errAt(loc, sqlerr.DatatypeMismatch, "%s types %s and %s cannot be matched", what, pt, t)
		}
		if !preferred(pt) && implicitCast(pt, t) && !implicitCast(t, pt) {
			pt = t
		}
	}
	if !found {
		return types.TText, nil
	}
	if !sameMod {
		pt.Mod = 0
	}
	return pt, nil
}

// coerceAll converts every expression to t (implicitly).
func (b *Binder) coerceAll(es []planner.Expr, t types.Type, loc int32) ([]planner.Expr, error) {
	out := make([]planner.Expr, len(es))
	for i, e := range es {
		c, err := b.coerce(e, t, types.CastImplicit, loc)
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

// comparable brings two operands of a comparison to one type, as
// PostgreSQL's operator resolution would for =, <, etc.
func (b *Binder) comparable(l, r planner.Expr, op string, loc int32) (planner.Expr, planner.Expr, error) {
	lt, rt := l.Type(), r.Type()
	switch {
	case lt.ID == types.Unknown && rt.ID == types.Unknown:
		t := types.TText
		var err error
		if l, err = b.coerce(l, t, types.CastImplicit, loc); err != nil {
			return nil, nil, err
		}
		r, err = b.coerce(r, t, types.CastImplicit, loc)
		return l, r, err
	case lt.ID == types.Unknown:
		c, err := b.coerce(l, sansMod(rt), types.CastImplicit, loc)
		return c, r, err
	case rt.ID == types.Unknown:
		c, err := b.coerce(r, sansMod(lt), types.CastImplicit, loc)
		return l, c, err
	case lt.SameFamily(rt):
		return l, r, nil
	case lt.IsString() && rt.IsString():
		// varchar = text and the like resolve to text's operators.
		var err error
		if l, err = b.coerce(l, types.TText, types.CastImplicit, loc); err != nil {
			return nil, nil, err
		}
		r, err = b.coerce(r, types.TText, types.CastImplicit, loc)
		return l, r, err
	}
	// Narrow an integer constant to the other side's integer type when it
	// fits, so that `int4col = 5::int8` still compares on int4 (and can
	// use the key).
	if nl, nr, ok := narrowIntConst(l, r); ok {
		return nl, nr, nil
	}
	if lt.Category() != rt.Category() && !(lt.IsString() && rt.IsString()) {
		if !implicitCast(lt, rt) && !implicitCast(rt, lt) {
			return nil, nil, b.errAt(loc, sqlerr.UndefinedFunction, "operator does not exist: %s %s %s", lt, op, rt).
				WithHint("No operator matches the given name and argument types. You might need to add explicit type casts.")
		}
	}
	t, err := b.commonType([]planner.Expr{l, r}, "argument", loc)
	if err != nil {
		if implicitCast(lt, rt) {
			t = rt
		} else if implicitCast(rt, lt) {
			t = lt
		} else {
			return nil, nil, b.errAt(loc, sqlerr.UndefinedFunction, "operator does not exist: %s %s %s", lt, op, rt).
				WithHint("No operator matches the given name and argument types. You might need to add explicit type casts.")
		}
	}
	t = sansMod(t)
	if l, err = b.coerce(l, t, types.CastImplicit, loc); err != nil {
		return nil, nil, err
	}
	r, err = b.coerce(r, t, types.CastImplicit, loc)
	return l, r, err
}

func sansMod(t types.Type) types.Type {
	t.Mod = 0
	return t
}

func narrowIntConst(l, r planner.Expr) (planner.Expr, planner.Expr, bool) {
	lt, rt := l.Type(), r.Type()
	if !lt.IsInteger() || !rt.IsInteger() {
		return nil, nil, false
	}
	fits := func(v int64, t types.Type) bool {
		switch t.ID {
		case types.Int2:
			return v >= -1<<15 && v < 1<<15
		case types.Int4:
			return v >= -1<<31 && v < 1<<31
		}
		return true
	}
	if c, ok := r.(*planner.Const); ok && !c.Val.IsNull() && fits(c.Val.Int(), lt) {
		return l, &planner.Const{Val: c.Val, Typ: lt}, true
	}
	if c, ok := l.(*planner.Const); ok && !c.Val.IsNull() && fits(c.Val.Int(), rt) {
		return &planner.Const{Val: c.Val, Typ: rt}, r, true
	}
	return nil, nil, false
}
