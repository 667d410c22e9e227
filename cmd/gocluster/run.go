package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/demos"
)

// run is the whole primary program: it picks the command and runs it. It returns nil
// on success, including a clean shutdown after SIGINT or SIGTERM.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd, rest := "serve", args
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, rest = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serveCmd(ctx, rest, stdout, stderr)
	case "agent":
		return agentCmd(ctx, rest, stdout, stderr)
	case "demo":
		return demoCmd(ctx, rest, stdout, os.Getenv)
	case "version":
		return versionCmd(rest, stdout)
	case "backup":
		return backupCmd(ctx, rest, stdout, os.Getenv)
	case "help":
		return helpCmd(rest, stdout)
	}
	return usageErrorf("unknown command %q (commands: serve, agent, demo, backup, version, help)", cmd)
}

// runWorker is a worker process's whole life: the demo its primary asked for, or the
// job loop. It returns the exit code.
func runWorker(ctx context.Context, stderr io.Writer) int {
	err := demos.RunWorker(ctx)
	var exit *demos.ExitError
	if err != nil && !errors.As(err, &exit) {
		fmt.Fprintf(stderr, "gocluster worker %d: %v\n", cluster.WorkerID(), err)
	}
	return demos.ExitCode(err)
}

// usageError is a mistake in the command line or the environment: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// Exit codes.
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2
	exitInterrupted = 130
)

// exitCode prints err, if any, and returns the process exit code for it.
func exitCode(err error, stderr io.Writer) int {
	var usage *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &usage):
		fmt.Fprintf(stderr, "gocluster: %v\nRun 'gocluster help' for usage.\n", err)
		return exitUsage
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "gocluster: interrupted")
		return exitInterrupted
	default:
		fmt.Fprintf(stderr, "gocluster: %v\n", err)
		return exitFailure
	}
}

// asUsage turns the errors that mean "you asked for something invalid" into usage
// errors; others pass through.
func asUsage(err error) error {
	var usage *usageError
	switch {
	case err == nil, errors.As(err, &usage), errors.Is(err, flag.ErrHelp):
		return err
	case errors.Is(err, cluster.ErrInvalid):
		return &usageError{msg: err.Error()}
	}
	return err
}
