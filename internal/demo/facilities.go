package demo

import (
	"context"
	"math"
	"math/rand/v2"
	"time"

	"shequ/internal/division"
	"shequ/internal/facility"
	"shequ/internal/platform/audit"
)

// demoFacility is how often a kind appears in a community, by the
// community's kind, in the 2020-style picture: rural comprehensive coverage
// around 70 % (the plan's 65 % baseline moving toward 80 %), urban nearly
// complete, specialised facilities patchy.
var demoFacility = []struct {
	Kind         string
	Rural, Urban float64
	NameZh       string
}{
	{"comprehensive", 0.72, 0.985, "综合服务站"},
	{"home_elderly_care", 0.35, 0.72, "居家养老服务站"},
	{"sport_fitness", 0.40, 0.62, "健身广场"},
	{"civilization_practice_station", 0.68, 0.80, "新时代文明实践站"},
	{"volunteer_service_point", 0.55, 0.75, "志愿服务点"},
	{"health_station", 0.80, 0.45, "卫生室"},
	{"culture", 0.48, 0.55, "文化活动室"},
	{"childcare", 0.03, 0.12, "儿童之家"},
	{"police_room", 0.02, 0.30, "警务室"},
	{"emergency_shelter", 0.08, 0.15, "应急避难场所"},
}

// weekday8h is open 8 hours on working days and Saturday (08:00-12:00 and
// 14:00-18:00); weekdayShort 5 hours, so it does not count for
// facility_open_hours.
var weekday8h = facility.Week{"08:00-12:00,14:00-18:00", "08:00-12:00,14:00-18:00", "08:00-12:00,14:00-18:00", "08:00-12:00,14:00-18:00", "08:00-12:00,14:00-18:00", "09:00-17:00", ""}
var weekdayShort = facility.Week{"09:00-11:30,14:30-17:00", "09:00-11:30,14:30-17:00", "09:00-11:30,14:30-17:00", "09:00-11:30,14:30-17:00", "09:00-11:30,14:30-17:00", "", ""}

// DemoFacilities makes the demo's facilities for the communities and
// townships, deterministically from seed. A comprehensive facility's floor
// area follows its community's households (households by community code):
// 22 to 46 m² per 100 households, so that with about three communities in
// four having one the city reads near the plan's 2020 baseline of 23.6 m²
// per 100 households (target 30), as a real city's registry would.
func DemoFacilities(comms []division.Division, households map[string]int64, townships []division.Division, seed uint64) []*facility.Facility {
	r := rand.New(rand.NewPCG(seed, seed^0xfac))
	area := func(lo, hi int) float64 { return float64(lo*100+r.IntN((hi-lo)*100)) / 100 }
	var out []*facility.Facility
	for _, c := range comms {
		urban := c.Kind == "urban"
		for _, k := range demoFacility {
			p := k.Rural
			if urban {
				p = k.Urban
			}
			if r.Float64() >= p {
				continue
			}
			f := &facility.Facility{DivisionCode: c.Code, Kind: k.Kind, Name: c.Name + k.NameZh, Status: facility.InUse,
				YearOpened: 2008 + r.IntN(13), Hours: weekday8h, UpdatedBy: "demo"}
			switch k.Kind {
			case "emergency_shelter":
				// Room for about one person per household of its community
				// (no draw from r: the other facilities stay as they were).
				f.Capacity = max(200, int(households[c.Code])/50*50)
			case "comprehensive":
				perHousehold := 0.22 + r.Float64()*0.24
				f.FloorArea = math.Max(30, math.Round(float64(households[c.Code])*perHousehold*100)/100)
				if urban {
					f.Terminals = map[bool]int{true: 1, false: 0}[r.Float64() < 0.55]
					f.Online24h = r.Float64() < 0.4
				} else {
					f.Online24h = r.Float64() < 0.15
				}
				f.ActivityArea = float64(int(f.FloorArea*(0.5+r.Float64()*0.25)*100)) / 100
				f.NewlyBuilt = r.Float64() < 0.15
				f.BarrierFree = r.Float64() < 0.6
				f.AgeFriendly = r.Float64() < 0.45
				if r.Float64() < 0.3 {
					f.Hours = weekdayShort
				}
				if r.Float64() < 0.04 {
					f.Status = facility.UnderConstruction
				}
			case "sport_fitness":
				f.FloorArea = area(0, 80)
				f.FitnessCircle = r.Float64() < 0.8
				f.Hours = facility.Week{"06:00-21:00", "06:00-21:00", "06:00-21:00", "06:00-21:00", "06:00-21:00", "06:00-21:00", "06:00-21:00"}
			default:
				f.FloorArea = area(20, 200)
				f.ActivityArea = float64(int(f.FloorArea*0.6*100)) / 100
				if r.Float64() < 0.5 {
					f.Hours = weekdayShort
				}
			}
			f.Open8h = f.Hours.Open8h()
			out = append(out, f)
		}
	}
	for _, t := range townships {
		if r.Float64() < 0.6 {
			f := &facility.Facility{DivisionCode: t.Code, Kind: "social_work_station", Name: t.Name + "社会工作服务站", Status: facility.InUse,
				FloorArea: area(60, 300), YearOpened: 2016 + r.IntN(5), Hours: weekday8h, UpdatedBy: "demo"}
			f.ActivityArea = float64(int(f.FloorArea*0.6*100)) / 100
			f.Open8h = f.Hours.Open8h()
			out = append(out, f)
		}
	}
	return out
}

// facilities fills the facility registry and its measures in one
// transaction with bulk inserts.
func (b *Builder) facilities(ctx context.Context, comms []division.Division) error {
	start := time.Now()
	towns, err := b.divisions(ctx, division.Township)
	if err != nil {
		return err
	}
	// The profiles written before, made again from the same seed.
	households := map[string]int64{}
	for _, p := range Profiles(comms, CensusPopulation, 2026) {
		households[p.Code] = p.Households
	}
	fs := DemoFacilities(comms, households, towns, 2026)
	b.say("writing %d service facilities… ", len(fs))
	s := facility.NewService(b.DB, b.Audit)
	now := time.Now().UTC().Truncate(time.Microsecond)
	err = b.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Store.InsertMany(ctx, fs, now); err != nil {
			return err
		}
		if err := s.RebuildMeasures(ctx); err != nil {
			return err
		}
		return b.Audit.Write(ctx, audit.Entry{Action: "demo.facilities", ObjectType: "facility", ObjectID: "*", Detail: map[string]int{"facilities": len(fs)}})
	})
	if err != nil {
		return err
	}
	b.say("done (%.1fs)\n", time.Since(start).Seconds())
	return nil
}
