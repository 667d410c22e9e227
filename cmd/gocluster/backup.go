package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/gocluster/gocluster/store"
)

// backupCmd is `gocluster backup [-data DIR] PATH`: a consistent copy of the
// history, safe while serve runs on it.
func backupCmd(ctx context.Context, args []string, stdout io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dir := fs.String("data", defaultDataDir, "the data directory of the history to copy")
	if err := fs.Parse(args); err != nil {
		return usageErrorf("backup: %v (usage: gocluster backup [-data DIR] PATH)", err)
	}
	if !isFlagSet(fs, "data") && getenv(envName("data")) != "" {
		*dir = getenv(envName("data"))
	}
	if fs.NArg() != 1 || fs.Arg(0) == "" {
		return usageErrorf("backup: give one PATH to write the copy to (usage: gocluster backup [-data DIR] PATH)")
	}
	if err := store.Backup(ctx, *dir, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "gocluster: history of %s copied to %s\n", *dir, fs.Arg(0))
	return nil
}

func isFlagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
