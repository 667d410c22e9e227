package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseBench(t *testing.T) {
	out := `goos: linux
pkg: github.com/gocluster/gocluster/cluster
BenchmarkForkOnline/workers=1-2         	      20	   2689112 ns/op	         2.574 fork-online-ms
BenchmarkRoundTrip-2   	    3000	     93265 ns/op	        26.02 bare-p50-us	         1.962 ratio-vs-bare
BenchmarkFrameCodec/decode/job-2         	27458960	        42.17 ns/op	       3 B/op	       1 allocs/op
BenchmarkBroken-2 	 x 	 1 ns/op
--- FAIL: BenchmarkOther
PASS
`
	got, err := parseBench(strings.NewReader(out), 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []sample{
		{"BenchmarkForkOnline/workers=1", "fork-online-ms", 2.574},
		{"BenchmarkRoundTrip", "bare-p50-us", 26.02},
		{"BenchmarkRoundTrip", "ratio-vs-bare", 1.962},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
}

// TestParseLineProcs checks the GOMAXPROCS suffix is only stripped when go test adds it.
func TestParseLineProcs(t *testing.T) {
	line := "BenchmarkTiny/n=1-4 \t 10 \t 5 ns/op \t 7 x/s"
	if got := parseLine(line, 4); len(got) != 1 || got[0].bench != "BenchmarkTiny/n=1" {
		t.Fatalf("procs 4: %+v", got)
	}
	if got := parseLine("BenchmarkTiny/n=1 \t 10 \t 7 x/s", 1); len(got) != 1 || got[0].bench != "BenchmarkTiny/n=1" {
		t.Fatalf("procs 1: %+v", got)
	}
	if got := parseLine("BenchmarkTiny-2 \t 10 \t 7 x/s \t oops", 2); got != nil {
		t.Fatalf("odd fields: %+v", got)
	}
}
