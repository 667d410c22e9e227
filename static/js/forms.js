// forms.js — with JavaScript, the POST forms are sent without leaving the page, to
// the very /ui/... actions they post to without JavaScript. The server alone decides
// what a form means (the scale form's −, + and "one per CPU") and words its refusal:
// a refused form comes back as the page with the message in place, and the message
// is read from there. What changed then reaches the page as live fragments.

import { $, showMessage } from './dom.js';

/** on intercepts submits of forms matching sel (anywhere: live parts are replaced). */
export function on(sel, handler) {
  document.addEventListener('submit', (e) => {
    const form = e.target.closest(sel);
    if (!form) return;
    e.preventDefault();
    handler(form, e.submitter);
  });
}

/**
 * send posts form (as its submitter would) and resolves to the URL the server sent
 * it on to. A refusal rejects with the server's message from the element errorSel
 * of the page it answered with.
 */
export async function send(form, submitter, errorSel) {
  // Read the form first: FormData leaves out disabled controls, the submitter too.
  const body = new URLSearchParams(new FormData(form, submitter));
  const buttons = [...form.querySelectorAll('button')];
  for (const b of buttons) b.disabled = true;
  try {
    // getAttribute: the scale form's buttons are named "action", which shadows form.action.
    const res = await fetch(form.getAttribute('action'), { method: 'POST', body });
    if (res.ok && res.redirected) return new URL(res.url);
    const page = new DOMParser().parseFromString(await res.text(), 'text/html');
    throw new Error(page.querySelector(errorSel)?.textContent?.trim() || `${res.status} ${res.statusText}`);
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

/**
 * handle sends a form, showing the outcome in errorSel and marking fieldSel (the
 * field the message is about) invalid or not; then runs done.
 */
function handle(sel, errorSel, fieldSel, done = () => {}) {
  on(sel, (form, submitter) => {
    const errorEl = () => form.querySelector(errorSel) ?? $(errorSel);
    const field = fieldSel && form.querySelector(fieldSel);
    send(form, submitter, errorSel).then((url) => {
      showMessage(errorEl(), '');
      field?.removeAttribute('aria-invalid');
      done(url, form);
    }, (err) => {
      showMessage(errorEl(), err.message);
      field?.setAttribute('aria-invalid', 'true');
    });
  });
}

/** wireForms hooks every POST form of the live pages. */
export function wireForms() {
  // The server checks the size, so the browser's own checks step aside.
  const scale = $('#scale-form');
  if (scale) scale.noValidate = true;
  handle('#scale-form', '#scale-error', '#scale-size');
  handle('#job-form', '#form-error', '#job-inputs', (url, form) => startedMessage($('#form-status', form), url));
  handle('#restart-form, #workers form, #batches form, #batch-summary form', '#action-error');
  handle('form[data-action="run-demo"]', '.demo-error', 'input[name="inputs"]', (url) => {
    if (url.pathname !== location.pathname) location.assign(url);
  });
}

/** startedMessage says a list started, with a link to its page. */
function startedMessage(el, url) {
  if (!el) return;
  const id = decodeURIComponent(url.pathname.replace(/^\/batches\//, ''));
  const a = document.createElement('a');
  a.href = url.pathname;
  a.textContent = 'see its timeline';
  el.replaceChildren(`Job list ${id} started: `, a, '.');
}
