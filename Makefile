# policysite: the two commands a newcomer needs are `make run` and `make test`.
GO       ?= go
BIN      := bin
ADDR     ?= 127.0.0.1
PORT     ?= 1313
# Tests that need Chromium, Java or the npm tools fail (never skip) under make.
export POLICYSITE_REQUIRE_TOOLS := 1

.PHONY: all run build test test-go test-calendar deps vet fuzz bench clean dist screenshots

all: build

$(BIN)/policysite: FORCE
	$(GO) build -o $@ ./cmd/policysite
$(BIN)/formrelay: FORCE
	@if [ -d cmd/formrelay ] && ls cmd/formrelay/*.go >/dev/null 2>&1; then $(GO) build -o $@ ./cmd/formrelay; fi
FORCE:

build: $(BIN)/policysite $(BIN)/formrelay

## run: build the bundled example site into public/ and serve it
run: $(BIN)/policysite
	$(BIN)/policysite build
	$(BIN)/policysite serve --bind $(ADDR) --port $(PORT) --relay-url http://127.0.0.1:8025/requests

## test: install test tools if missing, then run every test
test: deps vet
	$(GO) test -count=1 ./...

## test-calendar: every test again on other days: no test may depend on the
## day it runs. Each run moves Go's calendar (SOURCE_DATE_EPOCH, which
## policysite reads for today) and, through faketime's LD_PRELOAD, the
## clock of every dynamically linked program the tests start: Chromium and
## Java (Go's own clock is the vDSO's and does not move). Left out, as the
## slowest tests that read no calendar (make test runs them): TestLargePolicy
## (a 5 MB policy for a fixed --now), TestLayoutEveryWidth (every page at
## four widths and two colour schemes, on a pinned clock) and TestDist (the
## release archives, built twice).
CALENDAR_DAYS ?= 2031-06-01 2026-12-31
test-calendar: deps
	@set -e; for d in $(CALENDAR_DAYS); do \
	  echo "test-calendar: the calendar at $$d 12:00:00 UTC"; \
	  SOURCE_DATE_EPOCH=$$(date -u -d "$$d 12:00:00" +%s) faketime "$$d 12:00:00 UTC" \
	    $(GO) test -count=1 -skip '^(TestLargePolicy|TestLayoutEveryWidth|TestDist)$$' ./...; \
	done

deps:
	@scripts/deps.sh

## screenshots: README's pictures (docs/screenshots/), taken from the
## screenshots TestLayoutEveryWidth leaves and made small by pngquant
## (apt-get install pngquant)
SHOTS := index-390-light data-protection-390-light requests-390-light index-1280-light
screenshots: deps
	@command -v pngquant >/dev/null || { echo "screenshots: pngquant is missing: apt-get install -y pngquant" >&2; exit 1; }
	$(GO) test -count=1 -run '^TestLayoutEveryWidth$$' ./generator/browsertest
	@mkdir -p docs/screenshots
	@for s in $(SHOTS); do pngquant --quality 70-90 --speed 1 --strip --force --output docs/screenshots/$$s.png generator/browsertest/testdata/out/layout/$$s.png; done
	@ls -l docs/screenshots

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { gofmt -l .; echo "gofmt: files above need formatting"; exit 1; }

## fuzz: run each fuzz target for a short while
FUZZTIME ?= 20s
fuzz:
	$(GO) test ./generator/frontmatter -run '^$$' -fuzz FuzzSplit -fuzztime $(FUZZTIME)
	$(GO) test ./generator/frontmatter -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME)
	$(GO) test ./generator/vars -run '^$$' -fuzz FuzzExpand -fuzztime $(FUZZTIME)
	$(GO) test ./generator/markdown -run '^$$' -fuzz FuzzRender -fuzztime $(FUZZTIME)
	$(GO) test ./generator/markdown -run '^$$' -fuzz FuzzQuickLinkify -fuzztime $(FUZZTIME)
	$(GO) test ./generator/markdown -run '^$$' -fuzz FuzzLimits -fuzztime $(FUZZTIME)
	$(GO) test ./generator/date -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME)
	$(GO) test ./generator/source -run '^$$' -fuzz FuzzSlugOf -fuzztime $(FUZZTIME)
	$(GO) test ./generator/source -run '^$$' -fuzz FuzzIsSlug -fuzztime $(FUZZTIME)
	$(GO) test ./generator/markdown -run '^$$' -fuzz FuzzSanitise -fuzztime $(FUZZTIME)
	$(GO) test ./generator/check -run '^$$' -fuzz FuzzPolicy -fuzztime $(FUZZTIME)
	$(GO) test ./generator/history -run '^$$' -fuzz FuzzCompare -fuzztime $(FUZZTIME)
	$(GO) test ./generator/docx -run '^$$' -fuzz FuzzRead -fuzztime $(FUZZTIME) -fuzzminimizetime 100x
	$(GO) test ./generator/form -run '^$$' -fuzz FuzzValidate -fuzztime $(FUZZTIME)
	$(GO) test ./cmd/formrelay/internal/relay -run '^$$' -fuzz FuzzDecode -fuzztime $(FUZZTIME)
	$(GO) test ./cmd/formrelay/internal/spool -run '^$$' -fuzz FuzzParseJournal -fuzztime $(FUZZTIME)

## bench: Go benchmarks (one package at a time, so that none competes for the
## CPU with another), then whole-process runs at 100, 1,000 and 10,000 policies
## and of one 5 MB policy beside Hugo (installed into tools/ the first time)
## and the floor, ending with PASS or FAIL for each of issue 24's targets.
## Left out, to keep it under 15 minutes, and run by hand when their code
## changes: BenchmarkConstruct (goldmark's cost per construct, 228 cases, 8
## minutes), BenchmarkBuild1000 and BenchmarkFloor1000 (bench.sh times the
## same builds as whole processes) and BenchmarkSchools1000x10 (what
## BenchmarkSchools100x10 measures, ten times over); BenchmarkCompare runs
## once a case (it compares cost per byte across sizes, of seconds each)
BENCH_LEFT_OUT = ^Benchmark(Construct|Build1000|Floor1000|Schools1000x10|Compare)$$
bench:
	$(GO) test -p 1 -run '^$$' -bench . -skip '$(BENCH_LEFT_OUT)' -benchmem ./...
	$(GO) test -run '^$$' -bench '^BenchmarkCompare$$' -benchtime 1x -benchmem ./generator/history
	scripts/bench.sh

## dist: release archives of both commands for Linux, macOS and Windows,
## with SHA256SUMS, in dist/ (VERSION=v1.2.3 to name them; reproducible)
dist:
	VERSION="$(VERSION)" scripts/dist.sh

clean:
	rm -rf dist $(BIN) public/*.html public/*/ tools/node_modules
