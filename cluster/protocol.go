package cluster

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
)

// ProtocolVersion is the version gocluster's own workers state in their hello
// frame. The primary accepts MinProtocolVersion up to it and refuses a worker that
// speaks another.
const ProtocolVersion = 2

// MinProtocolVersion is the oldest version the primary still accepts: a version 1
// worker declares no kinds and carries integers only, and its missing "out" means 0.
const MinProtocolVersion = 1

// frameOverhead is room for a job or result frame around its value: the kind,
// numbers and field names.
const frameOverhead = 256

// DefaultMaxValueBytes is the default bound on one job input and one result
// (JobOptions.MaxValueBytes).
const DefaultMaxValueBytes = 64 << 10

// DefaultMaxFrame is the largest frame, in bytes, either side accepts by default.
const DefaultMaxFrame = 1 << 20

// Frame kinds; see the package documentation for who sends which.
const (
	frameHello      = "hello"
	frameMsg        = "msg"
	frameJob        = "job"
	frameResult     = "result"
	frameListening  = "listening"
	frameDisconnect = "disconnect"
	frameExit       = "exit"
	// Servers and passed connections (see the package documentation).
	frameListen   = "listen" // worker: share this address with me
	frameServer   = "server" // primary: the answer to a listen frame
	frameConn     = "conn"   // primary: a connection accepted for a server (rr, sticky)
	frameReady    = "ready"
	frameUnlisten = "unlisten" // worker: my listener for this server closed
)

// ErrFrameTooLarge is returned by Worker.Send and Member.Send for a message whose
// frame would exceed the receiving side's limit (Options.MaxFrame, which the worker
// learns from GOCLUSTER_MAX_FRAME); nothing is sent and the channel stays usable. The
// frame reader reports it too, for a line over the limit from a peer that did not
// check.
var ErrFrameTooLarge = errors.New("frame too large")

// ErrBadFrame wraps every reason a frame could not be understood.
var ErrBadFrame = errors.New("malformed frame")

// frame is one line on the IPC channel. One struct for every kind keeps decoding to a
// single json.Unmarshal; fields a kind does not use stay zero and are omitted.
type frame struct {
	T    string `json:"t"`
	V    int    `json:"v,omitempty"`
	ID   int    `json:"id,omitempty"`
	PID  int    `json:"pid,omitempty"`
	Job  int64  `json:"job,omitempty"`
	Kind string `json:"kind,omitempty"`
	// In and Out are a job's input and result, any JSON value, compact (no newline).
	// A job frame always carries "in" (null for an empty In); a result frame
	// carries "out" when Out is set (see outValue for what a missing one means).
	In  json.RawMessage `json:"in,omitempty"`
	Out json.RawMessage `json:"out,omitempty"`
	Err string          `json:"err,omitempty"`
	// ErrData is a failed result's optional detail, any JSON value.
	ErrData json.RawMessage `json:"err_data,omitempty"`
	Code    int             `json:"code,omitempty"`
	MS      float64         `json:"ms,omitempty"`
	Addr    string          `json:"addr,omitempty"`
	// Servers and descriptors. They come before D so that a msg frame with a
	// handle never starts like the fast-path msg frame.
	Req  int    `json:"req,omitempty"`       // a listen request's number, echoed by its answer
	Srv  int    `json:"srv,omitempty"`       // a server's number in the primary
	Net  string `json:"net,omitempty"`       // a listen request's network: tcp, tcp4, tcp6, unix
	Mode string `json:"mode,omitempty"`      // how a server balances: os, rr, sticky, exclusive
	Excl bool   `json:"exclusive,omitempty"` // a listening frame for the worker's own socket
	FDs  int    `json:"fds,omitempty"`       // descriptors that came with this frame (SCM_RIGHTS)
	H    string `json:"h,omitempty"`         // what a msg's descriptor is: file, conn, listener
	// Kinds are the job kinds a version 2 worker serves, in its hello frame.
	Kinds []KindInfo `json:"kinds,omitempty"`

	D json.RawMessage `json:"d,omitempty"`

	files []*os.File // the descriptors themselves, received or to send
}

// decodeFrame parses one line. Unknown fields are ignored so newer workers can add
// fields; an unknown kind is left to the caller. The frames this package writes
// itself are parsed by hand (see decodeFast); anything else goes through
// encoding/json, which also has the last word on what is malformed.
func decodeFrame(line []byte) (frame, error) {
	if f, ok := decodeFast(line); ok {
		return f, nil
	}
	var f frame
	if err := json.Unmarshal(line, &f); err != nil {
		return f, fmt.Errorf("%w: %v", ErrBadFrame, err)
	}
	if f.T == "" {
		return f, fmt.Errorf("%w: missing \"t\"", ErrBadFrame)
	}
	return f, nil
}

