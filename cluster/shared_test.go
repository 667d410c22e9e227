package cluster_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gocluster/gocluster/cluster"
)

// TestSharedPortServedByTwoWorkers opens one port in the primary; two workers serve it
// and report each request with a notifyRequest message, as in the Node lesson.
func TestSharedPortServedByTwoWorkers(t *testing.T) {
	var notified atomic.Int64
	c := startPool(t, cluster.Options{Workers: 2, Env: helperEnv("http"), Listen: "127.0.0.1:0",
		QuietMessages: true,
		OnMessage: func(_ cluster.WorkerInfo, msg json.RawMessage) {
			var m struct{ Cmd string }
			if json.Unmarshal(msg, &m) == nil && m.Cmd == "notifyRequest" {
				notified.Add(1)
			}
		}})
	ev := watch(t, c)
	addr := ev.next("listening", ofType(cluster.EventListening, 0)).Addr
	ev.next("second listening", func(e cluster.Event) bool {
		return e.Type == cluster.EventListening && e.Addr == addr && len(c.Workers()) == 2
	})
	served := map[string]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for g := 0; g < 10; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				resp, err := client.Get("http://" + addr + "/")
				if err != nil {
					t.Error(err)
					return
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				mu.Lock()
				served[strings.TrimSpace(string(body))]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	total := 0
	for _, n := range served {
		total += n
	}
	if total != 1000 || len(served) != 2 {
		t.Fatalf("served %v", served)
	}
	waitFor(t, "1000 notifyRequest messages", func() bool { return notified.Load() == 1000 })
	t.Log(fmt.Sprint(served))
}
