package cluster

import (
	"fmt"
	"os"
	"sort"
	"sync"
	"time"
)

// Host events: a host joined the pool (Cluster.AddHost), was lost (RemoveHost),
// or sent frames for workers already given up, which were dropped (ReportLate).
const (
	EventHostJoined = "host.joined"
	EventHostLost   = "host.lost"
	EventHostLate   = "host.late"
)

// Host states in HostInfo.
const (
	HostUp   = "up"
	HostLost = "lost"
)

// HostInfo is one host of the pool: the primary's own ("local") or an agent's.
type HostInfo struct {
	Name     string       `json:"name"`
	Local    bool         `json:"local"`
	State    string       `json:"state"`
	Size     int          `json:"size"`
	JoinedAt time.Time    `json:"joined_at"`
	LostAt   *time.Time   `json:"lost_at,omitempty"`
	Reason   string       `json:"reason,omitempty"`
	Late     int64        `json:"late_frames"`
	Workers  []WorkerInfo `json:"workers"`
}

// hostState is the pool goroutine's record of a remote host.
type hostState struct {
	name     string
	link     HostLink
	size     int
	state    string
	joinedAt time.Time
	lostAt   time.Time
	reason   string
	late     int64
}

// hostNames maps remote worker ids to their host, for events published outside
// the pool goroutine (worker.log) as well as on it, and for a job's tries. Ids are
// never reused, so entries stay once the worker is gone (a few bytes per remote
// worker ever started): an earlier try still names its host.
type hostNames struct {
	mu    sync.Mutex
	ids   map[int]string
	local string // Options.HostName: every worker not in ids
}

// of names the host of worker id; "" on a nil hostNames.
func (h *hostNames) of(id int) string {
	if h == nil {
		return ""
	}
	if s, ok := h.get(id); ok {
		return s
	}
	return h.local
}

func (h *hostNames) set(id int, host string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ids == nil {
		h.ids = map[int]string{}
	}
	h.ids[id] = host
}

func (h *hostNames) get(id int) (string, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s, ok := h.ids[id]
	return s, ok
}

// ValidHostName reports whether name may name a host: 1 to 64 letters, digits,
// '-' or '_' (it becomes a NATS subject token, so no dots or wildcards).
func ValidHostName(name string) bool {
	// By hand rather than a package-level regexp: every worker process runs this
	// package's init, and a compiled regexp there costs each of them.
	if len(name) == 0 || len(name) > 64 {
		return false
	}
	for _, r := range []byte(name) {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_'
		if !ok {
			return false
		}
	}
	return true
}

// DefaultHostName is the machine's host name made a valid host name (ValidHostName):
// characters other than letters, digits, '-' and '_' become '-'.
func DefaultHostName() string {
	n, err := os.Hostname()
	if err != nil {
		return "local"
	}
	b := []byte(n)
	for i, ch := range b {
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_') {
			b[i] = '-'
		}
	}
	if len(b) == 0 || len(b) > 64 {
		return "local"
	}
	return string(b)
}

// HostName is the name of the primary's own host (Options.HostName).
func (c *Cluster) HostName() string { return c.opts.HostName }

// AddHost adds a remote host with n workers started through link; a host of that
// name that was lost comes back. It fails with ErrInvalid for a bad or taken name
// or n outside 0..MaxWorkers, and for a pool of plain programs (ProtocolNone).
func (c *Cluster) AddHost(name string, link HostLink, n int) error {
	if !ValidHostName(name) || name == c.opts.HostName {
		return fmt.Errorf("%w: host name %q is not valid or is the primary's", ErrInvalid, name)
	}
	if n < 0 || n > c.opts.MaxWorkers {
		return fmt.Errorf("%w: host size %d is outside 0..%d", ErrInvalid, n, c.opts.MaxWorkers)
	}
	if c.opts.Protocol == ProtocolNone {
		return fmt.Errorf("%w: a pool of plain programs (-protocol none) takes no remote workers", ErrInvalid)
	}
	var err error
	cerr := c.call(func() {
		if h := c.hosts[name]; h != nil && h.state == HostUp {
			err = fmt.Errorf("%w: host %s is already in the pool", ErrInvalid, name)
			return
		}
		if c.closing {
			err = ErrClosed
			return
		}
		c.hosts[name] = &hostState{name: name, link: link, state: HostUp, joinedAt: c.clock.Now()}
		c.publish(Event{Type: EventHostJoined, Host: name, Size: &n})
		c.scaleHostOnLoop(name, n)
	})
	if cerr != nil {
		return cerr
	}
	return err
}

