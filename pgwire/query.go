package pgwire

import (
	"context"
	"errors"
	"os"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/eddy-db/eddy/sql"
	"github.com/eddy-db/eddy/sql/parser"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// flushEvery bounds how many rows are buffered before they are written.
const flushEvery = 512

// rowSender encodes result rows as DataRow messages.
type rowSender struct {
	c       *conn
	cols    []types.Column
	formats []int16
	values  [][]byte
	err     error
}

func (w *rowSender) Row(r types.Row) error {
	c := w.c
	if cap(w.values) < len(r) {
		w.values = make([][]byte, len(r))
	}
	vals := w.values[:len(r)]
	c.enc.reset()
	for i, d := range r {
		if d.IsNull() {
			vals[i] = nil
			continue
		}
		v, err := c.enc.encode(d, w.cols[i].Type, formatOf(w.formats, i), c.sess.Env())
		if err != nil {
			return err
		}
		vals[i] = v
	}
	c.dataRow.Values = vals
	c.be.Send(&c.dataRow)
	c.rows++
	if c.rows >= flushEvery {
		c.rows = 0
		if err := c.be.Flush(); err != nil {
			return sqlerr.Wrap(err, sqlerr.ConnectionException, "client connection lost")
		}
	}
	return nil
}

// copySender sends rows as COPY data.
type copySender struct {
	c    *conn
	spec *sql.CopySpec
	buf  []byte
}

func (w *copySender) Row(r types.Row) error {
	w.buf = w.c.sess.AppendCopyRow(w.buf[:0], w.spec, r)
	w.c.be.Send(&pgproto3.CopyData{Data: w.buf})
	w.c.rows++
	if w.c.rows >= flushEvery {
		w.c.rows = 0
		if err := w.c.be.Flush(); err != nil {
			return sqlerr.Wrap(err, sqlerr.ConnectionException, "client connection lost")
		}
	}
	return nil
}

// simpleQuery runs a Query message: each statement in turn inside one
// implicit transaction (an implicit transaction block when there are
// several); the first error ends it (and rolls it back). A cancel that
// arrives between two statements fails the next one: the rest of the
// message does not run.
func (c *conn) simpleQuery(query string) bool {
	s := c.sess
	s.SetActivity("active", query)
	s.StartQuery()
	defer s.EndQuery()
	stmts, err := s.Parse(query)
	if err != nil {
		c.sendError(err)
		c.readyForQuery()
		return c.be.Flush() == nil
	}
	if len(stmts) == 0 {
		c.be.Send(&pgproto3.EmptyQueryResponse{})
		c.readyForQuery()
		return c.be.Flush() == nil
	}
	ok := true
	for i, st := range stmts {
		if i > 0 && c.srv.cfg.betweenStatements != nil {
			c.srv.cfg.betweenStatements(i)
		}
		// After a COMMIT or ROLLBACK the rest of the message runs in a
		// new implicit transaction.
		if len(stmts) > 1 {
			s.BeginImplicitBlock()
		} else {
			s.BeginImplicit()
		}
		if !c.runSimple(query, st) {
			ok = false
			break
		}
		c.sendReports()
	}
	if ok && len(stmts) > 1 && c.srv.cfg.betweenStatements != nil {
		c.srv.cfg.betweenStatements(len(stmts))
	}
	s.EndQuery()
	if err := s.EndImplicit(ok); err != nil {
		c.sendError(err)
	}
	c.readyForQuery()
	return c.be.Flush() == nil
}

// runSimple runs one statement of a Query message; false on error (sent).
func (c *conn) runSimple(query string, st parser.Statement) bool {
	s := c.sess
	p, err := s.CachedPrepare(query, st)
	if err != nil {
		c.sendError(err)
		return false
	}
	pt := &sql.Portal{Prepared: p}
	if p.CopyIn != nil {
		return c.copyIn(pt)
	}
	var w sql.RowWriter
	if p.CopyOut != nil {
		n := len(p.CopyOut.Types)
		c.be.Send(&pgproto3.CopyOutResponse{OverallFormat: 0, ColumnFormatCodes: make([]uint16, n)})
		if h := s.CopyHeader(p.CopyOut, p.Columns); h != nil {
			c.be.Send(&pgproto3.CopyData{Data: h})
		}
		w = &copySender{c: c, spec: p.CopyOut}
	} else {
		if p.Columns != nil {
			c.be.Send(rowDescription(p.Columns, nil))
		}
		c.rs = rowSender{c: c, cols: p.Columns, values: c.rs.values}
		w = &c.rs
	}
	var tag string
	c.cr.watch(func() { tag, _, err = s.Execute(c.ctx, pt, 0, w) })
	if err != nil {
		c.sendError(err)
		return false
	}
	if p.CopyOut != nil {
		c.be.Send(&pgproto3.CopyDone{})
	}
	c.commandComplete(tag)
	return true
}

// commandComplete sends a CommandComplete message (reusing its buffers).
func (c *conn) commandComplete(tag string) {
	c.cc.CommandTag = append(c.cc.CommandTag[:0], tag...)
	c.be.Send(&c.cc)
}

// copyIn runs the COPY FROM STDIN sub-protocol. As in PostgreSQL, the
// first error (bad data, CopyFail, a cancel or timeout) ends the COPY at
// once; the CopyData, CopyDone or CopyFail messages the client still
// sends are then ignored by the main loop.
func (c *conn) copyIn(pt *sql.Portal) bool {
	s := c.sess
	cp, err := s.StartCopyIn(c.ctx, pt)
	if err != nil {
		c.sendError(err)
		return false
	}
	codes := make([]uint16, cp.Columns())
	for i := range codes {
		codes[i] = uint16(cp.Format())
	}
	c.be.Send(&pgproto3.CopyInResponse{OverallFormat: byte(cp.Format()), ColumnFormatCodes: codes})
	if err := c.be.Flush(); err != nil {
		cp.Abort()
		return false
	}
	// A cancel must end the COPY even while the client sends nothing.
	stop := c.interruptReads(cp.Context())
	defer stop()
	fail := func(err error) bool {
		cp.Abort()
		c.sendError(err)
		return false
	}
	for {
		msg, err := c.be.Receive()
		if err != nil {
			if cerr := cp.Err(); cerr != nil && errors.Is(err, os.ErrDeadlineExceeded) {
				return fail(cerr)
			}
			return fail(sqlerr.New(sqlerr.ConnectionException, "connection lost during COPY"))
		}
		switch m := msg.(type) {
		case *pgproto3.CopyData:
			if err := cp.Write(m.Data); err != nil {
				return fail(err)
			}
		case *pgproto3.CopyDone:
			tag, err := cp.Done()
			if err != nil {
				c.sendError(err)
				return false
			}
			c.commandComplete(tag)
			return true
		case *pgproto3.CopyFail:
			c.sendError(cp.Fail(m.Message))
			return false
		case *pgproto3.Flush, *pgproto3.Sync:
			// Allowed during COPY and ignored.
		default:
			return fail(sqlerr.New(sqlerr.ProtocolViolation, "unexpected message type during COPY from stdin"))
		}
	}
}

// interruptReads makes a read from the client that waits when ctx ends
// fail with os.ErrDeadlineExceeded (pgproto3 keeps what it had read of a
// message, so reading can go on). The returned func undoes it.
func (c *conn) interruptReads(ctx context.Context) (stop func()) {
	var mu sync.Mutex
	active := true
	nc := c.nc
	after := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		if active {
			_ = nc.SetReadDeadline(time.Now())
		}
	})
	return func() {
		after()
		mu.Lock()
		active = false
		mu.Unlock()
		_ = nc.SetReadDeadline(time.Time{})
	}
}

