package format

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/sql/sqlerr"
)

// ErrUnavailable is the cause of a Decode error that is not the record's
// fault: the schema registry could not be reached (or refused the
// credentials, or failed). The caller should keep the record and try
// again later rather than skip it; errors.Is finds it.
var ErrUnavailable = errors.New("schema registry unavailable")

// unableToConnect is SQLSTATE 08001 (sqlclient_unable_to_establish_sqlconnection).
const unableToConnect = "08001"

// registryTimeout bounds one round trip to the schema registry.
var registryTimeout = 10 * time.Second

// registryConfig is the ENCODE AVRO | PROTOBUF (...) options.
type registryConfig struct {
	encode   string
	urls     []string
	user     string
	password string
	// message is the protobuf message the records hold (required for
	// PROTOBUF); for AVRO, when given, the full name of the record.
	message string
}

// parseRegistryOptions reads and checks the options of a registry-based
// encoding: 22023 for a missing, bad or unknown option, 0A000 for the
// options of RisingWave's that Eddy does not support.
func parseRegistryOptions(encode string, m map[string]string) (*registryConfig, error) {
	o := connectors.NewOptions(m)
	c := &registryConfig{encode: encode}
	urls := o.String("schema.registry", "")
	c.user = o.String("schema.registry.username", "")
	c.password = o.String("schema.registry.password", "")
	strategy := strings.ToLower(strings.TrimSpace(o.String("schema.registry.name.strategy", "topic_name_strategy")))
	c.message = strings.TrimSpace(o.String("message", ""))
	mapMode := strings.ToLower(strings.TrimSpace(o.String("map.handling.mode", "jsonb")))
	for _, k := range []string{"schema.location", "key.message", "messages_as_jsonb", "aws.glue.schema_arn"} {
		if o.Has(k) {
			return nil, sqlerr.NotSupported("option \"%s\" of ENCODE %s (schemas come from schema.registry)", k, encode)
		}
	}
	if err := o.Err(); err != nil {
		return nil, err
	}
	switch strategy {
	case "topic_name_strategy":
	case "record_name_strategy", "topic_record_name_strategy":
		return nil, sqlerr.NotSupported("schema.registry.name.strategy '%s' (only topic_name_strategy)", strategy)
	default:
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for option \"schema.registry.name.strategy\": %q (topic_name_strategy)", strategy)
	}
	if mapMode != "jsonb" {
		return nil, sqlerr.NotSupported("map.handling.mode '%s' (Avro maps are read as jsonb)", mapMode)
	}
	for _, u := range strings.Split(urls, ",") {
		if u = strings.TrimSpace(u); u == "" {
			continue
		}
		if !strings.Contains(u, "://") {
			u = "http://" + u
		}
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for option \"schema.registry\": %q is not an http(s) URL", u)
		}
		c.urls = append(c.urls, u)
	}
	if len(c.urls) == 0 {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "missing option \"schema.registry\" for ENCODE %s", encode).
			WithHint("Give the schema registry's URL: ENCODE %s (schema.registry = 'http://host:8081').", encode)
	}
	if (c.user == "") != (c.password == "") {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "schema.registry.username and schema.registry.password go together")
	}
	if encode == Protobuf && c.message == "" {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "missing option \"message\" for ENCODE PROTOBUF").
			WithHint("Name the message the records hold, with its package: message = 'pkg.Event'.")
	}
	return c, nil
}

// registry is a schema registry client for one source.
type registry struct {
	cl   *sr.Client
	urls string // for messages
}

func newRegistry(c *registryConfig) (*registry, error) {
	opts := []sr.ClientOpt{
		sr.URLs(c.urls...),
		sr.HTTPClient(&http.Client{Timeout: registryTimeout}),
		sr.UserAgent("eddy"),
	}
	if c.user != "" {
		opts = append(opts, sr.BasicAuth(c.user, c.password))
	}
	cl, err := sr.NewClient(opts...)
	if err != nil {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "schema registry client: %v", err)
	}
	return &registry{cl: cl, urls: strings.Join(c.urls, ",")}, nil
}

// schemaByID fetches the schema with a global id.
func (r *registry) schemaByID(ctx context.Context, id int) (sr.Schema, error) {
	ctx, cancel := context.WithTimeout(ctx, registryTimeout)
	defer cancel()
	s, err := r.cl.SchemaByID(ctx, id)
	if err != nil {
		return sr.Schema{}, r.error(err, fmt.Sprintf("schema id %d", id))
	}
	return s, nil
}

