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

// TestPsqlCancel runs psql interactively on a terminal and presses Ctrl-C
// while SELECT pg_sleep(30) runs, alone and inside a transaction block:
// psql sends a CancelRequest, prints the 57014 error, shows the failed
// block in its prompt ('!'), and the session goes on.
func TestPsqlCancel(t *testing.T) {
	psql := needTool(t, "psql")
	tg := startTarget(t, false)
	master, slave, err := openPTY()
	if err != nil {
		missing(t, "no pseudo-terminal: %v", err)
	}
	defer master.Close()
	// -n: no readline, so that the screen is psql's output and the echo.
	cmd := exec.Command(psql, psqlArgs(tg, "-n", "-P", "pager=off")...)
	cmd.Env = append(cleanEnv(), "TERM=dumb", "PGPASSWORD="+tg.Password)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	defer func() {
		select {
		case <-exited:
		default:
			_ = cmd.Process.Kill()
			<-exited
		}
	}()

	var mu sync.Mutex
	var screen bytes.Buffer
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			mu.Lock()
			screen.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	// mark is where the screen ends now; waitFor looks past it.
	mark := func() int {
		mu.Lock()
		defer mu.Unlock()
		return screen.Len()
	}
	waitFor := func(from int, text string, d time.Duration) bool {
		deadline := time.Now().Add(d)
		for time.Now().Before(deadline) {
			mu.Lock()
			found := strings.Contains(screen.String()[from:], text)
			mu.Unlock()
			if found {
				return true
			}
			time.Sleep(20 * time.Millisecond)
		}
		return false
	}
	fail := func(format string, args ...any) {
		t.Helper()
		mu.Lock()
		s := screen.String()
		mu.Unlock()
		t.Fatalf(format+"\nscreen:\n%s", append(args, s)...)
	}
	typeLine := func(s string) {
		if _, err := master.Write([]byte(s + "\n")); err != nil {
			t.Fatal(err)
		}
	}
	if !waitFor(0, tg.Database+"=#", 10*time.Second) {
		fail("no prompt")
	}

	for _, block := range []bool{false, true} {
		if block {
			m := mark()
			typeLine("BEGIN;")
			if !waitFor(m, tg.Database+"=*#", 5*time.Second) {
				fail("no transaction prompt after BEGIN")
			}
		}
		m := mark()
		start := time.Now()
		typeLine("SELECT pg_sleep(30);")
		// Ctrl-C until psql reports the cancel: the first may come before
		// the statement runs.
		cancelled := false
		for !cancelled && time.Since(start) < 20*time.Second {
			time.Sleep(300 * time.Millisecond)
			if _, err := master.Write([]byte{0x03}); err != nil {
				t.Fatal(err)
			}
			cancelled = waitFor(m, "ERROR:  canceling statement due to user request", time.Second)
		}
		if !cancelled {
			fail("Ctrl-C did not cancel the statement")
		}
		if !waitFor(m, "Cancel request sent", time.Second) {
			fail("psql did not send a cancel request")
		}
		if block {
			if !waitFor(m, tg.Database+"=!#", 5*time.Second) {
				fail("no failed-transaction prompt after the cancel")
			}
			m = mark()
			typeLine("ROLLBACK;")
			if !waitFor(m, "ROLLBACK", 5*time.Second) {
				fail("ROLLBACK did not run")
			}
		}
		m = mark()
		typeLine(fmt.Sprintf("SELECT 'still ' || 'here %v' AS next;", block))
		if !waitFor(m, fmt.Sprintf("still here %v", block), 5*time.Second) {
			fail("the session did not go on after the cancel")
		}
	}
	typeLine(`\q`)
	select {
	case <-exited:
		if waitErr != nil {
			fail("psql: %v", waitErr)
		}
	case <-time.After(10 * time.Second):
		fail("psql did not quit")
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
