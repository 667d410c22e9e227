package fleet

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nats-io/nkeys"
)

func publicKey(t *testing.T) string {
	t.Helper()
	kp, err := nkeys.CreateUser()
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := kp.PublicKey()
	return pub
}

func writeAgents(t *testing.T, body string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "agents.txt")
	if err := os.WriteFile(f, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestAgentsFileTakesTrailingComments: "# …" after a line's key is a comment, as
// on a line of its own.
func TestAgentsFileTakesTrailingComments(t *testing.T) {
	a, b := publicKey(t), publicKey(t)
	keys, err := LoadAgentKeys(writeAgents(t, "# the lab\nhost-a "+a+"  # rack 3\nhost-b "+b+"#no space\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || keys["host-a"] != a || keys["host-b"] != b {
		t.Fatalf("keys %v", keys)
	}
}

// TestAgentsFileRefusesAKeySharedByTwoNames: one key under two names would let
// either agent connect as the other, which the file exists to prevent.
func TestAgentsFileRefusesAKeySharedByTwoNames(t *testing.T) {
	a := publicKey(t)
	_, err := LoadAgentKeys(writeAgents(t, "host-a "+a+"\nhost-b "+a+"\n"))
	if err == nil || !strings.Contains(err.Error(), "line 2: agent host-b has the key of agent host-a") {
		t.Fatalf("err %v; want line 2 refused for sharing host-a's key", err)
	}
}

// TestSeedFileReadableByOthersIsRefused: a seed others may read is refused
// before any connection, naming the fix; mode 0600 passes.
func TestSeedFileReadableByOthersIsRefused(t *testing.T) {
	f := filepath.Join(t.TempDir(), "host-a.nk")
	if _, err := GenerateSeed(f); err != nil {
		t.Fatal(err)
	}
	if err := checkSeedFile(f); err != nil {
		t.Fatalf("a 0600 seed: %v", err)
	}
	if err := os.Chmod(f, 0o644); err != nil {
		t.Fatal(err)
	}
	err := checkSeedFile(f)
	if err == nil || !strings.Contains(err.Error(), "mode 0644") || !strings.Contains(err.Error(), "chmod 600 "+f) {
		t.Fatalf("a 0644 seed: %v; want a refusal naming its mode and chmod 600", err)
	}
}
