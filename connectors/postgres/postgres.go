package postgres

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/sql/sqlerr"
)

func init() {
	for _, name := range []string{"postgres", "jdbc"} {
		connectors.RegisterSink(&connectors.SinkConnector{Name: name, Validate: Validate, Open: Open})
	}
}

// unableToConnect is SQLSTATE 08001 (sqlclient_unable_to_establish_sqlconnection).
const unableToConnect = "08001"

// connectTimeout bounds each connection attempt.
var connectTimeout = 10 * time.Second

// ProgressTable is the table, in the target schema, that records the last
// epoch each sink delivered.
const ProgressTable = "eddy_sink_progress"

// config is a sink's parsed options.
type config struct {
	conn   *pgx.ConnConfig
	addr   string // host:port/database, for messages
	schema string
	table  string
	upsert bool
	cols   []connectors.Column
	key    []int // positions of the primary_key columns
	batch  int   // statements per round trip
}

// qualified returns the target table's quoted, schema-qualified name.
func (c *config) qualified() string { return pgx.Identifier{c.schema, c.table}.Sanitize() }

// progress returns the progress table's quoted, schema-qualified name.
func (c *config) progress() string { return pgx.Identifier{c.schema, ProgressTable}.Sanitize() }

// display returns schema.table for messages.
func (c *config) display() string { return c.schema + "." + c.table }

// endpoint is where to connect.
type endpoint struct {
	hosts, ports string // comma-separated when the URL lists several
	user         string
	password     string
	database     string
	sslmode      string
	params       map[string]string // extra session settings
}

func missing(key string) error {
	return sqlerr.New(sqlerr.InvalidParameterValue, "missing option \"%s\" in WITH (...)", key)
}

func invalid(key, format string, args ...any) error {
	return sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for option \"%s\": %s", key, fmt.Sprintf(format, args...))
}

func parseConfig(spec *connectors.SinkSpec) (*config, error) {
	o := connectors.NewOptions(spec.With)
	typ := o.String("type", "")
	pk := o.String("primary_key", "")
	// Read by the engine.
	o.String("force_append_only", "")
	o.String("snapshot", "")

	c := &config{cols: spec.Columns, batch: 1024}
	var (
		ep       endpoint
		tableKey = "table"
		err      error
	)
	if strings.EqualFold(spec.With["connector"], "jdbc") {
		raw := o.String("jdbc.url", "")
		user, password := o.String("user", ""), o.String("password", "")
		hasUser, hasPassword := o.Has("user"), o.Has("password")
		tableKey = "table.name"
		c.table = o.String("table.name", "")
		c.schema = o.String("schema.name", "")
		timeout := o.Int("jdbc.query.timeout", 0)
		o.String("jdbc.auto.commit", "")
		if err := o.Err(); err != nil {
			return nil, err
		}
		if raw == "" {
			return nil, missing("jdbc.url")
		}
		var currentSchema string
		if ep, currentSchema, err = parseJDBC(raw); err != nil {
			return nil, err
		}
		if hasUser {
			ep.user = user
		}
		if hasPassword {
			ep.password = password
		}
		if c.schema == "" {
			c.schema = currentSchema
		}
		if timeout < 0 {
			return nil, invalid("jdbc.query.timeout", "%d is negative", timeout)
		}
		if timeout > 0 {
			ep.params = map[string]string{"statement_timeout": strconv.FormatInt(timeout*1000, 10)}
		}
	} else {
		ep.hosts = o.String("host", "")
		port := o.Int("port", 5432)
		ep.user = o.String("user", "")
		ep.password = o.String("password", "")
		ep.database = o.String("database", "")
		c.table = o.String("table", "")
		c.schema = o.String("schema", "")
		ep.sslmode = o.String("ssl_mode", "")
		maxBatch := o.Int("max_batch_rows", 1024)
		if err := o.Err(); err != nil {
			return nil, err
		}
		for _, k := range []string{"host", "user", "database"} {
			if spec.With[k] == "" {
				return nil, missing(k)
			}
		}
		if port <= 0 || port > 65535 {
			return nil, invalid("port", "%d is not a TCP port", port)
		}
		ep.ports = strconv.FormatInt(port, 10)
		if ep.sslmode, err = sslMode(ep.sslmode); err != nil {
			return nil, err
		}
		if maxBatch <= 0 {
			return nil, invalid("max_batch_rows", "%d is not positive", maxBatch)
		}
		c.batch = int(maxBatch)
	}
	if c.table == "" {
		return nil, missing(tableKey)
	}
	if c.schema == "" {
		c.schema = "public"
	}
	if ep.sslmode == "" {
		ep.sslmode = "prefer"
	}
	if c.conn, err = connConfig(ep); err != nil {
		return nil, err
	}
	c.addr = fmt.Sprintf("%s:%s/%s", ep.hosts, ep.ports, ep.database)
	if err := c.parseKind(spec, typ, pk); err != nil {
		return nil, err
	}
	return c, nil
}

