package pgwire

import (
	"github.com/eddy-db/eddy/sql/types"
)

// empty is the non-nil zero-length value (” and empty bytea).
var empty = []byte{}

// encoder formats values for DataRow messages into one reused buffer.
// The slices it returns stay valid until reset.
type encoder struct {
	buf []byte
}

func (e *encoder) reset() { e.buf = e.buf[:0] }

// encode appends d in the given format (0 text, 1 binary) and returns
// its bytes.
func (e *encoder) encode(d types.Datum, t types.Type, format int16, env *types.Env) ([]byte, error) {
	start := len(e.buf)
	if format == 1 {
		b, err := types.AppendBinary(e.buf, d, t)
		if err != nil {
			return nil, err
		}
		e.buf = b
	} else {
		e.buf = types.AppendText(e.buf, d, t, env)
	}
	// A later append may move the buffer to a new array; the slice
	// returned here keeps pointing at the old one, whose bytes do not
	// change, so it stays valid until the message is encoded. An empty
	// value must not be a nil slice: pgproto3 sends nil as NULL.
	if len(e.buf) == start {
		return empty, nil
	}
	return e.buf[start:len(e.buf):len(e.buf)], nil
}
