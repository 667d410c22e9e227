package server

import (
	"bufio"
	"encoding/json"
	"net/http"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// exportChunk is how many jobs the NDJSON export copies from the pool and writes at
// a time: about 200 KB, the most one export holds.
const exportChunk = 1000

// exportJobs is GET /api/batches/{id}/jobs.ndjson: every job of a list, one JSON
// object a line, in order. It reads the jobs from the pool a chunk at a time and
// writes each chunk under a fresh write deadline, so a 100,000-job list streams in
// bounded memory and a client that stops reading is dropped after
// Config.WriteTimeout. A running list's export is not one snapshot: each chunk is as
// its jobs stood when it was read. If the list is forgotten meanwhile, or the server
// closes, the stream ends early: a complete export has jobs_total lines.
func (s *Server) exportJobs(w http.ResponseWriter, r *http.Request) {
	id, err := batchID(r)
	var info cluster.BatchInfo
	if err == nil {
		info, err = s.c.BatchJobs(id, 0, exportChunk)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/x-ndjson")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	total := info.Summary.Total
	rc := http.NewResponseController(w)
	for offset := 0; ; {
		if err := s.writeChunk(w, rc, info.Jobs); err != nil || r.Context().Err() != nil {
			return
		}
		offset += len(info.Jobs)
		if len(info.Jobs) == 0 || offset >= total {
			return
		}
		if info, err = s.c.BatchJobs(id, offset, exportChunk); err != nil {
			return
		}
	}
}

// writeChunk writes jobs as NDJSON lines and flushes them, within a write deadline
// of its own. Each line goes out as it is encoded: a chunk of jobs with 64 KiB
// inputs and results would weigh 128 MB in a buffer.
func (s *Server) writeChunk(w http.ResponseWriter, rc *http.ResponseController, jobs []cluster.JobInfo) error {
	rc.SetWriteDeadline(time.Now().Add(s.cfg.WriteTimeout))
	bw := bufio.NewWriterSize(w, 32<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, j := range jobs {
		if err := enc.Encode(j); err != nil {
			return err
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return rc.Flush()
}