// parseKind applies type and primary_key.
func (c *config) parseKind(spec *connectors.SinkSpec, typ, pk string) error {
	switch typ {
	case "":
		c.upsert = !spec.AppendOnly
	case "upsert":
		c.upsert = true
	case "append-only":
		if !spec.AppendOnly {
			return sqlerr.NotSupported("append-only postgres sink over a view with updates or deletes").
				WithHint("Use type = 'upsert', or add force_append_only = 'true' to write only the inserts.")
		}
	default:
		return invalid("type", "'%s' is not 'upsert' or 'append-only'", typ)
	}
	if pk != "" {
		for _, name := range strings.Split(pk, ",") {
			name = strings.TrimSpace(name)
			i := columnIndex(c.cols, name)
			if i < 0 {
				return sqlerr.New(sqlerr.UndefinedColumn, "column \"%s\" named in primary_key is not a column of the sink", name)
			}
			c.key = append(c.key, i)
		}
	} else {
		c.key = append(c.key, spec.Key...)
	}
	if c.upsert && len(c.key) == 0 {
		return sqlerr.New(sqlerr.InvalidParameterValue, "an upsert postgres sink needs a primary key").
			WithHint("Name the key columns in primary_key = 'col1,col2'.")
	}
	switch spec.Format {
	case "", "PLAIN", "UPSERT":
	default:
		return sqlerr.NotSupported("FORMAT %s for the postgres sink", spec.Format)
	}
	return nil
}

