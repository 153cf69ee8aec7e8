package account

import (
	"sync"
	"time"
)

// ipLimiter bounds failed sign-in attempts per client address on this
// node: 10 in a burst, then one every 6 seconds. An attempt takes a token
// before the password is checked (so that parallel requests cannot slip
// past) and a successful one gives it back, so that an office behind one
// address can still sign in at nine in the morning. The per-account
// lockout, kept in the database, is what holds across nodes.
type ipLimiter struct {
	mu    sync.Mutex
	seen  map[string]*bucket
	every time.Duration
	burst float64
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newIPLimiter(every time.Duration, burst int) *ipLimiter {
	return &ipLimiter{seen: map[string]*bucket{}, every: every, burst: float64(burst)}
}

// Take uses up an attempt of the address, or reports that none is left.
func (l *ipLimiter) Take(ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.refill(ip)
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// Give returns the attempt of a successful sign-in.
func (l *ipLimiter) Give(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.refill(ip)
	b.tokens = min(b.tokens+1, l.burst)
}

func (l *ipLimiter) refill(ip string) *bucket {
	now := time.Now()
	if len(l.seen) > 10000 {
		// Forget full buckets, so that the map stays small under a scan.
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
	return b
}
