// state.js — the browser's copy of the pool, kept from the WebSocket snapshot, the
// events after it and the GET /api/pool polls. The shapes are the server's JSON
// (cluster/types.go): workers are WorkerInfo, batches are BatchInfo without jobs.
// Pure functions over a plain object: no DOM, so they can be tested under Node.

import { CompletionCounter } from './rate.js';

/** How long a dead worker's card stays on screen before it is removed. */
export const DEAD_LINGER_MS = 2000;

/** How many job lists the panel keeps. */
export const MAX_BATCHES = 50;

/** createState returns an empty state; `ready` turns true with the first snapshot. */
export function createState() {
  return {
    ready: false,
    seq: 0,
    run: '', // the primary's run the state is of: a restart is a new run
    pool: {
      size: 0, degraded: false, degradedError: '', restarts: 0, jobs_done: 0,
      queue: { pending: 0, running: 0 },
    },
    workers: new Map(), // id -> WorkerInfo (+ diedAt when dead)
    batches: [], // BatchInfo without jobs, newest first
    progressSeen: new Set(), // lists that sent batch.progress: trust their summaries only
    completions: new CompletionCounter(),
  };
}

/** applySnapshot replaces everything with a snapshot message. */
export function applySnapshot(s, snap) {
  s.ready = true;
  s.seq = snap.seq ?? 0;
  s.run = snap.run ?? '';
  s.workers.clear();
  applyPool(s, snap.pool || {}, true);
  s.batches = (snap.batches || []).slice(0, MAX_BATCHES).map((b) => ({ ...b, summary: { ...b.summary } }));
  s.completions = new CompletionCounter();
  s.progressSeen.clear();
  for (const b of s.batches) s.completions.baseline(b.id, b.summary);
}

/**
 * applyPool merges a PoolInfo (from a snapshot or a poll). When the pool is at least
 * as fresh as the events we applied (pool.last_seq >= s.seq) it replaces everything;
 * an older one only brings what events do not carry (memory, CPU, jobs done), else a
 * worker forked or a size set since the poll would flicker back. A poll of another
 * run than the state's is ignored.
 */
export function applyPool(s, pool, replace = false) {
  // A poll of another run (the primary restarted) merges into nothing: the
  // WebSocket brings that run's snapshot, which replaces everything.
  if (!replace && s.run && pool.run && pool.run !== s.run) return;
  const p = s.pool;
  const fresh = replace || (pool.last_seq ?? -1) >= s.seq;
  p.jobs_done = Math.max(pool.jobs_done ?? 0, replace ? 0 : p.jobs_done);
  if (fresh) {
    p.size = pool.size ?? p.size;
    p.degraded = !!pool.degraded;
    // degraded_reason says which slots stopped restarting and why, like the
    // server-rendered warning.
    if (!p.degraded) p.degradedError = '';
    else if (pool.degraded_reason) p.degradedError = pool.degraded_reason;
    p.restarts = pool.restarts ?? p.restarts;
    if (pool.queue) p.queue = { pending: pool.queue.pending ?? 0, running: pool.queue.running ?? 0 };
  }
  const seen = new Set();
  for (const w of pool.workers || []) {
    seen.add(w.id);
    const mine = s.workers.get(w.id);
    if (mine && mine.state === 'dead') continue;
    if (mine && !fresh) {
      // Older than our events: take only what events do not carry.
      mine.rss_bytes = w.rss_bytes;
      mine.cpu_percent = w.cpu_percent;
      mine.jobs_done = Math.max(mine.jobs_done ?? 0, w.jobs_done ?? 0);
    } else if (mine || fresh) {
      s.workers.set(w.id, { ...w });
    }
  }
  if (fresh) {
    for (const [id, w] of s.workers) if (!seen.has(id) && w.state !== 'dead') s.workers.delete(id);
  }
}

/** reapDead removes workers that have been dead for DEAD_LINGER_MS; true if any. */
export function reapDead(s, now = Date.now()) {
  let any = false;
  for (const [id, w] of s.workers) {
    if (w.state === 'dead' && now - (w.diedAt ?? 0) >= DEAD_LINGER_MS) {
      s.workers.delete(id);
      any = true;
    }
  }
  return any;
}

/** countWorkers sums states like web.CountWorkers. */
export function countWorkers(workers) {
  const c = { online: 0, busy: 0, idle: 0, starting: 0 };
  for (const w of workers) {
    if (w.state === 'starting') c.starting++;
    else if (w.state === 'idle') { c.idle++; c.online++; }
    else if (w.state === 'busy') { c.busy++; c.online++; }
    else if (w.state === 'stopping') c.online++;
  }
  return c;
}

/** findBatch returns the list with that id, or undefined. */
export function findBatch(s, id) {
  return s.batches.find((b) => b.id === id);
}

/**
 * applyEvent applies one event. It returns which parts of the page changed
 * ("pool", "workers", "batches") and how many jobs finished, for jobs/s.
 */
export function applyEvent(s, ev, now = Date.now()) {
  s.seq = Math.max(s.seq, ev.seq ?? 0);
  const out = { dirty: new Set(), finished: 0 };
  const handler = HANDLERS[ev.type];
  if (handler) handler(s, ev, out, now);
  return out;
}

/** worker returns the worker of an event, creating it if the fork was missed. */
function worker(s, ev, now) {
  let w = s.workers.get(ev.worker);
  if (!w) {
    w = {
      id: ev.worker, pid: ev.pid ?? 0, slot: ev.slot ?? 0, state: 'starting',
      started_at: ev.time || new Date(now).toISOString(), jobs_done: 0,
      restarts: ev.restarts ?? 0, current_job: null, rss_bytes: 0, cpu_percent: 0,
    };
    s.workers.set(ev.worker, w);
  }
  if (ev.pid) w.pid = ev.pid;
  return w;
}

