package functions

import (
	"strings"

	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// Resolve chooses the overload of a function or operator for the given
// argument types, following PostgreSQL's rules (func_select_candidate):
//
//  1. a candidate whose parameters equal the argument types wins;
//  2. for a binary operator with one untyped argument, the candidate
//     taking the known type on both sides wins;
//  3. otherwise the candidates every argument reaches by an implicit cast
//     (an untyped literal reaches anything) are kept; among them those
//     with the most exact matches, then the most preferred types (float8,
//     text, timestamptz, interval, bool, oid) of each argument's category,
//     then those whose parameters at untyped positions are of string
//     category (else of the one category all candidates agree on); finally
//     untyped arguments are taken to have the type of the known ones.
//
// args may contain types.TUnknown for untyped literals and NULLs. It
// returns a Func bound to this call (Ret concrete) and, per argument, the
// type the binder must cast it to (untyped arguments at polymorphic or
// "any" positions become text).
//
// Errors: 42883 "function lower(integer) does not exist" / "operator does
// not exist: integer + boolean" when nothing matches, 42725 when several
// candidates remain.
func Resolve(name string, args []types.Type) (*Func, []types.Type, error) {
	name = normName(name)
	cands := funcs[name]
	params := make([]paramList, len(cands))
	for i, f := range cands {
		params[i] = paramList{args: f.Args, variadic: f.Variadic}
	}
	idx, casts, err := choose(name, params, args, isOperatorName(name))
	if err != nil {
		return nil, nil, err
	}
	g := *cands[idx]
	g.Ret = resultType(g.Ret, g.RetFunc, params[idx], args, casts)
	g.RetFunc = nil
	if g.bind != nil {
		g.Eval = g.bind(casts)
		g.bind = nil
	}
	return &g, casts, nil
}

// ResolveAggregate chooses the overload of an aggregate as Resolve does
// for functions. count(*) is ResolveAggregate("count", nil).
func ResolveAggregate(name string, args []types.Type) (*Aggregate, []types.Type, error) {
	name = normName(name)
	cands := aggs[name]
	params := make([]paramList, len(cands))
	for i, a := range cands {
		params[i] = paramList{args: a.Args}
	}
	idx, casts, err := choose(name, params, args, false)
	if err != nil {
		return nil, nil, err
	}
	a := *cands[idx]
	a.Ret = resultType(a.Ret, a.RetFunc, params[idx], args, casts)
	a.RetFunc = nil
	if a.bind != nil {
		a.New = a.bind(casts)
		a.bind = nil
	}
	return &a, casts, nil
}

type paramList struct {
	args     []types.Type
	variadic bool
}

// expand returns the parameter types for n arguments, or nil when the
// candidate does not take n arguments (a candidate taking none gets an
// empty, non-nil list).
func (p paramList) expand(n int) []types.Type {
	if !p.variadic {
		if len(p.args) != n {
			return nil
		}
		if p.args == nil {
			return []types.Type{}
		}
		return p.args
	}
	if n < len(p.args) {
		return nil
	}
	out := make([]types.Type, n)
	copy(out, p.args)
	last := p.args[len(p.args)-1]
	for i := len(p.args); i < n; i++ {
		out[i] = last
	}
	return out
}

// resultType computes the concrete result type of a resolved call.
func resultType(ret types.Type, retFunc func([]types.Type) types.Type, p paramList, args, casts []types.Type) types.Type {
	if retFunc != nil {
		return retFunc(casts)
	}
	if !IsPolymorphic(ret) {
		return ret
	}
	b := bindPoly(p.expand(len(args)), args)
	switch ret.Mod {
	case pAnyElement, pAnyNonArray:
		return b.elem
	case pAnyArray:
		return types.ArrayOf(b.elem.ID)
	case pAnyCompatible:
		return b.compat
	}
	return types.TText
}

func sameType(a, b types.Type) bool { return a.ID == b.ID && a.Elem == b.Elem }

func choose(name string, cands []paramList, args []types.Type, isOp bool) (int, []types.Type, error) {
	n := len(args)
	expanded := make([][]types.Type, len(cands))
	for i, c := range cands {
		expanded[i] = c.expand(n)
	}

	// 1. Exact match (no untyped arguments, no polymorphic parameters).
	for i, ps := range expanded {
		if ps != nil && exactMatch(ps, args) {
			return i, castsFor(ps, args), nil
		}
	}
	// 2. A binary operator with one untyped side: try the known type on
	// both sides (binary_oper_exact).
	if isOp && n == 2 {
		known := types.TUnknown
		switch {
		case args[0].ID == types.Unknown && args[1].ID != types.Unknown:
			known = args[1]
		case args[1].ID == types.Unknown && args[0].ID != types.Unknown:
			known = args[0]
		}
		if known.ID != types.Unknown {
			try := []types.Type{known, known}
			for i, ps := range expanded {
				if ps != nil && exactMatch(ps, try) {
					return i, castsFor(ps, args), nil
				}
			}
		}
	}
	// 3. Candidates reachable by implicit casts.
	var live []int
	for i, ps := range expanded {
		if ps != nil && coercible(ps, args) {
			live = append(live, i)
		}
	}
	if len(live) == 0 {
		return 0, nil, notFound(name, args, isOp)
	}
	if len(live) > 1 {
		live = selectCandidate(live, expanded, args)
	}
	if len(live) != 1 {
		return 0, nil, notUnique(name, args, isOp)
	}
	i := live[0]
	return i, castsFor(expanded[i], args), nil
}

func exactMatch(ps, args []types.Type) bool {
	for i, a := range args {
		if a.ID == types.Unknown || IsPolymorphic(ps[i]) || !sameType(ps[i], a) {
			return false
		}
	}
	return true
}

// implicitCast reports whether a value of type from may be passed where to
// is expected without an explicit cast.
func implicitCast(from, to types.Type) bool {
	if from.ID == types.Unknown || sameType(from, to) {
		return true
	}
	c, ok := types.CastContextOf(types.Type{ID: from.ID, Elem: from.Elem}, types.Type{ID: to.ID, Elem: to.Elem})
	return ok && c == types.CastImplicit
}

func coercible(ps, args []types.Type) bool {
	poly := false
	for i, a := range args {
		p := ps[i]
		if IsPolymorphic(p) {
			poly = true
			if a.ID == types.Unknown {
				continue
			}
			switch p.Mod {
			case pAnyArray:
				if !a.IsArray() && !a.IsVector() {
					return false
				}
			case pAnyNonArray:
				if a.IsArray() || a.IsVector() {
					return false
				}
			}
			if a.ID == types.Void {
				return false
			}
			continue
		}
		if !implicitCast(a, p) {
			return false
		}
	}
	if poly {
		return bindPoly(ps, args).ok
	}
	return true
}

// polyBinding is the resolution of a candidate's polymorphic parameters.
type polyBinding struct {
	ok     bool
	elem   types.Type // anyelement / element of anyarray
	compat types.Type // anycompatible
}

// bindPoly checks that the polymorphic parameters of a candidate agree
// (check_generic_type_consistency) and resolves them; untyped arguments
// resolve to text.
func bindPoly(ps, args []types.Type) polyBinding {
	b := polyBinding{ok: true}
	var compat []types.Type
	haveElem := false
	nonArray := false
	for i, a := range args {
		p := ps[i]
		if !IsPolymorphic(p) || a.ID == types.Unknown {
			if IsPolymorphic(p) && p.Mod == pAnyNonArray {
				nonArray = true
			}
			continue
		}
		var e types.Type
		switch p.Mod {
		case pAnyElement:
			e = a
		case pAnyNonArray:
			e = a
			nonArray = true
		case pAnyArray:
			e = a.ElemType()
		case pAnyCompatible:
			compat = append(compat, a)
			continue
		default:
			continue
		}
		e = types.Type{ID: e.ID, Elem: e.Elem}
		if haveElem && !sameType(b.elem, e) {
			return polyBinding{}
		}
		b.elem, haveElem = e, true
	}
	if !haveElem {
		b.elem = types.TText
	}
	if nonArray && b.elem.IsArray() {
		return polyBinding{}
	}
	if len(compat) > 0 {
		t, ok := commonType(compat)
		if !ok {
			return polyBinding{}
		}
		b.compat = t
	} else {
		b.compat = types.TText
	}
	return b
}

// commonType is PostgreSQL's select_common_type over known types: all
// must share a category; the result is the first type, replaced by a
// later one that the current one casts to implicitly (and not back),
// unless the current one is the category's preferred type.
func commonType(ts []types.Type) (types.Type, bool) {
	var cur types.Type
	have := false
	for _, t := range ts {
		t = types.Type{ID: t.ID, Elem: t.Elem}
		if t.ID == types.Unknown {
			continue
		}
		if !have {
			cur, have = t, true
			continue
		}
		if sameType(t, cur) {
			continue
		}
		if category(t) != category(cur) {
			return types.Type{}, false
		}
		if !preferred(cur) && implicitCast(cur, t) && !implicitCast(t, cur) {
			cur = t
		}
	}
	if !have {
		return types.TText, true
	}
	for _, t := range ts {
		if t.ID != types.Unknown && !implicitCast(t, cur) {
			return types.Type{}, false
		}
	}
	return cur, true
}

func category(t types.Type) byte {
	if IsPolymorphic(t) {
		return 'P'
	}
	return t.Category()
}

// preferred reports pg_type.typispreferred.
func preferred(t types.Type) bool {
	if IsPolymorphic(t) {
		return false
	}
	switch t.ID {
	case types.Bool, types.Text, types.Oid, types.Float8, types.Timestamptz, types.Interval:
		return true
	}
	return false
}

// selectCandidate narrows several coercible candidates as
// func_select_candidate does; it returns the survivors (one on success).
func selectCandidate(live []int, expanded [][]types.Type, args []types.Type) []int {
	keepBest := func(score func(ps []types.Type) int) {
		best := -1
		var out []int
		for _, i := range live {
			s := score(expanded[i])
			switch {
			case s > best:
				best = s
				out = append(out[:0], i)
			case s == best:
				out = append(out, i)
			}
		}
		live = out
	}
	// Most exact matches.
	keepBest(func(ps []types.Type) int {
		n := 0
		for i, a := range args {
			if a.ID != types.Unknown && !IsPolymorphic(ps[i]) && sameType(ps[i], a) {
				n++
			}
		}
		return n
	})
	if len(live) == 1 {
		return live
	}
	// Most exact-or-preferred (in the argument's own category) matches.
	keepBest(func(ps []types.Type) int {
		n := 0
		for i, a := range args {
			if a.ID == types.Unknown {
				continue
			}
			p := ps[i]
			if (!IsPolymorphic(p) && sameType(p, a)) || (preferred(p) && category(p) == category(a)) {
				n++
			}
		}
		return n
	})
	if len(live) == 1 {
		return live
	}
	// Categories at untyped positions.
	nUnknown := 0
	for _, a := range args {
		if a.ID == types.Unknown {
			nUnknown++
		}
	}
	if nUnknown > 0 {
		resolved := true
		slotCat := make([]byte, len(args))
		slotPref := make([]bool, len(args))
		for i, a := range args {
			if a.ID != types.Unknown {
				continue
			}
			conflict := false
			first := true
			for _, c := range live {
				p := expanded[c][i]
				cat, pref := category(p), preferred(p)
				switch {
				case first:
					slotCat[i], slotPref[i] = cat, pref
					first = false
				case cat == slotCat[i]:
					slotPref[i] = slotPref[i] || pref
				case cat == 'S':
					slotCat[i], slotPref[i] = cat, pref
				default:
					conflict = true
				}
			}
			if conflict && slotCat[i] != 'S' {
				resolved = false
				break
			}
		}
		if resolved {
			var out []int
			for _, c := range live {
				keep := true
				for i, a := range args {
					if a.ID != types.Unknown {
						continue
					}
					p := expanded[c][i]
					if category(p) != slotCat[i] || (slotPref[i] && !preferred(p)) {
						keep = false
						break
					}
				}
				if keep {
					out = append(out, c)
				}
			}
			if len(out) > 0 {
				live = out
			}
			if len(live) == 1 {
				return live
			}
		}
	}
	// Last gasp: untyped arguments take the type shared by the known ones.
	if nUnknown > 0 && nUnknown < len(args) {
		known := types.TUnknown
		for _, a := range args {
			if a.ID == types.Unknown {
				continue
			}
			if known.ID == types.Unknown {
				known = types.Type{ID: a.ID, Elem: a.Elem}
			} else if !sameType(known, a) {
				known = types.TUnknown
				break
			}
		}
		if known.ID != types.Unknown {
			subst := make([]types.Type, len(args))
			for i := range subst {
				subst[i] = known
			}
			var out []int
			for _, c := range live {
				if coercible(expanded[c], subst) {
					out = append(out, c)
				}
			}
			if len(out) == 1 {
				return out
			}
		}
	}
	return live
}

// castsFor returns, per argument, the type the argument must be cast to.
func castsFor(ps, args []types.Type) []types.Type {
	out := make([]types.Type, len(args))
	var b polyBinding
	bound := false
	for i, a := range args {
		p := ps[i]
		if !IsPolymorphic(p) {
			if sameType(p, a) {
				out[i] = a
			} else {
				out[i] = p
			}
			continue
		}
		if !bound {
			b, bound = bindPoly(ps, args), true
		}
		switch p.Mod {
		case pAnyElement, pAnyNonArray:
			out[i] = b.elem
		case pAnyArray:
			switch {
			case a.ID == types.Unknown:
				out[i] = types.ArrayOf(b.elem.ID)
			case a.IsVector():
				out[i] = a.VectorArray()
			default:
				out[i] = a
			}
		case pAnyCompatible:
			out[i] = b.compat
		default: // Any
			if a.ID == types.Unknown {
				out[i] = types.TText
			} else {
				out[i] = a
			}
		}
	}
	return out
}

func argList(args []types.Type) string {
	var sb strings.Builder
	for i, a := range args {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(TypeString(a))
	}
	return sb.String()
}

func opSignature(name string, args []types.Type) string {
	switch len(args) {
	case 1:
		return name + " " + TypeString(args[0])
	case 2:
		return TypeString(args[0]) + " " + name + " " + TypeString(args[1])
	}
	return name + "(" + argList(args) + ")"
}

func notFound(name string, args []types.Type, isOp bool) error {
	if isOp {
		return sqlerr.New(sqlerr.UndefinedFunction, "operator does not exist: %s", opSignature(name, args)).
			WithHint("No operator matches the given name and argument types. You might need to add explicit type casts.")
	}
	return sqlerr.New(sqlerr.UndefinedFunction, "function %s(%s) does not exist", name, argList(args)).
		WithHint("No function matches the given name and argument types. You might need to add explicit type casts.")
}

func notUnique(name string, args []types.Type, isOp bool) error {
	if isOp {
		return sqlerr.New(sqlerr.AmbiguousFunction, "operator is not unique: %s", opSignature(name, args)).
			WithHint("Could not choose a best candidate operator. You might need to add explicit type casts.")
	}
	return sqlerr.New(sqlerr.AmbiguousFunction, "function %s(%s) is not unique", name, argList(args)).
		WithHint("Could not choose a best candidate function. You might need to add explicit type casts.")
}
