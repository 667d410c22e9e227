package cluster

import (
	"fmt"
	"io"
	"os"
	"testing"
)

// TestDescriptorsTravelWithTheirFrames: a stream of frames, every seventh carrying a
// pipe whose content names the frame, written in bursts through the small send
// buffer of socketPair; the reader finds each frame's descriptor at the head of its
// queue, and the pipe says which frame it belonged to.
func TestDescriptorsTravelWithTheirFrames(t *testing.T) {
	a, b := socketPair(t)
	fw := newFrameWriter(a, 0)
	defer fw.close()
	const n = 700
	go func() {
		for i := 1; i <= n; i++ {
			f := &frame{T: frameMsg, D: []byte(fmt.Sprint(i))}
			if i%7 == 0 {
				r, w, err := os.Pipe()
				if err != nil {
					panic(err)
				}
				fmt.Fprint(w, i)
				w.Close()
				f.files = []*os.File{r}
				if err := fw.sendFiles(f); err != nil {
					panic(err)
				}
				continue
			}
			fw.send(f)
		}
	}()
	fdr := newFDReader(b)
	defer fdr.close()
	fr := newFrameReader(fdr, 0)
	for i := 1; i <= n; i++ {
		line, err := fr.next()
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		f, err := decodeFrame(line)
		if err != nil || string(f.D) != fmt.Sprint(i) {
			t.Fatalf("frame %d: %s, %v", i, line, err)
		}
		if (f.FDs == 1) != (i%7 == 0) {
			t.Fatalf("frame %d announces %d descriptors", i, f.FDs)
		}
		if f.FDs == 0 {
			continue
		}
		files, err := fdr.take(f.FDs)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		got, _ := io.ReadAll(files[0])
		files[0].Close()
		if string(got) != fmt.Sprint(i) {
			t.Fatalf("frame %d came with the pipe of frame %s", i, got)
		}
	}
	if len(fdr.fds) != 0 {
		t.Fatalf("%d descriptors left over", len(fdr.fds))
	}
}

// TestTakeRefusesMissingDescriptors: a frame that announces descriptors that did
// not come is a protocol error, not a hang or a stolen descriptor.
func TestTakeRefusesMissingDescriptors(t *testing.T) {
	_, b := socketPair(t)
	if _, err := newFDReader(b).take(1); err == nil {
		t.Fatal("take(1) with none queued succeeded")
	}
}
