package sql

import (
	"context"
	"fmt"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/mview"
	"github.com/eddy-db/eddy/sql/catalog"
	"github.com/eddy-db/eddy/sql/functions"
	"github.com/eddy-db/eddy/sql/parser"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// sinkFormats maps the `type` option (RisingWave's older spelling) to a
// FORMAT.
var sinkFormats = map[string]string{"append-only": "PLAIN", "upsert": "UPSERT", "debezium": "DEBEZIUM"}

// bindCreateSink: CREATE SINK s FROM relation | AS query WITH (connector
// = ...) [FORMAT ... ENCODE ... (...)]. The sink is a dataflow like a
// materialized view's whose changes go out through the connector, each
// checkpoint's exactly once.
func (s *Session) bindCreateSink(p *Prepared, cs *parser.CreateSink) error {
	if cs.Into != "" {
		return sqlerr.NotSupported("CREATE SINK ... INTO a table")
	}
	if cs.KeyEncode != "" {
		return sqlerr.NotSupported("KEY ENCODE")
	}
	schema, name := splitName(cs.Name)
	schema, err := s.creationSchema(schema, name)
	if err != nil {
		return err
	}
	with := map[string]string{}
	for _, kv := range cs.With {
		with[strings.ToLower(kv.Key)] = kv.Value
	}
	encOpts := map[string]string{}
	for _, kv := range cs.EncodeOptions {
		encOpts[strings.ToLower(kv.Key)] = kv.Value
	}
	format := strings.ToUpper(cs.Format)
	if t, ok := with["type"]; ok {
		f, known := sinkFormats[strings.ToLower(strings.TrimSpace(t))]
		if !known {
			return sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for option \"type\": %q (append-only, upsert or debezium)", t)
		}
		if format != "" && format != f {
			return sqlerr.New(sqlerr.InvalidParameterValue, "option type = '%s' contradicts FORMAT %s", t, format)
		}
		format = f
	}
	switch format {
	case "", "PLAIN", "UPSERT", "DEBEZIUM":
	default:
		return sqlerr.NotSupported("FORMAT %s for sinks", format)
	}
	force := false
	for _, m := range []map[string]string{with, encOpts} {
		if v, ok := m["force_append_only"]; ok {
			switch strings.ToLower(strings.TrimSpace(v)) {
			case "true":
				force = true
			case "false":
			default:
				return sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for option \"force_append_only\": %q (true or false)", v)
			}
		}
	}
	delete(encOpts, "force_append_only")
	if v, ok := with["snapshot"]; ok && strings.ToLower(strings.TrimSpace(v)) != "true" {
		return sqlerr.NotSupported("snapshot = '%s' (a sink always starts with the current rows)", v)
	}

	// The sink's query: FROM relation reads all of it.
	sqlText, query, offset := p.SQL, cs.Query, p.stmt.Offset
	if cs.From != "" {
		rs, rn := splitName(cs.From)
		sqlText = "SELECT * FROM " + functions.QuoteIdent(rn)
		if strings.Contains(cs.From, ".") {
			sqlText = "SELECT * FROM " + functions.QuoteIdent(rs) + "." + functions.QuoteIdent(rn)
		}
		tree, err := pg.Parse(sqlText)
		if err != nil || len(tree.Stmts) != 1 {
			return sqlerr.New(sqlerr.SyntaxError, "invalid relation name \"%s\"", cs.From)
		}
		query, offset = tree.Stmts[0].Stmt, 0
	}
	res, plan, err := s.viewPlan(sqlText, query, offset, cs.EmitOnWindowClose, nil)
	if err != nil {
		return err
	}
	text, err := deparseQuery(query)
	if err != nil {
		return sqlerr.New(sqlerr.InternalError, "cannot store the sink's query: %v", err)
	}
	o := &catalog.Object{Name: name, Schema: schema, Kind: catalog.KindSink, Owner: s.User, Query: text, SearchPath: s.storedSearchPath(),
		Format: format, Encode: strings.ToUpper(cs.Encode), DependsOn: res.Deps}
	o.TimeZone, o.DateStyle = s.storedValueSettings()
	extra := &mview.SinkExtra{ForceAppendOnly: force && !plan.AppendOnly}
	pos := map[int]int{} // plan column -> sink column
	for i, c := range plan.Cols {
		if plan.Hidden[i] || i >= len(res.Names) {
			continue
		}
		if o.ColumnIndex(res.Names[i]) >= 0 {
			return sqlerr.New(sqlerr.DuplicateColumn, "column \"%s\" specified more than once", res.Names[i]).
				WithHint("Give the sink's columns distinct names with AS.")
		}
		pos[i] = len(o.Columns)
		o.Columns = append(o.Columns, catalog.Column{Name: res.Names[i], Type: c.Type})
		extra.Columns = append(extra.Columns, i)
	}
	if len(o.Columns) == 0 {
		return sqlerr.New(sqlerr.InvalidParameterValue, "a sink needs at least one column")
	}
	if pk, ok := with["primary_key"]; ok {
		for _, n := range strings.Split(pk, ",") {
			n = strings.TrimSpace(n)
			i := o.ColumnIndex(n)
			if i < 0 {
				return sqlerr.New(sqlerr.UndefinedColumn, "primary_key column \"%s\" is not a column of the sink", n)
			}
			extra.Key = append(extra.Key, i)
		}
	} else {
		for _, k := range plan.Key {
			i, ok := pos[k]
			if !ok {
				extra.Key = nil
				break
			}
			extra.Key = append(extra.Key, i)
		}
	}
	extra.AppendOnly = plan.AppendOnly || force
	if format == "" {
		// Neither FORMAT nor type: inserts only when that is all there is,
		// every change by key otherwise (connectors without FORMAT, like
		// postgres, take it so).
		format = "PLAIN"
		if !extra.AppendOnly {
			format = "UPSERT"
		}
		o.Format = format
	}
	switch {
	case format == "PLAIN" && !extra.AppendOnly:
		return sqlerr.New(sqlerr.InvalidParameterValue, "The sink cannot be append-only. Please add \"force_append_only='true'\" in options to force the sink to be append-only. "+
			"Notice that this will cause the sink executor to drop DELETE messages and convert UPDATE messages to INSERT.").
			WithHint("Or write every change with FORMAT UPSERT or FORMAT DEBEZIUM.")
	case format != "PLAIN" && len(extra.Key) == 0:
		return sqlerr.New(sqlerr.InvalidParameterValue, "primary key not defined for a %s sink: the query's key columns are not among its output", strings.ToLower(format)).
			WithHint("Add primary_key = 'col[, ...]' to WITH (...), or select the key columns.")
	}
	o.AppendOnly = extra.AppendOnly
	for _, kv := range cs.With {
		o.With = append(o.With, catalog.Option{Key: strings.ToLower(kv.Key), Value: kv.Value})
	}
	for _, kv := range cs.EncodeOptions {
		o.EncodeOptions = append(o.EncodeOptions, catalog.Option{Key: strings.ToLower(kv.Key), Value: kv.Value})
	}
	o.Definition = sinkDefinition(o, cs.From, text)
	spec := mview.SinkSpec(o, extra, s.eng.MV.Database)
	conn, err := connectors.LookupSink(spec)
	if err != nil {
		return err
	}
	ifNotExists := cs.IfNotExists
	ex := mview.Extra{EmitOnWindowClose: cs.EmitOnWindowClose, Sink: extra}
	p.utility = func(ctx context.Context, s *Session, _ []types.Datum) (*result, error) {
		vctx, cancel := context.WithTimeout(ctx, validateTimeout)
		defer cancel()
		if err := conn.Validate(vctx, spec); err != nil {
			return nil, err
		}
		return &result{tag: "CREATE_SINK"}, s.createDataflow(ctx, o, plan, ifNotExists, ex)
	}
	return nil
}

