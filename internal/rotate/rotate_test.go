package rotate

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestRotatesBySizeAndKeepsSome(t *testing.T) {
	path := filepath.Join(t.TempDir(), "workers.log")
	w, err := Open(path, 10, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"aaaa\n", "bbbb\n", "cccc\n", "dddd\n", "eeee\n", "a line longer than ten\n"} {
		if _, err := w.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		path: "a line longer than ten\n", path + ".1": "eeee\n", path + ".2": "cccc\ndddd\n",
	} {
		if got := read(t, name); got != want {
			t.Errorf("%s: %q, want %q", filepath.Base(name), got, want)
		}
	}
	if _, err := os.Stat(path + ".3"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a third old file was kept: %v", err)
	}
	if _, err := w.Write([]byte("late")); !errors.Is(err, os.ErrClosed) {
		t.Errorf("write after close: %v", err)
	}
}

func TestAppendsToAnExistingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "workers.log")
	os.WriteFile(path, []byte("old\n"), 0o600)
	w, err := Open(path, 6, 1)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("new\n")) // 4 + 4 > 6: the old content rotates first
	w.Close()
	if got := read(t, path) + "|" + read(t, path+".1"); got != "new\n|old\n" {
		t.Errorf("got %q", got)
	}
}

func TestOpenErrors(t *testing.T) {
	if _, err := Open(filepath.Join(t.TempDir(), "x"), 0, 1); err == nil {
		t.Error("size 0 taken")
	}
	if _, err := Open(filepath.Join(t.TempDir(), "no", "such", "dir", "x"), 10, 1); err == nil ||
		!strings.Contains(err.Error(), "open log file") {
		t.Errorf("a missing directory: %v", err)
	}
}
