package account_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
)

var passwordRE = regexp.MustCompile(`id="new-password">([^<]+)</pre>`)

// TestCreatePermissionMatrix: who may create which role in which area.
func TestCreatePermissionMatrix(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	type mgr struct {
		role auth.Role
		area string
	}
	cases := []struct {
		by     mgr
		role   auth.Role
		area   string
		status int
		field  string // the field named in a 422
	}{
		{mgr{auth.Admin, apptest.City}, auth.CountyStaff, apptest.County, http.StatusOK, ""},
		{mgr{auth.Admin, apptest.City}, auth.Auditor, apptest.City, http.StatusOK, ""},
		{mgr{auth.Admin, apptest.City}, auth.Admin, apptest.City, http.StatusOK, ""},
		{mgr{auth.CityStaff, apptest.City}, auth.CountyStaff, apptest.SiblingCounty, http.StatusOK, ""},
		{mgr{auth.CityStaff, apptest.City}, auth.HandlingUnit, apptest.County, http.StatusOK, ""},
		{mgr{auth.CityStaff, apptest.City}, auth.CityStaff, apptest.City, http.StatusForbidden, ""},
		{mgr{auth.CityStaff, apptest.City}, auth.Admin, apptest.City, http.StatusForbidden, ""},
		{mgr{auth.CityStaff, apptest.City}, auth.Auditor, apptest.City, http.StatusForbidden, ""},
		{mgr{auth.CountyStaff, apptest.County}, auth.TownshipStaff, apptest.SiblingTownship, http.StatusOK, ""},
		{mgr{auth.CountyStaff, apptest.County}, auth.Resident, apptest.RuralCommunity, http.StatusOK, ""},
		{mgr{auth.CountyStaff, apptest.County}, auth.CountyStaff, apptest.County, http.StatusForbidden, ""},
		{mgr{auth.CountyStaff, apptest.County}, auth.CommunityWorker, apptest.FarCommunity, http.StatusUnprocessableEntity, "辖区"},
		{mgr{auth.CountyStaff, apptest.County}, auth.CountyStaff, apptest.SiblingCounty, http.StatusUnprocessableEntity, "辖区"},
		{mgr{auth.TownshipStaff, apptest.Township}, auth.CommunityWorker, apptest.Community, http.StatusOK, ""},
		{mgr{auth.TownshipStaff, apptest.Township}, auth.GridWorker, apptest.SiblingCommunity, http.StatusOK, ""},
		{mgr{auth.TownshipStaff, apptest.Township}, auth.GridWorker, apptest.CousinCommunity, http.StatusUnprocessableEntity, "辖区"},
		{mgr{auth.TownshipStaff, apptest.Township}, auth.HandlingUnit, apptest.Township, http.StatusForbidden, ""},
		{mgr{auth.TownshipStaff, apptest.Township}, auth.TownshipStaff, apptest.Township, http.StatusForbidden, ""},
		{mgr{auth.CommunityWorker, apptest.Community}, auth.GridWorker, apptest.Community, http.StatusForbidden, ""},
		{mgr{auth.Resident, apptest.Community}, auth.Resident, apptest.Community, http.StatusForbidden, ""},
		{mgr{auth.Auditor, apptest.City}, auth.Resident, apptest.Community, http.StatusForbidden, ""},
		// A role at the wrong level is a field error.
		{mgr{auth.Admin, apptest.City}, auth.CommunityWorker, apptest.Township, http.StatusUnprocessableEntity, "层级"},
	}
	clients := map[mgr]*apptest.Client{}
	for i, tc := range cases {
		c := clients[tc.by]
		if c == nil {
			c = e.Session(tc.by.role, tc.by.area)
			clients[tc.by] = c
		}
		name := fmt.Sprintf("new-%d", i)
		res := c.PostForm("/accounts", url.Values{"account_name": {name}, "display_name": {"新账号"}, "role": {string(tc.role)},
			"area": {tc.area}, "generate": {"1"}})
		what := fmt.Sprintf("%s@%s creates %s@%s", tc.by.role, tc.by.area, tc.role, tc.area)
		if res.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", what, res.StatusCode, tc.status)
			continue
		}
		_, err := e.App.Users.ByName(e.Ctx, name)
		if created := err == nil; created != (tc.status == http.StatusOK) {
			t.Errorf("%s: created %v with status %d", what, created, res.StatusCode)
		}
		if tc.field != "" && !strings.Contains(res.Body, tc.field) {
			t.Errorf("%s: the error does not name %q", what, tc.field)
		}
		if tc.status == http.StatusForbidden {
			if n := auditCount(t, e, "user.create", name, audit.Denied); n != 1 {
				t.Errorf("%s: refusal audited %d times", what, n)
			}
		}
		if tc.status == http.StatusOK {
			if n := auditCount(t, e, "user.create", name, audit.OK); n != 1 {
				t.Errorf("%s: creation audited %d times", what, n)
			}
		}
	}
}

