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

// ProtocolVersion is the version a worker states in its hello frame. The primary
// refuses a worker that speaks another version.
const ProtocolVersion = 1

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
	T    string  `json:"t"`
	V    int     `json:"v,omitempty"`
	ID   int     `json:"id,omitempty"`
	PID  int     `json:"pid,omitempty"`
	Job  int64   `json:"job,omitempty"`
	Kind string  `json:"kind,omitempty"`
	In   int64   `json:"in,omitempty"`
	Out  int64   `json:"out,omitempty"`
	Err  string  `json:"err,omitempty"`
	Code int     `json:"code,omitempty"`
	MS   float64 `json:"ms,omitempty"`
	Addr string  `json:"addr,omitempty"`
	// Servers and descriptors. They come before D so that a msg frame with a
	// handle never starts like the fast-path msg frame.
	Req  int    `json:"req,omitempty"`       // a listen request's number, echoed by its answer
	Srv  int    `json:"srv,omitempty"`       // a server's number in the primary
	Net  string `json:"net,omitempty"`       // a listen request's network: tcp, tcp4, tcp6, unix
	Mode string `json:"mode,omitempty"`      // how a server balances: os, rr, sticky, exclusive
	Excl bool   `json:"exclusive,omitempty"` // a listening frame for the worker's own socket
	FDs  int    `json:"fds,omitempty"`       // descriptors that came with this frame (SCM_RIGHTS)
	H    string `json:"h,omitempty"`         // what a msg's descriptor is: file, conn, listener

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

// appendFrame appends the frame as one JSON line. The hot kinds (job, result, msg)
// are written without reflection, byte for byte as encoding/json writes them.
func appendFrame(buf []byte, f *frame) ([]byte, error) {
	switch {
	case f.T == frameJob:
		return appendJobFrame(buf, f), nil
	case f.T == frameMsg && f.FDs == 0 && len(f.D) > 0 && bytes.IndexByte(f.D, '\n') < 0:
		buf = append(buf, msgPrefix...)
		buf = append(buf, f.D...)
		return append(buf, "}\n"...), nil
	case f.T == frameResult && f.Err == "" && plainFloat(f.MS):
		return appendResultFrame(buf, f), nil
	}
	return marshalFrame(buf, *f)
}

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
// registry names (letters only), so they need no escaping.
func appendJobFrame(buf []byte, f *frame) []byte {
	buf = append(buf, jobPrefix...)
	buf = appendInt(buf, f.Job)
	buf = append(buf, `,"kind":"`...)
	buf = append(buf, f.Kind...)
	buf = append(buf, `","in":`...)
	buf = appendInt(buf, f.In)
	return append(buf, "}\n"...)
}

// appendResultFrame encodes a successful result: {"t":"result","job":7,"out":55,"ms":1.25}.
func appendResultFrame(buf []byte, f *frame) []byte {
	buf = append(buf, resultPrefix...)
	buf = appendInt(buf, f.Job)
	if f.Out != 0 {
		buf = append(buf, `,"out":`...)
		buf = appendInt(buf, f.Out)
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
