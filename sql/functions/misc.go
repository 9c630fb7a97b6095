package functions

import (
	"crypto/rand"

	"github.com/eddy-db/eddy/sql/types"
)

// newUUIDv4 returns a random (version 4, RFC 4122 variant) UUID as its 16
// raw bytes, the uuid datum's representation.
func newUUIDv4() []byte {
	var u [16]byte
	_, _ = rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return u[:]
}

func countNulls(nulls bool) EvalFunc {
	return func(_ *Context, a []types.Datum) (types.Datum, error) {
		var c int64
		for _, d := range a {
			if d.IsNull() == nulls {
				c++
			}
		}
		return types.NewInt(c), nil
	}
}

func init() {
	register(
		&Func{Name: "gen_random_uuid", Ret: tUUID, Volatile: true, Eval: func(*Context, []types.Datum) (types.Datum, error) {
			return types.NewBytes(newUUIDv4()), nil
		}},
		&Func{Name: "num_nulls", Args: ts(Any), Variadic: true, Ret: tInt4, NullCall: true, Eval: countNulls(true)},
		&Func{Name: "num_nonnulls", Args: ts(Any), Variadic: true, Ret: tInt4, NullCall: true, Eval: countNulls(false)},
	)
}
