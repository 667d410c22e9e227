package jobs

// Builtin returns a new Registry holding the built-in kinds: crash, fib, primes and
// sleep. Each call returns a fresh Registry, so callers may add kinds without
// affecting anyone else.
func Builtin() *Registry {
	r := &Registry{}
	for _, k := range []Kind{
		fibKind(),
		sleepKind(),
		primesKind(),
		crashKind(),
	} {
		if err := r.Register(k); err != nil {
			// Only a bad edit to the list above gets here, and the tests catch it.
			panic("jobs: built-in kind: " + err.Error())
		}
	}
	return r
}
