// Command corpus writes a deterministic benchmark site of N policies, or of
// one large policy, and optionally the Hugo site of the same content.
//
//	go run ./internal/cmd/corpus -n 1000 -o /tmp/corpus-1000 -hugo /tmp/hugo-1000
//	go run ./internal/cmd/corpus -large 5242880 -o /tmp/handbook
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
	large := flag.Int("large", 0, "write one policy of about this many bytes instead of -n policies")
	out := flag.String("o", "", "folder to write the site into (required)")
	hugo := flag.String("hugo", "", "folder to write the Hugo site of the same content into")
	seed := flag.Uint64("seed", 1, "random seed")
	now := flag.String("now", "2026-11-23", "day the review dates are spread around")
	flag.Parse()
	d, err := date.Parse(*now)
	if *out == "" || err != nil {
		fmt.Fprintln(os.Stderr, "usage: corpus [-n N | -large BYTES] -o DIR [-hugo DIR] [-seed S] [-now DATE]")
		os.Exit(2)
	}
	if *large > 0 {
		err = corpus.WriteLarge(*out, *large)
	} else {
		err = corpus.Write(*out, *n, *seed, d)
	}
	if err == nil && *hugo != "" {
		err = corpus.WriteHugo(*hugo, *out, d)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "corpus:", err)
		os.Exit(1)
	}
}
