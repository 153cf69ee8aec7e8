package e2e

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"shequ/internal/app/apptest"
	"shequ/internal/care"
	"shequ/internal/person"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/idcard"
)

// setOffline cuts (or restores) the page's network, the service worker's
// included, and tells the page (navigator.onLine, online/offline events).
func (b *Browser) setOffline(off bool) {
	b.t.Helper()
	b.do(fmt.Sprintf("network offline=%v", off), chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, t, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			EmulateOfflineServiceWorker: &off,
			MatchedNetworkConditions:    []*network.Conditions{{Offline: off, DownloadThroughput: -1, UploadThroughput: -1}},
		}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, t, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: off, DownloadThroughput: -1, UploadThroughput: -1})
		return err
	}))
}

// recordVisit fills the visit form for a task, with photos when given, and
// saves it (to the queue).
func (b *Browser) recordVisit(taskID int64, notes string, photos ...string) {
	b.t.Helper()
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.WaitVisible(chromedp.CSS("#visit-form")),
		chromedp.SetValue(chromedp.CSS("#f-task_id"), fmt.Sprint(taskID)),
		chromedp.SetValue(chromedp.CSS("#f-method"), care.Home),
	}
	for _, item := range care.ChecklistItems {
		steps = append(steps, chromedp.SetValue(chromedp.CSS("#f-check_"+item), care.OK))
	}
	if len(photos) > 0 {
		steps = append(steps, chromedp.SetUploadFiles(chromedp.CSS("#f-photo"), photos))
	}
	steps = append(steps, chromedp.SendKeys(chromedp.CSS("#f-notes"), notes), chromedp.Click(chromedp.CSS("#visit-submit")))
	b.do("record a visit", steps...)
}

// queued waits until the page's queue holds n visits.
func (b *Browser) queued(n int, within time.Duration) {
	b.t.Helper()
	b.waitFor(fmt.Sprintf("queue holds %d", n), fmt.Sprintf(`document.getElementById("visit-queue")?.getAttribute("data-count") === "%d"`, n), within)
}

