package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// Writer applies a sink's epochs to the target table. It is used by one
// goroutine. It holds one connection, opened on first use and dropped
// after any error, so the next call starts on a fresh one.
type Writer struct {
	c      *config
	id     string // the sink id as text
	name   string
	types  []types.Type
	conn   *pgx.Conn
	upsert *pgconn.StatementDescription
	delete *pgconn.StatementDescription

	// Reused between epochs.
	fold   folder
	buf    []byte   // parameter text
	params [][]byte // one statement's parameters
	ends   []int    // where each parameter ends in buf (-1: NULL)
	batch  pgconn.Batch
}

var _ connectors.SinkWriter = (*Writer)(nil)

func newWriter(c *config, spec *connectors.SinkSpec) *Writer {
	return &Writer{
		c:     c,
		id:    strconv.FormatUint(uint64(spec.ID), 10),
		name:  spec.Name,
		types: spec.Types(),
		fold:  folder{index: map[string]int{}},
	}
}

// Statement names on the writer's connection.
const (
	upsertStmt = "eddy_sink_upsert"
	deleteStmt = "eddy_sink_delete"
)

// ensure connects, creates the progress table and this sink's row in it
// if missing, and prepares the writer's statements.
func (w *Writer) ensure(ctx context.Context) error {
	if w.conn != nil {
		return nil
	}
	conn, err := w.c.connect(ctx)
	if err != nil {
		return err
	}
	if err := w.setUp(ctx, conn); err != nil {
		conn.Close(context.Background())
		return err
	}
	w.conn = conn
	return nil
}

func (w *Writer) setUp(ctx context.Context, conn *pgx.Conn) error {
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", w.c.progress()).Scan(&exists); err != nil {
		return w.c.serverError(err, "look up "+ProgressTable)
	}
	if !exists {
		// IF NOT EXISTS: another sink may create it at the same moment.
		_, err := conn.Exec(ctx, "CREATE TABLE IF NOT EXISTS "+w.c.progress()+
			" (sink_id bigint PRIMARY KEY, sink_name text NOT NULL, epoch bigint NOT NULL)")
		if err != nil {
			return w.c.serverError(err, "create "+ProgressTable)
		}
	}
	// The row exists from now on, so that Write can lock it.
	_, err := conn.Exec(ctx, "INSERT INTO "+w.c.progress()+" (sink_id, sink_name, epoch) VALUES ($1, $2, 0) ON CONFLICT (sink_id) DO NOTHING",
		w.id, w.name)
	if err != nil {
		return w.c.serverError(err, "write "+ProgressTable)
	}
	if !w.c.upsert {
		return nil
	}
	pg := conn.PgConn()
	if w.upsert, err = pg.Prepare(ctx, upsertStmt, w.upsertSQL(), nil); err != nil {
		return w.c.serverError(err, "prepare the upsert")
	}
	if w.delete, err = pg.Prepare(ctx, deleteStmt, w.deleteSQL(), nil); err != nil {
		return w.c.serverError(err, "prepare the delete")
	}
	return nil
}

func (w *Writer) columnList() string {
	names := make([]string, len(w.c.cols))
	for i, col := range w.c.cols {
		names[i] = col.Name
	}
	return quoteNames(names)
}

// upsertSQL is INSERT INTO t (cols) VALUES ($1, ...) ON CONFLICT (key)
// DO UPDATE SET non-key = EXCLUDED.non-key (DO NOTHING when every column
// is in the key). The parameters have no declared type: the server reads
// each as its column's type.
func (w *Writer) upsertSQL() string {
	var b strings.Builder
	fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES (", w.c.qualified(), w.columnList())
	for i := range w.c.cols {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", i+1)
	}
	isKey := make([]bool, len(w.c.cols))
	keyNames := make([]string, len(w.c.key))
	for i, k := range w.c.key {
		isKey[k] = true
		keyNames[i] = w.c.cols[k].Name
	}
	fmt.Fprintf(&b, ") ON CONFLICT (%s) DO ", quoteNames(keyNames))
	var set []string
	for i, col := range w.c.cols {
		if !isKey[i] {
			q := pgx.Identifier{col.Name}.Sanitize()
			set = append(set, q+" = EXCLUDED."+q)
		}
	}
	if len(set) == 0 {
		b.WriteString("NOTHING")
	} else {
		b.WriteString("UPDATE SET ")
		b.WriteString(strings.Join(set, ", "))
	}
	return b.String()
}

// deleteSQL is DELETE FROM t WHERE k1 = $1 AND k2 = $2 ...
func (w *Writer) deleteSQL() string {
	conds := make([]string, len(w.c.key))
	for i, k := range w.c.key {
		conds[i] = fmt.Sprintf("%s = $%d", pgx.Identifier{w.c.cols[k].Name}.Sanitize(), i+1)
	}
	return fmt.Sprintf("DELETE FROM %s WHERE %s", w.c.qualified(), strings.Join(conds, " AND "))
}

// drop closes the connection after an error.
func (w *Writer) drop() {
	if w.conn != nil {
		w.conn.Close(context.Background())
		w.conn = nil
	}
}

// Delivered returns the epoch in this sink's progress row (0 when the
// row is missing or belongs to another sink of the same id).
func (w *Writer) Delivered(ctx context.Context) (uint64, error) {
	if err := w.ensure(ctx); err != nil {
		return 0, err
	}
	var name string
	var epoch int64
	err := w.conn.QueryRow(ctx, "SELECT sink_name, epoch FROM "+w.c.progress()+" WHERE sink_id = $1", w.id).Scan(&name, &epoch)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return 0, nil
	case err != nil:
		w.drop()
		return 0, w.c.serverError(err, "read "+ProgressTable)
	case name != w.name || epoch < 0:
		return 0, nil
	}
	return uint64(epoch), nil
}

