// Package demos replays the classic examples of Node's cluster module with real
// worker processes, each as a transcript written to an io.Writer, so the command line
// (gocluster demo fib|http|restart) and the web panel can run the same code.
//
// Every demo has two sides. The primary side (Fib, HTTP, Restart) starts a pool with
// the cluster package and prints what the Node example printed; it sets EnvDemo in the
// workers' environment so that the worker side, RunWorker, knows which example it
// plays. A program that runs demos must therefore call RunWorker first thing when
// cluster.IsWorker reports true:
//
//	if cluster.IsWorker() {
//		os.Exit(demos.ExitCode(demos.RunWorker(ctx)))
//	}
//
// Worker lines come from the worker processes themselves: they print to their own
// stdout, which the cluster copies into the transcript prefixed "[worker N] ", just
// like the Node lesson's console.log(`[worker ${cluster.worker.id}] ...`).
//
// The demos fix, and point out, the two bugs of the lesson's fib example: its START
// banner printed once per process, and its wait for results that were never asked for
// when there are fewer workers than jobs. NodeFib (FibOptions.NodeBehaviour) replays
// both instead, safely: the endless wait is cut after a stall timeout and explained.
//
// Runner runs the demos of a web panel beside its live pool (the fib list on the
// pool, the restart demo's killer, the http demo and the Node replay on small pools of
// their own), one of each at a time, until Close; the server only adapts it to HTTP.
package demos
