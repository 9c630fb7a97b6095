package format

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"strings"

	"github.com/cockroachdb/apd/v3"
	"github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// avroDecoder decodes FORMAT PLAIN ENCODE AVRO: Confluent-framed Avro
// binary whose writer schema the schema registry gives by id.
type avroDecoder struct {
	columnLayout
	cfg     *registryConfig
	schemas schemaCache[*avroPlan]
	r       avroReader
	row     types.Row
}

func newAvroDecoder(cols []connectors.Column, cfg *registryConfig) (*avroDecoder, error) {
	reg, err := newRegistry(cfg)
	if err != nil {
		return nil, err
	}
	d := &avroDecoder{columnLayout: newLayout(cols), cfg: cfg, row: make(types.Row, len(cols))}
	for _, i := range d.payload {
		if err := checkColumnType(cols[i], Avro); err != nil {
			return nil, err
		}
	}
	d.schemas = newSchemaCache(reg, func(ctx context.Context, id uint32, s sr.Schema) (*avroPlan, error) {
		sch, err := parseAvro(ctx, reg, id, s)
		if err != nil {
			return nil, err
		}
		return compileAvro(&d.columnLayout, id, sch, cfg.message, false)
	})
	return d, nil
}

func (d *avroDecoder) MaxRows() int { return 1 }

func (d *avroDecoder) Decode(key, value []byte, meta types.Row, c *chunk.Chunk) (int, error) {
	if len(value) == 0 {
		return 0, nil
	}
	id, payload, err := confluentHeader(value)
	if err != nil {
		return 0, err
	}
	p, err := d.schemas.get(id)
	if err != nil {
		return 0, err
	}
	if err := p.decode(&d.r, payload, d.row); err != nil {
		return 0, err
	}
	d.fillMeta(d.row, meta)
	c.AppendRow(chunk.Insert, d.row)
	return 1, nil
}

// parseAvro parses a registry schema and the schemas it refers to (named
// types defined in other subjects).
func parseAvro(ctx context.Context, reg *registry, id uint32, s sr.Schema) (avro.Schema, error) {
	if s.Type != sr.TypeAvro {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "schema id %d is a %s schema, not AVRO", id, s.Type)
	}
	// A cache per schema: hamba's default cache is global, and one name
	// may mean different types in different schemas.
	cache := &avro.SchemaCache{}
	refs, err := reg.references(ctx, s)
	if err != nil {
		return nil, err
	}
	for _, ref := range refs {
		if _, err := avro.ParseWithCache(ref.text, "", cache); err != nil {
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "invalid Avro schema referenced as \"%s\" by schema id %d: %v", ref.name, id, err)
		}
	}
	sch, err := avro.ParseWithCache(s.Schema, "", cache)
	if err != nil {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "invalid Avro schema (id %d): %v", id, err)
	}
	return sch, nil
}

// avroRecord returns the record schema a value schema must be.
func avroRecord(id uint32, s avro.Schema, message string) (*avro.RecordSchema, error) {
	rec, ok := derefAvro(s).(*avro.RecordSchema)
	if !ok {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "schema id %d is an Avro %s, not a record", id, avroTypeName(s))
	}
	if message != "" && rec.FullName() != message && rec.Name() != message {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "schema id %d is Avro record \"%s\", not \"%s\" (option message)", id, rec.FullName(), message)
	}
	return rec, nil
}

// avroPlan decodes the records of one writer schema: one step per field
// of the top-level record, in order.
type avroPlan struct {
	id    uint32
	steps []avroStep
	// absent are the payload columns no field fills (NULL).
	absent []int
}

// avroStep reads one field into the columns named after it (usually one;
// several when columns differ only in case), or skips it.
type avroStep struct {
	cols  []int
	names []string
	reads []avroRead
	skip  avroSkip
}

type (
	avroRead func(r *avroReader) (types.Datum, error)
	avroSkip func(r *avroReader)
)

