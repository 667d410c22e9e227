package main

import (
	"io"
	"os"
	"path/filepath"

	"github.com/gocluster/gocluster/internal/rotate"
)

// logDirFile is the file in -log-dir that holds every worker's prefixed output;
// logDirKeep is how many rotated files (workers.log.1 ..) are kept.
const (
	logDirFile = "workers.log"
	logDirKeep = 5
)

// workerOutput is where workers' prefixed output goes: stderr, and with -log-dir
// also a file rotated at -log-max-size. close closes the file.
func workerOutput(cfg serveConfig, stderr io.Writer) (out io.Writer, close func(), err error) {
	if cfg.LogDir == "" {
		return stderr, func() {}, nil
	}
	w, err := rotate.Open(filepath.Join(cfg.LogDir, logDirFile), int64(cfg.LogMaxSize), logDirKeep)
	if err != nil {
		return nil, nil, err
	}
	return bothWriters{stderr, w}, func() { w.Close() }, nil
}

// bothWriters writes to both, whatever either answers: a full disk must not
// silence the terminal, nor a closed terminal the file.
type bothWriters [2]io.Writer

func (b bothWriters) Write(p []byte) (int, error) {
	b[0].Write(p)
	b[1].Write(p)
	return len(p), nil
}

// checkLogDir: -log-dir must be an existing directory; -log-max-size 64KiB..16GiB.
func (c *serveConfig) checkLogDir(src sources) error {
	if c.LogMaxSize < 64<<10 || c.LogMaxSize > 16<<30 {
		return usageErrorf("%s %s is out of range: must be between 64KiB and 16GiB", src.name("log-max-size"), &c.LogMaxSize)
	}
	if c.LogDir == "" {
		return nil
	}
	st, err := os.Stat(c.LogDir)
	if err == nil && !st.IsDir() {
		return usageErrorf("%s %q is not a directory", src.name("log-dir"), c.LogDir)
	}
	if err != nil {
		return usageErrorf("%s %q: %v", src.name("log-dir"), c.LogDir, err)
	}
	return nil
}
