// boot.js — a tiny classic (non-module) script loaded in <head>, so it runs before the
// first paint: it marks the page as having JavaScript (html.js, which reveals the
// controls that need it) and restores the presentation-mode choice from
// localStorage, so a projector never flashes small text first.
(function () {
  'use strict';
  var html = document.documentElement;
  html.classList.add('js');
  try {
    var v = window.localStorage.getItem('gocluster.presentation');
    if (v === '1') html.classList.add('present');
    if (v === '0') html.classList.remove('present');
  } catch (e) {
    // Storage may be disabled; the server's choice stands.
  }
})();
