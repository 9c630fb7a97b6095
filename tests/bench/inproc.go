package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"runtime"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/eddy-db/eddy/pgwire"
	"github.com/eddy-db/eddy/sql"
)

// The connector benchmarks (kafka, nexmark) compare Eddy running a view
// over a source with the same source read without any engine. Both run
// in this process, one after the other, and are measured in CPU time of
// this process (user + system, getrusage), so that whatever else runs on
// the machine (the Kafka broker, in its own process) does not count.

// inproc is Eddy running in this process on a temporary data directory,
// serving pgwire on loopback, with one client connection.
type inproc struct {
	dir  string
	eng  *sql.Engine
	srv  *pgwire.Server
	conn *pgx.Conn
}

func startInProcess() (*inproc, error) {
	dir, err := os.MkdirTemp("", "eddy-bench-inproc-")
	if err != nil {
		return nil, err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	eng, err := sql.Open(dir, sql.Options{Logger: log})
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	p := &inproc{dir: dir, eng: eng}
	p.srv = pgwire.New(pgwire.Config{Engine: eng, Logger: log})
	addr, err := p.srv.Listen("127.0.0.1:0")
	if err != nil {
		p.close()
		return nil, err
	}
	dsn := fmt.Sprintf("postgres://root@127.0.0.1:%d/dev?sslmode=disable", addr.(*net.TCPAddr).Port)
	p.conn, err = pgx.Connect(context.Background(), dsn)
	if err != nil {
		p.close()
		return nil, err
	}
	return p, nil
}

func (p *inproc) exec(sqls ...string) error {
	for _, s := range sqls {
		if _, err := p.conn.Exec(context.Background(), s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}

// waitSum polls query (one bigint, NULL counting as 0) until it returns
// want. It polls every 20 ms: each poll costs well under a millisecond of
// CPU, a small part of what the measured runs use.
func (p *inproc) waitSum(query string, want int64, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var got *int64
	for {
		if err := p.conn.QueryRow(context.Background(), query).Scan(&got); err != nil {
			return fmt.Errorf("%s: %w", query, err)
		}
		if got != nil && *got == want {
			return nil
		}
		if got != nil && *got > want {
			return fmt.Errorf("%s: %d, more than the %d expected", query, *got, want)
		}
		if time.Now().After(deadline) {
			n := int64(0)
			if got != nil {
				n = *got
			}
			return fmt.Errorf("%s: %d after %s, want %d", query, n, timeout, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (p *inproc) close() {
	if p.conn != nil {
		_ = p.conn.Close(context.Background())
	}
	if p.srv != nil {
		_ = p.srv.Close()
	}
	if p.eng != nil {
		_ = p.eng.Close()
	}
	os.RemoveAll(p.dir)
}

// measured is one measured run: how many events in how much CPU and
// wall time.
type measured struct {
	events int64
	cpu    time.Duration
	wall   time.Duration
}

func (m measured) rate() float64 { return float64(m.events) / m.cpu.Seconds() }

// measure runs f after a garbage collection and returns the CPU and wall
// time it took.
func measure(events int64, f func() error) (measured, error) {
	runtime.GC()
	c0, t0 := cpuTime(), time.Now()
	if err := f(); err != nil {
		return measured{}, err
	}
	return measured{events: events, cpu: cpuTime() - c0, wall: time.Since(t0)}, nil
}

// alternate runs base and eddy in turn for -rounds rounds and prints the
// round with the median ratio, as the stream benchmark does.
func alternate(what, baseName, detail string, base, eddy func() (measured, error)) error {
	type round struct{ base, eddy measured }
	var rs []round
	for i := 0; i < max(*rounds, 1); i++ {
		b, err := base()
		if err != nil {
			return fmt.Errorf("%s, %s: %w", what, baseName, err)
		}
		e, err := eddy()
		if err != nil {
			return fmt.Errorf("%s, eddy: %w", what, err)
		}
		rs = append(rs, round{b, e})
	}
	sort.Slice(rs, func(i, j int) bool {
		return rs[i].eddy.rate()/rs[i].base.rate() < rs[j].eddy.rate()/rs[j].base.rate()
	})
	r := rs[len(rs)/2]
	fmt.Printf("%-28s eddy %12.0f events/CPU-s | %s %12.0f events/CPU-s | ratio %.2f  (%s; median round: eddy %.1f CPU-s in %.1f s, %s %.1f CPU-s in %.1f s)\n",
		what, r.eddy.rate(), baseName, r.base.rate(), r.eddy.rate()/r.base.rate(), detail,
		r.eddy.cpu.Seconds(), r.eddy.wall.Seconds(), baseName, r.base.cpu.Seconds(), r.base.wall.Seconds())
	return nil
}
