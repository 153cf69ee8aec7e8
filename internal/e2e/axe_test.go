package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"shequ/internal/app/apptest"
	webassets "shequ/web"
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
// (Runtime.evaluate is not subject to the page's CSP.)
func (b *Browser) checkA11y(what string) {
	b.t.Helper()
	if msg := b.a11yReport(); msg != "" {
		b.evidence("a11y")
		loc := eval[string](b, `location.pathname + location.search`)
		b.t.Errorf("%s: accessibility violations at %s:\n%s", what, loc, msg)
	}
}

// a11yReport checks the page in two parts, each only when no page of the
// same shape was checked before by any test of the package (or found clean
// by any test binary on the machine: checkPart): the frame (the
// document without its <main>: header, navigation, footer, and the rules
// about the page as a whole) and the <main> element. Each role's frame is
// the same on most of its pages, and many journeys pass the same pages,
// so most navigations check one part or none. axe-core's rules read the
// elements, their attributes and styles, not the words of the text: two
// renderings of a template that differ only in their data give the same
// answer. A part's shape (pageShapes) is its element tree with the
// attributes, numbers in them written 0 (but ids and the attributes that
// name ids, so that no duplicate id hides), which elements hold text of
// their own, and a run of identical siblings (the rows of a list) once.
// The frame's shape also says what of <main> the page-wide rules read
// (whether it has a first-level heading, any heading, a <main> inside), and
// leaves out which navigation link is the current page; no shape holds the
// values of hidden inputs (a form token, the page to come back to).
func (b *Browser) a11yReport() string {
	b.t.Helper()
	parts := eval[[]string](b, pageShapes)
	var msg strings.Builder
	if frame := "frame\n" + parts[0]; shapes.first(frame) {
		msg.WriteString(b.checkPart(frame, `{exclude: [["main"]]}`))
	}
	if main := "main\n" + parts[1]; parts[1] != "" && shapes.first(main) {
		msg.WriteString(b.checkPart(main, `{include: [["main"]]}`))
	}
	return msg.String()
}

// checkPart runs axe-core on the part of the page context names, unless a
// test binary on this machine found a part of this shape clean before,
// with the same axe-core and the same static files (stylesheets,
// scripts): the SQLite and PostgreSQL runs of CI, side by side, check
// each shape once between them. A part with violations is never
// recorded, so every binary that meets it reports them.
func (b *Browser) checkPart(shape, context string) string {
	b.t.Helper()
	dir, err := cleanParts()
	if err != nil {
		b.t.Fatalf("axe-core: %v", err)
	}
	sum := sha256.Sum256([]byte(context + "\n" + shape))
	mark := filepath.Join(dir, hex.EncodeToString(sum[:]))
	if _, err := os.Stat(mark); err == nil {
		return ""
	}
	report := axeReport(b.axe(context))
	if report == "" {
		if err := os.WriteFile(mark, nil, 0o644); err != nil {
			b.t.Logf("axe-core: record a clean part: %v", err)
		}
	}
	return report
}

// cleanParts is the folder of the parts found clean, named by a hash of
// axe-core's script, of how it is run and of every static file the app
// serves: a change to any of them starts an empty one. It is under the
// system's temporary folder, as the binary started.
var cleanParts = sync.OnceValues(func() (string, error) {
	src, err := axeSource()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n", axeRun, src)
	err = fs.WalkDir(webassets.Static, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(webassets.Static, path)
		fmt.Fprintf(h, "%s %d\n", path, len(b))
		h.Write(b)
		return err
	})
	if err != nil {
		return "", err
	}
	dir := filepath.Join(os.TempDir(), "shequ-axe-clean-"+hex.EncodeToString(h.Sum(nil))[:16])
	return dir, os.MkdirAll(dir, 0o755)
})

// shapes holds the shapes of the page parts checked so far by the tests
// of this binary.
var shapes shapeSet

type shapeSet struct {
	mu   sync.Mutex
	seen map[[sha256.Size]byte]bool
}