// compileAvro maps the payload columns onto the fields of schema s: a
// column takes the field of its name, else the first whose name matches
// ignoring ASCII case. With strict (CREATE time, on the latest schema), a
// column without a field is 42703; otherwise it is NULL.
func compileAvro(l *columnLayout, id uint32, s avro.Schema, message string, strict bool) (*avroPlan, error) {
	rec, err := avroRecord(id, s, message)
	if err != nil {
		return nil, err
	}
	fields := rec.Fields()
	byField := make([][]int, len(fields))
	p := &avroPlan{id: id}
	for _, i := range l.payload {
		name := l.cols[i].Name
		f := -1
		for j, fd := range fields {
			if fd.Name() == name {
				f = j
				break
			}
		}
		for j := 0; f < 0 && j < len(fields); j++ {
			if strings.EqualFold(fields[j].Name(), name) {
				f = j
			}
		}
		if f < 0 {
			if strict {
				return nil, sqlerr.New(sqlerr.UndefinedColumn, "column \"%s\" is not a field of Avro record \"%s\" (schema id %d)", name, rec.FullName(), id).
					WithHint("Fields: %s.", avroFieldNames(fields))
			}
			p.absent = append(p.absent, i)
			continue
		}
		byField[f] = append(byField[f], i)
	}
	c := newAvroCompiler()
	for j, fd := range fields {
		st := avroStep{cols: byField[j]}
		if len(st.cols) == 0 {
			st.skip = c.skip(fd.Type())
		}
		for _, i := range st.cols {
			col := l.cols[i]
			rd, err := c.read(fd.Type(), col.Type, "Avro field \""+fd.Name()+"\" of type "+avroTypeName(fd.Type()))
			if err != nil {
				return nil, columnError(col.Name, err)
			}
			st.names = append(st.names, col.Name)
			st.reads = append(st.reads, rd)
		}
		p.steps = append(p.steps, st)
	}
	return p, nil
}

func avroFieldNames(fields []*avro.Field) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name()
	}
	return strings.Join(names, ", ")
}

// decode reads one record's payload into row's payload columns.
func (p *avroPlan) decode(r *avroReader, payload []byte, row types.Row) error {
	r.reset(payload)
	for _, st := range p.steps {
		if st.skip != nil {
			st.skip(r)
			continue
		}
		start := r.b
		for k, rd := range st.reads {
			r.b = start
			d, err := rd(r)
			if r.err != nil {
				break
			}
			if err != nil {
				return columnError(st.names[k], err)
			}
			row[st.cols[k]] = d
		}
		if r.err != nil {
			break
		}
	}
	if r.err != nil {
		return sqlerr.New(sqlerr.InvalidBinaryRepresentation, "invalid Avro record (schema id %d): %s", p.id, r.err.Error())
	}
	if len(r.b) > 0 {
		return sqlerr.New(sqlerr.InvalidBinaryRepresentation, "invalid Avro record (schema id %d): %d byte(s) left after the record", p.id, len(r.b))
	}
	for _, i := range p.absent {
		row[i] = types.Null
	}
	return nil
}

// avroReader reads Avro's binary encoding from a byte slice. The first
// error sticks: later reads return zero values.
type avroReader struct {
	b     []byte
	err   error
	depth int
}

// maxAvroDepth bounds the nesting of records, arrays and maps.
const maxAvroDepth = 200

var (
	errAvroTruncated = fmt.Errorf("the record is truncated")
	errAvroVarint    = fmt.Errorf("an integer is longer than 10 bytes")
	errAvroDepth     = fmt.Errorf("values nest more than %d deep", maxAvroDepth)
)

func (r *avroReader) reset(b []byte) { r.b, r.err, r.depth = b, nil, 0 }

func (r *avroReader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
	r.b = nil
}

// long reads a zigzag varint.
func (r *avroReader) long() int64 {
	u, n := binary.Uvarint(r.b)
	if n <= 0 {
		if n == 0 {
			r.fail(errAvroTruncated)
		} else {
			r.fail(errAvroVarint)
		}
		return 0
	}
	r.b = r.b[n:]
	return int64(u>>1) ^ -int64(u&1)
}