// TestManagePermissionMatrix: who may see and change which existing
// account; outside the area is 404.
func TestManagePermissionMatrix(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	type acct struct {
		role auth.Role
		area string
	}
	cases := []struct {
		by, target acct
		view, act  int
	}{
		{acct{auth.Admin, apptest.City}, acct{auth.CityStaff, apptest.City}, http.StatusOK, http.StatusSeeOther},
		{acct{auth.Admin, apptest.City}, acct{auth.Auditor, apptest.City}, http.StatusOK, http.StatusSeeOther},
		{acct{auth.Admin, apptest.County}, acct{auth.CityStaff, apptest.City}, http.StatusNotFound, http.StatusNotFound},
		{acct{auth.Admin, apptest.County}, acct{auth.TownshipStaff, apptest.Township}, http.StatusOK, http.StatusSeeOther},
		{acct{auth.CityStaff, apptest.City}, acct{auth.CountyStaff, apptest.SiblingCounty}, http.StatusOK, http.StatusSeeOther},
		{acct{auth.CityStaff, apptest.City}, acct{auth.Admin, apptest.City}, http.StatusOK, http.StatusForbidden},
		{acct{auth.CityStaff, apptest.City}, acct{auth.Auditor, apptest.City}, http.StatusOK, http.StatusForbidden},
		{acct{auth.CountyStaff, apptest.County}, acct{auth.TownshipStaff, apptest.Township}, http.StatusOK, http.StatusSeeOther},
		{acct{auth.CountyStaff, apptest.County}, acct{auth.HandlingUnit, apptest.County}, http.StatusOK, http.StatusSeeOther},
		{acct{auth.CountyStaff, apptest.County}, acct{auth.CountyStaff, apptest.SiblingCounty}, http.StatusNotFound, http.StatusNotFound},
		{acct{auth.CountyStaff, apptest.County}, acct{auth.CityStaff, apptest.City}, http.StatusNotFound, http.StatusNotFound},
		{acct{auth.CountyStaff, apptest.County}, acct{auth.GridWorker, apptest.FarCommunity}, http.StatusNotFound, http.StatusNotFound},
		{acct{auth.TownshipStaff, apptest.Township}, acct{auth.CommunityWorker, apptest.Community}, http.StatusOK, http.StatusSeeOther},
		{acct{auth.TownshipStaff, apptest.Township}, acct{auth.Resident, apptest.SiblingCommunity}, http.StatusOK, http.StatusSeeOther},
		{acct{auth.TownshipStaff, apptest.Township}, acct{auth.CommunityWorker, apptest.CousinCommunity}, http.StatusNotFound, http.StatusNotFound},
		{acct{auth.TownshipStaff, apptest.Township}, acct{auth.CountyStaff, apptest.County}, http.StatusNotFound, http.StatusNotFound},
		{acct{auth.TownshipStaff, apptest.Township}, acct{auth.HandlingUnit, apptest.County}, http.StatusNotFound, http.StatusNotFound},
		{acct{auth.CommunityWorker, apptest.Community}, acct{auth.GridWorker, apptest.Community}, http.StatusForbidden, http.StatusForbidden},
		{acct{auth.Auditor, apptest.City}, acct{auth.Resident, apptest.Community}, http.StatusForbidden, http.StatusForbidden},
	}
	clients := map[acct]*apptest.Client{}
	for _, tc := range cases {
		c := clients[tc.by]
		if c == nil {
			c = e.Session(tc.by.role, tc.by.area)
			clients[tc.by] = c
		}
		target := e.User(tc.target.role, tc.target.area)
		what := fmt.Sprintf("%s@%s on %s", tc.by.role, tc.by.area, target)
		changes := auditCount(t, e, "user.disable", target, audit.OK) + auditCount(t, e, "user.enable", target, audit.OK)
		refusals := auditCount(t, e, "user.disable", target, audit.Denied)
		if res := c.Get("/accounts/" + target); res.StatusCode != tc.view {
			t.Errorf("%s: view %d, want %d", what, res.StatusCode, tc.view)
		}
		res := c.PostForm("/accounts/"+target+"/disable", url.Values{})
		if res.StatusCode != tc.act {
			t.Errorf("%s: disable %d, want %d", what, res.StatusCode, tc.act)
		}
		u, _ := e.App.Users.ByName(e.Ctx, target)
		if u.Disabled != (tc.act == http.StatusSeeOther) {
			t.Errorf("%s: disabled = %v after status %d", what, u.Disabled, res.StatusCode)
		}
		if u.Disabled {
			if res := c.PostForm("/accounts/"+target+"/enable", url.Values{}); res.StatusCode != http.StatusSeeOther {
				t.Errorf("%s: enable %d", what, res.StatusCode)
			}
			if n := auditCount(t, e, "user.disable", target, audit.OK) + auditCount(t, e, "user.enable", target, audit.OK) - changes; n != 2 {
				t.Errorf("%s: %d changes audited, want 2", what, n)
			}
		} else {
			if n := auditCount(t, e, "user.disable", target, audit.Denied) - refusals; n != 1 {
				t.Errorf("%s: refusal not audited", what)
			}
		}
	}
	// Nobody manages their own account here.
	admin := e.Session(auth.Admin, apptest.City)
	self := apptest.Name(auth.Admin, apptest.City)
	if res := admin.PostForm("/accounts/"+self+"/disable", url.Values{}); res.StatusCode != http.StatusForbidden {
		t.Errorf("self-disable: %d, want 403", res.StatusCode)
	}
	if res := admin.PostForm("/accounts/"+apptest.Name(auth.CityStaff, apptest.City)+"/explode", url.Values{}); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown action: %d, want 404", res.StatusCode)
	}
}

