package web

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"
)

// t0 is a fixed "now" so rendered times are deterministic.
var t0 = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)

// render renders c, checks that the HTML would run under a strict CSP, and parses it.
func render(t *testing.T, c templ.Component) *goquery.Document {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	assertCSPSafe(t, doc)
	return doc
}

// assertCSPSafe fails on anything a `script-src 'self'; style-src 'self'` policy
// would block: inline scripts, <style>, style="" and on* handler attributes, and
// javascript: URLs.
func assertCSPSafe(t errorer, doc *goquery.Document) {
	t.Helper()
	doc.Find("*").Each(func(_ int, s *goquery.Selection) {
		n := s.Nodes[0]
		for _, a := range n.Attr {
			name := strings.ToLower(a.Key)
			if name == "style" || strings.HasPrefix(name, "on") {
				t.Errorf("<%s> has inline %s=%q", n.Data, a.Key, a.Val)
			}
			if strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") {
				t.Errorf("<%s %s> is a javascript: URL", n.Data, a.Key)
			}
		}
	})
	if n := doc.Find("style").Length(); n > 0 {
		t.Errorf("found %d <style> elements", n)
	}
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		if _, ok := s.Attr("src"); !ok || strings.TrimSpace(s.Text()) != "" {
			h, _ := goquery.OuterHtml(s)
			t.Errorf("inline <script>: %s", h)
		}
	})
}

// attr returns the attribute of the first element of s, failing when it is missing.
func attr(t *testing.T, s *goquery.Selection, name string) string {
	t.Helper()
	if s.Length() == 0 {
		t.Fatalf("no element for attribute %q", name)
	}
	v, ok := s.Attr(name)
	if !ok {
		t.Fatalf("element has no %q attribute", name)
	}
	return v
}

// count fails unless sel matches want elements.
func count(t *testing.T, doc *goquery.Document, sel string, want int) *goquery.Selection {
	t.Helper()
	s := doc.Find(sel)
	if s.Length() != want {
		t.Errorf("%s: %d elements, want %d", sel, s.Length(), want)
	}
	return s
}

// text returns the trimmed text of s.
func text(s *goquery.Selection) string { return strings.TrimSpace(s.Text()) }

// assertPostForm fails unless the form sel exists with method=post and the action.
func assertPostForm(t *testing.T, doc *goquery.Document, sel, action string) {
	t.Helper()
	f := doc.Find(sel)
	if f.Length() == 0 {
		t.Errorf("no form %s", sel)
		return
	}
	if m := attr(t, f, "method"); m != "post" {
		t.Errorf("%s method = %q, want post", sel, m)
	}
	if a := attr(t, f, "action"); a != action {
		t.Errorf("%s action = %q, want %q", sel, a, action)
	}
}

func TestAssertCSPSafeCatchesInline(t *testing.T) {
	bad := `<div style="color:red" onclick="x()"><script>alert(1)</script><style>p{}</style><a href="javascript:x()">x</a></div>`
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	var rec recorder
	assertCSPSafe(&rec, doc)
	if len(rec.errs) != 5 {
		t.Errorf("assertCSPSafe found %d problems, want 5: %q", len(rec.errs), rec.errs)
	}
}

// errorer is the part of testing.T that assertCSPSafe uses, so its own test can
// record failures instead of failing.
type errorer interface {
	Helper()
	Errorf(format string, args ...any)
}

type recorder struct{ errs []string }

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
