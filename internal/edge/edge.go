// Package edge holds what casedesk's HTTP surfaces share at the edge of the
// network: who the client is behind trusted reverse proxies, how long a
// request body may take to arrive, each request's id and access log line,
// and gzip for text answers.
package edge

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies are the networks of the reverse proxies trusted to say, in
// Forwarded or X-Forwarded-For, whom they forward for. The zero value trusts
// no one: the client is the TCP peer.
type Proxies []netip.Prefix

func (p Proxies) trusted(a netip.Addr) bool {
	for _, n := range p {
		if n.Contains(a) {
			return true
		}
	}
	return false
}

// ClientIP returns the address of the client that sent r. When the TCP peer
// is a trusted proxy, the forwarding headers are read from the right (the
// hops nearest to us) and the first address that is not a trusted proxy is
// the client; Forwarded (RFC 7239) is read when present, else
// X-Forwarded-For. A hop that is not an address (RFC 7239's "unknown" or an
// obfuscated name) ends the walk at the last trusted hop, since nothing to
// its left can be trusted. When every hop is trusted the left-most is the
// client. Headers from an untrusted peer are ignored: anyone can write them.
func (p Proxies) ClientIP(r *http.Request) string {
	peer, ok := parseAddr(r.RemoteAddr)
	if !ok {
		return r.RemoteAddr
	}
	if !p.trusted(peer) {
		return peer.String()
	}
	var hops []string
	if fw := r.Header.Values("Forwarded"); len(fw) > 0 {
		hops = forwardedFor(fw)
	} else {
		for _, v := range r.Header.Values("X-Forwarded-For") {
			for h := range strings.SplitSeq(v, ",") {
				hops = append(hops, strings.TrimSpace(h))
			}
		}
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseAddr(hops[i])
		if !ok {
			break
		}
		client = a
		if !p.trusted(a) {
			break
		}
	}
	return client.String()
}

// forwardedFor returns the for= parameters of Forwarded header values, in
// order; an element without one counts as an unknown hop.
func forwardedFor(values []string) []string {
	var hops []string
	for _, v := range values {
		for elem := range strings.SplitSeq(v, ",") {
			hop := "unknown"
			for pair := range strings.SplitSeq(elem, ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
				if ok && strings.EqualFold(strings.TrimSpace(k), "for") {
					hop = strings.Trim(strings.TrimSpace(val), `"`)
				}
			}
			hops = append(hops, hop)
		}
	}
	return hops
}

// parseAddr reads an IP address, with or without a port, IPv6 with or
// without brackets; an IPv4-mapped IPv6 address is its IPv4 address.
func parseAddr(s string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	if host, _, err := net.SplitHostPort(s); err == nil {
		s = host
	}
	a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"))
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap().WithZone(""), true
}
