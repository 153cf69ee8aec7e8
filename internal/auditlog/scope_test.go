package auditlog_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"shequ/internal/app/apptest"
	"shequ/internal/division"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
)

// TestAuditorReadsOnlyTheirArea: the penetration test's community auditor
// read the whole city's log. An auditor reads the records of people acting
// inside their area; records without an area (the system, callers not
// signed in) only an auditor of the city. List, API, export and the verify
// page all keep to it; the chain check itself covers everything.
func TestAuditorReadsOnlyTheirArea(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	change(t, e, 321) // community worker of apptest.Community
	// Refused reads leave denied records of their actors' areas.
	must(t, e.API("GET", "/api/v1/divisions/"+apptest.CousinCommunity, e.Token(auth.TownshipStaff, apptest.Township), nil), http.StatusNotFound)
	must(t, e.API("GET", "/api/v1/divisions/"+apptest.Community, e.Token(auth.CountyStaff, apptest.SiblingCounty), nil), http.StatusNotFound)
	community := apptest.Name(auth.CommunityWorker, apptest.Community)
	township := apptest.Name(auth.TownshipStaff, apptest.Township)
	far := apptest.Name(auth.CountyStaff, apptest.SiblingCounty)
	for _, c := range []struct {
		area     string
		has, not []string
	}{
		{apptest.Community, []string{community}, []string{township, far, `"action":"division.import"`}},
		{apptest.Township, []string{community, township}, []string{far, `"action":"division.import"`}},
		{apptest.County, []string{community, township}, []string{far, `"action":"division.import"`}},
		{apptest.City, []string{community, township, far, `"action":"division.import"`}, nil},
	} {
		res := e.API("GET", "/api/v1/audit?per_page=200", e.Token(auth.Auditor, c.area), nil)
		must(t, res, http.StatusOK)
		for _, s := range c.has {
			if !strings.Contains(res.Body, `"actor":"`+s+`"`) && !strings.Contains(res.Body, s) {
				t.Errorf("auditor of %s does not read %s", c.area, s)
			}
		}
		for _, s := range c.not {
			if strings.Contains(res.Body, s) {
				t.Errorf("auditor of %s reads %s", c.area, s)
			}
		}
		// The service's own reads keep to the area whatever the filter.
		ctx := auth.With(e.Ctx, &auth.Principal{Name: "aud", Role: auth.Auditor, Area: auth.AreaOf(c.area, division.LevelFromCode(c.area))})
		lo, hi := auth.AreaOf(c.area, division.LevelFromCode(c.area)).Range()
		n, _, err := e.App.Audit.Each(ctx, audit.Filter{}, 10_000, func(r *audit.Record) error {
			if c.area != apptest.City && (r.Area < lo || r.Area > hi) {
				t.Errorf("auditor of %s: Each gives record %d of area %q", c.area, r.ID, r.Area)
			}
			return nil
		})
		if err != nil || n == 0 {
			t.Errorf("auditor of %s: Each %d %v", c.area, n, err)
		}
	}
	// The export of the township's auditor holds no record of the other county.
	aud := e.Session(auth.Auditor, apptest.Township)
	res := aud.Get("/audit/export.xlsx")
	must(t, res, http.StatusOK)
	x, err := excelize.OpenReader(bytes.NewReader([]byte(res.Body)))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, _ := x.GetRows("审计日志")
	if len(rows) < 2 {
		t.Fatalf("export rows %v", rows)
	}
	for _, row := range rows {
		if strings.Contains(strings.Join(row, "|"), far) || strings.Contains(strings.Join(row, "|"), "division.import") {
			t.Errorf("township's export has %v", row)
		}
	}
	// Verify covers the whole chain and says how much is the auditor's.
	aud.Lang = "en"
	must(t, aud.PostForm("/audit/verify", url.Values{}), http.StatusOK, "The audit log is intact", `id="verify-scope"`, "of them are records of your area")
	// A break at a record of the other county: the township's auditor is
	// told the chain is broken, not where; the city's auditor sees the record.
	target := records(t, e, audit.Filter{Actor: far})[0].ID
	on := ""
	if e.App.DB.Dialect == db.Postgres {
		on = " ON audit_log"
	}
	w := e.App.DB.Writer()
	for _, q := range []string{"DROP TRIGGER audit_log_no_update" + on, "DROP TRIGGER audit_log_no_delete" + on} {
		if _, err := w.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.Exec(`UPDATE audit_log SET detail = '{"reason":"x"}' WHERE id = $1`, target); err != nil {
		t.Fatal(err)
	}
	res = aud.PostForm("/audit/verify", url.Values{})
	must(t, res, http.StatusOK, "broken (tampered with) at a record outside your area")
	if strings.Contains(res.Body, "at record "+itoa(target)) {
		t.Errorf("the township's auditor is shown the other county's record: %.2000s", res.Body)
	}
	city := e.Session(auth.Auditor, apptest.City)
	city.Lang = "en"
	must(t, city.PostForm("/audit/verify", url.Values{}), http.StatusOK, "has been tampered with, at record "+itoa(target))
}
