package account

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// ipLimiter bounds sign-in attempts per client address on this node: 10 in
// a burst, then one every 6 seconds. The per-account lockout, kept in the
// database, is what holds across nodes.
type ipLimiter struct {
	mu    sync.Mutex
	seen  map[string]*entry
	every time.Duration
	burst int
}

type entry struct {
	lim  *rate.Limiter
	last time.Time
}

func newIPLimiter(every time.Duration, burst int) *ipLimiter {
	return &ipLimiter{seen: map[string]*entry{}, every: every, burst: burst}
}

func (l *ipLimiter) Allow(ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if len(l.seen) > 10000 {
		for k, e := range l.seen {
			if now.Sub(e.last) > 10*time.Minute {
				delete(l.seen, k)
			}
		}
	}
	e, ok := l.seen[ip]
	if !ok {
		e = &entry{lim: rate.NewLimiter(rate.Every(l.every), l.burst)}
		l.seen[ip] = e
	}
	e.last = now
	return e.lim.Allow()
}
