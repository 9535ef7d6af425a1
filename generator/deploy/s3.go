package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"regexp"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Options say which bucket to publish to. Credentials come from the
// environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN)
// or the shared credentials file (~/.aws/credentials, or
// AWS_SHARED_CREDENTIALS_FILE, with AWS_PROFILE), never from site.yaml.
type S3Options struct {
	Bucket string
	Region string
	// Endpoint is the service's URL, such as https://<account>.r2.cloudflarestorage.com;
	// empty is AWS.
	Endpoint string
	// Prefix is the folder in the bucket, without slashes at either end.
	Prefix string
	// Getenv reads the environment (os.Getenv when nil).
	Getenv func(string) string
}

// shaMeta is the user metadata key holding a file's sha256, for objects
// whose ETag is not their MD5 (multipart uploads, some encryption).
const shaMeta = "Policysite-Sha256"

// An S3Target is a prefix in a bucket. Every object under the prefix
// belongs to the site: those the build no longer has are removed.
type S3Target struct {
	client *minio.Client
	bucket string
	prefix string // "" or "site/"
}

// DialS3 makes the client and checks that the bucket is there and the
// credentials can list it.
func DialS3(ctx context.Context, o S3Options) (*S3Target, error) {
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	creds, err := s3Credentials(getenv)
	if err != nil {
		return nil, err
	}
	host, secure := "s3.amazonaws.com", true
	if o.Endpoint != "" {
		u, err := url.Parse(o.Endpoint)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("endpoint %q is not a URL such as https://s3.eu-west-2.amazonaws.com", o.Endpoint)
		}
		host, secure = u.Host, u.Scheme == "https"
	}
	region := o.Region
	if region == "" {
		region = "us-east-1"
	}
	c, err := minio.New(host, &minio.Options{Creds: creds, Secure: secure, Region: region})
	if err != nil {
		return nil, err
	}
	ok, err := c.BucketExists(ctx, o.Bucket)
	if err != nil {
		return nil, fmt.Errorf("bucket %s at %s: %w", o.Bucket, host, explainS3(err))
	}
	if !ok {
		return nil, fmt.Errorf("bucket %s does not exist at %s: create it first (policysite does not create buckets, whose access rules are yours to set)", o.Bucket, host)
	}
	prefix := strings.Trim(o.Prefix, "/")
	if prefix != "" {
		prefix += "/"
	}
	return &S3Target{client: c, bucket: o.Bucket, prefix: prefix}, nil
}

// s3Credentials reads the environment, then the shared credentials file;
// with neither, it refuses rather than trying anonymously.
func s3Credentials(getenv func(string) string) (*credentials.Credentials, error) {
	if id, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY"); id != "" || secret != "" {
		if id == "" || secret == "" {
			return nil, errors.New("S3 credentials: set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
		}
		return credentials.NewStaticV4(id, secret, getenv("AWS_SESSION_TOKEN")), nil
	}
	file := getenv("AWS_SHARED_CREDENTIALS_FILE")
	if file == "" {
		home, err := os.UserHomeDir()
		if err == nil {
			file = home + "/.aws/credentials"
		}
	}
	profile := getenv("AWS_PROFILE")
	if profile == "" {
		profile = "default"
	}
	if file != "" {
		if _, err := os.Stat(file); err == nil {
			c := credentials.NewFileAWSCredentials(file, profile)
			v, err := c.GetWithContext(&credentials.CredContext{})
			if err != nil || v.AccessKeyID == "" {
				return nil, fmt.Errorf("S3 credentials: no keys for profile %q in %s", profile, file)
			}
			return c, nil
		}
	}
	return nil, errors.New("no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or write them to ~/.aws/credentials")
}

// explainS3 adds what a user can do to the errors people meet.
func explainS3(err error) error {
	switch minio.ToErrorResponse(err).Code {
	case "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch":
		return fmt.Errorf("%w (check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and that the key may list and write the bucket)", err)
	}
	return err
}

var md5RE = regexp.MustCompile(`^[0-9a-f]{32}$`)

// List lists the objects under the prefix, with the ETag as MD5 where it
// looks like one; Stat reads the sha256 of the others (Refine).
func (t *S3Target) List(ctx context.Context) ([]Remote, error) {
	var out []Remote
	for obj := range t.client.ListObjects(ctx, t.bucket, minio.ListObjectsOptions{Prefix: t.prefix, Recursive: true}) {
		if obj.Err != nil {
			return nil, fmt.Errorf("listing %s/%s: %w", t.bucket, t.prefix, explainS3(obj.Err))
		}
		p := strings.TrimPrefix(obj.Key, t.prefix)
		if p == "" || strings.HasSuffix(p, "/") {
			continue // a folder marker some tools make
		}
		r := Remote{Path: p}
		if etag := strings.ToLower(strings.Trim(obj.ETag, `"`)); md5RE.MatchString(etag) {
			r.MD5 = etag
		}
		out = append(out, r)
	}
	return out, nil
}

// Stat reads the sha256 a deploy stored with the object.
func (t *S3Target) Stat(ctx context.Context, p string) (Remote, error) {
	info, err := t.client.StatObject(ctx, t.bucket, t.prefix+p, minio.StatObjectOptions{})
	if err != nil {
		return Remote{}, fmt.Errorf("reading %s%s: %w", t.prefix, p, explainS3(err))
	}
	return Remote{Path: p, SHA256: info.UserMetadata[shaMeta]}, nil
}

// Put uploads f with its content type, Cache-Control and sha256. S3
// replaces an object in one step: a reader gets the old one or the new.
func (t *S3Target) Put(ctx context.Context, f File, body io.Reader) error {
	_, err := t.client.PutObject(ctx, t.bucket, t.prefix+f.Path, body, f.Size, minio.PutObjectOptions{
		ContentType:    f.ContentType,
		CacheControl:   f.CacheControl,
		UserMetadata:   map[string]string{shaMeta: f.SHA256},
		SendContentMd5: true, // the service checks the bytes it got
	})
	return explainS3(err)
}

// Delete removes the object; S3 answers a missing one as removed.
func (t *S3Target) Delete(ctx context.Context, p string) error {
	return explainS3(t.client.RemoveObject(ctx, t.bucket, t.prefix+p, minio.RemoveObjectOptions{}))
}

// String names the target: s3://bucket/prefix.
func (o S3Options) String() string {
	s := "s3://" + o.Bucket + "/" + strings.Trim(o.Prefix, "/")
	if o.Endpoint != "" {
		s += " at " + o.Endpoint
	}
	return s
}
