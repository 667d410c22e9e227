package cluster

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
)

// baselineKey names a list by what it computes (kind and inputs), so a rerun of the
// same list on one worker gives the original its measured speedup.
type baselineKey [sha256.Size]byte

func keyOf(kind string, inputs []json.RawMessage) baselineKey {
	h := sha256.New()
	h.Write([]byte(kind))
	h.Write([]byte{0})
	var buf [8]byte
	for _, in := range inputs {
		// Each input's length first, so no two lists share a byte stream.
		binary.LittleEndian.PutUint64(buf[:], uint64(len(in)))
		h.Write(buf[:])
		h.Write(in)
	}
	var k baselineKey
	h.Sum(k[:0])
	return k
}

// maxBaselines bounds the remembered one-worker times; past it the map starts over,
// which only costs a teacher one more baseline run.
const maxBaselines = 1024

// baselines are the wall times of lists that ran on one worker with every job done,
// by what they computed. They belong to the pool goroutine.
type baselines struct{ ms map[baselineKey]float64 }

// record keeps b's wall time if b is a baseline: it never ran two jobs at once and
// every job is done (a failed job ends early and would flatter the figure).
func (bs *baselines) record(b *batch) {
	if b.peak > 1 || b.done != len(b.jobs) || b.finished.IsZero() {
		return
	}
	if bs.ms == nil || len(bs.ms) >= maxBaselines {
		bs.ms = map[baselineKey]float64{}
	}
	bs.ms[b.key] = round3(float64(b.finished.Sub(b.created).Microseconds()) / 1000)
}

func (bs *baselines) wall(k baselineKey) (float64, bool) {
	ms, ok := bs.ms[k]
	return ms, ok
}
