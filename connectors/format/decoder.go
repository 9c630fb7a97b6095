package format

import (
	"strings"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// Decoder turns records into rows of a chunk.
//
// A Decoder is used by one goroutine. The chunk passed to Decode must have
// the spec's columns, in order.
type Decoder interface {
	// Decode appends the rows of one record to c and returns how many it
	// appended. value nil (or empty) is a tombstone: no rows for PLAIN and
	// DEBEZIUM, a Delete for UPSERT.
	//
	// meta supplies the Include columns: for each column whose Include is
	// set, every appended row takes meta at that column's position. meta
	// is as wide as the spec's columns (its other positions are ignored),
	// or nil when the spec has no Include columns (they are then NULL).
	//
	// On error Decode appends nothing; the error is a *sqlerr.Error that
	// names the column when one value is at fault. key, value and meta are
	// not retained.
	Decode(key, value []byte, meta types.Row, c *chunk.Chunk) (int, error)
	// MaxRows is the most rows one record can produce (2 for DEBEZIUM,
	// whose updates are U- U+ pairs; 1 otherwise).
	MaxRows() int
}

// The FORMAT and ENCODE names.
const (
	Plain    = "PLAIN"
	Upsert   = "UPSERT"
	Debezium = "DEBEZIUM"
	JSON     = "JSON"
	CSV      = "CSV"
	Avro     = "AVRO"
	Protobuf = "PROTOBUF"
)

// AppendOnly reports whether a spec's format produces only inserts
// (FORMAT PLAIN, the default).
func AppendOnly(spec *connectors.Spec) bool {
	f := strings.ToUpper(spec.Format)
	return f == "" || f == Plain
}

// New returns the decoder for spec's FORMAT ... ENCODE ... (...).
//
// primaryKey lists the positions of the primary-key columns of the table
// the rows go into, for FORMAT UPSERT and DEBEZIUM; it may be nil. With a
// primary key, a record that deletes a row must supply every key column
// (from the Kafka key, a Debezium before image or an Include column), an
// UPSERT value missing a key column takes it from the Kafka key, and a
// Debezium update or delete without a before image is decoded as an
// upsert by key (Insert of the after image, Delete of the key). Without
// one, the Kafka key's fields fill the columns of the same names and such
// Debezium records are errors.
//
// Errors: 0A000 for an unsupported FORMAT/ENCODE or column type, 22023
// for bad or unknown ENCODE options.
func New(spec *connectors.Spec, primaryKey []int) (Decoder, error) {
	f := strings.ToUpper(spec.Format)
	if f == "" {
		f = Plain
	}
	e := strings.ToUpper(spec.Encode)
	if e == "" {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "missing ENCODE: a source with a connector needs FORMAT ... ENCODE ...")
	}
	for _, i := range primaryKey {
		if i < 0 || i >= len(spec.Columns) {
			return nil, sqlerr.New(sqlerr.InternalError, "primary key column %d out of range", i)
		}
	}
	switch {
	case e == JSON && (f == Plain || f == Upsert || f == Debezium):
		opts := connectors.NewOptions(spec.EncodeOptions)
		if err := opts.Err(); err != nil {
			return nil, err
		}
		return newJSONDecoder(spec.Columns, f, primaryKey)
	case e == CSV && f == Plain:
		return newCSVDecoder(spec.Columns, spec.EncodeOptions)
	case e == Avro && f == Plain:
		cfg, err := parseRegistryOptions(e, spec.EncodeOptions)
		if err != nil {
			return nil, err
		}
		return newAvroDecoder(spec.Columns, cfg)
	case e == Protobuf && f == Plain:
		cfg, err := parseRegistryOptions(e, spec.EncodeOptions)
		if err != nil {
			return nil, err
		}
		return newProtoDecoder(spec.Columns, cfg)
	}
	return nil, sqlerr.NotSupported("FORMAT %s ENCODE %s", f, e)
}

// columnLayout splits columns into payload and Include positions.
type columnLayout struct {
	cols    []connectors.Column
	payload []int
	include []int
}

func newLayout(cols []connectors.Column) columnLayout {
	l := columnLayout{cols: cols}
	for i, c := range cols {
		if c.Include != "" {
			l.include = append(l.include, i)
		} else {
			l.payload = append(l.payload, i)
		}
	}
	return l
}

// fillMeta copies the Include columns from meta into row.
func (l *columnLayout) fillMeta(row, meta types.Row) {
	for _, i := range l.include {
		if meta != nil {
			row[i] = meta[i]
		} else {
			row[i] = types.Null
		}
	}
}

// columnError prefixes err with the column it concerns, keeping its code.
func columnError(col string, err error) error {
	e := sqlerr.As(err)
	return sqlerr.Wrap(err, e.Code, "column \""+col+"\": "+e.Message)
}

// checkColumnType rejects the column types a decoder cannot fill.
func checkColumnType(c connectors.Column, enc string) error {
	id := c.Type.ID
	if id == types.Array {
		id = c.Type.Elem
	}
	switch id {
	case types.Record, types.Void, types.Unknown, types.Array:
		return sqlerr.NotSupported("column \"%s\" of type %s with ENCODE %s", c.Name, c.Type, enc)
	}
	return nil
}
