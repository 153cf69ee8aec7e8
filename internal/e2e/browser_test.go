package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db/dbtest"
)

// chromiumPath is the browser the tests drive: Debian's
// chromium-headless-shell when it is installed (CI installs it), else
// Debian's chromium. The shell is Chromium's old headless mode, without
// the browser's windowing layers; the same journeys cost it less CPU.
var chromiumPath = func() string {
	for _, p := range []string{"/usr/bin/chromium-headless-shell", "/usr/bin/chromium"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "/usr/bin/chromium-headless-shell"
}()

// Browser is a tab of its own in a browser context of its own (a fresh
// profile: no cookies, cache or service workers of another test's), for
// one test.
type Browser struct {
	t    *testing.T
	ctx  context.Context
	base string // the app's URL
	shot int
}

// chromium is the one headless Chromium the tests of this binary share,
// each in a browser context of its own: starting a browser per test cost
// a second or two of CPU each, and the tests run on two cores.
var chromium struct {
	once   sync.Once
	ctx    context.Context // the browser's chromedp context
	cancel func()
	dir    string // its user data folder
	err    error
}

// sharedChromium starts the shared browser the first time it is asked for.
func sharedChromium() (context.Context, error) {
	chromium.once.Do(func() {
		dir, err := os.MkdirTemp("", "shequ-e2e-chromium-")
		if err != nil {
			chromium.err = err
			return
		}
		chromium.dir = dir
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(chromiumPath),
			chromedp.UserDataDir(dir),
			chromedp.Flag("no-sandbox", true), // CI runs as root
			chromedp.Flag("disable-gpu", true),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("no-first-run", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-quic", true),
			// A browser in Hengshui asks for Chinese; the switch then goes to English.
			chromedp.Flag("lang", "zh-CN"),
			chromedp.Flag("accept-lang", "zh-CN,zh"),
		)
		actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancelCtx := chromedp.NewContext(actx)
		chromium.ctx = ctx
		chromium.cancel = func() {
			cancelCtx()
			cancelAlloc()
		}
		chromium.err = chromedp.Do(ctx) // starts it
	})
	return chromium.ctx, chromium.err
}

// TestMain closes the shared browser, if one started, after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if chromium.cancel != nil {
		chromium.cancel()
	}
	if chromium.dir != "" {
		os.RemoveAll(chromium.dir)
	}
	os.Exit(code)
}

// newBrowser opens a tab in a new browser context of the shared Chromium,
// with a viewport of w×h CSS pixels (emulate adds, for example, a phone's
// meta-viewport handling). Without Chromium the test skips, but under CI
// a missing browser is a failure.
func newBrowser(t *testing.T, base string, w, h int64, emulate ...chromedp.EmulateViewportOption) *Browser {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %s is missing: install the chromium-headless-shell package", chromiumPath)
		}
		t.Skipf("%s not installed", chromiumPath)
	}
	browser, err := sharedChromium()
	if err != nil {
		t.Fatalf("start %s: %v", chromiumPath, err)
	}
	// The deadline bounds the whole test's use of the browser, so a hung
	// page fails the test instead of the package's timeout. Six minutes: a
	// long journey shares two cores with another one and the other packages.
	parent, stop := context.WithTimeout(browser, 6*time.Minute)
	ctx, cancelCtx := chromedp.NewContext(parent, chromedp.WithNewBrowserContext())
	// Closing the context closes the tab and disposes of its browser
	// context (cookies, storage, service workers).
	t.Cleanup(func() {
		cancelCtx()
		stop()
	})
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, h, emulate...)); err != nil {
		t.Fatalf("open a tab in %s: %v", chromiumPath, err)
	}
	return &Browser{t: t, ctx: ctx, base: base}
}

// do runs steps and fails the test on an error, naming the step.
func (b *Browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.fail(what, err)
	}
}

// navigate runs steps that load a new page (a link, a form), checks the
// page's status and runs the accessibility check on it.
func (b *Browser) navigate(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	res, err := chromedp.RunResponse(b.ctx, steps...)
	if err != nil {
		b.fail(what, err)
	}
	if res.Status != 200 {
		b.fail(what, fmt.Errorf("status %d for %s", res.Status, res.URL))
	}
	b.checkA11y(what)
}

// open loads a path of the app.
func (b *Browser) open(path string) {
	b.t.Helper()
	b.navigate("open "+path, chromedp.Navigate(b.base+path))
}

// eval evaluates a JavaScript expression.
func eval[T any](b *Browser, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.fail("evaluate "+expr, err)
	}
	return v
}