// latest fetches the latest schema registered under a subject.
func (r *registry) latest(ctx context.Context, subject string) (sr.SubjectSchema, error) {
	ctx, cancel := context.WithTimeout(ctx, registryTimeout)
	defer cancel()
	s, err := r.cl.SchemaByVersion(ctx, subject, -1)
	if err != nil {
		return sr.SubjectSchema{}, r.error(err, fmt.Sprintf("subject \"%s\"", subject))
	}
	return s, nil
}

// namedSchema is one schema a schema refers to, by the name it refers to
// it with (an Avro type name, a protobuf import path).
type namedSchema struct {
	name string
	text string
}

// references fetches the schemas s refers to, transitively, each before
// the schemas that refer to it.
func (r *registry) references(ctx context.Context, s sr.Schema) ([]namedSchema, error) {
	var out []namedSchema
	seen := map[string]bool{}
	var walk func(refs []sr.SchemaReference, depth int) error
	walk = func(refs []sr.SchemaReference, depth int) error {
		if depth > 32 {
			return sqlerr.New(sqlerr.InvalidParameterValue, "schema references nest more than 32 deep")
		}
		for _, ref := range refs {
			key := fmt.Sprintf("%s\x00%s\x00%d", ref.Name, ref.Subject, ref.Version)
			if seen[key] {
				continue
			}
			seen[key] = true
			cctx, cancel := context.WithTimeout(ctx, registryTimeout)
			ss, err := r.cl.SchemaByVersion(cctx, ref.Subject, ref.Version)
			cancel()
			if err != nil {
				return r.error(err, fmt.Sprintf("reference \"%s\" (subject \"%s\" version %d)", ref.Name, ref.Subject, ref.Version))
			}
			if err := walk(ss.References, depth+1); err != nil {
				return err
			}
			out = append(out, namedSchema{name: ref.Name, text: ss.Schema.Schema})
		}
		return nil
	}
	if err := walk(s.References, 0); err != nil {
		return nil, err
	}
	return out, nil
}

// error turns a registry client error into an *sqlerr.Error: 22023 for
// what the registry does not have, 28000 for rejected credentials, 08001
// when it cannot be reached or fails. The last two wrap ErrUnavailable.
func (r *registry) error(err error, what string) error {
	var re *sr.ResponseError
	if errors.As(err, &re) {
		msg := re.Message
		if msg == "" {
			msg = string(re.Raw)
		}
		switch {
		case re.StatusCode == http.StatusNotFound:
			return sqlerr.New(sqlerr.InvalidParameterValue, "schema not found: %s in schema registry %s (%s)", what, r.urls, msg)
		case re.StatusCode == http.StatusUnauthorized || re.StatusCode == http.StatusForbidden:
			return sqlerr.Wrap(ErrUnavailable, sqlerr.InvalidAuthorizationSpec,
				fmt.Sprintf("schema registry %s rejected the credentials (HTTP %d: %s)", r.urls, re.StatusCode, msg))
		case re.StatusCode >= 500 || re.StatusCode == http.StatusTooManyRequests:
			return sqlerr.Wrap(ErrUnavailable, unableToConnect,
				fmt.Sprintf("schema registry %s failed to return %s (HTTP %d: %s)", r.urls, what, re.StatusCode, msg))
		}
		return sqlerr.New(sqlerr.InvalidParameterValue, "schema registry %s: %s: HTTP %d: %s", r.urls, what, re.StatusCode, msg)
	}
	// The client's error repeats the URL: keep the cause.
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return sqlerr.Wrap(ErrUnavailable, unableToConnect, fmt.Sprintf("cannot connect to schema registry %s: %v", r.urls, err))
}

// valueSubject is the subject of a topic's value schemas under
// TopicNameStrategy.
func valueSubject(topic string) string { return topic + "-value" }

// The Confluent wire format: magic byte 0, the schema id (4 bytes, big
// endian), for protobuf the message index (a zigzag varint count, then
// that many zigzag varints; a single 0 stands for [0]), then the payload.

// confluentHeader splits a value into its schema id and the rest.
func confluentHeader(value []byte) (uint32, []byte, error) {
	if value[0] != 0 {
		return 0, nil, sqlerr.New(sqlerr.InvalidBinaryRepresentation,
			"record value does not start with the schema registry's magic byte 0 (it starts with 0x%02x): not written by a schema registry serializer", value[0])
	}
	if len(value) < 5 {
		return 0, nil, sqlerr.New(sqlerr.InvalidBinaryRepresentation, "record value of %d bytes is shorter than the schema registry's 5-byte header", len(value))
	}
	return binary.BigEndian.Uint32(value[1:5]), value[5:], nil
}

