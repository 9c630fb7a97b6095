package stream

import "github.com/eddy-db/eddy/sql/types"

func compareDatum(a, b types.Datum) int { return types.Compare(a, b) }

// rowsEqual reports whether two rows hold equal values (NULL equals NULL).
func rowsEqual(a, b types.Row) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].IsNull() != b[i].IsNull() {
			return false
		}
		if !a[i].IsNull() && (a[i].Kind() != b[i].Kind() || types.Compare(a[i], b[i]) != 0 || !sameRepr(a[i], b[i])) {
			return false
		}
	}
	return true
}

// sameRepr distinguishes values that compare equal but print differently
// (numeric 1.0 and 1.00), so that a view shows exactly what the query
// would.
func sameRepr(a, b types.Datum) bool {
	if a.Kind() == types.KDecimal {
		return a.Decimal().Exponent == b.Decimal().Exponent
	}
	if a.Kind() == types.KInterval {
		return a.Interval() == b.Interval()
	}
	return true
}

// keyBytes appends the memcomparable encoding of the given columns.
func keyBytes(dst []byte, row types.Row, cols []int, ts []types.Type) []byte {
	for i, c := range cols {
		dst = types.AppendKey(dst, row[c], ts[i], false)
	}
	return dst
}
