package demos_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/demos"
)

// A program that runs demos starts like this: a worker plays its part and exits
// before the primary's code (here, a banner) could run a second time.
func ExampleRunWorker() {
	if cluster.IsWorker() {
		os.Exit(demos.ExitCode(demos.RunWorker(context.Background())))
	}
	fmt.Println("only the primary gets here")
	// Output: only the primary gets here
}

// The lesson's fib demo with more jobs than workers, which the Node original never
// finishes. Timings and which worker takes which job vary from run to run, so this
// prints the banner and the results the primary received, sorted.
func ExampleFib() {
	var out strings.Builder
	err := demos.Fib(context.Background(), &out, demos.FibOptions{Workers: 2, Inputs: []int64{20, 21, 22, 23}})
	if err != nil {
		fmt.Println(err)
		return
	}
	lines := strings.Split(out.String(), "\n")
	fmt.Println(lines[0])
	re := regexp.MustCompile(`^\[master\] receive message from \[worker \d+\]: (\d+)$`)
	var results []int
	for _, l := range lines {
		if m := re.FindStringSubmatch(l); m != nil {
			n, _ := strconv.Atoi(m[1])
			results = append(results, n)
		}
	}
	slices.Sort(results)
	fmt.Println(results)
	// Output:
	// ####====START====###
	// [6765 10946 17711 28657]
}

// The request counter on a free port for a few seconds: the transcript says where to
// send requests and prints numReqs with each worker's share every second.
func ExampleHTTP() {
	err := demos.HTTP(context.Background(), os.Stdout, demos.HTTPOptions{
		Workers: 2, Addr: "127.0.0.1:0", Duration: 3 * time.Second,
	})
	if err != nil {
		fmt.Println(err)
	}
}

// Workers dying at random for five seconds, each reported as the lesson's exit
// handler does ("worker 4121 died (SIGKILL). restarting..."), then a crash loop.
func ExampleRestart() {
	err := demos.Restart(context.Background(), os.Stdout, demos.RestartOptions{Workers: 2, Duration: 5 * time.Second})
	if err != nil {
		fmt.Println(err)
	}
}
