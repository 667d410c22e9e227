package main

import (
	"strings"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// TestSuperviseFlagsAreChecked: each mistake in the supervision flags is a usage
// error that names the flag and says what to do.
func TestSuperviseFlagsAreChecked(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-protocol", "grpc"}, "-protocol \"grpc\": want gocluster or none"},
		{[]string{"-protocol", "none"}, "give it with -exec"},
		{[]string{"-protocol", "none", "-exec", "sleep 1", "-balance", "rr"}, "-balance rr needs protocol workers"},
		{[]string{"-balance", "random", "-exec", "sleep 1"}, "want os, rr or sticky"},
		{[]string{"-listen", "127.0.0.1:8000"}, "the built-in job workers serve none"},
		{[]string{"-listen", "nonsense", "-exec", "sleep 1"}, "want host:port"},
		{[]string{"-port-base", "65500", "-max-workers", "64"}, "-port-base 65500 is out of range"},
		{[]string{"-drain-timeout", "0s"}, "-drain-timeout 0s is out of range"},
		{[]string{"-start-timeout", "-1s"}, "-start-timeout -1s is out of range"},
	} {
		_, err := parseServe(append([]string{"-workers", "1"}, tc.args...), noEnv)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want an error with %q", tc.args, err, tc.want)
		}
	}
}

// TestSuperviseFlagsReachThePool: the flags become the pool's options, and a plain
// pool balances with the kernel unless told otherwise.
func TestSuperviseFlagsReachThePool(t *testing.T) {
	cfg, err := parseServe([]string{"-workers", "1", "-exec", "sleep 600", "-protocol", "none",
		"-listen", "127.0.0.1:0", "-port-base", "9000", "-ready-delay", "2s", "-start-timeout", "5s",
		"-drain-timeout", "7s"}, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	o := poolOptions(cfg, nil, nil)
	if o.Protocol != cluster.ProtocolNone || o.Listen != "127.0.0.1:0" || o.PortBase != 9000 ||
		o.ReadyDelay != 2*time.Second || o.StartTimeout != 5*time.Second || o.DrainTimeout != 7*time.Second ||
		o.Exec != "sleep" || o.Balance != "" {
		t.Fatalf("options %+v", o)
	}
}