// messageIndex reads the protobuf message index after the schema id.
func messageIndex(b []byte, dst []int) ([]int, []byte, error) {
	bad := func() ([]int, []byte, error) {
		return nil, nil, sqlerr.New(sqlerr.InvalidBinaryRepresentation, "truncated or invalid protobuf message index after the schema id")
	}
	n, k := binary.Varint(b)
	if k <= 0 || n < 0 || n > 64 {
		return bad()
	}
	b = b[k:]
	dst = dst[:0]
	if n == 0 {
		return append(dst, 0), b, nil
	}
	for range n {
		v, k := binary.Varint(b)
		if k <= 0 || v < 0 || v > 1<<20 {
			return bad()
		}
		dst = append(dst, int(v))
		b = b[k:]
	}
	return dst, b, nil
}

// registryOf returns the options and a client of a spec's schema
// registry; ok is false for encodings without one.
func registryOf(spec *connectors.Spec) (cfg *registryConfig, reg *registry, ok bool, err error) {
	e := strings.ToUpper(spec.Encode)
	if e != Avro && e != Protobuf {
		return nil, nil, false, nil
	}
	if cfg, err = parseRegistryOptions(e, spec.EncodeOptions); err != nil {
		return nil, nil, true, err
	}
	reg, err = newRegistry(cfg)
	return cfg, reg, true, err
}

// Validate checks a source's ENCODE AVRO | PROTOBUF against the schema
// registry, at CREATE time: the registry must answer (08001), the
// subject "<topic>-value" exist (22023, "schema not found"), and its
// latest schema parse, hold the protobuf message (22023) and have a
// field of a fitting type for every payload column (42703, 42804).
// Other encodings pass.
func Validate(ctx context.Context, spec *connectors.Spec, topic string) error {
	cfg, reg, ok, err := registryOf(spec)
	if !ok || err != nil {
		return err
	}
	subject := valueSubject(topic)
	ss, err := reg.latest(ctx, subject)
	if err != nil {
		return err
	}
	l := newLayout(spec.Columns)
	id := uint32(ss.ID)
	switch cfg.encode {
	case Avro:
		var sch avro.Schema
		if sch, err = parseAvro(ctx, reg, id, ss.Schema); err == nil {
			_, err = compileAvro(&l, id, sch, cfg.message, true)
		}
	case Protobuf:
		file, md, cerr := compileProto(ctx, reg, id, ss.Schema, cfg.message)
		if err = cerr; err == nil {
			_, err = planProto(&l, id, file, md, true)
		}
	}
	if err != nil {
		e := sqlerr.As(err)
		return sqlerr.Wrap(err, e.Code, fmt.Sprintf("latest schema of subject \"%s\" (version %d): %s", subject, ss.Version, e.Message)).
			WithHint("%s", e.Hint)
	}
	return nil
}

// Columns returns the payload columns the latest schema of subject
// "<topic>-value" maps to, for a CREATE SOURCE that lists none: the
// fields of the Avro record or protobuf message, in order, with the
// types avroType and protoType give. It returns nil for encodings
// without a registry.
func Columns(ctx context.Context, spec *connectors.Spec, topic string) ([]connectors.Column, error) {
	cfg, reg, ok, err := registryOf(spec)
	if !ok || err != nil {
		return nil, err
	}
	ss, err := reg.latest(ctx, valueSubject(topic))
	if err != nil {
		return nil, err
	}
	id := uint32(ss.ID)
	var cols []connectors.Column
	switch cfg.encode {
	case Avro:
		sch, err := parseAvro(ctx, reg, id, ss.Schema)
		if err != nil {
			return nil, err
		}
		rec, err := avroRecord(id, sch, cfg.message)
		if err != nil {
			return nil, err
		}
		for _, f := range rec.Fields() {
			cols = append(cols, connectors.Column{Name: f.Name(), Type: avroType(f.Type())})
		}
	case Protobuf:
		_, md, err := compileProto(ctx, reg, id, ss.Schema, cfg.message)
		if err != nil {
			return nil, err
		}
		fields := md.Fields()
		for i := 0; i < fields.Len(); i++ {
			cols = append(cols, connectors.Column{Name: string(fields.Get(i).Name()), Type: protoType(fields.Get(i))})
		}
	}
	if len(cols) == 0 {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "the latest schema of subject \"%s\" (id %d) has no fields", valueSubject(topic), id)
	}
	return cols, nil
}
