package functions

import (
	"math"
	"strings"

	"github.com/cockroachdb/apd/v3"
	"github.com/eddy-db/eddy/sql/types"
)

// Aggregates. Every accumulator ignores rows whose argument is NULL unless
// its aggregate keeps NULLs (array_agg, string_agg's delimiter), so the
// result is right whether or not the caller filters them first. The sums,
// counts and averages also implement Retractor for streaming deletes.

// count(*) and count(x).

type countAcc struct {
	n    int64
	star bool
}

func (c *countAcc) Add(_ *Context, a []types.Datum) error {
	if c.star || !a[0].IsNull() {
		c.n++
	}
	return nil
}

func (c *countAcc) Retract(_ *Context, a []types.Datum) error {
	if c.star || !a[0].IsNull() {
		c.n--
	}
	return nil
}

func (c *countAcc) Result(*Context) (types.Datum, error) { return types.NewInt(c.n), nil }

// intSum accumulates integers exactly: in an int64 while it fits, in a
// decimal beyond.
type intSum struct {
	n     int64
	small int64
	big   *apd.Decimal
}

func (s *intSum) add(v int64) {
	if r, ok := addInt64(s.small, v); ok {
		s.small = r
		return
	}
	if s.big == nil {
		s.big = new(apd.Decimal)
	}
	_, _ = exactCtx.Add(s.big, s.big, decFromInt(s.small))
	s.small = v
}

func (s *intSum) decimal() *apd.Decimal {
	d := decFromInt(s.small)
	if s.big != nil {
		_, _ = exactCtx.Add(d, d, s.big)
	}
	return d
}

// asInt64 returns the sum if it fits in an int64.
func (s *intSum) asInt64() (int64, bool) {
	if s.big == nil {
		return s.small, true
	}
	d := s.decimal()
	v, err := d.Int64()
	return v, err == nil
}

// sum(int2/int4) -> int8, sum(int8) -> numeric, avg(ints) -> numeric.
type intSumAcc struct {
	intSum
	toNumeric bool // sum(int8)
	avg       bool
}

func (s *intSumAcc) Add(_ *Context, a []types.Datum) error {
	if a[0].IsNull() {
		return nil
	}
	s.n++
	s.add(a[0].Int())
	return nil
}

func (s *intSumAcc) Retract(_ *Context, a []types.Datum) error {
	if a[0].IsNull() {
		return nil
	}
	s.n--
	if a[0].Int() == math.MinInt64 {
		s.add(math.MaxInt64)
		s.add(1)
		return nil
	}
	s.add(-a[0].Int())
	return nil
}

func (s *intSumAcc) Result(*Context) (types.Datum, error) {
	if s.n == 0 {
		return types.Null, nil
	}
	switch {
	case s.avg:
		return decDatum(numDiv(s.decimal(), decFromInt(s.n)))
	case s.toNumeric:
		return decDatum(s.decimal(), nil)
	}
	v, ok := s.asInt64()
	if !ok {
		return types.Null, errInt8Range
	}
	return types.NewInt(v), nil
}

// numeric sums with PostgreSQL's NaN and infinity rules.
type numSum struct {
	n               int64
	sum             apd.Decimal
	nan, pInf, nInf int64
}

func (s *numSum) update(x *apd.Decimal, sign int64) {
	s.n += sign
	switch {
	case isNaNDec(x):
		s.nan += sign
	case x.Form == apd.Infinite && x.Negative:
		s.nInf += sign
	case x.Form == apd.Infinite:
		s.pInf += sign
	case sign > 0:
		_, _ = exactCtx.Add(&s.sum, &s.sum, x)
	default:
		_, _ = exactCtx.Sub(&s.sum, &s.sum, x)
	}
}

// special returns the result forced by NaN/infinite inputs, if any.
func (s *numSum) special() *apd.Decimal {
	switch {
	case s.nan > 0 || (s.pInf > 0 && s.nInf > 0):
		return decNaN
	case s.pInf > 0:
		return decPInf
	case s.nInf > 0:
		return decNInf
	}
	return nil
}

type numSumAcc struct {
	numSum
	avg bool
}

func (s *numSumAcc) Add(_ *Context, a []types.Datum) error {
	if !a[0].IsNull() {
		s.update(a[0].Decimal(), 1)
	}
	return nil
}

func (s *numSumAcc) Retract(_ *Context, a []types.Datum) error {
	if !a[0].IsNull() {
		s.update(a[0].Decimal(), -1)
	}
	return nil
}

