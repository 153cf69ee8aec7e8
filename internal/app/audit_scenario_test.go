package app_test

import (
	"net/http"
	"testing"

	"shequ/internal/app/apptest"
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

func TestAuditAPIScenarios(t *testing.T) {
	e := apptest.New(t)
	for _, s := range auditScenarios() {
		s.run(t, e)
	}
}
