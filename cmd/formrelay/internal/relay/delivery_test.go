package relay

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/wneessen/go-mail"

	"github.com/policysite/policysite/cmd/formrelay/internal/spool"
	"github.com/policysite/policysite/cmd/formrelay/smtptest"
)

func refOf(t testing.TB, resp *http.Response) string {
	t.Helper()
	readBody(t, resp)
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || err != nil {
		t.Fatalf("status %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return loc.Query().Get("ref")
}

// TestServerDownThenUp: the mail server is down when the request arrives;
// it is retried with backoff and delivered once the server is back.
func TestServerDownThenUp(t *testing.T) {
	e := newEnv(t, "")
	e.smtp.Stop()
	ref := refOf(t, e.post(goodForm()))
	time.Sleep(300 * time.Millisecond) // several failed attempts
	if st := e.relay.Spool.Find(FileName(ref)); st != spool.Cur {
		t.Fatalf("undeliverable request in %q, want cur/", st)
	}
	if e.relay.Worker.Depth() != 1 {
		t.Fatal("request not queued while the server is down")
	}
	if err := e.smtp.Start(); err != nil {
		t.Fatal(err)
	}
	msgs := e.smtp.Wait(2, 10*time.Second)
	if len(msgs) != 2 || !strings.Contains(msgs[0].Body, ref) || !strings.Contains(msgs[1].Body, ref) {
		t.Fatalf("%d emails after the server came back", len(msgs))
	}
	waitFor(t, "delivered", func() bool { return e.relay.Spool.Find(FileName(ref)) == spool.Sent })
}

// TestTemporaryRefusal: a 4xx reply is retried; the officer's email, once
// accepted, is not sent again while the acknowledgement is retried.
func TestTemporaryRefusal(t *testing.T) {
	e := newEnv(t, "")
	var acks atomic.Int32
	e.smtp.Fail = func(stage, arg string) error {
		if stage == "RCPT" && arg == "ada@example.org" && acks.Add(1) <= 3 {
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"}
		}
		return nil
	}
	ref := refOf(t, e.post(goodForm()))
	waitFor(t, "delivered", func() bool { return e.relay.Spool.Find(FileName(ref)) == spool.Sent })
	msgs := e.smtp.Messages()
	if len(msgs) != 2 || msgs[0].To[0] != "dpo@larkfield.example" || msgs[1].To[0] != "ada@example.org" {
		t.Fatalf("emails: %d", len(msgs))
	}
	if acks.Load() != 4 {
		t.Errorf("acknowledgement tried %d times, want 4", acks.Load())
	}
}

// TestPermanentRefusal: a 5xx refusal moves the request to failed/, with
// the reason, and it is kept.
func TestPermanentRefusal(t *testing.T) {
	for _, tc := range []struct {
		name, refuse    string
		emails          int
		officerNotified bool
	}{
		{"officer refused", "dpo@larkfield.example", 0, false},
		{"requester refused", "ada@example.org", 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, "")
			e.smtp.Fail = func(stage, arg string) error {
				if stage == "RCPT" && arg == tc.refuse {
					return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user " + arg}
				}
				return nil
			}
			ref := refOf(t, e.post(goodForm()))
			waitFor(t, "failed", func() bool { return e.relay.Spool.Find(FileName(ref)) == spool.Failed })
			waitFor(t, "empty queue", func() bool { return e.relay.Worker.Depth() == 0 })
			b, _ := e.relay.Spool.Read(spool.Failed, FileName(ref))
			var rec Record
			json.Unmarshal(b, &rec)
			if rec.Failure == nil || rec.Failure.OfficerNotified != tc.officerNotified || !strings.Contains(rec.Failure.Error, "550") || rec.Reference != ref || len(rec.Answers) != 5 {
				t.Errorf("failed record: %+v", rec.Failure)
			}
			if n := len(e.smtp.Messages()); n != tc.emails {
				t.Errorf("%d emails, want %d", n, tc.emails)
			}
			// Kept: retention never purges failed/.
			e.relay.Worker.Retention = 0
			e.relay.Worker.purge()
			if e.relay.Spool.Find(FileName(ref)) != spool.Failed {
				t.Error("failed request purged")
			}
		})
	}
}

