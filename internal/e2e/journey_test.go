package e2e

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/i18n"
)

// TestCommunityWorkerJourney is the main journey of a community worker:
// first sign-in with a forced password change, from the home page to the
// community, an edit of its profile seen on the profile and in its history,
// then English and elderly mode, both remembered across pages.
func TestCommunityWorkerJourney(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	const name, newPassword = "worker-e2e", "Neues-Passw0rt-42"
	if _, err := e.App.Users.Create(e.Ctx, auth.UserInput{Name: name, DisplayName: "王社工", Role: auth.CommunityWorker,
		AreaCode: apptest.Community, Password: apptest.Password, MustChangePassword: true}); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, e.URL, 1280, 900)

	// Sign in: the account must change its password before anything else.
	b.login(name, apptest.Password)
	if p := b.path(); p != "/account/password" {
		t.Fatalf("after first sign-in at %s, want /account/password", p)
	}
	b.open("/divisions")
	if p := b.path(); p != "/account/password" {
		t.Fatalf("a page before the password change: at %s, want /account/password", p)
	}
	b.screenshot("forced-password")
	b.do("fill password form",
		chromedp.SendKeys(chromedp.CSS("#old_password"), apptest.Password),
		chromedp.SendKeys(chromedp.CSS("#new_password"), newPassword),
		chromedp.SendKeys(chromedp.CSS("#new_password_again"), newPassword),
	)
	b.navigate("change password", chromedp.Click(chromedp.CSS("#password-submit")))
	if p := b.path(); p != "/" {
		t.Fatalf("after the password change at %s, want /", p)
	}
	b.screenshot("home")

	// Home → the tree, which opens at the worker's own community.
	b.navigate("home tile", chromedp.Click(chromedp.CSS(`#home-tiles a[href="/divisions"]`)))
	if p, want := b.path(), "/divisions/"+apptest.Community; p != want {
		t.Fatalf("the tree opened at %s, want %s", p, want)
	}
	b.do("profile shown", chromedp.WaitVisible(chromedp.CSS("#profile")))
	b.screenshot("community")

	// Edit the population.
	b.navigate("edit link", chromedp.Click(chromedp.CSS("#edit-profile")))
	before, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS("#f-population")))
	if err != nil {
		b.fail("read population", err)
	}
	old, err := strconv.ParseInt(strings.ReplaceAll(strings.TrimSpace(before), ",", ""), 10, 64)
	if err != nil {
		t.Fatalf("population field holds %q: %v", before, err)
	}
	newPop := old + 12345
	b.do("set population",
		chromedp.Clear(chromedp.CSS("#f-population")),
		chromedp.SendKeys(chromedp.CSS("#f-population"), strconv.FormatInt(newPop, 10)),
	)
	b.screenshot("edit")
	b.navigate("save profile", chromedp.Click(chromedp.CSS("#save-profile")))
	if p, want := b.path(), "/divisions/"+apptest.Community; p != want {
		t.Fatalf("after saving at %s, want %s", p, want)
	}
	if got, want := b.text("#pf-population"), groupDigits(newPop); got != want {
		t.Errorf("profile shows population %q, want %q", got, want)
	}
	b.screenshot("saved")

	// The history has the change, before → after.
	b.navigate("history link", chromedp.Click(chromedp.CSS("#profile-history")))
	rows := eval[[][]string](b, `[...document.querySelectorAll("#history tbody tr")].map(
		tr => [...tr.querySelectorAll("td")].slice(-3).map(td => td.textContent.trim()))`)
	label := i18n.T(eval[string](b, `document.documentElement.lang`), "field.population")
	found := false
	for _, r := range rows {
		if len(r) == 3 && r[0] == label {
			found = true
			if r[1] != strconv.FormatInt(old, 10) || r[2] != strconv.FormatInt(newPop, 10) {
				t.Errorf("history of %s: %q → %q, want %d → %d", label, r[1], r[2], old, newPop)
			}
		}
	}
	if !found {
		t.Errorf("history has no row for %s: %q", label, rows)
	}
	b.screenshot("history")

	// English.
	if got := eval[string](b, `document.documentElement.lang`); got != i18n.ZH {
		t.Errorf("page language %q before switching, want %s", got, i18n.ZH)
	}
	b.navigate("language switch", chromedp.Click(chromedp.CSS("#lang-switch")))
	if p, want := b.path(), "/divisions/"+apptest.Community+"/history"; p != want {
		t.Errorf("the language switch went to %s, want back to %s", p, want)
	}
	b.checkEnglish("after switching")
	b.screenshot("english")

	// Elderly mode: the class and larger text.
	small := eval[float64](b, `parseFloat(getComputedStyle(document.body).fontSize)`)
	if eval[bool](b, `document.body.classList.contains("elderly")`) {
		t.Fatal("elderly mode is on before switching it on")
	}
	b.navigate("elderly switch", chromedp.Click(chromedp.CSS("#elderly-switch")))
	b.checkElderly("after switching", small)
	b.screenshot("elderly")

	// Both are remembered: a reload, another page, a page reached by a link.
	b.navigate("reload", chromedp.Reload())
	b.checkEnglish("after reload")
	b.checkElderly("after reload", small)
	b.open("/")
	b.checkEnglish("on the home page")
	b.checkElderly("on the home page", small)
	b.navigate("home tile", chromedp.Click(chromedp.CSS(`#home-tiles a[href="/divisions"]`)))
	b.checkEnglish("on the community")
	b.checkElderly("on the community", small)
	if got, want := b.text("#pf-population"), groupDigits(newPop); got != want {
		t.Errorf("profile shows population %q after reloads, want %q", got, want)
	}
	b.screenshot("remembered")

	// Switching back works too.
	b.navigate("elderly switch off", chromedp.Click(chromedp.CSS("#elderly-switch")))
	if eval[bool](b, `document.body.classList.contains("elderly")`) {
		t.Error("elderly mode still on after switching it off")
	}
	b.navigate("language switch back", chromedp.Click(chromedp.CSS("#lang-switch")))
	if got := eval[string](b, `document.documentElement.lang`); got != i18n.ZH {
		t.Errorf("page language %q after switching back, want %s", got, i18n.ZH)
	}
}

