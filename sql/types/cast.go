package types

import (
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/cockroachdb/apd/v3"
	"github.com/eddy-db/eddy/sql/sqlerr"
)

// CastContext is where a cast may be applied without being written
// (pg_cast.castcontext): implicitly in expressions, in assignment to a
// column, or only explicitly with CAST / ::.
type CastContext uint8

// The cast contexts, weakest requirement first.
const (
	CastImplicit CastContext = iota + 1
	CastAssignment
	CastExplicit
)

// castTable is pg_cast restricted to Eddy's types. Casts that pg_cast does
// not list but PostgreSQL still allows (I/O conversion to and from the
// string types) are handled by CastContextOf's rules.
var castTable = func() map[[2]ID]CastContext {
	i, a, e := CastImplicit, CastAssignment, CastExplicit
	m := map[[2]ID]CastContext{
		{Bool, Int4}: e, {Bool, Text}: a, {Bool, Bpchar}: a, {Bool, Varchar}: a,
		{Bpchar, Char}: a, {Bpchar, Name}: i, {Bpchar, Text}: i, {Bpchar, Varchar}: i,
		{Char, Bpchar}: a, {Char, Int4}: e, {Char, Text}: i, {Char, Varchar}: a,
		{Date, Timestamp}: i, {Date, Timestamptz}: i,
		{Float4, Float8}: i, {Float4, Int2}: a, {Float4, Int4}: a, {Float4, Int8}: a, {Float4, Numeric}: a,
		{Float8, Float4}: a, {Float8, Int2}: a, {Float8, Int4}: a, {Float8, Int8}: a, {Float8, Numeric}: a,
		{Int2, Float4}: i, {Int2, Float8}: i, {Int2, Int4}: i, {Int2, Int8}: i, {Int2, Numeric}: i,
		{Int4, Bool}: e, {Int4, Char}: e, {Int4, Float4}: i, {Int4, Float8}: i, {Int4, Int2}: a,
		{Int4, Int8}: i, {Int4, Numeric}: i,
		{Int8, Float4}: i, {Int8, Float8}: i, {Int8, Int2}: a, {Int8, Int4}: a, {Int8, Numeric}: i,
		{Interval, Time}: a,
		{Json, Jsonb}:    a, {Jsonb, Json}: a,
		{Jsonb, Bool}: e, {Jsonb, Float4}: e, {Jsonb, Float8}: e, {Jsonb, Int2}: e, {Jsonb, Int4}: e,
		{Jsonb, Int8}: e, {Jsonb, Numeric}: e,
		{Name, Bpchar}: a, {Name, Text}: i, {Name, Varchar}: a,
		{Regproc, Regprocedure}: i, {Regprocedure, Regproc}: i,
		{Numeric, Float4}: i, {Numeric, Float8}: i, {Numeric, Int2}: a, {Numeric, Int4}: a, {Numeric, Int8}: a,
		{Text, Bpchar}: i, {Text, Char}: a, {Text, Name}: i, {Text, Regclass}: i, {Text, Varchar}: i,
		{Time, Interval}:  i,
		{Timestamp, Date}: a, {Timestamp, Time}: a, {Timestamp, Timestamptz}: i,
		{Timestamptz, Date}: a, {Timestamptz, Time}: a, {Timestamptz, Timestamp}: a,
		{Varchar, Bpchar}: i, {Varchar, Char}: a, {Varchar, Name}: i, {Varchar, Regclass}: i, {Varchar, Text}: i,
	}
	for _, r := range []ID{Oid, Regclass, Regtype, Regproc, Regnamespace, Regrole, Regprocedure, Regoperator} {
		m[[2]ID{Int2, r}] = i
		m[[2]ID{Int4, r}] = i
		m[[2]ID{Int8, r}] = i
		m[[2]ID{r, Int4}] = a
		m[[2]ID{r, Int8}] = a
		if r != Oid {
			m[[2]ID{Oid, r}] = i
			m[[2]ID{r, Oid}] = i
		}
	}
	return m
}()

// CastMethod is pg_cast.castmethod: how a cast converts a value.
type CastMethod byte