func TestCreateShowsPasswordOnceAndForcesChange(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	mgr := e.Session(auth.TownshipStaff, apptest.Township)
	res := mgr.PostForm("/accounts", url.Values{"account_name": {"wang.wei"}, "display_name": {"王伟"}, "role": {"community_worker"},
		"area": {apptest.Community}, "generate": {"1"}})
	m := passwordRE.FindStringSubmatch(res.Body)
	if res.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("create: %d, no password shown: %s", res.StatusCode, res.Body)
	}
	if !strings.Contains(res.Body, "游园社区") {
		t.Error("the created page does not name the area")
	}
	pw := m[1]
	if view := mgr.Get("/accounts/wang.wei"); strings.Contains(view.Body, pw) {
		t.Error("the password is shown again")
	}
	c := e.NewClient()
	if res := login(c, "wang.wei", pw); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login with the generated password: %d", res.StatusCode)
	}
	if res := c.Get("/"); res.Header.Get("Location") != "/account/password" {
		t.Errorf("no forced change: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}

	// A typed initial password: both fields must match and pass the policy.
	bad := mgr.PostForm("/accounts", url.Values{"account_name": {"li na"}, "display_name": {""}, "role": {"grid_worker"},
		"area": {"1311"}, "password": {"short"}, "password_again": {"other"}})
	if bad.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad form: %d", bad.StatusCode)
	}
	for _, want := range []string{"账号：", "姓名：", "辖区：", "再次输入密码："} {
		if !strings.Contains(bad.Body, want) {
			t.Errorf("bad form does not name %q", want)
		}
	}
	if n, _ := e.App.Users.Count(e.Ctx); n != 2 {
		t.Errorf("%d accounts after a bad form, want 2", n)
	}
	mgr.Lang = "en"
	en := mgr.PostForm("/accounts", url.Values{"account_name": {"li.na"}, "display_name": {"李娜"}, "role": {"grid_worker"},
		"area": {apptest.Community}, "password": {"Typed-Passw0rd"}, "password_again": {"Typed-Passw0rd!"}})
	if en.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(en.Body, "password again: does not match") {
		t.Errorf("mismatch in English: %d", en.StatusCode)
	}
	ok := mgr.PostForm("/accounts", url.Values{"account_name": {"li.na"}, "display_name": {"李娜"}, "role": {"grid_worker"},
		"area": {apptest.Community}, "password": {"Typed-Passw0rd"}, "password_again": {"Typed-Passw0rd"}})
	if ok.StatusCode != http.StatusOK || passwordRE.MatchString(ok.Body) {
		t.Errorf("typed password: %d, or the typed password was echoed", ok.StatusCode)
	}
	if res := login(e.NewClient(), "li.na", "Typed-Passw0rd"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("login with the typed password: %d", res.StatusCode)
	}
	dup := mgr.PostForm("/accounts", url.Values{"account_name": {"li.na"}, "display_name": {"李娜"}, "role": {"grid_worker"},
		"area": {apptest.Community}, "generate": {"1"}})
	if dup.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(dup.Body, "already taken") {
		t.Errorf("duplicate name: %d", dup.StatusCode)
	}
}

