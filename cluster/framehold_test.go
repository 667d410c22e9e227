package cluster

import (
	"fmt"
	"testing"
	"time"
)

// TestFrameWriterHoldsStreamedMessages checks the decision itself, on times it is
// given: the first message of a stream goes at once, the next one soon after it is
// held for msgLinger, a message that follows a frame from the peer goes at once, and
// any other frame makes what is held due at once.
func TestFrameWriterHoldsStreamedMessages(t *testing.T) {
	a, _ := socketPair(t)
	fw := newFrameWriter(a, 0)
	defer fw.close()
	t0 := time.Now()
	step := func(what string, mode putMode, at time.Duration, wantHeld bool, wantHold time.Time) {
		t.Helper()
		fw.mu.Lock()
		defer fw.mu.Unlock()
		if held := fw.holds(mode, len(fw.pending), t0.Add(at)); held != wantHeld || !fw.hold.Equal(wantHold) {
			t.Fatalf("%s: held %v until %v, want %v until %v", what, held, fw.hold.Sub(t0), wantHeld, wantHold.Sub(t0))
		}
		fw.pending = append(fw.pending, "x\n"...) // as put appends the frame
	}
	due := t0.Add(50*time.Microsecond + msgLinger)
	step("the first message", putMessage, 0, false, time.Time{})
	fw.pending = fw.pending[:0] // written through
	step("a second one 50µs later", putMessage, 50*time.Microsecond, true, due)
	step("a third", putMessage, 100*time.Microsecond, true, due)
	step("a job result", putQueue, 150*time.Microsecond, false, time.Time{})
	fw.pending = fw.pending[:0]
	step("a message right after", putMessage, 200*time.Microsecond, true, t0.Add(200*time.Microsecond+msgLinger))
	fw.pending = fw.pending[:0]
	fw.hold = time.Time{}
	fw.heardFrame()
	step("a message answering a frame", putMessage, 250*time.Microsecond, false, time.Time{})
	step("a message long after the last", putMessage, 250*time.Microsecond+msgLinger, false, time.Time{})
}

// TestFrameWriterHeldMessagesArrive: messages of a stream that nothing follows are
// written when their hold ends, in order; held ones go at once ahead of a frame
// that may not wait, and at close.
func TestFrameWriterHeldMessagesArrive(t *testing.T) {
	for _, end := range []string{"hold", "send", "close"} {
		t.Run(end, func(t *testing.T) {
			a, b := socketPair(t)
			fw := newFrameWriter(a, 0)
			var want []string
			for i := range 50 { // well inside one msgLinger on any machine, mostly
				s := fmt.Sprint("m", i)
				want = append(want, s)
				if err := fw.sendMessage(msgFrame(t, s)); err != nil {
					t.Fatal(err)
				}
			}
			switch end {
			case "send":
				want = append(want, "last")
				fw.send(msgFrame(t, "last")) // as a job result or a reply would
			case "close":
				fw.close()
			}
			got := readMessages(t, b, len(want))
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("frame %d is %q, want %q", i, got[i], want[i])
				}
			}
			fw.close()
		})
	}
}

// TestRepeatDecoderSharesRepeatedMessages: a message identical to the one before
// it shares its bytes; anything else is decoded as decodeFrame does.
func TestRepeatDecoderSharesRepeatedMessages(t *testing.T) {
	var d repeatDecoder
	decode := func(line string) frame {
		t.Helper()
		f, err := d.decode([]byte(line))
		want, werr := decodeFrame([]byte(line))
		if (err == nil) != (werr == nil) || f.T != want.T || string(f.D) != string(want.D) || f.FDs != want.FDs || f.H != want.H {
			t.Fatalf("%s: decoded %+v (%v), decodeFrame gives %+v (%v)", line, f, err, want, werr)
		}
		return f
	}
	a := decode(`{"t":"msg","d":{"cmd":"notifyRequest"}}`)
	b := decode(`{"t":"msg","d":{"cmd":"notifyRequest"}}`)
	if &a.D[0] != &b.D[0] {
		t.Error("a repeated message was copied")
	}
	decode(`{"t":"msg","d":{"cmd":"notifyRequest"},"fds":1,"h":"conn"}`)
	decode(`{"t":"msg","d":{"cmd":"notifyRequest"}}}`)
	decode(`{"t":"msg","d":{"cmd":"other"}}`)
	decode(`{"t":"result","job":1,"out":2}`)
	c := decode(`{"t":"msg","d":{"cmd":"other"}}`)
	if string(c.D) != `{"cmd":"other"}` {
		t.Errorf("the last message changed: %s", c.D)
	}
}
