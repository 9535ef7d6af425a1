package deploy

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/policysite/policysite/generator/config"
)

// ParseURL reads a --target URL into the deploy: section it stands for:
//
//	s3://bucket/prefix?endpoint=https://...&region=...
//	sftp://user@host:port/path?known_hosts=FILE&identity_file=FILE
//
// An sftp path is absolute; /~/path is relative to the user's home. A
// password in the URL is refused, as in site.yaml.
func ParseURL(raw string) (*config.Deploy, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("--target: %v", err)
	}
	q := u.Query()
	take := func(keys ...string) (map[string]string, error) {
		out := map[string]string{}
		for k, v := range q {
			if !contains(keys, k) {
				return nil, fmt.Errorf("--target: unknown parameter %q (want %s)", k, strings.Join(keys, ", "))
			}
			out[k] = v[len(v)-1]
		}
		return out, nil
	}
	var d config.Deploy
	var errs []config.FieldError
	switch u.Scheme {
	case "s3":
		if u.User != nil {
			return nil, fmt.Errorf("--target: credentials do not belong in the URL; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
		}
		p, err := take("endpoint", "region")
		if err != nil {
			return nil, err
		}
		d.S3 = &config.S3{Bucket: u.Host, Prefix: strings.Trim(u.Path, "/"), Endpoint: p["endpoint"], Region: p["region"]}
		errs = d.S3.Check()
	case "sftp":
		if _, ok := u.User.Password(); ok {
			return nil, fmt.Errorf("--target: a password does not belong in the URL, which shell history and process lists keep; log in with a key, or set POLICYSITE_SFTP_PASSWORD")
		}
		p, err := take("known_hosts", "identity_file")
		if err != nil {
			return nil, err
		}
		s := &config.SFTP{Host: u.Hostname(), User: u.User.Username(), Path: u.Path, KnownHosts: p["known_hosts"], IdentityFile: p["identity_file"]}
		if rest, ok := strings.CutPrefix(s.Path, "/~/"); ok {
			s.Path = rest
		}
		if port := u.Port(); port != "" {
			n, err := strconv.Atoi(port)
			if err != nil {
				return nil, fmt.Errorf("--target: %q is not a port", port)
			}
			s.Port = n
		}
		d.SFTP = s
		errs = s.Check()
	default:
		return nil, fmt.Errorf("--target: %q is not an s3:// or sftp:// URL", raw)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("--target: %s", errs[0])
	}
	return &d, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
