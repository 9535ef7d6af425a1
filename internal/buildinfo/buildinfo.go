// Package buildinfo is the version both commands report.
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Version is set at link time:
// -ldflags "-X github.com/policysite/policysite/internal/buildinfo.Version=v1.2.3".
// Otherwise it comes from the module version go install recorded, or is
// "devel".
var Version = ""

// String returns the version.
func String() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// Command is the `version` subcommand of the command named name.
func Command(name string) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of " + name,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(cmd.OutOrStdout(), "%s %s %s %s/%s\n", name, String(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return nil
		},
	}
}
