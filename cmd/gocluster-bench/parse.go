package main

import (
	"bufio"
	"io"
	"strconv"
	"strings"
)

// sample is one metric of one benchmark run.
type sample struct {
	bench string
	unit  string
	value float64
}

// skipUnit is true for go test's own per-op figures: for these benchmarks an "op"
// is a fork, a message or a job, and the table shows the named metrics instead.
func skipUnit(unit string) bool {
	switch unit {
	case "ns/op", "B/op", "allocs/op":
		return true
	}
	return false
}

// parseBench reads `go test -bench` output and returns its metrics. procs is the
// GOMAXPROCS the binary ran with: go test appends "-procs" to names when it is over 1.
func parseBench(r io.Reader, procs int) ([]sample, error) {
	var out []sample
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		out = append(out, parseLine(sc.Text(), procs)...)
	}
	return out, sc.Err()
}

// parseLine parses "BenchmarkX/sub-2  10  123 ns/op  4.5 unit ..."; other lines give nothing.
func parseLine(line string, procs int) []sample {
	f := strings.Fields(line)
	if len(f) < 4 || len(f)%2 != 0 || !strings.HasPrefix(f[0], "Benchmark") {
		return nil
	}
	if _, err := strconv.ParseInt(f[1], 10, 64); err != nil {
		return nil
	}
	name := f[0]
	if procs > 1 {
		name = strings.TrimSuffix(name, "-"+strconv.Itoa(procs))
	}
	var out []sample
	for i := 2; i+1 < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return nil
		}
		if !skipUnit(f[i+1]) {
			out = append(out, sample{bench: name, unit: f[i+1], value: v})
		}
	}
	return out
}
