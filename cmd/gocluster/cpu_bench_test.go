package main

import (
	"os"
	"strconv"
	"strings"
	"time"
)

// childCPU is the CPU time each child process of pid has used so far, by pid:
// the sum of its threads' schedstat run times (nanoseconds, unlike the 10 ms
// ticks of /proc/PID/stat). A measure that holds on a loaded machine, where wall
// times mostly measure the others. The children are found in the parent's
// threads' children lists, not by reading every process on the machine: that
// scan, taken just before a timed kill, made the kill's figure several times
// worse on a loaded machine.
func childCPU(pid int) map[int]time.Duration {
	out := map[int]time.Duration{}
	dir := "/proc/" + strconv.Itoa(pid) + "/task/"
	tasks, _ := os.ReadDir(dir)
	for _, t := range tasks {
		b, err := os.ReadFile(dir + t.Name() + "/children")
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if child, err := strconv.Atoi(f); err == nil {
				out[child] = procCPU(child)
			}
		}
	}
	return out
}

// procCPU sums the run time of every thread of pid.
func procCPU(pid int) time.Duration {
	dir := "/proc/" + strconv.Itoa(pid) + "/task/"
	tasks, _ := os.ReadDir(dir)
	var sum time.Duration
	for _, t := range tasks {
		b, err := os.ReadFile(dir + t.Name() + "/schedstat")
		if err != nil {
			continue
		}
		if f := strings.Fields(string(b)); len(f) > 0 {
			n, _ := strconv.ParseInt(f[0], 10, 64)
			sum += time.Duration(n)
		}
	}
	return sum
}
