package corpus

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/themes"
)

// TestWriteHugo checks the shape of the Hugo site scripts/bench.sh builds
// (without Hugo, which bench installs): the same content files byte for
// byte, the day and warning period review status is computed with, the
// layouts of every page kind policysite makes, and our stylesheet.
func TestWriteHugo(t *testing.T) {
	now, err := date.Parse("2026-11-23")
	if err != nil {
		t.Fatal(err)
	}
	src, dst := t.TempDir(), t.TempDir()
	if err := Write(src, 5, 1, now); err != nil {
		t.Fatal(err)
	}
	if err := WriteHugo(dst, src, now); err != nil {
		t.Fatal(err)
	}
	ours, _ := filepath.Glob(filepath.Join(src, "content", "*"))
	hugos, _ := filepath.Glob(filepath.Join(dst, "content", "*"))
	if len(ours) != 5 || len(hugos) != len(ours) {
		t.Fatalf("content: %d files, Hugo's %d; want 5 of each", len(ours), len(hugos))
	}
	for i := range ours {
		a, _ := os.ReadFile(ours[i])
		b, _ := os.ReadFile(hugos[i])
		if filepath.Base(ours[i]) != filepath.Base(hugos[i]) || !bytes.Equal(a, b) {
			t.Errorf("Hugo's %s is not policysite's %s", hugos[i], ours[i])
		}
	}

	var cfg struct {
		DisableKinds []string `yaml:"disableKinds"`
		Params       struct {
			Now      string `yaml:"now"`
			WarnDays int    `yaml:"warn_days"`
		}
	}
	data, err := os.ReadFile(filepath.Join(dst, "hugo.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatalf("hugo.yaml: %v", err)
	}
	if cfg.Params.Now != now.String() || cfg.Params.WarnDays != config.DefaultWarnDays {
		t.Errorf("hugo.yaml params: now %q, warn_days %d; want %s and %d", cfg.Params.Now, cfg.Params.WarnDays, now, config.DefaultWarnDays)
	}

	var layouts []string
	fs.WalkDir(os.DirFS(filepath.Join(dst, "layouts")), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			layouts = append(layouts, p)
		}
		return err
	})
	want := []string{"404.html", "_markup/render-link.html", "_partials/status.html", "baseof.html", "home.html", "home.rss.xml", "page.html"}
	if !slices.Equal(layouts, want) {
		t.Errorf("layouts %q, want %q", layouts, want)
	}

	css, _ := fs.ReadFile(themes.Default(), "assets/site.css")
	got, err := os.ReadFile(filepath.Join(dst, "static", "site.css"))
	if err != nil || len(css) == 0 || !bytes.Equal(got, css) {
		t.Errorf("static/site.css is not the default theme's stylesheet (%v)", err)
	}
}
