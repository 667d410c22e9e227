// dom.js — small DOM helpers.

/** $ finds one element. */
export const $ = (sel, root = document) => root.querySelector(sel);

/** showMessage writes an inline error or status; empty text clears it. */
export function showMessage(el, text) {
  if (!el) return;
  el.textContent = text || '';
}
