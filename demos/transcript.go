package demos

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"
)

// transcript serialises a demo's lines, the primary's and the workers', onto one
// writer. It also counts the lines a demo asked it to watch, so that the primary can
// wait for a worker's line before printing its reply: the worker's line travels by
// its stdout pipe and its result by IPC, so without the wait their order on screen
// would be a race.
type transcript struct {
	mu      sync.Mutex
	w       io.Writer
	err     error
	watch   func(line string) string // a watched line's key, or ""
	counts  map[string]int
	changed chan struct{} // closed and replaced whenever a count grows

	// With hold set, a worker's lines wait until the primary announced that worker
	// (printed its fork line), so a transcript never shows a worker before its fork.
	hold      bool
	announced map[int]bool
	held      map[int][]byte
}

// newTranscript writes to w; watch (may be nil) names the lines to count.
func newTranscript(w io.Writer, watch func(line string) string) *transcript {
	return &transcript{w: w, watch: watch, counts: map[string]int{}, changed: make(chan struct{})}
}

// Write copies b, which holds whole lines (the cluster hands workers' output over one
// line at a time), and counts the watched ones. It never fails, so a broken terminal
// cannot kill a worker; the first error is kept for Err.
func (t *transcript) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(b)
	t.count(b) // a line held back is counted already: it was said
	if t.hold {
		b = t.holdBack(b)
	}
	t.write(b)
	return n, nil
}

// count counts the watched lines of b.
func (t *transcript) count(b []byte) {
	if t.watch == nil {
		return
	}
	grew := false
	for line := range bytes.Lines(b) {
		if k := t.watch(string(bytes.TrimRight(line, "\n"))); k != "" {
			t.counts[k]++
			grew = true
		}
	}
	if grew {
		close(t.changed)
		t.changed = make(chan struct{})
	}
}

// seen is how many times the watched line key came.
func (t *transcript) seen(key string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.counts[key]
}

func (t *transcript) write(b []byte) {
	if t.err == nil && len(b) > 0 {
		_, t.err = t.w.Write(b)
	}
}

// holdBack keeps the lines of workers not yet announced and returns the others.
func (t *transcript) holdBack(b []byte) []byte {
	var pass []byte
	for line := range bytes.Lines(b) {
		if id, ok := workerOf(line); ok && !t.announced[id] {
			t.held[id] = append(t.held[id], line...)
			continue
		}
		pass = append(pass, line...)
	}
	return pass
}

// workerOf reads N from a line that starts "[worker N] ".
func workerOf(line []byte) (int, bool) {
	rest, ok := bytes.CutPrefix(line, []byte("[worker "))
	if !ok {
		return 0, false
	}
	num, _, ok := bytes.Cut(rest, []byte("] "))
	if !ok {
		return 0, false
	}
	id, err := strconv.Atoi(string(num))
	return id, err == nil
}

// holdWorkers makes workers' lines wait for announce; see transcript.hold.
func (t *transcript) holdWorkers() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.hold, t.announced, t.held = true, map[int]bool{}, map[int][]byte{}
}

// announce prints the primary's line about worker id, then the worker's lines that
// were held back for it.
func (t *transcript) announce(id int, format string, args ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.write([]byte(fmt.Sprintf(format, args...) + "\n"))
	if t.announced != nil {
		t.announced[id] = true
		t.write(t.held[id])
		delete(t.held, id)
	}
}

// release prints whatever is still held and forgets the announced workers, so a
// new pool, whose ids start again at 1, is held back afresh.
func (t *transcript) release() {
	t.mu.Lock()
	defer t.mu.Unlock()
	ids := slices.Sorted(maps.Keys(t.held))
	for _, id := range ids {
		t.write(t.held[id])
	}
	if t.hold {
		t.announced, t.held = map[int]bool{}, map[int][]byte{}
	}
}

// printf writes one line of the primary's.
func (t *transcript) printf(format string, args ...any) {
	t.Write([]byte(fmt.Sprintf(format, args...) + "\n"))
}

// await waits until the line key was seen n times. It gives up after patience, or
// when ctx ends, and reports whether the line came: a lost line must not hang a demo.
func (t *transcript) await(ctx context.Context, key string, n int, patience time.Duration) bool {
	timer := time.NewTimer(patience)
	defer timer.Stop()
	for {
		t.mu.Lock()
		seen, changed := t.counts[key], t.changed
		t.mu.Unlock()
		if seen >= n {
			return true
		}
		select {
		case <-changed:
		case <-timer.C:
			return false
		case <-ctx.Done():
			return false
		}
	}
}

// Err is the first error the underlying writer returned.
func (t *transcript) Err() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err != nil {
		return fmt.Errorf("write transcript: %w", t.err)
	}
	return nil
}
