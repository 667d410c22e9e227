package schedule

import "slices"

// Best is the shortest possible wall time of jobs taking durs on m machines, by
// trying every assignment: fine for a handful of jobs (m^len(durs) of them).
func Best(durs []float64, m int) float64 {
	best := -1.0
	assign := make([]int, len(durs))
	var try func(i int)
	try = func(i int) {
		if i == len(durs) {
			if span := makespan(durs, assign, m); best < 0 || span < best {
				best = span
			}
			return
		}
		for w := range m {
			assign[i] = w
			try(i + 1)
		}
	}
	try(0)
	return best
}

// makespan is the busiest machine's load when job k runs on machine assign[k].
func makespan(durs []float64, assign []int, m int) float64 {
	load := make([]float64, m)
	for k, d := range durs {
		load[assign[k]] += d
	}
	return slices.Max(load)
}

// FirstFree is the wall time of jobs taking durs when each, in input order, goes
// to the machine that is free first: what a queue that cannot know durations in
// advance does at best. What a wall time exceeds it by is the pool's own cost
// (IPC, dispatch, start-up of the list); what it exceeds Best by also holds the
// bad luck of the order when the machine's load bends the jobs' durations.
func FirstFree(durs []float64, m int) float64 {
	free := make([]float64, m)
	for _, d := range durs {
		k := 0
		for i := range free {
			if free[i] < free[k] {
				k = i
			}
		}
		free[k] += d
	}
	return slices.Max(free)
}
