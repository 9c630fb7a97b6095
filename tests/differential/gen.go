package differential

import (
	"fmt"
	"math/rand"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Generator switches. Each turns one family of constructs on; a construct
// Eddy gets wrong stays on, so that the test fails until it is fixed, and
// can be turned off here to look past it.
const (
	// genCaseFolding generates lower, upper, initcap and ILIKE. Under the
	// C locale PostgreSQL changes the case of ASCII letters only.
	genCaseFolding = true
	// genSpecialFloats puts NaN, Infinity and -Infinity into logs.val.
	genSpecialFloats = true
	// genJoins generates joins of two or three relations.
	genJoins = true
	// genNonEquiJoins generates band joins (BETWEEN) and equality joins
	// with an extra inequality in ON.
	genNonEquiJoins = true
	// genFullJoins generates FULL joins (RIGHT and LEFT stay on with
	// genJoins).
	genFullJoins = true
	// genSubqueries generates EXISTS, IN and scalar subqueries, correlated
	// or not.
	genSubqueries = true
	// genNestedSubqueries generates subqueries inside subqueries, which
	// may refer to every level around them.
	genNestedSubqueries = true
	// genGroupedSubqueries generates subqueries in the select list and
	// HAVING of a grouping query that refer to its grouping columns.
	genGroupedSubqueries = true
	// genDerivedTables generates subqueries in FROM.
	genDerivedTables = true
	// genCTEs generates WITH queries.
	genCTEs = true
	// genSetOps generates UNION [ALL], INTERSECT [ALL] and EXCEPT [ALL].
	genSetOps = true
	// genAggregates generates GROUP BY, HAVING and aggregate functions.
	genAggregates = true
	// genDistinct generates SELECT DISTINCT and count(DISTINCT x).
	genDistinct = true
	// genOrderLimit generates total ORDER BYs, with LIMIT and OFFSET.
	genOrderLimit = true
	// genDateTime generates date, timestamp and interval arithmetic,
	// date_trunc and extract.
	genDateTime = true
	// genCasts generates CAST between types and to text.
	genCasts = true
	// genErrors generates queries that must fail on both servers.
	genErrors = true
	// genMoreFunctions generates string, math and date functions beyond
	// the basic ones (lpad, split_part, translate, sqrt, power, to_char,
	// ...) and the aggregates bool_and, bool_or, stddev, variance and
	// string_agg with ORDER BY.
	genMoreFunctions = true
	// genUsing generates JOIN ... USING (columns) where the join columns
	// share their names.
	genUsing = true
	// genValues generates VALUES lists as relations in FROM.
	genValues = true
	// genDistinctOn generates SELECT DISTINCT ON with a total ORDER BY.
	genDistinctOn = true
	// genVarcharLength declares the varchar columns with a length
	// (varchar(8), varchar(60)); without it they are plain varchar.
	genVarcharLength = true
)

// Query is one generated statement and how to compare its results.
type Query struct {
	SQL string
	// Ordered is set when the query orders by all its output columns, so
	// that the row order is determined and compared.
	Ordered bool
	// Fuzzy marks the output columns known only up to equality: computed
	// from aggregates of doubles (whose last bits depend on the order of
	// addition), or numerics and intervals out of DISTINCT, GROUP BY, set
	// operations, min and max, which may print any of several equal
	// values ('1.0' = '1.00', '1 day' = '24:00:00'). They compare
	// numerically, with a tolerance, or as interval lengths.
	Fuzzy []bool
	// ExpectError is set for queries written to fail; any other query that
	// PostgreSQL rejects as invalid is a fault of the generator.
	ExpectError bool
}

// Generator produces random SELECTs over the generated schema. The same
// seed always yields the same schema, data and queries.
type Generator struct {
	r  *rand.Rand
	ds *dataset

	// per query
	aliases int
	ctes    []*rel
	// orderScope is the scope of the last plain (ungrouped, not
	// DISTINCT) SELECT generated, whose ORDER BY may use any of its
	// columns; nil after any other SELECT.
	orderScope *scope
}

// NewGenerator returns a generator whose schema, data and queries all
// derive from seed.
func NewGenerator(seed int64) *Generator {
	r := rand.New(rand.NewSource(seed))
	ds := newDataset(r, genSpecialFloats)
	return &Generator{r: rand.New(rand.NewSource(seed ^ 0x5eed)), ds: ds}
}

// Setup returns the statements that create the tables and insert their
// rows; run them in order on both servers before the queries.
func (g *Generator) Setup() []string { return g.ds.setupSQL() }

// col is a column visible in a scope.
type col struct {
	qual, name string
	t          typ
	fuzzy      bool
	// tbl and base are set when the column holds the values of a base
	// table column unchanged (so its values can be sampled and it can be
	// joined along the schema's edges).
	tbl  *table
	base *colDef
}

func (c col) ref() string {
	if c.qual == "" {
		return c.name
	}
	return c.qual + "." + c.name
}

// rel is one item of a FROM clause.
type rel struct {
	sql   string // as written in FROM, with its alias
	alias string
	cols  []col
	tbl   *table // set for a base table
	// for CTEs: the name and the definition's output columns
	cteName string
}

// scope is what expressions of one query level may refer to.
type scope struct {
	rels []*rel
	cols []col
	// conds are join conditions of the comma form, for the WHERE clause.
	conds []string
}

func (sc *scope) add(r *rel) {
	sc.rels = append(sc.rels, r)
	sc.cols = append(sc.cols, r.cols...)
}

// ex is a generated expression and its type.
type ex struct {
	sql   string
	t     typ
	fuzzy bool
	col   *col // set when the expression is a plain column reference
}

// outCol is an output column of a generated SELECT.
type outCol struct {
	name  string
	t     typ
	fuzzy bool
	tbl   *table
	base  *colDef
}

// class maps the integer types onto one class: an expression asked for an
// integer may be of any width.
func class(t typ) typ {
	if t.isInt() {
		return tInt4
	}
	return t
}

func (g *Generator) pct(p int) bool { return g.r.Intn(100) < p }

func (g *Generator) alias(prefix string) string {
	g.aliases++
	return fmt.Sprintf("%s%d", prefix, g.aliases)
}

func pick[T any](g *Generator, xs []T) T { return xs[g.r.Intn(len(xs))] }

// Next returns the next query.
func (g *Generator) Next() Query {
	g.aliases = 0
	g.ctes = nil
	if genErrors && g.pct(3) {
		return g.errorQuery()
	}
	var b strings.Builder
	if genCTEs && g.pct(12) {
		b.WriteString("WITH ")
		n := 1 + g.r.Intn(2)
		for i := range n {
			name := g.alias("w")
			var sql string
			var outs []outCol
			if genSetOps && g.pct(20) {
				sql, outs = g.setOp(1)
			} else {
				sql, outs = g.selectCore(1, nil)
			}
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s AS (%s)", name, sql)
			r := &rel{cteName: name}
			for _, o := range outs {
				r.cols = append(r.cols, col{name: o.name, t: o.t, fuzzy: o.fuzzy, tbl: o.tbl, base: o.base})
			}
			g.ctes = append(g.ctes, r)
		}
		b.WriteString(" ")
	}
	var outs []outCol
	var body string
	if genDistinctOn && g.pct(4) {
		body, outs = g.distinctOn()
		b.WriteString(body)
		return Query{SQL: b.String(), Ordered: true, Fuzzy: fuzzyOf(outs)}
	}
	if g.pct(3) {
		// SELECT *: every column of the FROM clause, USING columns
		// merged.
		fromSQL, sc := g.from(1)
		b.WriteString("SELECT * FROM " + fromSQL + g.whereClause(sc, 1, 70))
		return Query{SQL: b.String()}
	}
	var orderScope *scope
	if genSetOps && g.pct(12) {
		body, outs = g.setOp(1)
	} else {
		body, outs = g.selectCore(2, nil)
		orderScope = g.orderScope
	}
	b.WriteString(body)
	q := Query{}
	if genOrderLimit && g.pct(35) {
		var extra []string
		if orderScope != nil && g.pct(30) {
			// Sort keys beyond the output columns keep the order total.
			// (Not a bare constant, which would name an output position.)
			e := g.expr(orderScope, pick(g, allClasses()), 1)
			for _, c := range orderScope.cols {
				if strings.Contains(e.sql, c.ref()) {
					extra = append(extra, e.sql)
					break
				}
			}
		}
		b.WriteString(g.orderBy(outs, true, extra...))
		q.Ordered = true
	}
	q.SQL = b.String()
	q.Fuzzy = fuzzyOf(outs)
	return q
}

// ambiguous reports whether equal values of type t may print differently:
// numerics of different scales (1.0, 1.00), intervals with their fields
// apart ('1 day', '24:00:00').
func ambiguous(t typ) bool { return t == tNumeric || t == tInterval }

// markMerged marks fuzzy the computed numeric and interval outputs of an
// operation that merges equal values (DISTINCT, GROUP BY, set operations
// other than UNION ALL), which may print any one of them. Base columns
// hold one form of each value.
func markMerged(outs []outCol) {
	for i := range outs {
		if ambiguous(outs[i].t) && outs[i].base == nil {
			outs[i].fuzzy = true
		}
	}
}

func fuzzyOf(outs []outCol) []bool {
	f := make([]bool, len(outs))
	for i, o := range outs {
		f[i] = o.fuzzy
	}
	return f
}

// distinctOn returns a SELECT DISTINCT ON its first output columns,
// ordered by all output columns, those first, so that the row kept for
// each distinct key is determined.
func (g *Generator) distinctOn() (string, []outCol) {
	fromSQL, sc := g.from(1)
	n := 2 + g.r.Intn(3)
	k := 1 + g.r.Intn(n-1)
	var items, keys []string
	var outs []outCol
	for i := range n {
		var e ex
		if i < k && g.pct(70) {
			c := pick(g, sc.cols)
			e = ex{sql: c.ref(), t: c.t, fuzzy: c.fuzzy, col: &c}
		} else {
			e = g.expr(sc, pick(g, allClasses()), 1)
		}
		name := g.alias("c")
		items = append(items, e.sql+" AS "+name)
		if i < k {
			// By expression or by position (a constant must go by
			// position).
			if e.col != nil && g.pct(60) {
				keys = append(keys, e.sql)
			} else {
				keys = append(keys, strconv.Itoa(i+1))
			}
		}
		outs = append(outs, outCol{name: name, t: e.t, fuzzy: e.fuzzy})
	}
	var b strings.Builder
	fmt.Fprintf(&b, "SELECT DISTINCT ON (%s) %s FROM %s", strings.Join(keys, ", "), strings.Join(items, ", "), fromSQL)
	b.WriteString(g.whereClause(sc, 1, 60))
	b.WriteString(" ORDER BY ")
	rest := g.r.Perm(n - k)
	for i := range n {
		pos := i
		if i >= k {
			pos = k + rest[i-k]
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d%s%s", pos+1, pick(g, []string{"", " ASC", " DESC"}), pick(g, []string{"", "", " NULLS FIRST", " NULLS LAST"}))
	}
	if g.pct(30) {
		fmt.Fprintf(&b, " LIMIT %d", 1+g.r.Intn(30))
	}
	markMerged(outs)
	return b.String(), outs
}

// orderBy returns an ORDER BY over all output columns (a total order, so
// the result order is determined), by position or by name, with random
// directions, and sometimes LIMIT and OFFSET.
func (g *Generator) orderBy(outs []outCol, limit bool, extra ...string) string {
	var b strings.Builder
	b.WriteString(" ORDER BY ")
	for i, k := range g.r.Perm(len(outs) + len(extra)) {
		if i > 0 {
			b.WriteString(", ")
		}
		switch {
		case k >= len(outs):
			b.WriteString(extra[k-len(outs)])
		case g.pct(50):
			b.WriteString(strconv.Itoa(k + 1))
		default:
			b.WriteString(outs[k].name)
		}
		switch g.r.Intn(4) {
		case 0:
			b.WriteString(" DESC")
		case 1:
			b.WriteString(" ASC")
		}
		switch g.r.Intn(5) {
		case 0:
			b.WriteString(" NULLS FIRST")
		case 1:
			b.WriteString(" NULLS LAST")
		}
	}
	if !limit {
		return b.String()
	}
	switch x := g.r.Intn(100); {
	case x < 35:
		fmt.Fprintf(&b, " LIMIT %d", g.r.Intn(40))
		if g.pct(30) {
			fmt.Fprintf(&b, " OFFSET %d", g.r.Intn(12))
		}
	case x < 45:
		fmt.Fprintf(&b, " OFFSET %d", g.r.Intn(12))
	case x < 55:
		if g.pct(40) {
			fmt.Fprintf(&b, " OFFSET %d ROWS", g.r.Intn(12))
		}
		fmt.Fprintf(&b, " FETCH FIRST %d ROWS ONLY", 1+g.r.Intn(20))
	}
	return b.String()
}

// setOp returns two or three SELECTs of matching column types joined by
// set operators.
func (g *Generator) setOp(depth int) (string, []outCol) {
	first, outs := g.selectCore(depth, nil)
	want := make([]typ, len(outs))
	for i, o := range outs {
		want[i] = o.t
	}
	ops := []string{"UNION ALL", "UNION", "INTERSECT", "EXCEPT", "INTERSECT ALL", "EXCEPT ALL", "UNION ALL", "UNION"}
	// A branch may be a parenthesized top-N.
	wrap := func(sql string, outs []outCol) string {
		if genOrderLimit && g.pct(12) {
			return fmt.Sprintf("(%s%s LIMIT %d)", sql, g.orderBy(outs, false), 1+g.r.Intn(25))
		}
		return sql
	}
	var b strings.Builder
	merged := false
	b.WriteString(wrap(first, outs))
	n := 1 + g.r.Intn(2)
	for range n {
		next, nouts := g.selectCore(depth, want)
		next = wrap(next, nouts)
		for i := range outs {
			outs[i].t = wider(outs[i].t, nouts[i].t)
			outs[i].fuzzy = outs[i].fuzzy || nouts[i].fuzzy
			if outs[i].base != nouts[i].base {
				outs[i].tbl, outs[i].base = nil, nil
			}
		}
		op := pick(g, ops)
		if op != "UNION ALL" {
			merged = true
		}
		fmt.Fprintf(&b, " %s %s", op, next)
	}
	if merged {
		markMerged(outs)
	}
	return b.String(), outs
}

// from builds a FROM clause of one to three relations joined along the
// schema's edges; it returns the clause (without FROM) and its scope.
func (g *Generator) from(depth int) (string, *scope) {
	sc := &scope{}
	first := g.relation(depth, nil)
	sc.add(first)
	var b strings.Builder
	b.WriteString(first.sql)
	n := 1
	if genJoins {
		switch x := g.r.Intn(100); {
		case x < 30:
			n = 2
		case x < 38:
			n = 3
		}
	}
	// The comma form only for two relations: a later JOIN would bind
	// tighter than the comma and could not see the first relation.
	comma := n == 2 && g.pct(20)
	for len(sc.rels) < n {
		if !g.join(&b, sc, depth, comma) {
			break
		}
	}
	return b.String(), sc
}

// relation returns a base table, a derived table or a CTE reference. When
// need is set, the relation carries those base columns.
func (g *Generator) relation(depth int, need *edgeSide) *rel {
	if need == nil && len(g.ctes) > 0 && g.pct(50) {
		return g.cteRef(pick(g, g.ctes))
	}
	if need != nil {
		for _, c := range g.ctes {
			if g.pct(30) && carries(c.cols, need.tbl, need.cols) {
				return g.cteRef(c)
			}
		}
	}
	if genValues && g.pct(6) {
		return g.valuesRel(need)
	}
	if genDerivedTables && need == nil && depth > 0 && g.pct(8) {
		sql, outs := g.selectCore(depth-1, nil)
		a := g.alias("s")
		r := &rel{sql: "(" + sql + ") AS " + a, alias: a}
		for _, o := range outs {
			r.cols = append(r.cols, col{qual: a, name: o.name, t: o.t, fuzzy: o.fuzzy, tbl: o.tbl, base: o.base})
		}
		return r
	}
	t := pick(g, g.ds.tables)
	if need != nil {
		t = need.tbl
	}
	if genDerivedTables && depth > 0 && g.pct(18) {
		sql, outs := g.derived(depth-1, t, need)
		a := g.alias("s")
		r := &rel{sql: "(" + sql + ") AS " + a, alias: a}
		for _, o := range outs {
			r.cols = append(r.cols, col{qual: a, name: o.name, t: o.t, fuzzy: o.fuzzy, tbl: o.tbl, base: o.base})
		}
		return r
	}
	return g.baseRel(t)
}

// valuesRel returns a VALUES list of values some base columns hold (the
// columns need asks for, or random ones), which joins like the table.
func (g *Generator) valuesRel(need *edgeSide) *rel {
	t := pick(g, g.ds.tables)
	var cols []*colDef
	if need != nil {
		t, cols = need.tbl, need.cols
	} else {
		for _, c := range t.cols {
			if g.pct(30) {
				cols = append(cols, c)
			}
		}
		if len(cols) == 0 {
			cols = append(cols, pick(g, t.cols))
		}
	}
	a := g.alias("v")
	r := &rel{alias: a}
	var names []string
	for _, c := range cols {
		name := g.alias("x")
		names = append(names, name)
		r.cols = append(r.cols, col{qual: a, name: name, t: c.typ, tbl: t, base: c})
	}
	var rows []string
	for range 1 + g.r.Intn(6) {
		vals := make([]string, len(cols))
		for i, c := range cols {
			cc := r.cols[i]
			vals[i] = g.literal(class(c.typ), &cc)
			if !strings.HasPrefix(vals[i], "CAST") && c.typ.isNumber() && c.typ != tFloat {
				// A bare number takes its type from its digits: pin it.
				vals[i] = "CAST(" + vals[i] + " AS " + typNames[c.typ] + ")"
			}
		}
		rows = append(rows, "("+strings.Join(vals, ", ")+")")
	}
	r.sql = fmt.Sprintf("(VALUES %s) AS %s(%s)", strings.Join(rows, ", "), a, strings.Join(names, ", "))
	return r
}

func (g *Generator) baseRel(t *table) *rel {
	a := g.alias(t.short)
	r := &rel{sql: t.name + " AS " + a, alias: a, tbl: t}
	if g.pct(15) {
		r.sql = t.name + " " + a
	}
	for _, c := range t.cols {
		r.cols = append(r.cols, col{qual: a, name: c.name, t: c.typ, tbl: t, base: c})
	}
	return r
}

func (g *Generator) cteRef(c *rel) *rel {
	a := g.alias("r")
	r := &rel{sql: c.cteName + " AS " + a, alias: a}
	for _, cc := range c.cols {
		cc.qual = a
		r.cols = append(r.cols, cc)
	}
	return r
}

// carries reports whether cols include all of want of table t unchanged.
func carries(cols []col, t *table, want []*colDef) bool {
	for _, w := range want {
		if findBase(cols, t, w) == nil {
			return false
		}
	}
	return true
}

func findBase(cols []col, t *table, c *colDef) *col {
	for i := range cols {
		if cols[i].tbl == t && cols[i].base == c {
			return &cols[i]
		}
	}
	return nil
}

// edgeSide is one end of an edge: a table and its join columns.
type edgeSide struct {
	tbl  *table
	cols []*colDef
}

// derived returns a SELECT over table t for use in FROM: a filtered
// projection or a grouping that carries the columns need asks for (and
// some others) unchanged.
func (g *Generator) derived(depth int, t *table, need *edgeSide) (string, []outCol) {
	r := g.baseRel(t)
	sc := &scope{}
	sc.add(r)
	carried := map[*colDef]bool{}
	if need != nil {
		for _, c := range need.cols {
			carried[c] = true
		}
	}
	for _, c := range t.cols {
		if g.pct(35) {
			carried[c] = true
		}
	}
	var items []string
	var outs []outCol
	var keys []string
	for _, c := range t.cols {
		if !carried[c] {
			continue
		}
		name := g.alias("x")
		items = append(items, r.alias+"."+c.name+" AS "+name)
		keys = append(keys, r.alias+"."+c.name)
		outs = append(outs, outCol{name: name, t: c.typ, tbl: t, base: c})
	}
	grouped := genAggregates && g.pct(30) && len(keys) > 0
	for range 1 + g.r.Intn(2) {
		var e ex
		if grouped {
			e = g.agg(sc, depth)
		} else {
			e = g.expr(sc, pick(g, allClasses()), 2)
		}
		name := g.alias("x")
		items = append(items, e.sql+" AS "+name)
		outs = append(outs, outCol{name: name, t: e.t, fuzzy: e.fuzzy})
	}
	var b strings.Builder
	b.WriteString("SELECT ")
	if genDistinct && !grouped && g.pct(10) {
		b.WriteString("DISTINCT ")
		markMerged(outs)
	}
	b.WriteString(strings.Join(items, ", "))
	b.WriteString(" FROM " + r.sql)
	if g.pct(60) {
		b.WriteString(" WHERE " + g.where(sc, depth))
	}
	if grouped {
		b.WriteString(" GROUP BY " + strings.Join(keys, ", "))
		if g.pct(30) {
			b.WriteString(" HAVING " + g.having(sc, nil))
		}
	}
	if genOrderLimit && g.pct(15) {
		b.WriteString(g.orderBy(outs, false))
		fmt.Fprintf(&b, " LIMIT %d", 1+g.r.Intn(100))
	}
	return b.String(), outs
}

// join adds a relation to sc joined along an edge (or a band join) and
// writes the join to b. It returns false when no edge fits.
func (g *Generator) join(b *strings.Builder, sc *scope, depth int, comma bool) bool {
	type cand struct {
		left   *rel
		lcols  []*col
		other  edgeSide
		banded bool
	}
	var cands []cand
	for _, e := range g.ds.edges {
		for _, l := range sc.rels {
			for _, dir := range [2]bool{false, true} {
				at, acols, bt, bcols := e.a, e.acol, e.b, e.bcol
				if dir {
					at, acols, bt, bcols = e.b, e.bcol, e.a, e.acol
				}
				var lcols []*col
				for _, c := range acols {
					if lc := findBase(l.cols, at, c); lc != nil {
						lcols = append(lcols, lc)
					}
				}
				if len(lcols) == len(acols) {
					cands = append(cands, cand{left: l, lcols: lcols, other: edgeSide{tbl: bt, cols: bcols}})
				}
			}
		}
	}
	// Band joins: a smallint compared with a range of another.
	if genNonEquiJoins {
		for _, l := range sc.rels {
			for _, p := range [][2]string{{"items", "grp"}, {"dims", "weight"}} {
				t := g.table(p[0])
				if lc := findBase(l.cols, t, t.col(p[1])); lc != nil {
					cands = append(cands, cand{left: l, lcols: []*col{lc}, other: edgeSide{tbl: g.table("dims"), cols: []*colDef{g.table("dims").col("weight")}}, banded: true})
				}
			}
		}
	}
	if len(cands) == 0 {
		return false
	}
	c := pick(g, cands)
	right := g.relation(depth, &c.other)
	var conds []string
	for i, lc := range c.lcols {
		rc := findBase(right.cols, c.other.tbl, c.other.cols[i])
		if c.banded {
			lo, hi := g.r.Intn(3), g.r.Intn(3)
			conds = append(conds, fmt.Sprintf("%s BETWEEN %s - %d AND %s + %d", lc.ref(), rc.ref(), lo, rc.ref(), hi))
			continue
		}
		if g.pct(50) {
			conds = append(conds, lc.ref()+" = "+rc.ref())
		} else {
			conds = append(conds, rc.ref()+" = "+lc.ref())
		}
	}
	kinds := []string{"JOIN", "INNER JOIN", "LEFT JOIN", "LEFT OUTER JOIN", "RIGHT JOIN", "JOIN", "LEFT JOIN"}
	if genFullJoins && !c.banded {
		kinds = append(kinds, "FULL JOIN", "FULL OUTER JOIN")
	}
	kind := pick(g, kinds)
	if genUsing && !c.banded && !comma && g.pct(20) {
		if names, ok := usingNames(sc, right, c.lcols, c.other); ok {
			fmt.Fprintf(b, " %s %s USING (%s)", kind, right.sql, strings.Join(names, ", "))
			sc.add(right)
			return true
		}
	}
	if !c.banded && !strings.HasPrefix(kind, "FULL") && g.pct(8) {
		// A null-safe equality, which matches NULL keys too.
		for i, lc := range c.lcols {
			rc := findBase(right.cols, c.other.tbl, c.other.cols[i])
			conds[i] = lc.ref() + " IS NOT DISTINCT FROM " + rc.ref()
		}
	}
	if g.pct(15) {
		// A filter on one side inside ON: for an outer join it must not
		// remove rows of the preserved side.
		side := &scope{}
		side.add(pick(g, []*rel{c.left, right}))
		conds = append(conds, g.pred(side, 0))
	}
	if genNonEquiJoins && !c.banded && g.pct(15) {
		// An extra inequality between the two sides.
		if l, r, ok := g.comparablePair(c.left, right); ok {
			conds = append(conds, fmt.Sprintf("%s %s %s", l.ref(), pick(g, []string{"<", "<=", ">", "<>"}), r.ref()))
		}
	}
	sc.add(right)
	if kind == "JOIN" && comma {
		// The implicit form: FROM a, b WHERE cond.
		fmt.Fprintf(b, ", %s", right.sql)
		sc.conds = append(sc.conds, conds...)
		return true
	}
	fmt.Fprintf(b, " %s %s ON %s", kind, right.sql, strings.Join(conds, " AND "))
	return true
}

// usingNames returns the names of the join columns when USING can join
// on them: each pair shares its name, which no other column of either
// side has.
func usingNames(sc *scope, right *rel, lcols []*col, other edgeSide) ([]string, bool) {
	var names []string
	count := func(cols []col, name string) int {
		n := 0
		for _, c := range cols {
			if c.name == name {
				n++
			}
		}
		return n
	}
	for i, lc := range lcols {
		rc := findBase(right.cols, other.tbl, other.cols[i])
		if rc == nil || lc.name != rc.name || count(sc.cols, lc.name) != 1 || count(right.cols, rc.name) != 1 {
			return nil, false
		}
		names = append(names, lc.name)
	}
	return names, true
}

// comparablePair returns a column of l and one of r of the same class
// (numbers, dates or text), not both of one relation.
func (g *Generator) comparablePair(l, r *rel) (col, col, bool) {
	for range 10 {
		a, b := pick(g, l.cols), pick(g, r.cols)
		if class(a.t) == class(b.t) && a.t != tBool && a.t != tInterval && !a.fuzzy && !b.fuzzy {
			return a, b, true
		}
	}
	return col{}, col{}, false
}

func (g *Generator) table(name string) *table {
	for _, t := range g.ds.tables {
		if t.name == name {
			return t
		}
	}
	panic("differential: no table " + name)
}

// selectCore returns a SELECT without ORDER BY (a projection with WHERE,
// or a grouping with HAVING) and its output columns. When want is set,
// it is a plain projection of expressions of those types' classes.
func (g *Generator) selectCore(depth int, want []typ) (string, []outCol) {
	fromSQL, sc := g.from(depth)
	var b strings.Builder
	var outs []outCol
	grouped := want == nil && genAggregates && g.pct(30)
	if grouped {
		return g.groupSelect(depth, fromSQL, sc)
	}
	n := len(want)
	if want == nil {
		n = 1 + g.r.Intn(4)
	}
	var items []string
	for i := range n {
		var e ex
		switch {
		case want != nil:
			e = g.expr(sc, class(want[i]), 2)
		case g.pct(50):
			c := pick(g, sc.cols)
			e = ex{sql: c.ref(), t: c.t, fuzzy: c.fuzzy, col: &c}
		case genSubqueries && depth > 0 && g.pct(7):
			e = g.scalarSubquery(sc, depth-1)
		default:
			e = g.expr(sc, pick(g, allClasses()), 2)
		}
		name := g.alias("c")
		items = append(items, e.sql+" AS "+name)
		o := outCol{name: name, t: e.t, fuzzy: e.fuzzy}
		if e.col != nil {
			o.tbl, o.base = e.col.tbl, e.col.base
		}
		outs = append(outs, o)
	}
	b.WriteString("SELECT ")
	distinct := genDistinct && g.pct(12)
	if distinct {
		b.WriteString("DISTINCT ")
	}
	b.WriteString(strings.Join(items, ", "))
	b.WriteString(" FROM " + fromSQL)
	b.WriteString(g.whereClause(sc, depth, 75))
	g.orderScope = nil
	if !distinct {
		g.orderScope = sc
	} else {
		markMerged(outs)
	}
	return b.String(), outs
}

// groupSelect returns a grouping query over the FROM clause.
func (g *Generator) groupSelect(depth int, fromSQL string, sc *scope) (string, []outCol) {
	var keys []ex
	for range g.r.Intn(4) {
		if g.pct(75) {
			c := pick(g, sc.cols)
			keys = append(keys, ex{sql: c.ref(), t: c.t, fuzzy: c.fuzzy, col: &c})
		} else {
			keys = append(keys, g.groupExpr(sc))
		}
	}
	// Expressions over plain key columns are allowed in the select list.
	keyScope := &scope{}
	for _, k := range keys {
		if k.col != nil {
			keyScope.cols = append(keyScope.cols, *k.col)
		}
	}
	var items []string
	var outs []outCol
	add := func(e ex) {
		name := g.alias("c")
		items = append(items, e.sql+" AS "+name)
		o := outCol{name: name, t: e.t, fuzzy: e.fuzzy}
		if e.col != nil {
			o.tbl, o.base = e.col.tbl, e.col.base
		}
		outs = append(outs, o)
	}
	for _, k := range keys {
		switch {
		case g.pct(15):
			// Not every key needs to be in the output.
		case k.col != nil && g.pct(25):
			add(g.expr(keyScope, class(k.t), 1))
		default:
			add(k)
		}
	}
	markMerged(outs)
	for range 1 + g.r.Intn(3) {
		add(g.aggItem(sc, depth))
	}
	if genGroupedSubqueries && len(keyScope.cols) > 0 && g.pct(10) {
		add(g.scalarSubquery(keyScope, 0))
	}
	var b strings.Builder
	b.WriteString("SELECT ")
	if genDistinct && g.pct(8) {
		b.WriteString("DISTINCT ")
	}
	b.WriteString(strings.Join(items, ", "))
	b.WriteString(" FROM " + fromSQL)
	b.WriteString(g.whereClause(sc, depth, 60))
	g.orderScope = nil
	if len(keys) > 0 {
		ks := make([]string, len(keys))
		for i, k := range keys {
			ks[i] = k.sql
		}
		b.WriteString(" GROUP BY " + strings.Join(ks, ", "))
	}
	if g.pct(35) {
		b.WriteString(" HAVING " + g.having(sc, keyScope))
	}
	return b.String(), outs
}

// groupExpr returns an expression worth grouping by: a coarsening of a
// column.
func (g *Generator) groupExpr(sc *scope) ex {
	for range 10 {
		c := pick(g, sc.cols)
		if c.fuzzy {
			continue
		}
		switch class(c.t) {
		case tInt4:
			return ex{sql: fmt.Sprintf("(%s %% %d)", c.ref(), 2+g.r.Intn(6)), t: c.t}
		case tText:
			if genCaseFolding && g.pct(50) {
				return ex{sql: fmt.Sprintf("lower(%s)", c.ref()), t: tText}
			}
			return ex{sql: fmt.Sprintf("substr(%s, 1, %d)", c.ref(), 1+g.r.Intn(2)), t: tText}
		case tTimestamp, tTimestamptz:
			if genDateTime {
				return ex{sql: fmt.Sprintf("date_trunc('%s', %s)", pick(g, []string{"year", "month", "quarter"}), c.ref()), t: c.t}
			}
		case tDate:
			if genDateTime {
				return ex{sql: fmt.Sprintf("extract(year FROM %s)", c.ref()), t: tNumeric}
			}
		case tNumeric:
			return ex{sql: fmt.Sprintf("round(%s, -%d)", c.ref(), 1+g.r.Intn(3)), t: tNumeric}
		case tBool:
			return ex{sql: fmt.Sprintf("(%s IS NULL)", c.ref()), t: tBool}
		}
	}
	c := pick(g, sc.cols)
	return ex{sql: c.ref(), t: c.t, fuzzy: c.fuzzy, col: &c}
}

// aggItem returns an aggregate, or a simple expression over aggregates.
func (g *Generator) aggItem(sc *scope, depth int) ex {
	a := g.agg(sc, depth)
	switch x := g.r.Intn(10); {
	case x == 0 && class(a.t) == tInt4:
		return ex{sql: fmt.Sprintf("(%s * %d)", a.sql, 2+g.r.Intn(5)), t: tInt8, fuzzy: a.fuzzy}
	case x == 1 && a.t.isNumber():
		b := g.agg(sc, depth)
		if b.t.isNumber() {
			return ex{sql: fmt.Sprintf("(%s - %s)", a.sql, b.sql), t: wider(a.t, b.t), fuzzy: a.fuzzy || b.fuzzy}
		}
	case x == 2 && a.t == tNumeric:
		return ex{sql: fmt.Sprintf("round(%s, %d)", a.sql, g.r.Intn(4)), t: tNumeric, fuzzy: a.fuzzy}
	case x == 3 && a.t.isNumber():
		return ex{sql: fmt.Sprintf("coalesce(%s, 0)", a.sql), t: a.t, fuzzy: a.fuzzy}
	}
	return a
}

// agg returns an aggregate call over expressions of sc.
func (g *Generator) agg(sc *scope, depth int) ex {
	filter := ""
	if g.pct(8) {
		filter = " FILTER (WHERE " + g.pred(sc, 1) + ")"
	}
	switch x := g.r.Intn(100); {
	case x < 15:
		return ex{sql: "count(*)" + filter, t: tInt8}
	case x < 30:
		e := g.expr(sc, pick(g, allClasses()), 1)
		return ex{sql: "count(" + e.sql + ")" + filter, t: tInt8}
	case x < 40 && genDistinct:
		e := g.expr(sc, pick(g, allClasses()), 1)
		return ex{sql: "count(DISTINCT " + e.sql + ")" + filter, t: tInt8}
	case x < 60:
		e := g.numberExpr(sc, 1)
		distinct := ""
		if genDistinct && g.pct(8) {
			distinct = "DISTINCT "
		}
		if g.pct(50) {
			t := tNumeric
			switch {
			case e.t == tFloat:
				t = tFloat
			case e.t == tInt2 || e.t == tInt4:
				t = tInt8
			}
			return ex{sql: "sum(" + distinct + e.sql + ")" + filter, t: t, fuzzy: e.fuzzy || e.t == tFloat}
		}
		t := tNumeric
		if e.t == tFloat {
			t = tFloat
		}
		return ex{sql: "avg(" + distinct + e.sql + ")" + filter, t: t, fuzzy: e.fuzzy || e.t == tFloat}
	case x < 64 && genDateTime:
		e := g.expr(sc, tInterval, 1)
		return ex{sql: pick(g, []string{"sum", "avg"}) + "(" + e.sql + ")" + filter, t: tInterval}
	case x < 67 && genMoreFunctions:
		return ex{sql: pick(g, []string{"bool_and", "bool_or", "every"}) + "(" + g.pred(sc, 1) + ")" + filter, t: tBool}
	case x < 70 && genMoreFunctions:
		e := g.numberExpr(sc, 1)
		t := tNumeric
		if e.t == tFloat {
			t = tFloat
		}
		f := pick(g, []string{"stddev", "variance", "stddev_pop", "var_samp", "stddev_samp", "var_pop"})
		return ex{sql: f + "(" + e.sql + ")" + filter, t: t, fuzzy: e.fuzzy || e.t == tFloat}
	case x < 73 && genMoreFunctions:
		e := g.expr(sc, tText, 1)
		dir := pick(g, []string{"", " DESC", " ASC NULLS FIRST"})
		return ex{sql: fmt.Sprintf("string_agg(%s, %s ORDER BY %s%s)", e.sql, quote(pick(g, []string{",", "", " | "})), e.sql, dir) + filter, t: tText}
	default:
		cl := pick(g, allClasses())
		for cl == tBool {
			cl = pick(g, allClasses())
		}
		e := g.expr(sc, cl, 1)
		// Of equal values, min and max may return any.
		fuzzy := e.fuzzy || (ambiguous(e.t) && (e.col == nil || e.col.base == nil))
		return ex{sql: pick(g, []string{"min", "max"}) + "(" + e.sql + ")" + filter, t: e.t, fuzzy: fuzzy}
	}
}

// numberExpr returns a number expression, preferring the scope's number
// columns.
func (g *Generator) numberExpr(sc *scope, depth int) ex {
	return g.expr(sc, pick(g, []typ{tInt4, tInt4, tNumeric, tFloat}), depth)
}

// having returns a predicate over aggregates (and the plain key columns).
func (g *Generator) having(sc, keys *scope) string {
	p := g.aggPred(sc)
	switch x := g.r.Intn(10); {
	case x < 2:
		p = fmt.Sprintf("(%s %s %s)", p, pick(g, []string{"AND", "OR"}), g.aggPred(sc))
	case x == 2 && keys != nil && len(keys.cols) > 0:
		p = fmt.Sprintf("(%s AND %s)", p, g.pred(keys, 1))
	case x == 3:
		p = "NOT " + p
	case x == 4 && genGroupedSubqueries && keys != nil && len(keys.cols) > 0:
		// A subquery that refers to the grouping columns.
		p = fmt.Sprintf("(%s OR %s)", p, g.subqueryPred(keys, 0))
	}
	return p
}

func (g *Generator) aggPred(sc *scope) string {
	a := g.agg(sc, 0)
	switch {
	case a.t == tInt8 && strings.HasPrefix(a.sql, "count"):
		return fmt.Sprintf("%s %s %d", a.sql, pick(g, rangeOps), g.r.Intn(4))
	case g.pct(20):
		return fmt.Sprintf("%s IS %sNULL", a.sql, pick(g, []string{"", "NOT "}))
	}
	return fmt.Sprintf("%s %s %s", a.sql, pick(g, rangeOps), g.literal(class(a.t), nil))
}

// rangeOps are the comparisons that hold for about half of the values.
var rangeOps = []string{"<", "<=", ">", ">=", "<>"}

var cmpOps = []string{"=", "<>", "<", "<=", ">", ">=", "!="}

// allClasses lists the expression classes to pick from.
func allClasses() []typ {
	out := []typ{tInt4, tInt4, tNumeric, tFloat, tText, tText, tBool}
	if genDateTime {
		out = append(out, tDate, tTimestamp, tTimestamptz, tInterval)
	}
	return out
}

// colsOf returns the columns of sc in class cl.
func colsOf(sc *scope, cl typ) []col {
	var out []col
	for _, c := range sc.cols {
		if class(c.t) == cl {
			out = append(out, c)
		}
	}
	return out
}

// leaf returns a column of class cl, or a literal.
func (g *Generator) leaf(sc *scope, cl typ) ex {
	cs := colsOf(sc, cl)
	if len(cs) > 0 && g.pct(88) {
		c := pick(g, cs)
		return ex{sql: c.ref(), t: c.t, fuzzy: c.fuzzy, col: &c}
	}
	var c *col
	if len(cs) > 0 {
		cc := pick(g, cs)
		c = &cc
	}
	t := cl
	if c != nil {
		t = c.t
	}
	return ex{sql: g.literal(cl, c), t: t}
}

// finiteFloatCol returns a double precision column that holds no NaN or
// infinity, if sc has one.
func finiteFloatCol(sc *scope) (col, bool) {
	for _, c := range sc.cols {
		if c.t == tFloat && !c.fuzzy && (c.base == nil || !c.base.nonFinite) && c.tbl != nil {
			return c, true
		}
	}
	return col{}, false
}

// expr returns an expression of class cl (any integer type for tInt4).
func (g *Generator) expr(sc *scope, cl typ, depth int) ex {
	if cl == tBool {
		return ex{sql: "(" + g.pred(sc, depth) + ")", t: tBool}
	}
	if depth <= 0 || g.pct(35) {
		return g.leaf(sc, cl)
	}
	d := depth - 1
	// Forms common to all classes.
	switch g.r.Intn(12) {
	case 0:
		a, b := g.expr(sc, cl, d), g.expr(sc, cl, d)
		return ex{sql: fmt.Sprintf("CASE WHEN %s THEN %s ELSE %s END", g.pred(sc, d), a.sql, b.sql), t: wider(a.t, b.t), fuzzy: a.fuzzy || b.fuzzy}
	case 1:
		a, b := g.expr(sc, cl, d), g.leaf(sc, cl)
		return ex{sql: fmt.Sprintf("coalesce(%s, %s)", a.sql, b.sql), t: wider(a.t, b.t), fuzzy: a.fuzzy || b.fuzzy}
	case 2:
		if g.pct(50) {
			a, b := g.leaf(sc, cl), g.leaf(sc, cl)
			return ex{sql: fmt.Sprintf("nullif(%s, %s)", a.sql, b.sql), t: a.t, fuzzy: a.fuzzy || b.fuzzy}
		}
		a := g.leaf(sc, cl)
		if a.col != nil {
			// The simple CASE form, on values the column holds.
			var b strings.Builder
			fmt.Fprintf(&b, "CASE %s", a.sql)
			res := g.leaf(sc, cl)
			for range 1 + g.r.Intn(2) {
				r := g.leaf(sc, cl)
				fmt.Fprintf(&b, " WHEN %s THEN %s", g.literal(cl, a.col), r.sql)
				res.t = wider(res.t, r.t)
			}
			if g.pct(60) {
				r := g.leaf(sc, cl)
				fmt.Fprintf(&b, " ELSE %s", r.sql)
				res.t = wider(res.t, r.t)
			}
			b.WriteString(" END")
			return ex{sql: b.String(), t: res.t}
		}
	}
	switch cl {
	case tInt4:
		return g.intExpr(sc, d)
	case tNumeric:
		return g.numericExpr(sc, d)
	case tFloat:
		return g.floatExpr(sc, d)
	case tText:
		return g.textExpr(sc, d)
	case tDate, tTimestamp, tTimestamptz, tInterval:
		return g.timeExpr(sc, cl, d)
	}
	return g.leaf(sc, cl)
}

func smallInt(g *Generator, lo, hi int) string {
	v := lo + g.r.Intn(hi-lo+1)
	if v == 0 {
		v = 1
	}
	if v < 0 {
		return fmt.Sprintf("(%d)", v)
	}
	return strconv.Itoa(v)
}

// intExpr returns an integer expression. Multiplication applies only to
// leaves, and sums nest at most a few deep, so no value can overflow.
func (g *Generator) intExpr(sc *scope, d int) ex {
	switch g.r.Intn(12) {
	case 0, 1:
		a, b := g.expr(sc, tInt4, d), g.expr(sc, tInt4, d)
		return ex{sql: fmt.Sprintf("(%s %s %s)", a.sql, pick(g, []string{"+", "-"}), b.sql), t: wider(wider(a.t, b.t), tInt2), fuzzy: a.fuzzy || b.fuzzy}
	case 2:
		a := g.leaf(sc, tInt4)
		return ex{sql: fmt.Sprintf("(%s * %s)", a.sql, smallInt(g, -20, 100)), t: wider(a.t, tInt4)}
	case 3:
		a := g.expr(sc, tInt4, d)
		return ex{sql: fmt.Sprintf("(%s %s %s)", a.sql, pick(g, []string{"/", "%"}), smallInt(g, -9, 50)), t: wider(a.t, tInt4), fuzzy: a.fuzzy}
	case 4:
		a := g.expr(sc, tInt4, d)
		if g.pct(50) {
			return ex{sql: fmt.Sprintf("abs(%s)", a.sql), t: a.t, fuzzy: a.fuzzy}
		}
		return ex{sql: fmt.Sprintf("(- %s)", a.sql), t: a.t, fuzzy: a.fuzzy}
	case 5:
		a := g.expr(sc, tText, d)
		return ex{sql: fmt.Sprintf("length(%s)", a.sql), t: tInt4}
	case 6:
		if genDateTime {
			a, b := g.leaf(sc, tDate), g.leaf(sc, tDate)
			return ex{sql: fmt.Sprintf("(%s - %s)", a.sql, b.sql), t: tInt4}
		}
	case 7:
		if genCasts {
			if c, ok := finiteFloatCol(sc); ok && g.pct(50) {
				return ex{sql: fmt.Sprintf("CAST(%s AS integer)", c.ref()), t: tInt4}
			}
			for _, c := range colsOf(sc, tNumeric) {
				if c.tbl != nil {
					return ex{sql: fmt.Sprintf("CAST(%s AS %s)", c.ref(), pick(g, []string{"integer", "bigint"})), t: tInt8}
				}
			}
		}
	case 8:
		a, b := g.expr(sc, tInt4, d), g.expr(sc, tInt4, d)
		return ex{sql: fmt.Sprintf("%s(%s, %s)", pick(g, []string{"greatest", "least"}), a.sql, b.sql), t: wider(a.t, b.t), fuzzy: a.fuzzy || b.fuzzy}
	case 10:
		if genMoreFunctions {
			a := g.expr(sc, tText, d)
			switch g.r.Intn(4) {
			case 0:
				return ex{sql: fmt.Sprintf("position(%s IN %s)", quote(pick(g, []string{"a", "é", " ", "ta", ""})), a.sql), t: tInt4}
			case 1:
				return ex{sql: fmt.Sprintf("strpos(%s, %s)", a.sql, quote(pick(g, []string{"e", "ü", "_", "lp"}))), t: tInt4}
			case 2:
				return ex{sql: fmt.Sprintf("%s(%s)", pick(g, []string{"char_length", "octet_length"}), a.sql), t: tInt4}
			default:
				b := g.expr(sc, tInt4, d)
				return ex{sql: fmt.Sprintf("mod(%s, %s)", b.sql, smallInt(g, -9, 40)), t: wider(b.t, tInt4), fuzzy: b.fuzzy}
			}
		}
	case 9:
		if genDateTime {
			if cs := colsOf(sc, tDate); len(cs) > 0 {
				return ex{sql: fmt.Sprintf("CAST(extract(%s FROM %s) AS integer)", pick(g, dateFields), pick(g, cs).ref()), t: tInt4}
			}
		}
	}
	return g.leaf(sc, tInt4)
}

func (g *Generator) numericExpr(sc *scope, d int) ex {
	switch g.r.Intn(11) {
	case 0, 1:
		a := g.expr(sc, tNumeric, d)
		b := g.expr(sc, pick(g, []typ{tNumeric, tNumeric, tInt4}), d)
		return ex{sql: fmt.Sprintf("(%s %s %s)", a.sql, pick(g, []string{"+", "-"}), b.sql), t: tNumeric, fuzzy: a.fuzzy || b.fuzzy}
	case 2:
		a := g.leaf(sc, tNumeric)
		return ex{sql: fmt.Sprintf("(%s * %s)", a.sql, pick(g, []string{"2", "0.5", "1.25", "(-3)", "10", "0.001"})), t: tNumeric}
	case 3:
		a := g.expr(sc, tNumeric, d)
		return ex{sql: fmt.Sprintf("(%s / %s)", a.sql, pick(g, []string{"3", "7", "(-4)", "0.3", "1.5", "100"})), t: tNumeric, fuzzy: a.fuzzy}
	case 4:
		a := g.expr(sc, tNumeric, d)
		switch g.r.Intn(5) {
		case 0:
			return ex{sql: fmt.Sprintf("round(%s)", a.sql), t: tNumeric, fuzzy: a.fuzzy}
		case 1:
			return ex{sql: fmt.Sprintf("round(%s, %d)", a.sql, g.r.Intn(6)-2), t: tNumeric, fuzzy: a.fuzzy}
		case 2:
			return ex{sql: fmt.Sprintf("abs(%s)", a.sql), t: tNumeric, fuzzy: a.fuzzy}
		case 3:
			return ex{sql: fmt.Sprintf("%s(%s)", pick(g, []string{"ceil", "floor", "trunc"}), a.sql), t: tNumeric, fuzzy: a.fuzzy}
		default:
			return ex{sql: fmt.Sprintf("(- %s)", a.sql), t: tNumeric, fuzzy: a.fuzzy}
		}
	case 5:
		if genCasts {
			for _, c := range colsOf(sc, tInt4) {
				if c.tbl != nil && g.pct(50) {
					return ex{sql: fmt.Sprintf("CAST(%s AS numeric(20,3))", c.ref()), t: tNumeric}
				}
			}
			if c, ok := finiteFloatCol(sc); ok {
				return ex{sql: fmt.Sprintf("CAST(%s AS numeric)", c.ref()), t: tNumeric}
			}
		}
	case 6:
		if genDateTime {
			return g.extract(sc)
		}
	case 7:
		a, b := g.expr(sc, tNumeric, d), g.leaf(sc, tNumeric)
		return ex{sql: fmt.Sprintf("%s(%s, %s)", pick(g, []string{"greatest", "least"}), a.sql, b.sql), t: tNumeric, fuzzy: a.fuzzy || b.fuzzy}
	case 8:
		a := g.leaf(sc, tInt4)
		return ex{sql: fmt.Sprintf("(%s / 4.0)", a.sql), t: tNumeric}
	case 9:
		if genMoreFunctions {
			a := g.expr(sc, tNumeric, d)
			switch g.r.Intn(5) {
			case 0:
				return ex{sql: fmt.Sprintf("sqrt(abs(%s))", a.sql), t: tNumeric, fuzzy: a.fuzzy}
			case 1:
				return ex{sql: fmt.Sprintf("power(%s, 2)", g.leaf(sc, tNumeric).sql), t: tNumeric}
			case 2:
				return ex{sql: fmt.Sprintf("trunc(%s, %d)", a.sql, g.r.Intn(5)-1), t: tNumeric, fuzzy: a.fuzzy}
			case 3:
				return ex{sql: fmt.Sprintf("mod(%s, %s)", a.sql, pick(g, []string{"7", "2.5", "(-3)", "0.01"})), t: tNumeric, fuzzy: a.fuzzy}
			default:
				return ex{sql: fmt.Sprintf("sign(%s)", a.sql), t: tNumeric, fuzzy: a.fuzzy}
			}
		}
	}
	return g.leaf(sc, tNumeric)
}

var dateFields = []string{"year", "month", "day", "dow", "doy", "quarter", "week", "isodow", "epoch"}
var timeFields = []string{"hour", "minute", "second", "epoch", "microseconds", "milliseconds", "year", "month", "day"}

// extract returns extract(field FROM x) for a date, time or interval
// column x of sc (a numeric).
func (g *Generator) extract(sc *scope) ex {
	var cands []col
	for _, c := range sc.cols {
		switch c.t {
		case tDate, tTimestamp, tTimestamptz, tInterval:
			cands = append(cands, c)
		}
	}
	if len(cands) == 0 {
		return g.leaf(sc, tNumeric)
	}
	c := pick(g, cands)
	field := pick(g, dateFields)
	switch c.t {
	case tTimestamp, tTimestamptz:
		field = pick(g, append(slices.Clone(dateFields), timeFields...))
	case tInterval:
		field = pick(g, []string{"year", "month", "day", "hour", "minute", "second", "epoch"})
	}
	return ex{sql: fmt.Sprintf("extract(%s FROM %s)", field, c.ref()), t: tNumeric}
}

func (g *Generator) floatExpr(sc *scope, d int) ex {
	switch g.r.Intn(9) {
	case 0, 1:
		a, b := g.expr(sc, tFloat, d), g.expr(sc, pick(g, []typ{tFloat, tFloat, tInt4}), d)
		return ex{sql: fmt.Sprintf("(%s %s %s)", a.sql, pick(g, []string{"+", "-"}), b.sql), t: tFloat, fuzzy: a.fuzzy || b.fuzzy}
	case 2:
		a := g.leaf(sc, tFloat)
		return ex{sql: fmt.Sprintf("(%s %s %s)", a.sql, pick(g, []string{"*", "/"}), pick(g, []string{"2", "4", "0.5", "3", "(-8)", "2.5"})), t: tFloat, fuzzy: a.fuzzy}
	case 3:
		a := g.expr(sc, tFloat, d)
		return ex{sql: fmt.Sprintf("%s(%s)", pick(g, []string{"abs", "round", "ceil", "floor", "-"}), a.sql), t: tFloat, fuzzy: a.fuzzy}
	case 4:
		if genCasts {
			a := g.leaf(sc, pick(g, []typ{tInt4, tNumeric}))
			return ex{sql: fmt.Sprintf("CAST(%s AS double precision)", a.sql), t: tFloat}
		}
	case 5:
		if genMoreFunctions {
			a := g.expr(sc, tFloat, d)
			switch g.r.Intn(3) {
			case 0:
				return ex{sql: fmt.Sprintf("sqrt(abs(%s))", a.sql), t: tFloat, fuzzy: a.fuzzy}
			case 1:
				return ex{sql: fmt.Sprintf("power(%s, 2)", g.leaf(sc, tFloat).sql), t: tFloat}
			default:
				return ex{sql: fmt.Sprintf("sign(%s)", a.sql), t: tFloat, fuzzy: a.fuzzy}
			}
		}
	}
	return g.leaf(sc, tFloat)
}

func (g *Generator) textExpr(sc *scope, d int) ex {
	switch g.r.Intn(14) {
	case 0:
		if genCaseFolding {
			a := g.expr(sc, tText, d)
			return ex{sql: fmt.Sprintf("%s(%s)", pick(g, []string{"lower", "upper"}), a.sql), t: tText}
		}
	case 1:
		a := g.expr(sc, tText, d)
		if g.pct(50) {
			return ex{sql: fmt.Sprintf("substr(%s, %d)", a.sql, g.r.Intn(8)-1), t: tText}
		}
		return ex{sql: fmt.Sprintf("substr(%s, %d, %d)", a.sql, g.r.Intn(8)-2, g.r.Intn(6)), t: tText}
	case 2:
		parts := []string{g.expr(sc, tText, d).sql}
		for range 1 + g.r.Intn(3) {
			parts = append(parts, g.leaf(sc, pick(g, allClasses())).sql)
		}
		g.r.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
		return ex{sql: fmt.Sprintf("concat(%s)", strings.Join(parts, ", ")), t: tText}
	case 3, 4:
		a := g.expr(sc, tText, d)
		var b ex
		if g.pct(60) {
			b = g.expr(sc, tText, d)
		} else {
			cl := pick(g, allClasses())
			if cl == tBool {
				cl = tInt4 // boolean || text needs parentheses; keep it simple
			}
			b = g.leaf(sc, cl)
		}
		if g.pct(50) {
			a, b = b, a
		}
		return ex{sql: fmt.Sprintf("(%s || %s)", a.sql, b.sql), t: tText}
	case 5:
		a := g.expr(sc, tText, d)
		switch g.r.Intn(5) {
		case 0:
			return ex{sql: fmt.Sprintf("trim(%s)", a.sql), t: tText}
		case 1:
			return ex{sql: fmt.Sprintf("%s(%s)", pick(g, []string{"ltrim", "rtrim", "btrim"}), a.sql), t: tText}
		case 2:
			return ex{sql: fmt.Sprintf("trim(%s %s FROM %s)", pick(g, []string{"BOTH", "LEADING", "TRAILING"}), quote(pick(g, []string{"a", " a", "é", "x"})), a.sql), t: tText}
		case 3:
			return ex{sql: fmt.Sprintf("btrim(%s, %s)", a.sql, quote(pick(g, []string{"ab", " e", "ß"}))), t: tText}
		default:
			return ex{sql: fmt.Sprintf("trim(LEADING FROM %s)", a.sql), t: tText}
		}
	case 6:
		a := g.expr(sc, tText, d)
		return ex{sql: fmt.Sprintf("replace(%s, %s, %s)", a.sql, quote(pick(g, []string{"a", "é", " ", "ta"})), quote(pick(g, []string{"", "A", "--", "ü"}))), t: tText}
	case 7, 8:
		if genCasts {
			cl := pick(g, allClasses())
			var a ex
			if cl == tFloat {
				c, ok := finiteFloatCol(sc)
				if !ok {
					break
				}
				a = ex{sql: c.ref(), t: tFloat}
			} else {
				a = g.leaf(sc, cl)
				if a.fuzzy {
					break
				}
			}
			return ex{sql: fmt.Sprintf("CAST(%s AS %s)", a.sql, pick(g, []string{"text", "varchar"})), t: tText}
		}
	case 9:
		a := g.expr(sc, tText, d)
		return ex{sql: fmt.Sprintf("%s(%s, %d)", pick(g, []string{"left", "right"}), a.sql, g.r.Intn(7)-2), t: tText}
	case 10, 11:
		if genMoreFunctions {
			return g.moreText(sc, d)
		}
	}
	return g.leaf(sc, tText)
}

// moreText returns one of the less common string functions.
func (g *Generator) moreText(sc *scope, d int) ex {
	a := g.expr(sc, tText, d)
	switch g.r.Intn(9) {
	case 0:
		fill := ""
		if g.pct(60) {
			fill = ", " + quote(pick(g, []string{"*", "ab", "é", " "}))
		}
		return ex{sql: fmt.Sprintf("%s(%s, %d%s)", pick(g, []string{"lpad", "rpad"}), a.sql, g.r.Intn(13), fill), t: tText}
	case 1:
		return ex{sql: fmt.Sprintf("split_part(%s, %s, %d)", a.sql, quote(pick(g, []string{" ", "a", "_"})), pick(g, []int{-2, -1, 1, 2, 3})), t: tText}
	case 2:
		return ex{sql: fmt.Sprintf("repeat(%s, %d)", a.sql, g.r.Intn(4)), t: tText}
	case 3:
		return ex{sql: fmt.Sprintf("reverse(%s)", a.sql), t: tText}
	case 4:
		return ex{sql: fmt.Sprintf("translate(%s, %s, %s)", a.sql, quote(pick(g, []string{"ae", "é ", "xyz"})), quote(pick(g, []string{"x", "AE", "ü-"}))), t: tText}
	case 5:
		parts := []string{a.sql}
		for range 1 + g.r.Intn(3) {
			parts = append(parts, g.leaf(sc, pick(g, []typ{tText, tInt4, tDate, tNumeric})).sql)
		}
		return ex{sql: fmt.Sprintf("concat_ws(%s, %s)", quote(pick(g, []string{"-", ", ", ""})), strings.Join(parts, ", ")), t: tText}
	case 6:
		if genCaseFolding {
			return ex{sql: fmt.Sprintf("initcap(%s)", a.sql), t: tText}
		}
	case 7:
		if genDateTime {
			var cands []col
			for _, c := range sc.cols {
				if c.t == tDate || c.t == tTimestamp || c.t == tTimestamptz {
					cands = append(cands, c)
				}
			}
			if len(cands) > 0 {
				f := pick(g, []string{"YYYY-MM-DD", "YYYY-MM-DD HH24:MI:SS", "DD Mon YYYY", "Day", "FMDay, FMDD FMMonth", "Q", "WW", "IW", "DDD", "HH12:MI AM", "YYYY\"w\"IW", "J"})
				return ex{sql: fmt.Sprintf("to_char(%s, %s)", pick(g, cands).ref(), quote(f)), t: tText}
			}
		}
	}
	return ex{sql: fmt.Sprintf("CAST(starts_with(%s, %s) AS text)", a.sql, quote(pick(g, []string{"a", "é", ""}))), t: tText}
}

func (g *Generator) timeExpr(sc *scope, cl typ, d int) ex {
	if !genDateTime {
		return g.leaf(sc, cl)
	}
	switch cl {
	case tDate:
		switch g.r.Intn(4) {
		case 0:
			a := g.expr(sc, tDate, d)
			return ex{sql: fmt.Sprintf("(%s %s %d)", a.sql, pick(g, []string{"+", "-"}), g.r.Intn(400)), t: tDate}
		case 1:
			if genCasts {
				a := g.leaf(sc, pick(g, []typ{tTimestamp, tTimestamptz}))
				return ex{sql: fmt.Sprintf("CAST(%s AS date)", a.sql), t: tDate}
			}
		}
	case tTimestamp:
		switch g.r.Intn(6) {
		case 0:
			a := g.expr(sc, tTimestamp, d)
			return ex{sql: fmt.Sprintf("date_trunc('%s', %s)", pick(g, truncFields), a.sql), t: tTimestamp}
		case 1:
			a, b := g.expr(sc, tTimestamp, d), g.leaf(sc, tInterval)
			return ex{sql: fmt.Sprintf("(%s %s %s)", a.sql, pick(g, []string{"+", "-"}), b.sql), t: tTimestamp}
		case 2:
			a := g.leaf(sc, tDate)
			return ex{sql: fmt.Sprintf("(%s + %s)", a.sql, g.literal(tInterval, nil)), t: tTimestamp}
		case 3:
			if genCasts {
				a := g.leaf(sc, pick(g, []typ{tDate, tTimestamptz}))
				return ex{sql: fmt.Sprintf("CAST(%s AS timestamp)", a.sql), t: tTimestamp}
			}
		}
	case tTimestamptz:
		switch g.r.Intn(5) {
		case 0:
			a := g.expr(sc, tTimestamptz, d)
			return ex{sql: fmt.Sprintf("date_trunc('%s', %s)", pick(g, truncFields), a.sql), t: tTimestamptz}
		case 1:
			a, b := g.expr(sc, tTimestamptz, d), g.leaf(sc, tInterval)
			return ex{sql: fmt.Sprintf("(%s %s %s)", a.sql, pick(g, []string{"+", "-"}), b.sql), t: tTimestamptz}
		case 2:
			if genCasts {
				a := g.leaf(sc, tTimestamp)
				return ex{sql: fmt.Sprintf("CAST(%s AS timestamptz)", a.sql), t: tTimestamptz}
			}
		}
	case tInterval:
		switch g.r.Intn(6) {
		case 0:
			t := pick(g, []typ{tTimestamp, tTimestamptz})
			a, b := g.leaf(sc, t), g.leaf(sc, t)
			return ex{sql: fmt.Sprintf("(%s - %s)", a.sql, b.sql), t: tInterval}
		case 1:
			a, b := g.expr(sc, tInterval, d), g.expr(sc, tInterval, d)
			return ex{sql: fmt.Sprintf("(%s %s %s)", a.sql, pick(g, []string{"+", "-"}), b.sql), t: tInterval}
		case 2:
			a := g.leaf(sc, tInterval)
			return ex{sql: fmt.Sprintf("(%s * %d)", a.sql, g.r.Intn(7)-2), t: tInterval}
		case 3:
			a := g.expr(sc, tInterval, d)
			return ex{sql: fmt.Sprintf("(- %s)", a.sql), t: tInterval}
		}
	}
	return g.leaf(sc, cl)
}

var truncFields = []string{"year", "quarter", "month", "week", "day", "hour", "minute", "second"}

// value returns a value of class cl, its type and whether it is NULL:
// a value column c holds, when c is a base column, else a random one.
func (g *Generator) value(cl typ, c *col) (t typ, s string, isNull bool) {
	if g.pct(2) {
		t = cl
		if c != nil {
			t = c.t
		}
		return t, "", true
	}
	if c != nil && c.base != nil && !c.fuzzy && g.pct(85) {
		if s, ok := c.tbl.sample(g.r, c.base); ok {
			return c.base.typ, s, false
		}
	}
	return cl, g.randomValue(cl), false
}

// literal returns a literal of class cl, from the values of c when c is
// a base column.
func (g *Generator) literal(cl typ, c *col) string {
	t, s, isNull := g.value(cl, c)
	if isNull {
		return "CAST(NULL AS " + typNames[t] + ")"
	}
	return formatLiteral(t, s)
}

// bounds returns two literals for BETWEEN, mostly in ascending order.
func (g *Generator) bounds(cl typ, c *col) (string, string) {
	t1, s1, n1 := g.value(cl, c)
	t2, s2, n2 := g.value(cl, c)
	if !n1 && !n2 && t1 == t2 && g.pct(85) && lessValue(t1, s2, s1) {
		t1, s1, t2, s2 = t2, s2, t1, s1
	}
	lit := func(t typ, s string, isNull bool) string {
		if isNull {
			return "CAST(NULL AS " + typNames[t] + ")"
		}
		return formatLiteral(t, s)
	}
	return lit(t1, s1, n1), lit(t2, s2, n2)
}

// lessValue reports whether value a sorts before b in type t (false when
// it cannot tell).
func lessValue(t typ, a, b string) bool {
	switch {
	case t.isNumber():
		x, err1 := strconv.ParseFloat(a, 64)
		y, err2 := strconv.ParseFloat(b, 64)
		return err1 == nil && err2 == nil && x < y
	case t == tText || t == tDate || t == tTimestamp:
		return a < b // C collation; ISO dates
	case t == tTimestamptz:
		const layout = "2006-01-02 15:04:05.999999-07:00"
		x, err1 := time.Parse(layout, a)
		y, err2 := time.Parse(layout, b)
		return err1 == nil && err2 == nil && x.Before(y)
	}
	return false
}

// subject returns what a predicate tests: mostly a plain column of class
// cl, else an expression.
func (g *Generator) subject(sc *scope, cl typ, depth int) ex {
	if cs := colsOf(sc, cl); len(cs) > 0 && g.pct(65) {
		c := pick(g, cs)
		return ex{sql: c.ref(), t: c.t, fuzzy: c.fuzzy, col: &c}
	}
	return g.expr(sc, cl, depth)
}

// otherLeaf returns a column of class cl other than not, or a literal.
func (g *Generator) otherLeaf(sc *scope, cl typ, not *col) ex {
	var cs []col
	for _, c := range colsOf(sc, cl) {
		if not == nil || c.ref() != not.ref() {
			cs = append(cs, c)
		}
	}
	if len(cs) > 0 && g.pct(85) {
		c := pick(g, cs)
		return ex{sql: c.ref(), t: c.t, fuzzy: c.fuzzy, col: &c}
	}
	return ex{sql: g.literal(cl, not), t: cl}
}

// randomValue returns a random value of class cl as text.
func (g *Generator) randomValue(cl typ) string {
	switch cl {
	case tInt4:
		return intMix(50, 2000)(g.r)
	case tNumeric:
		return numericGen(g.r)
	case tFloat:
		return floatGen(false)(g.r)
	case tText:
		return wordGen(2, false)(g.r)
	case tBool:
		return boolGen(g.r)
	case tDate:
		return dateGen(g.r)
	case tTimestamp:
		return timestampGen(g.r)
	case tTimestamptz:
		return timestamptzGen(g.r)
	case tInterval:
		return intervalGen(g.r)
	}
	panic("differential: no literal for " + cl.String())
}

// formatLiteral writes value s of type t as an SQL literal of that type.
func formatLiteral(t typ, s string) string {
	switch t {
	case tInt2, tInt4, tInt8, tNumeric:
		if strings.HasPrefix(s, "-") {
			return "(" + s + ")"
		}
		return s
	case tFloat:
		return "CAST(" + quote(s) + " AS double precision)"
	case tText:
		return quote(s)
	case tBool:
		return strings.ToUpper(s)
	case tDate:
		return "DATE " + quote(s)
	case tTimestamp:
		return "TIMESTAMP " + quote(s)
	case tTimestamptz:
		return "TIMESTAMPTZ " + quote(s)
	case tInterval:
		return "INTERVAL " + quote(s)
	}
	panic("differential: no literal for " + t.String())
}

// whereClause returns " WHERE cond" holding the comma joins' conditions
// and, p times in a hundred, a random condition; or "".
func (g *Generator) whereClause(sc *scope, depth, p int) string {
	conds := slices.Clone(sc.conds)
	if g.pct(p) {
		conds = append(conds, g.where(sc, depth))
	}
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

// where returns a WHERE condition: random predicates, often with one on
// the primary key of a base table (a point lookup or a range scan).
func (g *Generator) where(sc *scope, depth int) string {
	p := g.pred(sc, g.r.Intn(3))
	if g.pct(35) {
		if k, ok := g.keyPred(sc); ok {
			if g.pct(40) {
				return k
			}
			p = k + " AND " + p
		}
	}
	if genSubqueries && depth > 0 && g.pct(18) {
		s := g.subqueryPred(sc, depth-1)
		if g.pct(50) {
			return s + " AND " + p
		}
		return "(" + s + " OR " + p + ")"
	}
	return p
}

// keyPred returns a predicate on the primary key of a base relation.
func (g *Generator) keyPred(sc *scope) (string, bool) {
	var bases []*rel
	for _, r := range sc.rels {
		if r.tbl != nil && len(r.tbl.pk()) > 0 {
			bases = append(bases, r)
		}
	}
	if len(bases) == 0 {
		return "", false
	}
	r := pick(g, bases)
	pk := r.tbl.pk()
	first := pk[0]
	ref := r.alias + "." + first.name
	lit := func(c *colDef) string {
		v, _ := r.tbl.sample(g.r, c)
		return formatLiteral(c.typ, v)
	}
	sorted2 := func(c *colDef) (string, string) {
		a, _ := r.tbl.sample(g.r, c)
		b, _ := r.tbl.sample(g.r, c)
		if c.typ.isInt() {
			x, _ := strconv.ParseInt(a, 10, 64)
			y, _ := strconv.ParseInt(b, 10, 64)
			if x > y {
				a, b = b, a
			}
		} else if a > b {
			a, b = b, a
		}
		return formatLiteral(c.typ, a), formatLiteral(c.typ, b)
	}
	switch x := g.r.Intn(8); {
	case x < 3:
		p := ref + " = " + lit(first)
		if len(pk) > 1 && g.pct(60) {
			second := r.alias + "." + pk[1].name
			if g.pct(50) {
				p += " AND " + second + " = " + lit(pk[1])
			} else {
				p += " AND " + second + " " + pick(g, []string{">", ">=", "<", "<="}) + " " + lit(pk[1])
			}
		}
		return p, true
	case x < 5:
		lo, hi := sorted2(first)
		return ref + " BETWEEN " + lo + " AND " + hi, true
	case x < 6:
		lo, hi := sorted2(first)
		return fmt.Sprintf("%s %s %s AND %s %s %s", ref, pick(g, []string{">", ">="}), lo, ref, pick(g, []string{"<", "<="}), hi), true
	case x < 7:
		return fmt.Sprintf("%s IN (%s, %s, %s)", ref, lit(first), lit(first), lit(first)), true
	default:
		return ref + " " + pick(g, []string{"<", ">", "<=", ">="}) + " " + lit(first), true
	}
}

// pred returns a boolean expression over sc.
func (g *Generator) pred(sc *scope, depth int) string {
	if depth > 0 {
		switch g.r.Intn(12) {
		case 0, 1:
			return fmt.Sprintf("(%s AND %s)", g.pred(sc, depth-1), g.pred(sc, depth-1))
		case 2, 3:
			return fmt.Sprintf("(%s OR %s)", g.pred(sc, depth-1), g.pred(sc, depth-1))
		case 4:
			return fmt.Sprintf("NOT (%s)", g.pred(sc, depth-1))
		}
	}
	cl := pick(g, allClasses())
	if g.pct(70) {
		// Prefer what the scope has.
		c := pick(g, sc.cols)
		cl = class(c.t)
	}
	switch x := g.r.Intn(100); {
	case x < 35:
		if cl == tBool {
			break
		}
		a := g.subject(sc, cl, min(depth, 1))
		var b string
		if g.pct(75) {
			b = g.literal(cl, a.col)
		} else {
			other := cl
			if cl.isNumber() {
				other = pick(g, []typ{tInt4, tNumeric, tFloat})
			}
			b = g.otherLeaf(sc, other, a.col).sql
		}
		if g.pct(50) {
			return fmt.Sprintf("%s %s %s", b, pick(g, cmpOps), a.sql)
		}
		return fmt.Sprintf("%s %s %s", a.sql, pick(g, cmpOps), b)
	case x < 45:
		a := g.subject(sc, cl, min(depth, 1))
		return fmt.Sprintf("%s IS %sNULL", a.sql, pick(g, []string{"", "NOT "}))
	case x < 55:
		if cl == tBool {
			break
		}
		a := g.subject(sc, cl, 0)
		not := pick(g, []string{"", "", "NOT "})
		sym := ""
		if g.pct(15) {
			sym = "SYMMETRIC "
		}
		lo, hi := g.bounds(cl, a.col)
		return fmt.Sprintf("%s %sBETWEEN %s%s AND %s", a.sql, not, sym, lo, hi)
	case x < 65:
		if cl == tBool {
			break
		}
		a := g.subject(sc, cl, min(depth, 1))
		n := 1 + g.r.Intn(5)
		items := make([]string, n)
		for i := range items {
			items[i] = g.literal(cl, a.col)
		}
		if g.pct(10) {
			items = append(items, "NULL")
		}
		return fmt.Sprintf("%s %sIN (%s)", a.sql, pick(g, []string{"", "", "NOT "}), strings.Join(items, ", "))
	case x < 78:
		return g.likePred(sc)
	case x < 84:
		if cl == tBool {
			break
		}
		a := g.subject(sc, cl, 0)
		return fmt.Sprintf("%s IS %sDISTINCT FROM %s", a.sql, pick(g, []string{"", "NOT "}), g.literal(cl, a.col))
	case x < 92:
		if cs := colsOf(sc, tBool); len(cs) > 0 {
			c := pick(g, cs)
			switch g.r.Intn(4) {
			case 0:
				return c.ref()
			case 1:
				return "NOT " + c.ref()
			default:
				return fmt.Sprintf("%s IS %s%s", c.ref(), pick(g, []string{"", "NOT "}), pick(g, []string{"TRUE", "FALSE", "UNKNOWN"}))
			}
		}
	}
	// A comparison of two columns of one class.
	for range 5 {
		a := pick(g, sc.cols)
		if a.t == tBool {
			continue
		}
		b := g.otherLeaf(sc, class(a.t), &a)
		return fmt.Sprintf("%s %s %s", a.ref(), pick(g, cmpOps), b.sql)
	}
	return pick(g, []string{"TRUE", "FALSE"})
}

// likePred returns a LIKE or ILIKE on a text expression, with a pattern
// made from a value the column holds.
func (g *Generator) likePred(sc *scope) string {
	cs := colsOf(sc, tText)
	if len(cs) == 0 {
		return "TRUE"
	}
	c := pick(g, cs)
	subject := c.ref()
	var v string
	if c.base != nil {
		v, _ = c.tbl.sample(g.r, c.base)
	} else {
		v = wordGen(2, false)(g.r)
	}
	if g.pct(20) {
		subject = g.expr(sc, tText, 1).sql
	}
	runes := []rune(v)
	var pat string
	switch g.r.Intn(6) {
	case 0:
		pat = string(runes[:min(len(runes), 1+g.r.Intn(3))]) + "%"
	case 1:
		if len(runes) > 2 {
			i := g.r.Intn(len(runes) - 1)
			pat = "%" + string(runes[i:i+2]) + "%"
		} else {
			pat = "%" + v + "%"
		}
	case 2:
		if len(runes) > 0 {
			i := g.r.Intn(len(runes))
			runes[i] = '_'
		}
		pat = string(runes)
	case 3:
		pat = "%" + string(runes[max(0, len(runes)-2):])
	case 4:
		pat = v
	default:
		pat = pick(g, []string{"%", "_", "%a%", "a%", "%_%", "__", "%é%", "% %", ""})
	}
	op := pick(g, []string{"LIKE", "LIKE", "NOT LIKE"})
	if genCaseFolding && g.pct(30) {
		op = pick(g, []string{"ILIKE", "NOT ILIKE"})
		pat = swapCase(pat)
	}
	return fmt.Sprintf("%s %s %s", subject, op, quote(pat))
}

// swapCase swaps the case of ASCII letters.
func swapCase(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case 'a' <= c && c <= 'z':
			b[i] = c - 32
		case 'A' <= c && c <= 'Z':
			b[i] = c + 32
		}
	}
	if !utf8.Valid(b) {
		return s
	}
	return string(b)
}

// subqueryPred returns EXISTS, IN or a comparison with a scalar subquery,
// correlated with sc along an edge when one fits.
func (g *Generator) subqueryPred(sc *scope, depth int) string {
	outerCol, inner, innerCol, corr := g.correlation(sc)
	ir := g.baseRel(inner)
	isc := &scope{}
	isc.add(ir)
	ic := ir.alias + "." + innerCol.name
	innerWhere := func(correlate bool) string {
		var conds []string
		if correlate {
			conds = append(conds, fmt.Sprintf("%s = %s", ic, outerCol.ref()))
		}
		if g.pct(70) {
			conds = append(conds, g.pred(isc, 1))
		}
		if genNestedSubqueries && depth > 0 && g.pct(6) {
			// A nested subquery, which may refer to this level and to
			// the levels around it.
			conds = append(conds, g.subqueryPred(merge(isc, sc), depth-1))
		}
		if len(conds) == 0 {
			return ""
		}
		return " WHERE " + strings.Join(conds, " AND ")
	}
	switch g.r.Intn(5) {
	case 0:
		return fmt.Sprintf("%sEXISTS (SELECT 1 FROM %s%s)", pick(g, []string{"", "NOT "}), ir.sql, innerWhere(corr && g.pct(80)))
	case 1, 2:
		// IN over the joined column (a NOT IN sees the NULLs it holds).
		in := fmt.Sprintf("SELECT %s FROM %s%s", ic, ir.sql, innerWhere(false))
		if genSetOps && g.pct(20) {
			ir2 := g.baseRel(inner)
			isc2 := &scope{}
			isc2.add(ir2)
			in += fmt.Sprintf(" %s SELECT %s.%s FROM %s WHERE %s", pick(g, []string{"UNION", "UNION ALL", "EXCEPT", "INTERSECT"}), ir2.alias, innerCol.name, ir2.sql, g.pred(isc2, 1))
		}
		return fmt.Sprintf("%s %sIN (%s)", outerCol.ref(), pick(g, []string{"", "", "NOT "}), in)
	default:
		a := g.agg(isc, 0)
		if a.t == tBool || a.fuzzy {
			return fmt.Sprintf("EXISTS (SELECT 1 FROM %s%s)", ir.sql, innerWhere(corr))
		}
		other := g.expr(sc, class(a.t), 1)
		return fmt.Sprintf("%s %s (SELECT %s FROM %s%s)", other.sql, pick(g, cmpOps), a.sql, ir.sql, innerWhere(corr && g.pct(80)))
	}
}

// merge returns a scope holding the columns of both.
func merge(a, b *scope) *scope {
	return &scope{cols: append(slices.Clone(a.cols), b.cols...)}
}

// correlation picks an outer column and an inner table column joined by
// an edge; corr is false when no outer column lies on an edge, and then
// the outer column is one of the inner table's type class.
func (g *Generator) correlation(sc *scope) (outer col, inner *table, innerCol *colDef, corr bool) {
	type cand struct {
		o  col
		t  *table
		ic *colDef
	}
	var cands []cand
	for _, e := range g.ds.edges {
		if len(e.acol) != 1 {
			continue
		}
		for _, c := range sc.cols {
			if c.tbl == e.a && c.base == e.acol[0] {
				cands = append(cands, cand{c, e.b, e.bcol[0]})
			}
			if c.tbl == e.b && c.base == e.bcol[0] {
				cands = append(cands, cand{c, e.a, e.acol[0]})
			}
		}
	}
	if len(cands) > 0 {
		c := pick(g, cands)
		return c.o, c.t, c.ic, true
	}
	// No edge: compare any column with an inner column of its class.
	for range 20 {
		o := pick(g, sc.cols)
		t := pick(g, g.ds.tables)
		for _, ic := range t.cols {
			if class(ic.typ) == class(o.t) && o.t != tBool && !o.fuzzy {
				return o, t, ic, false
			}
		}
	}
	t := g.table("items")
	return col{name: "1", t: tInt4}, t, t.col("id"), false
}

// scalarSubquery returns a (SELECT agg FROM t WHERE ...) for the select
// list, correlated with sc when an edge fits.
func (g *Generator) scalarSubquery(sc *scope, depth int) ex {
	outerCol, inner, innerCol, corr := g.correlation(sc)
	ir := g.baseRel(inner)
	isc := &scope{}
	isc.add(ir)
	var conds []string
	if corr {
		conds = append(conds, fmt.Sprintf("%s.%s = %s", ir.alias, innerCol.name, outerCol.ref()))
	}
	if g.pct(50) {
		conds = append(conds, g.pred(isc, 1))
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	if g.pct(25) {
		// The first value of a column in a total order: one row or none.
		c := pick(g, ir.cols)
		if !c.fuzzy {
			return ex{sql: fmt.Sprintf("(SELECT %s FROM %s%s ORDER BY 1%s%s LIMIT 1)", c.ref(), ir.sql, where,
				pick(g, []string{"", " DESC"}), pick(g, []string{"", " NULLS FIRST", " NULLS LAST"})), t: c.t}
		}
	}
	a := g.agg(isc, depth)
	return ex{sql: fmt.Sprintf("(SELECT %s FROM %s%s)", a.sql, ir.sql, where), t: a.t, fuzzy: a.fuzzy}
}

// errorQuery returns a query both servers must reject, with the same
// SQLSTATE.
func (g *Generator) errorQuery() Query {
	items := g.table("items")
	id := func(c *colDef) string {
		// An id whose row has a non-NULL c.
		i := items.colIndex(c)
		for {
			row := items.data[g.r.Intn(len(items.data))]
			if !row[i].null {
				return formatLiteral(tInt4, row[0].s)
			}
		}
	}
	var sql string
	switch g.r.Intn(9) {
	case 0: // 22012
		sql = "SELECT qty / 0 FROM items WHERE id = " + id(items.col("qty"))
	case 1: // 22012
		sql = "SELECT price % 0 FROM items WHERE id = " + id(items.col("price"))
	case 2: // 22P02
		sql = "SELECT CAST(name AS integer) FROM items WHERE id = " + id(items.col("name"))
	case 3: // 22003
		sql = "SELECT big * 9223372036854775807 FROM items WHERE big > 1"
	case 4: // 21000
		sql = "SELECT (SELECT id FROM items WHERE id > 0) FROM dims"
	case 5: // 42703
		sql = "SELECT nosuch FROM items"
	case 6: // 42P01
		sql = "SELECT * FROM nosuch_table"
	case 7: // 42883
		sql = "SELECT name + 1 FROM items"
	default: // 42803
		sql = "SELECT grp, qty FROM items GROUP BY grp"
	}
	return Query{SQL: sql, ExpectError: true}
}
