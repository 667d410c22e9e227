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
