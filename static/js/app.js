// app.js — the one module every page loads. It wires the presentation-mode toggle
// and starts the code of the current page, named by <body data-page>.
//
// The server renders every page and every live update (web/ is the only renderer):
//   live.js     the fragment WebSocket: swaps the parts that changed, by id
//   logview.js  the event log's follow, filter, pause and clear
//   forms.js    forms sent to their own /ui/ actions without a reload
//   demos.js    the Demos page's copy buttons
// Pure modules are tested under Node in ../jstest.

import { wireCopyButtons } from './demos.js';
import { $ } from './dom.js';
import { wireForms } from './forms.js';
import { startLive } from './live.js';
import { wireLog } from './logview.js';

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

/** batchQuery names a list's page of jobs for the fragment stream. */
function batchQuery(root) {
  return new URLSearchParams({
    page: 'batch', id: root.dataset.batchId,
    jobs_offset: root.dataset.jobsOffset || '0', jobs_limit: root.dataset.jobsLimit || '500',
  });
}

function main() {
  wirePresentationToggle();
  wireForms();
  const page = document.body.dataset.page;
  switch (page) {
    case 'panel':
      startLive('page=panel', wireLog());
      break;
    case 'batch': {
      const root = $('#batch-page');
      if (!root) break;
      startLive(batchQuery(root), {});
      break;
    }
    case 'logs': {
      const root = $('#logs-page');
      if (!root) break;
      const worker = root.dataset.worker === '0' ? '' : root.dataset.worker;
      startLive(new URLSearchParams({ page: 'logs', worker }),
        wireLog({ list: 'worker-log', cats: ['#log-cat-stdout', '#log-cat-stderr'] }));
      break;
    }
    case 'present':
      startLive('page=present', {});
      break;
    case 'demos':
      if ($('#http-demo')) startLive('page=demos', {});
      wireCopyButtons();
      break;
    default:
      // login and message pages are plain.
  }
}

main();
