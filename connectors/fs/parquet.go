package fs

import (
	"io"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/snappy"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/sql/types"
)

// parquetSchema is a sink's Parquet schema with one value converter per
// column, both chosen once when the writer opens.
type parquetSchema struct {
	schema *parquet.Schema
	conv   []func(types.Datum) parquet.Value
	rows   []parquet.Row // reused between batches and files
}

// parquetBatch is how many rows go to the Parquet writer at a time.
const parquetBatch = 1024

// columnGroup is a group whose fields keep the sink's column order
// (parquet.Group sorts its fields by name).
type columnGroup struct {
	parquet.Group
	fields []parquet.Field
}

func (g columnGroup) Fields() []parquet.Field { return g.fields }

func newParquetSchema(name string, cols []connectors.Column) *parquetSchema {
	g := make(parquet.Group, len(cols))
	conv := make([]func(types.Datum) parquet.Value, len(cols))
	for i, c := range cols {
		node, f := parquetColumn(c.Type)
		g[c.Name] = parquet.Optional(node)
		conv[i] = f
	}
	byName := map[string]parquet.Field{}
	for _, f := range g.Fields() {
		byName[f.Name()] = f
	}
	fields := make([]parquet.Field, len(cols))
	for i, c := range cols {
		fields[i] = byName[c.Name]
	}
	return &parquetSchema{
		schema: parquet.NewSchema(name, columnGroup{Group: g, fields: fields}),
		conv:   conv,
	}
}

// parquetColumn returns the leaf node for a column of type t and the
// function that turns a non-NULL datum into its value.
func parquetColumn(t types.Type) (parquet.Node, func(types.Datum) parquet.Value) {
	switch t.ID {
	case types.Bool:
		return parquet.Leaf(parquet.BooleanType), func(d types.Datum) parquet.Value { return parquet.BooleanValue(d.Bool()) }
	case types.Int2:
		return parquet.Int(16), int32Value
	case types.Int4:
		return parquet.Int(32), int32Value
	case types.Int8:
		return parquet.Int(64), int64Value
	case types.Float4:
		return parquet.Leaf(parquet.FloatType), func(d types.Datum) parquet.Value { return parquet.FloatValue(float32(d.Float())) }
	case types.Float8:
		return parquet.Leaf(parquet.DoubleType), func(d types.Datum) parquet.Value { return parquet.DoubleValue(d.Float()) }
	case types.Varchar, types.Text, types.Bpchar, types.Name:
		return parquet.String(), func(d types.Datum) parquet.Value { return parquet.ByteArrayValue([]byte(d.Str())) }
	case types.Bytea:
		return parquet.Leaf(parquet.ByteArrayType), func(d types.Datum) parquet.Value { return parquet.ByteArrayValue([]byte(d.BytesStr())) }
	case types.Uuid:
		return parquet.UUID(), func(d types.Datum) parquet.Value { return parquet.FixedLenByteArrayValue([]byte(d.BytesStr())) }
	case types.Date:
		return parquet.Date(), func(d types.Datum) parquet.Value { return parquet.Int32Value(int32(d.Days())) }
	case types.Time:
		return parquet.TimeAdjusted(parquet.Microsecond, false), int64Micros
	case types.Timestamp:
		return parquet.TimestampAdjusted(parquet.Microsecond, false), int64Micros
	case types.Timestamptz:
		return parquet.TimestampAdjusted(parquet.Microsecond, true), int64Micros
	case types.Json, types.Jsonb:
		return parquet.JSON(), func(d types.Datum) parquet.Value { return parquet.ByteArrayValue([]byte(d.Str())) }
	}
	// numeric, interval, arrays, char, oids: PostgreSQL's text form.
	return parquet.String(), func(d types.Datum) parquet.Value {
		return parquet.ByteArrayValue(types.AppendText(nil, d, t, nil))
	}
}

func int32Value(d types.Datum) parquet.Value  { return parquet.Int32Value(int32(d.Int())) }
func int64Value(d types.Datum) parquet.Value  { return parquet.Int64Value(d.Int()) }
func int64Micros(d types.Datum) parquet.Value { return parquet.Int64Value(d.Micros()) }

// write encodes the changes' rows as one Parquet file.
func (s *parquetSchema) write(out io.Writer, changes []connectors.Change) error {
	pw := parquet.NewWriter(out, s.schema, parquet.Compression(&snappy.Codec{}))
	for start := 0; start < len(changes); start += parquetBatch {
		batch := changes[start:min(start+parquetBatch, len(changes))]
		for len(s.rows) < len(batch) {
			s.rows = append(s.rows, make(parquet.Row, len(s.conv)))
		}
		for j, ch := range batch {
			s.fill(s.rows[j], ch.Row)
		}
		if _, err := pw.WriteRows(s.rows[:len(batch)]); err != nil {
			return err
		}
	}
	return pw.Close()
}

// fill converts one row into pr. Every column is an optional leaf, so a
// value's definition level is 1 and a NULL's is 0.
func (s *parquetSchema) fill(pr parquet.Row, r types.Row) {
	for i, conv := range s.conv {
		if r[i].IsNull() {
			pr[i] = parquet.NullValue().Level(0, 0, i)
		} else {
			pr[i] = conv(r[i]).Level(0, 1, i)
		}
	}
}
