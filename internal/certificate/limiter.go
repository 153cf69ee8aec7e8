package certificate

import (
	"sync"
	"time"
)

// limiter bounds public verifications per client address on this node: a
// burst, then one every interval. Numbers are 80 random bits, so the limit
// is not what keeps them unguessable; it keeps a scan from loading the
// database.
type limiter struct {
	mu    sync.Mutex
	seen  map[string]*bucket
	every time.Duration
	burst float64
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(every time.Duration, burst int) *limiter {
	return &limiter{seen: map[string]*bucket{}, every: every, burst: float64(burst)}
}

// take uses up a check of the address, or reports that none is left.
func (l *limiter) take(ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if len(l.seen) > 10000 {
		for k, b := range l.seen {
			if b.tokens+float64(now.Sub(b.last))/float64(l.every) >= l.burst {
				delete(l.seen, k)
			}
		}
	}
	b, ok := l.seen[ip]
	if !ok {
		b = &bucket{tokens: l.burst, last: now}
		l.seen[ip] = b
	}
	b.tokens = min(b.tokens+float64(now.Sub(b.last))/float64(l.every), l.burst)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
