package config

import (
	"strings"
	"testing"
)

func TestDeploy(t *testing.T) {
	s, l := Parse([]byte("deploy:\n  s3: {bucket: larkfield-policies, region: auto, endpoint: https://acc.r2.example, prefix: site}\n  max_deletes: 20\n"))
	if len(l) != 0 {
		t.Fatal(l)
	}
	if d := s.Deploy; d.S3.Bucket != "larkfield-policies" || d.S3.Region != "auto" || d.S3.Prefix != "site" || *d.MaxDeletes != 20 || d.SFTP != nil {
		t.Errorf("deploy: %+v", d)
	}
	s, l = Parse([]byte("deploy:\n  sftp:\n    host: web.larkfield.example\n    port: 2222\n    user: policies\n    path: /var/www/policies\n    known_hosts: deploy/known_hosts\n"))
	if len(l) != 0 {
		t.Fatal(l)
	}
	if d := s.Deploy.SFTP; d.Host != "web.larkfield.example" || d.Port != 2222 || d.KnownHosts != "deploy/known_hosts" {
		t.Errorf("sftp: %+v", d)
	}
}

func TestDeployErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"deploy:\n  sftp:\n    host: h\n    user: u\n    path: /w\n    password: hunter2\n", `site.yaml:6:15: deploy.sftp.password: passwords and keys do not belong in site.yaml`},
		{"deploy:\n  s3:\n    bucket: b\n    secret_access_key: abc\n", `site.yaml:4:24: deploy.s3.secret_access_key: credentials do not belong in site.yaml`},
		{"deploy:\n  s3:\n    bucket: b\n    access_key_id: AKIA\n", `site.yaml:4:20: deploy.s3.access_key_id: credentials do not belong in site.yaml`},
		{"deploy:\n  s3: {bucket: b}\n  sftp: {host: h, user: u, path: /w}\n", `site.yaml:3:9: deploy: name one target, s3: or sftp:, not both`},
		{"deploy:\n  max_deletes: 3\n", `site.yaml:2:3: deploy: name a target, s3: or sftp:`},
		{"deploy:\n  s3: {region: x}\n", `site.yaml:2:7: deploy.s3.bucket: name the bucket`},
		{"deploy:\n  s3: {bucket: b, endpoint: \"http://s3.example.org\"}\n", `site.yaml:2:29: deploy.s3.endpoint: "http://s3.example.org": use https`},
		{"deploy:\n  s3: {bucket: b/c}\n", `site.yaml:2:16: deploy.s3.bucket: "b/c" is not a bucket name`},
		{"deploy:\n  sftp: {host: h, user: u}\n", `site.yaml:2:9: deploy.sftp.path: name the folder`},
		{"deploy:\n  sftp: {host: h, user: u, path: /w, port: 70000}\n", `site.yaml:2:44: deploy.sftp.port: 70000 is not a port`},
		{"deploy:\n  sftp: {hots: h}\n", `site.yaml:2:10: unknown field "deploy.sftp.hots"`},
		{"deploy:\n  s3: {bucket: b}\n  max_deletes: -1\n", `site.yaml:3:16: deploy.max_deletes: must not be negative`},
	}
	for _, tt := range tests {
		_, l := Parse([]byte(tt.in))
		if got := l.Error(); !strings.HasPrefix(got, tt.want) {
			t.Errorf("Parse(%q):\ngot  %s\nwant %s", tt.in, got, tt.want)
		}
	}
}
