package demos

// Info describes one demo for a menu such as the panel's Demos page: what it shows,
// the Node code it replays beside the same thing in Go, and the command that runs it.
type Info struct {
	ID          string // "fib", "http" or "restart"
	Title       string
	Shows       string
	NodeSnippet string
	GoSnippet   string
	Command     string // the command line that runs it in a terminal
}

// Catalog lists the demos in the order a lesson takes them.
func Catalog() []Info {
	return []Info{
		{
			ID:    "fib",
			Title: "Fork workers and hand out jobs",
			Shows: "The lesson's fib(44 42 42 43) demo: workers report what they receive and how long it took, " +
				"the primary collects the results. The START banner prints once, and more jobs than workers still finish.",
			NodeSnippet: `if (cluster.isMaster) {
  for (var i = 0; i < Math.min(numCPUs, collection.length); i++) {
    var wk = cluster.fork();
    wk.send(collection[i]);
  }
} else {
  process.on('message', function (msg) {
    process.send(fibo(msg));
  });
}`,
			GoSnippet: `if cluster.IsWorker() {
	return cluster.RunWorker(ctx, nil) // serves jobs
}
c, _ := cluster.Start(cluster.Options{})
b, _ := c.Submit("fib", []int64{44, 42, 42, 43}, cluster.BatchOptions{})
done, _ := c.WaitBatch(ctx, b.ID)
c.Disconnect(ctx)`,
			Command: "gocluster demo fib",
		},
		{
			ID:    "http",
			Title: "Workers share one port",
			Shows: "The lesson's request counter: every worker serves the same port and sends notifyRequest " +
				"per request; the primary prints numReqs every second with each worker's share.",
			NodeSnippet: `if (cluster.isMaster) {
  cluster.workers[id].on('message', messageHandler);
} else {
  http.Server((req, res) => {
    res.end('hello world\n');
    process.send({ cmd: 'notifyRequest' });
  }).listen(8000);
}`,
			GoSnippet: `c, _ := cluster.Start(cluster.Options{Listen: "127.0.0.1:8000",
	QuietMessages: true, OnMessage: messageHandler})
// in the worker:
ln, _ := cluster.Listen("tcp", ":8000")
m, _ := cluster.Join()
http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	io.WriteString(w, "hello world\n")
	m.Send(map[string]string{"cmd": "notifyRequest"})
}))`,
			Command: "gocluster demo http",
		},
		{
			ID:    "restart",
			Title: "Restart workers that die",
			Shows: "Workers exit with random codes or are killed; each death is printed the lesson's way and the " +
				"pool replaces it. Then a crash loop shows backoff and the guard that stops restarting.",
			NodeSnippet: `cluster.on('exit', (worker, code, signal) => {
  console.log('worker %d died (%s). restarting...',
              worker.process.pid, signal || code);
  cluster.fork();
});`,
			GoSnippet: `sub := c.Subscribe(0) // the pool restarts workers by itself
for ev := range sub.C {
	if ev.Type == cluster.EventExit && !*ev.Intentional {
		fmt.Printf("worker %d died (%s). restarting...\n", ev.PID, reason(ev))
	}
}`,
			Command: "gocluster demo restart",
		},
	}
}