// sinkDefinition is the CREATE SINK statement of o as SHOW CREATE shows
// it: secrets masked.
func sinkDefinition(o *catalog.Object, from, query string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE SINK %s ", functions.QuoteIdent(o.Name))
	if from != "" {
		fmt.Fprintf(&b, "FROM %s", from)
	} else {
		fmt.Fprintf(&b, "AS %s", query)
	}
	b.WriteString(" WITH ")
	writeOptions(&b, o.With)
	if o.Encode != "" {
		fmt.Fprintf(&b, " FORMAT %s ENCODE %s", o.Format, o.Encode)
		if len(o.EncodeOptions) > 0 {
			b.WriteString(" ")
			writeOptions(&b, o.EncodeOptions)
		}
	}
	return b.String()
}

func init() {
	registerSystem("rw_catalog", "rw_sinks", virtual("rw_sinks", []sysCol{
		{"id", types.TInt4}, {"name", types.TVarchar}, {"schema_name", types.TVarchar}, {"owner", types.TVarchar},
		{"connector", types.TVarchar}, {"sink_type", types.TVarchar}, {"definition", types.TVarchar},
	}, func(s *Session) []types.Row {
		var rows []types.Row
		for _, o := range s.eng.Catalog.Objects() {
			if o.Kind != catalog.KindSink {
				continue
			}
			conn, _ := o.Option("connector")
			kind := map[string]string{"PLAIN": "append-only", "UPSERT": "upsert", "DEBEZIUM": "debezium"}[o.Format]
			rows = append(rows, types.Row{dInt(int64(o.ID)), dText(o.Name), dText(o.Schema), dText(o.Owner),
				dText(strings.ToLower(conn)), dText(kind), dText(o.Definition)})
		}
		return rows
	}))
	// How far each sink's delivery is: the last checkpoint the outside
	// holds, how many committed checkpoints wait, and the last error while
	// the sink retries (a broker that went away).
	registerSystem("rw_catalog", "rw_sink_status", virtual("rw_sink_status", []sysCol{
		{"sink_name", types.TVarchar}, {"status", types.TVarchar}, {"delivered_epoch", types.TInt8},
		{"pending_epochs", types.TInt8}, {"rows_delivered", types.TInt8}, {"last_error", types.TVarchar},
		{"last_error_time", types.TTimestamptz},
	}, func(s *Session) []types.Row {
		var rows []types.Row
		for _, st := range s.eng.MV.Sinks() {
			errTime := types.Null
			if !st.ErrorTime.IsZero() && st.Error != "" {
				errTime = types.NewTimestamptz(st.ErrorTime.UnixMicro())
			}
			rows = append(rows, types.Row{dText(st.Sink), dText(st.Status), dInt(int64(st.Delivered)), dInt(st.Pending),
				dInt(st.Rows), dTextOrNull(st.Error), errTime})
		}
		return rows
	}))
}
