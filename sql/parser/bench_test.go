package parser

import "testing"

// BenchmarkParsePointSelect measures the serving path's parse of a point
// query on a view's key.
func BenchmarkParsePointSelect(b *testing.B) {
	const q = "SELECT window_start, auction, num FROM hot_items WHERE auction = 1007"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(q); err != nil {
			b.Fatal(err)
		}
	}
}
