package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/policysite/policysite/generator"
	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/serve"
)

func newServe() *cobra.Command {
	var (
		sf     siteFlags
		bind   string
		port   int
		drafts bool
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Build the site in memory and serve it on this machine",
		Long: `Serve builds the site in memory (public/ is not touched) and serves it on
http://127.0.0.1:1313/ for preview.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := sf.options()
			if err != nil {
				return err
			}
			opts.Drafts = drafts
			ln, err := net.Listen("tcp", net.JoinHostPort(bind, strconv.Itoa(port)))
			if err != nil {
				return fmt.Errorf("cannot listen on %s:%d: %w (is another server using the port? try --port 0 for any free port)", bind, port, err)
			}
			addr := "http://" + ln.Addr().String() + "/"
			opts.BaseURL = addr
			res, err := generator.Render(opts)
			if res != nil {
				printDiagnostics(cmd.ErrOrStderr(), res.Diagnostics, true)
			}
			if l, ok := err.(diag.List); ok {
				ln.Close()
				return contentError{len(l)}
			}
			if err != nil {
				ln.Close()
				return err
			}
			srv := &http.Server{Handler: serve.Handler(res.Outputs)}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			go func() {
				<-ctx.Done()
				srv.Shutdown(context.Background())
			}()
			fmt.Fprintf(cmd.OutOrStdout(), "Serving %d policies at %s (Ctrl-C to stop)\n", len(res.Site.Policies), addr)
			if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		},
	}
	sf.register(cmd)
	cmd.Flags().StringVar(&bind, "bind", "127.0.0.1", "interface to listen on")
	cmd.Flags().IntVarP(&port, "port", "p", 1313, "port to listen on (0 picks a free one)")
	cmd.Flags().BoolVarP(&drafts, "drafts", "D", false, "include policies marked draft: true")
	return cmd
}
