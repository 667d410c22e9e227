package main

import "sort"

// figure is one line of the table: every value a metric took over the runs.
type figure struct {
	bench, unit, label string
	target             target
	values             []float64
}

func (f figure) median() float64 {
	v := sorted(f.values)
	n := len(v)
	switch {
	case n == 0:
		return 0
	case n%2 == 1:
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

func (f figure) min() float64 { return sorted(f.values)[0] }
func (f figure) max() float64 { v := sorted(f.values); return v[len(v)-1] }

// spread is half the range relative to the median, in percent: ±spread% covers
// every run.
func (f figure) spread() float64 {
	m := f.median()
	if m == 0 || len(f.values) < 2 {
		return 0
	}
	return (f.max() - f.min()) / 2 / abs(m) * 100
}

func sorted(v []float64) []float64 {
	out := append([]float64(nil), v...)
	sort.Float64s(out)
	return out
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// aggregate groups samples into figures: first the known rows, in their order,
// then any other metric in the order it first appeared. Rows with no samples are left out.
func aggregate(samples []sample) []figure {
	type key struct{ bench, unit string }
	byKey := map[key][]float64{}
	var order []key
	for _, s := range samples {
		k := key{s.bench, s.unit}
		if _, seen := byKey[k]; !seen {
			order = append(order, k)
		}
		byKey[k] = append(byKey[k], s.value)
	}
	var figs []figure
	known := map[key]bool{}
	for _, r := range rows() {
		k := key{r.bench, r.unit}
		known[k] = true
		if vs := byKey[k]; len(vs) > 0 {
			figs = append(figs, figure{bench: r.bench, unit: r.unit, label: r.label, target: r.target, values: vs})
		}
	}
	for _, k := range order {
		if !known[k] {
			figs = append(figs, figure{bench: k.bench, unit: k.unit, label: defaultLabel(k.bench, k.unit), values: byKey[k]})
		}
	}
	return figs
}
