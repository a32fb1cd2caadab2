package main

import (
	"context"
	"strconv"
	"syscall"
	"testing"

	"github.com/casedesk/casedesk/client"
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
