package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseFlags(t *testing.T) {
	var stderr strings.Builder
	cfg, err := parseFlags([]string{"-count", "3", "-out", ""}, &stderr)
	if err != nil || cfg.count != 3 || cfg.slow != 3 || cfg.out != "" || len(cfg.plan) == 0 {
		t.Fatalf("cfg %+v, err %v", cfg, err)
	}
	for _, args := range [][]string{{"-count", "0"}, {"-count", "1000"}, {"-slow-count", "-1"}, {"extra"}, {"-nope"}} {
		if _, err := parseFlags(args, &stderr); err == nil {
			t.Errorf("parseFlags(%q) accepted", args)
		}
	}
}

// TestExecuteTinyPlan builds and runs a real benchmark package twice, and checks the
// table, the JSON, and that a failing or absent benchmark and a package that does
// not build are reported as not measured instead of stopping the run.
func TestExecuteTinyPlan(t *testing.T) {
	out := filepath.Join(t.TempDir(), "sub", "results.json")
	cfg := config{count: 2, slow: 1, out: out, goCmd: "go", plan: []group{
		{pkg: "testdata/tiny", bench: "BenchmarkTiny", benchtime: "3x"},
		{pkg: "testdata/tiny", bench: "BenchmarkFails", benchtime: "1x", slow: true},
		{pkg: "testdata/tiny", bench: "BenchmarkAbsent", benchtime: "1x"},
		{pkg: "testdata/broken", bench: "BenchmarkBroken", benchtime: "1x"},
		{pkg: "testdata/tiny", bench: "BenchmarkTiny", benchtime: "1x", needs: "gocluster-bench-no-such-tool"},
	}}
	var stdout, stderr strings.Builder
	if err := execute(context.Background(), cfg, &stdout, &stderr); err != nil {
		t.Fatalf("execute: %v\n%s", err, stderr.String())
	}
	table := stdout.String()
	for _, want := range []string{
		"| Tiny/n=1: widgets/s | 10.0 | 10.0 – 10.0 (±0%) | 2 |",
		"| Tiny/n=2: widgets/s | 20.0 |",
		"| Fails/ok: partial | 1.00 |",
		"not measured: BenchmarkFails (testdata/tiny): exit status 1: --- FAIL: BenchmarkFails/bad",
		"not measured: BenchmarkAbsent (testdata/tiny): no such benchmark in this tree",
		"not measured: BenchmarkBroken (testdata/broken): build testdata/broken",
		"not measured: BenchmarkTiny (testdata/tiny): needs gocluster-bench-no-such-tool, which is not installed",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("output lacks %q:\n%s", want, table)
		}
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var r report
	if err := json.Unmarshal(b, &r); err != nil || len(r.Figures) != 3 || len(r.Missing) != 4 {
		t.Fatalf("results.json: %v\n%s", err, b)
	}
}
