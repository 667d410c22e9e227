// eventlog.js — the live event stream in words a learner understands, e.g.
//   [primary] fork worker 3
//   worker 3 (pid 4121) died (SIGKILL), restarting...
//   job 7 fib(42) = 267914296 on worker 2 in 1234 ms
// describe() is pure (tested under Node); EventLog owns the #event-log list: it
// filters by text and category, pauses (buffering what arrives), and keeps at most
// `cap` lines. It writes to the DOM only in flush(), which app.js calls once per
// animation frame.

import { clock, humanMs, jobLabel, speedup } from './format.js';

/** category sorts an event type into the log's filter groups. */
export function category(type) {
  if (type.startsWith('worker.')) return 'workers';
  if (type.startsWith('pool.')) return 'pool';
  return 'jobs';
}

/**
 * describe turns an event into one sentence. kindOf(batchId) names the job kind of a
 * list, for events that only carry the list's id.
 */
export function describe(ev, kindOf = () => '') {
  const w = `worker ${ev.worker}`;
  const wp = ev.pid ? `${w} (pid ${ev.pid})` : w;
  const label = jobLabel(ev.kind || kindOf(ev.batch), ev.input);
  const s = ev.summary || {};
  switch (ev.type) {
    case 'worker.fork':
      return `[primary] fork ${w}` + (ev.restarts > 0 ? ` (restart #${ev.restarts})` : '');
    case 'worker.online':
      return `${wp} online`;
    case 'worker.listening':
      return `${wp} listening on ${ev.addr || '?'}`;
    case 'worker.message':
      return `${wp} says ${messageText(ev.message)}`;
    case 'worker.disconnect':
      return `${wp} disconnected`;
    case 'worker.exit':
      return exitText(ev, w, wp);
    case 'worker.error':
      return `${wp} error: ${ev.error || 'unknown'}`;
    case 'pool.scale':
      return `[primary] pool size set to ${ev.size}`;
    case 'pool.degraded':
      return `[primary] pool degraded` + (ev.slot ? ` (slot ${ev.slot})` : '') + `: ${ev.error || 'a worker keeps failing'}`;
    case 'pool.recovered':
      return `[primary] slot ${ev.slot ?? '?'} recovered: worker ${ev.worker ?? '?'} stayed up`;
    case 'pool.restart':
      return `[primary] rolling restart ${ev.state || 'ended'}` + (ev.error ? `: ${ev.error}` : '');
    case 'batch.created':
      return `[primary] new job list ${ev.batch}: ${s.total ?? '?'} × ${ev.kind || 'job'}`;
    case 'job.started':
      return `job ${ev.job} ${label} started on ${wp}` + (ev.attempts > 1 ? ` (attempt ${ev.attempts})` : '');
    case 'job.done':
      return `job ${ev.job} ${label}` + (ev.result !== undefined && ev.result !== null ? ` = ${ev.result}` : ' done') +
        ` on ${w} in ${logMs(ev.duration_ms)} ms`;
    case 'job.failed':
      return `job ${ev.job} ${label} failed` + (ev.worker ? ` on ${w}` : '') + `: ${ev.error || 'unknown error'}`;
    case 'batch.progress':
      return `job list ${ev.batch}: ${s.done ?? 0}/${s.total ?? 0} done, ${s.failed ?? 0} failed`;
    case 'batch.done':
      return `job list ${ev.batch} ${ev.state || 'done'} in ${humanMs(s.wall_ms)}: ${s.done ?? 0} done, ` +
        `${s.failed ?? 0} failed, ${s.canceled ?? 0} canceled (parallelism ${speedup(s.parallelism)})`;
    default:
      return ev.type;
  }
}

function exitText(ev, w, wp) {
  const how = ev.signal ? ev.signal : `code ${ev.code ?? '?'}`;
  const then = ev.restarting ? ', restarting...' : '';
  if (ev.intentional) return `${w} exited (${how}) after disconnect${then}`;
  return `${wp} died (${how})${then}`;
}

function messageText(m) {
  if (m === undefined || m === null) return 'nothing';
  const t = typeof m === 'string' ? m : JSON.stringify(m);
  return t.length > 200 ? `${t.slice(0, 199)}…` : t;
}

