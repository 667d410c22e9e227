package main

import (
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
