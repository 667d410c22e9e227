package main

import (
	"errors"
	"strings"
	"testing"
)

// TestParseAgent: agent's flags and their GOCLUSTER_ variables, and the mistakes
// that are usage errors naming the flag.
func TestParseAgent(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cfg, err := parseAgent([]string{"-join", "nats://10.0.0.1:4222", "-name", "host-a", "-workers", "3"},
		env(map[string]string{"GOCLUSTER_TOKEN": "secret"}))
	if err != nil || cfg.Join != "nats://10.0.0.1:4222" || cfg.Name != "host-a" || cfg.Workers != 3 || cfg.Token != "secret" {
		t.Fatalf("parseAgent: %+v, %v", cfg, err)
	}
	if cfg, err := parseAgent([]string{"-join", "tls://h:4222"}, env(nil)); err != nil || cfg.Name == "" {
		t.Errorf("default name: %+v, %v", cfg, err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "-join nats://HOST:PORT is required"},
		{[]string{"-join", "http://h:4222"}, "want nats://HOST:PORT"},
		{[]string{"-join", "nats://host-a:pa/ss@h:4222"}, `-join "nats://host-a:xxxxx@h:4222" does not parse`},
		{[]string{"-join", "nats://h:4222", "-name", "a.b"}, "-name"},
		{[]string{"-join", "nats://h:4222", "-workers", "-1"}, "-workers"},
		{[]string{"-join", "nats://h:4222", "-nats-tls-cert", "c.pem"}, "go together"},
		{[]string{"-join", "nats://h:4222", "-nats-tls-ca", "/no/such/ca.pem"}, "-nats-tls-ca"},
		{[]string{"-join", "nats://h:4222", "extra"}, "unexpected argument"},
	} {
		_, err := parseAgent(c.args, env(nil))
		var usage *usageError
		if !errors.As(err, &usage) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("parseAgent(%q): %v, want a usage error with %q", c.args, err, c.want)
		}
	}
}

// TestServeFleetFlags: -cluster-listen on a non-loopback address needs a token,
// and the fleet flags' other mistakes are usage errors.
func TestServeFleetFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-cluster-listen", "0.0.0.0:4222"}, "refusing to listen for agents"},
		{[]string{"-cluster-listen", "0.0.0.0:4222", "-cluster-token", "short"}, "refusing to listen for agents"},
		{[]string{"-cluster-listen", "127.0.0.1:4222", "-nats", "nats://h:4222"}, "choose one"},
		{[]string{"-nats", "h:4222"}, "want nats://HOST:PORT"},
		{[]string{"-nats", "nats://prim:pa/ss@h:4222"}, `-nats "nats://prim:xxxxx@h:4222" does not parse`},
		{[]string{"-name", "a b"}, "-name"},
		{[]string{"-nats-tls-ca", "/no/such/ca.pem"}, "-nats-tls-ca"},
	} {
		_, err := parseServe(c.args, func(string) string { return "" })
		var usage *usageError
		if !errors.As(err, &usage) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("serve %q: %v, want a usage error with %q", c.args, err, c.want)
		}
	}
	for _, args := range [][]string{
		{"-cluster-listen", "0.0.0.0:4222", "-cluster-token", "0123456789abcdef"},
		{"-cluster-listen", "0.0.0.0:4222", "-token", "0123456789abcdef", "-addr", "0.0.0.0:8080"},
		{"-cluster-listen", "127.0.0.1:0", "-name", "prim"},
	} {
		if _, err := parseServe(args, func(string) string { return "" }); err != nil {
			t.Errorf("serve %q: %v", args, err)
		}
	}
}
