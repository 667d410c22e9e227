package server

import (
	"time"

	"github.com/gocluster/gocluster/demos"
	"github.com/gocluster/gocluster/web"
)

// fibNodeView shows the fib demo's Node replay.
func fibNodeView(st demos.NodeStatus) web.FibNodeView {
	return web.FibNodeView{Ran: st.Ran, Running: st.Running, NumCPUs: st.NumCPUs, Inputs: st.Inputs,
		Stall: time.Duration(st.Stall), Workers: st.Report.Workers, Jobs: st.Report.Jobs, Sent: st.Report.Sent,
		Answered: st.Report.Answered, Banners: st.Report.Banners, Stalled: st.Report.Stalled, Lines: st.Lines,
		Error: st.Error}
}

// nodeLessonView is the Node script beside the Go program, faults highlighted.
func nodeLessonView() web.NodeLessonView {
	v := web.NodeLessonView{Node: codeLines(demos.NodeFibScript()), Go: codeLines(demos.GoFibFix())}
	for _, f := range demos.FibFaults() {
		v.Faults = append(v.Faults, web.Fault{ID: f.ID, Title: f.Title, Why: f.Why})
	}
	return v
}

func codeLines(in []demos.CodeLine) []web.CodeLine {
	out := make([]web.CodeLine, len(in))
	for i, l := range in {
		out[i] = web.CodeLine{Text: l.Text, Fault: l.Fault}
	}
	return out
}
