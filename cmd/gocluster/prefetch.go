package main

import (
	"errors"
	"strconv"
	"strings"
)

// prefetch is the -prefetch flag: "auto" (or 0), the default, adapts each worker's
// window to its jobs (cluster.JobOptions.Prefetch 0); a number fixes it.
type prefetch int

func (p *prefetch) String() string {
	if *p == 0 {
		return "auto"
	}
	return strconv.Itoa(int(*p))
}

func (p *prefetch) Set(s string) error {
	s = strings.TrimSpace(s)
	if s == "auto" {
		*p = 0
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return errors.New("want auto or a number of jobs, 1..1000")
	}
	*p = prefetch(n) // the range is checked with the other integers (checkInts)
	return nil
}
