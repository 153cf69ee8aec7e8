package request_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/request"
)

// between is the part of body from the element with id to the end tag
// that closes it (the first one; the blocks checked do not nest their own
// tag).
func between(t *testing.T, body, id, end string) string {
	t.Helper()
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	j := strings.Index(body[i:], end)
	if j < 0 {
		t.Fatalf("%s is not closed", id)
	}
	return body[i : i+j]
}

// TestUnitPageShowsTheNextStep: the handling unit's page of a request
// names the unit it acts for and shows the step its state asks for first
// (签收 when dispatched, 答复 once accepted) with the unit's other steps
// folded under 其他操作; each step asks for confirmation. The page stacked
// 签收, 退单, 答复, 延期 and 申诉 with equal weight.
func TestUnitPageShowsTheNextStep(t *testing.T) {
	f := setup(t)
	e := f.e
	resident := as(t, e, auth.Resident, apptest.Community)
	township := as(t, e, auth.TownshipStaff, apptest.Township)
	r, err := f.s.Create(resident, request.Intake{DivisionCode: apptest.Community, CategoryCode: "utility.water",
		Description: "楼道里的水管漏水三天了", Address: "游园小区 3 号楼", Phone: "13812345678"})
	if err != nil {
		t.Fatal(err)
	}
	act(t, f, township, r.ID, request.Action{Action: request.ActDispatch, UnitID: f.water.ID})
	unit := e.Session(auth.HandlingUnit, apptest.County)
	path := fmt.Sprintf("/requests/%d", r.ID)
	page := func(c *apptest.Client) string {
		t.Helper()
		res := c.Get(path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, res.StatusCode)
		}
		return res.Body
	}
	check := func(state, body, next string, folded, absent []string) {
		t.Helper()
		if !strings.Contains(body, `id="acting-for"`) || !strings.Contains(body, "您代表：桃城区供水公司办理") {
			t.Errorf("%s: the page does not say which unit the account acts for", state)
		}
		first := between(t, body, "next-step", "</form>")
		if !strings.Contains(first, `data-action="`+next+`"`) || !strings.Contains(first, `id="act-`+next+`"`) {
			t.Errorf("%s: next step %q, want %s", state, first, next)
		}
		if !strings.Contains(first, `id="`+next+`-submit">`) {
			t.Errorf("%s: the next step's button is not the primary one: %s", state, first)
		}
		more := between(t, body, "more-actions", "</details>")
		if !strings.Contains(body, `<summary>其他操作</summary>`) {
			t.Errorf("%s: no 其他操作", state)
		}
		for _, a := range folded {
			if !strings.Contains(more, `id="act-`+a+`"`) {
				t.Errorf("%s: %s is not folded under 其他操作", state, a)
			}
			if strings.Contains(first, `id="act-`+a+`"`) {
				t.Errorf("%s: %s is shown as the next step", state, a)
			}
		}
		if strings.Contains(more, `id="act-`+next+`"`) {
			t.Errorf("%s: the next step %s is folded too", state, next)
		}
		for _, a := range absent {
			if strings.Contains(body, `id="act-`+a+`"`) {
				t.Errorf("%s: %s is offered", state, a)
			}
		}
		for _, a := range append([]string{next}, folded...) {
			form := between(t, body, "act-"+a, ">")
			if !strings.Contains(form, "data-confirm=") || !strings.Contains(form, "data-confirm-yes=") {
				t.Errorf("%s: %s has no confirmation: %s", state, a, form)
			}
		}
	}
	check("dispatched", page(unit), "accept", []string{"reply", "return", "extend", "appeal"}, nil)
	if res := unit.PostForm(path+"/act", url.Values{"action": {"accept"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d %s", res.StatusCode, res.Body)
	}
	check("accepted", page(unit), "reply", []string{"extend", "appeal"}, []string{"accept", "return"})

	// Staff above see no next step of the unit's and act for no unit.
	staff := page(e.Session(auth.TownshipStaff, apptest.Township))
	if strings.Contains(staff, `id="next-step"`) || strings.Contains(staff, `id="acting-for"`) {
		t.Errorf("the township's page shows the unit's next step")
	}
	// Replied: nothing left for the unit to do first.
	if res := unit.PostForm(path+"/act", url.Values{"action": {"reply"}, "note": {"已更换破损管段"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply: %d %s", res.StatusCode, res.Body)
	}
	if body := page(unit); strings.Contains(body, `id="next-step"`) {
		t.Errorf("replied: a next step is still shown")
	}
}

// TestReplyNeedsPhotoWhereTheCategoryAsks: a category (or its group) may
// ask for a photo of the work done with each reply; a reply without one is
// refused naming the photos, in the service, on the page and in the API,
// and a reply with one keeps it as the reply's evidence.
func TestReplyNeedsPhotoWhereTheCategoryAsks(t *testing.T) {
	f := setup(t)
	e := f.e
	resident := as(t, e, auth.Resident, apptest.Community)
	township := as(t, e, auth.TownshipStaff, apptest.Township)
	city := as(t, e, auth.CityStaff, apptest.City)
	// The group asks for it; its leaves follow.
	cats, err := f.s.Categories(city)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cats {
		if c.Code == "utility" {
			c.ReplyPhoto = true
			if err := f.s.SaveCategory(city, c); err != nil {
				t.Fatal(err)
			}
		}
	}
	newRequest := func(cat string) *request.Request {
		t.Helper()
		r, err := f.s.Create(resident, request.Intake{DivisionCode: apptest.Community, CategoryCode: cat,
			Description: "楼道里的水管漏水三天了", Address: "游园小区 3 号楼", Phone: "13812345678"})
		if err != nil {
			t.Fatal(err)
		}
		act(t, f, township, r.ID, request.Action{Action: request.ActDispatch, UnitID: f.water.ID})
		act(t, f, f.unitCtx, r.ID, request.Action{Action: request.ActAccept})
		return r
	}

	// The service.
	r := newRequest("utility.water")
	_, err = f.s.Act(f.unitCtx, r.ID, request.Action{Action: request.ActReply, Note: "已处理"})
	if code(err) != errs.EINVALID {
		t.Fatalf("a reply without a photo: %v", err)
	}
	if fe := errs.As(err).Fields; len(fe) != 1 || fe[0].Field != "photos" || fe[0].Key != "request.reply_photo_needed" {
		t.Fatalf("a reply without a photo: %+v", fe)
	}
	// A category that does not ask takes a reply without one.
	other := newRequest("city.garbage")
	act(t, f, f.unitCtx, other.ID, request.Action{Action: request.ActReply, Note: "已清运"})

	// The API names the field.
	tok := e.Token(auth.HandlingUnit, apptest.County)
	res := e.API("POST", fmt.Sprintf("/api/v1/requests/%d/actions", r.ID), tok, map[string]any{"action": "reply", "note": "已处理"})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"photos"`) {
		t.Fatalf("API reply without a photo: %d %s", res.StatusCode, res.Body)
	}
	res = e.API("GET", "/api/v1/requests/categories", tok, nil)
	if !strings.Contains(res.Body, `"reply_photo":true`) {
		t.Errorf("the category's setting is not in the API: %s", res.Body)
	}

	// The page: the form says a photo is needed; without one it is refused
	// in words, with one it is kept and shown with the reply.
	unit := e.Session(auth.HandlingUnit, apptest.County)
	path := fmt.Sprintf("/requests/%d", r.ID)
	if body := unit.Get(path).Body; !strings.Contains(body, "此类诉求答复须附现场照片") || !strings.Contains(between(t, body, "f-reply-photos", ">"), "required") {
		t.Errorf("the reply form does not ask for a photo")
	}
	post := func(photo []byte) *apptest.Response {
		t.Helper()
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		for k, v := range map[string]string{"csrf": unit.CSRF(), "action": "reply", "note": "已更换破损管段"} {
			_ = mw.WriteField(k, v)
		}
		if photo != nil {
			fw, _ := mw.CreateFormFile("photos", "IMG_2.jpg")
			_, _ = fw.Write(photo)
		}
		_ = mw.Close()
		req, _ := http.NewRequest(http.MethodPost, e.URL+path+"/act", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		hr, err := unit.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer hr.Body.Close()
		b, _ := io.ReadAll(hr.Body)
		return &apptest.Response{StatusCode: hr.StatusCode, Body: string(b), Header: hr.Header}
	}
	if res := post(nil); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "“停水漏水”类诉求答复须附至少一张现场照片") {
		t.Fatalf("page reply without a photo: %d", res.StatusCode)
	}
	if res := post(jpegBytes()); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("page reply with a photo: %d %s", res.StatusCode, res.Body)
	}
	got, err := f.s.Get(f.unitCtx, r.ID)
	if err != nil || got.Status != request.StatusReplied || len(got.ReplyPhotos) != 1 || len(got.Photos) != 0 {
		t.Fatalf("after the reply: %+v %v", got, err)
	}
	// The resident sees the evidence with the reply.
	body := e.Session(auth.Resident, apptest.Community).Get(path)
	if img := fmt.Sprintf(`/requests/%d/photos/%d`, r.ID, got.ReplyPhotos[0]); !strings.Contains(between(t, body.Body, "request-reply", "</dd>"), img) {
		t.Errorf("the reply's photo is not shown with it")
	} else if p := e.Session(auth.Resident, apptest.Community).Get(img); p.StatusCode != http.StatusOK {
		t.Errorf("the reply's photo: %d", p.StatusCode)
	}
}
