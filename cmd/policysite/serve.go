package main

import (
	"fmt"
	"log/slog"
	"net"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/policysite/policysite/generator/serve"
)

func newServe() *cobra.Command {
	var (
		sf      siteFlags
		bind    string
		port    int
		drafts  bool
		noWatch bool
		relay   string
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Build the site in memory and serve it on this machine",
		Long: `Serve builds the site in memory (public/ is not touched) and serves it on
http://127.0.0.1:1313/ for preview. It watches site.yaml, content/ and themes/
and rebuilds on every save; open pages reload themselves. A save that does not
build keeps the last good site serving, with the errors shown on every page.
Pages carry the headers of the build's _headers file, as Netlify and
Cloudflare Pages send them, so the preview enforces the same
Content-Security-Policy as the live site.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := sf.options()
			if err != nil {
				return err
			}
			opts.Drafts, opts.RelayURL = drafts, relay
			ln, err := net.Listen("tcp", net.JoinHostPort(bind, strconv.Itoa(port)))
			if err != nil {
				return fmt.Errorf("cannot listen on %s:%d: %w (is another server using the port? try --port 0 for any free port)", bind, port, err)
			}
			addr := "http://" + ln.Addr().String() + "/"
			opts.BaseURL = addr
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			fmt.Fprintf(cmd.OutOrStdout(), "Serving %s at %s (Ctrl-C to stop)\n", sf.source, addr)
			log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
			return serve.Dev(ctx, ln, opts, serve.DevOptions{Watch: !noWatch, Dir: sf.source, Log: log, Findings: cmd.ErrOrStderr()})
		},
	}
	sf.register(cmd)
	cmd.Flags().StringVar(&bind, "bind", "127.0.0.1", "interface to listen on")
	cmd.Flags().IntVarP(&port, "port", "p", 1313, "port to listen on (0 picks a free one)")
	cmd.Flags().BoolVar(&noWatch, "no-watch", false, "serve the first build only; do not rebuild on changes")
	cmd.Flags().StringVar(&relay, "relay-url", "", "post the request form to this relay instead of site.yaml's, such as http://127.0.0.1:8025/requests")
	cmd.Flags().BoolVarP(&drafts, "drafts", "D", false, "include policies marked draft: true")
	return cmd
}
