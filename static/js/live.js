// live.js — starts the page's WebSocket connection and keeps #conn-badge in step.

import { $ } from './dom.js';
import { LiveConnection } from './ws.js';

const BADGE_TEXT = { live: 'live', reconnecting: 'reconnecting…', offline: 'offline' };

/** setBadge shows a connection status in #conn-badge. */
export function setBadge(status) {
  const badge = $('#conn-badge');
  if (!badge) return;
  badge.dataset.conn = status;
  badge.textContent = BADGE_TEXT[status] ?? status;
}

/** startLive connects with the given onSnapshot and onEvent callbacks. */
export function startLive({ onSnapshot, onEvent }) {
  setBadge('reconnecting');
  const conn = new LiveConnection({ onSnapshot, onEvent, onStatus: setBadge });
  conn.start();
  window.addEventListener('online', () => conn.retryNow());
  window.addEventListener('offline', () => setBadge('offline'));
  return conn;
}
