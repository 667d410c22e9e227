package cluster

import "sort"

// logBuf keeps the newest lines of one worker or of the pool, bounded both in
// lines and in bytes of text, oldest first.
type logBuf struct {
	lines   []LogLine
	bytes   int
	evicted uint64 // the seq of the newest line dropped: a reader behind it missed lines
}

// add appends l and drops the oldest lines beyond maxLines or maxBytes (the newest
// line always stays).
func (b *logBuf) add(l LogLine, maxLines, maxBytes int) {
	b.lines = append(b.lines, l)
	b.bytes += len(l.Text)
	drop := 0
	for len(b.lines)-drop > 1 && (len(b.lines)-drop > maxLines || b.bytes > maxBytes) {
		b.bytes -= len(b.lines[drop].Text)
		drop++
	}
	if drop > 0 {
		b.evicted = b.lines[drop-1].Seq
		clear(b.lines[:drop]) // let the dropped texts be collected
		b.lines = b.lines[drop:]
	}
}

// since returns copies of the lines after seq that match stream ("" for both),
// the newest limit of them when there are more (limit <= 0: all).
func (b *logBuf) since(seq uint64, stream string, limit int) []LogLine {
	i := sort.Search(len(b.lines), func(i int) bool { return b.lines[i].Seq > seq })
	var out []LogLine
	for _, l := range b.lines[i:] {
		if stream == "" || l.Stream == stream {
			out = append(out, l)
		}
	}
	if limit > 0 && len(out) > limit {
		out = out[len(out)-limit:]
	}
	return out
}
