// Same cases as web/stats_test.go and web/timeline_test.go.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTimeline, niceStep, place, progressSegments, ticks, pct, MIN_BAR_PERCENT } from '../js/geometry.js';

const near = (a, b) => Math.abs(a - b) < 1e-6;
const T0 = Date.UTC(2025, 2, 14, 9, 26, 53);
const iso = (s) => new Date(T0 + s * 1000).toISOString();

function job(id, worker, start, end) {
  const j = { id, input: 40 + id, state: 'done', worker, pid: 1000 + worker, started_at: iso(start), finished_at: null };
  if (end < 0) j.state = 'running';
  else j.finished_at = iso(end);
  return j;
}

test('progressSegments matches web.ProgressSegments', () => {
  const segs = progressSegments({ total: 8, done: 4, failed: 1, canceled: 1, running: 1, queued: 1 });
  assert.deepEqual(segs.map((s) => [s.name, s.x, s.w]),
    [['done', 0, 50], ['failed', 50, 12.5], ['canceled', 62.5, 12.5], ['running', 75, 12.5]]);
  for (const s of progressSegments({})) assert.deepEqual([s.x, s.w], [0, 0]);
  const over = progressSegments({ total: 2, done: 2, failed: 2, running: -1 });
  assert.ok(over[3].x + over[3].w <= 100 + 1e-9);
});

test('buildTimeline matches web.BuildTimeline', () => {
  const jobs = [job(1, 2, 0, 4), job(2, 1, 1, 3), job(3, 2, 5, 10), job(4, 1, 3, 6), { id: 5, state: 'queued', started_at: null }];
  const tl = buildTimeline('fib', T0, T0 + 10_000, jobs);
  assert.equal(tl.spanMs, 10_000);
  assert.deepEqual(tl.lanes.map((l) => l.worker), [1, 2]);
  assert.equal(tl.lanes[0].pid, 1001);
  const [b2, b4] = tl.lanes[0].bars;
  assert.deepEqual([b2.job, b4.job], [2, 4]);
  assert.ok(near(b2.x, 10) && near(b2.w, 20), `job 2 at ${b2.x} ${b2.w}`);
  assert.equal(b2.label, 'job 2 fib(42): done, 2.0 s');
});

test('running bars end at the end; the axis stretches to the latest bar', () => {
  let tl = buildTimeline('sleep', T0, T0 + 4000, [job(1, 1, 1, -1)]);
  assert.ok(near(tl.lanes[0].bars[0].x, 25) && near(tl.lanes[0].bars[0].w, 75));
  tl = buildTimeline('fib', T0, T0 + 1000, [job(1, 1, 0, 2)]);
  assert.equal(tl.spanMs, 2000);
  assert.ok(near(tl.lanes[0].bars[0].w, 100));
  tl = buildTimeline('fib', T0, T0, []);
  assert.equal(tl.lanes.length, 0);
  assert.equal(tl.spanMs, 1);
});

test('place, niceStep, ticks', () => {
  const p = place(0, 0, 1000);
  assert.ok(near(p.x, 0) && near(p.w, MIN_BAR_PERCENT));
  const q = place(1000, 1000, 1000);
  assert.ok(near(q.x, 100 - MIN_BAR_PERCENT) && near(q.w, MIN_BAR_PERCENT));
  for (const [raw, want] of [[0, 1], [1, 1], [1.5, 2], [3, 5], [7, 10], [200, 200], [2001, 5000], [0.03, 0.05]]) {
    assert.ok(near(niceStep(raw), want), `niceStep(${raw}) = ${niceStep(raw)}`);
  }
  const t = ticks(10_000);
  assert.equal(t.length, 6);
  assert.deepEqual([t[0].label, t[1].label], ['0', '2.0 s']);
  assert.ok(near(t[5].x, 100));
  assert.deepEqual(ticks(0), []);
  assert.equal(pct(12.3456), '12.346%');
});
