// logview.js — the event log's controls. The lines come rendered from the server;
// this only follows the newest (unless the reader scrolled up), filters by text and
// category, pauses (keeps the lines shown until resumed) and clears (hides the
// lines up to now).

import { $ } from './dom.js';
import { put } from './live.js';

/**
 * wireLog returns the swap hooks that keep a log followed, filtered, paused: the
 * event log by default, or the list of id opts.list with the category checkboxes
 * opts.cats (the output page: one per stream).
 */
export function wireLog(opts = {}) {
  const id = opts.list ?? 'event-log';
  const filter = $('#log-filter');
  const cats = (opts.cats ?? ['#log-cat-workers', '#log-cat-jobs', '#log-cat-pool']).map((s) => $(s)).filter(Boolean);
  const pause = $('#log-pause');
  let paused = false;
  let held = []; // what arrived for the log while paused, in order
  let clearedAt = 0; // lines up to this seq are hidden
  let follow = true; // the reader is at the newest lines (or the page just opened)

  const list = () => $('#' + id);
  const atBottom = (el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 24;
  function apply(el) {
    const on = cats.filter((c) => c.checked).map((c) => c.value);
    const q = (filter?.value || '').trim().toLowerCase();
    for (const li of el.children) {
      li.hidden = Number(li.dataset.seq) <= clearedAt || !on.includes(li.dataset.category) ||
        (q !== '' && !li.textContent.toLowerCase().includes(q));
    }
    if (follow) el.scrollTop = el.scrollHeight;
  }
  function setPaused(p) {
    paused = p;
    pause?.setAttribute('aria-pressed', String(p));
    if (pause) pause.textContent = p ? 'Resume' : 'Pause';
    if (!p && held.length) {
      for (const el of held.splice(0)) put(el);
      apply(list());
    }
  }
  filter?.addEventListener('input', () => apply(list()));
  for (const c of cats) c.addEventListener('change', () => apply(list()));
  pause?.addEventListener('click', () => setPaused(!paused));
  $('#log-clear')?.addEventListener('click', () => {
    clearedAt = Number(list().lastElementChild?.dataset.seq ?? clearedAt);
    apply(list());
  });
  if (list()) apply(list());
  return {
    before(el) {
      if (el.id !== id) return true;
      // Follow the newest lines only if the reader was at them: one who scrolled up
      // to read is not pulled down.
      follow = atBottom(list());
      if (!paused) return true;
      if (!el.hasAttribute('data-append')) held = [];
      held.push(el);
      return false;
    },
    after(el) {
      if (el.id === id) apply(el);
    },
  };
}
