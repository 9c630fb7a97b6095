package sql

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/eddy-db/eddy/connectors"
	_ "github.com/eddy-db/eddy/connectors/all" // registers every connector
	"github.com/eddy-db/eddy/mview"
	"github.com/eddy-db/eddy/sql/binder"
	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/functions"
	"github.com/eddy-db/eddy/sql/parser"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// validateTimeout bounds how long CREATE SOURCE waits for an external
// system (a Kafka broker) to answer.
const validateTimeout = 10 * time.Second

// includeDefaults are the column names and types of INCLUDE clauses
// without AS or a type (RisingWave's).
var includeDefaults = map[string]struct {
	name string
	typ  types.Type
}{
	"KEY":       {"_rw_key", types.TBytea},
	"PARTITION": {"_rw_kafka_partition", types.TVarchar},
	"OFFSET":    {"_rw_kafka_offset", types.TVarchar},
	"TIMESTAMP": {"_rw_kafka_timestamp", types.TTimestamptz},
}

// bindCreateSource: CREATE SOURCE s (columns) [INCLUDE ...] WITH
// (connector = ...) [FORMAT ... ENCODE ...]. A source stores nothing:
// each materialized view over it reads it from its own position, kept in
// the view's checkpoints.
func (s *Session) bindCreateSource(p *Prepared, b *binder.Binder, cs *parser.CreateSource) error {
	if len(cs.Generated) > 0 {
		return sqlerr.NotSupported("generated columns")
	}
	if len(cs.Structs) > 0 {
		return sqlerr.NotSupported("STRUCT columns")
	}
	if len(cs.PrimaryKey) > 0 {
		return sqlerr.New(sqlerr.InvalidTableDefinition, "a source cannot have a primary key").
			WithHint("Use CREATE TABLE with the connector to keep the latest row per key.")
	}
	schema, name := splitName(cs.Name)
	schema, err := s.creationSchema(schema, name)
	if err != nil {
		return err
	}
	o := &catalog.Object{Name: name, Schema: schema, Kind: catalog.KindSource, Owner: s.User, AppendOnly: true,
		Format: cs.Format, Encode: cs.Encode}
	for _, cd := range cs.Columns {
		col, _, err := bindColumnDef(b, o, cd)
		if err != nil {
			return err
		}
		if col.Default != "" {
			return sqlerr.NotSupported("DEFAULT on a source column")
		}
		o.Columns = append(o.Columns, col)
	}
	if len(cs.Columns) == 0 {
		if o.Columns, err = schemaColumns(cs); err != nil {
			return err
		}
	}
	if err := s.bindIncludes(o, cs.Includes); err != nil {
		return err
	}
	if len(o.Columns) == 0 {
		return sqlerr.NotSupported("sources without columns (except with a schema registry: ENCODE AVRO or PROTOBUF)")
	}
	o.Columns = append(o.Columns, catalog.Column{Name: catalog.RowIDColumn, Type: types.TInt8, Hidden: true, NotNull: true})
	o.PK = []int{len(o.Columns) - 1}
	if err := bindWatermarks(b, o, cs.Watermarks); err != nil {
		return err
	}
	for _, kv := range cs.With {
		o.With = append(o.With, catalog.Option{Key: kv.Key, Value: kv.Value})
	}
	for _, kv := range cs.EncodeOptions {
		o.EncodeOptions = append(o.EncodeOptions, catalog.Option{Key: kv.Key, Value: kv.Value})
	}
	spec := mview.SourceSpec(o)
	conn, err := connectors.Lookup(spec)
	if err != nil {
		return err
	}
	if conn.AppendOnly != nil && !conn.AppendOnly(spec) {
		return sqlerr.NotSupported("FORMAT %s on a source (use CREATE TABLE with a primary key)", cs.Format)
	}
	o.Definition = sourceDefinition(o)
	ts := &tableSpec{obj: o, ifNotExists: cs.IfNotExists}
	p.utility = func(ctx context.Context, s *Session, _ []types.Datum) (*result, error) {
		vctx, cancel := context.WithTimeout(ctx, validateTimeout)
		defer cancel()
		if err := conn.Validate(vctx, spec); err != nil {
			return nil, err
		}
		_, err := s.createRelation(ts)
		return &result{tag: "CREATE SOURCE"}, err
	}
	return nil
}

// bindIncludes adds the INCLUDE columns of a CREATE SOURCE or CREATE
// TABLE with a connector to o.
func (s *Session) bindIncludes(o *catalog.Object, incs []parser.Include) error {
	for _, inc := range incs {
		d, ok := includeDefaults[inc.Kind]
		if !ok || inc.Extra != "" {
			return sqlerr.NotSupported("INCLUDE %s", strings.ToLower(inc.Kind))
		}
		col := catalog.Column{Name: d.name, Type: d.typ, Include: inc.Kind}
		if inc.Alias != "" {
			col.Name = inc.Alias
		}
		if inc.Type != "" {
			t, err := s.resolveTypeText(inc.Type)
			if err != nil {
				return err
			}
			col.Type = t
		}
		if o.ColumnIndex(col.Name) >= 0 {
			return sqlerr.New(sqlerr.DuplicateColumn, "column \"%s\" specified more than once", col.Name)
		}
		o.Columns = append(o.Columns, col)
	}
	return nil
}

// resolveTypeText resolves a type name written as text (INCLUDE ... type).
func (s *Session) resolveTypeText(name string) (types.Type, error) {
	t, ok := types.ByName(strings.ToLower(name))
	if !ok {
		return types.Type{}, sqlerr.New(sqlerr.UndefinedObject, "type \"%s\" does not exist", name)
	}
	return t, nil
}

