package deploy

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/policysite/policysite/generator/config"
)

// Open connects to the target d names. Relative file names in d are
// relative to base (the site folder for site.yaml, the working folder
// for --target); ~/ is the home folder. Credentials come from getenv
// (os.Getenv when nil). The caller closes the target if it is an
// io.Closer. name describes it for messages.
func Open(ctx context.Context, d *config.Deploy, base string, getenv func(string) string) (t Target, name string, err error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if s := d.S3; s != nil {
		o := S3Options{Bucket: s.Bucket, Region: s.Region, Endpoint: s.Endpoint, Prefix: s.Prefix, Getenv: getenv}
		tg, err := DialS3(ctx, o)
		if err != nil {
			return nil, o.String(), err
		}
		return tg, o.String(), nil
	}
	s := d.SFTP
	o := SFTPOptions{
		Host: s.Host, Port: s.Port, User: s.User, Path: s.Path,
		KnownHosts:   resolve(base, s.KnownHosts, getenv),
		IdentityFile: resolve(base, s.IdentityFile, getenv),
		AgentSocket:  getenv("SSH_AUTH_SOCK"),
		Password:     getenv("POLICYSITE_SFTP_PASSWORD"),
	}
	tg, err := DialSFTP(ctx, o)
	if err != nil {
		return nil, o.String(), err
	}
	return tg, o.String(), nil
}

func resolve(base, p string, getenv func(string) string) string {
	switch {
	case p == "":
		return ""
	case strings.HasPrefix(p, "~/"):
		home := getenv("HOME")
		if home == "" {
			home, _ = os.UserHomeDir()
		}
		return filepath.Join(home, p[2:])
	case filepath.IsAbs(p):
		return p
	}
	return filepath.Join(base, filepath.FromSlash(p))
}

// MaxDeletes is the limit d sets, or config.DefaultMaxDeletes.
func MaxDeletes(d *config.Deploy) int {
	if d != nil && d.MaxDeletes != nil {
		return *d.MaxDeletes
	}
	return config.DefaultMaxDeletes
}
