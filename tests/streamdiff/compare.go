package streamdiff

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

// Tolerance is the relative difference allowed between two doubles.
const Tolerance = 1e-9

// Null stands for SQL NULL among the text values of a Result; PostgreSQL
// text cannot hold a NUL byte, so no real value equals it.
const Null = "\x00"

// Type OIDs of the columns that compare numerically within Tolerance.
const (
	oidFloat4 = 700
	oidFloat8 = 701
)

// Result is what one server returned for one query.
type Result struct {
	// Types are the type OIDs of the columns.
	Types []uint32
	// Rows hold the values in text format, NULL as Null.
	Rows [][]string
	// Err is set when the query failed.
	Err error
}

// Run executes sql through the simple query protocol and collects the
// rows of its last result. A failure is returned in Result.Err, never
// as a panic.
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
					row[i] = Null
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
		res.Rows, res.Types = nil, nil
	}
	return res
}

// ErrText renders an error with its SQLSTATE when it has one.
func ErrText(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code + " " + pgErr.Message
	}
	return err.Error()
}

// Diff returns "" when a and b hold the same rows as multisets (and the
// same column types), or a report of how they differ, naming the two
// sides nameA and nameB. Doubles (float4 and float8 columns) compare
// within Tolerance, NaN equal to NaN; all other values compare as text
// exactly. A failed query differs from everything.
func Diff(nameA string, a Result, nameB string, b Result) string {
	switch {
	case a.Err != nil && b.Err != nil:
		return fmt.Sprintf("both failed: %s: %s; %s: %s", nameA, ErrText(a.Err), nameB, ErrText(b.Err))
	case a.Err != nil:
		return fmt.Sprintf("%s failed: %s", nameA, ErrText(a.Err))
	case b.Err != nil:
		return fmt.Sprintf("%s failed: %s", nameB, ErrText(b.Err))
	}
	if len(a.Types) != len(b.Types) {
		return fmt.Sprintf("column counts differ: %s %d, %s %d", nameA, len(a.Types), nameB, len(b.Types))
	}
	if !slices.Equal(a.Types, b.Types) {
		return fmt.Sprintf("column types differ: %s %v, %s %v", nameA, a.Types, nameB, b.Types)
	}
	fuzzy := make([]bool, len(a.Types))
	for i, oid := range a.Types {
		fuzzy[i] = oid == oidFloat4 || oid == oidFloat8
	}
	onlyA, onlyB := multisetDiff(a.Rows, b.Rows, fuzzy)
	if len(onlyA) == 0 && len(onlyB) == 0 {
		return ""
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "rows differ (%s %d rows, %s %d rows)", nameA, len(a.Rows), nameB, len(b.Rows))
	writeRows(&sb, "only in "+nameA, onlyA)
	writeRows(&sb, "only in "+nameB, onlyB)
	return sb.String()
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

// equalValues compares two text values, numerically within Tolerance
// when fuzzy and both parse as floats.
func equalValues(a, b string, fuzzy bool) bool {
	if a == b {
		return true
	}
	if !fuzzy || a == Null || b == Null {
		return false
	}
	x, err1 := strconv.ParseFloat(a, 64)
	y, err2 := strconv.ParseFloat(b, 64)
	if err1 != nil || err2 != nil {
		return false
	}
	return closeEnough(x, y)
}

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

// rowKey is a row's sort key: its values' text, doubles rounded to fewer
// digits than Tolerance distinguishes, so rows equal within it mostly
// sort together.
func rowKey(row []string, fuzzy []bool) string {
	var sb strings.Builder
	for i, v := range row {
		if i > 0 {
			sb.WriteByte(0x01)
		}
		if fuzzy[i] && v != Null {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				v = strconv.FormatFloat(f, 'e', 6, 64)
			}
		}
		sb.WriteString(v)
	}
	return sb.String()
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
		used := make([]bool, len(onlyB))
		var restA [][]string
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

// FormatRow renders a row for a report: values separated by " | ", NULL
// as NULL, and text quoted when empty, blank-padded or spelled NULL.
func FormatRow(row []string) string {
	vals := make([]string, len(row))
	for i, v := range row {
		switch {
		case v == Null:
			vals[i] = "NULL"
		case v == "" || strings.TrimSpace(v) != v || v == "NULL":
			vals[i] = strconv.Quote(v)
		default:
			vals[i] = v
		}
	}
	return strings.Join(vals, " | ")
}

// maxReportRows bounds the rows a report lists per side.
const maxReportRows = 10

func writeRows(sb *strings.Builder, title string, rows [][]string) {
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(sb, "\n    %s (%d):", title, len(rows))
	for i, r := range rows {
		if i == maxReportRows {
			fmt.Fprintf(sb, "\n      ... %d more", len(rows)-i)
			break
		}
		sb.WriteString("\n      " + FormatRow(r))
	}
}
