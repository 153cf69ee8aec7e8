package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"shequ/internal/division"
	"shequ/internal/person"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/idcard"
)

var (
	elderlyBasis = []string{"2024年入户核查", "民政部门认定", "社区走访登记", "低保审批表", "特困供养证", "高龄津贴名册"}
	relations    = []string{"配偶", "长子", "次子", "长女", "次女", "孙子", "孙女"}
	dCategories  = []string{"visual", "hearing", "speech", "physical", "physical", "intellectual", "mental", "multiple"}
)

// demoID makes a valid ID number (GB 11643) of someone born on a day,
// registered in a county, never one given before.
func demoID(r *rand.Rand, county string, birth time.Time, seen map[string]bool) string {
	for {
		s := county[:6] + birth.Format("20060102") + fmt.Sprintf("%03d", r.IntN(1000))
		id := s + string(idcard.CheckChar(s))
		if !seen[id] {
			seen[id] = true
			return id
		}
	}
}

// DemoPersons makes the demo's people registry: elderly people with
// special difficulties in every community (3 to 9 in a village, 8 to 30
// in an urban community), left-behind children mostly in villages, some
// children in difficulty, people with disabilities and, in towns, the
// priority employment group; now and then a membership that has ended.
// Names are obviously synthetic (演示…); ID numbers are valid. The same
// seed and day give the same people.
func DemoPersons(comms []division.Division, today time.Time, seed uint64) []person.Seed {
	r := rand.New(rand.NewPCG(seed, seed^0x9e50))
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	seen := map[string]bool{}
	var out []person.Seed
	born := func(minAge, maxAge int) time.Time {
		return day.AddDate(-minAge, 0, 0).AddDate(0, 0, -r.IntN((maxAge-minAge)*365+1))
	}
	since := func() string { return day.AddDate(0, -1-r.IntN(60), 0).Format(person.DateLayout) }
	add := func(c division.Division, birth time.Time, g person.Membership) {
		name := "演示" + personName(r)
		sd := person.Seed{CommunityCode: c.Code, Name: name, IDNumber: demoID(r, c.Code, birth, seen),
			Address: fmt.Sprintf("%s%d组%d号", short(c.Name), 1+r.IntN(9), 1+r.IntN(120)),
			Groups:  []person.Membership{g}}
		if r.Float64() < 0.8 {
			sd.Phone = phone(r)
		}
		if r.Float64() < 0.7 {
			sd.ContactName, sd.ContactPhone = "演示"+personName(r), phone(r)
			sd.Household = relations[r.IntN(len(relations))] + " " + sd.ContactName
		}
		// Now and then a membership that has ended.
		if r.Float64() < 0.04 {
			sd.Groups[0].End = day.AddDate(0, 0, -1-r.IntN(200)).Format(person.DateLayout)
			if sd.Groups[0].End < sd.Groups[0].Start {
				sd.Groups[0].Start = sd.Groups[0].End
			}
		}
		out = append(out, sd)
	}
	for _, c := range comms {
		urban := c.Kind == "urban"
		n := 3 + r.IntN(7)
		if urban {
			n = 8 + r.IntN(23)
		}
		for range n {
			birth := born(60, 99)
			kinds := []string{person.ElderlyKinds[r.IntN(len(person.ElderlyKinds))]}
			if k := person.ElderlyKinds[r.IntN(len(person.ElderlyKinds))]; r.Float64() < 0.3 && k != kinds[0] {
				kinds = append(kinds, k)
			}
			if day.Year()-birth.Year() > 80 {
				kinds = append(kinds, "aged_80_plus")
			}
			add(c, birth, person.Membership{Group: person.GroupElderly, Kinds: kinds, Start: since(), Basis: elderlyBasis[r.IntN(len(elderlyBasis))]})
		}
		lb := r.IntN(2)
		if !urban {
			lb = r.IntN(3)
		}
		for range lb {
			add(c, born(3, 15), person.Membership{Group: person.GroupLeftBehind, Start: since(), Basis: "父母外出务工（村委会核实）"})
		}
		if r.Float64() < 0.3 {
			add(c, born(2, 17), person.Membership{Group: person.GroupChildDiff, Start: since(), Basis: "困境儿童认定审批表"})
		}
		for range r.IntN(3) {
			add(c, born(18, 80), person.Membership{Group: person.GroupDisability, Category: dCategories[r.IntN(len(dCategories))],
				Grade: fmt.Sprint(1 + r.IntN(4)), Start: since(), Basis: "第二代残疾人证"})
		}
		if urban {
			for range r.IntN(4) {
				add(c, born(18, 55), person.Membership{Group: person.GroupPriorityEmpl, Start: since(), Basis: "失业登记"})
			}
		}
	}
	return out
}

// persons fills the people registry and its measures.
func (b *Builder) persons(ctx context.Context, comms []division.Division) error {
	start := time.Now()
	keys, err := b.ring(ctx)
	if err != nil {
		return err
	}
	seeds := DemoPersons(comms, time.Now().In(calendar.China), 2026)
	b.say("writing %d people (special groups)… ", len(seeds))
	if err := person.NewService(b.DB, b.Audit, keys).Load(ctx, seeds); err != nil {
		return err
	}
	b.say("done (%.1fs)\n", time.Since(start).Seconds())
	return nil
}
