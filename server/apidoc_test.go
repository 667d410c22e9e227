package server

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/gocluster/gocluster/cluster"
)

// docPath is the REST reference, relative to this package.
const docPath = "../docs/api.md"

// docBase is the address the examples use; the test points them at its server.
const docBase = "http://127.0.0.1:8080"

// docSubstitutions keep the examples fast: the doc shows the seed's fib 44 list,
// which takes seconds per job (minutes under -race); the test runs the same
// commands on smaller inputs.
// docRunID is the run id of the server the examples run on, so that the list ids of
// docs/api.md ("mj3k9x2a-1b2c-1") are the real ones.
const docRunID = "mj3k9x2a-1b2c"

func docSubstitutions() *strings.Replacer {
	return strings.NewReplacer("44 42 42 43", "24 22 22 23", "[44,42,42,43]", "[24,22,22,23]")
}

// docCommand is one curl example of the doc and the status it documents.
type docCommand struct {
	line   int
	text   string
	args   []string // the words after "curl"
	status int
	answer *docAnswer // the documented answer, if the doc shows one
}

// docAnswer is an example answer: the block right after a ```sh block (only blank
// lines between) shows the answer of that block's last command.
type docAnswer struct {
	line int    // where the block's text starts
	text string // JSON (json and http kinds) or the exact body (text kind)
	kind answerKind
}

type answerKind int

const (
	answerJSON answerKind = iota // a ```json block
	answerHTTP                   // a ``` block of curl -i output: the JSON after the headers
	answerText                   // any other ``` block: the body, as is
)

// answerAfter reads the block following the ```sh block that closes at line i.
func answerAfter(lines []string, i int) *docAnswer {
	j := i + 1
	for j < len(lines) && strings.TrimSpace(lines[j]) == "" {
		j++
	}
	if j == len(lines) {
		return nil
	}
	fence := strings.TrimSpace(lines[j])
	if fence != "```json" && fence != "```" {
		return nil
	}
	for k := j + 1; k < len(lines); k++ {
		if strings.TrimSpace(lines[k]) != "```" {
			continue
		}
		a := &docAnswer{line: j + 2, text: strings.Join(lines[j+1:k], "\n"), kind: answerText}
		switch {
		case fence == "```json":
			a.kind = answerJSON
		case strings.HasPrefix(a.text, "HTTP/"):
			_, body, _ := strings.Cut(a.text, "\n\n")
			a.text, a.kind = body, answerHTTP
		}
		return a
	}
	return nil
}

// docCommands finds the curl commands of the ```sh blocks, each followed by a line
// "# -> STATUS". A command without one is an error: every example is run.
func docCommands(md string) ([]docCommand, error) {
	expectLine := regexp.MustCompile(`^#\s*->\s*(\d{3})\b`)
	var cmds []docCommand
	var pending *docCommand
	inSh := false
	blockStart := 0 // the first command of the current ```sh block
	lines := strings.Split(md, "\n")
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		switch {
		case strings.HasPrefix(line, "```"):
			if pending != nil {
				return nil, fmt.Errorf("line %d: curl command without a '# -> STATUS' line", pending.line)
			}
			if inSh && len(cmds) > blockStart {
				cmds[len(cmds)-1].answer = answerAfter(lines, i)
			}
			inSh = !inSh && line == "```sh"
			blockStart = len(cmds)
			continue
		case !inSh || line == "":
			continue
		}
		if pending != nil {
			m := expectLine.FindStringSubmatch(line)
			if m == nil {
				return nil, fmt.Errorf("line %d: curl command without a '# -> STATUS' line", pending.line)
			}
			pending.status, _ = strconv.Atoi(m[1])
			cmds = append(cmds, *pending)
			pending = nil
			continue
		}
		start := i + 1
		line, i = joinContinued(lines, i)
		if !strings.HasPrefix(line, "curl ") {
			continue
		}
		words, err := shellWords(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", start, err)
		}
		pending = &docCommand{line: start, text: line, args: words[1:]}
	}
	return cmds, nil
}

