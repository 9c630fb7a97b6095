package format

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/linker"
	"github.com/cockroachdb/apd/v3"
	"github.com/twmb/franz-go/pkg/sr"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// protoDecoder decodes FORMAT PLAIN ENCODE PROTOBUF: Confluent-framed
// protobuf whose .proto the schema registry gives by id; every record
// must hold the message the source names.
type protoDecoder struct {
	columnLayout
	cfg     *registryConfig
	schemas schemaCache[*protoPlan]
	index   []int
	row     types.Row
}

func newProtoDecoder(cols []connectors.Column, cfg *registryConfig) (*protoDecoder, error) {
	reg, err := newRegistry(cfg)
	if err != nil {
		return nil, err
	}
	d := &protoDecoder{columnLayout: newLayout(cols), cfg: cfg, row: make(types.Row, len(cols))}
	for _, i := range d.payload {
		if err := checkColumnType(cols[i], Protobuf); err != nil {
			return nil, err
		}
	}
	d.schemas = newSchemaCache(reg, func(ctx context.Context, id uint32, s sr.Schema) (*protoPlan, error) {
		file, md, err := compileProto(ctx, reg, id, s, cfg.message)
		if err != nil {
			return nil, err
		}
		return planProto(&d.columnLayout, id, file, md, false)
	})
	return d, nil
}

func (d *protoDecoder) MaxRows() int { return 1 }

func (d *protoDecoder) Decode(key, value []byte, meta types.Row, c *chunk.Chunk) (int, error) {
	if len(value) == 0 {
		return 0, nil
	}
	id, rest, err := confluentHeader(value)
	if err != nil {
		return 0, err
	}
	d.index, rest, err = messageIndex(rest, d.index)
	if err != nil {
		return 0, err
	}
	p, err := d.schemas.get(id)
	if err != nil {
		return 0, err
	}
	if err := p.decode(d.index, rest, d.row); err != nil {
		return 0, err
	}
	d.fillMeta(d.row, meta)
	c.AppendRow(chunk.Insert, d.row)
	return 1, nil
}

// compileProto compiles a registry schema (.proto text) with the schemas
// it imports and finds the message named message in it.
func compileProto(ctx context.Context, reg *registry, id uint32, s sr.Schema, message string) (protoreflect.FileDescriptor, protoreflect.MessageDescriptor, error) {
	if s.Type != sr.TypeProtobuf {
		return nil, nil, sqlerr.New(sqlerr.InvalidParameterValue, "schema id %d is a %s schema, not PROTOBUF", id, s.Type)
	}
	refs, err := reg.references(ctx, s)
	if err != nil {
		return nil, nil, err
	}
	srcs := make(map[string]string, len(refs)+1)
	for _, ref := range refs {
		srcs[ref.name] = ref.text
	}
	main := fmt.Sprintf("schema-registry-id-%d.proto", id)
	srcs[main] = s.Schema
	comp := protocompile.Compiler{
		Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
			Accessor: protocompile.SourceAccessorFromMap(srcs),
		}),
		MaxParallelism: 1,
	}
	files, err := comp.Compile(ctx, main)
	if err != nil {
		return nil, nil, sqlerr.New(sqlerr.InvalidParameterValue, "invalid protobuf schema (id %d): %v", id, err)
	}
	md, err := findMessage(files, message, id)
	if err != nil {
		return nil, nil, err
	}
	return files[0], md, nil
}

func findMessage(files linker.Files, message string, id uint32) (protoreflect.MessageDescriptor, error) {
	name := protoreflect.FullName(strings.TrimPrefix(message, "."))
	d, err := files.AsResolver().FindDescriptorByName(name)
	if md, ok := d.(protoreflect.MessageDescriptor); err == nil && ok {
		return md, nil
	}
	var names []string
	var walk func(protoreflect.MessageDescriptors)
	walk = func(ms protoreflect.MessageDescriptors) {
		for i := 0; i < ms.Len(); i++ {
			names = append(names, string(ms.Get(i).FullName()))
			walk(ms.Get(i).Messages())
		}
	}
	walk(files[0].Messages())
	return nil, sqlerr.New(sqlerr.InvalidParameterValue, "message \"%s\" is not defined in the protobuf schema (id %d)", message, id).
		WithHint("The schema defines: %s.", strings.Join(names, ", "))
}

