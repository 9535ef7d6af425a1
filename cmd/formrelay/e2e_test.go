package main

import (
	"bufio"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/policysite/policysite/cmd/formrelay/smtptest"
)

// process is a running formrelay binary and what it has logged.
type process struct {
	cmd  *exec.Cmd
	addr string
	mu   sync.Mutex
	log  strings.Builder
}

var listeningRE = regexp.MustCompile(`msg=listening addr=(\S+)`)

// start runs the binary and waits until it logs its address.
func start(t *testing.T, bin, cfg string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(bin, "serve", "--config", cfg, "--now", testNow)}
	stderr, err := p.cmd.StderrPipe()
	must(t, err)
	must(t, p.cmd.Start())
	t.Cleanup(func() { p.cmd.Process.Kill(); p.cmd.Wait() })
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.mu.Lock()
			p.log.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			if m := listeningRE.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	select {
	case p.addr = <-addr:
	case <-time.After(20 * time.Second):
		t.Fatalf("formrelay did not start:\n%s", p.logs())
	}
	return p
}

// buildRelay builds formrelay into a temporary folder and returns its path.
func buildRelay(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "formrelay")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func (p *process) logs() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// TestKilledAfterAcknowledging builds formrelay, posts a request while the
// mail server is down, SIGKILLs the relay the moment it has answered 303,
// brings the mail server up and restarts the relay: the request is
// delivered. It also checks that the log names the reference and holds
// none of the personal data submitted.
func TestKilledAfterAcknowledging(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := buildRelay(t)
	mail, err := smtptest.New() // a port, not yet listening: the mail server is down
	must(t, err)
	defer mail.Stop()
	cfg := writeConfig(t, dir, mail.Host(), mail.Port(), "")

	p := start(t, bin, cfg)
	v := url.Values{
		"type": {"access"}, "name": {"Grace Hopper"}, "email": {"grace@example.org"},
		"relationship": {"Former pupil"}, "details": {"My exam results from 1990."}, "declaration": {"yes"},
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm("http://"+p.addr+"/requests", v)
	must(t, err)
	// Killed the moment the acknowledgement arrives: no chance to tidy up.
	must(t, p.cmd.Process.Signal(syscall.SIGKILL))
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d", resp.StatusCode)
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	ref := loc.Query().Get("ref")
	p.cmd.Wait()
	if n := len(mail.Messages()); n != 0 {
		t.Fatalf("%d emails while the server was down", n)
	}

	must(t, mail.Start())
	p2 := start(t, bin, cfg)
	msgs := mail.Wait(2, 20*time.Second)
	if len(msgs) != 2 {
		t.Fatalf("%d emails after restart, want 2\n%s", len(msgs), p2.logs())
	}
	for _, m := range msgs {
		if m.Header.Get("X-DSR-Reference") != ref {
			t.Errorf("email for %q, want %s", m.Header.Get("X-DSR-Reference"), ref)
		}
	}
	if msgs[0].To[0] != "dpo@larkfield.example" || msgs[1].To[0] != "grace@example.org" {
		t.Errorf("recipients %v %v", msgs[0].To, msgs[1].To)
	}
	// Received on 23 November 2026 (the relay's clock, --now): due one
	// calendar month on.
	if !strings.Contains(msgs[0].Body, "Reply due by:  Wednesday 23 December 2026") {
		t.Errorf("officer's email, received %s:\n%s", testNow, msgs[0].Body)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(p2.logs(), "msg=delivered ref="+ref) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}

	// SIGTERM drains and exits cleanly.
	must(t, p2.cmd.Process.Signal(syscall.SIGTERM))
	if err := p2.cmd.Wait(); err != nil {
		t.Errorf("exit after SIGTERM: %v", err)
	}
	logs := p.logs() + p2.logs()
	for _, want := range []string{"msg=accepted ref=" + ref, "msg=\"resuming delivery of spooled requests\" count=1", "msg=delivered ref=" + ref, "msg=draining"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %s:\n%s", want, logs)
		}
	}
	for _, personal := range []string{"Grace", "Hopper", "grace@example.org", "exam results", "Former pupil"} {
		if strings.Contains(logs, personal) {
			t.Errorf("log holds personal data %q:\n%s", personal, logs)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "spool", "sent", ref+".json")); err != nil {
		t.Errorf("not in sent/: %v", err)
	}
}
