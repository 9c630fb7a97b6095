package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// binary builds this command once per test run.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "eddy-bin-")
		if buildErr != nil {
			return
		}
		out, err := exec.Command("go", "build", "-o", filepath.Join(binDir, "eddy"), ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(binDir, "eddy")
}

// server is a running eddy process whose stderr is read line by line.
type server struct {
	cmd   *exec.Cmd
	mu    sync.Mutex
	lines []string
	more  chan struct{} // receives after each new line and at EOF
	eof   bool
}

func start(t *testing.T, args ...string) *server {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	// An os.Pipe rather than StderrPipe: Wait closes the latter as soon
	// as the process exits, which can lose what it wrote last.
	stderr, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = w
	err = cmd.Start()
	w.Close()
	if err != nil {
		stderr.Close()
		t.Fatal(err)
	}
	s := &server{cmd: cmd, more: make(chan struct{}, 1)}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			s.mu.Lock()
			s.lines = append(s.lines, sc.Text())
			s.mu.Unlock()
			s.signal()
		}
		stderr.Close()
		s.mu.Lock()
		s.eof = true
		s.mu.Unlock()
		s.signal()
	}()
	t.Cleanup(func() { s.stop() })
	return s
}

func (s *server) signal() {
	select {
	case s.more <- struct{}{}:
	default:
	}
}

// stop ends the process with SIGTERM and returns everything it printed.
func (s *server) stop() string {
	if s.cmd.ProcessState == nil {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = s.cmd.Process.Kill()
			<-done
		}
	}
	s.wait(nil, 5*time.Second)
	return s.output()
}

func (s *server) output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.lines, "\n")
}

// wait waits until a line matches re (nil: until EOF) and returns its
// submatches.
func (s *server) wait(re *regexp.Regexp, d time.Duration) []string {
	deadline := time.After(d)
	seen := 0
	for {
		s.mu.Lock()
		lines, eof := s.lines, s.eof
		s.mu.Unlock()
		for ; seen < len(lines); seen++ {
			if re != nil {
				if m := re.FindStringSubmatch(lines[seen]); m != nil {
					return m
				}
			}
		}
		if eof {
			return nil
		}
		select {
		case <-s.more:
		case <-deadline:
			return nil
		}
	}
}

var (
	connectRE = regexp.MustCompile(`^connect with: psql -h (\S+) -p (\d+) -U root dev$`)
	kafkaRE   = regexp.MustCompile(`^kafka broker: (\S+) `)
)

// playground starts eddy playground on free ports and returns the DSN
// and the broker's address.
func playground(t *testing.T) (dsn, broker string) {
	t.Helper()
	s := start(t, "playground", "--listen", "127.0.0.1:0", "--kafka-listen", "127.0.0.1:0", "--log-level", "warn",
		"--barrier-interval-ms", "100")
	m := s.wait(connectRE, time.Minute)
	if m == nil {
		t.Fatalf("no connect line from eddy playground:\n%s", s.stop())
	}
	dsn = fmt.Sprintf("postgres://root@%s:%s/dev?sslmode=disable", m[1], m[2])
	k := s.wait(kafkaRE, 10*time.Second)
	if k == nil {
		t.Fatalf("no kafka broker line from eddy playground:\n%s", s.stop())
	}
	return dsn, k[1]
}

