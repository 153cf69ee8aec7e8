package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"shequ/internal/division"
	"shequ/internal/organization"
	"shequ/internal/platform/calendar"
	"shequ/internal/worker"
)

// idNumber makes a valid 18-character ID number (GB 11643) for someone
// registered in a county.
func idNumber(r *rand.Rand, county string) string {
	birth := time.Date(1962+r.IntN(38), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
	s := county[:6] + birth.Format("20060102") + fmt.Sprintf("%03d", r.IntN(1000))
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(s[i]-'0') * w
	}
	return s + string("10X98765432"[sum%11])
}

func phone(r *rand.Rand) string { return fmt.Sprintf("1%d%09d", 3+r.IntN(7), r.IntN(1_000_000_000)) }

func date(r *rand.Rand, from, to time.Time) string {
	days := int(to.Sub(from).Hours() / 24)
	if days <= 0 {
		return from.Format(worker.DateLayout)
	}
	return from.AddDate(0, 0, r.IntN(days+1)).Format(worker.DateLayout)
}

var courses = []string{"村(社区)“两委”成员轮训班", "基层治理能力提升培训", "社区工作者职业能力培训", "接诉即办业务培训", "应急管理与防灾减灾培训", "社会工作实务培训"}

// DemoWorkers makes the demo's community workers: a party secretary in
// nearly every community, a committee director in most (in many villages
// the secretary is also the director, 一肩挑), full-time workers, grid
// workers and social workers in urban communities; 60-70 % of the leaders
// trained this year; a disaster information officer in about 85 % of
// communities. The same seed and day give the same workers.
func DemoWorkers(comms []division.Division, today time.Time, seed uint64) []worker.Seed {
	r := rand.New(rand.NewPCG(seed, seed^0x3077))
	yearStart := time.Date(today.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	todayUTC := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	var out []worker.Seed
	for _, c := range comms {
		urban := c.Kind == "urban"
		var posts []string
		if r.Float64() < 0.97 {
			posts = append(posts, worker.PartySecretary)
		}
		if (urban && r.Float64() < 0.92) || (!urban && r.Float64() < 0.40) {
			posts = append(posts, worker.CommitteeDirector)
		}
		if urban {
			for range 2 + r.IntN(3) {
				posts = append(posts, "committee_member")
			}
			for range 1 + r.IntN(4) {
				posts = append(posts, "full_time_worker")
			}
			for range 1 + r.IntN(2) {
				posts = append(posts, "grid_worker")
			}
			if r.Float64() < 0.4 {
				posts = append(posts, "social_worker")
			}
		} else if r.Float64() < 0.03 {
			posts = append(posts, "full_time_worker")
		}
		officer := r.Float64() < 0.875
		start := len(out)
		for _, p := range posts {
			sd := worker.Seed{CommunityCode: c.Code, Name: personName(r), Phone: phone(r), Post: p,
				InPostFrom:            date(r, time.Date(2008, 1, 1, 0, 0, 0, 0, time.UTC), todayUTC.AddDate(0, -2, 0)),
				CertifiedSocialWorker: p == "social_worker" || r.Float64() < 0.08}
			if r.Float64() < 0.6 {
				sd.IDNumber = idNumber(r, c.Code)
			}
			if worker.IsLeader(p) {
				if r.Float64() < 0.65 {
					sd.Trainings = append(sd.Trainings, worker.TrainingInput{Course: courses[r.IntN(2)], Hours: float64(8 * (1 + r.IntN(5))),
						Date: date(r, yearStart, todayUTC), Level: []string{"provincial", "city", "district"}[r.IntN(3)]})
				}
				if r.Float64() < 0.7 {
					y := today.Year() - 1 - r.IntN(4)
					sd.Trainings = append(sd.Trainings, worker.TrainingInput{Course: courses[r.IntN(len(courses))], Hours: float64(4 * (1 + r.IntN(6))),
						Date: date(r, time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)), Level: "district"})
				}
			}
			out = append(out, sd)
		}
		if officer && len(out) > start {
			out[start+r.IntN(len(out)-start)].DisasterOfficer = true
		}
		// Now and then a former worker whose time in post has ended.
		if r.Float64() < 0.05 {
			from := date(r, time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2019, 12, 31, 0, 0, 0, 0, time.UTC))
			out = append(out, worker.Seed{CommunityCode: c.Code, Name: personName(r), Phone: phone(r), Post: "committee_member",
				InPostFrom: from, InPostTo: date(r, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), todayUTC.AddDate(0, -1, 0))})
		}
	}
	return out
}