// first tells whether shape is new, and records it.
func (s *shapeSet) first(shape string) bool {
	k := sha256.Sum256([]byte(shape))
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen[k] {
		return false
	}
	if s.seen == nil {
		s.seen = map[[sha256.Size]byte]bool{}
	}
	s.seen[k] = true
	return true
}

// pageShapes is a JavaScript expression whose value is the shapes of the
// page's frame and of its <main> ("" when it has none); see a11yReport.
const pageShapes = `(() => {
	const idrefs = new Set(["id", "for", "headers", "list", "form", "aria-labelledby", "aria-describedby", "aria-controls",
		"aria-owns", "aria-activedescendant", "aria-details", "aria-errormessage", "aria-flowto"]);
	const main = document.querySelector("main");
	const current = new Set();
	const shape = (el, frame) => {
		if (frame && el === main) {
			const h1 = !!main.querySelector("h1, [role=heading][aria-level='1']");
			const heading = !!main.querySelector("h1, h2, h3, h4, h5, h6, [role=heading]");
			return "MAIN " + h1 + " " + heading + " " + main.querySelectorAll("main, [role=main]").length;
		}
		let s = el.tagName;
		for (const a of [...el.attributes].sort((x, y) => x.name < y.name ? -1 : 1)) {
			if (a.name === "value" && el.type === "hidden") continue; // a token, the page to come back to
			if (frame && a.name === "aria-current") {
				current.add(el.tagName + " " + a.value);
				continue;
			}
			s += " " + a.name + "=" + (idrefs.has(a.name) ? a.value : a.value.replace(/[0-9]+/g, "0"));
		}
		if ([...el.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim() !== "")) s += " T";
		if (typeof el.value === "string" && el.value !== "") s += " V";
		if (el.checked) s += " C";
		let kids = "", prev = null;
		for (const c of el.children) {
			const k = shape(c, frame);
			if (k !== prev) kids += k + ",";
			prev = k;
		}
		return s + "(" + kids + ")";
	};
	const frame = shape(document.documentElement, true) + "\n" + [...current].sort().join(",");
	return [frame, main ? shape(main, false) : ""];
})()`

// axe injects axe-core once per page and runs all its rules but the
// experimental ones (WCAG 2.x A and AA, and best practices) on the part
// of the document context names (axe-core's context object).
func (b *Browser) axe(context string) []axeViolation {
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
		fmt.Sprintf(axeRun, context), chromedp.EvalAwaitPromise))
	if err != nil {
		b.fail("run axe-core", err)
	}
	return vs
}

// axeRun runs axe-core on the context %s.
const axeRun = `axe.run(%s, {resultTypes: ["violations"]}).then(r => r.violations)`

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

// TestAxeSeesViolations: the check is not blind, and its memory of the
// shapes it checked hides nothing new. The sign-in page passes; a file
// input without a label and an image without alternative text added to
// its <main> are reported with their rule, impact and selector; the same
// page again is not checked again; an image without alternative text
// added to the frame (outside <main>) is reported, the <main> seen before
// is not.
func TestAxeSeesViolations(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	b := newBrowser(t, e.URL, 1280, 900)
	b.open("/login") // checked by open, must pass
	eval[bool](b, `(() => { const f = document.createElement("input"); f.type = "file"; f.id = "bad-file";
		const i = document.createElement("img"); i.id = "bad-img"; i.src = "/favicon.svg";
		document.querySelector("main").append(f, i); return true })()`)
	msg := b.a11yReport()
	for _, want := range []string{"label (critical)", "#bad-file", "image-alt (critical)", "#bad-img"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the report lacks %q:\n%s", want, msg)
		}
	}
	if again := b.a11yReport(); again != "" {
		t.Errorf("a page of a shape checked before was checked again:\n%s", again)
	}
	eval[bool](b, `(() => { const i = document.createElement("img"); i.id = "bad-frame-img"; i.src = "/favicon.svg";
		document.querySelector("main").before(i); return true })()`)
	msg = b.a11yReport()
	if !strings.Contains(msg, "#bad-frame-img") || strings.Contains(msg, "#bad-file") {
		t.Errorf("want the frame's image and not the main's file input reported:\n%s", msg)
	}
}
