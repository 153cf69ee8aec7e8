package app_test

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/idcard"
	"shequ/internal/proxy"
)

// TestProxyAPIScenarios: every role × its own, child, sibling and parent
// area on the 政务代办 routes: reading and moving a case, taking one, a
// community's offerings, the lists, figures and catalogue.
func TestProxyAPIScenarios(t *testing.T) {
	t.Parallel()
	first := "131102195203041"
	id := first + "23"
	id = id[:17] + string(idcard.CheckChar(id[:17]))
	apptest.RunIsolated(t, func(t *testing.T, e *apptest.Env) []Scenario {
		s := e.App.Proxy
		cases := map[string]string{}
		var svc proxy.ServiceEntry
		for _, c := range []string{apptest.Community, apptest.SiblingCommunity, apptest.CousinCommunity, apptest.FarCommunity} {
			all, err := s.Offerings(e.Ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			svc = all[0]
			if err := s.SetOfferings(e.Ctx, c, []int64{all[0].ID, all[1].ID}); err != nil {
				t.Fatal(err)
			}
			k, err := s.Create(e.Ctx, proxy.CaseIntake{CommunityCode: c, ServiceID: svc.ID, Name: "李" + c[9:], Phone: "13800138000", IDNumber: id})
			if err != nil {
				t.Fatal(err)
			}
			cases[c] = strconv.FormatInt(k.ID, 10)
		}
		var out []Scenario
		for role, area := range home {
			read := slices.Contains(proxy.ReadRoles, role) && role != auth.Resident
			handle := slices.Contains(proxy.HandleRoles, role)
			staff := slices.Contains(auth.AreaStaff(), role)
			for rel := range relatives(area) {
				code := communityIn(area, rel)
				if code == "" {
					continue
				}
				inside := rel == "own" || rel == "child"
				name := fmt.Sprintf("%s/%s", role, rel)
				get, act, create, offer := http.StatusOK, http.StatusOK, http.StatusCreated, http.StatusOK
				switch {
				case role == auth.Resident:
					get = http.StatusNotFound // not theirs
				case !read:
					get = http.StatusForbidden
				case !inside:
					get = http.StatusNotFound
				}
				switch {
				case !handle:
					act = http.StatusForbidden
				case !inside:
					act = http.StatusNotFound
				}
				switch {
				case role == auth.Resident:
					create = http.StatusCreated // always at their own community
				case !handle:
					create = http.StatusForbidden
				case !inside:
					create = http.StatusUnprocessableEntity
				}
				switch {
				case !staff:
					offer = http.StatusForbidden
				case !inside:
					offer = http.StatusNotFound
				}
				setOffer := offer
				if !slices.Contains(proxy.OfferRoles, role) {
					setOffer = http.StatusForbidden
				}
				path := "/api/v1/proxy/cases/" + cases[code]
				var has []string
				if get == http.StatusOK {
					has = []string{`"community_code":"` + code + `"`, `"phone":"138****8000"`}
				}
				out = append(out,
					Scenario{Name: "get case " + name, Method: "GET", Path: path, Role: role, Area: area, Status: get, Contains: has,
						NotContains: []string{"13800138000", id}},
					Scenario{Name: "check case " + name, Method: "POST", Path: path + "/transitions", Role: role, Area: area,
						Body: map[string]any{"action": "check", "checked": svc.Materials}, Status: act},
					Scenario{Name: "take case " + name, Method: "POST", Path: "/api/v1/proxy/cases", Role: role, Area: area,
						Body:   map[string]any{"community_code": code, "service_id": svc.ID, "name": "赵大爷", "phone": "13700137000", "id_number": id},
						Status: create},
					Scenario{Name: "offerings " + name, Method: "GET", Path: "/api/v1/proxy/offerings/" + code, Role: role, Area: area, Status: offer},
					Scenario{Name: "set offerings " + name, Method: "PUT", Path: "/api/v1/proxy/offerings/" + code, Role: role, Area: area,
						Body: map[string]any{"service_ids": []int64{svc.ID}}, Status: setOffer},
				)
			}
			list, figures := http.StatusOK, http.StatusOK
			if !slices.Contains(proxy.ReadRoles, role) {
				list = http.StatusForbidden
			}
			if !slices.Contains(auth.AreaStaff(), role) {
				figures = http.StatusForbidden
			}
			l := Scenario{Name: "list cases " + string(role), Method: "GET", Path: "/api/v1/proxy/cases?per_page=200", Role: role, Area: area, Status: list}
			if list == http.StatusOK && role != auth.Resident {
				l.Contains = []string{`"community_code":"` + apptest.Community + `"`}
				if area != apptest.City {
					l.NotContains = []string{`"community_code":"` + apptest.FarCommunity + `"`}
				}
			}
			if role == auth.Resident {
				l.Contains = []string{`"items":[]`}
			}
			out = append(out, l,
				Scenario{Name: "figures " + string(role), Method: "GET", Path: "/api/v1/proxy/figures", Role: role, Area: area, Status: figures},
				Scenario{Name: "catalogue " + string(role), Method: "GET", Path: "/api/v1/proxy/services", Role: role, Area: area, Status: list},
			)
		}
		fixed := []Scenario{
			{Name: "anonymous list", Method: "GET", Path: "/api/v1/proxy/cases", Status: http.StatusUnauthorized},
			{Name: "anonymous catalogue", Method: "GET", Path: "/api/v1/proxy/services", Status: http.StatusUnauthorized},
			{Name: "unknown case", Method: "GET", Path: "/api/v1/proxy/cases/999999", Role: auth.CityStaff, Area: apptest.City, Status: http.StatusNotFound},
			{Name: "figures outside", Method: "GET", Path: "/api/v1/proxy/figures?division=" + apptest.SiblingTownship, Role: auth.TownshipStaff, Area: apptest.Township, Status: http.StatusNotFound},
			{Name: "unknown action", Method: "POST", Path: "/api/v1/proxy/cases/" + cases[apptest.Community] + "/transitions", Role: auth.CommunityWorker, Area: apptest.Community,
				Body: map[string]any{"action": "approve"}, Status: http.StatusUnprocessableEntity},
			{Name: "reveal by a grid worker", Method: "POST", Path: "/api/v1/proxy/cases/" + cases[apptest.Community] + "/reveal", Role: auth.GridWorker, Area: apptest.Community,
				Body: map[string]any{"reason": "核对身份"}, Status: http.StatusForbidden},
			{Name: "reveal outside", Method: "POST", Path: "/api/v1/proxy/cases/" + cases[apptest.SiblingCommunity] + "/reveal", Role: auth.CommunityWorker, Area: apptest.Community,
				Body: map[string]any{"reason": "核对身份"}, Status: http.StatusNotFound},
			{Name: "reveal", Method: "POST", Path: "/api/v1/proxy/cases/" + cases[apptest.Community] + "/reveal", Role: auth.TownshipStaff, Area: apptest.Township,
				Body: map[string]any{"reason": "核对身份"}, Status: http.StatusOK, Contains: []string{"13800138000", id}},
			{Name: "rating by staff", Method: "POST", Path: "/api/v1/proxy/cases/" + cases[apptest.Community] + "/rating", Role: auth.CommunityWorker, Area: apptest.Community,
				Body: map[string]any{"rating": 5}, Status: http.StatusForbidden},
			{Name: "offer all outside", Method: "POST", Path: "/api/v1/proxy/offerings/offer-all", Role: auth.TownshipStaff, Area: apptest.Township,
				Body: map[string]any{"division_code": apptest.SiblingTownship}, Status: http.StatusUnprocessableEntity},
			{Name: "offer all", Method: "POST", Path: "/api/v1/proxy/offerings/offer-all", Role: auth.TownshipStaff, Area: apptest.Township,
				Body: map[string]any{"division_code": apptest.Township}, Status: http.StatusOK, Contains: []string{`"added":`}},
			// Two services offered is not enough: the communities are listed
			// as not covered, each with the page that makes it count.
			{Name: "coverage missing list", Method: "GET", Path: "/api/v1/indicators/proxy_service_coverage/missing?division=" + apptest.Township, Role: auth.TownshipStaff, Area: apptest.Township,
				Status: http.StatusOK, Contains: []string{`"remedy":"/proxy/offerings?community=` + apptest.Community + `"`}},
			{Name: "openapi", Method: "GET", Path: "/api/v1/openapi.json", Status: http.StatusOK, Contains: []string{`/api/v1/proxy/cases/{id}/transitions`}},
		}
		return append(out, fixed...)
	})
}
