package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"shequ/internal/app"
	"shequ/internal/app/apptest"
	"shequ/internal/person"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/idcard"
)

// areaContains says whether an account's area holds a code.
func areaContains(area, code string) bool {
	lvl := 5
	for i, n := range []int{10, 8, 6, 3} {
		if strings.HasSuffix(area, strings.Repeat("0", n)) {
			lvl = i + 1
			break
		}
	}
	return auth.AreaOf(area, lvl).Contains(code)
}

type seeded struct {
	id                     int64
	community, name, idNum string
	phone                  string
}

// seedPersons adds one person in each community of the fixture that the
// matrix needs, each in the elderly group.
func seedPersons(t *testing.T, e *apptest.Env) []seeded {
	s := person.NewService(e.App.DB, e.App.Audit, e.App.Keys)
	var out []seeded
	for i, c := range []string{apptest.Community, apptest.SiblingCommunity, apptest.CousinCommunity, apptest.FarCommunity} {
		first := fmt.Sprintf("131102194%d0101%03d", i, 100+i)
		id := first + string(idcard.CheckChar(first))
		name := fmt.Sprintf("矩阵测试%d", i)
		g := []person.Membership{{Group: person.GroupElderly, Kinds: []string{"living_alone"}, Start: "2024-01-01", Basis: "入户核查"}}
		phone := fmt.Sprintf("1391234567%d", i)
		p, err := s.Create(app.SystemContext(t.Context()), person.PersonPatch{CommunityCode: &c, Name: &name, IDNumber: &id, Phone: &phone, Groups: &g})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, seeded{p.ID, c, name, id, phone})
	}
	return out
}

// personScenarios: every person route × role × the people of own, sibling,
// cousin and far communities.
func personScenarios(people []seeded) []Scenario {
	var out []Scenario
	n := 0
	for role, area := range home {
		keep := slices.Contains(person.KeepRoles, role)
		reveal := slices.Contains(person.RevealRoles, role)
		listWant := http.StatusForbidden
		var has, not []string
		if keep {
			listWant = http.StatusOK
			for _, p := range people {
				if areaContains(area, p.community) {
					has = append(has, p.name)
				} else {
					not = append(not, p.name)
				}
			}
		}
		for _, p := range people {
			not = append(not, p.idNum)
		}
		out = append(out, Scenario{Name: "list " + string(role), Method: "GET", Path: "/api/v1/persons?per_page=200", Role: role, Area: area,
			Status: listWant, Contains: has, NotContains: not})
		out = append(out, Scenario{Name: "list group " + string(role), Method: "GET", Path: "/api/v1/persons?group=elderly_special", Role: role, Area: area,
			Status: listWant, Contains: has, NotContains: not})
		// Exact searches by sealed fields: whole values and a reason only
		// (platform/lookup); a refusal takes nothing from the limit.
		bad := http.StatusForbidden
		if keep {
			bad = http.StatusUnprocessableEntity
		}
		out = append(out,
			Scenario{Name: "search partial phone " + string(role), Method: "GET", Path: "/api/v1/persons?reason=" + searchReason + "&phone=" + people[0].phone[:7],
				Role: role, Area: area, Status: bad, NotContains: []string{people[0].name}},
			Scenario{Name: "search partial id " + string(role), Method: "GET", Path: "/api/v1/persons?reason=" + searchReason + "&id_number=" + people[0].idNum[:14],
				Role: role, Area: area, Status: bad, NotContains: []string{people[0].name}},
			Scenario{Name: "search without reason " + string(role), Method: "GET", Path: "/api/v1/persons?phone=" + people[0].phone,
				Role: role, Area: area, Status: bad, NotContains: []string{people[0].name}})
		for _, p := range people {
			inside := areaContains(area, p.community)
			s := Scenario{Role: role, Area: area, Status: listWant, NotContains: []string{p.idNum, p.phone}}
			if keep && inside {
				s.Contains = []string{p.name}
			} else {
				s.NotContains = append(s.NotContains, p.name)
			}
			byPhone, byID := s, s
			byPhone.Name, byPhone.Method, byPhone.Path = fmt.Sprintf("search phone %s@%s→%s", role, area, p.community), "GET", "/api/v1/persons?reason="+searchReason+"&phone="+p.phone
			byID.Name, byID.Method, byID.Path = fmt.Sprintf("search id %s@%s→%s", role, area, p.community), "GET", "/api/v1/persons?reason="+searchReason+"&id_number="+p.idNum
			out = append(out, byPhone, byID)
		}
		for _, p := range people {
			inside := areaContains(area, p.community)
			read := http.StatusForbidden
			rv := http.StatusForbidden
			switch {
			case !keep:
			case !inside:
				read = http.StatusNotFound
				if reveal {
					rv = http.StatusNotFound
				}
			default:
				read = http.StatusOK
				if reveal {
					rv = http.StatusOK
				}
			}
			name := fmt.Sprintf("%s@%s→%s", role, area, p.community)
			path := "/api/v1/persons/" + strconv.FormatInt(p.id, 10)
			get := Scenario{Name: "get " + name, Method: "GET", Path: path, Role: role, Area: area, Status: read, NotContains: []string{p.idNum}}
			if read == http.StatusOK {
				get.Contains = []string{p.name, `"id_number":"****************`}
			}
			n++
			patch := Scenario{Name: "patch " + name, Method: "PATCH", Path: path, Role: role, Area: area,
				Body: map[string]any{"household": fmt.Sprintf("配偶 测试%d", n)}, Status: read}
			rev := Scenario{Name: "reveal " + name, Method: "POST", Path: path + "/reveal", Role: role, Area: area,
				Body: map[string]any{"reason": "核对身份办理补贴"}, Status: rv}
			if rv == http.StatusOK {
				rev.Contains = []string{p.idNum}
			} else {
				rev.NotContains = []string{p.idNum}
			}
			hist := Scenario{Name: "history " + name, Method: "GET", Path: path + "/history", Role: role, Area: area, Status: read, NotContains: []string{p.idNum}}
			out = append(out, get, patch, rev, hist)
		}
		// Create: a community inside the area, and one outside it.
		for _, c := range []string{apptest.Community, apptest.FarCommunity} {
			n++
			first := fmt.Sprintf("13110219500101%03d", n)
			body := map[string]any{"community_code": c, "name": fmt.Sprintf("新增测试%d", n), "id_number": first + string(idcard.CheckChar(first)),
				"groups": []map[string]any{{"group": "disability", "category": "physical", "grade": "2", "start": "2024-01-01", "basis": "残疾人证"}}}
			want := http.StatusForbidden
			if keep {
				want = http.StatusUnprocessableEntity
				if areaContains(area, c) {
					want = http.StatusCreated
				}
			}
			out = append(out, Scenario{Name: fmt.Sprintf("create %s in %s", role, c), Method: "POST", Path: "/api/v1/persons", Role: role, Area: area, Body: body, Status: want})
		}
	}
	return out
}

