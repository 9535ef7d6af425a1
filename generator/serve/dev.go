package serve

import (
	"cmp"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/policysite/policysite/generator"
	"github.com/policysite/policysite/generator/check"
	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/watch"
)

// DevOptions say how Dev serves.
type DevOptions struct {
	// Watch rebuilds when the site's sources change.
	Watch bool
	// Dir is the site folder on disk (opts.Source's), watched with Watch.
	Dir string
	// Log receives the server's own events (built, changed, a failure of
	// the machine); default slog.Default().
	Log *slog.Logger
	// Findings receives the content's findings as check prints them,
	// file:line:col: severity: message [rule], so that an editor's
	// terminal (and its jump-to-error) reads them as it reads check's;
	// default os.Stderr.
	Findings io.Writer
	// Rebuilt, when set, is called after each rebuild with the changed
	// output paths (nil after a failed build). Tests and benchmarks use it.
	Rebuilt func(changed []string, err error)
}

// Dev builds the site in memory, serves it on ln until ctx ends and, with
// Watch, rebuilds on every change to site.yaml, content/ or themes/. A build
// with errors never stops it: the last good site keeps serving, with an
// overlay listing the errors, until a save builds again. Nothing is written
// to disk.
func Dev(ctx context.Context, ln net.Listener, opts generator.Options, do DevOptions) error {
	log := do.Log
	if log == nil {
		log = slog.Default()
	}
	findings := do.Findings
	if findings == nil {
		findings = os.Stderr
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	live := NewLive(nil)
	b := generator.NewBuilder(opts)
	var batches <-chan []string
	if do.Watch {
		// Watch before the first build, so that nothing saved during it is
		// missed: the builder keeps every file it read until told otherwise.
		var err error
		if batches, err = watch.Watch(ctx, do.Dir); err != nil {
			return err
		}
		b.Watched()
	}
	// Warnings already shown are not shown again on every save: a large
	// site can have thousands.
	var warned diag.List
	build := func() ([]string, error) {
		start := time.Now()
		res, err := b.Render()
		var l diag.List
		switch {
		case errors.As(err, &l) && res != nil:
			// Every finding, warnings too: the overlay is the editor's
			// whole report on the save.
			live.Fail(check.ForBuild(res.Diagnostics))
		case errors.As(err, &l):
			live.Fail(l)
		case err != nil:
			live.Fail(diag.List{{Severity: diag.Error, Message: err.Error()}})
		default:
			live.Update(res.Outputs, res.Changed)
		}
		took := time.Since(start).Round(time.Millisecond)
		// The terminal hears after the browser, so that thousands of
		// warnings never delay the page.
		if res != nil {
			shown := check.ForBuild(res.Diagnostics)
			_ = check.WriteText(findings, fresh(warned, shown), diag.Diagnostic.Lint)
			warned = shown
		}
		switch {
		case l != nil:
			_ = check.WriteText(findings, l, diag.Diagnostic.Lint)
			log.Error("build failed; the last good site is still served", "errors", len(l.Errors()))
			return nil, err
		case err != nil:
			log.Error("build failed", "err", err)
			return nil, err
		}
		log.Info("built", "policies", len(res.Site.Policies), "changed", len(res.Changed), "took", took)
		return res.Changed, nil
	}
	build()

	srv := &http.Server{Handler: live, ReadHeaderTimeout: 10 * time.Second}
	if batches != nil {
		go func() {
			for batch := range batches {
				log.Info("changed", "files", batch)
				b.Changed(batch...)
				changed, err := build()
				if do.Rebuilt != nil {
					do.Rebuilt(changed, err)
				}
			}
		}()
	}
	go func() {
		<-ctx.Done()
		sctx, c := context.WithTimeout(context.Background(), 2*time.Second)
		defer c()
		srv.Shutdown(sctx)
	}()
	// Open event streams never finish on their own: Shutdown waits for
	// them, so they end with the server's base context.
	srv.BaseContext = func(net.Listener) context.Context { return ctx }
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// fresh returns the warnings of cur that are not in last. Both are sorted
// as diag.List.Sort sorts.
func fresh(last, cur diag.List) diag.List {
	key := func(a, b diag.Diagnostic) int {
		return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col), strings.Compare(a.Message, b.Message))
	}
	var out diag.List
	j := 0
	for _, d := range cur {
		if d.Severity != diag.Warning {
			continue
		}
		for j < len(last) && key(last[j], d) < 0 {
			j++
		}
		seen := false
		for k := j; k < len(last) && key(last[k], d) == 0; k++ {
			seen = seen || last[k] == d
		}
		if !seen {
			out = append(out, d)
		}
	}
	return out
}
