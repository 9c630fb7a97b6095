package nexmark

import "math/bits"

// rng is the random source nexmark-rs draws from (NEXMARK.md 2.1): Rust
// rand 0.8's SmallRng on 64-bit targets, xoshiro256++, seeded by
// SmallRng::seed_from_u64. Every event seeds a fresh one with its event
// id, so no state carries from one event to the next and any event can
// be produced on its own.
type rng struct {
	s0, s1, s2, s3 uint64
}

// PCG32 constants of rand_core 0.6's default SeedableRng::seed_from_u64,
// which expands the u64 seed into the 32 seed bytes.
const (
	pcgMul = 6364136223846793005
	pcgInc = 11634580027462260723
)

// newRNG returns the generator SmallRng::seed_from_u64(seed) builds: eight
// PCG32 outputs, little-endian, form the four state words.
func newRNG(seed uint64) rng {
	var w [4]uint64
	s := seed
	for i := 0; i < 8; i++ {
		s = s*pcgMul + pcgInc
		x := uint32(((s >> 18) ^ s) >> 27)
		x = bits.RotateLeft32(x, -int(s>>59))
		w[i/2] |= uint64(x) << (32 * (i % 2))
	}
	// from_seed replaces an all-zero state (a fixed point of xoshiro) with
	// seed_from_u64(0); PCG32 cannot produce eight zero words in a row,
	// so the case never arises here.
	return rng{w[0], w[1], w[2], w[3]}
}

// u64 is xoshiro256++'s next_u64.
func (r *rng) u64() uint64 {
	out := bits.RotateLeft64(r.s0+r.s3, 23) + r.s0
	t := r.s1 << 17
	r.s2 ^= r.s0
	r.s3 ^= r.s1
	r.s1 ^= r.s2
	r.s0 ^= r.s3
	r.s2 ^= t
	r.s3 = bits.RotateLeft64(r.s3, 45)
	return out
}

// u32 is next_u32: the upper half of next_u64.
func (r *rng) u32() uint32 { return uint32(r.u64() >> 32) }

// intn32 draws uniformly from [0, k) the way rand 0.8.5 samples a range
// of a 32-bit integer type (i32 ranges, SliceRandom::choose): widening
// multiply of next_u32 by k, rejecting low halves above the zone. k > 0.
func (r *rng) intn32(k uint32) uint32 {
	zone := (k << bits.LeadingZeros32(k)) - 1
	for {
		m := uint64(r.u32()) * uint64(k)
		if uint32(m) <= zone {
			return uint32(m >> 32)
		}
	}
}

// intn64 is intn32 for usize / u64 ranges: next_u64 and a 128-bit
// product. k > 0.
func (r *rng) intn64(k uint64) uint64 {
	zone := (k << bits.LeadingZeros64(k)) - 1
	for {
		hi, lo := bits.Mul64(r.u64(), k)
		if lo <= zone {
			return hi
		}
	}
}

// intn is intn64 for the int64 knobs of the generator. k > 0.
func (r *rng) intn(k int64) int64 { return int64(r.intn64(uint64(k))) }

// letterZone is rand's zone for the u8 range b'a'..=b'z' (26 values): for
// types no wider than 16 bits it rejects exactly (2^32 - 26) mod 26
// values of next_u32, 2^32 - 1 - 22.
const letterZone = 1<<32 - 1 - (1<<32-26)%26

// letter draws one of 'a'..'z' as gen_range(b'a'..=b'z').
func (r *rng) letter() byte {
	for {
		m := uint64(r.u32()) * 26
		if uint32(m) <= letterZone {
			return 'a' + byte(m>>32)
		}
	}
}

// letters fills b with letters. It is letter unrolled over b with the
// state kept in registers: strings of letters are most of the work.
func (r *rng) letters(b []byte) {
	s0, s1, s2, s3 := r.s0, r.s1, r.s2, r.s3
	for i := 0; i < len(b); {
		out := bits.RotateLeft64(s0+s3, 23) + s0
		t := s1 << 17
		s2 ^= s0
		s3 ^= s1
		s1 ^= s2
		s0 ^= s3
		s2 ^= t
		s3 = bits.RotateLeft64(s3, 45)
		if m := (out >> 32) * 26; uint32(m) <= letterZone {
			b[i] = 'a' + byte(m>>32)
			i++
		}
	}
	r.s0, r.s1, r.s2, r.s3 = s0, s1, s2, s3
}

// skipLetters advances the generator exactly as drawing n letters would.
func (r *rng) skipLetters(n int) {
	s0, s1, s2, s3 := r.s0, r.s1, r.s2, r.s3
	for i := 0; i < n; {
		out := bits.RotateLeft64(s0+s3, 23) + s0
		t := s1 << 17
		s2 ^= s0
		s3 ^= s1
		s1 ^= s2
		s0 ^= s3
		s2 ^= t
		s3 = bits.RotateLeft64(s3, 45)
		if uint32((out>>32)*26) <= letterZone {
			i++
		}
	}
	r.s0, r.s1, r.s2, r.s3 = s0, s1, s2, s3
}

// float32 is rand's Standard f32: the top 24 bits of next_u32 scaled
// into [0, 1).
func (r *rng) float32() float32 {
	return float32(r.u32()>>8) * (1.0 / (1 << 24))
}
