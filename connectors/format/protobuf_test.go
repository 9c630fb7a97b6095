package format

import (
	"context"
	"strings"
	"testing"

	"github.com/bufbuild/protocompile"
	"github.com/twmb/franz-go/pkg/sr"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

const eventProto = `syntax = "proto3";
package test;

import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";

message Other { int32 x = 1; }

message Event {
  enum Color { RED = 0; GREEN = 1; }
  message Inner { int32 a = 1; string b = 2; }
  int32 id = 1;
  int64 big = 2;
  uint32 u32 = 3;
  uint64 u64 = 4;
  sint32 s32 = 5;
  string name = 6;
  double v = 7;
  float f = 8;
  bool ok = 9;
  bytes raw = 10;
  google.protobuf.Timestamp ts = 11;
  Color color = 12;
  repeated string tags = 13;
  map<string, int64> attrs = 14;
  Inner inner = 15;
  optional string opt = 16;
  google.protobuf.Int64Value wrapped = 17;
  repeated Inner inners = 18;
}
`

// protoMessage compiles a .proto text and returns one of its messages.
func protoMessage(t *testing.T, text, name string) protoreflect.MessageDescriptor {
	t.Helper()
	comp := protocompile.Compiler{Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
		Accessor: protocompile.SourceAccessorFromMap(map[string]string{"x.proto": text})})}
	files, err := comp.Compile(context.Background(), "x.proto")
	if err != nil {
		t.Fatal(err)
	}
	d, err := files.AsResolver().FindDescriptorByName(protoreflect.FullName(name))
	if err != nil {
		t.Fatal(err)
	}
	return d.(protoreflect.MessageDescriptor)
}

// protoFrame encodes the message given as protobuf JSON.
func protoFrame(t *testing.T, md protoreflect.MessageDescriptor, id int, index []int, json string) string {
	t.Helper()
	m := dynamicpb.NewMessage(md)
	if err := protojson.Unmarshal([]byte(json), m); err != nil {
		t.Fatalf("protojson: %v", err)
	}
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return frame(id, index, b)
}

func protoSpec(url, message string, cols []connectors.Column) *connectors.Spec {
	return &connectors.Spec{Columns: cols, Format: "PLAIN", Encode: "PROTOBUF",
		EncodeOptions: map[string]string{"schema.registry": url, "message": message}}
}

func TestProtobufTypes(t *testing.T) {
	reg := fakeRegistry(t)
	id := register(t, reg, "events-value", sr.Schema{Schema: eventProto, Type: sr.TypeProtobuf})
	md := protoMessage(t, eventProto, "test.Event")
	cols := []connectors.Column{
		col("id", types.TInt4), col("BIG", types.TInt8), col("u32", types.TInt8), col("u64", types.TNumeric),
		col("s32", types.TInt4), col("name", types.TVarchar), col("v", types.TFloat8), col("f", types.TFloat4),
		col("ok", types.TBool), col("raw", types.TBytea), col("ts", types.TTimestamptz), col("color", types.TVarchar),
		col("tags", types.ArrayOf(types.Text)), col("attrs", types.TJsonb), col("inner", types.TJsonb),
		col("opt", types.TVarchar), col("wrapped", types.TInt8), col("missing", types.TInt4),
	}
	d := mustNew(t, protoSpec(reg.URL(), "test.Event", cols), nil)
	all := `{"id": 7, "big": "1099511627776", "u32": 4294967295, "u64": "18446744073709551615", "s32": -3,
		"name": "seven", "v": 1.5, "f": 0.25, "ok": true, "raw": "3q0=", "ts": "2024-01-02T03:04:05.123456Z",
		"color": "GREEN", "tags": ["a", "b"], "attrs": {"y": "2", "x": "1"}, "inner": {"a": 1, "b": "x"},
		"opt": "", "wrapped": "5", "inners": [{"a": 2}]}`
	runCases(t, d, cols, []decodeCase{
		{name: "all types", rec: rec{value: protoFrame(t, md, id, []int{1}, all)},
			want: "+ 7 1099511627776 4294967295 18446744073709551615 -3 seven 1.5 0.25 t \\xdead 2024-01-02 03:04:05.123456+00 " +
				`GREEN {a,b} {"x": 1, "y": 2} {"a": 1, "b": "x"}  5 NULL` + "\n"},
		{name: "defaults and absent fields", rec: rec{value: protoFrame(t, md, id, []int{1}, `{}`)},
			want: "+ 0 0 0 0 0  0 0 f \\x NULL RED {} {} NULL NULL NULL NULL\n"},
	})
}

