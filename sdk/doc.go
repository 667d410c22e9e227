// Package sdk holds the worker libraries for other languages (python/gocluster.py,
// node/gocluster.js), a worker written from docs/protocol.md alone (shell/worker.sh),
// and the end-to-end tests that serve each of them with the real gocluster binary
// (`gocluster serve -exec ...`) and send them work over HTTP. There is no Go API
// here: Go workers use package cluster.
package sdk
