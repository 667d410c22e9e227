package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
)

// jobsMarker is where a paged answer's jobs go: pagedBatch encoded with no jobs
// holds it once, as the key of its own field (no string of a list can hold a raw
// quote).
var jobsMarker = []byte(`"jobs":[]`)

// writePage writes a list with a page of its jobs like writeJSON, but streams the
// jobs: a page may hold 2,000 jobs with 64 KiB inputs and results, 256 MB in one
// buffer. The rest of the answer is encoded first, so an error there is still a
// clean 500; after the status only the client can fail.
func writePage(w http.ResponseWriter, r *http.Request, status int, p pagedBatch) {
	jobs := p.Jobs
	p.Jobs = nil
	var head bytes.Buffer
	enc := json.NewEncoder(&head)
	enc.SetEscapeHTML(false)
	if p.Jobs = jobs[:0:0]; enc.Encode(p) != nil || bytes.Count(head.Bytes(), jobsMarker) != 1 {
		writeError(w, r, fmt.Errorf("encode response: the jobs of list %q have no place", p.ID))
		return
	}
	before, after, _ := bytes.Cut(head.Bytes(), jobsMarker)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	bw := bufio.NewWriterSize(w, 32<<10)
	bw.Write(before)
	bw.WriteString(`"jobs":[`)
	var one bytes.Buffer // one job at a time
	jenc := json.NewEncoder(&one)
	jenc.SetEscapeHTML(false)
	for i, j := range jobs {
		one.Reset()
		if jenc.Encode(j) != nil {
			return // a JobInfo always encodes
		}
		if i > 0 {
			bw.WriteByte(',')
		}
		if _, err := bw.Write(bytes.TrimSuffix(one.Bytes(), []byte("\n"))); err != nil {
			return // the client left
		}
	}
	bw.WriteByte(']')
	bw.Write(after)
	bw.Flush()
}
