'use strict';
// Tests of gocluster.js: real worker processes, driven over a real Unix socket on
// their fd 3 (Node's 'pipe' stdio is a socketpair) by a small stand-in for the
// primary. Run: node --test sdk/node/
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const path = require('node:path');
const { Worker } = require('./gocluster');

const KINDS = path.join(__dirname, 'testdata', 'kinds.js');
const DEADLINE = 60000; // ms: generous, the machine may be loaded

function cleanEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GOCLUSTER_')) env[k] = v;
  return Object.assign(env, extra);
}

// start runs the test worker and returns the primary's end of its channel.
async function start(t, env = {}) {
  const child = spawn(process.execPath, [KINDS], {
    env: cleanEnv({ GOCLUSTER_WORKER_ID: '7', GOCLUSTER_IPC_FD: '3', ...env }),
    stdio: ['ignore', 'inherit', 'inherit', 'pipe'],
  });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  t.after(() => { child.kill('SIGKILL'); return exited; });
  const sock = child.stdio[3];
  sock.setEncoding('utf8');
  const frames = [];
  const waiters = [];
  let buf = '';
  let ended = false;
  const wake = () => { while (waiters.length) waiters.shift()(); };
  sock.on('data', (chunk) => {
    buf += chunk;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      frames.push(JSON.parse(buf.slice(0, nl)));
      buf = buf.slice(nl + 1);
    }
    wake();
  });
  sock.on('end', () => { ended = true; wake(); });
  sock.on('error', () => { ended = true; wake(); });
  const p = {
    child,
    exited,
    send: (f) => sock.write(JSON.stringify(f) + '\n'),
    // recv resolves to the next frame, or null when the worker closed the channel.
    async recv() {
      const timer = setTimeout(() => { ended = true; wake(); }, DEADLINE);
      try {
        while (frames.length === 0 && !ended) await new Promise((resolve) => waiters.push(resolve));
      } finally {
        clearTimeout(timer);
      }
      return frames.length ? frames.shift() : null;
    },
    end: () => sock.end(),
    async job(n, kind, input) {
      p.send({ t: 'job', job: n, kind, in: input });
      const r = await p.recv();
      assert.equal(r.t, 'result');
      assert.equal(r.job, n);
      return r;
    },
  };
  p.hello = await p.recv();
  return p;
}

test('hello declares the kinds', async (t) => {
  const p = await start(t);
  assert.equal(p.hello.t, 'hello');
  assert.equal(p.hello.v, 2);
  assert.equal(p.hello.id, 7);
  assert.equal(p.hello.pid, p.child.pid);
  const kinds = Object.fromEntries(p.hello.kinds.map((k) => [k.name, k]));
  assert.deepEqual(kinds.echo, { name: 'echo', doc: 'returns its input', example: { any: ['json', 1, null] } });
  assert.ok(!('example' in kinds.raise));
  assert.equal(kinds.sleep.example, 10);
});

test('results carry any JSON, in order, under prefetch', async (t) => {
  const p = await start(t);
  const inputs = [null, 1, 'ü', [1, { a: true }], { x: 1.5 }];
  inputs.forEach((v, i) => p.send({ t: 'job', job: i + 1, kind: 'echo', in: v }));
  p.send({ t: 'job', job: 6, kind: 'sleep', in: 20 });
  p.send({ t: 'job', job: 7, kind: 'echo', in: 'after' });
  for (const [i, v] of [...inputs, 20, 'after'].entries()) {
    const r = await p.recv();
    assert.deepEqual([r.job, r.out], [i + 1, v]);
    assert.ok(!('err' in r));
    assert.ok(r.ms >= 0);
  }
});

