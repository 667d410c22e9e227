package proctest

import (
	"bytes"
	"strings"
	"sync"
)

// Buffer collects what a child process (or a logger) writes, for a test to read
// while it is still written: a bytes.Buffer behind a mutex.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (o *Buffer) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.Write(p)
}

// String is everything written so far.
func (o *Buffer) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.String()
}

// Lines is everything written so far, a line each (no trailing empty one).
func (o *Buffer) Lines() []string {
	return strings.Split(strings.TrimRight(o.String(), "\n"), "\n")
}
