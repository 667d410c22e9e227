package jobs

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Registry is a set of job kinds by name. The zero Registry is empty and ready to use;
// Builtin returns one holding the built-in kinds. It is safe for concurrent use, so a
// program may register its own kinds while the pool already looks kinds up.
type Registry struct {
	mu    sync.RWMutex
	kinds map[string]Kind
}

// Register adds k. It rejects an empty name, a nil Run, Min > Max, and a name already
// taken (matching ErrDuplicateKind). The stored kind's Run validates its input first;
// see Kind.Run.
func (r *Registry) Register(k Kind) error {
	if err := checkKind(k); err != nil {
		return err
	}
	k.Run = k.guarded()
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, taken := r.kinds[k.Name]; taken {
		return fmt.Errorf("register job kind %q: %w", k.Name, ErrDuplicateKind)
	}
	if r.kinds == nil {
		r.kinds = make(map[string]Kind)
	}
	r.kinds[k.Name] = k
	return nil
}

// checkKind rejects kinds that could never run or never accept an input.
func checkKind(k Kind) error {
	switch {
	case k.Name == "":
		return errors.New("register job kind: empty name")
	case k.Run == nil:
		return fmt.Errorf("register job kind %q: Run is nil", k.Name)
	case k.Min > k.Max:
		return fmt.Errorf("register job kind %q: Min %d > Max %d", k.Name, k.Min, k.Max)
	}
	return nil
}

// Lookup returns the kind called name. For an unknown name the error matches
// ErrUnknownKind and lists the known kinds, so the person can correct the typo.
func (r *Registry) Lookup(name string) (Kind, error) {
	r.mu.RLock()
	k, ok := r.kinds[name]
	r.mu.RUnlock()
	if ok {
		return k, nil
	}
	known := strings.Join(r.Names(), ", ")
	if known == "" {
		known = "none"
	}
	return Kind{}, fmt.Errorf("%w %q (known: %s)", ErrUnknownKind, clip(name), known)
}

// Kinds returns every registered kind, sorted by name.
func (r *Registry) Kinds() []Kind {
	r.mu.RLock()
	kinds := make([]Kind, 0, len(r.kinds))
	for _, k := range r.kinds {
		kinds = append(kinds, k)
	}
	r.mu.RUnlock()
	slices.SortFunc(kinds, func(a, b Kind) int { return strings.Compare(a.Name, b.Name) })
	return kinds
}

// Names returns the names of the registered kinds, sorted.
func (r *Registry) Names() []string {
	kinds := r.Kinds()
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = k.Name
	}
	return names
}