// joinContinued joins line i with the lines its trailing backslashes continue to,
// and returns the last line's index.
func joinContinued(lines []string, i int) (string, int) {
	line := strings.TrimSpace(lines[i])
	for strings.HasSuffix(line, `\`) && i+1 < len(lines) {
		i++
		line = strings.TrimSuffix(line, `\`) + " " + strings.TrimSpace(lines[i])
	}
	return line, i
}

// shellWords splits a command as sh would, for the subset the doc uses: bare words,
// '...' and "..." (with \" and \\). Pipes, redirections and variables are refused so
// that every example runs the same here as in a shell.
func shellWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Errorf("unterminated ' in %q", s)
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '"':
			n, err := doubleQuoted(s[i+1:], &cur)
			if err != nil {
				return nil, err
			}
			i += n + 1
			inWord = true
		case strings.IndexByte("|&;<>$`\\", c) >= 0:
			return nil, fmt.Errorf("unsupported shell syntax %q in %q", c, s)
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// doubleQuoted copies the inside of "..." (s starts after the quote) to cur and
// returns the index of the closing quote.
func doubleQuoted(s string, cur *strings.Builder) (int, error) {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			return i, nil
		case '$', '`':
			return 0, fmt.Errorf("unsupported shell syntax %q in double quotes", s[i])
		case '\\':
			if i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\') {
				i++
			}
		}
		cur.WriteByte(s[i])
	}
	return 0, fmt.Errorf("unterminated \" in %q", s)
}

// readDoc loads docs/api.md.
func readDoc(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatalf("read the API doc: %v", err)
	}
	return string(b)
}