// TestOfflineVisits: a grid worker records two visits with no connection;
// the form still opens (service worker), the visits wait in the phone's
// queue, and when the connection returns both arrive exactly once. Then a
// visit recorded offline while the session expires waits for the worker to
// sign in again, and is sent after that. It runs alone, before the
// journeys that run in parallel: its waits for the service worker are
// timed.
func TestOfflineVisits(t *testing.T) {
	e := apptest.New(t)
	ps := person.NewService(e.App.DB, e.App.Audit, e.App.Keys)
	for i := 0; i < 3; i++ {
		first := fmt.Sprintf("13110219390505%03d", 500+i)
		id, name, code := first+string(idcard.CheckChar(first)), fmt.Sprintf("离线老人%d", i), apptest.Community
		groups := []person.Membership{{Group: person.GroupElderly, Kinds: []string{"aged_80_plus"}, Start: "2026-01-01", Basis: "民政认定"}}
		if _, err := ps.Create(e.Ctx, person.Patch{CommunityCode: &code, Name: &name, IDNumber: &id, Groups: &groups}); err != nil {
			t.Fatal(err)
		}
	}
	worker := e.User(auth.GridWorker, apptest.Community)
	s := e.App.Care
	if _, err := s.RunMonthly(e.Ctx); err != nil {
		t.Fatal(err)
	}
	tasks, _, err := s.List(e.Ctx, care.Filter{}, 1, 10)
	if err != nil || len(tasks) != 3 {
		t.Fatalf("tasks: %v %v", tasks, err)
	}
	visits := func() (n, distinct int) {
		_ = e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT count(*), count(DISTINCT idem_key) FROM care_visits`).Scan(&n, &distinct)
		return
	}

	b := newBrowser(t, e.URL, 390, 844)
	b.login(worker, apptest.Password)
	b.open("/visits/record")
	// The first load installs the worker, which keeps the form as it
	// installs: the connection may go right after, with no second visit.
	b.waitFor("service worker ready", `navigator.serviceWorker.ready.then(() => true)`, 20*time.Second)
	b.waitFor("service worker controls the form", `navigator.serviceWorker.controller !== null`, 20*time.Second)
	b.waitFor("the form kept when the worker installed", `caches.open("shequ-visits-v1").then(c => c.match("/visits/record")).then(r => !!r && r.text()).then(t => !!t && t.includes('id="visit-form"'))`, 5*time.Second)
	b.screenshot("form-online")

	// No connection: the form still opens, from the worker's cache.
	b.setOffline(true)
	eval[bool](b, `window.onlinePage = true`)
	b.do("reload offline", chromedp.Reload())
	b.waitFor("the form opens offline", `!window.onlinePage && location.pathname === "/visits/record" && !!document.getElementById("visit-form")`, 15*time.Second)
	if on := eval[bool](b, `navigator.onLine`); on {
		t.Fatal("navigator.onLine after going offline")
	}
	// An empty form is refused on the phone, named field by field, and
	// nothing is queued.
	b.do("save an empty form", chromedp.Click(chromedp.CSS("#visit-submit")), chromedp.WaitVisible(chromedp.CSS("#visit-form-error")))
	if got := b.text("#visit-form-error"); !strings.Contains(got, "探访对象") || !strings.Contains(got, "探访方式") || !strings.Contains(got, "精神状态") {
		t.Fatalf("the empty form's message: %q", got)
	}
	if n := eval[int](b, `document.querySelectorAll("#visit-form .field.invalid").length`); n != 2+len(care.ChecklistItems) {
		t.Fatalf("%d fields marked, want %d", n, 2+len(care.ChecklistItems))
	}
	b.waitFor("nothing queued", `new Promise(r => { const q = indexedDB.open("shequ-visits", 1); q.onupgradeneeded = () => q.result.createObjectStore("queue", {keyPath: "key"}); q.onsuccess = () => { const t = q.result.transaction("queue").objectStore("queue").count(); t.onsuccess = () => { q.result.close(); r(t.result === 0); }; }; })`, 5*time.Second)
	if got := eval[string](b, `document.getElementById("visit-queue").getAttribute("data-count")`); got != "0" {
		t.Fatalf("the empty form was queued: %s", got)
	}
	b.screenshot("empty-refused")
	photo := filepath.Join(t.TempDir(), "IMG_0001.jpg")
	if err := os.WriteFile(photo, gpsPhoto(t), 0o600); err != nil {
		t.Fatal(err)
	}
	b.recordVisit(tasks[0].ID, "离线第一次", photo)
	b.queued(1, 10*time.Second)
	b.recordVisit(tasks[1].ID, "离线第二次")
	b.queued(2, 10*time.Second)
	if got := b.text("#visit-queue-list"); got == "" {
		t.Fatal("the queue shows nothing")
	}
	b.screenshot("queued-offline")
	if n, _ := visits(); n != 0 {
		t.Fatalf("%d visits reached the server while offline", n)
	}

	// Back online: both are sent, once each.
	b.setOffline(false)
	b.queued(0, 40*time.Second)
	b.screenshot("sent")
	if n, d := visits(); n != 2 || d != 2 {
		t.Fatalf("after reconnecting: %d visits (%d keys), want 2", n, d)
	}
	// Sending again (a second tab, a retry) changes nothing.
	b.do("send again", chromedp.Click(chromedp.CSS("#visit-queue-send")), chromedp.Sleep(500*time.Millisecond))
	if n, _ := visits(); n != 2 {
		t.Fatalf("after a resend: %d visits", n)
	}
	// The photo taken offline arrived, without its GPS position.
	var img []byte
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT b.data FROM upload_blobs b JOIN care_visit_photos p ON p.blob_id = b.id`).Scan(&img); err != nil {
		t.Fatalf("the offline photo did not arrive: %v", err)
	}
	if bytes.Contains(img, []byte("GPS-HOME-POSITION")) || bytes.Contains(img, []byte("Exif")) {
		t.Fatal("the stored photo keeps its EXIF/GPS")
	}
	for _, tk := range tasks[:2] {
		got, err := s.Get(e.Ctx, tk.ID)
		if err != nil || got.Visits != 1 {
			t.Fatalf("task %d: %+v %v", tk.ID, got, err)
		}
	}

	// Offline again, and the session ends meanwhile (idle timeout): the
	// visit stays queued and the worker is asked to sign in; after signing
	// in, it is sent.
	b.setOffline(true)
	b.recordVisit(tasks[2].ID, "会话过期")
	b.queued(1, 10*time.Second)
	if _, err := e.App.DB.Writer().Exec(`DELETE FROM sessions`); err != nil {
		t.Fatal(err)
	}
	b.setOffline(false)
	b.do("asked to sign in again", chromedp.Click(chromedp.CSS("#visit-queue-send")), chromedp.WaitVisible(chromedp.CSS("#visit-sign-in")))
	b.queued(1, time.Second)
	b.screenshot("sign-in-again")
	if n, _ := visits(); n != 2 {
		t.Fatalf("a visit was accepted without a session: %d", n)
	}
	b.login(worker, apptest.Password)
	b.open("/visits/record")
	b.queued(0, 30*time.Second)
	if n, d := visits(); n != 3 || d != 3 {
		t.Fatalf("after signing in again: %d visits (%d keys), want 3", n, d)
	}
	b.screenshot("sent-after-sign-in")

	// The list shows the month's tasks as visited, and the task page the
	// visit with its photo (served through the access-checked handler).
	b.open("/visits")
	if got := eval[int](b, `document.querySelectorAll('#visit-tasks tr[data-status="done"]').length`); got != 3 {
		t.Fatalf("%d tasks shown as visited, want 3", got)
	}
	b.screenshot("list")
	b.open(fmt.Sprintf("/visits/tasks/%d", tasks[0].ID))
	b.waitForImage("photo shown", ".visit img", 64)
	b.screenshot("task")

	// Signing out from the form with nothing left to send drops the
	// cached form, which lists the people to visit.
	b.open("/visits/record")
	b.waitFor("form cached", `caches.open("shequ-visits-v1").then(c => c.match("/visits/record")).then(r => !!r)`, 10*time.Second)
	b.queued(0, 10*time.Second)
	b.do("sign out", chromedp.Click(chromedp.CSS("#logout")))
	b.waitFor("cached form dropped", `caches.open("shequ-visits-v1").then(c => c.match("/visits/record")).then(r => !r)`, 10*time.Second)
}

