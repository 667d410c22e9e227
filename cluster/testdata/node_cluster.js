// Node's own cluster serving hello world on 2 workers, for BenchmarkHTTPBalance to
// compare with: the primary prints the shared port (port 0: one random port for
// all, Node's semantics) and, when its stdin closes, stops the workers and exits.
// The scheduling policy is Node's default on Linux, round-robin.
const cluster = require('node:cluster');
const http = require('node:http');

if (cluster.isPrimary) {
  let printed = false;
  for (let i = 0; i < 2; i++) cluster.fork();
  let listening = 0;
  cluster.on('listening', (_worker, address) => {
    if (++listening === 2 && !printed) {
      printed = true;
      process.stdout.write(`127.0.0.1:${address.port}\n`);
    }
  });
  process.stdin.resume();
  process.stdin.on('end', () => {
    let left = Object.keys(cluster.workers).length;
    if (left === 0) process.exit(0);
    cluster.on('exit', () => { if (--left === 0) process.exit(0); });
    for (const id in cluster.workers) cluster.workers[id].kill();
  });
} else {
  http.createServer((_req, res) => res.end('hello world\n')).listen(0, '127.0.0.1');
}