// The cast methods.
const (
	// CastFunction: a conversion function runs (pg_cast.castfunc).
	CastFunction CastMethod = 'f'
	// CastBinary: the types are binary-coercible; the value is taken as
	// it is.
	CastBinary CastMethod = 'b'
	// CastInOut: the target type's input function reads the value's text
	// form.
	CastInOut CastMethod = 'i'
)

// CastInfo is a cast as pg_cast lists it.
type CastInfo struct {
	From, To Type
	Context  CastContext
	Method   CastMethod
}

// Casts lists the casts pg_cast shows, ordered by source and target OID:
// those of castTable and the length coercions of the types with a
// modifier (a type to itself: varchar(10) to varchar(5)). Conversions
// that CastContextOf allows by its rules alone (through the string types'
// input and output functions, between arrays, vectors to arrays) are not
// listed, as PostgreSQL does not list them either.
func Casts() []CastInfo {
	var out []CastInfo
	for k, c := range castTable {
		out = append(out, CastInfo{From: Type{ID: k[0]}, To: Type{ID: k[1]}, Context: c, Method: castMethod(k[0], k[1])})
	}
	for id := ID(0); id < numIDs; id++ {
		if HasTypmod(id) {
			t := Type{ID: id}
			out = append(out, CastInfo{From: t, To: t, Context: CastImplicit, Method: CastFunction})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if a, b := out[i].From.OID(), out[j].From.OID(); a != b {
			return a < b
		}
		return out[i].To.OID() < out[j].To.OID()
	})
	return out
}

// CastPath returns how Cast converts a value of type from to type to:
// CastBinary for the same type (a modifier aside) and binary-coercible
// types, CastInOut through the text form (from an untyped literal, to and
// from the string types without a cast of their own, json and jsonb),
// CastFunction otherwise (castTable's conversions, arrays element by
// element). ok is false when there is no cast.
func CastPath(from, to Type) (m CastMethod, ok bool) {
	if _, ok := CastContextOf(from, to); !ok {
		return 0, false
	}
	switch {
	case from.SameFamily(to):
		return CastBinary, true
	case from.ID == Unknown:
		return CastInOut, true
	case from.IsVector() && to == from.VectorArray():
		return CastBinary, true
	case from.ID == Array || to.ID == Array || from.IsVector():
		return CastFunction, true
	}
	if _, listed := castTable[[2]ID{from.ID, to.ID}]; listed {
		return castMethod(from.ID, to.ID), true
	}
	return CastInOut, true
}

// castMethod is how castValue converts between two different types, or
// applies a modifier when from and to are the same.
func castMethod(from, to ID) CastMethod {
	switch {
	case from == to:
		return CastFunction
	case (from == Json || from == Jsonb) && (to == Json || to == Jsonb):
		// jsonb reads json's text; json prints jsonb's.
		return CastInOut
	case binaryCoercible(from, to):
		return CastBinary
	}
	return CastFunction
}

// binaryCoercible reports whether a value of type from is a value of
// type to as it is: text, varchar and bpchar among themselves (except
// from bpchar, whose trailing spaces a cast drops), and integer and the
// OID types among themselves (the same 32 bits; bigint and smallint
// convert).
func binaryCoercible(from, to ID) bool {
	str := func(id ID) bool { return id == Text || id == Varchar || id == Bpchar }
	if str(from) && str(to) {
		return from != Bpchar
	}
	oid := func(id ID) bool { return id == Int4 || Type{ID: id}.IsOIDLike() }
	return oid(from) && oid(to)
}

// isStringCategory reports whether t is in PostgreSQL's string category
// (text, varchar, bpchar, name), the types every value converts to and
// from through its text form.
func isStringCategory(id ID) bool {
	return id == Text || id == Varchar || id == Bpchar || id == Name
}

