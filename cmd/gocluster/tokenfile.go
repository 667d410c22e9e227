package main

import (
	"os"
	"strings"
)

// loadTokenFile sets the token from -token-file (or GOCLUSTER_TOKEN_FILE), so that
// the secret is neither on the command line, where ps shows it to every local user,
// nor in the environment of every process the shell starts. One trailing newline (as
// an editor or `echo` leaves it) is dropped; the rest is the token, checked like
// -token. Giving both, an unreadable file or an empty one is an error.
func (c *serveConfig) loadTokenFile(src sources) error {
	if c.TokenFile == "" {
		return nil
	}
	if c.Token != "" {
		return usageErrorf("%s and %s are both given: give the token once", src.name("token"), src.name("token-file"))
	}
	b, err := os.ReadFile(c.TokenFile)
	if err != nil {
		return usageErrorf("%s: cannot read the token: %v", src.name("token-file"), err)
	}
	tok := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
	if tok == "" {
		return usageErrorf("%s %q is empty: it should hold the token", src.name("token-file"), c.TokenFile)
	}
	c.Token = tok
	return nil
}