// repeatDecoder decodes one worker's frames like decodeFrame, except that a plain
// message identical to the previous one shares its bytes: a worker that sends the
// same message per request (the lesson's {"cmd":"notifyRequest"}) then costs the
// primary neither a validation nor an allocation per message. Only its reading
// goroutine uses it; the shared bytes are never written to.
type repeatDecoder struct{ last json.RawMessage }

func (d *repeatDecoder) decode(line []byte) (frame, error) {
	if rest, ok := bytes.CutPrefix(line, []byte(msgPrefix)); ok && len(d.last) > 0 &&
		len(rest) == len(d.last)+1 && rest[len(d.last)] == '}' && bytes.Equal(rest[:len(d.last)], d.last) {
		return frame{T: frameMsg, D: d.last}, nil
	}
	f, err := decodeFrame(line)
	if err == nil && f.T == frameMsg && f.FDs == 0 && f.H == "" {
		d.last = f.D
	}
	return f, err
}

// appendFrame appends the frame as one JSON line. The hot kinds (job, result, msg)
// are written without reflection, as encoding/json writes them (byte for byte,
// except that JSON values are copied as they are, not HTML-escaped). Their JSON
// values must be compact: a raw newline would end the frame early, so a value with
// one goes through encoding/json, which compacts it.
func appendFrame(buf []byte, f *frame) ([]byte, error) {
	switch {
	case f.T == frameJob && oneLine(f.In):
		return appendJobFrame(buf, f), nil
	case f.T == frameMsg && f.FDs == 0 && len(f.D) > 0 && oneLine(f.D):
		buf = append(buf, msgPrefix...)
		buf = append(buf, f.D...)
		return append(buf, "}\n"...), nil
	case f.T == frameResult && f.Err == "" && len(f.ErrData) == 0 && plainFloat(f.MS) && oneLine(f.Out):
		return appendResultFrame(buf, f), nil
	case f.T == frameJob && len(f.In) == 0:
		g := *f
		g.In = jsonNull // "in" is always present in a job frame
		return marshalFrame(buf, g)
	}
	return marshalFrame(buf, *f)
}

// jsonNull is the JSON null, the value of an absent input or version 2 result.
var jsonNull = json.RawMessage("null")

func oneLine(v []byte) bool { return bytes.IndexByte(v, '\n') < 0 }

// marshalFrame is the general encoder. It takes the frame by value so that only
// this rare path puts a frame on the heap.
func marshalFrame(buf []byte, f frame) ([]byte, error) {
	b, err := json.Marshal(&f)
	if err != nil {
		return buf, err
	}
	buf = append(buf, b...)
	return append(buf, '\n'), nil
}

// appendJobFrame encodes the hottest frame without reflection: job kinds are
// names checked against ValidKindName (no character needs escaping), and an empty
// input is written as null because a job frame always carries "in".
func appendJobFrame(buf []byte, f *frame) []byte {
	buf = append(buf, jobPrefix...)
	buf = appendInt(buf, f.Job)
	buf = append(buf, `,"kind":"`...)
	buf = append(buf, f.Kind...)
	buf = append(buf, `","in":`...)
	if len(f.In) == 0 {
		buf = append(buf, jsonNull...)
	} else {
		buf = append(buf, f.In...)
	}
	return append(buf, "}\n"...)
}

// appendResultFrame encodes a successful result: {"t":"result","job":7,"out":55,"ms":1.25}.
func appendResultFrame(buf []byte, f *frame) []byte {
	buf = append(buf, resultPrefix...)
	buf = appendInt(buf, f.Job)
	if len(f.Out) > 0 {
		buf = append(buf, `,"out":`...)
		buf = append(buf, f.Out...)
	}
	if f.MS != 0 {
		buf = append(buf, `,"ms":`...)
		buf = strconv.AppendFloat(buf, f.MS, 'f', -1, 64)
	}
	return append(buf, "}\n"...)
}

// plainFloat reports whether encoding/json writes x in plain decimal notation, the
// only one appendResultFrame writes.
func plainFloat(x float64) bool {
	a := math.Abs(x)
	return a == 0 || (a >= 1e-6 && a < 1e21)
}
