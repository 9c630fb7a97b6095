package clients

import (
	"testing"

	"github.com/eddy-db/eddy/tests/internal/eddytest"
)

// startEddy runs an in-process Eddy for the test on a loopback port, with
// SCRAM authentication when password is not empty.
func startEddy(t *testing.T, password string) (host string, port int) {
	t.Helper()
	srv := eddytest.Start(t, eddytest.Options{Password: password})
	return srv.Host, srv.Port
}
