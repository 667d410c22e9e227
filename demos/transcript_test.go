package demos

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"
)

func TestTranscriptAwaitsWatchedLines(t *testing.T) {
	var b bytes.Buffer
	tr := newTranscript(&b, finishKey)
	go tr.Write([]byte("[worker 2] receive msg 20\n[worker 2] finish work and using 1 ms\n"))
	if !tr.await(context.Background(), "finish 2", 1, time.Minute) {
		t.Fatal("the finish line was not seen")
	}
	if tr.await(context.Background(), "finish 2", 2, 20*time.Millisecond) {
		t.Fatal("a second finish line was seen that never came")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if tr.await(ctx, "finish 3", 1, time.Minute) {
		t.Fatal("await ignored its context")
	}
}

func TestFinishKey(t *testing.T) {
	for line, want := range map[string]string{
		"[worker 12] finish work and using 3 ms": "finish 12",
		"[worker 12] receive msg 3":              "",
		"[master] finish all work and using 3":   "",
		"[worker 1]finish work":                  "",
	} {
		if got := finishKey(line); got != want {
			t.Errorf("finishKey(%q) = %q, want %q", line, got, want)
		}
	}
}

// TestTranscriptHoldsWorkersUntilAnnounced checks that a worker's lines never come
// before the primary's fork line for it, and that release lets everything out.
func TestTranscriptHoldsWorkersUntilAnnounced(t *testing.T) {
	var b bytes.Buffer
	tr := newTranscript(&b, nil)
	tr.holdWorkers()
	tr.Write([]byte("[worker 1] early\n[worker 2] also early\n"))
	tr.printf("[master] plain")
	tr.announce(1, "[master] : fork worker %d", 1)
	tr.Write([]byte("[worker 1] later\n"))
	want := "[master] plain\n[master] : fork worker 1\n[worker 1] early\n[worker 1] later\n"
	if b.String() != want {
		t.Fatalf("got %q, want %q", b.String(), want)
	}
	tr.release()
	if got := b.String(); got != want+"[worker 2] also early\n" {
		t.Fatalf("after release: %q", got)
	}
	tr.Write([]byte("[worker 1] new pool\n")) // ids start again: held until announced
	if b.String() != want+"[worker 2] also early\n" {
		t.Fatalf("a new pool's worker 1 was not held: %q", b.String())
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestTranscriptKeepsFirstWriteError(t *testing.T) {
	tr := newTranscript(failingWriter{}, nil)
	if n, err := tr.Write([]byte("x\n")); n != 2 || err != nil {
		t.Fatalf("Write = %d, %v: a worker's output must never fail", n, err)
	}
	if err := tr.Err(); err == nil || !bytes.Contains([]byte(err.Error()), []byte("disk full")) {
		t.Fatalf("Err = %v", err)
	}
}

func TestWorkerOf(t *testing.T) {
	for line, want := range map[string]int{"[worker 7] hi\n": 7, "[worker x] hi\n": 0, "[master] hi\n": 0, "[worker 7]": 0} {
		got, ok := workerOf([]byte(line))
		if got != want || ok != (want != 0) {
			t.Errorf("workerOf(%q) = %d, %v", line, got, ok)
		}
	}
}
