// Package testtools finds the external programs some tests need: Chromium,
// Apache, Java with the Nu HTML Checker, and axe-core. `make test` installs them
// (scripts/deps.sh). When one is missing, a test fails under make or in CI
// (POLICYSITE_REQUIRE_TOOLS or CI set) and is skipped, saying why, only for a
// plain `go test` on a developer's machine.
package testtools

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
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
func AxeJS(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(Root(), "tools", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		missing(t, "axe-core")
	}
	return b
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
