package main

import (
	"strings"
	"testing"
)

func TestTargets(t *testing.T) {
	for _, tc := range []struct {
		t       target
		v       float64
		met, ok bool
		text    string
	}{
		{below(5), 4.9, true, true, "< 5"},
		{below(5), 5, false, true, "< 5"},
		{atLeast(0.95), 0.95, true, true, "≥ 0.95"},
		{atLeast(1e6), 999999, false, true, "≥ 1,000,000"},
		{target{}, 1, false, false, ""},
	} {
		met, ok := tc.t.met(tc.v)
		if met != tc.met || ok != tc.ok || tc.t.String() != tc.text {
			t.Errorf("%q met(%v) = %v %v", tc.t, tc.v, met, ok)
		}
	}
}

func TestGroupRuns(t *testing.T) {
	cfg := config{count: 5, slow: 1}
	for _, tc := range []struct {
		g    group
		want int
	}{
		{group{}, 5}, {group{slow: true}, 1}, {group{maxRuns: 3}, 3}, {group{maxRuns: 9}, 5},
	} {
		if got := tc.g.runs(cfg); got != tc.want {
			t.Errorf("%+v runs %d, want %d", tc.g, got, tc.want)
		}
	}
}

// TestPlanHasRows checks every planned benchmark has labelled figures, so the
// table never shows a planned benchmark under a raw name.
func TestPlanHasRows(t *testing.T) {
	for _, g := range defaultPlan() {
		found := false
		for _, r := range rows() {
			if r.bench == g.bench || strings.HasPrefix(r.bench, g.bench+"/") {
				found = true
			}
		}
		if !found {
			t.Errorf("no rows for %s", g.bench)
		}
	}
}