// CastContextOf returns pg_cast's castcontext for a cast from one type to
// another: the weakest context in which PostgreSQL applies it. ok is
// false if there is no cast (Cast then fails with 42846). Besides pg_cast
// it follows PostgreSQL's rules: a type to itself (a length coercion) and
// unknown to anything are implicit; anything to a string type is an
// assignment cast through the output function; a string type to anything
// is an explicit cast through the input function; an array casts to an
// array in the context of its element cast.
func CastContextOf(from, to Type) (ctx CastContext, ok bool) {
	if to.ID == Void || from.ID == Void {
		return 0, from.ID == to.ID
	}
	if from.ID == Unknown {
		return CastImplicit, true
	}
	if from.IsVector() && to.ID == Array {
		// A vector is binary-coercible to its array type (1-based here:
		// Eddy's arrays start at 1).
		if from.VectorArray() == (Type{ID: to.ID, Elem: to.Elem}) {
			return CastImplicit, true
		}
		return CastContextOf(from.VectorArray(), to)
	}
	if from.ID == Array && to.ID == Array {
		if from.Elem == to.Elem {
			return CastImplicit, true
		}
		return CastContextOf(Type{ID: from.Elem}, Type{ID: to.Elem})
	}
	if from.ID == to.ID {
		return CastImplicit, true
	}
	if c, ok := castTable[[2]ID{from.ID, to.ID}]; ok {
		return c, true
	}
	if isStringCategory(to.ID) || to.ID == Unknown {
		return CastAssignment, true
	}
	if isStringCategory(from.ID) && to.ID != Record {
		return CastExplicit, true
	}
	return 0, false
}

// Cast converts d from type from to type to with CAST(d AS to) semantics
// and applies to's typmod the way an explicit cast does (varchar(n) and
// char(n) truncate silently; numeric(p,s) rounds and may fail with 22003;
// timestamp(p) rounds). NULL casts to NULL. Errors are PostgreSQL's:
// 42846 when no cast exists, 22P02/22007 for unreadable text, 22003 for
// numbers out of range, 22008 for dates out of range.
func Cast(d Datum, from, to Type, env *Env) (Datum, error) {
	if _, ok := CastContextOf(from, to); !ok {
		return Null, errCannotCast(from, to)
	}
	if d.k == KNull {
		return Null, nil
	}
	v, err := castValue(d, from, to, env)
	if err != nil {
		return Null, err
	}
	return applyTypmod(v, to, true)
}

// castValue converts without applying to's typmod.
func castValue(d Datum, from, to Type, env *Env) (Datum, error) {
	if from.IsVector() && to.ID == Array {
		from = from.VectorArray()
	}
	fid, tid := from.ID, to.ID
	if fid == Array && tid == Array {
		if from.Elem == to.Elem {
			return d, nil
		}
		fe, te := Type{ID: from.Elem}, Type{ID: to.Elem}
		src := d.Array()
		out := make([]Datum, len(src))
		for i, e := range src {
			if e.k == KNull {
				continue
			}
			v, err := castValue(e, fe, te, env)
			if err != nil {
				return Null, err
			}
			out[i] = v
		}
		return NewArray(out), nil
	}
	if fid == tid {
		return d, nil
	}
	if fid == Unknown || isStringCategory(fid) || fid == Char {
		return castFromString(d, fid, to, env)
	}
	if isStringCategory(tid) || tid == Unknown {
		var s string
		if fid == Bool && tid != Name {
			s = "false"
			if d.i != 0 {
				s = "true"
			}
		} else {
			s = FormatText(d, from, env)
		}
		if tid == Name {
			s = truncateName(s)
		}
		return NewString(s), nil
	}
	switch tid {
	case Int2, Int4, Int8, Float4, Float8, Numeric:
		switch fid {
		case Int2, Int4, Int8, Float4, Float8, Numeric:
			return castNumber(d, from, to)
		case Oid, Regclass, Regtype, Regproc, Regnamespace, Regrole, Regprocedure, Regoperator:
			if tid == Int4 {
				return NewInt(int64(int32(uint32(d.i)))), nil
			}
			return NewInt(int64(uint32(d.i))), nil
		case Bool:
			return NewInt(d.i), nil
		case Jsonb:
			return castFromJSONB(d, to)
		}
	case Bool:
		switch fid {
		case Int4:
			return NewBool(d.i != 0), nil
		case Jsonb:
			return castFromJSONB(d, to)
		}
	case Char:
		if fid == Int4 {
			if d.i < -128 || d.i > 127 {
				return Null, sqlerr.New(sqlerr.NumericValueOutOfRange, "\"char\" out of range")
			}
			if d.i == 0 {
				return NewString(""), nil
			}
			return NewString(string([]byte{byte(d.i)})), nil
		}
	case Oid, Regclass, Regtype, Regproc, Regnamespace, Regrole, Regprocedure, Regoperator:
		switch fid {
		case Int2, Int4:
			return NewInt(int64(uint32(int32(d.i)))), nil
		case Int8:
			if d.i < 0 || d.i > math.MaxUint32 {
				return Null, errIntOutOfRange(TOid)
			}
			return d, nil
		case Oid, Regclass, Regtype, Regproc, Regnamespace, Regrole, Regprocedure, Regoperator:
			return d, nil
		}
	case Date:
		switch fid {
		case Timestamp:
			return NewDate(timestampToDate(d.i)), nil
		case Timestamptz:
			if d.i == InfinityMicros || d.i == NegInfinityMicros {
				return NewDate(timestampToDate(d.i)), nil
			}
			return NewDate(timestampToDate(d.i + int64(zoneOffset(d.i, env.Location()))*usPerSec)), nil
		}
	case Timestamp, Timestamptz:
		return castToTimestamp(d, fid, tid, env)
	case Time:
		switch fid {
		case Timestamp, Timestamptz:
			if d.i == InfinityMicros || d.i == NegInfinityMicros {
				return Null, nil
			}
			us := d.i
			if fid == Timestamptz {
				us += int64(zoneOffset(us, env.Location())) * usPerSec
			}
			_, tod := floorDiv(us, usPerDay)
			return NewTime(tod), nil
		case Interval:
			us := d.Interval().Micros
			if us >= usPerDay {
				us -= us / usPerDay * usPerDay
			} else if us < 0 {
				days := (-us + usPerDay - 1) / usPerDay
				us += days * usPerDay
			}
			return NewTime(us), nil
		}
	case Interval:
		if fid == Time {
			return NewInterval(IntervalValue{Micros: d.i}), nil
		}
	case Jsonb:
		if fid == Json {
			n, err := normalizeJSONB(d.s)
			if err != nil {
				return Null, err
			}
			return NewJSON(n), nil
		}
	case Json:
		if fid == Jsonb {
			return NewJSON(d.s), nil
		}
	}
	return Null, errCannotCast(from, to)
}

