package executor_test

import (
	"context"
	"fmt"
	"github.com/eddy-db/eddy/internal/sqltest"
	"strings"
	"testing"

	"github.com/eddy-db/eddy/executor"
	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/functions"
	"github.com/eddy-db/eddy/sql/types"
	"github.com/eddy-db/eddy/storage"
)

// txnTime is the transaction start every test statement sees.
const txnTime = 1700000000000000

// harness runs statements against a store in t.TempDir(): each DML
// statement writes into its own indexed batch, applied when the
// statement succeeds and dropped when it fails.
type harness struct {
	t      testing.TB
	env    *sqltest.Env
	store  *storage.Store
	rowIDs map[uint32]int64
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	st, err := storage.Open(t.TempDir(), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return &harness{t: t, env: sqltest.NewEnv(t), store: st, rowIDs: map[uint32]int64{}}
}

// writer is the executor.Writer of one statement: it writes into an
// indexed batch, which is also the statement's reader.
type writer struct {
	h     *harness
	batch *storage.Batch
	wrote []string // tables written, in order of first write
}

var _ executor.Writer = (*writer)(nil)

func (w *writer) Put(t *catalog.Object, key, val []byte, _ types.Row) (bool, error) {
	w.note(t)
	return true, w.batch.Set(key, val)
}

func (w *writer) Delete(t *catalog.Object, key []byte) error {
	w.note(t)
	return w.batch.Delete(key)
}

func (w *writer) NextRowID(t *catalog.Object) (int64, error) {
	w.h.rowIDs[t.ID]++
	return w.h.rowIDs[t.ID], nil
}

func (w *writer) note(t *catalog.Object) {
	for _, n := range w.wrote {
		if n == t.Name {
			return
		}
	}
	w.wrote = append(w.wrote, t.Name)
}

func (h *harness) context(ctx context.Context, rd storage.Reader, params []types.Datum) *executor.Context {
	return &executor.Context{Ctx: ctx, Reader: rd, Params: params,
		Fn: &functions.Context{Env: types.DefaultEnv, TxnTime: txnTime}}
}

// drain opens n and reads all its rows.
func drain(ec *executor.Context, n executor.Node) ([]types.Row, error) {
	if err := n.Open(ec); err != nil {
		n.Close()
		return nil, err
	}
	defer n.Close()
	var out []types.Row
	for {
		r, err := n.Next()
		if err != nil {
			return out, err
		}
		if r == nil {
			return out, nil
		}
		out = append(out, r)
	}
}

// exec binds, optimizes (unless raw) and runs one statement, and prints
// its rows, or its row count and RETURNING rows, or its error.
func (h *harness) exec(ctx context.Context, sql string, raw bool, paramText []string) string {
	res, err := sqltest.Bind(h.env, sql, nil)
	if err != nil {
		return sqltest.FormatError(err)
	}
	var params []types.Datum
	for i, v := range paramText {
		if i >= len(res.Params) {
			break
		}
		d, err := types.ParseText(v, res.Params[i], types.DefaultEnv)
		if err != nil {
			return sqltest.FormatError(err)
		}
		params = append(params, d)
	}
	plan := res.Plan
	if !raw {
		plan = planner.Optimize(plan)
	}
	node, err := executor.Build(plan)
	if err != nil {
		return sqltest.FormatError(err)
	}
	var sb strings.Builder
	switch plan.(type) {
	case *planner.Insert, *planner.Update, *planner.Delete:
		w := &writer{h: h, batch: h.store.NewIndexedBatch()}
		defer w.batch.Close()
		ec := h.context(ctx, w.batch, params)
		ec.Writer = w
		rows, err := drain(ec, node)
		if err != nil {
			return sqltest.FormatError(err)
		}
		if err := h.store.Apply(w.batch); err != nil {
			h.t.Fatal(err)
		}
		verb := strings.Fields(plan.Describe())[0]
		fmt.Fprintf(&sb, "%s %d\n", strings.ToUpper(verb), node.(executor.Counter).Count())
		for _, r := range rows {
			sb.WriteString(sqltest.FormatRow(r, colTypes(res.Cols)) + "\n")
		}
	default:
		rows, err := drain(h.context(ctx, h.store, params), node)
		for _, r := range rows {
			sb.WriteString(sqltest.FormatRow(r, colTypes(res.Cols)) + "\n")
		}
		if err != nil {
			sb.WriteString(sqltest.FormatError(err) + "\n")
		} else if len(rows) == 0 {
			sb.WriteString("(no rows)\n")
		}
	}
	return sb.String()
}

// scan prints every stored row of a table (hidden columns included), in
// key order.
func (h *harness) scan(name string) string {
	o := h.env.Object(name)
	ok := o != nil
	if !ok {
		h.t.Fatalf("no table %s", name)
	}
	codec := executor.CodecFor(o)
	lo, hi := storage.TableSpan(o.ID)
	it, err := h.store.NewIter(lo, hi)
	if err != nil {
		h.t.Fatal(err)
	}
	defer it.Close()
	var sb strings.Builder
	for ok := it.First(); ok; ok = it.Next() {
		r, err := codec.Decode(it.Value())
		if err != nil {
			h.t.Fatal(err)
		}
		if want := codec.Key(nil, r); string(want) != string(it.Key()) {
			h.t.Errorf("%s: row %s is stored under the wrong key", name, sqltest.FormatRow(r, o.ColumnTypes()))
		}
		sb.WriteString(sqltest.FormatRow(r, o.ColumnTypes()) + "\n")
	}
	if sb.Len() == 0 {
		return "(empty)"
	}
	return sb.String()
}

// load writes rows (in parseRow's form) straight into a table.
func (h *harness) load(name string, rows ...string) {
	o := h.env.Object(name)
	codec := executor.CodecFor(o)
	b := h.store.NewBatch()
	defer b.Close()
	for _, line := range rows {
		r := sqltest.ParseRow(h.t, line, o.ColumnTypes())
		if err := b.Set(codec.Key(nil, r), codec.Value(nil, r)); err != nil {
			h.t.Fatal(err)
		}
	}
	if err := h.store.Apply(b); err != nil {
		h.t.Fatal(err)
	}
}

func colTypes(cols []types.Column) []types.Type {
	out := make([]types.Type, len(cols))
	for i, c := range cols {
		out[i] = c.Type
	}
	return out
}
