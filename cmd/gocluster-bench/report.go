package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// writeTable prints the figures as a markdown table, then what could not be measured.
func writeTable(w io.Writer, figs []figure, missing []string) {
	fmt.Fprintln(w, "| figure | median | min – max (spread) | runs | target | |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---|---|")
	for _, f := range figs {
		fmt.Fprintf(w, "| %s | %s | %s | %d | %s | %s |\n", f.label, formatValue(f.median()),
			rangeText(f), len(f.values), f.target, verdict(f))
	}
	for _, m := range missing {
		fmt.Fprintf(w, "\nnot measured: %s\n", m)
	}
}

func rangeText(f figure) string {
	return fmt.Sprintf("%s – %s (±%.0f%%)", formatValue(f.min()), formatValue(f.max()), f.spread())
}

// verdict compares the median with the target.
func verdict(f figure) string {
	met, ok := f.target.met(f.median())
	switch {
	case !ok:
		return ""
	case met:
		return "met"
	}
	return "**missed**"
}

// formatValue shows three or so significant digits, and big numbers whole with
// thousands separators.
func formatValue(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 1000:
		return groupThousands(strconv.FormatFloat(math.Round(v), 'f', 0, 64))
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	case a >= 1:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
	return strconv.FormatFloat(v, 'f', 3, 64)
}

func groupThousands(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// report is the JSON form of a run, for comparing runs and machines.
type report struct {
	GeneratedAt time.Time    `json:"generated_at"`
	Go          string       `json:"go"`
	OS          string       `json:"os"`
	Arch        string       `json:"arch"`
	CPUs        int          `json:"cpus"`
	CPU         string       `json:"cpu,omitempty"`
	Count       int          `json:"count"`
	SlowCount   int          `json:"slow_count"`
	Figures     []figureJSON `json:"figures"`
	Missing     []string     `json:"missing"`
}

type figureJSON struct {
	Benchmark string    `json:"benchmark"`
	Metric    string    `json:"metric"`
	Label     string    `json:"label"`
	Median    float64   `json:"median"`
	Min       float64   `json:"min"`
	Max       float64   `json:"max"`
	SpreadPct float64   `json:"spread_pct"`
	Values    []float64 `json:"values"`
	Target    string    `json:"target,omitempty"`
	Met       *bool     `json:"met,omitempty"`
}

func newReport(figs []figure, missing []string, cfg config) report {
	r := report{GeneratedAt: time.Now().UTC(), Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH,
		CPUs: runtime.NumCPU(), CPU: cpuModel(), Count: cfg.count, SlowCount: cfg.slow,
		Figures: []figureJSON{}, Missing: append([]string{}, missing...)}
	for _, f := range figs {
		fj := figureJSON{Benchmark: f.bench, Metric: f.unit, Label: f.label, Median: f.median(), Min: f.min(),
			Max: f.max(), SpreadPct: math.Round(f.spread()*10) / 10, Values: f.values, Target: f.target.String()}
		if met, ok := f.target.met(f.median()); ok {
			fj.Met = &met
		}
		r.Figures = append(r.Figures, fj)
	}
	return r
}

func writeJSON(path string, r report) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	return nil
}

// cpuModel reads the CPU's name from /proc/cpuinfo, where there is one.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if k, v, ok := bytes.Cut(line, []byte(":")); ok && string(bytes.TrimSpace(k)) == "model name" {
			return string(bytes.TrimSpace(v))
		}
	}
	return ""
}
