package fleet

import (
	"crypto/tls"
	"fmt"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// TLSFiles are PEM files for NATS over TLS (serve and agent -nats-tls-cert, -key,
// -ca). On the embedded server Cert and Key are its certificate, and CA, when
// set, makes it require and verify agents' client certificates. On a client (an
// agent, or the primary with -nats) CA verifies the server and Cert and Key are a
// client certificate for a server that asks for one.
type TLSFiles struct {
	Cert, Key, CA string
}

// Set reports whether any file is given.
func (t TLSFiles) Set() bool { return t.Cert != "" || t.Key != "" || t.CA != "" }

// serverTLS is the embedded server's TLS configuration; nil without Cert.
func (t TLSFiles) serverTLS() (*tls.Config, error) {
	if t.Cert == "" {
		return nil, nil
	}
	cfg, err := server.GenTLSConfig(&server.TLSConfigOpts{CertFile: t.Cert, KeyFile: t.Key, CaFile: t.CA,
		Verify: t.CA != ""})
	if err != nil {
		return nil, fmt.Errorf("NATS TLS: %w", err)
	}
	return cfg, nil
}

// clientOptions are a NATS client's TLS options.
func (t TLSFiles) clientOptions() []nats.Option {
	var opts []nats.Option
	if t.CA != "" {
		opts = append(opts, nats.RootCAs(t.CA))
	}
	if t.Cert != "" {
		opts = append(opts, nats.ClientCert(t.Cert, t.Key))
	}
	return opts
}
