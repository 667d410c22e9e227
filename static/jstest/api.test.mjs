import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, api, parseInputs } from '../js/api.js';
import { scaleTarget } from '../js/forms.js';
import { cellTexts } from '../js/results.js';

const reply = (status, body) => async () => ({
  ok: status < 400, status, statusText: 'x', text: async () => (body === undefined ? '' : JSON.stringify(body)),
});

test('api returns JSON and turns the error shape into ApiError', async () => {
  assert.deepEqual(await api('GET', '/api/pool', undefined, reply(200, { size: 2 })), { size: 2 });
  assert.equal(await api('POST', '/api/pool/restart', undefined, reply(202)), null);
  await assert.rejects(api('PUT', '/api/pool', { size: 999 }, reply(400, { error: { code: 'invalid', message: 'size must be 0..64' } })),
    (e) => e instanceof ApiError && e.message === 'size must be 0..64' && e.code === 'invalid' && e.status === 400);
  await assert.rejects(api('GET', '/x', undefined, async () => { throw new TypeError('fetch failed'); }),
    (e) => e.code === 'network');
});

test('api sends JSON bodies', async () => {
  let seen;
  await api('POST', '/api/batches', { kind: 'fib', inputs: [1] }, async (path, init) => {
    seen = { path, init };
    return { ok: true, status: 201, text: async () => '{}' };
  });
  assert.equal(seen.path, '/api/batches');
  assert.equal(seen.init.method, 'POST');
  assert.equal(seen.init.headers['Content-Type'], 'application/json');
  assert.equal(seen.init.body, '{"kind":"fib","inputs":[1]}');
});

test('parseInputs', () => {
  assert.deepEqual(parseInputs('44 42 42 43'), [44, 42, 42, 43]);
  assert.deepEqual(parseInputs(' 1,2;\n-3 +4 '), [1, 2, -3, 4]);
  assert.throws(() => parseInputs('  '), /at least one number/);
  assert.throws(() => parseInputs('1 two'), /Input 2: “two” is not a whole number/);
  assert.throws(() => parseInputs('1.5'), /not a whole number/);
  assert.throws(() => parseInputs('99999999999999999999'), /not a whole number/);
});

test('scaleTarget', () => {
  assert.equal(scaleTarget('set', '7', 3, 8), 7);
  assert.ok(Number.isNaN(scaleTarget('set', ' ', 3, 8)));
  assert.equal(scaleTarget('minus', '7', 3, 8), 2);
  assert.equal(scaleTarget('minus', '7', 0, 8), 0);
  assert.equal(scaleTarget('plus', '7', 3, 8), 4);
  assert.equal(scaleTarget('cpu', '7', 3, 8), 8);
});

test('cellTexts match web.ResultRow', () => {
  assert.deepEqual(cellTexts({ id: 2, input: 42, state: 'done', result: 267914296, worker: 2, pid: 1002, attempts: 1, duration_ms: 1500 }),
    { 'job-id': '2', input: '42', state: 'done', result: '267914296', error: '', worker: '2', pid: '1002', attempts: '1', duration: '1.5 s' });
  const q = cellTexts({ id: 3, input: 1, state: 'queued', result: null, attempts: 0 });
  assert.deepEqual([q.result, q.worker, q.pid, q.duration], ['', '–', '–', '–']);
  assert.equal(cellTexts({ id: 4, input: 1, state: 'running' }).duration, '…');
});
