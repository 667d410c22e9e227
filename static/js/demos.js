// demos.js — the Demos page at GET /demos. Run buttons call the API instead of
// posting the form: fib and restart then open the page where the demo shows (the
// list's page, the panel), and http starts filling its box in place. The box polls
// GET /api/demos/http every 500 ms while the demo runs (every few seconds otherwise,
// to notice a run started elsewhere), so the per-worker counts grow live. Without
// JavaScript the forms post to /ui/demos/{id}/run and the box shows the counts as of
// the page load.

import { api, apiText } from './api.js';
import { $, setAttr, setText } from './dom.js';
import { httpDemoText } from './format.js';
import { on, submitting } from './forms.js';

/** Poll intervals of GET /api/demos/http: while the demo runs, and while it does not. */
const POLL_RUNNING_MS = 500;
const POLL_IDLE_MS = 3000;

/** startDemosPage wires the run forms, the http demo's box and its copy button. */
export function startDemosPage() {
  const box = $('#http-demo');
  const poller = box ? startPolling(box) : null;
  on($('#demos'), 'form[data-action="run-demo"]', (form) => runDemo(form, poller));
  wireCopyButtons();
}

/** runDemo sends one run form over the API. */
function runDemo(form, poller) {
  const id = form.closest('[data-demo-id]')?.dataset.demoId;
  const inputs = form.querySelector('input[name="inputs"]');
  const path = `/api/demos/${encodeURIComponent(id)}/run`;
  submitting(form, form.querySelector('.demo-error'), async () => {
    const text = inputs?.value.trim() ?? '';
    const run = text ? await apiText('POST', path, text) : await api('POST', path);
    if (run?.http && poller) poller.show(run.http);
    else if (run?.page) window.location.assign(run.page);
  }).then((ok) => {
    if (!inputs) return;
    if (ok) inputs.removeAttribute('aria-invalid');
    else inputs.setAttribute('aria-invalid', 'true');
  });
}

/**
 * startPolling keeps the box current: one GET at a time, the next scheduled when the
 * answer is drawn. show draws an answer the page already has (a run just started).
 */
function startPolling(box) {
  let timer = null;
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(poll, box.dataset.running === 'true' ? POLL_RUNNING_MS : POLL_IDLE_MS);
  };
  async function poll() {
    try {
      renderHTTPDemo(box, await api('GET', '/api/demos/http'));
    } catch {
      // The server may be restarting: try again at the next tick.
    }
    schedule();
  }
  schedule();
  return {
    show(st) {
      renderHTTPDemo(box, st);
      schedule();
    },
  };
}

/** renderHTTPDemo draws GET /api/demos/http into the box, like web.HTTPDemoStatus. */
export function renderHTTPDemo(box, st) {
  setAttr(box, 'data-running', String(!!st.running));
  setAttr(box, 'data-addr', st.addr || '');
  setText($('[data-field="status"]', box), httpDemoText(st));
  const load = $('.http-demo-load', box);
  if (load) load.hidden = !st.load_command;
  setText($('#http-demo-load', box), st.load_command || '');
  renderCounts($('#http-demo-counts tbody', box), st.workers || []);
  setText($('[data-field="total"]', box), String(st.total ?? 0));
}

/** renderCounts keeps one row per worker, in the answer's order (by worker id). */
function renderCounts(tbody, workers) {
  if (!tbody) return;
  const rows = new Map([...tbody.querySelectorAll('tr[data-worker-id]')].map((tr) => [tr.dataset.workerId, tr]));
  const want = workers.map((w) => {
    const id = String(w.worker);
    const tr = rows.get(id) || countRow(id);
    rows.delete(id);
    setText($('.pid', tr), w.pid ? String(w.pid) : '–');
    setText($('.requests', tr), String(w.requests ?? 0));
    return tr;
  });
  for (const tr of rows.values()) tr.remove();
  want.forEach((tr, i) => {
    if (tbody.children[i] !== tr) tbody.insertBefore(tr, tbody.children[i] || null);
  });
}

/** countRow is a new row like web.HTTPDemoRow. */
function countRow(id) {
  const tr = document.createElement('tr');
  tr.dataset.workerId = id;
  for (const c of ['worker', 'pid', 'requests']) {
    const td = document.createElement('td');
    td.className = c;
    tr.append(td);
  }
  tr.firstChild.textContent = id;
  return tr;
}

/** wireCopyButtons makes button[data-copy] copy the text of the element it names. */
function wireCopyButtons() {
  for (const button of document.querySelectorAll('button[data-copy]')) {
    const label = button.textContent;
    button.addEventListener('click', async () => {
      const text = document.getElementById(button.dataset.copy)?.textContent || '';
      try {
        await navigator.clipboard.writeText(text);
        button.textContent = 'Copied';
      } catch {
        selectText(document.getElementById(button.dataset.copy));
        button.textContent = 'Press Ctrl+C to copy';
      }
      setTimeout(() => {
        button.textContent = label;
      }, 2000);
    });
  }
}

/** selectText selects el's text, so it can be copied by hand. */
function selectText(el) {
  if (!el) return;
  const range = document.createRange();
  range.selectNodeContents(el);
  const sel = window.getSelection();
  sel.removeAllRanges();
  sel.addRange(range);
}
