package cluster_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gocluster/gocluster/cluster"
)

func init() {
	helpers["logs"] = func() int { // prints one of each kind of output, then serves jobs
		fmt.Println("plain line")
		fmt.Println(strings.Repeat("a", 2*cluster.LogLineMax+100))
		os.Stdout.Write([]byte("bin \xff\x00 \x1b[31mred\r\n"))
		fmt.Fprintln(os.Stderr, "to stderr")
		fmt.Print("last words")
		return jobsWorker()
	}
	helpers["flood"] = func() int { // prints 16 MiB of short lines as fast as it can
		line := strings.Repeat("x", 99) + "\n"
		chunk := []byte(strings.Repeat(line, 320)) // 32000 bytes
		for written := 0; written < 16<<20; written += len(chunk) {
			os.Stdout.Write(chunk)
		}
		// A pause before the sentinel: while the capture rate's bucket is empty every
		// line of a read is only counted, and under load the primary read the flood's
		// last bytes and this line together, dropping it (the test then waited for it
		// in vain). A second refills the bucket; the pipe holds at most 64 KiB more.
		time.Sleep(time.Second)
		fmt.Println("flood over")
		return jobsWorker()
	}
}

func startLogPool(t *testing.T, helper string, lines int) (*cluster.Cluster, int) {
	t.Helper()
	c, err := cluster.Start(cluster.Options{Workers: 1, Output: io.Discard, LogLines: lines,
		Env: []string{envHelper + "=" + helper}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	if err := c.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	return c, c.Workers()[0].ID
}

// logsOf polls until worker id's kept lines satisfy done, and returns them.
func logsOf(t *testing.T, c *cluster.Cluster, q cluster.LogQuery, done func([]cluster.LogLine) bool) cluster.LogPage {
	t.Helper()
	var page cluster.LogPage
	waitFor(t, fmt.Sprintf("the lines of %+v", q), func() bool {
		var err error
		page, err = c.Logs(q)
		return err == nil && done(page.Lines)
	})
	return page
}

func hasText(text string) func([]cluster.LogLine) bool {
	return func(ls []cluster.LogLine) bool {
		for _, l := range ls {
			if l.Text == text {
				return true
			}
		}
		return false
	}
}

// logsHelperPrinted says the "logs" helper's lines are all in, but for its
// partial last one: 5 on stdout, 1 on stderr. The two streams are separate pipes,
// copied by separate goroutines, so the stderr line may come first (it did under
// load, and a test that waited for it alone read a page without the others).
func logsHelperPrinted(ls []cluster.LogLine) bool { return hasText("to stderr")(ls) && len(ls) >= 6 }

func TestLogsKeepLinesSplitEscapedAndTheLastPartialOne(t *testing.T) {
	c, id := startLogPool(t, "logs", 0)
	page := logsOf(t, c, cluster.LogQuery{Worker: id}, logsHelperPrinted)
	var out []cluster.LogLine
	for _, l := range page.Lines {
		if l.Stream == cluster.StreamStdout {
			out = append(out, l)
		}
	}
	if len(out) != 5 {
		t.Fatalf("stdout lines: got %d, want 5 (plain, 3 pieces, binary): %+v", len(out), out)
	}
	if out[0].Text != "plain line" || out[0].Partial || out[0].Worker != id {
		t.Errorf("plain line: %+v", out[0])
	}
	for i, want := range []int{cluster.LogLineMax, cluster.LogLineMax, 100} {
		if l := out[1+i]; len(l.Text) != want || l.Partial != (i < 2) {
			t.Errorf("long line piece %d: %d bytes, partial %v; want %d, %v", i, len(l.Text), l.Partial, want, i < 2)
		}
	}
	if want := `bin \xff\x00 \x1b[31mred`; out[4].Text != want {
		t.Errorf("binary line: got %q, want %q", out[4].Text, want)
	}
	b, _ := json.Marshal(page)
	if !utf8.Valid(b) {
		t.Error("the page is not valid UTF-8 JSON")
	}
	for i := 1; i < len(page.Lines); i++ {
		if page.Lines[i].Seq <= page.Lines[i-1].Seq {
			t.Fatalf("seqs not increasing: %d then %d", page.Lines[i-1].Seq, page.Lines[i].Seq)
		}
	}

	if err := c.Scale(0); err != nil {
		t.Fatal(err)
	}
	page = logsOf(t, c, cluster.LogQuery{Worker: id}, hasText("last words"))
	if last := page.Lines[len(page.Lines)-1]; last.Text != "last words" || !last.Partial {
		t.Errorf("the unfinished last line: %+v", last)
	}
	pool, _ := c.Logs(cluster.LogQuery{})
	if !hasText("last words")(pool.Lines) || !hasText("to stderr")(pool.Lines) {
		t.Error("the pool's lines miss the worker's")
	}
}

func TestLogsFilterByStreamAndSince(t *testing.T) {
	c, id := startLogPool(t, "logs", 0)
	all := logsOf(t, c, cluster.LogQuery{Worker: id}, logsHelperPrinted)
	errs, err := c.Logs(cluster.LogQuery{Worker: id, Stream: cluster.StreamStderr})
	if err != nil || len(errs.Lines) != 1 || errs.Lines[0].Text != "to stderr" {
		t.Fatalf("stderr only: %+v, %v", errs.Lines, err)
	}
	after, _ := c.Logs(cluster.LogQuery{Worker: id, Since: all.Lines[1].Seq})
	if len(after.Lines) != len(all.Lines)-2 || after.Lines[0].Seq != all.Lines[2].Seq || after.Missed {
		t.Errorf("since %d: %d lines from %d, missed %v", all.Lines[1].Seq, len(after.Lines), after.Lines[0].Seq, after.Missed)
	}
	newest, _ := c.Logs(cluster.LogQuery{Worker: id, Limit: 2})
	if len(newest.Lines) != 2 || newest.Lines[1].Seq != all.Lines[len(all.Lines)-1].Seq {
		t.Errorf("limit 2: %+v", newest.Lines)
	}
	if _, err := c.Logs(cluster.LogQuery{Worker: id + 100}); !errors.Is(err, cluster.ErrNotFound) {
		t.Errorf("unknown worker: %v, want ErrNotFound", err)
	}
	if _, err := c.Logs(cluster.LogQuery{Stream: "stdin"}); !errors.Is(err, cluster.ErrInvalid) {
		t.Errorf("bad stream: %v, want ErrInvalid", err)
	}
}

func TestLogEventsAreCoalesced(t *testing.T) {
	c, err := cluster.Start(cluster.Options{Workers: -1, Output: io.Discard, Env: []string{envHelper + "=logs"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	sub := c.Subscribe(1024)
	defer sub.Close()
	if err := c.Scale(1); err != nil {
		t.Fatal(err)
	}
	var got []cluster.LogLine
	events := 0
	for !hasText("to stderr")(got) {
		select {
		case ev := <-sub.C:
			if ev.Type == cluster.EventLog {
				events++
				got = append(got, ev.Lines...)
			}
		case <-ctxT(t).Done():
			t.Fatalf("no worker.log event with every line; got %+v", got)
		}
	}
	if events > 3 { // all the lines come at once: one event, two if a flush fell between
		t.Errorf("%d worker.log events for 6 lines printed at once", events)
	}
}

func TestLogFloodIsBoundedAndDropsAreCounted(t *testing.T) {
	c, err := cluster.Start(cluster.Options{Workers: -1, Output: io.Discard, LogLines: 500,
		Env: []string{envHelper + "=flood"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	sub := c.Subscribe(4096)
	defer sub.Close()
	if err := c.Scale(1); err != nil {
		t.Fatal(err)
	}
	var dropped int64
	for dropped == 0 {
		select {
		case ev, ok := <-sub.C:
			if !ok {
				t.Fatalf("subscription dropped: %v", sub.Err())
			}
			if ev.Type == cluster.EventLog {
				if len(ev.Lines) > 100 {
					t.Fatalf("a worker.log event with %d lines", len(ev.Lines))
				}
				dropped += ev.Dropped
			}
		case <-ctxT(t).Done():
			t.Fatal("no worker.log event counted drops")
		}
	}
	page := logsOf(t, c, cluster.LogQuery{}, hasText("flood over"))
	if len(page.Lines) > 500 || page.Dropped == 0 {
		t.Errorf("kept %d lines (want <= 500), dropped %d (want > 0)", len(page.Lines), page.Dropped)
	}
}
