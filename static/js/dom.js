// dom.js — small DOM helpers that write only when something changed, and the
// once-per-frame scheduler every page draws through.

import { stateClass } from './format.js';

/** $ finds one element. */
export const $ = (sel, root = document) => root.querySelector(sel);

/** field finds the [data-field=name] element inside root. */
export const field = (root, name) => root.querySelector(`[data-field="${name}"]`);

/** setText sets an element's text if it differs. */
export function setText(el, text) {
  if (el && el.textContent !== text) el.textContent = text;
}

/** setAttr sets an attribute if it differs. */
export function setAttr(el, name, value) {
  if (el && el.getAttribute(name) !== value) el.setAttribute(name, value);
}

/** setState sets data-state and the state-* class that colours it. */
export function setState(el, state) {
  if (!el) return;
  setAttr(el, 'data-state', state);
  setStateClass(el, state);
}

/** setStateClass swaps el's state-* class. */
export function setStateClass(el, state) {
  if (!el) return;
  const want = stateClass(state);
  if (el.classList.contains(want)) return;
  for (const c of [...el.classList]) if (c.startsWith('state-')) el.classList.remove(c);
  el.classList.add(want);
}

/** setPill writes a state pill: its text and its colour. */
export function setPill(el, state) {
  setStateClass(el, state);
  setText(el, state);
}

/**
 * createScheduler batches drawing: mark(part...) notes what changed, and draw(parts)
 * runs once in the next animation frame with everything marked since.
 */
export function createScheduler(draw, raf = (fn) => requestAnimationFrame(fn)) {
  let dirty = new Set();
  let queued = false;
  return {
    mark(...parts) {
      for (const p of parts) dirty.add(p);
      if (queued) return;
      queued = true;
      raf(() => {
        queued = false;
        const parts = dirty;
        dirty = new Set();
        draw(parts);
      });
    },
  };
}

/**
 * throttle calls fn at most once per ms: at once when idle, else once at the end of
 * the wait, never two calls at the same time.
 */
export function throttle(fn, ms) {
  let last = -Infinity;
  let timer = null;
  let running = false;
  let again = false;
  const run = async () => {
    timer = null;
    if (running) {
      again = true;
      return;
    }
    running = true;
    last = Date.now();
    try {
      await fn();
    } finally {
      running = false;
      if (again) {
        again = false;
        call();
      }
    }
  };
  function call() {
    if (timer) return;
    if (running) {
      again = true;
      return;
    }
    timer = setTimeout(run, Math.max(0, last + ms - Date.now()));
  }
  return call;
}

/** showMessage writes an inline error or status; empty text clears it. */
export function showMessage(el, text) {
  if (!el) return;
  el.textContent = text || '';
}