// secretOption reports whether an option's value must not be shown back
// (SHOW CREATE, catalogs).
func secretOption(key string) bool {
	k := strings.ToLower(key)
	for _, w := range []string{"password", "secret", "token", "credential", "jaas", "private"} {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

// sourceDefinition is the CREATE SOURCE statement of o, or the CREATE
// TABLE statement of a table with a connector, as SHOW CREATE shows it:
// secrets masked.
func sourceDefinition(o *catalog.Object) string {
	var b strings.Builder
	word := "SOURCE"
	if o.Kind == catalog.KindTable {
		word = "TABLE"
	}
	fmt.Fprintf(&b, "CREATE %s %s (", word, functions.QuoteIdent(o.Name))
	first := true
	var pk []string
	for i, c := range o.Columns {
		if o.PKDeclared && slices.Contains(o.PK, i) {
			pk = append(pk, functions.QuoteIdent(c.Name))
		}
		if c.Hidden || c.Include != "" {
			continue
		}
		if !first {
			b.WriteString(", ")
		}
		first = false
		fmt.Fprintf(&b, "%s %s", functions.QuoteIdent(c.Name), c.Type)
		if c.NotNull && !slices.Contains(o.PK, i) {
			b.WriteString(" NOT NULL")
		}
	}
	if len(pk) > 0 {
		fmt.Fprintf(&b, ", PRIMARY KEY (%s)", strings.Join(pk, ", "))
	}
	for _, w := range o.Watermarks {
		fmt.Fprintf(&b, ", WATERMARK FOR %s AS %s", functions.QuoteIdent(o.Columns[w.Column].Name), w.Expr)
	}
	b.WriteString(")")
	if o.Kind == catalog.KindTable && o.AppendOnly {
		b.WriteString(" APPEND ONLY")
	}
	if o.OnConflict != "" {
		fmt.Fprintf(&b, " ON CONFLICT %s", o.OnConflict)
	}
	for _, c := range o.Columns {
		if c.Include != "" {
			fmt.Fprintf(&b, " INCLUDE %s %s AS %s", strings.ToLower(c.Include), c.Type, functions.QuoteIdent(c.Name))
		}
	}
	b.WriteString(" WITH ")
	writeOptions(&b, o.With)
	if o.Format != "" {
		fmt.Fprintf(&b, " FORMAT %s ENCODE %s", o.Format, o.Encode)
		if len(o.EncodeOptions) > 0 {
			b.WriteString(" ")
			writeOptions(&b, o.EncodeOptions)
		}
	}
	return b.String()
}

// writeOptions writes (key = 'value', ...) with secrets masked.
func writeOptions(b *strings.Builder, opts []catalog.Option) {
	b.WriteString("(")
	for i, kv := range opts {
		if i > 0 {
			b.WriteString(", ")
		}
		v := kv.Value
		if secretOption(kv.Key) {
			v = "[REDACTED]"
		}
		fmt.Fprintf(b, "%s = '%s'", kv.Key, strings.ReplaceAll(v, "'", "''"))
	}
	b.WriteString(")")
}

func init() {
	registerSystem("rw_catalog", "rw_sources", virtual("rw_sources", []sysCol{
		{"id", types.TInt4}, {"name", types.TVarchar}, {"schema_name", types.TVarchar}, {"owner", types.TVarchar},
		{"connector", types.TVarchar}, {"format", types.TVarchar}, {"encode", types.TVarchar}, {"definition", types.TVarchar},
	}, func(s *Session) []types.Row {
		var rows []types.Row
		for _, o := range s.eng.Catalog.Objects() {
			if o.Kind != catalog.KindSource {
				continue
			}
			conn, _ := o.Option("connector")
			rows = append(rows, types.Row{dInt(int64(o.ID)), dText(o.Name), dText(o.Schema), dText(o.Owner),
				dText(strings.ToLower(conn)), dTextOrNull(o.Format), dTextOrNull(o.Encode), dText(o.Definition)})
		}
		return rows
	}))
	// Each materialized view reads a source from its own position: rows
	// read and records skipped (undecodable) are counted per view, since
	// the server started. A table with a connector reads it once, for
	// itself: its row has the table's name as source_name and a NULL
	// materialized_view.
	registerSystem("rw_catalog", "rw_source_stats", virtual("rw_source_stats", []sysCol{
		{"source_name", types.TVarchar}, {"materialized_view", types.TVarchar},
		{"rows_read", types.TInt8}, {"error_count", types.TInt8}, {"status", types.TVarchar},
	}, func(s *Session) []types.Row {
		var rows []types.Row
		for _, st := range s.eng.sourceStats() {
			rows = append(rows, types.Row{dText(st.Source), dTextOrNull(st.View), dInt(st.Rows), dInt(st.Errors), dText(st.Status)})
		}
		return rows
	}))
	// The last records each source reader skipped, with where they were
	// (partition and offset NULL when unknown).
	registerSystem("rw_catalog", "rw_source_errors", virtual("rw_source_errors", []sysCol{
		{"source_name", types.TVarchar}, {"materialized_view", types.TVarchar}, {"error_time", types.TTimestamptz},
		{"partition", types.TInt4}, {"offset", types.TInt8}, {"error", types.TVarchar},
	}, func(s *Session) []types.Row {
		var rows []types.Row
		for _, st := range s.eng.sourceStats() {
			for _, e := range st.Recent {
				part, off := types.Null, types.Null
				if e.Partition >= 0 {
					part = dInt(int64(e.Partition))
				}
				if e.Offset >= 0 {
					off = dInt(e.Offset)
				}
				rows = append(rows, types.Row{dText(st.Source), dTextOrNull(st.View), types.NewTimestamptz(e.Time.UnixMicro()),
					part, off, dText(e.Message)})
			}
		}
		return rows
	}))
}
