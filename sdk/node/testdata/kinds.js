// A worker with one kind per behaviour the SDK tests (and the Go end-to-end tests) check.
const fs = require('node:fs');
const gocluster = require('../gocluster');

gocluster.job('echo', { doc: 'returns its input', example: { any: ['json', 1, null] } }, (v) => v);
gocluster.job('raise', { doc: 'throws a RangeError with its input as the message' }, (v) => { throw new RangeError(v); });
gocluster.job('reject', { doc: 'an async job that rejects' }, async (v) => { throw new Error(`async ${v}`); });
gocluster.job('joberror', { doc: 'throws JobError with err_data' }, (v) => { throw new gocluster.JobError('bad input', { input: v }); });
gocluster.job('big', { doc: 'returns a string of its input\'s length' }, (n) => 'x'.repeat(n));
gocluster.job('bigint', { doc: 'returns a BigInt, which is not JSON' }, () => 1n);
gocluster.job('sleep', { doc: 'sleeps its input in ms, returns it', example: 10 },
  (ms) => new Promise((resolve) => setTimeout(() => resolve(ms), ms)));
gocluster.job('garbage', { doc: 'returns its input; for "garbage" it first writes a line that is not JSON on the IPC fd' }, (v) => {
  if (v === 'garbage') fs.writeSync(Number(process.env.GOCLUSTER_IPC_FD || 3), 'this is not json\n');
  return v;
});
gocluster.onMessage((d) => gocluster.send({ echo: d, pid: process.pid }));
gocluster.run();
