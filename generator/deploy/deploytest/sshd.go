// Package deploytest starts the real servers the deploy tests publish to:
// OpenSSH's sshd on a loopback port, with a host key, an authorised key
// and a configuration made for the test, and an S3 server.
package deploytest

import (
	"bufio"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/policysite/policysite/internal/testtools"
)

// An SSHD is a running sshd that serves SFTP to one user, by key.
type SSHD struct {
	Host string // 127.0.0.1
	Port int
	User string
	// Root is a folder for the site, absolute, writable by User.
	Root string
	// KnownHosts holds the server's host key; IdentityFile the user's key.
	KnownHosts, IdentityFile string
	// HostKey is the server's public key.
	HostKey ssh.PublicKey

	mu      sync.Mutex
	log     []string
	sftpLog string
}

// StartSSHD starts sshd for the test and stops it when the test ends.
// sshd runs as the test's user (root in CI, where it also needs the
// privilege-separation folder /run/sshd), listens on 127.0.0.1 only, and
// its SFTP server logs every request, which Ops reads back.
func StartSSHD(t testing.TB) *SSHD {
	t.Helper()
	bin := testtools.Sshd(t)
	// sftp-server runs as its own program rather than sshd's internal-sftp,
	// so that its log (-e -l INFO) can go to a file Ops reads.
	dir := t.TempDir()
	hostPub := writeKey(t, filepath.Join(dir, "host_ed25519"))
	// A second host key, of a kind Go's ssh asks for before ed25519, that
	// known_hosts does not hold: a client must ask for the kind on file.
	writeECDSAKey(t, filepath.Join(dir, "host_ecdsa"))
	userPub := writeKey(t, filepath.Join(dir, "id_ed25519"))
	authorized := filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(authorized, ssh.MarshalAuthorizedKey(userPub), 0o600); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
			t.Fatal(err)
		}
	}
	user := os.Getenv("USER")
	if u, err := exec.Command("id", "-un").Output(); err == nil {
		user = strings.TrimSpace(string(u))
	}
	port := freePort(t)
	conf := filepath.Join(dir, "sshd_config")
	cfg := fmt.Sprintf(`Port %d
ListenAddress 127.0.0.1
HostKey %s
HostKey %s
PidFile none
AuthorizedKeysFile %s
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
AllowUsers %s
Subsystem sftp %s -e -l INFO 2>>%s
LogLevel INFO
`, port, filepath.Join(dir, "host_ecdsa"), filepath.Join(dir, "host_ed25519"), authorized, user, testtools.SFTPServer(t), filepath.Join(dir, "sftp.log"))
	if err := os.WriteFile(conf, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	s := &SSHD{sftpLog: filepath.Join(dir, "sftp.log"), Host: "127.0.0.1", Port: port, User: user, HostKey: hostPub,
		Root: filepath.Join(dir, "www"), IdentityFile: filepath.Join(dir, "id_ed25519"), KnownHosts: filepath.Join(dir, "known_hosts")}
	if err := os.Mkdir(s.Root, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.KnownHosts, []byte(s.KnownHostsLine(hostPub)), 0o644); err != nil {
		t.Fatal(err)
	}
	// -D stays in the foreground, -e logs to stderr, which we read.
	cmd := exec.Command(bin, "-D", "-e", "-f", conf)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting sshd: %v", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			s.mu.Lock()
			s.log = append(s.log, sc.Text())
			s.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
		cmd.Wait()
	})
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
		if err == nil {
			c.Close()
			break
		}
		if time.Since(start) > 10*time.Second {
			t.Fatalf("sshd did not listen on port %d within 10 s:\n%s", port, strings.Join(s.Log(), "\n"))
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("sshd listening on 127.0.0.1:%d after %v", port, time.Since(start).Round(time.Millisecond))
	return s
}

// KnownHostsLine is the known_hosts line for this server with key k.
func (s *SSHD) KnownHostsLine(k ssh.PublicKey) string {
	return fmt.Sprintf("[%s]:%d %s", s.Host, s.Port, ssh.MarshalAuthorizedKey(k))
}

// Log returns what sshd has logged so far.
func (s *SSHD) Log() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.log...)
}

var (
	renameRE = regexp.MustCompile(`(?:posix-)?rename old "([^"]+)" new "([^"]+)"`)
	removeRE = regexp.MustCompile(`remove name "([^"]+)"`)
)

// Ops returns, in the order the server did them, each file a client put
// in place (the target of a rename, "put <path>") or removed ("remove
// <path>"), paths relative to Root, as the SFTP server's log records them.
func (s *SSHD) Ops() []string {
	b, _ := os.ReadFile(s.sftpLog)
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		if m := renameRE.FindStringSubmatch(line); m != nil {
			out = append(out, "put "+s.rel(m[2]))
		} else if m := removeRE.FindStringSubmatch(line); m != nil {
			out = append(out, "remove "+s.rel(m[1]))
		}
	}
	return out
}

func (s *SSHD) rel(p string) string {
	if r, err := filepath.Rel(s.Root, p); err == nil {
		return filepath.ToSlash(r)
	}
	return p
}

// writeKey writes a new ed25519 private key in OpenSSH's format to file
// and returns its public key.
func writeKey(t testing.TB, file string) ssh.PublicKey {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	writePrivate(t, file, priv)
	k, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func writeECDSAKey(t testing.TB, file string) {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	writePrivate(t, file, priv)
}

// writePrivate writes priv to file in OpenSSH's format, readable by its
// owner alone, as sshd and ssh insist.
func writePrivate(t testing.TB, file string, priv crypto.PrivateKey) {
	t.Helper()
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
}

// NewKey returns a public key no server has, for a wrong known_hosts.
func NewKey(t testing.TB) ssh.PublicKey {
	t.Helper()
	return writeKey(t, filepath.Join(t.TempDir(), "other"))
}

// freePort returns a loopback port nothing listens on just now.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