// checkEnglish: the page says it is English and shows English text.
func (b *Browser) checkEnglish(when string) {
	b.t.Helper()
	if got := eval[string](b, `document.documentElement.lang`); got != i18n.EN {
		b.t.Errorf("%s: page language %q, want %s", when, got, i18n.EN)
	}
	if got, want := b.text("#logout"), i18n.T(i18n.EN, "layout.logout"); got != want {
		b.t.Errorf("%s: logout button says %q, want %q", when, got, want)
	}
	body := b.text("body")
	if want := i18n.T(i18n.EN, "app.name"); !strings.Contains(body, want) {
		b.t.Errorf("%s: page lacks %q", when, want)
	}
	if zh := i18n.T(i18n.ZH, "layout.logout"); strings.Contains(body, zh) {
		b.t.Errorf("%s: English page still has %q", when, zh)
	}
}

// checkElderly: the body has the elderly class and larger text than before.
func (b *Browser) checkElderly(when string, normal float64) {
	b.t.Helper()
	if !eval[bool](b, `document.body.classList.contains("elderly")`) {
		b.t.Errorf("%s: body lacks the elderly class", when)
	}
	if size := eval[float64](b, `parseFloat(getComputedStyle(document.body).fontSize)`); size < normal*1.2 {
		b.t.Errorf("%s: body text is %.1fpx in elderly mode, %.1fpx without: not larger", when, size, normal)
	}
	if got := eval[string](b, `document.querySelector("#elderly-switch").getAttribute("aria-pressed")`); got != "true" {
		b.t.Errorf("%s: elderly switch aria-pressed=%q", when, got)
	}
}

// groupDigits formats n as the pages do: 12,345.
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
