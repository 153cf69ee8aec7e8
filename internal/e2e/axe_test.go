package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"shequ/internal/app/apptest"
)

// axeSource is axe-core's script, vendored for the tests only under
// testdata/axe-core (MPL-2.0, see its LICENSE); the app never serves it.
var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile(filepath.Join("testdata", "axe-core", "axe.min.js"))
	return string(b), err
})

// axeViolation is one rule axe-core found broken, with the nodes breaking it.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// checkA11y runs axe-core on the page as it stands and fails the test on
// any violation, naming the rule, its impact and the offending nodes.
// Every navigation runs it, so every page a journey visits is checked.
// A page seen before in the same state (the sign-in page at each change of
// user) is not checked again. (Runtime.evaluate is not subject to the
// page's CSP.)
func (b *Browser) checkA11y(what string) {
	b.t.Helper()
	seen := eval[string](b, `[location.pathname, document.documentElement.lang, document.body.className,
		document.getElementsByTagName("*").length, document.body.innerText].join("\n")`)
	if b.a11y[seen] {
		return
	}
	if b.a11y == nil {
		b.a11y = map[string]bool{}
	}
	b.a11y[seen] = true
	if msg := axeReport(b.axe()); msg != "" {
		b.screenshot("a11y")
		loc := eval[string](b, `location.pathname + location.search`)
		b.t.Errorf("%s: accessibility violations at %s:\n%s", what, loc, msg)
	}
}

// axe injects axe-core once per page and runs all its rules but the
// experimental ones (WCAG 2.x A and AA, and best practices).
func (b *Browser) axe() []axeViolation {
	b.t.Helper()
	src, err := axeSource()
	if err != nil {
		b.t.Fatalf("axe-core: %v", err)
	}
	if !eval[bool](b, `typeof window.axe === "object"`) {
		if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
			b.fail("inject axe-core", err)
		}
	}
	vs, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]axeViolation](
		`axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations)`, chromedp.EvalAwaitPromise))
	if err != nil {
		b.fail("run axe-core", err)
	}
	return vs
}

// axeReport lists violations one rule a line, its nodes' selectors below it.
func axeReport(vs []axeViolation) string {
	var sb strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&sb, "  %s (%s): %s\n", v.ID, v.Impact, v.Help)
		for _, n := range v.Nodes {
			fmt.Fprintf(&sb, "    %v\n", n.Target)
			if s := strings.TrimSpace(n.Summary); s != "" {
				fmt.Fprintf(&sb, "      %s\n", strings.ReplaceAll(s, "\n", "\n      "))
			}
		}
	}
	return sb.String()
}

// TestAxeSeesViolations: the check is not blind. The sign-in page passes;
// a file input without a label and an image without alternative text
// added to it are reported with their rule, impact and selector.
func TestAxeSeesViolations(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	b := newBrowser(t, e.URL, 1280, 900)
	b.open("/login") // checked by open, must pass
	eval[bool](b, `(() => { const f = document.createElement("input"); f.type = "file"; f.id = "bad-file";
		const i = document.createElement("img"); i.id = "bad-img"; i.src = "/favicon.svg";
		document.querySelector("main").append(f, i); return true })()`)
	msg := axeReport(b.axe())
	for _, want := range []string{"label (critical)", "#bad-file", "image-alt (critical)", "#bad-img"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the report lacks %q:\n%s", want, msg)
		}
	}
}
