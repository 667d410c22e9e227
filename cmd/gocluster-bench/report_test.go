package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFormatValue(t *testing.T) {
	for v, want := range map[float64]string{
		1104394: "1,104,394", -2500: "-2,500", 123.4: "123", 42.25: "42.2", 2.574: "2.57", 0.9955: "0.996", 0: "0.000",
	} {
		if got := formatValue(v); got != want {
			t.Errorf("formatValue(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestWriteTable(t *testing.T) {
	figs := []figure{
		{label: "fork (ms)", target: below(5), values: []float64{2, 3, 4}},
		{label: "ratio", target: below(1.25), values: []float64{1.5}},
		{label: "plain", values: []float64{70000}},
	}
	var b strings.Builder
	writeTable(&b, figs, []string{"BenchmarkFanout (server): no such benchmark in this tree"})
	out := b.String()
	for _, want := range []string{
		"| fork (ms) | 3.00 | 2.00 – 4.00 (±33%) | 3 | < 5 | met |",
		"| ratio | 1.50 | 1.50 – 1.50 (±0%) | 1 | < 1.25 | **missed** |",
		"| plain | 70,000 | 70,000 – 70,000 (±0%) | 1 |  |  |",
		"not measured: BenchmarkFanout (server)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestWriteJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "results.json")
	figs := []figure{{bench: "BenchmarkX", unit: "x-ms", label: "x", target: below(5), values: []float64{1, 3}}}
	if err := writeJSON(path, newReport(figs, nil, config{count: 2})); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r report
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	f := r.Figures[0]
	if f.Median != 2 || f.Target != "< 5" || f.Met == nil || !*f.Met || r.Count != 2 || r.Missing == nil {
		t.Fatalf("report %+v, figure %+v", r, f)
	}
}
