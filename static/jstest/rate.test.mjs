import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompletionCounter, RateMeter } from '../js/rate.js';

test('RateMeter counts over a sliding window', () => {
  const m = new RateMeter(5000);
  assert.equal(m.rate(0), null);
  m.add(2, 1000);
  assert.equal(m.rate(1000), 2); // at least one second observed
  m.add(8, 3000);
  assert.equal(m.rate(3000), 5); // 10 jobs over 2 s
  assert.equal(m.rate(7000), 8 / 5); // the first sample left the window
  assert.equal(m.rate(20_000), 0);
});

test('CompletionCounter never counts a job twice', () => {
  const c = new CompletionCounter();
  c.baseline('b', { done: 0, failed: 0 });
  assert.equal(c.job('b', 1), 1);
  assert.equal(c.job('b', 1), 0); // same job again
  assert.equal(c.summary('b', { done: 1 }), 0); // the summary that includes job 1
  assert.equal(c.summary('b', { done: 5, failed: 1 }), 5); // coalesced progress
  assert.equal(c.job('b', 2), 0); // already in the summary
  assert.equal(c.summary('b', { done: 3 }), 0); // an older summary never goes back
  assert.equal(c.job('unknown', 1), 0);
  assert.equal(c.summary('late', { done: 40 }), 0); // first sight: baseline only
  assert.equal(c.summary('late', { done: 42 }), 2);
});

test('CompletionCounter counts jobs after a baseline', () => {
  const c = new CompletionCounter();
  c.baseline('b', { done: 5 });
  assert.equal(c.job('b', 6), 1);
  assert.equal(c.job('b', 7), 1);
  assert.equal(c.summary('b', { done: 7 }), 0);
});
