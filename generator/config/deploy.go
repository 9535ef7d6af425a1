package config

import (
	"fmt"
	"net/url"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/strictyaml"
)

// Deploy is the deploy: section of site.yaml: the one place `policysite
// deploy` publishes the built site to, a bucket (S3) or a web host (SFTP).
// It holds no credentials: site.yaml is kept with the site's source, and
// often published with it, so keys and passwords come from the environment
// or from files outside the site, and a credential written here is an error.
type Deploy struct {
	S3   *S3   `yaml:"s3"`
	SFTP *SFTP `yaml:"sftp"`
	// MaxDeletes is how many stale files one deploy may remove (default 100).
	MaxDeletes *int `yaml:"max_deletes"`
}

// S3 is a bucket of Amazon S3 or another service speaking its API
// (Cloudflare R2, MinIO, Backblaze B2, ...).
type S3 struct {
	Bucket string `yaml:"bucket"`
	// Region is the bucket's region (default us-east-1; R2 takes "auto").
	Region string `yaml:"region"`
	// Endpoint is the service's URL; empty means AWS
	// (https://s3.<region>.amazonaws.com).
	Endpoint string `yaml:"endpoint"`
	// Prefix is the folder in the bucket the site goes into; empty is the
	// bucket's root. Every object under it belongs to the site: a deploy
	// removes those the build no longer has.
	Prefix string `yaml:"prefix"`

	AccessKeyID     s3Secret `yaml:"access_key_id"`
	AccessKey       s3Secret `yaml:"access_key"`
	SecretAccessKey s3Secret `yaml:"secret_access_key"`
	SecretKey       s3Secret `yaml:"secret_key"`
	SessionToken    s3Secret `yaml:"session_token"`
}

// SFTP is a web host reached over SSH.
type SFTP struct {
	Host string `yaml:"host"`
	// Port defaults to 22.
	Port int    `yaml:"port"`
	User string `yaml:"user"`
	// Path is the folder the site goes into (the web root), absolute or
	// relative to the user's home folder.
	Path string `yaml:"path"`
	// KnownHosts is the known_hosts file holding the host's key, relative
	// to the site folder (default ~/.ssh/known_hosts). A host whose key is
	// not there, or differs, is refused.
	KnownHosts string `yaml:"known_hosts"`
	// IdentityFile is the private key to log in with (default: the keys of
	// ssh-agent, then ~/.ssh/id_ed25519, id_ecdsa, id_rsa).
	IdentityFile string `yaml:"identity_file"`

	Password   sshSecret `yaml:"password"`
	Passphrase sshSecret `yaml:"passphrase"`
	PrivateKey sshSecret `yaml:"private_key"`
}

// s3Secret and sshSecret are keys that would hold a credential: accepted
// by the decoder only to say where the credential goes instead.
type (
	s3Secret  struct{}
	sshSecret struct{}
)

// UnmarshalStrictYAML refuses an S3 credential in site.yaml.
func (s3Secret) UnmarshalStrictYAML(*yaml.Node) error {
	return fmt.Errorf("credentials do not belong in site.yaml, which is kept with the site's source; " +
		"set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment, or use a credentials file (~/.aws/credentials, AWS_PROFILE)")
}

// UnmarshalStrictYAML refuses an SSH password or key in site.yaml.
func (sshSecret) UnmarshalStrictYAML(*yaml.Node) error {
	return fmt.Errorf("passwords and keys do not belong in site.yaml, which is kept with the site's source; " +
		"log in with a key (identity_file: a path, or ssh-agent), or set POLICYSITE_SFTP_PASSWORD in the environment")
}

// DefaultMaxDeletes is how many stale files a deploy removes before it
// refuses, unless told otherwise.
const DefaultMaxDeletes = 100

func (s *Site) validateDeploy(doc *yaml.Node, l *diag.List) {
	d := s.Deploy
	if d == nil {
		return
	}
	at := func(path ...string) diag.Pos {
		return strictyaml.NodePos(File, 0, strictyaml.Lookup(doc, append([]string{"deploy"}, path...)...))
	}
	switch {
	case d.S3 == nil && d.SFTP == nil:
		l.Errorf(at(), "deploy: name a target, s3: or sftp:")
	case d.S3 != nil && d.SFTP != nil:
		l.Errorf(at("sftp"), "deploy: name one target, s3: or sftp:, not both")
	}
	if d.MaxDeletes != nil && *d.MaxDeletes < 0 {
		l.Errorf(at("max_deletes"), "deploy.max_deletes: must not be negative")
	}
	if t := d.S3; t != nil {
		for _, err := range t.Check() {
			l.Errorf(at("s3", err.Key), "deploy.s3.%s", err)
		}
	}
	if t := d.SFTP; t != nil {
		for _, err := range t.Check() {
			l.Errorf(at("sftp", err.Key), "deploy.sftp.%s", err)
		}
	}
}

// A FieldError is a problem with one key of a deploy target.
type FieldError struct{ Key, Message string }

func (e FieldError) Error() string { return e.Key + ": " + e.Message }

// Check returns what is wrong with an S3 target, key by key.
func (t *S3) Check() []FieldError {
	var errs []FieldError
	if t.Bucket == "" {
		errs = append(errs, FieldError{"bucket", "name the bucket"})
	} else if strings.ContainsAny(t.Bucket, "/ ") {
		errs = append(errs, FieldError{"bucket", fmt.Sprintf("%q is not a bucket name (put folders in prefix:)", t.Bucket)})
	}
	if t.Endpoint != "" {
		if err := checkEndpoint(t.Endpoint); err != nil {
			errs = append(errs, FieldError{"endpoint", err.Error()})
		}
	}
	if strings.Contains(t.Prefix, "..") {
		errs = append(errs, FieldError{"prefix", fmt.Sprintf("%q: a prefix has no .. parts", t.Prefix)})
	}
	return errs
}

// checkEndpoint accepts https URLs, and http only on the loopback (a test
// server, or a tunnel): the files and their signatures would cross the
// network in the clear.
func checkEndpoint(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return fmt.Errorf("%q is not a service URL such as https://s3.eu-west-2.amazonaws.com", raw)
	}
	switch h := u.Hostname(); {
	case u.Scheme == "https":
	case u.Scheme == "http" && (h == "localhost" || h == "127.0.0.1" || h == "::1"):
	default:
		return fmt.Errorf("%q: use https (http only to localhost)", raw)
	}
	return nil
}

// Check returns what is wrong with an SFTP target, key by key.
func (t *SFTP) Check() []FieldError {
	var errs []FieldError
	if t.Host == "" {
		errs = append(errs, FieldError{"host", "name the host"})
	} else if strings.ContainsAny(t.Host, "/@ ") {
		errs = append(errs, FieldError{"host", fmt.Sprintf("%q is not a host name (the user goes in user:, the folder in path:)", t.Host)})
	}
	if t.Port < 0 || t.Port > 65535 {
		errs = append(errs, FieldError{"port", fmt.Sprintf("%d is not a port", t.Port)})
	}
	if t.User == "" {
		errs = append(errs, FieldError{"user", "name the user to log in as"})
	}
	if t.Path == "" {
		errs = append(errs, FieldError{"path", "name the folder the site goes into (the web root), such as /var/www/policies"})
	}
	return errs
}
