package format

import (
	"strconv"
	"strings"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// Record is one keyed message a sink sends (Kafka): Value nil is a
// tombstone.
type Record struct {
	Key, Value []byte
}

// RecordEncoder turns a sink's changes into keyed messages for its
// FORMAT ... ENCODE JSON:
//
//	PLAIN     every insert as the row's JSON (key: the key columns' JSON, when the sink has a key)
//	UPSERT    key: the key columns' JSON; value: the new row, or a tombstone for a delete
//	DEBEZIUM  {"schema": ..., "payload": {"before", "after", "op": c|u|d, "ts_ms", "source"}},
//	          a delete followed by a tombstone (Debezium's default, for compacted topics)
type RecordEncoder struct {
	spec   *connectors.SinkSpec
	format string
	// Debezium: the envelope's schema and source block, built once.
	dbzSchema, dbzKeySchema, dbzSource string
	pendingBefore                      types.Row // a Debezium U- waiting for its U+
	buf                                []byte
}

// NewRecordEncoder checks a sink's FORMAT and ENCODE and returns its
// encoder.
func NewRecordEncoder(spec *connectors.SinkSpec) (*RecordEncoder, error) {
	f := strings.ToUpper(spec.Format)
	if f == "" {
		f = Plain
	}
	switch strings.ToUpper(spec.Encode) {
	case JSON:
	case "":
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "missing FORMAT ... ENCODE ... for the sink").
			WithHint("Add FORMAT PLAIN ENCODE JSON (or UPSERT / DEBEZIUM).")
	case "AVRO", "PROTOBUF", "TEMPLATE", "TEXT", "BYTES", "PARQUET", "CSV":
		return nil, sqlerr.NotSupported("ENCODE %s for this sink", strings.ToUpper(spec.Encode))
	default:
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "unknown ENCODE %s", spec.Encode)
	}
	for k := range spec.EncodeOptions {
		if k != "force_append_only" {
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "unknown ENCODE JSON option \"%s\"", k)
		}
	}
	e := &RecordEncoder{spec: spec, format: f}
	switch f {
	case Plain:
		if !spec.AppendOnly {
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "FORMAT PLAIN needs an append-only sink (add force_append_only = 'true')")
		}
	case Upsert, Debezium:
		if len(spec.Key) == 0 {
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "FORMAT %s needs the sink's primary key (primary_key = '...')", f)
		}
		if f == Debezium {
			e.buildDebezium()
		}
	default:
		return nil, sqlerr.NotSupported("FORMAT %s for sinks", f)
	}
	return e, nil
}

// Encode appends the messages of changes (in order) to out. tsMillis is
// the Debezium event time.
func (e *RecordEncoder) Encode(changes []connectors.Change, tsMillis int64, out []Record) []Record {
	cols := e.spec.Columns
	for _, c := range changes {
		switch e.format {
		case Plain:
			if !c.Op.IsInsert() {
				continue
			}
			var key []byte
			if len(e.spec.Key) > 0 {
				key = AppendJSONColumns(nil, cols, c.Row, e.spec.Key)
			}
			out = append(out, Record{Key: key, Value: AppendJSONRow(nil, cols, c.Row)})
		case Upsert:
			switch c.Op {
			case chunk.UpdateDelete:
			case chunk.Delete:
				out = append(out, Record{Key: AppendJSONColumns(nil, cols, c.Row, e.spec.Key)})
			default:
				out = append(out, Record{Key: AppendJSONColumns(nil, cols, c.Row, e.spec.Key), Value: AppendJSONRow(nil, cols, c.Row)})
			}
		case Debezium:
			out = e.debezium(c, tsMillis, out)
		}
	}
	return out
}

