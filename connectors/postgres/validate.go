package postgres

import (
	"context"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// Validate checks the options, then the target table on the server (see
// the package comment for the errors).
func Validate(ctx context.Context, spec *connectors.SinkSpec) error {
	c, err := parseConfig(spec)
	if err != nil {
		return err
	}
	conn, err := c.connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	return c.checkTable(ctx, conn)
}

// targetColumn is one column of the target table.
type targetColumn struct {
	name     string
	typ      string // format_type
	typOID   uint32
	category string // pg_type.typcategory (of the base type, for a domain)
	elemCat  string // the element's category, for arrays
	required bool   // NOT NULL without a default, identity or generation
}

const columnsQuery = `
SELECT a.attname::text, format_type(a.atttypid, a.atttypmod),
       coalesce(b.oid, t.oid)::int8, coalesce(b.typcategory, t.typcategory)::text,
       coalesce(e.typcategory::text, ''),
       a.attnotnull AND NOT a.atthasdef AND a.attidentity = '' AND a.attgenerated = ''
FROM pg_attribute a
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_type b ON t.typtype = 'd' AND b.oid = t.typbasetype
LEFT JOIN pg_type e ON e.oid = coalesce(b.typelem, t.typelem) AND coalesce(b.typcategory, t.typcategory) = 'A'
WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum`

// uniqueKeysQuery lists the key columns of the table's unique indexes that
// ON CONFLICT (cols) can infer: valid, immediate, not partial, no
// expressions.
const uniqueKeysQuery = `
SELECT array_agg(a.attname::text ORDER BY a.attname)
FROM pg_index i
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY ((i.indkey::int2[])[0:i.indnkeyatts - 1])
WHERE i.indrelid = $1::oid AND i.indisunique AND i.indimmediate AND i.indisvalid
  AND i.indpred IS NULL AND i.indexprs IS NULL
GROUP BY i.indexrelid`

// checkTable checks the target table against the sink's columns and key.
func (c *config) checkTable(ctx context.Context, conn *pgx.Conn) error {
	var oid *int64
	var kind string
	err := conn.QueryRow(ctx, `SELECT to_regclass($1)::oid::int8, coalesce((SELECT relkind::text FROM pg_class WHERE oid = to_regclass($1)), '')`,
		c.qualified()).Scan(&oid, &kind)
	if err != nil {
		return c.serverError(err, "look up the table")
	}
	if oid == nil {
		return sqlerr.New(sqlerr.UndefinedTable, "relation \"%s\" does not exist in PostgreSQL database %s", c.display(), c.addr).
			WithHint("Create the table first: the postgres sink writes into an existing table.")
	}
	if kind != "r" && kind != "p" {
		return sqlerr.New(sqlerr.WrongObjectType, "\"%s\" in PostgreSQL database %s is not a table", c.display(), c.addr)
	}
	rows, err := conn.Query(ctx, columnsQuery, *oid)
	if err != nil {
		return c.serverError(err, "read the table's columns")
	}
	byName := map[string]targetColumn{}
	var order []string
	for rows.Next() {
		var tc targetColumn
		var typOID int64
		if err := rows.Scan(&tc.name, &tc.typ, &typOID, &tc.category, &tc.elemCat, &tc.required); err != nil {
			rows.Close()
			return c.serverError(err, "read the table's columns")
		}
		tc.typOID = uint32(typOID)
		byName[tc.name] = tc
		order = append(order, tc.name)
	}
	if err := rows.Err(); err != nil {
		return c.serverError(err, "read the table's columns")
	}
	for _, col := range c.cols {
		tc, ok := byName[col.Name]
		if !ok {
			return sqlerr.New(sqlerr.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist in PostgreSQL database %s",
				col.Name, c.display(), c.addr).WithHint("The target table needs a column of the same name for every column of the sink.")
		}
		if !compatible(col.Type, tc) {
			return sqlerr.New(sqlerr.DatatypeMismatch, "column \"%s\" of relation \"%s\" is of type %s, which cannot hold the sink's %s",
				col.Name, c.display(), tc.typ, col.Type)
		}
	}
	for _, name := range order {
		if tc := byName[name]; tc.required && columnIndex(c.cols, name) < 0 {
			return sqlerr.New(sqlerr.NotNullViolation, "column \"%s\" of relation \"%s\" is NOT NULL without a default, and the sink does not write it",
				name, c.display())
		}
	}
	if !c.upsert {
		return nil
	}
	want := make([]string, len(c.key))
	for i, k := range c.key {
		want[i] = c.cols[k].Name
	}
	slices.Sort(want)
	want = slices.Compact(want)
	keys, err := conn.Query(ctx, uniqueKeysQuery, *oid)
	if err != nil {
		return c.serverError(err, "read the table's indexes")
	}
	defer keys.Close()
	for keys.Next() {
		var cols []string
		if err := keys.Scan(&cols); err != nil {
			return c.serverError(err, "read the table's indexes")
		}
		if slices.Equal(cols, want) {
			return nil
		}
	}
	if err := keys.Err(); err != nil {
		return c.serverError(err, "read the table's indexes")
	}
	return sqlerr.New(sqlerr.InvalidColumnReference, "relation \"%s\" has no primary key or unique constraint on (%s), which an upsert sink needs",
		c.display(), strings.Join(want, ", ")).
		WithHint("Add one (ALTER TABLE %s ADD PRIMARY KEY (%s)), or set primary_key to the columns of an existing one.",
			c.qualified(), quoteNames(want))
}

func quoteNames(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = pgx.Identifier{n}.Sanitize()
	}
	return strings.Join(q, ", ")
}

// compatible reports whether a column of type tc can take the text form
// of values of type t: the same type category (numbers into numbers, date
// and time types into each other), any type into a string column, a
// string into anything (it is parsed by the column's type), and for the
// other categories (bytea, json, uuid, ...) the same type.
func compatible(t types.Type, tc targetColumn) bool {
	cat := string(t.Category())
	switch {
	case tc.category == "S" || cat == "S":
		return true
	case t.ID == types.Array:
		if tc.category != "A" {
			return false
		}
		ecat := string(types.Type{ID: t.Elem}.Category())
		return tc.elemCat == "S" || ecat == "S" || ecat == tc.elemCat && ecat != "U" || t.OID() == tc.typOID
	case cat != tc.category:
		return false
	case cat == "U":
		return t.OID() == tc.typOID || (t.ID == types.Json || t.ID == types.Jsonb) && (tc.typOID == types.TJson.OID() || tc.typOID == types.TJsonb.OID())
	}
	return true
}

// serverError turns an error from a query into an *sqlerr.Error.
func (c *config) serverError(err error, doing string) error {
	return wrapError(err, "postgres sink into \""+c.display()+"\" at "+c.addr+": cannot "+doing)
}
