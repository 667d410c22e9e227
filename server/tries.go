package server

import (
	"strings"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/web"
)

// lostFromTries lists the attempts of these jobs that did not end them (their
// worker died, the primary died), for the timeline's red bars: every try of a job
// waiting to run again, and every try but the last of one running or ended (the
// last is the job's own bar).
func lostFromTries(jobs []cluster.JobInfo) []web.LostAttempt {
	var out []web.LostAttempt
	for _, j := range jobs {
		tries := j.AllTries()
		if j.State != cluster.JobQueued && len(tries) > 0 {
			tries = tries[:len(tries)-1]
		}
		for _, t := range tries {
			if t.FinishedAt == nil {
				continue
			}
			out = append(out, web.LostAttempt{Job: j.ID, Input: j.Input, Worker: t.Worker, PID: t.PID,
				Start: t.StartedAt, End: *t.FinishedAt, Signal: triedWords(t)})
		}
	}
	return out
}

// triedWords is how an attempt ended as the timeline writes it: the signal that
// killed its worker ("SIGKILL", as the exit event says), else the outcome ("worker
// lost").
func triedWords(t cluster.Try) string {
	if t.Signal != "" {
		return t.Signal
	}
	return strings.ReplaceAll(string(t.Outcome), "_", " ")
}
