package relay

import (
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/policysite/policysite/cmd/formrelay/internal/spool"
	"github.com/policysite/policysite/cmd/formrelay/smtptest"
	"github.com/policysite/policysite/internal/testtools"
)

// syncBuf is a log the test reads while the relay writes it.
type syncBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// quickSpaceChecks has a relay look for space every 10 ms.
func quickSpaceChecks(r *Relay) {
	r.Spool.RecheckEvery = 10 * time.Millisecond
	r.SpaceCheckEvery = 10 * time.Millisecond
}

var fullLine = regexp.MustCompile(`spool disk full: (\d+) requests safe, waiting for space`)

// The spool's disk fills while the relay runs, with requests held for a
// mail server that is down. Requests get a 503 with Retry-After and a
// page saying to try again later, not a 500; the log says so once. The
// held requests are delivered on the full disk once the mail server is
// back, through a restart too; and once space returns the relay takes
// requests again, and says so once.
func TestDiskFills(t *testing.T) {
	mnt := testtools.Tmpfs(t, 16<<20) // room for the spool's 4 MiB reserve and as much again
	mail, err := smtptest.New()       // down for now
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(mail.Stop)
	log := &syncBuf{}
	e := &env{t: t, dir: mnt, smtp: mail, log: log, tune: quickSpaceChecks}
	e.cfg = testConfig(t, e.dir, mail, "rate_limit: {disabled: true}\n")
	e.start()

	var held []string
	for range 3 {
		resp := e.post(goodForm())
		readBody(t, resp)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("before the disk filled: status %d", resp.StatusCode)
		}
		loc, _ := url.Parse(resp.Header.Get("Location"))
		held = append(held, loc.Query().Get("ref"))
	}
	filler := filepath.Join(mnt, "filler")
	testtools.Fill(t, filler, 0)
	// A post may still be taken after the disk fills: its record can go
	// where the journal's last block has room, and then it is safe. What
	// is tested is that once a write finds the disk full, every post is
	// refused and each one taken before is delivered.
	for i := 0; ; i++ {
		resp := e.post(goodForm())
		readBody(t, resp)
		if resp.StatusCode != http.StatusSeeOther {
			break
		}
		if i == 100 {
			t.Fatal("100 posts taken on a full disk")
		}
		loc, _ := url.Parse(resp.Header.Get("Location"))
		held = append(held, loc.Query().Get("ref"))
	}

	for i := range 5 {
		resp := e.post(goodForm())
		body := readBody(t, resp)
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != retryFull ||
			!strings.Contains(body, "Please try again later.") || !strings.Contains(body, "mailto:dpo@larkfield.example") {
			t.Fatalf("post %d on a full disk: %d, Retry-After %q\n%s", i, resp.StatusCode, resp.Header.Get("Retry-After"), trunc(body))
		}
	}
	resp := e.do("POST", "/requests", "application/json", `{"type":"access","name":"A","email":"a@example.org","relationship":"Pupil","details":"x","declaration":true}`)
	if body := readBody(t, resp); resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, `"error":"We cannot take requests here`) {
		t.Errorf("JSON post on a full disk: %d %s", resp.StatusCode, body)
	}
	resp = e.do("GET", "/healthz", "", "")
	if body := readBody(t, resp); resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, `"status":"disk full"`) {
		t.Errorf("/healthz on a full disk: %d %s", resp.StatusCode, body)
	}
	// As a request does whose Put succeeded just before the disk filled:
	// the spool is still full, so the log must not say space is back.
	e.relay.spaceBack()
	if m := fullLine.FindAllStringSubmatch(log.String(), -1); len(m) != 1 || m[0][1] != strconv.Itoa(len(held)) || strings.Contains(log.String(), "space again") {
		t.Errorf("log has %q, want one line saying %d requests are safe, and no other:\n%s", m, len(held), log)
	}

	// Stopped and started on the full disk: it starts, and says so.
	e.restart()
	if m := fullLine.FindAllString(log.String(), -1); len(m) != 2 {
		t.Errorf("after a restart on a full disk the log has %d full-disk lines, want 2:\n%s", len(m), log)
	}
	if resp := e.post(goodForm()); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("after a restart on a full disk: status %d", resp.StatusCode)
	}

	// The mail server is back: what the relay holds is delivered, with
	// the disk still full.
	if err := mail.Start(); err != nil {
		t.Fatal(err)
	}
	e.relay.Worker.RetryNow()
	msgs := mail.Wait(2*len(held), 10*time.Second)
	got := map[string]bool{}
	for _, m := range msgs {
		got[m.Header.Get("X-DSR-Reference")] = true
	}
	for _, ref := range held {
		if !got[ref] {
			t.Errorf("%s held on the full disk was not delivered (%d emails)", ref, len(msgs))
		}
	}
	waitFor(t, "the held requests in sent/", func() bool {
		names, _ := e.relay.Spool.List("sent")
		return len(names) == len(held)
	})
	if !e.relay.Spool.Full() {
		t.Error("the spool says it has room while the disk is still full")
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the log to say space is back", func() bool {
		return strings.Contains(log.String(), "spool disk has space again; taking requests")
	})
	if resp := e.post(goodForm()); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("once space returned: status %d", resp.StatusCode)
	}
	if n := strings.Count(log.String(), "space again"); n != 1 {
		t.Errorf("the log says %d times that space is back, want once", n)
	}
	resp = e.do("GET", "/healthz", "", "")
	if body := readBody(t, resp); resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz once space returned: %d %s", resp.StatusCode, body)
	}
}

// The disk fills while no request comes, and the worker's writes are what
// find it full: the log says so all the same, and says when space is back.
func TestDiskFullNoticedWithoutRequests(t *testing.T) {
	mnt := testtools.Tmpfs(t, 16<<20)
	log := &syncBuf{}
	mail, err := smtptest.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(mail.Stop)
	e := &env{t: t, dir: mnt, smtp: mail, log: log, tune: quickSpaceChecks}
	e.cfg = testConfig(t, e.dir, mail, "")
	e.start()
	filler := filepath.Join(mnt, "filler")
	testtools.Fill(t, filler, 0)
	// As the worker writes a request it claims: more than the reserve.
	if err := e.relay.Spool.Replace(spool.Sent, "big.json", make([]byte, 8<<20)); !errors.Is(err, spool.ErrFull) {
		t.Fatalf("a write on a full disk = %v, want ErrFull", err)
	}
	waitFor(t, "the log to say the disk is full", func() bool { return fullLine.MatchString(log.String()) })
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the log to say space is back", func() bool {
		return strings.Contains(log.String(), "spool disk has space again; taking requests")
	})
}
