// Package server adapts a cluster.Cluster to HTTP: the REST API for scripts and curl
// users, the WebSocket event stream, the HTML control panel, Prometheus metrics, and
// the security around them (token and its sign-in rate limit, the Host check against
// DNS rebinding, one path for checks and router, read-only mode, CSRF and header
// policy). The attacks these stop are tests in attack_*_test.go.
//
// It owns no pool state: every handler asks the cluster, which is the single source
// of truth, and renders the answer. Errors leave through one table (errors.go) as one
// JSON shape: {"error":{"code":"...","message":"..."}}.
//
// The Demos page's run buttons are the exception that Server owns and stops at
// Close: a demos.Runner, which holds what the demos do (the restart demo's killer,
// the http demo's own pool, the fib demo's Node replay); demos.go and demos_node.go
// only adapt it to HTTP.
package server