// waitFor evaluates a JavaScript condition until it holds. A page that
// is being replaced (a reload, a navigation) only delays it.
func (b *Browser) waitFor(what, expr string, within time.Duration) {
	b.t.Helper()
	deadline := time.Now().Add(within)
	var last error
	for time.Now().Before(deadline) {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](expr, chromedp.EvalAwaitPromise))
		if err == nil && ok {
			return
		}
		last = err
		time.Sleep(100 * time.Millisecond)
	}
	b.fail(what, fmt.Errorf("still false after %s (%v): %s", within, last, expr))
}

// waitForImage waits until the first image sel matches has loaded and is
// width pixels wide: a lazy image may still be loading when the page's
// load event fires.
func (b *Browser) waitForImage(what, sel string, width int) {
	b.t.Helper()
	b.waitFor(what, fmt.Sprintf(`(() => { const i = document.querySelector(%q); return !!i && i.complete && i.naturalWidth === %d; })()`, sel, width), 10*time.Second)
}

// text is the visible text of the first element sel matches.
func (b *Browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.fail("read "+sel, err)
	}
	return strings.TrimSpace(s)
}

// path is the current URL's path.
func (b *Browser) path() string {
	b.t.Helper()
	return eval[string](b, `location.pathname`)
}

// fail stops the test with a screenshot of where it stood.
func (b *Browser) fail(what string, err error) {
	b.t.Helper()
	if !errors.Is(err, context.DeadlineExceeded) {
		b.evidence("failure")
	}
	loc, _ := chromedp.Run(b.ctx, chromedp.Location())
	b.t.Fatalf("%s (at %s): %v", what, loc, err)
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// screenshot saves the whole page as test-artifacts/e2e/<test>-<n>-<name>.png,
// for people to look at the pages a journey passes. On PostgreSQL it
// saves nothing: the pages are the same as on SQLite, and a full-page PNG
// costs the browser a fifth of a second or more of CPU, in a CI run that
// has both engines' suites sharing two cores.
func (b *Browser) screenshot(name string) {
	b.t.Helper()
	if dbtest.PostgresURL() != "" {
		return
	}
	b.evidence(name)
}

// evidence saves the page as screenshot does, on either engine: the page
// where a check failed.
func (b *Browser) evidence(name string) {
	b.t.Helper()
	// The tests share one browser, and a tab it is not showing may render
	// no frame to capture: Chromium then holds the capture until the test's
	// deadline (a journey failed so, six minutes into a confirmation
	// dialog's screenshot). The tab comes to the front first, and the
	// picture, not the test, is given up after twenty seconds.
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if _, err := chromedp.Call(ctx, page.BringToFront, cdp.Empty{}); err != nil {
		b.t.Logf("screenshot %s: bring the tab to the front: %v", name, err)
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	dir, err := artifactDir()
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	b.shot++
	file := filepath.Join(dir, fmt.Sprintf("%s-%02d-%s.png", unsafeName.ReplaceAllString(b.t.Name(), "_"), b.shot, strings.Trim(unsafeName.ReplaceAllString(name, "_"), "_")))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
	}
}

// artifactDir is test-artifacts/e2e under the module root (gitignored),
// found from the package folder the test runs in; test-artifacts/e2e-postgres
// on PostgreSQL, so that the two engines' runs, side by side in CI, do not
// write the same files.
func artifactDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", errors.New("no go.mod above the test's folder")
		}
		dir = up
	}
	out := filepath.Join(dir, "test-artifacts", "e2e")
	if dbtest.PostgresURL() != "" {
		out += "-postgres"
	}
	return out, os.MkdirAll(out, 0o755)
}

// login signs in through the form.
func (b *Browser) login(name, password string) {
	b.t.Helper()
	b.open("/login")
	b.do("fill login form",
		chromedp.WaitVisible(chromedp.CSS("#login-form")),
		chromedp.SendKeys(chromedp.CSS("#name"), name),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
	)
	b.navigate("submit login", chromedp.Click(chromedp.CSS("#login-submit")))
}

// signedIn opens a browser w×h pixels large on e's app, signed in through
// the form as a new account of role in area, and gives the account's name.
func signedIn(t *testing.T, e *apptest.Env, role auth.Role, area string, w, h int64, emulate ...chromedp.EmulateViewportOption) (*Browser, string) {
	t.Helper()
	name := e.User(role, area)
	b := newBrowser(t, e.URL, w, h, emulate...)
	b.login(name, apptest.Password)
	return b, name
}
