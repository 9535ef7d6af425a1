// Command corpus writes a deterministic benchmark site of N policies.
//
//	go run ./internal/cmd/corpus -n 1000 -o /tmp/corpus-1000
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/policysite/policysite/generator/corpus"
	"github.com/policysite/policysite/generator/date"
)

func main() {
	n := flag.Int("n", 1000, "number of policies")
	out := flag.String("o", "", "folder to write the site into (required)")
	seed := flag.Uint64("seed", 1, "random seed")
	now := flag.String("now", "2026-11-23", "day the review dates are spread around")
	flag.Parse()
	d, err := date.Parse(*now)
	if *out == "" || err != nil {
		fmt.Fprintln(os.Stderr, "usage: corpus -n N -o DIR [-seed S] [-now DATE]")
		os.Exit(2)
	}
	if err := corpus.Write(*out, *n, *seed, d); err != nil {
		fmt.Fprintln(os.Stderr, "corpus:", err)
		os.Exit(1)
	}
}
