package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/client"
	"github.com/casedesk/casedesk/internal/config"
	"github.com/casedesk/casedesk/internal/desk"
)

// TestGracefulShutdown sends SIGTERM to a serving casedesk: it must exit
// cleanly, and what it acknowledged must be there after a restart.
func TestGracefulShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	dir := t.TempDir()
	args := []string{"--data", dir, "--addr", "127.0.0.1:0"}
	env := []string{"CASEDESK_PASSWORD=shutdown-password"}
	runChild(t, env, "", append([]string{"operator", "create", "--email", "op@s.test", "--name", "Op"}, args...)...)
	srv := startChild(t, nil, append([]string{"serve"}, args...)...)
	ctx := context.Background()
	c := client.New(srv.url)
	tok, err := c.Login(ctx, "op@s.test", "shutdown-password")
	if err != nil {
		t.Fatal(err)
	}
	c.SetToken(tok)
	var org struct{ ID int64 }
	if err := c.Do(ctx, "POST", "/api/v1/organizations", map[string]string{"kind": "customer", "name": "Kept Co"}, &org); err != nil {
		t.Fatal(err)
	}
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := srv.cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v", err)
	}
	srv = startChild(t, nil, append([]string{"serve"}, args...)...)
	defer srv.kill()
	c = client.New(srv.url, client.WithToken(tok))
	var got struct{ Name string }
	if err := c.Do(ctx, "GET", "/api/v1/organizations/"+strconv.FormatInt(org.ID, 10), nil, &got); err != nil || got.Name != "Kept Co" {
		t.Fatalf("after restart: %+v %v", got, err)
	}
}

// TestShutdownEndsEventStreams: an open event stream does not hold a
// shutdown for its timeout; the stream ends at once (its client
// reconnects), the app stops without a deadline error, and a request in
// flight is still answered.
func TestShutdownEndsEventStreams(t *testing.T) {
	cfg := config.Default()
	cfg.Addr, cfg.DataDir, cfg.ShutdownTimeout = "127.0.0.1:0", t.TempDir(), 30*time.Second
	var logs syncBuffer
	a, err := Open(t.Context(), cfg, slog.New(slog.NewTextHandler(&logs, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	op, err := a.Desk.Bootstrap(t.Context(), "Provider", "op@s.test", "Op", "shutdown-password")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.Desk.CreateUser(t.Context(), &casedesk.Actor{User: op, OrgKind: casedesk.OrgProvider}, op.OrgID,
		desk.NewUser{Email: "agent@s.test", Name: "Agent", Role: casedesk.RoleAgent, Password: "shutdown-password"}); err != nil {
		t.Fatal(err)
	}
	if err := a.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	defer cancel()
	c := client.New(a.URL())
	tok, err := c.Login(t.Context(), "agent@s.test", "shutdown-password")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", a.URL()+"/api/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	// The timeouts only turn a regression into a failure rather than a
	// hang; a passing run never comes near them.
	res, err := (&http.Client{Timeout: time.Minute}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	br := bufio.NewReader(res.Body)
	if line, err := br.ReadString('\n'); err != nil || !strings.HasPrefix(line, ":") {
		t.Fatalf("stream opening: %q %v", line, err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if _, err := io.Copy(io.Discard, br); err != nil {
		t.Fatalf("the stream did not end cleanly: %v", err)
	}
	if strings.Contains(logs.String(), "deadline") || strings.Contains(logs.String(), "level=WARN msg=shutdown") {
		t.Fatalf("shutdown waited for the stream:\n%s", logs.String())
	}
}

// syncBuffer is a bytes.Buffer safe for a logger and a test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