// Extended protocol.

func (c *conn) fail(err error) {
	c.sendError(err)
	c.skipToSync = true
}

func (c *conn) parse(m *pgproto3.Parse) {
	s := c.sess
	s.SetActivity("active", m.Query)
	ptypes := make([]types.Type, len(m.ParameterOIDs))
	for i, oid := range m.ParameterOIDs {
		if oid == 0 {
			continue
		}
		t, ok := types.FromOID(oid)
		if !ok {
			c.fail(sqlerr.New(sqlerr.UndefinedObject, "type with OID %d does not exist", oid))
			return
		}
		ptypes[i] = t
	}
	p, err := s.Prepare(m.Query, ptypes)
	if err != nil {
		c.fail(err)
		return
	}
	if err := s.StorePrepared(m.Name, p); err != nil {
		c.fail(err)
		return
	}
	c.be.Send(&pgproto3.ParseComplete{})
}

func (c *conn) bind(m *pgproto3.Bind) {
	s := c.sess
	p, err := s.LookupPrepared(m.PreparedStatement)
	if err != nil {
		c.fail(err)
		return
	}
	if len(m.Parameters) != len(p.ParamTypes) {
		c.fail(sqlerr.New(sqlerr.ProtocolViolation, "bind message supplies %d parameters, but prepared statement \"%s\" requires %d", len(m.Parameters), m.PreparedStatement, len(p.ParamTypes)))
		return
	}
	if n := len(m.ParameterFormatCodes); n > 1 && n != len(m.Parameters) {
		c.fail(sqlerr.New(sqlerr.ProtocolViolation, "bind message has %d parameter formats but %d parameters", n, len(m.Parameters)))
		return
	}
	params := make([]types.Datum, len(m.Parameters))
	for i, raw := range m.Parameters {
		if raw == nil {
			continue
		}
		t := p.ParamTypes[i]
		var d types.Datum
		if formatOf(m.ParameterFormatCodes, i) == 1 {
			d, err = types.DecodeBinary(raw, t)
		} else {
			d, err = types.ParseText(string(raw), t, s.Env())
		}
		if err != nil {
			e := sqlerr.As(err)
			if e.Code == sqlerr.InternalError {
				e = sqlerr.New(sqlerr.InvalidBinaryRepresentation, "incorrect binary data format in bind parameter %d", i+1)
			}
			c.fail(e)
			return
		}
		params[i] = d
	}
	for _, f := range m.ResultFormatCodes {
		if f != 0 && f != 1 {
			c.fail(sqlerr.New(sqlerr.ProtocolViolation, "unsupported format code: %d", f))
			return
		}
	}
	if _, err := s.Bind(m.DestinationPortal, p, params); err != nil {
		c.fail(err)
		return
	}
	c.formats[m.DestinationPortal] = append([]int16(nil), m.ResultFormatCodes...)
	c.be.Send(&pgproto3.BindComplete{})
}

