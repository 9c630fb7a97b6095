package stream

import (
	"context"
	"reflect"
)

// Merger reads several inputs, each in its own goroutine, and aligns
// their barriers: after an input delivers barrier N it is not read again
// until every input has delivered N; then one barrier N (with all inputs'
// offsets) comes out. Watermarks come out per input.
type Merger struct {
	inputs  []Operator
	chans   []chan Message
	errs    chan error
	cancel  context.CancelFunc
	blocked []bool
	pending *Barrier
	nblock  int
	started bool
}

// NewMerger returns a merger of inputs.
func NewMerger(inputs []Operator) *Merger {
	return &Merger{inputs: inputs, blocked: make([]bool, len(inputs))}
}

func (m *Merger) start(ctx context.Context) {
	ctx, m.cancel = context.WithCancel(ctx)
	m.errs = make(chan error, len(m.inputs))
	m.chans = make([]chan Message, len(m.inputs))
	for i, in := range m.inputs {
		ch := make(chan Message, 4)
		m.chans[i] = ch
		go func(in Operator, ch chan Message) {
			defer close(ch)
			for {
				msg, err := in.Next(ctx)
				if err != nil {
					if err != ErrStopped && ctx.Err() == nil {
						m.errs <- err
					}
					return
				}
				select {
				case ch <- msg:
				case <-ctx.Done():
					return
				}
				if msg.Barrier != nil && msg.Barrier.Mutation == Stop {
					return
				}
			}
		}(in, ch)
	}
	m.started = true
}

// Next returns the next message and the index of the input it came from
// (-1 for an aligned barrier).
func (m *Merger) Next(ctx context.Context) (int, Message, error) {
	if !m.started {
		m.start(ctx)
	}
	for {
		cases := make([]reflect.SelectCase, 0, len(m.chans)+2)
		idx := make([]int, 0, len(m.chans))
		for i, ch := range m.chans {
			if m.blocked[i] {
				continue
			}
			cases = append(cases, reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(ch)})
			idx = append(idx, i)
		}
		cases = append(cases, reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(m.errs)})
		cases = append(cases, reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(ctx.Done())})
		chosen, v, ok := reflect.Select(cases)
		switch {
		case chosen == len(cases)-1:
			return 0, Message{}, ctx.Err()
		case chosen == len(cases)-2:
			return 0, Message{}, v.Interface().(error)
		}
		i := idx[chosen]
		if !ok {
			// The input ended (after a Stop barrier).
			return 0, Message{}, ErrStopped
		}
		msg := v.Interface().(Message)
		if msg.Barrier == nil {
			return i, msg, nil
		}
		b := msg.Barrier
		if m.pending == nil {
			m.pending = &Barrier{Epoch: b.Epoch, Mutation: b.Mutation, Offsets: map[string][]byte{}}
		}
		for k, off := range b.Offsets {
			m.pending.Offsets[k] = off
		}
		if b.Mutation > m.pending.Mutation {
			m.pending.Mutation = b.Mutation
		}
		m.blocked[i] = true
		m.nblock++
		if m.nblock == len(m.chans) {
			out := m.pending
			m.pending, m.nblock = nil, 0
			for j := range m.blocked {
				m.blocked[j] = false
			}
			return -1, Message{Barrier: out}, nil
		}
	}
}

// Close stops the input goroutines and closes the inputs.
func (m *Merger) Close() error {
	if m.cancel != nil {
		m.cancel()
	}
	var err error
	for _, in := range m.inputs {
		if e := in.Close(); e != nil && err == nil {
			err = e
		}
	}
	return err
}

// Union merges inputs with the same columns.
type Union struct {
	m    *Merger
	info Info
	// wm holds each input's latest watermark per column; the union's
	// watermark is the smallest.
	wm []map[int]Watermark
}

var _ Operator = (*Union)(nil)

// NewUnion returns the union of inputs.
func NewUnion(inputs []Operator, info Info) *Union {
	u := &Union{m: NewMerger(inputs), info: info, wm: make([]map[int]Watermark, len(inputs))}
	for i := range u.wm {
		u.wm[i] = map[int]Watermark{}
	}
	return u
}

func (u *Union) Info() Info { return u.info }

func (u *Union) Next(ctx context.Context) (Message, error) {
	for {
		i, msg, err := u.m.Next(ctx)
		if err != nil || msg.Watermark == nil {
			return msg, err
		}
		w := *msg.Watermark
		u.wm[i][w.Col] = w
		low, ok := w, true
		for _, m := range u.wm {
			o, has := m[w.Col]
			if !has {
				ok = false
				break
			}
			if compareDatum(o.Val, low.Val) < 0 {
				low = o
			}
		}
		if ok {
			return Message{Watermark: &low}, nil
		}
	}
}

func (u *Union) Close() error { return u.m.Close() }
