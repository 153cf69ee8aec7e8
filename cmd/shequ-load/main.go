// Command shequ-load sends requests to a running shequ at a fixed rate (an
// open loop: a slow answer does not slow the sender, so queueing shows in
// the figures) and prints latency percentiles. It only talks to the address
// it is given; use it against a server on this machine.
//
//	shequ-load --url http://127.0.0.1:8080 --token shq_… --rate 200 --duration 30s \
//	    --path /api/v1/divisions/131100000000/children --path /divisions/131102000000
//
// With --body it POSTs instead: the body is a template where {n} becomes a
// number unique in the run (so every request creates a distinct record) and
// {div} cycles through --div values; the report then counts the records the
// server said it created (2xx), to check afterwards that none was lost.
//
//	shequ-load --url http://127.0.0.1:8080 --token shq_… --rate 1500 --duration 20s \
//	    --path /api/v1/requests --div 131102001001 --div 131102001002 \
//	    --body '{"division_code":"{div}","category_code":"env","description":"load {n}","address":"x"}'
//
// --auth-scheme "" sends the token bare (PocketBase takes it without "Bearer ").
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

type paths []string

func (p *paths) String() string     { return strings.Join(*p, ",") }
func (p *paths) Set(v string) error { *p = append(*p, v); return nil }

type result struct {
	path    string
	latency time.Duration
	status  int
	err     error
}

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "server base URL (loopback only)")
	token := flag.String("token", "", "bearer token")
	cookie := flag.String("cookie", "", "Cookie header, for pages (e.g. __Host-shequ_sid=…)")
	rate := flag.Int("rate", 200, "requests per second")
	dur := flag.Duration("duration", 20*time.Second, "how long to send")
	workers := flag.Int("workers", 64, "concurrent connections at most")
	body := flag.String("body", "", "POST this body (JSON template: {n} unique number, {div} a --div value) instead of GET")
	scheme := flag.String("auth-scheme", "Bearer", "scheme before the token in Authorization (empty: the token alone)")
	var ps, divs paths
	flag.Var(&ps, "path", "path to request (repeat; requests cycle through them)")
	flag.Var(&divs, "div", "values for {div} in --body (repeat)")
	flag.Parse()
	if len(divs) == 0 {
		divs = paths{""}
	}
	if len(ps) == 0 {
		fmt.Fprintln(os.Stderr, "shequ-load: give at least one --path")
		os.Exit(2)
	}
	if !strings.HasPrefix(*base, "http://127.") && !strings.HasPrefix(*base, "http://localhost") && !strings.HasPrefix(*base, "http://[::1]") {
		fmt.Fprintln(os.Stderr, "shequ-load: only loopback addresses are allowed")
		os.Exit(2)
	}
	if *rate <= 0 || *rate > 5000 || *dur <= 0 || *dur > 10*time.Minute {
		fmt.Fprintln(os.Stderr, "shequ-load: --rate must be 1..5000 and --duration at most 10m")
		os.Exit(2)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: *workers, MaxConnsPerHost: *workers}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	type job struct {
		path string
		n    int
		due  time.Time
	}
	jobs := make(chan job, *rate)
	results := make(chan result, *rate)
	var wg sync.WaitGroup
	for i := 0; i < *workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				var req *http.Request
				if *body != "" {
					b := strings.NewReplacer("{n}", strconv.Itoa(j.n), "{div}", divs[j.n%len(divs)]).Replace(*body)
					req, _ = http.NewRequestWithContext(context.Background(), http.MethodPost, *base+j.path, strings.NewReader(b))
					req.Header.Set("Content-Type", "application/json")
				} else {
					req, _ = http.NewRequestWithContext(context.Background(), http.MethodGet, *base+j.path, nil)
				}
				if *token != "" {
					req.Header.Set("Authorization", strings.TrimSpace(*scheme+" "+*token))
				}
				if *cookie != "" {
					req.Header.Set("Cookie", *cookie)
				}
				res, err := client.Do(req)
				r := result{path: j.path, err: err}
				if err == nil {
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					r.status = res.StatusCode
				}
				// From when the request was due, not when a worker took it.
				r.latency = time.Since(j.due)
				results <- r
			}
		}()
	}
	var all []result
	done := make(chan struct{})
	go func() {
		for r := range results {
			all = append(all, r)
		}
		close(done)
	}()
	interval := time.Second / time.Duration(*rate)
	start := time.Now()
	n, dropped := 0, 0
	for due := start; time.Since(start) < *dur; due = due.Add(interval) {
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		select {
		case jobs <- job{path: ps[n%len(ps)], n: n, due: due}:
		default:
			dropped++
		}
		n++
	}
	close(jobs)
	wg.Wait()
	close(results)
	<-done
	elapsed := time.Since(start)
	report(all, n, dropped, elapsed, *body != "")
}

func pct(ls []time.Duration, p float64) time.Duration {
	if len(ls) == 0 {
		return 0
	}
	i := int(float64(len(ls)-1) * p)
	return ls[i]
}

func report(all []result, sent, dropped int, elapsed time.Duration, posting bool) {
	by := map[string][]time.Duration{}
	errors := map[string]int{}
	var every []time.Duration
	for _, r := range all {
		if r.err != nil || r.status >= 400 {
			errors[r.path]++
			continue
		}
		by[r.path] = append(by[r.path], r.latency)
		every = append(every, r.latency)
	}
	fmt.Printf("sent %d requests in %s (%.0f/s), %d dropped (workers saturated)\n", sent, elapsed.Round(time.Millisecond), float64(sent)/elapsed.Seconds(), dropped)
	fmt.Printf("%-60s %7s %6s %8s %8s %8s %8s\n", "path", "ok", "errors", "p50", "p95", "p99", "max")
	keys := make([]string, 0, len(by))
	for k := range by {
		keys = append(keys, k)
	}
	for k := range errors {
		if _, ok := by[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	line := func(name string, ls []time.Duration, nerr int) {
		sort.Slice(ls, func(i, j int) bool { return ls[i] < ls[j] })
		var mx time.Duration
		if len(ls) > 0 {
			mx = ls[len(ls)-1]
		}
		fmt.Printf("%-60s %7d %6d %8s %8s %8s %8s\n", name, len(ls), nerr, ms(pct(ls, .5)), ms(pct(ls, .95)), ms(pct(ls, .99)), ms(mx))
	}
	total := 0
	for _, k := range keys {
		line(k, by[k], errors[k])
		total += errors[k]
	}
	line("all", every, total)
	if posting {
		fmt.Printf("created (2xx) %d: count the records on the server and compare\n", len(every))
	}
	if total > 0 {
		os.Exit(1)
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }
