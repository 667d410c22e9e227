package cluster

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"time"
)

// newRunID names one run of the primary: the start time in unix milliseconds in
// base 36 (8 characters until the year 5188, so ids sort by start time as strings),
// a dash and 4 random hex characters, so two primaries started in the same
// millisecond still differ: "mj3k9x2a-1b2c". Job-list ids and events carry it, so
// nothing of an earlier run is mistaken for this one's after a restart.
func newRunID(start time.Time) string {
	var b [2]byte
	rand.Read(b[:]) // never fails (crypto/rand, Go 1.24+)
	return strconv.FormatInt(start.UnixMilli(), 36) + "-" + hex.EncodeToString(b[:])
}
