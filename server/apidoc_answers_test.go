package server

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
)

// The documented answers of docs/api.md are compared with the real ones by shape:
// values differ from run to run (pids, times, counts), but the keys of every object,
// recursively, and the JSON type of every value must match. The doc trims answers
// with "…", which this file's parser accepts where a member or an element could
// stand: an object or array holding one is "open" and may have more in reality.

// docKind is a JSON value's type.
type docKind byte

const (
	kindNull docKind = iota
	kindBool
	kindNumber
	kindString
	kindArray
	kindObject
)

func (k docKind) String() string {
	return [...]string{"null", "true/false", "number", "string", "array", "object"}[k]
}

// docValue is the shape of a JSON value: its kind and, for objects and arrays,
// what they hold and whether "…" left some out.
type docValue struct {
	kind   docKind
	fields map[string]*docValue
	elems  []*docValue
	open   bool
}

// docEllipsis is how the doc marks what it left out.
const docEllipsis = "…"

// parseDocJSON parses JSON that may hold "…" for omitted members and elements.
func parseDocJSON(s string) (*docValue, error) {
	p := &docParser{s: s}
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	if p.ws(); p.i != len(p.s) {
		return nil, p.errorf("unexpected text after the value")
	}
	return v, nil
}

type docParser struct {
	s string
	i int
}

func (p *docParser) errorf(format string, args ...any) error {
	near := p.s[p.i:min(len(p.s), p.i+30)]
	return fmt.Errorf("byte %d (near %q): %s", p.i, near, fmt.Sprintf(format, args...))
}

func (p *docParser) ws() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

// skip consumes tok (after whitespace) if it comes next.
func (p *docParser) skip(tok string) bool {
	p.ws()
	if strings.HasPrefix(p.s[p.i:], tok) {
		p.i += len(tok)
		return true
	}
	return false
}

func (p *docParser) value() (*docValue, error) {
	p.ws()
	rest := p.s[p.i:]
	switch {
	case rest == "":
		return nil, p.errorf("unexpected end")
	case rest[0] == '{':
		return p.object()
	case rest[0] == '[':
		return p.array()
	case rest[0] == '"':
		_, err := p.str()
		return &docValue{kind: kindString}, err
	case strings.HasPrefix(rest, "true"), strings.HasPrefix(rest, "false"):
		p.i += map[bool]int{true: 4, false: 5}[rest[0] == 't']
		return &docValue{kind: kindBool}, nil
	case strings.HasPrefix(rest, "null"):
		p.i += 4
		return &docValue{kind: kindNull}, nil
	case rest[0] == '-' || rest[0] >= '0' && rest[0] <= '9':
		n := 1
		for n < len(rest) && strings.IndexByte("0123456789.eE+-", rest[n]) >= 0 {
			n++
		}
		var f float64
		if err := json.Unmarshal([]byte(rest[:n]), &f); err != nil {
			return nil, p.errorf("bad number %q", rest[:n])
		}
		p.i += n
		return &docValue{kind: kindNumber}, nil
	}
	return nil, p.errorf("unexpected character")
}

// str reads a JSON string and returns its value.
func (p *docParser) str() (string, error) {
	if !p.skip(`"`) {
		return "", p.errorf(`want a string`)
	}
	start := p.i - 1
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case '\\':
			p.i += 2
			continue
		case '"':
			p.i++
			var s string
			if err := json.Unmarshal([]byte(p.s[start:p.i]), &s); err != nil {
				return "", p.errorf("bad string: %v", err)
			}
			return s, nil
		}
		p.i++
	}
	return "", p.errorf("unterminated string")
}

func (p *docParser) object() (*docValue, error) {
	p.i++ // {
	v := &docValue{kind: kindObject, fields: map[string]*docValue{}}
	for {
		switch {
		case p.skip("}"):
			return v, nil
		case p.skip(docEllipsis):
			v.open = true
			p.skip(",")
			continue
		}
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		if _, dup := v.fields[key]; dup {
			return nil, p.errorf("key %q twice", key)
		}
		if !p.skip(":") {
			return nil, p.errorf("want ':' after key %q", key)
		}
		if v.fields[key], err = p.value(); err != nil {
			return nil, err
		}
		if !p.skip(",") && !strings.HasPrefix(p.s[p.i:], "}") {
			return nil, p.errorf("want ',' or '}'")
		}
	}
}

func (p *docParser) array() (*docValue, error) {
	p.i++ // [
	v := &docValue{kind: kindArray}
	for {
		switch {
		case p.skip("]"):
			return v, nil
		case p.skip(docEllipsis):
			v.open = true
			p.skip(",")
			continue
		}
		e, err := p.value()
		if err != nil {
			return nil, err
		}
		v.elems = append(v.elems, e)
		if !p.skip(",") && !strings.HasPrefix(p.s[p.i:], "]") && !strings.HasPrefix(p.s[p.i:], docEllipsis) {
			return nil, p.errorf("want ',' or ']'")
		}
	}
}

