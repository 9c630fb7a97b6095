package differential

import (
	"fmt"
	"math/rand"
	"strconv"
	"strings"
	"time"
)

// typ is the SQL type of a column or an expression. The integer types are
// kept apart because PostgreSQL's result types depend on them (sum of an
// int is a bigint, of a bigint a numeric); varchar and text are one type.
type typ uint8

const (
	tInt2 typ = iota
	tInt4
	tInt8
	tNumeric
	tFloat
	tText
	tBool
	tDate
	tTimestamp
	tTimestamptz
	tInterval
	numTypes
)

var typNames = [numTypes]string{
	tInt2: "smallint", tInt4: "integer", tInt8: "bigint", tNumeric: "numeric",
	tFloat: "double precision", tText: "text", tBool: "boolean", tDate: "date",
	tTimestamp: "timestamp", tTimestamptz: "timestamptz", tInterval: "interval",
}

// String returns the type as PostgreSQL spells it.
func (t typ) String() string { return typNames[t] }

// isInt reports whether t is one of the integer types.
func (t typ) isInt() bool { return t <= tInt8 }

// isNumber reports whether t is an integer, numeric or float type.
func (t typ) isNumber() bool { return t <= tFloat }

// orderable reports whether min and max apply to t (PostgreSQL has no
// min(boolean)).
func (t typ) orderable() bool { return t != tBool }

// family groups the types that compare with each other without casts.
func (t typ) family() int {
	switch {
	case t.isNumber():
		return 0
	case t == tDate || t == tTimestamp:
		return 1 // dates compare with timestamps
	default:
		return int(t) + 10
	}
}

// wider returns the type PostgreSQL gives to a + b for numbers a and b.
func wider(a, b typ) typ {
	if a > b {
		return a
	}
	return b
}

// colDef is a column of a generated table.
type colDef struct {
	name    string
	typ     typ
	sqlType string // as written in CREATE TABLE
	pk      bool
	// nonFinite marks a double precision column that holds NaN and
	// infinities; the generator never casts it to another type.
	nonFinite bool
	gen       func(r *rand.Rand) string // a random non-NULL value as text
	nullPct   int                       // NULLs per hundred rows
}

// table is a generated table and, once filled, its rows.
type table struct {
	name  string
	short string // the alias prefix queries use
	cols  []*colDef
	rows  int  // how many rows to generate
	dups  bool // whether whole rows are repeated (tables without a key)
	data  [][]value
}

// value is one generated value: the text PostgreSQL accepts as input, or
// NULL.
type value struct {
	null bool
	s    string
}

func (t *table) col(name string) *colDef {
	for _, c := range t.cols {
		if c.name == name {
			return c
		}
	}
	panic("differential: no column " + t.name + "." + name)
}

func (t *table) colIndex(c *colDef) int {
	for i, cc := range t.cols {
		if cc == c {
			return i
		}
	}
	panic("differential: column not in table")
}

// pk returns the primary key columns (none for a table without a key).
func (t *table) pk() []*colDef {
	var out []*colDef
	for _, c := range t.cols {
		if c.pk {
			out = append(out, c)
		}
	}
	return out
}

// createSQL returns the CREATE TABLE statement; with varcharLength
// false, varchar columns lose their length.
func (t *table) createSQL(varcharLength bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE TABLE %s (", t.name)
	for i, c := range t.cols {
		if i > 0 {
			b.WriteString(", ")
		}
		typ := c.sqlType
		if !varcharLength && strings.HasPrefix(typ, "varchar(") {
			typ = "varchar"
		}
		fmt.Fprintf(&b, "%s %s", c.name, typ)
	}
	if pk := t.pk(); len(pk) > 0 {
		names := make([]string, len(pk))
		for i, c := range pk {
			names[i] = c.name
		}
		fmt.Fprintf(&b, ", PRIMARY KEY (%s)", strings.Join(names, ", "))
	}
	b.WriteString(")")
	return b.String()
}

// insertSQL returns multi-row INSERTs of the table's rows, batch rows each.
func (t *table) insertSQL(batch int) []string {
	var out []string
	for start := 0; start < len(t.data); start += batch {
		end := min(start+batch, len(t.data))
		var b strings.Builder
		fmt.Fprintf(&b, "INSERT INTO %s VALUES ", t.name)
		for i, row := range t.data[start:end] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for j, v := range row {
				if j > 0 {
					b.WriteString(", ")
				}
				if v.null {
					b.WriteString("NULL")
				} else if t.cols[j].typ.isNumber() && t.cols[j].typ != tFloat {
					b.WriteString(v.s)
				} else {
					b.WriteString(quote(v.s))
				}
			}
			b.WriteByte(')')
		}
		out = append(out, b.String())
	}
	return out
}

