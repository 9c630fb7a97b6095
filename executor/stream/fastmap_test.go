package stream

import (
	"math/rand"
	"testing"
)

// TestFastMapMatchesMap runs random puts, deletes and gets on a fastMap
// and on a Go map; they must agree throughout (small key ranges force
// long probe runs, wrap-around and backward shifts), both flat and
// partitioned by the first key column.
func TestFastMapMatchesMap(t *testing.T) {
	for _, partitioned := range []bool{false, true} {
		for _, keyRange := range []int64{8, 100, 5000} {
			testFastMap(t, partitioned, keyRange)
		}
	}
}

func testFastMap(t *testing.T, partitioned bool, keyRange int64) {
	{
		r := rand.New(rand.NewSource(keyRange))
		m := &fastMap{}
		if partitioned {
			m = newPartitionedFastMap()
		}
		ref := map[fastKey]*group{}
		key := func() fastKey {
			return fastKey{r.Int63n(keyRange), r.Int63n(3), r.Int63n(2)}
		}
		for step := 0; step < 200_000; step++ {
			k := key()
			switch r.Intn(3) {
			case 0:
				if ref[k] == nil {
					g := &group{fast: k}
					m.Put(g)
					ref[k] = g
				}
			case 1:
				if g := ref[k]; g != nil {
					m.Delete(k, &group{fast: k}) // another group: no effect
					m.Delete(k, g)
					delete(ref, k)
				}
			default:
				if got := m.Get(k); got != ref[k] {
					t.Fatalf("partitioned %v range %d step %d: Get(%v) = %p, want %p", partitioned, keyRange, step, k, got, ref[k])
				}
			}
			if m.Len() != len(ref) {
				t.Fatalf("range %d step %d: Len %d, want %d", keyRange, step, m.Len(), len(ref))
			}
		}
		n := 0
		m.Range(func(g *group) {
			n++
		})
		if n != len(ref) {
			t.Fatalf("Range visited %d groups, want %d", n, len(ref))
		}
		for k, g := range ref {
			if m.Get(k) != g {
				t.Fatalf("final Get(%v) wrong", k)
			}
		}
	}
}
