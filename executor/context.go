package executor

import (
	"context"
	"errors"

	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/functions"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
	"github.com/eddy-db/eddy/storage"
)

// Writer is where DML statements write: the session's transaction, which
// buffers the writes (readable through Context.Reader) and commits or
// discards them.
type Writer interface {
	// Put writes a row of t: key and val are its storage encoding. It
	// reports false when the row was not written: a row behind the
	// watermark of a table with WATERMARK FOR is dropped (and counted).
	Put(t *catalog.Object, key, val []byte, row types.Row) (bool, error)
	// Delete removes the row of t with the given key.
	Delete(t *catalog.Object, key []byte) error
	// NextRowID returns a fresh value for a table's hidden row id.
	NextRowID(t *catalog.Object) (int64, error)
}

// Context is the state of one statement execution.
type Context struct {
	Ctx context.Context
	// Reader reads table rows: a snapshot, or the transaction's batch.
	Reader storage.Reader
	// Writer is nil for read-only statements.
	Writer Writer
	Params []types.Datum
	Fn     *functions.Context

	// outer is the stack of outer rows for correlated subqueries.
	outer []types.Row
	ticks int
}

// check returns 57014 when the statement was cancelled; it looks at the
// context every 256 calls to stay cheap in row loops.
func (ec *Context) check() error {
	ec.ticks++
	if ec.ticks&255 != 0 || ec.Ctx == nil {
		return nil
	}
	return ContextErr(ec.Ctx)
}

// ErrCanceled is the 57014 error of a cancelled statement.
var ErrCanceled = sqlerr.New(sqlerr.QueryCanceled, "canceling statement due to user request")

// ErrTimeout is the 57014 error of a statement that ran past statement_timeout.
var ErrTimeout = sqlerr.New(sqlerr.QueryCanceled, "canceling statement due to statement timeout")

// ErrTerminated is the FATAL 57P01 error of a statement whose session was
// ended by pg_terminate_backend.
var ErrTerminated = &sqlerr.Error{Code: sqlerr.AdminShutdown, Severity: "FATAL",
	Message: "terminating connection due to administrator command"}

// ContextErr returns the error a statement whose context ended fails
// with, or nil while the context is live: the context's cause when it is
// a SQL error (a 57014 with its reason, or 57P01), ErrTimeout for a
// deadline, else ErrCanceled.
func ContextErr(ctx context.Context) error {
	err := ctx.Err()
	if err == nil {
		return nil
	}
	var e *sqlerr.Error
	if errors.As(context.Cause(ctx), &e) && (e.Code == sqlerr.QueryCanceled || e.Code == sqlerr.AdminShutdown) {
		return e
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return ErrTimeout
	}
	return ErrCanceled
}
