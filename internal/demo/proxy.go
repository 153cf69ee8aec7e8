package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/idcard"
	"shequ/internal/platform/pii"
	"shequ/internal/proxy"
)

// ring is the key ring the demo seals personal data with: the accounts'
// one (the app's), else the data folder's key, which must be the one the
// database was written with (Bind checks).
func (b *Builder) ring(ctx context.Context) (*pii.Ring, error) {
	if keys, ok := b.Users.Secrets.(*pii.Ring); ok && keys != nil {
		return keys, nil
	}
	keys, err := pii.Load(b.DataDir, "")
	if err == nil {
		err = keys.Bind(ctx, b.DB)
	}
	return keys, err
}

var proxyNames = []string{"王秀英", "李桂兰", "张玉珍", "刘建国", "陈志强", "杨淑芬", "赵德明", "黄丽华", "周国庆", "吴凤英"}

// proxyCases gives 政务代办 something to show around the demo accounts'
// community: four of five townships of its county offer every service,
// and most of their communities have taken cases this year, in every
// status; the demo resident has a finished case to rate. ctx acts as the
// system.
func (b *Builder) proxyCases(ctx context.Context, accs []Account) error {
	start := time.Now()
	var home string
	var residentID int64
	for _, a := range accs {
		if a.Role == auth.Resident {
			home = a.Area
			u, err := b.Users.ByName(ctx, a.Name)
			if err != nil {
				return err
			}
			residentID = u.ID
		}
	}
	if home == "" {
		return nil
	}
	keys, err := b.ring(ctx)
	if err != nil {
		return err
	}
	s := proxy.NewService(b.DB, b.Audit, keys, nil)
	towns, err := b.divisions(ctx, division.Township)
	if err != nil {
		return err
	}
	comms, err := b.divisions(ctx, division.Community)
	if err != nil {
		return err
	}
	county := division.Code(home).County()[:6]
	r := rand.New(rand.NewPCG(16, 2026))
	now := time.Now()
	n := 0
	b.say("taking proxy cases… ")
	for i, t := range towns {
		if !strings.HasPrefix(t.Code, county) || (i%5 == 4 && t.Code != division.Code(home).Township()) {
			continue
		}
		if _, err := s.OfferAll(ctx, t.Code); err != nil {
			return err
		}
		lo, hi := division.Code(t.Code).Range()
		for _, c := range comms {
			if c.Code < lo || c.Code > hi || (r.IntN(10) == 0 && c.Code != home) {
				continue
			}
			items, err := s.Offerings(ctx, c.Code)
			if err != nil {
				return err
			}
			for k := r.IntN(4); k >= 0; k-- {
				v := items[r.IntN(len(items))]
				taken := now.AddDate(0, 0, -20-r.IntN(40))
				s.Now = func() time.Time { return taken }
				id := fmt.Sprintf("1311021950%02d%02d%03d", 1+r.IntN(12), 1+r.IntN(28), r.IntN(1000))
				id += string(idcard.CheckChar(id))
				got, err := s.Create(ctx, proxy.CaseIntake{CommunityCode: c.Code, ServiceID: v.ID, Name: proxyNames[r.IntN(len(proxyNames))],
					Phone: fmt.Sprintf("139%08d", r.IntN(100000000)), IDNumber: id})
				if err != nil {
					return err
				}
				n++
				// Cases in turn: received, checked, submitted, done,
				// closed; every seventh refused.
				steps := []proxy.Transition{{Action: proxy.ActCheck, Checked: v.Materials}, {Action: proxy.ActSubmit}, {Action: proxy.ActDone}, {Action: proxy.ActClose}}
				if n%7 == 3 {
					steps[2] = proxy.Transition{Action: proxy.ActRefuse, Reason: "材料不符合申领条件"}
				}
				for _, st := range steps[:n%(len(steps)+1)] {
					taken = taken.Add(time.Duration(24+r.IntN(72)) * time.Hour)
					if taken.After(now) {
						break
					}
					if _, err := s.Act(ctx, got.ID, st); err != nil {
						return err
					}
				}
			}
		}
	}
	// The demo resident's own case, done and waiting for their rating.
	s.Now = time.Now
	items, err := s.Offerings(ctx, home)
	if err != nil {
		return err
	}
	me := auth.With(ctx, &auth.Principal{UserID: residentID, Name: "demo-resident", Role: auth.Resident, Area: auth.AreaOf(home, division.Community)})
	id := "13110219380506002"
	c, err := s.Create(me, proxy.CaseIntake{ServiceID: items[4].ID, Name: "王秀英", Phone: "13933186622", IDNumber: id + string(idcard.CheckChar(id))})
	if err != nil {
		return err
	}
	for _, st := range []proxy.Transition{{Action: proxy.ActCheck, Checked: items[4].Materials}, {Action: proxy.ActSubmit}, {Action: proxy.ActDone}} {
		if _, err := s.Act(ctx, c.ID, st); err != nil {
			return err
		}
	}
	b.say("%d (%.1fs)\n", n+1, time.Since(start).Seconds())
	return nil
}
