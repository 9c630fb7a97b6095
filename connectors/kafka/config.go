package kafka

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"os"
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/eddy-db/eddy/connectors"
	"github.com/eddy-db/eddy/sql/sqlerr"
	"github.com/eddy-db/eddy/sql/types"
)

// config is a source's WITH (...) options, read and checked.
type config struct {
	topic   string
	brokers []string
	// latest: scan.startup.mode = 'latest'; startMillis >= 0:
	// scan.startup.timestamp.millis, which wins over the mode.
	latest      bool
	startMillis int64
	clientID    string
	tls         *tls.Config
	sasl        sasl.Mechanism
}

// parseConfig reads the options. Every properties.* key is accepted
// (librdkafka settings Eddy has no use for are ignored); any other key
// it does not know is an error.
func parseConfig(with map[string]string) (*config, error) {
	o := connectors.NewOptions(with)
	c := &config{startMillis: -1}
	c.topic = strings.TrimSpace(o.String("topic", ""))
	servers := o.String("properties.bootstrap.server", "")
	mode := strings.ToLower(strings.TrimSpace(o.String("scan.startup.mode", "earliest")))
	for _, k := range []string{"scan.startup.timestamp.millis", "scan.startup.timestamp_millis"} {
		if o.Has(k) {
			c.startMillis = o.Int(k, -1)
			if c.startMillis < 0 {
				return nil, sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for option \"%s\": %q is not a millisecond UNIX time", k, with[k])
			}
		}
	}
	protocol := strings.ToUpper(strings.TrimSpace(o.String("properties.security.protocol", "PLAINTEXT")))
	mechanism := strings.ToUpper(strings.TrimSpace(o.String("properties.sasl.mechanism", "PLAIN")))
	user := o.String("properties.sasl.username", "")
	password := o.String("properties.sasl.password", "")
	caFile := o.String("properties.ssl.ca.location", "")
	certFile := o.String("properties.ssl.certificate.location", "")
	keyFile := o.String("properties.ssl.key.location", "")
	keyPassword := o.String("properties.ssl.key.password", "")
	endpointCheck := strings.ToLower(strings.TrimSpace(o.String("properties.ssl.endpoint.identification.algorithm", "https")))
	c.clientID = o.String("properties.client.id", "eddy")
	o.Prefix("properties.")
	if err := o.Err(); err != nil {
		return nil, err
	}

	if c.topic == "" {
		return nil, missing("topic")
	}
	for _, s := range strings.Split(servers, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if _, _, err := net.SplitHostPort(s); err != nil {
			if strings.Contains(err.Error(), "missing port") {
				s = net.JoinHostPort(s, "9092")
			} else {
				return nil, sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for option \"properties.bootstrap.server\": %q is not host:port", s)
			}
		}
		c.brokers = append(c.brokers, s)
	}
	if len(c.brokers) == 0 {
		return nil, missing("properties.bootstrap.server")
	}
	switch mode {
	case "earliest":
	case "latest":
		c.latest = true
	case "timestamp":
		if c.startMillis < 0 {
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "scan.startup.mode 'timestamp' needs scan.startup.timestamp.millis")
		}
	default:
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for option \"scan.startup.mode\": %q (earliest or latest)", mode)
	}

	var useTLS, useSASL bool
	switch protocol {
	case "PLAINTEXT":
	case "SSL":
		useTLS = true
	case "SASL_PLAINTEXT":
		useSASL = true
	case "SASL_SSL":
		useTLS, useSASL = true, true
	default:
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for option \"properties.security.protocol\": %q (PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL)", protocol)
	}
	if useSASL {
		if user == "" || password == "" {
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "properties.security.protocol %s needs properties.sasl.username and properties.sasl.password", protocol)
		}
		switch mechanism {
		case "PLAIN":
			c.sasl = plain.Auth{User: user, Pass: password}.AsMechanism()
		case "SCRAM-SHA-256":
			c.sasl = scram.Auth{User: user, Pass: password}.AsSha256Mechanism()
		case "SCRAM-SHA-512":
			c.sasl = scram.Auth{User: user, Pass: password}.AsSha512Mechanism()
		case "GSSAPI", "OAUTHBEARER", "AWS_MSK_IAM":
			return nil, sqlerr.NotSupported("properties.sasl.mechanism '%s'", mechanism)
		default:
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for option \"properties.sasl.mechanism\": %q (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)", mechanism)
		}
	}
	if useTLS {
		tc, err := tlsConfig(caFile, certFile, keyFile, keyPassword, endpointCheck)
		if err != nil {
			return nil, err
		}
		c.tls = tc
	}
	return c, nil
}

