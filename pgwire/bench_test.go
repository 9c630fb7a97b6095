package pgwire

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"testing"

	"github.com/jackc/pgx/v5/pgproto3"
)

// BenchmarkPreparedPointQuery measures the server's cost of one prepared
// point SELECT (Bind, Execute, Sync -> BindComplete, DataRow,
// CommandComplete, ReadyForQuery) over loopback TCP, as pgbench -M
// prepared drives it. The client side is pre-encoded bytes and a raw
// reader, so allocations reported are almost all the server's.
func BenchmarkPreparedPointQuery(b *testing.B) {
	addr, _ := testServer(b, Config{})
	c := connect(b, addr)
	ctx := context.Background()
	const n = 10000
	if _, err := c.Exec(ctx, `CREATE TABLE pq (id INT PRIMARY KEY, name VARCHAR, v DOUBLE PRECISION)`); err != nil {
		b.Fatal(err)
	}
	if _, err := c.Exec(ctx, fmt.Sprintf(`INSERT INTO pq SELECT g, 'name' || g, g * 1.5 FROM generate_series(1, %d) g`, n)); err != nil {
		b.Fatal(err)
	}
	nc, fe := rawStartup(b, addr)
	defer nc.Close()
	fe.Send(&pgproto3.Parse{Name: "q", Query: "SELECT id, name, v FROM pq WHERE id = $1"})
	fe.Send(&pgproto3.Sync{})
	if err := fe.Flush(); err != nil {
		b.Fatal(err)
	}
	for {
		msg, err := fe.Receive()
		if err != nil {
			b.Fatal(err)
		}
		if e, ok := msg.(*pgproto3.ErrorResponse); ok {
			b.Fatal(e.Message)
		}
		if _, ok := msg.(*pgproto3.ReadyForQuery); ok {
			break
		}
	}
	// One request per key, pre-encoded.
	reqs := make([][]byte, 1024)
	for i := range reqs {
		var buf []byte
		buf, _ = (&pgproto3.Bind{PreparedStatement: "q", Parameters: [][]byte{[]byte(fmt.Sprint(1 + i*7%n))}}).Encode(buf)
		buf, _ = (&pgproto3.Execute{}).Encode(buf)
		buf, _ = (&pgproto3.Sync{}).Encode(buf)
		reqs[i] = buf
	}
	r := bufio.NewReaderSize(nc, 8192)
	hdr := make([]byte, 5)
	body := make([]byte, 0, 256)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := nc.Write(reqs[i%len(reqs)]); err != nil {
			b.Fatal(err)
		}
		rows := 0
		for {
			if _, err := io.ReadFull(r, hdr); err != nil {
				b.Fatal(err)
			}
			l := int(binary.BigEndian.Uint32(hdr[1:])) - 4
			if cap(body) < l {
				body = make([]byte, l)
			}
			if _, err := io.ReadFull(r, body[:l]); err != nil {
				b.Fatal(err)
			}
			switch hdr[0] {
			case 'E':
				b.Fatalf("error: %q", body[:l])
			case 'D':
				rows++
			}
			if hdr[0] == 'Z' {
				break
			}
		}
		if rows != 1 {
			b.Fatalf("got %d rows, want 1", rows)
		}
	}
}
