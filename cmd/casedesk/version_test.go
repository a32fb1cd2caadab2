package main

import (
	"errors"
	"os"
	"os/exec"
	"runtime/debug"
	"strings"
	"testing"
)

func TestDescribeBuild(t *testing.T) {
	vcs := []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.time", Value: "2026-12-07T21:56:00Z"}}
	for _, tt := range []struct {
		name, override, mainVersion string
		settings                    []debug.BuildSetting
		want                        string
	}{
		{"tagged module", "", "v1.4.0", nil, "v1.4.0 go1.26.8"},
		{"checkout", "", "(devel)", vcs, "devel (revision 0123456789ab, 2026-12-07T21:56:00Z) go1.26.8"},
		{"modified checkout", "", "(devel)", append(vcs, debug.BuildSetting{Key: "vcs.modified", Value: "true"}),
			"devel (revision 0123456789ab, 2026-12-07T21:56:00Z, modified) go1.26.8"},
		{"set at link time", "v2.0.0-rc1", "(devel)", vcs, "v2.0.0-rc1 (revision 0123456789ab, 2026-12-07T21:56:00Z) go1.26.8"},
		{"nothing known", "", "", nil, "devel go1.26.8"},
	} {
		info := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/casedesk/casedesk", Version: tt.mainVersion}, Settings: tt.settings}
		if got := describeBuild(tt.override, info); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// Every command's -h prints its usage and exits 0, and --version answers
// like the version command, from the binary's build info.
func TestHelpAndVersionExitZero(t *testing.T) {
	for _, args := range [][]string{
		{"-h"}, {"--help"}, {"help"}, {"serve", "-h"}, {"demo", "--help"}, {"migrate", "-h"},
		{"operator", "create", "-h"}, {"user", "reset-password", "-h"}, {"loadtest", "-h"},
		{"bench-seed", "-h"}, {"sla", "due", "-h"},
	} {
		cmd := exec.Command(os.Args[0], args...)
		cmd.Env = append(os.Environ(), "CASEDESK_TEST_CHILD=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("casedesk %s: %v\n%s", strings.Join(args, " "), err, out)
		} else if !strings.Contains(strings.ToLower(string(out)), "usage") {
			t.Errorf("casedesk %s printed no usage:\n%s", strings.Join(args, " "), out)
		}
	}
	for _, args := range [][]string{{"version"}, {"--version"}} {
		cmd := exec.Command(os.Args[0], args...)
		cmd.Env = append(os.Environ(), "CASEDESK_TEST_CHILD=1")
		out, err := cmd.Output()
		if err != nil || !strings.HasPrefix(string(out), "casedesk ") || strings.Contains(string(out), " dev\n") {
			t.Errorf("casedesk %s: %q, %v", args[0], out, err)
		}
	}
	cmd := exec.Command(os.Args[0], "no-such-command")
	cmd.Env = append(os.Environ(), "CASEDESK_TEST_CHILD=1")
	var exit *exec.ExitError
	if err := cmd.Run(); !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Errorf("an unknown command: %v, want exit code 1", err)
	}
}
