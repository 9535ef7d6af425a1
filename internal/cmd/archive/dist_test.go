package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/policysite/policysite/internal/testtools"
)

// distRun runs scripts/dist.sh for this machine's platform into a new
// folder and returns it.
func distRun(t *testing.T) string {
	t.Helper()
	out := t.TempDir()
	cmd := exec.Command("scripts/dist.sh")
	cmd.Dir = testtools.Root()
	cmd.Env = append(os.Environ(), "VERSION=v0.0.0-test", "SOURCE_DATE_EPOCH=1767225600",
		"DIST_TARGETS="+runtime.GOOS+"/"+runtime.GOARCH, "DIST_DIR="+out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("scripts/dist.sh: %v\n%s", err, b)
	}
	return out
}

// make dist twice gives the same archives; the archive unpacks to a
// policysite that runs and reports the version it was built as.
func TestDist(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("dist.sh is a bash script")
	}
	a, b := distRun(t), distRun(t)
	sumsA, err := os.ReadFile(filepath.Join(a, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	sumsB, _ := os.ReadFile(filepath.Join(b, "SHA256SUMS"))
	if !bytes.Equal(sumsA, sumsB) {
		t.Errorf("two runs differ:\n%s\n%s", sumsA, sumsB)
	}
	name := "policysite_v0.0.0-test_" + runtime.GOOS + "_" + runtime.GOARCH
	if !strings.Contains(string(sumsA), "  "+name+".tar.gz\n") {
		t.Fatalf("SHA256SUMS does not list %s.tar.gz:\n%s", name, sumsA)
	}
	f, err := os.Open(filepath.Join(a, name+".tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	unpacked := t.TempDir()
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		if h.Uid != 0 || h.Gid != 0 || h.Uname != "" || !h.ModTime.Equal(time.Unix(1767225600, 0)) {
			t.Errorf("%s: owner %d:%d %q, time %v: want 0:0 and SOURCE_DATE_EPOCH", h.Name, h.Uid, h.Gid, h.Uname, h.ModTime)
		}
		p := filepath.Join(unpacked, filepath.FromSlash(h.Name))
		if h.Typeflag == tar.TypeDir {
			os.MkdirAll(p, 0o755)
			continue
		}
		data, _ := io.ReadAll(tr)
		if err := os.WriteFile(p, data, os.FileMode(h.Mode)); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{name + "/", name + "/README.md", name + "/docs/"}
	docs, _ := filepath.Glob(filepath.Join(testtools.Root(), "docs", "*.md"))
	if len(docs) == 0 {
		t.Fatal("no docs/*.md in the repository")
	}
	for _, d := range docs { // the guides init and the errors point to
		want = append(want, name+"/docs/"+filepath.Base(d))
	}
	want = append(want, name+"/formrelay", name+"/policysite", name+"/relay.example.yaml")
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("entries %q, want %q", names, want)
	}
	out, err := exec.Command(filepath.Join(unpacked, name, "policysite"), "version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "policysite v0.0.0-test ") {
		t.Errorf("policysite version: %v %q", err, out)
	}
	out, err = exec.Command(filepath.Join(unpacked, name, "formrelay"), "version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "formrelay v0.0.0-test ") {
		t.Errorf("formrelay version: %v %q", err, out)
	}
}

// A zip (the Windows archive) is the same bytes whenever it is written, and
// its entries are sorted with the fixed time.
func TestZipReproducible(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "b.exe"), []byte("binary"), 0o755)
	os.WriteFile(filepath.Join(dir, "a.md"), []byte("readme"), 0o600)
	mtime := time.Unix(1767225600, 0).UTC()
	var got [][]byte
	for i := range 2 {
		out := filepath.Join(dir, "x.zip")
		files := []string{"b.exe", "a.md"}
		if i == 1 {
			files = []string{"a.md", "b.exe"}
		}
		if err := write(out, dir, "p", mtime, files); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(out)
		got = append(got, b)
		os.Chtimes(filepath.Join(dir, "a.md"), time.Now(), time.Now())
	}
	if !bytes.Equal(got[0], got[1]) {
		t.Error("the zip differs between two writes")
	}
	zr, err := zip.NewReader(bytes.NewReader(got[0]), int64(len(got[0])))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name+" "+f.Mode().String())
		if !f.Modified.Equal(mtime) {
			t.Errorf("%s: time %v", f.Name, f.Modified)
		}
	}
	if want := "p/ drwxr-xr-x p/a.md -rw-r--r-- p/b.exe -rwxr-xr-x"; strings.Join(names, " ") != want {
		t.Errorf("entries %q, want %q", strings.Join(names, " "), want)
	}
}
