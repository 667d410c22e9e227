package cluster

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"testing"
)

// TestDropExecPages runs dropExecPages in this test process (linked with cgo
// under -race, so with segments written at load time), which must keep running
// correctly, and checks that its executable's resident read-only pages shrank.
func TestDropExecPages(t *testing.T) {
	before := exeRSS(t)
	dropExecPages()
	after := exeRSS(t)
	t.Logf("resident read-only pages of the executable: %d kB → %d kB", before, after)
	if after >= before {
		t.Fatalf("resident read-only pages of the executable did not shrink: %d kB → %d kB", before, after)
	}
	// Code and constants are faulted back in from the page cache as used.
	if got := strconv.Itoa(12345) + fmtCheck(); got != "12345ok" {
		t.Fatalf("after the drop: %q", got)
	}
}

func fmtCheck() string { return "ok" }

// exeRSS sums the Rss of the read-only mappings of this process's executable.
func exeRSS(t *testing.T) int {
	t.Helper()
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	total, in := 0, false
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if _, _, isHeader, ro := smapsHeader(sc.Bytes(), exe); isHeader {
			in = ro
			continue
		}
		if f := bytes.Fields(sc.Bytes()); in && len(f) >= 2 && string(f[0]) == "Rss:" {
			n, _ := strconv.Atoi(string(f[1]))
			total += n
		}
	}
	return total
}

func TestSmapsHeader(t *testing.T) {
	const exe = "/usr/bin/gocluster"
	for _, tc := range []struct {
		line          string
		header, ro    bool
		start, length uintptr
	}{
		{"00400000-01000000 r-xp 00000000 fd:01 123 /usr/bin/gocluster", true, true, 0x400000, 0xc00000},
		{"01000000-02000000 r--p 00c00000 fd:01 123 /usr/bin/gocluster", true, true, 0x1000000, 0x1000000},
		{"02000000-02100000 rw-p 01c00000 fd:01 123 /usr/bin/gocluster", true, false, 0x2000000, 0x100000},
		{"7f0000000000-7f0000001000 r--p 00000000 fd:01 9 /usr/lib/libc.so.6", true, false, 0x7f0000000000, 0x1000},
		{"c000000000-c004000000 rw-p 00000000 00:00 0", true, false, 0xc000000000, 0x4000000},
		{"VmFlags: rd ex mr mw me dw sd", false, false, 0, 0},
		{"Rss:                 136 kB", false, false, 0, 0},
		{"zz-01 r--p 0 fd:01 1 /usr/bin/gocluster", false, false, 0, 0},
	} {
		s, e, header, ro := smapsHeader([]byte(tc.line), exe)
		if header != tc.header || ro != tc.ro || (header && (s != tc.start || e-s != tc.length)) {
			t.Errorf("%q: header %v ro %v [%#x, %#x)", tc.line, header, ro, s, e)
		}
	}
}