// RemoveHost gives up on a host (its agent stopped answering): its slots go, its
// workers are closed (HostLink's RemoteProcess.Close), and their jobs are retried
// elsewhere as after any worker's death. The host stays listed as lost.
func (c *Cluster) RemoveHost(name, reason string) error {
	var err error
	cerr := c.call(func() {
		h := c.hosts[name]
		if h == nil || h.state != HostUp {
			err = fmt.Errorf("%w: no host %s in the pool", ErrNotFound, name)
			return
		}
		h.state, h.lostAt, h.reason, h.size = HostLost, c.clock.Now(), reason, 0
		var lost []*proc
		for _, s := range c.slots {
			if s.host == name {
				delete(c.slots, s.n)
				s.pending.stop()
			}
		}
		for _, p := range c.procs {
			if p.host == name {
				p.intentional, p.killedFor = true, ReasonHostLost
				lost = append(lost, p)
			}
		}
		c.publish(Event{Type: EventHostLost, Host: name, Error: reason})
		for _, p := range lost {
			p.remote.Close()
		}
	})
	if cerr != nil {
		return cerr
	}
	return err
}

// ScaleHost sets the number of workers on a remote host, as Scale does for the
// primary's own (its name, HostName, scales those).
func (c *Cluster) ScaleHost(name string, n int) error {
	if name == c.opts.HostName {
		return c.Scale(n)
	}
	if n < 0 || n > c.opts.MaxWorkers {
		return fmt.Errorf("%w: host size %d is outside 0..%d", ErrInvalid, n, c.opts.MaxWorkers)
	}
	var err error
	cerr := c.call(func() {
		h := c.hosts[name]
		switch {
		case c.closing:
			err = ErrClosed
		case h == nil || h.state != HostUp:
			err = fmt.Errorf("%w: no host %s in the pool", ErrNotFound, name)
		default:
			c.scaleHostOnLoop(name, n)
		}
	})
	if cerr != nil {
		return cerr
	}
	return err
}

// ReportLate counts frames that arrived from a host for workers already given up
// (an agent back after its jobs were retried elsewhere) and were dropped: one
// host.late event says how many (Dropped) since the last.
func (c *Cluster) ReportLate(name string, dropped int64) {
	c.post(func() {
		if h := c.hosts[name]; h != nil {
			h.late += dropped
		}
		c.publish(Event{Type: EventHostLate, Host: name, Dropped: dropped})
	})
}

// Hosts lists the primary's own host first, then the remote ones by name.
func (c *Cluster) Hosts() []HostInfo {
	info := c.Pool()
	out := c.HostStates()
	byHost := map[string][]WorkerInfo{}
	for _, w := range info.Workers {
		byHost[w.Host] = append(byHost[w.Host], w)
	}
	for i := range out {
		out[i].Workers = byHost[out[i].Name]
		if out[i].Workers == nil {
			out[i].Workers = []WorkerInfo{}
		}
	}
	return out
}

// HostStates is Hosts without their workers (Workers nil), for a caller that
// has a snapshot of the pool already.
func (c *Cluster) HostStates() []HostInfo {
	var out []HostInfo
	if err := c.call(func() { out = c.hostsOnLoop() }); err != nil {
		return []HostInfo{{Name: c.opts.HostName, Local: true, State: HostUp}}
	}
	return out
}

func (c *Cluster) hostsOnLoop() []HostInfo {
	out := []HostInfo{{Name: c.opts.HostName, Local: true, State: HostUp, Size: c.size, JoinedAt: c.opts.startedAt}}
	var names []string
	for n := range c.hosts {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		h := c.hosts[n]
		hi := HostInfo{Name: n, State: h.state, Size: h.size, JoinedAt: h.joinedAt, Reason: h.reason, Late: h.late}
		if h.state == HostLost {
			t := h.lostAt
			hi.LostAt = &t
		}
		out = append(out, hi)
	}
	return out
}

// scaleHostOnLoop sets a host's size ("" or HostName: the local one) and forks or
// retires its workers to match, on the pool goroutine.
func (c *Cluster) scaleHostOnLoop(host string, n int) {
	if host == c.opts.HostName {
		host = ""
	}
	if host == "" {
		c.size = n
	} else {
		c.hosts[host].size = n
	}
	mine := 0
	for _, s := range c.slots {
		if s.host == host {
			c.revive(s)
			mine++
		}
	}
	for ; mine < n; mine++ {
		c.nextSlot++
		s := &slot{n: c.nextSlot, host: host}
		if host == "" {
			s.instance = c.instanceFor()
		}
		c.slots[s.n] = s
		c.forkInto(s)
	}
	if extra := mine - n; extra > 0 {
		for _, s := range c.retireOrder(host)[:extra] {
			c.removeSlot(s)
		}
	}
	size := n
	c.publish(Event{Type: EventScale, Size: &size, Host: host})
}

// localSlots counts the slots of the primary's own host.
func (c *Cluster) localSlots() int {
	n := 0
	for _, s := range c.slots {
		if s.host == "" {
			n++
		}
	}
	return n
}

// localProcs counts the live processes on the primary's own host: MaxWorkers
// bounds those only.
func (c *Cluster) localProcs() int {
	n := 0
	for _, p := range c.procs {
		if p.remote == nil {
			n++
		}
	}
	return n
}
