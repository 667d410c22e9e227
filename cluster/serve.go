package cluster

import (
	"context"
	"errors"
	"time"

	"github.com/gocluster/gocluster/cluster/jobs"
)

// ServeJobs runs the jobs the primary sends, one at a time and in order, until the
// primary asks this worker to leave (then it returns nil after the running job) or ctx
// ends. A crash job makes the process exit with its code, as a real crash would.
func (m *Member) ServeJobs(ctx context.Context, reg *jobs.Registry) error {
	if reg == nil {
		reg = jobs.Builtin()
	}
	for {
		select {
		case <-m.disconnected:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		case f := <-m.jobs:
			select {
			case <-m.disconnected: // leaving wins over jobs queued behind the last one
				return nil
			default:
			}
			m.runJob(ctx, reg, &f)
		}
	}
}

func (m *Member) runJob(ctx context.Context, reg *jobs.Registry, f *frame) {
	res := frame{T: frameResult, Job: f.Job}
	kind, err := reg.Lookup(f.Kind)
	start := time.Now()
	if err == nil {
		res.Out, err = kind.Run(ctx, f.In)
	}
	res.MS = float64(time.Since(start).Microseconds()) / 1000
	var crash *jobs.CrashError
	if errors.As(err, &crash) {
		m.out.close()
		exitWorker(crash.Code)
		return
	}
	if err != nil {
		res.Err = err.Error()
	}
	m.out.send(&res)
}

// RunWorker is the whole life of a standard worker: join the primary, serve jobs from
// reg (nil: the built-in kinds) until told to leave, close IPC. main calls it when
// IsWorker is true.
func RunWorker(ctx context.Context, reg *jobs.Registry) error {
	m, err := Join()
	if err != nil {
		return err
	}
	err = m.ServeJobs(ctx, reg)
	m.Close()
	return err
}