func (e *RecordEncoder) debezium(c connectors.Change, tsMillis int64, out []Record) []Record {
	var before, after types.Row
	op := "c"
	switch c.Op {
	case chunk.UpdateDelete:
		e.pendingBefore = c.Row
		return out
	case chunk.UpdateInsert:
		before, after, op = e.pendingBefore, c.Row, "u"
		e.pendingBefore = nil
		if before == nil {
			op = "c"
		}
	case chunk.Delete:
		before, op = c.Row, "d"
	default:
		after = c.Row
	}
	cols := e.spec.Columns
	keyRow := after
	if keyRow == nil {
		keyRow = before
	}
	b := append(e.buf[:0], `{"schema":`...)
	b = append(b, e.dbzKeySchema...)
	b = append(b, `,"payload":`...)
	b = AppendJSONColumns(b, cols, keyRow, e.spec.Key)
	key := append([]byte(nil), append(b, '}')...)

	v := append([]byte(`{"schema":`), e.dbzSchema...)
	v = append(v, `,"payload":{"before":`...)
	if before == nil {
		v = append(v, "null"...)
	} else {
		v = AppendJSONRow(v, cols, before)
	}
	v = append(v, `,"after":`...)
	if after == nil {
		v = append(v, "null"...)
	} else {
		v = AppendJSONRow(v, cols, after)
	}
	v = append(v, `,"op":"`...)
	v = append(v, op...)
	v = append(v, `","ts_ms":`...)
	v = strconv.AppendInt(v, tsMillis, 10)
	v = append(v, `,"source":`...)
	v = append(v, e.dbzSource...)
	v = append(v, "}}"...)
	e.buf = b
	out = append(out, Record{Key: key, Value: v})
	if op == "d" {
		out = append(out, Record{Key: key})
	}
	return out
}

// connectType is a column's Kafka Connect schema type.
func connectType(t types.Type) string {
	switch t.ID {
	case types.Bool:
		return "boolean"
	case types.Int2:
		return "int16"
	case types.Int4:
		return "int32"
	case types.Int8:
		return "int64"
	case types.Float4:
		return "float"
	case types.Float8:
		return "double"
	case types.Array:
		return "array"
	}
	return "string"
}

func appendConnectFields(b []byte, cols []connectors.Column, idx []int) []byte {
	b = append(b, '[')
	for n, i := range idx {
		if n > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"type":`...)
		b = AppendJSONString(b, connectType(cols[i].Type))
		b = append(b, `,"optional":true,"field":`...)
		b = AppendJSONString(b, cols[i].Name)
		b = append(b, '}')
	}
	return append(b, ']')
}

func (e *RecordEncoder) buildDebezium() {
	cols := e.spec.Columns
	all := make([]int, len(cols))
	for i := range all {
		all[i] = i
	}
	name := e.spec.Database + "." + e.spec.Name
	row := appendConnectFields(nil, cols, all)
	var s []byte
	s = append(s, `{"type":"struct","fields":[{"type":"struct","fields":`...)
	s = append(s, row...)
	s = append(s, `,"optional":true,"field":"before"},{"type":"struct","fields":`...)
	s = append(s, row...)
	s = append(s, `,"optional":true,"field":"after"},{"type":"struct","fields":[{"type":"string","optional":false,"field":"db"},{"type":"string","optional":false,"field":"table"}],"optional":false,"field":"source"},`...)
	s = append(s, `{"type":"string","optional":false,"field":"op"},{"type":"int64","optional":false,"field":"ts_ms"}],"optional":false,"name":`...)
	s = AppendJSONString(s, name+".Envelope")
	e.dbzSchema = string(append(s, '}'))
	k := append([]byte(`{"type":"struct","fields":`), appendConnectFields(nil, cols, e.spec.Key)...)
	k = append(k, `,"optional":false,"name":`...)
	k = AppendJSONString(k, name+".Key")
	e.dbzKeySchema = string(append(k, '}'))
	src := append([]byte(`{"db":`), AppendJSONString(nil, e.spec.Database)...)
	src = append(src, `,"table":`...)
	src = AppendJSONString(src, e.spec.Name)
	e.dbzSource = string(append(src, '}'))
}
