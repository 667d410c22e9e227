package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/gocluster/gocluster/web"
)

// The server turns a job list into a view model; the timeline geometry comes out in
// percent of the axis, ready for SVG x and width attributes.
func ExampleBuildTimeline() {
	created := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	at := func(s float64) time.Time { return created.Add(time.Duration(s * float64(time.Second))) }
	jobs := []web.JobRow{
		{ID: 1, Input: json.RawMessage("44"), State: "done", Worker: 1, PID: 4101, StartedAt: at(0), FinishedAt: at(8)},
		{ID: 2, Input: json.RawMessage("42"), State: "done", Worker: 2, PID: 4102, StartedAt: at(0), FinishedAt: at(3)},
		{ID: 3, Input: json.RawMessage("42"), State: "done", Worker: 2, PID: 4102, StartedAt: at(3), FinishedAt: at(6)},
	}
	tl := web.BuildTimeline("fib", created, at(8), jobs)
	for _, lane := range tl.Lanes {
		for _, b := range lane.Bars {
			fmt.Printf("worker %d: x=%.1f%% w=%.1f%% %s\n", lane.Worker, b.X, b.W, b.Label)
		}
	}
	// Output:
	// worker 1: x=0.0% w=100.0% job 1 fib(44): done, 8.0 s
	// worker 2: x=0.0% w=37.5% job 2 fib(42): done, 3.0 s
	// worker 2: x=37.5% w=37.5% job 3 fib(42): done, 3.0 s
}

// A handler renders a page component with its view models.
func ExampleLoginPage() {
	page := web.LoginPage(web.LayoutView{Title: "Sign in"}, web.LoginView{Error: "wrong token"})
	if err := page.Render(context.Background(), os.Stdout); err != nil {
		fmt.Println(err)
	}
}

func ExampleHumanMS() {
	fmt.Println(web.HumanMS(850), web.HumanMS(1234), web.HumanMS(184_000))
	// Output: 850 ms 1.2 s 3 min 4 s
}
