package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gocluster/gocluster/store"
)

// defaultDataDir is where serve keeps its history unless told otherwise: a
// directory beside where it runs, like a database's data directory.
const defaultDataDir = "gocluster-data"

// dataConfig is where and how long the history is kept (-data, -ephemeral,
// -retain, -data-max-size).
type dataConfig struct {
	Dir       string
	Ephemeral bool
	Retain    retainValue
	MaxSize   byteSize
}

func dataFlags(fs *flag.FlagSet, cfg *dataConfig) {
	fs.StringVar(&cfg.Dir, "data", defaultDataDir, "keep lists, jobs, every attempt and events in DIR/"+store.FileName+
		" (embedded SQLite), so they survive a restart and unfinished lists resume; '' (or -ephemeral) keeps them in memory only")
	fs.BoolVar(&cfg.Ephemeral, "ephemeral", false, "keep history in memory only, as if -data ''")
	cfg.Retain = retainValue{age: store.DefaultRetain.Age, lists: store.DefaultRetain.Lists}
	fs.Var(&cfg.Retain, "retain", "history kept: AGE,LISTS, finished lists younger than AGE (a Go duration, or d for days: 30d) and at most LISTS of them; 0 for either: no bound")
	fs.Var(&cfg.MaxSize, "data-max-size", "cap on the database file, e.g. 10GiB; past it new lists are refused (507) as on a full disk; 0: the disk's size")
}

// ephemeral is true when no history is kept on disk.
func (c dataConfig) ephemeral() bool { return c.Ephemeral || c.Dir == "" }

// retainValue is -retain: an age and a count of finished lists.
type retainValue struct {
	age   time.Duration
	lists int
}

func (r *retainValue) String() string {
	if r == nil {
		return ""
	}
	age := "0"
	if r.age > 0 {
		age = r.age.String()
		if r.age%(24*time.Hour) == 0 {
			age = strconv.FormatInt(int64(r.age/(24*time.Hour)), 10) + "d"
		}
	}
	return age + "," + strconv.Itoa(r.lists)
}

func (r *retainValue) Set(s string) error {
	ageText, countText, ok := strings.Cut(strings.TrimSpace(s), ",")
	if !ok {
		return fmt.Errorf("want AGE,LISTS, e.g. 30d,10000")
	}
	age, err := parseAge(strings.TrimSpace(ageText))
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(strings.TrimSpace(countText))
	if err != nil || n < 0 {
		return fmt.Errorf("LISTS %q is not a whole number >= 0", countText)
	}
	r.age, r.lists = age, n
	return nil
}

// parseAge reads a Go duration, or a whole number of days ("30d").
func parseAge(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 || n > 100*365 {
			return 0, fmt.Errorf("AGE %q: want days 0..36500, e.g. 30d", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("AGE %q: want a duration >= 0, e.g. 720h or 30d", s)
	}
	return d, nil
}

// storeRetain maps the flag, where 0 means no bound, to the store's Retain, where
// 0 means its default and no bound is negative.
func (r retainValue) storeRetain() store.Retain {
	out := store.Retain{Age: r.age, Lists: r.lists}
	if out.Age == 0 {
		out.Age = -1
	}
	if out.Lists == 0 {
		out.Lists = -1
	}
	return out
}

// minDataMaxSize is the smallest -data-max-size: the empty schema takes a few pages.
const minDataMaxSize = 64 << 10

func (c *serveConfig) checkData(src sources) error {
	if m := int64(c.Data.MaxSize); m != 0 && m < minDataMaxSize {
		return usageErrorf("%s %s: want 0 (no cap) or at least 64KiB", src.name("data-max-size"), c.Data.MaxSize.String())
	}
	return nil
}
