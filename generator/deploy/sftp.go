package deploy

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
	"golang.org/x/crypto/ssh/knownhosts"
)

// ManifestFile is the record, in the site's folder on an SFTP host, of
// every file a deploy put there and its sha256. A deploy compares with it
// rather than reading every file back, and removes only files it lists:
// anything else in the folder (an .htaccess, a file the host put there)
// is left alone.
const ManifestFile = ".policysite-manifest.json"

// A manifest is the content of ManifestFile.
type manifest struct {
	Version int `json:"version"`
	// Files maps a path relative to the folder to its sha256 in hex.
	Files map[string]string `json:"files"`
}

// SFTPOptions say how to reach a web host. Credentials come from files,
// ssh-agent or the environment, never from site.yaml.
type SFTPOptions struct {
	Host string
	Port int // default 22
	User string
	// Path is the site's folder on the host.
	Path string
	// KnownHosts is the known_hosts file that must hold the host's key.
	KnownHosts string
	// IdentityFile is a private key file; AgentSocket is ssh-agent's
	// socket (SSH_AUTH_SOCK). Without either, the user's default keys
	// (~/.ssh/id_ed25519, id_ecdsa, id_rsa) are tried.
	IdentityFile string
	AgentSocket  string
	// Password, from POLICYSITE_SFTP_PASSWORD, for hosts that take no keys.
	Password string
	// Timeout bounds connecting (default 30 s).
	Timeout time.Duration
}

// An SFTPTarget is a folder on a web host. Files are written beside their
// final name and renamed over it, so a visitor never reads half a page.
type SFTPTarget struct {
	conn   *ssh.Client
	client *sftp.Client
	root   string

	mu    sync.Mutex
	files map[string]string // the manifest, kept current by Put and Delete
}

// DialSFTP connects and logs in, after checking the host's key against
// o.KnownHosts: an unknown host or a changed key is refused.
func DialSFTP(ctx context.Context, o SFTPOptions) (*SFTPTarget, error) {
	port := o.Port
	if port == 0 {
		port = 22
	}
	addr := net.JoinHostPort(o.Host, strconv.Itoa(port))
	hostKey, algos, err := hostKeyCheck(o.KnownHosts, addr)
	if err != nil {
		return nil, err
	}
	auth, closeAgent, err := authMethods(o)
	if err != nil {
		return nil, err
	}
	defer closeAgent()
	timeout := o.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	cfg := &ssh.ClientConfig{
		User:              o.User,
		Auth:              auth,
		HostKeyCallback:   hostKey,
		HostKeyAlgorithms: algos,
		Timeout:           timeout,
	}
	d := net.Dialer{Timeout: timeout}
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	c, chans, reqs, err := ssh.NewClientConn(nc, addr, cfg)
	if err != nil {
		nc.Close()
		var ke *hostKeyError
		if errors.As(err, &ke) {
			return nil, ke
		}
		return nil, fmt.Errorf("logging in to %s as %s: %w", addr, o.User, err)
	}
	conn := ssh.NewClient(c, chans, reqs)
	client, err := sftp.NewClient(conn)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("%s: starting SFTP: %w", addr, err)
	}
	root := o.Path
	if root == "" {
		root = "."
	}
	return &SFTPTarget{conn: conn, client: client, root: path.Clean(root)}, nil
}

// Close ends the session.
func (t *SFTPTarget) Close() error {
	t.client.Close()
	return t.conn.Close()
}

// A hostKeyError is a host key known_hosts does not vouch for.
type hostKeyError struct{ msg string }

func (e *hostKeyError) Error() string { return e.msg }