func (c *conn) describe(m *pgproto3.Describe) {
	s := c.sess
	if m.ObjectType == 'S' {
		p, err := s.LookupPrepared(m.Name)
		if err != nil {
			c.fail(err)
			return
		}
		oids := make([]uint32, len(p.ParamTypes))
		for i, t := range p.ParamTypes {
			oids[i] = t.OID()
		}
		c.be.Send(&pgproto3.ParameterDescription{ParameterOIDs: oids})
		if p.Columns != nil && p.CopyOut == nil {
			c.be.Send(rowDescription(p.Columns, nil))
		} else {
			c.be.Send(&pgproto3.NoData{})
		}
		return
	}
	pt, err := s.LookupPortal(m.Name)
	if err != nil {
		c.fail(err)
		return
	}
	if pt.Prepared.Columns != nil && pt.Prepared.CopyOut == nil {
		c.be.Send(rowDescription(pt.Prepared.Columns, c.formats[m.Name]))
	} else {
		c.be.Send(&pgproto3.NoData{})
	}
}

func (c *conn) execute(m *pgproto3.Execute) {
	s := c.sess
	pt, err := s.LookupPortal(m.Portal)
	if err != nil {
		c.fail(err)
		return
	}
	p := pt.Prepared
	s.SetActivity("active", p.SQL)
	if p.Empty {
		c.be.Send(&pgproto3.EmptyQueryResponse{})
		return
	}
	if p.CopyIn != nil || p.CopyOut != nil {
		c.fail(sqlerr.NotSupported("COPY in the extended query protocol; send it as a simple query"))
		return
	}
	w := &c.rs
	*w = rowSender{c: c, cols: p.Columns, formats: c.formats[m.Portal], values: w.values}
	var (
		tag       string
		suspended bool
	)
	c.cr.watch(func() { tag, suspended, err = s.Execute(c.ctx, pt, int(m.MaxRows), w) })
	if err != nil {
		c.fail(err)
		return
	}
	if suspended {
		c.be.Send(&pgproto3.PortalSuspended{})
		return
	}
	c.commandComplete(tag)
}
