// panel.js — the control panel at GET /: live pool numbers, worker cards, job lists
// and the event log. Data comes from the WebSocket (snapshot, then events) and from
// GET /api/pool every 2 s (memory and CPU, which events do not carry). Everything is
// drawn at most once per animation frame.

import { api } from './api.js';
import { $, createScheduler } from './dom.js';
import { EventLog, entry } from './eventlog.js';
import { wirePanelForms } from './forms.js';
import { startLive } from './live.js';
import { RateMeter } from './rate.js';
import { renderBatches, renderPool, renderWorkers, tickUptimes } from './render.js';
import { applyEvent, applyPool, applySnapshot, createState, findBatch, reapDead } from './state.js';

/** POLL_MS is how often GET /api/pool refreshes memory and CPU figures. */
const POLL_MS = 2000;
/** HISTORY is the most past events the log shows when the page opens. */
const HISTORY = 100;

/** startPanel brings the server-rendered panel to life. */
export function startPanel() {
  const s = createState();
  const meter = new RateMeter(5000);
  const el = {
    pool: $('#pool'), workers: $('#workers'), workerTpl: $('#worker-template'),
    batches: $('#batches'), batchTpl: $('#batch-template'), scaleSize: $('#scale-size'),
  };
  const sched = createScheduler((parts) => draw(parts));
  const log = new EventLog({
    list: $('#event-log'), filter: $('#log-filter'), pause: $('#log-pause'), clear: $('#log-clear'),
    cats: ['#log-cat-workers', '#log-cat-jobs', '#log-cat-pool'].map((sel) => $(sel)).filter(Boolean),
    requestFlush: () => sched.mark('log'),
  });
  const kindOf = (id) => findBatch(s, id)?.kind ?? '';
  const lastProgressLine = new Map(); // batch id -> ms: batch.progress lines are rate limited

  function draw(parts) {
    const now = Date.now();
    if (parts.has('log')) log.flush();
    if (!s.ready) return; // keep the server's HTML until the first snapshot
    if (parts.has('pool') || parts.has('workers') || parts.has('tick')) renderPool(el.pool, s, meter.rate(now));
    if (parts.has('workers')) renderWorkers(el.workers, el.workerTpl, s.workers, now);
    else if (parts.has('tick')) tickUptimes(el.workers, now);
    if (parts.has('batches') || parts.has('tick')) renderBatches(el.batches, el.batchTpl, s.batches, now);
    if (parts.has('pool')) syncScaleInput();
  }

  // The size field follows the live desired size until someone edits it; then it is
  // left alone (a re-render must never eat what was typed) until it matches again.
  let shownSize = el.scaleSize?.value;
  function syncScaleInput() {
    const input = el.scaleSize;
    if (!input || document.activeElement === input) return;
    if (input.value !== shownSize && input.value !== String(s.pool.size)) return;
    input.value = shownSize = String(s.pool.size);
  }

  function logEvent(ev) {
    if (ev.type === 'batch.progress') {
      const last = lastProgressLine.get(ev.batch) ?? 0;
      if (Date.now() - last < 1000) return;
      lastProgressLine.set(ev.batch, Date.now());
    }
    log.push(entry(ev, kindOf));
  }

  let first = true;
  startLive({
    onSnapshot(snap) {
      applySnapshot(s, snap);
      sched.mark('pool', 'workers', 'batches');
      if (first) {
        first = false;
        loadHistory(snap.seq);
      }
    },
    onEvent(ev) {
      const r = applyEvent(s, ev);
      meter.add(r.finished);
      sched.mark(...r.dirty);
      logEvent(ev);
    },
  });

  /** loadHistory shows the events from just before the page opened. */
  async function loadHistory(seq) {
    try {
      // Without ?since= the server answers its latest events, which never fails for
      // want of old ones; the snapshot's seq tells which of them came before it.
      const data = await api('GET', '/api/events');
      const events = Array.isArray(data) ? data : data?.events ?? [];
      log.addHistory(events.filter((ev) => ev.seq <= seq).slice(-HISTORY).map((ev) => entry(ev, kindOf)));
    } catch {
      // The log simply starts empty.
    }
  }

  async function poll() {
    if (document.hidden || !s.ready) return;
    try {
      applyPool(s, await api('GET', '/api/pool'));
      sched.mark('pool', 'workers');
    } catch {
      // The badge shows connection trouble; the next poll tries again.
    }
  }

  setInterval(() => {
    if (reapDead(s)) sched.mark('workers');
    sched.mark('tick');
  }, 1000);
  setInterval(poll, POLL_MS);
  wirePanelForms(s);
}