// quote returns s as an SQL string literal.
func quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// Value generators. Integers stay small enough that the expressions the
// generator builds (sums of a few terms, products with constants up to
// 100) cannot overflow their type; doubles are multiples of 1/8 so that
// sums are exact whatever the order of addition, with a few values that
// are not.

func intIn(lo, hi int64) func(*rand.Rand) string {
	return func(r *rand.Rand) string { return strconv.FormatInt(lo+r.Int63n(hi-lo+1), 10) }
}

// intMix draws mostly from small, then from wide.
func intMix(small, wide int64) func(*rand.Rand) string {
	return func(r *rand.Rand) string {
		if r.Intn(4) > 0 {
			return strconv.FormatInt(r.Int63n(2*small+1)-small, 10)
		}
		return strconv.FormatInt(r.Int63n(2*wide+1)-wide, 10)
	}
}

// numericGen returns numeric(12,3) values up to 999999.999 in magnitude,
// many with trailing zeros and repeated.
func numericGen(r *rand.Rand) string {
	var k int64
	switch r.Intn(5) {
	case 0:
		k = (r.Int63n(41) - 20) * 250 // -5.000 .. 5.000 in quarters
	case 1:
		k = (r.Int63n(2001) - 1000) * 1000 // whole numbers
	case 2:
		k = r.Int63n(2_000_000_000) - 1_000_000_000 + 1 // |k| < 1e9
	default:
		k = r.Int63n(200_001) - 100_000
	}
	neg := k < 0
	if neg {
		k = -k
	}
	s := fmt.Sprintf("%d.%03d", k/1000, k%1000)
	if neg {
		s = "-" + s
	}
	return s
}

// floatGen returns doubles: multiples of 1/8 up to 1e6 in magnitude,
// sometimes one of a few decimal fractions; with special, also NaN and
// the infinities.
func floatGen(special bool) func(*rand.Rand) string {
	odd := []string{"0.1", "-0.3", "3.14159", "1e-05", "2.5e-07", "123456.789", "-0.7", "1.7"}
	return func(r *rand.Rand) string {
		n := r.Intn(100)
		switch {
		case special && n < 3:
			return []string{"NaN", "Infinity", "-Infinity"}[n]
		case n < 10:
			return odd[r.Intn(len(odd))]
		case n < 50:
			return strconv.FormatFloat(float64(r.Int63n(161)-80)/8, 'g', -1, 64)
		}
		return strconv.FormatFloat(float64(r.Int63n(16_000_001)-8_000_000)/8, 'g', -1, 64)
	}
}

var words = []string{
	"alpha", "beta", "Gamma", "delta", "EPSILON", "zeta", "eta", "theta", "iota", "kappa",
	"lambda", "Mu", "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon",
	"héllo", "Ünïcödé", "日本語", "naïve", "façade", "Ωmega", "emoji🙂", "ß", "çà",
	"O'Reilly", "50%_off", "under_score", "a b", "", "tab\there", "line\nbreak",
}

func wordGen(maxWords int, spaces bool) func(*rand.Rand) string {
	return func(r *rand.Rand) string {
		n := 1 + r.Intn(maxWords)
		parts := make([]string, n)
		for i := range parts {
			parts[i] = words[r.Intn(len(words))]
		}
		s := strings.Join(parts, " ")
		if spaces && r.Intn(6) == 0 {
			s = "  " + s + " "
		}
		return s
	}
}

var epoch = time.Date(1995, 1, 1, 0, 0, 0, 0, time.UTC)

