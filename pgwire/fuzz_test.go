package pgwire

import (
	"context"
	"io"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgproto3"
)

// encode returns the wire bytes of frontend messages.
func encode(msgs ...pgproto3.FrontendMessage) []byte {
	var b []byte
	for _, m := range msgs {
		b, _ = m.Encode(b)
	}
	return b
}

// FuzzWire sends arbitrary bytes after a valid startup, then checks that
// the server neither panics nor stops serving other connections. The
// seeds are well-formed message sequences of every kind clients send.
func FuzzWire(f *testing.F) {
	f.Add(encode(&pgproto3.Query{String: "SELECT 1"}))
	f.Add(encode(&pgproto3.Query{String: "CREATE TABLE f (a INT PRIMARY KEY); INSERT INTO f VALUES (1); SELECT * FROM f"}))
	f.Add(encode(&pgproto3.Parse{Name: "s", Query: "SELECT $1::int + 1", ParameterOIDs: []uint32{23}},
		&pgproto3.Bind{PreparedStatement: "s", ParameterFormatCodes: []int16{1}, Parameters: [][]byte{{0, 0, 0, 7}}, ResultFormatCodes: []int16{1}},
		&pgproto3.Describe{ObjectType: 'P'}, &pgproto3.Execute{}, &pgproto3.Sync{}))
	f.Add(encode(&pgproto3.Parse{Query: "SELECT $1::numeric"},
		&pgproto3.Bind{ParameterFormatCodes: []int16{1}, Parameters: [][]byte{{0, 1, 0, 0, 0, 0, 0, 0, 0, 5}}},
		&pgproto3.Execute{MaxRows: 1}, &pgproto3.Sync{}))
	f.Add(encode(&pgproto3.Query{String: "CREATE TABLE c (a INT); COPY c FROM STDIN"},
		&pgproto3.CopyData{Data: []byte("1\n2\n\\N\n")}, &pgproto3.CopyDone{}))
	f.Add(encode(&pgproto3.Query{String: "COPY c FROM STDIN (FORMAT binary)"},
		&pgproto3.CopyData{Data: []byte("PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\xff\xff\xff\xff")}, &pgproto3.CopyDone{}))
	f.Add(encode(&pgproto3.Close{ObjectType: 'S', Name: "x"}, &pgproto3.Flush{}, &pgproto3.Sync{}, &pgproto3.Terminate{}))
	f.Add([]byte{'Q', 0, 0, 0, 4})
	f.Add([]byte{'B', 0, 0, 0, 9, 0, 0, 0xff, 0xff, 0xff})
	f.Add([]byte{'P', 0x7f, 0xff, 0xff, 0xff})

	addr, _ := testServer(f, Config{MaxMessageSize: 1 << 20})
	f.Fuzz(func(t *testing.T, data []byte) {
		nc, _ := rawStartup(t, addr)
		_ = nc.SetDeadline(time.Now().Add(2 * time.Second))
		_, _ = nc.Write(data)
		_, _ = nc.Write(encode(&pgproto3.Sync{}, &pgproto3.Terminate{}))
		// End of input: the server sees EOF even inside a message it is
		// still waiting to complete.
		_ = nc.(*net.TCPConn).CloseWrite()
		_, _ = io.Copy(io.Discard, nc)
		nc.Close()

		// The server still answers a fresh connection.
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			t.Fatalf("server stopped accepting: %v", err)
		}
		c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		pc, err := pgx.Connect(ctx, dsn(addr))
		if err != nil {
			t.Fatalf("server refused a connection after fuzz input: %v", err)
		}
		defer pc.Close(ctx)
		if err := pc.Ping(ctx); err != nil {
			t.Fatalf("server unusable after fuzz input: %v", err)
		}
	})
}
