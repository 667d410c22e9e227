package main

import "testing"

func TestFigureStats(t *testing.T) {
	f := figure{values: []float64{3, 1, 2}}
	if f.median() != 2 || f.min() != 1 || f.max() != 3 || f.spread() != 50 {
		t.Fatalf("median %v min %v max %v spread %v", f.median(), f.min(), f.max(), f.spread())
	}
	if f.values[0] != 3 {
		t.Fatal("stats must not reorder the runs")
	}
	even := figure{values: []float64{4, 1, 2, 3}}
	if even.median() != 2.5 {
		t.Fatalf("even median %v", even.median())
	}
	if one := (figure{values: []float64{7}}); one.spread() != 0 || one.median() != 7 {
		t.Fatalf("one run: %v ± %v", one.median(), one.spread())
	}
}

func TestAggregateOrdersKnownRowsFirst(t *testing.T) {
	samples := []sample{
		{"BenchmarkZ", "things/s", 5},
		{"BenchmarkKillReplace", "kill-online-ms", 4},
		{"BenchmarkForkOnline/workers=1", "fork-online-ms", 3},
		{"BenchmarkZ", "things/s", 7},
		{"BenchmarkForkOnline/workers=1", "fork-online-ms", 2},
	}
	figs := aggregate(samples)
	if len(figs) != 3 {
		t.Fatalf("%d figures: %+v", len(figs), figs)
	}
	if figs[0].unit != "fork-online-ms" || len(figs[0].values) != 2 || figs[0].target.op != '<' {
		t.Errorf("first figure %+v", figs[0])
	}
	if figs[1].unit != "kill-online-ms" {
		t.Errorf("second figure %+v", figs[1])
	}
	if figs[2].label != "Z: things/s" || figs[2].median() != 6 {
		t.Errorf("unknown figure %+v", figs[2])
	}
}
