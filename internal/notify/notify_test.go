package notify_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/division"
	"shequ/internal/notify"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/sms"
	"shequ/internal/request"
)

// as is ctx acting as an account of role in area (made once).
func as(t testing.TB, e *apptest.Env, role auth.Role, area string) context.Context {
	t.Helper()
	acc, err := e.App.Users.ByName(e.Ctx, e.User(role, area))
	if err != nil {
		t.Fatal(err)
	}
	return auth.With(context.Background(), &auth.Principal{UserID: acc.ID, Name: acc.Name, Role: acc.Role,
		Area: auth.AreaOf(acc.AreaCode, division.LevelFromCode(acc.AreaCode))})
}

func queue(t testing.TB, e *apptest.Env, fn func(ctx context.Context, o *notify.Outbox) error) {
	t.Helper()
	if err := e.App.DB.WithTx(e.Ctx, func(ctx context.Context) error { return fn(ctx, e.App.Notify) }); err != nil {
		t.Fatal(err)
	}
}

func inbox(t testing.TB, e *apptest.Env, ctx context.Context) ([]notify.InboxItem, int) {
	t.Helper()
	items, _, err := e.App.Notify.Inbox(ctx, 1, 50)
	if err != nil {
		t.Fatal(err)
	}
	n, err := e.App.Notify.Unread(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return items, n
}

func overdue(number string) notify.Note {
	return notify.Note{Key: "request.note.overdue", Args: []any{number, "03-09 10:00"}, Object: "request", ID: 7, Link: "/requests/7"}
}

// A message reaches the account it names, each account of the unit it
// names, and each account of the role and division it names; nobody else.
// It is read in the reader's language, newest first, and marked read when
// opened, once.
func TestInboxReachesItsAddresseesOnly(t *testing.T) {
	e := apptest.New(t)
	resident := as(t, e, auth.Resident, apptest.Community)
	township := as(t, e, auth.TownshipStaff, apptest.Township)
	sibling := as(t, e, auth.TownshipStaff, apptest.SiblingTownship)
	county := as(t, e, auth.CountyStaff, apptest.County)
	unitCtx := as(t, e, auth.HandlingUnit, apptest.County)
	water, err := e.App.Requests.CreateUnit(e.Ctx, request.Unit{Name: "桃城区供水公司", Kind: request.UnitUtility, DivisionCode: apptest.County})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.App.Requests.AddMember(e.Ctx, water.ID, auth.From(unitCtx).UserID); err != nil {
		t.Fatal(err)
	}
	queue(t, e, func(ctx context.Context, o *notify.Outbox) error {
		if err := o.ToUser(ctx, auth.From(resident).UserID, notify.Note{Key: "request.note.reply", Args: []any{"260309-7", "已修好"},
			Object: "request", ID: 7, Link: "/requests/7"}); err != nil {
			return err
		}
		if err := o.ToStaff(ctx, apptest.Township, string(auth.TownshipStaff), overdue("260309-8")); err != nil {
			return err
		}
		if err := o.ToStaff(ctx, apptest.Township, string(auth.TownshipStaff), overdue("260309-9")); err != nil {
			return err
		}
		return o.ToUnit(ctx, water.ID, notify.Note{Key: "request.note.extension_decided", Args: []any{"260309-10", i18n.Key("request.note.approved")}})
	})

	items, unread := inbox(t, e, i18n.With(resident, i18n.EN))
	if len(items) != 1 || unread != 1 || items[0].Text != "Your request 260309-7 has a reply: 已修好" || items[0].Link != "/requests/7" || items[0].Read() {
		t.Fatalf("resident's inbox %+v, %d unread", items, unread)
	}
	items, unread = inbox(t, e, township)
	if len(items) != 2 || unread != 2 || !strings.Contains(items[0].Text, "260309-9") || !strings.Contains(items[1].Text, "260309-8") ||
		!strings.Contains(items[0].Text, "已超期") {
		t.Fatalf("township's inbox (newest first) %+v, %d unread", items, unread)
	}
	items, unread = inbox(t, e, i18n.With(unitCtx, i18n.EN))
	if len(items) != 1 || unread != 1 || items[0].Text != "Request 260309-10: the extension was approved." {
		t.Fatalf("unit's inbox %+v, %d unread", items, unread)
	}
	items, _ = inbox(t, e, i18n.With(unitCtx, i18n.ZH))
	if items[0].Text != "诉求 260309-10 的延期申请已获批准。" {
		t.Fatalf("unit's inbox in Chinese: %q", items[0].Text)
	}
	for name, ctx := range map[string]context.Context{"sibling township": sibling, "county": county} {
		if items, unread := inbox(t, e, ctx); len(items) != 0 || unread != 0 {
			t.Errorf("%s sees %+v (%d unread)", name, items, unread)
		}
	}

	// Opening marks read, once; another's message is not found.
	townItems, _ := inbox(t, e, township)
	it, err := e.App.Notify.Open(township, townItems[1].ID)
	if err != nil || !it.Read() {
		t.Fatalf("open: %+v %v", it, err)
	}
	first := *it.ReadAt
	if it, err = e.App.Notify.Open(township, townItems[1].ID); err != nil || !it.ReadAt.Equal(first) {
		t.Fatalf("opened again: %+v %v", it, err)
	}
	if _, n := inbox(t, e, township); n != 1 {
		t.Errorf("township unread after opening one: %d, want 1", n)
	}
	if _, err := e.App.Notify.Open(sibling, townItems[0].ID); errs.Code(err) != errs.ENOTFOUND {
		t.Errorf("sibling opened the township's message: %v", err)
	}
	if _, _, err := e.App.Notify.Inbox(e.Ctx, 1, 50); errs.Code(err) != errs.EFORBIDDEN {
		t.Errorf("the system has no inbox: %v", err)
	}
}

// flaky is an SMS gateway that refuses every message.
type flaky struct{ tries int }

func (f *flaky) Send(context.Context, sms.Message) error {
	f.tries++
	return errors.New("gateway: 503")
}

// SMS goes to a number given without an account, and to an account only
// when it chose SMS, in its language; a gateway that refuses is retried
// and the message is failed after 5 tries, never sent twice.
func TestSMSOnlyWhenChosenAndRetried(t *testing.T) {
	e := apptest.New(t)
	box, ok := e.App.SMS.(*sms.Box)
	if !ok {
		t.Fatalf("the test application's SMS sender is %T, want the box", e.App.SMS)
	}
	resident := as(t, e, auth.Resident, apptest.Community)
	uid := auth.From(resident).UserID
	sealed, err := e.App.Keys.Seal("13811112222")
	if err != nil {
		t.Fatal(err)
	}
	walkIn, err := e.App.Keys.Seal("13933334444")
	if err != nil {
		t.Fatal(err)
	}
	queue(t, e, func(ctx context.Context, o *notify.Outbox) error {
		if err := o.ToUser(ctx, uid, overdue("1")); err != nil {
			return err
		}
		return o.ToPhone(ctx, walkIn, notify.Note{Key: "request.note.received", Args: []any{"260309-2"}})
	})
	if _, err := e.App.Notify.Deliver(e.Ctx, 100); err != nil {
		t.Fatal(err)
	}
	if _, ok := box.Last("13811112222"); ok {
		t.Fatal("an SMS went to a resident who did not choose SMS")
	}
	if m, ok := box.Last("13933334444"); !ok || m.Text != "您的诉求已受理，编号 260309-2，可凭编号查询办理进度。" ||
		m.Template != "request.note.received" || m.Params["p1"] != "260309-2" {
		t.Fatalf("SMS to the number given: %+v %v", m, ok)
	}

	// The resident chooses SMS and English.
	if err := e.App.Notify.SetSMSFor(e.Ctx, uid, true, sealed); err != nil {
		t.Fatal(err)
	}
	en := "en"
	if err := e.App.Users.SetPrefs(resident, &en, nil); err != nil {
		t.Fatal(err)
	}
	queue(t, e, func(ctx context.Context, o *notify.Outbox) error { return o.ToUser(ctx, uid, overdue("2")) })
	if _, err := e.App.Notify.Deliver(e.Ctx, 100); err != nil {
		t.Fatal(err)
	}
	m, ok := box.Last("13811112222")
	if !ok || m.Text != "Request 2 is overdue (due 03-09 10:00); please supervise it." {
		t.Fatalf("SMS to the resident who chose it: %+v %v", m, ok)
	}
	if _, n := inbox(t, e, resident); n != 2 {
		t.Errorf("the inbox holds %d unread, want both messages", n)
	}
	sent := len(box.Messages())

	// A gateway that refuses: retried each round, failed after 5 tries.
	e.App.Notify.SMS = &flaky{}
	queue(t, e, func(ctx context.Context, o *notify.Outbox) error { return o.ToPhone(ctx, walkIn, overdue("3")) })
	for i := 0; i < 7; i++ {
		if _, err := e.App.Notify.Deliver(e.Ctx, 100); err != nil {
			t.Fatal(err)
		}
	}
	if tries := e.App.Notify.SMS.(*flaky).tries; tries != 5 {
		t.Errorf("the refused message was tried %d times, want 5", tries)
	}
	ms, err := e.App.Notify.ForObject(e.Ctx, "request", 7)
	if err != nil {
		t.Fatal(err)
	}
	var failed int
	for _, m := range ms {
		if m.Status == notify.OutboxFailed && m.Attempts == 5 {
			failed++
		}
	}
	if failed != 1 {
		t.Errorf("%d messages failed after 5 tries, want 1: %+v", failed, ms)
	}
	if len(box.Messages()) != sent {
		t.Errorf("the box got %d more messages", len(box.Messages())-sent)
	}
}