// hostKeyCheck returns the callback that checks the host's key against
// the known_hosts file, and the key algorithms to ask for: those of the
// keys on file for the host, so a server offering several kinds of key
// shows the one known_hosts holds.
func hostKeyCheck(file, addr string) (ssh.HostKeyCallback, []string, error) {
	if file == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, nil, fmt.Errorf("no known_hosts file to check the host's key against: %w", err)
		}
		file = filepath.Join(home, ".ssh", "known_hosts")
	}
	cb, err := knownhosts.New(file)
	if err != nil {
		return nil, nil, fmt.Errorf("known_hosts: %w (the host's key must be on file: add it with ssh-keyscan, and check its fingerprint with the host)", err)
	}
	host, port, _ := net.SplitHostPort(addr)
	keyscan := "ssh-keyscan " + host
	if port != "22" {
		keyscan = "ssh-keyscan -p " + port + " " + host
	}
	var algos []string
	var ke *knownhosts.KeyError
	if err := cb(addr, &net.TCPAddr{}, probeKey{}); errors.As(err, &ke) {
		seen := map[string]bool{}
		for _, k := range ke.Want {
			for _, a := range algorithmsFor(k.Key.Type()) {
				if !seen[a] {
					seen[a] = true
					algos = append(algos, a)
				}
			}
		}
	}
	check := func(hostname string, remote net.Addr, key ssh.PublicKey) error {
		err := cb(hostname, remote, key)
		var ke *knownhosts.KeyError
		var re *knownhosts.RevokedError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &re):
			return &hostKeyError{fmt.Sprintf("%s: its host key %s is revoked in %s; refusing to connect", addr, ssh.FingerprintSHA256(key), file)}
		case errors.As(err, &ke) && len(ke.Want) == 0:
			return &hostKeyError{fmt.Sprintf("%s is not in %s, so its key cannot be checked; refusing to connect. "+
				"Its key has the fingerprint %s: if the host's administrator confirms it, add it with `%s >> %s`",
				addr, file, ssh.FingerprintSHA256(key), keyscan, file)}
		case errors.As(err, &ke):
			return &hostKeyError{fmt.Sprintf("%s: HOST KEY MISMATCH: it sent a %s key with the fingerprint %s, which is not the key %s holds for it (line %d). "+
				"Someone may be intercepting the connection, or the host was reinstalled; refusing to connect. Ask the host's administrator before changing %s",
				addr, key.Type(), ssh.FingerprintSHA256(key), file, ke.Want[0].Line, file)}
		}
		return &hostKeyError{fmt.Sprintf("%s: checking its host key: %v", addr, err)}
	}
	return check, algos, nil
}

// algorithmsFor maps a key type to the signature algorithms that use it.
func algorithmsFor(keyType string) []string {
	if keyType == ssh.KeyAlgoRSA {
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}
	}
	return []string{keyType}
}

// probeKey is a key no host has, to learn which keys known_hosts holds.
type probeKey struct{}

func (probeKey) Type() string                                 { return "policysite-probe" }
func (probeKey) Marshal() []byte                              { return []byte("policysite-probe") }
func (probeKey) Verify(data []byte, sig *ssh.Signature) error { return errors.New("probe") }

// authMethods lists the ways to log in, best first.
func authMethods(o SFTPOptions) ([]ssh.AuthMethod, func(), error) {
	var methods []ssh.AuthMethod
	closeAgent := func() {}
	var signers []ssh.Signer
	if o.IdentityFile != "" {
		s, err := loadKey(o.IdentityFile)
		if err != nil {
			return nil, closeAgent, err
		}
		signers = append(signers, s)
	}
	if len(signers) > 0 {
		methods = append(methods, ssh.PublicKeys(signers...))
	}
	if o.AgentSocket != "" {
		if c, err := net.Dial("unix", o.AgentSocket); err == nil {
			closeAgent = func() { c.Close() }
			methods = append(methods, ssh.PublicKeysCallback(agent.NewClient(c).Signers))
		}
	}
	if o.IdentityFile == "" && o.AgentSocket == "" {
		if home, err := os.UserHomeDir(); err == nil {
			for _, name := range []string{"id_ed25519", "id_ecdsa", "id_rsa"} {
				if s, err := loadKey(filepath.Join(home, ".ssh", name)); err == nil {
					signers = append(signers, s)
				}
			}
		}
		if len(signers) > 0 {
			methods = append(methods, ssh.PublicKeys(signers...))
		}
	}
	if o.Password != "" {
		methods = append(methods, ssh.Password(o.Password))
	}
	if len(methods) == 0 {
		return nil, closeAgent, errors.New("no way to log in: name a key file (identity_file: in site.yaml), start ssh-agent, or set POLICYSITE_SFTP_PASSWORD")
	}
	return methods, closeAgent, nil
}

func loadKey(file string) (ssh.Signer, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("identity file: %w", err)
	}
	s, err := ssh.ParsePrivateKey(b)
	var pe *ssh.PassphraseMissingError
	if errors.As(err, &pe) {
		return nil, fmt.Errorf("identity file %s is protected by a passphrase: add it to ssh-agent (ssh-add %s) and run again", file, file)
	}
	if err != nil {
		return nil, fmt.Errorf("identity file %s: %w", file, err)
	}
	return s, nil
}

func (t *SFTPTarget) remote(p string) string { return path.Join(t.root, p) }

