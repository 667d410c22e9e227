package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestFleetTLS: with -nats-tls-cert/-key the embedded server speaks TLS; an agent
// given the CA (-nats-tls-ca) joins, one without it refuses the certificate and
// says so.
func TestFleetTLS(t *testing.T) {
	dir := t.TempDir()
	ca, cert, key := writeTestCerts(t, dir)
	_, base, url := fleetPrimary(t, "-workers", "0", "-nats-tls-cert", cert, "-nats-tls-key", key)
	startAgent(t, url, "tls-agent", 1, "-nats-tls-ca", ca)
	waitHosts(t, base, "the agent with the CA up", hostReady("tls-agent", 1))
	id := submitSleeps(t, base, 10, 1)
	checkEndedOnce(t, getList(t, base, waitList(t, base, id, "the list done",
		func(l listJSON) bool { return l.State != "running" }).ID), 10)

	blind := startAgent(t, url, "blind", 1)
	select {
	case <-blind.done:
	case <-time.After(90 * time.Second):
		t.Fatal("the agent without the CA did not give up")
	}
	if blind.err == nil || !strings.Contains(blind.out.String(), "cannot verify") {
		t.Errorf("agent without the CA: err %v, output %q; want a failure about the certificate", blind.err, blind.out.String())
	}
}

// writeTestCerts writes a CA and a server certificate for 127.0.0.1 signed by it,
// as PEM files in dir.
func writeTestCerts(t *testing.T, dir string) (ca, cert, key string) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	srvKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	srvTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		KeyUsage: x509.KeyUsageDigitalSignature}
	srvDER, err := x509.CreateCertificate(rand.Reader, srvTmpl, caCert, &srvKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(srvKey)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, typ string, der []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	return write("ca.pem", "CERTIFICATE", caDER), write("server.pem", "CERTIFICATE", srvDER),
		write("server-key.pem", "EC PRIVATE KEY", keyDER)
}
