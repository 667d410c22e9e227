// Command natsserver is a plain NATS server from the nats-server module, for the
// fleet tests against an external server: it listens on 127.0.0.1 at a free port,
// prints "nats-server ready: URL" and serves until killed.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

func main() {
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: server.RANDOM_PORT, NoSigs: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	go ns.Start()
	if !ns.ReadyForConnections(30 * time.Second) {
		fmt.Fprintln(os.Stderr, "nats-server: not ready")
		os.Exit(1)
	}
	fmt.Printf("nats-server ready: %s\n", ns.ClientURL())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, os.Interrupt)
	<-sigs
	ns.Shutdown()
}
