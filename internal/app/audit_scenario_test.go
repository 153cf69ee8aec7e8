package app_test

import (
	"net/http"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/division"
	"shequ/internal/platform/auth"
)

// auditScenarios: the audit log answers the auditor alone (三权分立); every
// other role, the admin included, gets 403 wherever its account sits.
func auditScenarios() []Scenario {
	out := []Scenario{
		{Name: "audit anonymous", Method: "GET", Path: "/api/v1/audit", Status: http.StatusUnauthorized, Contains: []string{`"code":"EUNAUTHORIZED"`}},
		{Name: "audit bad filter", Method: "GET", Path: "/api/v1/audit?from=x", Role: auth.Auditor, Area: apptest.City,
			Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"from"`}},
		// A non-auditor learns nothing about its filter either.
		{Name: "audit admin bad filter", Method: "GET", Path: "/api/v1/audit?from=x", Role: auth.Admin, Area: apptest.City, Status: http.StatusForbidden},
	}
	for role, area := range home {
		want := http.StatusForbidden
		var contains, not []string
		if role == auth.Auditor {
			want, contains = http.StatusOK, []string{`"action":"division.import"`, `"hash":"`}
		} else {
			not = []string{`"items"`}
		}
		out = append(out, Scenario{Name: "audit " + string(role), Method: "GET", Path: "/api/v1/audit?action=division.import&page=1", Role: role, Area: area,
			Status: want, Contains: contains, NotContains: not})
	}
	return out
}

// auditAreaScenarios: an auditor reads the records of people acting inside
// their area (own, child), never a sibling's or the parent's; records of
// the system (the fixture's division import) only the city's auditor. The
// first rows leave denied records of actors in four areas.
func auditAreaScenarios() []Scenario {
	actors := []struct {
		role      auth.Role
		area      string
		path      string
		wantFirst int
	}{
		{auth.Admin, apptest.City, "/api/v1/audit", http.StatusForbidden},
		{auth.CountyStaff, apptest.County, "/api/v1/divisions/" + apptest.FarCommunity, http.StatusNotFound},
		{auth.CountyStaff, apptest.SiblingCounty, "/api/v1/divisions/" + apptest.Community, http.StatusNotFound},
		{auth.TownshipStaff, apptest.Township, "/api/v1/divisions/" + apptest.CousinCommunity, http.StatusNotFound},
	}
	var out []Scenario
	for _, a := range actors {
		out = append(out, Scenario{Name: "denied by " + apptest.Name(a.role, a.area), Method: "GET", Path: a.path, Role: a.role, Area: a.area, Status: a.wantFirst})
	}
	for _, aud := range []string{apptest.City, apptest.County, apptest.SiblingCounty, apptest.Township, apptest.Community} {
		area := auth.AreaOf(aud, division.LevelFromCode(aud))
		for _, a := range actors {
			name := apptest.Name(a.role, a.area)
			s := Scenario{Name: "auditor@" + aud + " reads " + name, Method: "GET", Path: "/api/v1/audit?actor=" + name, Role: auth.Auditor, Area: aud,
				Status: http.StatusOK}
			if area.Contains(a.area) {
				s.Contains = []string{`"actor":"` + name + `"`}
			} else {
				s.NotContains = []string{`"actor":"` + name + `"`}
			}
			out = append(out, s)
		}
		s := Scenario{Name: "auditor@" + aud + " reads the system's", Method: "GET", Path: "/api/v1/audit?action=division.import", Role: auth.Auditor, Area: aud,
			Status: http.StatusOK}
		if aud == apptest.City {
			s.Contains = []string{`"action":"division.import"`}
		} else {
			s.NotContains = []string{`"action":"division.import"`}
		}
		out = append(out, s)
	}
	return out
}

func TestAuditAPIScenarios(t *testing.T) {
	t.Parallel()
	apptest.RunIsolated(t, func(t *testing.T, e *apptest.Env) []Scenario {
		return append(auditScenarios(), auditAreaScenarios()...)
	})
}
