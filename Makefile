# gocluster — `make run` starts the panel, `make test` runs everything.
GO      ?= go
BIN     ?= bin/gocluster
ADDR    ?= 127.0.0.1:8080
PKGS    ?= ./...
# Count-based budgets: a duration -fuzztime races Go's fuzz coordinator at the
# deadline and can fail with a bare "context deadline exceeded" (golang/go#75804,
# unfixed in Go 1.26); a count has no deadline to race.
FUZZTIME ?= 100000x

.PHONY: run build test vet templ-check generate bench lint fuzz fuzz-short load screenshot deps clean

run: build ## build and start the panel on $(ADDR) with one worker per CPU
	./$(BIN) serve -addr $(ADDR)

# Static (no cgo): nothing in it needs cgo (the net resolver and os/user have pure Go
# versions), and every worker start skips the dynamic loader: ~4 ms of CPU less a
# fork on this machine (docs/performance.md).
build: generate
	CGO_ENABLED=0 $(GO) build -o $(BIN) ./cmd/gocluster

generate: ## regenerate templ components (committed)
	$(GO) tool templ generate # from the root, as a plain `templ generate` runs: file names in the output are relative to it

test: vet templ-check ## vet, templ check, race tests of everything (browser tests included), short fuzz runs
	GORACE=atexit_sleep_ms=0 $(GO) test -race -count=1 -timeout 900s $(PKGS)
	$(GO) test -count=1 -timeout 300s -run 'MemoryOnly|MillionJobList' ./cluster/
	$(MAKE) fuzz-short

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet $(PKGS)
	$(GO) vet -tags load ./server/ # the load test is built only by make load: keep it compiling

templ-check: ## fail if `templ generate` would change committed files
	$(GO) tool templ generate # from the root, as a plain `templ generate` runs: file names in the output are relative to it
	@git diff --exit-code -- 'web/*_templ.go' || { echo "templ output not committed: run make generate"; exit 1; }
	@test -z "$$(git ls-files --others --exclude-standard -- 'web/*_templ.go')" || { echo "untracked templ output"; exit 1; }

fuzz-short: ## each fuzz target briefly, as a regression run
	$(GO) test -run '^$$' -fuzz '^FuzzParseInputs$$' -fuzztime $(FUZZTIME) ./cluster/jobs/
	$(GO) test -run '^$$' -fuzz '^FuzzValidate$$' -fuzztime $(FUZZTIME) ./cluster/jobs/
	$(GO) test -run '^$$' -fuzz '^FuzzFrameDecoder$$' -fuzztime $(FUZZTIME) ./cluster/
	$(GO) test -run '^$$' -fuzz '^FuzzFastDecoder$$' -fuzztime $(FUZZTIME) ./cluster/
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeBatchRequest$$' -fuzztime $(FUZZTIME) ./server/
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeStrict$$' -fuzztime $(FUZZTIME) ./server/

fuzz: ## longer fuzzing
	$(MAKE) fuzz-short FUZZTIME=5000000x

bench: ## the performance table: medians and spread over 5 runs (prints markdown, writes bench/results.json)
	$(GO) run ./cmd/gocluster-bench -go $(GO) -count 5 -out bench/results.json

load: ## 50 API clients + 200 WebSocket clients for 20 s on loopback; prints a LOAD: line
	$(GO) test -tags load -run TestLoad -count=1 -timeout 5m -v ./server/

screenshot: ## refresh docs/screenshot.png (the lecture view) and docs/panel.png from the browser tests
	GOCLUSTER_UPDATE_SCREENSHOT=1 $(GO) test -count=1 -run 'TestLectureView|TestJobListLive' ./server/e2e/

lint: vet
	$(GO) vet ./...

deps: ## install what browser, JavaScript, Python and shell-worker tests need, and wrk for make bench (Debian; needs root)
	@command -v chromium >/dev/null || { apt-get update -q && apt-get install -y -q -o DPkg::Lock::Timeout=300 chromium; }
	@command -v node >/dev/null || { apt-get update -q && apt-get install -y -q -o DPkg::Lock::Timeout=300 nodejs; }
	@command -v python3 >/dev/null || { apt-get update -q && apt-get install -y -q -o DPkg::Lock::Timeout=300 python3; }
	@command -v jq >/dev/null || { apt-get update -q && apt-get install -y -q -o DPkg::Lock::Timeout=300 jq; }
	@command -v wrk >/dev/null || { apt-get update -q && apt-get install -y -q -o DPkg::Lock::Timeout=300 wrk; } # make bench's wrk rows only; make test never needs it

clean:
	rm -rf bin artifacts
