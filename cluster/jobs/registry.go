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
	mu        sync.RWMutex
	kinds     map[string]Kind
	jsonKinds map[string]jsonEntry
}

// jsonEntry is a registered JSONKind with its declaration worked out once.
type jsonEntry struct {
	kind JSONKind
	info Info
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
	if r.taken(k.Name) {
		return fmt.Errorf("register job kind %q: %w", k.Name, ErrDuplicateKind)
	}
	if r.kinds == nil {
		r.kinds = make(map[string]Kind)
	}
	r.kinds[k.Name] = k
	return nil
}

// RegisterJSON adds a kind whose input and result are any JSON value. It rejects
// a name that is not ValidName or already taken (matching ErrDuplicateKind), a nil
// Run, a Doc longer than MaxDocLen or of more than one line, and an Example that
// does not marshal.
func (r *Registry) RegisterJSON(k JSONKind) error {
	if k.Run == nil {
		return fmt.Errorf("register job kind %q: Run is nil", k.Name)
	}
	info, err := k.info()
	if err != nil {
		return fmt.Errorf("register job kind: %w", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.taken(k.Name) {
		return fmt.Errorf("register job kind %q: %w", k.Name, ErrDuplicateKind)
	}
	if r.jsonKinds == nil {
		r.jsonKinds = make(map[string]jsonEntry)
	}
	r.jsonKinds[k.Name] = jsonEntry{kind: k, info: info}
	return nil
}

func (r *Registry) taken(name string) bool {
	_, numeric := r.kinds[name]
	_, isJSON := r.jsonKinds[name]
	return numeric || isJSON
}

// checkKind rejects kinds that could never run or never accept an input.
func checkKind(k Kind) error {
	switch {
	case k.Name == "":
		return errors.New("register job kind: empty name")
	case !ValidName(k.Name):
		return fmt.Errorf("register job kind %q: name does not match %s", clip(k.Name), namePattern)
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
	known := strings.Join(r.AllNames(), ", ")
	if known == "" {
		known = "none"
	}
	return Kind{}, fmt.Errorf("%w %q (known: %s)", ErrUnknownKind, clip(name), known)
}

// Kinds returns every registered numeric kind, sorted by name (JSON kinds: see
// Infos).
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

// Names returns the names of the registered numeric kinds, sorted.
func (r *Registry) Names() []string {
	kinds := r.Kinds()
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = k.Name
	}
	return names
}

// AllNames returns the names of every registered kind, numeric and JSON, sorted.
func (r *Registry) AllNames() []string {
	infos := r.Infos()
	names := make([]string, len(infos))
	for i, k := range infos {
		names[i] = k.Name
	}
	return names
}

// Infos declares every registered kind, numeric and JSON, sorted by name: what a
// worker serving this registry says in its hello frame.
func (r *Registry) Infos() []Info {
	infos := make([]Info, 0)
	for _, k := range r.Kinds() {
		infos = append(infos, k.info())
	}
	r.mu.RLock()
	for _, e := range r.jsonKinds {
		infos = append(infos, e.info)
	}
	r.mu.RUnlock()
	slices.SortFunc(infos, func(a, b Info) int { return strings.Compare(a.Name, b.Name) })
	return infos
}
