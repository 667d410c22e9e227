package cluster

import (
	"bytes"
	"os"
	"strconv"
	"sync"
	"time"
)

// procStats reads workers' memory and CPU use from /proc. CPU% needs two readings,
// so the last one per pid is kept (and forgotten when the pid is gone).
type procStats struct {
	mu   sync.Mutex
	last map[int]cpuSample
}

type cpuSample struct {
	ticks uint64
	at    time.Time
}

// clkTck is USER_HZ, 100 on every Linux this runs on.
const clkTck = 100

// fill samples every worker of the pool and forgets the pids no longer in it.
func (s *procStats) fill(ws []WorkerInfo) { s.sample(ws, true) }

// sample reads ws's figures; prune forgets the samples of pids not in ws, which only
// a call with the whole pool may do.
func (s *procStats) sample(ws []WorkerInfo, prune bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.last == nil {
		s.last = map[int]cpuSample{}
	}
	seen := make(map[int]bool, len(ws))
	now := time.Now()
	for i := range ws {
		if ws[i].remote {
			continue
		}
		pid := ws[i].PID
		seen[pid] = true
		rss, ticks, ok := readProc(pid)
		if !ok {
			continue
		}
		ws[i].RSSBytes = rss
		if prev, ok := s.last[pid]; ok && now.Sub(prev.at) > 0 && ticks >= prev.ticks {
			cpu := float64(ticks-prev.ticks) / clkTck / now.Sub(prev.at).Seconds() * 100
			ws[i].CPUPercent = float64(int(cpu*10+0.5)) / 10
		}
		s.last[pid] = cpuSample{ticks: ticks, at: now}
	}
	for pid := range s.last {
		if prune && !seen[pid] {
			delete(s.last, pid)
		}
	}
}

// readProc returns the resident set in bytes and utime+stime in ticks.
func readProc(pid int) (rss int64, ticks uint64, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, false
	}
	// Fields after the command name, which is in parentheses and may hold spaces.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0, false
	}
	f := bytes.Fields(b[i+1:])
	// f[0] is field 3 (state); utime is field 14, stime 15, rss (pages) 24.
	if len(f) < 22 {
		return 0, 0, false
	}
	ut, _ := strconv.ParseUint(string(f[11]), 10, 64)
	st, _ := strconv.ParseUint(string(f[12]), 10, 64)
	pages, _ := strconv.ParseInt(string(f[21]), 10, 64)
	return pages * int64(os.Getpagesize()), ut + st, true
}