func (r *avroReader) int() int32 {
	v := r.long()
	if v < math.MinInt32 || v > math.MaxInt32 {
		r.fail(fmt.Errorf("an int is out of range: %d", v))
		return 0
	}
	return int32(v)
}

func (r *avroReader) next(n int) []byte {
	if n < 0 || n > len(r.b) {
		r.fail(errAvroTruncated)
		return nil
	}
	b := r.b[:n:n]
	r.b = r.b[n:]
	return b
}

// bytes reads a length-prefixed byte string; the result aliases the
// record.
func (r *avroReader) bytes() []byte {
	n := r.long()
	if r.err != nil {
		return nil
	}
	if n < 0 || n > int64(len(r.b)) {
		r.fail(errAvroTruncated)
		return nil
	}
	return r.next(int(n))
}

func (r *avroReader) boolean() bool {
	b := r.next(1)
	if b == nil {
		return false
	}
	if b[0] > 1 {
		r.fail(fmt.Errorf("invalid boolean byte 0x%02x", b[0]))
	}
	return b[0] == 1
}

func (r *avroReader) float() float32 {
	b := r.next(4)
	if b == nil {
		return 0
	}
	return math.Float32frombits(binary.LittleEndian.Uint32(b))
}

func (r *avroReader) double() float64 {
	b := r.next(8)
	if b == nil {
		return 0
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(b))
}

// blocks reads an array's or map's blocks, calling item for each item.
func (r *avroReader) blocks(item func()) {
	r.depth++
	if r.depth > maxAvroDepth {
		r.fail(errAvroDepth)
	}
	for r.err == nil {
		n := r.long()
		if n == 0 || r.err != nil {
			break
		}
		if n < 0 {
			n = -n
			r.long() // the block's size in bytes
		}
		// Every item takes at least... nothing (null items), so bound the
		// count by what is left to catch garbage counts cheaply.
		if n > int64(len(r.b))+1<<16 {
			r.fail(errAvroTruncated)
			break
		}
		for ; n > 0 && r.err == nil; n-- {
			item()
		}
	}
	r.depth--
}

func (r *avroReader) enter() bool {
	r.depth++
	if r.depth > maxAvroDepth {
		r.fail(errAvroDepth)
		return false
	}
	return true
}

// derefAvro follows a reference to a named type.
func derefAvro(s avro.Schema) avro.Schema {
	if ref, ok := s.(*avro.RefSchema); ok {
		return ref.Schema()
	}
	return s
}

// logicalOf returns a schema's logical type: hamba's parsed one, or the
// logicalType property for the ones it does not know (timestamp-nanos).
func logicalOf(s avro.Schema) string {
	if ls, ok := s.(avro.LogicalTypeSchema); ok && ls.Logical() != nil {
		return string(ls.Logical().Type())
	}
	if ps, ok := s.(*avro.PrimitiveSchema); ok {
		if lt, ok := ps.Prop("logicalType").(string); ok {
			return lt
		}
	}
	return ""
}

// avroTypeName names a schema's type for messages: "long",
// "long (timestamp-millis)", "record Foo", "union [null, string]".
func avroTypeName(s avro.Schema) string {
	s = derefAvro(s)
	switch s := s.(type) {
	case *avro.RecordSchema:
		return "record " + s.FullName()
	case *avro.EnumSchema:
		return "enum " + s.FullName()
	case *avro.UnionSchema:
		names := make([]string, len(s.Types()))
		for i, t := range s.Types() {
			names[i] = avroTypeName(t)
		}
		return "union [" + strings.Join(names, ", ") + "]"
	case *avro.ArraySchema:
		return "array of " + avroTypeName(s.Items())
	case *avro.MapSchema:
		return "map of " + avroTypeName(s.Values())
	}
	if lt := logicalOf(s); lt != "" {
		return fmt.Sprintf("%s (%s)", s.Type(), lt)
	}
	return string(s.Type())
}