// TestRestartResumes: requests left in new/ and cur/ by a relay that
// stopped are delivered by the next one.
func TestRestartResumes(t *testing.T) {
	e := newEnv(t, "")
	e.smtp.Stop()
	a := refOf(t, e.post(goodForm()))
	waitFor(t, "claim", func() bool { return e.relay.Spool.Find(FileName(a)) == spool.Cur })
	e.stop()
	e.stop = nil
	// One more left in new/, as if acknowledged just before a crash.
	sp, _ := spool.Open(e.cfg.Spool)
	rec := (&Relay{Config: e.cfg, Now: at(testStart), Zone: time.UTC}).newRecord("DSR-AAAA-BBBB-CC", "access", nil)
	data, _ := json.Marshal(rec)
	sp.Put(FileName(rec.Reference), data)
	sp.Close()

	e.smtp.Start()
	e.start()
	t.Logf("states: %s %s", e.relay.Spool.Find(FileName(a)), e.relay.Spool.Find("DSR-AAAA-BBBB-CC.json"))
	waitFor(t, "both delivered", func() bool {
		return e.relay.Spool.Find(FileName(a)) == spool.Sent && e.relay.Spool.Find("DSR-AAAA-BBBB-CC.json") == spool.Sent
	})
	// The second had no email address: the officer's email only.
	if n := len(e.smtp.Messages()); n != 3 {
		t.Errorf("%d emails, want 3", n)
	}
}

// TestCrashWhileCommitting: a crash can leave at the end of the journal a
// batch cut short, whose Puts never returned, after requests acknowledged
// and not yet claimed. The next start delivers those and discards the torn
// record without sending it.
func TestCrashWhileCommitting(t *testing.T) {
	e := newEnv(t, "")
	e.stop()
	e.stop = nil
	newRec := func(ref string) []byte {
		rec := (&Relay{Config: e.cfg, Now: at(testStart), Zone: time.UTC}).newRecord(ref, "access", nil)
		data, _ := json.Marshal(rec)
		return data
	}
	sp, err := spool.Open(e.cfg.Spool)
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{"DSR-AAAA-AAAA-AA", "DSR-BBBB-BBBB-BB"} {
		if err := sp.Put(FileName(ref), newRec(ref)); err != nil {
			t.Fatal(err)
		}
	}
	sp.Close()
	// The torn batch: the journal's format is the spool's business, so
	// write a whole record with a third spool and cut it short by hand.
	journal, _ := filepath.Glob(filepath.Join(e.cfg.Spool, spool.Journal, "*.log"))
	if len(journal) != 1 {
		t.Fatalf("journal files %v, want one", journal)
	}
	before, _ := os.ReadFile(journal[0])
	sp, _ = spool.Open(t.TempDir())
	sp.Put(FileName("DSR-CCCC-CCCC-CC"), newRec("DSR-CCCC-CCCC-CC"))
	sp.Close()
	other, _ := filepath.Glob(filepath.Join(sp.Dir(), spool.Journal, "*.log"))
	rec, _ := os.ReadFile(other[0])
	if err := os.WriteFile(journal[0], append(before, rec[:len(rec)-10]...), 0o600); err != nil {
		t.Fatal(err)
	}

	e.start()
	waitFor(t, "delivered", func() bool {
		return e.relay.Spool.Find("DSR-AAAA-AAAA-AA.json") == spool.Sent && e.relay.Spool.Find("DSR-BBBB-BBBB-BB.json") == spool.Sent
	})
	e.stop()
	e.stop = nil
	if st := e.relay.Spool.Find("DSR-CCCC-CCCC-CC.json"); st != "" {
		t.Errorf("torn request is in %s/", st)
	}
	msgs := e.smtp.Messages()
	if len(msgs) != 2 {
		t.Errorf("%d emails, want 2 (the officer's, for each acknowledged request)", len(msgs))
	}
	for _, m := range msgs {
		if strings.Contains(string(m.Raw), "DSR-CCCC-CCCC-CC") {
			t.Error("an email mentions the torn request")
		}
	}
}

func TestRetentionPurge(t *testing.T) {
	e := newEnv(t, "retention_days: 7\n")
	ref := refOf(t, e.post(goodForm()))
	waitFor(t, "delivered", func() bool { return e.relay.Spool.Find(FileName(ref)) == spool.Sent })
	e.relay.Worker.purge()
	if e.relay.Spool.Find(FileName(ref)) != spool.Sent {
		t.Fatal("purged before the retention period")
	}
	e.relay.Spool.Touch(spool.Sent, FileName(ref), e.relay.Now().Add(-8*24*time.Hour))
	e.relay.Worker.purge()
	if st := e.relay.Spool.Find(FileName(ref)); st != "" {
		t.Errorf("still in %s/ after the retention period", st)
	}
}

