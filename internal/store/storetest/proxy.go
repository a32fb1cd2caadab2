package storetest

import (
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
)

// Proxy is a TCP proxy between casedesk and a PostgreSQL server that a test
// drives into the states of an outage, explicitly and at once, without
// touching the server other tests share: Stop, Freeze and Crash, then
// Resume.
type Proxy struct {
	tb     testing.TB
	target string
	addr   string

	mu    sync.Mutex
	ln    net.Listener // nil while stopped
	state proxyState
	thaw  chan struct{} // closed when a freeze ends
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

type proxyState int

const (
	proxyUp proxyState = iota
	proxyStopped
	proxyFrozen
	proxyCrashed
)

// NewProxy listens on a free local port and forwards to target (host:port)
// until the test ends.
func NewProxy(tb testing.TB, target string) *Proxy {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	p := &Proxy{tb: tb, target: target, addr: ln.Addr().String(), ln: ln, thaw: make(chan struct{}),
		conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept(ln)
	tb.Cleanup(p.close)
	return p
}

// PostgresThroughProxy returns the URL of a fresh database on the test
// server (see FreshPostgres) reached through a new Proxy, and the proxy.
func PostgresThroughProxy(tb testing.TB) (string, *Proxy) {
	tb.Helper()
	base := PostgresURL()
	if base == "off" {
		tb.Skip("PostgreSQL tests are off (CASEDESK_TEST_POSTGRES=off)")
	}
	u, err := url.Parse(FreshPostgres(tb, base))
	if err != nil {
		tb.Fatal(err)
	}
	p := NewProxy(tb, u.Host)
	u.Host = p.addr
	return u.String(), p
}

// Stop is a stopped server: existing connections are closed and new ones
// refused.
func (p *Proxy) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.unfreeze()
	p.state = proxyStopped
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
}

// Freeze is a server that stopped running (SIGSTOP): connections are
// accepted and bytes received, but nothing is forwarded until Resume.
func (p *Proxy) Freeze() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.state = proxyFrozen
}

// Crash is a server that crashed: every connection is reset mid-stream,
// and new ones are reset as soon as they are accepted, until Resume.
func (p *Proxy) Crash() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.unfreeze()
	p.state = proxyCrashed
	for c := range p.conns {
		reset(c)
	}
}

// Resume ends the outage: new connections are forwarded again, and after
// a freeze the bytes held are delivered.
func (p *Proxy) Resume() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.state == proxyStopped {
		ln, err := net.Listen("tcp", p.addr)
		if err != nil {
			p.tb.Errorf("proxy: listen again on %s: %v", p.addr, err)
			return
		}
		p.ln = ln
		p.wg.Add(1)
		go p.accept(ln)
	}
	p.unfreeze()
	p.state = proxyUp
}

// unfreeze releases the pumps held by a freeze; p.mu is held.
func (p *Proxy) unfreeze() {
	if p.state == proxyFrozen {
		close(p.thaw)
		p.thaw = make(chan struct{})
	}
}

func (p *Proxy) close() {
	p.mu.Lock()
	p.unfreeze()
	p.state = proxyStopped
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

func reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetLinger(0) // close with RST
	}
	c.Close()
}

func (p *Proxy) accept(ln net.Listener) {
	defer p.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		switch p.state {
		case proxyStopped:
			c.Close()
		case proxyCrashed:
			reset(c)
		default:
			p.conns[c] = struct{}{}
			p.wg.Add(1)
			go p.serve(c)
		}
		p.mu.Unlock()
	}
}

// hold blocks while the proxy is frozen.
func (p *Proxy) hold() {
	p.mu.Lock()
	frozen, thaw := p.state == proxyFrozen, p.thaw
	p.mu.Unlock()
	if frozen {
		<-thaw
	}
}

func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.state == proxyStopped || p.state == proxyCrashed {
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *Proxy) forget(cs ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range cs {
		delete(p.conns, c)
		c.Close()
	}
}

func (p *Proxy) serve(client net.Conn) {
	defer p.wg.Done()
	p.hold()
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		p.forget(client)
		return
	}
	if !p.track(server) {
		p.forget(client, server)
		return
	}
	var both sync.WaitGroup
	both.Add(2)
	go func() { defer both.Done(); p.pump(server, client) }()
	go func() { defer both.Done(); p.pump(client, server) }()
	both.Wait()
	p.forget(client, server)
}

// pump copies src to dst, holding each chunk while the proxy is frozen,
// and closes both ends when either fails.
func (p *Proxy) pump(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.hold()
			if _, werr := dst.Write(buf[:n]); werr != nil {
				break
			}
		}
		if err != nil {
			if err != io.EOF {
				reset(dst)
			}
			break
		}
	}
	dst.Close()
	src.Close()
}
