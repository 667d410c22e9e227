// timeline.js — redraws #timeline from a job list's jobs, the same way the server's
// Timeline component does: one lane per worker, one SVG bar per started job, placed
// with x and width in percent (attributes, not inline styles, so a strict CSP holds).

import { stateClass } from './format.js';
import { pct } from './geometry.js';

const SVG = 'http://www.w3.org/2000/svg';

function svgEl(name, attrs = {}) {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

function div(className, text) {
  const el = document.createElement('div');
  el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

function tickClass(i, n) {
  if (i === 0) return 'tick tick-first';
  if (i === n - 1) return 'tick tick-last';
  return 'tick';
}

/** drawTimeline replaces the content of the #timeline container with tl (from buildTimeline). */
export function drawTimeline(container, tl) {
  container.dataset.spanMs = String(tl.spanMs);
  const rows = [axis(tl)];
  for (const lane of tl.lanes) rows.push(laneRow(lane, tl.ticks));
  if (!tl.lanes.length) {
    const p = document.createElement('p');
    p.className = 'empty-note shown';
    p.textContent = 'No job has started yet.';
    rows.push(p);
  }
  container.replaceChildren(...rows);
}

function axis(tl) {
  const row = div('lane axis');
  row.setAttribute('aria-hidden', 'true');
  const track = svgEl('svg', { class: 'lane-track axis-track', preserveAspectRatio: 'none' });
  tl.ticks.forEach((t, i) => {
    const text = svgEl('text', { class: tickClass(i, tl.ticks.length), x: pct(t.x), y: '70%' });
    text.textContent = t.label;
    track.append(text);
  });
  row.append(div('lane-label'), track);
  return row;
}

function laneRow(lane, ticks) {
  const row = div('lane');
  row.dataset.lane = String(lane.worker);
  const label = div('lane-label', `worker ${lane.worker} `);
  const small = document.createElement('small');
  small.textContent = `pid ${lane.pid}`;
  label.append(small);
  const n = lane.bars.length;
  const track = svgEl('svg', {
    class: 'lane-track', role: 'img', preserveAspectRatio: 'none',
    'aria-label': `worker ${lane.worker}, pid ${lane.pid}: ${n === 1 ? '1 job' : `${n} jobs`}`,
  });
  for (const t of ticks) track.append(svgEl('line', { class: 'gridline', x1: pct(t.x), x2: pct(t.x), y1: '0', y2: '100%' }));
  for (const b of lane.bars) {
    const rect = svgEl('rect', {
      class: `bar ${stateClass(b.state)}`, 'data-job-bar': '', 'data-job-id': String(b.job),
      'data-state': b.state, x: pct(b.x), width: pct(b.w), y: '15%', height: '70%', rx: '3',
    });
    const title = svgEl('title');
    title.textContent = b.label;
    rect.append(title);
    track.append(rect);
  }
  row.append(label, track);
  return row;
}
