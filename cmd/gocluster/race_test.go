//go:build race

package main

// raceEnabled builds the binary under test with -race too, so the tests that run it
// as a real process also check the primary's code for data races.
const raceEnabled = true
