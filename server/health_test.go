package server

import (
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// TestHealthReportsADegradedPoolUntilItRecovers: external SIGKILLs (an OOM killer,
// say) put the only slot into a crash loop. /healthz and /readyz then answer 503
// with the reason, in text and in JSON, and once the cool-down has passed and the
// retried worker stayed up, the pool recovers and both answer 200 again. Before,
// /healthz said "ok" throughout and the slot never came back.
func TestHealthReportsADegradedPoolUntilItRecovers(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: 1, Restart: cluster.RestartPolicy{
		Backoff: time.Millisecond, Jitter: -1, CrashLoopLimit: 2, CrashLoopWindow: time.Minute,
		StableAfter: 3 * time.Second, DegradedCooldown: time.Second}}, Config{})
	wantHealth(t, a, "/healthz", http.StatusOK, "ok")
	wantHealth(t, a, "/readyz", http.StatusOK, "ready")

	waitFor(t, "the slot to be degraded by SIGKILLs", func() bool {
		if a.c.Pool().Health() != cluster.HealthOK {
			return true
		}
		// Each worker is killed before it ran StableAfter (3 s, generous on a
		// loaded machine), or its slot's crash record would start over.
		for _, w := range a.c.Workers() {
			if w.PID > 0 && w.State != cluster.StateStopping {
				syscall.Kill(w.PID, syscall.SIGKILL)
			}
		}
		return false
	})
	if rp := a.get("/healthz"); rp.status == http.StatusOK {
		// The cool-down may already have retried the slot on a very slow machine;
		// then the 503 cannot be seen any more, but recovery still must be.
		t.Logf("healthz already %d %q after the crash loop", rp.status, rp.body)
	} else {
		if rp.status != http.StatusServiceUnavailable || !strings.HasPrefix(string(rp.body), "down: ") {
			t.Fatalf("healthz of a degraded pool: %d %q, want 503 down: …", rp.status, rp.body)
		}
		var st healthStatus
		a.send(jsonRequest(t, a.url+"/healthz")).want(t, http.StatusServiceUnavailable, &st)
		if st.Status != "down" || st.Reason == "" {
			t.Fatalf("healthz JSON %+v, want status down with a reason", st)
		}
	}
	waitFor(t, "the pool to recover after the cool-down", func() bool {
		return a.get("/healthz").status == http.StatusOK && a.get("/readyz").status == http.StatusOK
	})
	if !hasEvent(a.c, cluster.EventRecovered) {
		t.Fatal("no pool.recovered event")
	}
}

// TestReadyzWhenScaledToZero: a pool paused on purpose is healthy but not ready.
func TestReadyzWhenScaledToZero(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: -1}, Config{})
	wantHealth(t, a, "/healthz", http.StatusOK, "ok")
	wantHealth(t, a, "/readyz", http.StatusServiceUnavailable, "not ready: the pool is scaled to 0\n")
}

func wantHealth(t *testing.T, a *apiServer, path string, status int, body string) {
	t.Helper()
	if rp := a.get(path); rp.status != status || string(rp.body) != body {
		t.Fatalf("GET %s: %d %q, want %d %q", path, rp.status, rp.body, status, body)
	}
}

func jsonRequest(t *testing.T, url string) *http.Request {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	return req
}

func hasEvent(c *cluster.Cluster, typ string) bool {
	evs, _ := c.EventsSince(0)
	for _, ev := range evs {
		if ev.Type == typ {
			return true
		}
	}
	return false
}
