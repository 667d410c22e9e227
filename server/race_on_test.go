//go:build race

package server

// raceEnabled: the race detector multiplies memory (5-10x), so memory bounds are
// checked against the growth over a baseline instead of an absolute figure.
const raceEnabled = true
