package ratelimit_test

import (
	"context"
	"testing"
	"time"

	"shequ/internal/platform/db/dbtest"
	"shequ/internal/platform/ratelimit"
)

func TestBucketsPerKeyRefillAndShared(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return at }
	l := ratelimit.New(d, 3, time.Minute) // 3 per minute: one back every 20 s
	l.Now = clock
	take := func(l *ratelimit.Limiter, key string) bool {
		t.Helper()
		ok, err := l.Take(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	for i := 0; i < 3; i++ {
		if !take(l, "a") {
			t.Fatalf("take %d refused", i+1)
		}
	}
	if take(l, "a") {
		t.Error("4th take allowed")
	}
	if !take(l, "b") {
		t.Error("another key is limited too")
	}
	// A second node over the same database counts the same bucket.
	other := ratelimit.New(d, 3, time.Minute)
	other.Now = clock
	if take(other, "a") {
		t.Error("the other node allowed a 4th take")
	}
	at = at.Add(20 * time.Second)
	if !take(other, "a") || take(l, "a") {
		t.Error("one token back after 20 s, not more")
	}
	if err := l.Give(ctx, "a"); err != nil || !take(l, "a") {
		t.Errorf("give: %v", err)
	}
	at = at.Add(time.Hour)
	if n, err := ratelimit.Purge(ctx, d, ratelimit.Table, at.Add(-30*time.Minute)); err != nil || n != 2 {
		t.Errorf("purge: %d %v", n, err)
	}
}
