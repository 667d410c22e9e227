package sdk_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReadmeOwnWorker keeps the README's "your own worker" honest: it shows
// sdk/python/example.py as it is, the serve command these tests run, and its curl's
// job list, sent to that worker, answers as the README says.
func TestReadmeOwnWorker(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile(filepath.Join("python", "example.py"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "```python\n"+string(example)+"```") {
		t.Error("README does not show sdk/python/example.py as it is")
	}
	const command = "python3 sdk/python/example.py"
	if !strings.Contains(string(readme), "bin/gocluster serve -exec '"+command+"'") {
		t.Errorf("README does not serve %s", command)
	}
	m := regexp.MustCompile(`-d '(\{"kind":"wordcount"[^']*)'`).FindSubmatch(readme)
	if m == nil {
		t.Fatal("README has no curl of a wordcount list")
	}
	var list struct {
		Kind   string `json:"kind"`
		Inputs []any  `json:"inputs"`
	}
	if err := json.Unmarshal(m[1], &list); err != nil {
		t.Fatalf("the README's job list %s: %v", m[1], err)
	}
	requireTools(t, "GOCLUSTER_REQUIRE_PYTHON", "python3")
	s := serve(t, command, "-workers", "2")
	s.waitOnline(t, 2)
	var results []string
	for _, j := range s.submit(t, list.Kind, list.Inputs).Jobs {
		results = append(results, string(j.Result))
	}
	if got := "(" + strings.Join(results, ", ") + ")"; !strings.Contains(string(readme), "result` is its count "+got) {
		t.Errorf("the README's list gives %s, which the README does not say", got)
	}
	b := s.submit(t, "wordcount", []any{42})
	if j := b.Jobs[0]; j.State != "failed" || !strings.Contains(string(readme), "`"+j.Error+"`") ||
		!strings.Contains(string(readme), "`"+string(j.ErrorData)+"`") {
		t.Errorf("wordcount of 42: %s %q %s, which the README does not say", j.State, j.Error, j.ErrorData)
	}
	if code, raw := s.call(t, http.MethodGet, "/api/kinds", nil, nil); code != http.StatusOK || !strings.Contains(raw, "wordcount") {
		t.Errorf("GET /api/kinds: %d %s", code, raw)
	}
}
