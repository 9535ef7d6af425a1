package deploy_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/policysite/policysite/generator/deploy"
	"github.com/policysite/policysite/generator/deploy/deploytest"
)

func s3Options(s *deploytest.S3, prefix string) deploy.S3Options {
	env := s.Env()
	return deploy.S3Options{Bucket: s.Bucket, Endpoint: s.URL, Prefix: prefix, Getenv: func(k string) string { return env[k] }}
}

func TestS3(t *testing.T) {
	s := deploytest.StartS3(t)
	dial := func() deploy.Target {
		tg, err := deploy.DialS3(context.Background(), s3Options(s, "/policies/"))
		if err != nil {
			t.Fatal(err)
		}
		return tg
	}
	ops := func() []string {
		var out []string
		for _, op := range s.Ops() {
			kind, key, _ := strings.Cut(op, " ")
			out = append(out, kind+" "+strings.TrimPrefix(key, "policies/"))
		}
		return out
	}
	holds := func() []string {
		tg := dial()
		rs, err := tg.List(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rs {
			out = append(out, r.Path)
		}
		slices.Sort(out)
		return out
	}
	exercise(t, dial, ops, holds)

	// The headers each object was sent with, and what the server serves.
	for _, tt := range []struct{ key, ctype, cache string }{
		{"policies/index.html", "text/html; charset=utf-8", "public, max-age=300"},
		{"policies/attendance/index.html", "text/html; charset=utf-8", "public, max-age=300"},
		{"policies/assets/site.1a2b3c.css", "text/css; charset=utf-8", "public, max-age=31536000, immutable"},
		{"policies/assets/site.4d5e6f.js", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"},
		{"policies/sitemap.xml", "application/xml", "public, max-age=300"},
		{"policies/files/uniform-suppliers-2026-27.pdf", "application/pdf", "public, max-age=300"},
	} {
		i := slices.IndexFunc(s.Requests(), func(r deploytest.Request) bool { return r.Key == tt.key && r.Op == "put" })
		if i < 0 {
			t.Errorf("%s never put", tt.key)
			continue
		}
		if r := s.Requests()[i]; r.ContentType != tt.ctype || r.CacheControl != tt.cache {
			t.Errorf("%s sent with Content-Type %q, Cache-Control %q; want %q, %q", tt.key, r.ContentType, r.CacheControl, tt.ctype, tt.cache)
		}
		req, _ := http.NewRequest("HEAD", s.URL+"/"+s.Bucket+"/"+tt.key, nil)
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+s.AccessKey+"/x")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Content-Type"); got != tt.ctype {
			t.Errorf("%s served as %q, want %q", tt.key, got, tt.ctype)
		}
	}
}

func TestS3Credentials(t *testing.T) {
	s := deploytest.StartS3(t)
	o := s3Options(s, "")
	o.Getenv = func(k string) string {
		return map[string]string{"AWS_ACCESS_KEY_ID": "AKIDWRONG", "AWS_SECRET_ACCESS_KEY": "x"}[k]
	}
	if _, err := deploy.DialS3(context.Background(), o); err == nil || !strings.Contains(err.Error(), "check AWS_ACCESS_KEY_ID") {
		t.Errorf("wrong key: %v", err)
	}
	o.Getenv = func(k string) string {
		return map[string]string{"HOME": t.TempDir(), "AWS_SHARED_CREDENTIALS_FILE": t.TempDir() + "/none"}[k]
	}
	if _, err := deploy.DialS3(context.Background(), o); err == nil || !strings.Contains(err.Error(), "no S3 credentials: set AWS_ACCESS_KEY_ID") {
		t.Errorf("no keys: %v", err)
	}
	o = s3Options(s, "")
	o.Bucket = "nonesuch"
	if _, err := deploy.DialS3(context.Background(), o); err == nil || !strings.Contains(err.Error(), "bucket nonesuch does not exist") {
		t.Errorf("missing bucket: %v", err)
	}
}

// An object sent in parts has an ETag that is not its MD5 (gofakes3's
// looks like one, AWS's ends in -N): the sha256 stored with it decides.
func TestS3MultipartETag(t *testing.T) {
	s := deploytest.StartS3(t)
	u, _ := url.Parse(s.URL)
	c, err := minio.NewCore(u.Host, &minio.Options{Creds: credentials.NewStaticV4(s.AccessKey, s.SecretKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	body := "body{color:navy}"
	sum := sha256.Sum256([]byte(body))
	opts := minio.PutObjectOptions{UserMetadata: map[string]string{"Policysite-Sha256": hex.EncodeToString(sum[:])}}
	id, err := c.NewMultipartUpload(ctx, s.Bucket, "assets/a.css", opts)
	if err != nil {
		t.Fatal(err)
	}
	part, err := c.PutObjectPart(ctx, s.Bucket, "assets/a.css", id, 1, strings.NewReader(body), int64(len(body)), minio.PutObjectPartOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CompleteMultipartUpload(ctx, s.Bucket, "assets/a.css", id, []minio.CompletePart{{PartNumber: 1, ETag: part.ETag}}, opts); err != nil {
		t.Fatal(err)
	}
	tg, err := deploy.DialS3(context.Background(), s3Options(s, ""))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := tg.List(ctx)
	if err != nil || len(rs) != 1 {
		t.Fatalf("list: %+v, %v", rs, err)
	}
	dir := writeSite(t, map[string]string{"assets/a.css": body})
	local, _ := deploy.Scan(dir, rules)
	if rs[0].Same(local[0]) {
		t.Fatalf("the ETag of a multipart upload matched the MD5: %+v", rs)
	}
	if err := deploy.Refine(ctx, tg, local, rs); err != nil || rs[0].SHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("refine: %+v, %v", rs, err)
	}
	if p, err := deploy.NewPlan(local, rs, deploy.Options{}); err != nil || len(p.Uploads) != 0 || p.Unchanged != 1 {
		t.Errorf("plan %+v, %v", p, err)
	}
}
