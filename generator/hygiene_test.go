package generator

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policysite/policysite/generator/date"
)

func TestCookiePolicyMustExist(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "content"), 0o755)
	os.WriteFile(filepath.Join(dir, "site.yaml"), []byte("title: T\ncookies:\n  policy: cookie-policy\n"), 0o644)
	_, err := Render(Options{Source: os.DirFS(dir), Now: date.New(2026, 1, 1)})
	if err == nil || !strings.Contains(err.Error(), "site.yaml:3:3: cookies.policy: no policy content/cookie-policy.md") {
		t.Errorf("got %v", err)
	}
}
