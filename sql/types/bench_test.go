package types

import (
	"testing"
	"time"
)

func BenchmarkAppendText(b *testing.B) {
	ny, _ := time.LoadLocation("America/New_York")
	cases := []struct {
		name string
		d    Datum
		t    Type
		env  *Env
	}{
		{"int8", NewInt(-1234567890123), TInt8, nil},
		{"float8", NewFloat(1234.5678), TFloat8, nil},
		{"float4", NewFloat(float64(float32(0.1))), TFloat4, nil},
		{"text", NewString("hello world"), TText, nil},
		{"timestamptz-utc", NewTimestamptz(1795318669380540), TTimestamptz, nil},
		{"timestamptz-ny", NewTimestamptz(1795318669380540), TTimestamptz, &Env{Loc: ny, ExtraFloatDigits: 1}},
		{"timestamp", NewTimestamp(1795318669380540), TTimestamp, nil},
		{"date", NewDate(20414), TDate, nil},
		{"interval", NewInterval(IntervalValue{Months: 14, Days: 3, Micros: 14706700000}), TInterval, nil},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			buf := make([]byte, 0, 64)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				buf = AppendText(buf[:0], c.d, c.t, c.env)
			}
		})
	}
}

func BenchmarkParseText(b *testing.B) {
	cases := []struct {
		name, s string
		t       Type
	}{
		{"int8", "-1234567890123", TInt8},
		{"float8", "1234.5678", TFloat8},
		{"text", "hello world", TText},
		{"timestamptz", "2026-11-22 03:37:49.38054+00", TTimestamptz},
		{"timestamp", "2026-11-22 03:37:49.38054", TTimestamp},
		{"date", "2026-11-22", TDate},
		{"numeric", "12345.678", TNumeric},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := ParseText(c.s, c.t, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkBinary(b *testing.B) {
	d := NewTimestamptz(1795318669380540)
	buf := make([]byte, 0, 16)
	b.Run("append-timestamptz", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			buf, _ = AppendBinary(buf[:0], d, TTimestamptz)
		}
	})
	raw, _ := AppendBinary(nil, d, TTimestamptz)
	b.Run("decode-timestamptz", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := DecodeBinary(raw, TTimestamptz); err != nil {
				b.Fatal(err)
			}
		}
	})
}
