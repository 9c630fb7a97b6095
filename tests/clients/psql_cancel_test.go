//go:build linux

package clients

import (
	"fmt"
	"testing"
	"time"
)

// TestPsqlCancel runs psql interactively on a terminal and presses Ctrl-C
// while SELECT pg_sleep(30) runs, alone and inside a transaction block:
// psql sends a CancelRequest, prints the 57014 error, shows the failed
// block in its prompt ('!'), and the session goes on.
func TestPsqlCancel(t *testing.T) {
	psql := needTool(t, "psql")
	tg := startTarget(t, false)
	// -n: no readline, so that the screen is psql's output and the echo.
	s := startPTY(t, 80, 24, []string{"TERM=dumb", "PGPASSWORD=" + tg.Password},
		psql, psqlArgs(tg, "-n", "-P", "pager=off")...)
	s.expect(0, tg.Database+"=#", "no prompt")

	for _, block := range []bool{false, true} {
		if block {
			m := s.mark()
			s.typeLine("BEGIN;")
			s.expect(m, tg.Database+"=*#", "no transaction prompt after BEGIN")
		}
		m := s.mark()
		start := time.Now()
		s.typeLine("SELECT pg_sleep(30);")
		// Ctrl-C until psql reports the cancel: the first may come before
		// the statement runs.
		cancelled := false
		for !cancelled && time.Since(start) < 20*time.Second {
			time.Sleep(300 * time.Millisecond)
			s.send("\x03")
			cancelled = s.waitFor(m, "ERROR:  canceling statement due to user request", time.Second)
		}
		if !cancelled {
			s.fail("Ctrl-C did not cancel the statement")
		}
		s.expect(m, "Cancel request sent", "psql did not send a cancel request")
		if block {
			s.expect(m, tg.Database+"=!#", "no failed-transaction prompt after the cancel")
			m = s.mark()
			s.typeLine("ROLLBACK;")
			s.expect(m, "\nROLLBACK\n", "ROLLBACK did not run")
		}
		m = s.mark()
		s.typeLine(fmt.Sprintf("SELECT 'still ' || 'here %v' AS next;", block))
		s.expect(m, fmt.Sprintf("still here %v", block), "the session did not go on after the cancel")
	}
	s.typeLine(`\q`)
	s.waitExit(10 * time.Second)
}
