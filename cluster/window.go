package cluster

import "time"

// The adaptive prefetch window (JobOptions.Prefetch 0, the default), per worker,
// like TCP's congestion window: a worker needs 1 + RTT/d jobs in flight to never
// wait for the next frame (d: its jobs' duration, RTT: the IPC round trip), and
// every job held beyond that is one that another worker could have started. So the
// window follows the worker's recent durations against its measured round trip:
// long jobs keep it at 1 (a job is never held behind a slow one, lists of long jobs
// stay balanced), tiny jobs grow it, doubling per result, up to autoPrefetchMax.
//
// It starts at 1 ("slow start") for every worker and again whenever a worker runs
// out of work with the queue empty, so a new list's first jobs are never held behind
// an old list's guess. What it cannot undo: jobs already sent stay with the worker,
// so a list that puts long jobs right after many tiny ones may hold up to a window's
// worth behind the first long one; -prefetch 1 is the setting for that.

const (
	// autoPrefetchMax caps the window: past ~128 the frames already come in batches
	// that fill a socket buffer, and throughput no longer grows (docs/performance.md).
	autoPrefetchMax = 128
	// remotePrefetchMax caps a remote worker's window: its round trip crosses
	// NATS and two relays, so one window is one relayed message each way, and
	// the worker idles for a round trip between windows unless several are in
	// flight (docs/scale-out.md).
	remotePrefetchMax = 1024
	// windowSlack is how many round trips of work the window covers: more than one,
	// since results reach the pool goroutine in bursts, not one by one.
	windowSlack = 4
	// defaultRTT stands in for the round trip until a worker's first measured one.
	defaultRTT = 100 * time.Microsecond
)

// window is the adaptive state of one worker.
type window struct {
	size    int           // jobs it may hold now; 0 before its first result: 1
	peak    int           // the largest size it had, for tests and the curious
	dur     time.Duration // recent job duration estimate; <0: unknown
	rtt     time.Duration // IPC round trip estimate; 0: not measured yet
	probe   int64         // the job sent while the worker held nothing, whose result times the round trip
	probeAt time.Time     // when it was sent
	lastAt  time.Time     // when the worker's previous result came
}

// limit is how many jobs p may hold now.
func (c *Cluster) limit(p *proc) int {
	if n := c.opts.Jobs.Prefetch; n > 0 {
		return n
	}
	return max(p.win.size, 1)
}

// sent notes a job sent to p while it held nothing: its result times the round trip.
func (c *Cluster) sent(p *proc, j *job) {
	if c.opts.Jobs.Prefetch > 0 || len(p.inflight) != 1 {
		return
	}
	p.win.probe, p.win.probeAt = j.id, c.clock.Now()
}

// answered updates p's window from the result of job j, which reported ms (0 when
// the worker did not say, or the job took under a microsecond).
func (c *Cluster) answered(p *proc, j *job, ms float64) {
	if c.opts.Jobs.Prefetch > 0 {
		return
	}
	w := &p.win
	now := c.clock.Now()
	rtt := w.rtt
	if rtt == 0 {
		rtt = defaultRTT
	}
	reported := time.Duration(ms * float64(time.Millisecond))
	var d time.Duration
	switch {
	case j.id == w.probe:
		// The only result whose wait is the job plus one round trip and nothing else.
		elapsed := now.Sub(w.probeAt)
		if reported > 0 {
			w.rtt = ewma(w.rtt, max(elapsed-reported, 0))
			d = reported
		} else {
			// No duration from the worker: elapsed bounds the round trip from above.
			if w.rtt == 0 || elapsed < w.rtt {
				w.rtt = elapsed
			}
			d = max(elapsed-rtt, 0)
		}
		w.probe = 0
	case reported > 0:
		d = reported
	default:
		// Pipelined: the worker started this job as it sent the previous result.
		d = max(now.Sub(w.lastAt), 0)
	}
	w.lastAt = now
	switch {
	case w.size == 0 || w.dur < 0:
		w.dur = d
	case d > w.dur && reported > 0:
		// A long job shrinks the window at once (TCP's multiplicative decrease). A
		// gap between results only moves the average: it also holds the pool's own
		// stalls, which a loaded machine has plenty of.
		w.dur = d
	default:
		w.dur += (d - w.dur) / 8
	}
	w.size = min(targetWindow(w.dur, max(w.rtt, 1), p.maxWindow()), 2*max(w.size, 1))
	w.peak = max(w.peak, w.size)
}

// maxWindow caps p's adaptive window.
func (p *proc) maxWindow() int {
	if p.remote != nil {
		return remotePrefetchMax
	}
	return autoPrefetchMax
}

// targetWindow is the jobs in flight that cover windowSlack round trips of jobs
// taking dur each, at most limit.
func targetWindow(dur, rtt time.Duration, limit int) int {
	if dur <= 0 {
		return limit
	}
	n := 1 + int64(windowSlack)*int64(rtt)/int64(dur)
	return int(min(n, int64(limit)))
}

// idle restarts p's window when it ran out of work with nothing queued: the next
// list may be of other jobs.
func (c *Cluster) idle(p *proc) {
	if c.jobs.queue.len() == 0 {
		p.win.size, p.win.dur = 1, -1
	}
}

// ewma moves an estimate an eighth of the way to a sample; the first sample is taken as it is.
func ewma(est, sample time.Duration) time.Duration {
	if est == 0 {
		return sample
	}
	return est + (sample-est)/8
}
