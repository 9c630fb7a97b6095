// Package stream holds the streaming operators that keep materialized
// views up to date.
//
// Operators exchange one vocabulary of messages:
//
//	Chunk      a columnar batch of changes (insert, delete, U-/U+ pairs)
//	Barrier    epoch N ends here: flush state for N, then forward it
//	Watermark  no later row of this column will be below Val
//
// An operator is pulled by its consumer (Next) and pulls its inputs; it
// passes on what it does not handle, and emits its own output for an
// epoch before forwarding that epoch's barrier. Goroutines and channels
// sit only at fragment boundaries (sources, and the merge in front of a
// multi-input operator).
//
// State: a stateful operator keeps its state in state.Tables; on a
// barrier it writes what changed into the epoch's batch (Barrier.Batch),
// which the coordinator commits atomically with every other operator's
// and the sources' offsets.
package stream

import (
	"context"
	"errors"

	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/sql/types"
	"github.com/eddy-db/eddy/storage"
)

// Kind says what an operator's output stream can contain.
type Kind uint8

// The stream kinds.
const (
	// AppendOnly streams carry only inserts.
	AppendOnly Kind = iota
	// Retract streams carry inserts, deletes and U-/U+ pairs, each
	// delete matching an earlier insert exactly.
	Retract
)

func (k Kind) String() string {
	if k == AppendOnly {
		return "append-only"
	}
	return "retract"
}

// Info describes an operator's output.
type Info struct {
	Types []types.Type
	// Key are the columns that identify a row of the output (its stream
	// key): a delete carries the same key as the insert it undoes.
	Key  []int
	Kind Kind
}

// Barrier ends an epoch. Stateful operators write their changed state
// into their fragment's batch for the epoch (Fragment.Batch) before
// forwarding the barrier; the coordinator commits all fragments' batches
// together when every fragment has passed the barrier.
type Barrier struct {
	Epoch uint64
	// Mutation carries a change to the running graph (stop, pause ...).
	Mutation Mutation
	// Offsets are the positions the sources upstream of this barrier had
	// reached when they emitted it (source name -> opaque bytes); they are
	// committed with the epoch.
	Offsets map[string][]byte
}

// Fragment is what the operators of one dataflow share: the batch each
// epoch's state changes go into.
type Fragment struct {
	Store   *storage.Store
	batches map[uint64]*storage.Batch
}

// NewFragment returns a fragment writing into store.
func NewFragment(store *storage.Store) *Fragment {
	return &Fragment{Store: store, batches: map[uint64]*storage.Batch{}}
}

// Batch returns the batch of an epoch's state writes.
func (f *Fragment) Batch(epoch uint64) *storage.Batch {
	b, ok := f.batches[epoch]
	if !ok {
		b = f.Store.NewBatch()
		f.batches[epoch] = b
	}
	return b
}

// TakeBatch removes and returns an epoch's batch (nil if nothing was
// written).
func (f *Fragment) TakeBatch(epoch uint64) *storage.Batch {
	b := f.batches[epoch]
	delete(f.batches, epoch)
	return b
}

// Mutation is a change to the dataflow carried by a barrier.
type Mutation uint8

// The mutations.
const (
	NoMutation Mutation = iota
	// Stop ends the dataflow after this barrier (DROP).
	Stop
	// Pause stops sources from reading after this barrier until a
	// barrier without Pause arrives (DDL that needs a quiet graph).
	Pause
)

// Watermark says that no later row of column Col is below Val.
type Watermark struct {
	Col int
	Val types.Datum
}

// Message is one item of a stream: exactly one field is set.
type Message struct {
	Chunk     *chunk.Chunk
	Barrier   *Barrier
	Watermark *Watermark
}

// Operator produces a stream of messages.
//
// Next blocks until it has a message; a chunk it returns is owned by the
// caller (the operator does not reuse it). Next returns ErrStopped after
// forwarding a Stop barrier. Operators are used by one goroutine.
type Operator interface {
	Info() Info
	Next(ctx context.Context) (Message, error)
	Close() error
}

// ErrStopped is returned by Next after a Stop barrier went through.
var ErrStopped = errors.New("stream: stopped")

// DefaultChunkSize is how many rows operators put in one chunk.
const DefaultChunkSize = 1024
