package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"time"
)

// An endpoint's URL is the operator's to choose, but a URL can name (or its
// DNS can come to resolve to) the provider's own network: loopback, private
// ranges, the cloud metadata service. The client refuses those at connect
// time, on the address actually dialed, so neither a hostile DNS answer nor
// a redirect can slip past a check made earlier; an operator who does run a
// receiver there names it in the allow-list.

// Allow is the operator's allow-list (--webhook-allow): networks, and
// host:port pairs (an IP or a DNS name, as the URL names it), that webhooks
// may reach although they lie in a refused range.
type Allow struct {
	Prefixes []netip.Prefix
	Hosts    []string // "host:port", lower case
}

func (a Allow) permits(dialed string, addr netip.AddrPort) bool {
	for _, p := range a.Prefixes {
		if p.Contains(addr.Addr().Unmap().WithZone("")) {
			return true
		}
	}
	for _, h := range a.Hosts {
		if strings.EqualFold(h, dialed) || h == addr.String() {
			return true
		}
	}
	return false
}

// refused lists the ranges webhooks never reach unless allowed, and why.
var refused = []struct {
	prefix netip.Prefix
	why    string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "an unspecified (this-network) address"},
	{netip.MustParsePrefix("10.0.0.0/8"), "a private address (RFC 1918)"},
	{netip.MustParsePrefix("100.64.0.0/10"), "a carrier-grade NAT address (RFC 6598)"},
	{netip.MustParsePrefix("127.0.0.0/8"), "a loopback address"},
	{netip.MustParsePrefix("169.254.0.0/16"), "a link-local address (the cloud metadata service lives here)"},
	{netip.MustParsePrefix("172.16.0.0/12"), "a private address (RFC 1918)"},
	{netip.MustParsePrefix("192.0.0.0/24"), "an IETF protocol address"},
	{netip.MustParsePrefix("192.0.2.0/24"), "a documentation address"},
	{netip.MustParsePrefix("192.168.0.0/16"), "a private address (RFC 1918)"},
	{netip.MustParsePrefix("198.18.0.0/15"), "a benchmarking address"},
	{netip.MustParsePrefix("198.51.100.0/24"), "a documentation address"},
	{netip.MustParsePrefix("203.0.113.0/24"), "a documentation address"},
	{netip.MustParsePrefix("224.0.0.0/4"), "a multicast address"},
	{netip.MustParsePrefix("240.0.0.0/4"), "a reserved address"},
	{netip.MustParsePrefix("::/128"), "an unspecified address"},
	{netip.MustParsePrefix("::1/128"), "a loopback address"},
	{netip.MustParsePrefix("64:ff9b::/96"), "a NAT64 address"},
	{netip.MustParsePrefix("100::/64"), "a discard address"},
	{netip.MustParsePrefix("2001:db8::/32"), "a documentation address"},
	{netip.MustParsePrefix("fc00::/7"), "a unique local (private) address"},
	{netip.MustParsePrefix("fe80::/10"), "a link-local address"},
	{netip.MustParsePrefix("ff00::/8"), "a multicast address"},
}

// refusedWhy says why addr may not be reached, "" when it may.
func refusedWhy(addr netip.Addr) string {
	// ::ffff:127.0.0.1 is 127.0.0.1; and Prefix.Contains is false for any
	// address with a zone (fe80::1%eth0), so the zone goes first.
	addr = addr.Unmap().WithZone("")
	for _, r := range refused {
		if r.prefix.Contains(addr) {
			return r.why
		}
	}
	return ""
}

// BlockedError is a connection the client refused to open: the address
// the URL's host resolved to lies in a refused range the allow-list does
// not name. It is final for the delivery (casedesk.Refused).
type BlockedError struct {
	Host string         // as the URL named it, host:port
	Addr netip.AddrPort // as resolved
	Why  string
}

func (e *BlockedError) Error() string {
	name := e.Addr.String()
	if h, _, _ := net.SplitHostPort(e.Host); h != "" && h != e.Addr.Addr().String() {
		name += " (" + e.Host + ")"
	}
	return "webhook: refused to connect to " + name + ": " + e.Why +
		"; an operator may allow it with --webhook-allow (CASEDESK_WEBHOOK_ALLOW)"
}

// Timeouts of a webhook call.
const (
	ConnectTimeout = 5 * time.Second
	TotalTimeout   = 10 * time.Second
)

// NewClient returns an HTTP client for webhook calls: every connection's
// resolved address is checked as it is opened (net.Dialer.Control), no
// proxy from the environment is used (it would be the one address
// checked), redirects are not followed (the 3xx is the answer, and a
// failure), connecting may take 5 s and the whole call 10 s.
func NewClient(allow Allow) *http.Client {
	tr := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, address string) (net.Conn, error) {
			d := &net.Dialer{Timeout: ConnectTimeout, KeepAlive: 30 * time.Second,
				Control: func(_, resolved string, _ syscall.RawConn) error {
					ap, err := netip.ParseAddrPort(resolved)
					if err != nil {
						return fmt.Errorf("webhook: unexpected address %q", resolved)
					}
					if why := refusedWhy(ap.Addr()); why != "" && !allow.permits(address, ap) {
						return &BlockedError{Host: address, Addr: ap, Why: why}
					}
					return nil
				}}
			return d.DialContext(ctx, network, address)
		},
		ForceAttemptHTTP2:     true,
		TLSHandshakeTimeout:   ConnectTimeout,
		ResponseHeaderTimeout: TotalTimeout,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
	}
	return &http.Client{Transport: tr, Timeout: TotalTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Blocked returns the refusal err carries, if any.
func Blocked(err error) *BlockedError {
	var b *BlockedError
	if errors.As(err, &b) {
		return b
	}
	return nil
}