// gpsPhoto is a JPEG as a phone makes it, with an EXIF segment that holds a
// GPS latitude and a marker to look for afterwards.
func gpsPhoto(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	var raw bytes.Buffer
	if err := jpeg.Encode(&raw, img, nil); err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	var tf bytes.Buffer
	tf.WriteString("II")
	_ = binary.Write(&tf, le, uint16(42))
	_ = binary.Write(&tf, le, uint32(8))
	_ = binary.Write(&tf, le, uint16(1))
	_ = binary.Write(&tf, le, [4]uint32{0x8825 | 4<<16, 1, 26, 0}) // GPSInfo → IFD at 26
	_ = binary.Write(&tf, le, uint16(1))
	_ = binary.Write(&tf, le, [3]uint32{0x0002 | 5<<16, 3, 44}) // GPSLatitude at 44
	_ = binary.Write(&tf, le, uint32(0))
	_ = binary.Write(&tf, le, [6]uint32{37, 1, 44, 1, 2292, 100})
	tf.WriteString("GPS-HOME-POSITION")
	payload := append([]byte("Exif\x00\x00"), tf.Bytes()...)
	seg := []byte{0xFF, 0xE1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}
	b := raw.Bytes()
	out := append(append(append([]byte{}, b[:2]...), seg...), payload...)
	return append(out, b[2:]...)
}
