package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/policysite/policysite/cmd/formrelay/smtptest"
	"github.com/policysite/policysite/internal/testtools"
)

var fullLineRE = regexp.MustCompile(`spool disk full: (\d+) requests safe, waiting for space`)

// TestKilledOnFullDisk runs the built relay with its spool on a small
// tmpfs while the mail server is down, fills the disk, floods the relay
// and SIGKILLs it mid-flood. Requests are answered 303 until the disk is
// full, then 503, never anything else, and the log says so. Then the
// disk is filled to the last byte and the relay started again: it starts,
// answers 503 and says why; what it holds as files is delivered to the
// mail server on the full disk; once space is freed it takes requests
// again, and every request it ever acknowledged has been delivered.
func TestKilledOnFullDisk(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildRelay(t)
	mnt := testtools.Tmpfs(t, 16<<20) // the relay's 4 MiB reserve and as much again, and some
	mail, err := smtptest.New()       // down for now
	must(t, err)
	defer mail.Stop()
	cfg := writeConfig(t, mnt, mail.Host(), mail.Port(), "rate_limit: {disabled: true}\n")
	p := start(t, bin, cfg)
	if _, err := os.Stat(filepath.Join(mnt, "spool", ".reserve")); err != nil {
		t.Fatalf("no reserve: %v", err)
	}
	// Something else fills the disk, all but a few requests' worth.
	testtools.Fill(t, filepath.Join(mnt, "filler"), 256<<10)

	// The flood: until the relay is killed, eight clients post.
	form := url.Values{
		"type": {"access"}, "name": {"Grace Hopper"}, "email": {"grace@example.org"},
		"relationship": {"Former pupil"}, "details": {"My exam results from 1990."}, "declaration": {"yes"},
	}.Encode()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var (
		mu      sync.Mutex
		acked   []string
		other   []string
		refused atomic.Int32
		wg      sync.WaitGroup
	)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				resp, err := client.Post("http://"+p.addr+"/requests", "application/x-www-form-urlencoded", strings.NewReader(form))
				if err != nil {
					return // killed
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mu.Lock()
				switch {
				case resp.StatusCode == http.StatusSeeOther:
					loc, _ := url.Parse(resp.Header.Get("Location"))
					acked = append(acked, loc.Query().Get("ref"))
				case resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != "":
					refused.Add(1)
				default:
					other = append(other, resp.Status)
				}
				mu.Unlock()
			}
		}()
	}
	deadline := time.Now().Add(30 * time.Second)
	for refused.Load() < 200 {
		if time.Now().After(deadline) {
			t.Fatalf("the disk did not fill: %d acknowledged, %d refused\n%s", len(acked), refused.Load(), p.logs())
		}
		time.Sleep(5 * time.Millisecond)
	}
	must(t, p.cmd.Process.Signal(syscall.SIGKILL))
	wg.Wait()
	p.cmd.Wait()
	t.Logf("before the kill: %d acknowledged, %d refused", len(acked), refused.Load())
	if len(acked) == 0 || len(other) > 0 {
		t.Fatalf("%d acknowledged; other answers %v", len(acked), other)
	}
	if m := fullLineRE.FindAllString(p.logs(), -1); len(m) != 1 {
		t.Errorf("log has %d full-disk lines while running, want 1:\n%s", len(m), p.logs())
	}

	// What the kill left, as formrelay list reads it: every request
	// acknowledged is there.
	code, out, errOut := runCLI("list", "--format", "json", "--config", cfg)
	var rows []struct{ Reference, State string }
	if err := json.Unmarshal([]byte(out), &rows); code != 0 || err != nil {
		t.Fatalf("list after the kill: exit %d, %v\n%s", code, err, errOut)
	}
	state := map[string]string{}
	var files []string // claimed: in cur/, so delivering them needs no room
	for _, r := range rows {
		state[r.Reference] = r.State
		if r.State == "sending" {
			files = append(files, r.Reference)
		}
	}
	for _, ref := range acked {
		if state[ref] == "" {
			t.Errorf("%s was acknowledged and is not in the spool after the kill", ref)
		}
	}
	t.Logf("after the kill: %d requests held, %d as files in cur/", len(rows), len(files))

	// Now the disk is full to the last byte, and the relay starts on it.
	testtools.Fill(t, filepath.Join(mnt, "filler2"), 0)
	must(t, mail.Start())
	p2 := start(t, bin, cfg)
	m := fullLineRE.FindStringSubmatch(p2.logs())
	if m == nil || m[1] != strconv.Itoa(len(rows)) {
		t.Errorf("log at start on a full disk has %q, want %d requests safe:\n%s", m, len(rows), p2.logs())
	}
	resp, err := client.PostForm("http://"+p2.addr+"/requests", mustParse(form))
	must(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || !strings.Contains(string(body), "Please try again later.") {
		t.Errorf("post on a full disk after restart: %d, Retry-After %q\n%s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	delivered := func() map[string]bool {
		got := map[string]bool{}
		for _, msg := range mail.Messages() {
			if msg.To[0] == "grace@example.org" { // the acknowledgement, the second email
				got[msg.Header.Get("X-DSR-Reference")] = true
			}
		}
		return got
	}
	waitUntil(t, "the claimed requests to be delivered on the full disk", func() bool {
		got := delivered()
		for _, ref := range files {
			if !got[ref] {
				return false
			}
		}
		return true
	}, p2)
	if resp, err := http.Get("http://" + p2.addr + "/healthz"); err != nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/healthz on a full disk: %v %v", resp.Status, err)
	}

	// Space is freed: the relay takes requests again, and delivers the rest.
	must(t, os.Remove(filepath.Join(mnt, "filler")))
	must(t, os.Remove(filepath.Join(mnt, "filler2")))
	waitUntil(t, "a request to be taken again", func() bool {
		resp, err := client.PostForm("http://"+p2.addr+"/requests", mustParse(form))
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusSeeOther
	}, p2)
	waitUntil(t, "every acknowledged request to be delivered", func() bool {
		got := delivered()
		for _, ref := range acked {
			if !got[ref] {
				return false
			}
		}
		return true
	}, p2)
	// The log is read from the relay's stderr as it comes: wait for the
	// line rather than read it at once.
	waitUntil(t, "the log to say that space is back", func() bool {
		return strings.Contains(p2.logs(), "spool disk has space again; taking requests")
	}, p2)
	if n := strings.Count(p2.logs(), "spool disk has space again; taking requests"); n != 1 {
		t.Errorf("log says %d times that space is back, want once:\n%s", n, p2.logs())
	}
	if n := len(fullLineRE.FindAllString(p2.logs(), -1)); n != 1 {
		t.Errorf("log has %d full-disk lines after restart, want 1", n)
	}
	// That line says it for every request: the worker's waits for space
	// are not logged one by one.
	if n := strings.Count(p.logs()+p2.logs(), "level=WARN msg=\"delivery failed; will retry\" ") - strings.Count(p.logs()+p2.logs(), "connection refused"); n != 0 {
		t.Errorf("%d warnings of failed deliveries other than the mail server being down:\n%s", n, p2.logs())
	}
}

func mustParse(q string) url.Values {
	v, err := url.ParseQuery(q)
	if err != nil {
		panic(err)
	}
	return v
}

// waitUntil polls cond for up to 20 seconds.
func waitUntil(t *testing.T, what string, cond func() bool, p *process) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s:\n%s", what, p.logs())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
