package executor

import (
	"bytes"

	"github.com/eddy-db/eddy/planner"
	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// DML operators write into the transaction's batch and return the
// RETURNING rows (none without RETURNING); Count says how many rows they
// changed. All input is read before the first write, so a statement
// never sees its own changes (INSERT INTO t SELECT FROM t, UPDATE of a
// key).

// Counter is implemented by DML nodes: the row count for the command tag.
type Counter interface{ Count() int64 }

func checkNotNull(t *catalog.Object, row types.Row) error {
	for i, c := range t.Columns {
		if row[i].IsNull() && (c.NotNull || isKey(t, i)) {
			return sqlerr.New(sqlerr.NotNullViolation, "null value in column \"%s\" of relation \"%s\" violates not-null constraint", c.Name, t.Name)
		}
	}
	return nil
}

func isKey(t *catalog.Object, col int) bool {
	for _, k := range t.PK {
		if k == col {
			return true
		}
	}
	return false
}

func rowIDCol(t *catalog.Object) int {
	if !t.PKDeclared && len(t.PK) == 1 {
		return t.PK[0]
	}
	return -1
}

func duplicateKey(c *TableCodec, row types.Row) error {
	return sqlerr.New(sqlerr.UniqueViolation, "duplicate key value violates unique constraint \"%s_pkey\"", c.Obj.Name).
		WithDetail("Key %s already exists.", c.PKString(row))
}

// returning evaluates RETURNING expressions over written rows.
type returning struct {
	exprs []evalFn
	out   []types.Row
	pos   int
}

func (r *returning) open(ec *Context, es []planner.Expr) error {
	r.out, r.pos = nil, 0
	var err error
	r.exprs, err = ec.compileAll(es)
	return err
}

func (r *returning) add(row types.Row) error {
	if len(r.exprs) == 0 {
		return nil
	}
	out := make(types.Row, len(r.exprs))
	for i, f := range r.exprs {
		v, err := f(row)
		if err != nil {
			return err
		}
		out[i] = v
	}
	r.out = append(r.out, out)
	return nil
}

func (r *returning) next() types.Row {
	if r.pos >= len(r.out) {
		return nil
	}
	r.pos++
	return r.out[r.pos-1]
}

func drain(ec *Context, n Node) ([]types.Row, error) {
	var rows []types.Row
	for {
		r, err := n.Next()
		if err != nil {
			return nil, err
		}
		if r == nil {
			return rows, nil
		}
		if err := ec.check(); err != nil {
			return nil, err
		}
		rows = append(rows, r)
	}
}

type insertNode struct {
	plan  *planner.Insert
	input Node
	ret   returning
	count int64
	done  bool
	ec    *Context
}

func (n *insertNode) Count() int64 { return n.count }

func (n *insertNode) Open(ec *Context) error {
	n.ec, n.count, n.done = ec, 0, false
	if ec.Writer == nil {
		return sqlerr.New(sqlerr.ReadOnlySQLTransaction, "cannot execute INSERT in a read-only transaction")
	}
	if err := n.ret.open(ec, n.plan.Returning); err != nil {
		return err
	}
	return n.input.Open(ec)
}

func (n *insertNode) run() error {
	rows, err := drain(n.ec, n.input)
	if err != nil {
		return err
	}
	n.count, err = InsertRows(n.ec, n.plan.Table, rows, n.plan.OnConflictDoNothing, n.ret.add)
	return err
}

// InsertRows writes full table rows into the transaction: it fills the
// hidden row id, checks NOT NULL, and overwrites rows with the same key
// (or keeps the existing row when doNothing is set). Each written row is
// passed to written (may be nil). It returns how many rows were written.
func InsertRows(ec *Context, t *catalog.Object, rows []types.Row, doNothing bool, written func(types.Row) error) (int64, error) {
	codec := CodecFor(t)
	rid := rowIDCol(t)
	var key, val []byte
	var count int64
	for _, row := range rows {
		if rid >= 0 {
			id, err := ec.Writer.NextRowID(t)
			if err != nil {
				return count, err
			}
			row[rid] = types.NewInt(id)
		}
		if err := checkNotNull(t, row); err != nil {
			return count, err
		}
		key = codec.Key(key[:0], row)
		if doNothing {
			_, exists, err := ec.Reader.Get(key)
			if err != nil {
				return count, err
			}
			if exists {
				continue
			}
		}
		val = codec.Value(val[:0], row)
		ok, err := ec.Writer.Put(t, key, val, row)
		if err != nil {
			return count, err
		}
		if !ok {
			continue // late for the table's watermark
		}
		count++
		if written != nil {
			if err := written(row); err != nil {
				return count, err
			}
		}
	}
	return count, nil
}

func (n *insertNode) Next() (types.Row, error) {
	if !n.done {
		n.done = true
		if err := n.run(); err != nil {
			return nil, err
		}
	}
	return n.ret.next(), nil
}

func (n *insertNode) Close() { n.input.Close() }

type updateNode struct {
	plan  *planner.Update
	input Node
	set   []evalFn
	ret   returning
	count int64
	done  bool
	ec    *Context
}

func (n *updateNode) Count() int64 { return n.count }

func (n *updateNode) Open(ec *Context) error {
	n.ec, n.count, n.done = ec, 0, false
	if ec.Writer == nil {
		return sqlerr.New(sqlerr.ReadOnlySQLTransaction, "cannot execute UPDATE in a read-only transaction")
	}
	n.set = make([]evalFn, len(n.plan.Set))
	for i, e := range n.plan.Set {
		if e == nil {
			continue
		}
		f, err := ec.compile(e)
		if err != nil {
			return err
		}
		n.set[i] = f
	}
	if err := n.ret.open(ec, n.plan.Returning); err != nil {
		return err
	}
	return n.input.Open(ec)
}

// run computes every new row first, then checks that no two rows end up
// with one key (and that a moved key does not land on a row the
// statement leaves in place), then writes.
func (n *updateNode) run() error {
	ec := n.ec
	t := n.plan.Table
	codec := CodecFor(t)
	olds, err := drain(ec, n.input)
	if err != nil {
		return err
	}
	type change struct {
		oldKey, newKey []byte
		row            types.Row
	}
	changes := make([]change, 0, len(olds))
	oldKeys := make(map[string]struct{}, len(olds))
	for _, old := range olds {
		row := old.Copy()
		for i, f := range n.set {
			if f == nil {
				continue
			}
			if row[i], err = f(old); err != nil {
				return err
			}
		}
		if err := checkNotNull(t, row); err != nil {
			return err
		}
		ok := codec.Key(nil, old)
		oldKeys[string(ok)] = struct{}{}
		changes = append(changes, change{oldKey: ok, newKey: codec.Key(nil, row), row: row})
	}
	newKeys := make(map[string]struct{}, len(changes))
	for _, c := range changes {
		if _, dup := newKeys[string(c.newKey)]; dup {
			return duplicateKey(codec, c.row)
		}
		newKeys[string(c.newKey)] = struct{}{}
		if bytes.Equal(c.oldKey, c.newKey) {
			continue
		}
		if _, moving := oldKeys[string(c.newKey)]; moving {
			continue
		}
		_, exists, err := ec.Reader.Get(c.newKey)
		if err != nil {
			return err
		}
		if exists {
			return duplicateKey(codec, c.row)
		}
	}
	for _, c := range changes {
		if _, kept := newKeys[string(c.oldKey)]; !kept {
			if err := ec.Writer.Delete(t, c.oldKey); err != nil {
				return err
			}
		}
	}
	var val []byte
	for _, c := range changes {
		val = codec.Value(val[:0], c.row)
		if _, err := ec.Writer.Put(t, c.newKey, val, c.row); err != nil {
			return err
		}
		if err := n.ret.add(c.row); err != nil {
			return err
		}
	}
	n.count = int64(len(changes))
	return nil
}

func (n *updateNode) Next() (types.Row, error) {
	if !n.done {
		n.done = true
		if err := n.run(); err != nil {
			return nil, err
		}
	}
	return n.ret.next(), nil
}

func (n *updateNode) Close() { n.input.Close() }

type deleteNode struct {
	plan  *planner.Delete
	input Node
	ret   returning
	count int64
	done  bool
	ec    *Context
}

func (n *deleteNode) Count() int64 { return n.count }

func (n *deleteNode) Open(ec *Context) error {
	n.ec, n.count, n.done = ec, 0, false
	if ec.Writer == nil {
		return sqlerr.New(sqlerr.ReadOnlySQLTransaction, "cannot execute DELETE in a read-only transaction")
	}
	if err := n.ret.open(ec, n.plan.Returning); err != nil {
		return err
	}
	return n.input.Open(ec)
}

func (n *deleteNode) run() error {
	ec := n.ec
	codec := CodecFor(n.plan.Table)
	rows, err := drain(ec, n.input)
	if err != nil {
		return err
	}
	var key []byte
	for _, row := range rows {
		key = codec.Key(key[:0], row)
		if err := ec.Writer.Delete(n.plan.Table, key); err != nil {
			return err
		}
		if err := n.ret.add(row); err != nil {
			return err
		}
	}
	n.count = int64(len(rows))
	return nil
}

func (n *deleteNode) Next() (types.Row, error) {
	if !n.done {
		n.done = true
		if err := n.run(); err != nil {
			return nil, err
		}
	}
	return n.ret.next(), nil
}

func (n *deleteNode) Close() { n.input.Close() }
