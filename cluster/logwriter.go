package cluster

import (
	"bytes"
	"io"
	"sync"
	"time"
)

// logPiece is one line's text (escaped) and whether it ended without a newline.
type logPiece struct {
	text    string
	partial bool
}

// logWriter splits one of a worker's output streams into lines for the logStore.
// os/exec copies the stream into it from one goroutine; flush, after the worker
// exited, writes the unfinished last line.
type logWriter struct {
	mu     sync.Mutex
	store  *logStore
	id     int
	stream string
	buf    []byte
	pieces []logPiece // reused between writes
	bucket rateBucket
	skip   int64 // lines over the capture rate since the last send
}

// logCaptureRate bounds the bytes per second of one stream that are escaped and
// kept; the lines beyond it are only counted (dropped). Finding line ends is cheap,
// escaping and keeping them is not: a flood must not slow the copy to the
// primary's log, and nobody reads more than this live.
const logCaptureRate = 2 << 20

func (w *logWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := time.Now()
	w.buf = append(w.buf, b...)
	rest := w.buf
	if w.bucket.empty(now) { // a flood: count its whole lines at memchr speed, keep none
		if i := bytes.LastIndexByte(rest, '\n'); i >= 0 {
			w.skip += int64(bytes.Count(rest[:i+1], []byte{'\n'}))
			rest = rest[i+1:]
		}
	}
	for {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 && len(rest) < LogLineMax {
			break
		}
		if i < 0 || i > LogLineMax {
			w.keep(rest[:LogLineMax], true, now)
			rest = rest[LogLineMax:]
			continue
		}
		w.keep(rest[:i], false, now)
		rest = rest[i+1:]
	}
	w.send()
	w.buf = append(w.buf[:0], rest...) // rest is shorter than LogLineMax
	return len(b), nil
}

// keep escapes and collects one line, or counts it when the stream is over its
// capture rate.
func (w *logWriter) keep(line []byte, partial bool, now time.Time) {
	if !w.bucket.take(len(line)+1, now) {
		w.skip++
		return
	}
	w.pieces = append(w.pieces, logPiece{text: escapeLine(line), partial: partial})
}

// send hands the collected pieces to the store in one go.
func (w *logWriter) send() {
	if len(w.pieces) > 0 || w.skip > 0 {
		w.store.add(w.id, w.stream, w.pieces, w.skip)
		clear(w.pieces)
		w.pieces = w.pieces[:0]
		w.skip = 0
	}
}

// rateBucket is a token bucket of logCaptureRate bytes a second, holding at most
// one second's worth.
type rateBucket struct {
	tokens float64
	last   time.Time
}

// empty says the bucket holds less than one short line, even after refilling.
func (b *rateBucket) empty(now time.Time) bool {
	return !b.last.IsZero() && b.tokens+now.Sub(b.last).Seconds()*logCaptureRate < 128
}

func (b *rateBucket) take(n int, now time.Time) bool {
	if b.last.IsZero() {
		b.tokens = logCaptureRate
	} else {
		b.tokens = min(logCaptureRate, b.tokens+now.Sub(b.last).Seconds()*logCaptureRate)
	}
	b.last = now
	if b.tokens < float64(n) {
		return false
	}
	b.tokens -= float64(n)
	return true
}

func (w *logWriter) flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) > 0 {
		w.keep(w.buf, true, time.Now())
		w.buf = nil
		w.send()
	}
}

// teeWriter gives a worker's stream to both the primary's log and the store.
type teeWriter struct {
	prefix *prefixWriter
	log    *logWriter
}

func (t teeWriter) Write(b []byte) (int, error) {
	t.prefix.Write(b)
	return t.log.Write(b)
}

func (t teeWriter) flush() {
	t.prefix.flush()
	t.log.flush()
}

// flusher is an output writer holding an unfinished last line.
type flusher interface{ flush() }

// outputs returns the writers of worker id's stdout and stderr: prefixed to
// Options.Output, and kept in the store unless LogLines is negative. A Silent
// pool's workers write to /dev/null (nil writers): nothing is read or kept.
func (c *Cluster) outputs(id int) (stdout, stderr io.Writer) {
	if c.opts.Silent {
		return nil, nil
	}
	if c.opts.LogLines < 0 {
		return newPrefixWriter(c.opts.Output, id, streamStdout), newPrefixWriter(c.opts.Output, id, streamStderr)
	}
	c.logs.register(id)
	tee := func(tag, stream string) io.Writer {
		return teeWriter{prefix: newPrefixWriter(c.opts.Output, id, tag),
			log: &logWriter{store: c.logs, id: id, stream: stream}}
	}
	return tee(streamStdout, StreamStdout), tee(streamStderr, StreamStderr)
}