// Write applies one epoch's changes and records the epoch, in one
// transaction; an epoch the table already holds is skipped.
func (w *Writer) Write(ctx context.Context, epoch uint64, changes []connectors.Change) error {
	if len(changes) == 0 {
		return nil
	}
	if !w.c.upsert {
		for _, ch := range changes {
			if ch.Op != chunk.Insert {
				return sqlerr.NotSupported("append-only postgres sink \"%s\" received a %s change", w.name, ch.Op)
			}
		}
	}
	if err := w.ensure(ctx); err != nil {
		return err
	}
	if err := w.write(ctx, epoch, changes); err != nil {
		w.drop() // also rolls back
		return err
	}
	return nil
}

func (w *Writer) write(ctx context.Context, epoch uint64, changes []connectors.Change) error {
	tx, err := w.conn.Begin(ctx)
	if err != nil {
		return w.c.serverError(err, "begin a transaction")
	}
	var name string
	var last int64
	err = tx.QueryRow(ctx, "SELECT sink_name, epoch FROM "+w.c.progress()+" WHERE sink_id = $1 FOR UPDATE", w.id).Scan(&name, &last)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return w.c.serverError(err, "lock the progress row")
	}
	if err == nil && name == w.name && last >= 0 && uint64(last) >= epoch {
		return tx.Rollback(ctx) // delivered before
	}
	if w.c.upsert {
		err = w.applyUpserts(ctx, changes)
	} else {
		err = w.copyInserts(ctx, changes)
	}
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, "INSERT INTO "+w.c.progress()+" (sink_id, sink_name, epoch) VALUES ($1, $2, $3) "+
		"ON CONFLICT (sink_id) DO UPDATE SET sink_name = EXCLUDED.sink_name, epoch = EXCLUDED.epoch",
		w.id, w.name, strconv.FormatUint(epoch, 10))
	if err != nil {
		return w.c.serverError(err, "record epoch "+strconv.FormatUint(epoch, 10)+" in "+ProgressTable)
	}
	if err := tx.Commit(ctx); err != nil {
		return w.c.serverError(err, "commit epoch "+strconv.FormatUint(epoch, 10))
	}
	return nil
}

// applyUpserts folds the changes to the last one per key and sends the
// deletes, then the upserts, max_batch_rows statements per round trip.
func (w *Writer) applyUpserts(ctx context.Context, changes []connectors.Change) error {
	w.fold.reset()
	defer w.fold.reset()
	for _, ch := range changes {
		w.fold.add(ch, w.c.key, w.types)
	}
	pg := w.conn.PgConn()
	n := 0
	send := func() error {
		if n == 0 {
			return nil
		}
		results, err := pg.ExecBatch(ctx, &w.batch).ReadAll()
		w.batch = pgconn.Batch{}
		n = 0
		if err != nil {
			return w.c.serverError(err, "apply the changes")
		}
		for _, r := range results {
			if r.Err != nil {
				return w.c.serverError(r.Err, "apply the changes")
			}
		}
		return nil
	}
	for _, deleted := range []bool{true, false} {
		for _, e := range w.fold.entries {
			if e.deleted != deleted {
				continue
			}
			if deleted {
				w.bind(e.row, w.c.key)
				w.batch.ExecStatement(w.delete, w.params, nil, nil)
			} else {
				w.bind(e.row, nil)
				w.batch.ExecStatement(w.upsert, w.params, nil, nil)
			}
			if n++; n >= w.c.batch {
				if err := send(); err != nil {
					return err
				}
			}
		}
	}
	return send()
}

