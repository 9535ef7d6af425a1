package deploytest

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// An S3 is an S3 server on a loopback port, with one bucket, spoken to over
// real HTTP. It is gofakes3 (an implementation of the S3 protocol in Go,
// objects in memory), not SeaweedFS or MinIO: building either from its Go
// module takes many minutes and gigabytes, too much for every CI run.
// gofakes3 does not check signatures, so the server here refuses a
// request whose credential is not AccessKey; nor does it keep
// Cache-Control, so it records each request's headers as received, which
// Requests returns.
type S3 struct {
	URL       string // http://127.0.0.1:port
	Bucket    string
	AccessKey string
	SecretKey string

	mu   sync.Mutex
	reqs []Request
}

// A Request is one successful write the server received.
type Request struct {
	Op           string // "put" or "remove"
	Key          string
	ContentType  string
	CacheControl string
}

// StartS3 starts the server with the bucket "policies" and stops it
// when the test ends.
func StartS3(t testing.TB) *S3 {
	t.Helper()
	start := time.Now()
	backend := s3mem.New()
	s := &S3{Bucket: "policies", AccessKey: "AKIDLARKFIELDTEST", SecretKey: "larkfield-test-secret"}
	if err := backend.CreateBucket(s.Bucket); err != nil {
		t.Fatal(err)
	}
	fake := gofakes3.New(backend, gofakes3.WithoutVersioning())
	h := fake.Server()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		if !strings.Contains(auth, "Credential="+s.AccessKey+"/") {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusForbidden)
			w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>InvalidAccessKeyId</Code><Message>The AWS Access Key Id you provided does not exist in our records.</Message></Error>`))
			return
		}
		rec := &statusWriter{ResponseWriter: w, code: 200}
		h.ServeHTTP(rec, r)
		key := strings.TrimPrefix(r.URL.Path, "/"+s.Bucket+"/")
		if key == r.URL.Path || rec.code >= 300 {
			return
		}
		key, _ = url.PathUnescape(key)
		op := ""
		switch r.Method {
		case http.MethodPut:
			op = "put"
		case http.MethodDelete:
			op = "remove"
		default:
			return
		}
		s.mu.Lock()
		s.reqs = append(s.reqs, Request{Op: op, Key: key, ContentType: r.Header.Get("Content-Type"), CacheControl: r.Header.Get("Cache-Control")})
		s.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	t.Logf("S3 server on %s after %v", s.URL, time.Since(start).Round(time.Millisecond))
	return s
}

// Requests returns the writes so far, in the order the server finished them.
func (s *S3) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

// Ops returns Requests as "put <key>" and "remove <key>".
func (s *S3) Ops() []string {
	var out []string
	for _, r := range s.Requests() {
		out = append(out, r.Op+" "+r.Key)
	}
	return out
}

// Env is the environment a deploy to this server needs.
func (s *S3) Env() map[string]string {
	return map[string]string{"AWS_ACCESS_KEY_ID": s.AccessKey, "AWS_SECRET_ACCESS_KEY": s.SecretKey}
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}
