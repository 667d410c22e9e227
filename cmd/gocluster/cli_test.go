package main

import (
	"strings"
	"testing"
)

// TestUsageErrors checks that every bad flag, variable or argument exits with code
// 2 and a message naming what was wrong, before anything starts.
func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		env  []string
		args []string
		want string
	}{
		{nil, []string{"frobnicate"}, `unknown command "frobnicate"`},
		{nil, []string{"-workers", "abc"}, `invalid value "abc" for flag -workers`},
		{nil, []string{"-workers", "-1"}, "-workers -1 is out of range: must be between 0 and 64"},
		{nil, []string{"-workers", "9", "-max-workers", "8"}, "-workers 9 is out of range: must be between 0 and 8"},
		{nil, []string{"-max-workers", "0"}, "-max-workers 0 is out of range"},
		{nil, []string{"-nosuch"}, "flag provided but not defined: -nosuch"},
		{nil, []string{"-log-level", "loud"}, `-log-level "loud": want debug, info, warn or error`},
		{nil, []string{"-log-format", "xml"}, `-log-format "xml": want text or json`},
		{nil, []string{"-job-timeout", "0s"}, "-job-timeout 0s is out of range: must be between 1ms and 24h0m0s"},
		{nil, []string{"-job-timeout", "soon"}, `invalid value "soon" for flag -job-timeout`},
		{nil, []string{"-shutdown-timeout", "-1s"}, "-shutdown-timeout -1s is out of range"},
		{nil, []string{"-degraded-cooldown", "25h"}, "-degraded-cooldown 25h0m0s is out of range"},
		{nil, []string{"-max-body", "12XB"}, `invalid value "12XB" for flag -max-body`},
		{nil, []string{"-max-body", "10"}, "-max-body 10B is out of range: must be between 1KiB and 1GiB"},
		{nil, []string{"-max-queued", "5", "-max-jobs-per-list", "10"}, "-max-queued 5 is out of range: must be between 10"},
		{nil, []string{"-prefetch", "-1"}, "-prefetch -1 is out of range: must be between 0 and 1000"},
		{nil, []string{"-prefetch", "lots"}, `invalid value "lots" for flag -prefetch: want auto or a number`},
		{nil, []string{"-max-attempts", "101"}, "-max-attempts 101 is out of range"},
		{nil, []string{"-history", "0"}, "-history 0 is out of range"},
		{nil, []string{"-addr", "nonsense"}, `-addr "nonsense": address nonsense: missing port in address`},
		{nil, []string{"-addr", "127.0.0.1:99999"}, "port must be a number from 0 to 65535"},
		{nil, []string{"-token", "two words"}, "-token may only hold printable ASCII without spaces"},
		{nil, []string{"serve", "extra"}, `unexpected argument "extra"`},
		{[]string{"GOCLUSTER_WORKERS=lots"}, nil, `environment variable GOCLUSTER_WORKERS="lots"`},
		{[]string{"GOCLUSTER_WORKERS=100"}, nil, "GOCLUSTER_WORKERS 100 is out of range"},
		{[]string{"GOCLUSTER_READ_ONLY=perhaps"}, nil, `GOCLUSTER_READ_ONLY="perhaps"`},
		{[]string{"GOCLUSTER_JOB_TIMEOUT=90"}, nil, `GOCLUSTER_JOB_TIMEOUT="90"`},
		{nil, []string{"version", "now"}, `version: unexpected argument "now"`},
		{nil, []string{"help", "me"}, `no help on "me"`},
		{nil, []string{"demo"}, "which one? fib, http or restart"},
		{nil, []string{"demo", "nosuch"}, `unknown demo "nosuch"`},
		{nil, []string{"demo", "fib", "20", "x"}, `input 2 "x" is not an integer`},
		{nil, []string{"demo", "fib", "51"}, "fib input 51 is out of range"},
		{nil, []string{"demo", "fib", "-workers", "65", "20"}, "demo fib: -workers 65 is out of range: must be between 0 (one per CPU) and 64"},
		{[]string{"GOCLUSTER_WORKERS=many"}, []string{"demo", "fib", "20"}, `demo fib: environment variable GOCLUSTER_WORKERS="many"`},
		{[]string{"GOCLUSTER_DURATION=0s"}, []string{"demo", "restart"}, "demo restart: GOCLUSTER_DURATION 0s must be positive"},
		{nil, []string{"demo", "http", "-addr", "nope"}, `-addr "nope": address nope: missing port`},
		{nil, []string{"demo", "http", "-duration", "-1s"}, "duration -1s is negative"},
		{nil, []string{"demo", "restart", "-duration", "0s"}, "-duration 0s must be positive"},
		{nil, []string{"demo", "restart", "now"}, `unexpected argument "now"`},
	} {
		out, code := runBin(t, tc.env, tc.args...)
		if code != 2 || !strings.Contains(out, tc.want) || !strings.Contains(out, "gocluster help") {
			t.Errorf("%v %v: exit %d, output %q; want exit 2 and %q", tc.env, tc.args, code, out, tc.want)
		}
	}
}
