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
	// parts, when set, splits the groups by their first key column into
	// one table each (see newPartitionedFastMap); last caches the most
	// recently used part.
	parts map[[2]int64]*fastMap
	lastP [2]int64
	last  *fastMap
}

// newPartitionedFastMap returns a fastMap that keeps one table per value
// of the first key column: for a window start followed by another key,
// the groups of the open window then share a small table that stays in
// the processor's caches, instead of being spread over a table that
// holds every window's groups.
func newPartitionedFastMap() *fastMap {
	return &fastMap{parts: map[[2]int64]*fastMap{}}
}

// part returns the table of k's first column (creating it if create).
func (m *fastMap) part(k fastKey, create bool) *fastMap {
	p := [2]int64{k[0], k[2] & 1}
	if m.last != nil && p == m.lastP {
		return m.last
	}
	sub := m.parts[p]
	if sub == nil {
		if !create {
			return nil
		}
		sub = &fastMap{}
		m.parts[p] = sub
	}
	m.lastP, m.last = p, sub
	return sub
}

// A slot holds the key with the group (nil: empty), so that a lookup
// reads only the table; the groups are read in a later pass, when many
// lookups can be waited for at once.
type fastSlot struct {
	key fastKey
	g   *group
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
	if m.parts != nil {
		if m = m.part(k, false); m == nil || m.n == 0 {
			return nil
		}
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

// Put adds g under its key g.fast (which must not be present).
func (m *fastMap) Put(g *group) {
	k := g.fast
	if m.parts != nil {
		m.part(k, true).Put(g)
		m.n++
		return
	}
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
	if m.parts != nil {
		sub := m.part(k, false)
		if sub == nil {
			return
		}
		n := sub.n
		sub.Delete(k, g)
		m.n -= n - sub.n
		if sub.n == 0 {
			delete(m.parts, m.lastP)
			m.last = nil
		}
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
	for _, sub := range m.parts {
		sub.Range(fn)
	}
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
			m.Put(s.g)
		}
	}
}
