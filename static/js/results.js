// results.js — keeps the #batch-results table in step with a list's jobs, touching
// only the rows whose job changed.

import { setAttr, setPill, setText } from './dom.js';
import { humanMs, jobLabel } from './format.js';

const CELLS = ['job-id', 'input', 'state', 'result', 'error', 'worker', 'pid', 'attempts', 'duration'];

/** cellTexts is what each cell of a job's row says, like web.ResultRow. */
export function cellTexts(j) {
  const dash = (n) => (n ? String(n) : '–');
  let duration = '–';
  if (j.duration_ms > 0) duration = humanMs(j.duration_ms);
  else if (j.state === 'running') duration = '…';
  return {
    'job-id': String(j.id), input: String(j.input), state: j.state,
    result: j.result === undefined || j.result === null ? '' : String(j.result),
    error: j.error || '', worker: dash(j.worker), pid: dash(j.pid),
    attempts: String(j.attempts ?? 0), duration,
  };
}

/** renderResults makes tbody show one row per job, in the order given. */
export function renderResults(tbody, kind, jobs) {
  if (!tbody) return;
  const rows = new Map([...tbody.rows].map((tr) => [tr.dataset.jobId, tr]));
  let prev = null;
  for (const j of jobs) {
    let tr = rows.get(String(j.id));
    rows.delete(String(j.id));
    if (!tr) tr = newRow();
    updateRow(tr, kind, j);
    const next = prev ? prev.nextElementSibling : tbody.firstElementChild;
    if (next !== tr) tbody.insertBefore(tr, next);
    prev = tr;
  }
  for (const tr of rows.values()) tr.remove();
}

function newRow() {
  const tr = document.createElement('tr');
  for (const c of CELLS) {
    const td = document.createElement('td');
    td.className = c;
    if (c === 'state') td.append(document.createElement('span'));
    tr.append(td);
  }
  tr.querySelector('.state span').className = 'pill';
  return tr;
}

function updateRow(tr, kind, j) {
  setAttr(tr, 'data-job-id', String(j.id));
  setAttr(tr, 'data-state', j.state);
  const texts = cellTexts(j);
  for (const c of CELLS) {
    const td = tr.querySelector(`.${c}`);
    if (c === 'state') setPill(td.firstElementChild, j.state);
    else setText(td, texts[c]);
  }
  setAttr(tr.querySelector('.input'), 'title', jobLabel(kind, j.input));
  setAttr(tr.querySelector('.duration'), 'data-duration-ms', String(j.duration_ms ?? 0));
}
