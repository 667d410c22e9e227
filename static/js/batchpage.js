// batchpage.js — one job list's page at GET /batches/{id}. Events for this list
// (per job for small lists, coalesced batch.progress for big ones) trigger a refetch
// of GET /api/batches/{id}, at most every 500 ms, which redraws the summary, the
// results table and the timeline. The page shows one page of a big list's jobs
// (data-jobs-offset, data-jobs-limit, from ?jobs_offset= and ?jobs_limit=), and the
// refetch asks for that same page. While the list runs, the timeline's running bars
// grow once a second.

import { api } from './api.js';
import { $, createScheduler, showMessage, throttle } from './dom.js';
import { buildTimeline } from './geometry.js';
import { wireBatchPageForms } from './forms.js';
import { startLive } from './live.js';
import { renderBatchSummary } from './render.js';
import { renderResults } from './results.js';
import { drawTimeline } from './timeline.js';
import { parseTime } from './format.js';

/** REFETCH_MS is the least time between two GET /api/batches/{id}. */
const REFETCH_MS = 500;
/** Above this many jobs the timeline is redrawn on new data only, not every second. */
const BIG_LIST = 2000;

/** startBatchPage brings a job list's page to life. */
export function startBatchPage(root) {
  const id = root.dataset.batchId;
  const page = new URLSearchParams({
    jobs_offset: root.dataset.jobsOffset || '0',
    jobs_limit: root.dataset.jobsLimit || '500',
  });
  let batch = null; // BatchInfo with jobs, once fetched
  const sched = createScheduler(draw);

  function draw(parts) {
    if (!batch) return;
    const now = Date.now();
    renderBatchSummary(root, batch, now);
    if (parts.has('data')) renderResults($('#batch-results tbody', root), batch.kind, batch.jobs || []);
    const running = batch.state === 'running';
    if (parts.has('data') || (running && (batch.jobs?.length ?? 0) <= BIG_LIST)) {
      const end = running ? now : parseTime(batch.finished_at) || now;
      drawTimeline($('#timeline', root), buildTimeline(batch.kind, parseTime(batch.created_at), end, batch.jobs));
    }
  }

  const refetch = throttle(async () => {
    try {
      batch = await api('GET', `/api/batches/${encodeURIComponent(id)}?${page}`);
      sched.mark('data');
    } catch (e) {
      showMessage($('#action-error'), e.message);
    }
  }, REFETCH_MS);

  startLive({
    onSnapshot: () => refetch(),
    onEvent(ev) {
      if (ev.batch !== id) return;
      if (batch && ev.summary) batch.summary = ev.summary;
      if (batch && ev.type === 'batch.done') batch.state = ev.state || 'done';
      sched.mark('summary');
      refetch();
    },
  });

  setInterval(() => {
    if (batch?.state === 'running') sched.mark('tick');
  }, 1000);
  wireBatchPageForms(id, () => refetch());
}
