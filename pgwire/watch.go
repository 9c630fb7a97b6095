package pgwire

import (
	"errors"
	"net"
	"os"
	"sync"
	"time"
)

// watchAfter is how long a statement runs before the connection is
// watched for the client going away (short statements never pay for it).
const watchAfter = 200 * time.Millisecond

// Watcher states.
const (
	watchIdle     = iota // no statement running
	watchArmed           // a statement runs; the timer may start the watcher
	watchReading         // the watcher reads the socket
	watchStopping        // the statement ended; the watcher is interrupted
)

// connReader is the protocol's reader over the client connection. While
// a long statement runs it keeps reading the socket in the background:
// bytes that arrive (pipelined messages) are kept for the protocol, and
// the end of the connection cancels the statement, so a client that
// disconnects mid-query does not leave its query running.
type connReader struct {
	nc net.Conn
	// gone cancels the running statement when the client disconnects.
	gone func()

	mu      sync.Mutex
	pending []byte
	err     error // the error that ended the background reading

	// One timer per connection, re-armed for each statement.
	timer  *time.Timer
	wmu    sync.Mutex
	state  int
	bgDone chan struct{}
}

func newConnReader(nc net.Conn, gone func()) *connReader {
	return &connReader{nc: nc, gone: gone, bgDone: make(chan struct{}, 1)}
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

// watch runs a statement; if it runs longer than watchAfter, the socket
// is read in the background meanwhile and a disconnect calls gone.
func (r *connReader) watch(fn func()) {
	r.wmu.Lock()
	r.state = watchArmed
	r.wmu.Unlock()
	if r.timer == nil {
		r.timer = time.AfterFunc(watchAfter, r.background)
	} else {
		r.timer.Reset(watchAfter)
	}
	fn()
	r.wmu.Lock()
	if r.state != watchReading {
		// The watcher has not started; should the timer still fire, it
		// finds the reader idle and does nothing.
		r.state = watchIdle
		r.wmu.Unlock()
		r.timer.Stop()
		return
	}
	r.state = watchStopping
	r.wmu.Unlock()
	// Interrupt the watcher's read and wait for it to hand the socket back.
	_ = r.nc.SetReadDeadline(time.Now())
	<-r.bgDone
	_ = r.nc.SetReadDeadline(time.Time{})
	r.wmu.Lock()
	r.state = watchIdle
	r.wmu.Unlock()
}

// background reads the socket until the statement ends, keeping what
// arrives. It runs on the timer's goroutine.
func (r *connReader) background() {
	r.wmu.Lock()
	if r.state != watchArmed {
		r.wmu.Unlock()
		return
	}
	r.state = watchReading
	r.wmu.Unlock()
	defer func() { r.bgDone <- struct{}{} }()
	buf := make([]byte, 4096)
	for {
		n, err := r.nc.Read(buf)
		r.mu.Lock()
		r.pending = append(r.pending, buf[:n]...)
		r.mu.Unlock()
		if err == nil {
			continue
		}
		r.wmu.Lock()
		stopping := r.state == watchStopping
		r.wmu.Unlock()
		if stopping && errors.Is(err, os.ErrDeadlineExceeded) {
			return // interrupted on purpose
		}
		r.mu.Lock()
		r.err = err
		r.mu.Unlock()
		r.gone()
		return
	}
}
