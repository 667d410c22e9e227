// geometry.js — where bars go, in percent of their track. Mirrors web/stats.go
// (ProgressSegments) and web/timeline.go (BuildTimeline), so a page redrawn in the
// browser matches the page the server rendered. Pure functions: no DOM.

import { humanMs, jobLabel, parseTime } from './format.js';

/** The narrowest a job's bar is drawn, in percent, so a 1 ms job still shows. */
export const MIN_BAR_PERCENT = 0.4;

const SEGMENTS = ['done', 'failed', 'canceled', 'running'];

/**
 * progressSegments lays out a job list's stacked progress bar: done, failed,
 * canceled, running, each as wide as its share of the total; queued is the rest.
 * @returns {{name: string, x: number, w: number}[]}
 */
export function progressSegments(summary) {
  const total = summary?.total ?? 0;
  let x = 0;
  return SEGMENTS.map((name) => {
    const n = Math.max(summary?.[name] ?? 0, 0);
    const w = total > 0 ? Math.min((n * 100) / total, 100 - x) : 0;
    const seg = { name, x, w };
    x += w;
    return seg;
  });
}

/** niceStep rounds raw up to 1, 2 or 5 times a power of ten. */
export function niceStep(raw) {
  if (!(raw > 0)) return 1;
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5]) {
    if (m * mag >= raw * (1 - 1e-9)) return m * mag;
  }
  return 10 * mag;
}

/** ticks chooses at most six axis marks from 0 to spanMs. */
export function ticks(spanMs) {
  if (!(spanMs > 0)) return [];
  const step = niceStep(spanMs / 5);
  const out = [];
  for (let t = 0; t <= spanMs + step / 1e6; t += step) {
    out.push({ x: Math.min((t * 100) / spanMs, 100), label: t === 0 ? '0' : humanMs(t) });
  }
  return out;
}

/** place converts a bar's start and end (ms) into x and width in percent of span. */
export function place(start, end, span) {
  let x = (start * 100) / span;
  let w = Math.max(((end - start) * 100) / span, MIN_BAR_PERCENT);
  x = Math.min(x, 100 - MIN_BAR_PERCENT);
  w = Math.min(w, 100 - x);
  return { x, w };
}

/**
 * buildTimeline lays out the jobs (JobInfo JSON) of a list of `kind` created at
 * createdMs on an axis ending at endMs (its finish, or now while it runs).
 * @returns {{spanMs: number, lanes: {worker: number, pid: number, bars: object[]}[], ticks: object[]}}
 */
export function buildTimeline(kind, createdMs, endMs, jobs) {
  const rel = (ms) => ms - createdMs;
  const end = rel(endMs);
  let span = Math.max(end, 1);
  const lanes = new Map();
  for (const j of jobs || []) {
    const started = parseTime(j.started_at);
    if (!j.worker || !started) continue;
    const finished = parseTime(j.finished_at);
    const startMs = Math.max(rel(started), 0);
    const endMsBar = Math.max(finished ? rel(finished) : end, startMs);
    span = Math.max(span, endMsBar);
    if (!lanes.has(j.worker)) lanes.set(j.worker, { worker: j.worker, pid: j.pid || 0, bars: [] });
    lanes.get(j.worker).bars.push({
      job: j.id, input: j.input, state: j.state, startMs, endMs: endMsBar,
      label: `job ${j.id} ${jobLabel(kind, j.input)}: ${j.state}, ${humanMs(endMsBar - startMs)}`,
    });
  }
  const out = [...lanes.values()].sort((a, b) => a.worker - b.worker);
  for (const lane of out) {
    for (const b of lane.bars) Object.assign(b, place(b.startMs, b.endMs, span));
    lane.bars.sort((a, b) => a.startMs - b.startMs || a.job - b.job);
  }
  return { spanMs: span, lanes: out, ticks: ticks(span) };
}

/** pct writes a percentage for an SVG attribute, like web's pct: "12.345%". */
export function pct(x) {
  return `${x.toFixed(3)}%`;
}
