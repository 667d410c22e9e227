// app.js — the one module every page loads. It wires the presentation-mode toggle
// and starts the code of the current page, named by <body data-page>.
//
// Modules:
//   panel.js, batchpage.js,  one controller per live page; demos.js runs the Demos
//   demos.js                 page's demos and polls the http demo's counts
//   live.js, ws.js           the reconnecting WebSocket and the connection badge
//   state.js, rate.js        the pool as the server's JSON; jobs/s
//   render.js, results.js,   DOM updates in place (render.js for the panel and the
//   timeline.js, dom.js      list summary; dom.js: helpers and the frame scheduler)
//   eventlog.js              the log in words, with filter and pause
//   format.js, geometry.js   pure helpers that follow the Go side's rules (web/)
//   api.js, forms.js         fetch with the API's error shape; forms over the API
// Pure modules are tested under Node in ../jstest.

import { startBatchPage } from './batchpage.js';
import { startDemosPage } from './demos.js';
import { $ } from './dom.js';
import { startPanel } from './panel.js';

/** PRESENT_KEY is the localStorage key remembering presentation mode ("1" or "0"). */
const PRESENT_KEY = 'gocluster.presentation';

/** wirePresentationToggle makes #present-toggle switch html.present and remember it. */
function wirePresentationToggle() {
  const button = $('#present-toggle');
  if (!button) return;
  const html = document.documentElement;
  button.setAttribute('aria-pressed', String(html.classList.contains('present')));
  button.addEventListener('click', () => {
    const on = html.classList.toggle('present');
    button.setAttribute('aria-pressed', String(on));
    try {
      localStorage.setItem(PRESENT_KEY, on ? '1' : '0');
    } catch {
      // Not remembered; the toggle still works for this page.
    }
  });
}

function main() {
  wirePresentationToggle();
  switch (document.body.dataset.page) {
    case 'panel':
      startPanel();
      break;
    case 'batch': {
      const root = $('#batch-page');
      if (root) startBatchPage(root);
      break;
    }
    case 'demos':
      startDemosPage();
      break;
    default:
      // login and message pages are plain.
  }
}

main();
