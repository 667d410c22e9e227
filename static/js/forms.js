// forms.js — with JavaScript, the panel's POST forms call the JSON API instead of
// reloading the page. Without JavaScript the same forms post to /ui/... and the
// server answers 303 or re-renders with the error inline; either way errors appear
// in the same places (#scale-error, #form-error, #action-error), in the same words:
// the server's messages, as humanMessage and the server's formMessage word them.

import { api, apiText, humanMessage } from './api.js';
import { $, showMessage } from './dom.js';

/**
 * submitting disables a form's buttons while fn runs, shows fn's error in errorEl
 * (worded for people, as the no-JavaScript path does), and clears errorEl on success.
 */
export async function submitting(form, errorEl, fn) {
  const buttons = [...form.querySelectorAll('button')];
  const before = buttons.map((b) => b.disabled);
  for (const b of buttons) b.disabled = true;
  try {
    await fn();
    showMessage(errorEl, '');
    return true;
  } catch (e) {
    showMessage(errorEl, humanMessage(e.message));
    return false;
  } finally {
    buttons.forEach((b, i) => {
      b.disabled = before[i];
    });
  }
}

/** setInvalid marks a field invalid for assistive technology, or clears the mark. */
function setInvalid(el, bad) {
  if (bad) el.setAttribute('aria-invalid', 'true');
  else el.removeAttribute('aria-invalid');
}

/** on intercepts submits of forms matching sel inside root. */
export function on(root, sel, handler) {
  root?.addEventListener('submit', (e) => {
    const form = e.target.closest(sel);
    if (!form) return;
    e.preventDefault();
    handler(form, e.submitter);
  });
}

/**
 * scaleTarget works out the size a scale-form button asks for: "set" takes the field,
 * "minus" and "plus" step from the current desired size, "cpu" is the CPU count.
 */
export function scaleTarget(action, field, current, cpus) {
  switch (action) {
    case 'minus':
      return Math.max(current - 1, 0);
    case 'plus':
      return current + 1;
    case 'cpu':
      return cpus;
    default:
      return field.trim() === '' ? NaN : Number(field);
  }
}

/** wirePanelForms hooks every mutating form of the panel. state is the live state. */
export function wirePanelForms(state) {
  const actionError = $('#action-error');
  const pool = $('#pool');

  // With JavaScript the API's message is shown inline for every button, so the
  // browser's own checks (min/max/required, kept for no-JS use) step aside; −, + and
  // "one per CPU" do not even read the field.
  const scaleForm = $('#scale-form');
  if (scaleForm) scaleForm.noValidate = true;
  on(document, '#scale-form', (form, submitter) => {
    const input = $('#scale-size', form);
    const current = state.ready ? state.pool.size : Number(pool?.dataset.size ?? input.value);
    const size = scaleTarget(submitter?.value || 'set', input.value, current, Number(pool?.dataset.cpus ?? 0));
    const errorEl = $('#scale-error', form);
    submitting(form, errorEl, async () => {
      if (!Number.isInteger(size)) throw new Error('Type a whole number of workers.');
      await api('PUT', '/api/pool', { size });
      input.value = String(size);
      state.pool.size = size;
    }).then((ok) => setInvalid(input, !ok));
  });

  on(document, '#restart-form', (form) => {
    submitting(form, actionError, () => api('POST', '/api/pool/restart'));
  });

  on($('#workers'), 'form[data-action]', (form) => {
    const id = form.closest('[data-worker-id]')?.dataset.workerId;
    const action = form.dataset.action;
    const body = { kill: { signal: 'SIGKILL' }, crash: { code: 1 } }[action];
    submitting(form, actionError, () => api('POST', `/api/workers/${encodeURIComponent(id)}/${action}`, body));
  });

  on($('#batches'), 'form[data-action="cancel"]', (form) => {
    const id = form.closest('[data-batch-id]')?.dataset.batchId;
    submitting(form, actionError, () => api('DELETE', `/api/batches/${encodeURIComponent(id)}`));
  });

  wireJobForm();
}

/**
 * wireJobForm sends the new-job-list form as POST /api/batches?kind=…&timeout=…
 * with the textarea's text as the body, so the server parses and checks the inputs
 * and its message is the one shown, as without JavaScript.
 */
function wireJobForm() {
  const form = $('#job-form');
  if (!form) return;
  const kind = $('#job-kind', form);
  const doc = $('#job-kind-doc', form);
  kind?.addEventListener('change', () => showMessage(doc, kind.selectedOptions[0]?.dataset.doc || ''));
  const inputs = $('#job-inputs', form);
  const status = $('#form-status', form);
  on(document, '#job-form', () => {
    showMessage(status, '');
    submitting(form, $('#form-error', form), async () => {
      const b = await apiText('POST', batchesPath(kind.value, $('#job-timeout', form).value), inputs.value);
      if (b?.id) startedMessage(status, b);
    }).then((ok) => setInvalid(inputs, !ok));
  });
}

/** batchesPath is POST /api/batches with the form's kind and, if given, timeout. */
export function batchesPath(kind, timeout) {
  const q = new URLSearchParams({ kind });
  if (timeout.trim()) q.set('timeout', timeout.trim());
  return `/api/batches?${q}`;
}

/** startedMessage says a list started, with a link to its page. */
function startedMessage(el, b) {
  const a = document.createElement('a');
  a.href = `/batches/${encodeURIComponent(b.id)}`;
  a.textContent = 'see its timeline';
  el.replaceChildren(`Job list ${b.id} started: ${b.summary?.total ?? ''} × ${b.kind}. `, a, '.');
}

/** wireBatchPageForms hooks the cancel form of a job list's page. */
export function wireBatchPageForms(id, onDone) {
  on(document, '#batch-cancel-form', (form) => {
    submitting(form, $('#action-error'), () => api('DELETE', `/api/batches/${encodeURIComponent(id)}`)).then(onDone);
  });
}
