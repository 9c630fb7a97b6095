package slt

import "strings"

// Rewrite returns the text of f with the expected results of every query
// record in actual replaced by the actual ones. Everything else (records
// that were skipped or failed with an error, comments, blank lines) is
// kept as written. A query written without a ---- line gets one.
func Rewrite(f *File, actual map[*Record][]string) []byte {
	var out []string
	next := 0 // first line of f.Lines not yet copied
	for _, rec := range f.Records {
		rows, ok := actual[rec]
		if rec.Kind != Query || !ok {
			continue
		}
		out = append(out, f.Lines[next:rec.sqlEnd]...)
		out = append(out, "----")
		out = append(out, rows...)
		next = rec.resEnd
	}
	out = append(out, f.Lines[next:]...)
	if len(out) == 0 {
		return nil
	}
	return []byte(strings.Join(out, "\n") + "\n")
}
