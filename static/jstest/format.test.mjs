// Same cases as web/format_test.go, so Go and the browser write the same text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  humanMs, uptime, humanBytes, percent, speedup, rate, stateClass, jobLabel, parseTime, progressLabel, plural,
  httpDemoText,
} from '../js/format.js';

test('humanMs matches web.HumanMS', () => {
  const cases = [[0, '0 ms'], [-5, '0 ms'], [NaN, '0 ms'], [0.4, '0.4 ms'], [0.001, '< 0.1 ms'], [9.94, '9.9 ms'], [9.96, '10 ms'], [849.6, '850 ms'], [1000, '1.0 s'],
    [1234, '1.2 s'], [59_900, '59.9 s'], [60_000, '1 min 0 s'], [184_000, '3 min 4 s'],
    [3_600_000, '1 h 0 min'], [7_500_000, '2 h 5 min']];
  for (const [ms, want] of cases) assert.equal(humanMs(ms), want, `humanMs(${ms})`);
});

test('uptime matches web.Uptime', () => {
  const now = 1_000_000_000;
  const cases = [[0, '0 s'], [-1000, '0 s'], [45_900, '45 s'], [184_000, '3 min 4 s'],
    [7_500_000, '2 h 5 min'], [76 * 3600_000, '3 d 4 h']];
  for (const [ago, want] of cases) assert.equal(uptime(now - ago, now), want, `uptime(-${ago})`);
  assert.equal(uptime(0, now), '–');
  assert.equal(uptime(NaN, now), '–');
});

test('humanBytes matches web.HumanBytes', () => {
  const cases = [[0, '–'], [-1, '–'], [512, '512 B'], [1536, '1.5 KiB'], [12_900_000, '12.3 MiB'], [3 * 2 ** 30, '3.0 GiB']];
  for (const [n, want] of cases) assert.equal(humanBytes(n), want);
});

test('percent, speedup, rate', () => {
  assert.equal(percent(12.345), '12.3%');
  assert.equal(percent(undefined), '0.0%');
  assert.equal(speedup(0), '–');
  assert.equal(speedup(Infinity), '–');
  assert.equal(speedup(3.8), '3.80×');
  assert.equal(rate(null), '–');
  assert.equal(rate(2.25), '2.3');
  assert.equal(rate(1234.4), '1234');
});

test('stateClass only allows known states', () => {
  assert.equal(stateClass('busy'), 'state-busy');
  assert.equal(stateClass('canceled'), 'state-canceled');
  assert.equal(stateClass('x y'), 'state-unknown');
  assert.equal(stateClass(undefined), 'state-unknown');
});

test('labels and times', () => {
  assert.equal(jobLabel('fib', 42), 'fib(42)');
  assert.equal(jobLabel('', 42), 'job(42)');
  assert.equal(parseTime('0001-01-01T00:00:00Z'), 0);
  assert.equal(parseTime(null), 0);
  assert.equal(parseTime('2025-01-01T00:00:01Z'), Date.UTC(2025, 0, 1, 0, 0, 1));
  assert.equal(progressLabel({ total: 4, done: 3, failed: 1 }), '3 of 4 done, 1 failed, 0 canceled, 0 running, 0 queued');
  assert.equal(plural(1, 'job'), '1 job');
  assert.equal(plural(2, 'job'), '2 jobs');
});

test('httpDemoText matches web.HTTPDemoStatusText', () => {
  const url = 'http://127.0.0.1:41234/';
  assert.equal(httpDemoText(null), 'Not running.');
  assert.equal(httpDemoText({ running: false, workers: [], total: 0 }), 'Not running.');
  assert.equal(httpDemoText({ running: true, addr: '127.0.0.1:41234', url, seconds_left: 42 }),
    'Serving http://127.0.0.1:41234/ · 42 s left');
  assert.equal(httpDemoText({ running: false, addr: '127.0.0.1:41234', url }), 'Ended: it served http://127.0.0.1:41234/.');
});