// avroType returns the SQL type an Avro schema maps to, as RisingWave
// maps it, with jsonb where RisingWave has struct and map types:
//
//	boolean                      boolean
//	int, long                    integer, bigint
//	float, double                real, double precision
//	string, enum, uuid           varchar
//	bytes, fixed                 bytea
//	decimal                      numeric
//	date                         date
//	time-millis, time-micros     time
//	timestamp-millis/micros/nanos        timestamptz
//	local-timestamp-millis/micros/nanos  timestamp
//	duration                     interval
//	array of a scalar            an array of its type
//	record, map, other arrays    jsonb
//	union [null, T]              T's type; other unions jsonb
func avroType(s avro.Schema) types.Type {
	s = derefAvro(s)
	switch s := s.(type) {
	case *avro.UnionSchema:
		var t *types.Type
		for _, b := range s.Types() {
			if b.Type() == avro.Null {
				continue
			}
			bt := avroType(b)
			if t != nil && *t != bt {
				return types.TJsonb
			}
			t = &bt
		}
		if t == nil {
			return types.TVarchar
		}
		return *t
	case *avro.ArraySchema:
		et := avroType(s.Items())
		if isScalarType(et) {
			return types.ArrayOf(et.ID)
		}
		return types.TJsonb
	case *avro.RecordSchema, *avro.MapSchema:
		return types.TJsonb
	case *avro.EnumSchema:
		return types.TVarchar
	case *avro.FixedSchema:
		switch logicalOf(s) {
		case string(avro.Decimal):
			return types.TNumeric
		case string(avro.Duration):
			return types.TInterval
		}
		return types.TBytea
	}
	switch logicalOf(s) {
	case string(avro.Decimal):
		return types.TNumeric
	case string(avro.Date):
		return types.TDate
	case string(avro.TimeMillis), string(avro.TimeMicros):
		return types.TTime
	case string(avro.TimestampMillis), string(avro.TimestampMicros), "timestamp-nanos":
		if s.Type() == avro.Long {
			return types.TTimestamptz
		}
	case string(avro.LocalTimestampMillis), string(avro.LocalTimestampMicros), "local-timestamp-nanos":
		if s.Type() == avro.Long {
			return types.TTimestamp
		}
	}
	switch s.Type() {
	case avro.Boolean:
		return types.TBool
	case avro.Int:
		return types.TInt4
	case avro.Long:
		return types.TInt8
	case avro.Float:
		return types.TFloat4
	case avro.Double:
		return types.TFloat8
	case avro.Bytes:
		return types.TBytea
	}
	return types.TVarchar // string, null
}

func isScalarType(t types.Type) bool {
	return t.ID != types.Array && t.ID != types.Jsonb && t.ID != types.Json
}

// avroCompiler builds the read and skip functions of one schema. Named
// records are compiled once, so recursive types terminate.
type avroCompiler struct {
	skips map[string]*avroSkip
	jsons map[string]*avroJSON
}

// avroJSON appends a value as JSON text.
type avroJSON func(r *avroReader, b []byte) []byte

func newAvroCompiler() *avroCompiler {
	return &avroCompiler{skips: map[string]*avroSkip{}, jsons: map[string]*avroJSON{}}
}

// read returns a function reading a value of schema s as a datum of type
// t. what describes the value for errors.
func (c *avroCompiler) read(s avro.Schema, t types.Type, what string) (avroRead, error) {
	s = derefAvro(s)
	if u, ok := s.(*avro.UnionSchema); ok {
		return c.union(u, t, what)
	}
	if t.ID == types.Json || t.ID == types.Jsonb {
		return c.jsonText(s, t), nil
	}
	if arr, ok := s.(*avro.ArraySchema); ok && t.ID == types.Array {
		elem, err := c.read(arr.Items(), types.Type{ID: t.Elem}, what)
		if err != nil {
			return nil, err
		}
		return func(r *avroReader) (types.Datum, error) {
			var out []types.Datum
			var ferr error
			r.blocks(func() {
				d, err := elem(r)
				if err != nil && ferr == nil {
					ferr = err
				}
				out = append(out, d)
			})
			if ferr != nil {
				return types.Null, ferr
			}
			return types.NewArray(out), nil
		}, nil
	}
	raw := c.scalar(s)
	if raw == nil {
		// A record, map or array into a string column: its JSON text.
		if t.IsString() {
			return c.jsonText(s, t), nil
		}
		return nil, sqlerr.New(sqlerr.DatatypeMismatch, "%s cannot be read as type %s", what, t)
	}
	conv, err := converter(avroType(s), t, what)
	if err != nil {
		return nil, err
	}
	if conv == nil {
		return raw, nil
	}
	return func(r *avroReader) (types.Datum, error) {
		d, err := raw(r)
		if err != nil || d.IsNull() {
			return d, err
		}
		return conv(d)
	}, nil
}

