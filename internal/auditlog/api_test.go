package auditlog_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/i18n"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func withLang(ctx context.Context, lang string) context.Context { return i18n.With(ctx, lang) }

func TestAPI(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	change(t, e, 555)
	tok := e.Token(auth.Auditor, apptest.City)
	res := e.API("GET", "/api/v1/audit?action=division.profile&object_type=division&object_id="+apptest.Community, tok, nil)
	must(t, res, http.StatusOK)
	var out struct {
		Items []struct {
			ID     int64          `json:"id"`
			Actor  string         `json:"actor"`
			Role   string         `json:"role"`
			Action string         `json:"action"`
			Detail map[string]any `json:"detail"`
			Hash   string         `json:"hash"`
		} `json:"items"`
		Page int  `json:"page"`
		More bool `json:"more"`
	}
	res.JSON(t, &out)
	if len(out.Items) != 1 || out.Page != 1 || out.More {
		t.Fatalf("%+v", out)
	}
	it := out.Items[0]
	after, _ := it.Detail["after"].(map[string]any)
	if it.Actor != apptest.Name(auth.CommunityWorker, apptest.Community) || it.Role != "community_worker" || fmt.Sprint(after["population"]) != "555" || len(it.Hash) != 64 {
		t.Errorf("item %+v", it)
	}
	res = e.API("GET", "/api/v1/audit?from=tomorrow&result=x", tok, nil)
	must(t, res, http.StatusUnprocessableEntity, `"location":"from"`, `"location":"result"`)
	res = e.API("GET", "/api/v1/audit?page=2&per_page=1&action=auth.", tok, nil)
	must(t, res, http.StatusOK, `"page":2`)
}

// A read refused because the record lies outside the caller's area answers
// 404 and leaves a denied record that the auditor finds.
func TestRefusedReadIsAudited(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	res := e.API("GET", "/api/v1/divisions/"+apptest.CousinCommunity, e.Token(auth.TownshipStaff, apptest.Township), nil)
	must(t, res, http.StatusNotFound)
	res = e.API("GET", "/api/v1/audit?action=division.read&result=denied", e.Token(auth.Auditor, apptest.City), nil)
	must(t, res, http.StatusOK, `"object_id":"`+apptest.CousinCommunity+`"`, `"actor":"`+apptest.Name(auth.TownshipStaff, apptest.Township)+`"`,
		`"role":"township_staff"`, `"area":"`+apptest.Township+`"`, `"reason":"outside area"`)
	recs := records(t, e, audit.Filter{Action: "division.read", Result: audit.Denied})
	if len(recs) != 1 || recs[0].ObjectID != apptest.CousinCommunity {
		t.Fatalf("denied records %+v", recs)
	}
}