// TestAPIDocExamples runs every curl example of docs/api.md, in order, against a
// real server on a fresh two-worker pool and checks the status the doc states. It
// runs the real curl when there is one, and always runs the same commands rebuilt as
// Go requests, so the check does not depend on curl being installed.
func TestAPIDocExamples(t *testing.T) {
	cmds, err := docCommands(readDoc(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(cmds) < 20 {
		t.Fatalf("found only %d curl examples", len(cmds))
	}
	t.Run("curl", func(t *testing.T) {
		if _, err := exec.LookPath("curl"); err != nil {
			t.Skip("no curl here; the parsed run still checks every example")
		}
		runDocCommands(t, cmds, runCurl)
	})
	t.Run("parsed", func(t *testing.T) { runDocCommands(t, cmds, runParsed) })
}

// runDocCommands runs cmds on a new server with run, which returns the status and
// the body.
func runDocCommands(t *testing.T, cmds []docCommand, run func(*apiServer, []string) (int, string, error)) {
	a := newAPIServer(t, cluster.Options{Workers: 2, RunID: docRunID, Env: jsonKindsEnv}, Config{})
	ready, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := a.c.WaitReady(ready); err != nil { // the pool knows wordcount from the workers' hello
		t.Fatal(err)
	}
	subst := docSubstitutions()
	for _, c := range cmds {
		args := make([]string, len(c.args))
		for i, w := range c.args {
			args[i] = strings.ReplaceAll(subst.Replace(w), docBase, a.url)
		}
		status, body, err := run(a, args)
		if err != nil {
			t.Fatalf("docs/api.md:%d: %s: %v", c.line, c.text, err)
		}
		if status != c.status {
			t.Errorf("docs/api.md:%d: %s\n got %d, doc says %d; body: %s", c.line, c.text, status, c.status, body)
		}
		if c.answer != nil {
			for _, d := range checkAnswer(c.answer, body) {
				t.Errorf("docs/api.md:%d: the answer of %s\n %s", c.answer.line, c.text, d)
			}
		}
		t.Logf("docs/api.md:%d -> %d %s", c.line, status, strings.TrimSpace(body))
	}
}

// runCurl runs the real curl with the example's arguments, plus what makes it print
// the status last.
func runCurl(_ *apiServer, args []string) (int, string, error) {
	out, err := exec.Command("curl", append(args, "-sS", "-w", "\n%{http_code}")...).Output()
	if err != nil {
		return 0, "", fmt.Errorf("curl: %w", err)
	}
	text := string(out)
	i := strings.LastIndexByte(text, '\n')
	status, err := strconv.Atoi(text[i+1:])
	body := text[:i]
	if slices.Contains(args, "-i") { // the answer compared is the body after the headers
		_, body, _ = strings.Cut(body, "\r\n\r\n")
	}
	return status, body, err
}

// checkAnswer compares a documented answer with the real body: the same text for a
// plain block, the same shape (compareShape) for JSON.
func checkAnswer(a *docAnswer, body string) []string {
	if a.kind == answerText {
		if strings.TrimSpace(a.text) != strings.TrimSpace(body) {
			return []string{fmt.Sprintf("the doc shows %q, the answer is %q", a.text, body)}
		}
		return nil
	}
	doc, err := parseDocJSON(a.text)
	if err != nil {
		return []string{fmt.Sprintf("the documented answer is not JSON (with … for what it leaves out): %v", err)}
	}
	real, err := parseDocJSON(body)
	if err != nil {
		return []string{fmt.Sprintf("the real answer is not JSON: %v: %s", err, body)}
	}
	return compareShape("answer", doc, real)
}

// runParsed rebuilds the curl command as a Go request: -X, -H, -d and the URL, with
// curl's defaults (POST and the form type when there is a body). Flags it does not
// know fail the test, so the doc stays within what both runs understand.
func runParsed(a *apiServer, args []string) (int, string, error) {
	method, url := "", ""
	var data []string
	header := http.Header{}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch {
		case arg == "-s" || arg == "-S" || arg == "-sS" || arg == "-i":
		case (arg == "-X" || arg == "-H" || arg == "-d" || arg == "--data-binary") && i+1 < len(args):
			i++
			switch arg {
			case "-X":
				method = args[i]
			case "-H":
				k, v, _ := strings.Cut(args[i], ":")
				header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
			default:
				data = append(data, args[i])
			}
		case !strings.HasPrefix(arg, "-") && url == "":
			url = arg
		default:
			return 0, "", fmt.Errorf("the parsed run does not know %q", arg)
		}
	}
	return a.sendParsed(method, url, header, data)
}

func (a *apiServer) sendParsed(method, url string, header http.Header, data []string) (int, string, error) {
	if method == "" {
		method = http.MethodGet
		if data != nil {
			method = http.MethodPost
		}
	}
	req, err := http.NewRequest(method, url, bytes.NewReader([]byte(strings.Join(data, "&"))))
	if err != nil {
		return 0, "", err
	}
	req.Header = header
	if data != nil && header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	rp := a.send(req)
	return rp.status, string(rp.body), nil
}

// TestAPIDocCoversEveryRouteAndCode: each /api route has a "### METHOD /path"
// heading, and each error code of the table is listed.
func TestAPIDocCoversEveryRouteAndCode(t *testing.T) {
	doc := readDoc(t)
	c := startPool(t, cluster.Options{Workers: -1})
	s := New(c, Config{Logger: testLogger(t)})
	defer s.Close()
	err := chi.Walk(s.Handler().(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if strings.HasPrefix(route, "/api/") || route == "/healthz" || route == "/readyz" || route == "/metrics" {
			if heading := "### " + method + " " + route; !strings.Contains(doc, heading+"\n") {
				t.Errorf("docs/api.md has no heading %q", heading)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range errorTable() {
		if !strings.Contains(doc, fmt.Sprintf("| %d | `%s` |", row.status, row.code)) {
			t.Errorf("docs/api.md does not list code %s (%d)", row.code, row.status)
		}
	}
}

func TestDocCommandsParser(t *testing.T) {
	md := "```sh\n# a comment\ncurl -s -d '{\"a\": 1}' \\\n  -H \"X-Y: z\" http://h/x\n# -> 201\n```\n" +
		"```json\ncurl not a command here\n```\n"
	cmds, err := docCommands(md)
	if err != nil || len(cmds) != 1 {
		t.Fatalf("got %+v, %v", cmds, err)
	}
	want := []string{"-s", "-d", `{"a": 1}`, "-H", "X-Y: z", "http://h/x"}
	if c := cmds[0]; c.status != 201 || c.line != 3 || strings.Join(c.args, "|") != strings.Join(want, "|") {
		t.Fatalf("got %+v", cmds[0])
	}
	md = "```sh\ncurl http://h/a\n# -> 200\ncurl http://h/b\n# -> 201\n```\n\n```json\n{\"a\":1,\n …}\n```\n" +
		"```sh\ncurl -i http://h/c\n# -> 405\n```\n```\nHTTP/1.1 405 Method Not Allowed\nAllow: GET\n\n{\"e\":1}\n```\n" +
		"```sh\ncurl http://h/d\n# -> 200\n```\nprose\n```json\n{}\n```\n"
	cmds, err = docCommands(md)
	if err != nil || len(cmds) != 4 {
		t.Fatalf("got %+v, %v", cmds, err)
	}
	if cmds[0].answer != nil || cmds[1].answer == nil || cmds[1].answer.kind != answerJSON ||
		cmds[1].answer.text != "{\"a\":1,\n …}" || cmds[1].answer.line != 9 {
		t.Errorf("the json block is the answer of the block's last command: %+v, %+v", cmds[0].answer, cmds[1].answer)
	}
	if a := cmds[2].answer; a == nil || a.kind != answerHTTP || a.text != `{"e":1}` {
		t.Errorf("curl -i answer: %+v", a)
	}
	if cmds[3].answer != nil {
		t.Errorf("a block after prose is no answer: %+v", cmds[3].answer)
	}
	for _, bad := range []string{"```sh\ncurl http://h/x\n```\n", "```sh\ncurl http://h/x | jq\n# -> 200\n```\n",
		"```sh\ncurl 'http://h/x\n# -> 200\n```\n", "```sh\ncurl \"$URL\"\n# -> 200\n```\n"} {
		if _, err := docCommands(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}
