//go:build linux

package clients

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// ptySession is a program running on a pseudo-terminal, the way a person
// runs psql: keys typed into the terminal reach it as input, and
// everything it writes to the terminal (with the terminal's echo of the
// keys) collects in a screen buffer that grows until it exits. The
// program is killed, if still running, and the terminal closed when the
// test ends. Its methods must be called from the test's goroutine.
type ptySession struct {
	t      *testing.T
	master *os.File
	cmd    *exec.Cmd
	exited chan struct{}
	// waitErr is cmd.Wait's result, set before exited is closed.
	waitErr error

	mu     sync.Mutex
	screen bytes.Buffer
}

// startPTY runs name with args and env (added to cleanEnv) on a new
// pseudo-terminal of cols x rows characters, its controlling terminal.
// It skips the test (fails it in CI) when there is no pseudo-terminal.
func startPTY(t *testing.T, cols, rows int, env []string, name string, args ...string) *ptySession {
	t.Helper()
	master, slave, err := openPTY()
	if err != nil {
		missing(t, "no pseudo-terminal: %v", err)
	}
	if err := setWinsize(master, cols, rows); err != nil {
		master.Close()
		slave.Close()
		t.Fatalf("set the terminal size: %v", err)
	}
	s := &ptySession{t: t, master: master, exited: make(chan struct{})}
	s.cmd = exec.Command(name, args...)
	s.cmd.Env = append(cleanEnv(), env...)
	s.cmd.Stdin, s.cmd.Stdout, s.cmd.Stderr = slave, slave, slave
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	err = s.cmd.Start()
	slave.Close()
	if err != nil {
		master.Close()
		t.Fatal(err)
	}
	go func() {
		s.waitErr = s.cmd.Wait()
		close(s.exited)
	}()
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			s.mu.Lock()
			s.screen.Write(buf[:n])
			s.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		select {
		case <-s.exited:
		default:
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
		master.Close()
	})
	return s
}

// mark is where the screen ends now: the waits look past it.
func (s *ptySession) mark() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.screen.Len()
}

// since returns the screen from mark on, with the terminal's line ends
// ("\r\n") turned into "\n".
func (s *ptySession) since(from int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.ReplaceAll(s.screen.String()[from:], "\r\n", "\n")
}

// waitUntil polls the screen from mark on (as since returns it) until ok
// accepts it or d has passed, and reports whether ok did.
func (s *ptySession) waitUntil(from int, d time.Duration, ok func(screen string) bool) bool {
	deadline := time.Now().Add(d)
	for {
		if ok(s.since(from)) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitFor waits until text shows on the screen after mark.
func (s *ptySession) waitFor(from int, text string, d time.Duration) bool {
	return s.waitUntil(from, d, func(screen string) bool { return strings.Contains(screen, text) })
}

// expect fails the test unless text shows on the screen after mark
// within 10 seconds; what says what was expected.
func (s *ptySession) expect(from int, text, what string) {
	s.t.Helper()
	if !s.waitFor(from, text, 10*time.Second) {
		s.fail("%s: %q did not show", what, text)
	}
}

// fail fails the test, showing the whole screen.
func (s *ptySession) fail(format string, args ...any) {
	s.t.Helper()
	s.t.Fatalf(format+"\nscreen:\n%s", append(args, s.since(0))...)
}

// send types keys as they are (control characters included).
func (s *ptySession) send(keys string) {
	s.t.Helper()
	if _, err := s.master.Write([]byte(keys)); err != nil {
		s.t.Fatal(err)
	}
}

// typeLine types line and Enter.
func (s *ptySession) typeLine(line string) {
	s.t.Helper()
	s.send(line + "\n")
}

// waitExit waits up to d for the program to exit and fails the test if
// it does not, or exits with an error.
func (s *ptySession) waitExit(d time.Duration) {
	s.t.Helper()
	select {
	case <-s.exited:
		if s.waitErr != nil {
			s.fail("%s: %v", s.cmd.Path, s.waitErr)
		}
	case <-time.After(d):
		s.fail("%s did not exit", s.cmd.Path)
	}
}

// openPTY opens a pseudo-terminal pair.
func openPTY() (master, slave *os.File, err error) {
	master, err = os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, err
	}
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		master.Close()
		return nil, nil, e
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		master.Close()
		return nil, nil, e
	}
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		master.Close()
		return nil, nil, err
	}
	return master, slave, nil
}

// setWinsize sets the terminal's size in characters, which programs read
// with TIOCGWINSZ (psql to fit its output, readline to lay out lists).
func setWinsize(f *os.File, cols, rows int) error {
	ws := struct{ Row, Col, Xpixel, Ypixel uint16 }{Row: uint16(rows), Col: uint16(cols)}
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), syscall.TIOCSWINSZ, uintptr(unsafe.Pointer(&ws))); e != 0 {
		return e
	}
	return nil
}
