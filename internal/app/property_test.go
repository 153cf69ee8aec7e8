package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/property"
)

// Imports are all-or-nothing with every problem named by row; a company
// is named by its credit code in the compounds' sheet; an unverified
// resident cannot rate; a revealed contact is audited.
func TestPropertyImportAndRating(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	u, err := e.App.Users.ByName(e.Ctx, e.User(auth.CountyStaff, apptest.County))
	if err != nil {
		t.Fatal(err)
	}
	ctx := auth.With(context.Background(), &auth.Principal{UserID: u.ID, Name: u.Name, Role: auth.CountyStaff, Area: auth.AreaOf(apptest.County, division.County)})
	p := e.App.Property
	good, bad := creditCode(t, "91131102MA0000011"), creditCode(t, "91131102MA0000012")
	head := []string{"登记区划代码", "企业名称", "统一社会信用代码", "联系人", "联系电话"}
	_, err = p.ImportCompanies(ctx, apptest.Workbook(t, [][]string{head,
		{apptest.County, "甲物业", good, "甲经理测试", "13800000011"},
		{apptest.FarCommunity, "乙物业", bad, "乙", "13800000012"},
		{apptest.County, "丙物业", bad[:17] + "0", "丙", "abc"},
	}))
	fields := map[string]bool{}
	for _, fe := range errs.As(err).Fields {
		fields[fe.Field] = true
		if fe.Row == 0 {
			t.Errorf("a problem without its row: %+v", fe)
		}
	}
	if errs.Code(err) != errs.EINVALID || !fields["division_code"] || !fields["credit_code"] || !fields["phone"] {
		t.Fatalf("import of bad rows: %v %+v", err, fields)
	}
	if items, _, _ := p.ListCompanies(ctx, property.Filter{}); len(items) != 0 {
		t.Fatalf("a refused import kept %d companies", len(items))
	}
	n, err := p.ImportCompanies(ctx, apptest.Workbook(t, [][]string{head, {apptest.County, "甲物业", good, "甲经理测试", "13800000011"}}))
	if err != nil || n != 1 {
		t.Fatalf("import: %d %v", n, err)
	}
	n, err = p.ImportCompounds(ctx, apptest.Workbook(t, [][]string{
		{"所在社区代码", "所在社区", "小区名称", "地址", "户数", "楼栋数", "管理方式", "物业企业统一社会信用代码", "合同开始日期", "合同结束日期"},
		{apptest.Community, "", "锦绣花园", "人民路 1 号", "600", "10", "物业服务企业管理", good, "2024-01-01", "2099-12-31"},
		{apptest.SiblingCommunity, "", "翠苑", "", "80", "2", "业主自治管理", "", "", ""},
	}))
	if err != nil || n != 2 {
		t.Fatalf("import compounds: %d %v", n, err)
	}
	cs, _, err := p.ListCompounds(ctx, property.Filter{}, 0)
	if err != nil || len(cs) != 2 || cs[0].CompanyName != "甲物业" {
		t.Fatalf("compounds: %+v %v", cs, err)
	}

	// An unverified resident of the community cannot rate its compound.
	e.VerifiedResident("res-unverified", "未认证", apptest.Community, false)
	ru, _ := e.App.Users.ByName(e.Ctx, "res-unverified")
	tok, _, err := e.App.Sessions.CreateToken(e.Ctx, ru.ID, 3600e9)
	if err != nil {
		t.Fatal(err)
	}
	if res := e.API("POST", "/api/v1/ratings", tok, map[string]any{"kind": "property", "id": cs[0].ID, "level": 5, "occasion": "2026"}); res.StatusCode != http.StatusNotFound {
		t.Errorf("an unverified resident rated: %d %s", res.StatusCode, res.Body)
	}

	// The contact is masked, and whole only through the audited reveal.
	county := e.Token(auth.CountyStaff, apptest.County)
	if res := e.API("GET", "/api/v1/property/companies?q=13800000011", county, nil); !strings.Contains(res.Body, "138****0011") || strings.Contains(res.Body, "13800000011") {
		t.Errorf("search by phone: %s", res.Body)
	}
	if res := e.API("POST", fmt.Sprintf("/api/v1/property/companies/%d/contact", cs[0].CompanyID), county, nil); !strings.Contains(res.Body, "13800000011") {
		t.Errorf("reveal: %s", res.Body)
	}
	var n2 int
	if err := e.App.DB.Writer().QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'property.company.contact'`).Scan(&n2); err != nil || n2 != 1 {
		t.Errorf("reveals audited: %d %v", n2, err)
	}
	if e.App.DB.Dialect == db.SQLite {
		e.CheckSealed(nil, []string{"13800000011", "甲经理测试"}, "甲物业")
	}
}

// The property pages' tabs link only to what the role may open: a grid
// worker reads compounds, companies and committees, not the companies'
// yearly scores; every link a role is shown opens for it.
func TestPropertyTabsFollowRoles(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	for _, role := range auth.AreaStaff() {
		area := apptest.Community
		if role == auth.TownshipStaff {
			area = apptest.Township
		} else if role == auth.CountyStaff {
			area = apptest.County
		} else if role == auth.CityStaff {
			area = apptest.City
		}
		c := e.Session(role, area)
		page := c.Get("/property/compounds")
		if page.StatusCode != http.StatusOK {
			t.Fatalf("%s compounds: %d", role, page.StatusCode)
		}
		for _, tab := range []string{"/property/companies", "/property/committees", "/property/scores", "/ratings?kind=property"} {
			shown := strings.Contains(page.Body, `href="`+strings.ReplaceAll(tab, "&", "&amp;")+`"`)
			opens := c.Get(tab).StatusCode == http.StatusOK
			if shown != opens {
				t.Errorf("%s: the tab %s shown %v, opens %v", role, tab, shown, opens)
			}
		}
	}
}
