package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/i18n"
)

// TestNarrowScreen: on a 360-px phone the division pages fit the screen
// width; a wide table scrolls inside its own wrapper, not the page.
func TestNarrowScreen(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	b, _ := signedIn(t, e, auth.TownshipStaff, apptest.Township, 360, 740, chromedp.EmulateMobile)
	if w := eval[float64](b, `window.innerWidth`); w != 360 {
		t.Fatalf("viewport is %vpx wide, want 360", w)
	}
	pages := []string{
		"/divisions/" + apptest.Township,  // the children table
		"/divisions/" + apptest.Community, // a profile
		"/divisions/" + apptest.Community + "/history",
		"/divisions/search?q=" + "社区",
	}
	for _, elderly := range []bool{false, true} {
		if elderly {
			b.navigate("elderly switch", chromedp.Click(chromedp.CSS("#elderly-switch")))
		}
		for _, p := range pages {
			b.open(p)
			when := p
			if elderly {
				when += " (elderly mode)"
			}
			b.checkFits(when)
		}
	}
	b.open("/divisions/" + apptest.Township)
	b.screenshot("township-360")

	// The check sees a fault: a box wider than the phone.
	// (Styled through the CSSOM: the page's CSP refuses style attributes.)
	eval[bool](b, `(() => { const d = document.createElement("div");
		d.id = "too-wide"; d.style.width = "500px"; d.style.height = "10px";
		document.querySelector("main").append(d); return true })()`)
	if msg := b.overflow(); !strings.Contains(msg, "div#too-wide") {
		t.Errorf("a 500px box on a 360px screen went unnoticed: %q", msg)
	}
}

// checkFits fails when the page does not fit the screen's width.
func (b *Browser) checkFits(when string) {
	b.t.Helper()
	b.screenshot(when)
	if msg := b.overflow(); msg != "" {
		b.t.Errorf("%s: %s", when, msg)
	}
}

// overflow says how the page scrolls sideways or which elements stick out
// of the viewport (a table wrapper may scroll inside itself); "" if none.
func (b *Browser) overflow() string {
	b.t.Helper()
	type overflow struct {
		ScrollWidth float64  `json:"scrollWidth"`
		Width       float64  `json:"width"`
		Wide        []string `json:"wide"`
	}
	o := eval[overflow](b, `(() => {
		const width = document.documentElement.clientWidth;
		// Inside a box that scrolls or clips sideways (a table wrapper, the
		// nav bar), an element may be wider: the box itself is checked.
		const clipped = el => {
			for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
				if (getComputedStyle(p).overflowX !== "visible") return true;
			}
			return false;
		};
		const wide = [];
		for (const el of document.body.querySelectorAll("*")) {
			const r = el.getBoundingClientRect();
			// Wholly off-screen on the left is the usual way to hide a
			// skip link; partly off either edge is a layout fault.
			const cut = (r.left < width && r.right > width + 0.5) || (r.left < -0.5 && r.right > 0);
			if (r.width > 0 && cut && !clipped(el)) {
				wide.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
					(el.className && typeof el.className === "string" ? "." + el.className.split(" ").join(".") : "") +
					" [" + Math.round(r.left) + "," + Math.round(r.right) + "]");
			}
		}
		return {scrollWidth: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth), width, wide: wide.slice(0, 5)};
	})()`)
	switch {
	case o.ScrollWidth > o.Width:
		return fmt.Sprintf("the page is %vpx wide on a %vpx screen; too wide: %s", o.ScrollWidth, o.Width, strings.Join(o.Wide, ", "))
	case len(o.Wide) > 0:
		return fmt.Sprintf("elements stick out of the %vpx screen: %s", o.Width, strings.Join(o.Wide, ", "))
	}
	return ""
}

// TestInvalidProfile: a bad value comes back on the form with the field's
// message next to it and in the summary, and nothing is saved.
func TestInvalidProfile(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	b, _ := signedIn(t, e, auth.CommunityWorker, apptest.Community, 1280, 900)
	b.open("/divisions/" + apptest.Community)
	before := b.text("#pf-population")
	edit := "/divisions/" + apptest.Community + "/profile/edit"

	for _, c := range []struct{ value, key string }{
		{"-5", "error.negative"},
		{"12 people", "error.not_integer"},
	} {
		b.open(edit)
		b.do("set population",
			chromedp.Clear(chromedp.CSS("#f-population")),
			chromedp.SendKeys(chromedp.CSS("#f-population"), c.value),
		)
		res, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS("#save-profile")))
		if err != nil {
			b.fail("submit", err)
		}
		if res.Status != 422 && res.Status != 400 {
			t.Errorf("%q: status %d, want 400 or 422", c.value, res.Status)
		}
		b.checkA11y("refused profile")
		b.screenshot("invalid")
		if got, want := b.text("#e-population"), i18n.T(i18n.ZH, c.key); got != want {
			t.Errorf("%q: field error %q, want %q", c.value, got, want)
		}
		if got := eval[string](b, `document.querySelector("#f-population").getAttribute("aria-invalid")`); got != "true" {
			t.Errorf("%q: aria-invalid=%q", c.value, got)
		}
		summary := b.text(".errors")
		want := i18n.T(i18n.ZH, "field.population") + "：" + i18n.T(i18n.ZH, c.key)
		if !strings.Contains(summary, want) {
			t.Errorf("%q: summary %q lacks %q", c.value, summary, want)
		}
		if got, _ := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS("#f-population"))); got != c.value {
			t.Errorf("the form lost the value typed: %q, want %q", got, c.value)
		}
	}

	// Nothing was saved.
	b.open("/divisions/" + apptest.Community)
	if got := b.text("#pf-population"); got != before {
		t.Errorf("population is %q after rejected edits, was %q", got, before)
	}
	b.open("/divisions/" + apptest.Community + "/history")
	if n := eval[int](b, `document.querySelectorAll("#history tbody tr").length`); n != 0 {
		t.Errorf("rejected edits left %d history rows", n)
	}
}
