package web

// hostBreak says whether worker i starts a host's group of cards: only when the
// cards span more than one host (they come sorted by host).
func hostBreak(ws []WorkerView, i int) bool {
	if i > 0 {
		return ws[i-1].Host != ws[i].Host
	}
	for _, w := range ws[1:] {
		if w.Host != ws[0].Host {
			return true
		}
	}
	return false
}

// hostState is a host's state in words: the primary's own is "primary".
func hostState(h HostView) string {
	if h.Local {
		return "primary"
	}
	return h.State
}
