package cluster

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gocluster/gocluster/cluster/jobs"
)

// ServeJobs runs the jobs the primary sends, one at a time and in order, until the
// primary asks this worker to leave (then it returns nil after the running job) or ctx
// ends. A crash job makes the process exit with its code, as a real crash would.
//
// The job the primary counts as running is always run, even if the request to leave
// came before this worker picked it up: asked to leave while idle, it runs the first
// job already queued, if any; asked while running one, it leaves after it. Jobs
// queued behind that one were prefetched, and the primary requeues them.
func (m *Member) ServeJobs(ctx context.Context, reg *jobs.Registry) error {
	if reg == nil {
		reg = jobs.Builtin()
	}
	for {
		select {
		case <-m.disconnected:
			select {
			case f := <-m.jobs:
				m.runJob(ctx, reg, &f)
			default:
			}
			return nil
		case <-ctx.Done():
			return ctx.Err()
		case f := <-m.jobs:
			m.runJob(ctx, reg, &f)
			select {
			case <-m.disconnected:
				return nil
			default:
			}
		}
	}
}

func (m *Member) runJob(ctx context.Context, reg *jobs.Registry, f *frame) {
	res := frame{T: frameResult, Job: f.Job}
	start := time.Now()
	out, err := reg.Run(ctx, f.Kind, f.In)
	// Rounded up to the microsecond: a job that ran reports at least 0.001 ms, which
	// tells the primary's prefetch window (window.go) the job was tiny, where 0 would
	// read as "not reported".
	res.MS = float64((time.Since(start).Nanoseconds()+999)/1000) / 1000
	var crash *jobs.CrashError
	if errors.As(err, &crash) {
		m.out.close()
		exitWorker(crash.Code)
		return
	}
	if err == nil && len(out) > m.maxJobBytes {
		// Checked here too, so an oversized result costs one small frame, not a big one.
		err = fmt.Errorf("result too large: %d bytes, limit %d", len(out), m.maxJobBytes)
	}
	if err != nil {
		res.Err, res.ErrData = errText(err), jobs.ErrorData(err)
	} else {
		res.Out = out
	}
	m.out.queue(&res) // results come in runs under prefetch: let them batch
}

// errText is a failed job's error; never empty, since an empty "err" means success.
func errText(err error) string {
	if s := err.Error(); s != "" {
		return s
	}
	return "failed"
}

// RunWorker is the whole life of a standard worker: join the primary declaring the
// kinds of reg (nil: the built-in kinds) in its hello, serve jobs from reg until
// told to leave, close IPC. main calls it when IsWorker is true.
func RunWorker(ctx context.Context, reg *jobs.Registry) error {
	if reg == nil {
		reg = jobs.Builtin()
	}
	m, err := JoinServing(reg.Infos())
	if err != nil {
		return err
	}
	err = m.ServeJobs(ctx, reg)
	m.Close()
	return err
}
