package main

import (
	"context"
	"io"
	"net/http"
	"testing"
)

// --metrics-addr serves the metrics and nothing else, until the server stops.
func TestServeMetrics(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "shequ_metric 1\n") })
	addr, err := serveMetrics(ctx, "127.0.0.1:0", h)
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string) (int, string) {
		res, err := http.Get("http://" + addr.String() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if st, body := get("/metrics"); st != http.StatusOK || body != "shequ_metric 1\n" {
		t.Errorf("/metrics: %d %q", st, body)
	}
	if st, _ := get("/login"); st != http.StatusNotFound {
		t.Errorf("/login on the metrics listener: %d", st)
	}
}