// castFromString converts a text-like value: to another string type by
// value (bpchar loses its trailing spaces; "char" keeps the first byte),
// to anything else through the target's input function.
func castFromString(d Datum, fid ID, to Type, env *Env) (Datum, error) {
	s := d.s
	tid := to.ID
	if fid == Char {
		if tid == Int4 {
			if len(s) == 0 {
				return NewInt(0), nil
			}
			return NewInt(int64(int8(s[0]))), nil
		}
		s = string(appendCharOut(nil, s))
	}
	if fid == Bpchar && (isStringCategory(tid) || tid == Unknown) {
		s = strings.TrimRight(s, " ")
	}
	switch tid {
	case Text, Varchar, Bpchar, Unknown:
		return NewString(s), nil
	case Name:
		return NewString(truncateName(s)), nil
	case Char:
		return NewString(charIn(s)), nil
	}
	return ParseText(s, Type{ID: tid, Elem: to.Elem}, env)
}

// castNumber converts between the number types.
func castNumber(d Datum, from, to Type) (Datum, error) {
	switch d.k {
	case KInt:
		v := d.i
		switch to.ID {
		case Int2, Int4, Int8:
			if !intFits(v, to) {
				return Null, errIntOutOfRange(to)
			}
			return NewInt(v), nil
		case Float4:
			return NewFloat(float64(float32(v))), nil
		case Float8:
			return NewFloat(float64(v)), nil
		case Numeric:
			return NewDecimal(apd.New(v, 0)), nil
		}
	case KFloat:
		f := d.Float()
		switch to.ID {
		case Int2, Int4, Int8:
			r := math.RoundToEven(f)
			var lo float64
			switch to.ID {
			case Int2:
				lo = math.MinInt16
			case Int4:
				lo = math.MinInt32
			default:
				lo = math.MinInt64
			}
			if math.IsNaN(r) || r < lo || r >= -lo {
				return Null, errIntOutOfRange(to)
			}
			return NewInt(int64(r)), nil
		case Float4:
			f32 := float32(f)
			if math.IsInf(float64(f32), 0) && !math.IsInf(f, 0) {
				return Null, sqlerr.New(sqlerr.NumericValueOutOfRange, "value out of range: overflow")
			}
			if f32 == 0 && f != 0 {
				return Null, sqlerr.New(sqlerr.NumericValueOutOfRange, "value out of range: underflow")
			}
			return NewFloat(float64(f32)), nil
		case Float8:
			return NewFloat(f), nil
		case Numeric:
			bits := 64
			if from.ID == Float4 {
				bits = 32
			}
			return NewDecimal(floatToNumeric(f, bits)), nil
		}
	case KDecimal:
		dec := d.Decimal()
		switch to.ID {
		case Int2, Int4, Int8:
			v, err := numericToInt(dec, to)
			if err != nil {
				return Null, err
			}
			return NewInt(v), nil
		case Float4, Float8:
			f, err := numericToFloat(dec, to)
			if err != nil {
				return Null, err
			}
			return NewFloat(f), nil
		case Numeric:
			return d, nil
		}
	}
	return Null, errCannotCast(from, to)
}

