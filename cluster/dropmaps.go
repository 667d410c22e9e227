package cluster

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"syscall"
)

// dropExecPages unmaps, from this process's page tables, the pages of its own
// executable file that it mapped read-only (code and constant data) and touched
// so far; they stay in the page cache, and the ones used again are faulted back
// in (a minor fault each). A standby calls it once its init is done: init touches
// thousands of pages of the binary that a worker never needs again (RSS of file
// pages 12.9 → 6.0 MB for the 39 MB gocluster binary), and a killed process's end
// — which a SIGKILLed worker's replacement waits for — is mostly the tearing down
// of its page tables: 3.6–4.0 → 2.7 ms p50 (docs/performance.md). Only mappings
// without a private copy of any page are dropped: madvise(MADV_DONTNEED) resets
// a written (copied) page to the file's content, which would undo, say, a
// relocated read-only-after-relocation segment of a binary linked with cgo.
func dropExecPages() {
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		return
	}
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		return
	}
	defer f.Close()
	var spans [][2]uintptr
	var cur [2]uintptr
	var ok bool
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Bytes()
		if s, e, isHeader, ro := smapsHeader(line, exe); isHeader {
			cur, ok = [2]uintptr{s, e}, ro
			continue
		}
		if ok && bytes.HasPrefix(line, []byte("Anonymous:")) {
			if n := bytes.Fields(line[len("Anonymous:"):]); len(n) > 0 && string(n[0]) == "0" {
				spans = append(spans, cur)
			}
			ok = false
		}
	}
	if sc.Err() != nil {
		return // a partial read: drop nothing rather than guess
	}
	for _, sp := range spans {
		syscall.Syscall(syscall.SYS_MADVISE, sp[0], sp[1]-sp[0], syscall.MADV_DONTNEED)
	}
}

// smapsHeader parses a mapping's first line in /proc/self/smaps ("start-end perms
// offset dev inode [path]"): isHeader for such a line, and ro when the mapping is
// of file exe and not writable.
func smapsHeader(line []byte, exe string) (start, end uintptr, isHeader, ro bool) {
	fields := bytes.Fields(line)
	if len(fields) < 5 {
		return 0, 0, false, false
	}
	lo, hi, found := bytes.Cut(fields[0], []byte("-"))
	if !found {
		return 0, 0, false, false
	}
	s, err1 := strconv.ParseUint(string(lo), 16, 64)
	e, err2 := strconv.ParseUint(string(hi), 16, 64)
	if err1 != nil || err2 != nil || e <= s {
		return 0, 0, false, false
	}
	ro = len(fields) >= 6 && string(fields[5]) == exe && len(fields[1]) >= 2 && fields[1][1] != 'w'
	return uintptr(s), uintptr(e), true, ro
}
