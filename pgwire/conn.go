package pgwire

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/eddy-db/eddy/sql"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// conn is one client connection.
type conn struct {
	srv *Server
	// ctx ends when the server closes; statements derive from it (a
	// per-connection parent keeps cancellation bookkeeping local).
	ctx  context.Context
	nc   net.Conn
	cr   *connReader
	be   *pgproto3.Backend
	sess *sql.Session

	// formats holds the result formats requested at Bind, per portal.
	formats map[string][]int16
	// skipToSync is set after an error in the extended protocol: messages
	// are ignored until Sync.
	skipToSync bool
	// inExtended is set between the first extended-protocol message and
	// Sync (the implicit transaction is open).
	inExtended bool

	// closing is set once a FATAL error was sent: the connection ends
	// without a ReadyForQuery.
	closing bool

	enc  encoder
	rows int // rows sent since the last flush

	// Reused per statement: Send encodes a message at once, so one value
	// of each frequent message serves every send.
	rs      rowSender
	dataRow pgproto3.DataRow
	cc      pgproto3.CommandComplete
	rfq     pgproto3.ReadyForQuery
}

// fatal sends a FATAL error and ends the connection.
func (c *conn) fatal(code, format string, args ...any) {
	c.be.Send(&pgproto3.ErrorResponse{Severity: "FATAL", SeverityUnlocalized: "FATAL", Code: code, Message: fmt.Sprintf(format, args...)})
	_ = c.be.Flush()
}

// clientGone cancels the running statement of a client that disconnected.
func (c *conn) clientGone() {
	if c.sess != nil {
		c.sess.CancelRunning()
	}
}

func (s *Server) serveConn(nc net.Conn) {
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	c := &conn{srv: s, ctx: ctx, nc: nc, formats: map[string][]int16{}}
	c.cr = newConnReader(nc, c.clientGone)
	c.be = pgproto3.NewBackend(c.cr, nc)
	c.be.SetMaxBodyLen(s.cfg.MaxMessageSize)
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("connection panic", "panic", r, "remote", nc.RemoteAddr())
			c.fatal(sqlerr.InternalError, "internal error: %v", r)
		}
		if c.sess != nil {
			c.sess.Close()
		}
	}()
	if !c.startup() {
		return
	}
	c.loop()
}

// startup handles SSL negotiation, the startup message, authentication
// and session creation. It reports whether the session is ready.
func (c *conn) startup() bool {
	for {
		msg, err := c.be.ReceiveStartupMessage()
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
				c.fatal(sqlerr.ProtocolViolation, "invalid startup packet: %v", err)
			}
			return false
		}
		switch m := msg.(type) {
		case *pgproto3.SSLRequest:
			if c.srv.cfg.TLS != nil {
				if _, err := c.nc.Write([]byte{'S'}); err != nil {
					return false
				}
				tc := tls.Server(c.nc, c.srv.cfg.TLS)
				if err := tc.Handshake(); err != nil {
					return false
				}
				c.nc = tc
				c.cr = newConnReader(tc, c.clientGone)
				c.be = pgproto3.NewBackend(c.cr, tc)
				c.be.SetMaxBodyLen(c.srv.cfg.MaxMessageSize)
				continue
			}
			if _, err := c.nc.Write([]byte{'N'}); err != nil {
				return false
			}
		case *pgproto3.GSSEncRequest:
			if _, err := c.nc.Write([]byte{'N'}); err != nil {
				return false
			}
		case *pgproto3.CancelRequest:
			c.srv.cfg.Engine.Cancel(int32(m.ProcessID), int32(secretKey(m.SecretKey)))
			return false
		case *pgproto3.StartupMessage:
			return c.login(m)
		default:
			c.fatal(sqlerr.ProtocolViolation, "unexpected startup message %T", msg)
			return false
		}
	}
}

func secretKey(b []byte) uint32 {
	if len(b) != 4 {
		return 0
	}
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func (c *conn) login(m *pgproto3.StartupMessage) bool {
	if m.ProtocolVersion != pgproto3.ProtocolVersion30 {
		// Offer 3.0 to clients asking for a newer minor version.
		c.be.Send(&pgproto3.NegotiateProtocolVersion{NewestMinorProtocol: 0})
	}
	params := m.Parameters
	user := params["user"]
	if user == "" {
		c.fatal(sqlerr.InvalidAuthorizationSpec, "no PostgreSQL user name specified in startup packet")
		return false
	}
	db := params["database"]
	if db == "" {
		db = user
	}
	if !c.authenticate(user) {
		return false
	}
	sess, err := c.srv.cfg.Engine.NewSession(user, db, params)
	if err != nil {
		e := sqlerr.As(err)
		c.fatal(e.Code, "%s", e.Message)
		return false
	}
	c.sess = sess
	// pg_terminate_backend from another session wakes a connection that
	// waits for its client: the read fails and the loop sees Terminated.
	nc := c.nc
	sess.OnTerminate(func() { _ = nc.SetReadDeadline(time.Now()) })
	c.be.Send(&pgproto3.AuthenticationOk{})
	for _, kv := range sess.ReportedParams() {
		c.be.Send(&pgproto3.ParameterStatus{Name: kv[0], Value: kv[1]})
	}
	c.be.Send(&pgproto3.BackendKeyData{ProcessID: uint32(sess.PID), SecretKey: beBytes(uint32(sess.Secret))})
	c.be.Send(&pgproto3.ReadyForQuery{TxStatus: 'I'})
	return c.be.Flush() == nil
}

func beBytes(v uint32) []byte { return []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)} }

