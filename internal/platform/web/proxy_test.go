package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestClientAddrBehindProxies(t *testing.T) {
	trusted, err := ParseTrustedProxies("10.0.0.0/8, 127.0.0.1, ::1")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		proxies TrustedProxies
		peer    string
		xff     []string
		want    string
	}{
		{"untrusted peer, its header ignored", trusted, "203.0.113.5:4000", []string{"1.2.3.4"}, "203.0.113.5"},
		{"trusted peer, no header", trusted, "10.0.0.1:4000", nil, "10.0.0.1"},
		{"trusted peer", trusted, "10.0.0.1:4000", []string{"198.51.100.7"}, "198.51.100.7"},
		{"spoofed leftmost entry", trusted, "10.0.0.1:4000", []string{"6.6.6.6, 198.51.100.7"}, "198.51.100.7"},
		{"chain of proxies", trusted, "10.0.0.1:4000", []string{"6.6.6.6, 198.51.100.7, 10.0.0.2"}, "198.51.100.7"},
		{"only proxies: the leftmost", trusted, "10.0.0.1:4000", []string{"10.0.0.3, 10.0.0.2"}, "10.0.0.3"},
		{"garbage left of the client", trusted, "10.0.0.1:4000", []string{"garbage, 198.51.100.7"}, "198.51.100.7"},
		{"garbage passed on by the proxy", trusted, "10.0.0.1:4000", []string{"198.51.100.7, garbage"}, "10.0.0.1"},
		{"two header lines", trusted, "10.0.0.1:4000", []string{"6.6.6.6", "198.51.100.7"}, "198.51.100.7"},
		{"empty entries", trusted, "10.0.0.1:4000", []string{"198.51.100.7, , "}, "198.51.100.7"},
		{"IPv6 loopback proxy", trusted, "[::1]:4000", []string{"2001:db8::1"}, "2001:db8::1"},
		{"IPv4-mapped peer", trusted, "[::ffff:10.0.0.1]:4000", []string{"198.51.100.7"}, "198.51.100.7"},
		{"entry with a port", trusted, "10.0.0.1:4000", []string{"198.51.100.7:5555"}, "198.51.100.7"},
		{"no proxies trusted", nil, "10.0.0.1:4000", []string{"198.51.100.7"}, "10.0.0.1"},
		{"SHEQU_TRUST_PROXY=1: loopback only", LoopbackProxies, "10.0.0.1:4000", []string{"198.51.100.7"}, "10.0.0.1"},
		{"SHEQU_TRUST_PROXY=1: from loopback", LoopbackProxies, "127.0.0.1:4000", []string{"6.6.6.6, 198.51.100.7"}, "198.51.100.7"},
	}
	for _, c := range cases {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = c.peer
		for _, v := range c.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := clientAddr(r, c.proxies); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func TestForwardedProtoOnlyFromProxies(t *testing.T) {
	s := &Server{}
	s.SetTrustedProxies(TrustedProxies{LoopbackProxies[0]})
	for _, c := range []struct {
		peer string
		want bool
	}{{"127.0.0.1:4000", true}, {"203.0.113.5:4000", false}} {
		r := httptest.NewRequest(http.MethodGet, "http://shequ.example/", nil)
		r.RemoteAddr = c.peer
		r.Header.Set("X-Forwarded-Proto", "https")
		if got := secureRequest(s.withProxies(r)); got != c.want {
			t.Errorf("X-Forwarded-Proto from %s: secure %v, want %v", c.peer, got, c.want)
		}
	}
}

func TestParseTrustedProxies(t *testing.T) {
	for _, bad := range []string{"10.0.0.0/33", "nope", "10.0.0.1/8/2"} {
		if _, err := ParseTrustedProxies(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	p, err := ParseTrustedProxies(" 10.1.2.3/8 ,192.168.1.1,,")
	if err != nil || len(p) != 2 || p[0].String() != "10.0.0.0/8" || p[1].String() != "192.168.1.1/32" {
		t.Errorf("parsed %v, %v", p, err)
	}
}
