package main

import (
	"strings"
	"testing"
)

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}, {"serve", "-h"}, {"help", "serve"}} {
		out, code := runBin(t, nil, args...)
		if code != 0 {
			t.Errorf("%v: exit %d", args, code)
		}
		for _, want := range []string{"-token (GOCLUSTER_TOKEN", "refuses to start on a non-loopback address", "-shutdown-timeout",
			"a list sent over HTTP holds at most 100000 inputs"} {
			if !strings.Contains(out, want) {
				t.Errorf("%v: help lacks %q", args, want)
			}
		}
	}
	out, code := runBin(t, nil, "demo", "-h")
	if code != 0 || !strings.Contains(out, "gocluster demo fib [-workers N] [-compare=false] [n ...]") {
		t.Errorf("demo -h: exit %d, %q", code, out)
	}
}