// castToTimestamp converts dates and timestamps to timestamp or
// timestamptz, going through the session time zone where the cast
// crosses between wall-clock time and instants.
func castToTimestamp(d Datum, fid, tid ID, env *Env) (Datum, error) {
	mk := func(us int64) Datum {
		if tid == Timestamptz {
			return NewTimestamptz(us)
		}
		return NewTimestamp(us)
	}
	infinite := func(us int64) bool { return us == InfinityMicros || us == NegInfinityMicros }
	switch fid {
	case Date:
		us, ok := dateToTimestamp(d.i)
		if !ok {
			return Null, sqlerr.New(sqlerr.DatetimeFieldOverflow, "date out of range for timestamp")
		}
		if tid == Timestamptz && !infinite(us) {
			us = localToUTC(us, env.Location())
			if !validTimestamp(us) {
				return Null, sqlerr.New(sqlerr.DatetimeFieldOverflow, "date out of range for timestamp")
			}
		}
		return mk(us), nil
	case Timestamp:
		us := d.i
		if !infinite(us) {
			us = localToUTC(us, env.Location())
			if !validTimestamp(us) {
				return Null, sqlerr.New(sqlerr.DatetimeFieldOverflow, "timestamp out of range")
			}
		}
		return mk(us), nil
	case Timestamptz:
		us := d.i
		if !infinite(us) {
			us += int64(zoneOffset(us, env.Location())) * usPerSec
			if !validTimestamp(us) {
				return Null, sqlerr.New(sqlerr.DatetimeFieldOverflow, "timestamp out of range")
			}
		}
		return mk(us), nil
	}
	return Null, errCannotCast(Type{ID: fid}, Type{ID: tid})
}

// castFromJSONB is the jsonb -> bool/number casts: the value must be a
// scalar of the matching JSON type.
func castFromJSONB(d Datum, to Type) (Datum, error) {
	v, err := parseJSONB(d.s)
	if err != nil {
		return Null, err
	}
	want := jNumber
	if to.ID == Bool {
		want = jTrue
	}
	got := v.kind
	if got == jFalse {
		got = jTrue
	}
	if got != want {
		name := map[jsonKind]string{jNull: "null", jTrue: "boolean", jNumber: "numeric", jString: "string", jArray: "array", jObject: "object"}[got]
		return Null, sqlerr.New(sqlerr.InvalidParameterValue, "cannot cast jsonb %s to type %s", name, to)
	}
	if to.ID == Bool {
		return NewBool(v.kind == jTrue), nil
	}
	dec, err := parseNumeric(v.str)
	if err != nil {
		return Null, err
	}
	return castNumber(NewDecimal(dec), TNumeric, to)
}

// ApplyTypmod checks or adjusts d for t's type modifier with assignment
// semantics, as storing into a column of type t does: varchar(n) and
// char(n) reject longer values with 22001 (trailing spaces beyond n are
// dropped instead) and char(n) pads with spaces; numeric(p,s) rounds to s
// digits and fails with 22003 beyond p digits; timestamp(p),
// timestamptz(p) and time(p) round the fraction to p digits (half away
// from zero). Arrays apply the modifier to each element. Without a
// modifier, or for other types, d is returned unchanged.
func ApplyTypmod(d Datum, t Type) (Datum, error) { return applyTypmod(d, t, false) }