// protoPlan decodes the records of one schema id.
type protoPlan struct {
	id  uint32
	fd  protoreflect.FileDescriptor
	md  protoreflect.MessageDescriptor
	msg *dynamicpb.Message
	// index is md's message index in the file (nil when md is in an
	// imported file, where no record's index can point).
	index  []int
	fields []protoField
	absent []int
}

// protoField fills one column from one field.
type protoField struct {
	col  int
	name string
	read func(m protoreflect.Message) (types.Datum, error)
}

// planProto maps the payload columns onto md's fields by name (exact,
// else ignoring ASCII case). With strict, a column without a field is
// 42703; otherwise it is NULL.
func planProto(l *columnLayout, id uint32, file protoreflect.FileDescriptor, md protoreflect.MessageDescriptor, strict bool) (*protoPlan, error) {
	p := &protoPlan{id: id, fd: file, md: md, msg: dynamicpb.NewMessage(md), index: messagePath(file, md)}
	fields := md.Fields()
	for _, i := range l.payload {
		col := l.cols[i]
		f := fields.ByName(protoreflect.Name(col.Name))
		for j := 0; f == nil && j < fields.Len(); j++ {
			if strings.EqualFold(string(fields.Get(j).Name()), col.Name) {
				f = fields.Get(j)
			}
		}
		if f == nil {
			if strict {
				names := make([]string, fields.Len())
				for j := range names {
					names[j] = string(fields.Get(j).Name())
				}
				return nil, sqlerr.New(sqlerr.UndefinedColumn, "column \"%s\" is not a field of protobuf message \"%s\" (schema id %d)", col.Name, md.FullName(), id).
					WithHint("Fields: %s.", strings.Join(names, ", "))
			}
			p.absent = append(p.absent, i)
			continue
		}
		rd, err := protoFieldRead(f, col.Type)
		if err != nil {
			return nil, columnError(col.Name, err)
		}
		p.fields = append(p.fields, protoField{col: i, name: col.Name, read: rd})
	}
	return p, nil
}

// messagePath returns the message index of md in file: the positions of
// it and its enclosing messages.
func messagePath(file protoreflect.FileDescriptor, md protoreflect.MessageDescriptor) []int {
	if md.ParentFile().Path() != file.Path() {
		return nil
	}
	var path []int
	var d protoreflect.Descriptor = md
	for {
		m, ok := d.(protoreflect.MessageDescriptor)
		if !ok {
			break
		}
		path = append(path, m.Index())
		d = m.Parent()
	}
	slices.Reverse(path)
	return path
}

// messageAt returns the message a message index names, or nil.
func messageAt(file protoreflect.FileDescriptor, index []int) protoreflect.MessageDescriptor {
	msgs := file.Messages()
	var md protoreflect.MessageDescriptor
	for _, i := range index {
		if i >= msgs.Len() {
			return nil
		}
		md = msgs.Get(i)
		msgs = md.Messages()
	}
	return md
}

