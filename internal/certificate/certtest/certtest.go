// Package certtest builds, for tests, what a certificate needs: a
// volunteer organisation with a seal, a volunteer and service records made
// the real way (an activity, a sign-up, attendance confirmed, the activity
// closed), through the volunteer service and the certificate API.
package certtest

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/volunteer"
)

// World is what Seed made.
type World struct {
	Vol        *volunteer.Service
	Org        *volunteer.Org // in apptest.Community, with a seal
	OtherOrg   *volunteer.Org // in apptest.Community, no seal; one record
	SiblingOrg *volunteer.Org // in apptest.SiblingCommunity, with a seal
	Volunteer  *volunteer.Volunteer
	IDNumber   string
	// UserName is the volunteer's resident account (password
	// apptest.Password); UserID its id.
	UserName string
	UserID   int64
	// Records: 2026-03-02 2 h and 2026-03-09 1.5 h with Org, 2026-03-05 1 h
	// with OtherOrg, 2026-04-01 3 h with SiblingOrg.
}

// IDNumber is the test volunteer's (valid GB 11643) ID number.
const IDNumber = "110101199003074477"

// Name is the test volunteer's name.
const Name = "张晓明"

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, calendar.China)
	if err != nil {
		panic(err)
	}
	return t
}

// As acts as a test account of role in area.
func As(e *apptest.Env, role auth.Role, area string) context.Context {
	lvl, err := e.App.Divisions.Store.Level(e.Ctx, area)
	if err != nil {
		e.T.Fatal(err)
	}
	u, err := e.App.Users.ByName(e.Ctx, e.User(role, area))
	if err != nil {
		e.T.Fatal(err)
	}
	return auth.With(context.Background(), &auth.Principal{UserID: u.ID, Name: u.Name, Role: role, Area: auth.AreaOf(area, lvl)})
}

// SealPNG draws a red ring, as a scanned seal would look.
func SealPNG() []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 160, 160))
	for y := range 160 {
		for x := range 160 {
			d := (x-80)*(x-80) + (y-80)*(y-80)
			if d < 76*76 && d > 68*68 || d < 16*16 {
				img.Set(x, y, color.NRGBA{200, 20, 20, 255})
			}
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}

// Seed makes the world.
func Seed(e *apptest.Env) *World {
	t := e.T
	t.Helper()
	c := &clock{at("2026-03-01 08:00")}
	vs := volunteer.NewService(e.App.DB, e.App.Audit, e.App.Keys)
	vs.Now = c.now
	w := &World{Vol: vs, IDNumber: IDNumber}
	staff := As(e, auth.CommunityWorker, apptest.Community)
	sibling := As(e, auth.CommunityWorker, apptest.SiblingCommunity)
	var err error
	if w.Org, err = vs.CreateOrg(staff, volunteer.OrgInput{DivisionCode: apptest.Community, Name: "游园社区志愿服务队", Kind: "volunteer_team"}); err != nil {
		t.Fatal(err)
	}
	if w.OtherOrg, err = vs.CreateOrg(staff, volunteer.OrgInput{DivisionCode: apptest.Community, Name: "游园社区居民委员会", Kind: "committee"}); err != nil {
		t.Fatal(err)
	}
	if w.SiblingOrg, err = vs.CreateOrg(sibling, volunteer.OrgInput{DivisionCode: apptest.SiblingCommunity, Name: "萃景社区志愿服务队", Kind: "volunteer_team"}); err != nil {
		t.Fatal(err)
	}
	// The volunteer registers themself with a resident account, as they
	// must to sign up for activities.
	uid, err := e.App.Users.Create(e.Ctx, auth.UserInput{Name: "volunteer-cert", DisplayName: Name, Role: auth.Resident, AreaCode: apptest.Community, PasswordHash: apptest.PasswordHash()})
	if err != nil {
		t.Fatal(err)
	}
	w.UserName, w.UserID = "volunteer-cert", uid
	me := auth.With(context.Background(), &auth.Principal{UserID: uid, Name: "volunteer-cert", Role: auth.Resident, Area: auth.AreaOf(apptest.Community, 5)})
	name, id, phone := Name, IDNumber, "13800138000"
	if w.Volunteer, err = vs.Register(me, volunteer.Registration{Name: &name, IDNumber: &id, Phone: &phone}); err != nil {
		t.Fatal(err)
	}
	record := func(ctx context.Context, org *volunteer.Org, where, day, from, to, title string) {
		t.Helper()
		c.t = at(day + " 07:00")
		a, err := vs.Publish(ctx, volunteer.ActivityInput{OrgID: org.ID, CommunityCode: where, Title: title, Content: title,
			Target: "elderly", Place: "社区活动室", StartsAt: at(day + " " + from), EndsAt: at(day + " " + to), Slots: 5})
		if err != nil {
			t.Fatalf("publish %s: %v", title, err)
		}
		if _, err := vs.SignUp(me, a.ID); err != nil {
			t.Fatalf("sign up %s: %v", title, err)
		}
		c.t = at(day + " " + to)
		if err := vs.Confirm(ctx, a.ID, volunteer.Attendance{VolunteerID: w.Volunteer.ID, CheckinAt: at(day + " " + from),
			CheckoutAt: at(day + " " + to), Reason: "志愿者没有智能手机"}); err != nil {
			t.Fatalf("confirm %s: %v", title, err)
		}
		if n, err := vs.Close(ctx, a.ID); err != nil || n != 1 {
			t.Fatalf("close %s: %d %v", title, n, err)
		}
	}
	record(staff, w.Org, apptest.Community, "2026-03-02", "09:00", "11:00", "为独居老人上门送餐")
	record(staff, w.OtherOrg, apptest.Community, "2026-03-05", "14:00", "15:00", "居民议事会会务")
	record(staff, w.Org, apptest.Community, "2026-03-09", "09:00", "10:30", "社区环境清洁")
	record(sibling, w.SiblingOrg, apptest.SiblingCommunity, "2026-04-01", "09:00", "12:00", "义务理发")
	for _, o := range []struct {
		org  *volunteer.Org
		area string
	}{{w.Org, apptest.Community}, {w.SiblingOrg, apptest.SiblingCommunity}} {
		res := e.API("PUT", fmt.Sprintf("/api/v1/certificate-seals/%d", o.org.ID), e.Token(auth.CommunityWorker, o.area), map[string]any{"image": SealPNG()})
		if res.StatusCode != 200 {
			t.Fatalf("seal: %d %s", res.StatusCode, res.Body)
		}
	}
	return w
}
