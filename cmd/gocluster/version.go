package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// versionCmd is `gocluster version`.
func versionCmd(args []string, stdout io.Writer) error {
	if len(args) > 0 {
		return usageErrorf("version: unexpected argument %q", args[0])
	}
	fmt.Fprintln(stdout, versionString())
	return nil
}

// versionString says which build this is: the module version and, when built from a
// repository, the commit, from the build info the Go toolchain embeds.
func versionString() string {
	version, commit, dirty := "(devel)", "", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	s := fmt.Sprintf("gocluster %s %s %s/%s", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if commit != "" {
		s += " commit " + commit[:min(12, len(commit))]
		if dirty {
			s += " (modified)"
		}
	}
	return s
}
