package stream_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/executor/state"
	"github.com/eddy-db/eddy/executor/stream"
	"github.com/eddy-db/eddy/sql/types"
	"github.com/eddy-db/eddy/storage"
)

// errDrained is what a replay returns when it has nothing left and is
// not allowed to block: the operator pulled further than the test fed.
var errDrained = errors.New("replay: no more input")

// replay is an operator that returns the messages a test pushes into it.
// A non-blocking replay (for operators pulled in the test's goroutine)
// returns errDrained when empty; a blocking one (read by a Merger's
// goroutine) waits for more.
type replay struct {
	info  stream.Info
	block bool

	mu     sync.Mutex
	queue  []stream.Message
	notify chan struct{}
	// calls receives the number of messages handed out so far each time
	// Next is called (when not nil; sends never block).
	calls  chan int
	taken  int
	closed bool
}

var _ stream.Operator = (*replay)(nil)

func newReplay(info stream.Info, block bool) *replay {
	return &replay{info: info, block: block, notify: make(chan struct{}, 1)}
}

// push appends messages to the replay.
func (r *replay) push(ms ...stream.Message) {
	r.mu.Lock()
	r.queue = append(r.queue, ms...)
	r.mu.Unlock()
	select {
	case r.notify <- struct{}{}:
	default:
	}
}

func (r *replay) Info() stream.Info { return r.info }

func (r *replay) Next(ctx context.Context) (stream.Message, error) {
	for {
		r.mu.Lock()
		if r.calls != nil {
			select {
			case r.calls <- r.taken:
			default:
			}
		}
		if len(r.queue) > 0 {
			m := r.queue[0]
			r.queue = r.queue[1:]
			r.taken++
			r.mu.Unlock()
			return m, nil
		}
		r.mu.Unlock()
		if !r.block {
			return stream.Message{}, errDrained
		}
		select {
		case <-r.notify:
		case <-ctx.Done():
			return stream.Message{}, ctx.Err()
		}
	}
}

func (r *replay) Close() error {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	return nil
}