// decode reads one message into row's payload columns.
func (p *protoPlan) decode(index []int, payload []byte, row types.Row) error {
	if !slices.Equal(index, p.index) {
		if md := messageAt(p.fd, index); md != nil {
			return sqlerr.New(sqlerr.InvalidParameterValue, "the record holds protobuf message \"%s\", not \"%s\" (option message)", md.FullName(), p.md.FullName())
		}
		return sqlerr.New(sqlerr.InvalidBinaryRepresentation, "message index %v is not in protobuf schema id %d", index, p.id)
	}
	p.msg.Reset()
	if err := (proto.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(payload, p.msg); err != nil {
		return sqlerr.New(sqlerr.InvalidBinaryRepresentation, "invalid protobuf message \"%s\" (schema id %d): %v", p.md.FullName(), p.id, err)
	}
	m := p.msg.ProtoReflect()
	for _, f := range p.fields {
		d, err := f.read(m)
		if err != nil {
			return columnError(f.name, err)
		}
		row[f.col] = d
	}
	for _, i := range p.absent {
		row[i] = types.Null
	}
	return nil
}

// Well-known message types with a SQL type of their own.
const (
	wktTimestamp = "google.protobuf.Timestamp"
	wktDuration  = "google.protobuf.Duration"
)

// wrapperTypes are the google.protobuf wrappers of one scalar (field 1
// "value"); they read as that scalar, and NULL when absent.
var wrapperTypes = map[protoreflect.FullName]bool{
	"google.protobuf.DoubleValue": true, "google.protobuf.FloatValue": true,
	"google.protobuf.Int64Value": true, "google.protobuf.UInt64Value": true,
	"google.protobuf.Int32Value": true, "google.protobuf.UInt32Value": true,
	"google.protobuf.BoolValue": true, "google.protobuf.StringValue": true,
	"google.protobuf.BytesValue": true,
}

// protoType returns the SQL type a protobuf field maps to, as RisingWave
// maps it, with jsonb for messages and maps:
//
//	bool                                      boolean
//	int32, sint32, sfixed32                   integer
//	int64, sint64, sfixed64, uint32, fixed32  bigint
//	uint64, fixed64                           numeric
//	float, double                             real, double precision
//	string, enum (the value's name)           varchar
//	bytes                                     bytea
//	google.protobuf.Timestamp                 timestamptz
//	google.protobuf.Duration                  interval
//	google.protobuf.*Value wrappers           the wrapped scalar's type
//	other messages, maps                      jsonb
//	repeated scalars                          an array of their type
func protoType(fd protoreflect.FieldDescriptor) types.Type {
	if fd.IsMap() {
		return types.TJsonb
	}
	t := protoValueType(fd)
	if fd.IsList() {
		if isScalarType(t) {
			return types.ArrayOf(t.ID)
		}
		return types.TJsonb
	}
	return t
}

// protoValueType is the type of one value of fd (an element of a
// repeated field).
func protoValueType(fd protoreflect.FieldDescriptor) types.Type {
	switch fd.Kind() {
	case protoreflect.BoolKind:
		return types.TBool
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return types.TInt4
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind,
		protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return types.TInt8
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return types.TNumeric
	case protoreflect.FloatKind:
		return types.TFloat4
	case protoreflect.DoubleKind:
		return types.TFloat8
	case protoreflect.StringKind, protoreflect.EnumKind:
		return types.TVarchar
	case protoreflect.BytesKind:
		return types.TBytea
	case protoreflect.MessageKind, protoreflect.GroupKind:
		switch name := fd.Message().FullName(); {
		case name == wktTimestamp:
			return types.TTimestamptz
		case name == wktDuration:
			return types.TInterval
		case wrapperTypes[name]:
			return protoValueType(fd.Message().Fields().ByNumber(1))
		}
	}
	return types.TJsonb
}

// protoFieldRead returns how a column of type t reads field fd of a
// message: NULL when a field with presence (optional, oneof, message) is
// absent; proto3 scalars without presence read their default.
func protoFieldRead(fd protoreflect.FieldDescriptor, t types.Type) (func(protoreflect.Message) (types.Datum, error), error) {
	what := fmt.Sprintf("protobuf field \"%s\" of type %s", fd.Name(), protoTypeName(fd))
	asJSON := t.ID == types.Json || t.ID == types.Jsonb ||
		(t.IsString() && (fd.IsList() || protoType(fd).ID == types.Jsonb))
	switch {
	case asJSON:
		w := protoJSON(fd)
		var buf []byte
		return func(m protoreflect.Message) (types.Datum, error) {
			if fd.HasPresence() && !m.Has(fd) {
				return types.Null, nil
			}
			var err error
			if buf, err = w(m.Get(fd), buf[:0]); err != nil {
				return types.Null, err
			}
			return types.ParseText(string(buf), t, env)
		}, nil
	case fd.IsMap():
		return nil, sqlerr.New(sqlerr.DatatypeMismatch, "%s cannot be read as type %s", what, t)
	case fd.IsList():
		if t.ID != types.Array {
			return nil, sqlerr.New(sqlerr.DatatypeMismatch, "%s cannot be read as type %s", what, t)
		}
		elem, err := protoValueRead(fd, types.Type{ID: t.Elem}, what)
		if err != nil {
			return nil, err
		}
		return func(m protoreflect.Message) (types.Datum, error) {
			l := m.Get(fd).List()
			out := make([]types.Datum, l.Len())
			for i := range out {
				d, err := elem(l.Get(i))
				if err != nil {
					return types.Null, err
				}
				out[i] = d
			}
			return types.NewArray(out), nil
		}, nil
	}
	rd, err := protoValueRead(fd, t, what)
	if err != nil {
		return nil, err
	}
	if !fd.HasPresence() {
		return func(m protoreflect.Message) (types.Datum, error) { return rd(m.Get(fd)) }, nil
	}
	return func(m protoreflect.Message) (types.Datum, error) {
		if !m.Has(fd) {
			return types.Null, nil
		}
		return rd(m.Get(fd))
	}, nil
}

// protoValueRead reads one value of fd (not a list or map) as type t.
func protoValueRead(fd protoreflect.FieldDescriptor, t types.Type, what string) (func(protoreflect.Value) (types.Datum, error), error) {
	raw := protoScalar(fd)
	if raw == nil {
		return nil, sqlerr.New(sqlerr.DatatypeMismatch, "%s cannot be read as type %s", what, t)
	}
	conv, err := converter(protoValueType(fd), t, what)
	if err != nil {
		return nil, err
	}
	if conv == nil {
		return raw, nil
	}
	return func(v protoreflect.Value) (types.Datum, error) {
		d, err := raw(v)
		if err != nil || d.IsNull() {
			return d, err
		}
		return conv(d)
	}, nil
}

// protoScalar reads one value of fd as a datum of protoValueType(fd), or
// is nil for messages read as jsonb.
func protoScalar(fd protoreflect.FieldDescriptor) func(protoreflect.Value) (types.Datum, error) {
	switch fd.Kind() {
	case protoreflect.BoolKind:
		return func(v protoreflect.Value) (types.Datum, error) { return types.NewBool(v.Bool()), nil }
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind,
		protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return func(v protoreflect.Value) (types.Datum, error) { return types.NewInt(v.Int()), nil }
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return func(v protoreflect.Value) (types.Datum, error) { return types.NewInt(int64(v.Uint())), nil }
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return func(v protoreflect.Value) (types.Datum, error) {
			u := v.Uint()
			if u <= math.MaxInt64 {
				return types.NewDecimal(apd.New(int64(u), 0)), nil
			}
			return types.NewDecimal(apd.NewWithBigInt(new(apd.BigInt).SetUint64(u), 0)), nil
		}
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		return func(v protoreflect.Value) (types.Datum, error) { return types.NewFloat(v.Float()), nil }
	case protoreflect.StringKind:
		return func(v protoreflect.Value) (types.Datum, error) { return types.NewString(v.String()), nil }
	case protoreflect.BytesKind:
		return func(v protoreflect.Value) (types.Datum, error) { return types.NewBytes(v.Bytes()), nil }
	case protoreflect.EnumKind:
		values := fd.Enum().Values()
		return func(v protoreflect.Value) (types.Datum, error) {
			n := v.Enum()
			if ev := values.ByNumber(n); ev != nil {
				return types.NewString(string(ev.Name())), nil
			}
			return types.NewString(strconv.FormatInt(int64(n), 10)), nil
		}
	case protoreflect.MessageKind, protoreflect.GroupKind:
		md := fd.Message()
		switch name := md.FullName(); {
		case name == wktTimestamp || name == wktDuration:
			secs, nanos := md.Fields().ByNumber(1), md.Fields().ByNumber(2)
			ts := name == wktTimestamp
			return func(v protoreflect.Value) (types.Datum, error) {
				m := v.Message()
				s, n := m.Get(secs).Int(), m.Get(nanos).Int()
				if n <= -1e9 || n >= 1e9 || s > math.MaxInt64/1000000-1 || s < math.MinInt64/1000000+1 {
					return types.Null, sqlerr.New(sqlerr.DatetimeFieldOverflow, "%s out of range: %d s %d ns", name, s, n)
				}
				us := s*1e6 + n/1000
				if ts {
					return timestampDatum(us, 1, true)
				}
				return types.NewInterval(types.IntervalValue{Micros: us}), nil
			}
		case wrapperTypes[name]:
			inner := md.Fields().ByNumber(1)
			rd := protoScalar(inner)
			return func(v protoreflect.Value) (types.Datum, error) { return rd(v.Message().Get(inner)) }
		}
	}
	return nil
}

// protoJSON returns a function appending the JSON text of a field's
// value: messages as protojson writes them (field names as in the
// .proto), lists as arrays, maps as objects, scalars as
// appendJSONValue writes their datums.
func protoJSON(fd protoreflect.FieldDescriptor) func(protoreflect.Value, []byte) ([]byte, error) {
	one := func(fd protoreflect.FieldDescriptor) func(protoreflect.Value, []byte) ([]byte, error) {
		if k := fd.Kind(); k == protoreflect.MessageKind || k == protoreflect.GroupKind {
			opts := protojson.MarshalOptions{UseProtoNames: true}
			return func(v protoreflect.Value, b []byte) ([]byte, error) {
				out, err := opts.MarshalAppend(b, v.Message().Interface())
				if err != nil {
					return b, sqlerr.New(sqlerr.InvalidParameterValue, "protobuf field \"%s\" as JSON: %v", fd.Name(), err)
				}
				return out, nil
			}
		}
		raw, t := protoScalar(fd), protoValueType(fd)
		return func(v protoreflect.Value, b []byte) ([]byte, error) {
			d, err := raw(v)
			if err != nil {
				return b, err
			}
			return appendJSONValue(b, d, t), nil
		}
	}
	switch {
	case fd.IsList():
		elem := one(fd)
		return func(v protoreflect.Value, b []byte) ([]byte, error) {
			l := v.List()
			b = append(b, '[')
			for i := 0; i < l.Len(); i++ {
				if i > 0 {
					b = append(b, ", "...)
				}
				var err error
				if b, err = elem(l.Get(i), b); err != nil {
					return b, err
				}
			}
			return append(b, ']'), nil
		}
	case fd.IsMap():
		val := one(fd.MapValue())
		return func(v protoreflect.Value, b []byte) ([]byte, error) {
			m := v.Map()
			keys := make([]protoreflect.MapKey, 0, m.Len())
			m.Range(func(k protoreflect.MapKey, _ protoreflect.Value) bool {
				keys = append(keys, k)
				return true
			})
			slices.SortFunc(keys, func(a, b protoreflect.MapKey) int { return strings.Compare(a.String(), b.String()) })
			b = append(b, '{')
			for i, k := range keys {
				if i > 0 {
					b = append(b, ", "...)
				}
				b = AppendJSONString(b, k.String())
				b = append(b, ": "...)
				var err error
				if b, err = val(m.Get(k), b); err != nil {
					return b, err
				}
			}
			return append(b, '}'), nil
		}
	}
	return one(fd)
}

// protoTypeName names a field's type for messages.
func protoTypeName(fd protoreflect.FieldDescriptor) string {
	var s string
	switch fd.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		s = string(fd.Message().FullName())
	case protoreflect.EnumKind:
		s = "enum " + string(fd.Enum().FullName())
	default:
		s = fd.Kind().String()
	}
	switch {
	case fd.IsMap():
		return "map<" + protoTypeName(fd.MapKey()) + ", " + protoTypeName(fd.MapValue()) + ">"
	case fd.IsList():
		return "repeated " + s
	}
	return s
}
