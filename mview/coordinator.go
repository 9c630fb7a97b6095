package mview

import (
	"context"
	"encoding/binary"
	"time"

	"github.com/eddy-db/eddy/executor"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/storage"
)

// coordinator runs checkpoints: one at a time (mu), on a timer, on FLUSH,
// and for DDL (which holds mu from its pausing checkpoint to its commit).
type coordinator struct {
	m         *Manager
	mu        chanMutex
	collected chan collected
	wakeC     chan struct{}
}

// collected is a view's report that it passed a barrier.
type collected struct {
	job     *job
	epoch   uint64
	batch   *storage.Batch
	offsets map[string][]byte
	err     error
}

// chanMutex is a mutex whose Lock can give up when a context ends.
type chanMutex chan struct{}

func (c chanMutex) lock(ctx context.Context) error {
	select {
	case c <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c chanMutex) unlock() { <-c }

func newCoordinator(m *Manager) *coordinator {
	return &coordinator{m: m, mu: make(chanMutex, 1), collected: make(chan collected, 64), wakeC: make(chan struct{}, 1)}
}

func (c *coordinator) wake() {
	select {
	case c.wakeC <- struct{}{}:
	default:
	}
}

func (c *coordinator) run(ctx context.Context) {
	t := time.NewTimer(c.m.BarrierInterval())
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.wakeC:
			t.Reset(c.m.BarrierInterval())
			continue
		case <-t.C:
		}
		if c.mu.lock(ctx) != nil {
			return
		}
		if _, err := c.checkpoint(false, nil); err != nil && ctx.Err() == nil {
			c.m.fail(err)
		}
		c.mu.unlock()
		t.Reset(c.m.BarrierInterval())
	}
}

// flush runs a checkpoint now. A cancel ends the wait, not the
// checkpoint: it completes (or fails) as a timed one would, so the views
// are not affected.
func (c *coordinator) flush(ctx context.Context) error {
	if err := c.mu.lock(ctx); err != nil {
		return executor.ContextErr(ctx)
	}
	done := make(chan error, 1)
	c.m.wg.Add(1)
	go func() {
		defer c.m.wg.Done()
		defer c.mu.unlock()
		_, err := c.checkpoint(false, nil)
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return executor.ContextErr(ctx)
	}
}

// pause commits a checkpoint after which sources stop reading, and
// keeps other checkpoints out until resume.
func (c *coordinator) pause(ctx context.Context) error {
	if err := c.mu.lock(ctx); err != nil {
		return executor.ContextErr(ctx)
	}
	if _, err := c.checkpoint(true, nil); err != nil {
		c.mu.unlock()
		return err
	}
	return nil
}

// commitNext (while paused) lets sources read again and commits a
// checkpoint that also holds publish's writes.
func (c *coordinator) commitNext(ctx context.Context, publish func(*storage.Batch) error) (uint64, error) {
	c.resumeSources()
	return c.checkpoint(false, publish)
}

// resume ends a pause.
func (c *coordinator) resume() {
	c.resumeSources()
	c.mu.unlock()
}

func (c *coordinator) resumeSources() {
	for _, j := range c.m.jobList() {
		for _, s := range j.sources {
			s.resume()
		}
	}
}

// checkpoint injects the next barrier into every source, waits until
// every view has passed it, and commits all their state writes with the
// source offsets (and publish's writes) in one batch.
func (c *coordinator) checkpoint(pause bool, publish func(*storage.Batch) error) (uint64, error) {
	m := c.m
	if err := m.failure(); err != nil {
		return 0, sqlerr.Wrap(err, sqlerr.InternalError, "materialized views are not updating: "+err.Error())
	}
	jobs := m.jobList()
	epoch := m.store.Epoch() + 1
	if len(jobs) == 0 && publish == nil {
		return epoch - 1, nil
	}
	for _, j := range jobs {
		for _, s := range j.sources {
			if ch := s.injectC(); ch != nil {
				select {
				case ch <- inject{epoch: epoch, pause: pause}:
				case <-m.ctx.Done():
					return 0, errStopped
				}
			}
		}
	}
	expected := map[*job]bool{}
	for _, j := range jobs {
		expected[j] = true
	}
	batch := m.store.NewBatch()
	defer batch.Close()
	offsets := map[string][]byte{}
	for len(expected) > 0 {
		var col collected
		select {
		case col = <-c.collected:
		case <-m.ctx.Done():
			return 0, errStopped
		}
		if !expected[col.job] || col.epoch != epoch {
			continue
		}
		delete(expected, col.job)
		if col.err != nil {
			col.job.setErr(epoch, col.err)
			m.log.Error("materialized view failed", "view", col.job.obj.Name, "err", col.err)
			m.removeJob(col.job)
			continue
		}
		if col.batch != nil {
			if err := batch.Append(col.batch); err != nil {
				return 0, err
			}
			_ = col.batch.Close()
		}
		for k, v := range col.offsets {
			offsets[k] = v
		}
	}
	if err := c.gcLogs(batch, offsets); err != nil {
		return 0, err
	}
	if publish != nil {
		if err := publish(batch); err != nil {
			return 0, err
		}
	}
	if err := m.store.CommitEpoch(epoch, batch, offsets); err != nil {
		return 0, err
	}
	for _, j := range jobs {
		if j.sink != nil {
			j.sink.notify()
		}
	}
	return epoch, nil
}

// gcLogs removes the log entries every reader of the table has now
// committed past.
func (c *coordinator) gcLogs(b *storage.Batch, offsets map[string][]byte) error {
	m := c.m
	m.mu.Lock()
	logs := make([]*TableLog, 0, len(m.logs))
	for _, l := range m.logs {
		logs = append(logs, l)
	}
	m.mu.Unlock()
	for _, l := range logs {
		l.pubMu.Lock()
		low := uint64(0)
		first := true
		for r := range l.readers {
			off, ok := offsets[r.name]
			if !ok || len(off) < 8 {
				first, low = false, 0
				break
			}
			v := binary.BigEndian.Uint64(off)
			if first || v < low {
				low, first = v, false
			}
		}
		l.pubMu.Unlock()
		if low > 0 {
			if err := b.DeleteRange(storage.LogKey(l.ID, 0), storage.LogKey(l.ID, low+1)); err != nil {
				return err
			}
		}
	}
	return nil
}
