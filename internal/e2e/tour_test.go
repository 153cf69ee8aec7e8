package e2e

import (
	"strings"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
)

// passMFA marks name's sessions as past the second factor, as the TOTP
// page would (the second factor is tested elsewhere).
func passMFA(t *testing.T, e *apptest.Env, name string) {
	t.Helper()
	if _, err := e.App.DB.Writer().Exec(`UPDATE sessions SET mfa_ok = $1 WHERE user_id = (SELECT id FROM users WHERE name = $2)`, true, name); err != nil {
		t.Fatal(err)
	}
}

// TestAuditorJourney: the auditor reads the log on a narrow screen; the
// actions are named in the reader's language, and the table, wider than
// the screen, scrolls in a labelled region the keyboard reaches (the
// accessibility check runs on the page too).
func TestAuditorJourney(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	b, name := signedIn(t, e, auth.Auditor, apptest.City, 700, 900)
	passMFA(t, e, name)
	b.open("/audit")
	actions := eval[[]string](b, `[...document.querySelectorAll("#audit-records tbody tr td:nth-child(6)")].map(td => td.innerText.trim())`)
	found := false
	for _, a := range actions {
		if strings.HasPrefix(a, "登录") {
			found = true
		}
	}
	if !found {
		t.Errorf("no sign-in named 登录 among the actions: %q", actions)
	}
	wrap := eval[[]string](b, `(() => { const w = document.querySelector("#audit-records").closest(".table-wrap");
		return [String(w.scrollWidth > w.clientWidth), w.getAttribute("role"), w.getAttribute("tabindex"), w.getAttribute("aria-label")] })()`)
	if wrap[0] != "true" || wrap[1] != "region" || wrap[2] != "0" || wrap[3] != "审计日志" {
		t.Errorf("the audit table's wrapper (scrolls, role, tabindex, label) = %q, want [true region 0 审计日志]", wrap)
	}
	b.screenshot("audit")
	// A second wide table under the same heading gets a name of its own.
	names := eval[[]string](b, `(() => { const w = document.querySelector(".table-wrap");
		const c = w.cloneNode(true); c.removeAttribute("aria-label"); c.querySelector("table").id = "audit-copy";
		w.after(c); document.dispatchEvent(new Event("htmx:afterSettle"));
		return [...document.querySelectorAll(".table-wrap")].map(w => w.getAttribute("aria-label")) })()`)
	if len(names) != 2 || names[0] != "审计日志" || names[1] != "审计日志 (2)" {
		t.Errorf("two wide tables under one heading are named %q, want [审计日志 审计日志 (2)]", names)
	}
}

// TestEveryNavPage: every page in the navigation of the roles that see
// the most, opened as they would (each is checked for accessibility).
func TestEveryNavPage(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	for _, c := range []struct {
		role auth.Role
		area string
	}{{auth.CityStaff, apptest.City}, {auth.Admin, apptest.City}, {auth.CommunityWorker, apptest.Community}} {
		b, name := signedIn(t, e, c.role, c.area, 1280, 900)
		passMFA(t, e, name)
		b.open("/")
		pages := eval[[]string](b, `[...document.querySelectorAll(".main-nav a")].map(a => a.getAttribute("href"))`)
		if len(pages) < 3 {
			t.Fatalf("%s sees %d pages in the navigation: %q", c.role, len(pages), pages)
		}
		t.Logf("%s: %q", c.role, pages)
		for _, p := range pages {
			b.open(p)
		}
	}
}
