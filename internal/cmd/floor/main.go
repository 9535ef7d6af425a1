// Command floor runs corpus.Floor over a site: the bare per-policy work that
// the real build is measured against.
//
//	go run ./internal/cmd/floor SITE OUT
package main

import (
	"fmt"
	"os"

	"github.com/policysite/policysite/generator/corpus"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: floor SITE OUT")
		os.Exit(2)
	}
	if err := corpus.Floor(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}
