package corpus

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/themes"
)

//go:embed all:hugo
var hugoFiles embed.FS

// WriteHugo writes into dir a Hugo site of the policysite site in src:
// the same content/ files, byte for byte, and layouts that make the pages a
// reader of ours gets: each policy's page with its facts, its review
// notice and a contents list of its sections, and an index of every
// policy by category, each with its review status, computed in the
// template against now as policysite computes it (overdue after the
// review date, due soon within config.DefaultWarnDays of it). Links
// between policies' files go to the pages (layouts/_markup/render-link.html),
// and the stylesheet is our default theme's. Built with `hugo --minify`,
// it is what scripts/bench.sh compares our build with (its HUGO_VERSION
// says which Hugo; the layouts need 0.146 or later).
func WriteHugo(dir, src string, now date.Date) error {
	layouts, err := fs.Sub(hugoFiles, "hugo")
	if err != nil {
		return err
	}
	if err := os.CopyFS(dir, layouts); err != nil {
		return err
	}
	cfg := fmt.Sprintf(`baseURL: https://policies.example.org/
title: Benchmark trust policies
locale: en-GB
disableKinds: [taxonomy, term]
markup:
  tableOfContents: {startLevel: 2, endLevel: 3, ordered: true}
params:
  organisation: Benchmark Trust
  now: %s
  warn_days: %d
`, now, config.DefaultWarnDays)
	if err := os.WriteFile(filepath.Join(dir, "hugo.yaml"), []byte(cfg), 0o644); err != nil {
		return err
	}
	css, err := fs.ReadFile(themes.Default(), "assets/site.css")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, "static"), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "static", "site.css"), css, 0o644); err != nil {
		return err
	}
	return os.CopyFS(filepath.Join(dir, "content"), os.DirFS(filepath.Join(src, "content")))
}
