package cluster

import (
	"encoding/json"
	"fmt"
	"os"
)

// HandleMessage is a message that came with a handle (Node's sendHandle): an
// *os.File, a net.Conn or a net.Listener, whichever the sender passed. The
// receiver owns Handle and must close it (or pass it on).
type HandleMessage struct {
	Data   json.RawMessage
	Handle any
}

// handleFrame builds a msg frame carrying a copy of h's descriptor; the caller's
// own h stays open and is still the caller's to close.
func handleFrame(data []byte, h []any) (*frame, error) {
	f := &frame{T: frameMsg, D: data}
	switch len(h) {
	case 0:
		return f, nil
	case 1:
	default:
		return nil, fmt.Errorf("%w: one handle per message, not %d", ErrInvalid, len(h))
	}
	file, kind, err := dupFile(h[0])
	if err != nil {
		return nil, err
	}
	f.H, f.files = kind, []*os.File{file}
	return f, nil
}

// sendMsg sends a msg frame, through the descriptor path when it has a handle.
func sendMsg(fw *frameWriter, f *frame) error {
	if len(f.files) == 0 {
		return fw.sendMessage(f)
	}
	if err := fw.sendFiles(f); err != nil {
		closeFiles(f.files)
		return err
	}
	return nil
}

// receivedHandle wraps a msg frame's descriptor as the handle its "h" names.
func receivedHandle(f *frame) (any, error) {
	if len(f.files) != 1 {
		closeFiles(f.files)
		return nil, fmt.Errorf("%w: a message carries %d descriptors, want 1", ErrProtocol, len(f.files))
	}
	h, err := wrapHandle(f.files[0], f.H)
	if err != nil {
		return nil, fmt.Errorf("passed %s: %w", f.H, err)
	}
	return h, nil
}

// closeHandle closes a handle nobody took.
func closeHandle(h any) {
	if c, ok := h.(interface{ Close() error }); ok {
		c.Close()
	}
}
