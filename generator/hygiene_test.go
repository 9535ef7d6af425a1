package generator

import (
	"strings"
	"testing"

	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/internal/sitetest"
)

func TestCookiePolicyMustExist(t *testing.T) {
	fsys := sitetest.FS("-- site.yaml --\ntitle: T\ncookies:\n  policy: cookie-policy\n")
	_, err := Render(Options{Source: fsys, Now: date.New(2026, 1, 1)})
	if err == nil || !strings.Contains(err.Error(), "site.yaml:3:3: cookies.policy: no policy content/cookie-policy.md") {
		t.Errorf("got %v", err)
	}
}
