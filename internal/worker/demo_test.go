package worker_test

import (
	"strings"
	"testing"
	"time"

	"shequ/data"
	"shequ/internal/demo"
	"shequ/internal/division"
	"shequ/internal/organization"
	"shequ/internal/worker"
)

// The demo's workers and organisations look like the plan's picture of 衡水,
// and the same seed gives the same records.
func TestDemoRegistriesArePlausible(t *testing.T) {
	b, err := data.FS.ReadFile("divisions/hengshui.csv")
	if err != nil {
		t.Fatal(err)
	}
	var comms, towns, counties []division.Division
	for _, line := range strings.Split(string(b), "\n")[1:] {
		f := strings.Split(line, ",")
		if len(f) != 5 {
			continue
		}
		d := division.Division{Code: f[0], Name: f[1], Kind: f[3]}
		switch f[2] {
		case "community":
			comms = append(comms, d)
		case "township":
			towns = append(towns, d)
		case "county":
			counties = append(counties, d)
		}
	}
	today := time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)
	ws := demo.DemoWorkers(comms, today, 1)
	if len(ws) < 7500 || len(ws) > 9000 {
		t.Errorf("%d workers, want about 8,000", len(ws))
	}
	leaders, trained := 0, 0
	officer := map[string]bool{}
	for _, w := range ws {
		if w.IDNumber != "" && !worker.ValidIDNumber(w.IDNumber) {
			t.Fatalf("invalid ID number %s", w.IDNumber)
		}
		if !worker.ValidPhone(w.Phone) {
			t.Fatalf("invalid phone %s", w.Phone)
		}
		if w.DisasterOfficer {
			officer[w.CommunityCode] = true
		}
		if worker.IsLeader(w.Post) && w.InPostTo == "" {
			leaders++
			for _, tr := range w.Trainings {
				if strings.HasPrefix(tr.Date, "2026-") {
					trained++
					break
				}
			}
		}
	}
	if r := float64(trained) / float64(leaders); r < 0.6 || r > 0.7 {
		t.Errorf("leaders trained this year: %.2f", r)
	}
	if r := float64(len(officer)) / float64(len(comms)); r < 0.8 || r > 0.9 {
		t.Errorf("communities with a disaster officer: %.2f", r)
	}
	if again := demo.DemoWorkers(comms, today, 1); again[1234].Name != ws[1234].Name || again[1234].Phone != ws[1234].Phone {
		t.Error("the same seed gave different workers")
	}
	orgs := demo.DemoOrganizations(comms, towns, counties, 1)
	bases, assoc := map[string]bool{}, 0
	for _, o := range orgs {
		if *o.IncubationBase {
			bases[(*o.DivisionCode)[:6]] = true
		}
		if *o.Type == organization.DisabledAssociation {
			assoc++
		}
	}
	if len(bases) == 0 || len(bases) >= len(counties) {
		t.Errorf("incubation bases in %d of %d counties", len(bases), len(counties))
	}
	if r := float64(assoc) / float64(len(comms)); r < 0.35 || r > 0.45 {
		t.Errorf("disabled persons' associations in %.2f of communities", r)
	}
}
