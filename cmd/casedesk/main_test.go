package main

import (
	"bufio"
	"errors"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestMain lets the test binary play the casedesk binary: with
// CASEDESK_TEST_CHILD set it runs the command line it was given, so the
// crash test can start and SIGKILL real server processes without a build.
func TestMain(m *testing.M) {
	if os.Getenv("CASEDESK_TEST_CHILD") == "1" {
		os.Exit(mainExit())
	}
	os.Exit(m.Run())
}

// child is a casedesk process started from the test binary.
type child struct {
	cmd *exec.Cmd
	url string
}

var servingURL = regexp.MustCompile(`url=(http://[0-9.:]+)`)

// startChild runs `casedesk args…` and, for serve, waits for the line that
// says where it listens.
func startChild(t *testing.T, env []string, args ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), "CASEDESK_TEST_CHILD=1"), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sent := false
		for sc.Scan() {
			if m := servingURL.FindStringSubmatch(sc.Text()); m != nil && !sent {
				found <- m[1]
				sent = true
			}
		}
		if !sent {
			close(found)
		}
	}()
	select {
	case u, ok := <-found:
		if !ok {
			cmd.Wait()
			t.Fatalf("casedesk %v exited before serving", args)
		}
		c.url = u
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("casedesk %v did not start serving within 60 s", args)
	}
	return c
}

// runChild runs a casedesk command to completion.
func runChild(t *testing.T, env []string, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), "CASEDESK_TEST_CHILD=1"), env...)
	cmd.Stdin = stringsReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("casedesk %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (c *child) kill() {
	c.cmd.Process.Kill()
	c.cmd.Wait()
}

// TestMalformedEnvironmentFails: a malformed CASEDESK_* value stops the
// command as a malformed flag does, with an exit code of 1 and a message
// that names the variable; nothing is served or migrated.
func TestMalformedEnvironmentFails(t *testing.T) {
	for _, tt := range []struct {
		env  string
		args []string
		want string
	}{
		{"CASEDESK_ATTACHMENT_LIMIT=abc", []string{"migrate"}, `casedesk: invalid value "abc" for CASEDESK_ATTACHMENT_LIMIT`},
		{"CASEDESK_SHUTDOWN_TIMEOUT=15", []string{"serve", "--addr", "127.0.0.1:0"}, `casedesk: invalid value "15" for CASEDESK_SHUTDOWN_TIMEOUT`},
		{"", []string{"migrate", "--shutdown-timeout=15"}, `invalid value "15" for flag -shutdown-timeout`},
	} {
		dir := t.TempDir()
		cmd := exec.Command(os.Args[0], append(tt.args, "--data", dir)...)
		cmd.Env = append(os.Environ(), "CASEDESK_TEST_CHILD=1", tt.env)
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(string(out), tt.want) {
			t.Errorf("%s casedesk %v: %v, want exit code 1 and %q\n%s", tt.env, tt.args, err, tt.want, out)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("%s casedesk %v wrote to the data directory", tt.env, tt.args)
		}
	}
}
