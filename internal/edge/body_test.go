package edge

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// pipeListener hands the server the far ends of in-memory connections, so
// that a test in a synctest bubble controls the client byte by byte.
type pipeListener struct {
	conns     chan net.Conn
	closeOnce sync.Once
	closed    chan struct{}
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), closed: make(chan struct{})}
}

func (l *pipeListener) dial() net.Conn {
	c, s := net.Pipe()
	l.conns <- s
	return c
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
func (l *pipeListener) Addr() net.Addr { return pipeAddr{} }

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "pipe" }

// echo reads the whole body and answers its length, or 408 when it came
// too slowly.
var echo = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(r.Body)
	if BodyTimeout(err) {
		http.Error(w, "too slow", http.StatusRequestTimeout)
		return
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Write([]byte(strings.Repeat("x", len(b))))
})

// serve runs an http.Server with the pace over a pipe listener until the
// bubble's test ends.
func serve(t *testing.T, p Pace) *pipeListener {
	ln := newPipeListener()
	srv := &http.Server{Handler: p.Handler(echo), ReadHeaderTimeout: time.Second}
	done := make(chan struct{})
	go func() { srv.Serve(ln); close(done) }()
	t.Cleanup(func() { srv.Close(); <-done })
	return ln
}

// TestPaceCutsOffADribbledBody: a client that sends part of its body and
// then nothing more is answered 408 once the grace has passed, and its
// connection is closed.
func TestPaceCutsOffADribbledBody(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ln := serve(t, Pace{Grace: 5 * time.Second, MinRate: 1000})
		c := ln.dial()
		defer c.Close()
		start := time.Now()
		io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")
		io.WriteString(c, strings.Repeat("a", 10)) // and then the client stops sending
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestTimeout {
			t.Fatalf("status %d, want 408", resp.StatusCode)
		}
		// 5 s of grace plus 10 bytes at 1000 B/s.
		if got := time.Since(start); got != 5*time.Second+10*time.Millisecond {
			t.Errorf("cut off after %s, want 5.01s", got)
		}
		if !resp.Close {
			t.Error("the connection of a cut-off body is kept for another request")
		}
	})
}

// TestPaceKeepsUpWithTheMinimumRate: a body that arrives at the minimum rate
// is read whole though it takes far longer than the grace, and one that
// falls behind is cut off when it does.
func TestPaceKeepsUpWithTheMinimumRate(t *testing.T) {
	for _, tt := range []struct {
		name     string
		interval time.Duration // between 100-byte chunks
		want     int
	}{
		{"at the rate", 100 * time.Millisecond, http.StatusOK},
		{"slower than the rate", 300 * time.Millisecond, http.StatusRequestTimeout},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ln := serve(t, Pace{Grace: 2 * time.Second, MinRate: 1000})
				c := ln.dial()
				defer c.Close()
				const size = 100 * 100 // 10 s at 1000 B/s
				io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10000\r\n\r\n")
				sent := make(chan struct{})
				go func() {
					defer close(sent)
					for range size / 100 {
						if _, err := io.WriteString(c, strings.Repeat("a", 100)); err != nil {
							return // the server gave up
						}
						time.Sleep(tt.interval) // the client's pace, on the bubble's clock
					}
				}()
				resp, err := http.ReadResponse(bufio.NewReader(c), nil)
				if err != nil {
					t.Fatal(err)
				}
				n, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != tt.want {
					t.Fatalf("status %d, want %d", resp.StatusCode, tt.want)
				}
				if tt.want == http.StatusOK && n != size {
					t.Errorf("the server read %d bytes, want %d", n, size)
				}
				c.Close()
				<-sent
			})
		})
	}
}

// TestPaceLeavesTheHandlerAlone: once the body has ended the deadline is
// gone, so a handler that works on long after reading is not cancelled by
// it.
func TestPaceLeavesTheHandlerAlone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ln := newPipeListener()
		slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.ReadAll(r.Body)
			select {
			case <-time.After(time.Minute): // long work, on the bubble's clock
				w.Write([]byte("done"))
			case <-r.Context().Done():
				http.Error(w, "cancelled", http.StatusServiceUnavailable)
			}
		})
		srv := &http.Server{Handler: Pace{Grace: time.Second, MinRate: 1000}.Handler(slow)}
		done := make(chan struct{})
		go func() { srv.Serve(ln); close(done) }()
		defer func() { srv.Close(); <-done }()
		c := ln.dial()
		defer c.Close()
		io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || string(b) != "done" {
			t.Fatalf("status %d %q: the handler was cut off after its body ended", resp.StatusCode, b)
		}
	})
}

func TestBodyTimeout(t *testing.T) {
	if !BodyTimeout(errBodyTimeout) || BodyTimeout(io.ErrUnexpectedEOF) || BodyTimeout(errors.New("x")) {
		t.Fatal("BodyTimeout misreads errors")
	}
	var ne net.Error
	if !errors.As(errBodyTimeout, &ne) || !ne.Timeout() {
		t.Fatal("the body timeout is not a net.Error timeout")
	}
}
