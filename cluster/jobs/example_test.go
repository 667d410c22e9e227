package jobs_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/gocluster/gocluster/cluster/jobs"
)

// The primary parses what a person typed, looks the kind up and validates before it
// queues; a worker runs each input.
func Example() {
	inputs, err := jobs.ParseInputs("44 42 42 43", jobs.DefaultMaxInputs)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(inputs)

	fib, err := jobs.Builtin().Lookup("fib")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(fib.ValidateAll(inputs))

	n, err := fib.Run(context.Background(), 10)
	fmt.Println(n, err)
	// Output:
	// [44 42 42 43]
	// <nil>
	// 55 <nil>
}

func ExampleKind_Validate() {
	fib, _ := jobs.Builtin().Lookup("fib")
	fmt.Println(fib.Validate(51))
	// Output: fib input 51 is out of range: must be between 0 and 50
}

func ExampleParseInputs_errors() {
	_, err := jobs.ParseInputs("44 42 4x2 43", jobs.DefaultMaxInputs)
	fmt.Println(err)
	_, err = jobs.ParseInputs(" \n ", jobs.DefaultMaxInputs)
	fmt.Println(err)
	_, err = jobs.ParseInputs("1 2 3", 2)
	fmt.Println(err)
	// Output:
	// input 3 "4x2" is not an integer
	// no inputs given
	// too many inputs: 3 > 2
}

func ExampleRegistry_Lookup() {
	reg := jobs.Builtin()
	_, err := reg.Lookup("fibonacci")
	fmt.Println(err)
	for _, k := range reg.Kinds() {
		fmt.Printf("%s %d..%d %s\n", k.Name, k.Min, k.Max, k.Unit)
	}
	// Output:
	// unknown job kind "fibonacci" (known: crash, fib, primes, sleep)
	// crash 1..255 exit code
	// fib 0..50 n
	// primes 0..50000000 n
	// sleep 0..600000 ms
}

// The worker runtime, not package jobs, ends the process for a crash job.
func ExampleCrashError() {
	crash, _ := jobs.Builtin().Lookup("crash")
	_, err := crash.Run(context.Background(), 3)
	var ce *jobs.CrashError
	if errors.As(err, &ce) {
		fmt.Println("worker would exit with code", ce.Code) // os.Exit(ce.Code) in the worker
	}
	// Output: worker would exit with code 3
}
