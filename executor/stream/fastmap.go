package stream

import "math/bits"

// fastMap maps fastKeys to groups: an open-addressing hash table with
// linear probing, sized to a power of two and at most 3/4 full. It is
// what a HashAgg with integer-like keys looks a group up in for every
// input row, so it avoids the generic map's hashing of 24-byte keys.
//
// Deletion shifts later entries of the probe sequence back (no
// tombstones), so lookups stay short under the steady creation and
// removal of windowed groups.
type fastMap struct {
	slots []fastSlot // len is a power of two (or 0)
	mask  uint64
	n     int
}

type fastSlot struct {
	key fastKey
	g   *group // nil: empty slot
}

func fastHash(k fastKey) uint64 {
	h := uint64(k[0])*0x9E3779B97F4A7C15 ^ bits.RotateLeft64(uint64(k[1])*0xC2B2AE3D27D4EB4F, 31) ^ uint64(k[2])
	h ^= h >> 29
	h *= 0xBF58476D1CE4E5B9
	return h ^ h>>32
}

// Len returns the number of groups.
func (m *fastMap) Len() int { return m.n }

// Get returns the group of k, or nil.
func (m *fastMap) Get(k fastKey) *group {
	if m.n == 0 {
		return nil
	}
	for i := fastHash(k) & m.mask; ; i = (i + 1) & m.mask {
		s := &m.slots[i]
		if s.g == nil {
			return nil
		}
		if s.key == k {
			return s.g
		}
	}
}

// Put sets the group of k (k must not be present).
func (m *fastMap) Put(k fastKey, g *group) {
	if (m.n+1)*4 > len(m.slots)*3 {
		m.grow()
	}
	i := fastHash(k) & m.mask
	for m.slots[i].g != nil {
		i = (i + 1) & m.mask
	}
	m.slots[i] = fastSlot{key: k, g: g}
	m.n++
}

// Delete removes k if it maps to g.
func (m *fastMap) Delete(k fastKey, g *group) {
	if m.n == 0 {
		return
	}
	i := fastHash(k) & m.mask
	for {
		s := &m.slots[i]
		if s.g == nil {
			return
		}
		if s.key == k {
			if s.g != g {
				return
			}
			break
		}
		i = (i + 1) & m.mask
	}
	// Backward-shift deletion: move up each later entry of the run whose
	// home slot is at or before the hole.
	j := i
	for {
		j = (j + 1) & m.mask
		s := &m.slots[j]
		if s.g == nil {
			break
		}
		home := fastHash(s.key) & m.mask
		// Keep s where it is if its home lies cyclically in (i, j].
		if (i < j && i < home && home <= j) || (i > j && (home > i || home <= j)) {
			continue
		}
		m.slots[i] = *s
		i = j
	}
	m.slots[i] = fastSlot{}
	m.n--
}

// Range calls fn for every group.
func (m *fastMap) Range(fn func(g *group)) {
	for i := range m.slots {
		if g := m.slots[i].g; g != nil {
			fn(g)
		}
	}
}

func (m *fastMap) grow() {
	old := m.slots
	size := max(2*len(old), 64)
	m.slots = make([]fastSlot, size)
	m.mask = uint64(size - 1)
	m.n = 0
	for i := range old {
		if s := &old[i]; s.g != nil {
			m.Put(s.key, s.g)
		}
	}
}
