package app_test

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/rating"
)

// The rating slice's routes × every role × own and sibling community: a
// rating is read by staff of its area and by its rater, replied to by
// office staff of its area; residents rate the subjects of their own
// community only.
func TestRatingAPIScenarios(t *testing.T) {
	t.Parallel()
	apptest.RunIsolated(t, func(t *testing.T, e *apptest.Env) []Scenario {
		city := e.Token(auth.CityStaff, apptest.City)
		ratings, fresh := map[string]string{}, map[string]int64{}
		for _, c := range []string{apptest.Community, apptest.SiblingCommunity, apptest.CousinCommunity, apptest.FarCommunity} {
			var ids [2]int64
			for i := range ids {
				res := e.API("POST", "/api/v1/facilities", city, map[string]any{"division_code": c, "kind": "culture", "name": fmt.Sprintf("活动室%d-%s", i, c),
					"status": "in_use", "hours": []string{"09:00-17:00", "", "", "", "", "", ""}})
				if res.StatusCode != http.StatusCreated {
					t.Fatalf("facility: %d %s", res.StatusCode, res.Body)
				}
				var f struct{ Facility struct{ ID int64 } }
				res.JSON(t, &f)
				ids[i] = f.Facility.ID
			}
			res := e.API("POST", "/api/v1/ratings", e.Token(auth.Resident, c), map[string]any{"kind": "facility", "id": ids[0], "level": 1, "comment": "差评" + c})
			if res.StatusCode != http.StatusCreated {
				t.Fatalf("rating: %d %s", res.StatusCode, res.Body)
			}
			var r rating.Rating
			res.JSON(t, &r)
			ratings[c], fresh[c] = strconv.FormatInt(r.ID, 10), ids[1]
		}
		var out []Scenario
		for role, area := range home {
			read := slices.Contains(rating.ReadRoles, role)
			reply := slices.Contains(rating.ReplyRoles, role)
			for _, rel := range []string{"own", "sibling"} {
				code := communityIn(area, rel)
				if code == "" {
					continue
				}
				inside := rel == "own"
				name := fmt.Sprintf("%s/%s", role, rel)
				p := "/api/v1/ratings/" + ratings[code]
				out = append(out,
					Scenario{Name: "get " + name, Method: "GET", Path: p, Role: role, Area: area,
						Status: expect(read || role == auth.Resident, inside, http.StatusOK, http.StatusNotFound)},
					Scenario{Name: "reply " + name, Method: "POST", Path: p + "/reply", Role: role, Area: area, Body: map[string]any{"reply": "已整改"},
						Status: expect(reply, inside, http.StatusOK, http.StatusNotFound)},
					Scenario{Name: "rate " + name, Method: "POST", Path: "/api/v1/ratings", Role: role, Area: area,
						Body:   map[string]any{"kind": "facility", "id": fresh[code], "level": 5},
						Status: expect(role == auth.Resident, inside, http.StatusCreated, http.StatusNotFound)},
					Scenario{Name: "figures " + name, Method: "GET", Path: "/api/v1/rating-figures?division=" + code, Role: role, Area: area,
						Status: expect(read, inside, http.StatusOK, http.StatusNotFound)},
				)
			}
			list := Scenario{Name: "list " + string(role), Method: "GET", Path: "/api/v1/ratings", Role: role, Area: area, Status: expect(read, true, http.StatusOK, 0)}
			if list.Status == http.StatusOK {
				list.Contains = []string{"差评" + apptest.Community}
				if area != apptest.City {
					list.NotContains = []string{"差评" + apptest.FarCommunity}
				}
			}
			mine := Scenario{Name: "mine " + string(role), Method: "GET", Path: "/api/v1/ratings/mine", Role: role, Area: area,
				Status: expect(role == auth.Resident, true, http.StatusOK, 0)}
			if role == auth.Resident {
				mine.Contains, mine.NotContains = []string{"差评" + apptest.Community}, []string{"差评" + apptest.SiblingCommunity}
			}
			out = append(out, list, mine)
		}
		out = append(out,
			Scenario{Name: "anonymous rate", Method: "POST", Path: "/api/v1/ratings", Body: map[string]any{"kind": "facility", "id": 1, "level": 5}, Status: http.StatusUnauthorized},
			Scenario{Name: "anonymous list", Method: "GET", Path: "/api/v1/ratings", Status: http.StatusUnauthorized},
			Scenario{Name: "unknown kind", Method: "POST", Path: "/api/v1/ratings", Role: auth.Resident, Area: apptest.Community,
				Body: map[string]any{"kind": "boat", "id": 1, "level": 5}, Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"kind"`}},
			Scenario{Name: "bad without comment", Method: "POST", Path: "/api/v1/ratings", Role: auth.Resident, Area: apptest.Community,
				Body: map[string]any{"kind": "facility", "id": fresh[apptest.Community], "level": 2}, Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"comment"`}},
			Scenario{Name: "rate twice", Method: "POST", Path: "/api/v1/ratings", Role: auth.Resident, Area: apptest.Community,
				Body: map[string]any{"kind": "facility", "id": fresh[apptest.Community] - 1, "level": 5}, Status: http.StatusConflict},
		)
		return out
	})
}
