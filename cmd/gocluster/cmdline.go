package main

import (
	"errors"
	"fmt"
	"strings"
)

// splitCommand splits -exec's command line into words the way a POSIX shell splits
// a simple command, without running one: words are separated by unquoted blanks;
// 'single quotes' keep everything literally; "double quotes" keep everything but
// \" \\ \$ \` and a backslash-newline; an unquoted backslash keeps the next
// character. Nothing is expanded: no $VAR, no globs, no ~, no pipes or redirections
// (those characters stay literal), so what a person reads is what runs. Who wants a
// shell writes it: -exec 'sh -c "python3 w.py 2>>w.log"'.
func splitCommand(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return nil, errors.New("unterminated single quote")
			}
			cur.WriteString(s[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case c == '"':
			n, err := readDoubleQuoted(s[i+1:], &cur)
			if err != nil {
				return nil, err
			}
			i += n
			inWord = true
		case c == '\\':
			if i+1 == len(s) {
				return nil, errors.New("trailing backslash")
			}
			i++
			if s[i] != '\n' { // backslash-newline joins lines
				cur.WriteByte(s[i])
			}
			inWord = true
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

// readDoubleQuoted copies the inside of a double-quoted string from s (which starts
// just after the opening quote) to b, and returns how many bytes it read, the
// closing quote included.
func readDoubleQuoted(s string, b *strings.Builder) (int, error) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return i + 1, nil
		case '\\':
			if i+1 < len(s) && strings.IndexByte("\"\\$`\n", s[i+1]) >= 0 {
				i++
				if s[i] != '\n' {
					b.WriteByte(s[i])
				}
				continue
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return 0, errors.New("unterminated double quote")
}

// envList is the repeatable -env K=V flag. Its variable GOCLUSTER_ENV takes one or
// more K=V separated by newlines, since a value may hold commas and spaces.
type envList []string

func (e *envList) String() string { return strings.Join(*e, " ") }

func (e *envList) Set(v string) error {
	for _, kv := range strings.Split(strings.TrimRight(v, "\n"), "\n") {
		if err := checkEnvEntry(kv); err != nil {
			return err
		}
		*e = append(*e, kv)
	}
	return nil
}

// reservedEnv are the variables the primary sets for each worker; -env must not
// change them, or the worker would lose its id or its channel.
var reservedEnv = map[string]bool{
	"GOCLUSTER_WORKER_ID": true, "GOCLUSTER_IPC_FD": true, "GOCLUSTER_MAX_FRAME": true,
	"GOCLUSTER_LISTEN_FD": true, "GOCLUSTER_LISTEN_ADDR": true, "GOCLUSTER_MAX_JOB_BYTES": true,
}

// checkEnvEntry accepts NAME=value where NAME is a portable variable name.
func checkEnvEntry(kv string) error {
	name, _, ok := strings.Cut(kv, "=")
	if !ok {
		return fmt.Errorf("%q: want NAME=value", kv)
	}
	if name == "" || !isEnvName(name) {
		return fmt.Errorf("%q: the name must be letters, digits and _, not starting with a digit", kv)
	}
	if reservedEnv[name] {
		return fmt.Errorf("%q: %s is set by gocluster for each worker", kv, name)
	}
	return nil
}

func isEnvName(s string) bool {
	for i, c := range s {
		letter := c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}
