// live.js — keeps a server-rendered page live. The server renders every live part
// of the page (web/, the only renderer) and sends the parts that changed over
// GET /ws/fragments as HTML; each top-level element replaces the element with its
// id. This file knows nothing of the pool: no state, no formatting.

import { $ } from './dom.js';

const BADGE_TEXT = { live: 'live', reconnecting: 'reconnecting…', offline: 'offline' };
const RETRY_MS = [250, 500, 1000, 2000, 5000];

/** setBadge shows a connection status in #conn-badge. */
export function setBadge(status) {
  const badge = $('#conn-badge');
  if (!badge) return;
  badge.dataset.conn = status;
  badge.textContent = BADGE_TEXT[status] ?? status;
}

/**
 * put puts a fragment in place of the element with its id: it replaces it, or, for
 * a fragment marked data-append, adds its items at the end and keeps the last
 * data-cap of them. It returns the element now in the page.
 */
export function put(el) {
  const old = document.getElementById(el.id);
  if (!old) return null;
  if (!el.hasAttribute('data-append')) {
    old.replaceWith(el);
    return el;
  }
  old.append(...el.children);
  const cap = Number(old.dataset.cap) || Infinity;
  while (old.childElementCount > cap) old.firstElementChild.remove();
  return old;
}

/** swap puts each element of the HTML in place; hooks may hold one back (before). */
export function swap(html, hooks = {}) {
  // DOMParser runs no script and the page's CSP stands; the HTML is the server's own.
  const doc = new DOMParser().parseFromString(html, 'text/html');
  for (const el of [...doc.body.children]) {
    if (!el.id || hooks.before?.(el) === false) continue;
    const now = put(el);
    if (now) hooks.after?.(now);
  }
}

/**
 * startLive connects to /ws/fragments?query and swaps what arrives, reconnecting
 * with backoff; the first message after a (re)connect holds every live part.
 */
export function startLive(query, hooks) {
  let tries = 0;
  let timer = null;
  const url = () => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/fragments?${query}`;
  function connect() {
    timer = null;
    setBadge('reconnecting');
    const ws = new WebSocket(url());
    ws.onopen = () => {
      tries = 0;
      setBadge('live');
    };
    ws.onmessage = (m) => swap(String(m.data), hooks);
    ws.onclose = () => {
      setBadge(navigator.onLine === false ? 'offline' : 'reconnecting');
      timer = setTimeout(connect, RETRY_MS[Math.min(tries++, RETRY_MS.length - 1)]);
    };
  }
  window.addEventListener('online', () => {
    if (timer) {
      clearTimeout(timer);
      connect();
    }
  });
  window.addEventListener('offline', () => setBadge('offline'));
  connect();
}