func (s *numSumAcc) Result(*Context) (types.Datum, error) {
	if s.n == 0 {
		return types.Null, nil
	}
	if sp := s.special(); sp != nil {
		return types.NewDecimal(sp), nil
	}
	sum := new(apd.Decimal).Set(&s.sum)
	if s.avg {
		return decDatum(numDiv(sum, decFromInt(s.n)))
	}
	return decDatum(sum, nil)
}

// sum(float4) adds in float32, sum(float8) in float64, both with
// PostgreSQL's overflow check.
type floatSumAcc struct {
	n    int64
	sum  float64
	real bool
}

func (s *floatSumAcc) Add(_ *Context, a []types.Datum) error {
	if a[0].IsNull() {
		return nil
	}
	s.n++
	return s.addValue(a[0].Float())
}

func (s *floatSumAcc) addValue(v float64) error {
	var r float64
	if s.real {
		r = float64(float32(s.sum) + float32(v))
	} else {
		r = s.sum + v
	}
	if err := checkFloat(r, s.sum, v, true); err != nil {
		return err
	}
	s.sum = r
	return nil
}

func (s *floatSumAcc) Retract(_ *Context, a []types.Datum) error {
	if a[0].IsNull() {
		return nil
	}
	s.n--
	return s.addValue(-a[0].Float())
}

func (s *floatSumAcc) Result(*Context) (types.Datum, error) {
	if s.n == 0 {
		return types.Null, nil
	}
	return types.NewFloat(s.sum), nil
}

// floatMoments is PostgreSQL's float8_accum state (Youngs-Cramer): N, the
// sum and the sum of squared differences from the mean.
type floatMoments struct {
	n, sx, sxx float64
}

func (m *floatMoments) add(v float64) error {
	n := m.n + 1
	sx := m.sx + v
	sxx := m.sxx
	if m.n > 0 {
		tmp := v*n - sx
		sxx += tmp * tmp / (n * m.n)
		if math.IsInf(sx, 0) || math.IsInf(sxx, 0) {
			if !math.IsInf(m.sx, 0) && !math.IsInf(v, 0) {
				return errFloatOverflow
			}
			sxx = math.NaN()
		}
	} else if math.IsNaN(v) || math.IsInf(v, 0) {
		sxx = math.NaN()
	}
	m.n, m.sx, m.sxx = n, sx, sxx
	return nil
}

// remove undoes add (float8_regr_accum's inverse, as PostgreSQL's
// moving-aggregate support does).
func (m *floatMoments) remove(v float64) {
	n := m.n - 1
	if n == 0 {
		*m = floatMoments{}
		return
	}
	sx := m.sx - v
	tmp := v*m.n - m.sx
	m.sxx -= tmp * tmp / (n * m.n)
	if m.sxx < 0 {
		m.sxx = 0 // rounding
	}
	m.n, m.sx = n, sx
}

type floatStatAcc struct {
	m    floatMoments
	kind statKind
}

type statKind uint8

const (
	statAvg statKind = iota
	statVarSamp
	statVarPop
	statStddevSamp
	statStddevPop
)

func (s *floatStatAcc) Add(_ *Context, a []types.Datum) error {
	if a[0].IsNull() {
		return nil
	}
	return s.m.add(a[0].Float())
}

func (s *floatStatAcc) Retract(_ *Context, a []types.Datum) error {
	if !a[0].IsNull() {
		s.m.remove(a[0].Float())
	}
	return nil
}

func (s *floatStatAcc) Result(*Context) (types.Datum, error) {
	n := s.m.n
	switch s.kind {
	case statAvg:
		if n == 0 {
			return types.Null, nil
		}
		return types.NewFloat(s.m.sx / n), nil
	case statVarPop, statStddevPop:
		if n == 0 {
			return types.Null, nil
		}
		v := s.m.sxx / n
		if s.kind == statStddevPop {
			v = math.Sqrt(v)
		}
		return types.NewFloat(v), nil
	}
	if n <= 1 {
		return types.Null, nil
	}
	v := s.m.sxx / (n - 1)
	if s.kind == statStddevSamp {
		v = math.Sqrt(v)
	}
	return types.NewFloat(v), nil
}

// numStatAcc is variance and standard deviation over integers or
// numerics (numeric_stddev_internal): exact sums, then one rounded
// division with select_div_scale and a square root at the same scale.
type numStatAcc struct {
	numSum
	sumX2 apd.Decimal
	isInt bool
	kind  statKind
}

func (s *numStatAcc) Add(_ *Context, a []types.Datum) error {
	return s.update(a, 1)
}

func (s *numStatAcc) Retract(_ *Context, a []types.Datum) error {
	return s.update(a, -1)
}