func TestProtobufErrors(t *testing.T) {
	reg := fakeRegistry(t)
	id := register(t, reg, "events-value", sr.Schema{Schema: eventProto, Type: sr.TypeProtobuf})
	md := protoMessage(t, eventProto, "test.Event")
	other := protoMessage(t, eventProto, "test.Other")
	v2 := "syntax = \"proto3\";\npackage test;\nmessage Event { int64 id = 1; bool name = 2; }\n"
	id2 := register(t, reg, "events-value", sr.Schema{Schema: v2, Type: sr.TypeProtobuf})
	md2 := protoMessage(t, v2, "test.Event")
	cols := []connectors.Column{col("id", types.TInt4), col("name", types.TVarchar)}
	d := mustNew(t, protoSpec(reg.URL(), "test.Event", cols), nil)
	good := protoFrame(t, md, id, []int{1}, `{"id": 1, "name": "a"}`)
	runCases(t, d, cols, []decodeCase{
		{name: "good", rec: rec{value: good}, want: "+ 1 a\n"},
		{name: "other schema version", rec: rec{value: protoFrame(t, md2, id2, []int{0}, `{"id": 2, "name": true}`)},
			want: "+ 2 true\n"},
		{name: "out of range", rec: rec{value: protoFrame(t, md2, id2, []int{0}, `{"id": "4294967296"}`)},
			code: sqlerr.NumericValueOutOfRange},
		{name: "other message", rec: rec{value: protoFrame(t, other, id, []int{0}, `{"x": 1}`)},
			code: sqlerr.InvalidParameterValue},
		{name: "index out of range", rec: rec{value: frame(id, []int{5}, nil)}, code: sqlerr.InvalidBinaryRepresentation},
		{name: "truncated", rec: rec{value: good[:len(good)-1]}, code: sqlerr.InvalidBinaryRepresentation},
		{name: "truncated index", rec: rec{value: good[:5]}, code: sqlerr.InvalidBinaryRepresentation},
		{name: "wrong magic byte", rec: rec{value: "\x07" + good[1:]}, code: sqlerr.InvalidBinaryRepresentation},
		{name: "unknown schema id", rec: rec{value: frame(4242, []int{0}, nil)}, code: sqlerr.InvalidParameterValue},
		{name: "good after errors", rec: rec{value: good}, want: "+ 1 a\n"},
	})

	// A column whose type the field cannot fill fails the records.
	cols = []connectors.Column{col("name", types.TInt4)}
	d = mustNew(t, protoSpec(reg.URL(), "test.Event", cols), nil)
	runCases(t, d, cols, []decodeCase{
		{name: "string into integer", rec: rec{value: good}, code: sqlerr.InvalidTextRepresentation},
		{name: "bool into integer", rec: rec{value: protoFrame(t, md2, id2, []int{0}, `{"name": true}`)}, code: sqlerr.DatatypeMismatch},
	})
}

func TestProtobufValidateAndColumns(t *testing.T) {
	reg := fakeRegistry(t)
	register(t, reg, "common", sr.Schema{Type: sr.TypeProtobuf,
		Schema: "syntax = \"proto3\";\npackage common;\nmessage Money { string currency = 1; int64 cents = 2; }\n"})
	main := "syntax = \"proto3\";\npackage shop;\nimport \"common/money.proto\";\n" +
		"message Order { int64 id = 1; common.Money price = 2; repeated int32 qty = 3; }\n"
	register(t, reg, "orders-value", sr.Schema{Type: sr.TypeProtobuf, Schema: main,
		References: []sr.SchemaReference{{Name: "common/money.proto", Subject: "common", Version: 1}}})
	ctx := context.Background()
	cols, err := Columns(ctx, protoSpec(reg.URL(), "shop.Order", nil), "orders")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cols {
		got = append(got, c.Name+" "+c.Type.String())
	}
	if g, want := strings.Join(got, ", "), "id bigint, price jsonb, qty integer[]"; g != want {
		t.Errorf("columns: %s, want %s", g, want)
	}
	for _, tc := range []struct {
		name, message string
		cols          []connectors.Column
		code          string
	}{
		{"fits", "shop.Order", cols, ""},
		{"no such message", "shop.Nope", cols, sqlerr.InvalidParameterValue},
		{"no such field", "shop.Order", []connectors.Column{col("nope", types.TInt4)}, sqlerr.UndefinedColumn},
		{"wrong type", "shop.Order", []connectors.Column{col("qty", types.TInt4)}, sqlerr.DatatypeMismatch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(ctx, protoSpec(reg.URL(), tc.message, tc.cols), "orders")
			if codeOf(err) != tc.code {
				t.Fatalf("error %v, want code %q", err, tc.code)
			}
		})
	}
}
