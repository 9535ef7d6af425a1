package deploy_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/policysite/policysite/generator/deploy"
	"github.com/policysite/policysite/generator/deploy/deploytest"
)

func sftpOptions(s *deploytest.SSHD) deploy.SFTPOptions {
	return deploy.SFTPOptions{Host: s.Host, Port: s.Port, User: s.User, Path: s.Root, KnownHosts: s.KnownHosts, IdentityFile: s.IdentityFile}
}

func TestSFTPSmoke(t *testing.T) {
	s := deploytest.StartSSHD(t)
	tg, err := deploy.DialSFTP(context.Background(), sftpOptions(s))
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "a"), 0o755)
	os.WriteFile(filepath.Join(dir, "a", "index.html"), []byte("hi"), 0o644)
	local, _ := deploy.Scan(dir, deploy.Rules{})
	remote, err := tg.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	p, _ := deploy.NewPlan(local, remote, deploy.Options{})
	res, err := deploy.Execute(context.Background(), tg, dir, p, 4, nil)
	t.Log(res, err)
	t.Log(s.Ops())
}
