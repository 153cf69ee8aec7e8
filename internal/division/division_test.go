package division_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/division"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
)

func count(t *testing.T, e *apptest.Env, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.App.DB.Q(context.Background()).QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportIsIdempotentAndAllOrNothing(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	before := count(t, e, `SELECT count(*) FROM divisions`)
	res, err := e.App.Divisions.ImportCSV(e.Ctx, strings.NewReader(apptest.Fixture), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Inserted != 0 || res.Updated != 0 || res.Rows != before {
		t.Fatalf("second import of the same file: %+v, want no change over %d rows", res, before)
	}
	// A renamed community is an update.
	renamed := strings.Replace(apptest.Fixture, "游园社区居民委员会", "游园社区", 1)
	if res, err = e.App.Divisions.ImportCSV(e.Ctx, strings.NewReader(renamed), nil); err != nil || res.Updated != 1 {
		t.Fatalf("rename: %+v %v", res, err)
	}
	bad := "code,name,level,kind,parent_code\n" +
		"131102001999,新社区,community,urban,131102001000\n" + // good
		"13110200199,短代码,community,urban,131102001000\n" + // line 3: bad code
		"131102009000,孤儿街道,township,subdistrict,131102008000\n" + // line 4: parent missing? nests under 131102000000
		"131102001998,错层,township,urban,131102001000\n" + // line 5: level does not nest
		"131102001999,重复,community,urban,131102001000\n" + // line 6: duplicate
		"131102001997,怪类型,community,castle,131102001000\n" + // line 7: bad kind
		"131105001001,无上级,community,rural,131105001000\n" // line 8: parent missing
	_, err = e.App.Divisions.ImportCSV(e.Ctx, strings.NewReader(bad), nil)
	if errs.Code(err) != errs.EINVALID {
		t.Fatalf("bad file: %v", err)
	}
	rows := map[int]bool{}
	for _, f := range errs.As(err).Fields {
		rows[f.Row] = true
	}
	for _, line := range []int{3, 4, 5, 6, 7, 8} {
		if !rows[line] {
			t.Errorf("line %d not named in %v", line, err)
		}
	}
	if after := count(t, e, `SELECT count(*) FROM divisions`); after != before {
		t.Fatalf("a rejected file changed the tree: %d → %d", before, after)
	}
	// A missing parent alone.
	_, err = e.App.Divisions.ImportCSV(e.Ctx, strings.NewReader("code,name,level,kind,parent_code\n131105001001,无上级,community,rural,131105001000\n"), nil)
	if errs.Code(err) != errs.EINVALID || errs.As(err).Fields[0].Field != "parent_code" {
		t.Fatalf("missing parent: %v", err)
	}
	_, err = e.App.Divisions.ImportCSV(e.Ctx, strings.NewReader("code;name\n"), nil)
	if errs.Code(err) != errs.EINVALID {
		t.Fatalf("bad header: %v", err)
	}
}

func TestProfileUpdateIsAuditedWithHistory(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	name := e.User(auth.CommunityWorker, apptest.Community)
	acc, err := e.App.Users.ByName(e.Ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	ctx := auth.With(context.Background(), &auth.Principal{UserID: acc.ID, Name: name, Role: auth.CommunityWorker,
		Area: auth.AreaOf(apptest.Community, division.Community)})
	pop, hh := int64(3200), int64(1100)
	orgs := []division.Organisation{{Part: "party_branch", Name: "游园社区党委", Head: "张三"}}
	p, err := e.App.Divisions.UpdateProfile(ctx, apptest.Community, division.ProfilePatch{Population: &pop, Households: &hh, Organisations: &orgs})
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != 1 || p.Population != 3200 {
		t.Fatalf("profile after update: %+v", p)
	}
	changes, _, err := e.App.Divisions.History(ctx, apptest.Community, 1, 10)
	if err != nil || len(changes) != 1 {
		t.Fatalf("history: %v %v", changes, err)
	}
	found := false
	for _, f := range changes[0].Fields {
		if f.Field == "population" && f.Before == "0" && f.After == "3200" {
			found = true
		}
	}
	if !found {
		t.Fatalf("history lacks population 0 → 3200: %+v", changes[0].Fields)
	}
	recs, _, err := e.App.Audit.Search(e.Ctx, audit.Filter{Action: "division.profile.update"})
	if err != nil || len(recs) != 1 || recs[0].ActorName != name || !strings.Contains(recs[0].Detail, `"population":"3200"`) {
		t.Fatalf("audit: %+v %v", recs, err)
	}
	// A stale version is refused and changes nothing.
	v := 0
	if _, err := e.App.Divisions.UpdateProfile(ctx, apptest.Community, division.ProfilePatch{Population: &pop, Version: &v}); errs.Code(err) != errs.ECONFLICT {
		t.Fatalf("stale version: %v", err)
	}
	// Invalid values are refused with their fields and change nothing.
	neg := int64(-1)
	_, err = e.App.Divisions.UpdateProfile(ctx, apptest.Community, division.ProfilePatch{Households: &neg})
	if errs.Code(err) != errs.EINVALID || errs.As(err).Fields[0].Field != "households" {
		t.Fatalf("negative households: %v", err)
	}
	// Outside the area: not found, and the refusal is audited.
	if _, err := e.App.Divisions.UpdateProfile(ctx, apptest.SiblingCommunity, division.ProfilePatch{Population: &pop}); errs.Code(err) != errs.ENOTFOUND {
		t.Fatalf("outside area: %v", err)
	}
	denied, _, _ := e.App.Audit.Search(e.Ctx, audit.Filter{Action: "division.read", ObjectID: apptest.SiblingCommunity})
	if len(denied) != 1 || denied[0].Result != audit.Denied {
		t.Fatalf("denied read not audited: %+v", denied)
	}
	if n := count(t, e, `SELECT count(*) FROM profile_changes`); n != 1 {
		t.Fatalf("profile_changes rows = %d, want 1", n)
	}
	if _, broken, err := e.App.Audit.Verify(e.Ctx); err != nil || broken != nil {
		t.Fatalf("audit chain: %v %v", broken, err)
	}
}

func TestProfilePages(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	c := e.Session(auth.TownshipStaff, apptest.Township)
	res := c.Get("/divisions")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/divisions/"+apptest.Township {
		t.Fatalf("/divisions: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	res = c.Get("/divisions/" + apptest.Township)
	if res.StatusCode != 200 || !strings.Contains(res.Body, "游园社区居民委员会") || !strings.Contains(res.Body, `id="children"`) {
		t.Fatalf("township page: %d", res.StatusCode)
	}
	if res := c.Get("/divisions/" + apptest.SiblingTownship); res.StatusCode != http.StatusNotFound || !strings.Contains(res.Body, "辖区") {
		t.Fatalf("sibling township: %d", res.StatusCode)
	}
	form := url.Values{"population": {"1,200"}, "urban_population": {"1300"}, "households": {"abc"}, "building_area": {"5000"},
		"commercial_area": {"100"}, "broadband": {"1"}, "version": {"0"},
		"org.party_branch.exists": {"1"}, "org.party_branch.name": {"游园社区党支部"}, "org.party_branch.head": {"李四"}}
	res = c.PostForm("/divisions/"+apptest.Community+"/profile", form)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "应为整数") || !strings.Contains(res.Body, `value="abc"`) {
		t.Fatalf("invalid form: %d %s", res.StatusCode, res.Body)
	}
	form.Set("households", "400")
	form.Set("urban_population", "1100")
	res = c.PostForm("/divisions/"+apptest.Community+"/profile", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("valid form: %d %s", res.StatusCode, res.Body)
	}
	res = c.Get("/divisions/" + apptest.Community)
	if !strings.Contains(res.Body, `id="pf-population">1,200<`) || !strings.Contains(res.Body, "李四") {
		t.Fatalf("profile not shown: %s", res.Body)
	}
	res = c.Get("/divisions/" + apptest.Community + "/history")
	if !strings.Contains(res.Body, "1200") || !strings.Contains(res.Body, "常住人口") {
		t.Fatalf("history: %s", res.Body)
	}
	c.Lang = "en"
	res = c.Get("/divisions/search?q=" + url.QueryEscape("游园"))
	if res.StatusCode != 200 || !strings.Contains(res.Body, apptest.Community) || !strings.Contains(res.Body, "Find a division") {
		t.Fatalf("search: %d", res.StatusCode)
	}
	// The resident sees the tree but not the profile figures.
	r := e.Session(auth.Resident, apptest.Community)
	res = r.Get("/divisions/" + apptest.Community)
	if res.StatusCode != 200 || strings.Contains(res.Body, `id="profile"`) {
		t.Fatalf("resident view: %d", res.StatusCode)
	}
	if res := r.Get("/divisions/" + apptest.Community + "/profile/edit"); res.StatusCode != http.StatusForbidden {
		t.Fatalf("resident edit: %d", res.StatusCode)
	}
}
