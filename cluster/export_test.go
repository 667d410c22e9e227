package cluster

// RunDueTimers runs, on the pool goroutine, every timer due by the pool's clock.
// With a fake clock, Advance only pokes the pool goroutine, which may take the poke
// after a test's next call: a test that checks something did not happen yet calls
// this first, so the check cannot pass merely because the pool had not looked.
func RunDueTimers(c *Cluster) {
	c.call(func() {
		select {
		case <-c.wake:
			c.runTimers()
		default: // no poke pending: the pool already ran what was due
		}
	})
}

// SendRaw writes b on the worker's IPC channel as it is, past the framing: how a
// test's worker sends garbage.
func SendRaw(m *Member, b []byte) error {
	_, err := m.conn.Write(b)
	return err
}

// WindowPeaks is the largest adaptive prefetch window each live worker had, by
// worker id (window.go).
func WindowPeaks(c *Cluster) map[int]int {
	peaks := map[int]int{}
	c.call(func() {
		for id, p := range c.procs {
			peaks[id] = max(p.win.peak, 1)
		}
	})
	return peaks
}

// HeirGiveUp is how long a held heir waits for its predecessor's exit (heir.go).
const HeirGiveUp = heirGiveUp

// KillWithHeir does what w.Kill(SIGKILL) does and returns the pid of the spare
// made its heir (0: none), read in the same step of the pool goroutine, so before
// the worker's exit can have been handled.
func KillWithHeir(w *Worker) int {
	return heirStep(w, func(c *Cluster, p *proc) { c.killDeliberately(p, ReasonKilled) })
}

// KillAndDropSlot is KillWithHeir followed, in the same step, by what
// Disconnect does to the slot: a scale down landing before the exit was reaped.
func KillAndDropSlot(w *Worker) int {
	return heirStep(w, func(c *Cluster, p *proc) {
		c.killDeliberately(p, ReasonKilled)
		c.dropSlotOf(p)
	})
}

// PrepareHeir assigns w an heir without killing it: a worker that does not die.
func PrepareHeir(w *Worker) int {
	return heirStep(w, func(c *Cluster, p *proc) { c.prepareHeir(p) })
}

func heirStep(w *Worker, f func(*Cluster, *proc)) int {
	pid := 0
	w.c.call(func() {
		f(w.c, w.p)
		if w.p.heir != nil {
			pid = w.p.heir.pid
		}
	})
	return pid
}

// HeirID is the worker id given to w's held heir (0: none).
func HeirID(w *Worker) int {
	id := 0
	w.c.call(func() {
		if w.p.heir != nil {
			id = w.p.heir.id
		}
	})
	return id
}

// HeldOutput is what w's held heir printed that is kept back in its late
// writers (stdout, then stderr) until it is forked into.
func HeldOutput(w *Worker) string {
	var b []byte
	w.c.call(func() {
		if h := w.p.heir; h != nil {
			for _, s := range []any{h.cmd.Stdout, h.cmd.Stderr} {
				if lw, ok := s.(*lateWriter); ok {
					lw.mu.Lock()
					b = append(b, lw.buf...)
					lw.mu.Unlock()
				}
			}
		}
	})
	return string(b)
}

// FlushLogs publishes the pending worker.log events now instead of at the end
// of their coalescing interval, so that a test can see what is pending.
func FlushLogs(c *Cluster) { c.logs.flush() }