/**
 * bump moves one job of a list from one count to another (from may be null), for
 * lists that send per-job events but no batch.progress. It returns false when the
 * list is unknown or sends summaries, which are then the only truth.
 */
function bump(s, id, from, to) {
  const b = findBatch(s, id);
  if (!b || s.progressSeen.has(id)) return false;
  if (from) b.summary[from] = Math.max((b.summary[from] ?? 0) - 1, 0);
  b.summary[to] = (b.summary[to] ?? 0) + 1;
  return true;
}

function recomputeQueue(s) {
  let pending = 0;
  let running = 0;
  for (const b of s.batches) {
    if (b.state !== 'running') continue;
    pending += b.summary.queued ?? 0;
    running += b.summary.running ?? 0;
  }
  s.pool.queue = { pending, running };
}

function jobEnded(s, ev, out, now, to) {
  if (ev.worker && s.workers.has(ev.worker)) {
    const w = s.workers.get(ev.worker);
    if (to === 'done') w.jobs_done = (w.jobs_done ?? 0) + 1;
    if (w.current_job?.job === ev.job) w.current_job = null;
    if (w.state === 'busy') w.state = 'idle';
    out.dirty.add('workers');
  }
  if (to === 'done') s.pool.jobs_done++;
  out.finished += s.completions.job(ev.batch, ev.job);
  if (bump(s, ev.batch, 'running', to)) {
    recomputeQueue(s);
    out.dirty.add('batches');
  }
  out.dirty.add('pool');
}

function setSummary(s, ev, out) {
  const b = findBatch(s, ev.batch);
  if (!b || !ev.summary) return;
  b.summary = { ...ev.summary };
  out.finished += s.completions.summary(ev.batch, ev.summary);
  recomputeQueue(s);
  out.dirty.add('batches').add('pool');
}

const HANDLERS = {
  'worker.fork'(s, ev, out, now) {
    s.workers.delete(ev.worker);
    const w = worker(s, ev, now);
    w.started_at = ev.time || w.started_at;
    out.dirty.add('workers').add('pool');
  },
  'worker.online'(s, ev, out, now) {
    const w = worker(s, ev, now);
    if (w.state === 'starting') w.state = 'idle';
    out.dirty.add('workers').add('pool');
  },
  'worker.listening'(s, ev, out, now) {
    worker(s, ev, now).listening = ev.addr;
    out.dirty.add('workers');
  },
  'worker.disconnect'(s, ev, out, now) {
    const w = worker(s, ev, now);
    if (w.state !== 'dead') w.state = 'stopping';
    out.dirty.add('workers').add('pool');
  },
  'worker.exit'(s, ev, out, now) {
    const w = worker(s, ev, now);
    w.state = 'dead';
    w.diedAt = now;
    w.current_job = null;
    if (ev.restarting) s.pool.restarts++;
    out.dirty.add('workers').add('pool');
  },
  'pool.scale'(s, ev, out) {
    if (typeof ev.size === 'number') s.pool.size = ev.size;
    out.dirty.add('pool');
  },
  'pool.degraded'(s, ev, out) {
    s.pool.degraded = true;
    // The pool's own message already names its slot ("slot 2 crashed 5 times …").
    const why = ev.error || 'keeps failing';
    s.pool.degradedError = ev.slot && !why.includes(`slot ${ev.slot}`) ? `slot ${ev.slot}: ${why}` : why;
    out.dirty.add('pool');
  },
  'pool.recovered'(s, ev, out) {
    // One slot came back; if another is still degraded, the next GET /api/pool
    // (every 2 s) shows the warning again with that slot's reason.
    s.pool.degraded = false;
    s.pool.degradedError = '';
    out.dirty.add('pool');
  },
  'batch.created'(s, ev, out) {
    if (!findBatch(s, ev.batch)) {
      const summary = { total: 0, queued: 0, running: 0, done: 0, failed: 0, canceled: 0, ...ev.summary };
      s.batches.unshift({
        id: ev.batch, kind: ev.kind, state: 'running', created_at: ev.time, finished_at: null, summary,
      });
      s.batches.length = Math.min(s.batches.length, MAX_BATCHES);
      s.completions.baseline(ev.batch, summary);
    }
    recomputeQueue(s);
    out.dirty.add('batches').add('pool');
  },
  'job.started'(s, ev, out, now) {
    if (ev.worker) {
      const w = worker(s, ev, now);
      if (w.state !== 'dead' && w.state !== 'stopping') w.state = 'busy';
      w.current_job = { batch: ev.batch, job: ev.job, kind: findBatch(s, ev.batch)?.kind ?? '', input: ev.input };
      out.dirty.add('workers');
    }
    // A retry (attempts > 1) was already counted as running on the worker that died.
    if (!(ev.attempts > 1) && bump(s, ev.batch, 'queued', 'running')) out.dirty.add('batches');
    recomputeQueue(s);
    out.dirty.add('pool');
  },
  'job.done'(s, ev, out, now) {
    jobEnded(s, ev, out, now, 'done');
  },
  'job.failed'(s, ev, out, now) {
    jobEnded(s, ev, out, now, 'failed');
  },
  'batch.progress'(s, ev, out) {
    s.progressSeen.add(ev.batch);
    setSummary(s, ev, out);
  },
  'batch.done'(s, ev, out) {
    const b = findBatch(s, ev.batch);
    if (b) {
      b.state = ev.state || 'done';
      b.finished_at = ev.time;
    }
    setSummary(s, ev, out);
    s.completions.forget(ev.batch);
    s.progressSeen.delete(ev.batch);
    recomputeQueue(s);
    out.dirty.add('batches').add('pool');
  },
};
