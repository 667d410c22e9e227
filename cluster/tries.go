package cluster

import "time"

// TryOutcome is how one attempt of a job ended.
type TryOutcome string

// Try outcomes. Running is the attempt in progress; every other one is final: done,
// failed (the worker answered with an error), killed (its worker died by a signal),
// timed_out, canceled (its list was canceled or the pool shut down), worker_lost
// (its worker exited or broke the protocol), primary_lost (the primary died while
// it ran: recorded by a store when it resumes the list).
const (
	TryRunning     TryOutcome = "running"
	TryDone        TryOutcome = "done"
	TryFailed      TryOutcome = "failed"
	TryKilled      TryOutcome = "killed"
	TryTimedOut    TryOutcome = "timed_out"
	TryCanceled    TryOutcome = "canceled"
	TryWorkerLost  TryOutcome = "worker_lost"
	TryPrimaryLost TryOutcome = "primary_lost"
)

// Try is one attempt of a job: which worker ran it, when, and how it ended. Host
// names the machine the worker ran on: Options.HostName for the primary's own
// workers, an agent's name for a remote one (Cluster.AddHost).
type Try struct {
	Worker     int        `json:"worker"`
	PID        int        `json:"pid"`
	Host       string     `json:"host"`
	StartedAt  time.Time  `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at"`
	DurationMS float64    `json:"duration_ms"`
	Outcome    TryOutcome `json:"outcome"`
	// Signal names the signal that ended a killed attempt's worker ("SIGKILL"), for
	// an attempt that did not end its job; "" otherwise.
	Signal string `json:"signal,omitempty"`
}

// outcome codes kept in a job's one spare byte (job.outcome): the state of its
// latest attempt, whose other fields are the job's own.
const (
	outNone uint8 = iota // no attempt, or the latest one was moved to the earlier tries
	outRunning
	outDone
	outFailed
	outKilled
	outTimedOut
	outCanceled
	outWorkerLost
	outPrimaryLost
)

var outcomeNames = [...]TryOutcome{"", TryRunning, TryDone, TryFailed, TryKilled, TryTimedOut,
	TryCanceled, TryWorkerLost, TryPrimaryLost}

// outcomeOf turns an outcome name back into its code (outNone if unknown).
func outcomeOf(o TryOutcome) uint8 {
	for i, n := range outcomeNames {
		if n == o && i > 0 {
			return uint8(i)
		}
	}
	return outNone
}

// tries lists every attempt of the job, oldest first: the earlier ones kept in
// its extra, then the latest, described by the job's own fields. Never nil.
func (j *job) tries() []Try {
	var earlier []Try
	if j.more != nil {
		earlier = j.more.tries
	}
	out := make([]Try, len(earlier), len(earlier)+1)
	copy(out, earlier)
	if j.outcome != outNone {
		out = append(out, j.latestTry())
	}
	return out
}

// fullTries is JobInfo.Tries: nil when the job's only attempt is plain (its
// outcome follows from its state: JobInfo.AllTries derives it), else every try.
func (j *job) fullTries() []Try {
	plain := j.more == nil || len(j.more.tries) == 0
	switch {
	case !plain:
		return j.tries()
	case j.outcome == outNone, j.outcome == outRunning, j.outcome == stateOutcome(j.state):
		return nil
	}
	return j.tries()
}

// latestTry describes the job's current or last attempt from its own fields.
func (j *job) latestTry() Try {
	t := Try{Worker: int(j.worker), PID: int(j.pid), Host: j.b.hosts.of(int(j.worker)),
		StartedAt: j.b.at(j.started), Outcome: outcomeNames[j.outcome]}
	if j.outcome != outRunning && j.finished > 0 {
		f := j.b.at(j.finished)
		t.FinishedAt, t.DurationMS = &f, j.durMS
	}
	return t
}

// loseAttempt moves the running attempt to the earlier tries with how it ended
// (and the signal that ended its worker, if one did), before the job is queued
// again, and returns it.
func (j *job) loseAttempt(out uint8, now time.Time, sig string) Try {
	f := now
	t := Try{Worker: int(j.worker), PID: int(j.pid), Host: j.b.hosts.of(int(j.worker)),
		StartedAt: j.b.at(j.started), FinishedAt: &f,
		DurationMS: round3(float64(now.Sub(j.b.at(j.started)).Microseconds()) / 1000), Outcome: outcomeNames[out]}
	if out == outKilled {
		t.Signal = sig
	}
	j.addTry(t)
	j.outcome = outNone
	return t
}

// freePrimaryLost is how many attempts of a job lost with the primary are free:
// they do not count towards MaxAttempts (a primary's crash is usually not the
// job's fault). Beyond it they count like any lost attempt, so a job whose run
// kills the primary (it runs it out of memory, say) fails instead of killing
// every restart under a supervisor.
const freePrimaryLost = 3

// chargedAttempts is the job's attempts that count towards MaxAttempts: all but
// up to freePrimaryLost of those lost with the primary.
func (j *job) chargedAttempts() int {
	return int(j.attempts) - min(j.primaryLost(), freePrimaryLost)
}

// primaryLost is how many of the job's earlier tries were lost with the primary.
func (j *job) primaryLost() int {
	n := 0
	if j.more != nil {
		for i := range j.more.tries {
			if j.more.tries[i].Outcome == TryPrimaryLost {
				n++
			}
		}
	}
	return n
}

// addTry appends an ended attempt to the earlier tries.
func (j *job) addTry(t Try) {
	if j.more == nil {
		j.more = &jobExtra{}
	}
	j.more.tries = append(j.more.tries, t)
}

// exitOutcome is how an attempt ended whose worker exited under it.
func exitOutcome(p *proc, sig string) uint8 {
	switch {
	case p.killedFor == ReasonTimeout:
		return outTimedOut
	case p.killedFor == ReasonCanceled:
		return outCanceled
	case p.errReason != "":
		return outWorkerLost // it broke the protocol and was stopped
	case sig != "":
		return outKilled
	}
	return outWorkerLost
}
