package audit_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/db/dbtest"
	"shequ/internal/platform/errs"
)

func as(role auth.Role, name string) context.Context {
	return auth.With(context.Background(), &auth.Principal{UserID: 7, Name: name, Role: role,
		Area: auth.AreaOf("131102001000", 4), Client: "192.0.2.9"})
}

// chain makes a fresh database with n records written as a township user.
func chain(t *testing.T, n int) (*db.DB, *audit.Log) {
	t.Helper()
	d := dbtest.Open(t)
	l := audit.New(d)
	ctx := as(auth.TownshipStaff, "clerk")
	for i := 1; i <= n; i++ {
		err := l.Write(ctx, audit.Entry{Action: "division.profile.update", ObjectType: "division", ObjectID: fmt.Sprint(131102001000 + i),
			Detail: map[string]any{"before": map[string]int{"population": i}, "after": map[string]int{"population": i + 1}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	return d, l
}

func exec(t *testing.T, d *db.DB, q string, args ...any) {
	t.Helper()
	if _, err := d.Writer().Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// dropTriggers is what an attacker with database access does first.
func dropTriggers(t *testing.T, d *db.DB) {
	t.Helper()
	on := ""
	if d.Dialect == db.Postgres {
		on = " ON audit_log"
	}
	exec(t, d, "DROP TRIGGER audit_log_no_update"+on)
	exec(t, d, "DROP TRIGGER audit_log_no_delete"+on)
}

func verify(t *testing.T, l *audit.Log) (int64, *audit.Broken) {
	t.Helper()
	n, b, err := l.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n, b
}

func wantBroken(t *testing.T, l *audit.Log, id int64, key string) {
	t.Helper()
	_, b := verify(t, l)
	if b == nil {
		t.Fatalf("tampering not detected; want record %d (%s)", id, key)
	}
	if b.ID != id || b.Key != key {
		t.Fatalf("broken at %d (%s: %s), want %d (%s)", b.ID, b.Key, b.Reason, id, key)
	}
	if !strings.Contains(b.Error(), fmt.Sprint(id)) {
		t.Fatalf("error %q does not name record %d", b.Error(), id)
	}
}

func TestChainIntactAndAppendOnly(t *testing.T) {
	d, l := chain(t, 40)
	n, b := verify(t, l)
	if b != nil || n != 40 {
		t.Fatalf("fresh chain: %d records, broken %v", n, b)
	}
	// With the triggers in place the log refuses to change.
	if _, err := d.Writer().Exec(`UPDATE audit_log SET detail = '{}' WHERE id = 3`); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("UPDATE was not refused: %v", err)
	}
	if _, err := d.Writer().Exec(`DELETE FROM audit_log WHERE id = 3`); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("DELETE was not refused: %v", err)
	}
	if n, b := verify(t, l); b != nil || n != 40 {
		t.Fatalf("after refused changes: %d records, broken %v", n, b)
	}
}

func TestTamperingIsNamed(t *testing.T) {
	t.Run("edited detail", func(t *testing.T) {
		d, l := chain(t, 20)
		dropTriggers(t, d)
		var orig string
		if err := d.Q(context.Background()).QueryRowContext(context.Background(), `SELECT detail FROM audit_log WHERE id = 12`).Scan(&orig); err != nil {
			t.Fatal(err)
		}
		exec(t, d, `UPDATE audit_log SET detail = $1 WHERE id = 12`, `{"before":{"population":1},"after":{"population":99999}}`)
		wantBroken(t, l, 12, "audit.broken.edited")
		// Putting the original back restores the chain: the check is of content, not of touching.
		exec(t, d, `UPDATE audit_log SET detail = $1 WHERE id = 12`, orig)
		if _, b := verify(t, l); b != nil {
			t.Fatalf("restored record still broken: %v", b)
		}
	})
	t.Run("edited actor", func(t *testing.T) {
		d, l := chain(t, 20)
		dropTriggers(t, d)
		exec(t, d, `UPDATE audit_log SET actor_name = 'someone_else' WHERE id = 5`)
		wantBroken(t, l, 5, "audit.broken.edited")
	})
	t.Run("edited and rehashed", func(t *testing.T) {
		// An attacker who knows the algorithm recomputes the edited record's
		// hash; the next record's link still gives it away.
		d, l := chain(t, 20)
		dropTriggers(t, d)
		recs, _, err := l.Search(auth.With(context.Background(), auth.SystemPrincipal), audit.Filter{PerPage: 100})
		if err != nil {
			t.Fatal(err)
		}
		var r audit.Record
		for _, x := range recs {
			if x.ID == 8 {
				r = x
			}
		}
		r.Detail = `{"forged":true}`
		exec(t, d, `UPDATE audit_log SET detail = $1, hash = $2 WHERE id = 8`, r.Detail, r.ComputeHash())
		wantBroken(t, l, 9, "audit.broken.link")
	})
	t.Run("deleted middle", func(t *testing.T) {
		d, l := chain(t, 20)
		dropTriggers(t, d)
		exec(t, d, `DELETE FROM audit_log WHERE id = 11`)
		wantBroken(t, l, 11, "audit.broken.deleted")
	})
	t.Run("deleted first", func(t *testing.T) {
		d, l := chain(t, 20)
		dropTriggers(t, d)
		exec(t, d, `DELETE FROM audit_log WHERE id IN (1, 2)`)
		wantBroken(t, l, 1, "audit.broken.deleted")
	})
	t.Run("deleted last", func(t *testing.T) {
		d, l := chain(t, 20)
		dropTriggers(t, d)
		exec(t, d, `DELETE FROM audit_log WHERE id > 17`)
		wantBroken(t, l, 18, "audit.broken.truncated")
	})
	t.Run("deleted head", func(t *testing.T) {
		d, l := chain(t, 20)
		exec(t, d, `DELETE FROM audit_head`)
		wantBroken(t, l, 20, "audit.broken.head_missing")
	})
}

func TestConcurrentWritersKeepTheChain(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t)
	l := audit.New(d)
	const workers, each = 8, 50
	var wg sync.WaitGroup
	errc := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := as(auth.CommunityWorker, fmt.Sprintf("worker%d", w))
			for i := range each {
				var err error
				if i%5 == 0 {
					// Some writes share a transaction with a second record.
					err = d.WithTx(ctx, func(ctx context.Context) error {
						if err := l.Write(ctx, audit.Entry{Action: "test.pair", ObjectID: fmt.Sprint(i)}); err != nil {
							return err
						}
						return l.Write(ctx, audit.Entry{Action: "test.pair", ObjectID: fmt.Sprint(i)})
					})
					i++
				} else {
					err = l.Write(ctx, audit.Entry{Action: "test.single", ObjectID: fmt.Sprint(i)})
				}
				if err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	n, b := verify(t, l)
	if b != nil {
		t.Fatalf("chain broken by concurrent writers: %v", b)
	}
	// Each worker writes 10 pairs (20 records) and 40 singles.
	if want := int64(workers * (each/5*2 + each - each/5)); n != want {
		t.Fatalf("%d records, want %d", n, want)
	}
}

func TestRefusalStandsWhenTheTransactionRollsBack(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t)
	l := audit.New(d)
	ctx := as(auth.TownshipStaff, "clerk")
	boom := errors.New("boom")
	err := d.WithTx(ctx, func(ctx context.Context) error {
		if err := l.Write(ctx, audit.Entry{Action: "test.rolled_back"}); err != nil {
			return err
		}
		l.Refused(ctx, "test.refused", "thing", int64(7), audit.OutsideArea)
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	recs, _, err := l.Search(as(auth.Auditor, "aud"), audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].Action != "test.refused" || recs[0].Result != audit.Denied || recs[0].ID != 1 ||
		recs[0].ObjectType != "thing" || recs[0].ObjectID != "7" || !strings.Contains(string(recs[0].Detail), `"reason":"outside area"`) {
		t.Fatalf("records %+v, want only the refusal as record 1", recs)
	}
	if _, b := verify(t, l); b != nil {
		t.Fatal(b)
	}
}

func TestSearch(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t)
	l := audit.New(d)
	base := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	at := base
	l.Now = func() time.Time { return at }
	write := func(ctx context.Context, e audit.Entry) {
		t.Helper()
		if err := l.Write(ctx, e); err != nil {
			t.Fatal(err)
		}
		at = at.Add(time.Hour)
	}
	alice, bob := as(auth.TownshipStaff, "alice"), as(auth.CountyStaff, "bob")
	write(alice, audit.Entry{Action: "division.profile.update", ObjectType: "division", ObjectID: "131102001045"}) // 1, 00:00
	write(bob, audit.Entry{Action: "division.read", ObjectType: "division", ObjectID: "131103100201", Result: audit.Denied})
	write(alice, audit.Entry{Action: "auth.login", ObjectType: "user", ObjectID: "alice"})
	write(bob, audit.Entry{Action: "auth.login", ObjectType: "user", ObjectID: "bob", Result: audit.Failed})
	write(alice, audit.Entry{Action: "division_x.other", ObjectType: "division", ObjectID: "131102001045"}) // 5, 04:00

	aud := as(auth.Auditor, "aud")
	ids := func(f audit.Filter) []int64 {
		t.Helper()
		recs, _, err := l.Search(aud, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, r := range recs {
			out = append(out, r.ID)
		}
		return out
	}
	cases := []struct {
		name string
		f    audit.Filter
		want string
	}{
		{"all, newest first", audit.Filter{}, "[5 4 3 2 1]"},
		{"actor", audit.Filter{Actor: "bob"}, "[4 2]"},
		{"action prefix", audit.Filter{Action: "division."}, "[2 1]"},
		{"underscore is literal", audit.Filter{Action: "division_"}, "[5]"},
		{"exact action", audit.Filter{Action: "auth.login"}, "[4 3]"},
		{"object", audit.Filter{ObjectType: "division", ObjectID: "131102001045"}, "[5 1]"},
		{"result", audit.Filter{Result: audit.Denied}, "[2]"},
		{"time range", audit.Filter{From: base.Add(time.Hour), To: base.Add(3 * time.Hour)}, "[3 2]"},
		{"page 2", audit.Filter{Page: 2, PerPage: 2}, "[3 2]"},
		{"nothing", audit.Filter{Actor: "carol"}, "[]"},
	}
	for _, c := range cases {
		if got := fmt.Sprint(ids(c.f)); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
	if _, more, _ := l.Search(aud, audit.Filter{PerPage: 4}); !more {
		t.Error("first page of 4 of 5 records should say more")
	}
	n, cut, err := l.Each(aud, audit.Filter{}, 3, func(*audit.Record) error { return nil })
	if err != nil || n != 3 || !cut {
		t.Errorf("Each capped at 3: n %d cut %v err %v", n, cut, err)
	}
	if n, cut, _ := l.Each(aud, audit.Filter{Actor: "bob"}, 3, func(*audit.Record) error { return nil }); n != 2 || cut {
		t.Errorf("Each of 2 under a cap of 3: n %d cut %v", n, cut)
	}
	// The auditor alone reads the log (三权分立).
	for _, r := range auth.Roles {
		if r == auth.Auditor {
			continue
		}
		if _, _, err := l.Search(as(r, "x"), audit.Filter{}); errs.Code(err) != errs.EFORBIDDEN {
			t.Errorf("%s searched the log: %v", r, err)
		}
		if _, _, err := l.Each(as(r, "x"), audit.Filter{}, 10, func(*audit.Record) error { return nil }); errs.Code(err) != errs.EFORBIDDEN {
			t.Errorf("%s exported the log: %v", r, err)
		}
	}
	if _, _, err := l.Search(context.Background(), audit.Filter{}); errs.Code(err) != errs.EUNAUTHORIZED {
		t.Errorf("anonymous search: %v", err)
	}
}

// TestAnchorsCatchARewrittenChain: someone with the database who edits a
// record and recomputes every hash after it leaves a chain that verifies;
// the anchors kept outside (by the anchor job, or copied from `shequ audit
// verify`) do not match it any more.
func TestAnchorsCatchARewrittenChain(t *testing.T) {
	d, l := chain(t, 20)
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "anchors")
	if err := l.Anchor(ctx, file); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	anchors, err := audit.ReadAnchors(io.MultiReader(f, strings.NewReader("\n# copied from the verify command\n5 "+hashOf(t, d, 5)+"\n")))
	f.Close()
	if err != nil || len(anchors) != 2 || anchors[0].ID != 20 {
		t.Fatalf("anchors %v %v", anchors, err)
	}
	if b, err := l.CheckAnchors(ctx, anchors); err != nil || b != nil {
		t.Fatalf("an intact chain against its anchors: %v %v", b, err)
	}

	// Rewrite from record 8 on, every link recomputed.
	dropTriggers(t, d)
	recs, _, err := l.Search(auth.With(ctx, auth.SystemPrincipal), audit.Filter{PerPage: 100})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]audit.Record{}
	for _, r := range recs {
		byID[r.ID] = r
	}
	prev := byID[7].Hash
	for id := int64(8); id <= 20; id++ {
		r := byID[id]
		if id == 8 {
			r.Detail = `{"forged":true}`
		}
		r.PrevHash = prev
		r.Hash = r.ComputeHash()
		exec(t, d, `UPDATE audit_log SET detail = $1, prev_hash = $2, hash = $3 WHERE id = $4`, r.Detail, r.PrevHash, r.Hash, id)
		prev = r.Hash
	}
	exec(t, d, `UPDATE audit_head SET hash = $1 WHERE one = 1`, prev)
	if _, b := verify(t, l); b != nil {
		t.Fatalf("the rewritten chain should verify on its own: %v", b)
	}
	b, err := l.CheckAnchors(ctx, anchors)
	if err != nil || b == nil || b.ID != 20 || b.Key != "audit.broken.anchor" {
		t.Fatalf("the rewrite against the anchors: %+v %v", b, err)
	}
	if b, _ := l.CheckAnchors(ctx, anchors[1:]); b != nil {
		t.Errorf("an anchor before the rewrite still holds: %v", b)
	}
	if _, err := audit.ReadAnchors(strings.NewReader("20 nothex\n")); err == nil {
		t.Error("a bad anchor line was read")
	}
}

func hashOf(t *testing.T, d *db.DB, id int64) string {
	t.Helper()
	var h string
	if err := d.Q(context.Background()).QueryRowContext(context.Background(), `SELECT hash FROM audit_log WHERE id = $1`, id).Scan(&h); err != nil {
		t.Fatal(err)
	}
	return h
}