// TestFlood: 10,000 requests from one client. The limit holds, memory
// stays bounded, and every request that was accepted is delivered.
func TestFlood(t *testing.T) {
	e := newEnv(t, "rate_limit: {per_minute: 60, burst: 25}\n")
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)

	body := goodForm().Encode()
	var accepted, limited, other atomic.Int32
	var mu sync.Mutex
	refs := map[string]bool{}
	jobs := make(chan int)
	var wg sync.WaitGroup
	client := &http.Client{
		Transport:     &http.Transport{MaxIdleConnsPerHost: 64},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range jobs {
				req, _ := http.NewRequest("POST", e.srv.URL+"/requests", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				resp, err := client.Do(req)
				if err != nil {
					other.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				switch resp.StatusCode {
				case http.StatusSeeOther:
					accepted.Add(1)
					loc, _ := url.Parse(resp.Header.Get("Location"))
					mu.Lock()
					refs[loc.Query().Get("ref")] = true
					mu.Unlock()
				case http.StatusTooManyRequests:
					if resp.Header.Get("Retry-After") == "" {
						other.Add(1)
					}
					limited.Add(1)
				default:
					other.Add(1)
				}
			}
		}()
	}
	start := time.Now()
	for i := range 10_000 {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)

	// Burst of 25, then one a second.
	n := int(accepted.Load())
	if maxOK := 25 + int(elapsed.Seconds()) + 1; n < 25 || n > maxOK || other.Load() != 0 || n+int(limited.Load()) != 10_000 {
		t.Fatalf("accepted %d (want 25 to %d), limited %d, other %d in %v", n, maxOK, limited.Load(), other.Load(), elapsed)
	}
	if e.relay.limiter.size() != 1 {
		t.Errorf("%d rate-limit buckets for one client", e.relay.limiter.size())
	}
	msgs := e.smtp.Wait(2*n, 15*time.Second)
	if len(msgs) != 2*n {
		t.Fatalf("%d emails for %d accepted requests", len(msgs), n)
	}
	for _, m := range msgs {
		delete(refs, m.Header.Get("X-DSR-Reference"))
	}
	if len(refs) != 0 {
		t.Errorf("accepted but not delivered: %v", refs)
	}
	client.CloseIdleConnections()
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grew := int64(after.HeapInuse) - int64(before.HeapInuse); grew > 16<<20 {
		t.Errorf("heap grew by %d MB over the flood", grew>>20)
	}
	t.Logf("10,000 requests in %v: %d accepted, %d limited; heap %d -> %d KB", elapsed, n, limited.Load(), before.HeapInuse>>10, after.HeapInuse>>10)
}

func TestLimiterBounded(t *testing.T) {
	l := newLimiter(1, 1, 100)
	now := testStart
	refused := 0
	for i := range 1000 {
		a := netipAddr4(10, 0, byte(i>>8), byte(i))
		if ok, _ := l.allow(a, now); !ok {
			refused++
		}
	}
	if l.size() > 100 || refused != 900 {
		t.Errorf("size %d, refused %d", l.size(), refused)
	}
	// After the buckets refill they are swept and new clients get in.
	if ok, _ := l.allow(netipAddr4(10, 9, 9, 9), now.Add(2*time.Minute)); !ok || l.size() != 1 {
		t.Errorf("after refill: ok %v size %d", ok, l.size())
	}
	// IPv6 clients count by /64.
	l = newLimiter(1, 1, 100)
	a, _ := netipParse("2001:db8:1:2::1")
	b, _ := netipParse("2001:db8:1:2:ffff::9")
	l.allow(a, now)
	if ok, _ := l.allow(b, now); ok {
		t.Error("a second address in the same /64 has its own bucket")
	}
}

// TestLimiterClockSkew: handlers read the clock before they take the
// limiter's lock, so a request can arrive with an earlier time than the
// one before it. That must not mint tokens: x/time/rate moves its clock
// back and then counts the same interval twice.
func TestLimiterClockSkew(t *testing.T) {
	l := newLimiter(60, 5, 100) // one a second, a burst of five
	a := netipAddr4(10, 0, 0, 1)
	t0 := testStart
	for range 5 {
		l.allow(a, t0.Add(-time.Second)) // the burst, spent
	}
	accepted := 0
	// Each second, one request on time and one read from the clock a
	// second before, as a goroutine that was descheduled would.
	for i := range 10 {
		now := t0.Add(time.Duration(i) * time.Second)
		for _, at := range []time.Time{now, now.Add(-time.Second)} {
			if ok, _ := l.allow(a, at); ok {
				accepted++
			}
		}
	}
	if accepted != 10 { // one a second: the token of each second, no more and no fewer
		t.Errorf("accepted %d in 10 seconds at one a second", accepted)
	}
}

