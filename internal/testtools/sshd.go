package testtools

import (
	"os"
	"os/exec"
	"testing"
)

// Sshd returns the absolute path of OpenSSH's sshd (Debian's
// openssh-server), which the deploy tests start on a loopback port.
func Sshd(t testing.TB) string {
	t.Helper()
	for _, p := range []string{"/usr/sbin/sshd", "/usr/local/sbin/sshd"} {
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("sshd"); err == nil {
		return p
	}
	missing(t, "OpenSSH's sshd (apt-get install openssh-server)")
	return ""
}

// SFTPServer returns the absolute path of OpenSSH's sftp-server (Debian's
// openssh-sftp-server, which openssh-server brings).
func SFTPServer(t testing.TB) string {
	t.Helper()
	for _, p := range []string{"/usr/lib/openssh/sftp-server", "/usr/libexec/openssh/sftp-server", "/usr/libexec/sftp-server"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	missing(t, "OpenSSH's sftp-server (apt-get install openssh-sftp-server)")
	return ""
}
