package cluster_test

import (
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"

	"github.com/gocluster/gocluster/cluster"
)

// pipeLink is a HostLink whose "other host" is this one: it starts real worker
// processes (StartWorkerProcess, as an agent does) and relays their IPC bytes
// with io.Copy instead of NATS, so the pool's side of remote members is tested
// without the network.
type pipeLink struct{}

type pipeProc struct {
	cmd     *exec.Cmd
	pool    net.Conn // the pool's end (RemoteWorker.Conn)
	worker  net.Conn // the worker's socket
	outDone chan struct{}
	inDone  chan struct{}
	done    chan struct{}
	once    sync.Once
	exit    cluster.RemoteExit
}

func (pipeLink) StartWorker(w cluster.RemoteWorker) (cluster.RemoteProcess, error) {
	cmd, conn, err := cluster.StartWorkerProcess(os.Args[0], nil, append(w.Env, envHelper+"="), w.Stdout, w.Stderr)
	if err != nil {
		w.Conn.Close()
		return nil, err
	}
	p := &pipeProc{cmd: cmd, pool: w.Conn, worker: conn, outDone: make(chan struct{}), inDone: make(chan struct{}),
		done: make(chan struct{})}
	go func() { io.Copy(p.pool, p.worker); close(p.outDone) }()
	go func() { io.Copy(p.worker, p.pool); close(p.inDone) }()
	go func() {
		cmd.Wait()
		<-p.outDone // every byte it wrote reached the pool
		code, sig := cluster.ExitOf(cmd)
		p.finish(cluster.RemoteExit{Code: code, Signal: sig})
	}()
	return p, nil
}

func (p *pipeProc) finish(ex cluster.RemoteExit) {
	p.once.Do(func() {
		p.exit = ex
		p.pool.Close()
		p.worker.Close()
		close(p.done)
	})
}

func (p *pipeProc) Signal(sig syscall.Signal) { p.cmd.Process.Signal(sig) }

// Close is the host lost: the link stops relaying; the process dies with its host.
func (p *pipeProc) Close() {
	p.finish(cluster.RemoteExit{Lost: true})
	p.cmd.Process.Kill()
}

func (p *pipeProc) Wait() cluster.RemoteExit {
	<-p.done
	<-p.inDone
	<-p.outDone
	return p.exit
}

func hostByName(c *cluster.Cluster, name string) cluster.HostInfo {
	for _, h := range c.Hosts() {
		if h.Name == name {
			return h
		}
	}
	return cluster.HostInfo{}
}

// TestRemoteHostRunsJobsAndItsLossRetriesThem: a host added with AddHost runs
// jobs on its workers like local ones; RemoveHost in the middle of a list gives
// its workers up and their jobs run again on the local worker, each ending once.
func TestRemoteHostRunsJobsAndItsLossRetriesThem(t *testing.T) {
	c := startPool(t, cluster.Options{Workers: 1, HostName: "prim"})
	sub := c.Subscribe(4096)
	defer sub.Close()
	if err := c.AddHost("far", pipeLink{}, 2); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"far", "prim", "a.b", ""} {
		if err := c.AddHost(bad, pipeLink{}, 1); !errors.Is(err, cluster.ErrInvalid) {
			t.Errorf("AddHost(%q): %v, want ErrInvalid", bad, err)
		}
	}
	waitFor(t, "far's 2 workers online", func() bool {
		ws := hostByName(c, "far").Workers
		return len(ws) == 2 && ws[0].State == cluster.StateIdle && ws[1].State == cluster.StateIdle &&
			ws[0].Host == "far" && ws[0].PID > 0
	})
	const n = 60
	inputs := make([]int64, n)
	for i := range inputs {
		inputs[i] = 50
	}
	b, err := c.Submit("sleep", inputs, cluster.BatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "far's workers busy with the list", func() bool {
		busy := 0
		for _, w := range hostByName(c, "far").Workers {
			if w.CurrentJob != nil {
				busy++
			}
		}
		return busy == 2
	})
	if err := c.RemoveHost("far", "test: cut off"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the list done", func() bool {
		info, _ := c.Batch(b.ID)
		return info.State != cluster.BatchRunning
	})
	info, _ := c.Batch(b.ID)
	retried := 0
	for _, j := range info.Jobs {
		if j.State != cluster.JobDone {
			t.Fatalf("job %d: %s (%s)", j.ID, j.State, j.Error)
		}
		if j.Attempts > 1 {
			retried++
		}
	}
	if info.Summary.Done != n || retried == 0 {
		t.Errorf("summary %+v, %d retried: want %d done and far's running jobs retried", info.Summary, retried, n)
	}
	far := hostByName(c, "far")
	if far.State != cluster.HostLost || len(far.Workers) != 0 || far.Reason != "test: cut off" {
		t.Errorf("far after RemoveHost: %+v", far)
	}
	checkHostEvents(t, sub, n)
	if err := c.ScaleHost("far", 1); !errors.Is(err, cluster.ErrNotFound) {
		t.Errorf("ScaleHost of a lost host: %v, want ErrNotFound", err)
	}
	if err := c.AddHost("far", pipeLink{}, 1); err != nil { // back after its loss
		t.Fatal(err)
	}
	waitFor(t, "far back with 1 worker", func() bool { return len(hostByName(c, "far").Workers) == 1 })
	if err := c.ScaleHost("far", 0); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "far scaled to 0", func() bool { return len(hostByName(c, "far").Workers) == 0 })
}

// checkHostEvents reads the events so far: every job ended once, far's two
// workers exited as lost, and remote workers' events carry far as their host.
func checkHostEvents(t *testing.T, sub *cluster.Subscription, n int) {
	t.Helper()
	endings := map[int64]int{}
	lostExits, lost, farEvents := 0, 0, 0
	for len(sub.C) > 0 {
		ev := <-sub.C
		switch {
		case ev.Type == cluster.EventJobDone || ev.Type == cluster.EventJobFailed:
			endings[ev.Job]++
		case ev.Type == cluster.EventExit && ev.Reason == cluster.ReasonHostLost:
			lostExits++
		case ev.Type == cluster.EventHostLost:
			lost++
		}
		if ev.Worker != 0 && ev.Host == "far" {
			farEvents++
		}
		if ev.Worker != 0 && ev.Host == "" {
			t.Errorf("event %s of worker %d has no host", ev.Type, ev.Worker)
		}
	}
	if len(endings) != n {
		t.Errorf("%d jobs ended, want %d", len(endings), n)
	}
	for id, k := range endings {
		if k != 1 {
			t.Errorf("job %d ended %d times", id, k)
		}
	}
	if lostExits != 2 || lost != 1 || farEvents == 0 {
		t.Errorf("%d host_lost exits, %d host.lost, %d events of far's workers: want 2, 1, some", lostExits, lost, farEvents)
	}
}
