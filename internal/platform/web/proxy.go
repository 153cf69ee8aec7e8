package web

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// TrustedProxies are the reverse proxies whose X-Forwarded-For and
// X-Forwarded-Proto are believed. Anyone else's are ignored: a client
// can write any X-Forwarded-For it likes.
type TrustedProxies []netip.Prefix

// LoopbackProxies is a proxy on the same host (SHEQU_TRUST_PROXY=1).
var LoopbackProxies = TrustedProxies{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

// ParseTrustedProxies reads a comma-separated list of addresses and CIDR
// prefixes, e.g. "10.0.0.0/8, 127.0.0.1, fd00::/8". Empty is none.
func ParseTrustedProxies(s string) (TrustedProxies, error) {
	var out TrustedProxies
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if strings.Contains(f, "/") {
			p, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q: %w", f, err)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: %w", f, err)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// Contains reports whether a is one of the proxies.
func (t TrustedProxies) Contains(a netip.Addr) bool {
	a = a.Unmap().WithZone("")
	for _, p := range t {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// SetTrustedProxies says whose forwarding headers are believed.
func (s *Server) SetTrustedProxies(t TrustedProxies) { s.trusted = t }

// SetTrustProxy(true) trusts a proxy on loopback only; false trusts none.
func (s *Server) SetTrustProxy(v bool) {
	if v {
		s.SetTrustedProxies(LoopbackProxies)
	} else {
		s.SetTrustedProxies(nil)
	}
}

type proxiesKey struct{}

// withProxies puts the server's trusted proxies in the request's context,
// for the cookie helpers, which see only the request.
func (s *Server) withProxies(r *http.Request) *http.Request {
	if len(s.trusted) == 0 {
		return r
	}
	return r.WithContext(context.WithValue(r.Context(), proxiesKey{}, s.trusted))
}

func proxiesOf(r *http.Request) TrustedProxies {
	t, _ := r.Context().Value(proxiesKey{}).(TrustedProxies)
	return t
}

func peerAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	return netip.Addr{}, false
}

// fromTrustedProxy reports whether the direct peer is a trusted proxy.
func fromTrustedProxy(r *http.Request, t TrustedProxies) bool {
	a, ok := parseHop(peerAddr(r))
	return ok && t.Contains(a)
}

// IsHTTPS reports whether the caller reached us over TLS: directly, or
// through a trusted proxy that says so.
func IsHTTPS(r *http.Request) bool { return r.TLS != nil || forwardedHTTPS(r) }

// forwardedHTTPS: the request came over TLS to a trusted proxy.
func forwardedHTTPS(r *http.Request) bool {
	t := proxiesOf(r)
	return len(t) > 0 && fromTrustedProxy(r, t) && r.Header.Get("X-Forwarded-Proto") == "https"
}

// clientAddr is the caller's address: the direct peer, unless that is a
// trusted proxy; then X-Forwarded-For is read from the right (each proxy
// appends the address it saw) and the first address that is not a trusted
// proxy is the client. Entries left of it were written by the client and
// are ignored. An entry that is not an address stops the walk at the proxy
// that passed it on.
func clientAddr(r *http.Request, t TrustedProxies) string {
	peer := peerAddr(r)
	if len(t) == 0 || !fromTrustedProxy(r, t) {
		return peer
	}
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	last := peer
	for i := len(hops) - 1; i >= 0; i-- {
		if strings.TrimSpace(hops[i]) == "" {
			continue
		}
		a, ok := parseHop(hops[i])
		if !ok {
			return last
		}
		if !t.Contains(a) {
			return a.String()
		}
		last = a.String()
	}
	return last
}
