package kafka

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"

	"github.com/eddy-db/eddy/sql/sqlerr"
)

func TestSASL(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "t"), kfake.EnableSASL(),
		kfake.Superuser("PLAIN", "plainuser", "pw1"),
		kfake.Superuser("SCRAM-SHA-256", "scram256", "pw2"),
		kfake.Superuser("SCRAM-SHA-512", "scram512", "pw3"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	addr := c.ListenAddrs()[0]
	pcl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.SASL(plain.Auth{User: "plainuser", Pass: "pw1"}.AsMechanism()))
	if err != nil {
		t.Fatal(err)
	}
	defer pcl.Close()
	if err := pcl.ProduceSync(context.Background(), jsonRec("t", 0, 1)).FirstErr(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, cred := range [][3]string{{"PLAIN", "plainuser", "pw1"}, {"SCRAM-SHA-256", "scram256", "pw2"}, {"scram-sha-512", "scram512", "pw3"}} {
		spec := newSpec(addr, "t", idV, "PLAIN", "properties.security.protocol", "SASL_PLAINTEXT",
			"properties.sasl.mechanism", cred[0], "properties.sasl.username", cred[1], "properties.sasl.password", cred[2])
		if err := Validate(ctx, spec); err != nil {
			t.Fatalf("%s: %v", cred[0], err)
		}
		r := openReader(t, spec, nil)
		if rows, _, _ := readRows(t, r, 1); rows[0] != "+ 1 x1" {
			t.Fatalf("%s: rows %v", cred[0], rows)
		}
	}
	bad := newSpec(addr, "t", idV, "PLAIN", "properties.security.protocol", "SASL_PLAINTEXT",
		"properties.sasl.mechanism", "SCRAM-SHA-256", "properties.sasl.username", "scram256", "properties.sasl.password", "wrong")
	err = Validate(ctx, bad)
	if code := sqlerr.Code(err); code != sqlerr.InvalidAuthorizationSpec && code != unableToConnect {
		t.Fatalf("wrong password: %s %v", code, err)
	}
	t.Logf("wrong password: %v", err)
}

// TestTLS serves kfake over TLS with a self-signed certificate for
// 127.0.0.1 and reads through properties.security.protocol = 'SSL'.
func TestTLS(t *testing.T) {
	dir := t.TempDir()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "kfake"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:              []string{"kfake.test"},
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	kb, _ := x509.MarshalECPrivateKey(key)
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb})
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "t"), kfake.TLS(&tls.Config{Certificates: []tls.Certificate{cert}}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	addr := c.ListenAddrs()[0]
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(certPEM)
	pcl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.DialTLSConfig(&tls.Config{RootCAs: pool}))
	if err != nil {
		t.Fatal(err)
	}
	defer pcl.Close()
	if err := pcl.ProduceSync(context.Background(), jsonRec("t", 0, 7)).FirstErr(); err != nil {
		t.Fatal(err)
	}
	spec := newSpec(addr, "t", idV, "PLAIN", "properties.security.protocol", "SSL", "properties.ssl.ca.location", caFile)
	if err := Validate(context.Background(), spec); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	r := openReader(t, spec, nil)
	if rows, _, _ := readRows(t, r, 1); rows[0] != "+ 7 x7" {
		t.Fatalf("rows %v", rows)
	}
	// Without the CA the broker's certificate is refused.
	setVar(t, &validateTimeout, 2*time.Second)
	if err := Validate(context.Background(), newSpec(addr, "t", idV, "PLAIN", "properties.security.protocol", "SSL")); sqlerr.Code(err) != unableToConnect {
		t.Fatalf("untrusted certificate: %v", err)
	}
	// endpoint.identification.algorithm = 'none' still checks the chain.
	spec2 := newSpec("localhost:"+addr[len("127.0.0.1:"):], "t", idV, "PLAIN", "properties.security.protocol", "SSL",
		"properties.ssl.ca.location", caFile, "properties.ssl.endpoint.identification.algorithm", "none")
	if err := Validate(context.Background(), spec2); err != nil {
		t.Fatalf("no host name check: %v", err)
	}
}
