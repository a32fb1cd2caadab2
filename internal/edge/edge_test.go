package edge

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func TestClientIP(t *testing.T) {
	proxies := Proxies{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8:1::/48"), netip.MustParsePrefix("192.0.2.7/32")}
	tests := []struct {
		name    string
		proxies Proxies
		peer    string
		xff     []string
		fwd     []string
		want    string
	}{
		{"no proxies: the peer", nil, "203.0.113.9:4000", nil, nil, "203.0.113.9"},
		{"no proxies: headers ignored", nil, "203.0.113.9:4000", []string{"198.51.100.1"}, []string{"for=198.51.100.2"}, "203.0.113.9"},
		{"untrusted peer: headers ignored", proxies, "203.0.113.9:4000", []string{"198.51.100.1"}, nil, "203.0.113.9"},
		{"trusted peer without headers: the peer", proxies, "10.1.2.3:4000", nil, nil, "10.1.2.3"},
		{"trusted peer: the forwarded client", proxies, "10.1.2.3:4000", []string{"198.51.100.1"}, nil, "198.51.100.1"},
		{"a spoofed left entry is passed over", proxies, "10.1.2.3:4000", []string{"1.1.1.1, 198.51.100.1"}, nil, "198.51.100.1"},
		{"right-most untrusted across proxy hops", proxies, "10.1.2.3:4000", []string{"1.1.1.1, 198.51.100.1, 10.9.9.9, 192.0.2.7"}, nil, "198.51.100.1"},
		{"several header lines in order", proxies, "10.1.2.3:4000", []string{"1.1.1.1, 198.51.100.1", "10.9.9.9"}, nil, "198.51.100.1"},
		{"all hops trusted: the left-most", proxies, "10.1.2.3:4000", []string{"10.7.7.7, 10.8.8.8"}, nil, "10.7.7.7"},
		{"garbage ends the walk at the last trusted hop", proxies, "10.1.2.3:4000", []string{"198.51.100.1, nonsense, 10.9.9.9"}, nil, "10.9.9.9"},
		{"garbage next to the peer: the peer", proxies, "10.1.2.3:4000", []string{"198.51.100.1, nonsense"}, nil, "10.1.2.3"},
		{"an entry with a port", proxies, "10.1.2.3:4000", []string{"198.51.100.1:5555"}, nil, "198.51.100.1"},
		{"IPv6 peer and client", proxies, "[2001:db8:1::5]:443", []string{"2001:db8:9::1"}, nil, "2001:db8:9::1"},
		{"IPv4-mapped peer", proxies, "[::ffff:10.1.2.3]:4000", []string{"198.51.100.1"}, nil, "198.51.100.1"},
		{"Forwarded", proxies, "10.1.2.3:4000", nil, []string{`for=1.1.1.1, for=198.51.100.1;proto=https;by=10.1.2.3`}, "198.51.100.1"},
		{"Forwarded IPv6 quoted with port", proxies, "10.1.2.3:4000", nil, []string{`for="[2001:db8:9::1]:4711"`}, "2001:db8:9::1"},
		{"Forwarded wins over X-Forwarded-For", proxies, "10.1.2.3:4000", []string{"1.1.1.1"}, []string{"for=198.51.100.1"}, "198.51.100.1"},
		{"Forwarded unknown: the last trusted hop", proxies, "10.1.2.3:4000", nil, []string{"for=198.51.100.1, for=unknown"}, "10.1.2.3"},
		{"Forwarded element without for", proxies, "10.1.2.3:4000", nil, []string{"for=198.51.100.1, proto=https"}, "10.1.2.3"},
		{"Forwarded key case", proxies, "10.1.2.3:4000", nil, []string{"For=198.51.100.1"}, "198.51.100.1"},
		{"an odd peer address is kept", proxies, "pipe", []string{"198.51.100.1"}, nil, "pipe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.peer
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			for _, v := range tt.fwd {
				r.Header.Add("Forwarded", v)
			}
			if got := tt.proxies.ClientIP(r); got != tt.want {
				t.Errorf("ClientIP = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLogHandler(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(LogHandler(slog.NewTextHandler(&buf, nil))).With("part", "x")
	log.ErrorContext(WithRequestID(context.Background(), "abc"), "failed")
	log.Error("outside a request")
	if got := buf.String(); !strings.Contains(got, `msg=failed part=x request_id=abc`) || strings.Count(got, "request_id") != 1 {
		t.Errorf("log:\n%s", got)
	}
}
