package differential

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// checkColumnTypes makes Compare require equal column type OIDs; turn
// it off to look past type differences at the values.
const checkColumnTypes = true

// Tolerance is the relative difference allowed between two doubles (and
// between values computed from aggregates of doubles).
const Tolerance = 1e-9

// null stands for SQL NULL among text values; PostgreSQL text cannot hold
// a NUL byte, so no real value equals it.
const null = "\x00"

// Result is what one server returned for one query.
type Result struct {
	// Types are the type OIDs of the columns.
	Types []uint32
	// Rows hold the values as text, NULL as a lone NUL byte.
	Rows [][]string
	// Err is set when the query failed; Code is then its SQLSTATE, or
	// "connection" when the server could not be reached.
	Err  error
	Code string
}

// Run executes sql through the simple query protocol and collects the
// rows of its (last) result.
func Run(ctx context.Context, conn *pgconn.PgConn, sql string) Result {
	var res Result
	mrr := conn.Exec(ctx, sql)
	for mrr.NextResult() {
		rr := mrr.ResultReader()
		res = Result{}
		for _, fd := range rr.FieldDescriptions() {
			res.Types = append(res.Types, fd.DataTypeOID)
		}
		for rr.NextRow() {
			vals := rr.Values()
			row := make([]string, len(vals))
			for i, v := range vals {
				if v == nil {
					row[i] = null
				} else {
					row[i] = string(v)
				}
			}
			res.Rows = append(res.Rows, row)
		}
		if _, err := rr.Close(); err != nil && res.Err == nil {
			res.Err = err
		}
	}
	if err := mrr.Close(); err != nil && res.Err == nil {
		res.Err = err
	}
	if res.Err != nil {
		res.Code = "connection"
		var pgErr *pgconn.PgError
		if errors.As(res.Err, &pgErr) {
			res.Code = pgErr.Code
		}
		res.Rows, res.Types = nil, nil
	}
	return res
}

const (
	oidFloat4   = 700
	oidFloat8   = 701
	oidNumeric  = 1700
	oidInterval = 1186
)

// Compare returns why got (Eddy's result) differs from want
// (PostgreSQL's) for q, or "" when they agree: both failed with one
// SQLSTATE, or both returned the same column types and the same rows, in
// order when q.Ordered and as multisets otherwise. Doubles, and the
// columns q marks fuzzy, compare numerically within Tolerance; all other
// values compare as text exactly.
func Compare(q Query, got, want Result) string {
	switch {
	case got.Err != nil && want.Err != nil:
		if got.Code != want.Code {
			return fmt.Sprintf("errors differ: eddy %s, postgres %s", errText(got.Err), errText(want.Err))
		}
		return ""
	case got.Err != nil:
		return "eddy failed, postgres did not: " + errText(got.Err)
	case want.Err != nil:
		return "postgres failed, eddy did not: " + errText(want.Err)
	}
	if len(got.Types) != len(want.Types) {
		return fmt.Sprintf("column counts differ: eddy %d, postgres %d", len(got.Types), len(want.Types))
	}
	if checkColumnTypes && !slices.Equal(got.Types, want.Types) {
		return fmt.Sprintf("column types differ: eddy %s, postgres %s", typeNames(got.Types), typeNames(want.Types))
	}
	fuzzy := make([]bool, len(want.Types))
	for i, oid := range want.Types {
		fuzzy[i] = oid == oidFloat4 || oid == oidFloat8 || (i < len(q.Fuzzy) && q.Fuzzy[i])
	}
	if q.Ordered {
		for i := 0; i < min(len(got.Rows), len(want.Rows)); {
			if equalRows(got.Rows[i], want.Rows[i], fuzzy) {
				i++
				continue
			}
			// Rows that tie in the sort (equal values printed apart, as
			// 1.0 and 1.00) may come in any order: compare the run of
			// ties as a multiset.
			key := tieKey(want.Rows[i], want.Types)
			jw, jg := i, i
			for jw < len(want.Rows) && tieKey(want.Rows[jw], want.Types) == key {
				jw++
			}
			for jg < len(got.Rows) && tieKey(got.Rows[jg], want.Types) == key {
				jg++
			}
			onlyGot, onlyWant := multisetDiff(got.Rows[i:jg], want.Rows[i:jw], fuzzy)
			if jw-i < 2 || len(onlyGot) > 0 || len(onlyWant) > 0 {
				return fmt.Sprintf("row %d differs:\n    eddy:     %s\n    postgres: %s", i+1, formatRow(got.Rows[i]), formatRow(want.Rows[i]))
			}
			i = jw
		}
		if len(got.Rows) != len(want.Rows) {
			return fmt.Sprintf("row counts differ: eddy %d, postgres %d", len(got.Rows), len(want.Rows))
		}
		return ""
	}
	onlyGot, onlyWant := multisetDiff(got.Rows, want.Rows, fuzzy)
	if len(onlyGot) == 0 && len(onlyWant) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "rows differ (eddy %d rows, postgres %d rows)", len(got.Rows), len(want.Rows))
	writeRows(&b, "only in eddy", onlyGot)
	writeRows(&b, "only in postgres", onlyWant)
	return b.String()
}

