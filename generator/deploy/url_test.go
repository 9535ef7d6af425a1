package deploy

import (
	"fmt"
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"s3://larkfield-policies", "s3 {Bucket:larkfield-policies Region: Endpoint: Prefix:}"},
		{"s3://larkfield-policies/site/2026/?region=auto&endpoint=https://acc.r2.example", "s3 {Bucket:larkfield-policies Region:auto Endpoint:https://acc.r2.example Prefix:site/2026}"},
		{"sftp://policies@web.larkfield.example/var/www/policies", "sftp policies@web.larkfield.example:0 /var/www/policies known_hosts= identity_file="},
		{"sftp://policies@web.larkfield.example:2222/~/public_html?known_hosts=deploy/known_hosts&identity_file=~/.ssh/deploy", "sftp policies@web.larkfield.example:2222 public_html known_hosts=deploy/known_hosts identity_file=~/.ssh/deploy"},
		{"sftp://policies:hunter2@web.larkfield.example/var/www", "error: --target: a password does not belong in the URL"},
		{"s3://AKID:secret@bucket/", "error: --target: credentials do not belong in the URL"},
		{"s3://bucket?acl=public-read", `error: --target: unknown parameter "acl" (want endpoint, region)`},
		{"s3://bucket?endpoint=http://s3.example.org", `error: --target: endpoint: "http://s3.example.org": use https`},
		{"sftp://web.larkfield.example/var/www", "error: --target: user: name the user to log in as"},
		{"sftp://u@web.larkfield.example", "error: --target: path: name the folder"},
		{"ftp://u@web.larkfield.example/www", `error: --target: "ftp://u@web.larkfield.example/www" is not an s3:// or sftp:// URL`},
		{"public/", `error: --target: "public/" is not an s3:// or sftp:// URL`},
	}
	for _, tt := range tests {
		d, err := ParseURL(tt.in)
		var got string
		switch {
		case err != nil:
			got = "error: " + err.Error()
		case d.S3 != nil:
			s := *d.S3
			got = fmt.Sprintf("s3 {Bucket:%s Region:%s Endpoint:%s Prefix:%s}", s.Bucket, s.Region, s.Endpoint, s.Prefix)
		default:
			s := d.SFTP
			got = fmt.Sprintf("sftp %s@%s:%d %s known_hosts=%s identity_file=%s", s.User, s.Host, s.Port, s.Path, s.KnownHosts, s.IdentityFile)
		}
		if !strings.HasPrefix(got, tt.want) {
			t.Errorf("ParseURL(%q):\ngot  %s\nwant %s", tt.in, got, tt.want)
		}
	}
}
