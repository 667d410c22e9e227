// ws.js — a WebSocket client for GET /ws that never gives up.
//
// The server sends a {"type":"snapshot","seq":N,...} first, then every event in seq
// order. We remember the last seq and the run it belongs to (a restarted primary is
// a new run, whose seqs start again at 1); if an event skips one, or comes from
// another run, we reconnect with ?since=lastSeq&run=run so the server replays what
// we missed (or sends a fresh snapshot, which it does for another run, and may do at
// any time). When the socket drops we reconnect with
// exponential backoff and jitter, capped at about 10 s. Authentication is the page's
// cookie, which the browser sends with the upgrade request. The backoff resets once
// a message arrives, not on open, so a server that accepts and drops at once is not
// hammered.

/** Backoff: the first retry waits about BASE_MS, then doubling up to MAX_MS. */
export const BASE_MS = 500;
export const MAX_MS = 10_000;
/** After this many failed attempts in a row the badge says "offline". */
export const OFFLINE_AFTER = 5;

/**
 * backoff returns the wait before retry number `attempt` (0-based): an exponential
 * delay with "equal jitter", between half and all of min(MAX_MS, BASE_MS * 2^attempt).
 */
export function backoff(attempt, random = Math.random) {
  const cap = Math.min(MAX_MS, BASE_MS * 2 ** attempt);
  return cap / 2 + random() * (cap / 2);
}

/**
 * wsURL builds the same-origin WebSocket URL for /ws, with ?since= (and &run=, the
 * run the seq belongs to) when resuming.
 */
export function wsURL(loc, since, run = '') {
  const proto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  if (!(since > 0)) return `${proto}//${loc.host}/ws`;
  return `${proto}//${loc.host}/ws?since=${since}` + (run ? `&run=${encodeURIComponent(run)}` : '');
}

/**
 * LiveConnection keeps one socket open. Callbacks:
 *   onSnapshot(msg)  a snapshot: re-render everything
 *   onEvent(ev)      the next event, in seq order, never twice
 *   onStatus(s)      "live", "reconnecting" or "offline"
 */
export class LiveConnection {
  constructor({ onSnapshot, onEvent, onStatus, location = globalThis.location,
    WebSocketImpl = globalThis.WebSocket, random = Math.random,
    setTimer = (fn, ms) => setTimeout(fn, ms), clearTimer = (t) => clearTimeout(t) }) {
    Object.assign(this, { onSnapshot, onEvent, onStatus, location, WebSocketImpl, random, setTimer, clearTimer });
    this.seq = 0; // last seq applied
    this.run = ''; // the run of the primary that seq belongs to
    this.attempt = 0; // failed attempts in a row
    this.ws = null;
    this.timer = null;
    this.stopped = true;
    this.status = '';
  }

  /** start opens the connection. */
  start() {
    this.stopped = false;
    this.#connect();
  }

  /** stop closes it for good. */
  stop() {
    this.stopped = true;
    if (this.timer) this.clearTimer(this.timer);
    this.timer = null;
    this.#drop();
    this.#setStatus('offline');
  }

  /** retryNow skips the backoff wait, e.g. when the browser comes back online. */
  retryNow() {
    if (this.stopped || (this.ws && this.status === 'live')) return;
    if (this.timer) this.clearTimer(this.timer);
    this.timer = null;
    this.attempt = 0;
    this.#connect();
  }

  #connect() {
    this.#drop();
    let ws;
    try {
      ws = new this.WebSocketImpl(wsURL(this.location, this.seq, this.run));
    } catch {
      this.#retry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => this.#setStatus('live');
    ws.onmessage = (m) => this.#message(m.data);
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.#retry();
    };
    ws.onerror = () => {}; // a close follows
  }

  /** drop forgets the current socket without triggering a retry. */
  #drop() {
    const ws = this.ws;
    this.ws = null;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    try {
      ws.close();
    } catch {
      // already closed
    }
  }

  #retry() {
    if (this.stopped) return;
    const offline = this.attempt >= OFFLINE_AFTER || globalThis.navigator?.onLine === false;
    this.#setStatus(offline ? 'offline' : 'reconnecting');
    const wait = backoff(this.attempt++, this.random);
    this.timer = this.setTimer(() => {
      this.timer = null;
      this.#connect();
    }, wait);
  }

  #message(data) {
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      return; // not ours
    }
    for (const m of Array.isArray(msg) ? msg : [msg]) {
      if (!this.#handle(m)) return;
    }
  }

  /** handle applies one message; false when it caused a reconnect. */
  #handle(m) {
    if (!m || typeof m !== 'object') return true;
    if (m.type === 'snapshot') {
      this.seq = m.seq ?? 0;
      this.run = m.run ?? '';
      this.attempt = 0;
      this.#setStatus('live');
      this.onSnapshot(m);
      return true;
    }
    if (typeof m.seq !== 'number') return true; // not an event
    const otherRun = this.run && m.run && m.run !== this.run;
    if (!otherRun && m.seq <= this.seq) return true; // a duplicate
    if (otherRun || (this.seq > 0 && m.seq !== this.seq + 1)) {
      // A gap, or the primary restarted: reconnect with ?since=&run= so the server
      // sends what we missed, or a snapshot of its new run. This goes through the
      // backoff, so a server that keeps skipping cannot make us spin.
      this.#drop();
      this.#retry();
      return false;
    }
    this.seq = m.seq;
    this.attempt = 0;
    this.#setStatus('live');
    this.onEvent(m);
    return true;
  }

  #setStatus(s) {
    if (s === this.status) return;
    this.status = s;
    this.onStatus?.(s);
  }
}
