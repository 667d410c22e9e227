package cluster

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/gocluster/gocluster/cluster/jobs"
)

// intValues writes integers as JSON numbers, all in one buffer: a million-job list
// then costs one allocation for its inputs, not a million.
func intValues(ns []int64) []json.RawMessage {
	buf := make([]byte, 0, 4*len(ns))
	ends := make([]int, len(ns))
	for i, n := range ns {
		buf = strconv.AppendInt(buf, n, 10)
		ends[i] = len(buf)
	}
	out := make([]json.RawMessage, len(ns))
	start := 0
	for i, end := range ends {
		out[i] = json.RawMessage(buf[start:end:end])
		start = end
	}
	return out
}

// compactInputs checks that each input is one JSON value of at most limit bytes
// once compacted and returns the compact forms, which hold no newline and so fit a
// frame as they are. Inputs already compact are kept as they are (intValues' are);
// the others are compacted into one new buffer.
func compactInputs(inputs []json.RawMessage, limit int) ([]json.RawMessage, error) {
	out := make([]json.RawMessage, len(inputs))
	var buf bytes.Buffer
	type span struct{ i, start, end int }
	var moved []span
	for i, in := range inputs {
		if !json.Valid(in) {
			return nil, fmt.Errorf("input %d is not a JSON value", i+1)
		}
		n := len(in)
		if isCompact(in) {
			out[i] = in
		} else {
			start := buf.Len()
			_ = json.Compact(&buf, in) // valid, so it cannot fail
			n = buf.Len() - start
			moved = append(moved, span{i, start, buf.Len()})
		}
		if n > limit {
			return nil, fmt.Errorf("input %d is %d bytes, more than the limit of %d", i+1, n, limit)
		}
	}
	all := buf.Bytes() // the buffer's final array: slice it only now that it stopped growing
	for _, s := range moved {
		out[s.i] = json.RawMessage(all[s.start:s.end:s.end])
	}
	return out, nil
}

// isCompact reports whether v has no white space outside its strings.
func isCompact(v []byte) bool {
	inString := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case !inString && (c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			return false
		}
	}
	return true
}

// validateInts checks a numeric kind's inputs: JSON integers within its bounds.
func validateInts(k jobs.Kind, inputs []json.RawMessage) error {
	for i, in := range inputs {
		n, err := jobs.IntInput(in)
		if err == nil {
			err = k.Validate(n)
		}
		if err != nil {
			return fmt.Errorf("input %d: %w", i+1, err)
		}
	}
	return nil
}
