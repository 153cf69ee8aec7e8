package measure_test

import (
	"context"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/measure"
)

func communities(fixture string) []string {
	var out []string
	for _, l := range strings.Split(fixture, "\n") {
		if f := strings.Split(l, ","); len(f) == 5 && f[2] == "community" {
			out = append(out, f[0])
		}
	}
	return out
}

// The totals at every level equal an independent sum of the values below,
// after any sequence of changes, on both engines.
func TestTotalsFollowEveryChange(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := &measure.Store{DB: e.App.DB}
	ctx := context.Background()
	comms := communities(apptest.Fixture)
	r := rand.New(rand.NewPCG(1, 2))
	want := map[string]int64{} // community → value
	for i := 0; i < 200; i++ {
		c := comms[r.IntN(len(comms))]
		v := int64(r.IntN(5)) - 1 // includes negatives and zero
		if err := s.Set(ctx, "test.m", c, v); err != nil {
			t.Fatal(err)
		}
		want[c] = v
	}
	codes := []string{apptest.City, apptest.County, apptest.SiblingCounty, apptest.Township, apptest.SiblingTownship, apptest.Community}
	got, err := s.Totals(ctx, []string{"test.m"}, codes)
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range codes {
		prefix := strings.TrimRight(code, "0")
		if code == apptest.City {
			prefix = code[:4]
		}
		var sum int64
		for c, v := range want {
			if strings.HasPrefix(c, prefix) {
				sum += v
			}
		}
		if got[code]["test.m"] != sum {
			t.Errorf("total at %s = %d, independent sum %d", code, got[code]["test.m"], sum)
		}
	}
	// A rebuild from the same values gives the same totals.
	if err := s.Rebuild(ctx, "test.m", want); err != nil {
		t.Fatal(err)
	}
	again, err := s.Totals(ctx, []string{"test.m"}, codes)
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range codes {
		if again[code]["test.m"] != got[code]["test.m"] {
			t.Errorf("after rebuild, total at %s = %d, was %d", code, again[code]["test.m"], got[code]["test.m"])
		}
	}
	vals, err := s.Values(ctx, "test.m", apptest.Township, "131102001999")
	if err != nil {
		t.Fatal(err)
	}
	for c, v := range vals {
		if want[c] != v || v == 0 {
			t.Errorf("value at %s = %d, want %d (zeros are not stored)", c, v, want[c])
		}
	}
}

// Concurrent writers to communities that share ancestors, and to the same
// community before its first value exists, lose no update.
func TestConcurrentSetsAreExact(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := &measure.Store{DB: e.App.DB}
	comms := communities(apptest.Fixture)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				c := comms[(w+i)%len(comms)]
				key := measure.Key("test.count", "2026-11")
				err := s.Add(context.Background(), key, c, 1)
				if err != nil {
					t.Error(err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	got, err := s.Totals(context.Background(), []string{measure.Key("test.count", "2026-11")}, []string{apptest.City})
	if err != nil {
		t.Fatal(err)
	}
	if v := got[apptest.City][measure.Key("test.count", "2026-11")]; v != 160 {
		t.Fatalf("city total after 160 increments = %d", v)
	}
}

// Reconcile sets what differs, zeroes what is no longer wanted and leaves
// the totals equal to the sum below; with rebuild it replaces the key.
func TestReconcile(t *testing.T) {
	e := apptest.New(t)
	s := &measure.Store{DB: e.App.DB}
	ctx := context.Background()
	comms := communities(apptest.Fixture)
	a, b, c := comms[0], comms[1], comms[2]
	for code, v := range map[string]int64{a: 1, b: 2} {
		if err := s.Set(ctx, "test.r", code, v); err != nil {
			t.Fatal(err)
		}
	}
	check := func(want map[string]int64) {
		t.Helper()
		have, err := s.Values(ctx, "test.r", "000000000000", "999999999999")
		if err != nil {
			t.Fatal(err)
		}
		var sum int64
		for _, code := range []string{a, b, c} {
			if have[code] != want[code] {
				t.Errorf("%s: %d, want %d", code, have[code], want[code])
			}
			sum += want[code]
		}
		tot, err := s.Totals(ctx, []string{"test.r"}, []string{apptest.City})
		if err != nil {
			t.Fatal(err)
		}
		if got := tot[apptest.City]["test.r"]; got != sum {
			t.Errorf("total %d, want %d", got, sum)
		}
	}
	if err := s.Reconcile(ctx, map[string]map[string]int64{"test.r": {b: 5, c: 3}}, false); err != nil {
		t.Fatal(err)
	}
	check(map[string]int64{b: 5, c: 3})
	if err := s.Reconcile(ctx, map[string]map[string]int64{"test.r": {a: 4}}, true); err != nil {
		t.Fatal(err)
	}
	check(map[string]int64{a: 4})
}