var orgTypes = []string{"life_service", "charity", "mutual_help", "rural_technical_service", "culture_sport", "elderly_service", "other"}

var orgSuffix = map[string]string{
	"life_service": "便民服务社", "charity": "慈善工作站", "mutual_help": "邻里互助会", "rural_technical_service": "农业技术协会",
	"culture_sport": "文体协会", "elderly_service": "老年协会", "other": "社会组织联合会",
}

func short(name string) string {
	for _, s := range []string{"村民委员会", "居民委员会", "社区居委会", "街道办事处", "人民政府"} {
		name = strings.TrimSuffix(name, s)
	}
	return name
}

// DemoOrganizations makes the demo's social organisations: an incubation
// base in most but not all counties, a disabled persons' association in
// about 40 % of communities, and a few hundred others at townships and
// communities, a few of them deregistered.
func DemoOrganizations(comms, townships, counties []division.Division, seed uint64) []organization.OrganizationPatch {
	r := rand.New(rand.NewPCG(seed, seed^0x0e6))
	ptr := func(s string) *string { return &s }
	var out []organization.OrganizationPatch
	n := 0
	add := func(code, name, typ string, staff int64, base bool) {
		n++
		reg := "registered"
		num := fmt.Sprintf("5213%s%05d", code[2:6], n)
		if !base && r.Float64() < 0.6 {
			reg = "filed"
			num = fmt.Sprintf("衡%s备%05d", code[4:6], n)
		}
		p := organization.OrganizationPatch{DivisionCode: ptr(code), Name: ptr(name), Registration: ptr(reg), RegistrationNumber: ptr(num),
			Type: ptr(typ), FullTimeStaff: &staff, IncubationBase: &base}
		if !base && r.Float64() < 0.04 {
			p.Status, p.DeregisteredOn = ptr(organization.Deregistered), ptr(fmt.Sprintf("202%d-0%d-15", 1+r.IntN(5), 1+r.IntN(9)))
		}
		out = append(out, p)
	}
	for i, c := range counties {
		// Two counties have not set one up yet.
		if i%6 == 5 {
			continue
		}
		add(c.Code, short(c.Name)+"社会组织孵化基地", "other", int64(4+r.IntN(9)), true)
	}
	for _, t := range townships {
		if r.Float64() < 0.9 {
			typ := orgTypes[r.IntN(len(orgTypes))]
			add(t.Code, short(t.Name)+orgSuffix[typ], typ, int64(r.IntN(6)), false)
		}
	}
	for _, c := range comms {
		if r.Float64() < 0.40 {
			add(c.Code, short(c.Name)+"残疾人协会", organization.DisabledAssociation, int64(r.IntN(2)), false)
		}
		if (c.Kind == "urban" && r.Float64() < 0.8) || r.Float64() < 0.03 {
			typ := orgTypes[r.IntN(len(orgTypes))]
			add(c.Code, short(c.Name)+orgSuffix[typ], typ, int64(r.IntN(4)), false)
		}
	}
	return out
}

// workersAndOrganizations fills the worker and organisation registries
// and their measures.
func (b *Builder) workersAndOrganizations(ctx context.Context, comms []division.Division) error {
	start := time.Now()
	// The app's key ring seals TOTP secrets too; without it, the data
	// directory's key, which must be the one the database was written with.
	keys, err := b.ring(ctx)
	if err != nil {
		return err
	}
	divs, err := b.divisions(ctx, division.County, division.Township)
	if err != nil {
		return err
	}
	levels := map[int][]division.Division{}
	for _, d := range divs {
		levels[d.Level] = append(levels[d.Level], d)
	}
	ws := worker.NewService(b.DB, b.Audit, keys)
	seeds := DemoWorkers(comms, time.Now().In(calendar.China), 2026)
	b.say("writing %d community workers… ", len(seeds))
	if err := ws.Load(ctx, seeds); err != nil {
		return err
	}
	orgs := DemoOrganizations(comms, levels[division.Township], levels[division.County], 2026)
	b.say("%d social organisations… ", len(orgs))
	if err := organization.NewService(b.DB, b.Audit).Load(ctx, orgs); err != nil {
		return err
	}
	b.say("done (%.1fs)\n", time.Since(start).Seconds())
	return nil
}
