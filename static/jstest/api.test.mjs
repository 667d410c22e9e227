import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, api, apiText, humanMessage } from '../js/api.js';
import { batchesPath, scaleTarget } from '../js/forms.js';
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

test('apiText sends the text as it was typed, for the server to check', async () => {
  let seen;
  const fetchImpl = async (path, init) => {
    seen = { path, init };
    return { ok: false, status: 400, text: async () => '{"error":{"code":"invalid_input","message":"invalid input: input 2 \\"x\\" is not an integer"}}' };
  };
  await assert.rejects(apiText('POST', '/api/batches?kind=fib', '1 x', fetchImpl),
    (e) => e instanceof ApiError && e.code === 'invalid_input' && e.message === 'invalid input: input 2 "x" is not an integer');
  assert.equal(seen.init.method, 'POST');
  assert.equal(seen.init.headers['Content-Type'], 'text/plain; charset=utf-8');
  assert.equal(seen.init.body, '1 x');
});

test('humanMessage words API messages like server/ui.go formMessage', () => {
  assert.equal(humanMessage('invalid input: input 1: fib input 51 is out of range: must be between 0 and 50'),
    'Input 1: fib input 51 is out of range: must be between 0 and 50');
  assert.equal(humanMessage('not found: no live worker 9'), 'No live worker 9');
  assert.equal(humanMessage('conflict: the restart demo is already running'), 'The restart demo is already running');
  assert.equal(humanMessage('queue full: too many jobs'), 'Queue full: too many jobs');
  assert.equal(humanMessage('The server cannot be reached.'), 'The server cannot be reached.');
  assert.equal(humanMessage(''), '');
  assert.equal(humanMessage(undefined), '');
});

test('batchesPath', () => {
  assert.equal(batchesPath('fib', ''), '/api/batches?kind=fib');
  assert.equal(batchesPath('fib', ' 30s '), '/api/batches?kind=fib&timeout=30s');
  assert.equal(batchesPath('a&b', '1m'), '/api/batches?kind=a%26b&timeout=1m');
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
