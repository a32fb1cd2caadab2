package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/casedesk/casedesk/internal/config"
)

// TestMetricsListener: with --metrics-addr and no token, /metrics is served
// on its own listener and not found on the main one.
func TestMetricsListener(t *testing.T) {
	cfg := config.Default()
	cfg.Addr, cfg.DataDir, cfg.MetricsAddr = "127.0.0.1:0", t.TempDir(), "127.0.0.1:0"
	a, err := Open(t.Context(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	defer func() { cancel(); <-done }()
	for _, tt := range []struct {
		url  string
		want int
	}{{a.URL() + "/metrics", 404}, {a.MetricsURL() + "/metrics", 200}, {a.MetricsURL() + "/api/v1/me", 404}} {
		res, err := http.Get(tt.url)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tt.want {
			t.Errorf("GET %s: %d, want %d", tt.url, res.StatusCode, tt.want)
		}
	}
}

type pipeListener struct {
	conns     chan net.Conn
	closeOnce sync.Once
	closed    chan struct{}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}
func (l *pipeListener) Close() error   { l.closeOnce.Do(func() { close(l.closed) }); return nil }
func (l *pipeListener) Addr() net.Addr { return &net.TCPAddr{} }

// TestSlowBodyIsCutOff: the app's server, configured with a 2 s body
// timeout, answers a request whose body stops arriving with 408 after 2 s,
// and closes the connection of one whose headers stop after the header
// timeout.
func TestSlowBodyIsCutOff(t *testing.T) {
	cfg := config.Default()
	cfg.Addr, cfg.DataDir = "127.0.0.1:0", t.TempDir()
	cfg.BodyTimeout, cfg.BodyMinRate, cfg.ReadHeaderTimeout = 2*time.Second, 1000, 3*time.Second
	a, err := Open(t.Context(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	synctest.Test(t, func(t *testing.T) {
		ln := &pipeListener{conns: make(chan net.Conn), closed: make(chan struct{})}
		srv := a.server(a.srv.Handler)
		done := make(chan struct{})
		go func() { srv.Serve(ln); close(done) }()
		defer func() { srv.Close(); <-done }()

		c, s := net.Pipe()
		defer c.Close()
		ln.conns <- s
		start := time.Now()
		io.WriteString(c, "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 60\r\n\r\n{\"em")
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		var p struct{ Code string }
		json.NewDecoder(res.Body).Decode(&p)
		res.Body.Close()
		if res.StatusCode != http.StatusRequestTimeout || p.Code != "timeout" {
			t.Fatalf("status %d code %q, want 408 timeout", res.StatusCode, p.Code)
		}
		if d := time.Since(start); d != 2*time.Second+4*time.Millisecond {
			t.Errorf("cut off after %s, want 2.004s (2 s and 4 bytes at 1000 B/s)", d)
		}

		c2, s2 := net.Pipe()
		defer c2.Close()
		ln.conns <- s2
		start = time.Now()
		io.WriteString(c2, "GET /healthz HTTP/1.1\r\nHo")
		got, _ := io.ReadAll(c2) // to the connection's close
		if len(got) > 0 && !strings.HasPrefix(string(got), "HTTP/1.1 4") {
			t.Fatalf("half-sent headers answered %q, want the connection closed, with a 4xx at most", got)
		}
		if d := time.Since(start); d != 3*time.Second {
			t.Errorf("headers cut off after %s, want 3s", d)
		}
	})
}