// produce runs eddy produce with input on stdin.
func produce(t *testing.T, input string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd := exec.Command(binary(t), append([]string{"produce"}, args...)...)
	cmd.Stdin = strings.NewReader(input)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

const clicks = `{"user_id": 1, "url": "/home",    "ts": "2026-11-22T09:00:05Z"}
{"user_id": 2, "url": "/pricing", "ts": "2026-11-22T09:00:40Z"}
{"user_id": 1, "url": "/docs",    "ts": "2026-11-22T09:01:10Z"}
{"user_id": 3, "url": "/home",    "ts": "2026-11-22T09:01:20Z"}

{"user_id": 2, "url": "/home",    "ts": "2026-11-22T09:01:55Z"}
{"user_id": 1, "url": "/pricing", "ts": "2026-11-22T09:02:30Z"}
{"user_id": 4, "url": "/docs",    "ts": "2026-11-22T09:02:31Z"}
{"user_id": 3, "url": "/home",    "ts": "2026-11-22T09:04:00Z"}
`

// TestPlaygroundKafkaPipeline: JSON lines through eddy produce into the
// playground's broker, a Kafka source with a watermark, a TUMBLE count
// view, the view's rows over pgx.
func TestPlaygroundKafkaPipeline(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the eddy binary")
	}
	dsn, broker := playground(t)
	out, errOut, err := produce(t, clicks, "--brokers", broker, "--topic", "clicks", "--key-field", "user_id")
	if err != nil {
		t.Fatalf("eddy produce: %v\n%s%s", err, out, errOut)
	}
	if want := "produced 8 records to topic clicks\n"; out != want {
		t.Fatalf("eddy produce printed %q, want %q (stderr %q)", out, want, errOut)
	}
	if !strings.Contains(errOut, "created topic clicks with 1 partition") {
		t.Errorf("eddy produce stderr %q: no word of creating the topic", errOut)
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	for _, q := range []string{
		fmt.Sprintf(`CREATE SOURCE clicks (user_id INT, url VARCHAR, ts TIMESTAMPTZ,
			WATERMARK FOR ts AS ts - INTERVAL '5 seconds')
			WITH (connector = 'kafka', topic = 'clicks', properties.bootstrap.server = '%s',
			      scan.startup.mode = 'earliest') FORMAT PLAIN ENCODE JSON`, broker),
		`CREATE MATERIALIZED VIEW clicks_per_minute AS
			SELECT window_start, count(*) AS clicks, count(DISTINCT user_id) AS users
			FROM TUMBLE(clicks, ts, INTERVAL '1 minute') GROUP BY window_start`,
		`FLUSH`,
	} {
		if _, err := c.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// FLUSH commits what the source has read; the records may still be
	// on their way from the broker, so poll.
	want := "2026-11-22 09:00:00 2 2; 2026-11-22 09:01:00 3 3; 2026-11-22 09:02:00 2 2; 2026-11-22 09:04:00 1 1"
	var got string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		rows, err := c.Query(ctx, `SELECT window_start, clicks, users FROM clicks_per_minute ORDER BY window_start`)
		if err != nil {
			t.Fatal(err)
		}
		var parts []string
		for rows.Next() {
			var ws time.Time
			var n, u int64
			if err := rows.Scan(&ws, &n, &u); err != nil {
				t.Fatal(err)
			}
			parts = append(parts, fmt.Sprintf("%s %d %d", ws.UTC().Format(time.DateTime), n, u))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if got = strings.Join(parts, "; "); got == want {
			return
		}
	}
	t.Fatalf("clicks_per_minute: got %q, want %q", got, want)
}

// TestProduceErrors: eddy produce fails clearly, with a non-zero exit.
func TestProduceErrors(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the eddy binary")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--brokers", closed}, "--topic is required"},
		{[]string{"--brokers", closed, "--topic", "t", "--timeout", "2s"}, "cannot reach a Kafka broker at " + closed},
		{[]string{"--topic", "t", "--partitions", "0"}, "--partitions must be at least 1"},
		{[]string{"--topic", "t", "extra"}, `unexpected argument "extra"`},
	} {
		_, errOut, err := produce(t, `{"id": 1}`+"\n", tc.args...)
		if _, ok := err.(*exec.ExitError); !ok {
			t.Errorf("eddy produce %v: error %v, want a non-zero exit", tc.args, err)
		}
		if !strings.Contains(errOut, tc.want) {
			t.Errorf("eddy produce %v: stderr %q, want %q", tc.args, errOut, tc.want)
		}
	}

	// A line that lacks the key field stops eddy produce.
	_, broker := playground(t)
	out, errOut, err := produce(t, `{"id": 1}`+"\n"+`{"other": 2}`+"\n", "--brokers", broker, "--topic", "t", "--key-field", "id")
	if err == nil || !strings.Contains(errOut, `line 2: --key-field id: the object has no field "id"`) {
		t.Errorf("missing key field: error %v, stdout %q, stderr %q", err, out, errOut)
	}
}

// TestPlaygroundKafkaListen: a taken port fails naming the flag; off
// starts no broker; plain eddy starts none and refuses the flag.
func TestPlaygroundKafkaListen(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the eddy binary")
	}
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	s := start(t, "playground", "--listen", "127.0.0.1:0", "--kafka-listen", taken.Addr().String())
	if err := waitExit(s, 30*time.Second); err == nil {
		t.Errorf("eddy playground on a taken Kafka port exited successfully")
	}
	if out := s.output(); !strings.Contains(out, "cannot listen on "+taken.Addr().String()) ||
		!strings.Contains(out, "--kafka-listen HOST:PORT") {
		t.Errorf("eddy playground on a taken Kafka port printed:\n%s", out)
	}

	for _, args := range [][]string{
		{"playground", "--listen", "127.0.0.1:0", "--kafka-listen", "off"},
		{"--listen", "127.0.0.1:0", "--data-dir", t.TempDir()},
	} {
		s := start(t, args...)
		if s.wait(connectRE, time.Minute) == nil {
			t.Fatalf("eddy %v did not start:\n%s", args, s.stop())
		}
		if out := s.stop(); strings.Contains(out, "kafka broker") {
			t.Errorf("eddy %v started a Kafka broker:\n%s", args, out)
		}
	}

	s = start(t, "--listen", "127.0.0.1:0", "--data-dir", t.TempDir(), "--kafka-listen", "127.0.0.1:0")
	if err := waitExit(s, 30*time.Second); err == nil || !strings.Contains(s.output(), "--kafka-listen is for eddy playground only") {
		t.Errorf("eddy --kafka-listen: exit %v, output:\n%s", err, s.output())
	}
}

// waitExit waits for the process to end by itself and returns its exit
// error.
func waitExit(s *server, d time.Duration) error {
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		s.wait(nil, 5*time.Second)
		return err
	case <-time.After(d):
		_ = s.cmd.Process.Kill()
		return <-done
	}
}
