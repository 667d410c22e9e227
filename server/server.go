package server

import (
	"log/slog"
	"net/http"
	"runtime"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/demos"
)

// Config holds the server's settings. The zero value is usable: each field documents
// its default.
type Config struct {
	// Token, when set, is required by every page, API call and the WebSocket, except
	// /healthz and /readyz (and /metrics when MetricsPublic).
	Token string
	// Addr is the address the server listens on, as bound (with the real port when
	// it was 0). On a loopback address without a Token, only requests whose Host
	// names loopback at this port, or one of AllowedHosts, are served: a defence
	// against DNS rebinding (hosts.go). Empty: no Host check.
	Addr string
	// AllowedHosts are further Host names to serve, "name" (any port) or
	// "name:port": a reverse proxy's public name. When set, the Host check applies
	// whatever the address and token.
	AllowedHosts []string
	// ReadOnly shows everything and changes nothing.
	ReadOnly bool
	// MetricsPublic lets /metrics through without the token.
	MetricsPublic bool
	// MaxBody bounds request bodies in bytes. Default 1 MiB.
	MaxBody int64
	// MaxWait bounds ?wait= long polls. Default 5m.
	MaxWait time.Duration
	// WriteTimeout bounds the writing of each answer but the WebSocket's (a long
	// poll gets its wait on top; the NDJSON export, this much per chunk), so a
	// client that never reads holds a connection and its answer this long at most.
	// Default 30s.
	WriteTimeout time.Duration
	// BodyTimeout bounds the arrival of a request body; a slower one is a 408 and
	// its connection is closed. Default 30s.
	BodyTimeout time.Duration
	// MaxWSClients bounds concurrent WebSocket clients. Default 2000.
	MaxWSClients int
	// WSSendQueue is each WebSocket client's queue of unsent events; a client that
	// lets it fill is resynced with a snapshot. Default 1024.
	WSSendQueue int
	// CPUs is shown by the panel's "one per CPU" button. Default runtime.NumCPU().
	CPUs int
	// Logger receives request and hub logs. Default slog.Default().
	Logger *slog.Logger
	// DeadLinger is how long a dead worker's card stays in the panel. Default 8s;
	// negative: not at all.
	DeadLinger time.Duration
}

func (cfg Config) withDefaults() Config {
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 1 << 20
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = 5 * time.Minute
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = 30 * time.Second
	}
	if cfg.BodyTimeout <= 0 {
		cfg.BodyTimeout = 30 * time.Second
	}
	if cfg.MaxWSClients <= 0 {
		cfg.MaxWSClients = 2000
	}
	if cfg.WSSendQueue <= 0 {
		cfg.WSSendQueue = 1024
	}
	if cfg.DeadLinger == 0 {
		cfg.DeadLinger = defaultDeadLinger
	}
	if cfg.CPUs <= 0 {
		cfg.CPUs = runtime.NumCPU()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return cfg
}

// Server serves one cluster over HTTP.
type Server struct {
	c       *cluster.Cluster
	cfg     Config
	hub     *hub
	frags   *fragHub // renders the live pages' changed parts for every browser at once
	seen    *recent  // dead cards and the rate, which snapshots forget
	metrics *metrics
	bg      *background   // the API's restart goroutine and long-poll cancellation
	demos   *demos.Runner // the Demos page's restart killer, http demo and Node replay
	handler http.Handler
}

// New builds the server and starts its hub; call Close to stop it.
func New(c *cluster.Cluster, cfg Config) *Server {
	s := &Server{c: c, cfg: cfg.withDefaults()}
	s.metrics = newMetrics(c)
	s.bg = newBackground()
	s.demos = demos.NewRunner(c, s.cfg.Logger)
	s.hub = newHub(c, s.cfg, s.metrics)
	s.seen = newRecent(s.cfg.DeadLinger)
	s.frags = newFragHub(c, s.seen)
	s.handler = s.routes()
	return s
}

// Handler is the root HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Close stops the hub and disconnects WebSocket clients, ends long polls, stops a
// rolling restart started over the API, the restart demo's killer and the metrics
// consumer, closes the http demo's own pool, and waits for all of their goroutines.
// It does not stop the cluster.
func (s *Server) Close() {
	s.frags.close()
	s.hub.close()
	s.bg.close()
	s.demos.Close()
	s.metrics.close()
}

func (s *Server) routes() http.Handler {
	r := chi.NewRouter()
	s.mountMiddleware(r)
	s.mountHealth(r)
	s.mountMetrics(r)
	r.Route("/api", s.mountAPI)
	s.mountWS(r)
	s.mountUI(r)
	return r
}
