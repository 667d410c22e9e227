package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"syscall"

	"github.com/go-chi/chi/v5"

	"github.com/gocluster/gocluster/cluster"
	"github.com/gocluster/gocluster/web"
)

// The no-JavaScript forms. Each parses its form, asks the cluster, and answers 303
// to the page it came from; on bad input it re-renders the panel with the message
// beside the form and what the user typed, with status 422.

// uiForm guards every /ui/ post: read-only servers refuse it with 403, and the form
// body is bounded by MaxBody before it is parsed.
func (s *Server) uiForm(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.ReadOnly {
			s.render(w, r, http.StatusForbidden, messagePage(s.layout("Read-only"), "Read-only",
				"This panel is read-only: it shows the pool but cannot change it."))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBody)
		if err := r.ParseForm(); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				err = fmt.Errorf("%w: the form is larger than %d bytes", errTooLarge, s.cfg.MaxBody)
			} else {
				err = fmt.Errorf("%w: cannot read the form: %v", cluster.ErrInvalid, err)
			}
			s.renderError(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// uiScale is POST /ui/pool/scale: action set (the size field), minus, plus or cpu.
func (s *Server) uiScale(w http.ResponseWriter, r *http.Request) {
	size, err := s.scaleTarget(r)
	if err == nil {
		err = s.c.Scale(size)
	}
	if err != nil {
		s.renderPanel(w, r, uiStatus(err), func(v *web.PanelView) {
			v.ScaleForm.Error = formMessage(err)
			if n, perr := strconv.Atoi(strings.TrimSpace(r.PostFormValue("size"))); perr == nil {
				v.ScaleForm.Size = n
			}
		})
		return
	}
	redirectBack(w, r)
}

// scaleTarget is the size a scale form asks for. Minus and plus count from the
// pool's size now, not from a number field that may be stale.
func (s *Server) scaleTarget(r *http.Request) (int, error) {
	switch a := r.PostFormValue("action"); a {
	case "minus":
		return s.c.Size() - 1, nil
	case "plus":
		return s.c.Size() + 1, nil
	case "cpu":
		return s.cfg.CPUs, nil
	case "set", "":
		v := strings.TrimSpace(r.PostFormValue("size"))
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, fmt.Errorf("%w: pool size %q is not a whole number", cluster.ErrInvalid, clip(v))
		}
		return n, nil
	default:
		return 0, fmt.Errorf("%w: unknown scale action %q (set, minus, plus or cpu)", cluster.ErrInvalid, clip(a))
	}
}

// uiRestart is POST /ui/pool/restart: it starts a rolling restart in the background,
// like POST /api/pool/restart (one at a time), and returns to the page at once; the
// panel shows the workers being replaced.
func (s *Server) uiRestart(w http.ResponseWriter, r *http.Request) {
	log := loggerFrom(r)
	err := s.bg.startRestart(func(ctx context.Context) {
		if err := s.c.Restart(ctx); err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, cluster.ErrClosed) {
			log.Warn("rolling restart failed", "err", err)
		}
	})
	if err != nil {
		s.renderPanel(w, r, uiStatus(err), func(v *web.PanelView) { v.ActionError = formMessage(err) })
		return
	}
	redirectBack(w, r)
}

// uiSubmit is POST /ui/batches: kind, inputs (as people type them) and an optional
// timeout. It answers 303 to the new list's page.
func (s *Server) uiSubmit(w http.ResponseWriter, r *http.Request) {
	f := web.JobFormView{
		Kind:    r.PostFormValue("kind"),
		Inputs:  r.PostFormValue("inputs"),
		Timeout: strings.TrimSpace(r.PostFormValue("timeout")),
	}
	info, err := s.submitForm(f)
	if err != nil {
		f.Error = formMessage(err)
		s.renderPanel(w, r, uiStatus(err), func(v *web.PanelView) {
			f.DefaultTimeout = v.JobForm.DefaultTimeout
			v.JobForm = f
		})
		return
	}
	http.Redirect(w, r, web.BatchURL(info.ID), http.StatusSeeOther)
}

func (s *Server) submitForm(f web.JobFormView) (cluster.BatchInfo, error) {
	spec, err := parseFormInputs(f.Inputs)
	if err != nil {
		return cluster.BatchInfo{}, err
	}
	spec.Kind = f.Kind
	if spec.Timeout, err = parseTimeout(f.Timeout); err != nil {
		return cluster.BatchInfo{}, err
	}
	return s.submitSpec(spec, cluster.BatchOptions{})
}

// uiCancel is POST /ui/batches/{id}/cancel.
func (s *Server) uiCancel(w http.ResponseWriter, r *http.Request) {
	id, err := batchID(r)
	if err == nil {
		_, err = s.c.Cancel(id)
	}
	if err != nil {
		s.renderPanel(w, r, uiStatus(err), func(v *web.PanelView) { v.ActionError = formMessage(err) })
		return
	}
	redirectBack(w, r)
}

// uiWorker is POST /ui/workers/{id}/stop|kill|crash: stop retires the worker
// gracefully (not replaced), kill sends SIGKILL and crash makes it exit with code 1
// (both replaced).
func (s *Server) uiWorker(w http.ResponseWriter, r *http.Request) {
	err := s.workerAction(chi.URLParam(r, "id"), chi.URLParam(r, "action"))
	if err != nil {
		s.renderPanel(w, r, uiStatus(err), func(v *web.PanelView) { v.ActionError = formMessage(err) })
		return
	}
	redirectBack(w, r)
}

func (s *Server) workerAction(idText, action string) error {
	id, err := strconv.Atoi(idText)
	if err != nil || id <= 0 {
		return fmt.Errorf("%w: no live worker %q", cluster.ErrNotFound, clip(idText))
	}
	wk, err := s.c.Worker(id)
	if err != nil {
		return err
	}
	switch action {
	case "stop":
		return wk.Disconnect(0)
	case "kill":
		return wk.Kill(syscall.SIGKILL)
	case "crash":
		return wk.Crash(1)
	}
	return fmt.Errorf("%w: unknown worker action %q (stop, kill or crash)", cluster.ErrNotFound, clip(action))
}
