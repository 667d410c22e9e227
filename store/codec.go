package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// The chunks' binary format (schema 2). A group commit writes, per list it touched,
// one row of chunks whose body is that group's job records, one after another:
//
//	kind  byte     recStart, recEnd or recLost
//	flags uvarint  which optional fields follow (flag*)
//	job   varint   its id minus the previous record's (the first: minus 0)
//	attempts uvarint
//	state byte     a code of stateNames, or 0 and the name as a string
//	[result bytes] [error string] [error data bytes]
//	try (flagTry): worker varint, pid varint, [host string], started (time),
//	    [finished: nanoseconds after started, uvarint], duration (uvarint µs with
//	    flagDurMicros, else 8 bytes float64), outcome (a code of outcomeNames, or 0
//	    and the name), [signal string]
//	[finished (time)] a job that ended without a try (canceled while queued)
//
// A time is nanoseconds since the previous time of the chunk, as a varint. Strings
// and bytes are a uvarint length and the bytes. Records are read in the order they
// were written, chunk by chunk, and the latest record of a job wins.
const (
	recStart byte = iota + 1
	recEnd
	recLost
)

const (
	flagResult = 1 << iota
	flagError
	flagErrData
	flagTry
	flagHost
	flagTryFinished
	flagDurMicros
	flagSignal
	flagFinished
)

var (
	stateNames   = [...]cluster.JobState{"", cluster.JobQueued, cluster.JobRunning, cluster.JobDone, cluster.JobFailed, cluster.JobCanceled}
	outcomeNames = [...]cluster.TryOutcome{"", cluster.TryRunning, cluster.TryDone, cluster.TryFailed, cluster.TryKilled,
		cluster.TryTimedOut, cluster.TryCanceled, cluster.TryWorkerLost, cluster.TryPrimaryLost}
)

// errChunk says a chunk could not be decoded: the database is damaged.
var errChunk = errors.New("damaged job records")

// encoder builds one chunk's body.
type encoder struct {
	buf  []byte
	job  int64
	last int64 // the previous time, in Unix nanoseconds
}

func (e *encoder) uvarint(v uint64) { e.buf = binary.AppendUvarint(e.buf, v) }
func (e *encoder) varint(v int64)   { e.buf = binary.AppendVarint(e.buf, v) }

func (e *encoder) bytes(b []byte) {
	e.uvarint(uint64(len(b)))
	e.buf = append(e.buf, b...)
}

func (e *encoder) str(s string) {
	e.uvarint(uint64(len(s)))
	e.buf = append(e.buf, s...)
}

func (e *encoder) time(t time.Time) {
	ns := t.UnixNano()
	e.varint(ns - e.last)
	e.last = ns
}

// code writes name's index in names, or 0 and the name when it is not there.
func code[T ~string](e *encoder, names []T, name T) {
	for i := 1; i < len(names); i++ {
		if names[i] == name {
			e.buf = append(e.buf, byte(i))
			return
		}
	}
	e.buf = append(e.buf, 0)
	e.str(string(name))
}

// add appends the record of a job change (ChangeStart, ChangeEnd, ChangeLost).
func (e *encoder) add(ch *cluster.Change) {
	kind := recEnd
	switch ch.Type {
	case cluster.ChangeStart:
		kind = recStart
	case cluster.ChangeLost:
		kind = recLost
	}
	t := &ch.Try
	flags := recordFlags(ch)
	e.buf = append(e.buf, kind)
	e.uvarint(flags)
	e.varint(ch.Job - e.job)
	e.job = ch.Job
	e.uvarint(uint64(max(ch.Attempts, 0)))
	code(e, stateNames[:], ch.State)
	if flags&flagResult != 0 {
		e.bytes(ch.Result)
	}
	if flags&flagError != 0 {
		e.str(ch.Error)
	}
	if flags&flagErrData != 0 {
		e.bytes(ch.ErrData)
	}
	if flags&flagTry != 0 {
		e.try(t, flags)
	}
	if flags&flagFinished != 0 {
		e.time(time.Now()) // canceled while queued (no try): it ended now
	}
}

func recordFlags(ch *cluster.Change) uint64 {
	var f uint64
	t := &ch.Try
	set := func(cond bool, bit uint64) {
		if cond {
			f |= bit
		}
	}
	set(ch.Result != nil, flagResult)
	set(ch.Error != "", flagError)
	set(ch.ErrData != nil, flagErrData)
	set(t.Outcome != "", flagTry)
	set(t.Outcome != "" && t.Host != "", flagHost)
	set(t.Outcome != "" && t.FinishedAt != nil, flagTryFinished)
	set(t.Outcome != "" && exactMicros(t.DurationMS), flagDurMicros)
	set(t.Outcome != "" && t.Signal != "", flagSignal)
	set(ch.Type == cluster.ChangeEnd && (t.Outcome == "" || t.FinishedAt == nil) && ch.State != cluster.JobRunning,
		flagFinished)
	return f
}

// exactMicros says whether ms is a whole number of microseconds (durations are
// rounded so), which then take a varint of 1–3 bytes instead of 8.
func exactMicros(ms float64) bool {
	if ms < 0 || ms > 1e12 {
		return false
	}
	return float64(int64(math.Round(ms*1000)))/1000 == ms
}

func (e *encoder) try(t *cluster.Try, flags uint64) {
	e.varint(int64(t.Worker))
	e.varint(int64(t.PID))
	if flags&flagHost != 0 {
		e.str(t.Host)
	}
	e.time(t.StartedAt)
	if flags&flagTryFinished != 0 {
		e.uvarint(uint64(max(t.FinishedAt.Sub(t.StartedAt), 0)))
	}
	if flags&flagDurMicros != 0 {
		e.uvarint(uint64(math.Round(t.DurationMS * 1000)))
	} else {
		e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(t.DurationMS))
	}
	code(e, outcomeNames[:], t.Outcome)
	if flags&flagSignal != 0 {
		e.str(t.Signal)
	}
}