// compareShape lists where the real answer's shape differs from the documented
// one. A null on either side matches anything: a value that may be absent for now
// (finished_at, current_job) is null in one run and set in another.
func compareShape(path string, doc, real *docValue) []string {
	switch {
	case doc.kind == kindNull || real.kind == kindNull:
		return nil
	case doc.kind != real.kind:
		return []string{fmt.Sprintf("%s: the doc shows %s, the answer has %s", path, doc.kind, real.kind)}
	case doc.kind == kindObject:
		return compareObjects(path, doc, real)
	case doc.kind == kindArray:
		return compareArrays(path, doc, real)
	}
	return nil
}

func compareObjects(path string, doc, real *docValue) []string {
	var diffs, extra []string
	for _, k := range sortedKeys(doc.fields) {
		rv, ok := real.fields[k]
		if !ok {
			diffs = append(diffs, fmt.Sprintf("%s.%s: documented, but not in the answer", path, k))
			continue
		}
		diffs = append(diffs, compareShape(path+"."+k, doc.fields[k], rv)...)
	}
	for _, k := range sortedKeys(real.fields) {
		if _, ok := doc.fields[k]; !ok && !doc.open {
			extra = append(extra, k)
		}
	}
	if len(extra) > 0 {
		diffs = append(diffs, fmt.Sprintf("%s: the answer has %s, which the doc leaves out without a …",
			path, strings.Join(extra, ", ")))
	}
	return diffs
}

// compareArrays matches each documented element with a real one of the same shape,
// anywhere in the array (the doc picks examples: a fork event, an exit event...).
// Without "…" the lengths must agree too.
func compareArrays(path string, doc, real *docValue) []string {
	var diffs []string
	if !doc.open && len(doc.elems) != len(real.elems) {
		diffs = append(diffs, fmt.Sprintf("%s: the doc shows %d elements without a …, the answer has %d",
			path, len(doc.elems), len(real.elems)))
	}
	for i, d := range doc.elems {
		p := fmt.Sprintf("%s[%d]", path, i)
		if len(real.elems) == 0 {
			diffs = append(diffs, p+": documented, but the answer's array is empty")
			continue
		}
		var best []string
		for j, r := range real.elems {
			got := compareShape(p, d, r)
			if len(got) == 0 {
				best = nil
				break
			}
			if j == 0 || len(got) < len(best) {
				best = got
			}
		}
		diffs = append(diffs, best...)
	}
	return diffs
}

func sortedKeys(m map[string]*docValue) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestCompareShape: keys, types and "…" are checked; values are not.
func TestCompareShape(t *testing.T) {
	for _, c := range []struct {
		doc, real string
		diffs     int
	}{
		{`{"a":1,"b":"x"}`, `{"b":"y","a":2}`, 0},
		{`{"a":1,"b":"x"}`, `{"a":2}`, 1},                       // documented, not in the answer
		{`{"a":1}`, `{"a":2,"b":3}`, 1},                         // not documented
		{`{"a":1,…}`, `{"a":2,"b":3}`, 0},                       // … allows more
		{`{"a":1}`, `{"a":"1"}`, 1},                             // type
		{`{"a":null,"b":{"c":1}}`, `{"a":{"x":1},"b":null}`, 0}, // null matches anything
		{`{"a":{"c":1}}`, `{"a":{"c":1,"d":2}}`, 1},             // recursively
		{`[{"t":1},{"u":2}]`, `[{"u":5},{"t":6}]`, 0},           // elements match anywhere
		{`[{"t":1}]`, `[{"t":1},{"t":2}]`, 1},                   // lengths without …
		{`[{"t":1},…]`, `[{"u":1},{"t":2}]`, 0},
		{`[{"t":1},…]`, `[{"u":1}]`, 2},
		{`[{"t":1}, … {"u":2}]`, `[{"u":1},{"t":2},{"v":3}]`, 0}, // … between elements, no comma
		{`[]`, `[{"t":1}]`, 1},
	} {
		doc, err := parseDocJSON(c.doc)
		if err != nil {
			t.Fatalf("%s: %v", c.doc, err)
		}
		real, err := parseDocJSON(c.real)
		if err != nil {
			t.Fatalf("%s: %v", c.real, err)
		}
		if got := compareShape("answer", doc, real); len(got) != c.diffs {
			t.Errorf("doc %s, answer %s: %d differences %q, want %d", c.doc, c.real, len(got), got, c.diffs)
		}
	}
	for _, bad := range []string{`{"a":1`, `{"a" 1}`, `{"a":1,"a":2}`, `[1 2]`, `{"a":x}`, `{"a":1} 2`} {
		if _, err := parseDocJSON(bad); err == nil {
			t.Errorf("parsed %s", bad)
		}
	}
}
