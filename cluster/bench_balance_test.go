package cluster_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gocluster/gocluster/cluster"
)

// balanceModes are the modes BenchmarkHTTPBalance loads side by side.
var balanceModes = []cluster.Balance{cluster.BalanceOS, cluster.BalanceRR, cluster.BalanceSticky}

// splitConns is how many new connections measure each mode's split.
const splitConns = 10000

// BenchmarkHTTPBalance serves hello on 2 workers in each balancing mode, a plain
// net/http process and, if node is installed, Node's own 2-worker cluster
// (testdata/node_cluster.js), loaded in turn like BenchmarkHTTPHello (loadInTurn): keep-alive clients,
// each from one of eight loopback addresses (127.0.0.1-8) so that sticky has
// clients to spread. Then splitConns new connections per mode (from the same eight
// addresses) say how evenly each mode splits connections: split-% is the busier
// worker's share.
func BenchmarkHTTPBalance(b *testing.B) {
	for i := 0; i < b.N; i++ {
		addrs := []string{startPlain(b)}
		for _, m := range balanceModes {
			addrs = append(addrs, waitListening(b, readyPool(b, cluster.Options{Workers: 2,
				Env: helperEnv("whoami"), Listen: "127.0.0.1:0", Balance: m}), 2))
		}
		nodeAddr := startNodeCluster(b) // "" without node
		if nodeAddr != "" {
			addrs = append(addrs, nodeAddr)
		}
		res := loadInTurn(b, addrs, dialFromEight)
		b.ReportMetric(res[0].rps, "plain-req/s")
		for k, m := range balanceModes {
			b.ReportMetric(res[k+1].rps, string(m)+"-req/s")
			if m != cluster.BalanceOS {
				b.ReportMetric(res[k+1].rps/res[1].rps, string(m)+"-vs-os")
			}
			b.ReportMetric(splitOf(b, addrs[k+1]), string(m)+"-split-%")
		}
		if nodeAddr != "" {
			node := res[len(res)-1].rps
			b.ReportMetric(node, "node-req/s")
			b.ReportMetric(res[2].rps/node, "rr-vs-node")
		}
	}
}

func sourceIP(i int) net.IP { return net.IPv4(127, 0, 0, byte(i%8+1)) }

// dialFromEight opens connection i from 127.0.0.(i%8+1).
func dialFromEight(addr string, i int) (net.Conn, error) {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: sourceIP(i)}, Timeout: 10 * time.Second}
	return d.Dial("tcp", addr)
}

// splitOf makes splitConns new connections, 8 at a time, one request each, and
// returns the share in percent of the worker that served the most.
func splitOf(b *testing.B, addr string) float64 {
	counts := make(chan map[string]int, 8)
	for g := 0; g < 8; g++ {
		go func() {
			seen := map[string]int{}
			for i := g; i < splitConns; i += 8 {
				w, err := whoServes(addr, sourceIP(i))
				if err != nil {
					b.Error(err)
					break
				}
				seen[w]++
			}
			counts <- seen
		}()
	}
	total := map[string]int{}
	for g := 0; g < 8; g++ {
		for w, n := range <-counts {
			total[w] += n
		}
	}
	most, sum := 0, 0
	for _, n := range total {
		most = max(most, n)
		sum += n
	}
	if sum == 0 {
		b.Fatal("no connection was served")
	}
	return 100 * float64(most) / float64(sum)
}

// whoServes makes one request on a new connection and returns the answer.
func whoServes(addr string, from net.IP) (string, error) {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: from}, Timeout: 10 * time.Second}
	conn, err := d.Dial("tcp", addr)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(conn, "GET /who HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return strings.TrimSpace(string(body)), err
}

// startNodeCluster runs testdata/node_cluster.js, Node's own 2-worker cluster, and
// returns its address; "" when node is not installed. Closing its stdin at the end
// makes it stop its workers and exit.
func startNodeCluster(b *testing.B) string {
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return ""
	}
	return startAddrChild(b, "node cluster", exec.Command(nodeBin, "testdata/node_cluster.js"))
}

// whoamiWorker answers hello on / and its id on /who.
func whoamiWorker() int {
	id := cluster.WorkerID()
	return serveShared(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/who" {
			fmt.Fprintf(w, "worker %d\n", id)
			return
		}
		hello(w, r)
	})
}