// record is one decoded job record.
type record struct {
	kind     byte
	job      int64
	attempts int
	state    cluster.JobState
	result   json.RawMessage
	errMsg   string
	errData  json.RawMessage
	try      *cluster.Try
	finished *time.Time
}

// decoder reads one chunk's body. A lean decoder (countJobs) allocates nothing
// per record: its records' try is one reused value, and their strings (error,
// host, signal) and end time are skipped.
type decoder struct {
	buf     []byte
	job     int64
	last    int64
	err     error
	lean    bool
	scratch cluster.Try
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errChunk
	}
	d.buf = nil
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.buf)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.buf)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if n > uint64(len(d.buf)) {
		d.fail()
		return nil
	}
	b := d.buf[:n:n]
	d.buf = d.buf[n:]
	return b
}

// str reads a string; a lean decoder skips it ("").
func (d *decoder) str() string {
	b := d.bytes()
	if d.lean {
		return ""
	}
	return string(b)
}

func (d *decoder) byte() byte {
	if len(d.buf) == 0 {
		d.fail()
		return 0
	}
	b := d.buf[0]
	d.buf = d.buf[1:]
	return b
}

func (d *decoder) time() time.Time {
	d.last += d.varint()
	return time.Unix(0, d.last)
}

// decodeCode reads a code of names, or 0 and a name, which must be one of names
// too (the encoder writes it so only for "", stateNames[0]): any other name is
// damage, never a state or outcome the pool does not know.
func decodeCode[T ~string](d *decoder, names []T) T {
	c := int(d.byte())
	if c == 0 {
		name := T(d.bytes())
		for _, n := range names {
			if n == name {
				return name
			}
		}
		d.fail()
		return ""
	}
	if c >= len(names) {
		d.fail()
		return ""
	}
	return names[c]
}

// next decodes the next record; false at the end of the chunk or on damage (d.err).
func (d *decoder) next(r *record) bool {
	if len(d.buf) == 0 || d.err != nil {
		return false
	}
	*r = record{kind: d.byte()}
	flags := d.uvarint()
	d.job += d.varint()
	r.job, r.attempts = d.job, int(d.uvarint())
	r.state = decodeCode(d, stateNames[:])
	if flags&flagResult != 0 {
		r.result = d.bytes()
	}
	if flags&flagError != 0 {
		r.errMsg = d.str()
	}
	if flags&flagErrData != 0 {
		r.errData = d.bytes()
	}
	if flags&flagTry != 0 {
		r.try = d.try(flags)
	}
	if flags&flagFinished != 0 {
		if t := d.time(); !d.lean {
			r.finished = &t
		}
	}
	if !r.valid() {
		d.fail()
	}
	return d.err == nil
}

// valid says whether a decoded record is one the pool writes: a known kind, an end
// with an ended state (else its job, resumed, would never end), a try with an
// outcome.
func (r *record) valid() bool {
	switch {
	case r.kind < recStart || r.kind > recLost:
		return false
	case r.try != nil && r.try.Outcome == "":
		return false
	case r.kind == recEnd:
		return r.state == cluster.JobDone || r.state == cluster.JobFailed || r.state == cluster.JobCanceled
	}
	return true
}

func (d *decoder) try(flags uint64) *cluster.Try {
	t := &d.scratch
	if !d.lean {
		t = &cluster.Try{}
	}
	*t = cluster.Try{Worker: int(d.varint()), PID: int(d.varint())}
	if flags&flagHost != 0 {
		t.Host = d.str()
	}
	t.StartedAt = d.time()
	if flags&flagTryFinished != 0 {
		f := t.StartedAt.Add(time.Duration(d.uvarint()))
		if !d.lean {
			t.FinishedAt = &f
		}
	}
	if flags&flagDurMicros != 0 {
		t.DurationMS = float64(d.uvarint()) / 1000
	} else if len(d.buf) >= 8 {
		t.DurationMS = math.Float64frombits(binary.LittleEndian.Uint64(d.buf))
		d.buf = d.buf[8:]
	} else {
		d.fail()
	}
	t.Outcome = decodeCode(d, outcomeNames[:])
	if flags&flagSignal != 0 {
		t.Signal = d.str()
	}
	return t
}

// encodeInputs is a list's inputs as one blob: their count, then each as bytes.
func encodeInputs(in []json.RawMessage) []byte {
	size := binary.MaxVarintLen64
	for _, v := range in {
		size += len(v) + 3
	}
	e := encoder{buf: make([]byte, 0, size)}
	e.uvarint(uint64(len(in)))
	for _, v := range in {
		e.bytes(v)
	}
	return e.buf
}

// decodeInputs reads the inputs [from, from+n) of a blob encodeInputs wrote; they
// share the blob's memory.
func decodeInputs(blob []byte, from, n int) ([]json.RawMessage, error) {
	d := decoder{buf: blob}
	total := d.uvarint()
	if d.err != nil || uint64(from+n) > total {
		return nil, fmt.Errorf("inputs: %w", errChunk)
	}
	out := make([]json.RawMessage, 0, n)
	for i := 0; i < from+n && d.err == nil; i++ {
		b := d.bytes()
		if i >= from {
			out = append(out, b)
		}
	}
	if d.err != nil {
		return nil, fmt.Errorf("inputs: %w", d.err)
	}
	return out, nil
}
