// render.js — draws state into the server-rendered page. The server's HTML is the
// first frame; these functions update it in place (keyed by data-worker-id and
// data-batch-id) and clone the <template> elements the server rendered for new
// workers and lists, so markup lives in one place: the templ components.

import { field, setAttr, setPill, setState, setText } from './dom.js';
import {
  clock, humanBytes, humanMs, jobLabel, parseTime, percent, progressLabel, rate, speedup, uptime,
} from './format.js';
import { pct, progressSegments } from './geometry.js';
import { countWorkers } from './state.js';

/** renderPool updates the pool's big numbers and its degraded warning. */
export function renderPool(root, s, jobsPerSec) {
  const c = countWorkers(s.workers.values());
  const stats = {
    size: s.pool.size, online: c.online, busy: c.busy, idle: c.idle, starting: c.starting,
    queue: s.pool.queue.pending, running: s.pool.queue.running, rate: rate(jobsPerSec),
    'jobs-done': s.pool.jobs_done, restarts: s.pool.restarts,
  };
  for (const [k, v] of Object.entries(stats)) setText(root.querySelector(`[data-stat="${k}"]`), String(v));
  setAttr(root, 'data-size', String(s.pool.size));
  const warn = root.querySelector('#degraded-warning');
  if (warn) {
    warn.hidden = !s.pool.degraded;
    if (s.pool.degradedError) setText(field(warn, 'degraded-error'), s.pool.degradedError);
  }
}

/** renderWorkers makes #workers show exactly the given workers, ordered by id. */
export function renderWorkers(list, tpl, workers, now) {
  const want = [...workers.values()].sort((a, b) => a.id - b.id);
  const have = new Map();
  for (const li of [...list.children]) {
    const id = Number(li.dataset.workerId);
    if (workers.has(id)) have.set(id, li);
    else li.remove();
  }
  let prev = null;
  for (const w of want) {
    let li = have.get(w.id);
    if (!li) li = newWorkerCard(tpl, w.id);
    updateWorkerCard(li, w, now);
    const next = prev ? prev.nextElementSibling : list.firstElementChild;
    if (next !== li) list.insertBefore(li, next);
    prev = li;
  }
}

function newWorkerCard(tpl, id) {
  const li = tpl.content.firstElementChild.cloneNode(true);
  li.dataset.workerId = String(id);
  setText(field(li, 'id'), String(id));
  for (const f of li.querySelectorAll('form[data-action]')) {
    f.setAttribute('action', `/ui/workers/${id}/${f.dataset.action}`);
  }
  return li;
}

/** updateWorkerCard writes one worker into its card. */
export function updateWorkerCard(li, w, now) {
  setState(li, w.state);
  setAttr(li, 'data-pid', String(w.pid ?? 0));
  setPill(field(li, 'state'), w.state);
  setText(field(li, 'pid'), String(w.pid ?? 0));
  const up = field(li, 'uptime');
  const since = w.started_at || '';
  setAttr(up, 'data-since', since);
  setText(up, w.state === 'dead' ? '–' : uptime(parseTime(since), now));
  const j = w.current_job;
  setText(field(li, 'job'), j ? `${jobLabel(j.kind, j.input)} · job ${j.job}` : '–');
  setText(field(li, 'jobs-done'), String(w.jobs_done ?? 0));
  setText(field(li, 'restarts'), String(w.restarts ?? 0));
  setText(field(li, 'rss'), humanBytes(w.rss_bytes));
  setText(field(li, 'cpu'), percent(w.cpu_percent));
  for (const b of li.querySelectorAll('.worker-actions button')) {
    b.disabled = w.state === 'dead' || (w.state === 'stopping' && b.closest('form').dataset.action === 'stop');
  }
}

/** tickUptimes advances every card's uptime to now. */
export function tickUptimes(list, now) {
  for (const li of list.children) {
    if (li.dataset.state === 'dead') continue;
    const up = field(li, 'uptime');
    setText(up, uptime(parseTime(up?.dataset.since), now));
  }
}

/** renderBatches makes #batches show the given lists in the given order. */
export function renderBatches(list, tpl, batches, now) {
  const ids = new Set(batches.map((b) => b.id));
  const have = new Map();
  for (const li of [...list.children]) {
    if (ids.has(li.dataset.batchId)) have.set(li.dataset.batchId, li);
    else li.remove();
  }
  let prev = null;
  for (const b of batches) {
    let li = have.get(b.id);
    if (!li) li = newBatchItem(tpl, b.id);
    updateBatchItem(li, b, now);
    const next = prev ? prev.nextElementSibling : list.firstElementChild;
    if (next !== li) list.insertBefore(li, next);
    prev = li;
  }
}

function newBatchItem(tpl, id) {
  const li = tpl.content.firstElementChild.cloneNode(true);
  li.dataset.batchId = id;
  li.querySelector('a.batch-link')?.setAttribute('href', `/batches/${encodeURIComponent(id)}`);
  li.querySelector('form[data-action="cancel"]')?.setAttribute('action', `/ui/batches/${encodeURIComponent(id)}/cancel`);
  return li;
}

/** updateBatchItem writes one job list into its row. */
export function updateBatchItem(li, b, now) {
  setState(li, b.state);
  setPill(field(li, 'state'), b.state);
  setText(field(li, 'title'), `${b.kind} × ${b.summary.total ?? 0}`);
  setText(field(li, 'created'), clock(b.created_at));
  setText(field(li, 'wall'), humanMs(wallMs(b, now)));
  updateProgress(li.querySelector('svg.progress'), b.summary);
  setText(field(li, 'counts'), progressLabel(b.summary));
  const cancel = li.querySelector('form[data-action="cancel"]');
  if (cancel) cancel.hidden = b.state !== 'running';
}

/** wallMs is a list's wall time: measured by the server once done, else so far. */
export function wallMs(b, now) {
  if (b.state !== 'running') return b.summary.wall_ms ?? 0;
  const created = parseTime(b.created_at);
  return created ? Math.max(now - created, b.summary.wall_ms ?? 0) : b.summary.wall_ms ?? 0;
}

/** updateProgress moves a progress bar's segments. */
export function updateProgress(svg, summary) {
  if (!svg) return;
  setAttr(svg, 'aria-label', progressLabel(summary));
  for (const seg of progressSegments(summary)) {
    const r = svg.querySelector(`[data-seg="${seg.name}"]`);
    setAttr(r, 'x', pct(seg.x));
    setAttr(r, 'width', pct(seg.w));
  }
}

/** renderBatchSummary writes a list's head on its page. */
export function renderBatchSummary(root, b, now) {
  const s = b.summary;
  setAttr(root, 'data-state', b.state);
  setPill(field(root, 'state'), b.state);
  const fields = {
    wall: humanMs(wallMs(b, now)), work: humanMs(s.work_ms), parallelism: speedup(s.parallelism),
    speedup: s.speedup == null ? 'not measured' : speedup(s.speedup),
    total: String(s.total ?? 0), done: String(s.done ?? 0), failed: String(s.failed ?? 0),
    canceled: String(s.canceled ?? 0), counts: progressLabel(s),
  };
  for (const [k, v] of Object.entries(fields)) setText(field(root, k), v);
  updateProgress(root.querySelector('#batch-summary svg.progress'), s);
  const cancel = root.querySelector('#batch-cancel-form');
  if (cancel) cancel.hidden = b.state !== 'running';
}
