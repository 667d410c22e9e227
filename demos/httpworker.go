package demos

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// httpWorker is the worker side of the http demo: the lesson's http.Server on the
// socket the primary shares, answering "hello world" and telling the primary about
// each request. It serves until the primary disconnects it (which closes the
// listener), lets requests in flight finish, and leaves.
func httpWorker(ctx context.Context) error {
	m, err := cluster.Join()
	if err != nil {
		return err
	}
	if os.Getenv(cluster.EnvListenAddr) == "" {
		return errors.New("http demo worker: the primary shared no socket")
	}
	ln, err := cluster.Listen("tcp", os.Getenv(cluster.EnvListenAddr))
	if err != nil {
		return fmt.Errorf("http demo worker: %w", err)
	}
	srv := &http.Server{Handler: helloHandler(m, os.Getenv(EnvHTTPNotify) != "0"), ReadHeaderTimeout: 10 * time.Second}
	stop := context.AfterFunc(ctx, func() { srv.Close() })
	defer stop()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) && ctx.Err() == nil {
		// Disconnect closed the listener: that is how the worker is asked to leave.
		select {
		case <-m.Disconnected():
		default:
			return fmt.Errorf("http demo worker: %w", err)
		}
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("http demo worker: %w", err)
	}
	return m.Close() // last: closing IPC ends the process with 0
}

// EnvHTTPNotify set to "0" makes the http demo's workers send no notifyRequest
// (HTTPOptions.Quiet).
const EnvHTTPNotify = "GOCLUSTER_DEMO_NOTIFY"

// helloHandler answers every request with "hello world" and, with notify, sends the
// primary {"cmd":"notifyRequest"}, as the lesson's worker does.
func helloHandler(m *cluster.Member, notify bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusOK)
		w.Write([]byte("hello world\n"))
		if notify {
			m.Send(notifyRequest)
		}
	})
}

// notifyRequest is the lesson's message, encoded once: a map was marshalled per
// request.
var notifyRequest = json.RawMessage(notifyRequestJSON)
