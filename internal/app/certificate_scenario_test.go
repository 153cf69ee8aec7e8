package app_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/certificate"
	"shequ/internal/certificate/certtest"
	"shequ/internal/platform/auth"
)

// TestCertificateAPIScenarios is the authorization matrix of the
// certificate API: every route × role × (own area, child, sibling, parent).
// Certificates live where their organisation hangs: one in
// apptest.Community, one in apptest.SiblingCommunity (issued by township
// staff, the only staff who see both the volunteer and that organisation).
func TestCertificateAPIScenarios(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	w := certtest.Seed(e)
	issue := func(role auth.Role, area string, org int64, from, to string) string {
		t.Helper()
		res := e.API("POST", "/api/v1/certificates", e.Token(role, area), map[string]any{"volunteer_id": w.Volunteer.ID, "org_id": org, "from": from, "to": to})
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("issue: %d %s", res.StatusCode, res.Body)
		}
		var c certificate.Certificate
		res.JSON(t, &c)
		return c.Number
	}
	// cert: the certificate in a community; org: its organisation.
	cert := map[string]string{
		apptest.Community:        issue(auth.CommunityWorker, apptest.Community, w.Org.ID, "2026-03-01", "2026-03-31"),
		apptest.SiblingCommunity: issue(auth.TownshipStaff, apptest.Township, w.SiblingOrg.ID, "2026-04-01", "2026-04-30"),
	}
	org := map[string]int64{apptest.Community: w.Org.ID, apptest.SiblingCommunity: w.SiblingOrg.ID}
	// A pending request to each organisation, made by the volunteer.
	vtok, _, err := e.App.Sessions.CreateToken(e.Ctx, w.UserID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	request := map[string]string{}
	for c, period := range map[string][2]string{apptest.Community: {"2026-03-01", "2026-03-31"}, apptest.SiblingCommunity: {"2026-04-01", "2026-04-30"}} {
		res := e.API("POST", "/api/v1/certificate-requests", vtok, map[string]any{"org_id": org[c], "from": period[0], "to": period[1]})
		var r certificate.CertificateRequest
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("ask: %d %s", res.StatusCode, res.Body)
		}
		res.JSON(t, &r)
		request[c] = fmt.Sprint(r.ID)
	}
	// Where each relation of a role's area finds a certificate, if any.
	at := func(area, rel string) string {
		switch {
		case rel == "own" && area == apptest.Community, rel == "child" && area != apptest.Community:
			return apptest.Community
		case rel == "sibling" && area == apptest.Community:
			return apptest.SiblingCommunity
		}
		return ""
	}
	var out []Scenario
	for role, area := range home {
		read, act := slices.Contains(certificate.ReadRoles, role), slices.Contains(certificate.IssueRoles, role)
		for _, rel := range []string{"own", "child", "sibling", "parent"} {
			c := at(area, rel)
			if c == "" {
				continue
			}
			inside := rel == "own" || rel == "child"
			name := fmt.Sprintf("%s/%s", role, rel)
			n := cert[c]
			var has []string
			if read && inside {
				has = []string{n}
			}
			out = append(out,
				Scenario{Name: "get " + name, Method: "GET", Path: "/api/v1/certificates/" + n, Role: role, Area: area, Status: expect(read, inside, 200, http.StatusNotFound), Contains: has},
				Scenario{Name: "pdf " + name, Method: "GET", Path: "/api/v1/certificates/" + n + ".pdf", Role: role, Area: area, Status: expect(read, inside, 200, http.StatusNotFound), Contains: has},
				// An empty reason: refused as invalid only where the caller
				// may revoke, so that nothing is revoked by the matrix.
				Scenario{Name: "revoke " + name, Method: "POST", Path: "/api/v1/certificates/" + n + "/revoke", Role: role, Area: area,
					Body: map[string]any{"revoke_reason": ""}, Status: expect(act, inside, http.StatusUnprocessableEntity, http.StatusNotFound)},
				Scenario{Name: "issue " + name, Method: "POST", Path: "/api/v1/certificates", Role: role, Area: area,
					Body: map[string]any{"volunteer_id": w.Volunteer.ID, "org_id": org[c], "from": "2026-03-01", "to": "2026-04-30"}, Status: expect(act, inside, http.StatusCreated, http.StatusNotFound)},
				Scenario{Name: "seal " + name, Method: "PUT", Path: fmt.Sprintf("/api/v1/certificate-seals/%d", org[c]), Role: role, Area: area,
					Body: map[string]any{"image": certtest.SealPNG()}, Status: expect(act, inside, 200, http.StatusNotFound)},
				// Refusing without a reason: invalid where the caller may
				// decide, so that the matrix decides nothing.
				Scenario{Name: "decide " + name, Method: "POST", Path: "/api/v1/certificate-requests/" + request[c] + "/decision", Role: role, Area: area,
					Body: map[string]any{"issue": false, "refuse_reason": ""}, Status: expect(act, inside, http.StatusUnprocessableEntity, http.StatusNotFound)},
				Scenario{Name: "get seal " + name, Method: "GET", Path: fmt.Sprintf("/api/v1/certificate-seals/%d", org[c]), Role: role, Area: area, Status: expect(read, inside, 200, http.StatusNotFound)},
			)
		}
		list := Scenario{Name: "list " + string(role), Method: "GET", Path: "/api/v1/certificates", Role: role, Area: area, Status: http.StatusForbidden}
		if read {
			list.Status = 200
			list.Contains = []string{cert[apptest.Community]}
			if area == apptest.Community {
				list.NotContains = []string{cert[apptest.SiblingCommunity]}
			} else {
				list.Contains = append(list.Contains, cert[apptest.SiblingCommunity])
			}
		}
		asks := Scenario{Name: "ask " + string(role), Method: "POST", Path: "/api/v1/certificate-requests", Role: role, Area: area,
			Body: map[string]any{"org_id": w.Org.ID, "from": "2026-03-01", "to": "2026-03-31"}, Status: http.StatusForbidden}
		requests := Scenario{Name: "list requests " + string(role), Method: "GET", Path: "/api/v1/certificate-requests?status=pending", Role: role, Area: area, Status: http.StatusForbidden}
		switch {
		case role == auth.Resident:
			asks.Status = http.StatusNotFound // this resident is no volunteer
			requests.Status, requests.Contains = 200, []string{`"items":[]`}
		case act:
			requests.Status, requests.Contains = 200, []string{`"id":` + request[apptest.Community] + `,`}
			if area == apptest.Community {
				requests.NotContains = []string{`"id":` + request[apptest.SiblingCommunity] + `,`}
			} else {
				requests.Contains = append(requests.Contains, `"id":`+request[apptest.SiblingCommunity]+`,`)
			}
		}
		out = append(out, asks, requests, list,
			Scenario{Name: "verify " + string(role), Method: "GET", Path: "/api/v1/verify/" + cert[apptest.SiblingCommunity], Role: role, Area: area,
				Status: 200, Contains: []string{`"status":"valid"`}})
	}
	out = append(out,
		Scenario{Name: "verify signed out", Method: "GET", Path: "/api/v1/verify/" + cert[apptest.Community], Status: 200, Contains: []string{`"volunteer_name":"张*明"`}},
		Scenario{Name: "list signed out", Method: "GET", Path: "/api/v1/certificates", Status: http.StatusUnauthorized},
		Scenario{Name: "get signed out", Method: "GET", Path: "/api/v1/certificates/" + cert[apptest.Community], Status: http.StatusUnauthorized},
		Scenario{Name: "pdf signed out", Method: "GET", Path: "/api/v1/certificates/" + cert[apptest.Community] + ".pdf", Status: http.StatusUnauthorized},
		Scenario{Name: "issue signed out", Method: "POST", Path: "/api/v1/certificates", Body: map[string]any{"volunteer_id": w.Volunteer.ID, "org_id": w.Org.ID, "from": "2026-03-01", "to": "2026-03-31"}, Status: http.StatusUnauthorized},
		Scenario{Name: "revoke signed out", Method: "POST", Path: "/api/v1/certificates/" + cert[apptest.Community] + "/revoke", Body: map[string]any{"revoke_reason": "x"}, Status: http.StatusUnauthorized},
		Scenario{Name: "openapi", Method: "GET", Path: "/api/v1/openapi.json", Status: http.StatusOK, Contains: []string{"/api/v1/certificates/{number}",
			"/api/v1/certificates/{number}/revoke", "/api/v1/verify/{number}", "/api/v1/certificate-seals/{org_id}", "application/pdf"}},
		Scenario{Name: "ask signed out", Method: "POST", Path: "/api/v1/certificate-requests", Body: map[string]any{"org_id": w.Org.ID, "from": "2026-03-01", "to": "2026-03-31"}, Status: http.StatusUnauthorized},
		Scenario{Name: "list requests signed out", Method: "GET", Path: "/api/v1/certificate-requests", Status: http.StatusUnauthorized},
		Scenario{Name: "decide signed out", Method: "POST", Path: "/api/v1/certificate-requests/" + request[apptest.Community] + "/decision", Body: map[string]any{"issue": true}, Status: http.StatusUnauthorized},
		Scenario{Name: "openapi requests", Method: "GET", Path: "/api/v1/openapi.json", Status: http.StatusOK, Contains: []string{"/api/v1/certificate-requests/{id}/decision"}},
		Scenario{Name: "seal signed out", Method: "PUT", Path: fmt.Sprintf("/api/v1/certificate-seals/%d", w.Org.ID), Body: map[string]any{"image": certtest.SealPNG()}, Status: http.StatusUnauthorized},
	)
	apptest.RunScenarios(t, e, out)
	// The matrix decided nothing.
	if res := e.API("GET", "/api/v1/certificate-requests?status=pending", e.Token(auth.CityStaff, apptest.City), nil); !strings.Contains(res.Body, `"id":`+request[apptest.Community]+`,`) ||
		!strings.Contains(res.Body, `"id":`+request[apptest.SiblingCommunity]+`,`) {
		t.Errorf("requests after the matrix: %s", res.Body)
	}
	// The matrix revoked nothing.
	for _, n := range cert {
		if res := e.API("GET", "/api/v1/verify/"+n, "", nil); res.StatusCode != 200 || !strings.Contains(res.Body, `"status":"valid"`) {
			t.Errorf("%s after the matrix: %s", n, res.Body)
		}
	}
}
