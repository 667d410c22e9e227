package server

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/gocluster/gocluster/static"
	"github.com/gocluster/gocluster/web"
)

// staticFiles serves an FS of assets. Every response says Cache-Control: no-cache
// with a content-hash ETag: browsers revalidate each time and get 304 when nothing
// changed, so a new binary never shows a stale script and reloads stay cheap.
// Directories are not listed.
type staticFiles struct {
	fsys  fs.FS
	etags map[string]string // path -> quoted ETag
}

// newStaticFiles hashes every file of fsys once.
func newStaticFiles(fsys fs.FS) *staticFiles {
	s := &staticFiles{fsys: fsys, etags: map[string]string{}}
	fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if b, err := fs.ReadFile(fsys, p); err == nil {
			sum := sha256.Sum256(b)
			s.etags[p] = `"` + hex.EncodeToString(sum[:12]) + `"`
		}
		return nil
	})
	return s
}

func (s *Server) mountStatic(r chi.Router) {
	files := newStaticFiles(static.FS)
	r.Get(web.StaticPrefix+"*", files.ServeHTTP)
	r.Head(web.StaticPrefix+"*", files.ServeHTTP)
}

// ServeHTTP serves /static/{path} from the FS.
func (s *staticFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(path.Clean("/"+strings.TrimPrefix(r.URL.Path, web.StaticPrefix)), "/")
	etag, ok := s.etags[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	f, err := s.fsys.Open(name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		http.Error(w, "asset cannot be served", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", contentType(name))
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", etag)
	http.ServeContent(w, r, name, time.Time{}, rs)
}

// contentType fixes the types of the asset kinds we ship, so they do not depend on
// the host's /etc/mime.types: a module script served with a wrong type is refused by
// the browser under nosniff.
func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	switch ext {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".json":
		return "application/json"
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}
