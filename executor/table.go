package executor

import (
	"sync"

	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
	"github.com/eddy-db/eddy/storage"
)

// TableCodec encodes a relation's rows for storage:
//
//	key   = table id (4 bytes) ‖ memcomparable(pk columns)
//	value = compact encoding of the whole row
//
// It is immutable and shared.
type TableCodec struct {
	Obj      *catalog.Object
	prefix   []byte
	pk       []int
	pkTypes  []types.Type
	colTypes []types.Type
}

var codecs sync.Map // *catalog.Object -> *TableCodec

// CodecFor returns the codec of a relation (cached per descriptor).
func CodecFor(o *catalog.Object) *TableCodec {
	if c, ok := codecs.Load(o); ok {
		return c.(*TableCodec)
	}
	c := &TableCodec{Obj: o, prefix: storage.TablePrefix(o.ID), pk: o.PK, colTypes: o.ColumnTypes()}
	for _, i := range o.PK {
		c.pkTypes = append(c.pkTypes, o.Columns[i].Type)
	}
	actual, _ := codecs.LoadOrStore(o, c)
	return actual.(*TableCodec)
}

// Prefix returns the key prefix shared by every row.
func (c *TableCodec) Prefix() []byte { return c.prefix }

// Key appends the storage key of row to dst.
func (c *TableCodec) Key(dst []byte, row types.Row) []byte {
	dst = append(dst, c.prefix...)
	for i, col := range c.pk {
		dst = types.AppendKey(dst, row[col], c.pkTypes[i], false)
	}
	return dst
}

// KeyPrefix appends the key prefix of rows whose first len(vals) key
// columns equal vals.
func (c *TableCodec) KeyPrefix(dst []byte, vals []types.Datum) []byte {
	dst = append(dst, c.prefix...)
	for i, v := range vals {
		dst = types.AppendKey(dst, v, c.pkTypes[i], false)
	}
	return dst
}

// PKType returns the type of the i-th key column.
func (c *TableCodec) PKType(i int) types.Type { return c.pkTypes[i] }

// Value appends the stored value of row to dst.
func (c *TableCodec) Value(dst []byte, row types.Row) []byte {
	return types.AppendRowValue(dst, row, c.colTypes)
}

// Decode decodes a stored value into a new row.
func (c *TableCodec) Decode(v []byte) (types.Row, error) {
	r, err := types.DecodeRowValue(v, c.colTypes, nil)
	if err != nil {
		return nil, sqlerr.Wrap(err, sqlerr.DataCorrupted, "corrupt row in \""+c.Obj.Name+"\": "+err.Error())
	}
	return r, nil
}

// PKString formats a row's key for error messages: "(a, b)=(1, x)".
func (c *TableCodec) PKString(row types.Row) string {
	names, vals := "", ""
	for i, col := range c.pk {
		if i > 0 {
			names += ", "
			vals += ", "
		}
		names += c.Obj.Columns[col].Name
		vals += types.FormatText(row[col], c.pkTypes[i], nil)
	}
	return "(" + names + ")=(" + vals + ")"
}
