// Package static holds the control panel's browser assets: the stylesheet, the
// JavaScript modules and the favicon, embedded in the binary as FS. There is no build
// step and nothing comes from a CDN: the files are served as they are, so a strict
// Content-Security-Policy (script-src 'self'; style-src 'self') holds.
//
// Layout of FS (serve it under web.StaticPrefix, "/static/"):
//
//	favicon.svg
//	css/app.css        the whole stylesheet: light/dark, presentation mode, responsive
//	js/boot.js         classic script in <head>: html.js and presentation mode before paint
//	js/app.js          ES module entry: starts the page named by <body data-page>
//	js/*.js            the modules app.js imports (see the comment at its top)
//
// The server can serve it with
//
//	mux.Handle("/static/", http.StripPrefix("/static/", http.FileServerFS(static.FS)))
//
// The scripts render nothing: the server renders every page and every live update
// (package web) and live.js swaps the fragments in by id. TestNoRendererInJS keeps it
// so; the browser tests in server/e2e prove the rest.
package static
