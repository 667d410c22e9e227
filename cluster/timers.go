package cluster

import (
	"container/heap"
	"time"
)

// timer is one deadline owned by the pool goroutine.
type timer struct {
	at   time.Time
	f    func()
	idx  int
	dead bool
}

// stop cancels the timer; it is safe on a fired or nil timer.
func (t *timer) stop() {
	if t != nil {
		t.dead = true
	}
}

// timerHeap orders the pool's deadlines. Only its earliest entry has a clock timer,
// whose callback merely pokes the pool goroutine: no timer goroutine ever blocks, and
// closing the pool needs to stop just that one.
type timerHeap []*timer

func (h timerHeap) Len() int           { return len(h) }
func (h timerHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h timerHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i]; h[i].idx = i; h[j].idx = j }
func (h *timerHeap) Push(x any)        { t := x.(*timer); t.idx = len(*h); *h = append(*h, t) }
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return t
}

// after runs f on the pool goroutine after d.
func (c *Cluster) after(d time.Duration, f func()) *timer {
	t := &timer{at: c.clock.Now().Add(d), f: f}
	heap.Push(&c.timers, t)
	c.armWake()
	return t
}

// armWake makes sure the clock will wake the loop for the earliest live deadline.
func (c *Cluster) armWake() {
	for c.timers.Len() > 0 && c.timers[0].dead {
		heap.Pop(&c.timers)
	}
	if c.timers.Len() == 0 {
		return
	}
	at := c.timers[0].at
	if c.wakeStop != nil && !c.wakeAt.After(at) {
		return
	}
	if c.wakeStop != nil {
		c.wakeStop()
	}
	c.wakeAt = at
	c.wakeStop = c.clock.AfterFunc(at.Sub(c.clock.Now()), c.poke)
}

func (c *Cluster) poke() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// runTimers fires every due deadline.
func (c *Cluster) runTimers() {
	c.wakeStop = nil
	now := c.clock.Now()
	for c.timers.Len() > 0 && !c.timers[0].at.After(now) {
		t := heap.Pop(&c.timers).(*timer)
		if !t.dead {
			t.dead = true
			t.f()
		}
	}
	c.armWake()
}
