// Package sqlerr is the one error type every layer of Eddy uses for
// errors a SQL user should see. An *Error carries a PostgreSQL SQLSTATE
// code; pgwire turns it into an ErrorResponse unchanged. Errors that are
// not *Error reach the client as XX000 internal_error.
//
// The package is a leaf: it imports nothing of Eddy, so sql/types,
// sql/functions, executor and pgwire can all return the same values.
package sqlerr

import (
	"errors"
	"fmt"
)

// SQLSTATE codes used by Eddy (PostgreSQL's Appendix A names).
const (
	SuccessfulCompletion         = "00000"
	Warning                      = "01000"
	FeatureNotSupported          = "0A000"
	CardinalityViolation         = "21000"
	DataException                = "22000"
	StringDataRightTruncation    = "22001"
	NumericValueOutOfRange       = "22003"
	NullValueNotAllowed          = "22004"
	InvalidDatetimeFormat        = "22007"
	DatetimeFieldOverflow        = "22008"
	InvalidTimeZoneDisplacement  = "22009"
	InvalidParameterValue        = "22023"
	DivisionByZero               = "22012"
	InvalidEscapeSequence        = "22025"
	InvalidUseOfEscapeCharacter  = "2200C"
	InvalidRegularExpression     = "2201B"
	InvalidRowCountInLimit       = "2201W"
	InvalidRowCountInOffset      = "2201X"
	InvalidTextRepresentation    = "22P02"
	InvalidBinaryRepresentation  = "22P03"
	BadCopyFileFormat            = "22P04"
	UntranslatableCharacter      = "22P05"
	CharacterNotInRepertoire     = "22021"
	InvalidJSONText              = "22P02"
	ArraySubscriptError          = "2202E"
	NotNullViolation             = "23502"
	UniqueViolation              = "23505"
	InvalidCursorState           = "24000"
	InvalidTransactionState      = "25000"
	ActiveSQLTransaction         = "25001"
	NoActiveSQLTransaction       = "25P01"
	InFailedSQLTransaction       = "25P02"
	ReadOnlySQLTransaction       = "25006"
	InvalidSQLStatementName      = "26000"
	InvalidAuthorizationSpec     = "28000"
	InvalidPassword              = "28P01"
	InvalidCursorName            = "34000"
	SyntaxErrorOrAccessRule      = "42000"
	SyntaxError                  = "42601"
	InsufficientPrivilege        = "42501"
	UndefinedColumn              = "42703"
	UndefinedFunction            = "42883"
	UndefinedTable               = "42P01"
	UndefinedParameter           = "42P02"
	UndefinedObject              = "42704"
	InvalidName                  = "42602"
	UndefinedDatabase            = "3D000"
	UndefinedSchema              = "3F000"
	DuplicateColumn              = "42701"
	DuplicateObject              = "42710"
	DuplicateTable               = "42P07"
	DuplicateSchema              = "42P06"
	DuplicatePreparedStatement   = "42P05"
	DuplicateCursor              = "42P03"
	AmbiguousColumn              = "42702"
	AmbiguousFunction            = "42725"
	AmbiguousParameter           = "42P08"
	GroupingError                = "42803"
	WindowingError               = "42P20"
	DatatypeMismatch             = "42804"
	WrongObjectType              = "42809"
	CannotCoerce                 = "42846"
	IndeterminateDatatype        = "42P18"
	InvalidColumnReference       = "42P10"
	InvalidTableDefinition       = "42P16"
	InvalidColumnDefinition      = "42611"
	InvalidObjectDefinition      = "42P17"
	DependentObjectsStillExist   = "2BP01"
	ProgramLimitExceeded         = "54000"
	TooManyColumns               = "54011"
	TooManyArguments             = "54023"
	ObjectNotInPrerequisiteState = "55000"
	QueryCanceled                = "57014"
	AdminShutdown                = "57P01"
	ProtocolViolation            = "08P01"
	ConnectionException          = "08000"
	ConfigFileError              = "F0000"
	InternalError                = "XX000"
	DataCorrupted                = "XX001"
	OutOfMemory                  = "53200"
	DiskFull                     = "53100"
	ExternalRoutineException     = "38000"
)

// Error is an error with a SQLSTATE code, shown to the client as an
// ErrorResponse. Position is 1-based into the statement text (0 = none).
type Error struct {
	Code     string
	Message  string
	Detail   string
	Hint     string
	Position int
	// Where is the error's context, psql's CONTEXT line: where in the
	// work the error arose (for COPY, the table and line of the data).
	Where string
	// Severity is ERROR unless set (FATAL for connection-ending errors).
	Severity string
	cause    error
}

func (e *Error) Error() string { return e.Message }

// Unwrap returns the wrapped cause, if any.
func (e *Error) Unwrap() error { return e.cause }

// New returns an *Error with the given code and formatted message.
func New(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an *Error with the given code whose message is msg and
// whose cause is err (for errors.Is / errors.As).
func Wrap(err error, code, msg string) *Error {
	return &Error{Code: code, Message: msg, cause: err}
}

// WithDetail returns a copy of e with Detail set.
func (e *Error) WithDetail(format string, args ...any) *Error {
	c := *e
	c.Detail = fmt.Sprintf(format, args...)
	return &c
}

// WithHint returns a copy of e with Hint set.
func (e *Error) WithHint(format string, args ...any) *Error {
	c := *e
	c.Hint = fmt.Sprintf(format, args...)
	return &c
}

// WithWhere returns a copy of e with Where set.
func (e *Error) WithWhere(format string, args ...any) *Error {
	c := *e
	c.Where = fmt.Sprintf(format, args...)
	return &c
}

// WithPosition returns a copy of e with Position set (1-based).
func (e *Error) WithPosition(pos int) *Error {
	c := *e
	c.Position = pos
	return &c
}

// Code returns the SQLSTATE of err: the code of the first *Error in its
// chain, or XX000 if there is none (57014 for a context cancellation is
// the caller's business: it wraps before calling).
func Code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return InternalError
}

// As returns the *Error in err's chain, or a new XX000 error carrying
// err's text.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: InternalError, Message: err.Error(), cause: err}
}

// NotSupported returns a 0A000 error: "feature not supported: what".
func NotSupported(format string, args ...any) *Error {
	return &Error{Code: FeatureNotSupported, Message: "feature not supported: " + fmt.Sprintf(format, args...)}
}

// More SQLSTATE codes.
const (
	DuplicateAlias         = "42712"
	CantChangeRuntimeParam = "55P02"
)
