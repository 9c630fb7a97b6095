package pgwire

import (
	"context"
	"errors"
	"net"
	"os"
	"sync"
	"time"
)

// watchAfter is how long a statement runs before the connection is
// watched for the client going away (short statements never pay for it).
const watchAfter = 200 * time.Millisecond

// connReader is the protocol's reader over the client connection. While
// a long statement runs it keeps reading the socket in the background:
// bytes that arrive (pipelined messages) are kept for the protocol, and
// the end of the connection cancels the statement, so a client that
// disconnects mid-query does not leave its query running.
type connReader struct {
	nc net.Conn

	mu      sync.Mutex
	pending []byte
	err     error // the error that ended the background reading
}

func (r *connReader) Read(p []byte) (int, error) {
	r.mu.Lock()
	if len(r.pending) > 0 {
		n := copy(p, r.pending)
		r.pending = r.pending[n:]
		r.mu.Unlock()
		return n, nil
	}
	err := r.err
	r.mu.Unlock()
	if err != nil {
		return 0, err
	}
	return r.nc.Read(p)
}

// watch runs fn's statement with ctx cancelled if the client disconnects
// while it runs longer than watchAfter.
func (r *connReader) watch(ctx context.Context, fn func(ctx context.Context)) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		wg      sync.WaitGroup
		stopped = make(chan struct{})
	)
	timer := time.AfterFunc(watchAfter, func() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.background(cancel, stopped)
		}()
	})
	fn(ctx)
	if !timer.Stop() {
		// The watcher started: interrupt its read and wait for it.
		close(stopped)
		_ = r.nc.SetReadDeadline(time.Now())
		wg.Wait()
		_ = r.nc.SetReadDeadline(time.Time{})
	}
}

// background reads the socket until stopped, keeping what arrives.
func (r *connReader) background(cancel context.CancelCauseFunc, stopped <-chan struct{}) {
	buf := make([]byte, 4096)
	for {
		n, err := r.nc.Read(buf)
		r.mu.Lock()
		r.pending = append(r.pending, buf[:n]...)
		r.mu.Unlock()
		if err == nil {
			continue
		}
		select {
		case <-stopped:
			if errors.Is(err, os.ErrDeadlineExceeded) {
				return // interrupted on purpose
			}
		default:
		}
		r.mu.Lock()
		r.err = err
		r.mu.Unlock()
		cancel(errClientGone)
		return
	}
}

var errClientGone = errors.New("client connection closed")
