package kafka

import (
	"slices"
	"strconv"
	"strings"

	"github.com/eddy-db/eddy/sql/sqlerr"
)

// FromStart is the position of a partition read from the start of its
// log (nothing read yet).
const FromStart = -2

// Position is where a reader is in its topic: for each assigned
// partition, the offset of the next record to read (or FromStart).
type Position struct {
	Topic string
	Next  map[int32]int64
}

const offsetPrefix = "k1:"

// Encode returns the position as the offset Next returns and Open takes:
// "k1:<topic>:<p>=<next>,...", partitions in order.
func (p Position) Encode() []byte {
	parts := make([]int32, 0, len(p.Next))
	for part := range p.Next {
		parts = append(parts, part)
	}
	slices.Sort(parts)
	b := make([]byte, 0, len(offsetPrefix)+len(p.Topic)+1+len(parts)*12)
	b = append(b, offsetPrefix...)
	b = append(b, p.Topic...)
	b = append(b, ':')
	for i, part := range parts {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(part), 10)
		b = append(b, '=')
		b = strconv.AppendInt(b, p.Next[part], 10)
	}
	return b
}

// ParseOffset reads an offset written by Encode.
func ParseOffset(b []byte) (Position, error) {
	bad := func() (Position, error) {
		return Position{}, sqlerr.New(sqlerr.DataCorrupted, "invalid Kafka source offset %q", b)
	}
	s := string(b)
	if !strings.HasPrefix(s, offsetPrefix) {
		return bad()
	}
	s = s[len(offsetPrefix):]
	i := strings.LastIndexByte(s, ':')
	if i <= 0 {
		return bad()
	}
	p := Position{Topic: s[:i], Next: map[int32]int64{}}
	if s = s[i+1:]; s == "" {
		return p, nil
	}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return bad()
		}
		part, err1 := strconv.ParseInt(k, 10, 32)
		next, err2 := strconv.ParseInt(v, 10, 64)
		if err1 != nil || err2 != nil || part < 0 || (next < 0 && next != FromStart) {
			return bad()
		}
		if _, dup := p.Next[int32(part)]; dup {
			return bad()
		}
		p.Next[int32(part)] = next
	}
	return p, nil
}
