package slt

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Kind is the kind of a record.
type Kind uint8

const (
	// Statement is a `statement ok|count N|error [pattern]` record.
	Statement Kind = iota
	// Query is a `query <types> [sort]` or `query error [pattern]` record.
	Query
	// Halt ends the file for the engines it applies to.
	Halt
)

// SortMode says how a query's rows are ordered before comparison.
type SortMode uint8

const (
	// NoSort compares rows in the order the server returned them.
	NoSort SortMode = iota
	// RowSort sorts expected and actual rows (as whole lines).
	RowSort
	// ValueSort sorts all values of the result; one value per line.
	ValueSort
)

var sortModes = map[string]SortMode{"nosort": NoSort, "rowsort": RowSort, "valuesort": ValueSort}

func (m SortMode) String() string {
	for k, v := range sortModes {
		if v == m {
			return k
		}
	}
	return "SortMode(" + strconv.Itoa(int(m)) + ")"
}

// Condition is a `skipif <engine>` (Only false) or `onlyif <engine>`
// (Only true) line before a record.
type Condition struct {
	Only   bool
	Engine string
}

// ErrorPattern is what an expected error must look like. The zero value
// matches any error.
type ErrorPattern struct {
	// Code, when not empty, must equal the error's SQLSTATE.
	Code string
	// Message, when not nil, must match the error's message.
	Message *regexp.Regexp
}

// Record is one test case of a file.
type Record struct {
	Kind Kind
	// Line is the 1-based line of the record's keyword (statement, query
	// or halt) in the file.
	Line int
	// Conditions are the skipif/onlyif lines before the record.
	Conditions []Condition
	// SQL is the statement text, lines joined by newlines.
	SQL string

	// ExpectError is set by `statement error` and `query error`; Error
	// then says which errors match.
	ExpectError bool
	Error       ErrorPattern
	// Count is the affected-row count `statement count N` expects, or -1.
	Count int64

	// Types holds the query's column letters; Sort its sort mode.
	Types string
	Sort  SortMode
	// Expected holds the expected result lines of a query, as written.
	Expected []string
	// Retry and Backoff (`query I retry 5 backoff 1s`): a query whose
	// result does not match yet runs again, up to Retry more times,
	// Backoff apart (for results that arrive from a stream).
	Retry   int
	Backoff time.Duration

	// sqlEnd is the 0-based index of the line after the SQL; sep that of
	// the ---- line or -1; resEnd that of the line after the results.
	sqlEnd, sep, resEnd int
}

// Skip reports whether the record's conditions exclude engine.
func (r *Record) Skip(engine string) bool {
	for _, c := range r.Conditions {
		same := strings.EqualFold(c.Engine, engine)
		if c.Only != same {
			return true
		}
	}
	return false
}

// File is a parsed sqllogictest file.
type File struct {
	// Name is used in failure messages (usually the base name).
	Name string
	// Lines are the file's lines, without line terminators.
	Lines   []string
	Records []*Record
}

// sqlstateRE matches a SQLSTATE: five digits or capitals, at least one
// digit (every PostgreSQL error class has one).
var sqlstateRE = regexp.MustCompile(`^[0-9A-Z]{5}$`)

// ParseErrorPattern parses the pattern of `statement error <pattern>`.
func ParseErrorPattern(s string) (ErrorPattern, error) {
	s = strings.TrimSpace(s)
	var p ErrorPattern
	first, rest, _ := strings.Cut(s, " ")
	if sqlstateRE.MatchString(first) && strings.ContainsAny(first, "0123456789") {
		p.Code = first
		s = strings.TrimSpace(rest)
	}
	if s != "" {
		re, err := regexp.Compile(s)
		if err != nil {
			return p, fmt.Errorf("bad error pattern %q: %v", s, err)
		}
		p.Message = re
	}
	return p, nil
}

// Match reports whether an error with this SQLSTATE and message matches
// the pattern.
func (p ErrorPattern) Match(code, message string) bool {
	if p.Code != "" && p.Code != code {
		return false
	}
	return p.Message == nil || p.Message.MatchString(message)
}

// String returns the pattern as written in a file.
func (p ErrorPattern) String() string {
	var parts []string
	if p.Code != "" {
		parts = append(parts, p.Code)
	}
	if p.Message != nil {
		parts = append(parts, p.Message.String())
	}
	return strings.Join(parts, " ")
}

