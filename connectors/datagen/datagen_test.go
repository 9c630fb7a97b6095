package datagen

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/executor/chunk"
	"github.com/eddy-db/eddy/sql/types"
)

func spec(with map[string]string, cols ...connectors.Column) *connectors.Spec {
	w := map[string]string{"connector": "datagen"}
	for k, v := range with {
		w[k] = v
	}
	return &connectors.Spec{Name: "g", Columns: cols, With: w, Stats: &connectors.Stats{}}
}

func col(name string, t types.Type) connectors.Column { return connectors.Column{Name: name, Type: t} }

// read reads rows until n are collected, returning them as text and the
// offset after each chunk.
func read(t *testing.T, r connectors.Reader, n int) ([]string, [][]byte) {
	t.Helper()
	var rows []string
	var offs [][]byte
	for len(rows) < n {
		c, off, err := r.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var row types.Row
		for i := 0; i < c.Len(); i++ {
			if c.Ops[i] != chunk.Insert {
				t.Fatalf("op %v, want insert", c.Ops[i])
			}
			row = c.Row(i, row)
			rows = append(rows, fmt.Sprint(row))
		}
		offs = append(offs, off)
	}
	return rows, offs
}

func TestSequenceAndRandomBounds(t *testing.T) {
	s := spec(map[string]string{
		"fields.id.kind": "sequence", "fields.id.start": "5", "fields.id.end": "1004",
		"fields.v.min": "-2", "fields.v.max": "2",
		"fields.f.min": "1.5", "fields.f.max": "2.5",
		"fields.s.length":         "7",
		"datagen.rows.per.second": "1000000",
	}, col("id", types.TInt4), col("v", types.TInt8), col("f", types.TFloat8), col("s", types.TVarchar), col("b", types.TBool))
	r, err := open(context.Background(), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Rows come at the rate given, so the first chunk may be small under
	// load: read until 100 rows arrived.
	seenV := map[int64]bool{}
	seenB := map[int64]bool{}
	n := 0
	for n < 100 {
		c, _, err := r.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < c.Len(); i++ {
			if got := c.Cols[0].I64[i]; got != int64(5+n) {
				t.Fatalf("row %d: id %d, want %d", n, got, 5+n)
			}
			n++
			v := c.Cols[1].I64[i]
			if v < -2 || v > 2 {
				t.Fatalf("v %d outside -2..2", v)
			}
			seenV[v] = true
			if f := c.Cols[2].F64[i]; f < 1.5 || f >= 2.5 {
				t.Fatalf("f %v outside [1.5, 2.5)", f)
			}
			if s := c.Cols[3].Str[i]; len(s) != 7 || strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "" {
				t.Fatalf("s %q: want 7 alphanumerics", s)
			}
			seenB[c.Cols[4].I64[i]] = true
		}
	}
	if len(seenV) != 5 || len(seenB) != 2 {
		t.Fatalf("%d rows, %d distinct v (want 5), %d distinct b (want 2)", n, len(seenV), len(seenB))
	}
}

// Reopening at an offset continues exactly where the offset says: the
// same rows as an uninterrupted read.
func TestResumeFromOffset(t *testing.T) {
	s := spec(map[string]string{"fields.id.kind": "sequence", "fields.v.seed": "3", "datagen.rows.per.second": "1000000"},
		col("id", types.TInt8), col("v", types.TInt4), col("name", types.TText))
	r, _ := open(context.Background(), s, nil)
	all, _ := read(t, r, 5000)
	r2, _ := open(context.Background(), s, nil)
	head, offs := read(t, r2, 1)
	r3, err := open(context.Background(), s, offs[0])
	if err != nil {
		t.Fatal(err)
	}
	tail, _ := read(t, r3, len(all)-len(head))
	got := append(head, tail...)
	for i := range all {
		if i >= len(got) || got[i] != all[i] {
			t.Fatalf("row %d after resume: %q, want %q", i, got[i], all[i])
		}
	}
	if rows, errs, _ := s.Stats.Snapshot(); rows < int64(len(all)) || errs != 0 {
		t.Fatalf("stats: %d rows, %d errors", rows, errs)
	}
}

// A finished sequence ends the source: Next waits for the context.
func TestSequenceEnds(t *testing.T) {
	s := spec(map[string]string{"fields.id.kind": "sequence", "fields.id.start": "1", "fields.id.end": "10", "datagen.rows.per.second": "100000"},
		col("id", types.TInt4))
	r, _ := open(context.Background(), s, nil)
	rows, _ := read(t, r, 10)
	if len(rows) != 10 {
		t.Fatalf("%d rows, want 10", len(rows))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if c, _, err := r.Next(ctx); err == nil || c != nil {
		t.Fatalf("after the end: chunk %v, err %v", c, err)
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		with map[string]string
		col  connectors.Column
		want string
	}{
		{map[string]string{"fields.x.kind": "spiral"}, col("x", types.TInt4), "want sequence or random"},
		{map[string]string{"fields.x.min": "5", "fields.x.max": "1"}, col("x", types.TInt4), "max (1) is below min (5)"},
		{map[string]string{"fields.x.kind": "sequence", "fields.x.start": "10", "fields.x.end": "1"}, col("x", types.TInt4), "end is before its start"},
		{map[string]string{"fields.x.kind": "sequence", "fields.x.end": "40000"}, col("x", types.TInt2), "out of range for type smallint"},
		{map[string]string{"fields.x.kind": "sequence"}, col("x", types.TBool), "cannot be a sequence"},
		{map[string]string{"fields.x.max_past": "yesterday"}, col("x", types.TTimestamptz), "max_past"},
		{map[string]string{"datagen.rows.per.second": "0"}, col("x", types.TInt4), "must be positive"},
		{map[string]string{"fields.y.kind": "random"}, col("x", types.TInt4), `unknown option "fields.y.kind"`},
		{nil, col("x", types.TJsonb), "jsonb"},
		{nil, connectors.Column{Name: "p", Type: types.TVarchar, Include: "PARTITION"}, "no partition to INCLUDE"},
	} {
		err := parseErr(spec(tc.with, tc.col))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v %v: error %v, want one containing %q", tc.with, tc.col, err, tc.want)
		}
	}
	if err := parseErr(spec(map[string]string{"fields.ts.max_past": "2 hours", "fields.ts.max_past_mode": "relative"}, col("ts", types.TTimestamp))); err != nil {
		t.Errorf("valid options: %v", err)
	}
}

func parseErr(s *connectors.Spec) error {
	_, err := parse(s)
	return err
}
