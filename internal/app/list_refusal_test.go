package app_test

import (
	"net/http"
	"strings"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
)

// TestListRefusedSearch: a list page whose search its service refuses (a
// division code cut short, a kind that is not one) answers 422 with its
// filter form again and the reason above it, instead of an error page
// without the form.
func TestListRefusedSearch(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	c := e.Session(auth.TownshipStaff, apptest.Township)
	for _, tc := range []struct{ path, control, reason string }{
		{"/organizations?division=13110", `id="division"`, "应为 12 位区划代码"},
		{"/grids?division=13110", `id="division"`, "应为 12 位区划代码"},
		{"/ledger?kind=nonsense", `id="kind"`, "应为以下之一："},
		{"/party/members?division=13110", `id="division"`, "区划代码"},
		{"/resident-units?division=13110", `id="division"`, "区划代码"},
		{"/needs?division=13110", `id="division"`, "区划代码"},
		{"/resources?division=13110", `id="division"`, "区划代码"},
		{"/projects?division=13110", `id="division"`, "区划代码"},
		{"/mediation/cases?division=13110", `id="division"`, "区划代码"},
		{"/property/committees?division=13110", `id="q"`, "区划代码"},
		{"/property/compounds?division=13110", `id="q"`, "区划代码"},
		{"/property/companies?division=13110", `id="q"`, "区划代码"},
		{"/assessments?state=nonsense", `id="state"`, "应为以下之一："},
	} {
		res := c.Get(tc.path)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, tc.control) ||
			!strings.Contains(res.Body, `<div class="errors" role="alert">`) {
			t.Errorf("%s: %d, the form and its errors shown: %v %v", tc.path, res.StatusCode,
				strings.Contains(res.Body, tc.control), strings.Contains(res.Body, `class="errors"`))
		}
		if !strings.Contains(res.Body, tc.reason) {
			t.Errorf("%s: the reason %q is not shown", tc.path, tc.reason)
		}
	}
}