func TestResetPasswordUnlockAndResetTOTP(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.Session(auth.Admin, apptest.City)
	target := e.User(auth.CommunityWorker, apptest.Community)
	victim := e.Session(auth.CommunityWorker, apptest.Community)
	tok := e.Token(auth.CommunityWorker, apptest.Community)
	if r := e.API("GET", "/api/v1/divisions/"+apptest.Community, tok, nil); r.StatusCode != http.StatusOK {
		t.Fatalf("the token before the reset: %d", r.StatusCode)
	}

	res := admin.PostForm("/accounts/"+target+"/reset-password", url.Values{})
	m := passwordRE.FindStringSubmatch(res.Body)
	if res.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("reset: %d", res.StatusCode)
	}
	if r := victim.Get("/account"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("the account's session survived the reset: %d", r.StatusCode)
	}
	if r := e.API("GET", "/api/v1/divisions/"+apptest.Community, tok, nil); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("the account's API token survived the reset: %d", r.StatusCode)
	}
	if r := login(e.NewClient(), target, apptest.Password); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("old password after reset: %d", r.StatusCode)
	}
	c := e.NewClient()
	login(c, target, m[1])
	if r := c.Get("/"); r.Header.Get("Location") != "/account/password" {
		t.Errorf("reset password not forced to change: %q", r.Header.Get("Location"))
	}

	// Lock it, then unlock it.
	for i := 0; i < 5; i++ {
		login(e.NewClient(), target, "Wrong-Passw0rd-9")
	}
	if r := admin.Get("/accounts/" + target); !strings.Contains(r.Body, "已锁定") || !strings.Contains(r.Body, `id="act-unlock"`) {
		t.Errorf("locked account page lacks the lock and the unlock button")
	}
	if r := admin.Get("/accounts?q=" + target); !strings.Contains(r.Body, "已锁定") {
		t.Errorf("list does not show the lock")
	}
	if r := login(e.NewClient(), target, m[1]); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("not locked: %d", r.StatusCode)
	}
	if r := admin.PostForm("/accounts/"+target+"/unlock", url.Values{}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("unlock: %d", r.StatusCode)
	}
	if r := login(e.NewClient(), target, m[1]); r.StatusCode != http.StatusSeeOther {
		t.Errorf("after unlock: %d", r.StatusCode)
	}
	for _, a := range []string{"user.reset_password", "user.unlock"} {
		if n := auditCount(t, e, a, target, audit.OK); n != 1 {
			t.Errorf("%s audited %d times", a, n)
		}
	}

	// Reset a lost TOTP device: the county officer enrols again.
	county := e.User(auth.CountyStaff, apptest.County)
	if r := admin.PostForm("/accounts/"+county+"/reset-totp", url.Values{}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset TOTP: %d", r.StatusCode)
	}
	c = e.NewClient()
	login(c, county, apptest.Password)
	if r := c.Get("/"); r.Header.Get("Location") != "/account/totp" {
		t.Errorf("after a TOTP reset: to %q, want /account/totp", r.Header.Get("Location"))
	}
}

