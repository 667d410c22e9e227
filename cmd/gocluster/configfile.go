package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// The config file (-config gocluster.toml) describes a pool the way PM2's
// ecosystem file does: its keys are serve's flag names without the dash, so every
// flag, present and future, has one, and nothing is named twice.
//
//	workers = 4
//	exec = "python3 server.py"
//	dir = "/srv/app"
//	shutdown-timeout = "20s"
//	[env]
//	PORT = "8000"
//
// A flag on the command line wins over its environment variable, which wins over
// the file, which wins over the default. Unknown keys, and values of the wrong
// kind, are errors that name the file and the key.

// applyConfigFile sets from the TOML file at path each flag that neither the
// command line nor the environment set (the flags fs.Visit lists), and records in
// src that the value came from the file.
func applyConfigFile(fs *flag.FlagSet, path string, src sources) error {
	if path == "" {
		return nil
	}
	text, err := readConfigFile(path)
	if err != nil {
		return usageErrorf("config file %s: %v", path, err)
	}
	values := map[string]any{}
	if _, err := toml.Decode(text, &values); err != nil {
		return usageErrorf("config file %s: %v", path, err)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, key := range sortedKeys(values) {
		f := fs.Lookup(key)
		if f == nil || key == "config" {
			return usageErrorf("config file %s: unknown key %q (the keys are serve's flag names without the dash: %s)",
				path, key, flagNames(fs))
		}
		if set[key] {
			continue
		}
		if err := setFromConfig(fs, f, values[key]); err != nil {
			return usageErrorf("config file %s: %s: %v (%s)", path, key, err, f.Usage)
		}
		src[key] = path + ": " + key
	}
	return nil
}

// setFromConfig sets one flag from a TOML value: a string, number or boolean, or
// for the repeatable -env a list of "NAME=value" strings or a table of names.
func setFromConfig(fs *flag.FlagSet, f *flag.Flag, v any) error {
	words, err := configWords(v, f.Name == "env")
	if err != nil {
		return err
	}
	if _, isBool := f.Value.(interface{ IsBoolFlag() bool }); isBool {
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("want true or false, not %v", v)
		}
	}
	for _, w := range words {
		if err := fs.Set(f.Name, w); err != nil {
			return err
		}
	}
	return nil
}

// configWords turns a TOML value into the flag values it stands for.
func configWords(v any, repeatable bool) ([]string, error) {
	switch x := v.(type) {
	case string:
		return []string{x}, nil
	case int64:
		return []string{strconv.FormatInt(x, 10)}, nil
	case bool:
		return []string{strconv.FormatBool(x)}, nil
	case []any:
		if repeatable {
			return stringList(x)
		}
	case map[string]any:
		if repeatable {
			return envTable(x)
		}
	}
	return nil, fmt.Errorf("a value of type %T does not fit this key", v)
}

func stringList(xs []any) ([]string, error) {
	out := make([]string, len(xs))
	for i, x := range xs {
		s, ok := x.(string)
		if !ok {
			return nil, fmt.Errorf("item %d is %T, want a \"NAME=value\" string", i+1, x)
		}
		out[i] = s
	}
	return out, nil
}

// envTable turns [env] NAME = "value" into NAME=value entries, sorted by name.
func envTable(m map[string]any) ([]string, error) {
	var out []string
	for _, name := range sortedKeys(m) {
		words, err := configWords(m[name], false)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		out = append(out, name+"="+words[0])
	}
	return out, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// flagNames lists the keys a config file takes.
func flagNames(fs *flag.FlagSet) string {
	var names []string
	fs.VisitAll(func(f *flag.Flag) {
		if f.Name != "config" {
			names = append(names, f.Name)
		}
	})
	return strings.Join(names, ", ")
}

// configPathExists is checked before the file is read, for a clearer message than
// the TOML decoder's.
func configPathExists(path string) error {
	if path == "" {
		return nil
	}
	if _, err := os.Stat(path); err != nil {
		return usageErrorf("-config %s: %v", path, err)
	}
	return nil
}

// maxConfigFile bounds the file: a whole pool's settings fit in a few KiB, and
// /dev/zero or a log named by mistake must not fill the memory.
const maxConfigFile = 1 << 20

// maxConfigKeyDots bounds the dots in one line: the TOML parser slows sharply on
// keys of thousands of parts, and a serve flag's key has none.
const maxConfigKeyDots = 64

func readConfigFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxConfigFile+1))
	if err != nil {
		return "", err
	}
	if len(b) > maxConfigFile {
		return "", fmt.Errorf("larger than %d bytes", maxConfigFile)
	}
	for i, line := range strings.Split(string(b), "\n") {
		if strings.Count(line, ".") > maxConfigKeyDots && strings.Count(strings.SplitN(line, "=", 2)[0], ".") > maxConfigKeyDots {
			return "", fmt.Errorf("line %d: a key of more than %d dotted parts", i+1, maxConfigKeyDots)
		}
	}
	return string(b), nil
}
