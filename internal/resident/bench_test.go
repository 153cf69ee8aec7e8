package resident_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"testing"
	"time"

	"shequ/internal/app"
	"shequ/internal/app/apptest"
)

// post sends a JSON body as if from the client address addr (the test
// server trusts loopback as its proxy) and decodes the answer into out.
func post(c *http.Client, base, path, token, addr string, body, out any) (int, error) {
	raw, _ := json.Marshal(body)
	req, err := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(raw))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", addr)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if out != nil {
		_ = json.NewDecoder(res.Body).Decode(out)
	}
	return res.StatusCode, nil
}

// BenchmarkSignUpAndFirstRequest: 200 new residents at once, each from
// its own address over real HTTP: ask for a code, read it from the SMS
// box, sign up, and file a first request with the token. Every step must
// succeed; it reports the slowest resident's whole journey and the
// journeys' p50 and p95.
func BenchmarkSignUpAndFirstRequest(b *testing.B) {
	const residents = 200
	communities := []string{apptest.Community, apptest.SiblingCommunity, apptest.CousinCommunity, apptest.RuralCommunity, apptest.FarCommunity}
	for round := 0; b.Loop(); round++ {
		b.StopTimer()
		e := apptest.NewWith(b, func(c *app.Config) { c.TrustedProxies = "127.0.0.1,::1" })
		client := &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: residents}}
		b.StartTimer()
		var wg sync.WaitGroup
		errs := make(chan error, residents)
		took := make([]time.Duration, residents)
		start := time.Now()
		for i := range residents {
			wg.Add(1)
			go func() {
				defer wg.Done()
				t0 := time.Now()
				phone := fmt.Sprintf("1580%03d%04d", round%1000, i)
				addr := fmt.Sprintf("10.%d.%d.%d", round%250, i/250, i%250+1)
				if st, err := post(client, e.URL, "/api/v1/signup/code", "", addr, map[string]string{"phone": phone, "purpose": "signup"}, nil); err != nil || st != http.StatusAccepted {
					errs <- fmt.Errorf("resident %d: code: %d %v", i, st, err)
					return
				}
				m, ok := e.App.SMSBox.Last(phone)
				if !ok {
					errs <- fmt.Errorf("resident %d: no code in the box", i)
					return
				}
				var signed struct {
					Token string `json:"token"`
				}
				st, err := post(client, e.URL, "/api/v1/signup", "", addr, map[string]string{"phone": phone, "sms_code": m.Params["code"],
					"display_name": fmt.Sprintf("居民%d", i), "community": communities[i%len(communities)]}, &signed)
				if err != nil || st != http.StatusCreated || signed.Token == "" {
					errs <- fmt.Errorf("resident %d: sign up: %d %v", i, st, err)
					return
				}
				st, err = post(client, e.URL, "/api/v1/requests", signed.Token, addr, map[string]string{"division_code": communities[i%len(communities)],
					"category_code": "city.road", "description": "小区门口路面破损，雨天积水"}, nil)
				if err != nil || st != http.StatusCreated {
					errs <- fmt.Errorf("resident %d: first request: %d %v", i, st, err)
					return
				}
				took[i] = time.Since(t0)
			}()
		}
		wg.Wait()
		wall := time.Since(start)
		close(errs)
		for err := range errs {
			b.Error(err)
		}
		if b.Failed() {
			b.FailNow()
		}
		var n int
		if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT count(*) FROM requests r JOIN residents x ON x.user_id = r.resident_id`).Scan(&n); err != nil || n != residents {
			b.Fatalf("%d requests by new residents stored, want %d (%v)", n, residents, err)
		}
		sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
		b.ReportMetric(float64(wall.Milliseconds()), "ms-all-200")
		b.ReportMetric(float64(took[residents/2].Milliseconds()), "ms-p50")
		b.ReportMetric(float64(took[residents*95/100].Milliseconds()), "ms-p95")
	}
}
