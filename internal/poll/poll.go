// Package poll calls a function at an interval, for tests that must keep
// doing something (sending a cancel request, say) until another thing
// happens.
package poll

import "time"

// Every calls fn every d until the returned stop is called; stop waits
// for a call in progress to end.
func Every(d time.Duration, fn func()) (stop func()) {
	done, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		for {
			select {
			case <-done:
				return
			case <-time.After(d):
				fn()
			}
		}
	}()
	return func() {
		close(done)
		<-exited
	}
}