func missing(key string) error {
	return sqlerr.New(sqlerr.InvalidParameterValue, "missing option \"%s\" for connector kafka", key)
}

// tlsConfig builds the TLS settings from the properties.ssl.* files
// (PEM). endpoint.identification.algorithm = 'none' checks the broker's
// certificate chain but not its host name, as librdkafka does.
func tlsConfig(caFile, certFile, keyFile, keyPassword, endpointCheck string) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "properties.ssl.ca.location: %v", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "properties.ssl.ca.location: no PEM certificate in %s", caFile)
		}
		tc.RootCAs = pool
	}
	if (certFile == "") != (keyFile == "") {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "properties.ssl.certificate.location and properties.ssl.key.location go together")
	}
	if keyPassword != "" {
		return nil, sqlerr.NotSupported("encrypted client keys (properties.ssl.key.password)")
	}
	if certFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "properties.ssl.certificate.location / key.location: %v", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	switch endpointCheck {
	case "https":
	case "none", "":
		roots := tc.RootCAs
		tc.InsecureSkipVerify = true
		tc.VerifyConnection = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return sqlerr.New(sqlerr.ConnectionException, "broker sent no certificate")
			}
			opts := x509.VerifyOptions{Roots: roots, Intermediates: x509.NewCertPool()}
			for _, ic := range cs.PeerCertificates[1:] {
				opts.Intermediates.AddCert(ic)
			}
			_, err := cs.PeerCertificates[0].Verify(opts)
			return err
		}
	default:
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "invalid value for option \"properties.ssl.endpoint.identification.algorithm\": %q (https or none)", endpointCheck)
	}
	return tc, nil
}

// clientOpts are the franz-go options every client of the source uses.
func (c *config) clientOpts() []kgo.Opt {
	opts := []kgo.Opt{kgo.SeedBrokers(c.brokers...), kgo.ClientID(c.clientID)}
	if c.tls != nil {
		opts = append(opts, kgo.DialTLSConfig(c.tls))
	}
	if c.sasl != nil {
		opts = append(opts, kgo.SASL(c.sasl))
	}
	return opts
}

// includeCol is one INCLUDE column.
type includeCol struct {
	pos  int
	kind string
	typ  types.Type
}

// includeColumns checks the INCLUDE columns: KEY as bytea, varchar/text
// or jsonb; PARTITION as varchar (RisingWave's type) or int/bigint;
// OFFSET as varchar or bigint; TIMESTAMP as timestamptz or timestamp.
func includeColumns(cols []connectors.Column) ([]includeCol, error) {
	var out []includeCol
	for i, c := range cols {
		if c.Include == "" {
			continue
		}
		kind := strings.ToUpper(c.Include)
		t := c.Type
		ok := false
		switch kind {
		case "KEY":
			ok = t.ID == types.Bytea || t.IsString() || t.ID == types.Jsonb || t.ID == types.Json
		case "PARTITION":
			ok = t.IsString() || t.ID == types.Int4 || t.ID == types.Int8
		case "OFFSET":
			ok = t.IsString() || t.ID == types.Int8
		case "TIMESTAMP":
			ok = t.ID == types.Timestamptz || t.ID == types.Timestamp
		default:
			return nil, sqlerr.NotSupported("INCLUDE %s for connector kafka", strings.ToLower(kind))
		}
		if !ok {
			return nil, sqlerr.New(sqlerr.DatatypeMismatch, "INCLUDE %s AS %s cannot be of type %s", strings.ToLower(kind), c.Name, t)
		}
		out = append(out, includeCol{pos: i, kind: kind, typ: t})
	}
	return out, nil
}
