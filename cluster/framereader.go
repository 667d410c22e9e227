package cluster

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
)

func appendInt(buf []byte, n int64) []byte { return strconv.AppendInt(buf, n, 10) }

// frameReader splits a stream into newline-terminated frames of at most max bytes.
type frameReader struct {
	r   *bufio.Reader
	max int
	big []byte // reassembles frames longer than the bufio buffer
}

func newFrameReader(r io.Reader, max int) *frameReader {
	if max <= 0 {
		max = DefaultMaxFrame
	}
	size := 64 << 10
	if max < size {
		size = max + 1
		if size < 16 {
			size = 16
		}
	}
	return &frameReader{r: bufio.NewReaderSize(r, size), max: max}
}

// next returns the next frame's bytes without the newline. The slice is valid until
// the next call. A frame longer than max is an error: the stream is then unusable.
func (fr *frameReader) next() ([]byte, error) {
	line, err := fr.r.ReadSlice('\n')
	if err == nil {
		return fr.check(line[:len(line)-1])
	}
	if err != bufio.ErrBufferFull {
		if err == io.EOF && len(line) > 0 {
			return nil, io.ErrUnexpectedEOF
		}
		return nil, err
	}
	fr.big = append(fr.big[:0], line...)
	for {
		if len(fr.big) > fr.max {
			return nil, fmt.Errorf("%w: more than %d bytes", ErrFrameTooLarge, fr.max)
		}
		line, err = fr.r.ReadSlice('\n')
		fr.big = append(fr.big, line...)
		switch err {
		case nil:
			return fr.check(fr.big[:len(fr.big)-1])
		case bufio.ErrBufferFull:
			continue
		case io.EOF:
			return nil, io.ErrUnexpectedEOF
		default:
			return nil, err
		}
	}
}

func (fr *frameReader) check(line []byte) ([]byte, error) {
	if len(line) > fr.max {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrFrameTooLarge, len(line), fr.max)
	}
	return line, nil
}

// buffered reports whether another frame may be read without blocking, so callers
// can hand frames on in batches.
func (fr *frameReader) buffered() bool { return fr.r.Buffered() > 0 }