// union reads a union: the branch index, then that branch. A branch
// that cannot be read as t fails only the records that use it; the union
// must have at least one branch that can.
func (c *avroCompiler) union(u *avro.UnionSchema, t types.Type, what string) (avroRead, error) {
	branches := make([]avroRead, len(u.Types()))
	var first error
	usable := false
	for i, b := range u.Types() {
		if b.Type() == avro.Null {
			branches[i] = func(*avroReader) (types.Datum, error) { return types.Null, nil }
			continue
		}
		rd, err := c.read(b, t, what)
		if err != nil {
			if first == nil {
				first = err
			}
			skip := c.skip(b)
			rd = func(r *avroReader) (types.Datum, error) { skip(r); return types.Null, err }
		} else {
			usable = true
		}
		branches[i] = rd
	}
	if !usable && first != nil {
		return nil, first
	}
	return func(r *avroReader) (types.Datum, error) {
		i := r.long()
		if r.err != nil {
			return types.Null, nil
		}
		if i < 0 || i >= int64(len(branches)) {
			r.fail(fmt.Errorf("union branch %d out of range", i))
			return types.Null, nil
		}
		return branches[i](r)
	}, nil
}

// scalar returns a function reading a value of s as a datum of
// avroType(s), or nil for records, maps, arrays and unions.
func (c *avroCompiler) scalar(s avro.Schema) avroRead {
	switch s := s.(type) {
	case *avro.NullSchema:
		return func(*avroReader) (types.Datum, error) { return types.Null, nil }
	case *avro.EnumSchema:
		syms := make([]types.Datum, len(s.Symbols()))
		for i, sym := range s.Symbols() {
			syms[i] = types.NewString(sym)
		}
		return func(r *avroReader) (types.Datum, error) {
			i := r.long()
			if r.err != nil {
				return types.Null, nil
			}
			if i < 0 || i >= int64(len(syms)) {
				r.fail(fmt.Errorf("enum symbol %d out of range", i))
				return types.Null, nil
			}
			return syms[i], nil
		}
	case *avro.FixedSchema:
		size := s.Size()
		switch logicalOf(s) {
		case string(avro.Decimal):
			scale := s.Logical().(*avro.DecimalLogicalSchema).Scale()
			return func(r *avroReader) (types.Datum, error) {
				return decimalDatum(r.next(size), scale), nil
			}
		case string(avro.Duration):
			if size == 12 {
				return func(r *avroReader) (types.Datum, error) {
					b := r.next(12)
					if b == nil {
						return types.Null, nil
					}
					months := binary.LittleEndian.Uint32(b)
					days := binary.LittleEndian.Uint32(b[4:])
					ms := binary.LittleEndian.Uint32(b[8:])
					if months > math.MaxInt32 || days > math.MaxInt32 {
						return types.Null, sqlerr.New(sqlerr.DatetimeFieldOverflow, "interval out of range")
					}
					return types.NewInterval(types.IntervalValue{Months: int32(months), Days: int32(days), Micros: int64(ms) * 1000}), nil
				}
			}
		}
		return func(r *avroReader) (types.Datum, error) { return types.NewBytes(r.next(size)), nil }
	case *avro.PrimitiveSchema:
		lt := logicalOf(s)
		switch s.Type() {
		case avro.Boolean:
			return func(r *avroReader) (types.Datum, error) { return types.NewBool(r.boolean()), nil }
		case avro.Int:
			switch lt {
			case string(avro.Date):
				return func(r *avroReader) (types.Datum, error) { return dateDatum(int64(r.int())) }
			case string(avro.TimeMillis):
				return func(r *avroReader) (types.Datum, error) { return timeDatum(int64(r.int()) * 1000) }
			}
			return func(r *avroReader) (types.Datum, error) { return types.NewInt(int64(r.int())), nil }
		case avro.Long:
			unit, tz := int64(0), false
			switch lt {
			case string(avro.TimeMicros):
				return func(r *avroReader) (types.Datum, error) { return timeDatum(r.long()) }
			case string(avro.TimestampMillis):
				unit, tz = 1000, true
			case string(avro.TimestampMicros):
				unit, tz = 1, true
			case "timestamp-nanos":
				unit, tz = -1000, true
			case string(avro.LocalTimestampMillis):
				unit = 1000
			case string(avro.LocalTimestampMicros):
				unit = 1
			case "local-timestamp-nanos":
				unit = -1000
			}
			if unit != 0 {
				return func(r *avroReader) (types.Datum, error) { return timestampDatum(r.long(), unit, tz) }
			}
			return func(r *avroReader) (types.Datum, error) { return types.NewInt(r.long()), nil }
		case avro.Float:
			return func(r *avroReader) (types.Datum, error) { return types.NewFloat(float64(r.float())), nil }
		case avro.Double:
			return func(r *avroReader) (types.Datum, error) { return types.NewFloat(r.double()), nil }
		case avro.String:
			return func(r *avroReader) (types.Datum, error) { return types.NewString(string(r.bytes())), nil }
		case avro.Bytes:
			if lt == string(avro.Decimal) {
				scale := s.Logical().(*avro.DecimalLogicalSchema).Scale()
				return func(r *avroReader) (types.Datum, error) { return decimalDatum(r.bytes(), scale), nil }
			}
			return func(r *avroReader) (types.Datum, error) { return types.NewBytes(r.bytes()), nil }
		case avro.Null:
			return func(*avroReader) (types.Datum, error) { return types.Null, nil }
		}
	}
	return nil
}

