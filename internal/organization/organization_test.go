package organization_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"shequ/internal/app/apptest"
	"shequ/internal/division"
	"shequ/internal/organization"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
)

func ptr[T any](v T) *T { return &v }

func newService(e *apptest.Env) *organization.Service {
	s := organization.NewService(e.App.DB, e.App.Audit)
	t, _ := time.ParseInLocation("2006-01-02 15:04", "2026-06-15 12:00", calendar.China)
	s.Now = func() time.Time { return t }
	return s
}

func valid(code string) organization.OrganizationPatch {
	return organization.OrganizationPatch{DivisionCode: ptr(code), Name: ptr("游园社区邻里互助会"), Registration: ptr("filed"),
		RegistrationNumber: ptr("衡桃社备字2023第015号"), Type: ptr("mutual_help"), FullTimeStaff: ptr(int64(3))}
}

func fields(t *testing.T, err error) map[string]string {
	t.Helper()
	if errs.Code(err) != errs.EINVALID {
		t.Fatalf("want EINVALID, got %v", err)
	}
	out := map[string]string{}
	for _, f := range errs.As(err).Fields {
		out[f.Field] = f.Key
	}
	return out
}

func TestServiceRules(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := newService(e)
	cw := e.As(auth.CommunityWorker, apptest.Community)
	bad := organization.OrganizationPatch{DivisionCode: ptr(apptest.Township), Name: ptr(""), Registration: ptr("licensed"),
		RegistrationNumber: ptr(""), Type: ptr("club"), FullTimeStaff: ptr(int64(-1))}
	got := fields(t, func() error { _, err := s.Create(cw, bad); return err }())
	want := map[string]string{"division_code": "organization.division_not_found", "name": "error.required", "registration": "error.one_of",
		"registration_number": "error.required", "type": "error.one_of", "full_time_staff": "error.negative"}
	for f, k := range want {
		if got[f] != k {
			t.Errorf("field %s: %q, want %q", f, got[f], k)
		}
	}
	o, err := s.Create(cw, valid(apptest.Community))
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != organization.Active || o.DivisionName == "" {
		t.Errorf("created %+v", o)
	}
	if _, err := s.Create(e.As(auth.GridWorker, apptest.Community), valid(apptest.Community)); errs.Code(err) != errs.EFORBIDDEN {
		t.Errorf("grid worker create: %v", err)
	}
	for _, r := range []auth.Role{auth.Resident, auth.Admin, auth.Auditor, auth.HandlingUnit} {
		if _, _, err := s.List(e.As(r, apptest.County), organization.Filter{}); errs.Code(err) != errs.EFORBIDDEN {
			t.Errorf("%s list: %v", r, err)
		}
	}
	sib := e.As(auth.CommunityWorker, apptest.SiblingCommunity)
	if _, err := s.Get(sib, o.ID); errs.Code(err) != errs.ENOTFOUND {
		t.Errorf("sibling get: %v", err)
	}
	// A county may place one at the county itself (an incubation base).
	county := e.As(auth.CountyStaff, apptest.County)
	p := valid(apptest.County)
	p.IncubationBase = ptr(true)
	p.Type = ptr("other")
	base, err := s.Create(county, p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(cw, base.ID); errs.Code(err) != errs.ENOTFOUND {
		t.Errorf("community reads a county's organisation: %v", err)
	}
	// Deregister: a future date is refused; a past one closes it, audited.
	if _, err := s.Deregister(county, base.ID, "2026-07-01", nil); fields(t, err)["deregistered_on"] != "organization.date_future" {
		t.Errorf("future deregistration: %v", err)
	}
	d, err := s.Deregister(county, base.ID, "", ptr(base.Version))
	if err != nil || d.Status != organization.Deregistered || d.DeregisteredOn != "2026-06-15" {
		t.Fatalf("deregister: %+v %v", d, err)
	}
	if _, err := s.Update(county, base.ID, organization.OrganizationPatch{Name: ptr("x"), Version: ptr(base.Version)}); errs.Code(err) != errs.ECONFLICT {
		t.Errorf("stale version: %v", err)
	}
	var detail string
	_ = e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT detail FROM audit_log WHERE action = 'organization.deregister' AND object_id = $1`, strconv.FormatInt(base.ID, 10)).Scan(&detail)
	if !strings.Contains(detail, `"before":{"deregistered_on":"","status":"active"}`) || !strings.Contains(detail, `"status":"deregistered"`) {
		t.Errorf("audit: %s", detail)
	}
	items, _, err := s.List(county, organization.Filter{Status: "active"})
	if err != nil || len(items) != 1 || items[0].ID != o.ID {
		t.Errorf("active in county: %+v %v", items, err)
	}
	items, _, _ = s.List(county, organization.Filter{Q: "衡桃社备字2023第015号"})
	if len(items) != 2 {
		t.Errorf("by registration number: %d", len(items))
	}
}

// TestMeasuresExact compares the engine's figures with counts made here
// from the organisations table after random creates, edits and closes.
func TestMeasuresExact(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := newService(e)
	city := e.As(auth.CityStaff, apptest.City)
	places := []string{apptest.County, apptest.SiblingCounty, apptest.Township, "131103100000", apptest.Community, apptest.SiblingCommunity,
		apptest.RuralCommunity, apptest.FarCommunity, apptest.City}
	r := rand.New(rand.NewPCG(3, 5))
	var ids []int64
	nonzero := 0
	for round := 0; round < 6; round++ {
		for i := 0; i < 8; i++ {
			switch op := r.IntN(4); {
			case op <= 1 || len(ids) == 0:
				p := valid(places[r.IntN(len(places))])
				p.Type = ptr(organization.Types[r.IntN(len(organization.Types))])
				p.IncubationBase = ptr(r.IntN(3) == 0)
				p.FullTimeStaff = ptr(int64(r.IntN(20)))
				o, err := s.Create(city, p)
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, o.ID)
			case op == 2:
				p := organization.OrganizationPatch{DivisionCode: ptr(places[r.IntN(len(places))]), FullTimeStaff: ptr(int64(r.IntN(20))),
					IncubationBase: ptr(r.IntN(2) == 0), Type: ptr(organization.Types[r.IntN(len(organization.Types))])}
				if r.IntN(4) == 0 {
					p.Status = ptr(organization.Active) // reopen
				}
				if _, err := s.Update(city, ids[r.IntN(len(ids))], p); err != nil {
					t.Fatal(err)
				}
			case op == 3:
				if _, err := s.Deregister(city, ids[r.IntN(len(ids))], "2026-05-01", nil); err != nil {
					t.Fatal(err)
				}
			}
		}
		want := independent(t, e)
		for _, code := range []string{apptest.City, apptest.County, apptest.SiblingCounty, apptest.Township, apptest.SiblingTownship, apptest.Community, apptest.FarCommunity} {
			rep, err := e.App.Indicators.ForDivision(city, code)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range rep.Figures {
				var num int64
				switch f.Indicator {
				case "incubation_base_coverage":
					num = apptest.SumUnder(want.bases, code)
				case "social_org_staff_per_10k":
					num = apptest.SumUnder(want.staff, code)
				case "disabled_association_coverage":
					num = apptest.SumUnder(want.assoc, code)
				default:
					continue
				}
				if f.Status == "awaiting" {
					t.Fatalf("%s awaits %s", f.Indicator, f.Awaiting)
				}
				if num > 0 {
					nonzero++
				}
				if int64(f.Numerator) != num {
					t.Errorf("round %d, %s at %s: %v, want %d", round, f.Indicator, code, f.Numerator, num)
				}
			}
		}
	}
	if nonzero < 30 {
		t.Errorf("only %d non-zero figures compared", nonzero)
	}
	// A repair from scratch changes nothing.
	before := independent(t, e)
	if err := s.Reconcile(e.Ctx, true); err != nil {
		t.Fatal(err)
	}
	rep, _ := e.App.Indicators.ForDivision(city, apptest.City)
	for _, f := range rep.Figures {
		if f.Indicator == "social_org_staff_per_10k" && int64(f.Numerator) != apptest.SumUnder(before.staff, apptest.City) {
			t.Errorf("after rebuild: %v", f.Numerator)
		}
	}
}

type counts struct{ bases, staff, assoc map[string]int64 }

func independent(t *testing.T, e *apptest.Env) *counts {
	t.Helper()
	c := &counts{bases: map[string]int64{}, staff: map[string]int64{}, assoc: map[string]int64{}}
	rows, err := e.App.DB.Q(e.Ctx).QueryContext(e.Ctx, `SELECT o.division_code, d.level, o.type, o.full_time_staff, o.incubation_base, o.status
		FROM organizations o JOIN divisions d ON d.code = o.division_code`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var code, typ, status string
		var level int
		var staff int64
		var base bool
		if err := rows.Scan(&code, &level, &typ, &staff, &base, &status); err != nil {
			t.Fatal(err)
		}
		if status != organization.Active {
			continue
		}
		c.staff[code] += staff
		if base && level >= 3 {
			c.bases[division.Code(code).County()] = 1
		}
		if typ == organization.DisabledAssociation && level == 5 {
			c.assoc[code] = 1
		}
	}
	return c
}

func TestImportExport(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := newService(e)
	ctx := e.As(auth.CountyStaff, apptest.County)
	header := []string{"Division code", "Name", "Registration or filing", "Registration or filing number", "Type", "Full-time staff", "Incubation base"}
	_, err := s.Import(ctx, apptest.Workbook(t, [][]string{header,
		{apptest.County, "桃城区社会组织孵化基地", "登记", "52131102MJ0000001X", "其他", "6", "是"},
		{apptest.FarCommunity, "", "licensed", "", "club", "2.5", "maybe"},
	}))
	got := map[string]string{}
	for _, f := range errs.As(err).Fields {
		got[fmt.Sprintf("%d:%s", f.Row, f.Field)] = f.Key
	}
	want := map[string]string{"3:division_code": "organization.division_not_found", "3:name": "error.required", "3:registration": "xlsx.not_one_of",
		"3:registration_number": "error.required", "3:type": "xlsx.not_one_of", "3:full_time_staff": "error.not_integer", "3:incubation_base": "error.not_bool"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("problems %v, want %v", got, want)
	}
	if msg := i18n.FieldMessage(i18n.EN, errs.As(err).Fields[0]); msg != `Row 3, division code: "131103100201" is not a division in your area` {
		t.Errorf("message %q", msg)
	}
	var n int
	_ = e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT count(*) FROM organizations`).Scan(&n)
	if n != 0 {
		t.Fatalf("bad file imported %d", n)
	}
	n, err = s.Import(ctx, apptest.Workbook(t, [][]string{header,
		{apptest.County, "桃城区社会组织孵化基地", "登记", "52131102MJ0000001X", "其他", "6", "是"},
		{apptest.RuralCommunity, "集贤街村残疾人协会", "filed", "备2024-3", "Disabled persons' association", "0", ""},
	}))
	if err != nil || n != 2 {
		t.Fatalf("import %d %v", n, err)
	}
	var audited int
	_ = e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT count(*) FROM audit_log WHERE action = 'organization.create' AND detail LIKE '%import_row%'`).Scan(&audited)
	if audited != 2 {
		t.Errorf("imported organisations audited: %d", audited)
	}
	rep, _ := e.App.Indicators.ForDivision(ctx, apptest.County)
	for _, f := range rep.Figures {
		if (f.Indicator == "incubation_base_coverage" || f.Indicator == "disabled_association_coverage") && f.Numerator != 1 {
			t.Errorf("%s after import: %v", f.Indicator, f.Numerator)
		}
	}
	var buf bytes.Buffer
	if err := s.Export(i18n.With(ctx, i18n.ZH), organization.Filter{Type: "disabled_persons_association"}, &buf); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows("社会组织")
	if len(rows) != 2 || !strings.Contains(strings.Join(rows[1], "|"), "集贤街村残疾人协会|备案|备2024-3|残疾人协会|0|否") {
		t.Errorf("export %q", rows)
	}
}

func TestPages(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	c := e.Session(auth.TownshipStaff, apptest.Township)
	res := c.PostForm("/organizations", url.Values{"division_code": {apptest.Community}, "name": {"萃景社区文体队"}, "registration": {"filed"},
		"registration_number": {""}, "type": {"culture_sport"}, "full_time_staff": {"x"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "专职工作人员数：应为整数") {
		t.Fatalf("invalid form: %d %s", res.StatusCode, res.Body)
	}
	res = c.PostForm("/organizations", url.Values{"division_code": {apptest.Community}, "name": {"萃景社区文体队"}, "registration": {"filed"},
		"registration_number": {"备-1"}, "type": {"culture_sport"}, "full_time_staff": {"2"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", res.StatusCode, res.Body)
	}
	loc := res.Header.Get("Location")
	if res := c.Get(loc); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "文体活动类") {
		t.Fatalf("view: %d", res.StatusCode)
	}
	if res := c.PostForm(loc+"/deregister", url.Values{"deregistered_on": {"2026-01-01"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("deregister: %d %s", res.StatusCode, res.Body)
	}
	if res := c.Get("/organizations?status=deregistered"); !strings.Contains(res.Body, "萃景社区文体队") || !strings.Contains(res.Body, "已注销") {
		t.Errorf("list: %s", res.Body)
	}
	if res := c.Get("/organizations/export.xlsx"); res.StatusCode != http.StatusOK {
		t.Errorf("export: %d", res.StatusCode)
	}
	if res := e.Session(auth.CommunityWorker, apptest.CousinCommunity).Get(loc); res.StatusCode != http.StatusNotFound {
		t.Errorf("cousin view: %d", res.StatusCode)
	}
	if res := e.Session(auth.Auditor, apptest.City).Get("/organizations"); res.StatusCode != http.StatusForbidden {
		t.Errorf("auditor: %d", res.StatusCode)
	}
}