// authenticate runs the configured password exchange.
func (c *conn) authenticate(user string) bool {
	cfg := c.srv.cfg
	if cfg.AuthMethod == AuthTrust {
		return true
	}
	password, known := "", false
	if cfg.Password != nil {
		password, known = cfg.Password(user)
	}
	failed := func() bool {
		c.fatal(sqlerr.InvalidPassword, "password authentication failed for user \"%s\"", user)
		return false
	}
	switch cfg.AuthMethod {
	case AuthPassword:
		c.be.Send(&pgproto3.AuthenticationCleartextPassword{})
		if c.be.Flush() != nil || c.be.SetAuthType(pgproto3.AuthTypeCleartextPassword) != nil {
			return false
		}
		msg, err := c.be.Receive()
		if err != nil {
			return false
		}
		pm, ok := msg.(*pgproto3.PasswordMessage)
		if !ok || !known || pm.Password != password {
			return failed()
		}
		return true
	case AuthSCRAM:
		c.be.Send(&pgproto3.AuthenticationSASL{AuthMechanisms: []string{"SCRAM-SHA-256"}})
		if c.be.Flush() != nil || c.be.SetAuthType(pgproto3.AuthTypeSASL) != nil {
			return false
		}
		msg, err := c.be.Receive()
		if err != nil {
			return false
		}
		init, ok := msg.(*pgproto3.SASLInitialResponse)
		if !ok || init.AuthMechanism != "SCRAM-SHA-256" {
			c.fatal(sqlerr.ProtocolViolation, "expected SASL response with mechanism SCRAM-SHA-256")
			return false
		}
		// An unknown user still runs the exchange (with a random
		// password), so that user names cannot be probed.
		if !known {
			password = string(beBytes(uint32(c.sess0Random())))
		}
		sc := newSCRAMServer(password)
		first, err := sc.first(init.Data)
		if err != nil {
			c.fatal(sqlerr.ProtocolViolation, "malformed SCRAM message")
			return false
		}
		c.be.Send(&pgproto3.AuthenticationSASLContinue{Data: []byte(first)})
		if c.be.Flush() != nil || c.be.SetAuthType(pgproto3.AuthTypeSASLContinue) != nil {
			return false
		}
		msg, err = c.be.Receive()
		if err != nil {
			return false
		}
		resp, ok := msg.(*pgproto3.SASLResponse)
		if !ok {
			c.fatal(sqlerr.ProtocolViolation, "expected SASL response")
			return false
		}
		final, good, err := sc.final(resp.Data)
		if err != nil {
			c.fatal(sqlerr.ProtocolViolation, "malformed SCRAM message")
			return false
		}
		if !good || !known {
			return failed()
		}
		c.be.Send(&pgproto3.AuthenticationSASLFinal{Data: []byte(final)})
		return true
	}
	c.fatal(sqlerr.ConfigFileError, "unknown authentication method %q", cfg.AuthMethod)
	return false
}

func (c *conn) sess0Random() uint32 {
	b := newSCRAMServer("").salt
	return secretKey(b[:4])
}

// loop reads and handles messages until the client leaves or the
// session is terminated.
func (c *conn) loop() {
	for {
		if c.terminated() {
			return
		}
		msg, err := c.be.Receive()
		if err != nil {
			if c.terminated() {
				return
			}
			var tooBig *pgproto3.ExceededMaxBodyLenErr
			switch {
			case errors.As(err, &tooBig):
				c.fatal(sqlerr.ProtocolViolation, "message of %d bytes is larger than the %d bytes allowed", tooBig.ActualBodyLen, tooBig.MaxExpectedBodyLen)
			case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed):
			default:
				if !isNetErr(err) {
					c.fatal(sqlerr.ProtocolViolation, "invalid message: %v", err)
				}
			}
			return
		}
		if !c.handle(msg) {
			return
		}
		if c.closing {
			_ = c.be.Flush()
			return
		}
	}
}

// terminated reports whether the session was terminated
// (pg_terminate_backend); if so, it sends FATAL 57P01 unless a FATAL error
// was sent already, and the connection ends.
func (c *conn) terminated() bool {
	if !c.sess.Terminated() {
		return false
	}
	if !c.closing {
		c.sendError(sql.ErrTerminated)
		_ = c.be.Flush()
	}
	return true
}