// decimalDatum reads an Avro decimal: the unscaled value as big-endian
// two's complement.
func decimalDatum(b []byte, scale int) types.Datum {
	if len(b) == 0 {
		return types.NewDecimal(apd.New(0, int32(-scale)))
	}
	if len(b) <= 8 {
		v := int64(int8(b[0]))
		for _, x := range b[1:] {
			v = v<<8 | int64(x)
		}
		return types.NewDecimal(apd.New(v, int32(-scale)))
	}
	n := new(big.Int).SetBytes(b)
	if b[0]&0x80 != 0 {
		n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	return types.NewDecimal(apd.NewWithBigInt(new(apd.BigInt).SetMathBigInt(n), int32(-scale)))
}

// skip returns a function that reads past a value of schema s.
func (c *avroCompiler) skip(s avro.Schema) avroSkip {
	s = derefAvro(s)
	switch s := s.(type) {
	case *avro.RecordSchema:
		name := s.FullName()
		if p, ok := c.skips[name]; ok {
			return func(r *avroReader) { (*p)(r) }
		}
		p := new(avroSkip)
		c.skips[name] = p
		fields := make([]avroSkip, len(s.Fields()))
		for i, f := range s.Fields() {
			fields[i] = c.skip(f.Type())
		}
		*p = func(r *avroReader) {
			if !r.enter() {
				return
			}
			for _, f := range fields {
				f(r)
			}
			r.depth--
		}
		return *p
	case *avro.UnionSchema:
		branches := make([]avroSkip, len(s.Types()))
		for i, b := range s.Types() {
			branches[i] = c.skip(b)
		}
		return func(r *avroReader) {
			i := r.long()
			if r.err == nil && (i < 0 || i >= int64(len(branches))) {
				r.fail(fmt.Errorf("union branch %d out of range", i))
			}
			if r.err == nil {
				branches[i](r)
			}
		}
	case *avro.ArraySchema:
		item := c.skip(s.Items())
		return func(r *avroReader) { r.blocks(func() { item(r) }) }
	case *avro.MapSchema:
		val := c.skip(s.Values())
		return func(r *avroReader) { r.blocks(func() { r.bytes(); val(r) }) }
	case *avro.EnumSchema:
		return func(r *avroReader) { r.long() }
	case *avro.FixedSchema:
		n := s.Size()
		return func(r *avroReader) { r.next(n) }
	}
	switch s.Type() {
	case avro.Boolean:
		return func(r *avroReader) { r.next(1) }
	case avro.Int, avro.Long:
		return func(r *avroReader) { r.long() }
	case avro.Float:
		return func(r *avroReader) { r.next(4) }
	case avro.Double:
		return func(r *avroReader) { r.next(8) }
	case avro.String, avro.Bytes:
		return func(r *avroReader) { r.bytes() }
	}
	return func(*avroReader) {} // null
}

// jsonText reads a value of s as the JSON text of type t (json, jsonb or
// a string type).
func (c *avroCompiler) jsonText(s avro.Schema, t types.Type) avroRead {
	w := c.json(s)
	var buf []byte
	return func(r *avroReader) (types.Datum, error) {
		buf = w(r, buf[:0])
		if r.err != nil {
			return types.Null, nil
		}
		return types.ParseText(string(buf), t, env)
	}
}

// json returns a function appending a value of s as JSON: records and
// maps as objects, arrays as arrays, a union's value as itself, scalars
// as appendJSONValue writes their datums.
func (c *avroCompiler) json(s avro.Schema) avroJSON {
	s = derefAvro(s)
	switch s := s.(type) {
	case *avro.RecordSchema:
		name := s.FullName()
		if p, ok := c.jsons[name]; ok {
			return func(r *avroReader, b []byte) []byte { return (*p)(r, b) }
		}
		p := new(avroJSON)
		c.jsons[name] = p
		type field struct {
			key []byte
			val avroJSON
		}
		fields := make([]field, len(s.Fields()))
		for i, f := range s.Fields() {
			fields[i] = field{AppendJSONString(nil, f.Name()), c.json(f.Type())}
		}
		*p = func(r *avroReader, b []byte) []byte {
			if !r.enter() {
				return b
			}
			b = append(b, '{')
			for i, f := range fields {
				if i > 0 {
					b = append(b, ", "...)
				}
				b = append(b, f.key...)
				b = append(b, ": "...)
				b = f.val(r, b)
			}
			r.depth--
			return append(b, '}')
		}
		return *p
	case *avro.UnionSchema:
		branches := make([]avroJSON, len(s.Types()))
		for i, br := range s.Types() {
			branches[i] = c.json(br)
		}
		return func(r *avroReader, b []byte) []byte {
			i := r.long()
			if r.err == nil && (i < 0 || i >= int64(len(branches))) {
				r.fail(fmt.Errorf("union branch %d out of range", i))
			}
			if r.err != nil {
				return b
			}
			return branches[i](r, b)
		}
	case *avro.ArraySchema:
		item := c.json(s.Items())
		return func(r *avroReader, b []byte) []byte {
			b = append(b, '[')
			n := 0
			r.blocks(func() {
				if n > 0 {
					b = append(b, ", "...)
				}
				n++
				b = item(r, b)
			})
			return append(b, ']')
		}
	case *avro.MapSchema:
		val := c.json(s.Values())
		return func(r *avroReader, b []byte) []byte {
			b = append(b, '{')
			n := 0
			r.blocks(func() {
				if n > 0 {
					b = append(b, ", "...)
				}
				n++
				b = AppendJSONString(b, string(r.bytes()))
				b = append(b, ": "...)
				b = val(r, b)
			})
			return append(b, '}')
		}
	}
	raw := c.scalar(s)
	t := avroType(s)
	return func(r *avroReader, b []byte) []byte {
		d, err := raw(r)
		if err != nil {
			r.fail(err)
			return b
		}
		return appendJSONValue(b, d, t)
	}
}
