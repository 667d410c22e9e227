package cluster

import (
	"bytes"
	"encoding/json"
)

// AllTries lists every attempt of the job, oldest first: Tries when it is set, or
// else the one attempt the job's own fields describe (none if it never started).
// Never nil.
func (j JobInfo) AllTries() []Try {
	if j.Tries != nil {
		return j.Tries
	}
	if j.StartedAt == nil || j.Attempts == 0 {
		return []Try{}
	}
	t := Try{Worker: j.Worker, PID: j.PID, Host: j.Host, StartedAt: *j.StartedAt, Outcome: TryRunning}
	if j.State != JobRunning && j.State != JobQueued {
		t.Outcome = outcomeNames[stateOutcome(j.State)]
		t.FinishedAt, t.DurationMS = j.FinishedAt, j.DurationMS
	}
	return []Try{t}
}

// MarshalJSON writes the job with "tries" always complete (AllTries), so JSON
// clients never need to derive the plain attempt themselves. It does not escape
// HTML characters: an encoder that wants them escaped escapes what this returns.
func (j JobInfo) MarshalJSON() ([]byte, error) {
	type plain JobInfo // no MarshalJSON: no recursion
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(struct {
		plain
		Tries []Try `json:"tries"`
	}{plain(j), j.AllTries()})
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), err
}