func TestListSearchAndFilter(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	mgr := e.Session(auth.CountyStaff, apptest.County)
	e.User(auth.TownshipStaff, apptest.Township)
	e.User(auth.CommunityWorker, apptest.Community)
	e.User(auth.GridWorker, apptest.CousinCommunity)
	e.User(auth.CommunityWorker, apptest.FarCommunity) // other county
	res := mgr.Get("/accounts")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("list: %d", res.StatusCode)
	}
	for _, want := range []string{apptest.Name(auth.TownshipStaff, apptest.Township), apptest.Name(auth.CommunityWorker, apptest.Community),
		apptest.Name(auth.GridWorker, apptest.CousinCommunity)} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("list lacks %s", want)
		}
	}
	if strings.Contains(res.Body, apptest.FarCommunity) {
		t.Error("list shows an account of another county")
	}
	res = mgr.Get("/accounts?role=community_worker")
	if strings.Contains(res.Body, apptest.Name(auth.TownshipStaff, apptest.Township)) || !strings.Contains(res.Body, apptest.Name(auth.CommunityWorker, apptest.Community)) {
		t.Error("role filter")
	}
	res = mgr.Get("/accounts?q=GRID")
	if !strings.Contains(res.Body, apptest.Name(auth.GridWorker, apptest.CousinCommunity)) || strings.Contains(res.Body, apptest.Name(auth.CommunityWorker, apptest.Community)) {
		t.Error("name search (case-insensitive)")
	}
	if res := mgr.Get("/accounts?role=emperor"); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("unknown role filter: %d", res.StatusCode)
	}
	if res := mgr.Get("/accounts/new/area?area=" + apptest.Community); !strings.Contains(res.Body, "游园社区") || strings.Contains(res.Body, "<html") {
		t.Errorf("area name fragment: %q", res.Body)
	}
	if res := mgr.Get("/accounts/new/area?area=" + apptest.FarCommunity); strings.Contains(res.Body, "胡家庄") || !strings.Contains(res.Body, "不在您的辖区内") {
		t.Errorf("area outside: %q", res.Body)
	}
	form := mgr.Get("/accounts/new")
	if !strings.Contains(form.Body, `value="township_staff"`) || strings.Contains(form.Body, `value="county_staff"`) || strings.Contains(form.Body, `value="admin"`) {
		t.Error("the role list offers roles the county may not create, or lacks those it may")
	}
	// Navigation: managers see Accounts, everyone their own account.
	admin := e.Session(auth.Admin, apptest.City)
	home := admin.Get("/")
	if !strings.Contains(home.Body, `href="/accounts"`) || !strings.Contains(home.Body, `href="/account"`) {
		t.Error("admin navigation lacks the account pages")
	}
	worker := e.Session(auth.CommunityWorker, apptest.Community)
	if strings.Contains(worker.Get("/").Body, `href="/accounts"`) {
		t.Error("a community worker sees account management")
	}
}

// TestCommonPasswordRefusedWithReason: Password123 meets the character
// classes but is refused, with the reason in the user's language, when a
// user changes a password and when a manager types an initial one.
func TestCommonPasswordRefusedWithReason(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	c := e.Session(auth.CommunityWorker, apptest.Community)
	form := url.Values{"old_password": {apptest.Password}, "new_password": {"Password123"}, "new_password_again": {"Password123"}}
	res := c.PostForm("/account/password", form)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "过于常见或容易猜到") {
		t.Errorf("change to Password123: %d, want 422 saying why in Chinese", res.StatusCode)
	}
	c.Lang = "en"
	res = c.PostForm("/account/password", form)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "is too common or easy to guess") {
		t.Errorf("change to Password123 in English: %d", res.StatusCode)
	}
	mgr := e.Session(auth.TownshipStaff, apptest.Township)
	res = mgr.PostForm("/accounts", url.Values{"account_name": {"zhao.lei"}, "display_name": {"赵磊"}, "role": {"community_worker"},
		"area": {apptest.Community}, "password": {"Password123"}, "password_again": {"Password123"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "过于常见或容易猜到") {
		t.Errorf("create with Password123: %d", res.StatusCode)
	}
	if _, err := e.App.Users.ByName(e.Ctx, "zhao.lei"); err == nil {
		t.Error("the account was created with Password123")
	}
}
