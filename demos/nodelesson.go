package demos

// CodeLine is one line of a snippet. Fault, when set, names the fault of the Node
// script the line shows (in the Node code) or fixes (in the Go code), so a page can
// highlight the two side by side.
type CodeLine struct {
	Text  string
	Fault string // "banner", "hang" or ""
}

// Fault is one of the faults of the lesson's fib script, as the Demos page explains
// it beside the highlighted lines.
type Fault struct {
	ID    string // the CodeLine.Fault of its lines
	Title string
	Why   string
}

// FibFaults are the two faults NodeFib replays.
func FibFaults() []Fault {
	return []Fault{
		{ID: "banner", Title: "START is printed by every process",
			Why: "The banner sits above “if (cluster.isMaster)”, and every worker runs the script from the top, " +
				"so it prints once per process. gocluster's main asks for its role first: a worker goes " +
				"straight to its job loop, and only the primary prints the banner."},
		{ID: "hang", Title: "More jobs than CPUs never finish",
			Why: "The loop forks min(numCPUs, collection.length) workers and sends each exactly one job; the " +
				"other jobs are never sent, yet the primary waits until numOfCompelete === collection.length, " +
				"forever. gocluster queues the whole list: a worker that finishes a job takes the next one, and " +
				"WaitBatch returns once every job has ended."},
	}
}

// NodeFibScript is the lesson's fib script, abridged where it only prints, with the
// lines of its faults marked.
func NodeFibScript() []CodeLine {
	return []CodeLine{
		{Text: "console.log('####====START====###');", Fault: "banner"},
		{Text: "const cluster = require('cluster');"},
		{Text: "const numCPUs = require('os').cpus().length;"},
		{Text: "if (cluster.isMaster) {", Fault: "banner"},
		{Text: "  var collection = [44, 42, 42, 43];"},
		{Text: "  for (var i = 0; i < Math.min(numCPUs, collection.length); i++) {", Fault: "hang"},
		{Text: "    var wk = cluster.fork();"},
		{Text: "    wk.send(collection[i]);", Fault: "hang"},
		{Text: "  }"},
		{Text: "  var numOfCompelete = 0"},
		{Text: "  Object.keys(cluster.workers).forEach(function (id) {"},
		{Text: "    cluster.workers[id].on('message', function (msg) {"},
		{Text: "      numOfCompelete++;"},
		{Text: "      if (numOfCompelete === collection.length) {", Fault: "hang"},
		{Text: "        cluster.disconnect();"},
		{Text: "      }"},
		{Text: "    });"},
		{Text: "  });"},
		{Text: "} else {"},
		{Text: "  process.on('message', function (msg) {"},
		{Text: "    process.send(fibo(msg));"},
		{Text: "  });"},
		{Text: "}"},
	}
}

// GoFibFix is the same program with gocluster, the lines that fix the faults marked.
func GoFibFix() []CodeLine {
	return []CodeLine{
		{Text: "func main() {"},
		{Text: "	if cluster.IsWorker() { // the role first: a worker never runs the rest", Fault: "banner"},
		{Text: "		os.Exit(demos.ExitCode(demos.RunWorker(ctx)))", Fault: "banner"},
		{Text: "	}"},
		{Text: "	fmt.Println(\"####====START====###\") // the primary only", Fault: "banner"},
		{Text: "	c, _ := cluster.Start(cluster.Options{Workers: runtime.NumCPU()})"},
		{Text: "	// the whole list is queued; a worker that finishes takes the next job", Fault: "hang"},
		{Text: "	b, _ := c.Submit(\"fib\", []int64{44, 42, 42, 43}, cluster.BatchOptions{})", Fault: "hang"},
		{Text: "	done, _ := c.WaitBatch(ctx, b.ID) // returns when every job has ended", Fault: "hang"},
		{Text: "	fmt.Printf(\"[master] finish all work and using %.0f ms\\n\", done.Summary.WallMS)"},
		{Text: "	c.Disconnect(ctx)"},
		{Text: "}"},
	}
}
