import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEvent, applyPool, applySnapshot, countWorkers, createState, reapDead, DEAD_LINGER_MS } from '../js/state.js';

const T = '2025-03-14T09:26:53Z';

function snapshot() {
  return {
    type: 'snapshot', seq: 10,
    pool: {
      size: 2, degraded: false, restarts: 0, jobs_done: 3, last_seq: 10, queue: { pending: 0, running: 0 },
      workers: [
        { id: 1, pid: 101, state: 'idle', started_at: T, jobs_done: 3, restarts: 0, current_job: null, rss_bytes: 1, cpu_percent: 0 },
        { id: 2, pid: 102, state: 'idle', started_at: T, jobs_done: 0, restarts: 0, current_job: null, rss_bytes: 1, cpu_percent: 0 },
      ],
    },
    batches: [{ id: 'old', kind: 'fib', state: 'done', created_at: T, summary: { total: 3, done: 3 } }],
  };
}

test('snapshot then a small list: per-job events drive workers, counts and jobs/s', () => {
  const s = createState();
  applySnapshot(s, snapshot());
  assert.equal(s.ready, true);
  assert.equal(s.workers.size, 2);
  let seq = 10;
  const ev = (e) => applyEvent(s, { seq: ++seq, time: T, ...e }, 5000);
  ev({ type: 'batch.created', batch: 'b1', kind: 'fib', summary: { total: 2, queued: 2 } });
  assert.equal(s.batches[0].id, 'b1');
  assert.equal(s.pool.queue.pending, 2);
  ev({ type: 'job.started', batch: 'b1', job: 1, input: 42, worker: 1, pid: 101, attempts: 1 });
  assert.equal(s.workers.get(1).state, 'busy');
  assert.deepEqual(s.workers.get(1).current_job, { batch: 'b1', job: 1, kind: 'fib', input: 42 });
  assert.deepEqual([s.batches[0].summary.queued, s.batches[0].summary.running], [1, 1]);
  assert.deepEqual(countWorkers(s.workers.values()), { online: 2, busy: 1, idle: 1, starting: 0 });
  const r = ev({ type: 'job.done', batch: 'b1', job: 1, input: 42, worker: 1, result: 267914296, duration_ms: 5 });
  assert.equal(r.finished, 1);
  assert.ok(r.dirty.has('workers') && r.dirty.has('batches') && r.dirty.has('pool'));
  assert.equal(s.workers.get(1).state, 'idle');
  assert.equal(s.workers.get(1).jobs_done, 4);
  assert.equal(s.workers.get(1).current_job, null);
  assert.equal(s.batches[0].summary.done, 1);
  // A progress summary then takes over; it does not count job 1 again.
  const p = ev({ type: 'batch.progress', batch: 'b1', summary: { total: 2, done: 1, running: 1 } });
  assert.equal(p.finished, 0);
  const d = ev({ type: 'batch.done', batch: 'b1', state: 'done', summary: { total: 2, done: 2, wall_ms: 9 } });
  assert.equal(d.finished, 1);
  assert.equal(s.batches[0].state, 'done');
  assert.equal(s.seq, seq);
});

test('worker lifecycle: fork, online, exit, linger, reap', () => {
  const s = createState();
  applySnapshot(s, snapshot());
  applyEvent(s, { seq: 11, type: 'worker.exit', worker: 2, pid: 102, signal: 'SIGKILL', restarting: true }, 1000);
  assert.equal(s.workers.get(2).state, 'dead');
  assert.equal(s.pool.restarts, 1);
  applyEvent(s, { seq: 12, type: 'worker.fork', worker: 3, pid: 103, slot: 2, restarts: 1, time: T }, 1000);
  assert.equal(s.workers.get(3).state, 'starting');
  applyEvent(s, { seq: 13, type: 'worker.online', worker: 3, pid: 103 }, 1000);
  assert.equal(s.workers.get(3).state, 'idle');
  assert.equal(reapDead(s, 1000 + DEAD_LINGER_MS - 1), false);
  assert.equal(reapDead(s, 1000 + DEAD_LINGER_MS), true);
  assert.ok(!s.workers.has(2));
  applyEvent(s, { seq: 14, type: 'worker.disconnect', worker: 3 }, 1000);
  assert.equal(s.workers.get(3).state, 'stopping');
});

test('a stale poll only refreshes metrics; a fresh one replaces the workers', () => {
  const s = createState();
  applySnapshot(s, snapshot());
  applyEvent(s, { seq: 11, type: 'worker.fork', worker: 3, pid: 103, time: T });
  applyEvent(s, { seq: 12, type: 'pool.scale', size: 3 });
  applyPool(s, { ...snapshot().pool, last_seq: 10, workers: [{ id: 1, pid: 101, state: 'idle', rss_bytes: 999, cpu_percent: 50, jobs_done: 3 }] });
  assert.ok(s.workers.has(2) && s.workers.has(3), 'stale poll removed workers');
  assert.equal(s.workers.get(1).rss_bytes, 999);
  assert.equal(s.pool.size, 3, 'stale poll set the size back');
  applyPool(s, { ...snapshot().pool, last_seq: 12, workers: [{ id: 3, pid: 103, state: 'idle' }] });
  assert.deepEqual([...s.workers.keys()], [3]);
});

test('a poll of another run changes nothing; its snapshot replaces everything', () => {
  const s = createState();
  applySnapshot(s, { ...snapshot(), run: 'r1' });
  assert.equal(s.run, 'r1');
  applyPool(s, { run: 'r2', size: 9, last_seq: 99, workers: [], queue: { pending: 0, running: 0 } });
  assert.equal(s.pool.size, 2);
  assert.equal(s.workers.size, 2);
  applySnapshot(s, { type: 'snapshot', run: 'r2', seq: 1, pool: { size: 1, last_seq: 1, workers: [] }, batches: [] });
  assert.equal(s.run, 'r2');
  assert.equal(s.seq, 1);
  assert.equal(s.pool.size, 1);
  assert.equal(s.batches.length, 0);
});

test('pool events', () => {
  const s = createState();
  applySnapshot(s, snapshot());
  applyEvent(s, { seq: 11, type: 'pool.scale', size: 6 });
  assert.equal(s.pool.size, 6);
  applyEvent(s, { seq: 12, type: 'pool.degraded', slot: 2, error: 'exec format error' });
  assert.equal(s.pool.degraded, true);
  assert.equal(s.pool.degradedError, 'slot 2: exec format error');
  applyEvent(s, { seq: 13, type: 'pool.degraded', slot: 3, error: 'slot 3 crashed 5 times within 1m0s' });
  assert.equal(s.pool.degradedError, 'slot 3 crashed 5 times within 1m0s');
  applyEvent(s, { seq: 14, type: 'pool.recovered', slot: 3, worker: 9 });
  assert.deepEqual([s.pool.degraded, s.pool.degradedError], [false, '']);
});

test('a snapshot of a degraded pool carries its reason', () => {
  const s = createState();
  const snap = snapshot();
  snap.pool = { ...snap.pool, degraded: true, degraded_reason: 'slot 1 crashed 5 times within 1m0s: not restarting it' };
  applySnapshot(s, snap);
  assert.equal(s.pool.degraded, true);
  assert.equal(s.pool.degradedError, 'slot 1 crashed 5 times within 1m0s: not restarting it');
  applyPool(s, { ...snapshot().pool, last_seq: 11 });
  assert.deepEqual([s.pool.degraded, s.pool.degradedError], [false, '']);
});