// bind fills w.params with the text forms of row's columns at idx (all
// columns when idx is nil); NULL is a nil parameter.
func (w *Writer) bind(row types.Row, idx []int) {
	w.buf = w.buf[:0]
	w.params = w.params[:0]
	n := len(row)
	if idx != nil {
		n = len(idx)
	}
	w.ends = w.ends[:0]
	for j := 0; j < n; j++ {
		i := j
		if idx != nil {
			i = idx[j]
		}
		if row[i].IsNull() {
			w.ends = append(w.ends, -1)
			continue
		}
		w.buf = types.AppendText(w.buf, row[i], w.types[i], nil)
		w.ends = append(w.ends, len(w.buf))
	}
	start := 0
	for _, end := range w.ends {
		if end < 0 {
			w.params = append(w.params, nil)
			continue
		}
		w.params = append(w.params, w.buf[start:end:end])
		start = end
	}
}

// copyInserts sends every row with COPY FROM STDIN in text format.
func (w *Writer) copyInserts(ctx context.Context, changes []connectors.Change) error {
	sql := "COPY " + w.c.qualified() + " (" + w.columnList() + ") FROM STDIN"
	r := &copyReader{rows: changes, types: w.types, buf: w.buf[:0]}
	_, err := w.conn.PgConn().CopyFrom(ctx, r, sql)
	w.buf = r.buf
	if err != nil {
		return w.c.serverError(err, "copy the rows")
	}
	return nil
}

// Close closes the connection.
func (w *Writer) Close() error {
	w.drop()
	return nil
}

// folder keeps the last change of each key.
type folder struct {
	index   map[string]int // key bytes → position in entries
	entries []folded
	key     []byte
}

type folded struct {
	row     types.Row
	deleted bool
}

func (f *folder) reset() {
	clear(f.index)
	clear(f.entries) // drop the rows
	f.entries = f.entries[:0]
}

// add records ch as the last change of its key: a delete or the first
// half of an update pair deletes the key (the pair's second half, with the
// same key, undoes that), an insert upserts it.
func (f *folder) add(ch connectors.Change, key []int, ts []types.Type) {
	f.key = f.key[:0]
	for _, k := range key {
		f.key = types.AppendKey(f.key, ch.Row[k], ts[k], false)
	}
	e := folded{row: ch.Row, deleted: !ch.Op.IsInsert()}
	if i, ok := f.index[string(f.key)]; ok {
		f.entries[i] = e
		return
	}
	f.index[string(f.key)] = len(f.entries)
	f.entries = append(f.entries, e)
}

// copyReader produces COPY text format: tab-separated fields, \N for
// NULL, backslash escapes, one line per row.
type copyReader struct {
	rows  []connectors.Change
	types []types.Type
	buf   []byte // encoded, not yet read
	off   int
	text  []byte // one value's text form
}

func (r *copyReader) Read(p []byte) (int, error) {
	if r.off == len(r.buf) {
		if len(r.rows) == 0 {
			return 0, io.EOF
		}
		r.buf, r.off = r.buf[:0], 0
		for len(r.rows) > 0 && len(r.buf) < 64<<10 {
			r.buf = r.appendRow(r.buf, r.rows[0].Row)
			r.rows = r.rows[1:]
		}
	}
	n := copy(p, r.buf[r.off:])
	r.off += n
	return n, nil
}

func (r *copyReader) appendRow(b []byte, row types.Row) []byte {
	for i, d := range row {
		if i > 0 {
			b = append(b, '\t')
		}
		if d.IsNull() {
			b = append(b, `\N`...)
			continue
		}
		r.text = types.AppendText(r.text[:0], d, r.types[i], nil)
		b = appendCopyEscaped(b, r.text)
	}
	return append(b, '\n')
}

// appendCopyEscaped escapes the characters COPY's text format gives a
// meaning to.
func appendCopyEscaped(b, s []byte) []byte {
	for _, c := range s {
		switch c {
		case '\\':
			b = append(b, '\\', '\\')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, c)
		}
	}
	return b
}

// wrapError turns err into an *sqlerr.Error: the server's SQLSTATE for a
// server error, 08006 for a lost connection.
func wrapError(err error, msg string) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		e := sqlerr.Wrap(err, pgErr.Code, msg+": "+pgErr.Message)
		if pgErr.Detail != "" {
			e = e.WithDetail("%s", pgErr.Detail)
		}
		return e
	}
	var se *sqlerr.Error
	if errors.As(err, &se) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return sqlerr.Wrap(err, sqlerr.QueryCanceled, msg+": "+err.Error())
	}
	return sqlerr.Wrap(err, "08006", msg+": "+err.Error())
}
