import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_MS, LiveConnection, MAX_MS, backoff, wsURL } from '../js/ws.js';

test('backoff doubles with jitter and stays under the cap', () => {
  assert.equal(backoff(0, () => 0), BASE_MS / 2);
  assert.equal(backoff(0, () => 1), BASE_MS);
  assert.equal(backoff(3, () => 1), BASE_MS * 8);
  assert.equal(backoff(30, () => 1), MAX_MS);
  assert.equal(backoff(30, () => 0), MAX_MS / 2);
});

test('wsURL follows the page', () => {
  assert.equal(wsURL({ protocol: 'http:', host: 'localhost:8080' }, 0), 'ws://localhost:8080/ws');
  assert.equal(wsURL({ protocol: 'https:', host: 'x.test' }, 42), 'wss://x.test/ws?since=42');
  assert.equal(wsURL({ protocol: 'http:', host: 'h' }, 42, 'mj3k9x2a-1b2c'), 'ws://h/ws?since=42&run=mj3k9x2a-1b2c');
  assert.equal(wsURL({ protocol: 'http:', host: 'h' }, 0, 'mj3k9x2a-1b2c'), 'ws://h/ws');
});

test('a reconnect sends the run with since, and a snapshot of a new run starts over', () => {
  const h = harness();
  h.conn.start();
  h.sockets[0].send({ type: 'snapshot', run: 'r1', seq: 16 });
  h.sockets[0].onclose(); // the primary went down
  h.fire();
  assert.equal(h.sockets[1].url, 'ws://h/ws?since=16&run=r1');
  // The restarted primary (run r2) answers with its snapshot: seqs start again low.
  h.sockets[1].send({ type: 'snapshot', run: 'r2', seq: 3 });
  h.sockets[1].send({ run: 'r2', seq: 4, type: 'x' });
  assert.deepEqual(h.got.snapshots, [16, 3]);
  assert.deepEqual(h.got.events, [4]);
  // An event of another run is never applied as the next one: reconnect instead.
  h.sockets[1].send({ run: 'r3', seq: 5, type: 'y' });
  assert.deepEqual(h.got.events, [4]);
  assert.equal(h.sockets[1].closed, true);
  h.fire();
  assert.equal(h.sockets[2].url, 'ws://h/ws?since=4&run=r2');
});

/** harness fakes WebSocket and timers. */
function harness() {
  const sockets = [];
  const timers = [];
  class FakeWS {
    constructor(url) {
      this.url = url;
      this.closed = false;
      sockets.push(this);
    }
    close() {
      this.closed = true;
    }
    send(data) {
      this.onmessage?.({ data: JSON.stringify(data) });
    }
  }
  const got = { snapshots: [], events: [], status: [] };
  const conn = new LiveConnection({
    location: { protocol: 'http:', host: 'h' }, WebSocketImpl: FakeWS, random: () => 0,
    setTimer: (fn, ms) => timers.push({ fn, ms }) && timers.length, clearTimer: () => {},
    onSnapshot: (m) => got.snapshots.push(m.seq), onEvent: (e) => got.events.push(e.seq),
    onStatus: (st) => got.status.push(st),
  });
  return { conn, sockets, timers, got, fire: () => timers.shift().fn() };
}

test('snapshot, events in order, duplicates dropped', () => {
  const h = harness();
  h.conn.start();
  const ws = h.sockets[0];
  assert.equal(ws.url, 'ws://h/ws');
  ws.onopen();
  ws.send({ type: 'snapshot', seq: 5 });
  ws.send({ seq: 6, type: 'worker.fork' });
  ws.send({ seq: 6, type: 'worker.fork' });
  ws.send([{ seq: 7, type: 'a' }, { seq: 8, type: 'b' }]);
  assert.deepEqual(h.got.snapshots, [5]);
  assert.deepEqual(h.got.events, [6, 7, 8]);
  assert.deepEqual(h.got.status, ['live']);
});

test('a gap reconnects with ?since=', () => {
  const h = harness();
  h.conn.start();
  h.sockets[0].send({ type: 'snapshot', seq: 5 });
  h.sockets[0].send({ seq: 7, type: 'x' });
  assert.deepEqual(h.got.events, []);
  assert.equal(h.sockets[0].closed, true);
  assert.equal(h.timers.length, 1);
  h.fire();
  assert.equal(h.sockets[1].url, 'ws://h/ws?since=5');
  h.sockets[1].send({ seq: 6, type: 'x' });
  h.sockets[1].send({ seq: 7, type: 'y' });
  assert.deepEqual(h.got.events, [6, 7]);
  // A resync snapshot at any time resets the sequence.
  h.sockets[1].send({ type: 'snapshot', seq: 100 });
  h.sockets[1].send({ seq: 101, type: 'z' });
  assert.deepEqual(h.got.snapshots, [5, 100]);
  assert.deepEqual(h.got.events, [6, 7, 101]);
});

test('a dropped socket backs off, then says offline, and recovers', () => {
  const h = harness();
  h.conn.start();
  h.sockets[0].send({ type: 'snapshot', seq: 1 });
  for (let i = 0; i < 7; i++) {
    h.sockets.at(-1).onclose();
    h.fire();
  }
  assert.deepEqual(h.got.status.slice(0, 2), ['live', 'reconnecting']);
  assert.equal(h.got.status.at(-1), 'offline');
  assert.equal(h.sockets.at(-1).url, 'ws://h/ws?since=1');
  h.sockets.at(-1).onopen();
  assert.equal(h.got.status.at(-1), 'live');
  h.conn.stop();
  assert.equal(h.got.status.at(-1), 'offline');
});