// HasTypmod reports whether values of type id are checked or adjusted
// for a type modifier (see ApplyTypmod): varchar, bpchar, numeric, time,
// timestamp and timestamptz.
func HasTypmod(id ID) bool {
	switch id {
	case Varchar, Bpchar, Numeric, Time, Timestamp, Timestamptz:
		return true
	}
	return false
}

// LengthCoerce applies a type modifier as PostgreSQL's length-coercion
// functions (varchar(varchar, int4, bool), numeric(numeric, int4), ...)
// do: typmod is PostgreSQL's (-1 none, n+4 for varchar(n),
// ((p<<16)|s)+4 for numeric(p,s), the precision for the time types);
// explicit selects CAST semantics (varchar(n) truncates silently) over
// assignment semantics (22001 for a longer value).
func LengthCoerce(d Datum, id ID, typmod int32, explicit bool) (Datum, error) {
	if typmod < 0 || !HasTypmod(id) {
		return d, nil
	}
	if typmod == 0 && (id == Time || id == Timestamp || id == Timestamptz) {
		// Precision 0 is not expressible as Type.Mod (0 means none).
		if d.k != infos[id].kind || d.i == InfinityMicros || d.i == NegInfinityMicros {
			return d, nil
		}
		return roundTime(d, id, 0), nil
	}
	return applyTypmod(d, Type{ID: id, Mod: typmod}, explicit)
}

// roundTime rounds a time, timestamp or timestamptz to prec fractional
// digits.
func roundTime(d Datum, id ID, prec int32) Datum {
	if id == Time {
		d.i = roundMicros(d.i, prec)
	} else {
		// PostgreSQL rounds half away from its epoch, 2000-01-01.
		d.i = roundMicros(d.i-pgEpochMicros, prec) + pgEpochMicros
	}
	return d
}

func applyTypmod(d Datum, t Type, explicit bool) (Datum, error) {
	if t.Mod == 0 || d.k == KNull {
		return d, nil
	}
	switch t.ID {
	case Varchar, Bpchar:
		if d.k != KString || t.Mod < 5 {
			return d, nil
		}
		n := int(t.Mod - 4)
		s, err := limitChars(d.s, n, explicit, t)
		if err != nil {
			return Null, err
		}
		if t.ID == Bpchar {
			if c := utf8.RuneCountInString(s); c < n {
				s += strings.Repeat(" ", n-c)
			}
		}
		if s == d.s {
			return d, nil
		}
		return NewString(s), nil
	case Numeric:
		if d.k != KDecimal || t.Mod < 4 {
			return d, nil
		}
		p, s := t.NumericPrecisionScale()
		r, err := applyNumericTypmod(d.Decimal(), p, s)
		if err != nil {
			return Null, err
		}
		if r == d.Decimal() {
			return d, nil
		}
		return NewDecimal(r), nil
	case Timestamp, Timestamptz, Time:
		if t.Mod < 0 || t.Mod >= 6 || d.k != t.Kind() {
			return d, nil
		}
		if d.i == InfinityMicros || d.i == NegInfinityMicros {
			return d, nil
		}
		return roundTime(d, t.ID, t.Mod), nil
	case Array:
		if d.k != KArray {
			return d, nil
		}
		et := Type{ID: t.Elem, Mod: t.Mod}
		src := d.Array()
		var out []Datum
		for i, e := range src {
			v, err := applyTypmod(e, et, explicit)
			if err != nil {
				return Null, err
			}
			if out == nil && v != e {
				out = make([]Datum, len(src))
				copy(out, src[:i])
			}
			if out != nil {
				out[i] = v
			}
		}
		if out == nil {
			return d, nil
		}
		return NewArray(out), nil
	}
	return d, nil
}

// limitChars cuts s to n characters. With explicit semantics it truncates
// silently; otherwise only trailing spaces may be cut, else 22001.
func limitChars(s string, n int, explicit bool, t Type) (string, error) {
	if len(s) <= n {
		return s, nil
	}
	off, count := 0, 0
	for off < len(s) && count < n {
		_, size := utf8.DecodeRuneInString(s[off:])
		off += size
		count++
	}
	if off == len(s) || explicit {
		return s[:off], nil
	}
	for i := off; i < len(s); i++ {
		if s[i] != ' ' {
			return "", sqlerr.New(sqlerr.StringDataRightTruncation, "value too long for type %s", t)
		}
	}
	return s[:off], nil
}