test('a thrown error fails the job with its message', async (t) => {
  const p = await start(t);
  let r = await p.job(1, 'raise', 'no good');
  assert.deepEqual([r.err, r.err_data], ['no good', { type: 'RangeError' }]);
  assert.ok(!('out' in r));
  r = await p.job(2, 'raise', '');
  assert.equal(r.err, 'RangeError');
  r = await p.job(3, 'reject', 'x');
  assert.deepEqual([r.err, r.err_data], ['async x', { type: 'Error' }]);
  r = await p.job(4, 'joberror', 5);
  assert.deepEqual([r.err, r.err_data], ['bad input', { input: 5 }]);
  assert.equal((await p.job(5, 'echo', 9)).out, 9);
});

test('an unknown kind fails the job', async (t) => {
  const p = await start(t);
  assert.match((await p.job(1, 'nope', 1)).err, /no job kind "nope"/);
});

test('results over the limits fail the job, and the worker lives on', async (t) => {
  let p = await start(t, { GOCLUSTER_MAX_JOB_BYTES: '100' });
  assert.equal((await p.job(1, 'big', 98)).out, 'x'.repeat(98));
  assert.equal((await p.job(2, 'big', 99)).err, 'result too large: 101 bytes, limit 100');
  assert.match((await p.job(3, 'bigint', null)).err, /^result is not JSON/);
  assert.equal((await p.job(4, 'echo', 1)).out, 1);
  p = await start(t, { GOCLUSTER_MAX_FRAME: '2000', GOCLUSTER_MAX_JOB_BYTES: '10000' });
  assert.match((await p.job(1, 'big', 3000)).err, /^frame too large: \d+ bytes, limit 2000$/);
});

test('messages both ways', async (t) => {
  const p = await start(t);
  p.send({ t: 'msg', d: { hi: [1, 2] } });
  assert.deepEqual(await p.recv(), { t: 'msg', d: { echo: { hi: [1, 2] }, pid: p.child.pid } });
});

test('disconnect finishes the running job only, then exits 0', async (t) => {
  const p = await start(t);
  p.send({ t: 'job', job: 1, kind: 'sleep', in: 300 });
  p.send({ t: 'job', job: 2, kind: 'sleep', in: 0 }); // prefetched: left for the primary
  p.send({ t: 'disconnect' });
  assert.equal((await p.recv()).out, 300);
  assert.equal(await p.recv(), null);
  assert.equal(await p.exited, 0);
});

test('disconnect while idle exits 0', async (t) => {
  const p = await start(t);
  p.send({ t: 'disconnect' });
  assert.equal(await p.recv(), null);
  assert.equal(await p.exited, 0);
});

test('an exit frame exits now with its code', async (t) => {
  const p = await start(t);
  p.send({ t: 'job', job: 1, kind: 'sleep', in: 60000 });
  p.send({ t: 'exit', code: 3 });
  assert.equal(await p.exited, 3);
});

test('the primary gone means exit', async (t) => {
  const p = await start(t);
  p.end();
  assert.equal(await p.exited, 0);
});

test('without GOCLUSTER_WORKER_ID it says how to run it', () => {
  const r = spawnSync(process.execPath, [KINDS], { env: cleanEnv({}), encoding: 'utf8', timeout: DEADLINE });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /gocluster serve -exec/);
});

test('bad declarations are refused', () => {
  const w = new Worker();
  for (const name of ['', 'Word', '1x', 'a b', 'x'.repeat(65), null]) {
    assert.throws(() => w.job(name, () => 1), TypeError, String(name));
  }
  assert.throws(() => w.job('ok', { doc: 'two\nlines' }, () => 1), TypeError);
  assert.throws(() => w.job('ok', { doc: 'x'.repeat(201) }, () => 1), TypeError);
  assert.throws(() => w.job('ok', {}, 'not a function'), TypeError);
  assert.throws(() => w.job('ok', { example: 1n }, () => 1), TypeError);
  w.job('ok', { doc: 'x'.repeat(200) }, () => 1);
  assert.throws(() => w.job('ok', () => 1), TypeError);
  assert.throws(() => w.send(1), /call run\(\) first/);
});
