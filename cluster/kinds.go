package cluster

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/gocluster/gocluster/cluster/jobs"
)

// servedKinds is what the pool knows of the kinds its workers serve. It learns them
// from the first hello that declares them (protocol v2); until then, and for
// version 1 workers, which declare none, the kinds are those of
// JobOptions.Registry, which gocluster's own workers serve. Submit reads it from
// any goroutine; only the pool goroutine writes it.
type servedKinds struct {
	cur atomic.Pointer[kindSet]
}

// kindSet is one immutable answer: the kinds, sorted by name, and who declared them.
type kindSet struct {
	kinds   []KindInfo
	names   map[string]bool
	learned bool // from a worker's hello, not from the registry
}

func newKindSet(kinds []KindInfo, learned bool) *kindSet {
	kinds = slices.Clone(kinds)
	slices.SortFunc(kinds, func(a, b KindInfo) int { return strings.Compare(a.Name, b.Name) })
	names := make(map[string]bool, len(kinds))
	for _, k := range kinds {
		names[k.Name] = true
	}
	return &kindSet{kinds: kinds, names: names, learned: learned}
}

func (s *servedKinds) init(reg *jobs.Registry) { s.cur.Store(newKindSet(reg.Infos(), false)) }

// Kinds returns the kinds the pool serves, sorted by name: GET /api/kinds.
// A pool of plain programs (ProtocolNone) serves none.
func (c *Cluster) Kinds() []KindInfo {
	if c.opts.Protocol == ProtocolNone {
		return []KindInfo{}
	}
	return slices.Clone(c.kinds.cur.Load().kinds)
}

// check refuses a kind nobody serves, naming the ones served.
func (s *servedKinds) check(kind string) error {
	set := s.cur.Load()
	if set.names[kind] {
		return nil
	}
	served := make([]string, len(set.kinds))
	for i, k := range set.kinds {
		served[i] = k.Name
	}
	list := strings.Join(served, ", ")
	if list == "" {
		list = "none"
	}
	msg := fmt.Sprintf("unknown job kind %q: the pool serves %s", clipName(kind), list)
	if !set.learned {
		// With -exec the worker's kinds come with its hello: say why they are missing.
		msg += " (no worker has declared its kinds: these are gocluster's own)"
	}
	return &kindError{msg: msg}
}

func clipName(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

// onHelloKinds takes the kinds a worker declared. The first version 2 worker
// teaches the pool its kinds; a later one that disagrees is reported, not refused:
// it is the operator's mistake (two programs in one pool), and its jobs may still
// run.
func (c *Cluster) onHelloKinds(p *proc, kinds []KindInfo) {
	if p.version < 2 {
		return
	}
	set := c.kinds.cur.Load()
	if !set.learned {
		c.kinds.cur.Store(newKindSet(kinds, true))
		return
	}
	if diff := kindsDiff(set, kinds); diff != "" {
		c.publish(Event{Type: EventError, Worker: p.id, PID: p.pid,
			Error: fmt.Sprintf("%s serves other kinds than the pool: %s", p.name(), diff)})
	}
}

// kindsDiff names the kinds one side has and the other lacks, or "".
func kindsDiff(set *kindSet, kinds []KindInfo) string {
	theirs := make(map[string]bool, len(kinds))
	var extra, missing []string
	for _, k := range kinds {
		theirs[k.Name] = true
		if !set.names[k.Name] {
			extra = append(extra, k.Name)
		}
	}
	for _, k := range set.kinds {
		if !theirs[k.Name] {
			missing = append(missing, k.Name)
		}
	}
	slices.Sort(extra)
	var parts []string
	if len(missing) > 0 {
		parts = append(parts, "lacks "+strings.Join(missing, ", "))
	}
	if len(extra) > 0 {
		parts = append(parts, "adds "+strings.Join(extra, ", "))
	}
	return strings.Join(parts, "; ")
}

// checkKinds validates a hello's kinds (see jobs.CheckInfo), refusing duplicates.
func checkKinds(kinds []KindInfo) error {
	seen := make(map[string]bool, len(kinds))
	for _, k := range kinds {
		if err := jobs.CheckInfo(k); err != nil {
			return err
		}
		if seen[k.Name] {
			return fmt.Errorf("kind %q declared twice", k.Name)
		}
		seen[k.Name] = true
	}
	return nil
}

// IntKind returns the numeric kind of JobOptions.Registry called kind, if the pool
// serves it: its inputs are integers within the kind's bounds (Min, Max), and the
// text form of a list ("44 42 42 43") suits it.
func (c *Cluster) IntKind(kind string) (jobs.Kind, bool) {
	if c.kinds.check(kind) != nil {
		return jobs.Kind{}, false
	}
	k, err := c.opts.Jobs.Registry.Lookup(kind)
	return k, err == nil
}
