package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"127.0.0.1": true, "127.1.2.3": true, "::1": true, "localhost": true,
		"": false, "0.0.0.0": false, "::": false, "192.168.1.4": false, "example.com": false,
	} {
		if got := isLoopback(host); got != want {
			t.Errorf("isLoopback(%q) = %v", host, got)
		}
	}
}

func TestRefusesPublicAddressWithoutToken(t *testing.T) {
	out, code := runBin(t, nil, "-addr", "0.0.0.0:0", "-workers", "1")
	if code != 2 || !strings.Contains(out, "refusing to listen on 0.0.0.0:0 (-addr) without -token") {
		t.Fatalf("exit %d, %q", code, out)
	}
	out, code = runBin(t, []string{"GOCLUSTER_ADDR=[::]:0"}, "-workers", "1")
	if code != 2 || !strings.Contains(out, "(GOCLUSTER_ADDR) without -token") {
		t.Fatalf("from the environment: exit %d, %q", code, out)
	}
	if strings.Contains(out, "gocluster panel:") {
		t.Fatal("it started anyway")
	}
}

// TestTokenStrength: `-token a` on 0.0.0.0 started; an exposed address now needs a
// token of 16 characters or more. Loopback takes any token.
func TestTokenStrength(t *testing.T) {
	for _, tc := range []struct {
		addr, token string
		ok          bool
	}{
		{"0.0.0.0:0", "a", false}, {"0.0.0.0:0", "0123456789abcde", false},
		{"0.0.0.0:0", "0123456789abcdef", true}, {"127.0.0.1:0", "a", true},
	} {
		_, err := parseServe([]string{"-addr", tc.addr, "-token", tc.token, "-workers", "1"}, noEnv)
		if ok := err == nil; ok != tc.ok {
			t.Errorf("-addr %s -token %q: err %v, want ok=%v", tc.addr, tc.token, err, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "at least 16 characters") {
			t.Errorf("-addr %s -token %q: %v does not say the minimum", tc.addr, tc.token, err)
		}
	}
}

// TestTokenFile: -token-file (or GOCLUSTER_TOKEN_FILE) reads the token, without its
// trailing newline, so it stays out of ps; both, unreadable or empty is an error.
func TestTokenFile(t *testing.T) {
	dir := t.TempDir()
	good, empty := filepath.Join(dir, "token"), filepath.Join(dir, "empty")
	os.WriteFile(good, []byte("0123456789abcdef0123\n"), 0o600)
	os.WriteFile(empty, []byte("\n"), 0o600)
	cfg, err := parseServe([]string{"-addr", "0.0.0.0:0", "-token-file", good}, noEnv)
	if err != nil || cfg.Token != "0123456789abcdef0123" {
		t.Fatalf("-token-file: token %q, err %v", cfg.Token, err)
	}
	env := func(k string) string { return map[string]string{"GOCLUSTER_TOKEN_FILE": good}[k] }
	if cfg, err := parseServe(nil, env); err != nil || cfg.Token != "0123456789abcdef0123" {
		t.Fatalf("GOCLUSTER_TOKEN_FILE: token %q, err %v", cfg.Token, err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-token", "x", "-token-file", good}, "both given"},
		{[]string{"-token-file", filepath.Join(dir, "missing")}, "cannot read the token"},
		{[]string{"-token-file", empty}, "is empty"},
	} {
		if _, err := parseServe(tc.args, noEnv); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err %v, want one saying %q", tc.args, err, tc.want)
		}
	}
}

func noEnv(string) string { return "" }

// TestAllowedHostsMustBeHostNames: -allowed-hosts takes names or name:port, not
// URLs or paths, which no Host header would ever match.
func TestAllowedHostsMustBeHostNames(t *testing.T) {
	if _, err := parseServe([]string{"-allowed-hosts", "a.example, b.example:8443,[::1]:80"}, noEnv); err != nil {
		t.Fatalf("good names: %v", err)
	}
	for _, bad := range []string{"https://a.example", "a.example/x", "user@a.example", "a b"} {
		if _, err := parseServe([]string{"-allowed-hosts", bad}, noEnv); err == nil {
			t.Errorf("-allowed-hosts %q was accepted", bad)
		}
	}
}