func isNetErr(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || strings.Contains(err.Error(), "connection reset")
}

// handle dispatches one message; false ends the connection.
func (c *conn) handle(msg pgproto3.FrontendMessage) bool {
	switch m := msg.(type) {
	case *pgproto3.Query:
		return c.simpleQuery(m.String)
	case *pgproto3.Parse:
		c.beginExtended()
		if !c.skipToSync {
			c.parse(m)
		}
	case *pgproto3.Bind:
		c.beginExtended()
		if !c.skipToSync {
			c.bind(m)
		}
	case *pgproto3.Describe:
		c.beginExtended()
		if !c.skipToSync {
			c.describe(m)
		}
	case *pgproto3.Execute:
		c.beginExtended()
		if !c.skipToSync {
			c.execute(m)
		}
	case *pgproto3.Close:
		c.beginExtended()
		if !c.skipToSync {
			if m.ObjectType == 'S' {
				c.sess.ClosePrepared(m.Name)
			} else {
				c.sess.ClosePortal(m.Name)
				delete(c.formats, m.Name)
			}
			c.be.Send(&pgproto3.CloseComplete{})
		}
	case *pgproto3.Sync:
		c.sync()
		return c.be.Flush() == nil
	case *pgproto3.Flush:
		return c.be.Flush() == nil
	case *pgproto3.Terminate:
		return false
	case *pgproto3.CopyData, *pgproto3.CopyDone, *pgproto3.CopyFail:
		// Outside COPY (e.g. after a failed COPY): ignored, as PostgreSQL does.
	case *pgproto3.FunctionCall:
		c.sendError(sqlerr.NotSupported("the fastpath function call protocol"))
		c.readyForQuery()
		return c.be.Flush() == nil
	default:
		c.fatal(sqlerr.ProtocolViolation, "unexpected message type %T", msg)
		return false
	}
	return true
}

func (c *conn) beginExtended() {
	if !c.inExtended {
		c.inExtended = true
		c.sess.BeginImplicit()
	}
}

// sync ends an extended-protocol batch: its implicit transaction commits
// unless an error occurred.
func (c *conn) sync() {
	ok := !c.skipToSync
	c.skipToSync = false
	if c.inExtended {
		c.inExtended = false
		if err := c.sess.EndImplicit(ok); err != nil {
			c.sendError(err)
		}
	}
	c.readyForQuery()
}

func (c *conn) readyForQuery() {
	if c.closing {
		return
	}
	c.sendReports()
	status := c.sess.TxStatus()
	if status == 'I' {
		c.sess.CloseAllPortals()
		for k := range c.formats {
			delete(c.formats, k)
		}
	}
	c.sess.SetActivity("idle", "")
	c.rfq.TxStatus = status
	c.be.Send(&c.rfq)
}

func (c *conn) sendReports() {
	for _, n := range c.sess.TakeNotices() {
		c.be.Send(&pgproto3.NoticeResponse{Severity: n.Severity, SeverityUnlocalized: n.Severity, Code: n.Code, Message: n.Message, Detail: n.Detail, Hint: n.Hint})
	}
	for _, kv := range c.sess.TakeReports() {
		c.be.Send(&pgproto3.ParameterStatus{Name: kv[0], Value: kv[1]})
	}
}

// sendError sends err as an ErrorResponse.
func (c *conn) sendError(err error) {
	c.sendReports()
	e := sqlerr.As(err)
	sev := e.Severity
	if sev == "" {
		sev = "ERROR"
	}
	if e.Code == sqlerr.InternalError {
		c.srv.log.Error("internal error", "err", err)
	}
	if sev == "FATAL" {
		c.closing = true
	}
	c.be.Send(&pgproto3.ErrorResponse{Severity: sev, SeverityUnlocalized: sev, Code: e.Code, Message: e.Message,
		Detail: e.Detail, Hint: e.Hint, Position: int32(e.Position), Where: e.Where})
}

// rowDescription describes result columns in the given formats.
func rowDescription(cols []types.Column, formats []int16) *pgproto3.RowDescription {
	fields := make([]pgproto3.FieldDescription, len(cols))
	for i, col := range cols {
		fields[i] = pgproto3.FieldDescription{
			Name:         []byte(col.Name),
			DataTypeOID:  col.Type.OID(),
			DataTypeSize: col.Type.Size(),
			TypeModifier: col.Type.Modifier(),
			Format:       formatOf(formats, i),
		}
	}
	return &pgproto3.RowDescription{Fields: fields}
}

// formatOf applies the protocol's rule: no codes = text, one code = all
// columns, else one per column.
func formatOf(formats []int16, i int) int16 {
	switch len(formats) {
	case 0:
		return 0
	case 1:
		return formats[0]
	}
	if i < len(formats) {
		return formats[i]
	}
	return 0
}