func (s *numStatAcc) update(a []types.Datum, sign int64) error {
	if a[0].IsNull() {
		return nil
	}
	var x *apd.Decimal
	if s.isInt {
		x = decFromInt(a[0].Int())
	} else {
		x = a[0].Decimal()
	}
	s.numSum.update(x, sign)
	if !isSpecial(x) {
		sq := new(apd.Decimal)
		_, _ = exactCtx.Mul(sq, x, x)
		if sign > 0 {
			_, _ = exactCtx.Add(&s.sumX2, &s.sumX2, sq)
		} else {
			_, _ = exactCtx.Sub(&s.sumX2, &s.sumX2, sq)
		}
	}
	return nil
}

func (s *numStatAcc) Result(*Context) (types.Datum, error) {
	sample := s.kind == statVarSamp || s.kind == statStddevSamp
	if s.n == 0 || (sample && s.n <= 1) {
		return types.Null, nil
	}
	if s.nan > 0 || s.pInf > 0 || s.nInf > 0 {
		return types.NewDecimal(decNaN), nil
	}
	vN := decFromInt(s.n)
	// numerator = N * sumX2 - sumX * sumX
	sq := new(apd.Decimal)
	_, _ = exactCtx.Mul(sq, &s.sum, &s.sum)
	num := new(apd.Decimal)
	_, _ = exactCtx.Mul(num, vN, &s.sumX2)
	_, _ = exactCtx.Sub(num, num, sq)
	if num.Sign() <= 0 {
		return types.NewDecimal(apd.New(0, 0)), nil
	}
	den := new(apd.Decimal)
	if sample {
		_, _ = exactCtx.Mul(den, vN, decFromInt(s.n-1))
	} else {
		_, _ = exactCtx.Mul(den, vN, vN)
	}
	rscale := divScale(num, den)
	v := new(apd.Decimal)
	divRound(v, num, den, rscale, false)
	if s.kind == statStddevSamp || s.kind == statStddevPop {
		r := new(apd.Decimal)
		sqrtRound(r, v, rscale)
		v = r
	}
	return decDatum(v, nil)
}

// sum and avg of intervals.
type intervalSumAcc struct {
	n   int64
	sum types.IntervalValue
	avg bool
}

func (s *intervalSumAcc) Add(_ *Context, a []types.Datum) error {
	if a[0].IsNull() {
		return nil
	}
	r, err := intervalAdd(s.sum, a[0].Interval())
	if err != nil {
		return err
	}
	s.n++
	s.sum = r
	return nil
}

func (s *intervalSumAcc) Retract(_ *Context, a []types.Datum) error {
	if a[0].IsNull() {
		return nil
	}
	r, err := intervalSub(s.sum, a[0].Interval())
	if err != nil {
		return err
	}
	s.n--
	s.sum = r
	return nil
}

func (s *intervalSumAcc) Result(*Context) (types.Datum, error) {
	if s.n == 0 {
		return types.Null, nil
	}
	if s.avg {
		return ivDatum(intervalDiv(s.sum, float64(s.n)))
	}
	return types.NewInterval(s.sum), nil
}

// min and max over any comparable type.
type minMaxAcc struct {
	best types.Datum
	max  bool
}

func (m *minMaxAcc) Add(_ *Context, a []types.Datum) error {
	v := a[0]
	if v.IsNull() {
		return nil
	}
	if m.best.IsNull() {
		m.best = v
		return nil
	}
	c := types.Compare(v, m.best)
	if (m.max && c > 0) || (!m.max && c < 0) {
		m.best = v
	}
	return nil
}

func (m *minMaxAcc) Result(*Context) (types.Datum, error) { return m.best, nil }

// bool_and / bool_or / every.
type boolAcc struct {
	seen, result bool
	and          bool
}

func (b *boolAcc) Add(_ *Context, a []types.Datum) error {
	if a[0].IsNull() {
		return nil
	}
	v := a[0].Bool()
	if !b.seen {
		b.seen, b.result = true, v
		return nil
	}
	if b.and {
		b.result = b.result && v
	} else {
		b.result = b.result || v
	}
	return nil
}

func (b *boolAcc) Result(*Context) (types.Datum, error) {
	if !b.seen {
		return types.Null, nil
	}
	return types.NewBool(b.result), nil
}

// bit_and / bit_or / bit_xor over integers.
type bitAcc struct {
	seen bool
	v    int64
	op   byte
}

