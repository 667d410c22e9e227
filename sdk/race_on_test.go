//go:build race

package sdk_test

// raceEnabled builds the gocluster binary under test with -race too, so these tests
// also check the primary's code for data races.
const raceEnabled = true
