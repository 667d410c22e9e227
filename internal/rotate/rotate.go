package rotate

import (
	"fmt"
	"os"
	"sync"
)

// Writer appends to Path and rotates it by size. Safe for concurrent use.
type Writer struct {
	path    string
	maxSize int64
	keep    int

	mu   sync.Mutex
	f    *os.File
	size int64
}

// Open opens (or creates) path for appending. maxSize is the size past which the
// file is rotated; keep is how many old files are kept (NAME.1 .. NAME.keep).
func Open(path string, maxSize int64, keep int) (*Writer, error) {
	if maxSize <= 0 || keep < 1 {
		return nil, fmt.Errorf("rotate %s: size %d and keep %d must be positive", path, maxSize, keep)
	}
	w := &Writer{path: path, maxSize: maxSize, keep: keep}
	if err := w.open(); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *Writer) open() error {
	f, err := os.OpenFile(w.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return fmt.Errorf("open log file: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("open log file: %w", err)
	}
	w.f, w.size = f, st.Size()
	return nil
}

// Write appends p, rotating first when p would take the file past its size (a
// file holds at least one write, however large).
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return 0, os.ErrClosed
	}
	if w.size > 0 && w.size+int64(len(p)) > w.maxSize {
		if err := w.rotate(); err != nil {
			return 0, err
		}
	}
	n, err := w.f.Write(p)
	w.size += int64(n)
	return n, err
}

// rotate shifts NAME.k to NAME.k+1 (dropping the oldest), NAME to NAME.1, and
// opens a new NAME.
func (w *Writer) rotate() error {
	w.f.Close()
	w.f = nil
	os.Remove(fmt.Sprintf("%s.%d", w.path, w.keep))
	for k := w.keep - 1; k >= 1; k-- {
		os.Rename(fmt.Sprintf("%s.%d", w.path, k), fmt.Sprintf("%s.%d", w.path, k+1)) // a gap is fine
	}
	if err := os.Rename(w.path, w.path+".1"); err != nil {
		return fmt.Errorf("rotate log file: %w", err)
	}
	return w.open()
}

// Close closes the file; later writes fail with os.ErrClosed.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	return err
}