func errText(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code + " " + pgErr.Message
	}
	return err.Error()
}

var oidNames = map[uint32]string{
	16: "bool", 20: "int8", 21: "int2", 23: "int4", 25: "text", 700: "float4", 701: "float8",
	1043: "varchar", 1082: "date", 1114: "timestamp", 1184: "timestamptz", 1186: "interval",
	1700: "numeric", 705: "unknown",
}

func typeNames(oids []uint32) string {
	names := make([]string, len(oids))
	for i, o := range oids {
		if n, ok := oidNames[o]; ok {
			names[i] = n
		} else {
			names[i] = strconv.FormatUint(uint64(o), 10)
		}
	}
	return "(" + strings.Join(names, ", ") + ")"
}

// equalRows compares two rows value by value.
func equalRows(a, b []string, fuzzy []bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !equalValues(a[i], b[i], fuzzy[i]) {
			return false
		}
	}
	return true
}

// equalValues compares two text values. Fuzzy values are also equal
// when both are numbers within Tolerance of each other, or intervals of
// equal length ('1 day' = '24:00:00').
func equalValues(a, b string, fuzzy bool) bool {
	if a == b {
		return true
	}
	if !fuzzy || a == null || b == null {
		return false
	}
	x, err1 := strconv.ParseFloat(a, 64)
	y, err2 := strconv.ParseFloat(b, 64)
	if err1 == nil && err2 == nil {
		return closeEnough(x, y)
	}
	i, ok1 := intervalMicros(a)
	j, ok2 := intervalMicros(b)
	return ok1 && ok2 && i == j
}

// intervalMicros parses an interval as PostgreSQL prints it ("1 year -2
// mons 3 days 04:05:06.5") and returns its length in microseconds,
// counting a month as 30 days as PostgreSQL's comparisons do.
func intervalMicros(s string) (int64, bool) {
	f := strings.Fields(s)
	if len(f) == 0 {
		return 0, false
	}
	const day = 86400 * 1_000_000
	var total int64
	for i := 0; i < len(f); i++ {
		if strings.Contains(f[i], ":") {
			t := f[i]
			neg := strings.HasPrefix(t, "-")
			parts := strings.Split(strings.TrimLeft(t, "+-"), ":")
			if len(parts) != 3 {
				return 0, false
			}
			h, err1 := strconv.ParseInt(parts[0], 10, 64)
			m, err2 := strconv.ParseInt(parts[1], 10, 64)
			sec, err3 := strconv.ParseFloat(parts[2], 64)
			if err1 != nil || err2 != nil || err3 != nil {
				return 0, false
			}
			us := (h*3600+m*60)*1_000_000 + int64(math.Round(sec*1_000_000))
			if neg {
				us = -us
			}
			total += us
			continue
		}
		if i+1 == len(f) {
			return 0, false
		}
		n, err := strconv.ParseInt(f[i], 10, 64)
		if err != nil {
			return 0, false
		}
		switch strings.TrimSuffix(f[i+1], "s") {
		case "year":
			total += n * 12 * 30 * day
		case "mon":
			total += n * 30 * day
		case "day":
			total += n * day
		default:
			return 0, false
		}
		i++
	}
	return total, true
}

// closeEnough reports whether x and y differ by at most Tolerance
// relative to the larger; NaN equals NaN, and an infinity only itself.
func closeEnough(x, y float64) bool {
	switch {
	case math.IsNaN(x) || math.IsNaN(y):
		return math.IsNaN(x) && math.IsNaN(y)
	case math.IsInf(x, 0) || math.IsInf(y, 0):
		return x == y
	}
	return math.Abs(x-y) <= Tolerance*math.Max(math.Abs(x), math.Abs(y))
}

// tieKey returns a row with each value in a canonical form of its type,
// so that rows an ORDER BY cannot tell apart share it: numerics without
// trailing zeros, intervals as their length, doubles as their value.
func tieKey(row []string, types []uint32) string {
	var b strings.Builder
	for i, v := range row {
		if i > 0 {
			b.WriteByte(0x01)
		}
		if v != null && i < len(types) {
			switch types[i] {
			case oidNumeric:
				v = canonicalDecimal(v)
			case oidInterval:
				if us, ok := intervalMicros(v); ok {
					v = strconv.FormatInt(us, 10)
				}
			case oidFloat4, oidFloat8:
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					v = strconv.FormatFloat(f+0, 'g', -1, 64) // -0 ties with 0
				}
			}
		}
		b.WriteString(v)
	}
	return b.String()
}

