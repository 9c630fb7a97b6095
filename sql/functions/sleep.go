package functions

import (
	"context"
	"errors"
	"math"
	"time"

	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// pg_sleep, pg_sleep_for and pg_sleep_until wait as PostgreSQL's do and
// return void. The wait ends early when the statement is cancelled, times
// out or its session is terminated: the call then fails with the
// statement's 57014 (or 57P01) error.

// void is the value of a void function: not NULL, empty in both formats.
var void = types.NewString("")

// sleepFor waits d (forever when forever is set) or until the statement
// ends.
func sleepFor(ctx *Context, d time.Duration, forever bool) (types.Datum, error) {
	var done <-chan struct{}
	if ctx.Ctx != nil {
		done = ctx.Ctx.Done()
		if ctx.Ctx.Err() != nil {
			return types.Null, statementEnded(ctx.Ctx)
		}
	}
	if d <= 0 && !forever {
		return void, nil
	}
	var fire <-chan time.Time
	if !forever {
		t := time.NewTimer(d)
		defer t.Stop()
		fire = t.C
	}
	select {
	case <-fire:
		return void, nil
	case <-done:
		return types.Null, statementEnded(ctx.Ctx)
	}
}

// statementEnded is the error of a statement whose context ended: its
// cause when that is a SQL error (the session sets one), else the 57014
// of a timeout or of a cancel.
func statementEnded(c context.Context) error {
	var e *sqlerr.Error
	if errors.As(context.Cause(c), &e) {
		return e
	}
	if errors.Is(c.Err(), context.DeadlineExceeded) {
		return sqlerr.New(sqlerr.QueryCanceled, "canceling statement due to statement timeout")
	}
	return sqlerr.New(sqlerr.QueryCanceled, "canceling statement due to user request")
}

// sleepSeconds waits a number of seconds: NaN, zero and negative values
// return at once, +Infinity (or more seconds than a duration holds) waits
// until the statement ends.
func sleepSeconds(ctx *Context, secs float64) (types.Datum, error) {
	switch {
	case math.IsNaN(secs) || secs <= 0:
		return sleepFor(ctx, 0, false)
	case secs >= float64(math.MaxInt64)/float64(time.Second):
		return sleepFor(ctx, 0, true)
	}
	return sleepFor(ctx, time.Duration(secs*float64(time.Second)), false)
}

// sleepUntil waits until the instant at.
func sleepUntil(ctx *Context, at time.Time) (types.Datum, error) {
	return sleepFor(ctx, time.Until(at), false)
}

func init() {
	register(
		&Func{Name: "pg_sleep", Args: ts(tFloat8), Ret: types.TVoid, Volatile: true,
			Eval: func(ctx *Context, a []types.Datum) (types.Datum, error) {
				return sleepSeconds(ctx, a[0].Float())
			}},
		&Func{Name: "pg_sleep_for", Args: ts(tInterval), Ret: types.TVoid, Volatile: true,
			Eval: func(ctx *Context, a []types.Datum) (types.Datum, error) {
				iv := a[0].Interval()
				now := time.Now()
				return sleepUntil(ctx, now.AddDate(0, int(iv.Months), int(iv.Days)).Add(time.Duration(iv.Micros)*time.Microsecond))
			}},
		&Func{Name: "pg_sleep_until", Args: ts(tTSTZ), Ret: types.TVoid, Volatile: true,
			Eval: func(ctx *Context, a []types.Datum) (types.Datum, error) {
				us := a[0].Micros()
				switch us {
				case types.InfinityMicros:
					return sleepFor(ctx, 0, true)
				case types.NegInfinityMicros:
					return sleepFor(ctx, 0, false)
				}
				return sleepUntil(ctx, time.UnixMicro(us))
			}},
	)
}
