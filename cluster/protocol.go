package cluster

import (
	"encoding/json"
	"errors"
	"fmt"
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
)

// ErrFrameTooLarge is returned by the frame reader when a line exceeds the size limit.
var ErrFrameTooLarge = errors.New("frame too large")

// ErrBadFrame wraps every reason a frame could not be understood.
var ErrBadFrame = errors.New("malformed frame")

// frame is one line on the IPC channel. One struct for every kind keeps decoding to a
// single json.Unmarshal; fields a kind does not use stay zero and are omitted.
type frame struct {
	T    string          `json:"t"`
	V    int             `json:"v,omitempty"`
	ID   int             `json:"id,omitempty"`
	PID  int             `json:"pid,omitempty"`
	Job  int64           `json:"job,omitempty"`
	Kind string          `json:"kind,omitempty"`
	In   int64           `json:"in,omitempty"`
	Out  int64           `json:"out,omitempty"`
	Err  string          `json:"err,omitempty"`
	Code int             `json:"code,omitempty"`
	MS   float64         `json:"ms,omitempty"`
	Addr string          `json:"addr,omitempty"`
	D    json.RawMessage `json:"d,omitempty"`
}

// decodeFrame parses one line. Unknown fields are ignored so newer workers can add
// fields; an unknown kind is left to the caller.
func decodeFrame(line []byte) (frame, error) {
	var f frame
	if err := json.Unmarshal(line, &f); err != nil {
		return f, fmt.Errorf("%w: %v", ErrBadFrame, err)
	}
	if f.T == "" {
		return f, fmt.Errorf("%w: missing \"t\"", ErrBadFrame)
	}
	return f, nil
}

// appendFrame appends the frame as one JSON line.
func appendFrame(buf []byte, f *frame) ([]byte, error) {
	if f.T == frameJob {
		return appendJobFrame(buf, f), nil
	}
	b, err := json.Marshal(f)
	if err != nil {
		return buf, err
	}
	buf = append(buf, b...)
	return append(buf, '\n'), nil
}

// appendJobFrame encodes the hottest frame without reflection: job kinds are
// registry names (letters only), so they need no escaping.
func appendJobFrame(buf []byte, f *frame) []byte {
	buf = append(buf, `{"t":"job","job":`...)
	buf = appendInt(buf, f.Job)
	buf = append(buf, `,"kind":"`...)
	buf = append(buf, f.Kind...)
	buf = append(buf, `","in":`...)
	buf = appendInt(buf, f.In)
	return append(buf, "}\n"...)
}
