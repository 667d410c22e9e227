// demos.js — the Demos page's copy buttons. Its run forms are sent by forms.js, and
// its http demo box is live (live.js), so the counts grow as requests arrive.

/** wireCopyButtons makes button[data-copy] copy the text of the element it names. */
export function wireCopyButtons() {
  document.addEventListener('click', (e) => {
    const button = e.target.closest('button[data-copy]');
    if (button) copy(button);
  });
}

async function copy(button) {
  const label = button.textContent;
  const el = document.getElementById(button.dataset.copy);
  try {
    await navigator.clipboard.writeText(el?.textContent || '');
    button.textContent = 'Copied';
  } catch {
    selectText(el);
    button.textContent = 'Press Ctrl+C to copy';
  }
  setTimeout(() => {
    button.textContent = label;
  }, 2000);
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
