package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/idcard"
)

// TestPersonJourney: a community worker adds an elderly person living
// alone, sees the ID number masked on the person's page and in the list,
// is refused a reveal without a reason, reveals it with one, and finds
// the view in the audit log.
func TestPersonJourney(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	b, name := signedIn(t, e, auth.CommunityWorker, apptest.Community, 1280, 900)
	first := "13110219380512031"
	id := first + string(idcard.CheckChar(first))
	masked := strings.Repeat("*", 16) + id[16:] // the last 2 only (pii.MaskIDNumber)

	b.open("/persons")
	b.navigate("new person", chromedp.Click(chromedp.CSS("#new-person")))
	if got := eval[string](b, `document.querySelector("#f-community_code").value`); got != apptest.Community {
		t.Fatalf("the form's community: %q", got)
	}
	b.navigate("save person",
		chromedp.SendKeys(chromedp.CSS("#f-name"), "演示王建国"),
		chromedp.SendKeys(chromedp.CSS("#f-id_number"), id),
		chromedp.SendKeys(chromedp.CSS("#f-phone"), "13912345678"),
		chromedp.SendKeys(chromedp.CSS("#f-address"), "幸福路 8 号 3 单元 201"),
		chromedp.SetValue(chromedp.CSS("#g0_group"), "elderly_special"),
		chromedp.Click(chromedp.CSS(`input[name="g0_kinds"][value="living_alone"]`)),
		chromedp.Click(chromedp.CSS(`input[name="g0_kinds"][value="aged_80_plus"]`)),
		chromedp.SetValue(chromedp.CSS("#g0_start"), "2024-01-01"),
		chromedp.SendKeys(chromedp.CSS("#g0_basis"), "2024年入户核查"),
		chromedp.Click(chromedp.CSS("#save-person")),
	)
	if got := b.text("#id-number"); got != masked {
		t.Fatalf("ID number on the page: %q, want %q", got, masked)
	}
	if got := b.text("#groups"); !strings.Contains(got, "独居") || !strings.Contains(got, "特殊困难老年人") {
		t.Errorf("groups: %q", got)
	}
	if html := eval[string](b, `document.body.innerHTML`); strings.Contains(html, id) || strings.Contains(html, "13912345678") {
		t.Fatal("the page holds the ID number or phone in the clear")
	}
	b.screenshot("masked")
	person := b.path()

	// No reason: refused at the field, still masked.
	eval[bool](b, `document.querySelector("#reason").removeAttribute("required"), true`)
	b.do("reveal without reason",
		chromedp.Click(chromedp.CSS("#reveal")), chromedp.WaitVisible(chromedp.CSS("#e-reason")))
	if got := b.text("#id-number"); got != masked {
		t.Fatalf("revealed without a reason: %q", got)
	}
	b.do("reveal",
		chromedp.SendKeys(chromedp.CSS("#reason"), "办理高龄津贴核对身份"),
		chromedp.Click(chromedp.CSS("#reveal")), chromedp.WaitVisible(chromedp.CSS("#revealed-note")))
	if got := b.text("#id-number"); got != id {
		t.Fatalf("revealed ID number: %q, want %q", got, id)
	}
	if got := b.text("#phone"); got != "13912345678" {
		t.Errorf("revealed phone: %q", got)
	}
	b.screenshot("revealed")

	// Back to the list: masked again.
	b.open("/persons")
	if got := b.text("#persons"); !strings.Contains(got, masked) || strings.Contains(got, id) {
		t.Errorf("list: %q", got)
	}
	var n int
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT count(*) FROM audit_log WHERE action = 'person.reveal' AND result = 'ok'
		AND actor_name = $1 AND object_id = $2 AND detail LIKE '%办理高龄津贴核对身份%'`, name, strings.TrimPrefix(person, "/persons/")).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("%d audited reveals of %s by %s", n, person, name)
	}
}
