package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/policysite/policysite/cmd/formrelay/internal/relay"
)

func newServe(f *flags) *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Receive requests and deliver them (SIGTERM or SIGINT drains and stops)",
		RunE: func(cmd *cobra.Command, args []string) error {
			now, err := f.clock()
			if err != nil {
				return err
			}
			cfg, err := f.load(cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			log := newLogger(cmd.ErrOrStderr(), cfg.LogFormat)
			if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
				debug.SetGCPercent(relay.GCPercent)
			}
			r, err := relay.New(cfg, relay.NewSMTPSender(cfg), log)
			if err != nil {
				return err
			}
			r.Now = now
			defer r.Close()
			ln, err := net.Listen("tcp", cfg.Listen)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
			defer stop()
			return r.Serve(ctx, ln)
		},
	}
}

func newLogger(w io.Writer, format string) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}
