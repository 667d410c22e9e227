package main

import (
	"runtime"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	out, code := runBin(t, nil, "version")
	if code != 0 || !strings.HasPrefix(out, "gocluster ") || !strings.Contains(out, "go1.") {
		t.Fatalf("version: exit %d, %q", code, out)
	}
}

func TestVersionString(t *testing.T) {
	if v := versionString(); !strings.HasPrefix(v, "gocluster ") || !strings.Contains(v, runtime.Version()) {
		t.Fatalf("versionString() = %q", v)
	}
}
