package fleet

import (
	"bufio"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"

	"github.com/gocluster/gocluster/cluster"
	"github.com/nats-io/nkeys"
)

// Per-agent credentials are NATS nkeys (the NATS docs' "NKeys" authentication):
// each agent holds a user seed (gocluster agent -nkey FILE, made by -gen-nkey), the
// primary a file binding each agent name to its public key (serve -cluster-agents).
// The server sends a nonce, the agent signs it with its seed, and the primary
// checks the signature against the key of the name the agent claims: a key of
// host-a cannot connect as host-b, and the seed never leaves the agent's host.

// LoadAgentKeys reads an agents file: one "NAME PUBLIC-NKEY" a line (a user key,
// "U…", as -gen-nkey prints it); a # starts a comment, to the end of its line, and
// blank lines are skipped. A name or a key listed twice is refused: a key shared by
// two names would let either agent connect as the other.
func LoadAgentKeys(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("agents file: %w", err)
	}
	defer f.Close()
	keys := map[string]string{}
	owner := map[string]string{} // public key → the name it was first listed for
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#") // names and keys never hold a #
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		name, key, err := agentKeyLine(line)
		switch {
		case err != nil:
		case keys[name] != "":
			err = fmt.Errorf("agent %s is listed twice", name)
		case owner[key] != "":
			err = fmt.Errorf("agent %s has the key of agent %s: give each agent its own (gocluster agent -gen-nkey on its host)",
				name, owner[key])
		}
		if err != nil {
			return nil, fmt.Errorf("agents file %s line %d: %w", path, n, err)
		}
		keys[name], owner[key] = key, name
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("agents file %s: %w", path, err)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("agents file %s lists no agent (want lines of NAME PUBLIC-NKEY)", path)
	}
	return keys, nil
}

func agentKeyLine(line string) (name, key string, err error) {
	fields := strings.Fields(line)
	if len(fields) != 2 {
		return "", "", errors.New("want NAME PUBLIC-NKEY")
	}
	name, key = fields[0], fields[1]
	if !cluster.ValidHostName(name) {
		return "", "", fmt.Errorf("agent name %q: use 1 to 64 letters, digits, '-' or '_'", clip(name))
	}
	if strings.HasPrefix(key, "S") {
		// Never echo it: it may be a seed, the agent's private key.
		return "", "", fmt.Errorf("agent %s: this looks like a seed (private, S…): list the agent's public key (U…, "+
			"as gocluster agent -gen-nkey prints) and keep the seed on the agent", name)
	}
	if !nkeys.IsValidPublicUserKey(key) {
		return "", "", fmt.Errorf("%q is not a public user nkey (U…, as gocluster agent -gen-nkey prints)", clip(key))
	}
	return name, key, nil
}

// GenerateSeed writes a new user nkey seed to path (mode 0600; an existing file
// is left alone) and returns its public key, the one to list in -cluster-agents.
func GenerateSeed(path string) (string, error) {
	kp, err := nkeys.CreateUser()
	if err != nil {
		return "", fmt.Errorf("create nkey: %w", err)
	}
	seed, _ := kp.Seed()
	pub, _ := kp.PublicKey()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("write nkey seed: %w", err)
	}
	if _, err := f.Write(append(seed, '\n')); err != nil {
		f.Close()
		return "", fmt.Errorf("write nkey seed: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("write nkey seed: %w", err)
	}
	return pub, nil
}

// checkSeedFile refuses a seed file others may read, as ssh refuses such a
// private key: whoever reads the seed can join the pool as this agent. Like ssh
// it also wants the file owned by this user or root. It follows symlinks (a
// Kubernetes secret volume is links to the real files).
func checkSeedFile(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("the seed file is readable or writable by others (mode %04o): "+
			"it is this agent's private key; chmod 600 %s", perm, path)
	}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok && sys.Uid != 0 && int(sys.Uid) != os.Geteuid() {
		return fmt.Errorf("the seed file is owned by uid %d, not by this agent's user (uid %d) or root: "+
			"that user can read this agent's private key; chown it", sys.Uid, os.Geteuid())
	}
	return nil
}

// checkNkey is why agent name's connection fails the agents file, "" when its
// nkey is name's and it signed the server's nonce with it.
func checkNkey(keys map[string]string, name, nkey, sig string, nonce []byte) string {
	want, ok := keys[name]
	switch {
	case !ok:
		return "its name is not in -cluster-agents"
	case nkey == "":
		return "it gave no nkey (start it with -nkey SEEDFILE)"
	case nkey != want:
		return "its nkey is not the one -cluster-agents gives this name"
	}
	raw, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil {
		raw, err = base64.StdEncoding.DecodeString(sig)
	}
	kp, kerr := nkeys.FromPublicKey(want)
	if err != nil || kerr != nil || len(nonce) == 0 || kp.Verify(nonce, raw) != nil {
		return "its nkey signature does not verify"
	}
	return ""
}
