package types

import (
	"strconv"

	"github.com/eddy-db/eddy/sql/sqlerr"
)

// intervalFieldOverflow is SQLSTATE 22015 (interval_field_overflow).
const intervalFieldOverflow = "22015"

// inputTypeName returns the type name PostgreSQL's input functions use in
// their messages ("integer", "timestamp with time zone", "time").
func inputTypeName(t Type) string {
	switch t.ID {
	case Timestamp:
		return "timestamp"
	case Time:
		return "time"
	case Jsonb:
		return "json"
	case Unknown:
		return "unknown"
	}
	return infos[t.ID].sqlName
}

// errSyntax is 22P02 `invalid input syntax for type integer: "x"`.
func errSyntax(t Type, s string) *sqlerr.Error {
	return sqlerr.New(sqlerr.InvalidTextRepresentation, "invalid input syntax for type %s: %s", inputTypeName(t), quoteMsg(s))
}

// errDatetimeSyntax is 22007 `invalid input syntax for type date: "x"`.
func errDatetimeSyntax(t Type, s string) *sqlerr.Error {
	return sqlerr.New(sqlerr.InvalidDatetimeFormat, "invalid input syntax for type %s: %s", inputTypeName(t), quoteMsg(s))
}

// errValueOutOfRange is 22003 `value "x" is out of range for type integer`.
func errValueOutOfRange(t Type, s string) *sqlerr.Error {
	return sqlerr.New(sqlerr.NumericValueOutOfRange, "value %s is out of range for type %s", quoteMsg(s), inputTypeName(t))
}

// errFloatOutOfRange is 22003 `"1e400" is out of range for type double precision`.
func errFloatOutOfRange(t Type, s string) *sqlerr.Error {
	return sqlerr.New(sqlerr.NumericValueOutOfRange, "%s is out of range for type %s", quoteMsg(s), inputTypeName(t))
}

// errFieldOutOfRange is 22008 `date/time field value out of range: "x"`.
func errFieldOutOfRange(s string) *sqlerr.Error {
	return sqlerr.New(sqlerr.DatetimeFieldOverflow, "date/time field value out of range: %s", quoteMsg(s))
}

// errIntOutOfRange is 22003 `integer out of range` (and smallint, bigint).
func errIntOutOfRange(t Type) *sqlerr.Error {
	switch t.ID {
	case Int2:
		return sqlerr.New(sqlerr.NumericValueOutOfRange, "smallint out of range")
	case Int8:
		return sqlerr.New(sqlerr.NumericValueOutOfRange, "bigint out of range")
	case Oid, Regclass, Regtype, Regproc, Regnamespace, Regrole, Regprocedure, Regoperator:
		return sqlerr.New(sqlerr.NumericValueOutOfRange, "OID out of range")
	}
	return sqlerr.New(sqlerr.NumericValueOutOfRange, "integer out of range")
}

// errBinary is 22P03 for malformed binary input.
func errBinary(t Type) *sqlerr.Error {
	return sqlerr.New(sqlerr.InvalidBinaryRepresentation, "incorrect binary data format for type %s", t)
}

// errCannotCast is 42846 `cannot cast type boolean to date`.
func errCannotCast(from, to Type) *sqlerr.Error {
	return sqlerr.New(sqlerr.CannotCoerce, "cannot cast type %s to %s", from, to)
}

// quoteMsg double-quotes s for an error message, as PostgreSQL's "%s"
// formats do (no escaping).
func quoteMsg(s string) string {
	b := make([]byte, 0, len(s)+2)
	b = append(b, '"')
	b = append(b, s...)
	return string(append(b, '"'))
}

// errBadEncoding is 22021 `invalid byte sequence for encoding "UTF8": 0xff`;
// bad holds the offending bytes (at most one character's worth).
func errBadEncoding(bad string) *sqlerr.Error {
	b := make([]byte, 0, 5*len(bad))
	for i := 0; i < len(bad); i++ {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, "0x"...)
		if bad[i] < 0x10 {
			b = append(b, '0')
		}
		b = strconv.AppendUint(b, uint64(bad[i]), 16)
	}
	return sqlerr.New(sqlerr.CharacterNotInRepertoire, "invalid byte sequence for encoding \"UTF8\": %s", b)
}
