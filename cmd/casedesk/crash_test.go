package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/casedesk/casedesk/client"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }

// TestCrashLosesNoAcknowledgedWrite creates requests with idempotency keys
// from concurrent clients while the server is SIGKILLed and restarted
// several times. Every create that got a 2xx must be there afterwards with
// its content; no key may yield two requests; SQLite's integrity check must
// pass.
func TestCrashLosesNoAcknowledgedWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills server processes")
	}
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(engine), func(t *testing.T) { crashTest(t, engine) })
	}
}

type outcome struct {
	number string
	acked  bool
}

func crashTest(t *testing.T, engine store.Engine) {
	dir := t.TempDir()
	args := []string{"--data", dir, "--addr", "127.0.0.1:0", "--log-level", "info"}
	if engine == store.Postgres {
		args = append(args, "--database-url", storetest.FreshPostgres(t, storetest.PostgresURL()))
	}
	env := []string{"CASEDESK_PASSWORD=crash-test-password"}
	runChild(t, env, "", append([]string{"operator", "create", "--email", "op@crash.test", "--name", "Op"}, args...)...)

	// The clients open far more requests than an organization may in
	// ten minutes: this test is about durability, not the limit.
	srv := startChild(t, []string{"CASEDESK_REQUEST_LIMIT=0"}, append([]string{"serve"}, args...)...)
	ctx := context.Background()
	op := client.New(srv.url)
	tok, err := op.Login(ctx, "op@crash.test", "crash-test-password")
	if err != nil {
		t.Fatal(err)
	}
	op.SetToken(tok)
	var org struct{ ID int64 }
	if err := op.Do(ctx, "POST", "/api/v1/organizations", map[string]string{"kind": "customer", "name": "Crash Co"}, &org); err != nil {
		t.Fatal(err)
	}
	if err := op.Do(ctx, "POST", fmt.Sprintf("/api/v1/organizations/%d/users", org.ID),
		map[string]string{"email": "admin@crash.test", "name": "Admin", "role": "global_admin", "password": "crash-test-password"}, nil); err != nil {
		t.Fatal(err)
	}
	adminTok, err := op.Login(ctx, "admin@crash.test", "crash-test-password")
	if err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	results := map[string]*outcome{} // idempotency key → what the client saw
	const kills, clients, perRound = 3, 8, 60
	var next atomic.Int64
	for round := 0; round <= kills; round++ {
		c := client.New(srv.url, client.WithToken(adminTok), client.WithHTTPClient(&http.Client{}))
		var acked atomic.Int64
		var wg sync.WaitGroup
		stop := make(chan struct{})
		reached := make(chan struct{})
		var once sync.Once
		for range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					key := fmt.Sprintf("crash-%d", next.Add(1))
					r, err := c.CreateRequest(ctx, client.NewRequest{Category: "technical", Title: "title of " + key, Description: "body of " + key}, key)
					mu.Lock()
					if err == nil {
						results[key] = &outcome{number: r.Number, acked: true}
					} else {
						results[key] = &outcome{} // in doubt: the server may or may not have it
					}
					mu.Unlock()
					if err != nil {
						var p *client.Problem
						if errors.As(err, &p) {
							t.Errorf("create %s: problem %v", key, p)
						}
						return // connection refused or reset: the server is gone
					}
					if acked.Add(1) == perRound {
						once.Do(func() { close(reached) })
					}
				}
			}()
		}
		<-reached
		if round < kills {
			// Kill while the clients are still writing.
			srv.kill()
			wg.Wait()
			close(stop)
			srv = startChild(t, []string{"CASEDESK_REQUEST_LIMIT=0"}, append([]string{"serve"}, args...)...)
		} else {
			close(stop)
			wg.Wait()
		}
	}

	c := client.New(srv.url, client.WithToken(adminTok))
	ackedN := 0
	for key, o := range results {
		// A retry with the same key must return the one request, never a second.
		r, err := c.CreateRequest(ctx, client.NewRequest{Category: "technical", Title: "title of " + key, Description: "body of " + key}, key)
		if err != nil {
			t.Fatalf("retry %s: %v", key, err)
		}
		if o.acked {
			ackedN++
			if r.Number != o.number {
				t.Fatalf("key %s: acknowledged as %s, retried as %s", key, o.number, r.Number)
			}
			got, err := c.GetRequest(ctx, o.number)
			if err != nil || got.Title != "title of "+key || got.Description != "body of "+key {
				t.Fatalf("acknowledged request %s (%s) lost or changed: %+v %v", o.number, key, got, err)
			}
		}
	}
	// Every title at most once.
	seen := map[string]bool{}
	cursor := ""
	for {
		page, err := c.ListRequests(ctx, client.ListOptions{Limit: 200, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Items {
			if seen[r.Title] {
				t.Fatalf("two requests for %q", r.Title)
			}
			seen[r.Title] = true
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	if len(seen) != len(results) {
		t.Fatalf("%d requests for %d keys", len(seen), len(results))
	}
	srv.kill()
	if ackedN < kills*perRound {
		t.Fatalf("only %d acknowledged creates", ackedN)
	}
	t.Logf("%s: %d keys, %d acknowledged, %d kills", engine, len(results), ackedN, kills)
	if engine == store.SQLite {
		db, err := sql.Open("sqlite", filepath.Join(dir, "casedesk.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var res string
		if err := db.QueryRow("PRAGMA integrity_check").Scan(&res); err != nil || res != "ok" {
			t.Fatalf("integrity_check = %q, %v", res, err)
		}
	}
}
