package demo_test

import (
	"strings"
	"testing"

	"shequ/data"
	"shequ/internal/app/apptest"
	"shequ/internal/demo"
	"shequ/internal/division"
)

func TestProfilesSumToTheCensusAndArePlausible(t *testing.T) {
	b, err := data.FS.ReadFile("divisions/hengshui.csv")
	if err != nil {
		t.Fatal(err)
	}
	var comms []division.Division
	for _, line := range strings.Split(string(b), "\n")[1:] {
		f := strings.Split(line, ",")
		if len(f) == 5 && f[2] == "community" {
			comms = append(comms, division.Division{Code: f[0], Name: f[1], Kind: f[3], Level: division.Community})
		}
	}
	if len(comms) != 5118 {
		t.Fatalf("衡水 has %d communities in the shipped file, want 5118", len(comms))
	}
	ps := demo.Profiles(comms, demo.CensusPopulation, 1)
	var pop, urbanPop int64
	for i, p := range ps {
		pop += p.Population
		urbanPop += p.UrbanPopulation
		if err := p.Validate(comms[i].Kind); err != nil {
			t.Fatalf("%s: synthetic profile fails validation: %v", p.Code, err)
		}
		if p.Population <= 0 || p.Households <= 0 || p.BuildingArea <= 0 {
			t.Fatalf("%s: empty profile %+v", p.Code, p)
		}
	}
	if pop != demo.CensusPopulation {
		t.Fatalf("population sums to %d, want %d", pop, demo.CensusPopulation)
	}
	if urbanPop <= 0 || urbanPop >= pop {
		t.Fatalf("urban population %d of %d", urbanPop, pop)
	}
	again := demo.Profiles(comms, demo.CensusPopulation, 1)
	if again[100].Population != ps[100].Population || again[100].Organisations[0].Head != ps[100].Organisations[0].Head {
		t.Fatal("the same seed gave different profiles")
	}
}

func TestBuildThenReuse(t *testing.T) {
	e := apptest.New(t)
	dir := t.TempDir()
	b := &demo.Builder{DB: e.App.DB, Divisions: e.App.Divisions, Users: e.App.Users, Audit: e.App.Audit, DataDir: dir}
	accs, built, err := b.Ensure(e.Ctx)
	if err != nil || !built || len(accs) != 9 {
		t.Fatalf("first build: %d accounts, built=%v, %v", len(accs), built, err)
	}
	for _, a := range accs {
		if _, err := e.App.Users.Authenticate(e.Ctx, a.Name, a.Password); err != nil {
			t.Fatalf("%s cannot sign in with its printed password: %v", a.Name, err)
		}
	}
	// The demo's requests are counted in the 三率 summary.
	var requests, counted int64
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT COUNT(*) FROM requests WHERE NOT excluded`).Scan(&requests); err != nil {
		t.Fatal(err)
	}
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT COALESCE(SUM(total), 0) FROM request_stats`).Scan(&counted); err != nil {
		t.Fatal(err)
	}
	if requests == 0 || counted != requests {
		t.Errorf("%d demo requests, %d in the 三率 summary", requests, counted)
	}
	// The demo resident is a volunteer of their own community, with hours.
	var hours int64
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT v.hours_centi FROM volunteers v JOIN users u ON u.id = v.user_id
		WHERE u.name = 'demo-resident' AND v.community_code = u.area_code`).Scan(&hours); err != nil || hours <= 0 {
		t.Errorf("the demo resident as a volunteer: %d hours, %v", hours, err)
	}
	again, built, err := b.Ensure(e.Ctx)
	if err != nil || built || len(again) != 9 || again[0].Password != accs[0].Password {
		t.Fatalf("second run: built=%v %v", built, err)
	}
}