func (b *bitAcc) Add(_ *Context, a []types.Datum) error {
	if a[0].IsNull() {
		return nil
	}
	x := a[0].Int()
	if !b.seen {
		b.seen, b.v = true, x
		return nil
	}
	switch b.op {
	case '&':
		b.v &= x
	case '|':
		b.v |= x
	default:
		b.v ^= x
	}
	return nil
}

func (b *bitAcc) Result(*Context) (types.Datum, error) {
	if !b.seen {
		return types.Null, nil
	}
	return types.NewInt(b.v), nil
}

// string_agg(value, delimiter): the delimiter of each row but the first
// goes before its value; NULL values are skipped, a NULL delimiter adds
// nothing.
type stringAggAcc struct {
	sb    strings.Builder
	seen  bool
	bytes bool
}

func (s *stringAggAcc) Add(_ *Context, a []types.Datum) error {
	if a[0].IsNull() {
		return nil
	}
	if s.seen && !a[1].IsNull() {
		s.sb.WriteString(a[1].Str())
	}
	s.seen = true
	s.sb.WriteString(a[0].Str())
	return nil
}

func (s *stringAggAcc) Result(*Context) (types.Datum, error) {
	if !s.seen {
		return types.Null, nil
	}
	if s.bytes {
		return types.NewBytesString(s.sb.String()), nil
	}
	return str(s.sb.String()), nil
}

// array_agg keeps NULL elements; no rows gives NULL.
type arrayAggAcc struct {
	elems []types.Datum
	seen  bool
}

func (s *arrayAggAcc) Add(_ *Context, a []types.Datum) error {
	s.seen = true
	s.elems = append(s.elems, a[0])
	return nil
}

func (s *arrayAggAcc) Result(*Context) (types.Datum, error) {
	if !s.seen {
		return types.Null, nil
	}
	out := make([]types.Datum, len(s.elems))
	copy(out, s.elems)
	return types.NewArray(out), nil
}

// jsonb_agg / json_agg collect values (NULLs as null) into a JSON array.
type jsonAggAcc struct {
	t     types.Type
	jsonb bool
	elems []types.Datum
}

func (s *jsonAggAcc) Add(_ *Context, a []types.Datum) error {
	s.elems = append(s.elems, a[0])
	return nil
}

func (s *jsonAggAcc) Result(ctx *Context) (types.Datum, error) {
	if len(s.elems) == 0 {
		return types.Null, nil
	}
	env := envOf(ctx)
	if s.jsonb {
		arr := &jnode{kind: jArray}
		for _, e := range s.elems {
			n, err := toJSONNode(e, s.t, env)
			if err != nil {
				return types.Null, err
			}
			arr.elems = append(arr.elems, n)
		}
		return jsonbDatum(arr), nil
	}
	b := []byte{'['}
	for i, e := range s.elems {
		if i > 0 {
			b = append(b, ", "...)
		}
		var err error
		if b, err = appendJSONValue(b, e, s.t, env); err != nil {
			return types.Null, err
		}
	}
	return types.NewJSON(string(append(b, ']'))), nil
}

func agg(name string, args []types.Type, ret types.Type, newAcc func() Accumulator) *Aggregate {
	return &Aggregate{Name: name, Args: args, Ret: ret, New: newAcc}
}