// canonicalDecimal drops a decimal's trailing fractional zeros and the
// sign of zero: 1.500 -> 1.5, -0.00 -> 0.
func canonicalDecimal(v string) string {
	if strings.Contains(v, ".") {
		v = strings.TrimRight(v, "0")
		v = strings.TrimSuffix(v, ".")
	}
	if v == "-0" {
		v = "0"
	}
	return v
}

// rowKey is a row's sort key: the text of each value; fuzzy numbers
// rounded to fewer digits than Tolerance distinguishes, and fuzzy
// intervals as their length, so that rows equalRows finds equal mostly
// share a key.
func rowKey(row []string, fuzzy []bool) string {
	var b strings.Builder
	for i, v := range row {
		if i > 0 {
			b.WriteByte(0x01)
		}
		if fuzzy[i] && v != null {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				v = strconv.FormatFloat(f, 'e', 6, 64)
			} else if us, ok := intervalMicros(v); ok {
				v = "interval " + strconv.FormatInt(us, 10)
			}
		}
		b.WriteString(v)
	}
	return b.String()
}

// multisetDiff returns the rows of a that b lacks and those of b that a
// lacks, each row matching at most one row of the other side.
func multisetDiff(a, b [][]string, fuzzy []bool) (onlyA, onlyB [][]string) {
	type keyed struct {
		key string
		row []string
	}
	sortKeyed := func(rows [][]string) []keyed {
		out := make([]keyed, len(rows))
		for i, r := range rows {
			out[i] = keyed{rowKey(r, fuzzy), r}
		}
		slices.SortFunc(out, func(x, y keyed) int { return cmp.Compare(x.key, y.key) })
		return out
	}
	ka, kb := sortKeyed(a), sortKeyed(b)
	i, j := 0, 0
	for i < len(ka) && j < len(kb) {
		switch c := cmp.Compare(ka[i].key, kb[j].key); {
		case c == 0 && equalRows(ka[i].row, kb[j].row, fuzzy):
			i++
			j++
		case c <= 0:
			onlyA = append(onlyA, ka[i].row)
			i++
		default:
			onlyB = append(onlyB, kb[j].row)
			j++
		}
	}
	for ; i < len(ka); i++ {
		onlyA = append(onlyA, ka[i].row)
	}
	for ; j < len(kb); j++ {
		onlyB = append(onlyB, kb[j].row)
	}
	// Rows equal within the tolerance whose rounded keys differ.
	if len(onlyA) > 0 && len(onlyB) > 0 && len(onlyA)*len(onlyB) <= 1_000_000 && slices.Contains(fuzzy, true) {
		var restA [][]string
		used := make([]bool, len(onlyB))
	next:
		for _, ra := range onlyA {
			for k, rb := range onlyB {
				if !used[k] && equalRows(ra, rb, fuzzy) {
					used[k] = true
					continue next
				}
			}
			restA = append(restA, ra)
		}
		var restB [][]string
		for k, rb := range onlyB {
			if !used[k] {
				restB = append(restB, rb)
			}
		}
		onlyA, onlyB = restA, restB
	}
	return onlyA, onlyB
}

// formatRow renders a row for a report: values separated by " | ", NULL
// as NULL and text quoted when it is empty or has surrounding blanks.
func formatRow(row []string) string {
	vals := make([]string, len(row))
	for i, v := range row {
		switch {
		case v == null:
			vals[i] = "NULL"
		case v == "" || strings.TrimSpace(v) != v || v == "NULL" || strings.ContainsAny(v, "\n\t\r"):
			vals[i] = strconv.Quote(v)
		default:
			vals[i] = v
		}
	}
	return strings.Join(vals, " | ")
}

// maxReportRows bounds the rows a report shows per list.
const maxReportRows = 8

func writeRows(b *strings.Builder, title string, rows [][]string) {
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(b, "\n    %s (%d):", title, len(rows))
	for i, r := range rows {
		if i == maxReportRows {
			fmt.Fprintf(b, "\n      ... %d more", len(rows)-i)
			break
		}
		b.WriteString("\n      " + formatRow(r))
	}
}

// Describe renders the first rows of a result (or its error) for a
// report.
func Describe(r Result) string {
	if r.Err != nil {
		return "error " + errText(r.Err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d rows %s", len(r.Rows), typeNames(r.Types))
	for i, row := range r.Rows {
		if i == maxReportRows {
			fmt.Fprintf(&b, "\n      ... %d more", len(r.Rows)-i)
			break
		}
		b.WriteString("\n      " + formatRow(row))
	}
	return b.String()
}
