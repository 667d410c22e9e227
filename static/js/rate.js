// rate.js — jobs per second over a sliding window, from whatever the server tells us.
// Small lists send one job.done per job; big lists only send coalesced
// batch.progress summaries. CompletionCounter turns both into "this many more jobs
// finished" without counting a job twice; RateMeter turns that into jobs/s.

/** RateMeter sums counts added over the last windowMs and reports them per second. */
export class RateMeter {
  constructor(windowMs = 5000) {
    this.windowMs = windowMs;
    this.samples = []; // [timeMs, count], oldest first
    this.firstMs = 0; // when the first count arrived; 0 before any
  }

  /** add records n finished jobs at time t. */
  add(n, t = Date.now()) {
    if (!(n > 0)) return;
    if (!this.firstMs) this.firstMs = t;
    this.samples.push([t, n]);
    this.#trim(t);
  }

  /** rate returns jobs/s at time t, or null before any job was seen. */
  rate(t = Date.now()) {
    if (!this.firstMs) return null;
    this.#trim(t);
    const sum = this.samples.reduce((acc, [, n]) => acc + n, 0);
    // Early on the window is not full yet: divide by the time observed (at least 1 s).
    const seconds = Math.max(Math.min(this.windowMs, t - this.firstMs), 1000) / 1000;
    return sum / seconds;
  }

  #trim(t) {
    while (this.samples.length && this.samples[0][0] <= t - this.windowMs) this.samples.shift();
  }
}

/**
 * CompletionCounter tracks, per job list, how many jobs are known to have finished
 * (done or failed): the larger of (the count when we started watching plus the jobs
 * seen finishing in job.done/job.failed since) and the count in the latest summary. Each call returns how many more finished since the
 * last call for that list.
 */
export class CompletionCounter {
  constructor() {
    this.lists = new Map(); // id -> {base, ids: Set, summary, counted}
  }

  /** baseline records a list's current count without counting it as new. */
  baseline(id, summary) {
    const n = finished(summary);
    this.lists.set(id, { base: n, ids: new Set(), summary: n, counted: n });
  }

  /** job records one finished job; it returns 1 if that is news, else 0. */
  job(id, jobId) {
    const l = this.lists.get(id);
    if (!l) return 0; // a list from before we started watching
    l.ids.add(jobId);
    return this.#update(l);
  }

  /** summary records a list's summary; it returns how many more jobs finished. */
  summary(id, summary) {
    const l = this.lists.get(id);
    if (!l) {
      this.baseline(id, summary);
      return 0;
    }
    l.summary = Math.max(l.summary, finished(summary));
    return this.#update(l);
  }

  /** forget drops a list that ended. */
  forget(id) {
    this.lists.delete(id);
  }

  #update(l) {
    const now = Math.max(l.base + l.ids.size, l.summary, l.counted);
    const delta = now - l.counted;
    l.counted = now;
    return delta;
  }
}

function finished(summary) {
  return (summary?.done ?? 0) + (summary?.failed ?? 0);
}
