package main

import (
	"flag"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gocluster/gocluster/cluster/jobs"
)

// readmeFlagRow is a row of the README's configuration table: "| `-flag` | ...".
var readmeFlagRow = regexp.MustCompile("(?m)^\\| `-([a-z-]+)` \\|.*$")

// TestREADMEListsEveryServeFlag keeps the README's configuration table in step with
// serve's flags: each flag has a row, each row names a flag, and the
// -max-jobs-per-list row states the HTTP cap, which is lower than the flag's default.
func TestREADMEListsEveryServeFlag(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, m := range readmeFlagRow.FindAllStringSubmatch(string(b), -1) {
		rows[m[1]] = m[0]
	}
	var cfg serveConfig
	fs := serveFlags(&cfg)
	fs.VisitAll(func(f *flag.Flag) {
		if _, ok := rows[f.Name]; !ok {
			t.Errorf("README's configuration table has no row for -%s", f.Name)
		}
	})
	for name := range rows {
		if fs.Lookup(name) == nil {
			t.Errorf("README's configuration table lists -%s, which serve does not have", name)
		}
	}
	if httpCap := withCommas(jobs.DefaultMaxInputs); !strings.Contains(rows["max-jobs-per-list"], httpCap) {
		t.Errorf("README's -max-jobs-per-list row does not state the HTTP cap of %s inputs: %s", httpCap, rows["max-jobs-per-list"])
	}
}

// withCommas writes n as the README does: 100,000.
func withCommas(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
