package kafka

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/sql/types"
)

// TestRegistryOutageStallsReader: while the schema registry fails, the
// reader keeps its records (nothing is skipped or counted as an error)
// and says why in its status; once the registry answers, every record
// arrives in order.
func TestRegistryOutageStallsReader(t *testing.T) {
	old := retryInterval
	retryInterval = 20 * time.Millisecond
	t.Cleanup(func() { retryInterval = old })

	_, addr := newCluster(t, 1, "t")
	reg := srfake.New()
	t.Cleanup(reg.Close)
	var down atomic.Bool
	down.Store(true)
	reg.Intercept(func(w http.ResponseWriter, r *http.Request) bool {
		if down.Load() {
			w.WriteHeader(http.StatusBadGateway)
			return true
		}
		return false
	})
	id, _, err := reg.RegisterSchema("t-value", sr.Schema{Type: sr.TypeAvro,
		Schema: `{"type": "record", "name": "R", "fields": [{"name": "id", "type": "long"}]}`})
	if err != nil {
		t.Fatal(err)
	}
	var recs []*kgo.Record
	for i := range 5 {
		v, _ := new(sr.ConfluentHeader).AppendEncode(nil, id, nil)
		recs = append(recs, &kgo.Record{Topic: "t", Value: append(v, byte(2*i))}) // zigzag i
	}
	produce(t, addr, recs...)

	spec := newSpec(addr, "t", []connectors.Column{payload("id", types.TInt8)}, "PLAIN")
	spec.Encode = "AVRO"
	spec.EncodeOptions = map[string]string{"schema.registry": reg.URL()}
	r := openReader(t, spec, nil)

	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	c, _, err := r.Next(ctx)
	cancel()
	if err == nil {
		t.Fatalf("rows while the registry is down: %d", c.Len())
	}
	if st := r.Status(); !strings.Contains(st, "retrying") || !strings.Contains(st, "schema registry") {
		t.Errorf("status %q", st)
	}
	down.Store(false)
	rows, _, _ := readRows(t, r, 5)
	if got := strings.Join(rows, ","); got != "+ 0,+ 1,+ 2,+ 3,+ 4" {
		t.Errorf("rows %s", got)
	}
	if _, errs, _ := spec.Stats.Snapshot(); errs != 0 {
		t.Errorf("%d records counted as errors", errs)
	}
	if st := r.Status(); strings.Contains(st, "retrying") {
		t.Errorf("status after recovery %q", st)
	}
}
