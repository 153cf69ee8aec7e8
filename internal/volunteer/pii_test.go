package volunteer_test

import (
	"fmt"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/volunteer"
)

// Volunteers' ID numbers and phones never reach the database file, its
// WAL or a backup in the clear (registration, a phone change, the audit
// log); the names do, so the scan reads the right bytes.
func TestNoPlainPersonalData(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	if e.App.DB.Path == "" {
		t.Skip("the database is not a file (PostgreSQL)")
	}
	c := &clock{at("2026-11-20 10:00:00")}
	s := newService(e, c)
	staff := as(e, auth.CommunityWorker, apptest.Community)
	var ids, phones []string
	for i := range 20 {
		id, phone, newPhone := idFor(100+i), fmt.Sprintf("1391234%04d", i), fmt.Sprintf("1371234%04d", i)
		v, err := s.Register(staff, volunteer.Registration{CommunityCode: ptr(apptest.Community), Name: ptr(fmt.Sprintf("封存测试%d", i)), IDNumber: ptr(id), Phone: ptr(phone)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Update(staff, v.ID, volunteer.Registration{Phone: ptr(newPhone)}); err != nil {
			t.Fatal(err)
		}
		ids, phones = append(ids, id), append(phones, phone, newPhone)
	}
	if got, _, err := s.List(staff, volunteer.Filter{Phone: phones[3], Reason: "核对"}); err != nil || len(got) != 1 || got[0].Name != "封存测试1" {
		t.Fatalf("phone search: %+v %v", got, err)
	}
	e.CheckSealed(ids, phones, "封存测试1")
}
