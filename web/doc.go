// Package web renders gocluster's HTML: the control panel, a job list's page with
// its timeline, the demos page and the token page. It owns templ components and the
// view models they take; it does not import package cluster. The server fills the
// view models from cluster's snapshots and serves the components.
//
// # Pages
//
//	PanelPage(l LayoutView, v PanelView)          GET /
//	BatchPage(l LayoutView, v BatchPageView)      GET /batches/{id}
//	DemosPage(l LayoutView, v DemosView)          GET /demos
//	LoginPage(l LayoutView, v LoginView)          GET /login
//	MessagePage(l LayoutView, v MessageView)      any error or notice page
//
// Every page links /static/css/app.css, /static/js/boot.js (a classic script that
// sets the presentation class before the first paint) and /static/js/app.js (an ES
// module), so the server serves package static's FS under StaticPrefix ("/static/").
// Nothing is inline: no <script> body, no <style>, no style="" and no on*=
// attributes, so the pages run under
//
//	Content-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'
//
// Positions (progress bars, the timeline) are SVG x and width attributes in percent.
//
// Every mutating control is a real <form method="post"> to a /ui/... route, so the
// panel works without JavaScript; with JavaScript forms.js sends the same form to
// the same route without leaving the page. The live pages (panel, a list's page,
// /present, the http demo's box) are kept current by the server: it renders the
// components below that changed and pushes them over /ws/fragments, and live.js
// puts each in place of the element with its id. No script renders anything. In read-only mode (LayoutView.ReadOnly) none of these
// forms is rendered and the header shows a "read-only" badge.
//
// # Selectors for tests
//
// These ids and data- attributes are stable; browser tests may rely on them. A live
// update is the same component rendered again, so it keeps them.
//
// Every page:
//
//	body[data-page]                    "panel", "batch", "present", "demos" or "login"
//	body[data-read-only]               "true" or "false"
//	#conn-badge[data-conn]             panel and batch pages: "live", "reconnecting" or "offline"
//	                                   (server-rendered "offline"; the text says "live",
//	                                   "reconnecting…" or "offline")
//	#readonly-badge                    present only in read-only mode
//	#present-toggle[aria-pressed]      presentation-mode button; html.present when on
//	                                   (remembered in localStorage "gocluster.presentation")
//	html.js                            set by boot.js when JavaScript runs
//
// Panel (GET /):
//
//	#pool                              pool section
//	#pool [data-stat="size|online|busy|idle|starting|queue|running|rate|restarts|jobs-done"]
//	                                   big numbers; text is the number ("rate" is jobs/s, "–" until known)
//	#degraded-warning                  has the hidden attribute unless the pool is degraded
//	#scale-form                        form POST /ui/pool/scale
//	#scale-size                        input name=size
//	#scale-form button[name=action][value="set|minus|plus|cpu"]
//	#scale-error                       inline error of the scale form (aria-live)
//	#restart-form                      form POST /ui/pool/restart
//	#workers                           list of worker cards
//	#workers [data-worker-id="3"]      one card; data-state="starting|idle|busy|stopping|dead",
//	                                   data-pid; a worker that exits shows data-state="dead"
//	                                   for about 2 s, then its card is removed
//	#workers [data-worker-id] [data-field="pid|state|uptime|job|jobs-done|restarts|rss|cpu"]
//	#workers [data-worker-id] form[data-action="stop|kill|crash"]
//	                                   POST /ui/workers/{id}/stop|kill|crash; one submit button each
//	#job-form                          form POST /ui/batches
//	#job-kind, #job-inputs, #job-timeout  fields kind, inputs, timeout
//	#form-error                        inline error of the job form (aria-live; empty when none)
//	#form-status                       "job list X started" message with a link (JS path)
//	#action-error                      error of a worker, pool or cancel action
//	#batches                           job lists, newest first
//	#batches [data-batch-id]           one list; data-state="running|done|canceled";
//	                                   a.batch-link to /batches/{id}; svg.progress with
//	                                   rect[data-seg="done|failed|canceled|running"];
//	                                   [data-field="counts"]; form[data-action="cancel"]
//	#event-log                         ordered list, role=log, aria-live
//	#event-log li                      one line; data-seq, data-type (event type),
//	                                   data-category="workers|jobs|pool"; .msg is the sentence
//	#log-filter                        text filter; #log-cat-workers, #log-cat-jobs,
//	                                   #log-cat-pool category checkboxes
//	#log-pause                         pause button; while paused its text says how many
//	                                   lines are buffered, e.g. "Resume (12 new)"
//
// Job list (GET /batches/{id}):
//
//	#batch-page[data-batch-id][data-state]
//	#batch-summary [data-field="state|wall|work|parallelism|speedup|ideal|best|ran-with|counts|total|done|failed|canceled"]
//	#batch-cancel-form                 form POST /ui/batches/{id}/cancel (running lists only)
//	#batch-results                     the results table
//	#batch-results tr[data-job-id]     one job; data-state; cells .job-id .input .state
//	                                   .result .error .worker .pid .attempts .duration
//	#timeline                          the timeline; data-span-ms
//	#timeline [data-lane="3"]          one lane per worker that ran a job of the list
//	#timeline [data-lane] [data-job-bar]   one SVG rect per started job; data-job-id,
//	                                   data-state, x and width in percent
//
// Demos (GET /demos):
//
//	#demos [data-demo-id]              one demo (li#demo-{id}); .node-snippet and .go-snippet
//	                                   code blocks, .demo-command
//	#demos [data-demo-id] form[data-action="run-demo"]
//	                                   POST RunAction (/ui/demos/{id}/run), unless read-only
//	#demo-{id}-inputs                  the run form's inputs field (name=inputs), fib only
//	#demo-{id}-error                   inline error of the run form (aria-live)
//	#http-demo[data-running][data-addr]    the http demo's box (shown in read-only too)
//	#http-demo [data-field="status|total"] its status line and numReqs
//	#http-demo-load                    the load command; button[data-copy] copies it
//	#http-demo-counts tr[data-worker-id]   one worker's share; cells .worker .pid .requests
//
// Login (GET /login): #login-form (GET /), input#token name=token, #form-error.
//
// Message pages: body[data-page="message"], h1 and #message.
package web
