package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/policysite/policysite/internal/testtools"
)

// The Dockerfile builds formrelay as a static binary in one stage and runs
// it in a second as a user who is not root, with the spool on a volume.
// No base image can be pulled where the tests run, so the file is read, not
// built: its stages, USER, VOLUME and command are checked.
func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(testtools.Root(), "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	var stages []string
	var user, volume, entry, cmd string
	var static bool
	text := strings.ReplaceAll(string(b), "\\\n", " ")
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		switch strings.ToUpper(f[0]) {
		case "FROM":
			stages = append(stages, f[len(f)-1])
		case "USER":
			user = f[1]
		case "VOLUME":
			volume = f[1]
		case "ENTRYPOINT":
			entry = strings.Join(f[1:], " ")
		case "CMD":
			cmd = strings.Join(f[1:], " ")
		case "RUN":
			if strings.Contains(line, "CGO_ENABLED=0") && strings.Contains(line, "./cmd/formrelay") {
				static = len(stages) == 1
			}
		}
	}
	if !slices.Equal(stages, []string{"build", "run"}) {
		t.Errorf("stages %q, want build then run", stages)
	}
	if !static {
		t.Error("formrelay is not built with CGO_ENABLED=0 in the build stage")
	}
	if user == "" || strings.HasPrefix(user, "0") || strings.HasPrefix(user, "root") {
		t.Errorf("USER %q: the relay must not run as root", user)
	}
	if volume != "/var/lib/formrelay" {
		t.Errorf("VOLUME %q, want the spool's folder /var/lib/formrelay", volume)
	}
	if entry != `["/usr/local/bin/formrelay"]` || !strings.Contains(cmd, `"serve"`) {
		t.Errorf("ENTRYPOINT %s CMD %s", entry, cmd)
	}
	if !strings.Contains(text, "COPY --from=build") || strings.Count(text, "\nFROM ") != 2 {
		t.Error("the run stage does not copy the binary from the build stage alone")
	}
}