// openStore opens a store in a fresh temporary directory.
func openStore(t testing.TB) *storage.Store {
	t.Helper()
	st, err := storage.Open(t.TempDir(), storage.Options{CacheBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// copyStore returns a new store holding every key of src.
func copyStore(t testing.TB, src *storage.Store) *storage.Store {
	t.Helper()
	dst := openStore(t)
	it, err := src.NewIter(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	b := dst.NewBatch()
	for ok := it.First(); ok; ok = it.Next() {
		if err := b.Set(append([]byte(nil), it.Key()...), append([]byte(nil), it.Value()...)); err != nil {
			t.Fatal(err)
		}
	}
	if err := it.Close(); err != nil {
		t.Fatal(err)
	}
	if err := dst.Apply(b); err != nil {
		t.Fatal(err)
	}
	_ = b.Close()
	return dst
}

// parseTypes reads a comma-separated list of type names.
func parseTypes(s string) ([]types.Type, error) {
	if s == "" {
		return nil, nil
	}
	var out []types.Type
	for _, n := range strings.Split(s, ",") {
		t, ok := types.ByName(n)
		if !ok {
			return nil, fmt.Errorf("unknown type %q", n)
		}
		out = append(out, t)
	}
	return out, nil
}

// parseInts reads a comma-separated list of integers ("" is empty).
func parseInts(s string) ([]int, error) {
	if s == "" {
		return nil, nil
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		var n int
		if _, err := fmt.Sscan(f, &n); err != nil {
			return nil, fmt.Errorf("bad integer list %q", s)
		}
		out = append(out, n)
	}
	return out, nil
}

// splitValues splits a row line into values: words, or 'quoted text'
// (” inside quotes is a quote). Quoted values are never NULL.
func splitValues(s string) (vals []string, quoted []bool, err error) {
	i := 0
	for i < len(s) {
		switch {
		case s[i] == ' ':
			i++
		case s[i] == '\'':
			var b strings.Builder
			i++
			for {
				if i >= len(s) {
					return nil, nil, fmt.Errorf("unterminated quote in %q", s)
				}
				if s[i] == '\'' {
					if i+1 < len(s) && s[i+1] == '\'' {
						b.WriteByte('\'')
						i += 2
						continue
					}
					i++
					break
				}
				b.WriteByte(s[i])
				i++
			}
			vals, quoted = append(vals, b.String()), append(quoted, true)
		default:
			j := i
			for j < len(s) && s[j] != ' ' {
				j++
			}
			vals, quoted = append(vals, s[i:j]), append(quoted, false)
			i = j
		}
	}
	return vals, quoted, nil
}

// parseRow reads the values of a row in PostgreSQL's text format; the
// bare word NULL is SQL NULL.
func parseRow(fields []string, quoted []bool, ts []types.Type) (types.Row, error) {
	if len(fields) != len(ts) {
		return nil, fmt.Errorf("row %v has %d values, want %d", fields, len(fields), len(ts))
	}
	row := make(types.Row, len(ts))
	for i, f := range fields {
		if f == "NULL" && !quoted[i] {
			continue
		}
		d, err := types.ParseText(f, ts[i], types.DefaultEnv)
		if err != nil {
			return nil, fmt.Errorf("value %q of type %s: %v", f, ts[i], err)
		}
		row[i] = d
	}
	return row, nil
}

var opsByName = map[string]chunk.Op{"+": chunk.Insert, "-": chunk.Delete, "U-": chunk.UpdateDelete, "U+": chunk.UpdateInsert}

// event is one message for one input (-1: every input).
type event struct {
	input int
	msg   stream.Message
	// sync marks a barrier the harness adds to order the inputs of a
	// multi-input operator; it is not printed.
	sync bool
}

// parseInput reads the text form of input messages:
//
//	[label] + 1 foo          a row (op + - U- U+), consecutive rows of one input form a chunk
//	[label] hidden + 1 foo   a row present in the chunk but not visible
//	[label] break            ends the current chunk
//	[label] watermark 1 10   a watermark on column 1
//	barrier [stop|pause]     a barrier on every input
//
// Labels name the inputs of a multi-input operator (labels maps them to
// input indexes); single-input operators take lines without labels.
func parseInput(lines []string, labels map[string]int, ins []stream.Info) ([]event, error) {
	var out []event
	var cur *chunk.Chunk
	curIn := -1
	flush := func() {
		if cur != nil {
			out = append(out, event{input: curIn, msg: stream.Message{Chunk: cur}})
			cur = nil
		}
	}
	for _, line := range lines {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		in := 0
		if fields[0] == "barrier" {
			flush()
			b := &stream.Barrier{}
			if len(fields) > 1 {
				switch fields[1] {
				case "stop":
					b.Mutation = stream.Stop
				case "pause":
					b.Mutation = stream.Pause
				default:
					return nil, fmt.Errorf("bad barrier line %q", line)
				}
			}
			out = append(out, event{input: -1, msg: stream.Message{Barrier: b}})
			continue
		}
		rest := strings.TrimSpace(line)
		if labels != nil {
			idx, ok := labels[fields[0]]
			if !ok {
				return nil, fmt.Errorf("line %q: no input label", line)
			}
			in = idx
			rest = strings.TrimSpace(strings.TrimPrefix(rest, fields[0]))
			fields = fields[1:]
		}
		if in != curIn {
			flush()
		}
		curIn = in
		switch fields[0] {
		case "break":
			flush()
			continue
		case "watermark":
			flush()
			if len(fields) < 3 {
				return nil, fmt.Errorf("bad watermark line %q", line)
			}
			var col int
			if _, err := fmt.Sscan(fields[1], &col); err != nil {
				return nil, err
			}
			vals, quoted, err := splitValues(strings.Join(fields[2:], " "))
			if err != nil {
				return nil, err
			}
			v, err := parseRow(vals, quoted, []types.Type{ins[in].Types[col]})
			if err != nil {
				return nil, err
			}
			out = append(out, event{input: in, msg: stream.Message{Watermark: &stream.Watermark{Col: col, Val: v[0]}}})
			continue
		}
		hidden := false
		if fields[0] == "hidden" {
			hidden = true
			rest = strings.TrimSpace(strings.TrimPrefix(rest, "hidden"))
			fields = fields[1:]
		}
		op, ok := opsByName[fields[0]]
		if !ok {
			return nil, fmt.Errorf("bad input line %q", line)
		}
		vals, quoted, err := splitValues(strings.TrimSpace(strings.TrimPrefix(rest, fields[0])))
		if err != nil {
			return nil, err
		}
		row, err := parseRow(vals, quoted, ins[in].Types)
		if err != nil {
			return nil, fmt.Errorf("line %q: %v", line, err)
		}
		if cur == nil {
			cur = chunk.New(ins[in].Types, 4)
		}
		cur.AppendRow(op, row)
		if hidden {
			cur.Hide(cur.Len() - 1)
		}
	}
	flush()
	return out, nil
}

// formatRow renders a row in the chunk text form (no op).
func formatRow(row types.Row, ts []types.Type) string {
	parts := make([]string, len(row))
	for i, d := range row {
		if d.IsNull() {
			parts[i] = "NULL"
		} else {
			parts[i] = types.FormatText(d, ts[i], types.DefaultEnv)
		}
	}
	return strings.Join(parts, " ")
}

// formatChunk renders a chunk's visible rows with Chunk.String, sorting
// the changes (a U-/U+ pair stays together) so that operators whose
// output order within a chunk is unspecified print deterministically. A
// U- not followed by a U+ or a U+ without its U- is flagged.
func formatChunk(c *chunk.Chunk, sorted bool) []string {
	text := strings.TrimSuffix(c.String(), "\n")
	if text == "" {
		return []string{"(empty chunk)"}
	}
	lines := strings.Split(text, "\n")
	var ops []chunk.Op
	for i := range c.Ops {
		if c.Visible(i) {
			ops = append(ops, c.Ops[i])
		}
	}
	var units []string
	for i := 0; i < len(lines); i++ {
		switch {
		case ops[i] == chunk.UpdateDelete && i+1 < len(lines) && ops[i+1] == chunk.UpdateInsert:
			units = append(units, lines[i]+"\n"+lines[i+1])
			i++
		case ops[i] == chunk.UpdateDelete:
			units = append(units, lines[i]+"   !! U- without U+")
		case ops[i] == chunk.UpdateInsert:
			units = append(units, lines[i]+"   !! U+ without U-")
		default:
			units = append(units, lines[i])
		}
	}
	if sorted {
		sort.Strings(units)
	}
	return units
}

// formatMessage renders one output message (chunks sorted).
func formatMessage(m stream.Message, ts []types.Type) []string {
	return formatMessageOrder(m, ts, true)
}

// formatMessageOrder renders one output message; unsorted keeps the order
// of a chunk's rows.
func formatMessageOrder(m stream.Message, ts []types.Type, sorted bool) []string {
	switch {
	case m.Chunk != nil:
		return formatChunk(m.Chunk, sorted)
	case m.Barrier != nil:
		switch m.Barrier.Mutation {
		case stream.Stop:
			return []string{"barrier stop"}
		case stream.Pause:
			return []string{"barrier pause"}
		}
		return []string{"barrier"}
	case m.Watermark != nil:
		w := m.Watermark
		v := "NULL"
		if !w.Val.IsNull() {
			v = types.FormatText(w.Val, ts[w.Col], types.DefaultEnv)
		}
		return []string{fmt.Sprintf("watermark %d %s", w.Col, v)}
	}
	return []string{"(empty message)"}
}

// namedTable is a state table an operator under test owns.
type namedTable struct {
	name     string
	id       uint32
	keyTypes []types.Type
	valTypes []types.Type
}

// run is one instance of an operator under test, with its inputs, its
// fragment and its store.
type run struct {
	// ctx lives as long as the operator: a Merger's goroutines run
	// under the context of the first Next call.
	ctx    context.Context
	cancel context.CancelFunc
	store  *storage.Store
	frag   *stream.Fragment
	inputs []*replay
	op     stream.Operator
	epoch  uint64
	// fed is set when input went in after the last barrier.
	fed bool
	// unsorted prints chunks in their row order.
	unsorted bool
	// pending gathers the batches of finished epochs up to committed.
	pending   *storage.Batch
	committed uint64
	// consumer receives what a Materialize dispatches (nil until attached).
	consumer chan stream.Message
}

// restorer is implemented by the stateful operators.
type restorer interface {
	Restore(r storage.Reader) error
}

// opSpec builds an operator under test; build may be called again (on
// another store) to restore it.
type opSpec struct {
	ins    []stream.Info
	labels map[string]int // input labels of a multi-input operator
	tables []namedTable
	build  func(r *run, tables []*state.Table) (stream.Operator, error)
}

func (s *opSpec) multi() bool { return s.labels != nil }

// start builds the operator on store.
func (s *opSpec) start(store *storage.Store) (*run, error) {
	r := &run{store: store, frag: stream.NewFragment(store)}
	r.ctx, r.cancel = context.WithCancel(context.Background())
	for _, in := range s.ins {
		r.inputs = append(r.inputs, newReplay(in, s.multi()))
	}
	var tables []*state.Table
	for _, nt := range s.tables {
		tables = append(tables, state.New(store, nt.id, nt.keyTypes, nt.valTypes))
	}
	op, err := s.build(r, tables)
	if err != nil {
		return nil, err
	}
	r.op = op
	return r, nil
}

// feed pushes events into the inputs and pulls the operator until it has
// returned every barrier (multi-input operators) or until its input is
// drained (single-input ones), taking each epoch's batch as a
// coordinator would (see commit). It returns the printed output.
func (r *run) feed(evs []event, multi bool) ([]string, error) {
	// A guard against a hung operator, not a timing assertion: it stops
	// the operator for good.
	guard := time.AfterFunc(20*time.Second, r.cancel)
	defer guard.Stop()
	ctx := r.ctx
	// Barriers are numbered here; multi-input operators get extra
	// barriers whenever the input changes so that the order of the
	// inputs' messages is the order of the lines.
	var all []event
	last := -1
	pending := false
	for _, e := range evs {
		if multi && e.input >= 0 && last >= 0 && e.input != last && pending {
			all = append(all, event{input: -1, msg: stream.Message{Barrier: &stream.Barrier{}}, sync: true})
			pending = false
		}
		if e.input >= 0 {
			last = e.input
			pending = true
		} else {
			pending = false
		}
		all = append(all, e)
	}
	if multi && pending {
		all = append(all, event{input: -1, msg: stream.Message{Barrier: &stream.Barrier{}}, sync: true})
	}
	hidden := map[uint64]bool{}
	want := 0
	for _, e := range all {
		if b := e.msg.Barrier; b != nil {
			r.epoch++
			b.Epoch = r.epoch
			if e.sync {
				hidden[b.Epoch] = true
			}
			want++
			for _, in := range r.inputs {
				cp := *b
				in.push(stream.Message{Barrier: &cp})
			}
			r.fed = false
			continue
		}
		r.inputs[e.input].push(e.msg)
		r.fed = true
	}
	info := r.op.Info()
	var out []string
	seen := 0
	for !multi || seen < want {
		m, err := r.op.Next(ctx)
		if err == errDrained && !multi {
			break
		}
		if err != nil {
			return out, err
		}
		if b := m.Barrier; b != nil {
			seen++
			if err := r.commit(b.Epoch); err != nil {
				return out, err
			}
			if hidden[b.Epoch] {
				continue
			}
		}
		out = append(out, formatMessageOrder(m, info.Types, !r.unsorted)...)
	}
	return out, nil
}

// commit takes the fragment's batch of a finished epoch. Batches are
// gathered and committed together by sync (a synced commit per barrier
// would make the tests slow), which readers of the store call first.
func (r *run) commit(epoch uint64) error {
	b := r.frag.TakeBatch(epoch)
	r.committed = epoch
	if b == nil {
		return nil
	}
	defer b.Close()
	if r.pending == nil {
		r.pending = r.store.NewBatch()
	}
	return r.pending.Append(b)
}

// sync commits the epochs taken so far, as one epoch.
func (r *run) sync() error {
	if r.committed <= r.store.Epoch() {
		return nil
	}
	b := r.pending
	r.pending = nil
	if b == nil {
		b = r.store.NewBatch()
	}
	defer b.Close()
	return r.store.CommitEpoch(r.committed, b, nil)
}

func (r *run) close() {
	r.cancel()
	if r.pending != nil {
		_ = r.pending.Close()
		r.pending = nil
	}
	if r.op != nil {
		_ = r.op.Close()
	}
}

// harness keeps the operator under test of a data-driven file.
type harness struct {
	// root is the file's test: stores and operators outlive the
	// subtest of the command that made them.
	root *testing.T
	spec *opSpec
	cur  *run
	// orig is the uninterrupted operator after a restore: it gets the
	// same input, and its output must equal the restored one's.
	orig   *run
	nextID uint32
}

func newHarness(t *testing.T) *harness { return &harness{root: t, nextID: 100} }

func (h *harness) close() {
	if h.cur != nil {
		h.cur.close()
	}
	if h.orig != nil {
		h.orig.close()
	}
	h.cur, h.orig = nil, nil
}

// table declares a state table of the operator being built.
func (h *harness) table(s *opSpec, name string, keyTypes, valTypes []types.Type) {
	h.nextID++
	s.tables = append(s.tables, namedTable{name: name, id: h.nextID, keyTypes: keyTypes, valTypes: valTypes})
}

// input feeds lines to the current operator (and to the uninterrupted
// one after a restore) and returns the output.
func (h *harness) input(lines []string, unsorted bool) string {
	if h.cur == nil {
		return "error: no operator"
	}
	evs, err := parseInput(lines, h.spec.labels, h.spec.ins)
	if err != nil {
		return "error: " + err.Error()
	}
	h.cur.unsorted = unsorted
	if h.orig != nil {
		h.orig.unsorted = unsorted
	}
	out, err := h.cur.feed(copyEvents(evs), h.spec.multi())
	if err != nil {
		out = append(out, "error: "+err.Error())
	}
	if h.orig != nil {
		o, err := h.orig.feed(copyEvents(evs), h.spec.multi())
		if err != nil {
			o = append(o, "error: "+err.Error())
		}
		if strings.Join(o, "\n") != strings.Join(out, "\n") {
			out = append(out, "!! the uninterrupted operator produced:")
			out = append(out, o...)
		}
	}
	return strings.Join(out, "\n")
}

// copyEvents copies the messages of events so that two operators can be
// fed the same input (operators may hide rows of their input chunks).
func copyEvents(evs []event) []event {
	out := make([]event, len(evs))
	for i, e := range evs {
		out[i] = e
		switch {
		case e.msg.Chunk != nil:
			out[i].msg = stream.Message{Chunk: cloneChunk(e.msg.Chunk)}
		case e.msg.Barrier != nil:
			b := *e.msg.Barrier
			out[i].msg = stream.Message{Barrier: &b}
		}
	}
	return out
}

func cloneChunk(c *chunk.Chunk) *chunk.Chunk {
	out := &chunk.Chunk{Ops: append([]chunk.Op(nil), c.Ops...), Vis: append(chunk.Bitmap(nil), c.Vis...)}
	if c.Vis == nil {
		out.Vis = nil
	}
	for _, v := range c.Cols {
		out.Cols = append(out.Cols, chunk.Vector{Kind: v.Kind, Nulls: append(chunk.Bitmap(nil), v.Nulls...),
			I64: append([]int64(nil), v.I64...), F64: append([]float64(nil), v.F64...),
			Str: append([]string(nil), v.Str...), D: append([]types.Datum(nil), v.D...)})
	}
	return out
}

// restore commits nothing new: it copies the committed state to a new
// store, builds a fresh operator there and restores it; the old one
// keeps running on the old store as the reference.
func (h *harness) restore() string {
	if h.cur == nil {
		return "error: no operator"
	}
	if h.cur.fed {
		return "error: input after the last barrier would be lost"
	}
	if err := h.cur.sync(); err != nil {
		return "error: " + err.Error()
	}
	if h.orig != nil {
		h.orig.close()
	}
	h.orig = h.cur
	st := copyStore(h.root, h.orig.store)
	r, err := h.spec.start(st)
	if err != nil {
		return "error: " + err.Error()
	}
	r.epoch = h.orig.epoch
	h.cur = r
	rs, ok := r.op.(restorer)
	if !ok {
		return "error: the operator has no Restore"
	}
	if err := rs.Restore(st); err != nil {
		return "error: " + err.Error()
	}
	return "ok"
}

// state prints the committed rows of the operator's state tables (keys
// only).
func (h *harness) state() string {
	if h.cur == nil {
		return "error: no operator"
	}
	if err := h.cur.sync(); err != nil {
		return "error: " + err.Error()
	}
	var out []string
	for _, nt := range h.spec.tables {
		tb := state.New(h.cur.store, nt.id, nt.keyTypes, nt.valTypes)
		var keys []string
		err := tb.Load(h.cur.store, func(key, _ types.Row) error {
			keys = append(keys, "("+formatRow(key, nt.keyTypes)+")")
			return nil
		})
		if err != nil {
			return "error: " + err.Error()
		}
		if len(keys) == 0 {
			keys = []string{"empty"}
		}
		out = append(out, nt.name+": "+strings.Join(keys, " "))
	}
	return strings.Join(out, "\n")
}

// rows prints the committed rows (values) of one state table.
func (h *harness) rows(name string) string {
	if h.cur == nil {
		return "error: no operator"
	}
	if err := h.cur.sync(); err != nil {
		return "error: " + err.Error()
	}
	for _, nt := range h.spec.tables {
		if nt.name != name {
			continue
		}
		tb := state.New(h.cur.store, nt.id, nt.keyTypes, nt.valTypes)
		var out []string
		err := tb.Load(h.cur.store, func(_, val types.Row) error {
			out = append(out, formatRow(val, nt.valTypes))
			return nil
		})
		if err != nil {
			return "error: " + err.Error()
		}
		if len(out) == 0 {
			return "empty"
		}
		return strings.Join(out, "\n")
	}
	return "error: no table " + name
}

// run executes one data-driven command.
func (h *harness) run(t *testing.T, c *ddCase) string {
	switch c.Cmd {
	case "input":
		return h.input(c.Input, c.Has("unsorted"))
	case "restore":
		return h.restore()
	case "state":
		return h.state()
	case "rows":
		name, _ := c.Get("table")
		return h.rows(name)
	case "attach":
		if h.cur == nil {
			return "error: no operator"
		}
		m, ok := h.cur.op.(*stream.Materialize)
		if !ok {
			return "error: not a materialize"
		}
		h.cur.consumer = make(chan stream.Message, 1024)
		m.Attach(h.cur.consumer)
		return "ok"
	case "detach":
		m, ok := h.cur.op.(*stream.Materialize)
		if !ok || h.cur.consumer == nil {
			return "error: nothing attached"
		}
		m.Detach(h.cur.consumer)
		return "ok"
	case "consumer":
		return h.consumed()
	}
	// Every other command defines a new operator, then feeds its input.
	spec, err := h.define(c)
	if err != nil {
		return "error: " + err.Error()
	}
	h.close()
	h.spec = spec
	r, err := spec.start(openStore(h.root))
	if err != nil {
		return "error: " + err.Error()
	}
	h.cur = r
	if len(c.Input) == 0 {
		return "ok"
	}
	return h.input(c.Input, c.Has("unsorted"))
}

// consumed prints and removes what the attached consumer received.
func (h *harness) consumed() string {
	if h.cur == nil || h.cur.consumer == nil {
		return "error: nothing attached"
	}
	var out []string
	info := h.cur.op.Info()
	for {
		select {
		case m := <-h.cur.consumer:
			out = append(out, formatMessage(m, info.Types)...)
		default:
			return strings.Join(out, "\n")
		}
	}
}
