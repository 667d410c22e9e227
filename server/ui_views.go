package server

import (
	"slices"
	"time"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/web"
)

// This file maps cluster's snapshots to web's view models, one line per field, so
// package web never sees package cluster.

// panelView is the control panel as the pool stands now.
func (s *Server) panelView() web.PanelView {
	pool, batches := s.c.Snapshot(snapshotBatches)
	kinds := s.c.Kinds()
	v := web.PanelView{
		Now:       time.Now(),
		Pool:      poolView(pool),
		Workers:   workerViews(pool.Workers, s.c.HostName()),
		Hosts:     hostViews(s.c.HostStates(), pool.Workers),
		Batches:   batchRows(batches),
		Kinds:     s.kindOptions(kinds),
		ScaleForm: web.ScaleFormView{Size: pool.Size, Max: s.c.MaxWorkers(), CPUs: s.cfg.CPUs},
		JobForm:   web.JobFormView{DefaultTimeout: web.ShortDuration(s.c.JobTimeout())},
	}
	if slices.ContainsFunc(kinds, func(k cluster.KindInfo) bool { return k.Name == defaultKind }) {
		v.JobForm.Kind = defaultKind // the preset inputs are the seed's fib list
	}
	if pool.Protocol == cluster.ProtocolNone {
		v.JobForm.NoJobs = noJobsMessage
	}
	return v
}

// noJobsMessage replaces the job form of a pool of plain programs.
const noJobsMessage = "This pool runs plain programs (-protocol none): no jobs. " +
	"It supervises them: scale, kill and restart them above."

// defaultKind is preselected in the job form: web.DefaultInputs are its inputs.
const defaultKind = "fib"

// layout is what every page shares.
func (s *Server) layout(title string) web.LayoutView {
	return web.LayoutView{Title: title, ReadOnly: s.cfg.ReadOnly}
}

func poolView(p cluster.PoolInfo) web.PoolView {
	return web.PoolView{
		Size:          p.Size,
		Degraded:      p.Degraded,
		DegradedError: p.DegradedReason,
		Pending:       p.Queue.Pending,
		Running:       p.Queue.Running,
		Restarts:      p.Restarts,
		JobsDone:      p.JobsDone,
		LastSeq:       p.LastSeq,
	}
}

func workerViews(ws []cluster.WorkerInfo, local string) []web.WorkerView {
	out := make([]web.WorkerView, len(ws))
	for i, w := range ws {
		out[i] = web.WorkerView{
			Host:       w.Host,
			Local:      w.Host == local,
			ID:         w.ID,
			PID:        w.PID,
			Slot:       w.Slot,
			State:      string(w.State),
			StartedAt:  w.StartedAt,
			JobsDone:   w.JobsDone,
			Restarts:   w.Restarts,
			CurrentJob: jobRef(w.CurrentJob),
			Listening:  w.Listening,
			RSSBytes:   w.RSSBytes,
			CPUPercent: w.CPUPercent,
			Replaces:   w.Replaces,
		}
	}
	return out
}

func jobRef(j *cluster.JobRef) *web.JobRef {
	if j == nil {
		return nil
	}
	return &web.JobRef{Batch: j.Batch, Job: j.Job, Kind: j.Kind, Input: j.Input}
}

func batchRows(bs []cluster.BatchInfo) []web.BatchRow {
	out := make([]web.BatchRow, len(bs))
	for i, b := range bs {
		out[i] = batchRow(b)
	}
	return out
}

func batchRow(b cluster.BatchInfo) web.BatchRow {
	return web.BatchRow{
		ID:         b.ID,
		Kind:       b.Kind,
		State:      string(b.State),
		CreatedAt:  b.CreatedAt,
		FinishedAt: deref(b.FinishedAt),
		Timeout:    time.Duration(b.Timeout).String(),
		Summary:    b.Summary,
	}
}

// batchPageView is one list with its jobs.
func batchPageView(b cluster.BatchInfo) web.BatchPageView {
	v := web.BatchPageView{Now: time.Now(), Batch: batchRow(b), Jobs: make([]web.JobRow, len(b.Jobs))}
	for i, j := range b.Jobs {
		v.Jobs[i] = web.JobRow{
			ID:         j.ID,
			Input:      j.Input,
			State:      string(j.State),
			Result:     j.Result,
			Error:      j.Error,
			ErrorData:  j.ErrorData,
			Worker:     j.Worker,
			PID:        j.PID,
			Attempts:   j.Attempts,
			QueuedAt:   j.QueuedAt,
			StartedAt:  deref(j.StartedAt),
			FinishedAt: deref(j.FinishedAt),
			DurationMS: j.DurationMS,
			Tries:      j.AllTries(),
		}
	}
	v.Lost = lostFromTries(b.Jobs)
	return v
}

// kindOptions lists the served kinds for the form; a numeric kind also states its
// bounds.
func (s *Server) kindOptions(ks []cluster.KindInfo) []web.KindOption {
	out := make([]web.KindOption, len(ks))
	for i, k := range ks {
		out[i] = web.KindOption{Name: k.Name, Doc: k.Doc, Example: k.Example}
		if n, ok := s.c.IntKind(k.Name); ok {
			out[i].Numeric, out[i].Min, out[i].Max = true, n.Min, n.Max
		}
	}
	return out
}

// deref is *t, or the zero time for nil.
func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// hostViews are the hosts with their live workers counted from the snapshot ws.
func hostViews(hs []cluster.HostInfo, ws []cluster.WorkerInfo) []web.HostView {
	alive := map[string]int{}
	for _, w := range ws {
		alive[w.Host]++
	}
	out := make([]web.HostView, len(hs))
	for i, h := range hs {
		out[i] = web.HostView{Name: h.Name, Local: h.Local, State: h.State, Size: h.Size,
			Workers: alive[h.Name], Late: h.Late}
	}
	return out
}
