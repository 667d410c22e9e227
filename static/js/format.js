// format.js — turning numbers into words people read on a projector.
// These mirror the Go helpers in web/format.go so that server-rendered and
// live-updated text look the same. Pure functions: no DOM.

/** humanMs writes a duration in milliseconds: "0.4 ms", "850 ms", "1.2 s", "3 min 4 s", "2 h 5 min". */
export function humanMs(ms) {
  if (!(ms > 0)) ms = 0;
  if (ms === 0) return '0 ms';
  if (ms < 0.05) return '< 0.1 ms';
  if (ms < 9.95) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** uptime writes how long ago `sinceMs` was, in whole seconds; "–" without a start. */
export function uptime(sinceMs, nowMs) {
  if (!Number.isFinite(sinceMs) || sinceMs <= 0) return '–';
  const s = Math.max(0, Math.floor((nowMs - sinceMs) / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

/** humanBytes writes a byte count in binary units: "512 B", "12.3 MiB"; "–" for 0. */
export function humanBytes(n) {
  if (!(n > 0)) return '–';
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** percent writes a CPU share: "12.5%". */
export function percent(p) {
  return `${(Number(p) || 0).toFixed(1)}%`;
}

/** speedup writes summed job time over wall time: "3.80×", or "–". */
export function speedup(x) {
  return x > 0 && Number.isFinite(x) ? `${x.toFixed(2)}×` : '–';
}

/** rate writes jobs per second for the pool stat: "12.3", or "–" before any job. */
export function rate(r) {
  if (r === null || !Number.isFinite(r)) return '–';
  return r >= 100 ? String(Math.round(r)) : r.toFixed(1);
}

const KNOWN_STATES = new Set([
  'starting', 'idle', 'busy', 'stopping', 'dead',
  'queued', 'running', 'done', 'failed', 'canceled',
]);

/** stateClass names the CSS class colouring a state; unknown states get state-unknown. */
export function stateClass(state) {
  return KNOWN_STATES.has(state) ? `state-${state}` : 'state-unknown';
}

/** jobLabel names a job like the log does: "fib(42)". */
export function jobLabel(kind, input) {
  return `${kind || 'job'}(${input ?? '?'})`;
}

/** clock writes the local time of day of an RFC 3339 string or ms: "15:04:05". */
export function clock(t) {
  const ms = typeof t === 'number' ? t : Date.parse(t);
  if (!Number.isFinite(ms) || ms <= 0) return '';
  const d = new Date(ms);
  const two = (n) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** parseTime reads an RFC 3339 time into ms since the epoch; 0 for none or Go's zero time. */
export function parseTime(t) {
  if (!t) return 0;
  const ms = Date.parse(t);
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}

/** progressLabel says what a progress bar shows, like web.ProgressLabel. */
export function progressLabel(s) {
  const n = (k) => s?.[k] ?? 0;
  return `${n('done')} of ${n('total')} done, ${n('failed')} failed, ${n('canceled')} canceled, ` +
    `${n('running')} running, ${n('queued')} queued`;
}

/** plural writes "1 job", "2 jobs". */
export function plural(n, noun) {
  return n === 1 ? `1 ${noun}` : `${n} ${noun}s`;
}

/**
 * httpDemoText is the first line of the http demo's box, like web.HTTPDemoStatusText:
 * "Serving <url> · 42 s left", "Ended: it served <url>." or "Not running.". st is
 * GET /api/demos/http, whose url is the demo's address as a URL.
 */
export function httpDemoText(st) {
  if (st?.running) return `Serving ${st.url} · ${st.seconds_left ?? 0} s left`;
  if (st?.addr) return `Ended: it served ${st.url}.`;
  return 'Not running.';
}
