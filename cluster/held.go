package cluster

// A list with BatchOptions.Workers keeps its jobs here rather than in the shared
// queue, and lets one in whenever one of its own ends: the queue stays a plain FIFO
// that dispatch never has to search for a job it may run.

// release moves the list's held jobs to the queue while it has room under its limit.
func (s *jobState) release(b *batch) {
	for b.next < len(b.jobs) && (b.limit == 0 || b.inFlight < b.limit) {
		j := &b.jobs[b.next]
		b.next++
		if j.state != JobQueued {
			continue // canceled while held
		}
		b.inFlight++
		s.queue.pushBack(j)
	}
}

// ended frees the place of a job that ended; a held job that ended (a cancel) had none.
func (s *jobState) ended(j *job) {
	b := j.b
	if b.limit == 0 || j.id-b.jobs[0].id >= int64(b.next) {
		return
	}
	b.inFlight--
	if b.state == BatchRunning {
		s.release(b)
	}
}