const spanDays = 36 * 365

func dateGen(r *rand.Rand) string {
	return epoch.AddDate(0, 0, r.Intn(spanDays)).Format("2006-01-02")
}

func timestampOf(r *rand.Rand) time.Time {
	t := epoch.AddDate(0, 0, r.Intn(spanDays)).Add(time.Duration(r.Int63n(86400)) * time.Second)
	switch r.Intn(4) {
	case 0:
		t = t.Add(time.Duration(r.Int63n(1_000_000)) * time.Microsecond)
	case 1:
		t = t.Truncate(time.Hour)
	}
	return t
}

func timestampGen(r *rand.Rand) string {
	return timestampOf(r).Format("2006-01-02 15:04:05.999999")
}

// timestamptzGen writes the instant with a random UTC offset.
func timestamptzGen(r *rand.Rand) string {
	offsets := []int{0, 0, 2 * 3600, -5 * 3600, 5*3600 + 1800, 9 * 3600}
	off := offsets[r.Intn(len(offsets))]
	t := timestampOf(r).In(time.FixedZone("", off))
	return t.Format("2006-01-02 15:04:05.999999-07:00")
}

// intervalGen writes intervals whose fields share one sign and stay in
// their natural ranges (days < 30, time < 24h), so that no two distinct
// texts denote equal intervals.
func intervalGen(r *rand.Rand) string {
	sign := ""
	if r.Intn(4) == 0 {
		sign = "-"
	}
	var parts []string
	if r.Intn(3) == 0 {
		parts = append(parts, fmt.Sprintf("%s%d years", sign, r.Intn(3)))
	}
	if r.Intn(3) == 0 {
		parts = append(parts, fmt.Sprintf("%s%d mons", sign, r.Intn(12)))
	}
	if r.Intn(2) == 0 {
		parts = append(parts, fmt.Sprintf("%s%d days", sign, r.Intn(30)))
	}
	if r.Intn(2) == 0 || len(parts) == 0 {
		h, m, s := r.Intn(24), r.Intn(60), r.Intn(60)
		tm := fmt.Sprintf("%s%02d:%02d:%02d", sign, h, m, s)
		if r.Intn(4) == 0 {
			tm += fmt.Sprintf(".%06d", r.Intn(1_000_000))
		}
		parts = append(parts, tm)
	}
	return strings.Join(parts, " ")
}

func boolGen(r *rand.Rand) string {
	if r.Intn(2) == 0 {
		return "true"
	}
	return "false"
}

// codeGen returns short codes, mostly ASCII, some not, one empty.
func codeGen(r *rand.Rand) string {
	if r.Intn(40) == 0 {
		return ""
	}
	prefixes := []string{"A", "B", "C", "x", "Ω", "é", "z_"}
	return fmt.Sprintf("%s%d", prefixes[r.Intn(len(prefixes))], r.Intn(60))
}

// dataset is the schema and the data the test loads into both servers.
type dataset struct {
	tables []*table
	edges  []edge
}

// edge is a pair of columns it makes sense to join on: equal types and
// overlapping values, with a bounded number of matches per row.
type edge struct {
	a, b       *table
	acol, bcol []*colDef
}