func init() {
	registerAgg(
		agg("count", nil, tInt8, func() Accumulator { return &countAcc{star: true} }),
		agg("count", ts(Any), tInt8, func() Accumulator { return &countAcc{} }),
	)
	for _, t := range []types.Type{tInt2, tInt4} {
		registerAgg(
			agg("sum", ts(t), tInt8, func() Accumulator { return &intSumAcc{} }),
			agg("avg", ts(t), tNumeric, func() Accumulator { return &intSumAcc{avg: true} }),
		)
	}
	registerAgg(
		agg("sum", ts(tInt8), tNumeric, func() Accumulator { return &intSumAcc{toNumeric: true} }),
		agg("avg", ts(tInt8), tNumeric, func() Accumulator { return &intSumAcc{avg: true} }),
		agg("sum", ts(tNumeric), tNumeric, func() Accumulator { return &numSumAcc{} }),
		agg("avg", ts(tNumeric), tNumeric, func() Accumulator { return &numSumAcc{avg: true} }),
		agg("sum", ts(tFloat4), tFloat4, func() Accumulator { return &floatSumAcc{real: true} }),
		agg("sum", ts(tFloat8), tFloat8, func() Accumulator { return &floatSumAcc{} }),
		agg("sum", ts(tInterval), tInterval, func() Accumulator { return &intervalSumAcc{} }),
		agg("avg", ts(tInterval), tInterval, func() Accumulator { return &intervalSumAcc{avg: true} }),
		agg("bool_and", ts(tBool), tBool, func() Accumulator { return &boolAcc{and: true} }),
		agg("every", ts(tBool), tBool, func() Accumulator { return &boolAcc{and: true} }),
		agg("bool_or", ts(tBool), tBool, func() Accumulator { return &boolAcc{} }),
		&Aggregate{Name: "string_agg", Args: ts(tText, tText), Ret: tText, KeepNulls: true,
			New: func() Accumulator { return &stringAggAcc{} }},
		&Aggregate{Name: "string_agg", Args: ts(tBytea, tBytea), Ret: tBytea, KeepNulls: true,
			New: func() Accumulator { return &stringAggAcc{bytes: true} }},
		&Aggregate{Name: "array_agg", Args: ts(AnyNonArray), Ret: AnyArray, KeepNulls: true,
			New: func() Accumulator { return &arrayAggAcc{} }},
		&Aggregate{Name: "min", Args: ts(AnyElement), Ret: AnyElement, New: func() Accumulator { return &minMaxAcc{} }},
		&Aggregate{Name: "max", Args: ts(AnyElement), Ret: AnyElement, New: func() Accumulator { return &minMaxAcc{max: true} }},
	)
	for _, t := range []types.Type{tFloat4, tFloat8} {
		registerAgg(agg("avg", ts(t), tFloat8, func() Accumulator { return &floatStatAcc{kind: statAvg} }))
	}
	stats := []struct {
		name string
		kind statKind
	}{
		{"variance", statVarSamp}, {"var_samp", statVarSamp}, {"var_pop", statVarPop},
		{"stddev", statStddevSamp}, {"stddev_samp", statStddevSamp}, {"stddev_pop", statStddevPop},
	}
	for _, st := range stats {
		kind := st.kind
		for _, t := range []types.Type{tInt2, tInt4, tInt8} {
			registerAgg(agg(st.name, ts(t), tNumeric, func() Accumulator { return &numStatAcc{isInt: true, kind: kind} }))
		}
		registerAgg(
			agg(st.name, ts(tNumeric), tNumeric, func() Accumulator { return &numStatAcc{kind: kind} }),
			agg(st.name, ts(tFloat4), tFloat8, func() Accumulator { return &floatStatAcc{kind: kind} }),
			agg(st.name, ts(tFloat8), tFloat8, func() Accumulator { return &floatStatAcc{kind: kind} }),
		)
	}
	for _, t := range []types.Type{tInt2, tInt4, tInt8} {
		registerAgg(
			agg("bit_and", ts(t), t, func() Accumulator { return &bitAcc{op: '&'} }),
			agg("bit_or", ts(t), t, func() Accumulator { return &bitAcc{op: '|'} }),
			agg("bit_xor", ts(t), t, func() Accumulator { return &bitAcc{op: '#'} }),
		)
	}
	for _, jsonb := range []bool{true, false} {
		name, ret := "json_agg", tJSON
		if jsonb {
			name, ret = "jsonb_agg", tJSONB
		}
		jsonb := jsonb
		registerAgg(&Aggregate{Name: name, Args: ts(AnyElement), Ret: ret, KeepNulls: true,
			bind: func(args []types.Type) func() Accumulator {
				t := args[0]
				return func() Accumulator { return &jsonAggAcc{t: t, jsonb: jsonb} }
			}})
	}
}

var (
	_ Retractor = (*countAcc)(nil)
	_ Retractor = (*intSumAcc)(nil)
	_ Retractor = (*numSumAcc)(nil)
	_ Retractor = (*floatSumAcc)(nil)
	_ Retractor = (*floatStatAcc)(nil)
	_ Retractor = (*numStatAcc)(nil)
	_ Retractor = (*intervalSumAcc)(nil)

	_ Accumulator = (*countAcc)(nil)
	_ Accumulator = (*intSumAcc)(nil)
	_ Accumulator = (*numSumAcc)(nil)
	_ Accumulator = (*floatSumAcc)(nil)
	_ Accumulator = (*floatStatAcc)(nil)
	_ Accumulator = (*numStatAcc)(nil)
	_ Accumulator = (*intervalSumAcc)(nil)
	_ Accumulator = (*minMaxAcc)(nil)
	_ Accumulator = (*boolAcc)(nil)
	_ Accumulator = (*bitAcc)(nil)
	_ Accumulator = (*stringAggAcc)(nil)
	_ Accumulator = (*arrayAggAcc)(nil)
	_ Accumulator = (*jsonAggAcc)(nil)
)
