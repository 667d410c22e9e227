package server

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"

	"github.com/gocluster/gocluster/cluster"
)

func TestStaticAssetsHaveTypesAndRevalidate(t *testing.T) {
	a := newAPIServer(t, cluster.Options{Workers: -1}, Config{})
	for path, typ := range map[string]string{
		"/static/css/app.css": "text/css; charset=utf-8",
		"/static/js/app.js":   "text/javascript; charset=utf-8",
		"/static/js/boot.js":  "text/javascript; charset=utf-8",
		"/static/favicon.svg": "image/svg+xml",
	} {
		rp := a.get(path)
		if rp.status != http.StatusOK || rp.header.Get("Content-Type") != typ || len(rp.body) == 0 {
			t.Fatalf("%s: %d %q (%d bytes), want 200 %q", path, rp.status, rp.header.Get("Content-Type"), len(rp.body), typ)
		}
		etag := rp.header.Get("ETag")
		if rp.header.Get("Cache-Control") != "no-cache" || etag == "" {
			t.Fatalf("%s: Cache-Control %q, ETag %q", path, rp.header.Get("Cache-Control"), etag)
		}
		req, _ := http.NewRequest(http.MethodGet, a.url+path, nil)
		req.Header.Set("If-None-Match", etag)
		if rp := a.send(req); rp.status != http.StatusNotModified {
			t.Fatalf("%s with its ETag: %d, want 304", path, rp.status)
		}
	}
	for _, path := range []string{"/static/", "/static/js", "/static/js/", "/static/nope.js"} {
		if rp := a.get(path); rp.status != http.StatusNotFound {
			t.Fatalf("%s: %d, want 404", path, rp.status)
		}
	}
	// Dot segments never reach the file server: the path check refuses them (paths.go).
	for _, path := range []string{"/static/../go.mod", "/static/%2e%2e/go.mod"} {
		if rp := a.get(path); rp.status != http.StatusBadRequest {
			t.Fatalf("%s: %d, want 400", path, rp.status)
		}
	}
}

func TestStaticFilesServeAnyFS(t *testing.T) {
	files := newStaticFiles(fstest.MapFS{
		"a.png":   {Data: []byte("png")},
		"x/b.zzz": {Data: []byte("data")},
	})
	for path, typ := range map[string]string{"/static/a.png": "image/png", "/static/x/b.zzz": "application/octet-stream"} {
		rec := httptest.NewRecorder()
		files.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != typ {
			t.Fatalf("%s: %d %q, want 200 %q", path, rec.Code, rec.Header().Get("Content-Type"), typ)
		}
	}
}
