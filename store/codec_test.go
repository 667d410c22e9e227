package store

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

func codecChanges() []cluster.Change {
	t0 := time.Date(2026, 12, 2, 10, 0, 0, 123, time.UTC)
	f := t0.Add(1500 * time.Microsecond)
	return []cluster.Change{
		{Type: cluster.ChangeStart, Job: 7, State: cluster.JobRunning, Attempts: 1,
			Try: cluster.Try{Worker: 1, PID: 4242, StartedAt: t0, Outcome: cluster.TryRunning}},
		{Type: cluster.ChangeLost, Job: 7, State: cluster.JobQueued, Attempts: 1, Error: "worker 1 was killed",
			Try: cluster.Try{Worker: 1, PID: 4242, Host: "host-b", StartedAt: t0, FinishedAt: &f, DurationMS: 1.5,
				Outcome: cluster.TryKilled, Signal: "SIGKILL"}},
		{Type: cluster.ChangeEnd, Job: 3, State: cluster.JobDone, Result: json.RawMessage(`{"a":[1,2]}`), Attempts: 2,
			Try: cluster.Try{Worker: 2, PID: 9, StartedAt: t0.Add(-time.Hour), FinishedAt: &f, DurationMS: 0.1234567,
				Outcome: cluster.TryDone}},
		{Type: cluster.ChangeEnd, Job: 1 << 40, State: cluster.JobFailed, Error: "boom", ErrData: json.RawMessage(`"x"`),
			Attempts: 3, Try: cluster.Try{Worker: -1, StartedAt: t0, FinishedAt: &f, Outcome: cluster.TryTimedOut}},
		{Type: cluster.ChangeEnd, Job: 2, State: cluster.JobCanceled, Result: json.RawMessage(``)},
	}
}

// TestRecordsRoundTrip: every field of every kind of job record reads back as
// written, in order.
func TestRecordsRoundTrip(t *testing.T) {
	var e encoder
	chs := codecChanges()
	for i := range chs {
		e.add(&chs[i])
	}
	d := decoder{buf: e.buf}
	var r record
	for i, ch := range chs {
		if !d.next(&r) {
			t.Fatalf("record %d: missing (%v)", i, d.err)
		}
		want := record{kind: map[cluster.ChangeType]byte{cluster.ChangeStart: recStart, cluster.ChangeEnd: recEnd,
			cluster.ChangeLost: recLost}[ch.Type], job: ch.Job, attempts: ch.Attempts, state: ch.State,
			result: ch.Result, errMsg: ch.Error, errData: ch.ErrData}
		if ch.Try.Outcome != "" {
			tr := ch.Try
			want.try = &tr
		}
		got := r
		got.finished = nil
		if ch.Try.Outcome == "" && r.finished == nil {
			t.Errorf("record %d: an end without a try has no finish time", i)
		}
		if got.try != nil {
			got.try.StartedAt = got.try.StartedAt.In(time.UTC)
			if got.try.FinishedAt != nil {
				f := got.try.FinishedAt.In(time.UTC)
				got.try.FinishedAt = &f
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("record %d:\n got %+v %+v\nwant %+v %+v", i, got, got.try, want, want.try)
		}
	}
	if d.next(&r) || d.err != nil {
		t.Fatalf("after the last record: %+v %v", r, d.err)
	}
}

// TestDamagedRecordsAreAnError: every truncation of a chunk, and a bad kind,
// decode to errChunk or to fewer records, never a panic.
func TestDamagedRecordsAreAnError(t *testing.T) {
	var e encoder
	chs := codecChanges()
	for i := range chs {
		e.add(&chs[i])
	}
	for n := range len(e.buf) {
		d := decoder{buf: e.buf[:n]}
		var r record
		count := 0
		for d.next(&r) {
			count++
		}
		if count >= len(chs) || d.err != nil && !errors.Is(d.err, errChunk) {
			t.Fatalf("cut at %d: %d records, %v", n, count, d.err)
		}
	}
	bad := append([]byte{9}, e.buf[1:]...)
	d := decoder{buf: bad}
	var r record
	if d.next(&r) || !errors.Is(d.err, errChunk) {
		t.Fatalf("a bad kind: %v", d.err)
	}
}

// TestUnknownNamesAreDamage: a well-formed record with a state or outcome name the
// pool does not know, or an end whose state is not an ended one, is errChunk: a
// resumed job could otherwise hold a state that never ends its list.
func TestUnknownNamesAreDamage(t *testing.T) {
	t0 := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	for _, ch := range []cluster.Change{
		{Type: cluster.ChangeEnd, Job: 1, State: "a_new_state"},
		{Type: cluster.ChangeStart, Job: 1, State: "a_new_state", Try: cluster.Try{StartedAt: t0, Outcome: cluster.TryRunning}},
		{Type: cluster.ChangeEnd, Job: 1, State: cluster.JobDone, Try: cluster.Try{StartedAt: t0, Outcome: "a_new_outcome"}},
		{Type: cluster.ChangeEnd, Job: 1, State: cluster.JobRunning},
		{Type: cluster.ChangeEnd, Job: 1, State: cluster.JobQueued},
		{Type: cluster.ChangeEnd, Job: 1},
	} {
		var e encoder
		e.add(&ch)
		d := decoder{buf: e.buf}
		var r record
		if d.next(&r) || !errors.Is(d.err, errChunk) {
			t.Errorf("%s %q outcome %q: decoded %+v, %v", map[cluster.ChangeType]string{cluster.ChangeEnd: "end",
				cluster.ChangeStart: "start"}[ch.Type], ch.State, ch.Try.Outcome, r, d.err)
		}
	}
}

// TestInputsBlobRoundTrip reads back every slice of a list's inputs.
func TestInputsBlobRoundTrip(t *testing.T) {
	in := []json.RawMessage{json.RawMessage(`1`), json.RawMessage(`"two"`), json.RawMessage(`{}`), json.RawMessage(`[3]`)}
	blob := encodeInputs(in)
	for from := range len(in) + 1 {
		for n := range len(in) - from + 1 {
			got, err := decodeInputs(blob, from, n)
			if err != nil || !reflect.DeepEqual(got, in[from:from+n]) && n > 0 {
				t.Fatalf("[%d,+%d): %q %v", from, n, got, err)
			}
		}
	}
	if _, err := decodeInputs(blob, 3, 2); !errors.Is(err, errChunk) {
		t.Fatalf("past the end: %v", err)
	}
	if _, err := decodeInputs(blob[:len(blob)-1], 0, 4); !errors.Is(err, errChunk) {
		t.Fatalf("cut: %v", err)
	}
}