// newDataset builds the schema and fills it from r. specialFloats puts
// NaN and the infinities into logs.val.
func newDataset(r *rand.Rand, specialFloats bool) *dataset {
	items := &table{name: "items", short: "i", rows: 700, cols: []*colDef{
		{name: "id", typ: tInt4, sqlType: "integer", pk: true},
		{name: "grp", typ: tInt2, sqlType: "smallint", gen: intIn(-5, 40), nullPct: 10},
		{name: "qty", typ: tInt4, sqlType: "integer", gen: intMix(100, 1_000_000), nullPct: 10},
		{name: "big", typ: tInt8, sqlType: "bigint", gen: intMix(1000, 1_000_000_000_000_000), nullPct: 10},
		{name: "price", typ: tNumeric, sqlType: "numeric(12,3)", gen: numericGen, nullPct: 10},
		{name: "score", typ: tFloat, sqlType: "double precision", gen: floatGen(false), nullPct: 10},
		{name: "name", typ: tText, sqlType: "varchar(60)", gen: wordGen(2, false), nullPct: 8},
		{name: "note", typ: tText, sqlType: "text", gen: wordGen(4, true), nullPct: 15},
		{name: "flag", typ: tBool, sqlType: "boolean", gen: boolGen, nullPct: 10},
		{name: "d", typ: tDate, sqlType: "date", gen: dateGen, nullPct: 10},
		{name: "ts", typ: tTimestamp, sqlType: "timestamp", gen: timestampGen, nullPct: 10},
		{name: "tstz", typ: tTimestamptz, sqlType: "timestamptz", gen: timestamptzGen, nullPct: 10},
		{name: "dur", typ: tInterval, sqlType: "interval", gen: intervalGen, nullPct: 10},
	}}
	events := &table{name: "events", short: "e", rows: 1000, cols: []*colDef{
		{name: "uid", typ: tInt8, sqlType: "bigint", pk: true},
		{name: "seq", typ: tInt4, sqlType: "integer", pk: true},
		{name: "kind", typ: tText, sqlType: "varchar(8)", nullPct: 5},
		{name: "amount", typ: tNumeric, sqlType: "numeric(12,3)", gen: numericGen, nullPct: 10},
		{name: "ratio", typ: tFloat, sqlType: "double precision", gen: floatGen(false), nullPct: 10},
		{name: "at", typ: tTimestamptz, sqlType: "timestamptz", gen: timestamptzGen, nullPct: 5},
		{name: "day", typ: tDate, sqlType: "date", gen: dateGen, nullPct: 10},
		{name: "ok", typ: tBool, sqlType: "boolean", gen: boolGen, nullPct: 20},
		{name: "tag", typ: tText, sqlType: "text", gen: wordGen(1, true), nullPct: 10},
	}}
	dims := &table{name: "dims", short: "d", rows: 120, cols: []*colDef{
		{name: "code", typ: tText, sqlType: "varchar(8)", pk: true},
		{name: "label", typ: tText, sqlType: "text", gen: wordGen(2, false), nullPct: 10},
		{name: "weight", typ: tInt2, sqlType: "smallint", gen: intIn(-5, 40), nullPct: 10},
		{name: "since", typ: tDate, sqlType: "date", gen: dateGen, nullPct: 10},
		{name: "span", typ: tInterval, sqlType: "interval", gen: intervalGen, nullPct: 10},
		{name: "rate", typ: tNumeric, sqlType: "numeric(12,3)", gen: numericGen, nullPct: 10},
	}}
	logs := &table{name: "logs", short: "l", rows: 900, dups: true, cols: []*colDef{
		{name: "item_id", typ: tInt4, sqlType: "integer", nullPct: 5},
		{name: "uid", typ: tInt8, sqlType: "bigint", nullPct: 5},
		{name: "lvl", typ: tInt2, sqlType: "smallint", gen: intIn(0, 7), nullPct: 5},
		{name: "msg", typ: tText, sqlType: "text", gen: wordGen(3, true), nullPct: 10},
		{name: "val", typ: tFloat, sqlType: "double precision", gen: floatGen(specialFloats), nullPct: 10, nonFinite: specialFloats},
		{name: "t", typ: tTimestamp, sqlType: "timestamp", gen: timestampGen, nullPct: 10},
		{name: "amt", typ: tNumeric, sqlType: "numeric(12,3)", gen: numericGen, nullPct: 10},
	}}
	ds := &dataset{tables: []*table{items, events, dims, logs}}

	// dims first: its codes are what events.kind refers to.
	fill(r, dims, func(row []value, seen map[string]bool) {
		for {
			c := codeGen(r)
			if !seen[c] {
				seen[c] = true
				row[0] = value{s: c}
				return
			}
		}
	})
	fill(r, items, func(row []value, seen map[string]bool) {
		for {
			id := strconv.Itoa(r.Intn(1050) - 50)
			if !seen[id] {
				seen[id] = true
				row[0] = value{s: id}
				return
			}
		}
	})
	codes := column(dims, "code")
	events.col("kind").gen = func(r *rand.Rand) string {
		if r.Intn(5) == 0 {
			return codeGen(r)
		}
		return codes[r.Intn(len(codes))]
	}
	fill(r, events, func(row []value, seen map[string]bool) {
		for {
			uid, seq := strconv.Itoa(1+r.Intn(250)), strconv.Itoa(1+r.Intn(20))
			if !seen[uid+"/"+seq] {
				seen[uid+"/"+seq] = true
				row[0], row[1] = value{s: uid}, value{s: seq}
				return
			}
		}
	})
	ids := column(items, "id")
	logs.col("item_id").gen = func(r *rand.Rand) string {
		if r.Intn(8) == 0 {
			return strconv.Itoa(r.Intn(1400) - 100)
		}
		return ids[r.Intn(len(ids))]
	}
	logs.col("uid").gen = func(r *rand.Rand) string {
		return strconv.Itoa(1 + r.Intn(275)) // some match no event
	}
	fill(r, logs, nil)

	ds.edges = []edge{
		{a: items, acol: []*colDef{items.col("id")}, b: logs, bcol: []*colDef{logs.col("item_id")}},
		{a: events, acol: []*colDef{events.col("uid")}, b: logs, bcol: []*colDef{logs.col("uid")}},
		{a: items, acol: []*colDef{items.col("grp")}, b: dims, bcol: []*colDef{dims.col("weight")}},
		{a: events, acol: []*colDef{events.col("kind")}, b: dims, bcol: []*colDef{dims.col("code")}},
		{a: items, acol: []*colDef{items.col("id")}, b: events, bcol: []*colDef{events.col("seq")}},
		{a: items, acol: []*colDef{items.col("d")}, b: events, bcol: []*colDef{events.col("day")}},
		// Self joins on the keys, the composite one included.
		{a: items, acol: []*colDef{items.col("id")}, b: items, bcol: []*colDef{items.col("id")}},
		{a: events, acol: []*colDef{events.col("uid"), events.col("seq")}, b: events, bcol: []*colDef{events.col("uid"), events.col("seq")}},
		{a: dims, acol: []*colDef{dims.col("code")}, b: dims, bcol: []*colDef{dims.col("code")}},
	}
	return ds
}