func columnIndex(cols []connectors.Column, name string) int {
	for i, c := range cols {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// sslMode maps RisingWave's ssl_mode names (and libpq's) to libpq's.
func sslMode(v string) (string, error) {
	switch strings.ToLower(v) {
	case "":
		return "", nil
	case "disabled", "disable":
		return "disable", nil
	case "preferred", "prefer":
		return "prefer", nil
	case "required", "require":
		return "require", nil
	case "verify-ca", "verify_ca":
		return "verify-ca", nil
	case "verify-full", "verify_full":
		return "verify-full", nil
	}
	return "", invalid("ssl_mode", "'%s' is not disabled, preferred, required, verify-ca or verify-full", v)
}

// parseJDBC reads jdbc:postgresql://host[:port][,host[:port]]/database?params.
func parseJDBC(raw string) (ep endpoint, currentSchema string, err error) {
	rest, ok := strings.CutPrefix(raw, "jdbc:")
	if !ok {
		return ep, "", invalid("jdbc.url", "%q does not start with jdbc:", redactURL(raw))
	}
	if !strings.HasPrefix(rest, "postgresql:") {
		kind, _, _ := strings.Cut(rest, ":")
		return ep, "", sqlerr.NotSupported("jdbc sink to %s", kind).WithHint("Eddy's jdbc sink writes to PostgreSQL only (jdbc:postgresql://...).")
	}
	rest = strings.TrimPrefix(rest, "postgresql:")
	rest, rawQuery, _ := strings.Cut(rest, "?")
	q, qerr := url.ParseQuery(rawQuery)
	if qerr != nil {
		return ep, "", invalid("jdbc.url", "%q has a malformed query: %v", redactURL(raw), qerr)
	}
	authority, hasAuthority := strings.CutPrefix(rest, "//")
	var hosts, ports []string
	if !hasAuthority { // jdbc:postgresql:database
		hosts, ports, ep.database = []string{"localhost"}, []string{"5432"}, rest
	} else {
		authority, ep.database, _ = strings.Cut(authority, "/")
		if i := strings.LastIndexByte(authority, '@'); i >= 0 {
			userinfo := authority[:i]
			authority = authority[i+1:]
			u, p, _ := strings.Cut(userinfo, ":")
			ep.user, _ = url.PathUnescape(u)
			ep.password, _ = url.PathUnescape(p)
		}
		for _, hp := range strings.Split(authority, ",") {
			h, p := hp, ""
			if strings.HasPrefix(hp, "[") { // [::1]:5432
				if i := strings.LastIndexByte(hp, ']'); i > 0 {
					h, p = hp[1:i], strings.TrimPrefix(hp[i+1:], ":")
				}
			} else if i := strings.LastIndexByte(hp, ':'); i >= 0 {
				h, p = hp[:i], hp[i+1:]
			}
			if h == "" {
				return ep, "", invalid("jdbc.url", "%q names no host", redactURL(raw))
			}
			if p == "" {
				p = "5432"
			}
			if _, err := strconv.ParseUint(p, 10, 16); err != nil {
				return ep, "", invalid("jdbc.url", "port %q is not a number", p)
			}
			hosts, ports = append(hosts, h), append(ports, p)
		}
	}
	ep.hosts, ep.ports = strings.Join(hosts, ","), strings.Join(ports, ",")
	if ep.database == "" {
		return ep, "", invalid("jdbc.url", "%q names no database", redactURL(raw))
	}
	if v := q.Get("user"); v != "" {
		ep.user = v
	}
	if v := q.Get("password"); v != "" {
		ep.password = v
	}
	if ep.sslmode, err = sslMode(q.Get("sslmode")); err != nil {
		return ep, "", err
	}
	if ep.sslmode == "" && q.Get("ssl") == "true" {
		ep.sslmode = "require"
	}
	return ep, q.Get("currentSchema"), nil
}

// redactURL hides the passwords in a JDBC URL shown in a message.
func redactURL(raw string) string {
	if i := strings.Index(raw, "password="); i >= 0 {
		end := len(raw)
		if j := strings.IndexByte(raw[i:], '&'); j >= 0 {
			end = i + j
		}
		raw = raw[:i] + "password=xxxxx" + raw[end:]
	}
	if i := strings.Index(raw, "//"); i >= 0 {
		authority := raw[i+2:]
		if j := strings.IndexAny(authority, "/?"); j >= 0 {
			authority = authority[:j]
		}
		if at := strings.LastIndexByte(authority, '@'); at >= 0 {
			if colon := strings.IndexByte(authority[:at], ':'); colon >= 0 {
				raw = raw[:i+2] + authority[:colon] + ":xxxxx" + raw[i+2+at:]
			}
		}
	}
	return raw
}

// connConfig builds a pgx configuration from a libpq keyword/value
// string, so that multiple hosts and every sslmode work as in libpq.
func connConfig(ep endpoint) (*pgx.ConnConfig, error) {
	var b strings.Builder
	kv := func(k, v string) {
		b.WriteString(k)
		b.WriteString("='")
		b.WriteString(strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v))
		b.WriteString("' ")
	}
	kv("host", ep.hosts)
	kv("port", ep.ports)
	kv("dbname", ep.database)
	kv("sslmode", ep.sslmode)
	if ep.user != "" {
		kv("user", ep.user)
	}
	if ep.password != "" {
		kv("password", ep.password)
	}
	cfg, err := pgx.ParseConfig(b.String())
	if err != nil {
		// The error's text repeats the string, password included.
		msg := "cannot be parsed"
		if cause := errors.Unwrap(err); cause != nil {
			msg = cause.Error()
		}
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "invalid connection options for %s:%s/%s: %s", ep.hosts, ep.ports, ep.database, msg)
	}
	cfg.ConnectTimeout = connectTimeout
	cfg.RuntimeParams["application_name"] = "eddy"
	cfg.RuntimeParams["DateStyle"] = "ISO"
	cfg.RuntimeParams["IntervalStyle"] = "postgres"
	cfg.RuntimeParams["TimeZone"] = "UTC"
	for k, v := range ep.params {
		cfg.RuntimeParams[k] = v
	}
	return cfg, nil
}

// connect opens a connection, or returns 08001 (or the server's own code,
// such as 28P01 for a wrong password or 3D000 for a missing database).
func (c *config) connect(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, c.conn)
	if err == nil {
		return conn, nil
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return nil, sqlerr.Wrap(err, pgErr.Code, fmt.Sprintf("cannot connect to PostgreSQL at %s: %s", c.addr, pgErr.Message))
	}
	return nil, sqlerr.Wrap(err, unableToConnect, fmt.Sprintf("cannot connect to PostgreSQL at %s: %s", c.addr, connectCause(err)))
}

// connectCause is err without pgconn's repetition of the address, one
// line per distinct attempt (sslmode=prefer tries twice).
func connectCause(err error) string {
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		if u := errors.Unwrap(ce); u != nil {
			err = u
		}
	}
	var lines []string
	for _, l := range strings.Split(err.Error(), "\n") {
		if l = strings.TrimSpace(l); l != "" && !slices.Contains(lines, l) {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "; ")
}

// Open returns a writer. It does not connect: Delivered and Write do, and
// reconnect after a failure.
func Open(ctx context.Context, spec *connectors.SinkSpec) (connectors.SinkWriter, error) {
	c, err := parseConfig(spec)
	if err != nil {
		return nil, err
	}
	return newWriter(c, spec), nil
}
