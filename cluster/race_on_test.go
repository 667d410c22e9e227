//go:build race

package cluster_test

// raceEnabled: the race detector multiplies memory and time, so memory checks skip.
const raceEnabled = true
