// Package testtools finds the external programs some tests need: Chromium,
// Apache, Java with the Nu HTML Checker, and axe-core. `make test` installs them
// (scripts/deps.sh). When one is missing, a test fails under make or in CI
// (POLICYSITE_REQUIRE_TOOLS or CI set) and is skipped, saying why, only for a
// plain `go test` on a developer's machine. It also starts Chromium the
// way every browser test does, and pins the clock its pages see
// (PinClock), so that no browser test depends on the day it runs.
package testtools

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Root returns the repository root.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// missing fails or skips t for a tool that is not installed.
func missing(t testing.TB, what string) {
	t.Helper()
	msg := what + " is not installed; run `make test` (or scripts/deps.sh) to install the test tools"
	if os.Getenv("CI") != "" || os.Getenv("POLICYSITE_REQUIRE_TOOLS") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// Chromium returns the path of a Chromium or Chrome binary.
func Chromium(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	missing(t, "Chromium")
	return ""
}

// VNU returns the command that runs the Nu HTML Checker: java -jar vnu.jar.
func VNU(t testing.TB) []string {
	t.Helper()
	java, err := exec.LookPath("java")
	if err != nil {
		missing(t, "Java (for the Nu HTML Checker)")
	}
	jar := filepath.Join(Root(), "tools", "node_modules", "vnu-jar", "build", "dist", "vnu.jar")
	if _, err := os.Stat(jar); err != nil {
		missing(t, "vnu-jar")
	}
	return []string{java, "-jar", jar}
}

// AxeJS returns the source of axe-core, for injecting into pages.
// It is read once: browser tests inject it into every page they check.
func AxeJS(t testing.TB) []byte {
	t.Helper()
	b, err := axeJS()
	if err != nil {
		missing(t, "axe-core")
	}
	return b
}

var axeJS = sync.OnceValues(func() ([]byte, error) {
	return os.ReadFile(filepath.Join(Root(), "tools", "node_modules", "axe-core", "axe.min.js"))
})

// ClockScript returns a script that sets a page's clock: run before the
// page's own scripts (page.AddScriptToEvaluateOnNewDocument), it makes
// Date, new Date() and Date.now() start at at when the document loads and
// run on from there, whatever day the machine's clock says. Dates built from
// arguments (new Date(2026, 0, 1), Date.UTC, Date.parse) are untouched.
// Injected twice, the later script reads the earlier one's clock.
func ClockScript(at time.Time) string {
	return fmt.Sprintf(`(function () {
  var D = Date, off = %d - D.now();
  function F() {
    if (!(this instanceof F)) return new D(D.now() + off).toString();
    if (arguments.length === 0) return new D(D.now() + off);
    return new (Function.prototype.bind.apply(D, [null].concat([].slice.call(arguments))))();
  }
  F.prototype = D.prototype; F.prototype.constructor = F;
  F.now = function () { return D.now() + off; }; F.UTC = D.UTC; F.parse = D.parse;
  window.Date = F;
})();`, at.UnixMilli())
}

// Zone is the time zone the browser tests' pages run in (PinClock), so that
// the day a page reckons from its clock is the same on every machine.
const Zone = "Europe/London"

// PinClock sets the clock of every page the tab ctx loads from now on to
// start at at (ClockScript), in the time zone Zone. Call it before the
// first navigation.
func PinClock(ctx context.Context, at time.Time) error {
	_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: ClockScript(at)})
	if err != nil {
		return err
	}
	_, err = chromedp.Call(ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: Zone})
	return err
}

// ChromiumOptions are the options the browser tests start Chromium with:
// headless, without a sandbox, fetching nothing in the background, its
// profile in dir.
func ChromiumOptions(t testing.TB, dir string) []chromedp.ExecAllocatorOption {
	t.Helper()
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(Chromium(t)), chromedp.Headless, chromedp.NoSandbox, chromedp.NoFirstRun,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.UserDataDir(dir),
	}
}

// Browser starts a Chromium for t alone and returns its tab, whose pages'
// clock starts at at (PinClock). Every step of the test together gets a
// generous bound, so a hang fails rather than blocking the suite; the
// browser stops when t ends.
func Browser(t testing.TB, at time.Time) context.Context {
	t.Helper()
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), ChromiumOptions(t, t.TempDir())...)
	ctx, cancel := chromedp.NewContext(alloc)
	ctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() { cancelT(); cancel(); cancelAlloc() })
	if err := PinClock(ctx, at); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return ctx
}

// Apache returns the path of Debian's apache2 binary and the folder of its
// modules.
func Apache(t testing.TB) (bin, modules string) {
	t.Helper()
	for _, p := range []string{os.Getenv("APACHE2"), "/usr/sbin/apache2", "/usr/sbin/httpd"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			for _, m := range []string{"/usr/lib/apache2/modules", "/usr/lib64/httpd/modules", "/usr/libexec/apache2"} {
				if _, err := os.Stat(filepath.Join(m, "mod_headers.so")); err == nil {
					return p, m
				}
			}
		}
	}
	missing(t, "Apache (apache2, with mod_headers)")
	return "", ""
}

// Pdftotext returns the path of poppler's pdftotext (Debian's
// poppler-utils), which the print tests read PDFs with.
func Pdftotext(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("pdftotext")
	if err != nil {
		missing(t, "pdftotext (poppler-utils)")
	}
	return p
}
