import { test } from 'node:test';
import assert from 'node:assert/strict';
import { category, describe, entry } from '../js/eventlog.js';

const kindOf = () => 'fib';

test('the sentences a learner reads', () => {
  const cases = [
    [{ type: 'worker.fork', worker: 3 }, '[primary] fork worker 3'],
    [{ type: 'worker.fork', worker: 5, restarts: 2 }, '[primary] fork worker 5 (restart #2)'],
    [{ type: 'worker.online', worker: 3, pid: 4121 }, 'worker 3 (pid 4121) online'],
    [{ type: 'worker.listening', worker: 3, pid: 4121, addr: '127.0.0.1:8000' }, 'worker 3 (pid 4121) listening on 127.0.0.1:8000'],
    [{ type: 'worker.message', worker: 3, message: { hello: 1 } }, 'worker 3 says {"hello":1}'],
    [{ type: 'worker.disconnect', worker: 3, pid: 4121 }, 'worker 3 (pid 4121) disconnected'],
    [{ type: 'worker.exit', worker: 3, pid: 4121, signal: 'SIGKILL', restarting: true }, 'worker 3 (pid 4121) died (SIGKILL), restarting...'],
    [{ type: 'worker.exit', worker: 3, pid: 4121, code: 1, restarting: true }, 'worker 3 (pid 4121) died (code 1), restarting...'],
    [{ type: 'worker.exit', worker: 3, pid: 4121, code: 0, intentional: true }, 'worker 3 exited (code 0) after disconnect'],
    [{ type: 'worker.exit', worker: 3, code: 2 }, 'worker 3 died (code 2)'],
    [{ type: 'worker.error', worker: 3, error: 'boom' }, 'worker 3 error: boom'],
    [{ type: 'pool.scale', size: 4 }, '[primary] pool size set to 4'],
    [{ type: 'pool.degraded', slot: 2, error: 'crash loop' }, '[primary] pool degraded (slot 2): crash loop'],
    [{ type: 'pool.recovered', slot: 2, worker: 7 }, '[primary] slot 2 recovered: worker 7 stayed up'],
    [{ type: 'pool.restart', state: 'failed', error: 'slot 1: timed out' }, '[primary] rolling restart failed: slot 1: timed out'],
    [{ type: 'pool.restart', state: 'done' }, '[primary] rolling restart done'],
    [{ type: 'batch.created', batch: 'b1', kind: 'fib', summary: { total: 4 } }, '[primary] new job list b1: 4 × fib'],
    [{ type: 'job.started', batch: 'b1', job: 7, input: 42, worker: 2, pid: 9, attempts: 2 }, 'job 7 fib(42) started on worker 2 (pid 9) (attempt 2)'],
    [{ type: 'job.done', batch: 'b1', job: 7, input: 42, worker: 2, result: 267914296, duration_ms: 1234.4 }, 'job 7 fib(42) = 267914296 on worker 2 in 1234 ms'],
    [{ type: 'job.done', batch: 'b1', job: 8, input: 0, worker: 2, result: 0, duration_ms: 1 }, 'job 8 fib(0) = 0 on worker 2 in 1.0 ms'],
    [{ type: 'job.done', batch: 'b1', job: 9, input: 22, worker: 2, result: 17711, duration_ms: 0.123 }, 'job 9 fib(22) = 17711 on worker 2 in 0.1 ms'],
    [{ type: 'job.done', batch: 'b1', job: 10, input: 1, worker: 2, result: 1, duration_ms: 0 }, 'job 10 fib(1) = 1 on worker 2 in 0 ms'],
    [{ type: 'job.failed', batch: 'b1', job: 7, input: 42, worker: 2, error: 'worker died' }, 'job 7 fib(42) failed on worker 2: worker died'],
    [{ type: 'batch.progress', batch: 'b1', summary: { total: 100, done: 12 } }, 'job list b1: 12/100 done, 0 failed'],
    [{ type: 'batch.done', batch: 'b1', state: 'done', summary: { done: 4, wall_ms: 3200, parallelism: 3.8 } },
      'job list b1 done in 3.2 s: 4 done, 0 failed, 0 canceled (parallelism 3.80×)'],
    [{ type: 'something.new' }, 'something.new'],
  ];
  for (const [ev, want] of cases) assert.equal(describe(ev, kindOf), want);
});

test('categories and entries', () => {
  assert.equal(category('worker.exit'), 'workers');
  assert.equal(category('pool.scale'), 'pool');
  assert.equal(category('job.done'), 'jobs');
  assert.equal(category('batch.done'), 'jobs');
  const e = entry({ seq: 4, time: 'T', type: 'pool.scale', size: 2 });
  assert.deepEqual(e, { seq: 4, type: 'pool.scale', category: 'pool', time: 'T', text: '[primary] pool size set to 2' });
});
