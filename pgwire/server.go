// Package pgwire serves Eddy over the PostgreSQL wire protocol (version
// 3.0), using pgproto3 for message framing.
//
// One goroutine per connection runs the protocol state machine:
//
//	startup:  SSLRequest/GSSEncRequest -> 'N'; CancelRequest; StartupMessage
//	auth:     trust, cleartext password, or SCRAM-SHA-256
//	ready:    ParameterStatus*, BackendKeyData, ReadyForQuery
//	simple:   Query -> (RowDescription DataRow* | CopyIn/Out ...) CommandComplete ... ReadyForQuery
//	extended: Parse/Bind/Describe/Execute/Close/Flush ... Sync -> ReadyForQuery
//
// Statements run in the sql.Session; this package only decodes
// parameters, encodes values (text or binary, PostgreSQL's formats, via
// sql/types) and maps errors to ErrorResponse with their SQLSTATE.
//
// A client that sends a malformed or oversized message gets a FATAL
// 08P01 error and is disconnected; other sessions are not affected.
package pgwire

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/eddy-db/eddy/sql"
)

// Auth methods.
const (
	AuthTrust    = "trust"
	AuthPassword = "password" // cleartext
	AuthSCRAM    = "scram-sha-256"
)

// Config configures a Server.
type Config struct {
	Engine *sql.Engine
	Logger *slog.Logger
	// AuthMethod is trust (default), password or scram-sha-256.
	AuthMethod string
	// Password returns the password of a user (ok false: unknown user).
	// Required unless AuthMethod is trust.
	Password func(user string) (password string, ok bool)
	// MaxMessageSize bounds one client message (default 64 MiB).
	MaxMessageSize int
	// TLS, when set, lets clients upgrade with SSLRequest.
	TLS *tls.Config

	// betweenStatements, when set, runs in a Query message of several
	// statements before statement next (1 and up) and after the last one
	// (next = their number), on the connection's goroutine. Tests use it
	// to act between statements.
	betweenStatements func(next int)
}

// Server accepts connections and serves them.
type Server struct {
	cfg    Config
	log    *slog.Logger
	ctx    context.Context
	cancel context.CancelFunc

	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

// New returns a server for cfg.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.AuthMethod == "" {
		cfg.AuthMethod = AuthTrust
	}
	if cfg.MaxMessageSize <= 0 {
		cfg.MaxMessageSize = 64 << 20
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Server{cfg: cfg, log: cfg.Logger, ctx: ctx, cancel: cancel, conns: map[net.Conn]struct{}{}}
}

// Listen binds addr and serves in the background; it returns the bound
// address.
func (s *Server) Listen(addr string) (net.Addr, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		_ = s.Serve(ln)
	}()
	return ln.Addr(), nil
}

// Serve accepts connections on ln until Close.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return net.ErrClosed
	}
	s.ln = ln
	s.mu.Unlock()
	var backoff time.Duration
	for {
		conn, err := ln.Accept()
		if err != nil {
			if s.isClosed() {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				time.Sleep(backoff)
				continue
			}
			return err
		}
		backoff = 0
		if !s.track(conn) {
			_ = conn.Close()
			return nil
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer s.untrack(conn)
			s.serveConn(conn)
		}()
	}
}

func (s *Server) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

func (s *Server) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *Server) untrack(c net.Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	_ = c.Close()
}

// Close stops accepting, closes every connection and waits for their
// goroutines to end.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	if s.ln != nil {
		_ = s.ln.Close()
	}
	for c := range s.conns {
		_ = c.Close()
	}
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
	return nil
}