// List reads the manifest; a folder without one holds nothing of the site's yet.
func (t *SFTPTarget) List(ctx context.Context) ([]Remote, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.files = map[string]string{}
	fh, err := t.client.Open(t.remote(ManifestFile))
	if errors.Is(err, fs.ErrNotExist) {
		if _, err := t.client.Stat(t.root); err != nil {
			return nil, fmt.Errorf("the folder %s on the host: %w (create it, or fix path:)", t.root, err)
		}
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", t.remote(ManifestFile), err)
	}
	defer fh.Close()
	var m manifest
	dec := json.NewDecoder(io.LimitReader(fh, 64<<20))
	if err := dec.Decode(&m); err != nil || m.Version != 1 {
		return nil, fmt.Errorf("%s is not a manifest policysite wrote (%v); remove it to upload every file again", t.remote(ManifestFile), err)
	}
	var out []Remote
	for p, sum := range m.Files {
		// The manifest comes from the host: a path in it must stay in the folder.
		if !fs.ValidPath(p) || p == "." || p == ManifestFile {
			return nil, fmt.Errorf("%s lists %q, which is not a path inside the site's folder; remove the manifest to upload every file again", t.remote(ManifestFile), p)
		}
		t.files[p] = sum
		out = append(out, Remote{Path: p, SHA256: sum})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// Put writes f beside its final name, then renames it over that name.
func (t *SFTPTarget) Put(ctx context.Context, f File, body io.Reader) error {
	if f.Path == ManifestFile {
		return fmt.Errorf("%s is the name of policysite's manifest", f.Path)
	}
	final := t.remote(f.Path)
	if err := t.client.MkdirAll(path.Dir(final)); err != nil {
		return err
	}
	tmp := path.Join(path.Dir(final), ".policysite-"+randomHex()+".tmp")
	if err := t.write(tmp, body); err != nil {
		return err
	}
	if err := t.rename(tmp, final); err != nil {
		return err
	}
	t.mu.Lock()
	if t.files == nil {
		t.files = map[string]string{}
	}
	t.files[f.Path] = f.SHA256
	t.mu.Unlock()
	return nil
}

func (t *SFTPTarget) write(tmp string, body io.Reader) error {
	w, err := t.client.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL)
	if err != nil {
		return err
	}
	if _, err := w.ReadFrom(body); err != nil {
		w.Close()
		t.client.Remove(tmp)
		return err
	}
	if err := w.Close(); err != nil {
		t.client.Remove(tmp)
		return err
	}
	// Readable by the web server, whatever the login's umask.
	if err := t.client.Chmod(tmp, 0o644); err != nil {
		t.client.Remove(tmp)
		return err
	}
	return nil
}

// rename replaces final with tmp in one step where the server can
// (OpenSSH's posix-rename), else removes final first.
func (t *SFTPTarget) rename(tmp, final string) error {
	if _, ok := t.client.HasExtension("posix-rename@openssh.com"); ok {
		if err := t.client.PosixRename(tmp, final); err != nil {
			t.client.Remove(tmp)
			return err
		}
		return nil
	}
	if err := t.client.Remove(final); err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.client.Remove(tmp)
		return err
	}
	if err := t.client.Rename(tmp, final); err != nil {
		t.client.Remove(tmp)
		return err
	}
	return nil
}

// Delete removes a file, then any folders it leaves empty.
func (t *SFTPTarget) Delete(ctx context.Context, p string) error {
	if err := t.client.Remove(t.remote(p)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	t.mu.Lock()
	delete(t.files, p)
	t.mu.Unlock()
	for dir := path.Dir(p); dir != "."; dir = path.Dir(dir) {
		if t.client.RemoveDirectory(t.remote(dir)) != nil {
			break // not empty: a file is still there
		}
	}
	return nil
}

// Commit writes the manifest beside its name and renames it into place.
func (t *SFTPTarget) Commit(ctx context.Context) error {
	t.mu.Lock()
	m := manifest{Version: 1, Files: t.files}
	b, err := json.MarshalIndent(m, "", " ")
	t.mu.Unlock()
	if err != nil {
		return err
	}
	tmp := t.remote(".policysite-manifest-" + randomHex() + ".tmp")
	if err := t.write(tmp, bytes.NewReader(append(b, '\n'))); err != nil {
		return fmt.Errorf("writing the manifest: %w", err)
	}
	if err := t.rename(tmp, t.remote(ManifestFile)); err != nil {
		return fmt.Errorf("writing the manifest: %w", err)
	}
	return nil
}

func randomHex() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// String names the target for messages: sftp://user@host:port/path.
func (o SFTPOptions) String() string {
	port := o.Port
	if port == 0 {
		port = 22
	}
	p := o.Path
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return fmt.Sprintf("sftp://%s@%s%s", o.User, net.JoinHostPort(o.Host, strconv.Itoa(port)), p)
}
