package relay

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policysite/policysite/internal/testtools"
)

// The relay's pages (the form again with errors, the thanks page, the
// reference it cannot read, a refusal) are valid HTML to the Nu HTML
// Checker, as the site's pages are.
func TestPagesValidHTML(t *testing.T) {
	vnu := testtools.VNU(t)
	e := newEnv(t, "")
	v := goodForm()
	v.Del("email")
	v.Del("type")
	resp := e.post(goodForm())
	readBody(t, resp)
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, body := range map[string]string{
		"errors":    readBody(t, e.post(v)),
		"thanks":    readBody(t, e.do("GET", loc.RequestURI(), "", "")),
		"not-found": readBody(t, e.do("GET", "/requests/thanks?ref=nonsense", "", "")),
		"refused":   readBody(t, e.do("POST", "/requests", "text/plain", "x")),
	} {
		if !strings.HasPrefix(body, "<!doctype html>") {
			t.Fatalf("%s: not a page: %.80s", name, body)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".html"), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(vnu[0], append(vnu[1:], "--errors-only", "--format", "json", dir)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Run() // exits 1 on errors; the report says which
	var report struct {
		Messages []struct{ URL, Message, Extract string }
	}
	if err := json.Unmarshal(stderr.Bytes(), &report); err != nil {
		t.Fatalf("vnu output: %v\n%s", err, stderr.String())
	}
	for _, m := range report.Messages {
		t.Errorf("%s: %s\n  %s", filepath.Base(m.URL), m.Message, m.Extract)
	}
}