// Parse parses a sqllogictest file; name is used in error messages.
func Parse(name string, src []byte) (*File, error) {
	text := strings.ReplaceAll(string(src), "\r\n", "\n")
	text = strings.TrimSuffix(text, "\n")
	f := &File{Name: name}
	if text != "" {
		f.Lines = strings.Split(text, "\n")
	}
	lines := f.Lines
	errf := func(i int, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", name, i+1, fmt.Sprintf(format, args...))
	}
	blank := func(i int) bool { return strings.TrimSpace(lines[i]) == "" }
	// sqlBlock reads SQL lines from i up to a blank line, EOF or (for
	// queries) a ---- line.
	sqlBlock := func(i int, query bool) (string, int) {
		start := i
		for i < len(lines) && !blank(i) && !(query && strings.TrimSpace(lines[i]) == "----") {
			i++
		}
		return strings.Join(lines[start:i], "\n"), i
	}

	var conds []Condition
	for i := 0; i < len(lines); {
		line := strings.TrimSpace(lines[i])
		if line == "" || strings.HasPrefix(line, "#") {
			i++
			continue
		}
		fields := strings.Fields(line)
		switch fields[0] {
		case "skipif", "onlyif":
			if len(fields) < 2 {
				return nil, errf(i, "%s needs an engine name", fields[0])
			}
			// Anything after the engine name is a comment.
			conds = append(conds, Condition{Only: fields[0] == "onlyif", Engine: strings.ToLower(fields[1])})
			i++
			continue
		case "halt":
			f.Records = append(f.Records, &Record{Kind: Halt, Line: i + 1, Conditions: conds, Count: -1, sep: -1})
			conds = nil
			i++
			continue
		case "statement":
			r := &Record{Kind: Statement, Line: i + 1, Conditions: conds, Count: -1, sep: -1}
			conds = nil
			if len(fields) < 2 {
				return nil, errf(i, "statement needs ok, count or error")
			}
			switch fields[1] {
			case "ok":
				if len(fields) > 2 {
					return nil, errf(i, "unexpected %q after statement ok", strings.Join(fields[2:], " "))
				}
			case "count":
				if len(fields) != 3 {
					return nil, errf(i, "statement count needs one number")
				}
				n, err := strconv.ParseInt(fields[2], 10, 64)
				if err != nil || n < 0 {
					return nil, errf(i, "bad statement count %q", fields[2])
				}
				r.Count = n
			case "error":
				p, err := ParseErrorPattern(afterWords(line, 2))
				if err != nil {
					return nil, errf(i, "%v", err)
				}
				r.ExpectError, r.Error = true, p
			default:
				return nil, errf(i, "unknown statement mode %q", fields[1])
			}
			r.SQL, i = sqlBlock(i+1, false)
			if r.SQL == "" {
				return nil, errf(r.Line-1, "statement without SQL")
			}
			r.sqlEnd = i
			r.resEnd = i
			f.Records = append(f.Records, r)
		case "query":
			r := &Record{Kind: Query, Line: i + 1, Conditions: conds, Count: -1, sep: -1}
			conds = nil
			if len(fields) < 2 {
				return nil, errf(i, "query needs column types or error")
			}
			if fields[1] == "error" {
				p, err := ParseErrorPattern(afterWords(line, 2))
				if err != nil {
					return nil, errf(i, "%v", err)
				}
				r.ExpectError, r.Error = true, p
			} else {
				for _, c := range fields[1] {
					if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
						return nil, errf(i, "bad column types %q", fields[1])
					}
				}
				r.Types = fields[1]
				opts := fields[2:]
				for k := 0; k < len(opts); k++ {
					w := opts[k]
					if w == "retry" && k+3 < len(opts) && opts[k+2] == "backoff" {
						n, err := strconv.Atoi(opts[k+1])
						d, err2 := time.ParseDuration(opts[k+3])
						if err != nil || err2 != nil || n < 0 || d < 0 {
							return nil, errf(i, "bad retry %q backoff %q", opts[k+1], opts[k+3])
						}
						r.Retry, r.Backoff = n, d
						k += 3
						continue
					}
					m, ok := sortModes[w]
					if !ok {
						return nil, errf(i, "unknown query option %q", w)
					}
					r.Sort = m
				}
			}
			r.SQL, i = sqlBlock(i+1, true)
			if r.SQL == "" {
				return nil, errf(r.Line-1, "query without SQL")
			}
			r.sqlEnd = i
			if i < len(lines) && strings.TrimSpace(lines[i]) == "----" {
				if r.ExpectError {
					return nil, errf(i, "query error takes no results")
				}
				r.sep = i
				i++
				for i < len(lines) && !blank(i) {
					r.Expected = append(r.Expected, lines[i])
					i++
				}
			}
			r.resEnd = i
			f.Records = append(f.Records, r)
		default:
			return nil, errf(i, "unknown directive %q", fields[0])
		}
	}
	if len(conds) > 0 {
		return nil, fmt.Errorf("%s: skipif/onlyif at the end of the file", name)
	}
	return f, nil
}

// afterWords returns what follows the first n words of line, trimmed.
func afterWords(line string, n int) string {
	s := strings.TrimSpace(line)
	for ; n > 0; n-- {
		i := strings.IndexAny(s, " \t")
		if i < 0 {
			return ""
		}
		s = strings.TrimSpace(s[i:])
	}
	return s
}
