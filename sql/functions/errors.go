package functions

import "github.com/eddy-db/eddy/sql/sqlerr"

// SQLSTATE codes used here that sqlerr does not name.
const (
	codeSubstring        = "22011" // substring_error
	codeInvalidLog       = "2201E" // invalid_argument_for_logarithm
	codeInvalidPower     = "2201F" // invalid_argument_for_power_function
	codeInvalidWidth     = "2201G" // invalid_argument_for_width_bucket_function
	codeNullNotAllowed   = sqlerr.NullValueNotAllowed
	codeDatetimeOverflow = sqlerr.DatetimeFieldOverflow
)

// Preallocated errors for the per-row hot paths: returning them costs no
// allocation. Callers never modify them.
var (
	errInt2Range     = sqlerr.New(sqlerr.NumericValueOutOfRange, "smallint out of range")
	errInt4Range     = sqlerr.New(sqlerr.NumericValueOutOfRange, "integer out of range")
	errInt8Range     = sqlerr.New(sqlerr.NumericValueOutOfRange, "bigint out of range")
	errDivZero       = sqlerr.New(sqlerr.DivisionByZero, "division by zero")
	errFloatOverflow = sqlerr.New(sqlerr.NumericValueOutOfRange, "value out of range: overflow")
	errFloatUnder    = sqlerr.New(sqlerr.NumericValueOutOfRange, "value out of range: underflow")
	errNumericRange  = sqlerr.New(sqlerr.NumericValueOutOfRange, "value overflows numeric format")
	errTSRange       = sqlerr.New(codeDatetimeOverflow, "timestamp out of range")
	errDateRange     = sqlerr.New(codeDatetimeOverflow, "date out of range")
	errIntervalRange = sqlerr.New(codeDatetimeOverflow, "interval out of range")
)

func intRangeErr(bits int) error {
	switch bits {
	case 16:
		return errInt2Range
	case 32:
		return errInt4Range
	}
	return errInt8Range
}
