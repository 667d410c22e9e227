package cluster_test

import (
	"strconv"
	"testing"

	"github.com/gocluster/gocluster/cluster"
)

// forkListening forks one listenenv worker that listens on addr and returns its
// listening event.
func forkListening(t *testing.T, c *cluster.Cluster, ev *events, addr string, extra ...string) cluster.Event {
	t.Helper()
	w, err := c.Fork(append([]string{envHelper + "=listenenv", "TEST_LISTEN=" + addr}, extra...))
	if err != nil {
		t.Fatal(err)
	}
	return ev.next("listening of worker", ofType(cluster.EventListening, w.ID()))
}

// TestOneServerPerAddress: workers that listen on two different addresses get two
// servers; a third worker on the first address shares the first; port 0 is one
// random port for every worker that asks for it. Each server really serves.
func TestOneServerPerAddress(t *testing.T) {
	for _, mode := range []cluster.Balance{cluster.BalanceOS, cluster.BalanceRR} {
		t.Run(string(mode), func(t *testing.T) {
			c := startPool(t, cluster.Options{Workers: -1, Balance: mode})
			ev := watch(t, c)
			a := forkListening(t, c, ev, "127.0.0.1:0")
			b := forkListening(t, c, ev, "127.0.0.2:0")
			a2 := forkListening(t, c, ev, "127.0.0.1:0")
			if a.Addr == b.Addr {
				t.Fatalf("two addresses, one server: %s", a.Addr)
			}
			if a2.Addr != a.Addr {
				t.Fatalf("port 0 twice gave %s and %s", a.Addr, a2.Addr)
			}
			if a.Address != "127.0.0.1" || a.Port == 0 || a.Family != "IPv4" || a.Mode != string(mode) {
				t.Fatalf("listening event: %+v", a)
			}
			want := map[string]bool{workerName(a.Worker): true, workerName(a2.Worker): true}
			for i := 0; i < 20; i++ {
				if got := get(t, a.Addr, ""); !want[got] {
					t.Fatalf("%s served by %q", a.Addr, got)
				}
				if got := get(t, b.Addr, ""); got != workerName(b.Worker) {
					t.Fatalf("%s served by %q", b.Addr, got)
				}
			}
		})
	}
}

// TestExclusiveListenerReportsListening: a worker's own socket is not shared, and
// the primary still hears of it.
func TestExclusiveListenerReportsListening(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: -1})
	ev := watch(t, c)
	a := forkListening(t, c, ev, "127.0.0.1:0", "TEST_EXCLUSIVE=1")
	b := forkListening(t, c, ev, "127.0.0.1:0", "TEST_EXCLUSIVE=1")
	if a.Mode != "exclusive" || a.Addr == b.Addr || a.Port == 0 {
		t.Fatalf("exclusive listeners: %+v and %+v", a, b)
	}
	if got := get(t, b.Addr, ""); got != workerName(b.Worker) {
		t.Fatalf("served by %q", got)
	}
}

func workerName(id int) string { return "hello from worker " + itoa(id) }

func itoa(n int) string { return strconv.Itoa(n) }