func TestPersonAPIScenarios(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	people := seedPersons(t, e)
	fixed := []Scenario{
		{Name: "anonymous list", Method: "GET", Path: "/api/v1/persons", Status: http.StatusUnauthorized},
		{Name: "anonymous reveal", Method: "POST", Path: fmt.Sprintf("/api/v1/persons/%d/reveal", people[0].id), Body: map[string]any{"reason": "x"}, Status: http.StatusUnauthorized},
		{Name: "reveal without reason", Method: "POST", Path: fmt.Sprintf("/api/v1/persons/%d/reveal", people[0].id), Role: auth.CommunityWorker, Area: apptest.Community,
			Body: map[string]any{"reason": " "}, Status: http.StatusUnprocessableEntity, NotContains: []string{people[0].idNum}},
		{Name: "bad filter", Method: "GET", Path: "/api/v1/persons?group=pirates", Role: auth.CityStaff, Area: apptest.City, Status: http.StatusUnprocessableEntity},
		{Name: "exact search", Method: "GET", Path: "/api/v1/persons?reason=" + searchReason + "&id_number=" + people[1].idNum, Role: auth.CityStaff, Area: apptest.City, Status: http.StatusOK,
			Contains: []string{people[1].name}, NotContains: []string{people[0].name, people[1].idNum}},
		{Name: "unknown person", Method: "GET", Path: "/api/v1/persons/999999", Role: auth.CityStaff, Area: apptest.City, Status: http.StatusNotFound},
	}
	apptest.RunScenarios(t, e, append(fixed, personScenarios(people)...))
	// Every reveal is audited with who, whom and why; a refused one too.
	var ok, denied int
	e.App.DB.Writer().QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'person.reveal' AND result = 'ok' AND detail LIKE '%核对身份办理补贴%'`).Scan(&ok)
	e.App.DB.Writer().QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'person.reveal' AND result = 'denied'`).Scan(&denied)
	if ok == 0 || denied == 0 {
		t.Errorf("reveal audit: %d ok, %d denied", ok, denied)
	}
	// Every exact search is audited with its reason, never the value.
	var searches, leaked int
	e.App.DB.Writer().QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'person.search' AND result = 'ok' AND detail LIKE '%` + searchText + `%'`).Scan(&searches)
	for _, p := range people {
		var n int
		e.App.DB.Writer().QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'person.search' AND (detail LIKE '%` + p.phone + `%' OR detail LIKE '%` + p.idNum + `%')`).Scan(&n)
		leaked += n
	}
	if searches == 0 || leaked != 0 {
		t.Errorf("search audit: %d searches, %d records with the searched value", searches, leaked)
	}
	// One account's 31st search in the window answers 429 (a fresh
	// account: the matrix's accounts have used some of theirs).
	for i := 1; i <= 31; i++ {
		want := http.StatusOK
		if i == 31 {
			want = http.StatusTooManyRequests
		}
		s := Scenario{Name: fmt.Sprintf("search %d", i), Method: "GET", Path: "/api/v1/persons?reason=" + searchReason + "&phone=" + people[1].phone,
			Role: auth.CommunityWorker, Area: apptest.SiblingCommunity, Status: want}
		if i == 31 {
			s.Contains = []string{"ETOOMANY"}
		}
		s.Test(t, e)
	}
}

// searchText is the reason the matrix gives its exact searches.
const searchText = "来电核对身份"

var searchReason = url.QueryEscape(searchText)
