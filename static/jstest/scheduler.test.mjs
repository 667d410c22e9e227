import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createScheduler } from '../js/dom.js';

// fakeFrames stands in for requestAnimationFrame: callbacks wait until the test runs
// the frame, so what one frame draws is decided by the test, not by a clock.
function fakeFrames() {
  let queue = [];
  return {
    raf: (fn) => queue.push(fn),
    pending: () => queue.length,
    frame() {
      const run = queue;
      queue = [];
      for (const fn of run) fn();
    },
  };
}

test('createScheduler draws once per frame with every part marked', () => {
  const f = fakeFrames();
  const draws = [];
  const s = createScheduler((parts) => draws.push([...parts].sort()), f.raf);

  for (let i = 0; i < 1000; i++) s.mark(i % 2 ? 'rows' : 'stats');
  s.mark('header', 'rows');
  assert.equal(f.pending(), 1); // one frame requested, however many marks
  assert.equal(draws.length, 0); // nothing drawn before the frame

  f.frame();
  assert.deepEqual(draws, [['header', 'rows', 'stats']]);

  f.frame();
  assert.equal(draws.length, 1); // an idle frame draws nothing

  s.mark('rows');
  s.mark('rows');
  assert.equal(f.pending(), 1);
  f.frame();
  assert.deepEqual(draws, [['header', 'rows', 'stats'], ['rows']]); // only the new marks
});

test('createScheduler queues the next frame when draw marks again', () => {
  const f = fakeFrames();
  const draws = [];
  let s;
  s = createScheduler((parts) => {
    draws.push([...parts]);
    if (draws.length === 1) s.mark('again'); // e.g. a draw that needs a second pass
  }, f.raf);

  s.mark('first');
  f.frame();
  assert.deepEqual(draws, [['first']]);
  assert.equal(f.pending(), 1);
  f.frame();
  assert.deepEqual(draws, [['first'], ['again']]);
});
