package proxy_test

import (
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/proxy"
)

// BenchmarkTakeCase: taking a case at the hall (seal three fields, the
// working-day deadline, the coverage measure up the tree, the audit
// record, one transaction), and reading the area's list of cases.
func BenchmarkTakeCase(b *testing.B) {
	e := apptest.New(b)
	s := e.App.Proxy
	all, err := s.Offerings(e.Ctx, apptest.Community)
	if err != nil {
		b.Fatal(err)
	}
	var ids []int64
	for _, v := range all {
		ids = append(ids, v.ID)
	}
	if err := s.SetOfferings(e.Ctx, apptest.Community, ids); err != nil {
		b.Fatal(err)
	}
	in := proxy.CaseIntake{CommunityCode: apptest.Community, ServiceID: ids[0], Name: "王秀英", Phone: "13933186622", IDNumber: "11010519491231002X"}
	b.Run("create", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Create(e.Ctx, in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("list", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := s.List(e.Ctx, proxy.Filter{Division: apptest.Township, PerPage: 50}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
