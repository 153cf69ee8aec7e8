package rating_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/rating"
)

// facility adds a facility in use at a community and returns its id.
func facility(t *testing.T, e *apptest.Env, code, name string) int64 {
	t.Helper()
	res := e.API("POST", "/api/v1/facilities", e.Token(auth.CityStaff, apptest.City), map[string]any{"division_code": code, "kind": "culture",
		"name": name, "status": "in_use", "hours": []string{"09:00-17:00", "", "", "", "", "", ""}})
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("facility: %d %s", res.StatusCode, res.Body)
	}
	var f struct{ Facility struct{ ID int64 } }
	res.JSON(t, &f)
	return f.Facility.ID
}

// A 差评 opens a rectification owed by the facility's community; staff
// of that community reply; the rater reads the reply and is told in the
// inbox; figures count levels and rectifications.
func TestBadRatingRectifiedAndReplied(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	fid := facility(t, e, apptest.Community, "文化活动室")
	resident := e.Token(auth.Resident, apptest.Community)
	// A bad rating needs a comment; bad input keeps nothing.
	if res := e.API("POST", "/api/v1/ratings", resident, map[string]any{"kind": "facility", "id": fid, "level": 1}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("no comment: %d %s", res.StatusCode, res.Body)
	}
	if res := e.API("POST", "/api/v1/ratings", resident, map[string]any{"kind": "boat", "id": fid, "level": 4}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("unknown kind: %d %s", res.StatusCode, res.Body)
	}
	res := e.API("POST", "/api/v1/ratings", resident, map[string]any{"kind": "facility", "id": fid, "level": 2, "comment": "晚上不开门"})
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("rate: %d %s", res.StatusCode, res.Body)
	}
	var r rating.Rating
	res.JSON(t, &r)
	today := e.App.Ratings.Today()
	due, _ := time.Parse("2006-01-02", today)
	if r.Rectification != rating.Open || r.DueOn != due.AddDate(0, 0, rating.DueDays).Format("2006-01-02") || r.DivisionCode != apptest.Community || !r.Mine {
		t.Fatalf("rating %+v", r)
	}
	// Once per subject and occasion.
	if res := e.API("POST", "/api/v1/ratings", resident, map[string]any{"kind": "facility", "id": fid, "level": 5}); res.StatusCode != http.StatusConflict {
		t.Fatalf("twice: %d %s", res.StatusCode, res.Body)
	}
	if res := e.API("POST", "/api/v1/ratings", resident, map[string]any{"kind": "facility", "id": fid, "level": 5, "occasion": "2026-11 活动"}); res.StatusCode != http.StatusCreated {
		t.Fatalf("another occasion: %d %s", res.StatusCode, res.Body)
	}
	// A resident of another community cannot rate it.
	if res := e.API("POST", "/api/v1/ratings", e.Token(auth.Resident, apptest.SiblingCommunity), map[string]any{"kind": "facility", "id": fid, "level": 5}); res.StatusCode != http.StatusNotFound {
		t.Fatalf("outside rater: %d %s", res.StatusCode, res.Body)
	}
	path := "/api/v1/ratings/" + strconv.FormatInt(r.ID, 10)
	// Staff of the sibling community neither see nor reply.
	if res := e.API("POST", path+"/reply", e.Token(auth.CommunityWorker, apptest.SiblingCommunity), map[string]any{"reply": "已整改"}); res.StatusCode != http.StatusNotFound {
		t.Fatalf("sibling reply: %d %s", res.StatusCode, res.Body)
	}
	if res := e.API("POST", path+"/reply", e.Token(auth.GridWorker, apptest.Community), map[string]any{"reply": "已整改"}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("grid worker reply: %d %s", res.StatusCode, res.Body)
	}
	var fig rating.RatingFigures
	e.API("GET", "/api/v1/rating-figures?division="+apptest.Township, e.Token(auth.TownshipStaff, apptest.Township), nil).JSON(t, &fig)
	if fig.Total != 2 || fig.ByLevel[2] != 1 || fig.ByLevel[5] != 1 || fig.GoodShare != 50 || fig.Open != 1 || fig.Overdue != 0 || fig.Done != 0 {
		t.Fatalf("figures %+v", fig)
	}
	// Sixteen days on, it is overdue.
	later := time.Now().Add(16 * 24 * time.Hour)
	e.App.Ratings.Now = func() time.Time { return later }
	var list struct{ Items []rating.Rating }
	e.API("GET", "/api/v1/ratings?rectification=overdue", e.Token(auth.CommunityWorker, apptest.Community), nil).JSON(t, &list)
	if len(list.Items) != 1 || !list.Items[0].Overdue || list.Items[0].Mine {
		t.Fatalf("overdue %+v", list.Items)
	}
	if res := e.API("POST", path+"/reply", e.Token(auth.CommunityWorker, apptest.Community), map[string]any{"reply": "已调整为晚上九点关门"}); res.StatusCode != http.StatusOK {
		t.Fatalf("reply: %d %s", res.StatusCode, res.Body)
	}
	if res := e.API("POST", path+"/reply", e.Token(auth.CommunityWorker, apptest.Community), map[string]any{"reply": "再答"}); res.StatusCode != http.StatusConflict {
		t.Fatalf("second reply: %d %s", res.StatusCode, res.Body)
	}
	var mine rating.Rating
	e.API("GET", path, resident, nil).JSON(t, &mine)
	if mine.Rectification != rating.Done || mine.Reply != "已调整为晚上九点关门" || mine.RepliedAt == nil {
		t.Fatalf("rater reads %+v", mine)
	}
	// Another resident does not see it.
	if res := e.API("GET", path, e.Token(auth.Resident, apptest.SiblingCommunity), nil); res.StatusCode != http.StatusNotFound {
		t.Fatalf("another resident: %d", res.StatusCode)
	}
	// The inbox tells the rater.
	inbox := e.Session(auth.Resident, apptest.Community).Get("/inbox")
	if !strings.Contains(inbox.Body, "文化活动室") {
		t.Fatalf("inbox: %d %.1500s", inbox.StatusCode, inbox.Body)
	}
	e.API("GET", "/api/v1/rating-figures", e.Token(auth.CommunityWorker, apptest.Community), nil).JSON(t, &fig)
	if fig.Open != 0 || fig.Done != 1 {
		t.Fatalf("figures after %+v", fig)
	}
	// The export holds the rating, never the rater.
	x := e.Session(auth.CommunityWorker, apptest.Community).Get("/ratings/export.xlsx")
	if x.StatusCode != http.StatusOK || !strings.Contains(x.Header.Get("Content-Type"), "spreadsheet") {
		t.Fatalf("export: %d %s", x.StatusCode, x.Header.Get("Content-Type"))
	}
}

// Workers in post are rated as the worker kind, at their community.
func TestRateWorker(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	res := e.API("POST", "/api/v1/workers", e.Token(auth.CityStaff, apptest.City), map[string]any{"community_code": apptest.Community, "name": "李书记",
		"phone": "13900000001", "post": "party_secretary", "in_post_from": "2022-01-01"})
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("worker: %d %s", res.StatusCode, res.Body)
	}
	var w struct{ ID int64 }
	res.JSON(t, &w)
	sub, err := e.App.Ratings.Subject(auth.With(context.Background(), &auth.Principal{UserID: 1, Role: auth.Resident, Area: auth.AreaOf(apptest.Community, 5)}), "worker", w.ID)
	if err != nil || !strings.HasPrefix(sub.Name, "李书记") || sub.DivisionCode != apptest.Community {
		t.Fatalf("subject %+v %v", sub, err)
	}
	if res := e.API("POST", "/api/v1/ratings", e.Token(auth.Resident, apptest.Community), map[string]any{"kind": "worker", "id": w.ID, "level": 5}); res.StatusCode != http.StatusCreated {
		t.Fatalf("rate worker: %d %s", res.StatusCode, res.Body)
	}
}