// fill generates t.rows rows; key, when not nil, sets the key columns of
// a row to values not used before.
func fill(r *rand.Rand, t *table, key func(row []value, seen map[string]bool)) {
	seen := map[string]bool{}
	for len(t.data) < t.rows {
		if t.dups && len(t.data) > 0 && r.Intn(10) == 0 {
			t.data = append(t.data, t.data[r.Intn(len(t.data))])
			continue
		}
		row := make([]value, len(t.cols))
		if key != nil {
			key(row, seen)
		}
		for i, c := range t.cols {
			if c.pk {
				continue
			}
			if r.Intn(100) < c.nullPct {
				row[i] = value{null: true}
				continue
			}
			if len(t.data) > 0 && r.Intn(100) < 8 {
				// Repeat a value of an earlier row.
				row[i] = t.data[r.Intn(len(t.data))][i]
				continue
			}
			row[i] = value{s: c.gen(r)}
		}
		t.data = append(t.data, row)
	}
}

// column returns the non-NULL values of a column.
func column(t *table, name string) []string {
	i := t.colIndex(t.col(name))
	var out []string
	for _, row := range t.data {
		if !row[i].null {
			out = append(out, row[i].s)
		}
	}
	return out
}

// sample returns a random non-NULL value of column c of t, or false when
// the column has none.
func (t *table) sample(r *rand.Rand, c *colDef) (string, bool) {
	i := t.colIndex(c)
	for range 20 {
		v := t.data[r.Intn(len(t.data))][i]
		if !v.null {
			return v.s, true
		}
	}
	return "", false
}

// setupSQL returns the statements that create and fill the schema.
func (ds *dataset) setupSQL() []string {
	var out []string
	for _, t := range ds.tables {
		out = append(out, t.createSQL(genVarcharLength))
	}
	for _, t := range ds.tables {
		out = append(out, t.insertSQL(250)...)
	}
	return out
}
