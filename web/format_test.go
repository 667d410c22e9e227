package web

import (
	"encoding/json"
	"math"
	"testing"
	"time"
)

func TestHumanMS(t *testing.T) {
	for _, c := range []struct {
		ms   float64
		want string
	}{
		{0, "0 ms"}, {-5, "0 ms"}, {math.NaN(), "0 ms"}, {0.4, "0.4 ms"}, {0.001, "< 0.1 ms"}, {9.94, "9.9 ms"}, {9.96, "10 ms"}, {849.6, "850 ms"},
		{1000, "1.0 s"}, {1234, "1.2 s"}, {59_900, "59.9 s"}, {60_000, "1 min 0 s"},
		{184_000, "3 min 4 s"}, {3_600_000, "1 h 0 min"}, {7_500_000, "2 h 5 min"},
	} {
		if got := HumanMS(c.ms); got != c.want {
			t.Errorf("HumanMS(%v) = %q, want %q", c.ms, got, c.want)
		}
	}
}

func TestUptime(t *testing.T) {
	for _, c := range []struct {
		ago  time.Duration
		want string
	}{
		{0, "0 s"}, {-time.Second, "0 s"}, {45*time.Second + 900*time.Millisecond, "45 s"},
		{184 * time.Second, "3 min 4 s"}, {2*time.Hour + 5*time.Minute, "2 h 5 min"},
		{76 * time.Hour, "3 d 4 h"},
	} {
		if got := Uptime(t0.Add(-c.ago), t0); got != c.want {
			t.Errorf("Uptime(-%v) = %q, want %q", c.ago, got, c.want)
		}
	}
	if got := Uptime(time.Time{}, t0); got != "–" {
		t.Errorf("Uptime(zero) = %q, want –", got)
	}
}

func TestHumanBytes(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{
		{0, "–"}, {-1, "–"}, {512, "512 B"}, {1536, "1.5 KiB"},
		{12_900_000, "12.3 MiB"}, {3 << 30, "3.0 GiB"}, {5 << 50, "5120.0 TiB"},
	} {
		if got := HumanBytes(c.n); got != c.want {
			t.Errorf("HumanBytes(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

func TestPercentAndSpeedup(t *testing.T) {
	if got := Percent(12.345); got != "12.3%" {
		t.Errorf("Percent = %q", got)
	}
	for _, c := range []struct {
		x    float64
		want string
	}{{0, "–"}, {-1, "–"}, {math.Inf(1), "–"}, {math.NaN(), "–"}, {3.8, "3.80×"}} {
		if got := Speedup(c.x); got != c.want {
			t.Errorf("Speedup(%v) = %q, want %q", c.x, got, c.want)
		}
	}
}

func TestStateClass(t *testing.T) {
	for _, s := range []string{"starting", "idle", "busy", "stopping", "dead", "queued", "running", "done", "failed", "canceled"} {
		if got := StateClass(s); got != "state-"+s {
			t.Errorf("StateClass(%q) = %q", s, got)
		}
	}
	for _, s := range []string{"", "x y", "BUSY", `"><b>`} {
		if got := StateClass(s); got != "state-unknown" {
			t.Errorf("StateClass(%q) = %q, want state-unknown", s, got)
		}
	}
}

func TestLabelsAndURLs(t *testing.T) {
	checks := []struct{ got, want string }{
		{JobLabel("fib", json.RawMessage("42")), "fib(42)"},
		{JobLabel("wordcount", json.RawMessage(`"to be or not to be, that is the question"`)), `wordcount("to be or not to be, that is the questi…)`},
		{Stamp(time.Time{}), ""},
		{Stamp(time.Date(2025, 1, 2, 3, 4, 5, 6e6, time.UTC)), "2025-01-02T03:04:05.006Z"},
		{Clock(time.Time{}), ""},
		{Clock(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)), "03:04:05"},
		{BatchURL("a b/c"), "/batches/a%20b%2Fc"},
		{BatchCancelURL("b7"), "/ui/batches/b7/cancel"},
		{WorkerActionURL(3, "kill"), "/ui/workers/3/kill"},
		{KindLabel(KindOption{Name: "fib", Doc: "naive Fibonacci", Max: 50}), "fib — naive Fibonacci (0–50)"},
		{KindLabel(KindOption{Name: "sleep"}), "sleep"},
		{TimeoutLabel(""), "none"},
		{TimeoutLabel("0s"), "none"},
		{TimeoutLabel("1m0s"), "1m"},
		{TimeoutLabel("1h0m30s"), "1h0m30s"},
		{pct(12.3456), "12.346%"},
		{pageTitle(""), "gocluster"},
		{pageTitle("Panel"), "Panel · gocluster"},
	}
	for i, c := range checks {
		if c.got != c.want {
			t.Errorf("check %d: got %q, want %q", i, c.got, c.want)
		}
	}
}

func TestHTTPDemoStatusText(t *testing.T) {
	for _, c := range []struct {
		h    HTTPDemoView
		want string
	}{
		{HTTPDemoView{}, "Not running."},
		{HTTPDemoView{Running: true, Addr: "127.0.0.1:41234", SecondsLeft: 42}, "Serving http://127.0.0.1:41234/ · 42 s left"},
		{HTTPDemoView{Addr: "127.0.0.1:41234"}, "Ended: it served http://127.0.0.1:41234/."},
	} {
		if got := HTTPDemoStatusText(c.h); got != c.want {
			t.Errorf("HTTPDemoStatusText(%+v) = %q, want %q", c.h, got, c.want)
		}
	}
}

func TestShortDuration(t *testing.T) {
	for _, d := range []time.Duration{time.Minute, 90 * time.Second, time.Hour, 90 * time.Minute,
		time.Hour + time.Second, 30 * time.Second, 1500 * time.Millisecond, 0} {
		s := ShortDuration(d)
		back, err := time.ParseDuration(s)
		if err != nil || back != d {
			t.Errorf("ShortDuration(%v) = %q, parses to %v (%v)", d, s, back, err)
		}
	}
	for d, want := range map[time.Duration]string{time.Minute: "1m", time.Hour: "1h", 90 * time.Minute: "1h30m",
		time.Hour + time.Second: "1h0m1s", 30 * time.Second: "30s"} {
		if got := ShortDuration(d); got != want {
			t.Errorf("ShortDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
