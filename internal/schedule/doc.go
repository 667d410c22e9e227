// Package schedule computes what a pool of m workers could do at best with jobs of
// known durations, for the benchmarks that hold a list's wall time against it
// (cluster's BenchmarkFibReference on local workers, cmd/gocluster's
// BenchmarkFleetFib on agents): the overhead a pool adds is its wall time over
// the best schedule of the jobs' own measured durations.
package schedule