/** entry builds a log line's data from an event. */
export function entry(ev, kindOf) {
  return {
    seq: ev.seq, type: ev.type, category: category(ev.type), time: ev.time, text: describe(ev, kindOf),
  };
}

/**
 * EventLog manages the #event-log element and its controls.
 * requestFlush is called when there is something to draw; the caller then calls
 * flush() from requestAnimationFrame.
 */
export class EventLog {
  constructor({ list, filter, cats, pause, clear, cap = 500, requestFlush }) {
    this.list = list;
    this.filterInput = filter;
    this.cats = cats;
    this.pauseButton = pause;
    this.cap = cap;
    this.requestFlush = requestFlush;
    this.pending = []; // lines to append at the next flush
    this.held = []; // lines that arrived while paused
    this.paused = false;
    filter?.addEventListener('input', () => this.#refilter());
    for (const c of cats) c.addEventListener('change', () => this.#refilter());
    pause?.addEventListener('click', () => this.setPaused(!this.paused));
    clear?.addEventListener('click', () => {
      this.list.replaceChildren();
      this.pending = [];
      this.held = [];
      this.#updatePauseButton();
    });
  }

  /** push adds a line; it is drawn at the next flush unless the log is paused. */
  push(e) {
    const q = this.paused ? this.held : this.pending;
    q.push(e);
    if (q.length > this.cap) q.splice(0, q.length - this.cap);
    if (this.paused) this.#updatePauseButton();
    else this.requestFlush();
  }

  /** addHistory puts lines that happened before the page loaded above the others. */
  addHistory(entries) {
    const first = Number(this.list.firstElementChild?.dataset.seq ?? Infinity);
    const older = entries.filter((e) => e.seq < first).slice(-this.cap);
    if (!older.length) return;
    const frag = document.createDocumentFragment();
    for (const e of older) frag.append(this.#line(e));
    this.list.prepend(frag);
    this.#trim();
  }

  /** setPaused stops or restarts drawing; lines that arrive meanwhile are kept. */
  setPaused(p) {
    this.paused = p;
    if (!p) {
      this.pending.push(...this.held);
      this.held = [];
      this.requestFlush();
    }
    this.#updatePauseButton();
  }

  /** flush draws pending lines; call it once per animation frame. */
  flush() {
    if (!this.pending.length) return;
    const atBottom = this.list.scrollTop + this.list.clientHeight >= this.list.scrollHeight - 32;
    const frag = document.createDocumentFragment();
    for (const e of this.pending.splice(0)) frag.append(this.#line(e));
    this.list.append(frag);
    this.#trim();
    if (atBottom) this.list.scrollTop = this.list.scrollHeight;
  }

  #line(e) {
    const li = document.createElement('li');
    li.dataset.seq = String(e.seq);
    li.dataset.type = e.type;
    li.dataset.category = e.category;
    const time = document.createElement('time');
    if (e.time) time.dateTime = e.time;
    time.textContent = clock(e.time);
    const msg = document.createElement('span');
    msg.className = 'msg';
    msg.textContent = e.text;
    li.append(time, ' ', msg);
    li.hidden = !this.#matches(li);
    return li;
  }

  #trim() {
    while (this.list.childElementCount > this.cap) this.list.firstElementChild.remove();
  }

  #matches(li) {
    const on = this.cats.filter((c) => c.checked).map((c) => c.value);
    if (!on.includes(li.dataset.category)) return false;
    const q = (this.filterInput?.value || '').trim().toLowerCase();
    return !q || li.textContent.toLowerCase().includes(q);
  }

  #refilter() {
    for (const li of this.list.children) li.hidden = !this.#matches(li);
  }

  #updatePauseButton() {
    const b = this.pauseButton;
    if (!b) return;
    b.setAttribute('aria-pressed', String(this.paused));
    b.textContent = this.paused ? `Resume (${this.held.length} new)` : 'Pause';
  }
}

/** logMs writes a job's time as the Node lesson's log does, whole milliseconds, but
 * keeps a decimal under 10 ms so quick jobs do not read as taking none. */
export function logMs(ms) {
  const v = ms > 0 ? ms : 0;
  return v > 0 && v < 9.95 ? v.toFixed(1) : String(Math.round(v));
}
