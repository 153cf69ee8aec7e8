package app_test

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
)

// Two serve processes on one database share sessions and tokens, and a
// scheduled job runs on one of them only.
func TestTwoNodesShareSessionsAndJobs(t *testing.T) {
	t.Parallel()
	a := apptest.New(t)
	b := a.SecondNode()
	c := a.Session(auth.TownshipStaff, apptest.Township)
	// The same browser, sent to the other node by a load balancer.
	c.E = b
	if res := c.Get("/divisions/" + apptest.Township); res.StatusCode != http.StatusOK {
		t.Fatalf("session from node A on node B: %d", res.StatusCode)
	}
	tok := a.Token(auth.CountyStaff, apptest.County)
	if res := b.API("GET", "/api/v1/divisions/"+apptest.County, tok, nil); res.StatusCode != http.StatusOK {
		t.Fatalf("token from node A on node B: %d", res.StatusCode)
	}
	// Sign-out on B ends the session on A too.
	c.PostForm("/logout", nil)
	c.E = a
	if res := c.Get("/divisions/" + apptest.Township); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("after sign-out on B, A answers %d", res.StatusCode)
	}

	var runs atomic.Int32
	job := func(ctx context.Context) error {
		runs.Add(1)
		time.Sleep(50 * time.Millisecond) // long enough for the other node to try meanwhile
		return nil
	}
	a.App.Jobs.Every("test.once", time.Hour, job)
	b.App.Jobs.Every("test.once", time.Hour, job)
	var wg sync.WaitGroup
	for _, n := range []*apptest.Env{a, b, a, b} {
		wg.Add(1)
		go func(n *apptest.Env) {
			defer wg.Done()
			n.App.Jobs.RunDue(context.Background())
		}(n)
	}
	wg.Wait()
	if got := runs.Load(); got != 1 {
		t.Fatalf("an hourly job ran %d times across two nodes, want 1", got)
	}
	last, err := a.App.Jobs.LastRun(context.Background(), "test.once")
	if err != nil || last.IsZero() {
		t.Fatalf("last run not recorded: %v %v", last, err)
	}
}
