package serve

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/policysite/policysite/generator"
	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/watch"
)

// DevOptions say how Dev serves.
type DevOptions struct {
	// Watch rebuilds when the site's sources change.
	Watch bool
	// Log receives build results and errors; default slog.Default().
	Log *slog.Logger
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
	live := NewLive(nil)
	build := func() ([]string, error) {
		start := time.Now()
		res, err := generator.Render(opts)
		if res != nil {
			for _, d := range res.Diagnostics {
				if d.Severity == diag.Warning {
					log.Warn(d.Message, "at", d.Pos.String())
				}
			}
		}
		var l diag.List
		if errors.As(err, &l) {
			for _, d := range l {
				log.Error(d.Message, "at", d.Pos.String())
			}
			live.Fail(l)
			return nil, err
		}
		if err != nil {
			log.Error("build failed", "err", err)
			live.Fail(diag.List{{Severity: diag.Error, Message: err.Error()}})
			return nil, err
		}
		changed := live.Set(res.Outputs)
		log.Info("built", "policies", len(res.Site.Policies), "changed", len(changed), "took", time.Since(start).Round(time.Millisecond))
		return changed, nil
	}
	build()

	srv := &http.Server{Handler: live, ReadHeaderTimeout: 10 * time.Second}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if do.Watch {
		batches, err := watch.Watch(ctx, opts.Source)
		if err != nil {
			return err
		}
		go func() {
			for batch := range batches {
				log.Info("changed", "files", batch)
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
