// Command archive writes a release archive reproducibly, for scripts/dist.sh:
// the same files and the same -mtime give the same bytes, on any machine.
//
//	archive -o policysite_v1.2.3_linux_amd64.tar.gz -mtime 1767225600 -prefix policysite_v1.2.3_linux_amd64 -C stage file...
//
// The archive is a .tar.gz or a .zip, chosen by the name -o ends with. Its
// entries are sorted by name, all under -prefix/, with the owner root (0:0,
// no names), the modification time -mtime (seconds since 1970, UTC) and the
// mode 0755 for executables, 0644 for the rest. The gzip header carries no
// name and no time. Nothing of the machine that built it (user, umask,
// clock, file order on disk) reaches the archive.
package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

func main() {
	out := flag.String("o", "", "archive to write (.tar.gz or .zip)")
	mtime := flag.Int64("mtime", 0, "modification time of every entry, in seconds since 1970 (SOURCE_DATE_EPOCH)")
	prefix := flag.String("prefix", "", "folder every entry is put under")
	dir := flag.String("C", ".", "folder the files are named from")
	flag.Parse()
	if *out == "" || *prefix == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: archive -o FILE.tar.gz|FILE.zip -mtime SECONDS -prefix NAME [-C DIR] file...")
		os.Exit(2)
	}
	if err := write(*out, *dir, *prefix, time.Unix(*mtime, 0).UTC(), flag.Args()); err != nil {
		fmt.Fprintf(os.Stderr, "archive: %v\n", err)
		os.Exit(1)
	}
}

// An entry is one file or folder of the archive.
type entry struct {
	name string // path in the archive; a folder's ends in /
	data []byte
	mode int64
}

func (e entry) dir() bool { return strings.HasSuffix(e.name, "/") }

func write(out, dir, prefix string, mtime time.Time, files []string) error {
	var es []entry
	for _, f := range files {
		p := filepath.Join(dir, f)
		fi, err := os.Stat(p)
		if err != nil {
			return err
		}
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("%s: not a regular file", p)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		mode := int64(0o644)
		if fi.Mode()&0o111 != 0 {
			mode = 0o755
		}
		es = append(es, entry{path.Join(prefix, filepath.ToSlash(f)), data, mode})
	}
	// Every folder gets its own entry (prefix/, prefix/docs/), before what
	// it holds, as unzip and Windows' Explorer expect.
	seen := map[string]bool{}
	for _, e := range es {
		for d := path.Dir(e.name); d != "." && d != "/" && !seen[d]; d = path.Dir(d) {
			seen[d] = true
		}
	}
	for d := range seen {
		es = append(es, entry{name: d + "/", mode: 0o755})
	}
	sort.Slice(es, func(i, j int) bool { return es[i].name < es[j].name })
	tmp := out + ".tmp"
	fd, err := os.Create(tmp)
	if err != nil {
		return err
	}
	switch {
	case strings.HasSuffix(out, ".tar.gz"):
		err = writeTarGz(fd, mtime, es)
	case strings.HasSuffix(out, ".zip"):
		err = writeZip(fd, mtime, es)
	default:
		err = fmt.Errorf("%s: name a .tar.gz or a .zip", out)
	}
	if cerr := fd.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, out)
}

func writeTarGz(w io.Writer, mtime time.Time, es []entry) error {
	gz, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(gz)
	hdr := func(h *tar.Header) error {
		h.ModTime, h.Uid, h.Gid, h.Format = mtime, 0, 0, tar.FormatUSTAR
		return tw.WriteHeader(h)
	}
	for _, e := range es {
		if e.dir() {
			if err := hdr(&tar.Header{Typeflag: tar.TypeDir, Name: e.name, Mode: e.mode}); err != nil {
				return err
			}
			continue
		}
		if err := hdr(&tar.Header{Typeflag: tar.TypeReg, Name: e.name, Mode: e.mode, Size: int64(len(e.data))}); err != nil {
			return err
		}
		if _, err := tw.Write(e.data); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func writeZip(w io.Writer, mtime time.Time, es []entry) error {
	zw := zip.NewWriter(w)
	for _, e := range es {
		if e.dir() {
			d := &zip.FileHeader{Name: e.name, Modified: mtime}
			d.SetMode(os.FileMode(e.mode) | os.ModeDir)
			if _, err := zw.CreateHeader(d); err != nil {
				return err
			}
			continue
		}
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: mtime}
		h.SetMode(os.FileMode(e.mode))
		f, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if _, err := f.Write(e.data); err != nil {
			return err
		}
	}
	return zw.Close()
}
