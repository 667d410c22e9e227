package main

import (
	"reflect"
	"testing"
)

func TestSplitCommand(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"python3 worker.py", []string{"python3", "worker.py"}},
		{"  node\t sdk/node/example.js  ", []string{"node", "sdk/node/example.js"}},
		{`sh -c "python3 w.py 2>>w.log"`, []string{"sh", "-c", "python3 w.py 2>>w.log"}},
		{`echo 'a "b" $HOME' x`, []string{"echo", `a "b" $HOME`, "x"}},
		{`a\ b "c\"d" "\$x\n"`, []string{"a b", `c"d`, `$x\n`}},
		{`'' x`, []string{"", "x"}},
		{`a'b'"c"d`, []string{"abcd"}},
		{"a \\\nb", []string{"a", "b"}},
		{"", nil},
		{"*.py | cat", []string{"*.py", "|", "cat"}},
	} {
		got, err := splitCommand(tc.in)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("splitCommand(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{`a 'b`, `a "b`, `a\`, `"a\"`} {
		if got, err := splitCommand(bad); err == nil {
			t.Errorf("splitCommand(%q) = %q, want an error", bad, got)
		}
	}
}

func TestEnvList(t *testing.T) {
	var e envList
	for _, ok := range []string{"A=1", "_x=a=b", "EMPTY=", "MULTI=1\nOTHER=2"} {
		if err := e.Set(ok); err != nil {
			t.Errorf("Set(%q): %v", ok, err)
		}
	}
	if want := (envList{"A=1", "_x=a=b", "EMPTY=", "MULTI=1", "OTHER=2"}); !reflect.DeepEqual(e, want) {
		t.Errorf("got %q, want %q", e, want)
	}
	for _, bad := range []string{"NOEQUALS", "=v", "1A=x", "A-B=x", "GOCLUSTER_WORKER_ID=9", "GOCLUSTER_IPC_FD=5"} {
		if err := e.Set(bad); err == nil {
			t.Errorf("Set(%q) accepted", bad)
		}
	}
}