func TestClientAddr(t *testing.T) {
	trusted := parsePrefixes("127.0.0.1/32", "10.0.0.0/8")
	for _, tc := range []struct{ peer, xff, want string }{
		{"203.0.113.5:1234", "", "203.0.113.5"},
		{"203.0.113.5:1234", "198.51.100.1", "203.0.113.5"}, // untrusted peer: header ignored
		{"127.0.0.1:1234", "", "127.0.0.1"},
		{"127.0.0.1:1234", "198.51.100.1", "198.51.100.1"},
		{"127.0.0.1:1234", "1.2.3.4, 198.51.100.1", "198.51.100.1"},  // forged left entry ignored
		{"127.0.0.1:1234", "198.51.100.1, 10.1.1.1", "198.51.100.1"}, // chain of trusted proxies
		{"127.0.0.1:1234", "garbage, 10.1.1.1", "10.1.1.1"},          // unparsable: stop at the last good hop
		{"[::ffff:127.0.0.1]:80", "2001:db8::1", "2001:db8::1"},      // mapped peer
		{"[2001:db8::5]:80", "", "2001:db8::5"},
	} {
		req, _ := http.NewRequest("POST", "/", nil)
		req.RemoteAddr = tc.peer
		if tc.xff != "" {
			req.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got := clientAddr(req, trusted).String(); got != tc.want {
			t.Errorf("peer %s XFF %q: %s, want %s", tc.peer, tc.xff, got, tc.want)
		}
	}
}

// TestSTARTTLS: with starttls required nothing is sent to a server that
// does not offer it; with a server that does, mail goes over TLS.
func TestSTARTTLS(t *testing.T) {
	plain, _ := smtptest.New()
	plain.Start()
	defer plain.Stop()
	msg := mail.NewMsg()
	msg.From("forms@larkfield.example")
	msg.To("dpo@larkfield.example")
	msg.SetBodyString(mail.TypeTextPlain, "x")
	s := &SMTPSender{Host: plain.Host(), Port: plain.Port(), StartTLS: true, Timeout: 5 * time.Second}
	if err := s.Send(context.Background(), msg); err == nil || !strings.Contains(Describe(err), "STARTTLS") {
		t.Errorf("plain server with STARTTLS required: %v (%s)", err, Describe(err))
	}
	if len(plain.Messages()) != 0 {
		t.Error("sent in clear although STARTTLS is required")
	}

	cert, pool := selfSigned(t)
	secure, _ := smtptest.New()
	secure.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	secure.Username, secure.Password = "relay", "s3cret"
	secure.Start()
	defer secure.Stop()
	s = &SMTPSender{Host: secure.Host(), Port: secure.Port(), StartTLS: true, Timeout: 5 * time.Second,
		Username: "relay", Password: "s3cret", TLSConfig: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}}
	if err := s.Send(context.Background(), msg); err != nil {
		t.Fatalf("TLS server: %v", err)
	}
	if len(secure.Messages()) != 1 {
		t.Error("not delivered over STARTTLS")
	}
	// An untrusted certificate is refused.
	s.TLSConfig = &tls.Config{ServerName: "127.0.0.1"}
	if err := s.Send(context.Background(), msg); err == nil {
		t.Error("untrusted certificate accepted")
	}
}

func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(c)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// TestDrain: a request still being received when shutdown begins is
// completed (spooled and acknowledged) before Serve returns.
func TestDrain(t *testing.T) {
	s, _ := smtptest.New()
	s.Start()
	defer s.Stop()
	cfg := testConfig(t, t.TempDir(), s, "")
	r, err := New(cfg, &SMTPSender{Host: s.Host(), Port: s.Port(), Timeout: time.Second}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	r.Now = at(testStart)
	defer r.Close()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- r.Serve(ctx, ln) }()

	body := goodForm().Encode()
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", "http://"+ln.Addr().String()+"/requests", pr)
	req.ContentLength = int64(len(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	got := make(chan *http.Response, 1)
	go func() {
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Error(err)
		}
		got <- resp
	}()
	pw.Write([]byte(body[:10]))
	time.Sleep(100 * time.Millisecond) // the handler is reading the body
	cancel()                           // SIGTERM
	time.Sleep(100 * time.Millisecond)
	pw.Write([]byte(body[10:]))
	pw.Close()
	resp := <-got
	if resp == nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("in-flight request during drain: %v", resp)
	}
	ref := refOf(t, resp)
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if st := r.Spool.Find(FileName(ref)); st == "" {
		t.Error("drained request not in the spool")
	}
}
